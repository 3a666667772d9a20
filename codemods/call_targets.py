"""Which same-module function a call runs, through the module's own classes.

`OrmModel._called_function` and `_called_method` know `f(...)` of a module function and
`self.m(...)` of a method of the caller's class defined once in the module. Trap 2 one or
more calls up (codemods.caller_try) needs more: a method called on an instance held in a
variable or attribute, an inherited method, `super().m(...)`. A receiver's class is taken as
proven only from the module itself:

- `Klass(...)`, `Klass.m(...)`: a class statement at module level, the name meaning nothing
  else where it is used. The instance is exactly that class.
- a name whose only assignment is `x = Klass(...)` (or `x: T = Klass(...)`): exactly Klass.
- `self` (or `cls`) in a method of Klass, a parameter or name annotated `: Klass`: Klass or a
  subclass, so an override of `m` in any subclass in the module leaves the call unresolved.
- `<receiver>.attr` where every store to any `.attr` in the module is `... .attr =
  Klass(...)`, nothing may store to attributes by name (setattr, __dict__), no class body
  binds `attr`, and `<receiver>` is itself proven to be a same-module instance.
- `super()` / `super(Klass, self)` in a method of Klass: the lookup starts at Klass's base.

The method is looked up along the class's chain of bases. Only single inheritance from
module classes (or `object`) is followed: the linear chain makes the lookup order certain.
A base from elsewhere ends the chain: a method not found before it is unknown. A class that
defines `__getattr__`/`__getattribute__`, binds the name other than by `def` in its body, or
has keywords in its bases (a metaclass) is not looked through, and neither is a name that
anything in the module may store to as an attribute (an instance could rebind it).

`call_target` answers `(known, target)`: known=False when the call cannot be resolved;
(True, None) when it certainly runs no function of this module (a method missing from a
closed chain, `Klass()` with no `__init__` in the chain).
"""

from __future__ import annotations

import weakref

import libcst as cst

from codemods.analysis import OrmModel, _first_param

# Per model: module-level class name -> its ClassDef (names bound once at module level).
_CLASSES: weakref.WeakKeyDictionary[OrmModel, dict[str, cst.ClassDef]] = weakref.WeakKeyDictionary()
_DYNAMIC = ("__getattr__", "__getattribute__")

Target = tuple[bool, cst.FunctionDef | None]
UNKNOWN: Target = (False, None)
NOTHING: Target = (True, None)


def call_target(model: OrmModel, call: cst.Call) -> Target:
    """The same-module function `call` runs (see the module docstring)."""
    func = call.func
    if isinstance(func, cst.Name):
        found = model._called_function(call)
        if found is not None:
            return (True, found)
        cls = module_class(model, func)
        if cls is None:
            return UNKNOWN
        if _lookup(model, cls, "__new__") != NOTHING:
            return UNKNOWN  # __new__ may return anything, and skip __init__
        return _lookup(model, cls, "__init__")  # the instance is exactly cls: no override
    if not isinstance(func, cst.Attribute):
        return UNKNOWN
    own = model._called_method(call)
    if own is not None:
        return (True, own)
    name = func.attr.value
    if _rebindable(model, name):
        return UNKNOWN
    start = _super_start(model, func.value)
    if start is not None:
        return _lookup(model, start, name) if start is not False else UNKNOWN
    if isinstance(func.value, cst.Name) and module_class(model, func.value) is not None:
        return _lookup(model, module_class(model, func.value), name)  # Klass.m(obj, ...)
    receiver = receiver_class(model, func.value)
    if receiver is None:
        return UNKNOWN
    cls, exact = receiver
    if exact:
        return _lookup(model, cls, name)
    if _overridden_below(model, cls, name):
        return UNKNOWN
    found = _lookup(model, cls, name)
    # Missing from the chain: only a subclass (here or elsewhere) could supply it.
    return UNKNOWN if found == NOTHING else found


def module_class(model: OrmModel, name: cst.Name) -> cst.ClassDef | None:
    """The module-level class `name` refers to where it is used, when it means nothing else."""
    cls = _classes(model).get(name.value)
    if cls is None:
        return None
    scope = model.scopes.get(name)
    visible = list(scope[name.value]) if scope is not None else []
    if len(visible) != 1 or getattr(visible[0], "node", None) is not cls:
        return None
    return cls


