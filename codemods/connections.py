"""MM101-MM103: `connections.*` -> a MilvusClient bound to a name.

`connections.connect(alias, host=, port=, uri=, user=, ...)` becomes
`client = MilvusClient(uri=..., ...)` (`client_<alias>` when the module uses several aliases):
host/port fold into `uri`, an address-less connect keeps the ORM's `MILVUS_URI` default
(trap 7), and `db_name="default"` is kept when the URI may carry a database path the ORM
ignored. A connect inside a function declares the client `global`, because the ORM's
connection registry was global too. `disconnect(alias)` becomes `client.close()`.

Runs after the rules that rewrite ORM objects (registry order): when ORM code that needs the
connection registry is still left in the module (a reported site), the original
`connections.connect(...)` is kept next to the new client so that code keeps working; when no
rewrite reads that client, the connect (and its disconnect) stays alone, without one.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst
from libcst.metadata import QualifiedNameProvider
from libcst.metadata.base_provider import LazyValue

from codemods.analysis import CONNECT_PARAMS, OrmModel, _walk, connect_alias, model_of
from codemods.base import Applicability, RuleInfo
from codemods.client_binding import UNBOUND_CLIENT, surely_bound
from codemods.connection_registry import (
    Registry,
    alias_expr,
    insert_declaration,
    is_pure_alias,
    registry_of,
    registry_problem,
    variable_connect_problem,
)
from codemods.context import MigrationContext
from codemods.global_order import hoist_late_globals
from codemods.has_connection import HAS_CONNECTION, membership, membership_test
from codemods.instance_client import InstanceClient, client_used
from codemods.orm_names import CONNECTIONS_METHODS, CONNECTIONS_MODULE
from codemods.rewrite import Refuse, bind, call_like, code_of, has_comments, kwarg, string_value
from codemods.shim_names import pymilvus_name

CONNECT = RuleInfo(
    code="MM101",
    title="connections.connect -> client = MilvusClient(...)",
    description=(
        'host/port become `uri="http://host:port"`; uri, user, password, token, db_name, '
        "secure, timeout and TLS options are kept. With no address at all the ORM read "
        '`MILVUS_URI`, so the rewrite does too: `MilvusClient(uri=os.getenv("MILVUS_URI", '
        '"http://localhost:19530"))`. When the URI is not a literal (or has a path) and no '
        'db_name was given, `db_name="default"` is emitted: the ORM ignores a database in '
        "the URI path, MilvusClient honours it. A class whose `__init__` surely connects "
        "with an alias kept on the instance (`connect(alias=self.alias, ...)`, `self.alias` "
        "stored only there, before the connect, and read only as `using=`, the connect's or a "
        "disconnect's alias, in an f-string or a comparison) gives each instance its own "
        "client, `self.client = MilvusClient(...)`; its `using=self.alias` uses and the "
        "collections opened with them go to `self.client` where the instance surely has it "
        "(methods other than `__init__` of a class with no `__new__` and no module subclass "
        "with its own `__init__`; `__init__` after the connect), and the module must not read "
        "the ORM's registry. Assumed: no importer subclasses the class skipping its "
        "`__init__` or hands an instance's alias to the ORM, and no base class elsewhere uses "
        "the attribute `client` (`milvus_client` when the module does). Two instances given "
        "the same alias shared one ORM connection (the ORM raised after one disconnected); "
        "each has its own client now; when every use of the alias stays ORM, the connect "
        "stays as it is (no unused client). Such a connect in an `async def` method of the "
        "class instead (`async def connect(self)`, `self.alias` stored by a top-level "
        "statement of `__init__`) gives the instance its client too: uses there after the "
        "connect go to `self.client`, a use elsewhere stays ORM unless MM104's unsafe fix is "
        "selected. Any other connect whose alias is a variable "
        "(a parameter, `self.alias`) stores its client in a module-level registry, "
        "`milvus_clients[alias] = MilvusClient(...)`, like the ORM's own global registry; "
        "only when every connect of the module has a variable alias (no named client could "
        "be missed by a lookup), a utility/db call uses one (see MM160) and the module does "
        "not read the ORM's registry (`list_connections()`, `get_connection_addr()`: an alias "
        "found there may have been connected elsewhere, so the connects and uses stay ORM). "
        "The differences are on paths where the ORM raised: a use before its connect raises "
        "KeyError (uses inside a try that catches narrower types than Exception are left "
        "alone), and re-connecting a live alias with other arguments replaces the client. "
        "`connect(**d)` is rewritten when `d` is a dict literal built just before the call in "
        'the same block (only `.update({...})` and `d["k"] = v` with literal keys in between, '
        'possibly under an if/else): each value is read from `d` (`d["k"]`, or '
        "`d.get(k, the ORM's default)` for a key set on some paths; TLS options only when "
        "present), the alias/uri/host/port keys must be set on every path or none. "
        "`has_connection(alias)` becomes `alias in milvus_clients` in a module with the "
        'registry, and `"client" in globals()` for a literal alias whose connects bind the '
        "module's `client` when the module never disconnects. Where ORM code that needs "
        "the connection stays in the module, the connect is kept next to the client; when "
        "no rewrite reads that client (every use of the alias stays ORM), the connect stays "
        "as it is, without a client nothing would use, and so does its disconnect."
    ),
    applicability=Applicability.SAFE,
    before='connections.connect(host="localhost", port="19530")\n',
    after='client = MilvusClient(uri="http://localhost:19530")\n',
)
DISCONNECT = RuleInfo(
    code="MM102",
    title="connections.disconnect -> client.close()",
    description=(
        "`disconnect(alias)` and `remove_connection(alias)` close the alias's client. For a "
        "variable alias held in the registry (MM101) this is `if alias in milvus_clients: "
        "milvus_clients.pop(alias).close()`: the ORM ignored an alias it did not know. For "
        "the same reason a disconnect in an `except` or `finally` of a `try` whose body "
        'connects the alias becomes `if "client" in globals(): client.close()`: it runs when '
        "that connect raised, and the client may never have been bound. So does any "
        "disconnect that may run before the client's binding (client_binding.surely_bound, "
        "with no script shortcut): a `close()` method of a class whose `__init__` connects "
        "inside a try whose handler goes on, or only under an `if`; a function nothing in "
        "the module calls after the connect (a closed client's `close()` does nothing, as "
        "the ORM's disconnect of an alias whose connect then failed did). `disconnect("
        "self.alias)` of a per-instance client (MM101) becomes `self.client.close()` where the "
        "instance surely has its client, and stays ORM elsewhere (an `except` of `__init__`). "
        "`disconnect(self.connection)` under `if self.connection:`, where the class only ever "
        "stores one literal alias or None into it, closes that alias's client (unguarded, "
        "the ORM's disconnect(None) raised, so it stays ORM). "
        "Where ORM code that needs the connection is left in the module (its connect is kept, "
        "MM101), the disconnect is kept too, before the client's close, and reported."
    ),
    applicability=Applicability.SAFE,
    before='connections.disconnect("default")\n',
    after="client.close()\n",
)
OTHER = RuleInfo(
    code="MM103",
    title="connection registry calls without a MilvusClient equivalent",
    description=(
        "`list_connections`, `get_connection_addr`, `add_connection`, a `has_connection` that "
        "the module's own clients cannot answer (see MM101), a connect whose alias is not a "
        "literal (unless it gives each instance its own client or goes into the alias "
        "registry, MM101; the finding says why not) and `connect(**d)` whose keys "
        "are not visible are reported."
    ),
    applicability=Applicability.REPORT_ONLY,
)

_DROPPED = {"alias", "host", "port", "keep_alive", "_async", "_unbind_with_db", "address"}


def _uri_arg(bound) -> tuple[cst.BaseExpression | None, bool]:
    """The uri expression and whether it needs db_name="default" to keep the ORM's database."""
    extra = {a.keyword.value: a for a in bound.extra if a.keyword is not None}
    if "uri" in extra:
        uri = extra["uri"].value
        text = string_value(uri)
        if text is None:
            return uri, True
        path = text.split("://", 1)[-1]
        has_path = "://" in text and "/" in path.strip("/")
        return uri, has_path
    host = extra.get("host")
    port = extra.get("port")
    address = extra.get("address")
    if address is not None:
        text = string_value(address.value)
        if text is None:
            return cst.parse_expression(f'"http://" + {code_of(address.value)}'), False
        return cst.SimpleString(f'"http://{text}"'), False
    if host is None and port is None:
        return None, False
    host_v = host.value if host else cst.SimpleString('"localhost"')
    port_v = port.value if port else cst.SimpleString('"19530"')
    h, p = string_value(host_v), _literal_text(port_v)
    if h is not None and p is not None:
        return cst.SimpleString(f'"http://{h}:{p}"'), False
    # A literal part goes into the f-string as text: f"http://{host}:19530".
    hc = _fstring_part(host_v, h)
    pc = _fstring_part(port_v, p)
    if '"' not in hc + pc:
        return cst.parse_expression(f'f"http://{hc}:{pc}"'), False
    if "'" not in hc + pc:
        return cst.parse_expression(f"f'http://{hc}:{pc}'"), False
    hs, ps = code_of(host_v), code_of(port_v)
    return cst.parse_expression(f'"http://" + str({hs}) + ":" + str({ps})'), False


