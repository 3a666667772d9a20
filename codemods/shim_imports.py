"""MM001: point ORM imports at compat_shim (the `--shim` mode, and the end of `--shim-rest`).

The lightest migration: code keeps its ORM calls and runs on the shim, which is built on
MilvusClient and survives pymilvus 3.1. Only import statements change. In `--shim-rest` mode it
runs after the full migration (codemods/registry.py), so it repoints only the imports of the
ORM names the code left for manual review still uses.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import PositionProvider

from codemods.base import Applicability, RuleInfo
from codemods.context import MigrationContext, node_position
from codemods.orm_names import ORM_MODULES, TOP_LEVEL_ORM_NAMES

RULE = RuleInfo(
    code="MM001",
    title="Import ORM names from compat_shim",
    description=(
        "In `--shim` mode, imports of deprecated ORM names (`Collection`, `connections`, "
        "`utility`, ...) from `pymilvus` or `pymilvus.orm.*` are pointed at `compat_shim`, "
        "which re-implements them on MilvusClient. Shared names such as `FieldSchema` and "
        "`DataType` keep coming from pymilvus. `import pymilvus` followed by "
        "`pymilvus.Collection` is reported: use `compat_shim.install()` there. In "
        "`--shim-rest` mode the full migration runs first and MM001 then repoints only the "
        "imports of the ORM names still used by the code it left for manual review (with "
        "`connections.connect` kept for it), so that code runs on the shim under pymilvus 3.1 "
        "too; a file with nothing left ORM comes out as plain migration writes it."
    ),
    applicability=Applicability.SAFE,
    before="from pymilvus import Collection, DataType, connections\n",
    after=("from compat_shim import Collection, connections\nfrom pymilvus import DataType\n"),
)

_SHIM_PACKAGE_NAMES = {"pymilvus", "pymilvus.orm"}


def _alias_name(alias: cst.ImportAlias) -> str:
    return get_full_name_for_node(alias.name) or ""


class ShimImportsTransformer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, ctx: MigrationContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._pymilvus_module_names: set[str] = set()

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if len(updated.body) != 1 or not isinstance(updated.body[0], cst.ImportFrom):
            return updated
        imp = updated.body[0]
        if imp.relative or imp.module is None:
            return updated
        module = get_full_name_for_node(imp.module) or ""
        line, col = node_position(self, original)
        if not self.ctx.may_rewrite(line, RULE.code):  # rule deselected or suppressed here
            return updated
        if isinstance(imp.names, cst.ImportStar):
            if module in _SHIM_PACKAGE_NAMES or module in ORM_MODULES:
                self.ctx.report(
                    line,
                    col,
                    RULE.code,
                    f"`from {module} import *` may pull in ORM names",
                    "import the names explicitly, or call compat_shim.install() at start-up",
                )
            return updated
        if module in ORM_MODULES:
            target = ORM_MODULES[module]
            self.ctx.record_change(line, RULE.code, f"import from {target} instead of {module}")
            return updated.with_changes(
                body=[imp.with_changes(module=cst.parse_expression(target))]
            )
        if module not in _SHIM_PACKAGE_NAMES:
            return updated
        moved = [a for a in imp.names if _alias_name(a) in TOP_LEVEL_ORM_NAMES]
        kept = [a for a in imp.names if _alias_name(a) not in TOP_LEVEL_ORM_NAMES]
        if not moved:
            return updated
        names = ", ".join(_alias_name(a) for a in moved)
        self.ctx.record_change(line, RULE.code, f"import {names} from compat_shim")
        shim_import = imp.with_changes(module=cst.Name("compat_shim"), names=_end_like(moved, imp))
        if not kept:
            return updated.with_changes(body=[shim_import])
        rest = updated.with_changes(
            body=[imp.with_changes(names=_end_like(kept, imp))],
            leading_lines=[],
            trailing_whitespace=cst.TrailingWhitespace(),
        )
        return cst.FlattenSentinel([updated.with_changes(body=[shim_import]), rest])

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if _alias_name(alias) == "pymilvus":
                asname = alias.asname
                bound = get_full_name_for_node(asname.name) if asname is not None else "pymilvus"
                self._pymilvus_module_names.add(bound or "pymilvus")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if (
            isinstance(node.value, cst.Name)
            and node.value.value in self._pymilvus_module_names
            and node.attr.value in TOP_LEVEL_ORM_NAMES
        ):
            line, col = node_position(self, node)
            self.ctx.report(
                line,
                col,
                RULE.code,
                f"`{node.value.value}.{node.attr.value}` is reached through the pymilvus module",
                "call compat_shim.install() before this code runs, "
                "or import the name from compat_shim",
            )


def _end_like(aliases: list[cst.ImportAlias], imp: cst.ImportFrom) -> list[cst.ImportAlias]:
    """Give a subset of an import's names the ending the full list had.

    A parenthesized multi-line import keeps its parentheses, so the subset's last name takes
    the original last comma (often a trailing comma plus the newline before `)`); without
    parentheses a dangling comma would be a syntax error, so it is dropped.
    """
    out = list(aliases)
    original_last = imp.names[-1] if not isinstance(imp.names, cst.ImportStar) else None
    if imp.lpar is not None and original_last is not None:
        out[-1] = out[-1].with_changes(comma=original_last.comma)
    else:
        out[-1] = out[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return out


class ShimImports:
    """Codemod wrapper: the engine calls `apply` with a parsed module."""

    rules = (RULE,)

    def apply(self, module: cst.Module, ctx: MigrationContext) -> cst.Module:
        return cst.MetadataWrapper(module).visit(ShimImportsTransformer(ctx))
