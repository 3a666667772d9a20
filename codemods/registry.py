"""The ordered list of codemods the engine runs. Order matters where noted."""

from __future__ import annotations

from typing import Protocol

import libcst as cst

from codemods.async_calls import AsyncCalls
from codemods.base import Options, RuleInfo
from codemods.context import MigrationContext
from codemods.shim_imports import ShimImports


class Codemod(Protocol):
    rules: tuple[RuleInfo, ...]

    def apply(self, module: cst.Module, ctx: MigrationContext) -> cst.Module: ...


def full_migration_codemods() -> list[Codemod]:
    """The MilvusClient rewrite. Filled in by the codemod rules (see codemods/README)."""
    return [
        # AsyncCalls must stay LAST: it rewrites the MilvusClient calls the rules above produce
        # (inside `async def`) into awaited AsyncMilvusClient calls.
        AsyncCalls(),
    ]


def enabled_codemods(options: Options) -> list[Codemod]:
    if options.shim:
        return [ShimImports()]
    return full_migration_codemods()


def all_rules() -> list[RuleInfo]:
    seen: dict[str, RuleInfo] = {}
    for codemod in [ShimImports(), *full_migration_codemods()]:
        for rule in codemod.rules:
            seen.setdefault(rule.code, rule)
    return sorted(seen.values(), key=lambda r: r.code)
