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

This module follows same-module calls backwards from the function holding the open: a call
`f(...)` of a module-level function, `self.m(...)` of a method of the caller's class that
nothing in the module can rebind (`OrmModel._called_function` / `_called_method`), and
`Klass(...)` of a module-level class, which runs the class's own `__init__`. A call whose
target cannot be resolved that way is not followed (no new block is invented for it). When
such a call sits in the body of a `try` with any except handler (its type may be an alias
or a tuple we cannot judge, as for factories), the open keeps its collection ORM. An open
proven to find its collection by a has_collection guard (codemods.existence_guards) is not
reported: it cannot raise for a missing collection.
"""

from __future__ import annotations

import weakref

import libcst as cst

from codemods.analysis import OrmModel, _class_methods, _walk, is_create

# Per model: function -> the calls in the module resolved to it (source order).
_CALLERS: weakref.WeakKeyDictionary[OrmModel, dict[cst.FunctionDef, list[cst.Call]]] = (
    weakref.WeakKeyDictionary()
)


def caller_try_problem(model: OrmModel, ctor: cst.Call) -> str:
    """Why the open-only `ctor` keeps its collection ORM because a call inside try/except
    reaches it through same-module calls ('' when none does, or when it is a create, is not
    in a function, or a guard proves it finds its collection)."""
    from codemods.existence_guards import guarded_open, method_guard_proves  # lazy: cycle

    if is_create(ctor):
        return ""
    func = _function_of(model, ctor)
    if func is None:
        return ""
    if method_guard_proves(model, ctor) or guarded_open(model, ctor, func) is not None:
        return ""
    callers = _callers(model)
    seen = {func}
    frontier = [func]
    while frontier:
        target = frontier.pop(0)
        for call in callers.get(target, []):
            if _in_try_with_handler(model, call):
                if target is func and model._factory(call) is not None:
                    # `x = make()` in the try: _factory_try_problem reports it already.
                    continue
                return (
                    f"`{_callee(call)}()` is called inside try/except (line {model.line(call)}) "
                    f"and reaches the ORM Collection() at line {model.line(ctor)}, which "
                    "raises for a missing collection; the migrated code does not, and the "
                    "handler may rely on it (trap 2)"
                )
            caller = _function_of(model, call)
            if caller is not None and caller not in seen:
                seen.add(caller)
                frontier.append(caller)
    return ""


def _function_of(model: OrmModel, node: cst.CSTNode) -> cst.FunctionDef | None:
    """The function whose body runs `node` (None at module or class level, or in a lambda,
    whose callers are not known)."""
    current = model.parents.get(node)
    while current is not None:
        if isinstance(current, cst.FunctionDef):
            return current
        if isinstance(current, (cst.Lambda, cst.ClassDef, cst.Module)):
            return None
        current = model.parents.get(current)
    return None


def _in_try_with_handler(model: OrmModel, call: cst.Call) -> bool:
    """`call` is in the body of a try with an except handler, in its own function (or at
    module level)."""
    child: cst.CSTNode = call
    current = model.parents.get(call)
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


def _callers(model: OrmModel) -> dict[cst.FunctionDef, list[cst.Call]]:
    found = _CALLERS.get(model)
    if found is None:
        found = {}
        for call in _walk(model.module, cst.Call):
            target = _resolve(model, call)
            if target is not None:
                found.setdefault(target, []).append(call)
        _CALLERS[model] = found
    return found


def _resolve(model: OrmModel, call: cst.Call) -> cst.FunctionDef | None:
    """The same-module function `call` runs, when it is known for certain."""
    if isinstance(call.func, cst.Name):
        return model._called_function(call) or _constructor(model, call.func)
    if isinstance(call.func, cst.Attribute):
        return model._called_method(call)
    return None


def _constructor(model: OrmModel, name: cst.Name) -> cst.FunctionDef | None:
    """The `__init__` of module-level class `name` (defined in its own body), when the name
    means nothing else where it is called."""
    scope = model.scopes.get(name)
    visible = list(scope[name.value]) if scope is not None else []
    if len(visible) != 1:
        return None
    cls = getattr(visible[0], "node", None)
    if not isinstance(cls, cst.ClassDef) or not isinstance(model.parents.get(cls), cst.Module):
        return None
    inits = [m for m in _class_methods(cls) if m.name.value == "__init__"]
    return inits[0] if len(inits) == 1 else None


def _callee(call: cst.Call) -> str:
    func = call.func
    return func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "?")
