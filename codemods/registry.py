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
    """The MilvusClient rewrite, in the order that matters:

    1. Collection methods and properties (each asks the analysis whether the whole collection
       binding can be migrated, so they agree with step 2);
    2. the Collection constructor, after every use of it was rewritten;
    3. MutationResult uses, which recognise the migrated `client.insert(...)` calls;
    4. utility/db calls, then connections: they keep `connections.connect` when ORM code that
       needs it was left behind;
    5. imports, once every reference is final.
    """
    from codemods.compaction import CompactionCalls
    from codemods.connections import Connections
    from codemods.data import DataCalls
    from codemods.imports import UpdateImports
    from codemods.index import IndexCalls
    from codemods.index_objects import IndexObjects
    from codemods.lifecycle import CollectionConstructor, LifecycleCalls
    from codemods.partitions import PartitionCalls, PartitionObjects
    from codemods.results import MutationResults
    from codemods.schema import SchemaBuild
    from codemods.search import SearchCalls
    from codemods.untracked_holders import UntrackedHolders
    from codemods.utility_db import UtilityDbCalls

    return [
        DataCalls(),
        SearchCalls(),
        IndexCalls(),
        PartitionCalls(),
        CompactionCalls(),
        PartitionObjects(),
        IndexObjects(),  # like PartitionObjects: before the constructor rule
        LifecycleCalls(),
        UntrackedHolders(),  # reports only; before the constructor rule, see there
        CollectionConstructor(),
        MutationResults(),
        UtilityDbCalls(),
        Connections(),
        SchemaBuild(),  # after the data rules, which read CollectionSchema field order
        UpdateImports(),
        # AsyncCalls must stay LAST: it rewrites the MilvusClient calls the rules above produce
        # (inside `async def`) into awaited AsyncMilvusClient calls.
        AsyncCalls(),
    ]


def enabled_codemods(options: Options) -> list[Codemod]:
    if options.shim:
        return [ShimImports()]
    if options.shim_rest:
        # `--shim-rest`: ShimImports goes after AsyncCalls, not before it, so every migration
        # codemod reads the tree plain migration gives it (the analysis recognises ORM names by
        # their pymilvus imports, and AsyncCalls merges into and inspects those imports): the
        # rewrites and findings are plain migration's, and a file with no ORM name left comes
        # out byte for byte as plain migration writes it. ShimImports then only repoints the
        # imports of the ORM names the code left for manual review still uses.
        return [*full_migration_codemods(), ShimImports()]
    return full_migration_codemods()


def all_rules() -> list[RuleInfo]:
    seen: dict[str, RuleInfo] = {}
    for codemod in [ShimImports(), *full_migration_codemods()]:
        for rule in codemod.rules:
            seen.setdefault(rule.code, rule)
    return sorted(seen.values(), key=lambda r: r.code)
