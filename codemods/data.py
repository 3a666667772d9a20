"""MM130-MM132: insert / upsert / delete on a Collection become MilvusClient data calls.

Always keyword arguments (trap 1: a positional `delete(name, expr)` binds `expr` to `ids`
and silently deletes nothing). Column lists become rows (trap 4) in the schema's field order:
literal when the schema is visible in the module, else read from the server just before the
call; DataFrames become `df.to_dict("records")`.
"""

from __future__ import annotations

import re

import libcst as cst

from codemods.analysis import MethodRule, _walk, is_none
from codemods.base import Applicability, RuleInfo
from codemods.collection_calls import CollectionCallCodemod, statement_slot
from codemods.empty_insert import Guard, empty_guard, non_empty
from codemods.handler_paths import exception_paths
from codemods.rewrite import (
    Bound,
    Env,
    Refuse,
    Result,
    Rewrite,
    bind,
    client_call,
    copy_args,
    kwarg,
    stray_filter,
)

INSERT = RuleInfo(
    code="MM130",
    title="Collection.insert/upsert -> client.insert/upsert",
    description=(
        'Row lists, single dicts and DataFrames (`df.to_dict("records")`) are passed as '
        "`data=`; column lists become rows in the schema's field order (skipping an auto_id "
        "primary key on insert, and function outputs such as BM25's), built with "
        "`zip(..., strict=True)`, which needs Python 3.10: for a project whose target is "
        "older (`target-version`, else the lower bound of `requires-python`), column data is "
        "reported and left ORM. "
        "When the schema is not visible in the module, a statement "
        "before the call reads that order from `describe_collection()` once, by the ORM's "
        "rule. This is safe: valid data is stored exactly as the ORM stores "
        "it, and a column count or length mismatch still fails before anything is sent "
        "(nothing is stored either way), as `ValueError` (`zip() argument 2 is shorter than "
        "argument 1`) where the ORM raised `DataNotMatchException` (a count: `The data "
        "doesn't match with schema fields, expect 3 list, got 2`) or `ParamError` (lengths: "
        "`Field data size misaligned for field [title]`, also logged by pymilvus at ERROR), "
        "both `MilvusException`s with code 1 (measured with pymilvus 3.0.2 on milvus-lite; "
        "a collection dropped since it was opened gives `MilvusException` on the ORM, "
        "`DescribeCollectionException` from the describe, same message). "
        "So inside try/except the call is rewritten only when, in every try around it up to "
        "its function, the first handler matching each ORM exception and the first matching "
        "its migrated one are the same (bare `except:`, `Exception`, `BaseException`, a tuple "
        "naming `MilvusException` and `ValueError`; `finally` is fine; `with "
        "contextlib.suppress(...)`, `pytest.raises(...)`, `self.assertRaises(...)` count as "
        "handlers, the latter two as reading it) and it does not read the exception (no "
        "`as e` use, "
        "`raise`, `logger.exception()`, `traceback.print_exc()`, `exc_info=`): only a message "
        "nobody reads differs. A handler that reads it is MM131 (unsafe); a handler that "
        "catches one and not the other (`except MilvusException:`, `except ValueError:`) or "
        "names a class that is not a builtin or pymilvus exception keeps the collection ORM "
        "and is reported, as does a call where a statement cannot go before it (a lambda, a "
        "comprehension, a conditional or `and`/`or` operand, a one-line `if`). "
        "A call whose result leaves the code this module shows (returned, yielded, passed "
        "on, stored) keeps the collection ORM and is reported (see MM170). "
        "Arguments are always keywords: "
        "MilvusClient's second positional slot is `timeout`, not `partition_name`. When the "
        "data's shape is not visible, rows are assumed and a note is reported. Data that "
        "may hold no rows gets the ORM's refusal of none in front of the call (see MM133)."
    ),
    applicability=Applicability.SAFE,
    before='col = Collection("books")\ncol.insert(rows, "p1")\n',
    after='col = "books"\nclient.insert(collection_name=col, data=rows, partition_name="p1")\n',
)
INSERT_READ_IN_TRY = RuleInfo(
    code="MM131",
    title="Column insert/upsert in try/except whose handler reads the exception",
    description=(
        "MM130's rewrite of column-based data whose field order is read from "
        "`describe_collection()`, inside a try whose handler takes both the ORM's "
        "`MilvusException` and the migrated `ValueError` (so the same path runs) but reads "
        "the exception: `except Exception as e: log(f'insert: {e}')`, a `raise`, "
        "`logger.exception()`, `traceback.print_exc()`, `exc_info=`. Applied only with "
        "`--unsafe-fixes`; without it the collection stays ORM and the site is reported. "
        "Valid data behaves the same. On a mismatch the handler sees a `ValueError` from "
        "zip (`zip() argument 2 is shorter than argument 1`, `... is longer than ...`, "
        "`zip() argument 3 is shorter than arguments 1-2`) where the ORM gave "
        "`DataNotMatchException` (code 1, `The data doesn't match with schema fields, expect "
        "3 list, got 2`) for a column count other than the field count, or `ParamError` "
        "(code 1, `('Field data size misaligned for field [title] ', 'got size=[1] ', "
        "'alignment size=[2]')`, also logged by pymilvus at ERROR) for columns of unequal "
        "length: the text, the type name and `isinstance(e, MilvusException)` differ, and "
        "nothing is sent either way (measured with pymilvus 3.0.2 on milvus-lite)."
    ),
    applicability=Applicability.UNSAFE,
    before=(
        'col = Collection("docs")\n'
        "try:\n"
        "    col.insert([ids, vectors])\n"
        "except Exception as e:\n"
        '    print(f"insert failed: {e}")\n'
    ),
    after=(
        'col = "docs"\n'
        "try:\n"
        "    field_names = [\n"
        '        field["name"]\n'
        '        for field in client.describe_collection(collection_name=col)["fields"]\n'
        '        if not field.get("auto_id") and not field.get("is_function_output")\n'
        "    ]\n"
        "    client.insert(collection_name=col, data=[dict(zip(field_names, values, "
        "strict=True)) for values in zip(ids, vectors, strict=True)])\n"
        "except Exception as e:\n"
        '    print(f"insert failed: {e}")\n'
    ),
)
INSERT_EMPTY = RuleInfo(
    code="MM133",
    title="Insert/upsert of data that may hold no rows",
    description=(
        "The ORM refuses an insert or upsert of no rows: `[]` raises `DataNotMatchException` "
        "(`The data doesn't match with schema fields, expect 2 list, got 0`), empty columns "
        "`IndexError` (pymilvus reads the vector column's first value), an empty DataFrame or "
        "numpy column `ParamError` (`Must pass in at least one column`). MilvusClient stores "
        "nothing and returns `{'insert_count': 0, 'ids': []}`, so the code after the call "
        "would run where the ORM's raised (measured with pymilvus 3.0.2 on milvus-lite). "
        "Where the data visibly holds a row (a row literal, a list display of rows, columns "
        "of which one is non-empty, a comprehension over `range(k)` with k >= 1, a name bound "
        "once to such a value and only read or appended to, a batch slice `rows[i:i + n]` "
        "inside `for i in range(0, len(rows), n)`, a call under `if rows:` / `if len(rows) > "
        "0:` / the `else` of `if not rows:`, or after an exit guard `if not rows: return` "
        "(or `raise`, `continue`, `break`, `sys.exit()`) with nothing storing into it between) "
        "MM130 rewrites the call as it is. Elsewhere MM130 keeps the ORM's refusal in front "
        "of the call, `if len(rows) == 0: raise ParamError(message=ExceptionsMessage."
        "NumberRowsInvalid)` (for columns, a test of the first column: empty, the rows are "
        "empty or zip raises for the others), binding a comprehension or call to a name "
        "first when it is all the statement runs before the call. That guard raises "
        "pymilvus's own exception for empty input where the ORM's type depended on the "
        "data's form, so it is written only where no handler around the call reads the "
        "exception or takes those types apart. Where it cannot be written (such a handler, a "
        "module that imports pymilvus only lazily, data a test would evaluate twice), the "
        "rewrite is this rule's: applied only with `--unsafe-fixes`; without it the "
        "collection stays ORM and the site is reported."
    ),
    applicability=Applicability.UNSAFE,
    before=(
        'col = Collection("docs")\n'
        "def save(rows):\n"
        "    try:\n"
        "        col.insert(rows)\n"
        "    except Exception as e:\n"
        '        print(f"insert failed: {e}")\n'
    ),
    after=(
        'col = "docs"\n'
        "def save(rows):\n"
        "    try:\n"
        "        client.insert(collection_name=col, data=rows)\n"
        "    except Exception as e:\n"
        '        print(f"insert failed: {e}")\n'
    ),
)
# What the call can raise where the two forms differ (measured on milvus-lite): a column
# count mismatch (DataNotMatchException / zip's ValueError), columns of unequal length
# (ParamError / ValueError), a collection dropped since it was opened (MilvusException code
# 100 / describe_collection's DescribeCollectionException, same message). The rewrite is safe
# in a try only when each meets the same handler.
_ORM_RAISES = (
    "pymilvus.exceptions.DataNotMatchException",
    "pymilvus.exceptions.ParamError",
    "pymilvus.exceptions.MilvusException",
)
_MIGRATED_RAISES = ("builtins.ValueError", "pymilvus.exceptions.DescribeCollectionException")
DELETE = RuleInfo(
    code="MM132",
    title="Collection.delete(expr) -> client.delete(filter=expr)",
    description=(
        "`delete(expr)` becomes `client.delete(collection_name=..., filter=expr)`. A positional "
        "expression would bind to `ids` and, with a VARCHAR primary key, delete nothing "
        "without an error. `_async=True` is reported (MilvusClient crashes after sending), "
        "as is a result that leaves the code this module shows (see MM170)."
    ),
    applicability=Applicability.SAFE,
    before='col.delete("id in [1, 2]")\n',
    after='client.delete(collection_name=col, filter="id in [1, 2]")\n',
)


