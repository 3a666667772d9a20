"""MM160-MM161: `utility.*` and `db.*` functions become methods of the client for their alias.
MM163 reports `Role` objects, the third family of connection-bound admin calls.

The `utility` positional orders are inconsistent (`using` sometimes before `timeout`), so
arguments are bound by the ORM signature and re-emitted as keywords; `using=` picks the
client and is dropped. `wait_for_loading_complete` / `wait_for_index_building_complete`
statements are removed: MilvusClient's `load_collection` and `create_index` already block.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from codemods.analysis import OrmModel, model_of
from codemods.base import Applicability, RuleInfo
from codemods.connection_registry import Registry, registry_of, registry_problem, use_problem
from codemods.connections import orm_connection_kept
from codemods.context import MigrationContext
from codemods.rewrite import (
    FStringTracker,
    Refuse,
    bind,
    client_call,
    code_of,
    fit_in_fstring,
    kwarg,
    subscript,
)

UTILITY = RuleInfo(
    code="MM160",
    title="utility.* -> client methods",
    description=(
        "`has_collection`, `list_collections`, `drop_collection`, `has_partition`, "
        "`rename_collection` (keywords renamed), `create/drop/alter_alias`, `list_aliases` "
        '(`["aliases"]` of the dict), `load_state` (`["state"]`), `list_indexes`, '
        "`get_server_version`, `truncate_collection`, `flush_all` and the user functions map "
        "to the client of their `using=` alias. The two `wait_for_*` statements are dropped "
        "(MilvusClient calls block). The progress functions are MM162; others (bulk insert, "
        "resource groups, ...) are reported."
    ),
    applicability=Applicability.SAFE,
    before='utility.has_collection("books")\n',
    after='client.has_collection(collection_name="books")\n',
)
DB = RuleInfo(
    code="MM161",
    title="db.* -> client database methods",
    description=(
        "`db.create_database`, `drop_database`, `list_database` (-> `list_databases`), "
        "`describe_database`, `set_properties` (-> `alter_database_properties`) and "
        "`using_database` (-> `use_database`, which validates the name) on the client of "
        "their `using=` alias. When ORM code that needs the connection is left in the module "
        "(MM101 keeps `connections.connect` next to the client), `db.using_database(d)` is "
        "kept next to `client.use_database(db_name=d)`: the ORM switch is what moves that "
        "code to the database; a `using_database` whose value is used stays ORM."
    ),
    applicability=Applicability.SAFE,
    before='db.create_database("archive")\n',
    after='client.create_database(db_name="archive")\n',
)
PROGRESS = RuleInfo(
    code="MM162",
    title="utility.loading_progress/index_building_progress -> get_load_state/describe_index",
    description=(
        "`index_building_progress(c, index_name)` becomes the four keys the ORM returned "
        "(`total_rows`, `indexed_rows`, `pending_index_rows`, `state`, in that order) of "
        '`describe_index`; `loading_progress(c)` becomes `{"loading_progress": "<n>%"}` built '
        "from `get_load_state`: `100%` when Loaded, `0%` when NotLoad (the ORM's answer on "
        "milvus-lite; a real server's ORM raised for a released collection), the reported "
        "progress while Loading, and an error for a missing collection. Calls with "
        "`partition_names`, and calls inside a `try` body (the exception types differ), are "
        "reported."
    ),
    applicability=Applicability.SAFE,
    before='print(utility.index_building_progress("books"))\n',
    after=(
        "print({key: value for key, value in "
        'client.describe_index(collection_name="books", index_name="").items() '
        'if key in ("total_rows", "indexed_rows", "pending_index_rows", "state")})\n'
    ),
)
ROLE = RuleInfo(
    code="MM163",
    title="Role (RBAC) objects are reported",
    description=(
        "`Role(name)` and its methods stay ORM code and are reported where the Role is made. "
        "milvus-lite implements no RBAC call, so no rewrite (`client.create_role`, "
        "`grant_role`, `grant_privilege` with its different positional order, ...) could be "
        "checked against a server; a silent skip would hide the deprecated calls."
    ),
    applicability=Applicability.REPORT_ONLY,
    before='Role("reader").create()\n',
    after='Role("reader").create()  # reported: client.create_role(role_name="reader")\n',
)


@dataclass(frozen=True)
class Spec:
    params: tuple[str, ...]
    method: str
    mapping: tuple[tuple[str, str], ...]
    key: str = ""  # subscript the result with this key
    code: str = UTILITY.code
    drop_statement: bool = False


def _s(params, method, mapping, key="", code=UTILITY.code, drop=False) -> Spec:
    return Spec(
        tuple(params.split()),
        method,
        tuple(tuple(m.split(":")) for m in mapping.split()),
        key,
        code,
        drop,
    )


SPECS: dict[str, Spec] = {
    "utility.has_collection": _s(
        "collection_name using timeout",
        "has_collection",
        "collection_name:collection_name timeout:timeout",
    ),
    "utility.list_collections": _s("timeout using", "list_collections", "timeout:timeout"),
    "utility.drop_collection": _s(
        "collection_name timeout using",
        "drop_collection",
        "collection_name:collection_name timeout:timeout",
    ),
    "utility.has_partition": _s(
        "collection_name partition_name using timeout",
        "has_partition",
        "collection_name:collection_name partition_name:partition_name timeout:timeout",
    ),
    "utility.rename_collection": _s(
        "old_collection_name new_collection_name new_db_name timeout using",
        "rename_collection",
        "old_collection_name:old_name new_collection_name:new_name new_db_name:target_db "
        "timeout:timeout",
    ),
    "utility.create_alias": _s(
        "collection_name alias timeout using",
        "create_alias",
        "collection_name:collection_name alias:alias timeout:timeout",
    ),
    "utility.drop_alias": _s("alias timeout using", "drop_alias", "alias:alias timeout:timeout"),
    "utility.alter_alias": _s(
        "collection_name alias timeout using",
        "alter_alias",
        "collection_name:collection_name alias:alias timeout:timeout",
    ),
    "utility.list_aliases": _s(
        "collection_name timeout using",
        "list_aliases",
        "collection_name:collection_name timeout:timeout",
        key="aliases",
    ),
    "utility.load_state": _s(
        "collection_name partition_names using timeout",
        "get_load_state",
        "collection_name:collection_name timeout:timeout",
        key="state",
    ),
    "utility.list_indexes": _s(
        "collection_name using timeout",
        "list_indexes",
        "collection_name:collection_name timeout:timeout",
    ),
    "utility.get_server_version": _s("using timeout", "get_server_version", "timeout:timeout"),
    "utility.truncate_collection": _s(
        "collection_name timeout using",
        "truncate_collection",
        "collection_name:collection_name timeout:timeout",
    ),
    "utility.flush_all": _s("timeout using", "flush_all", "timeout:timeout"),
    "utility.create_user": _s(
        "user password using timeout",
        "create_user",
        "user:user_name password:password timeout:timeout",
    ),
    "utility.delete_user": _s("user using timeout", "drop_user", "user:user_name timeout:timeout"),
    "utility.list_usernames": _s("using timeout", "list_users", "timeout:timeout"),
    "utility.update_password": _s(
        "user old_password new_password using timeout",
        "update_password",
        "user:user_name old_password:old_password new_password:new_password timeout:timeout",
    ),
    "utility.wait_for_loading_complete": _s(
        "collection_name partition_names timeout using", "", "", drop=True
    ),
    "utility.wait_for_index_building_complete": _s(
        "collection_name index_name timeout using", "", "", drop=True
    ),
    "db.using_database": _s("db_name using", "use_database", "db_name:db_name", code=DB.code),
    "db.create_database": _s(
        "db_name using timeout", "create_database", "db_name:db_name timeout:timeout", code=DB.code
    ),
    "db.drop_database": _s(
        "db_name using timeout", "drop_database", "db_name:db_name timeout:timeout", code=DB.code
    ),
    "db.list_database": _s("using timeout", "list_databases", "timeout:timeout", code=DB.code),
    "db.describe_database": _s(
        "db_name using timeout",
        "describe_database",
        "db_name:db_name timeout:timeout",
        code=DB.code,
    ),
    "db.set_properties": _s(
        "db_name properties using timeout",
        "alter_database_properties",
        "db_name:db_name properties:properties timeout:timeout",
        code=DB.code,
    ),
}


# MM162: the ORM signatures of the two progress functions (`using` before `timeout`).
PROGRESS_PARAMS: dict[str, tuple[str, ...]] = {
    "utility.loading_progress": ("collection_name", "partition_names", "using", "timeout"),
    "utility.index_building_progress": ("collection_name", "index_name", "using", "timeout"),
}
# The keys (and their order) of the ORM's index_building_progress() dict; describe_index
# returns them last, in this order, after the index parameters.
BUILD_KEYS = ("total_rows", "indexed_rows", "pending_index_rows", "state")
# loading_progress() answered "<progress>%" from GetLoadingProgress; get_load_state() only
# carries "progress" while Loading. A missing collection (NotExist) has no entry, so the
# lookup raises as the ORM call did.
_LOADING = (
    '{{"loading_progress": {{"Loaded": "100%", "NotLoad": "0%", '
    '"Loading": str(load.get("progress")) + "%"}}[load["state"].name] for load in [{call}]}}'
)
_BUILDING = "{{key: value for key, value in {call}.items() if key in {keys}}}"


def inside_try_body(model: OrmModel, node: cst.CSTNode) -> bool:
    """Whether `node` runs inside the body of a `try` with handlers: a rewrite that raises a
    different exception type than the ORM call would change which handler runs."""
    current = model.parent(node)
    child: cst.CSTNode = node
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module)):
        if isinstance(current, (cst.Try, cst.TryStar)) and child is current.body:
            if current.handlers:
                return True
        child, current = current, model.parent(current)
    return False


class _Transformer(FStringTracker, cst.CSTTransformer):
    def __init__(self, model: OrmModel, ctx: MigrationContext) -> None:
        super().__init__()
        self.model = model
        self.ctx = ctx
        self._drop: set[cst.Call] = set()
        self.registry: Registry | None = registry_of(model)
        # Original calls this pass rewrote or removed: not ORM code left behind.
        self._rewritten: set[cst.Call] = set()
        # `client.use_database(...)` expressions -> the ORM `db.using_database(...)` they
        # replace, which goes back next to them if the ORM connection is kept (leave_Module).
        self._switches: dict[cst.BaseExpression, tuple[cst.Call, cst.Call]] = {}

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        name = self.model.call_name(original)
        if name == "Role":
            line, col = self.model.position(original)
            self.ctx.report(
                line,
                col,
                ROLE.code,
                "`Role` (RBAC) stays ORM code: no rule rewrites it",
                "a role-name string plus client.create_role / drop_role / grant_role / "
                "revoke_role / grant_privilege(role_name=, object_type=, privilege=, "
                "object_name=) (see the mapping reference, section 16)",
            )
            return updated
        if name is None or not (name.startswith("utility.") or name.startswith("db.")):
            return updated
        code = DB.code if name.startswith("db.") else UTILITY.code
        line, col = self.model.position(original)
        if name in PROGRESS_PARAMS:
            return self._progress(original, updated, name, line, col)
        spec = SPECS.get(name)
        if spec is None:
            self.ctx.report(line, col, code, *_no_rule(name))
            return updated
        bound = bind(updated, spec.params)
        if isinstance(bound, Refuse):
            self.ctx.report(line, col, code, f"`{name}()`: {bound.reason}")
            return updated
        if bound.extra and name != "utility.list_indexes":
            self.ctx.report(line, col, code, f"`{name}()`: unexpected arguments")
            return updated
        client = self._client(original, spec.params, name, code, line, col)
        if client is None:
            return updated
        if spec.drop_statement:
            if not self.model.is_expr_statement(original):
                self.ctx.report(
                    line,
                    col,
                    code,
                    f"`{name}()`'s result is used",
                    "MilvusClient calls block; poll get_load_state/describe_index",
                )
                return updated
            if not self.ctx.may_rewrite(line, code):
                return updated
            self._drop.add(original)
            self._rewritten.add(original)
            self.ctx.record_change(
                line, code, f"removed {name}(): MilvusClient calls already block"
            )
            return updated
        if name == "utility.load_state" and "partition_names" in bound.named:
            self.ctx.report(
                line,
                col,
                code,
                "load_state(partition_names=...) takes one partition on MilvusClient",
                'client.get_load_state(collection_name=..., partition_name=p)["state"]',
            )
            return updated
        if name == "db.using_database" and not self.model.is_expr_statement(original):
            # It may have to stay next to the client's switch (leave_Module), which needs a
            # statement of its own; its value is None anyway.
            self.ctx.report(
                line, col, code, "`db.using_database()` left as ORM code: its value is used"
            )
            return updated
        if not self.ctx.may_rewrite(line, code):
            return updated
        args = [
            kwarg(new, bound.named[old].value) for old, new in spec.mapping if old in bound.named
        ]
        args.extend(bound.extra)
        expr: cst.BaseExpression = client_call(client, spec.method, args, updated)
        if spec.key:
            expr = subscript(expr, spec.key)
        if name == "db.using_database" and _already_followed_by(self.model, original, expr):
            return updated  # an earlier run kept it next to the client's switch
        self.ctx.record_change(line, code, f"{name}() -> {client}.{spec.method}()")
        self._rewritten.add(original)
        if name == "db.using_database":
            self._switches[expr] = (original, updated)
            return expr
        return fit_in_fstring(expr, self.fquotes)

    def _progress(
        self, original: cst.Call, updated: cst.Call, name: str, line: int, col: int
    ) -> cst.BaseExpression:
        """MM162: the ORM's progress dict, rebuilt from get_load_state / describe_index."""
        code = PROGRESS.code
        bound = bind(updated, PROGRESS_PARAMS[name])
        problem = ""
        if isinstance(bound, Refuse):
            problem = bound.reason
        elif bound.extra:
            problem = "unexpected arguments"
        elif "collection_name" not in bound.named:
            problem = "no collection name"
        elif "partition_names" in bound.named:
            problem = "MilvusClient's get_load_state takes one partition name, not a list"
        elif inside_try_body(self.model, original):
            problem = "inside a try body: the rewrite raises other exception types than the ORM"
        if problem:
            self.ctx.report(line, col, code, f"`{name}()` left as ORM code: {problem}")
            return updated
        assert not isinstance(bound, Refuse)
        client = self._client(original, PROGRESS_PARAMS[name], name, code, line, col)
        if client is None:
            return updated
        if not self.ctx.may_rewrite(line, code):
            return updated
        args = [kwarg("collection_name", bound.named["collection_name"].value)]
        if name == "utility.loading_progress":
            method, template = "get_load_state", _LOADING
        else:
            method, template = "describe_index", _BUILDING
            index_name = bound.value("index_name")
            args.append(kwarg("index_name", index_name or cst.SimpleString('""')))
        if "timeout" in bound.named:
            args.append(kwarg("timeout", bound.named["timeout"].value))
        call = code_of(client_call(client, method, args))
        if isinstance(self.model.parents.get(original), cst.Expr):
            # A statement that drops the result: the call alone makes the same RPC.
            expr: cst.BaseExpression = cst.parse_expression(call)
        else:
            expr = cst.parse_expression(template.format(call=call, keys=code_of_keys()))
        self._rewritten.add(original)
        if self.fquotes:
            # `f"{ {...} }"`: a dict display right after `{` would read as an escaped brace.
            expr = expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        self.ctx.record_change(line, code, f"{name}() -> the ORM's dict from {client}.{method}()")
        return fit_in_fstring(expr, self.fquotes)

    def _client(
        self, original: cst.Call, params: tuple[str, ...], name: str, code: str, line: int, col: int
    ) -> str | None:
        """The client for the call's connection alias, or None after reporting that there is
        none."""
        using = self._using(original, params)
        alias = self.model.alias_of_using(using)
        if alias is None and using is not None and self.registry is not None:
            # A variable alias: the module's connects fill a registry by alias value.
            problem = use_problem(self.model, original, using.value)
            if not problem:
                return self.registry.client(using.value)
            self.ctx.report(line, col, code, f"`{name}()` left as ORM code: {problem}")
            return None
        client = self.model.client_for(alias)
        unbound = self.model.client_unbound_problem(alias, original) if client else ""
        if unbound:
            self.ctx.report(line, col, code, f"`{name}()` left as ORM code: {unbound}")
            return None
        if client is None and alias is None:
            why = registry_problem(self.model)
            self.ctx.report(
                line,
                col,
                code,
                f"`{name}()` left as ORM code: the connection alias is not a literal and the "
                "module's connects do not fill an alias registry "
                + (f"({why})" if why else "(see MM101)"),
            )
        elif client is None:
            self.ctx.report(
                line,
                col,
                code,
                f"`{name}()` left as ORM code: "
                + (
                    self.model.alias_problem(alias)
                    or f"no MilvusClient for connection alias {alias!r} in this module"
                ),
            )
        return client

    def _using(self, original: cst.Call, params: tuple[str, ...]) -> cst.Arg | None:
        """The call's `using` argument, read from the original node: the model resolves
        names and `self.alias` through metadata, which only the original tree has."""
        bound = bind(original, params)
        return None if isinstance(bound, Refuse) else bound.named.get("using")

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        """`db.using_database(d)` switched the ORM alias, and `client.use_database(d)` only
        switches the client: ORM code left in the module on that alias (a Collection kept
        ORM, a utility call left as is) would stay in the old database. When Connections
        will keep the ORM connect for such code (the same question, asked with the calls
        this pass rewrote taken out), the ORM switch is kept right before the client's."""
        if not self._switches:
            return updated

        def rewritten(node: cst.CSTNode) -> bool:
            return self.model.parent(node) in self._rewritten

        if not orm_connection_kept(self.model, self.ctx, rewritten):
            return updated
        return updated.visit(_KeepOrmSwitch(self))

    def leave_SimpleStatementLine(self, original, updated):
        if (
            len(original.body) == 1
            and isinstance(original.body[0], cst.Expr)
            and original.body[0].value in self._drop
        ):
            parent = self.model.parent(original)
            siblings = getattr(parent, "body", ())
            if isinstance(siblings, (list, tuple)) and len(siblings) > 1:
                return cst.RemovalSentinel.REMOVE
            return updated.with_changes(body=[cst.Pass()])
        return updated


