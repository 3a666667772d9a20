"""`connections.has_connection(alias)` where the module's own clients answer it faithfully.

The ORM answers from its global registry: True once `connect(alias)` succeeded, False again
after `disconnect(alias)`. After migration the module's connects bind clients of its own, so
the question has an exact equivalent in two cases (`membership`):

- the module uses the alias registry (codemods/connection_registry.py): a successful connect
  stores `milvus_clients[alias]`, a disconnect pops it, so `alias in milvus_clients`;
- the alias is a literal whose connects bind one module-level client `client` (MM101) and
  the module never disconnects: `client` exists exactly when a connect succeeded, so
  `"client" in globals()` (a `client is None` test would need a `client = None` that changes
  what every other use does before the connect).

Otherwise (another module's alias, a disconnect, a client that code other than the connect
binds, a client in a class body) the call stays ORM code and is reported (MM103). Like the
rewritten connect itself, the answer no longer sees connects made by ORM code in other
modules (docs/migration-guide.md).
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis import OrmModel, connect_alias
from codemods.connection_registry import Registry, alias_expr

HAS_CONNECTION = "connections.has_connection"
_DISCONNECTS = ("connections.disconnect", "connections.remove_connection")


def membership(
    model: OrmModel, registry: Registry | None, call: cst.Call
) -> tuple[cst.BaseExpression, cst.BaseExpression] | str:
    """`(needle, haystack)` with `needle in haystack` == `call` (a has_connection call), or
    why there is none."""
    key = alias_expr(call)
    if key is None or len(call.args) != 1:
        return "the alias is not a single plain argument"
    if registry is not None:
        return key, cst.Name(registry.name)
    alias = model.literal(key)
    if alias is None:
        return "the alias is not a literal and the module has no alias registry (see MM101)"
    client = model.client_for(alias)
    if client is None or not any(
        connect_alias(model.connect_view(c), model.literal) == alias for c in model.connect_calls
    ):
        return f"no client for alias {alias!r} is created in this module"
    if any(name in _DISCONNECTS for name in model.canonical_of.values()):
        return "the module disconnects, and a closed client still exists"
    if model.is_name_used("globals"):
        return "the module binds or uses the name `globals`"
    if _assigned(model, client):
        return f"`{client}` is also bound by other code"
    for connect in model.connect_calls:
        if connect_alias(model.connect_view(connect), model.literal) == alias and _in_class_body(
            model, connect
        ):
            return "the connect is in a class body (its client is a class attribute)"
    return cst.SimpleString(f'"{client}"'), cst.parse_expression("globals()")


def _assigned(model: OrmModel, name: str) -> bool:
    return any(a.name == name for scope in model.ordered_scopes() for a in scope.assignments)


def _in_class_body(model: OrmModel, node: cst.CSTNode) -> bool:
    current = model.parent(node)
    while current is not None:
        if isinstance(current, (cst.FunctionDef, cst.Lambda)):
            return False
        if isinstance(current, cst.ClassDef):
            return True
        current = model.parent(current)
    return False


def membership_test(
    needle: cst.BaseExpression, haystack: cst.BaseExpression, negated: bool
) -> cst.Comparison:
    operator: cst.BaseCompOp = cst.NotIn() if negated else cst.In()
    return cst.Comparison(left=needle, comparisons=[cst.ComparisonTarget(operator, haystack)])
