"""Trap 8: an empty query list. The ORM's `search` and `hybrid_search` return an empty
`SearchResult` without a server call when `data` / `reqs` is an empty *list*
(`isinstance(x, list) and len(x) == 0`, pymilvus 3.0.2 orm/collection.py); MilvusClient raises
(`search`: "list index out of range", client-side; `hybrid_search`: "MergeOp requires at least one
input"). An empty tuple or numpy array raises on both APIs, so only lists need a guard.

The guard's empty result is `[]`: like the ORM's empty `SearchResult` (a `list` subclass) it has
len 0, is falsy, iterates nothing, equals `[]` and raises IndexError on `[0]` (verified on
milvus-lite). It differs only in `str()` ("[]" vs "data: []") and the `.extra`/`.recalls`
attributes.
"""

from __future__ import annotations

import enum

import libcst as cst


class Emptiness(enum.Enum):
    NON_EMPTY = "non-empty"  # a list display with an element, or not a list at all: no guard
    EMPTY = "empty"  # the literal `[]`: the ORM's result is always empty
    LIST = "list"  # a list that may be empty: `if data` is exact
    UNKNOWN = "unknown"  # may be a list, may be a numpy array: `isinstance(data, list)` needed


_NOT_LISTS = (
    cst.Tuple, cst.Dict, cst.DictComp, cst.Set, cst.SetComp, cst.GeneratorExp, cst.SimpleString,
    cst.ConcatenatedString, cst.FormattedString, cst.Integer, cst.Float,
)  # fmt: skip
_NUMPY_PREFIXES = ("np.", "numpy.")
_LIST_ANNOTATIONS = {"list", "List", "typing.List"}


def classify(expr: cst.BaseExpression, model: object = None, depth: int = 0) -> Emptiness:
    """How `expr`, the ORM call's `data`/`reqs` (a node of the analysed tree), can be empty."""
    if isinstance(expr, cst.List):
        if any(not isinstance(e, cst.StarredElement) for e in expr.elements):
            return Emptiness.NON_EMPTY
        return Emptiness.LIST if expr.elements else Emptiness.EMPTY
    if isinstance(expr, cst.ListComp):
        return Emptiness.LIST
    if isinstance(expr, _NOT_LISTS):
        return Emptiness.NON_EMPTY
    if isinstance(expr, cst.Call):
        func = _dotted(expr.func)
        if func == "list" or func.endswith(".tolist"):
            return Emptiness.LIST
        if func.startswith(_NUMPY_PREFIXES):
            return Emptiness.NON_EMPTY  # an ndarray: both APIs send it to the server
        return Emptiness.UNKNOWN
    if isinstance(expr, cst.Subscript):
        part = expr.slice[0].slice if len(expr.slice) == 1 else None
        if not isinstance(part, cst.Slice):
            return Emptiness.UNKNOWN
        whole = classify(expr.value, model, depth + 1)
        if whole is Emptiness.NON_EMPTY and _keeps_first(part) and _is_list_value(expr.value):
            return Emptiness.NON_EMPTY  # `queries[:1]` of a list that is never emptied
        if _is_list(whole) or (whole is Emptiness.NON_EMPTY and _is_list_value(expr.value)):
            return Emptiness.LIST
        return Emptiness.UNKNOWN
    if isinstance(expr, cst.Name) and model is not None and depth < 3:
        return _name_kind(expr, model, depth)
    return Emptiness.UNKNOWN


def _is_list(kind: Emptiness) -> bool:
    return kind in (Emptiness.LIST, Emptiness.EMPTY)


def _name_kind(name: cst.Name, model, depth: int) -> Emptiness:
    """NON_EMPTY when every assignment is a non-empty list display and no use can empty it;
    LIST when every assignment visibly makes a list; UNKNOWN otherwise."""
    scope = model.scopes.get(name)
    if scope is None or name.value not in scope:
        return Emptiness.UNKNOWN
    assignments = list(scope[name.value])
    if not assignments:
        return Emptiness.UNKNOWN
    displays = True  # every assignment is a non-empty list display
    for assignment in assignments:
        node = getattr(assignment, "node", None)
        if isinstance(node, cst.Param):
            if not _list_annotation(node.annotation) or node.default is not None:
                return Emptiness.UNKNOWN  # a default (None, ()) may not be a list
            displays = False
            continue
        parent = model.parent(node) if node is not None else None
        value = _assigned_value(node, parent, model)
        if value is None:
            return Emptiness.UNKNOWN
        kind = classify(value, model, depth + 1)
        display = kind is Emptiness.NON_EMPTY and _is_list_value(value)
        if not (_is_list(kind) or display):
            return Emptiness.UNKNOWN
        displays = displays and display
    if displays and all(_only_read(a, model) for a in assignments):
        return Emptiness.NON_EMPTY
    return Emptiness.LIST


def _is_list_value(expr: cst.BaseExpression) -> bool:
    """A list display, or a name/slice already proven to hold one."""
    if isinstance(expr, cst.Subscript):
        return _is_list_value(expr.value)
    return isinstance(expr, (cst.List, cst.Name))


def _keeps_first(part: cst.Slice) -> bool:
    """`[:k]`, `[0:k]` with k >= 1, or `[:]`: the slice of a non-empty list is non-empty."""
    lower_ok = part.lower is None or (
        isinstance(part.lower, cst.Integer) and part.lower.evaluated_value == 0
    )
    upper_ok = part.upper is None or (
        isinstance(part.upper, cst.Integer) and part.upper.evaluated_value >= 1
    )
    return lower_ok and upper_ok and part.step is None


