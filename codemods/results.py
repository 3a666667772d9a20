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
        "is reported."
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
        if not model.client_names and not model.client_vars:
            return module
        return model.module.visit(_Transformer(model, ctx))
