"""MM150: partition methods on a Collection become client partition calls.

`create_partition(p, description)` ->
`client.create_partition(collection_name=..., partition_name=p)` (the ORM never sent the
description to the server; a positional one would land in `timeout`). The ORM checked
`has_partition` first and raised PartitionAlreadyExistException for an existing name; real
Milvus 2.3.5 accepts a second CreatePartition of the same name without an error (milvus-lite
rejects it), so the rewrite keeps the check:

    if client.has_partition(collection_name=col, partition_name=p):
        raise PartitionAlreadyExistException(message=ExceptionsMessage.PartitionAlreadyExist)
    client.create_partition(collection_name=col, partition_name=p)

The check goes everywhere, not only where a handler may see the exception: outside any handler
the duplicate ended the ORM program with a traceback, and a migrated program that went on
instead would, say, insert its rows a second time (w027 of the sixth sample, a re-run of a
`build` step). Only an `if not col.has_partition(p):` guard in front makes it needless. MM151
turns
`Partition(...)` objects and `x = col.partition(p)` lookups into partition names (see OBJECTS).
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis import MethodRule, OrmModel, model_of
from codemods.base import Applicability, RuleInfo
from codemods.client_import import imports_pymilvus_up_front
from codemods.collection_calls import CollectionCallCodemod, flatten_statements
from codemods.open_check import EXCEPTIONS_MODULE, exception_names, repeatable
from codemods.rewrite import (
    Env,
    FStringTracker,
    Refuse,
    Rewrite,
    bind,
    client_call,
    code_of,
    copy_args,
    fit_in_fstring,
    kwarg,
    rename_extra,
)

PARTITIONS = RuleInfo(
    code="MM150",
    title="create/has/drop_partition -> client partition methods",
    description=(
        "`create_partition(p)`, `has_partition(p)` and `drop_partition(p)` become the client "
        "methods with `collection_name=` and `partition_name=` keywords. The ORM-only "
        "partition description (never stored on the server) is dropped. The ORM's "
        "create_partition raised PartitionAlreadyExistException for an existing name; real "
        "Milvus 2.3.5 accepts the duplicate, so the create keeps that check, unless an "
        "`if not col.has_partition(p):` guard in front rules the duplicate out: `if "
        "client.has_partition(...): raise PartitionAlreadyExistException(...)`. Outside any "
        "handler too: there the ORM program stopped with a traceback, where one without the "
        "check would go on (and insert its rows again on a re-run, say). "
        "`Partition` objects are reported."
    ),
    applicability=Applicability.SAFE,
    before='col.create_partition("2024", "this year")\n',
    after=(
        'if client.has_partition(collection_name=col, partition_name="2024"):\n'
        "    raise PartitionAlreadyExistException("
        "message=ExceptionsMessage.PartitionAlreadyExist)\n"
        'client.create_partition(collection_name=col, partition_name="2024")\n'
    ),
)


def _convert(method: str, params: list[str]):
    def convert(call: cst.Call, env: Env) -> Rewrite | Refuse:
        bound = bind(call, params)
        if isinstance(bound, Refuse):
            return bound
        if bound.value("partition_name") is None:
            return Refuse(f"{method}() without a partition name")
        if method == "create_partition" and not env.statement:
            return Refuse("the Partition object returned by create_partition() is used")
        extra = [
            a
            for a in bound.extra
            if not (a.keyword is not None and a.keyword.value == "description")
        ]
        args = [
            kwarg("collection_name", env.name),
            *copy_args(bound, [("partition_name", "partition_name"), ("timeout", "timeout")]),
            *extra,
        ]
        expr = client_call(env.client, method, args, call)
        summary = f"{method}() -> {env.client}.{method}()"
        if method == "create_partition" and _duplicate_possible(env):
            return _checked_create(expr, bound, env, summary)
        return Rewrite(expr=expr, summary=summary)

    return convert


_CHECK_NAMES = ("ExceptionsMessage", "PartitionAlreadyExistException")


def _duplicate_possible(env: Env) -> bool:
    model, original = env.model, env.original
    if not isinstance(model, OrmModel) or original is None:
        return False
    return not _behind_has_partition(model, original)


def _behind_has_partition(model: OrmModel, call: cst.Call) -> bool:
    """`if not <x>.has_partition(..., p, ...): <x>.create_partition(p)`: no duplicate can
    reach the create (its partition name, as written, is an argument of the test)."""
    line = model.statement_of(call)
    block = model.parent(line) if line is not None else None
    branch = model.parent(block) if isinstance(block, cst.IndentedBlock) else None
    bound = bind(call, ["partition_name", "description"])
    if not isinstance(branch, cst.If) or isinstance(bound, Refuse):
        return False
    partition = bound.value("partition_name")
    if partition is None:
        return False
    test = branch.test
    if not (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)):
        return False
    check = test.expression
    if not (
        isinstance(check, cst.Call)
        and isinstance(check.func, cst.Attribute)
        and check.func.attr.value == "has_partition"
    ):
        return False
    wanted = code_of(partition)
    return any(code_of(arg.value) == wanted for arg in check.args)


def _checked_create(expr: cst.BaseExpression, bound, env: Env, summary: str) -> Rewrite | Refuse:
    """The create behind the ORM's own duplicate check (see the module docstring)."""
    model = env.model
    assert isinstance(model, OrmModel)
    partition = bound.value("partition_name")
    why = (
        "the ORM raised PartitionAlreadyExistException for an existing partition, which "
        "real Milvus accepts"
    )
    # The ORM passed the call's other keywords (timeout=...) to its has_partition too.
    extra = [a for a in bound.extra if not (a.keyword and a.keyword.value == "description")]
    values = [("partition name", partition), ("collection name", env.name)]
    values += [("argument", a.value) for a in extra]
    for what, value in values:
        if not repeatable(value):
            return Refuse(
                f"{why}; the kept duplicate check would evaluate the {what} "
                f"`{code_of(value)}` again",
                "bind it to a name first, then rerun",
            )
    if not imports_pymilvus_up_front(model.module):
        return Refuse(
            f"{why}; the module imports pymilvus only where it needs it, and the check's "
            "`pymilvus.exceptions` import would go to its top"
        )
    names = exception_names(model, _CHECK_NAMES)
    args = [
        kwarg("collection_name", env.name.deep_clone()),
        kwarg("partition_name", partition.deep_clone()),
        *(a.deep_clone().with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in extra),
    ]
    has = client_call(env.client, "has_partition", args)
    error = names["PartitionAlreadyExistException"][0]
    message = f"{names['ExceptionsMessage'][0]}.PartitionAlreadyExist"
    check = cst.If(
        test=has,
        body=cst.IndentedBlock(
            body=[
                cst.SimpleStatementLine(
                    body=[cst.Raise(exc=cst.parse_expression(f"{error}(message={message})"))]
                )
            ]
        ),
    )
    return Rewrite(
        statements=(check, cst.SimpleStatementLine(body=[cst.Expr(expr)])),
        summary=f"{summary} behind the ORM's duplicate check",
        imports=tuple((EXCEPTIONS_MODULE, spec) for _, spec in names.values() if spec is not None),
    )


