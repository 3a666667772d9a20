"""MM180: imports follow the rewrite.

ORM names that are no longer referenced are removed from `from pymilvus import ...` (and
`pymilvus.orm.*`) imports; names still used (a reported ORM site, `FieldSchema`, `DataType`)
stay. `MilvusClient`, `CollectionSchema` and `os`, when the rewrite introduced a reference
to them that nothing binds, are imported. Runs last.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ScopeProvider

from codemods.analysis import canonical_name, wrapper_of
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
        # The analysis' wrapper already holds this tree's scopes; libcst's import visitors
        # below read them from it too instead of wrapping (copying) the tree again.
        wrapper = wrapper_of(module, ctx)
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
        exported = _dunder_all(wrapper.module)
        unused = [u for u in unused if (u[2] or u[1]) not in exported]
        line = 1
        for _mod, name, _asname, _ in unused:
            ctx.record_change(line, RULE.code, f"removed unused import {name}")
        new = wrapper.module
        if unused:
            new = _remove_aliases(new, {(mod, name, asname) for mod, name, asname, _ in unused})
        # Imported here: libcst.codemod pulls in libcst.matchers (about 40% of the CLI's
        # start-up), which a run over files without ORM code never needs.
        from libcst.codemod import CodemodContext
        from libcst.codemod.visitors import AddImportsVisitor, ImportItem

        items = []
        for name in sorted(unbound):
            mod, obj = _NEEDED[name]
            items.append(ImportItem(mod, obj))
            ctx.record_change(line, RULE.code, f"import {name}")
        if items:
            new = new.visit(AddImportsVisitor(CodemodContext(), items))  # needs no metadata
        return new


# ---- removing import aliases --------------------------------------------------------------
# What libcst's RemoveImportsVisitor does to a `from ... import` statement, applied to the
# module's own statements only: that visitor walks the whole tree through the matcher
# machinery and gathers references again, which made this rule a quarter of a migration's time,
# while the aliases to drop are already known to be unreferenced (scope analysis above).


def _dunder_all(module: cst.Module) -> set[str]:
    """Names listed in a module-level `__all__ = [...]`: exported, so never unused."""
    names: set[str] = set()
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if (
                isinstance(small, cst.Assign)
                and any(code_of(t.target) == "__all__" for t in small.targets)
                and isinstance(small.value, (cst.List, cst.Tuple))
            ):
                for element in small.value.elements:
                    if isinstance(element.value, cst.SimpleString):
                        names.add(element.value.evaluated_value)
    return names


def _remove_aliases(module: cst.Module, drop: set[tuple[str, str, str | None]]) -> cst.Module:
    body: list[cst.BaseStatement] = []
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            body.append(stmt)
            continue
        smalls = []
        for small in stmt.body:
            if (
                isinstance(small, cst.ImportFrom)
                and small.module is not None
                and not small.relative
            ):
                small = _without(small, code_of(small.module), drop)
                if small is None:
                    continue
            smalls.append(small)
        if not smalls:
            continue  # the whole line goes, as with RemoveImportsVisitor
        if len(smalls) != len(stmt.body):  # `a; b` lost its last part: no dangling `;`
            smalls[-1] = smalls[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        changed = len(smalls) != len(stmt.body) or any(
            a is not b for a, b in zip(smalls, stmt.body, strict=True)
        )
        if changed:
            stmt = stmt.with_changes(body=smalls)
        body.append(stmt)
    return module.with_changes(body=body)


def _without(
    node: cst.ImportFrom, mod: str, drop: set[tuple[str, str, str | None]]
) -> cst.ImportFrom | None:
    """`node` without the aliases in `drop`; None when none is left."""
    if isinstance(node.names, cst.ImportStar):
        return node
    keep: list[cst.ImportAlias] = []
    lpar = node.lpar
    for alias in node.names:
        if (mod, alias.evaluated_name, alias.evaluated_alias) not in drop:
            keep.append(alias)
            continue
        # A dropped alias's trailing comment moves to the previous alias (or the parenthesis).
        comma = alias.comma
        if not isinstance(comma, cst.Comma):
            continue
        if keep:
            prev = keep[-1]
            if isinstance(prev.comma, cst.Comma):
                prev = prev.with_deep_changes(
                    prev.comma,
                    whitespace_after=_merge_whitespace_after(
                        prev.comma.whitespace_after, comma.whitespace_after
                    ),
                )
            else:
                prev = prev.with_changes(comma=comma)
            keep[-1] = prev
        elif isinstance(lpar, cst.LeftParen):
            lpar = lpar.with_changes(
                whitespace_after=_merge_whitespace_after(
                    lpar.whitespace_after, comma.whitespace_after
                )
            )
    if len(keep) == len(node.names):
        return node
    if not keep:
        return None
    if keep[-1] is not node.names[-1]:
        keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return node.with_changes(names=keep, lpar=lpar)


def _merge_whitespace_after(
    left: cst.BaseParenthesizableWhitespace, right: cst.BaseParenthesizableWhitespace
) -> cst.BaseParenthesizableWhitespace:
    if not isinstance(right, cst.ParenthesizedWhitespace):
        return left
    if not isinstance(left, cst.ParenthesizedWhitespace):
        return right
    return left.with_changes(
        empty_lines=tuple(line for line in right.empty_lines if line.comment is not None)
    )