class _KeepOrmSwitch(cst.CSTTransformer):
    """Puts `db.using_database(d)` back before each `client.use_database(db_name=d)` of
    `owner._switches` (found in the visited tree's original nodes: the updated ones may be
    rebuilt copies)."""

    def __init__(self, owner: _Transformer) -> None:
        super().__init__()
        self.owner = owner

    def _body(self, original_body, updated_body) -> list:
        out = []
        for before, small in zip(original_body, updated_body, strict=True):
            value = before.value if isinstance(before, cst.Expr) else None
            pair = self.owner._switches.get(value) if value is not None else None
            if pair is None:
                out.append(small)
                continue
            call, orm_call = pair
            line, col = self.owner.model.position(call)
            self.owner.ctx.report(
                line,
                col,
                DB.code,
                "ORM code that needs this connection is left in the module: "
                "db.using_database() kept next to the client's use_database(), so both "
                "switch databases",
            )
            semicolon = cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" "))
            out.append(cst.Expr(orm_call, semicolon=semicolon))
            out.append(small)
        return out

    def _has_switch(self, original) -> bool:
        return any(
            isinstance(s, cst.Expr) and s.value in self.owner._switches for s in original.body
        )

    def leave_SimpleStatementLine(self, original, updated):
        if not self._has_switch(original):
            return updated
        body = self._body(original.body, updated.body)
        if len(body) == 2:
            # One statement per line, as written.
            first = cst.SimpleStatementLine(
                body=[body[0].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)],
                leading_lines=updated.leading_lines,
            )
            return cst.FlattenSentinel(
                [first, updated.with_changes(leading_lines=[], body=[body[1]])]
            )
        return updated.with_changes(body=body)

    def leave_SimpleStatementSuite(self, original, updated):
        if not self._has_switch(original):
            return updated
        return updated.with_changes(body=self._body(original.body, updated.body))


