"""MM180: imports follow the rewrite.

ORM names that are no longer referenced are removed from `from pymilvus import ...` (and
`pymilvus.orm.*`) imports; names still used (a reported ORM site, `FieldSchema`, `DataType`)
stay. `MilvusClient`, `CollectionSchema` and `os`, when the rewrite introduced a reference
to them that nothing binds, are imported. Runs last.

The name pymilvus's class goes by (`PyMilvusClient` where the module binds `MilvusClient`
itself) and where a pymilvus import goes in a module that imports pymilvus only lazily or
guarded are decided in codemods/client_import.py, which MM101 asks too.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
from libcst.metadata import GlobalScope, MetadataWrapper, ScopeProvider

from codemods.analysis import canonical_name, wrapper_of
from codemods.base import Applicability, RuleInfo
from codemods.client_import import (
    client_class_name,
    dotted_name,
    import_anchor,
    imports_pymilvus_up_front,
)
from codemods.context import MigrationContext
from codemods.orm_names import is_orm_module
from codemods.rewrite import code_of
from codemods.shim_names import is_shim_module

RULE = RuleInfo(
    code="MM180",
    title="Update imports: drop unused ORM names, add MilvusClient",
    description=(
        "Removes ORM names (`Collection`, `connections`, `utility`, ...) that the rewrite left "
        "unused (also `import pymilvus.orm.<module> as x` once nothing reads `x`; a plain "
        "`import pymilvus.orm.<module>` binds `pymilvus` and stays) "
        "and adds `from pymilvus import MilvusClient` (and `os`, `CollectionSchema`) "
        "where new code needs them. Names still in use are kept. When the module binds "
        "`MilvusClient` to anything else (its own class, a parameter, another library's), the "
        "new code calls pymilvus's class `PyMilvusClient`, imported as `from pymilvus import "
        "MilvusClient as PyMilvusClient`. A module that imports pymilvus only inside a function "
        "or a guarded block (`try: ... except ImportError`) keeps importing without it: the new "
        "name joins that import (or goes right after it), and a connect whose ORM name does "
        "not come from the import it would join stays ORM (MM101 finding)."
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
        # The analysis' wrapper already holds this tree's scopes when no codemod rewrote the
        # tree since; else they are resolved without libcst's empty batched walks.
        wrapper = wrapper_of(module, ctx, (ScopeProvider,))
        scopes = wrapper.resolve(ScopeProvider)
        global_scope = scopes[wrapper.module]
        # The rewrite's name for pymilvus.MilvusClient (`PyMilvusClient` when the module binds
        # `MilvusClient` to something else), chosen as the codemods that wrote it chose it.
        client_class = client_class_name(scopes)
        needed = {**_NEEDED, client_class: ("pymilvus", "MilvusClient")}
        if client_class != "MilvusClient":
            del needed["MilvusClient"]
        # A module that imports pymilvus only where it needs it keeps doing so: a pymilvus name
        # goes into the import its use would be bound by (codemods/client_import.py).
        up_front = imports_pymilvus_up_front(wrapper.module)
        unbound: set[str] = set()
        anchored: dict[int, tuple[cst.CSTNode, set[str]]] = {}
        for scope in {s for s in scopes.values() if s is not None}:
            for access in scope.accesses:
                name = access.node.value
                if name not in needed or access.referents:
                    continue
                anchor = None
                if not up_front and needed[name][0] == "pymilvus":
                    anchor = import_anchor(scope, wrapper.module)
                if anchor is None:
                    unbound.add(name)
                else:
                    anchored.setdefault(id(anchor), (anchor, set()))[1].add(name)
        unused: list[tuple[str, str, str | None, int]] = []
        # `import pymilvus.orm.<mod> as x` with `x` no longer read: (dotted module, x).
        unused_modules: list[tuple[str, str]] = []
        # MM190 replaces CollectionSchema/FieldSchema (and may drop a Function's last use).
        schema_rewritten = any(c.code == "MM190" for c in ctx.changes)
        # An ORM name imported inside a function: see _drop_unused_local_imports.
        local = any(
            isinstance(node, cst.ImportFrom)
            and not isinstance(scope, GlobalScope)
            and node.module is not None
            and not isinstance(node.names, cst.ImportStar)
            and any(
                _orm_alias(code_of(node.module), code_of(a.name), schema_rewritten)
                for a in node.names
            )
            for node, scope in scopes.items()
        )
        for stmt in wrapper.module.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.Import):
                    unused_modules.extend(_unused_orm_modules(small, global_scope))
                    continue
                if not isinstance(small, cst.ImportFrom) or small.relative or small.module is None:
                    continue
                if isinstance(small.names, cst.ImportStar):
                    continue
                mod = code_of(small.module)
                for alias, name, bound in _orm_aliases(small, schema_rewritten):
                    if global_scope is not None and bound in global_scope:
                        refs = [r for a in global_scope[bound] for r in a.references]
                        if not refs:
                            unused.append(
                                (mod, name, code_of(alias.asname.name) if alias.asname else None, 0)
                            )
        if not unused and not unbound and not anchored and not unused_modules:
            return _drop_unused_local_imports(module, ctx, schema_rewritten, local)
        exported = _dunder_all(wrapper.module)
        unused = [u for u in unused if (u[2] or u[1]) not in exported]
        unused_modules = [u for u in unused_modules if u[1] not in exported]
        line = 1
        for _mod, name, _asname, _ in unused:
            ctx.record_change(line, RULE.code, f"removed unused import {name}")
        for mod, _asname in unused_modules:
            ctx.record_change(line, RULE.code, f"removed unused import {mod}")
        new = wrapper.module
        if anchored:
            specs = {
                key: sorted(_spec(name, needed[name][1]) for name in names)
                for key, (_anchor, names) in anchored.items()
            }
            for _anchor, names in anchored.values():
                for name in sorted(names):
                    ctx.record_change(line, RULE.code, f"import {name} next to the module's own")
            new = new.visit(_JoinAnchors(specs))
        if unused or unused_modules:
            new = _remove_aliases(
                new,
                {(mod, name, asname) for mod, name, asname, _ in unused},
                set(unused_modules),
            )
        plain: set[str] = set()
        objects: dict[str, set[str]] = {}
        for name in sorted(unbound):
            mod, obj = needed[name]
            if obj is None:
                plain.add(mod)
            else:
                objects.setdefault(mod, set()).add(_spec(name, obj))
            ctx.record_change(line, RULE.code, f"import {name}")
        if plain or objects:
            new = add_imports(new, plain, objects)
        return _drop_unused_local_imports(new, ctx, schema_rewritten, local)


def _orm_alias(mod: str, name: str, schema_rewritten: bool) -> bool:
    """`from mod import name` imports an ORM name the rewrite may leave unused. compat_shim's
    ORM names go like pymilvus's (`--shim-rest` output, or code written against the shim)."""
    if not (mod.startswith("pymilvus") or is_shim_module(mod)):
        return False
    return (
        canonical_name(f"{mod}.{name}") is not None
        or is_orm_module(f"{mod}.{name}")
        or (schema_rewritten and name in _SCHEMA_NAMES)
    )


