"""Which methods of a class may run while `__init__` has not yet set an attribute.

A class that stores `self.x = None` in `__init__` and, later in the same `__init__`, a
collection into it (`self.x = Collection(...)`, or a call statement `self.setup()` of a method
that stores one before each of its normal returns) only ever hands out objects whose `self.x`
is set: if the store fails, `__init__` raises and there is no object. So the attribute is None
only while `__init__` runs, and a use of it can meet None only in a method that may run then:
one that `__init__` calls before that statement completes, or one that such a method calls
before its own store (codemods.held_collections proves a call "after the store").

Deliberately narrow, so "proven" means proven: the class has no base but `object`, no
decorator, no metaclass, no `__new__`, `__setattr__`, `__getattr__` or `__getattribute__`, and
no subclass in the module (one could override `__init__`); the placeholders are statements of
`__init__` itself, no `return` comes before the setting statement, and while the attribute
may be None `self` never leaves the class's methods (it is only ever the object of an
attribute: not an argument, not stored, not captured by a nested function or lambda), so
nothing else can call a method then.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from codemods.analysis import OrmModel, _class_methods, _first_param, _walk
from codemods.rewrite import code_of

# Class members that run code the method-call walk does not see.
_HOOKS = {"__new__", "__setattr__", "__getattr__", "__getattribute__", "__init_subclass__"}
_NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda)

# (statement, `self.x` as the method spelling it names it) -> does the statement set it on
# every path that reaches the next statement?
SetsCheck = Callable[[cst.CSTNode, cst.Attribute], bool]
# (a `self.m(...)` call, `self.x` as its method names it) -> is the call reached only when the
# attribute is set?
GuardCheck = Callable[[cst.Call, cst.Attribute], bool]


def methods_seeing_it_set(
    model: OrmModel,
    cls: cst.ClassDef,
    key: str,
    placeholders: Sequence[cst.Attribute],
    sets: SetsCheck,
    guarded: GuardCheck,
) -> frozenset[cst.FunctionDef]:
    """The methods of `cls` (not `__init__`) in which `self.<key>` is never None: every method
    when `__init__` sets it after its None `placeholders` and none runs before that, bar
    those that may run while `__init__` is still on its way there. Empty when not proven."""
    init = _plain_init(model, cls)
    self_name = _first_param(init) if init is not None else None
    if init is None or self_name is None:
        return frozenset()
    block = init.body
    assert isinstance(block, cst.IndentedBlock)  # _plain_init
    body = list(block.body)
    last = -1
    for attr in placeholders:
        index = _statement_index(model, block, attr)
        if index is None:
            return frozenset()
        last = max(last, index)
    held = _self_attr(self_name, key)
    setter = next((i for i in range(last + 1, len(body)) if sets(body[i], held)), None)
    if setter is None:
        return frozenset()
    if any(True for statement in body[:setter] for _ in _walk(statement, cst.Return)):
        return frozenset()
    early = _may_run_early(model, cls, init, body[: setter + 1], key, guarded)
    if early is None:
        return frozenset()
    return frozenset(m for m in _class_methods(cls) if m is not init and m not in early)


def _plain_init(model: OrmModel, cls: cst.ClassDef) -> cst.FunctionDef | None:
    """`cls`'s one plain `__init__`, when nothing but its statements builds the object."""
    if cls.keywords or cls.decorators or any(code_of(b.value) != "object" for b in cls.bases):
        return None  # a decorator may replace the class or wrap its methods
    methods = list(_class_methods(cls))
    if any(m.name.value in _HOOKS for m in methods):
        return None
    if any(
        code_of(base.value) == cls.name.value
        for other in _walk(model.module, cst.ClassDef)
        for base in other.bases
    ):
        return None
    inits = [m for m in methods if m.name.value == "__init__"]
    if len(inits) != 1:
        return None
    init = inits[0]
    if init.decorators or init.asynchronous or not isinstance(init.body, cst.IndentedBlock):
        return None
    return init


def _statement_index(model: OrmModel, block: cst.IndentedBlock, node: cst.CSTNode) -> int | None:
    """The index in `block` of the statement holding `node`, when that statement is one of the
    block's own (not nested in an `if`, a loop or a `try` of it)."""
    current = node
    parent = model.parents.get(current)
    while parent is not None and parent is not block:
        if isinstance(parent, (cst.IndentedBlock, *_NESTED)):
            return None
        current, parent = parent, model.parents.get(parent)
    if parent is None:
        return None
    return next((i for i, statement in enumerate(block.body) if statement is current), None)


def _may_run_early(
    model: OrmModel,
    cls: cst.ClassDef,
    init: cst.FunctionDef,
    region: list[cst.BaseStatement],
    key: str,
    guarded: GuardCheck,
) -> set[cst.FunctionDef] | None:
    """The methods that may run while `__init__` runs `region` (the statements up to the one
    that sets the attribute): called there, or called by one of them at a point not proven to
    follow a store. None when `self` escapes, so that other code could call any method."""
    by_name: dict[str, list[cst.FunctionDef]] = {}
    for method in _class_methods(cls):
        by_name.setdefault(method.name.value, []).append(method)
    early: set[cst.FunctionDef] = set()
    todo: list[tuple[cst.FunctionDef, Sequence[cst.CSTNode]]] = [(init, region)]
    while todo:
        method, statements = todo.pop()
        me = _first_param(method)
        for statement in statements:
            if any(True for kind in _NESTED for _ in _walk(statement, kind)):
                return None
            for name in _walk(statement, cst.Name):
                if name.value != me:
                    continue
                reference = model.parents.get(name)
                if not (isinstance(reference, cst.Attribute) and reference.value is name):
                    return None  # `self` passed on, stored or returned
                call = model.parents.get(reference)
                if (
                    method is not init
                    and isinstance(call, cst.Call)
                    and call.func is reference
                    and guarded(call, _self_attr(me, key))
                ):
                    continue
                for target in by_name.get(reference.attr.value, []):
                    if target is not init and target not in early:
                        early.add(target)
                        todo.append((target, list(target.body.body)))
    return early


def _self_attr(self_name: str, key: str) -> cst.Attribute:
    return cst.Attribute(value=cst.Name(self_name), attr=cst.Name(key))