def _escape_refusal(env: Env) -> Refuse | None:
    """The call's result reaches code that may read it as a MutationResult (results.py)."""
    from codemods.results import ESCAPE_SUGGESTION, escape_problem  # lazy: results imports analysis

    if env.model is None or env.original is None:
        return None
    problem = escape_problem(env.model, env.original)  # type: ignore[arg-type]
    return Refuse(problem, ESCAPE_SUGGESTION) if problem else None


def _convert_write(method: str):
    def convert(call: cst.Call, env: Env) -> Rewrite | Refuse:
        result = convert_data(call, env)
        # checked last: a refusal about the call itself says more than one about its result
        escape = _escape_refusal(env) if isinstance(result, Rewrite) else None
        return escape if escape is not None else result

    def convert_data(call: cst.Call, env: Env) -> Rewrite | Refuse:
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
        if shape == "columns":
            old_python = _before_strict_zip(model)
            if old_python:
                return Refuse(old_python, _OLD_PYTHON_SUGGESTION)
            if _sparse_columns_possible(model) and not _every_column_a_list(model, probe):
                return Refuse(
                    "column data in a module with a sparse vector field: a scipy sparse array "
                    "column (BGE-M3's output, say), which the ORM took whole, splits into 1-D "
                    "rows that MilvusClient refuses ('expect 1 row')",
                    "build the rows by hand, each sparse row as a dict or a 1-row matrix, "
                    f"then {method}(data=rows)",
                )
        empty = _empty_rows(method, probe, shape, data, env)
        guard = Guard((), (), None) if isinstance(empty, str) else empty
        data = guard.data or data
        note = ""
        if shape == "dataframe":
            data_expr: cst.BaseExpression = cst.parse_expression(
                f'{_code(data)}.to_dict("records")'
            )
        elif shape == "columns":
            names = model.insert_field_names(env.name) if model is not None else None
            if names is None:
                return _runtime_columns(method, call, bound, data, env, empty)
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
        summary = f"{method}() -> {env.client}.{method}(collection_name=..., data=...)"
        if isinstance(empty, str):
            return Rewrite(
                expr=client_call(env.client, method, args, call),
                summary=summary,
                note=empty or note,
                unsafe=bool(empty),
                code=INSERT_EMPTY.code if empty else "",
            )
        return Rewrite(
            expr=client_call(env.client, method, args, call),
            before=guard.statements,
            summary=summary + ", behind the ORM's refusal of no rows",
            note=note,
            imports=guard.imports,
        )

    return convert