def _fstring_part(node: cst.BaseExpression, text: str | None) -> str:
    if text is None:
        return "{" + code_of(node) + "}"
    return text.replace("{", "{{").replace("}", "}}")


def _literal_text(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Integer):
        return node.value
    return string_value(node)


# Parents of an expression where `a in b` needs no parentheses.
_LOOSE_CONTEXTS = (
    cst.If,
    cst.While,
    cst.Assign,
    cst.AnnAssign,
    cst.Return,
    cst.Arg,
    cst.BooleanOperation,
    cst.Expr,
    cst.IfExp,
    cst.Assert,
)


class _Transformer(cst.CSTTransformer):
    def __init__(self, model: OrmModel, ctx: MigrationContext) -> None:
        super().__init__()
        self.model = model
        self.ctx = ctx
        self.registry: Registry | None = registry_of(model)
        self.keep_orm = _orm_still_needed(model, self._has_connection_problem)
        self.registry_used = False
        self.declared_global = False  # a `global client` was added above a connect

    def leave_Module(self, original, updated):
        if self.declared_global:
            updated = hoist_late_globals(updated)
        if self.registry is not None and self.registry_used and not self.registry.declared:
            return insert_declaration(updated, self.registry)
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        if len(original.body) != 1:
            return updated
        call = _connect_call(original.body[0])
        if self._is_connect_statement(call):
            return self._connect(original, updated, call)
        if not isinstance(original.body[0], cst.Expr) or not isinstance(call, cst.Call):
            return updated
        name = self.model.call_name(call)
        if name in ("connections.disconnect", "connections.remove_connection"):
            return self._disconnect(original, updated, call, name)
        return updated

    def leave_SimpleStatementSuite(self, original, updated):
        """`try: connections.connect(...)` on one line: the suite's statements are replaced."""
        if len(original.body) != 1:
            return updated
        call = _connect_call(original.body[0])
        if not self._is_connect_statement(call):
            return updated
        result = self._connect(original, updated, call)
        if result is updated:
            return updated
        small = [s for line in result.nodes for s in line.body]
        return updated.with_changes(
            body=[s.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) for s in small]
        )

    def leave_UnaryOperation(self, original, updated):
        """`not connections.has_connection(a)` -> `a not in milvus_clients`."""
        if not isinstance(original.operator, cst.Not):
            return updated
        test = self._membership(original.expression)
        if test is None:
            return updated
        return membership_test(*test, negated=True).with_changes(
            lpar=updated.lpar, rpar=updated.rpar
        )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        name = self.model.call_name(original)
        if name is None:
            self._module_call(original)
            return updated
        if not name.startswith("connections."):
            return updated
        if name == HAS_CONNECTION:
            parent = self.model.parent(original)
            if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
                if self._has_connection_problem(original) == "":
                    return updated  # leave_UnaryOperation rewrites `not ...` as a whole
            test = self._membership(original)
            if test is not None:
                comparison = membership_test(*test, negated=False)
                if updated.lpar:
                    return comparison.with_changes(lpar=updated.lpar, rpar=updated.rpar)
                if not isinstance(parent, _LOOSE_CONTEXTS):
                    # `in` binds tighter than not/and/or and looser than anything else.
                    return comparison.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
                return comparison
        if name == "connections.connect" and self.model.connect_statement(original) is not None:
            return updated
        if self.model.is_expr_statement(original) and name in (
            "connections.disconnect",
            "connections.remove_connection",
        ):
            return updated
        line, col = self.model.position(original)
        if name == "connections.connect":
            # `return connections.connect(...)`, `ok = connect(...) or ...`: its value is read
            self.ctx.report(
                line,
                col,
                CONNECT.code,
                "connect() left as ORM code: not a statement of its own or a plain assignment",
                "make the connect a statement of its own, then rerun",
            )
            return updated
        reason = f"`{name}()` has no MilvusClient equivalent"
        if name == HAS_CONNECTION:
            reason += f" here ({self._has_connection_problem(original)})"
        self.ctx.report(
            line, col, OTHER.code, reason, "keep your own {alias: MilvusClient} mapping"
        )
        return updated

    def _module_call(self, call: cst.Call) -> None:
        """Report a connection method called on what is not the `connections` object: the
        module pymilvus.orm.connections (orm_names.CONNECTIONS_MODULE; AttributeError as
        written), or a `Connections()` instance (the ORM's registry singleton, which MM101
        does not rewrite). Both stay as they are, never silently."""
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in CONNECTIONS_METHODS:
            return
        receiver = func.value
        if isinstance(receiver, cst.Call) and not receiver.args:
            if "Connections" in self._qualified_tails(receiver.func):
                reason = (
                    f"`{code_of(func)}()` goes through the ORM's connection registry "
                    "(`Connections()` is its singleton), which has no MilvusClient rewrite"
                )
                self._report_left(call, reason, "use `from pymilvus import connections`, rerun")
            return
        if CONNECTIONS_MODULE in self._qualified_names(receiver):
            reason = (
                f"`{code_of(func)}()`: `{code_of(receiver)}` is the module {CONNECTIONS_MODULE}, "
                "not its `connections` object, so this call raises AttributeError as written "
                "(left as is)"
            )
            self._report_left(
                call, reason, "import the object (`from pymilvus import connections`) and rerun"
            )

    def _qualified_names(self, node: cst.CSTNode) -> set[str]:
        names = self.model.wrapper.resolve(QualifiedNameProvider).get(node, set())
        if isinstance(names, LazyValue):  # the resolved mapping holds them lazily
            names = names()
        return {pymilvus_name(q.name) for q in names}  # compat_shim names as pymilvus's

    def _qualified_tails(self, node: cst.CSTNode) -> set[str]:
        """ORM names among `node`'s qualified names (`Connections` for
        `pymilvus.orm.connections.Connections` and `pymilvus.Connections`)."""
        return {
            q[len(prefix) :]
            for q in self._qualified_names(node)
            for prefix in (CONNECTIONS_MODULE + ".", "pymilvus.")
            if q.startswith(prefix)
        }

    def _report_left(self, call: cst.Call, reason: str, suggestion: str) -> None:
        line, col = self.model.position(call)
        self.ctx.report(line, col, OTHER.code, reason, suggestion)

    def _has_connection_problem(self, call: cst.Call) -> str:
        return has_connection_problem(self.model, self.ctx, self.registry, call)

    def _membership(self, node: cst.BaseExpression):
        """`(needle, haystack)` for a has_connection() call it rewrites, recording the change."""
        if not isinstance(node, cst.Call) or self._has_connection_problem(node):
            return None
        test = membership(self.model, self.registry, node)
        assert not isinstance(test, str)
        if self.registry is not None:
            self.registry_used = True
        haystack = code_of(test[1])
        self.ctx.record_change(
            self.model.line(node),
            CONNECT.code,
            f"connections.has_connection() -> ... in {haystack}",
        )
        return test

    def _connect(self, original, updated, call: cst.Call):
        line, col = self.model.position(call)
        alias = connect_alias(self.model.connect_view(call), self.model.literal)
        problem = self.model.connect_problem(call)
        if alias is None:
            instance, why_not = self.model.instance_connect(call)
            if instance is not None:
                return self._instance_connect(original, updated, call, instance)
            if self.registry is not None:
                return self._registry_connect(original, updated, call)
            reason = (
                (f"no client per instance: {why_not}" if why_not else "")
                or variable_connect_problem(self.model, call)
                or registry_problem(self.model)
            )
            self.ctx.report(
                line,
                col,
                OTHER.code,
                "connect() with a non-literal alias"
                + (f" ({reason})" if reason else " (see MM101 for when it gets a registry)"),
                "create one MilvusClient per alias by hand",
            )
            return updated
        if problem:
            if self.ctx.may_rewrite(line, CONNECT.code):
                self.ctx.report(line, col, CONNECT.code, f"connect() left as ORM code: {problem}")
            return updated
        client = self.model.client_for(alias)
        if client is None:
            # Another connect() for this alias stays ORM, so none binds the client.
            self.ctx.report(
                line,
                col,
                CONNECT.code,
                f"connect() left as ORM code: {self.model.alias_problem(alias)}",
            )
            return updated
        if self.keep_orm and client in self.model.client_vars:
            return self._kept_again(updated, call)
        if self.keep_orm and self._client_unused(client):
            self.ctx.report(
                line,
                col,
                CONNECT.code,
                f"{self._kept_because()}: connections.connect() kept, and no client next to "
                f"it: every use of its alias stays ORM, so `{client}` would go unused",
            )
            return updated
        return self._client_statements(original, updated, call, cst.Name(client), client)

    def _client_unused(self, client: str) -> bool:
        """No rewrite of this run reads the module's client `client`: no earlier codemod
        routed a call to it and no `connections.has_connection()` here becomes a test of it.
        A connect kept for the ORM code left then stays alone, without a client beside it that
        nothing would read, and so does its disconnect."""
        if self.model.is_name_used(client):
            return False
        calls = [self.model.parent(func) for func in self.model.canonical_of]
        return not any(
            self.model.call_name(call) == "connections.has_connection"
            and not self._has_connection_problem(call)
            for call in calls
            if isinstance(call, cst.Call)
        )

    def _instance_connect(self, original, updated, call: cst.Call, instance: InstanceClient):
        """`self.client = MilvusClient(...)`: each instance owned its ORM alias
        (codemods/instance_client.py)."""
        if self.keep_orm and any(
            self.model._enclosing(c, cst.FunctionDef) is instance.method
            and _assigned_to(self.model, c) == instance.client
            for c in self.model.client_calls
        ):
            return self._kept_again(updated, call)
        if self.keep_orm and not client_used(self.model, instance):
            line, col = self.model.position(call)
            self.ctx.report(
                line,
                col,
                CONNECT.code,
                "connect() left as ORM code: every use of its alias stays ORM, so a client "
                f"per instance (`{instance.client}`) would go unused",
            )
            return updated
        target = cst.parse_expression(instance.client)
        return self._client_statements(original, updated, call, target, None)

    def _registry_connect(self, original, updated, call: cst.Call):
        """`milvus_clients[alias] = MilvusClient(...)`: the ORM's registry, kept by value."""
        assert self.registry is not None
        if self.keep_orm and self.registry.declared:
            return self._kept_again(updated, call)
        key = alias_expr(self.model.connect_view(call))
        assert key is not None  # registry_of() checked every connect
        target = cst.parse_expression(self.registry.client(key))
        self.registry_used = True
        return self._client_statements(original, updated, call, target, None)

    def _kept_again(self, updated, call: cst.Call):
        """An earlier run already added the client next to this kept connect: nothing to
        rewrite, but the ORM code that needs it is still there, so a rerun (the pre-commit
        hook, `--check` over `--shim-rest` output) reports the connect as that run did."""
        line, col = self.model.position(call)
        self.ctx.report(
            line,
            col,
            CONNECT.code,
            f"{self._kept_because()}: connections.connect() kept next to the client",
        )
        return updated

    def _kept_because(self) -> str:
        outside = outside_orm_users(self.model)
        if outside and not _orm_still_needed(self.model, self._has_connection_problem, inside=True):
            return f"ORM code elsewhere may need this connection: {outside}"
        return "ORM code that needs this connection is left in the module"

    def _client_statements(
        self,
        original,
        updated,
        call: cst.Call,
        target: cst.BaseAssignTargetExpression,
        client: str | None,
    ):
        """The statements replacing a connect: `target = MilvusClient(...)`, the kept ORM
        connect when ORM code still needs it, and `global client` for a named client."""
        line, col = self.model.position(call)
        label = client or code_of(target)
        bound = bind(self.model.connect_view(call), CONNECT_PARAMS)
        assert not isinstance(bound, Refuse)  # connect_problem() checked it
        uri, needs_db = _uri_arg(bound)
        if uri is None:
            uri = cst.parse_expression('os.getenv("MILVUS_URI", "http://localhost:19530")')
            needs_db = True
        args = [kwarg("uri", uri)]
        for key in ("user", "password", "token", "db_name"):
            if key in bound.named:
                args.append(kwarg(key, bound.named[key].value))
        if "db_name" not in bound.named and needs_db:
            args.append(kwarg("db_name", cst.SimpleString('"default"')))
        for arg in bound.extra:
            if arg.keyword is not None and arg.keyword.value in _DROPPED | {"uri"}:
                continue
            args.append(arg)
        # On one line, unless the connect has comments in it: then laid out like the connect,
        # its comments kept (those of dropped arguments go after the open parenthesis).
        new_call = call_like(
            cst.Name(self.model.client_class), args, call if has_comments(call) else None
        )
        leading = getattr(original, "leading_lines", [])
        assign = cst.SimpleStatementLine(
            body=[cst.Assign(targets=[cst.AssignTarget(target)], value=new_call)],
            leading_lines=leading,
            trailing_whitespace=getattr(original, "trailing_whitespace", cst.TrailingWhitespace()),
        )
        statements: list[cst.SimpleStatementLine] = []
        if self.keep_orm:
            kept = cst.SimpleStatementLine(body=updated.body, leading_lines=leading)
            statements.append(kept)
            assign = assign.with_changes(leading_lines=[])
            self.ctx.report(
                line,
                col,
                CONNECT.code,
                f"{self._kept_because()}: connections.connect() kept next to the new client",
            )
        if client is not None and self._in_function(original) and self._first_in_function(call):
            glob = cst.SimpleStatementLine(
                body=[cst.Global(names=[cst.NameItem(cst.Name(client))])]
            )
            self.declared_global = True
            if not statements:
                glob = glob.with_changes(leading_lines=leading)
                assign = assign.with_changes(leading_lines=[])
            statements.append(glob)
        statements.append(assign)
        small = original.body[0]
        if isinstance(small, cst.Assign) and not self.keep_orm and not self._unread(small):
            # connect() returns None: the name it was assigned to keeps that value.
            statements.append(
                cst.SimpleStatementLine(
                    body=[
                        small.with_changes(
                            value=cst.Name("None"), semicolon=cst.MaybeSentinel.DEFAULT
                        )
                    ]
                )
            )
        self.ctx.record_change(
            line, CONNECT.code, f"connections.connect() -> {label} = MilvusClient(...)"
        )
        return cst.FlattenSentinel(statements)

    def _unread(self, assign: cst.Assign) -> bool:
        """Nothing reads the names `conn = connections.connect(...)` bound: a function's local
        (or `_`) with no reference, so `conn = None` would be dead code."""
        for target in assign.targets:
            name = target.target
            scope = self.model.scopes.get(name)
            if not isinstance(name, cst.Name) or scope is None:
                return False
            local = isinstance(scope, cst.metadata.FunctionScope) or name.value == "_"
            bound = [a for a in scope.assignments[name.value] if a.node is name]
            if not local or len(bound) != 1 or bound[0].references:
                return False
        return True

    def _disconnect(self, original, updated, call: cst.Call, name: str):
        line, col = self.model.position(call)
        alias = self.model.disconnect_alias(call)
        if alias is None and call.args:
            alias = self.model.instance_key(call.args[0].value)
            if alias is not None:
                return self._instance_disconnect(original, updated, call, name, alias)
        if alias is None and self.registry is not None:
            return self._registry_disconnect(original, updated, call, name)
        client = self.model.client_for(alias)
        if client is None:
            why = (
                "for an alias without a client in this module"
                if alias is not None
                else f"of alias `{code_of(call.args[0].value)}`, not a literal: it may name any "
                "connection, so the module's connects stay ORM with it (see MM101)"
            )
            self.ctx.report(line, col, DISCONNECT.code, f"{name}() {why}")
            return updated
        if not self.ctx.may_rewrite(line, DISCONNECT.code):
            return updated
        if self.keep_orm and client in self.model.client_vars:
            self._report_kept(call, name)  # an earlier run kept it next to the close
            return updated
        if self.keep_orm and self._client_unused(client):
            self._report_kept(call, name, closed=False)
            return updated  # its connect stays without a client (_connect)
        close: cst.BaseStatement = cst.SimpleStatementLine(
            body=[cst.Expr(cst.parse_expression(f"{client}.close()"))],
            leading_lines=original.leading_lines,
            trailing_whitespace=original.trailing_whitespace,
        )
        if self._may_run_before_connect(original, alias) or not surely_bound(
            self.model, alias, call
        ):
            # The ORM ignored a disconnect of an alias it never connected; `client.close()`
            # would raise NameError there (and from a `finally`, replace the exception): in an
            # except/finally of the connect's try, or wherever the binding may not have run
            # (a connect in a try whose handler goes on, a method of a class whose __init__
            # may skip it). A closed client's close() does nothing, as the ORM's disconnect
            # of an alias whose connect later failed did.
            close = cst.If(
                test=cst.parse_expression(f'"{client}" in globals()'),
                body=cst.IndentedBlock(body=[close.with_changes(leading_lines=[])]),
                leading_lines=original.leading_lines,
            )
        self.ctx.record_change(line, DISCONNECT.code, f"{name}() -> {client}.close()")
        return self._close_in_place(updated, close, call, name)

    def _instance_disconnect(self, original, updated, call: cst.Call, name: str, key: str):
        """`self.client.close()`, where the instance surely has its client by then."""
        line, col = self.model.position(call)
        client = self.model.client_for(key)
        assert client is not None
        problem = self.model.client_unbound_problem(key, call)
        instance = self.model.instance_client(key)
        if not problem and self.keep_orm and instance and not client_used(self.model, instance):
            self._report_kept(call, name, closed=False)
            return updated  # the connect stays ORM without a client (_instance_connect)
        if problem:
            self.ctx.report(line, col, DISCONNECT.code, f"{name}() left as ORM code: {problem}")
            return updated
        if not self.ctx.may_rewrite(line, DISCONNECT.code):
            return updated
        close = cst.SimpleStatementLine(
            body=[cst.Expr(cst.parse_expression(f"{client}.close()"))],
            leading_lines=original.leading_lines,
            trailing_whitespace=original.trailing_whitespace,
        )
        if self.keep_orm and self._next_is(original, f"{client}.close()"):
            self._report_kept(call, name)
            return updated  # an earlier run kept the disconnect next to the close
        self.ctx.record_change(line, DISCONNECT.code, f"{name}() -> {client}.close()")
        return self._close_in_place(updated, close, call, name)

    def _report_kept(self, call: cst.Call, name: str, closed: bool = True) -> None:
        """A disconnect kept for the ORM code left in the module is a site left too: say so
        next to the connect's MM101 item, so that every ORM call left has an item."""
        line, col = self.model.position(call)
        where = " next to the client's close()" if closed else ""
        self.ctx.report(
            line,
            col,
            DISCONNECT.code,
            f"ORM code that needs this connection is left in the module: {name}() kept{where}",
            "migrate that code (see the MM101 item of its connect); the disconnect then goes",
        )

    def _close_in_place(
        self,
        updated: cst.SimpleStatementLine,
        close: cst.BaseStatement,
        call: cst.Call,
        name: str,
    ):
        """`close` where the disconnect was; after the kept disconnect when ORM code that
        needs the connection stays in the module (MM101)."""
        if self.keep_orm:
            self._report_kept(call, name)
            return cst.FlattenSentinel(
                [
                    updated.with_changes(trailing_whitespace=cst.TrailingWhitespace()),
                    close.with_changes(leading_lines=[]),
                ]
            )
        return close

    def _next_is(self, statement: cst.CSTNode, code: str) -> bool:
        """The statement after `statement` in its block is `code` (an earlier run's output)."""
        block = self.model.parent(statement)
        body = list(getattr(block, "body", ()))
        if statement not in body or body.index(statement) + 1 >= len(body):
            return False
        following = body[body.index(statement) + 1]
        return isinstance(following, cst.SimpleStatementLine) and code_of(following).strip() == code

    def _registry_disconnect(self, original, updated, call: cst.Call, name: str):
        """`if alias in milvus_clients: milvus_clients.pop(alias).close()`: the ORM's
        disconnect ignored an alias it did not know."""
        assert self.registry is not None
        line, col = self.model.position(call)
        key = alias_expr(call)
        problem = ""
        if key is None or not is_pure_alias(key):
            problem = "the alias is not a name or attribute"
        elif not isinstance(original, cst.SimpleStatementLine):
            problem = "not a statement line of its own"
        if problem:
            self.ctx.report(line, col, DISCONNECT.code, f"{name}() left as ORM code: {problem}")
            return updated
        assert key is not None
        if not self.ctx.may_rewrite(line, DISCONNECT.code):
            return updated
        if self.keep_orm and self.registry.declared:
            self._report_kept(call, name)  # an earlier run kept it next to the pop
            return updated
        alias = code_of(key)
        registry = self.registry.name
        close = cst.parse_statement(
            f"if {alias} in {registry}:\n    {registry}.pop({alias}).close()\n"
        ).with_changes(leading_lines=original.leading_lines)
        self.registry_used = True
        self.ctx.record_change(line, DISCONNECT.code, f"{name}() -> {registry}.pop(...).close()")
        if self.keep_orm:
            self._report_kept(call, name)
            return cst.FlattenSentinel([updated, close.with_changes(leading_lines=[])])
        return close

    def _may_run_before_connect(self, statement: cst.CSTNode, alias: str | None) -> bool:
        """Is `statement` in an `except` or `finally` of a `try` whose body connects `alias`?
        It then runs when that connect raised, so the client it binds may not exist."""
        connects = [
            call
            for call in self.model.connect_calls
            if connect_alias(self.model.connect_view(call), self.model.literal) == alias
        ]
        child, current = statement, self.model.parent(statement)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module)):
            if isinstance(current, (cst.Try, cst.TryStar)) and child is not current.body:
                if child is not current.orelse and any(
                    self.model.is_inside(call, current.body) for call in connects
                ):
                    return True
            child, current = current, self.model.parent(current)
        return False

    def _is_connect_statement(self, call: cst.Call | None) -> bool:
        return (
            call is not None
            and self.model.call_name(call) == "connections.connect"
            and self.model.connect_statement(call) is not None
        )

    def _first_in_function(self, call: cst.Call) -> bool:
        """No connect for the same client comes earlier in `call`'s function: a second
        `global client` after the first branch's `client = ...` is a SyntaxError."""
        func = self.model._enclosing(call, cst.FunctionDef)
        alias = connect_alias(self.model.connect_view(call), self.model.literal)
        return not any(
            other is not call
            and self.model._enclosing(other, cst.FunctionDef) is func
            and self.model.tree_position(other) < self.model.tree_position(call)
            and connect_alias(self.model.connect_view(other), self.model.literal) == alias
            for other in self.model.connect_calls
        )

    def _in_function(self, node: cst.CSTNode) -> bool:
        current = self.model.parent(node)
        while current is not None:
            if isinstance(current, (cst.FunctionDef, cst.Lambda)):
                return True
            if isinstance(current, cst.ClassDef):
                return False
            current = self.model.parent(current)
        return False