def _orm_aliases(
    node: cst.ImportFrom, schema_rewritten: bool
) -> Iterator[tuple[cst.ImportAlias, str, str]]:
    """(alias, imported name, name it binds) for each ORM name `node` imports (`_orm_alias`)."""
    if isinstance(node.names, cst.ImportStar) or node.module is None:
        return
    mod = code_of(node.module)
    for alias in node.names:
        name = code_of(alias.name)
        if _orm_alias(mod, name, schema_rewritten):
            yield alias, name, code_of(alias.asname.name) if alias.asname else name


def _drop_unused_local_imports(
    module: cst.Module, ctx: MigrationContext, schema_rewritten: bool, local_orm_imports: bool
) -> cst.Module:
    """The ORM names that an import inside a function (`def f(): from pymilvus import
    Collection`) binds and nothing there reads any more: left behind, they would make the
    function raise ImportError once pymilvus drops the ORM. Resolved on the final tree, and
    only when the analysed tree had such an import (`local_orm_imports`)."""
    if not local_orm_imports:
        return module
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    drop: set[int] = set()
    for node, scope in scopes.items():
        if not isinstance(node, cst.ImportFrom) or scope is None:
            continue
        if isinstance(scope, GlobalScope) or node.relative or node.module is None:
            continue
        for alias, name, bound in _orm_aliases(node, schema_rewritten):
            own = [a for a in scope[bound] if getattr(a, "node", None) is node]
            if own and not any(a.references for a in own):
                drop.add(id(alias))
                ctx.record_change(1, RULE.code, f"removed unused import {name}")
    if not drop:
        return module
    return wrapper.module.visit(_DropLocalAliases(drop))