# Calls that only read the list they are given (the searches being migrated among them).
_READERS = {"len", "print", "list", "tuple", "sorted", "enumerate", "zip", "str", "repr", "iter"}
_READER_METHODS = {"search", "hybrid_search", "index", "count", "copy"}


def _is_target(node: cst.CSTNode, model) -> bool:
    """`node` is (part of) what an assignment, augmented assignment or `del` writes."""
    parent = model.parent(node)
    while isinstance(parent, (cst.Element, cst.StarredElement, cst.Tuple, cst.List)):
        node, parent = parent, model.parent(parent)
    if isinstance(parent, cst.AugAssign):
        return parent.target is node
    if isinstance(parent, (cst.For, cst.CompFor)):
        return parent.target is node
    return isinstance(parent, (cst.AssignTarget, cst.Del))


def _only_read(assignment, model) -> bool:
    """No use of the name can empty the list: it is only subscripted, iterated, measured or
    passed to a search (not to arbitrary code, not a method such as `.clear()` / `.pop()`)."""
    for access in assignment.references:
        node = access.node
        parent = model.parent(node)
        if isinstance(parent, cst.Subscript) and parent.value is node:
            if _is_target(parent, model):
                return False  # `del q[0]`, `q[:] = []`, `del a, q[1]`
            continue
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
            continue
        if isinstance(parent, cst.Attribute) and parent.value is node:
            if parent.attr.value in _READER_METHODS and isinstance(model.parent(parent), cst.Call):
                continue
            return False
        if isinstance(parent, cst.Arg) and parent.value is node and not parent.star:
            call = model.parent(parent)
            func = call.func if isinstance(call, cst.Call) else None
            if isinstance(func, cst.Name) and func.value in _READERS:
                continue
            if isinstance(func, cst.Attribute) and func.attr.value in ("search", "hybrid_search"):
                continue
        return False
    return True


def _assigned_value(node, parent, model) -> cst.BaseExpression | None:
    if isinstance(parent, cst.AssignTarget) and parent.target is node:
        assign = model.parent(parent)
        if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
            return assign.value
    if isinstance(parent, cst.AnnAssign) and parent.target is node:
        return parent.value
    return None


def _list_annotation(annotation: cst.Annotation | None) -> bool:
    if annotation is None:
        return False
    hint = annotation.annotation
    if isinstance(hint, cst.Subscript):
        hint = hint.value
    return _dotted(hint) in _LIST_ANNOTATIONS


def _dotted(expr: cst.BaseExpression) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        head = _dotted(expr.value)
        return f"{head}.{expr.attr.value}" if head else ""
    if isinstance(expr, cst.Call):  # `x.tolist()` style chains: keep the method name
        inner = _dotted(expr.func)
        return f"{inner}()" if inner else ""
    return ""


def is_cheap_to_repeat(expr: cst.BaseExpression) -> bool:
    """A plain read (`data`, `self.queries`, `queries[:1]`, `vecs[i:i + n]`) that a guard can
    evaluate a second time without running user code twice."""
    if isinstance(expr, (cst.Name, cst.Integer, cst.SimpleString)):
        return True
    if isinstance(expr, cst.Attribute):
        return is_cheap_to_repeat(expr.value)
    if isinstance(expr, cst.UnaryOperation):
        return is_cheap_to_repeat(expr.expression)
    if isinstance(expr, cst.BinaryOperation):
        return is_cheap_to_repeat(expr.left) and is_cheap_to_repeat(expr.right)
    if isinstance(expr, cst.Subscript):
        return is_cheap_to_repeat(expr.value) and all(
            _cheap_slice(element.slice) for element in expr.slice
        )
    return False


def _cheap_slice(part: cst.BaseSlice) -> bool:
    if isinstance(part, cst.Index):
        return is_cheap_to_repeat(part.value)
    if isinstance(part, cst.Slice):
        return all(p is None or is_cheap_to_repeat(p) for p in (part.lower, part.upper, part.step))
    return False


def empty_condition(data: cst.BaseExpression, kind: Emptiness) -> cst.BaseExpression:
    """True exactly when the ORM would have short-circuited: `isinstance(d, list) and not d`,
    or `not d` when `d` is known to be a list."""
    empty = cst.UnaryOperation(operator=cst.Not(), expression=data.deep_clone())
    if kind is Emptiness.LIST:
        return empty
    is_list = cst.Call(
        func=cst.Name("isinstance"),
        args=[
            cst.Arg(data.deep_clone(), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            cst.Arg(cst.Name("list")),
        ],
    )
    return cst.BooleanOperation(left=is_list, operator=cst.And(), right=empty)


_BARE_CONTEXTS = (cst.Assign, cst.AnnAssign, cst.Return, cst.Expr, cst.Element, cst.Lambda)


def guarded(
    call: cst.Call, data: cst.BaseExpression, kind: Emptiness, parent: cst.CSTNode | None
) -> cst.BaseExpression:
    """`client.search(...) if data else []` (a known list) or
    `[] if isinstance(data, list) and not data else client.search(...)`, parenthesized unless
    it stands where a conditional expression needs no parentheses."""
    empty_result = cst.List(elements=[])
    if kind is Emptiness.LIST:
        expr = cst.IfExp(test=data.deep_clone(), body=call, orelse=empty_result)
    else:
        expr = cst.IfExp(test=empty_condition(data, kind), body=empty_result, orelse=call)
    bare = isinstance(parent, _BARE_CONTEXTS) or (isinstance(parent, cst.Arg) and not parent.star)
    if bare:
        return expr
    return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