# Registry queries left as ORM code answer from the ORM connection, so it is kept.
_REGISTRY_QUERIES = {
    "connections.has_connection",
    "connections.list_connections",
    "connections.get_connection_addr",
}


def _assigned_to(model: OrmModel, call: cst.Call) -> str | None:
    """The code of `target` in `target = call`."""
    assign = model.parent(call)
    if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
        return code_of(assign.targets[0].target)
    return None


def _connect_call(small: cst.BaseSmallStatement) -> cst.Call | None:
    """The call of `f(...)` or `x = f(...)`."""
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        return small.value
    if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
        return small.value
    return None


def has_connection_problem(
    model: OrmModel, ctx: MigrationContext, registry: Registry | None, call: cst.Call
) -> str:
    """Why has_connection() stays ORM ('' when `membership` rewrites it)."""
    if model.call_name(call) != HAS_CONNECTION:
        return "not has_connection()"
    if not ctx.may_rewrite(model.input_line(call), CONNECT.code):
        return "suppressed, or rule MM101 disabled"
    test = membership(model, registry, call)
    return test if isinstance(test, str) else ""


def orm_connection_kept(
    model: OrmModel, ctx: MigrationContext, rewritten: Callable[[cst.CSTNode], bool]
) -> bool:
    """Will this module keep its ORM connects next to the clients (MM101's "ORM code that
    needs this connection is left in the module")? For a rule that runs before Connections:
    `rewritten(node)` says a name node is in a call that rule already rewrote, so it is not
    left behind (the answer is then the one Connections computes on the rewritten tree)."""
    registry = registry_of(model)
    return _orm_still_needed(
        model, lambda call: has_connection_problem(model, ctx, registry, call), rewritten
    )