def _empty_rows(
    method: str,
    probe: cst.BaseExpression | None,
    shape: str,
    data: cst.BaseExpression,
    env: Env,
) -> str | Guard:
    """'' when the data visibly holds a row; else the guard that keeps the ORM's refusal of
    none (empty_insert.empty_guard) with its imports, or why neither (MM133, unsafe)."""
    model = env.model
    columns = shape == "columns"
    why = "its shape is not visible"
    if model is not None and probe is not None and env.original is not None:
        if non_empty(model, probe, env.original, columns=columns):
            return ""
        guard = empty_guard(model, env.original, data, columns, env.fresh_name)
        if not isinstance(guard, str):
            return guard
        why = guard
    return (
        f"`{method}()` of data that may hold no rows: the ORM raised for none "
        "(DataNotMatchException, or IndexError / ParamError for empty columns), MilvusClient "
        "stores nothing and returns a zero count, and the ORM's refusal cannot be kept in "
        f"front of the call: {why} (unsafe fix {INSERT_EMPTY.code}; test the data first, "
        "`if not rows: return`, to make it safe)"
    )


_OLD_PYTHON_SUGGESTION = (
    "convert the columns to rows by hand, or set target-version to py310 or later"
)


def _sparse_columns_possible(model) -> bool:  # type: ignore[no-untyped-def]
    """The module names `SPARSE_FLOAT_VECTOR` and no `FunctionType` (a BM25 function's output
    is the usual sparse field, and no input column): a column may be a scipy sparse matrix
    (w001 of the sixth sample), which `zip` would split into rows."""
    if model is None:
        return False
    names = {n.value for n in _walk(model.module, cst.Name)}
    return "SPARSE_FLOAT_VECTOR" in names and "FunctionType" not in names


