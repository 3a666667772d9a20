"""MM120-MM121: index calls on a Collection become IndexParams + client index calls.

`create_index(field, {"index_type": ..., "metric_type": ..., "params": {...}})` becomes
`prepare_index_params()` + `add_index(field_name=..., index_type=..., ...)` +
`client.create_index(...)`; `add_index` flattens the ORM's nested `params` itself.
The fold into `create_collection(index_params=)` is not done: it also loads the
collection (trap 3).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import BuiltinAssignment

from codemods.analysis import MethodRule, OrmModel, PropertyRule
from codemods.base import Applicability, RuleInfo
from codemods.collection_calls import (
    CollectionCallCodemod,
    CollectionCallTransformer,
)
from codemods.index_objects import SEARCH_PARAMS, index_dict_uses
from codemods.rewrite import (
    Env,
    Refuse,
    Rewrite,
    bind,
    carry_comments,
    carry_dict_comments,
    client_call,
    code_of,
    copy_args,
    expr_statement,
    fit_in_fstring,
    kwarg,
    string_value,
    subscript,
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
        "`drop_index()` drops each listed index. `index()` and `indexes` return Index objects: "
        "see MM122."
    ),
    applicability=Applicability.SAFE,
    before='col.has_index(index_name="vec")\n',
    after='"vec" in client.list_indexes(collection_name=col)\n',
)
READ = RuleInfo(
    code="MM122",
    title="Collection.index()/indexes read through -> describe_index dicts",
    description=(
        "`col.index(index_name=n)` becomes `client.describe_index(collection_name=col, "
        'index_name=n)` (n defaults to `""`, as in the ORM) and `col.indexes`, iterated by a '
        "`for` loop or a comprehension or indexed (`col.indexes[0]`), becomes "
        "`[client.describe_index(...) for name in client.list_indexes(...)]` (the same "
        "indexes in the same order). Only reads of the Index objects the dict answers the "
        'same way are rewritten: `.field_name` / `.index_name` -> `["field_name"]` / '
        '`["index_name"]`, `.params["index_type"]` / `.params["metric_type"]` (or '
        "`.params.get(...)` of those keys) -> the same key of the dict. `col.indexes` only "
        "counted (`len()`, `bool()`, `not`, the test of `if`/`while`/`assert`) becomes "
        "`client.list_indexes(...)`, the names: as many. `p = X.params` whose only uses are "
        "as the `param` of a `search()` on the same collection (rw27's reuse of an index's "
        'params as search params) becomes `p = {"metric_type": X["metric_type"]}`: both APIs '
        "send the metric type plus the other keys flattened into the search's JSON params, of "
        "which the server reads only search keys (ef, nprobe, ...), none of them in an index's "
        "params (checked on milvus-lite and Milvus 2.3.5: the same hits and distances). "
        "Other uses are reported: the Index "
        "object itself (`str(i)`, passed on), `params` as a whole or its `params` key (the "
        "ORM-built index reads back its build params nested, a MilvusClient-built one as "
        'separate top-level string values, `"M": "8"`, which milvus-lite drops), '
        "and `index()` where an except handler may see its error, in a `try` body or in a "
        "function called from one (the ORM raised IndexNotExistException where "
        "describe_index returns None)."
    ),
    applicability=Applicability.SAFE,
    before='print(col.index().params["index_type"])\n',
    after='print(client.describe_index(collection_name=col, index_name="")["index_type"])\n',
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
    add_call = carry_comments(client_call(ip, "add_index", add_args), call)
    params = bound.value("index_params")
    if isinstance(params, cst.Dict) and spread and spread[0].star != "**":
        add_call = carry_dict_comments(add_call, params)
    add = expr_statement(add_call)
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
        # The listing answers alike where only its truth is read (`if`, `not`, `bool()`).
        truth = env.model is not None and env.original is not None
        if truth and _truth_only(env.model, env.original):  # type: ignore[arg-type]
            return Rewrite(expr=listing, summary="has_index() -> list_indexes()")
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


def _convert_index(call: cst.Call, env: Env) -> Rewrite | Refuse:
    """`col.index(...)` read through (`.field_name`, `.params["index_type"]`, ...)."""
    model = env.model
    original = env.original or call
    if (
        not isinstance(model, OrmModel)
        or not isinstance(original.func, cst.Attribute)
        or model.binding_for(original.func.value) is None
    ):
        # Only a tracked binding's reads can be settled before they are visited.
        return Refuse("index() returns an Index object")
    for arg in call.args:
        if arg.keyword is None or arg.star:
            return Refuse("index() takes keyword arguments only")
        if arg.keyword.value not in ("index_name", "timeout"):
            return Refuse(f"unsupported argument `{code_of(arg)}`")
    named = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    from codemods.caller_try import may_be_caught  # lazy: it imports the analysis

    if may_be_caught(model, original):
        return Refuse(
            "index() where an except handler may see its error (in a try body, or in a "
            "function called from one): the ORM raised IndexNotExistException where "
            "describe_index returns None"
        )
    uses = index_dict_uses(model, [original], model.binding_for(original.func.value))
    if isinstance(uses, Refuse):
        return uses
    model.pending_index_attrs[original.func] = uses
    args = [
        kwarg("collection_name", env.name),
        kwarg("index_name", named.get("index_name", cst.SimpleString('""'))),
    ]
    if "timeout" in named:
        args.append(kwarg("timeout", named["timeout"]))
    return Rewrite(
        expr=client_call(env.client, "describe_index", args),
        summary="index() read through -> describe_index()",
    )


def _indexes(attr: cst.Attribute, env: Env) -> Rewrite | Refuse:
    """`col.indexes` where only what a describe_index dict or the list of names answers the
    same way is used: counted (`len()`, a truth test), indexed (`col.indexes[k].field_name`)
    or iterated (`for i in col.indexes`, i read for field_name/index_name/params keys)."""
    model = env.model
    refuse = Refuse(
        "`indexes` returns Index objects",
        "count it with len(), or read field_name/index_name/params[index_type|metric_type] "
        "of its items",
    )
    if not isinstance(model, OrmModel) or model.binding_for(attr.value) is None:
        return refuse  # only a tracked binding's uses can be settled before they are visited
    listing = client_call(env.client, "list_indexes", [kwarg("collection_name", env.name)])
    if _counted(model, attr):
        # Both list every index, from the same DescribeIndex call: the same length.
        return Rewrite(expr=listing, summary=".indexes counted -> list_indexes()")
    parent = model.parent(attr)
    if isinstance(parent, cst.Subscript) and parent.value is attr:
        if len(parent.slice) != 1 or not isinstance(parent.slice[0].slice, cst.Index):
            return Refuse("`indexes` is sliced: a list of Index objects", refuse.suggestion)
        uses = index_dict_uses(model, [parent], model.binding_for(attr.value))
        if isinstance(uses, Refuse):
            return Refuse(f"an item of `indexes`: {uses.reason}", refuse.suggestion)
        model.pending_index_attrs[attr] = uses
        return Rewrite(expr=_describe_all(env, listing), summary=".indexes[k] -> describe_index()")
    if not isinstance(parent, (cst.CompFor, cst.For)) or parent.iter is not attr:
        return refuse
    target = parent.target
    if not isinstance(target, cst.Name):
        return refuse
    scope = model.scopes.get(target)
    assignments = list(scope.assignments[target.value]) if scope is not None else []
    # One assignment: every reference of the name is this loop variable (a reassigned name
    # would have its other values' uses rewritten too).
    if len(assignments) != 1 or getattr(assignments[0], "node", None) is not target:
        return refuse
    refs = [access.node for access in assignments[0].references]
    uses = index_dict_uses(model, refs, model.binding_for(attr.value))
    if isinstance(uses, Refuse):
        return Refuse(f"`{target.value}` from `indexes`: {uses.reason}", refuse.suggestion)
    model.pending_index_attrs[attr] = uses
    return Rewrite(
        expr=_describe_all(env, listing),
        summary=".indexes iterated -> describe_index() of each listed index",
    )


def _describe_all(env: Env, listing: cst.Call) -> cst.ListComp:
    """`[client.describe_index(...) for name in client.list_indexes(...)]`: the ORM's list,
    item for item in the same order, as describe_index dicts."""
    var = env.fresh_name("index_name")
    describe = client_call(
        env.client,
        "describe_index",
        [kwarg("collection_name", env.name), kwarg("index_name", cst.Name(var))],
    )
    return cst.ListComp(elt=describe, for_in=cst.CompFor(target=cst.Name(var), iter=listing))


def _counted(model: OrmModel, node: cst.BaseExpression) -> bool:
    """Only the length or truth of `node` is used: `len(node)`, `bool(node)`, `not node`, or
    the test of an if/while/assert/conditional expression."""
    parent = model.parent(node)
    if isinstance(parent, cst.Arg):
        return _builtin_call(model, parent, ("len", "bool"))
    if isinstance(parent, cst.UnaryOperation):
        return isinstance(parent.operator, cst.Not)
    if isinstance(parent, (cst.If, cst.While, cst.IfExp, cst.Assert)):
        return parent.test is node
    return False


def _truth_only(model: OrmModel, node: cst.BaseExpression) -> bool:
    """Only the truth of `node` is used: `bool(node)`, `not node`, or the test of an
    if/while/assert/conditional expression."""
    parent = model.parent(node)
    if isinstance(parent, cst.Arg):
        return _builtin_call(model, parent, ("bool",))
    return _counted(model, node)


def _builtin_call(model: OrmModel, arg: cst.Arg, names: tuple[str, ...]) -> bool:
    """`arg` is the one positional argument of a call to one of the builtins `names`, not
    shadowed where it is called."""
    call = model.parent(arg)
    if not (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Name)
        and call.func.value in names
        and list(call.args) == [arg]
        and arg.keyword is None
        and not arg.star
    ):
        return False
    scope = model.scopes.get(call.func)
    assigned = scope[call.func.value] if scope is not None else set()
    return bool(assigned) and all(isinstance(a, BuiltinAssignment) for a in assigned)


METHODS = {
    "create_index": MethodRule(CREATE.code, _convert_create_index),
    "has_index": MethodRule(OTHER.code, _convert_has_index),
    "drop_index": MethodRule(OTHER.code, _convert_drop_index),
    "index": MethodRule(READ.code, _convert_index),
}
PROPERTIES = {"indexes": PropertyRule(READ.code, _indexes)}


class _IndexTransformer(CollectionCallTransformer):
    """The Collection-call transformer, plus the reads of the Index objects MM122 replaced by
    describe_index dicts (settled in the model: only where the receiver is rewritten)."""

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        if original not in self.model.index_attrs:
            return super().leave_Attribute(original, updated)
        key = self.model.index_attrs[original]
        if key is None:  # `.params` of `.params[k]` / `.params.get(k)`: the dict itself
            return updated.value
        if key == SEARCH_PARAMS:  # `p = X.params`, p only a search's param: what is used
            metric = subscript(updated.value, "metric_type")
            key_node = cst.SimpleString('"metric_type"')
            return cst.Dict([cst.DictElement(key_node, metric)])
        return fit_in_fstring(subscript(updated.value, key), self.fquotes)


class IndexCalls(CollectionCallCodemod):
    rules = (CREATE, OTHER, READ)
    methods = METHODS
    properties = PROPERTIES
    transformer = _IndexTransformer
