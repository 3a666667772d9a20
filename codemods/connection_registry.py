"""Connections whose alias is not a literal: a module-level `{alias: MilvusClient}` registry.

The ORM keeps one global alias -> connection registry, so `connections.connect(alias=conn,
...)` with `conn` a parameter or `self.alias` cannot become one named client. Its faithful
translation is a registry of our own, keyed by the same runtime alias value:

    milvus_clients: dict[str, "MilvusClient"] = {}
    milvus_clients[conn] = MilvusClient(uri=f"http://{host}:{port}")   # connect
    milvus_clients[conn].create_user(user_name=user, password=password)  # utility.x(using=conn)
    if conn in milvus_clients:                                          # disconnect(conn)
        milvus_clients.pop(conn).close()

This is only equivalent when the registry holds every alias that the module's variable-alias
uses can name, so it is used only when (`registry_of`):

- every `connections.connect` in the module (other than those giving each instance its own
  client, codemods/instance_client.py) has a non-literal alias (a literal-alias connect
  binds a named client instead, and a variable use could name that alias), is a statement of
  its own with arguments MM101 can map (no `**kwargs`, no grpc:// URI) and is not in an
  `async def`;
- the alias expressions are names or attribute chains (no side effects: the key is evaluated
  before the call's other arguments, while the ORM evaluated `using=` among them);
- at least one utility/db call has a variable `using=`, or a `has_connection()` a variable
  alias (otherwise nothing would use it);
- the module does not read the ORM's own registry (`list_connections()`,
  `get_connection_addr()`): an alias found there may have been connected by other code, and
  `milvus_clients[alias]` would raise KeyError where the ORM call worked (holdout2 ho19: a
  store that reuses the application's connection, its KeyError swallowed by its own except).

A module without any connect gets no registry: its aliases come from another module.

Known differences, all on paths where the ORM program raises: a use before its connect raises
KeyError instead of ConnectionNotExistException (so a use inside a `try` whose handlers do not
catch every Exception is left alone), and a second connect of a live alias with other
arguments replaces the client where the ORM raised ConnectionConfigException. The literal-alias
rewrite has the same two differences (NameError, rebinding).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from codemods.analysis import OrmModel, connect_alias
from codemods.rewrite import code_of

REGISTRY_BASE = "milvus_clients"


@dataclass(frozen=True)
class Registry:
    name: str
    declared: bool  # the module already holds the declaration (a second run)

    def client(self, key: cst.BaseExpression) -> str:
        """The client expression for alias expression `key`."""
        return f"{self.name}[{code_of(key)}]"

    def declaration(self) -> cst.SimpleStatementLine:
        return cst.parse_statement(declaration_text(self.name) + "\n")  # type: ignore[return-value]


def declaration_text(name: str) -> str:
    # "MilvusClient" is quoted: the declaration goes right after the leading imports, and the
    # name may only be imported further down (after a sys.path tweak, in a try); a module-level
    # annotation is evaluated at import time.
    return f'{name}: dict[str, "MilvusClient"] = {{}}'


def registry_name(source: str) -> tuple[str, bool]:
    """A registry name the original text does not use (or uses only for our declaration),
    chosen from the original text so every codemod and every run agree."""
    for i in range(1, 100):
        name = REGISTRY_BASE if i == 1 else f"{REGISTRY_BASE}_{i}"
        declared = declaration_text(name) in source
        if declared or not re.search(rf"\b{name}\b", source):
            return name, declared
    return f"{REGISTRY_BASE}_100", False  # pragma: no cover - names taken


def is_pure_alias(expr: cst.BaseExpression) -> bool:
    """A name or an attribute chain on a name: reading it twice gives the same value."""
    if isinstance(expr, cst.Name):
        return True
    return isinstance(expr, cst.Attribute) and is_pure_alias(expr.value)


def alias_expr(call: cst.Call) -> cst.BaseExpression | None:
    """The alias argument of a connect()/disconnect() call (None: absent or `*`/`**`)."""
    for i, arg in enumerate(call.args):
        if arg.star:
            return None
        if arg.keyword is not None and arg.keyword.value == "alias":
            return arg.value
        if arg.keyword is None and i == 0:
            return arg.value
    return None


def in_async_function(model: OrmModel, node: cst.CSTNode) -> bool:
    current = model.parent(node)
    while current is not None:
        if isinstance(current, cst.FunctionDef):
            if current.asynchronous is not None:
                return True
        current = model.parent(current)
    return False


def variable_connect_problem(model: OrmModel, call: cst.Call) -> str:
    """Why a connect() with a non-literal alias cannot go into the registry ('' if it can)."""
    view = model.connect_view(call)
    if any(arg.star for arg in call.args) and view is call:
        reason = model.spread_problem(call)
        return "connect(**kwargs): the alias and address are not visible" + (
            f" ({reason})" if reason else ""
        )
    alias = alias_expr(view)
    # `d["alias"]` of a visible connect(**d) reads a dict nothing else can reach (see
    # codemods/connect_kwargs.py): evaluating it first gives the value the ORM got.
    if alias is None or not (is_pure_alias(alias) or view is not call):
        return "the alias is not a name or attribute"
    if model.connect_statement(call) is None:
        return "not a statement of its own or a plain assignment"
    if in_async_function(model, call):
        return "inside an async function"
    return model.connect_arguments_problem(call)


def _connects_fit(model: OrmModel) -> bool:
    # A connect that gives each instance its own client (codemods/instance_client.py) is no
    # registry connect, and the aliases it names are never read elsewhere.
    calls = [c for c in model.connect_calls if model.instance_connect(c)[0] is None]
    if not calls:
        return False
    for call in calls:
        if connect_alias(model.connect_view(call), model.literal) is not None:
            return False
        if variable_connect_problem(model, call):
            return False
    return True


# ORM calls that name aliases connected anywhere in the process, not only by this module.
_ORM_REGISTRY_READS = ("connections.list_connections", "connections.get_connection_addr")


def registry_problem(model: OrmModel) -> str:
    """Why the module's aliases may be missing from a registry it fills ('' if none)."""
    read = sorted({name for name in model.canonical_of.values() if name in _ORM_REGISTRY_READS})
    if not read:
        return ""
    calls = "/".join(f"{name.split('.')[-1]}()" for name in read)
    return (
        f"the module reads the ORM's connections ({calls}): an alias found there may have "
        "been connected by other code, which an alias registry of this module would not hold"
    )