CALLS = {
    "create_partition": MethodRule(
        PARTITIONS.code, _convert("create_partition", ["partition_name", "description"])
    ),
    "has_partition": MethodRule(
        PARTITIONS.code, _convert("has_partition", ["partition_name", "timeout"])
    ),
    "drop_partition": MethodRule(
        PARTITIONS.code, _convert("drop_partition", ["partition_name", "timeout"])
    ),
}


class PartitionCalls(CollectionCallCodemod):
    rules = (PARTITIONS,)
    methods = CALLS  # `partition()` is rewritten by PartitionObjects, with its binding's uses


# ---- Partition objects (MM151) ---------------------------------------------------------

OBJECTS = RuleInfo(
    code="MM151",
    title="Partition(collection, name) objects -> the partition name",
    description=(
        '`p = Partition(col, "name")` becomes `p = "name"` plus a `has_partition` / '
        "`create_partition` guard (the ORM constructor created a missing partition). Its "
        "methods become client calls on the collection with `partition_name=p` (insert, "
        "upsert, delete) or `partition_names=[p]` (search, query, hybrid_search, load, "
        "release); `drop()` -> `drop_partition`, `flush()` -> `flush` of the collection, "
        '`num_entities` -> `get_partition_stats(...)["row_count"]`. The description (never '
        "stored on the server) is dropped. `x = col.partition(p)` (None when missing) becomes "
        "`x = p if client.has_partition(...) else None` when every other use of x sits behind "
        "`if x` / `x if x else` / `x and`; a `col.partition(p)` that is only tested becomes "
        "`has_partition(...)`. A lookup used as an object (printed: its repr) is reported."
    ),
    applicability=Applicability.SAFE,
    before='p = Partition(col, "p1")\np.insert(rows)\n',
    after=(
        'p = "p1"\nif not client.has_partition(collection_name=col, partition_name=p):\n'
        "    client.create_partition(collection_name=col, partition_name=p)\n"
        "client.insert(collection_name=col, data=rows, partition_name=p)\n"
    ),
)

