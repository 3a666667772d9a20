"""Trap 2 one call away: an open-only `Collection(name)` reached from a call inside try/except.

The ORM's open-only `Collection(name)` raises for a missing collection; migrated, the same
statement stores the name and raises nothing. `OrmModel._ctor_problem` sees a try/except
around the constructor itself and `OrmModel._factory_try_problem` one around a factory call,
but a handler one or more calls up relies on the raise just as much:

    def set_collection(self, name):
        self.col = Collection(name)          # raised for a missing collection
    def open_or_create(self, name):
        try:
            self.set_collection(name)
        except Exception:
            self.create(name)                # ran then; migrated, it never would

This module follows calls backwards from the function holding the open. A call whose
target `OrmModel.call_target` (codemods.call_targets) resolves links only to that target:
module functions, `Klass(...)` through its `__init__`, methods on `self`, on `super()`, on
variables, parameters and attributes whose same-module class is proven, inherited methods.
A call it cannot resolve could run anything, so nothing is missed silently:

- `<receiver>.m(...)` with an unresolved receiver (unknown, or a method overridden in the
  module's hierarchy) links to every method `m` of the module's classes. A receiver that
  cannot be an instance of a class of this module is left out: a literal, a name bound
  only by imports, a tracked ORM collection, or a name or attribute holding only results
  of pymilvus calls.
- a function, method or lambda used as a value (`retry(self.set_collection)`, `cb =
  lambda: ...`) may be called by anyone: it links to that use and to every unresolved
  call (builtins and imported callables excepted: what they call was passed to them).

When a call linked this way sits in the body of a `try` with any except handler (its type
may be an alias or a tuple we cannot judge, as for factories), the open keeps its
collection ORM; the finding says when a link was not resolved. Otherwise the function
holding the call is followed in turn. An open proven to find its collection by a
has_collection guard (codemods.existence_guards: a create-if-missing guard, an exit guard
`if not utility.has_collection(n): raise ...` before it, or the body of `if
utility.has_collection(n):` or of a wrapper method's check) is not reported: it cannot raise
for a missing collection.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import libcst as cst

from codemods.analysis import OrmModel, _walk, is_create

Callable_ = cst.FunctionDef | cst.Lambda

_LITERALS = (
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.FormattedString,
    cst.Integer,
    cst.Float,
    cst.List,
    cst.Tuple,
    cst.Dict,
    cst.Set,
    cst.ListComp,
    cst.SetComp,
    cst.DictComp,
)


@dataclass
class _Calls:
    """The module's calls, sorted by what they may run."""

    resolved: dict[cst.FunctionDef, list[cst.Call]] = field(default_factory=dict)
    # `<receiver>.m(...)` whose target is unknown, by `m`.
    by_method: dict[str, list[cst.Call]] = field(default_factory=dict)
    # Every call whose target is unknown (and not certainly outside the module).
    unknown: list[cst.Call] = field(default_factory=list)


# Per model: the module's calls (computed once).
_CALLS: weakref.WeakKeyDictionary[OrmModel, _Calls] = weakref.WeakKeyDictionary()


def caller_try_problem(model: OrmModel, ctor: cst.Call) -> str:
    """Why the open-only `ctor` keeps its collection ORM because a call inside try/except
    reaches it, or may ('' when none does, or when it is a create, is not in a function, or
    a guard proves it finds its collection)."""
    from codemods.existence_guards import guard_proves, guarded_open  # lazy: cycle

    if is_create(ctor):
        return ""
    func = _function_of(model, ctor)
    if func is None:
        return ""
    if isinstance(func, cst.FunctionDef) and (
        guard_proves(model, ctor) or guarded_open(model, ctor, func) is not None
    ):
        return ""
    found = _try_caller(model, func, skip_factory=ctor)
    return _message(model, found[0], ctor, found[1]) if found else ""


def caller_try_create(model: OrmModel, ctor: cst.Call) -> str:
    """For the create `ctor` in a function reached from a call inside try/except, as
    `caller_try_problem` follows calls: where that call is ('' when none reaches it, or a
    guard proves the collection missing). Such a create migrates either way; where it can,
    it carries the ORM's schema comparison (codemods.create_check)."""
    from codemods.existence_guards import guard_proves  # lazy: cycle

    func = _function_of(model, ctor)
    if not is_create(ctor) or func is None or guard_proves(model, ctor):
        return ""
    found = _try_caller(model, func)
    if not found:
        return ""
    caller = found[0]
    verb = "called" if isinstance(caller, cst.Call) else "used as a value"
    return f"`{_callee(caller)}` is {verb} inside try/except (line {model.input_line(caller)})"


def may_be_caught(model: OrmModel, node: cst.CSTNode) -> bool:
    """Whether an exception raised at `node` may meet an except handler: `node` is in the
    body of a try with handlers in its own function (or at module level), or its function is
    reached, as `caller_try_problem` follows calls, from a call inside one."""
    if _in_try_with_handler(model, node):
        return True
    func = _function_of(model, node)
    return func is not None and _try_caller(model, func) is not None