def _already_followed_by(model: OrmModel, call: cst.Call, switch: cst.BaseExpression) -> bool:
    """Is the statement after `call`'s the client's `switch` (a second run of the tool)?"""
    line = model.parent(model.parent(call))
    block = model.parent(line)
    body = list(getattr(block, "body", ()))
    if line not in body or body.index(line) + 1 >= len(body):
        return False
    after = body[body.index(line) + 1]
    return (
        isinstance(after, cst.SimpleStatementLine)
        and len(after.body) == 1
        and isinstance(after.body[0], cst.Expr)
        and code_of(after.body[0].value) == code_of(switch)
    )


def code_of_keys() -> str:
    return "(" + ", ".join(f'"{k}"' for k in BUILD_KEYS) + ")"


class UtilityDbCalls:
    rules = (UTILITY, DB, PROGRESS, ROLE)

    def apply(self, module: cst.Module, ctx: MigrationContext) -> cst.Module:
        model = model_of(module, ctx)
        if not any(n.startswith(("utility.", "db.", "Role")) for n in model.canonical_of.values()):
            return module
        return model.module.visit(_Transformer(model, ctx))


__all__ = ["SPECS", "UtilityDbCalls", "code_of"]


def _no_rule(name: str) -> tuple[str, str]:
    """The item (message, suggestion) for utility/db function `name` that no rule rewrites.
    One pymilvus does not have (v039's `utility.exists_collection`, v019's
    `utility.load_collection`) fails on the ORM too: say so, and name the client method."""
    from codemods.orm_symbols import lookup  # lazy: the table is only read here

    owner, _, member = name.partition(".")
    if member[:1].isalpha() and lookup(owner, member) is None:
        return (
            f"`{name}()` is not an attribute of pymilvus's {owner} module: the ORM code "
            "raises AttributeError here",
            f"call what was meant (for example `client.{member}(...)`), knowing the ORM code "
            "never did",
        )
    return f"`{name}()` has no direct MilvusClient equivalent", _closest_form(name)


def _closest_form(name: str) -> str:
    """The suggestion for a utility/db function no rule rewrites: the closest MilvusClient
    form the symbol table names (codemods/orm_symbols.py), with its difference."""
    from codemods.orm_symbols import lookup  # lazy: the table is only read here

    owner, _, member = name.partition(".")
    symbol = lookup(owner, member)
    if symbol is None or not symbol.equivalent:
        return "see the mapping reference (sections 14-15)"
    difference = f" ({symbol.note})" if symbol.note else ""
    return f"closest MilvusClient form: `{symbol.equivalent}`{difference}; rewrite it by hand"