# ---- col.partition(p) lookups ----------------------------------------------------------
# The ORM returns None for a missing partition, else a Partition object (no __bool__, so it
# is truthy). `x = col.partition(p)` becomes `x = p if client.has_partition(...) else None`
# when every use of x is a test of it or sits behind one (analysis: lookup bindings);
# an inline call only tested becomes has_partition(). A value used as an object (printed:
# its repr is JSON of name/collection/description) is reported.


def _lookup_kind(model, call: cst.Call) -> str:
    """ "bound", "test", "is", "is not", or "" when the Partition object itself is used."""
    if model.lookup_target(call) is not None:
        return "bound"
    parent = model.parent(call)
    if isinstance(parent, (cst.If, cst.While, cst.IfExp)) and parent.test is call:
        return "test"
    if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
        return "test"
    test = model.lookup_test(call)
    if isinstance(test, cst.Comparison):
        return "is not" if isinstance(test.comparisons[0].operator, cst.IsNot) else "is"
    return ""


def _convert_lookup(call: cst.Call, env: Env) -> Rewrite | Refuse:
    bound = bind(call, ["partition_name"])
    if isinstance(bound, Refuse):
        return bound
    name = bound.value("partition_name")
    if name is None:
        return Refuse("partition() without a partition name")
    if bound.extra:
        return Refuse("partition() arguments without a client equivalent")
    model = env.model
    kind = _lookup_kind(model, env.original or call) if model is not None else ""
    if not kind:
        return Refuse(
            "`partition()` returns a Partition object, used here as one (repr, passed on)",
            "client.has_partition(collection_name=..., partition_name=p) tells if it exists",
        )
    has = client_call(
        env.client,
        "has_partition",
        [kwarg("collection_name", env.name), kwarg("partition_name", name)],
    )
    if kind == "bound":
        if not isinstance(name, (cst.Name, cst.SimpleString)):
            return Refuse("the partition name would be evaluated twice (use a variable)")
        expr: cst.BaseExpression = cst.IfExp(
            test=has, body=name.deep_clone(), orelse=cst.Name("None")
        )
        return Rewrite(expr=expr, summary="partition(p) -> p if has_partition() else None")
    if kind == "is":
        expr = cst.UnaryOperation(operator=cst.Not(), expression=has)
        return Rewrite(expr=expr, summary="partition(p) is None -> not has_partition()")
    return Rewrite(expr=has, summary="a tested partition(p) -> has_partition()")


METHODS = {**CALLS, "partition": MethodRule(OBJECTS.code, _convert_lookup)}