def receiver_class(model: OrmModel, expr: cst.BaseExpression) -> tuple[cst.ClassDef, bool] | None:
    """The same-module class of the instance `expr` evaluates to, and whether it is exactly
    that class (False: it may be a subclass)."""
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name):
        cls = module_class(model, expr.func)
        return (cls, True) if cls is not None else None
    if isinstance(expr, cst.Name):
        return _name_class(model, expr)
    if isinstance(expr, cst.Attribute) and receiver_class(model, expr.value) is not None:
        return _attribute_class(model, expr.attr.value)
    return None


def _name_class(model: OrmModel, name: cst.Name) -> tuple[cst.ClassDef, bool] | None:
    scope = model.scopes.get(name)
    visible = list(scope[name.value]) if scope is not None else []
    if len(visible) != 1:
        return None
    node = getattr(visible[0], "node", None)
    if isinstance(node, cst.Param):
        return _param_class(model, node)
    target = model.parents.get(node) if node is not None else None
    if isinstance(target, cst.AssignTarget):
        assign = model.parents.get(target)
        if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
            return (
                receiver_class(model, assign.value) if isinstance(assign.value, cst.Call) else None
            )
    if isinstance(target, cst.AnnAssign) and target.target is node:
        if isinstance(target.value, cst.Call):
            return receiver_class(model, target.value)
        return _annotated(model, target.annotation)
    return None


def _param_class(model: OrmModel, param: cst.Param) -> tuple[cst.ClassDef, bool] | None:
    """`self`/`cls` of a method (not a staticmethod) of a module class, or `p: Klass`."""
    if param.annotation is not None:
        return _annotated(model, param.annotation)
    func = model.parents.get(model.parents.get(param))  # Param -> Parameters -> FunctionDef
    if not isinstance(func, cst.FunctionDef) or _first_param(func) != param.name.value:
        return None
    if any(_decorator(d) == "staticmethod" for d in func.decorators):
        return None
    owner = model.parents.get(model.parents.get(func))  # FunctionDef -> IndentedBlock -> ClassDef
    if not isinstance(owner, cst.ClassDef) or _classes(model).get(owner.name.value) is not owner:
        return None
    return (owner, False)


def _annotated(model: OrmModel, annotation: cst.Annotation) -> tuple[cst.ClassDef, bool] | None:
    ann = annotation.annotation
    if isinstance(ann, cst.SimpleString):  # "Klass": a forward reference
        inner = ann.evaluated_value
        cls = _classes(model).get(inner) if isinstance(inner, str) else None
        if cls is None or model.scopes.get(ann) is None:
            return None
        visible = list(model.scopes[ann][inner])
        ok = len(visible) == 1 and getattr(visible[0], "node", None) is cls
        return (cls, False) if ok else None
    if isinstance(ann, cst.Name):
        cls = module_class(model, ann)
        return (cls, False) if cls is not None else None
    return None


def _attribute_class(model: OrmModel, attr: str) -> tuple[cst.ClassDef, bool] | None:
    """The class of `<instance>.attr` when every store to any `.attr` in the module is
    `... .attr = Klass(...)` of one class Klass."""
    stores = model._attribute_stores()
    if stores.get("") or not stores.get(attr):
        return None
    if any(attr in _class_body_names(model, c) for c in _classes(model).values()):
        return None
    found: set[cst.ClassDef] = set()
    for node in stores[attr]:
        target = model.parents.get(node)
        assign = model.parents.get(target)
        if not (
            isinstance(target, cst.AssignTarget)
            and isinstance(assign, cst.Assign)
            and len(assign.targets) == 1
            and isinstance(assign.value, cst.Call)
            and isinstance(assign.value.func, cst.Name)
        ):
            return None
        cls = module_class(model, assign.value.func)
        if cls is None:
            return None
        found.add(cls)
    return (found.pop(), True) if len(found) == 1 else None


