"""MM120-MM121: index calls on a Collection become IndexParams + client index calls.

`create_index(field, {"index_type": ..., "metric_type": ..., "params": {...}})` becomes
`prepare_index_params()` + `add_index(field_name=..., index_type=..., ...)` +
`client.create_index(...)`; `add_index` flattens the ORM's nested `params` itself.
The fold into `create_collection(index_params=)` is not done: it also loads the
collection (trap 3).
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis import MethodRule
from codemods.base import Applicability, RuleInfo
from codemods.collection_calls import CollectionCallCodemod
from codemods.rewrite import (
    Env,
    Refuse,
    Rewrite,
    bind,
    carry_comments,
    client_call,
    code_of,
    copy_args,
    expr_statement,
    kwarg,
    string_value,
)

CREATE = RuleInfo(
    code="MM120",
    title="Collection.create_index -> prepare_index_params/add_index/create_index",
    description=(
        "The ORM index dict is spread into `add_index(field_name=..., **orm_dict)`, which "
        "flattens `params` the way MilvusClient expects. Only a statement-level call is "
        "rewritten (the ORM returned a Status, MilvusClient returns None)."
    ),
    applicability=Applicability.SAFE,
    before='col.create_index("vec", {"index_type": "FLAT", "metric_type": "L2", "params": {}})\n',
    after=(
        "index_params = client.prepare_index_params()\n"
        'index_params.add_index(field_name="vec", index_type="FLAT", metric_type="L2", params={})\n'
        "client.create_index(collection_name=col, index_params=index_params)\n"
    ),
)
OTHER = RuleInfo(
    code="MM121",
    title="Collection.has_index/drop_index -> list_indexes/drop_index",
    description=(
        "`has_index(index_name=n)` becomes `n in client.list_indexes(...)` (no name: "
        "`bool(client.list_indexes(...))`); `drop_index(index_name=n)` becomes "
        "`client.drop_index(collection_name=..., index_name=n)`; a nameless statement-level "
        "`drop_index()` drops each listed index. `index()` and `indexes` return ORM objects "
        "and are reported."
    ),
    applicability=Applicability.SAFE,
    before='col.has_index(index_name="vec")\n',
    after='"vec" in client.list_indexes(collection_name=col)\n',
)


def _index_kwargs(params: cst.BaseExpression | None) -> list[cst.Arg] | None:
    if params is None:
        return []
    if isinstance(params, cst.Dict):
        out = []
        for element in params.elements:
            if not isinstance(element, cst.DictElement):
                return [cst.Arg(value=params, star="**")]
            key = string_value(element.key)
            if key is None or not key.isidentifier():
                return [cst.Arg(value=params, star="**")]
            out.append(kwarg(key, element.value))
        return out
    return [cst.Arg(value=params, star="**")]


def _convert_create_index(call: cst.Call, env: Env) -> Rewrite | Refuse:
    bound = bind(call, ["field_name", "index_params", "timeout"])
    if isinstance(bound, Refuse):
        return bound
    if not env.statement:
        return Refuse("the result of create_index() is used", "call it as a statement")
    field = bound.value("field_name")
    if field is None:
        return Refuse("create_index() without a field name")
    index_name = None
    create_extra = []
    for arg in bound.extra:
        if arg.keyword is not None and arg.keyword.value == "index_name":
            index_name = arg.value
        elif arg.keyword is not None and arg.keyword.value in ("_async", "_callback"):
            return Refuse("`_async` index builds have no MilvusClient form", "use sync=False")
        else:
            create_extra.append(arg)
    spread = _index_kwargs(bound.value("index_params"))
    ip = env.fresh_name("index_params")
    add_args = [kwarg("field_name", field)]
    if index_name is not None:
        add_args.append(kwarg("index_name", index_name))
    add_args.extend(spread or [])
    prepare = cst.parse_statement(f"{ip} = {env.client}.prepare_index_params()\n")
    add = expr_statement(carry_comments(client_call(ip, "add_index", add_args), call))
    create = expr_statement(
        client_call(
            env.client,
            "create_index",
            [
                kwarg("collection_name", env.name),
                kwarg("index_params", cst.Name(ip)),
                *copy_args(bound, [("timeout", "timeout")]),
                *create_extra,
            ],
        )
    )
    return Rewrite(
        statements=(prepare, add, create),
        summary=f"create_index({code_of(field)}) -> IndexParams + {env.client}.create_index()",
    )


def _index_name(call: cst.Call) -> tuple[cst.BaseExpression | None, list[cst.Arg]] | Refuse:
    bound = bind(call, ["timeout"])
    if isinstance(bound, Refuse):
        return bound
    name = None
    rest = [a for a in (bound.named.values())]
    for arg in bound.extra:
        if arg.keyword is not None and arg.keyword.value == "index_name":
            name = arg.value
        elif arg.keyword is not None and arg.keyword.value == "timeout":
            rest.append(arg)
        else:
            return Refuse(f"unsupported argument `{code_of(arg)}`")
    return name, [kwarg("timeout", a.value) for a in rest]


def _convert_has_index(call: cst.Call, env: Env) -> Rewrite | Refuse:
    parsed = _index_name(call)
    if isinstance(parsed, Refuse):
        return parsed
    name, rest = parsed
    listing = client_call(env.client, "list_indexes", [kwarg("collection_name", env.name), *rest])
    if name is None:
        expr: cst.BaseExpression = cst.Call(func=cst.Name("bool"), args=[cst.Arg(listing)])
    else:
        expr = cst.Comparison(
            left=name,
            comparisons=[cst.ComparisonTarget(operator=cst.In(), comparator=listing)],
            lpar=[cst.LeftParen()],
            rpar=[cst.RightParen()],
        )
    return Rewrite(expr=expr, summary="has_index() -> list_indexes()")


def _convert_drop_index(call: cst.Call, env: Env) -> Rewrite | Refuse:
    parsed = _index_name(call)
    if isinstance(parsed, Refuse):
        return parsed
    name, rest = parsed
    if name is not None:
        args = [kwarg("collection_name", env.name), kwarg("index_name", name), *rest]
        return Rewrite(
            expr=client_call(env.client, "drop_index", args),
            summary="drop_index() -> client.drop_index()",
        )
    if not env.statement:
        return Refuse("drop_index() without index_name inside an expression")
    var = env.fresh_name("index_name")
    col = code_of(env.name)
    loop = cst.parse_statement(
        f"for {var} in {env.client}.list_indexes(collection_name={col}):\n"
        f"    {env.client}.drop_index(collection_name={col}, index_name={var})\n"
    )
    return Rewrite(
        statements=(loop,),
        summary="drop_index() -> drop each listed index",
        note="drop_index() without a name: the ORM raised when several indexes existed",
    )


METHODS = {
    "create_index": MethodRule(CREATE.code, _convert_create_index),
    "has_index": MethodRule(OTHER.code, _convert_has_index),
    "drop_index": MethodRule(OTHER.code, _convert_drop_index),
}


class IndexCalls(CollectionCallCodemod):
    rules = (CREATE, OTHER)
    methods = METHODS