_P = {
    # method: (client method, ORM params, (orm, client) mapping, how the partition is passed)
    "insert": ("insert", ["data", "timeout"], [("data", "data"), ("timeout", "timeout")], "one"),
    "upsert": ("upsert", ["data", "timeout"], [("data", "data"), ("timeout", "timeout")], "one"),
    "delete": ("delete", ["expr", "timeout"], [("expr", "filter"), ("timeout", "timeout")], "one"),
    "search": (
        "search",
        [
            "data",
            "anns_field",
            "param",
            "limit",
            "expr",
            "output_fields",
            "timeout",
            "round_decimal",
        ],
        [
            ("data", "data"),
            ("anns_field", "anns_field"),
            ("param", "search_params"),
            ("limit", "limit"),
            ("expr", "filter"),
            ("output_fields", "output_fields"),
            ("timeout", "timeout"),
            ("round_decimal", "round_decimal"),
        ],
        "list",
    ),  # fmt: skip
    "query": (
        "query",
        ["expr", "output_fields", "timeout"],
        [("expr", "filter"), ("output_fields", "output_fields"), ("timeout", "timeout")],
        "list",
    ),
    "hybrid_search": (
        "hybrid_search",
        ["reqs", "rerank", "limit", "output_fields", "timeout", "round_decimal"],
        [
            ("reqs", "reqs"),
            ("rerank", "ranker"),
            ("limit", "limit"),
            ("output_fields", "output_fields"),
            ("timeout", "timeout"),
            ("round_decimal", "round_decimal"),
        ],
        "list",
    ),  # fmt: skip
    "load": (
        "load_partitions",
        ["replica_number", "timeout"],
        [("replica_number", "replica_number"), ("timeout", "timeout")],
        "list",
    ),
    "release": ("release_partitions", ["timeout"], [("timeout", "timeout")], "list"),
    "drop": ("drop_partition", ["timeout"], [("timeout", "timeout")], "one"),
    "flush": ("flush", ["timeout"], [("timeout", "timeout")], None),
}


def _partition_call(
    call: cst.Call, client: str, coll: cst.BaseExpression, part: str
) -> Rewrite | Refuse:
    method = call.func.attr.value  # type: ignore[attr-defined]
    target, params, mapping, how = _P[method]
    bound = bind(call, params)
    if isinstance(bound, Refuse):
        return bound
    extra = [
        a
        for a in bound.extra
        if not (a.keyword is not None and a.keyword.value in ("_async", "_callback"))
    ]
    if len(extra) != len(bound.extra):
        return Refuse("`_async` has no MilvusClient equivalent here")
    extra = rename_extra(extra, {"expr_params": "filter_params"})
    args = [kwarg("collection_name", coll), *copy_args(bound, mapping)]
    if how == "one":
        args.append(kwarg("partition_name", cst.Name(part)))
    elif how == "list":
        args.append(kwarg("partition_names", cst.List([cst.Element(cst.Name(part))])))
    args.extend(extra)
    return Rewrite(
        expr=client_call(client, target, args, call),
        summary=f"Partition.{method}() -> {client}.{target}()",
    )


