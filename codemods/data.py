"""MM130-MM132: insert / upsert / delete on a Collection become MilvusClient data calls.

Always keyword arguments (trap 1: a positional `delete(name, expr)` binds `expr` to `ids`
and silently deletes nothing). Column lists become rows when the schema's field order is
visible in the module (trap 4); DataFrames become `df.to_dict("records")`.
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis import MethodRule
from codemods.base import Applicability, RuleInfo
from codemods.collection_calls import CollectionCallCodemod
from codemods.rewrite import Env, Refuse, Rewrite, bind, client_call, copy_args, kwarg

INSERT = RuleInfo(
    code="MM130",
    title="Collection.insert/upsert -> client.insert/upsert",
    description=(
        'Row lists, single dicts and DataFrames (`df.to_dict("records")`) are passed as '
        "`data=`; column lists become rows when the schema's field order is visible in the "
        "module (skipping an auto_id primary key), else the site is reported. Arguments are "
        "always keywords: MilvusClient's second positional slot is `timeout`, not "
        "`partition_name`. When the data's shape is not visible, rows are assumed and a note "
        "is reported."
    ),
    applicability=Applicability.SAFE,
    before='col = Collection("books")\ncol.insert(rows, "p1")\n',
    after='col = "books"\nclient.insert(collection_name=col, data=rows, partition_name="p1")\n',
)
DELETE = RuleInfo(
    code="MM132",
    title="Collection.delete(expr) -> client.delete(filter=expr)",
    description=(
        "`delete(expr)` becomes `client.delete(collection_name=..., filter=expr)`. A positional "
        "expression would bind to `ids` and, with a VARCHAR primary key, delete nothing "
        "without an error. `_async=True` is reported (MilvusClient crashes after sending)."
    ),
    applicability=Applicability.SAFE,
    before='col.delete("id in [1, 2]")\n',
    after='client.delete(collection_name=col, filter="id in [1, 2]")\n',
)


def _convert_write(method: str):
    def convert(call: cst.Call, env: Env) -> Rewrite | Refuse:
        bound = bind(call, ["data", "partition_name", "timeout"])
        if isinstance(bound, Refuse):
            return bound
        data = bound.value("data")
        if data is None:
            return Refuse(f"{method}() without data")
        if any(
            a.keyword is not None and a.keyword.value in ("_async", "_callback")
            for a in bound.extra
        ):
            return Refuse(
                "`_async` has no MilvusClient equivalent (the call would run synchronously)",
                f"use AsyncMilvusClient.{method}()",
            )
        model = env.model
        original = (
            bind(env.original, ["data", "partition_name", "timeout"]) if env.original else None
        )
        probe = original.value("data") if isinstance(original, type(bound)) else None
        shape = model.data_shape(probe) if model is not None and probe is not None else "unknown"
        note = ""
        if shape == "dataframe":
            data_expr: cst.BaseExpression = cst.parse_expression(
                f'{_code(data)}.to_dict("records")'
            )
        elif shape == "columns":
            names = model.insert_field_names(env.name) if model is not None else None
            if names is None:
                return Refuse(
                    "column-based data needs the schema's field order, which is not visible here",
                    f"client.{method}(collection_name=..., data=[dict(zip(field_names, r)) for r in zip(*columns)])",
                )
            data_expr = _columns_to_rows(data, names)
        else:
            data_expr = data
            if shape == "unknown":
                note = (
                    f"{method}(): the data's shape is not visible here; rewritten as rows. "
                    "Column lists or DataFrames must be converted (see trap 4)"
                )
        args = [
            kwarg("collection_name", env.name),
            kwarg("data", data_expr),
            *copy_args(bound, [("partition_name", "partition_name"), ("timeout", "timeout")]),
            *bound.extra,
        ]
        return Rewrite(
            expr=client_call(env.client, method, args, call),
            summary=f"{method}() -> {env.client}.{method}(collection_name=..., data=...)",
            note=note,
        )

    return convert


def _columns_to_rows(data: cst.BaseExpression, names: list[str]) -> cst.BaseExpression:
    fields = "[" + ", ".join(repr(n).replace("'", '"') for n in names) + "]"
    if isinstance(data, cst.List):
        columns = ", ".join(_code(e.value) for e in data.elements)
        source = f"zip({columns})"
    else:
        source = f"zip(*{_code(data)})"
    return cst.parse_expression(f"[dict(zip({fields}, values)) for values in {source}]")


def _convert_delete(call: cst.Call, env: Env) -> Rewrite | Refuse:
    bound = bind(call, ["expr", "partition_name", "timeout"])
    if isinstance(bound, Refuse):
        return bound
    if any(
        a.keyword is not None and a.keyword.value in ("_async", "_callback") for a in bound.extra
    ):
        return Refuse(
            "`delete(_async=True)` crashes on MilvusClient after the delete was sent",
            "use AsyncMilvusClient.delete()",
        )
    if bound.value("expr") is None:
        return Refuse("delete() without an expression")
    args = [
        kwarg("collection_name", env.name),
        *copy_args(
            bound,
            [("expr", "filter"), ("partition_name", "partition_name"), ("timeout", "timeout")],
        ),
        *bound.extra,
    ]
    return Rewrite(
        expr=client_call(env.client, "delete", args, call),
        summary=f"delete(expr) -> {env.client}.delete(collection_name=..., filter=expr)",
    )


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


METHODS = {
    "insert": MethodRule(INSERT.code, _convert_write("insert")),
    "upsert": MethodRule(INSERT.code, _convert_write("upsert")),
    "delete": MethodRule(DELETE.code, _convert_delete),
}


class DataCalls(CollectionCallCodemod):
    rules = (INSERT, DELETE)
    methods = METHODS