class _DropLocalAliases(cst.CSTTransformer):
    """Removes the aliases `drop` names (by id), the import when none is left, and puts a
    `pass` in a block that loses its last statement."""

    def __init__(self, drop: set[int]) -> None:
        self.drop = drop

    def leave_ImportFrom(
        self, original: cst.ImportFrom, updated: cst.ImportFrom
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(original.names, cst.ImportStar):
            return updated
        keep = [a for a in original.names if id(a) not in self.drop]
        if len(keep) == len(original.names):
            return updated
        if not keep:
            return cst.RemoveFromParent()
        keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(names=keep)

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if not updated.body:
            return cst.RemoveFromParent()
        if len(updated.body) != len(original.body):
            last = updated.body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            return updated.with_changes(body=[*updated.body[:-1], last])
        return updated

    def leave_IndentedBlock(
        self, original: cst.IndentedBlock, updated: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not updated.body:
            return updated.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])
        first = updated.body[0]
        if self._gone(original.body[0]) and all(e.comment is None for e in first.leading_lines):
            # The block's first statement went: the blank line after it must not lead.
            return updated.with_changes(
                body=[first.with_changes(leading_lines=[]), *updated.body[1:]]
            )
        return updated

    def _gone(self, statement: cst.BaseStatement) -> bool:
        """Every alias of the `from ... import` line `statement` is dropped."""
        return isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(small, cst.ImportFrom)
            and not isinstance(small.names, cst.ImportStar)
            and all(id(a) in self.drop for a in small.names)
            for small in statement.body
        )


def _spec(name: str, obj: str | None) -> str:
    """What goes after `import`: `MilvusClient`, or `MilvusClient as PyMilvusClient`."""
    return name if obj is None or obj == name else f"{obj} as {name}"


def _alias_of(spec: str) -> cst.ImportAlias:
    name, _, asname = spec.partition(" as ")
    if not asname:
        return cst.ImportAlias(name=cst.Name(name))
    return cst.ImportAlias(name=cst.Name(name), asname=cst.AsName(name=cst.Name(asname)))


def _spec_of(alias: cst.ImportAlias) -> str:
    return _spec(alias.evaluated_alias or alias.evaluated_name, alias.evaluated_name)


def _joins(node: cst.CSTNode) -> bool:
    """`from pymilvus import a, b` can take one more name (a submodule or `import pymilvus`
    gets a statement of its own right after it)."""
    return (
        isinstance(node, cst.ImportFrom)
        and not node.relative
        and node.module is not None
        and dotted_name(node.module) == "pymilvus"
        and not isinstance(node.names, cst.ImportStar)
    )


class _JoinAnchors(cst.CSTTransformer):
    """Puts each import spec into its anchor (`id(import node) -> specs`): into the anchor's
    own `from pymilvus import ...` (before its names, as add_imports does), or as
    `from pymilvus import ...` right after the anchor's statement, in the same block."""

    def __init__(self, specs: dict[int, list[str]]) -> None:
        super().__init__()
        self.specs = specs

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        specs = self.specs.get(id(original_node))
        if not specs or not _joins(original_node):
            return updated_node
        assert not isinstance(updated_node.names, cst.ImportStar)
        have = {_spec_of(a) for a in updated_node.names}
        names = [_alias_of(spec) for spec in specs if spec not in have]
        return updated_node.with_changes(names=[*names, *updated_node.names])

    def _after(self, original: cst.SimpleStatementLine | cst.SimpleStatementSuite) -> list[str]:
        specs: set[str] = set()
        for small in original.body:
            if not _joins(small):
                specs.update(self.specs.get(id(small), ()))
        return sorted(specs)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        specs = self._after(original_node)
        if not specs:
            return updated_node
        added = cst.parse_statement("from pymilvus import " + ", ".join(specs))
        return cst.FlattenSentinel([updated_node, added])

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        specs = self._after(original_node)
        if not specs:
            return updated_node
        added = cst.ImportFrom(module=cst.Name("pymilvus"), names=list(map(_alias_of, specs)))
        body = list(updated_node.body)
        body[-1] = body[-1].with_changes(
            semicolon=cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" "))
        )
        return updated_node.with_changes(body=[*body, added])


# ---- adding imports ---------------------------------------------------------------------
# What libcst's AddImportsVisitor does for `import M` and `from M import obj` (no aliases, no
# relative imports, no package name), applied to the module's own statements only: that
# visitor is a matcher-based transformer that rebuilds the whole tree and walks it twice, while
# everything it reads and changes is the block of imports at the top of the module. The result
# is the same tree text (tests/codemods/test_add_imports.py compares the two).


