"""Does code that uses an alias's client surely run after a function has bound it?

MM101 turns a connect inside a function into `global client; client = MilvusClient(...)`. On
the ORM the connection is process-global by alias: code of a library module that never
connects (say a public `open_faces()` calling `utility.has_collection(name)`) works for an
importer that connected the alias itself, or whose own connect was migrated next to a kept
ORM connect. Rewritten to `client.has_collection(...)`, it raises NameError there, since only
this module's function binds `client`. So when every binding of the client is inside a
function, a use of it is rewritten only where that binding has surely run first:

- the module is a script (OrmModel._is_script): its in-module calls are all the calls, as the
  rest of the analysis assumes;
- the use is in the binding statement's block, in a later statement (same function, after
  the connect, not in a branch the connect may have skipped);
- the use is in a method of the class whose `__init__` binds the client in a top-level
  statement of its body, with nothing before it that could reach a method (no `self` other
  than `self.attr = ...` targets, no `super`): calling the method needs an instance, and
  making one ran that statement. Not for `__init__` itself, static/class methods, a class
  with `__new__` or a module subclass with its own `__init__`. Stated assumption: no
  importer subclasses the class with an `__init__` that skips it;
- the use is in a function every caller of which is in view (OrmModel.unseen_callers: direct
  calls only, not public in a library) and each call surely runs after the binding, by these
  same rules (a cycle proves nothing).

Otherwise the use stays ORM code, and so the connect stays next to the client (MM101), and
the finding says MM104 needs an unsafe fix: with `--unsafe-fixes` (MM104 selected, not
suppressed on the use's line) the use is rewritten anyway, on the assumption that importers
call the binding function before they reach it, as a module with a `connect()` helper is
written to be used.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import libcst as cst

from codemods.analysis import REGISTRY_KEY, OrmModel, _first_param, _walk
from codemods.base import UNSAFE_FIX, Applicability, RuleInfo

UNBOUND_CLIENT = RuleInfo(
    code="MM104",
    title="Client bound only inside a library function: migrate its uses anyway",
    description=(
        'In a module read as a library (no `if __name__ == "__main__":` block that runs '
        "its own functions), a connect inside a function (MM101) binds the module's client "
        "only when that function runs. A use of the alias elsewhere in the module is "
        "migrated by default only where the binding surely ran first (the same block, "
        "after the connect; a method of the class whose `__init__` connects; a function "
        "whose callers are all in view and all run after it). With `--unsafe-fixes` the "
        "other uses are migrated too; without it each is reported as needing this unsafe "
        "fix and stays ORM. Behaviour differs only when an importer reaches such a use "
        "without calling the module's connecting function first (for instance after "
        "connecting the alias with its own `connections.connect()`): the ORM code used that "
        "connection, the migrated code raises `NameError` for the unbound client. So does "
        "a use after the connecting function ran but caught its own failure (`try: "
        "connect(...) except Exception: print(...)`): the ORM raised "
        "ConnectionNotExistException there, the migrated code `NameError`. The same "
        "holds for a client per instance (MM101) bound by an `async def connect(self)` method "
        "rather than `__init__`: a use of it in another method of the class is migrated "
        "only with `--unsafe-fixes`. Behaviour differs when that use runs before this "
        "instance's connecting method: the ORM code used the connection another instance "
        "opened with the same alias, or raised ConnectionNotExistException (a disconnect did "
        "nothing), where the migrated code raises `AttributeError` for the missing "
        "`self.client`."
    ),
    applicability=Applicability.UNSAFE,
    before="def open_connection():\n    connections.connect(uri=URI)\n\n"
    "def drop(name):\n    utility.drop_collection(name)",
    after="def open_connection():\n    global client\n    client = MilvusClient(uri=URI)\n\n"
    "def drop(name):\n    client.drop_collection(collection_name=name)",
)

# Per model: (alias, function) -> every call of it surely runs after the alias's client is bound.
_SEEN: weakref.WeakKeyDictionary[OrmModel, dict[tuple[str, cst.FunctionDef], bool]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class _Binders:
    alias: str
    statements: tuple[cst.BaseStatement, ...]  # each binds the alias's client when it runs


_METHOD_DECORATORS = ("property", "setter", "getter", "deleter")


def unbound_client_problem(model: OrmModel, alias: str | None, node: cst.CSTNode) -> str:
    """Why `node`, a use of the client for `alias`, may run before any function of the module
    has bound that client ('' when it cannot, or when the client is not bound in functions
    only)."""
    name = model.client_for(alias)
    if name is None or alias is None or alias.startswith(REGISTRY_KEY):
        return ""
    if model._client_at_module_level(alias) or model._is_script():
        return ""
    binders = _binders(model, alias, name)
    if not binders.statements or _runs_after(model, alias, node, binders, frozenset()):
        return ""
    if model.ctx.options.unsafe_fixes and model.ctx.may_rewrite(
        model.input_line(node), UNBOUND_CLIENT.code
    ):
        return ""
    line = min(model.input_line(b) for b in binders.statements)
    return (
        f"{UNBOUND_CLIENT.code} {UNSAFE_FIX}: its MilvusClient `{name}` would be bound only "
        f"inside a function (line {line}) that may not have run by then: in a library module, "
        f"importers that connect {alias!r} on their own would reach an unbound `{name}` "
        "(NameError)"
    )


def surely_bound(model: OrmModel, alias: str | None, node: cst.CSTNode) -> bool:
    """`node`, a use of the client for the literal `alias`, surely runs after a statement
    that binds that client: by the rules of the module docstring, but without the script and
    module-level shortcuts of unbound_client_problem (which accept a binding that may have
    been skipped, e.g. a connect in a `try` whose handler only prints) and without the unsafe
    flag. A binding statement directly in the module body counts for a use inside a
    function (the function runs after import), as does one that binds on every normal
    completion (`_binds`). True also when the client is not this module's to judge (none, a
    registry alias)."""
    name = model.client_for(alias)
    if name is None or alias is None or alias.startswith(REGISTRY_KEY):
        return True
    binders = _binders(model, alias, name)
    if not binders.statements:
        return True
    if _function_of(model, node) is not None and any(
        _binds(model, top, binders, frozenset()) for top in model.module.body
    ):
        return True
    return _in_else_of_binding_try(model, node, binders) or _runs_after(
        model, alias, node, binders, frozenset()
    )


def _in_else_of_binding_try(model: OrmModel, node: cst.CSTNode, binders: _Binders) -> bool:
    """`node` is in the `else:` of a `try` whose body binds the client: that block runs only
    when the body completed normally."""
    child, current = node, model.parents.get(node)
    while current is not None and not isinstance(current, cst.FunctionDef | cst.Module):
        if isinstance(current, cst.Try) and child is current.orelse:
            if _binds_in(model, current.body, binders, frozenset(), None):
                return True
        child, current = current, model.parents.get(current)
    return False


def _binders(model: OrmModel, alias: str, name: str) -> _Binders:
    """The statements that bind the client: its connects (MM101 rewrites each in place) and
    `name = MilvusClient(...)` (a module migrated before)."""
    found = []
    for call in model.client_binding_calls(alias, name):
        line = model.parents.get(model.parents.get(call))  # call -> Expr/Assign -> line
        if isinstance(line, cst.SimpleStatementLine):
            found.append(line)
    return _Binders(alias, tuple(found))


def _runs_after(
    model: OrmModel,
    alias: str,
    node: cst.CSTNode,
    binders: _Binders,
    seen: frozenset[cst.FunctionDef],
) -> bool:
    if _follows(model, node, binders):
        return True
    func = _function_of(model, node)
    if func is None or func in seen:
        return False
    # Memoized from the top only: an answer found inside a cycle depends on where it started.
    memo = _SEEN.setdefault(model, {}) if not seen else {}
    key = (alias, func)
    if key not in memo:
        memo[key] = _method_of_binding_class(model, func, binders) or (
            not model.unseen_callers(func)
            and all(
                _runs_after(model, alias, model.parents[ref], binders, seen | {func})
                for ref in model._function_refs(func)
            )
        )
    return memo[key]


def _follows(model: OrmModel, node: cst.CSTNode, binders: _Binders) -> bool:
    """`node` is inside a statement that comes after a binding statement (_binds) in the
    same block, at any level: that statement has completed when `node` runs."""
    current = node
    while current is not None:
        block = model.parents.get(current)
        if isinstance(block, cst.IndentedBlock | cst.Module):
            statements = list(block.body)
            before = statements[: statements.index(current)]  # type: ignore[arg-type]
            if any(_binds(model, s, binders, frozenset()) for s in before):
                return True
        current = block
    return False


def _binds(
    model: OrmModel,
    statement: cst.CSTNode,
    binders: _Binders,
    seen: frozenset[cst.FunctionDef],
    me: str | None = None,
    stored: frozenset[str] = frozenset(),
) -> bool:
    """Once `statement` completes normally, the client is bound: it is a binder; a `try`
    whose body holds one (_binds_on_entry) and whose handlers all raise or exit; an
    if/elif/else each of whose branches binds it; or a call
    statement (`f(...)`, `self._open()`, `x = f(...)`) of a module function that binds it
    on every normal return (call_targets.call_target)."""
    from codemods.call_targets import call_target  # lazy: it imports this module's imports
    from codemods.method_paths import never_completes_normally

    if statement in binders.statements:
        return True
    if isinstance(statement, cst.Try):
        return (
            bool(statement.handlers)
            and all(never_completes_normally(model, h.body) for h in statement.handlers)
            and (statement.finalbody is None or not _leaves(statement.finalbody))
            and _binds_in(model, statement.body, binders, seen, me, stored)
        )
    if isinstance(statement, cst.If):
        if statement.orelse is None:
            return _asks_unbound(model, statement.test, binders.alias) and _binds_in(
                model, statement.body, binders, seen, me, stored
            )
        # if/elif/else whose every branch binds: one of them runs (its test quiet first).
        return (
            _quiet(model, statement.test, me, stored)
            and _binds_in(model, statement.body, binders, seen, me, stored)
            and (
                _binds_in(model, statement.orelse.body, binders, seen, me, stored)
                if isinstance(statement.orelse, cst.Else)
                else _binds(model, statement.orelse, binders, seen, me, stored)
            )
        )
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    call = small.value if isinstance(small, cst.Expr | cst.Assign) else None
    if not isinstance(call, cst.Call):
        return False
    known, target = call_target(model, call)
    if not known or target is None or target in seen:
        return False
    if target.decorators or target.asynchronous is not None:
        return False
    return _binds_in(model, target.body, binders, seen | {target}, _first_param(target))


def _binds_in(
    model: OrmModel,
    body: cst.BaseSuite,
    binders: _Binders,
    seen: frozenset[cst.FunctionDef],
    me: str | None,
    stored: frozenset[str] = frozenset(),
) -> bool:
    """A top-level statement of `body` binds the client (_binds), and nothing before it may
    leave early (return, yield) or reach a method of the instance `me` (see _quiet).
    `stored`: attributes of `me` surely stored by earlier statements (_stored_attributes)."""
    if not isinstance(body, cst.IndentedBlock):
        return False
    for statement in body.body:
        if _binds(model, statement, binders, seen, me, stored):
            return True
        if _leaves(statement) or not _quiet(model, statement, me, stored):
            return False
        stored |= _stored_attributes(model, statement, me)
    return False


def _stored_attributes(model: OrmModel, statement: cst.CSTNode, me: str | None) -> frozenset[str]:
    """`x` for each `me.x = ...` target of `statement`, a plain assignment line, when no class
    body of the module binds `x` (a property there would run code on a read)."""
    from codemods.call_targets import _class_body_names, _classes  # lazy: imports us

    if me is None or not isinstance(statement, cst.SimpleStatementLine):
        return frozenset()
    found = set()
    for small in statement.body:
        targets = (
            [t.target for t in small.targets]
            if isinstance(small, cst.Assign)
            else [small.target]
            if isinstance(small, cst.AnnAssign) and small.value is not None
            else []
        )
        for target in targets:
            if (
                isinstance(target, cst.Attribute)
                and isinstance(target.value, cst.Name)
                and target.value.value == me
            ):
                found.add(target.attr.value)
    if found:
        for cls in _classes(model).values():
            found -= set(_class_body_names(model, cls))
    return frozenset(found)


def _asks_unbound(model: OrmModel, test: cst.BaseExpression, alias: str) -> bool:
    """`test` is `not connections.has_connection(alias)` that MM101 rewrites to
    `"client" not in globals()` (codemods/has_connection.py): the body runs exactly when
    no connect has bound the client yet, so after the `if` it is bound either way."""
    from codemods.connection_registry import registry_of  # lazy: it imports this module
    from codemods.has_connection import HAS_CONNECTION, membership

    if not isinstance(test, cst.UnaryOperation) or not isinstance(test.operator, cst.Not):
        return False
    call = test.expression
    if not isinstance(call, cst.Call) or model.call_name(call) != HAS_CONNECTION:
        return False
    if not call.args or model.literal(call.args[0].value) != alias:
        return False
    return not isinstance(membership(model, registry_of(model), call), str)


def _leaves(node: cst.CSTNode) -> bool:
    return any(
        True for kind in (cst.Return, cst.Yield, cst.Break, cst.Continue) for _ in _walk(node, kind)
    )


def _quiet(
    model: OrmModel, statement: cst.CSTNode, me: str | None, stored: frozenset[str] = frozenset()
) -> bool:
    """`statement` uses `me` (self) only as a `self.attr = ...` target or to read an attribute
    an earlier statement surely stored (`stored`: a plain instance attribute, so reading it
    runs no code of the class), and never `super`."""
    for name in _walk(statement, cst.Name):
        if name.value == "super":
            return False
        if me is not None and name.value == me and not _assigned_attribute(model, name):
            attr = model.parents.get(name)
            if not (
                isinstance(attr, cst.Attribute)
                and attr.value is name
                and attr.attr.value in stored
                and not _called(model, attr)
            ):
                return False
    return True


def _called(model: OrmModel, attr: cst.Attribute) -> bool:
    call = model.parents.get(attr)
    return isinstance(call, cst.Call) and call.func is attr


def _function_of(model: OrmModel, node: cst.CSTNode) -> cst.FunctionDef | None:
    """The function whose call runs `node` (through lambdas; None in a class body or at
    module level)."""
    current = model.parents.get(node)
    while current is not None:
        if isinstance(current, cst.FunctionDef):
            return current
        if isinstance(current, cst.ClassDef | cst.Module):
            return None
        current = model.parents.get(current)
    return None


def _method_of_binding_class(model: OrmModel, func: cst.FunctionDef, binders: _Binders) -> bool:
    """`func` is a method of a class whose `__init__` binds the client before anything could
    call a method (see the module docstring)."""
    from codemods.call_targets import _class_body_names, _overridden_below  # lazy: imports us

    block = model.parents.get(func)
    klass = model.parents.get(block) if isinstance(block, cst.IndentedBlock) else None
    if not isinstance(klass, cst.ClassDef) or func.name.value == "__init__":
        return False
    for decorator in func.decorators:
        expr = decorator.decorator
        name = expr.attr.value if isinstance(expr, cst.Attribute) else getattr(expr, "value", "")
        if name not in _METHOD_DECORATORS:
            return False
    names = _class_body_names(model, klass)
    init = names.get("__init__")
    if init is None or names.get(func.name.value) is not func or "__new__" in names:
        return False
    if _overridden_below(model, klass, "__init__") or init.decorators:
        return False
    return _binds_in(model, init.body, binders, frozenset({init}), _first_param(init))


def _assigned_attribute(model: OrmModel, name: cst.Name) -> bool:
    """`name` is `self` in a `self.attr = ...` target."""
    attr = model.parents.get(name)
    return (
        isinstance(attr, cst.Attribute)
        and attr.value is name
        and (
            isinstance(model.parents.get(attr), cst.AssignTarget)
            or getattr(model.parents.get(attr), "target", None) is attr  # `self.x: T = ...`
        )
    )