class _PartitionTransformer(FStringTracker, cst.CSTTransformer):
    def __init__(self, model, ctx) -> None:
        super().__init__()
        self.model = model
        self.ctx = ctx
        # `col.partition(p) is (not) None`: the whole comparison becomes (not) has_partition()
        self._comparisons: dict[cst.Comparison, cst.BaseExpression] = {}

    def _lookup(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        ref = self.model.collection_ref(original.func.value)  # type: ignore[attr-defined]
        if ref is None or not ref.convertible:
            return updated  # reported with the collection (MM110 and the method rules)
        env = self.model.env_for(ref)
        env.name = ref.name.deep_clone()
        env.original = original
        result = _convert_lookup(updated, env)
        line, col = self.model.position(original)
        if isinstance(result, Refuse):  # not reached: it would have blocked the collection
            self.ctx.report(line, col, OBJECTS.code, f"`partition()`: {result.reason}")
            return updated
        if not self.ctx.may_rewrite(line, OBJECTS.code):
            return updated
        self.ctx.record_change(line, OBJECTS.code, result.summary)
        assert result.expr is not None
        test = self.model.lookup_test(original)
        if isinstance(test, cst.Comparison) and _lookup_kind(self.model, original) != "bound":
            self._comparisons[test] = fit_in_fstring(result.expr, self.fquotes)
            return updated
        return fit_in_fstring(result.expr, self.fquotes)

    def leave_Comparison(
        self, original: cst.Comparison, updated: cst.Comparison
    ) -> cst.BaseExpression:
        expr = self._comparisons.get(original)
        if expr is None:
            return updated
        return expr.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not isinstance(func, cst.Attribute):
            return updated
        if self.model.is_partition_lookup(original):
            return self._lookup(original, updated)
        binding = self.model._partition_of_node.get(func.value)
        if binding is None or func.attr.value not in _P:
            return updated
        line, col = self.model.position(original)
        if not binding.convertible:
            reason = binding.reason
            self.ctx.report(
                line, col, OBJECTS.code, f"`{code_of(func)}()` left as ORM code: {reason}"
            )
            return updated
        result = _partition_call(
            updated, binding.client, binding.collection.deep_clone(), binding.label
        )
        if isinstance(result, Refuse):
            self.ctx.report(line, col, OBJECTS.code, f"`{code_of(func)}()`: {result.reason}")
            return updated
        if not self.ctx.may_rewrite(line, OBJECTS.code):
            return updated
        self.ctx.record_change(line, OBJECTS.code, result.summary)
        return fit_in_fstring(result.expr, self.fquotes)

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        binding = self.model._partition_of_node.get(original.value)
        parent = self.model.parent(original)
        if binding is None or (isinstance(parent, cst.Call) and parent.func is original):
            return updated
        attr = original.attr.value
        if attr not in ("name", "num_entities", "is_empty") or not binding.convertible:
            return updated
        line, _ = self.model.position(original)
        if not self.ctx.may_rewrite(line, OBJECTS.code):
            return updated
        self.ctx.record_change(line, OBJECTS.code, f"Partition.{attr}")
        if attr == "name":
            return cst.Name(binding.label)
        coll, part = code_of(binding.collection), binding.label
        stats = (
            f"{binding.client}.get_partition_stats(collection_name={coll}, "
            f'partition_name={part})["row_count"]'
        )
        expr = cst.parse_expression(stats if attr == "num_entities" else f"({stats} == 0)")
        return fit_in_fstring(expr, self.fquotes)  # its "row_count" inside f"..." (< 3.12)

    def leave_SimpleStatementLine(self, original, updated):
        if len(original.body) != 1 or not isinstance(original.body[0], cst.Assign):
            return updated
        value = original.body[0].value
        binding = next((b for b in self.model.partitions if b.ctor is value and not b.lookup), None)
        if binding is None:
            return updated
        line, col = self.model.position(value)
        if not binding.convertible:
            for node, reason in binding.blocked or [(binding.ctor, binding.reason)]:
                n_line, n_col = self.model.position(node)
                self.ctx.report(
                    n_line,
                    n_col,
                    OBJECTS.code,
                    f"partition `{binding.label}` stays a Partition object: {reason}",
                )
            return updated
        if not self.ctx.may_rewrite(line, OBJECTS.code):
            return updated
        name = value.args[1].value
        coll = code_of(binding.collection)
        assign = updated.with_changes(
            body=[updated.body[0].with_changes(value=name)],
            trailing_whitespace=cst.TrailingWhitespace(),
        )
        where = f"collection_name={coll}, partition_name={binding.label}"
        guard = cst.parse_statement(
            f"if not {binding.client}.has_partition({where}):\n"
            f"    {binding.client}.create_partition({where})\n"
        )
        self.ctx.record_change(
            line, OBJECTS.code, "Partition(...) -> the partition name + guarded create_partition"
        )
        return flatten_statements(original.with_changes(body=assign.body), [assign, guard])


class PartitionObjects:
    """MM151; runs before the Collection constructor rule (it uses the collection variable)."""

    rules = (OBJECTS,)

    def apply(self, module: cst.Module, ctx) -> cst.Module:
        if not ctx.mentions("artition"):
            return module  # `Partition(...)`, `.partition(...)`, `.partitions`
        model = model_of(module, ctx)
        if not model.partitions and not any(
            isinstance(node, cst.Attribute) and node.attr.value == "partition"
            for node in (model.parent(n) for n in model._binding_of_node)
        ):
            return module
        return model.module.visit(_PartitionTransformer(model, ctx))