def add_imports(module: cst.Module, plain: set[str], objects: dict[str, set[str]]) -> cst.Module:
    """`module` with `import M` for each M in `plain` and `from M import obj` for each obj in
    `objects[M]`, unless the top block of imports already has them, placed as AddImportsVisitor
    places them: names go to the block's first `from M import ...` (sorted, before its own
    names), new statements after the block, behind a blank line."""
    body = list(module.body)
    start = 1 if _skip_first(module) else 0
    end = start
    while end < len(body) and _single_import(body[end]) is not None:
        end += 1
    plain = set(plain)
    wanted = {mod: set(objs) for mod, objs in objects.items() if objs}
    for stmt in body[start:end]:  # what the top block already imports
        small = _single_import(stmt)
        if isinstance(small, cst.Import):
            plain -= {alias.evaluated_name for alias in small.names if alias.asname is None}
            continue
        mod = _absolute_module(small)
        if mod is None or mod not in wanted:
            continue
        if isinstance(small.names, cst.ImportStar):
            # `*` binds every name as itself, not `MilvusClient as PyMilvusClient`.
            wanted[mod] = {obj for obj in wanted[mod] if " as " in obj}
        else:
            wanted[mod] -= {_spec_of(alias) for alias in small.names}
        if not wanted[mod]:
            del wanted[mod]
    for i in range(start, end):  # the first `from M import names` of the block takes them
        small = _single_import(body[i])
        if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
            continue
        mod = _absolute_module(small)
        if mod is None or mod not in wanted:
            continue
        names = [_alias_of(obj) for obj in sorted(wanted.pop(mod))]
        stmt = body[i]
        assert isinstance(stmt, cst.SimpleStatementLine)
        body[i] = stmt.with_changes(body=[small.with_changes(names=[*names, *small.names])])
    if not plain and not wanted:
        return module.with_changes(body=body)
    config = module.config_for_parsing
    added = [cst.parse_statement(f"import {mod}", config=config) for mod in sorted(plain)]
    added += [
        cst.parse_statement(f"from {mod} import " + ", ".join(sorted(objs)), config=config)
        for mod, objs in sorted(wanted.items())
    ]
    after = body[end:]
    if after:
        first = after[0]
        if not first.leading_lines:
            after[0] = first.with_changes(leading_lines=(cst.EmptyLine(),))
        elif first.leading_lines[0].comment is not None:
            after[0] = first.with_changes(leading_lines=(cst.EmptyLine(), *first.leading_lines))
    return module.with_changes(body=[*body[:end], *added, *after])


def _single_import(stmt: cst.BaseStatement) -> cst.Import | cst.ImportFrom | None:
    """The import of a statement line that holds one import and nothing else."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        small = stmt.body[0]
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            return small
    return None


def _skip_first(module: cst.Module) -> bool:
    """A leading docstring or `__strict__ = ...` line stays above the imports (libcst's rule)."""
    if not module.body or not isinstance(module.body[0], cst.SimpleStatementLine):
        return False
    body = module.body[0].body
    if len(body) != 1:
        return False
    small = body[0]
    if isinstance(small, cst.Expr):
        return isinstance(small.value, cst.SimpleString)
    return (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
        and small.targets[0].target.value == "__strict__"
    )


def _absolute_module(node: cst.ImportFrom) -> str | None:
    """The dotted module of an absolute `from M import ...`; None for a relative one."""
    if node.relative or node.module is None:
        return None
    return dotted_name(node.module)


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


def _unused_orm_modules(small: cst.Import, global_scope) -> list[tuple[str, str]]:
    """(module, name) for each `import pymilvus.orm.<mod> as name` of `small` whose name
    nothing reads. Only the `as` form: a plain `import pymilvus.orm.x` binds `pymilvus`,
    which other code may read. Importing pymilvus.orm's submodules runs nothing that
    `import pymilvus` (which the migrated code needs anyway) does not already run."""
    found = []
    for alias in small.names:
        if alias.asname is None:
            continue
        mod = code_of(alias.name)
        bound = code_of(alias.asname.name)
        if not is_orm_module(mod) or global_scope is None or bound not in global_scope:
            continue
        if not [r for a in global_scope[bound] for r in a.references]:
            found.append((mod, bound))
    return found


def _remove_aliases(
    module: cst.Module,
    drop: set[tuple[str, str, str | None]],
    drop_modules: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
) -> cst.Module:
    body: list[cst.BaseStatement] = []
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            body.append(stmt)
            continue
        smalls = []
        for small in stmt.body:
            if isinstance(small, cst.Import) and drop_modules:
                small = _without_modules(small, drop_modules)
                if small is None:
                    continue
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


def _without_modules(node: cst.Import, drop: set[tuple[str, str]]) -> cst.Import | None:
    """`node` without its `import M as x` aliases in `drop`; None when none is left."""
    keep = [
        a
        for a in node.names
        if a.asname is None or (code_of(a.name), code_of(a.asname.name)) not in drop
    ]
    if len(keep) == len(node.names):
        return node
    if not keep:
        return None
    keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return node.with_changes(names=keep)


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
