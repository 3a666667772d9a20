"""MM180: imports follow the rewrite.

ORM names that are no longer referenced are removed from `from pymilvus import ...` (and
`pymilvus.orm.*`) imports; names still used (a reported ORM site, `FieldSchema`, `DataType`)
stay. `MilvusClient`, `CollectionSchema` and `os`, when the rewrite introduced a reference
to them that nothing binds, are imported. Runs last.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, ImportItem, RemoveImportsVisitor
from libcst.metadata import MetadataWrapper, ScopeProvider

from codemods.analysis import canonical_name
from codemods.base import Applicability, RuleInfo
from codemods.context import MigrationContext
from codemods.rewrite import code_of

RULE = RuleInfo(
    code="MM180",
    title="Update imports: drop unused ORM names, add MilvusClient",
    description=(
        "Removes ORM names (`Collection`, `connections`, `utility`, ...) that the rewrite left "
        "unused and adds `from pymilvus import MilvusClient` (and `os`, `CollectionSchema`) "
        "where new code needs them. Names still in use are kept."
    ),
    applicability=Applicability.SAFE,
    before="from pymilvus import Collection, DataType, connections\n",
    after="from pymilvus import DataType, MilvusClient\n",
)

_SCHEMA_NAMES = frozenset({"CollectionSchema", "FieldSchema", "Function"})
_NEEDED = {
    "MilvusClient": ("pymilvus", "MilvusClient"),
    "CollectionSchema": ("pymilvus", "CollectionSchema"),
    "os": ("os", None),
}


class UpdateImports:
    rules = (RULE,)

    def apply(self, module: cst.Module, ctx: MigrationContext) -> cst.Module:
        if not ctx.changes:
            return module  # nothing was rewritten: leave imports alone
        wrapper = MetadataWrapper(module)
        scopes = wrapper.resolve(ScopeProvider)
        global_scope = scopes[wrapper.module]
        unbound: set[str] = set()
        for scope in {s for s in scopes.values() if s is not None}:
            for access in scope.accesses:
                if access.node.value in _NEEDED and not access.referents:
                    unbound.add(access.node.value)
        unused: list[tuple[str, str, str | None, int]] = []
        # MM190 replaces CollectionSchema/FieldSchema (and may drop a Function's last use).
        schema_rewritten = any(c.code == "MM190" for c in ctx.changes)
        for stmt in wrapper.module.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if not isinstance(small, cst.ImportFrom) or small.relative or small.module is None:
                    continue
                if isinstance(small.names, cst.ImportStar):
                    continue
                mod = code_of(small.module)
                if not mod.startswith("pymilvus"):
                    continue
                for alias in small.names:
                    name = code_of(alias.name)
                    if canonical_name(f"{mod}.{name}") is None and not (
                        schema_rewritten and name in _SCHEMA_NAMES
                    ):
                        continue
                    bound = code_of(alias.asname.name) if alias.asname else name
                    if global_scope is not None and bound in global_scope:
                        refs = [r for a in global_scope[bound] for r in a.references]
                        if not refs:
                            unused.append(
                                (mod, name, code_of(alias.asname.name) if alias.asname else None, 0)
                            )
        if not unused and not unbound:
            return module
        cctx = CodemodContext(wrapper=wrapper, metadata_manager=None)
        line = 1
        for mod, name, asname, _ in unused:
            RemoveImportsVisitor.remove_unused_import(cctx, mod, name, asname)
            ctx.record_change(line, RULE.code, f"removed unused import {name}")
        new = wrapper.module
        if unused:
            new = RemoveImportsVisitor(cctx).transform_module(new)
        items = []
        for name in sorted(unbound):
            mod, obj = _NEEDED[name]
            items.append(ImportItem(mod, obj))
            ctx.record_change(line, RULE.code, f"import {name}")
        if items:
            new = AddImportsVisitor(CodemodContext(), items).transform_module(new)
        return new
