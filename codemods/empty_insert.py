"""An insert or upsert of no rows. The ORM refuses one: `[]` raises `DataNotMatchException`
("The data doesn't match with schema fields, expect 2 list, got 0"), empty columns raise
`IndexError` from `Prepare.prepare_data` (pymilvus 3.0.2 orm/prepare.py reads the vector
column's first value), an empty numpy column `ParamError`. MilvusClient stores nothing and
returns `{"insert_count": 0, "ids": []}`, so the code after the call runs where the ORM's
raised (measured with pymilvus 3.0.2 on milvus-lite).

`non_empty` proves that the data holds a row from what the module shows: a literal row or a
list display of rows,
columns of which one is visibly non-empty (all columns must be empty for the rows to be),
a comprehension over `range(k)` with k >= 1, a name bound once to such a value and then only
read or appended to, a batch slice `x[i:i + n]` inside `for i in range(0, len(x), n)`, or a
test of the data (or of one column) that the call sits under: `if rows:`, `if len(rows) > 0:`,
or an exit guard before it, `if not rows: return` (or `raise`, `continue`, `break`,
`sys.exit()`), with nothing storing into the name in between.

Elsewhere `empty_guard` keeps the ORM's refusal with a statement before the migrated call,

    if len(rows) == 0:
        raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)

pymilvus's own message for an empty DataFrame or numpy column ("Must pass in at least one
column"); for a list of rows the ORM raised DataNotMatchException, for empty column lists
IndexError, so the guard is written only where every one of those meets the same handler
as ParamError and no handler reads the exception (`handler_paths`), and where the test can
read the data again (a name, attribute or slice; for columns, the first column: with it
empty the rows are empty or zip raises for the others). Otherwise the rewrite is unsafe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import libcst as cst

from codemods.analysis import OrmModel, _walk
from codemods.client_import import imports_pymilvus_up_front
from codemods.collection_calls import statement_slot
from codemods.empty_search import is_cheap_to_repeat
from codemods.existence_guards import _never_falls_through as never_falls_through
from codemods.handler_paths import exception_paths
from codemods.open_check import EXCEPTIONS_MODULE, exception_names
from codemods.rewrite import code_of

# Methods after which a non-empty list is still non-empty.
_KEEPS = {"append", "extend", "insert", "copy", "index", "count", "tolist"}
_EMPTIES = {"clear", "pop", "remove", "popitem"}
# Builtins whose result has one element per element of their one argument.
_SAME_LENGTH = {"list", "tuple", "sorted", "enumerate", "reversed"}
# Builtins that only read the list they are given.
_READERS = {*_SAME_LENGTH, "len", "print", "zip", "str", "repr", "set", "min", "max", "sum"}


def non_empty(
    model: OrmModel, data: cst.BaseExpression, call: cst.Call, columns: bool, depth: int = 0
) -> bool:
    """`data`, the ORM call's data argument (a node of the analysed tree), holds at least one
    row whenever `call` runs. `columns`: `data` is a list of columns."""
    if depth > 3:
        return False
    if isinstance(data, cst.Dict):
        return not columns  # a single row
    if isinstance(data, cst.List):
        elements = [e.value for e in data.elements if not isinstance(e, cst.StarredElement)]
        if not columns:
            return bool(elements)
        return any(non_empty(model, e, call, False, depth + 1) for e in elements)
    if columns:
        # A name bound to a list display of columns: any visibly non-empty column.
        value = _single_value(model, data) if isinstance(data, cst.Name) else None
        if isinstance(value, cst.List) and _only_read(model, data):
            return non_empty(model, value, call, True, depth + 1)
        return False
    if isinstance(data, cst.ListComp):
        return _full_comprehension(model, data, call, depth)
    if isinstance(data, cst.Call):
        return _non_empty_call(model, data, call, depth)
    if isinstance(data, cst.Subscript):
        return _batch_slice(model, data, call)
    if isinstance(data, (cst.Name, cst.Attribute)):
        if _guarded(model, data, call):
            return True
        value = _single_value(model, data) if isinstance(data, cst.Name) else None
        return (
            value is not None
            and _only_read(model, data)
            and non_empty(model, value, call, False, depth + 1)
        )
    return False


def _non_empty_call(model: OrmModel, data: cst.Call, call: cst.Call, depth: int) -> bool:
    func = data.func
    if not isinstance(func, cst.Name) or not _builtin(model, func):
        return False
    if func.value == "range":
        return _positive_range(model, data)
    if func.value in _SAME_LENGTH and len(data.args) == 1 and not data.args[0].star:
        return non_empty(model, data.args[0].value, call, False, depth + 1)
    return False


def _positive_range(model: OrmModel, call: cst.Call) -> bool:
    """`range(k)` with k >= 1, or `range(a, b)` with a < b: integer literals, or names bound
    once to one."""
    numbers = [_integer(model, a.value) for a in call.args]
    if not numbers or len(numbers) > 2 or any(n is None for n in numbers):
        return False
    return numbers[0] >= 1 if len(numbers) == 1 else numbers[0] < numbers[1]  # type: ignore[operator]


def _integer(model: OrmModel, expr: cst.BaseExpression) -> int | None:
    if isinstance(expr, cst.Name):
        value = _single_value(model, expr)
        expr = value if value is not None else expr
    if isinstance(expr, cst.Integer):
        return int(expr.evaluated_value)
    return None


def _full_comprehension(model: OrmModel, comp: cst.ListComp, call: cst.Call, depth: int) -> bool:
    """`[... for x in xs]` with no `if` and xs non-empty: one element per x."""
    loop = comp.for_in
    if loop.ifs or loop.inner_for_in is not None or loop.asynchronous is not None:
        return False
    return non_empty(model, loop.iter, call, False, depth + 1)


def _batch_slice(model: OrmModel, data: cst.Subscript, call: cst.Call) -> bool:
    """`xs[i:i + n]` (or `xs[i:min(i + n, ...)]`) inside `for i in range(0, len(xs), n)`: i is
    below len(xs), so the slice holds xs[i]."""
    if len(data.slice) != 1 or not isinstance(data.slice[0].slice, cst.Slice):
        return False
    part = data.slice[0].slice
    lower, upper = part.lower, part.upper
    if not isinstance(lower, cst.Name) or part.step is not None or upper is None:
        return False
    if isinstance(upper, cst.Call) and code_of(upper.func) == "min" and upper.args:
        upper = upper.args[0].value
    if not (
        isinstance(upper, cst.BinaryOperation)
        and isinstance(upper.operator, cst.Add)
        and code_of(upper.left) == lower.value
    ):
        return False
    loop = _enclosing_for(model, call, lower.value)
    if loop is None or not isinstance(loop.iter, cst.Call) or code_of(loop.iter.func) != "range":
        return False
    args = [a.value for a in loop.iter.args]
    return (
        len(args) == 3
        and code_of(args[0]) == "0"
        and code_of(args[1]) == f"len({code_of(data.value)})"
        and code_of(args[2]) == code_of(upper.right)
        and not _stored_in(model, loop.body, data.value)
    )


def _enclosing_for(model: OrmModel, node: cst.CSTNode, target: str) -> cst.For | None:
    parent = model.parent(node)
    while parent is not None and not isinstance(parent, (cst.FunctionDef, cst.ClassDef)):
        if isinstance(parent, cst.For) and code_of(parent.target) == target:
            return parent
        parent = model.parent(parent)
    return None


# ---- a test of the data that the call sits under ---------------------------------------------


def _guarded(model: OrmModel, data: cst.BaseExpression, call: cst.Call) -> bool:
    """An `if` whose body holds the call tests `data` for rows, or an exit guard before the
    call's statement (in its block or an enclosing one) leaves when `data` has none; nothing
    stores into `data` between the test and the call."""
    child: cst.CSTNode = call
    parent = model.parent(call)
    while parent is not None and not isinstance(parent, (cst.FunctionDef, cst.ClassDef)):
        if isinstance(parent, cst.If) and (
            (child is parent.body and _says_rows(parent.test, data))
            or (child is parent.orelse and _says_none(parent.test, data))
        ):
            return not _stored_between(model, data, parent, call)
        if isinstance(parent, (cst.IndentedBlock, cst.Module)):
            statements = list(parent.body)
            at = statements.index(child) if child in statements else -1
            for before in reversed(statements[:at] if at > 0 else []):
                if (
                    isinstance(before, cst.If)
                    and before.orelse is None
                    and _says_none(before.test, data)
                    and _leaves(model, before.body)
                ):
                    return not _stored_between(model, data, before, call)
        if isinstance(parent, (cst.While, cst.For)) and child is parent.orelse:
            return False
        child, parent = parent, model.parent(parent)
    return False


def _says_rows(test: cst.BaseExpression, data: cst.BaseExpression) -> bool:
    """True only when `data` has an element: `data`, `len(data)`, `len(data) > 0`,
    `len(data) >= 1`, `len(data) != 0`, or an `and` with one of them."""
    text = code_of(data)
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _says_rows(test.left, data) or _says_rows(test.right, data)
    if code_of(test) in (text, f"len({text})"):
        return True
    return _compares_len(test, text, {">": 0, ">=": 1, "!=": 0})


def _says_none(test: cst.BaseExpression, data: cst.BaseExpression) -> bool:
    """True whenever `data` has no element: `not data`, `not len(data)`, `len(data) == 0`,
    `len(data) < 1`, `data == []`, or an `or` with one of them."""
    text = code_of(data)
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
        return _says_none(test.left, data) or _says_none(test.right, data)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return code_of(test.expression) in (text, f"len({text})")
    if code_of(test).replace(" ", "") == f"{text}==[]".replace(" ", ""):
        return True
    return _compares_len(test, text, {"==": 0, "<": 1, "<=": 0})


def _compares_len(test: cst.BaseExpression, text: str, allowed: dict[str, int]) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    operator = code_of(target.operator).strip()
    return (
        code_of(test.left) == f"len({text})"
        and operator in allowed
        and isinstance(target.comparator, cst.Integer)
        and int(target.comparator.evaluated_value) == allowed[operator]
    )


def _leaves(model: OrmModel, body: cst.BaseSuite) -> bool:
    """Every path through an exit guard's body leaves the block: a return, raise or exit
    (`never_falls_through`), or a body that ends in `continue` / `break`."""
    if never_falls_through(model, body):
        return True
    statements = list(body.body)
    last = statements[-1] if statements else None
    if isinstance(body, cst.SimpleStatementSuite):
        last = body.body[-1] if body.body else None
    elif isinstance(last, cst.SimpleStatementLine):
        last = last.body[-1] if last.body else None
    if not isinstance(last, (cst.Continue, cst.Break)):
        return False
    return not any(True for kind in (cst.Try, cst.With) for _ in _walk(body, kind))


# ---- stores into the data between a test and the call ----------------------------------------


def _stored_between(
    model: OrmModel, data: cst.BaseExpression, start: cst.CSTNode, call: cst.Call
) -> bool:
    first, last = model.line(start), model.line(call)
    return _stored_in(model, model.module, data, (first, last))


def _stored_in(
    model: OrmModel,
    root: cst.CSTNode,
    data: cst.BaseExpression,
    lines: tuple[int, int] | None = None,
) -> bool:
    """Something in `root` (within `lines`) rebinds `data`, deletes from it or empties it
    (`clear()`, `pop()`, `remove()`)."""
    text = code_of(data)

    def within(node: cst.CSTNode) -> bool:
        return lines is None or lines[0] <= model.line(node) <= lines[1]

    targets: list[cst.CSTNode] = []
    for assign in _walk(root, cst.Assign):
        targets.extend(t.target for t in assign.targets)
    for kind in (cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr):
        targets.extend(n.target for n in _walk(root, kind))
    for item in _walk(root, cst.AsName):
        targets.append(item.name)
    for deleted in _walk(root, cst.Del):
        targets.append(deleted.target)
    for target in targets:
        for node in [target, *_walk(target, cst.Name), *_walk(target, cst.Attribute)]:
            if code_of(node) == text and within(node):
                return True
    owner = code_of(data.value) if isinstance(data, cst.Attribute) else None
    for other in _walk(root, cst.Call):
        if not within(other):
            continue
        func = other.func
        if isinstance(func, cst.Attribute) and code_of(func.value) == text:
            if func.attr.value in _EMPTIES:
                return True
            continue
        if isinstance(func, cst.Attribute) and func.attr.value in ("insert", "upsert"):
            continue  # the data call itself (and others like it) only read the rows
        if isinstance(func, cst.Name) and func.value in _READERS and _builtin(model, func):
            continue
        # Code that is given the rows could empty them (`process(rows)`), and a method of the
        # object holding them could reset them (`self.flush_batch()` before `self.batch`).
        if any(code_of(a.value) == text for a in other.args):
            return True
        if owner is not None and isinstance(func, cst.Attribute) and code_of(func.value) == owner:
            return True
    return False


def _single_value(model: OrmModel, name: cst.Name) -> cst.BaseExpression | None:
    """The value of the one assignment that binds `name` in its scope: a plain one
    (OrmModel._single_value), or its place in a tuple assignment (`a, b = 1, 2`)."""
    scope = model.scopes.get(name)
    if scope is None or name.value not in scope:
        return None
    assignments = list(scope[name.value])
    node = getattr(assignments[0], "node", None) if len(assignments) == 1 else None
    holder = model.parent(node) if node is not None else None
    if not (isinstance(holder, cst.Element) and isinstance(model.parent(holder), cst.Tuple)):
        return model._single_value(name)  # type: ignore[attr-defined]
    target = model.parent(holder)
    slot = model.parent(target)  # type: ignore[arg-type]
    assign = model.parent(slot) if isinstance(slot, cst.AssignTarget) else None
    if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
        value = assign.value
        elements = target.elements  # type: ignore[union-attr]
        if isinstance(value, cst.Tuple) and len(value.elements) == len(elements):
            return value.elements[[e is holder for e in elements].index(True)].value
    return None


def _only_read(model: OrmModel, name: cst.Name) -> bool:
    """No use of `name` can empty what it holds: subscripts that are not stored into,
    iteration, `len`-like reads, list methods that keep elements, and the data call itself
    (passing it to other code could empty it)."""
    scope = model.scopes.get(name)
    if scope is None:
        return False
    for assignment in scope[name.value]:
        for access in assignment.references:
            node = access.node
            parent = model.parent(node)
            if isinstance(parent, cst.Subscript) and parent.value is node:
                if isinstance(model.parent(model.parent(parent)), cst.Del):
                    return False
                if isinstance(model.parent(parent), (cst.AssignTarget, cst.AugAssign)):
                    return False
                continue
            if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
                continue
            if isinstance(parent, cst.Attribute) and parent.value is node:
                if parent.attr.value in _KEEPS or parent.attr.value in ("insert", "upsert"):
                    continue
                return False
            if isinstance(parent, cst.Element) and _data_display(model, parent):
                continue
            if isinstance(parent, cst.Arg) and parent.value is node and not parent.star:
                holder = model.parent(parent)
                func = holder.func if isinstance(holder, cst.Call) else None
                if isinstance(func, cst.Name) and func.value in _READERS and _builtin(model, func):
                    continue
                if isinstance(func, cst.Attribute) and func.attr.value in ("insert", "upsert"):
                    continue
            return False
    return True


def _builtin(model: OrmModel, name: cst.Name) -> bool:
    scope = model.scopes.get(name)
    qualified = scope.get_qualified_names_for(name) if scope else set()
    return {q.name for q in qualified} == {f"builtins.{name.value}"}


def _data_display(model: OrmModel, element: cst.Element) -> bool:
    """`element` is a column of a list display passed straight to an insert or upsert."""
    display = model.parent(element)
    arg = model.parent(display) if isinstance(display, (cst.List, cst.Tuple)) else None
    call = model.parent(arg) if isinstance(arg, cst.Arg) else None
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value in ("insert", "upsert")
    )


# What an empty insert raises on the ORM (rows, column lists, DataFrames and numpy columns),
# and what the guard raises.
_ORM_EMPTY = (
    "pymilvus.exceptions.DataNotMatchException",
    "builtins.IndexError",
    "pymilvus.exceptions.ParamError",
)
_GUARD_NAMES = ("ExceptionsMessage", "ParamError")


class Guard(NamedTuple):
    statements: tuple[cst.BaseStatement, ...]  # to run just before the call's statement
    imports: tuple[tuple[str, str], ...]  # (module, spec) the statements need
    data: cst.BaseExpression | None  # the data argument to pass instead, if any


def empty_guard(
    model: OrmModel,
    call: cst.Call,
    data: cst.BaseExpression,
    columns: bool,
    fresh_name: Callable[[str], str],
) -> Guard | str:
    """The statements that keep the ORM's refusal of no rows in front of the migrated `call`
    (the ORM call, a node of the analysed tree), with the imports they need; else why not.
    `data` is the call's data argument in the tree being rewritten. A list comprehension of
    rows that is all the statement evaluates before the call is bound to a name first
    (`rows = [...]`), so the test does not build it twice."""
    whole = data  # what the call is given: with a hoisted value, the name instead
    display = columns and isinstance(data, cst.List) and bool(data.elements)
    if display:
        data = data.elements[0].value  # type: ignore[union-attr]
        columns = False  # the first column: empty, the rows are empty or zip raises
    tested = data
    test = ""
    hoisted: cst.BaseStatement | None = None
    if not is_cheap_to_repeat(data) and _first_evaluated(model, call):
        tested = cst.Name(fresh_name("column" if display else "columns" if columns else "rows"))
        hoisted = cst.SimpleStatementLine(
            body=[cst.Assign(targets=[cst.AssignTarget(target=tested)], value=data)]
        )
        if display:
            first = whole.elements[0].with_changes(value=tested)  # type: ignore[union-attr]
            whole = whole.with_changes(elements=[first, *whole.elements[1:]])  # type: ignore[union-attr]
        else:
            whole = tested
        data = tested
    if columns:
        # A name for the list of columns: its first column, when there is one.
        original = _data_argument(call)
        value = _single_value(model, original) if isinstance(original, cst.Name) else None
        displayed = isinstance(value, cst.List) and bool(value.elements)
        if hoisted is not None or not (displayed and _only_read(model, original)):  # type: ignore[arg-type]
            test = f"len({code_of(data)}) == 0 or "
        test += f"len({code_of(data)}[0]) == 0"
    if not is_cheap_to_repeat(tested):
        return f"a test of `{code_of(tested)}` would evaluate it a second time"
    slot = statement_slot(model, call)
    if isinstance(slot, str):
        return slot
    if not imports_pymilvus_up_front(model.module):
        return "the module imports pymilvus only where it needs it"
    paths = exception_paths(model, call, _ORM_EMPTY)
    if paths.refused:
        return f"a handler around the call may take the ORM's errors apart: {paths.refused}"
    if paths.reads:
        return f"the handler around the call reads the exception ({paths.reads})"
    names = exception_names(model, _GUARD_NAMES)
    raise_ = cst.parse_statement(
        f"raise {names['ParamError'][0]}"
        f"(message={names['ExceptionsMessage'][0]}.NumberRowsInvalid)\n"
    )
    guard = cst.If(
        test=cst.parse_expression(test or f"len({code_of(tested)}) == 0"),
        body=cst.IndentedBlock(body=[raise_]),
    )
    imports = tuple((EXCEPTIONS_MODULE, spec) for _, spec in names.values() if spec is not None)
    if hoisted is not None:
        return Guard((hoisted, guard), imports, whole)
    return Guard((guard,), imports, None)


def _first_evaluated(model: OrmModel, call: cst.Call) -> bool:
    """Nothing of the call's statement but the call's receiver runs before its arguments: the
    call is the statement's value (`x = col.insert(...)`, `return ...`, a bare call), maybe
    read through attributes (`col.insert(...).primary_keys`), and its data is its only
    argument that runs code."""
    node: cst.CSTNode = call
    parent = model.parent(node)
    while isinstance(parent, cst.Attribute) and parent.value is node:
        node, parent = parent, model.parent(parent)
    if not (
        isinstance(parent, (cst.Expr, cst.Return, cst.Assign, cst.AnnAssign))
        and getattr(parent, "value", None) is node
    ):
        return False
    others = [a.value for a in call.args if a.value is not _data_argument(call)]
    return all(is_cheap_to_repeat(v) for v in others)


def _data_argument(call: cst.Call) -> cst.BaseExpression | None:
    """The ORM insert/upsert's data: its `data=` keyword or first positional argument."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "data":
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[0].value if positional else None