def _orm_still_needed(
    model: OrmModel,
    has_connection_problem,
    rewritten: Callable[[cst.CSTNode], bool] = lambda node: False,
    *,
    inside: bool = False,
) -> bool:
    """Does ORM code that routes through `connections` remain (outside imports)? A
    has_connection() that the module's clients answer (codemods/has_connection.py) does not.
    Nor is it only this module's code: see `outside_orm_users`."""
    if not inside and outside_orm_users(model):
        return True
    # A Collection left ORM that no ORM name of the module built, a parameter's (`def
    # search(col: Collection)`: its callers' Collection uses the connection made here), read
    # through a method or property.
    for binding in model.bindings:
        if not binding.convertible and any(_receiver(model, u.node) for u in binding.uses):
            return True
    for node, name in model.canonical_of.items():
        if rewritten(node):
            continue
        if name in _REGISTRY_QUERIES and not _inside_import(model, node):
            call = model.parent(node)
            if isinstance(call, cst.Call) and not has_connection_problem(call):
                continue
            return True  # `if not connections.has_connection(...)` asks the ORM's registry
        if name.startswith("connections") or name in ("utility", "db"):
            continue
        if name.split(".")[-1] in ("mkts_from_datetime",):
            continue
        if _inside_import(model, node):
            continue
        return True
    return False