def _has_variable_use(model: OrmModel) -> bool:
    for node, name in model.canonical_of.items():
        call = model.parent(node)
        if name == "connections.has_connection" and isinstance(call, cst.Call):
            # `if not connections.has_connection(alias):` asks the registry too
            key = alias_expr(call)
            if key is not None and _registry_key(model, key):
                return True
        if not name.startswith(("utility.", "db.")):
            continue
        if not isinstance(call, cst.Call) or call.func is not node:
            continue
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "using":
                if _registry_key(model, arg.value):
                    return True
    return False


def _registry_key(model: OrmModel, key: cst.BaseExpression) -> bool:
    """A variable alias the registry would answer (not one of an instance client)."""
    return model.literal(key) is None and is_pure_alias(key) and model.instance_key(key) is None


def registry_of(model: OrmModel) -> Registry | None:
    """The module's alias registry, or None when variable aliases stay ORM (see above)."""
    if not _connects_fit(model) or registry_problem(model):
        return None
    name, declared = registry_name(model.ctx.source)
    # After the utility rule rewrote the uses, the tree only shows the registry's name.
    if not (_has_variable_use(model) or model.is_name_used(name)):
        return None
    return Registry(name, declared)


def use_problem(model: OrmModel, call: cst.Call, key: cst.BaseExpression) -> str:
    """Why a use with a variable alias `key` stays ORM even with a registry ('' if none)."""
    if not is_pure_alias(key):
        return "the connection alias is not a name or attribute"
    if in_async_function(model, call):
        return "inside an async function"
    if _inside_narrow_try(model, call):
        return (
            "inside a try whose handlers do not catch every Exception: an unknown alias "
            "raises KeyError from the registry, ConnectionNotExistException from the ORM"
        )
    return ""


def _inside_narrow_try(model: OrmModel, node: cst.CSTNode) -> bool:
    current = model.parent(node)
    child: cst.CSTNode = node
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module)):
        if isinstance(current, (cst.Try, cst.TryStar)) and child is current.body:
            for handler in current.handlers:
                kind = handler.type
                if kind is None:
                    continue
                if isinstance(kind, cst.Name) and kind.value in ("Exception", "BaseException"):
                    continue
                return True
        child, current = current, model.parent(current)
    return False


def insert_declaration(module: cst.Module, registry: Registry) -> cst.Module:
    """`NAME: dict[str, MilvusClient] = {}` after the module's leading docstring and imports."""
    body = list(module.body)
    index = 0
    for i, stmt in enumerate(body):
        if isinstance(stmt, cst.SimpleStatementLine) and all(
            isinstance(s, (cst.Import, cst.ImportFrom))
            or (isinstance(s, cst.Expr) and isinstance(s.value, cst.SimpleString))
            for s in stmt.body
        ):
            index = i + 1
            continue
        break
    body.insert(index, registry.declaration().with_changes(leading_lines=[cst.EmptyLine()]))
    return module.with_changes(body=body)
