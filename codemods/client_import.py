"""The name the rewrite gives `pymilvus.MilvusClient` in a module, and where its import goes.

Two questions every codemod that writes `MilvusClient` and the import rule (MM180) must answer
the same way, from scope analysis alone, on the original tree and on the rewritten one:

1. Which name? `MilvusClient`, unless the module binds that name to anything other than
   pymilvus's class (its own class, a function, a parameter, another library's MilvusClient,
   a star import from elsewhere): then a fresh `PyMilvusClient` (`PyMilvusClient_2`, ...),
   imported as `from pymilvus import MilvusClient as PyMilvusClient`. A name bound only by
   imports of pymilvus's MilvusClient (an earlier run's output) is free, so a second run
   picks the same one.
2. Where does its import go? A module that imports pymilvus unconditionally at module level
   needs pymilvus to import at all, so the top of the module is as good as anywhere (MM180's
   usual place). A module that imports pymilvus only where it needs it (inside a function,
   or in a `try: ... except ImportError` / `if` block) must keep importing without it: the
   import goes into that module's own pymilvus import (the *anchor*), the first one of the
   innermost scope, seen from the use, that has one. A connect is rewritten only when the
   ORM name it calls comes from exactly that import, so the new name is bound exactly where
   the old one was (OrmModel.client_import_problem).

The async rewrite (codemods/async_calls.py) asks the same two questions for
`AsyncMilvusClient` (`PyAsyncMilvusClient` when taken); its twin client is made only where
the sync client's `MilvusClient` name comes from exactly the import the new one would join.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import libcst as cst
from libcst.metadata import ClassScope, GlobalScope, Scope

CLIENT_CLASS = "MilvusClient"
ASYNC_CLIENT_CLASS = "AsyncMilvusClient"  # the async rewrite (codemods/async_calls.py) asks too
# Modules whose `MilvusClient` / `AsyncMilvusClient` is pymilvus's class (compat_shim
# re-exports pymilvus's MilvusClient).
_CLIENT_MODULES = frozenset(
    {
        "compat_shim",
        "pymilvus",
        "pymilvus.milvus_client",
        "pymilvus.milvus_client.milvus_client",
        "pymilvus.milvus_client.async_milvus_client",
    }
)


def _fresh(cls: str) -> tuple[str, ...]:
    """`PyMilvusClient`, `PyMilvusClient_2`, ... for `cls` `MilvusClient`."""
    return (f"Py{cls}", *(f"Py{cls}_{i}" for i in range(2, 100)))


Import = cst.Import | cst.ImportFrom


def dotted_name(node: cst.BaseExpression | None) -> str | None:
    """`a.b.c` for a Name/Attribute chain; None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


# compat_shim imports pymilvus itself, so importing it is importing pymilvus: a new pymilvus
# import may go where it is (codemods/shim_names.py).
_PYMILVUS_ROOTS = frozenset({"pymilvus", "compat_shim"})


def is_pymilvus_import(node: cst.CSTNode) -> bool:
    """`import pymilvus[.x]` or `from pymilvus[.x] import ...` (absolute), or the same of
    compat_shim."""
    if isinstance(node, cst.ImportFrom):
        mod = None if node.relative else dotted_name(node.module)
        return mod is not None and mod.split(".")[0] in _PYMILVUS_ROOTS
    if isinstance(node, cst.Import):
        return any((dotted_name(a.name) or "").split(".")[0] in _PYMILVUS_ROOTS for a in node.names)
    return False


def _imports_client_as(node: cst.CSTNode, name: str, cls: str) -> bool:
    """`node` is `from pymilvus import <cls>` binding it to `name`."""
    if not isinstance(node, cst.ImportFrom) or node.relative:
        return False
    if dotted_name(node.module) not in _CLIENT_MODULES or isinstance(node.names, cst.ImportStar):
        return False
    return any(
        a.evaluated_name == cls and (a.evaluated_alias or a.evaluated_name) == name
        for a in node.names
    )


def _star_from_elsewhere(scopes: Mapping[cst.CSTNode, Scope | None]) -> bool:
    """A `from M import *` of a module other than pymilvus: it may bind `MilvusClient`."""
    return any(
        isinstance(node, cst.ImportFrom)
        and isinstance(node.names, cst.ImportStar)
        and (node.relative or dotted_name(node.module) not in _CLIENT_MODULES)
        for node in scopes
    )


def client_class_name(scopes: Mapping[cst.CSTNode, Scope | None], cls: str = CLIENT_CLASS) -> str:
    """The name a rewrite of this module calls pymilvus's class `cls` (MilvusClient or
    AsyncMilvusClient) by (see the module docstring): the first candidate that every binding
    of it, in every scope, imports from pymilvus (or that nothing binds)."""
    unique = {id(s): s for s in scopes.values() if s is not None}.values()
    fresh = _fresh(cls)
    candidates: Iterable[str] = fresh
    if not _star_from_elsewhere(scopes):
        candidates = (cls, *fresh)
    for name in candidates:
        if all(
            _imports_client_as(assignment.node, name, cls)
            for scope in unique
            if name in scope.assignments
            for assignment in scope.assignments[name]
        ):
            return name
    return fresh[-1]  # pragma: no cover - a hundred names taken


def imports_pymilvus_up_front(module: cst.Module) -> bool:
    """The module imports pymilvus unconditionally at module level (a statement directly in
    its body): it cannot be imported without pymilvus anyway."""
    return any(
        isinstance(stmt, cst.SimpleStatementLine) and any(map(is_pymilvus_import, stmt.body))
        for stmt in module.body
    )


def import_anchor(scope: Scope | None, module: cst.Module) -> Import | None:
    """The module's own pymilvus import that a name used in `scope` would be bound by if the
    new import joined it: the first, in source order, of the innermost enclosing scope that
    has one (class bodies are skipped for a nested scope, as Python's lookup does)."""
    current = scope
    while current is not None:
        if current is scope or not isinstance(current, ClassScope):
            imports = {
                id(a.node): a.node for a in current.assignments if is_pymilvus_import(a.node)
            }
            if imports:
                root = module if isinstance(current, GlobalScope) else current.node
                return next(_in_order(root, imports))
        if isinstance(current, GlobalScope):
            return None
        current = current.parent
    return None


def _in_order(root: cst.CSTNode, wanted: dict[int, Import]) -> Iterator[Import]:
    """The `wanted` nodes under `root` in source order (nested defs and classes are other
    scopes: not entered)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in wanted:
            yield wanted[id(node)]
            continue
        if node is not root and isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(reversed(node.children))


def root_name(expr: cst.BaseExpression) -> cst.Name | None:
    """`connections` of `connections.connect`, `pymilvus` of `pymilvus.connections.connect`."""
    while isinstance(expr, cst.Attribute):
        expr = expr.value
    return expr if isinstance(expr, cst.Name) else None


def bound_by_anchor(
    scopes: Mapping[cst.CSTNode, Scope | None], module: cst.Module, func: cst.BaseExpression
) -> bool:
    """The ORM name `func` calls is bound only by the import a new `MilvusClient` import next
    to it would join: the new name then resolves exactly where the old one did."""
    name = root_name(func)
    scope = scopes.get(name) if name is not None else None
    if name is None or scope is None:
        return False
    anchor = import_anchor(scopes.get(func), module)
    referents = {id(r.node): r.node for access in scope.accesses[name] for r in access.referents}
    return anchor is not None and list(referents) == [id(anchor)]
