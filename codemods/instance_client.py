"""A connection alias kept on the instance: one MilvusClient per instance, `self.client`.

The commonest non-literal alias (LangChain-style vector stores, app classes) is a class whose
`__init__` stores an alias on the instance, connects with it and uses it everywhere:

    def __init__(self, host, port, name):
        self.alias = "store_" + uuid4().hex
        connections.connect(alias=self.alias, host=host, port=port)
        self.col = Collection(name, using=self.alias)

Each instance then owns the ORM connection named by its `self.alias`, so the faithful
translation is a client per instance: the connect becomes `self.client = MilvusClient(...)`
(the MM101 argument mapping), `using=self.alias` uses and the collections opened with it go
to `self.client`, and `disconnect(self.alias)` becomes `self.client.close()`. That is the
same only when (`find`):

- the alias is `<self>.<attr>` in every connect of it, all in the class's `__init__`, each a
  statement of its own with arguments MM101 maps, and `__init__` surely runs one of them
  (a top-level statement, an if/elif/else whose every branch connects, or a try whose
  handlers all raise), with nothing before it that could reach a method
  (codemods/client_binding.py's `__init__` reasoning: no `__new__`, no module subclass with
  its own `__init__`, no call on `self`, no `super()`);
- the only store to any `.<attr>` in the module is `self.<attr> = ...`, a top-level statement
  of that `__init__` before the connect (so every use reads the value the connect got);
- every read of `.<attr>` is `<self>.<attr>` in a method of the class (its first parameter,
  named as in `__init__`) as a `using=` of an ORM call, the connect's alias, a disconnect's
  alias, or inside an f-string or comparison: the value never reaches other code that could
  hand it to the ORM's registry (`connections.*`, another class, a return);
- the module does not read the ORM's registry (`list_connections()`, `get_connection_addr()`);
- the client attribute (`client`, else `milvus_client`, ...) is used nowhere else in the
  module and not bound in any class body.

A use is routed to `self.client` only where the instance surely exists with its client
(`use_problem`): in a method other than `__init__` of the class (client_binding's reasoning),
or in `__init__` in a statement after the connect. Anything else stays ORM, and then so does
the connect next to the new client (MM101's "ORM code that needs this connection").

The connects may instead all sit in one `async def` method of the class (`async def
connect(self)`; not static, class or decorated), with `self.<attr>` stored by any top-level
statement of `__init__`, the other conditions as above: the alias registry never takes a connect
or use in an async function (connection_registry.py), while a sync connect outside `__init__`
goes to it when the module fits it (it shares one connection by alias, as the ORM did). The
instance then has its client only once that method ran (`use_problem`): a use there after the
connect (same block, or a try whose handlers raise) is routed to `self.client`. A use elsewhere
may run before this instance connected, where the ORM raised ConnectionNotExistException or
used the connection another instance opened with the same alias, and a disconnect did nothing;
`self.client` raises AttributeError there. That is MM104's unsafe fix: the use stays ORM (and
the connect next to the client) unless it is selected. Also assumed here: no base class
elsewhere binds a class attribute `<attr>` that a connect run before `__init__` stored
`self.<attr>` would read.

Stated assumptions, as for the module-level client: no importer subclasses the class with an
`__init__` that skips this one, reads `.<attr>` of an instance to use the ORM with it, or
relies on a base class from another module using an attribute `client`. Differences are on
paths where the ORM raised: two instances given the same alias share one ORM connection, so
the ORM raised after one of them disconnected (or on a second connect with other arguments);
each instance has its own client now.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import libcst as cst

from codemods.analysis import (
    _NOT_ASSIGNED,
    INSTANCE_KEY,
    OrmModel,
    _class_methods,
    _first_param,
    _walk,
)

_FOUND: weakref.WeakKeyDictionary[OrmModel, _Found] = weakref.WeakKeyDictionary()

_DISCONNECTS = ("connections.disconnect", "connections.remove_connection")
# Parents of a read of the alias that cannot pass its value on.
_HARMLESS = (cst.FormattedStringExpression, cst.Comparison, cst.ComparisonTarget)
_CLIENT_NAMES = ("client", "milvus_client", *(f"milvus_client_{i}" for i in range(2, 10)))


@dataclass(frozen=True)
class InstanceClient:
    key: str  # the CollectionBinding.alias of its uses: INSTANCE_KEY + class line + attr
    cls: cst.ClassDef
    init: cst.FunctionDef
    method: cst.FunctionDef  # the method whose connects bind the client: `__init__`, else one
    me: str  # the first parameter of every method: `self`
    attr: str  # the alias attribute
    client_attr: str
    connects: tuple[cst.Call, ...]
    statements: tuple[cst.SimpleStatementLine, ...]  # the lines of the connects

    @property
    def client(self) -> str:
        return f"{self.me}.{self.client_attr}"


@dataclass
class _Found:
    by_key: dict[str, InstanceClient] = field(default_factory=dict)
    by_connect: dict[cst.Call, InstanceClient] = field(default_factory=dict)
    problems: dict[cst.Call, str] = field(default_factory=dict)  # candidate connect -> why not


def found(model: OrmModel) -> _Found:
    result = _FOUND.get(model)
    if result is None:
        result = _find(model)
        _FOUND[model] = result
    return result


def _find(model: OrmModel) -> _Found:
    from codemods.connection_registry import alias_expr  # lazy: it imports analysis

    result = _Found()
    groups: dict[tuple[cst.ClassDef, str], list[cst.Call]] = {}
    for call in model.connect_calls:
        view = model.connect_view(call)
        alias = alias_expr(view) if view is call else None
        if not isinstance(alias, cst.Attribute) or not isinstance(alias.value, cst.Name):
            continue
        if model.literal(alias) is not None:
            continue  # `self.alias = "lit"`: the literal-alias client (MM101)
        method = model._enclosing(call, cst.FunctionDef)
        cls = model._enclosing(method, cst.ClassDef) if method is not None else None
        if not isinstance(cls, cst.ClassDef) or alias.value.value != _first_param(method):
            continue
        groups.setdefault((cls, alias.attr.value), []).append(call)
    classes = frozenset(cls for cls, _ in groups)
    for (cls, attr), connects in groups.items():
        problem, ic = _check(model, cls, attr, connects, len(result.by_key), classes)
        for call in connects:
            if ic is None:
                result.problems[call] = problem
            else:
                result.by_connect[call] = ic
        if ic is not None:
            result.by_key[ic.key] = ic
    return result


def _check(
    model: OrmModel,
    cls: cst.ClassDef,
    attr: str,
    connects: list[cst.Call],
    index: int,
    classes: frozenset[cst.ClassDef],
) -> tuple[str, InstanceClient | None]:
    from codemods.call_targets import _class_body_names, _overridden_below  # lazy: imports us
    from codemods.client_binding import _Binders, _binds_in
    from codemods.connection_registry import in_async_function, registry_problem

    names = _class_body_names(model, cls)
    init = names.get("__init__")
    methods = {model._enclosing(c, cst.FunctionDef) for c in connects}
    method = methods.pop() if len(methods) == 1 else None
    if init is None or method is None:
        return "its connects are not all in one method of a class with its own `__init__`", None
    if names.get(method.name.value) is not method or method.decorators:
        return f"its connect() is in `{method.name.value}`, not a plain method of the class", None
    me = _first_param(init)
    if me is None or init.decorators or "__new__" in names:
        return "the class's `__init__` is decorated or the class defines `__new__`", None
    if _overridden_below(model, cls, "__init__"):
        return "a subclass in this module has its own `__init__`", None
    if method is init and in_async_function(model, connects[0]):
        return "inside an async function", None
    if method is not init and not in_async_function(model, connects[0]):
        # A sync connect outside `__init__` goes to the alias registry when the module fits
        # it (connection_registry.py), which shares a connection by alias as the ORM did.
        return (
            f"its connect() is in `{method.name.value}`, neither the class's own "
            "`__init__` nor an async method"
        ), None
    for call in connects:
        if model.connect_statement(call) is None:
            return "the connect() is not a statement of its own", None
        problem = model.connect_arguments_problem(call)
        if problem:
            return problem, None
    reason = registry_problem(model)
    if reason:
        return reason, None
    for other in _class_methods(cls):
        if _first_param(other) not in (me, None) and not other.decorators:
            return f"method `{other.name.value}` names its instance other than `{me}`", None
    lines = tuple(model.parents[model.parents[c]] for c in connects)
    if not all(isinstance(line, cst.SimpleStatementLine) for line in lines):
        return "the connect() is not a statement of its own", None
    binders = _Binders(INSTANCE_KEY + attr, lines)  # type: ignore[arg-type]
    if method is init and not _binds_in(model, init.body, binders, frozenset({init}), me):
        return (
            "`__init__` does not surely connect before anything could use the alias (a "
            "connect in a branch or a try that may skip it, or after a call on the instance)"
        ), None
    problem = _store_problem(model, init, attr, lines, method is init)  # type: ignore[arg-type]
    if problem:
        return problem, None
    problem = _read_problem(model, cls, attr, connects)
    if problem:
        return problem, None
    client_attr = _client_attr(model, classes)
    if client_attr is None:
        return "no free attribute name for the client", None
    key = f"{INSTANCE_KEY}{index}:{attr}"
    return "", InstanceClient(
        key,
        cls,
        init,
        method,
        me,
        attr,
        client_attr,
        tuple(connects),
        lines,  # type: ignore[arg-type]
    )


def _top_statement(model: OrmModel, node: cst.CSTNode, func: cst.FunctionDef) -> int | None:
    """The index of the top-level statement of `func`'s body that holds `node`."""
    body = func.body
    if not isinstance(body, cst.IndentedBlock):
        return None
    current: cst.CSTNode | None = node
    while current is not None:
        parent = model.parents.get(current)
        if parent is body:
            return list(body.body).index(current)  # type: ignore[arg-type]
        current = parent
    return None