def _try_caller(
    model: OrmModel, func: Callable_, skip_factory: cst.Call | None = None
) -> tuple[cst.CSTNode, str] | None:
    """The first call (or use as a value) inside a try with handlers that reaches `func`,
    with the first unresolved link on the way ('' if none); None when nothing does.
    `skip_factory`: an open whose `x = make()` factory call in a try is reported elsewhere."""
    calls = _calls(model)
    # callable -> the first unresolved link on its way to `func` ('' if none).
    seen: dict[Callable_, str] = {func: ""}
    frontier: list[Callable_] = [func]
    while frontier:
        target = frontier.pop(0)
        for caller, link in _links(model, calls, target):
            why = seen[target] or link
            if _in_try_with_handler(model, caller):
                if (
                    skip_factory is not None
                    and target is func
                    and isinstance(caller, cst.Call)
                    and not why
                    and model._factory(caller) is not None
                ):
                    # `x = make()` in the try: _factory_try_problem reports it already.
                    continue
                return caller, why
            outer = _function_of(model, caller)
            if outer is not None and outer not in seen:
                seen[outer] = why
                frontier.append(outer)
    return None


def _message(model: OrmModel, caller: cst.CSTNode, ctor: cst.Call, why: str) -> str:
    if not why:
        return (
            f"`{_callee(caller)}()` is called inside try/except (line {model.input_line(caller)}) "
            f"and reaches the ORM Collection() at line {model.input_line(ctor)}, which "
            "raises for a missing collection; the migrated code does not, and the "
            "handler may rely on it (trap 2)"
        )
    if isinstance(caller, cst.Call):
        what = f"`{_callee(caller)}` is called"
    elif isinstance(caller, cst.Lambda):
        what = "a lambda is used as a value"
    else:
        what = f"`{_callee(caller)}` is used as a value"
    return (
        f"{what} inside try/except (line {model.input_line(caller)}) "
        f"and may reach the ORM Collection() at line {model.input_line(ctor)}: {why}, so it is "
        "counted as reaching it. That Collection() raises for a missing collection; the "
        "migrated code does not, and the handler may rely on it (trap 2)"
    )


def _links(model: OrmModel, calls: _Calls, target: Callable_) -> list[tuple[cst.CSTNode, str]]:
    """The nodes that may run `target`, each with why when that is not certain."""
    found: list[tuple[cst.CSTNode, str]] = []
    if isinstance(target, cst.FunctionDef):
        found += [(c, "") for c in calls.resolved.get(target, [])]
        if _is_method(model, target):
            name = target.name.value
            found += [
                (
                    c,
                    f"the receiver of `{_callee(c)}()` (line {model.input_line(c)}) was not "
                    f"resolved, and this module's method `{name}` reaches it",
                )
                for c in calls.by_method.get(name, [])
            ]
    escapes = _escapes(model, target)
    if escapes:
        shown = "a lambda" if isinstance(target, cst.Lambda) else f"`{target.name.value}`"
        why = f"{shown} is used as a value (line {model.input_line(escapes[0])})"
        found += [(ref, _use_why(ref, shown)) for ref in escapes]
        found += [
            (
                c,
                f"{why}, and `{_callee(c)}()` (line {model.input_line(c)}) has a target "
                "not resolved",
            )
            for c in calls.unknown
        ]
    return found


def _use_why(ref: cst.CSTNode, shown: str) -> str:
    """Why a use of a callable as a value may run it."""
    if isinstance(ref, cst.Call):
        return f"the getattr() may read {shown}, which reaches it"
    return f"{shown} reaches it, and what it is given to may call it"


def _escapes(model: OrmModel, target: Callable_) -> list[cst.CSTNode]:
    """Where `target` is used other than by a direct call: a lambda itself, a function or
    method name read as a value, or a getattr() that may read the method."""
    if isinstance(target, cst.Lambda):
        return [target]
    name = target.name.value
    refs: list[cst.CSTNode] = []
    if _is_method(model, target):
        for attr in _walk(model.module, cst.Attribute):
            if attr.attr.value == name and not _called_or_stored(model, attr):
                refs.append(attr)
        for call in _walk(model.module, cst.Call):
            if isinstance(call.func, cst.Name) and call.func.value == "getattr":
                key = call.args[1].value if len(call.args) > 1 else None
                if not isinstance(key, cst.SimpleString) or key.evaluated_value == name:
                    refs.append(call)
        return refs
    scope = model.scopes.get(target)
    for assignment in scope.assignments[name] if scope is not None else ():
        if getattr(assignment, "node", None) is target:
            for access in assignment.references:
                if not _called_or_stored(model, access.node):
                    refs.append(access.node)
    return refs


def _called_or_stored(model: OrmModel, node: cst.CSTNode) -> bool:
    parent = model.parents.get(node)
    if isinstance(parent, cst.Call) and parent.func is node:
        return True
    return isinstance(parent, (cst.AssignTarget, cst.Del)) or (
        isinstance(parent, (cst.AnnAssign, cst.AugAssign)) and parent.target is node
    )