def _receiver(model: OrmModel, node: cst.CSTNode) -> bool:
    parent = model.parents.get(node)
    return isinstance(parent, cst.Attribute) and parent.value is node


def outside_orm_users(model: OrmModel) -> str:
    """Code outside this module that may use the ORM connection this module makes, as a
    clause ('' when none is known): a module of the run that it imports and that uses the ORM
    (migrator/run_imports.py: `from helpers import search`, whose `Collection(name)` finds
    the connection made here), or a `from x import *` from anything but pymilvus, whose names
    the tool cannot see (a `prepare_collection()` returning an ORM Collection)."""
    imported = model.ctx.options.orm_imports
    if imported:
        listed = ", ".join(f"`{name}`" for name in imported[:3])
        return f"{listed} (imported here) uses the ORM"
    for node in _walk(model.module, cst.ImportFrom):
        if isinstance(node.names, cst.ImportStar):
            source = "." * len(node.relative) + (code_of(node.module) if node.module else "")
            if source.split(".")[0] not in ("pymilvus", "compat_shim"):
                return f"`from {source} import *` may bring in ORM objects"
    return _returned_alias(model)


def _returned_alias(model: OrmModel) -> str:
    """A function that connects and returns the alias as a string (`return "default"`):
    its callers get the connection's name, and their ORM code (`Collection(n, using=...)`,
    or the default alias itself) may use it, wherever they are."""
    for call in model.connect_calls:
        alias = connect_alias(call)
        func = model._enclosing(call, cst.FunctionDef)
        if alias is None or not isinstance(func, cst.FunctionDef):
            continue
        for returned in _walk(func.body, cst.Return):
            if string_value(returned.value) == alias:
                return (
                    f"`{func.name.value}()` returns the connection's alias {alias!r} for its "
                    "callers' ORM code"
                )
    return ""


def _inside_import(model: OrmModel, node: cst.CSTNode) -> bool:
    current = model.parent(node)
    while current is not None:
        if isinstance(current, (cst.Import, cst.ImportFrom, cst.Annotation)):
            return True
        if isinstance(current, cst.BaseStatement):
            return False
        current = model.parent(current)
    return False


class Connections:
    rules = (CONNECT, DISCONNECT, OTHER, UNBOUND_CLIENT)  # MM104 lifts one obstacle of uses

    def apply(self, module: cst.Module, ctx: MigrationContext) -> cst.Module:
        model = model_of(module, ctx)
        if not any(n.startswith("connections") for n in model.canonical_of.values()) and (
            "Connections" not in (ctx.source or "")  # `Connections().connect()` (reported)
        ):
            return module
        return model.module.visit(_Transformer(model, ctx))