def _store_problem(
    model: OrmModel,
    init: cst.FunctionDef,
    attr: str,
    lines: tuple[cst.SimpleStatementLine, ...],
    connects_in_init: bool,
) -> str:
    stores = model._attribute_stores()
    found = stores.get(attr, [])
    if stores.get(""):
        return "the module uses setattr() or __dict__, which could store to the alias"
    if len(found) != 1:
        return f"`.{attr}` is stored to more than once in the module"
    store = found[0]
    if model._enclosing(store, cst.FunctionDef) is not init or (
        model._init_stored_value(store) is None
    ):
        return f"`.{attr}` is not stored only by `self.{attr} = ...` in `__init__`"
    where = _top_statement(model, store, init)
    if where is None or (
        connects_in_init and where >= min(_top_statement(model, ln, init) or 0 for ln in lines)
    ):
        before = " before the connect" if connects_in_init else ""
        return f"`self.{attr}` is not stored by a top-level statement of `__init__`{before}"
    return ""


def _read_problem(model: OrmModel, cls: cst.ClassDef, attr: str, connects: list[cst.Call]) -> str:
    from codemods.connection_registry import alias_expr  # lazy: it imports analysis

    aliases = {id(alias_expr(c)) for c in connects}
    for name in _walk(model.module, cst.Name):
        if name.value in ("getattr", "vars"):
            return f"the module calls {name.value}(), which could read `.{attr}`"
    for node in _walk(model.module, cst.Attribute):
        if node.attr.value != attr or model._attr_assigned_value(node) is not _NOT_ASSIGNED:
            continue
        line = model.input_line(node)
        method = model._enclosing(node, cst.FunctionDef)
        owner = model._enclosing(method, cst.ClassDef) if method is not None else None
        if (
            owner is not cls
            or not isinstance(node.value, cst.Name)
            or node.value.value != _first_param(method)  # type: ignore[arg-type]
        ):
            return f"`.{attr}` is read outside the class's methods (line {line})"
        if id(node) in aliases or isinstance(model.parents.get(node), _HARMLESS):
            continue
        if not _orm_alias_argument(model, node):
            return (
                f"`self.{attr}` is read on line {line} where its value may reach other code "
                "that hands it to the ORM's connection registry"
            )
    return ""