def _every_column_a_list(model, data, depth: int = 0) -> bool:  # type: ignore[no-untyped-def]
    """Each column of the column data `data` (a list display, or a variable bound once to
    one) is visibly a list, not a matrix that `zip` could split otherwise (`_is_list`)."""
    if isinstance(data, cst.Name) and depth < 3:
        value = model._single_value(data)
        return value is not None and _every_column_a_list(model, value, depth + 1)
    if not isinstance(data, cst.List):
        return False
    return all(
        not isinstance(e, cst.StarredElement) and _is_list(model, e.value) for e in data.elements
    )


_LIST_ANNOTATION = re.compile(r"^(list|List|typing\.List)\b|^Optional\[(list|List)\b")


def _is_list(model, expr, depth: int = 0, seen: frozenset = frozenset()) -> bool:  # type: ignore[no-untyped-def]
    """`expr` is visibly a Python list: a display, a comprehension, `list(...)`, `.tolist()`,
    a slice of one, `a if c else b` of two, or a variable whose every binding is one (a
    parameter annotated `list`, `List[...]`, `list | None`, `Optional[List...]`)."""
    if isinstance(expr, (cst.List, cst.ListComp)):
        return True
    if isinstance(expr, cst.Call):
        func = expr.func
        return (isinstance(func, cst.Name) and func.value == "list") or (
            isinstance(func, cst.Attribute) and func.attr.value == "tolist"
        )
    if isinstance(expr, cst.IfExp):
        return _is_list(model, expr.body, depth, seen) and (
            is_none(expr.orelse) or _is_list(model, expr.orelse, depth, seen)
        )
    if isinstance(expr, cst.Subscript) and any(isinstance(e.slice, cst.Slice) for e in expr.slice):
        return _is_list(model, expr.value, depth, seen)
    if not isinstance(expr, cst.Name) or depth >= 3:
        return False
    if expr.value in seen:
        return True  # `x = x if x is not None else [...]`: the other bindings decide
    scope = model.scopes.get(expr)
    if scope is None or expr.value not in scope:
        return False
    for assignment in scope[expr.value]:
        node = getattr(assignment, "node", None)
        if isinstance(node, cst.Param):
            annotation = node.annotation
            if annotation is None or not _LIST_ANNOTATION.match(_code(annotation.annotation)):
                return False
            continue
        value = model._assigned_value(node)
        if value is None or not _is_list(model, value, depth + 1, seen | {expr.value}):
            return False
    return True


def _before_strict_zip(model) -> str:  # type: ignore[no-untyped-def]
    """Why column data cannot become rows for the run's target Python ('' when it can): the
    rows are built with `zip(..., strict=True)`, which keeps the ORM's refusal of a column
    count or column lengths that do not match and needs Python 3.10."""
    options = model.ctx.options if model is not None else None
    if options is None or options.targets_at_least(3, 10):
        return ""
    return (
        "column data becomes rows with `zip(..., strict=True)`, which needs Python 3.10, and "
        f"the target is {options.target_version} (target-version, or the project's "
        "requires-python)"
    )