def _is_method(model: OrmModel, func: cst.FunctionDef) -> bool:
    return isinstance(model.parents.get(model.parents.get(func)), cst.ClassDef)


def _function_of(model: OrmModel, node: cst.CSTNode) -> Callable_ | None:
    """The function or lambda whose body runs `node` (None at module or class level)."""
    current = model.parents.get(node)
    while current is not None:
        if isinstance(current, (cst.FunctionDef, cst.Lambda)):
            return current
        if isinstance(current, (cst.ClassDef, cst.Module)):
            return None
        current = model.parents.get(current)
    return None


def _in_try_with_handler(model: OrmModel, node: cst.CSTNode) -> bool:
    """`node` is in the body of a try with an except handler, in its own function (or at
    module level)."""
    child: cst.CSTNode = node
    current = model.parents.get(node)
    while current is not None and not isinstance(
        current, (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.Module)
    ):
        if (
            isinstance(current, (cst.Try, cst.TryStar))
            and child is current.body
            and current.handlers
        ):
            return True
        child, current = current, model.parents.get(current)
    return False


def _calls(model: OrmModel) -> _Calls:
    found = _CALLS.get(model)
    if found is None:
        found = _Calls()
        for call in _walk(model.module, cst.Call):
            known, target = model.call_target(call)
            if known:
                if target is not None:
                    found.resolved.setdefault(target, []).append(call)
                continue
            if _foreign(model, call):
                continue
            found.unknown.append(call)
            if isinstance(call.func, cst.Attribute):
                found.by_method.setdefault(call.func.attr.value, []).append(call)
        _CALLS[model] = found
    return found


def _foreign(model: OrmModel, call: cst.Call) -> bool:
    """`call` certainly runs nothing defined in this module: a builtin or imported callable
    (a callback passed to it is a use as a value, see _escapes), or a method of a literal,
    of an imported module or class, or of a tracked ORM collection."""
    func = call.func
    if isinstance(func, cst.Name):
        return _bound_outside(model, func)
    if not isinstance(func, cst.Attribute):
        return False
    receiver = func.value
    if isinstance(receiver, _LITERALS) or model.binding_for(receiver) is not None:
        return True
    if isinstance(receiver, cst.Name) and _bound_outside(model, receiver):
        return True
    return _holds_orm_object(model, receiver)


def _holds_orm_object(model: OrmModel, receiver: cst.BaseExpression, depth: int = 0) -> bool:
    """Every value `receiver` can hold is the result of a pymilvus call (`Collection(n)`):
    a name assigned only so where it is read, or an attribute every store to which in the
    module is so (and nothing stores to attributes by name); a value may also be a name
    that holds such a result (`self.col = collection`)."""
    if depth > 3:
        return False
    if isinstance(receiver, cst.Name):
        scope = model.scopes.get(receiver)
        targets = [getattr(a, "node", None) for a in scope[receiver.value]] if scope else []
    elif isinstance(receiver, cst.Attribute):
        stores = model._attribute_stores()
        targets = [] if stores.get("") else list(stores.get(receiver.attr.value, []))
    else:
        return False
    if not targets:
        return False
    for target in targets:
        holder = model.parents.get(target) if target is not None else None
        assign = model.parents.get(holder) if holder is not None else None
        if not (
            isinstance(holder, cst.AssignTarget)
            and isinstance(assign, cst.Assign)
            and len(assign.targets) == 1
            and (
                _pymilvus_call(model, assign.value)
                or (
                    isinstance(assign.value, cst.Name)
                    and _holds_orm_object(model, assign.value, depth + 1)
                )
            )
        ):
            return False
    return True


def _pymilvus_call(model: OrmModel, value: cst.BaseExpression) -> bool:
    """`value` calls an ORM name, or a name imported only from pymilvus (`MilvusClient`)."""
    if model.call_name(value) is not None:
        return True
    if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name)):
        return False
    scope = model.scopes.get(value.func)
    visible = list(scope[value.func.value]) if scope is not None else []
    return bool(visible) and all(
        isinstance(a, cst.metadata.ImportAssignment)
        and isinstance(a.node, cst.ImportFrom)
        and isinstance(a.node.module, (cst.Name, cst.Attribute))
        and cst.Module([]).code_for_node(a.node.module).split(".")[0] == "pymilvus"
        for a in visible
    )


def _bound_outside(model: OrmModel, name: cst.Name) -> bool:
    """`name` is a builtin or bound only by imports where it is read."""
    scope = model.scopes.get(name)
    visible = list(scope[name.value]) if scope is not None else []
    return bool(visible) and all(
        isinstance(a, (cst.metadata.BuiltinAssignment, cst.metadata.ImportAssignment))
        for a in visible
    )


def _callee(node: cst.CSTNode) -> str:
    func = node.func if isinstance(node, cst.Call) else node
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return getattr(func, "value", "?") if isinstance(func, cst.Name) else "?"