def _orm_alias_argument(model: OrmModel, node: cst.Attribute) -> bool:
    """`node` is `using=` of an ORM call other than `connections.*`, or the alias of a
    disconnect statement."""
    arg = model.parents.get(node)
    call = model.parents.get(arg)
    if not isinstance(arg, cst.Arg) or not isinstance(call, cst.Call):
        return False
    name = model.call_name(call) or ""
    if name in _DISCONNECTS:
        first = call.args[0] if call.args else None
        return arg is first and (arg.keyword is None or arg.keyword.value == "alias")
    if not name or name.startswith("connections."):
        return False
    return arg.keyword is not None and arg.keyword.value == "using"


def _client_attr(model: OrmModel, classes: frozenset[cst.ClassDef]) -> str | None:
    """`client`, or the first free name: every `.name` in the module is a class's own
    `self.name = MilvusClient(...)` (an earlier run) or a read of it, in one of the `classes`
    that connect with an alias on the instance (the same name for all, so a second run, which
    sees the others' clients, picks it again)."""
    from codemods.call_targets import _class_body_names, _classes  # lazy: imports us

    bodies = [_class_body_names(model, c) for c in _classes(model).values()]
    for candidate in _CLIENT_NAMES:
        if any(candidate in names for names in bodies):
            continue
        if all(
            any(_ours(model, cls, node) for cls in classes)
            for node in _walk(model.module, cst.Attribute)
            if node.attr.value == candidate
        ):
            return candidate
    return None