def _runtime_columns(
    method: str,
    call: cst.Call,
    bound: Bound,
    data: cst.BaseExpression,
    env: Env,
    empty: str | Guard,
) -> Result:
    """Column data for a collection whose schema is not visible: read the field order from
    the server just before the call, with the ORM's rule (schema fields minus function outputs,
    and for insert minus an auto_id primary key; upsert takes the primary key column even
    with auto_id). `strict=True` keeps the ORM's refusal of a column count or column lengths
    that do not match (ValueError instead of MilvusException, before anything is sent)."""
    unsupported = "column-based data needs the schema's field order, which is not visible here"
    suggestion = (
        f"read the field names from {env.client}.describe_collection() in a statement before "
        f"the call, then {env.client}.{method}(collection_name=..., "
        "data=[dict(zip(field_names, values, strict=True))"
        " for values in zip(*columns, strict=True)])"
    )
    model = env.model
    if model is None or env.original is None:
        return Refuse(unsupported, suggestion)
    slot = statement_slot(model, env.original)
    if isinstance(slot, str):
        return Refuse(f"{unsupported}, and {slot}", suggestion)
    paths = exception_paths(model, env.original, _ORM_RAISES + _MIGRATED_RAISES)
    if paths.refused:
        return Refuse(
            f"{unsupported}, and a handler around the call (try/except, with) means a "
            "mismatch's ValueError may take another path than the ORM's MilvusException: "
            f"{paths.refused}",
            suggestion,
        )
    var = env.fresh_name("field_names")
    keep = 'not field.get("is_function_output")'
    if method == "insert":
        keep = f'not field.get("auto_id") and {keep}'
    describe = f"{env.client}.describe_collection(collection_name={_code(env.name)})"
    prefix = cst.parse_statement(
        f'{var} = [\n    field["name"]\n    for field in {describe}["fields"]\n    if {keep}\n]\n'
    )
    args = [
        kwarg("collection_name", env.name),
        kwarg("data", _columns_to_rows(data, var)),
        *copy_args(bound, [("partition_name", "partition_name"), ("timeout", "timeout")]),
        *bound.extra,
    ]
    note = ""
    if paths.reads:
        note = (
            f"the handler around the call reads the exception ({paths.reads}): on a column count "
            "or length mismatch it gets zip's ValueError instead of the ORM's "
            f"DataNotMatchException / ParamError (unsafe fix {INSERT_READ_IN_TRY.code})"
        )
    guard: tuple[cst.BaseStatement, ...] = ()
    imports: tuple[tuple[str, str], ...] = ()
    if not isinstance(empty, str):
        guard, imports, empty = empty.statements, empty.imports, ""
    return Rewrite(
        expr=client_call(env.client, method, args, call),
        before=(*guard, prefix),
        summary=(
            f"{method}(columns) -> {env.client}.{method}(collection_name=..., data=rows), "
            "field order read with describe_collection()"
        ),
        unsafe=bool(paths.reads or empty),
        note="; ".join(n for n in (empty, note) if n),
        code=INSERT_EMPTY.code if empty else INSERT_READ_IN_TRY.code if paths.reads else "",
        imports=imports,
    )


def _columns_to_rows(data: cst.BaseExpression, names: list[str] | str) -> cst.BaseExpression:
    """Rows from columns; `names` is the field list, or the variable that holds it. Both zips
    are strict: the ORM refuses a column count other than the field count, and the server
    columns of unequal length, where a plain zip would silently drop values."""
    if isinstance(names, str):
        fields = names
    else:
        fields = "[" + ", ".join(repr(n).replace("'", '"') for n in names) + "]"
    tail = ", strict=True"
    if isinstance(data, cst.List):
        columns = ", ".join(_code(e.value) for e in data.elements)
        source = f"zip({columns}{tail})"
    else:
        source = f"zip(*{_code(data)}{tail})"
    return cst.parse_expression(f"[dict(zip({fields}, values{tail})) for values in {source}]")


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
    stray = stray_filter("delete", bound.extra)
    if stray is not None:
        return stray
    escape = _escape_refusal(env)
    if escape is not None:
        return escape
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
    rules = (INSERT, INSERT_READ_IN_TRY, INSERT_EMPTY, DELETE)
    methods = METHODS
