"""MM170: MutationResult attribute uses -> the dict MilvusClient returns.

After MM130/MM132, `res = client.insert(...)` holds a dict: `res.insert_count` becomes
`res["insert_count"]`, `res.primary_keys` becomes `res["ids"]`. `delete` may return a plain
list of primary keys (milvus-lite echoes them), so `res.delete_count` becomes
`(res["delete_count"] if isinstance(res, dict) else len(res))`. Attributes with no dict
counterpart (`timestamp`, `succ_count`, ...) are reported.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import BuiltinAssignment

from codemods.analysis import OrmModel, model_of
from codemods.base import Applicability, RuleInfo
from codemods.context import MigrationContext
from codemods.rewrite import FStringTracker, code_of, fit_in_fstring, string_value, subscript

RULE = RuleInfo(
    code="MM170",
    title="MutationResult attributes -> dict keys",
    description=(
        "On results of migrated insert/upsert/delete calls: `.insert_count`, `.upsert_count`, "
        '`.cost` -> the same key, `.primary_keys` -> `["ids"]`, `.delete_count` -> the key, '
        "or `len()` when the server returned the deleted keys as a list. `getattr(res, "
        '"primary_keys"[, default])` with one of those names reads the key (`res["ids"]`, '
        '`res.get("ids", default)`); on a delete result, or with a name that has no key, it '
        "is reported. A result whose reads are not all visible here (returned, yielded, "
        "passed to a call, put in a container or attribute, or held by a variable that also "
        "holds other values) keeps its insert/upsert/delete ORM, reported under MM130/MM132: "
        "code elsewhere may read `.insert_count` off what would become a dict."
    ),
    applicability=Applicability.SAFE,
    before="res = client.insert(collection_name=c, data=rows)\nprint(res.insert_count)\n",
    after='res = client.insert(collection_name=c, data=rows)\nprint(res["insert_count"])\n',
)

_KEYS = {
    "insert_count": "insert_count",
    "upsert_count": "upsert_count",
    "cost": "cost",
    "primary_keys": "ids",
    "delete_count": "delete_count",
}
_LOST = {"timestamp", "succ_count", "err_count", "succ_index", "err_index"}
_MUTATIONS = {"insert", "upsert", "delete"}


# Where a result read as a MutationResult would be seen by code this module cannot rewrite.
_ESCAPES: dict[type[cst.CSTNode], str] = {
    cst.Return: "is returned",
    cst.Yield: "is yielded",
    cst.Arg: "is passed to a call",
    cst.Element: "is put in a container",
    cst.DictElement: "is put in a dict",
    cst.StarredElement: "is put in a container",
    cst.StarredDictElement: "is put in a dict",
    cst.Lambda: "is returned by a lambda",
}
ESCAPE_SUGGESTION = (
    "migrate it by hand: the MilvusClient result is a dict, so wherever it is read, "
    '`.insert_count`/`.upsert_count`/`.delete_count` become `["..."]` and `.primary_keys` '
    'becomes `["ids"]` (delete may return a list of keys)'
)


def escape_problem(model: OrmModel, call: cst.Call) -> str:
    """Why the result of the ORM insert/upsert/delete `call` may be read as a MutationResult
    where MM170 cannot see it ('' when it is dropped, or every read is an attribute or
    getattr() that MM170 rewrites or reports). The migrated call returns a dict, so a
    caller reading `.insert_count` off a returned result would fail with AttributeError."""
    parent = model.parent(call)
    if isinstance(parent, cst.Expr):
        return ""
    if isinstance(parent, cst.Attribute) and parent.value is call:
        attr = parent.attr.value
        known = attr in _KEYS or attr in _LOST  # MM170 rewrites or reports it
        return "" if known else f"its `.{attr}` has no MilvusClient counterpart"
    target = _single_name_target(model, call, parent)
    if target is None:
        if isinstance(parent, cst.Return) and _callers_drop_result(model, parent):
            return ""
        return _escape_reason(model, call, parent, "the result")
    scope = model.scopes.get(target)
    if scope is None:
        return f"the uses of `{target.value}` cannot be followed"
    method = call.func.attr.value if isinstance(call.func, cst.Attribute) else ""
    for assignment in scope.assignments[target.value]:
        value = model._assigned_value(getattr(assignment, "node", None))
        if not (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Attribute)
            and value.func.attr.value == method
        ):
            return (
                f"`{target.value}` also holds other values, so its reads cannot be rewritten "
                "to the dict MilvusClient returns"
            )
        for access in assignment.references:
            node = access.node
            use = model.parent(node)
            if isinstance(use, cst.Attribute) and use.value is node:
                if use.attr.value in _KEYS or use.attr.value in _LOST:
                    continue
                return f"`{target.value}.{use.attr.value}` has no MilvusClient counterpart"
            if _is_getattr_subject(use, model, node):
                continue
            if isinstance(use, cst.Return) and _callers_drop_result(model, use):
                continue
            return _escape_reason(model, node, use, f"`{target.value}`")
    return ""


def _callers_drop_result(model: OrmModel, ret: cst.Return) -> bool:
    """`ret` is in a plain function (not a method, not decorated) that this module calls,
    only ever as a statement of its own, and whose callers are all in view
    (OrmModel.unseen_callers: not a public function of a library module, not in `__all__`):
    what it returns is dropped by every caller."""
    func = model._enclosing(ret, cst.FunctionDef)
    if not isinstance(func, cst.FunctionDef) or func.decorators:
        return False
    if isinstance(model.parent(model.parent(func)), cst.ClassDef):
        return False
    if model.unseen_callers(func):  # e.g. a public function of a library: importers may read it
        return False
    scope = model.scopes.get(func)
    name = func.name.value
    if scope is None or name not in scope.assignments:
        return False
    refs = [access.node for a in scope.assignments[name] for access in a.references]
    if len(scope.assignments[name]) != 1 or not refs:
        return False
    for ref in refs:
        call = model.parent(ref)
        if not (
            isinstance(call, cst.Call)
            and call.func is ref
            and isinstance(model.parent(call), cst.Expr)
        ):
            return False
    return True


def _single_name_target(
    model: OrmModel, call: cst.Call, parent: cst.CSTNode | None
) -> cst.Name | None:
    """`x` in `x = call` / `x: T = call`, the only target."""
    if isinstance(parent, cst.Assign) and parent.value is call and len(parent.targets) == 1:
        target = parent.targets[0].target
        return target if isinstance(target, cst.Name) else None
    if isinstance(parent, cst.AnnAssign) and parent.value is call:
        return parent.target if isinstance(parent.target, cst.Name) else None
    return None


def _is_getattr_subject(use: cst.CSTNode | None, model: OrmModel, node: cst.CSTNode) -> bool:
    """`node` is the first argument of `getattr(node, ...)` (MM170 rewrites or reports it)."""
    call = model.parent(use) if isinstance(use, cst.Arg) else None
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Name)
        and call.func.value == "getattr"
        and bool(call.args)
        and call.args[0] is use
    )


def _escape_reason(
    model: OrmModel, node: cst.CSTNode, parent: cst.CSTNode | None, what: str
) -> str:
    if isinstance(parent, cst.Arg):
        call = model.parent(parent)
        callee = code_of(call.func) if isinstance(call, cst.Call) else "a call"
        how = f"is passed to `{callee}()`"
    elif isinstance(parent, (cst.AssignTarget, cst.Assign, cst.AnnAssign, cst.AugAssign)):
        how = "is stored where its reads are not followed"
    else:
        how = _ESCAPES.get(type(parent), "")
    if not how:
        # a short expression is named; a statement (`if res:`) would quote its whole block
        text = code_of(parent) if isinstance(parent, cst.BaseExpression) else ""
        how = f"is used in `{text}`" if text and len(text) <= 60 else "is used as a value"
    return (
        f"{what} {how}; code reading it as a MutationResult (`.insert_count`, "
        "`.primary_keys`) would get the dict MilvusClient returns"
    )


class _Transformer(FStringTracker, cst.CSTTransformer):
    def __init__(self, model: OrmModel, ctx: MigrationContext) -> None:
        super().__init__()
        self.model = model
        self.ctx = ctx

    def _mutation_of(self, expr: cst.BaseExpression) -> str | None:
        """'insert'/'upsert'/'delete' when `expr` holds a migrated mutation result."""
        if isinstance(expr, cst.Call):
            return self._client_mutation(expr)
        if not isinstance(expr, cst.Name):
            return None
        scope = self.model.scopes.get(expr)
        if scope is None:
            return None
        kinds = set()
        assignments = list(scope[expr.value]) if expr.value in scope else []
        if not assignments:
            return None
        for a in assignments:
            value = self.model._assigned_value(getattr(a, "node", None))
            kind = self._client_mutation(value) if isinstance(value, cst.Call) else None
            if kind is None:
                return None
            kinds.add(kind)
        return kinds.pop() if len(kinds) == 1 else None

    def _client_mutation(self, call: cst.Call) -> str | None:
        if self.model.is_client_call(call) and isinstance(call.func, cst.Attribute):
            name = call.func.attr.value
            return name if name in _MUTATIONS else None
        return None

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        attr = original.attr.value
        if attr not in _KEYS and attr not in _LOST:
            return updated
        kind = self._mutation_of(original.value)
        if kind is None:
            return updated
        line, col = self.model.position(original)
        if attr in _LOST:
            self.ctx.report(
                line,
                col,
                RULE.code,
                f"`.{attr}` of a MutationResult has no MilvusClient equivalent",
            )
            return updated
        if not self.ctx.may_rewrite(line, RULE.code):
            return updated
        if attr == "delete_count" and kind == "delete" and not isinstance(updated.value, cst.Name):
            self.ctx.report(
                line,
                col,
                RULE.code,
                "delete() may return a list of keys",
                "assign the result, then len() it when it is a list",
            )
            return updated
        self.ctx.record_change(line, RULE.code, f".{attr} -> [{_KEYS[attr]!r}]")
        if attr == "delete_count" and kind == "delete":
            value = code_of(updated.value)
            expr = cst.parse_expression(
                f'({value}["delete_count"] if isinstance({value}, dict) else len({value}))'
            )
            return fit_in_fstring(expr, self.fquotes)
        return fit_in_fstring(subscript(updated.value, _KEYS[attr]), self.fquotes)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """`getattr(res, "primary_keys"[, default])` on a migrated result: the dict has no
        such attribute, so getattr would silently give the default (or raise)."""
        args = original.args
        if (
            not (isinstance(original.func, cst.Name) and original.func.value == "getattr")
            or len(args) not in (2, 3)
            or any(a.star or a.keyword is not None for a in args)
        ):
            return updated
        kind = self._mutation_of(args[0].value)
        scope = self.model.scopes.get(original.func)
        builtin = scope["getattr"] if scope is not None else set()
        if kind is None or not all(isinstance(b, BuiltinAssignment) for b in builtin):
            return updated
        attr = string_value(args[1].value)
        line, col = self.model.position(original)
        if attr is None or attr in _LOST or (attr == "delete_count" and kind == "delete"):
            self.ctx.report(
                line,
                col,
                RULE.code,
                f"getattr() on the result of a migrated {kind}(): it is a dict now"
                + (" or a list of keys" if kind == "delete" else "")
                + ", whose keys getattr does not see",
                "read the key, as MM170 does for attribute reads",
            )
            return updated
        if attr not in _KEYS or not self.ctx.may_rewrite(line, RULE.code):
            return updated
        self.ctx.record_change(line, RULE.code, f"getattr(.., {attr!r}) -> [{_KEYS[attr]!r}]")
        value = updated.args[0].value
        if len(args) == 2:
            return fit_in_fstring(subscript(value, _KEYS[attr]), self.fquotes)
        # the key is always there; .get keeps the default getattr was given
        key = fit_in_fstring(cst.SimpleString(f'"{_KEYS[attr]}"'), self.fquotes)
        get = cst.Call(
            func=cst.Attribute(value=value, attr=cst.Name("get")),
            args=[cst.Arg(key), cst.Arg(updated.args[2].value)],
        )
        return get


class MutationResults:
    rules = (RULE,)

    def apply(self, module: cst.Module, ctx: MigrationContext) -> cst.Module:
        if not ctx.mentions(*_KEYS, *_LOST):
            return module  # every site is an attribute spelled in the source
        model = model_of(module, ctx)
        if not model.client_names and not model.client_vars and not model.has_instance_clients():
            return module
        return model.module.visit(_Transformer(model, ctx))