def _ours(model: OrmModel, cls: cst.ClassDef, node: cst.Attribute) -> bool:
    method = model._enclosing(node, cst.FunctionDef)
    if method is None or model._enclosing(method, cst.ClassDef) is not cls:
        return False
    if not isinstance(node.value, cst.Name) or node.value.value != _first_param(method):
        return False
    value = model._attr_assigned_value(node)
    return value is _NOT_ASSIGNED or value in model.client_calls


def key_of(model: OrmModel, expr: cst.BaseExpression) -> str | None:
    """The instance client key for alias expression `expr` (`self.alias` read in a method of
    a class with an instance client), or None."""
    if not isinstance(expr, cst.Attribute) or not isinstance(expr.value, cst.Name):
        return None
    if not found(model).by_key:
        return None
    method = model._enclosing(expr, cst.FunctionDef)
    cls = model._enclosing(method, cst.ClassDef) if method is not None else None
    for ic in found(model).by_key.values():
        if ic.cls is cls and ic.attr == expr.attr.value and expr.value.value == ic.me:
            return ic.key
    return None


def use_problem(model: OrmModel, key: str, node: cst.CSTNode) -> str:
    """Why `node`, a use of the instance client `key`, may run where the instance has no
    client yet ('' when it cannot)."""
    from codemods.client_binding import _Binders, _follows, _method_of_binding_class

    ic = found(model).by_key.get(key)
    if ic is None:
        return "no instance client"
    method = model._enclosing(node, cst.FunctionDef)
    while method is not None and model._enclosing(method, cst.ClassDef) is None:
        method = model._enclosing(method, cst.FunctionDef)  # a nested def: its method
    if method is None or model._enclosing(method, cst.ClassDef) is not ic.cls:
        return f"outside the methods of class `{ic.cls.name.value}`"
    if model._enclosing(node, cst.FunctionDef) is not method:
        return "inside a nested function, which may rebind or outlive the instance's name"
    binders = _Binders(key, ic.statements)
    if method is ic.init:
        if _follows(model, node, binders):
            return ""
        return "in `__init__` before (or beside) its connect()"
    if _method_of_binding_class(model, method, binders):
        return ""
    if ic.method is ic.init:
        return (
            f"method `{method.name.value}` may run before `__init__` has connected (a static "
            "or class method, or a decorated one)"
        )
    if method is ic.method and _follows(model, node, binders):
        return ""  # after the connect in the connecting method itself
    return _deferred_use_problem(model, ic, method, node)


def _deferred_use_problem(
    model: OrmModel, ic: InstanceClient, method: cst.FunctionDef, node: cst.CSTNode
) -> str:
    """A use of a client that `ic.method` (not `__init__`) binds, in code that may run before
    this instance's `ic.method` did: MM104, an unsafe fix ('' when it is selected)."""
    from codemods.base import UNSAFE_FIX
    from codemods.client_binding import UNBOUND_CLIENT

    if model.ctx.options.unsafe_fixes and model.ctx.may_rewrite(
        model.input_line(node), UNBOUND_CLIENT.code
    ):
        return ""
    binder = ic.method.name.value
    where = f"`{method.name.value}` may run" if method is not ic.method else "this use may run"
    return (
        f"{UNBOUND_CLIENT.code} {UNSAFE_FIX}: `{ic.client}` would be bound only by "
        f"`{ic.cls.name.value}.{binder}()`, and {where} before this instance's `{binder}()` "
        "has connected: the ORM code then used a connection "
        "another instance opened with the same alias, or raised ConnectionNotExistException "
        "(a disconnect did nothing); the migrated code raises AttributeError"
    )


def is_instance_client_expr(model: OrmModel, expr: cst.BaseExpression) -> bool:
    """`expr` is `<self>.<client_attr>` of an instance client (a rewritten call's receiver)."""
    if not isinstance(expr, cst.Attribute) or not isinstance(expr.value, cst.Name):
        return False
    return any(
        expr.value.value == ic.me and expr.attr.value == ic.client_attr
        for ic in found(model).by_key.values()
    )


def client_used(model: OrmModel, ic: InstanceClient) -> bool:
    """Some code of the class reads `self.client` other than to close it: a use an earlier
    rule of this run routed to it (the tree Connections sees)."""
    for node in _walk(ic.cls, cst.Attribute):
        if node.attr.value != ic.client_attr or not _ours(model, ic.cls, node):
            continue
        if model._attr_assigned_value(node) is not _NOT_ASSIGNED:
            continue
        method = model.parents.get(node)
        if isinstance(method, cst.Attribute) and method.attr.value == "close":
            continue
        return True
    return False