def _super_start(model: OrmModel, expr: cst.BaseExpression) -> cst.ClassDef | bool | None:
    """For `super()` / `super(Klass, self)` in a method of Klass: the class the lookup starts
    at (Klass's one base); False when it cannot be known; None when `expr` is no super()."""
    if not (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Name)
        and expr.func.value == "super"
    ):
        return None
    scope = model.scopes.get(expr.func)
    if scope is None or any(
        not isinstance(a, cst.metadata.BuiltinAssignment) for a in scope["super"]
    ):
        return False
    method = model._enclosing(expr, cst.FunctionDef)
    owner = model._enclosing(method, cst.ClassDef) if method is not None else None
    if not isinstance(owner, cst.ClassDef) or _classes(model).get(owner.name.value) is not owner:
        return False
    if expr.args:
        first = expr.args[0].value
        if len(expr.args) != 2 or not (
            isinstance(first, cst.Name) and first.value == owner.name.value
        ):
            return False
    # A subclass with two bases could put another class between Klass and its base.
    if any(len(c.bases) > 1 and owner in _ancestors(model, c) for c in _classes(model).values()):
        return False
    bases = _bases(model, owner)
    if bases is None or len(bases) > 1:
        return False
    return bases[0] if bases else False


def _lookup(model: OrmModel, cls: cst.ClassDef, name: str) -> Target:
    """The method `name` an instance of exactly `cls` runs, along its chain of bases."""
    current: cst.ClassDef | None = cls
    while current is not None:
        names = _class_body_names(model, current)
        if any(d in names for d in _DYNAMIC):
            return UNKNOWN
        if name in names:
            found = names[name]
            return (True, found) if found is not None else UNKNOWN
        bases = _bases(model, current)
        if bases is None or len(bases) > 1:
            return UNKNOWN
        current = bases[0] if bases else None
    return NOTHING


def _bases(model: OrmModel, cls: cst.ClassDef) -> list[cst.ClassDef] | None:
    """The module classes `cls` derives from directly ([] for none or `object`); None when
    one is from elsewhere or the class statement has keywords (a metaclass)."""
    if cls.keywords:
        return None
    found = []
    for arg in cls.bases:
        if arg.keyword is not None or arg.star or not isinstance(arg.value, cst.Name):
            return None
        base = module_class(model, arg.value)
        if base is None:
            scope = model.scopes.get(arg.value)
            if (
                arg.value.value == "object"
                and scope is not None
                and all(isinstance(a, cst.metadata.BuiltinAssignment) for a in scope["object"])
            ):
                continue
            return None
        found.append(base)
    return found


def _ancestors(model: OrmModel, cls: cst.ClassDef) -> set[cst.ClassDef]:
    """The module classes `cls` derives from, directly or not (those that are known)."""
    seen: set[cst.ClassDef] = set()
    todo = [cls]
    while todo:
        for arg in todo.pop().bases:
            base = module_class(model, arg.value) if isinstance(arg.value, cst.Name) else None
            if base is not None and base not in seen:
                seen.add(base)
                todo.append(base)
    return seen


def _overridden_below(model: OrmModel, cls: cst.ClassDef, name: str) -> bool:
    """A module class deriving from `cls` binds `name` (so an instance may run that one)."""
    return any(
        cls in _ancestors(model, other) and name in _class_body_names(model, other)
        for other in _classes(model).values()
        if other is not cls
    )


def _rebindable(model: OrmModel, name: str) -> bool:
    """Something in the module may store to an attribute `name` of an instance."""
    stores = model._attribute_stores()
    return bool(stores.get(name) or stores.get(""))


def _class_body_names(model: OrmModel, cls: cst.ClassDef) -> dict[str, cst.FunctionDef | None]:
    """Names bound in the class body: the method a plain `def` binds last, or None when the
    name is bound any other way (assignment, nested def, import, ...)."""
    names: dict[str, cst.FunctionDef | None] = {}
    body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
    scope = model.scopes.get(body[0]) if body else None
    if scope is None:
        return names
    direct = {s for s in body if isinstance(s, cst.FunctionDef)}
    for assignment in scope.assignments:
        node = getattr(assignment, "node", None)
        key = assignment.name
        if node in direct and names.get(key, node) is not None:
            previous = names.get(key)
            if previous is None or model.line(node) > model.line(previous):
                names[key] = node  # type: ignore[assignment]
        else:
            names[key] = None
    return names


def _classes(model: OrmModel) -> dict[str, cst.ClassDef]:
    found = _CLASSES.get(model)
    if found is None:
        found = {}
        body = model.module.body
        for stmt in body:
            if isinstance(stmt, cst.ClassDef):
                found[stmt.name.value] = stmt
        _CLASSES[model] = found
    return found


def _decorator(decorator: cst.Decorator) -> str:
    node = decorator.decorator
    return node.value if isinstance(node, cst.Name) else ""
