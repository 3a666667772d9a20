"""MM110-MM112: the Collection handle itself.

MM111/MM112 rewrite lifecycle methods (load, release, drop, flush, ...) and properties
(name, num_entities, ...). MM110 then rewrites the constructor: `x = Collection(name)`
becomes `x = name` (the variable now holds the name), and `x = Collection(name, schema)`
also creates the collection behind a `has_collection` guard, which keeps the ORM's
open-or-create behaviour on an existing collection (trap 2). No `index_params` are passed
to `create_collection`: that would build an index and load the collection (trap 3).

MM110 runs after every other Collection-method rule (see registry order) and only rewrites a
binding whose uses are all migrated; otherwise it reports why the collection stays ORM code.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import Assignment, BuiltinAssignment, GlobalScope

from codemods.analysis import (
    CREATE_KWARGS,
    CollectionBinding,
    MethodRule,
    OrmModel,
    PropertyRule,
    constructor_parts,
    is_create,
    is_none,
    model_of,
    self_attribute_members,
)
from codemods.base import UNSAFE_SUGGESTION, Applicability, RuleInfo
from codemods.collection_calls import CollectionCallCodemod, flatten_statements
from codemods.context import MigrationContext
from codemods.create_check import CHECK_NAMES, COMPARES, LEVEL_NAMES, schema_check_branch
from codemods.existence_guards import create_guard_proves, reads_one_value
from codemods.held_collections import (
    EXPORTED_ATTRIBUTE,
    MAY_BE_NONE,
    annotation_for_name,
    unsafe_only,
)
from codemods.imports import add_imports
from codemods.open_check import EXCEPTION_NAMES, check_statement, imports_to_add, repeatable
from codemods.orm_symbols import lookup
from codemods.rewrite import (
    Env,
    Refuse,
    Rewrite,
    bind,
    client_call,
    code_of,
    copy_args,
    kwarg,
    subscript,
)

CONSTRUCTOR = RuleInfo(
    code="MM110",
    title="Collection(name[, schema]) -> the name, plus a guarded create_collection",
    description=(
        "`x = Collection(name)` becomes `x = name` (and a function's open-only `return "
        "Collection(name)` becomes `return name`, by the rules for a returned `x`: every "
        "call assigns a tracked variable or calls a method on the result, or drops it); "
        "with a schema, the collection is created "
        "with `create_collection(collection_name=x, schema=...)` when `has_collection` says it "
        "is missing (the ORM silently opened an existing one; MilvusClient and milvus-lite "
        "would raise). The schema comparison the ORM ran on an existing collection is "
        "repeated where it can be (below), with its consistency-level comparison for a "
        "literal `consistency_level=`. "
        "A collection used in ways that cannot be "
        "rewritten (passed to unknown code, unsupported methods) stays an ORM object and is "
        "reported, as is one returned from, or taken as a parameter by, a function or method "
        "whose callers are not all in the module (nothing here calls it, or it is decorated, "
        "listed in `__all__`, used as a value or called implicitly like `__init__`; also a "
        "`@property` read nowhere here: importers may keep or pass the Collection object; "
        'and, in a module with no module-level `if __name__ == "__main__":` block whose '
        "module-level code calls none of its own functions or classes, read as a library, a "
        "public function or a public method of a public class, names not starting with `_`, "
        "even when the module calls it too. Stated assumption: a module with that block, or "
        "that runs its own functions at import (`main()`, `asyncio.run(main())`), is a "
        "script nobody imports, so its own calls are all the callers; a module-level "
        "`x = OwnClass()` that module-level code does not use further is a singleton for "
        "importers and does not count; a module that another file of the run imports is a "
        "library whatever it looks like), "
        "a create or an open with other arguments than the name and `using=` constructed "
        "inside try/except or returned by a function called "
        "inside one (trap 2: the handler may be there for the ORM's error on a missing "
        "collection), and such an open in a function reached from a call "
        "inside a try with an except handler through same-module calls (`f(...)`, "
        "`Klass(...)` through its `__init__`, methods on `self`, on `super()`, and on "
        "variables, parameters or attributes proven to hold an instance of a module class, "
        "inherited methods; an unresolved `x.m(...)` counts when a method `m` of the module "
        "reaches the open, as does any callable reaching it that is used as a value), "
        "unless that function's only Collection() calls are `Collection(n)` "
        "and, before it in its body, `if not utility.has_collection(n): ... "
        "Collection(n, schema)` (the open then finds the collection, and the create's schema "
        "check cannot fire). Inside try/except, an open `Collection(n)` directly in the body "
        "of `if self.h(n):` and a create `Collection(n, schema)` directly in the body of "
        "`if not self.h(n):` are rewritten too, `n` a parameter never reassigned, when `h` is "
        "a method of the class, not overridden in the module, whose body is only "
        "`return utility.has_collection(p)` (possibly in a try whose handlers raise or call "
        "`sys.exit()`) and nothing but FieldSchema/CollectionSchema/Function is called "
        "before the create in the guard's body (nothing at all before the open). "
        "An open-only `Collection(n)` inside try/except, or reached from a call inside one, is "
        "rewritten too when it runs only after `utility.has_collection(n)` (same alias) found "
        "the collection: directly after an exit guard `if not utility.has_collection(n):` "
        "with no `else` whose body raises, returns or calls `sys.exit()` on every path (no "
        "loop, `with` or `finally` in it), or at the start of the body of "
        "`if utility.has_collection(n):`, "
        "or in the `else` of `if not utility.has_collection(n):`, "
        "with only simple statements without a call or an import in between, and `n` the same "
        "string literal or a variable bound once (a parameter or a plain assignment) not "
        "between the check and the open. A create that runs only when the collection is "
        "missing (after an exit guard "
        "`if utility.has_collection(n): return`, in the body of `if not "
        "utility.has_collection(n):`, or right after `utility.drop_collection(n)`, the "
        "recreate idiom; only schema-building statements and `print` between) cannot fail "
        "that check, migrates inside try/except too, and becomes a plain `create_collection` "
        "(no second existence check). Like the ORM code itself, these proofs "
        "accept the race of another process dropping the collection between the check and "
        "the open. "
        "Any other open-only `x = Collection(n)` (`using=` aside, a plain one-target "
        "assignment, or a function's `return Collection(n)`) inside try/except, reached from "
        "a call inside one or returned by a "
        "factory called inside one re-creates the ORM's own check before `x = n`: `if not "
        "client.has_collection(collection_name=n): raise SchemaNotReadyException(message="
        "ExceptionsMessage.CollectionNotExistNoSchema % n)`, both names imported from "
        "`pymilvus.exceptions` (not ORM), so the handler sees the same exception type and "
        "text; `n` must be a name, a string literal or an attribute chain (it is read again), "
        "a module that uses either name for anything else imports it under a fresh name "
        "(`SchemaNotReadyException_2`), and one that imports pymilvus only inside a function "
        "or a guarded block keeps the collection ORM. "
        "A bare open-only `Collection(n)` statement (an existence check and nothing more) "
        "under the same conditions becomes that check alone. "
        "Any other create `x = Collection(n, schema)` (or a bare `Collection(n, schema)` "
        "statement) re-creates the ORM's "
        "schema comparison as the `elif` of the guarded create: `elif "
        "CollectionSchema.construct_from_dict(client.describe_collection(collection_name=n)) "
        "!= schema: raise SchemaNotReadyException(message=ExceptionsMessage."
        "SchemaInconsistent)`, so a handler sees what it saw on the ORM for an existing "
        "collection whose schema differs, and a program without one stops there as it did, "
        "before it writes into that collection. A literal `consistency_level=` (the ORM "
        "compared it first) adds `elif not cmp_consistency_level(client.describe_collection("
        'collection_name=n)["consistency_level"], <level>): raise SchemaNotReadyException('
        "message=ExceptionsMessage.ConsistencyLevelInconsistent)` before it "
        "(`cmp_consistency_level` is pymilvus.client.types', not ORM). Only "
        "with `n` a string literal, a variable, a module's constant or a plain "
        "instance attribute (not a property: it is read again), and the schema a name "
        "bound once to `CollectionSchema([...])` whose field list is a literal with a "
        "`DataType.*_VECTOR` field (the ORM's client-side check for a vector field cannot "
        "fire where MilvusClient leaves it to the server); otherwise a create inside "
        "try/except stays ORM, and any other migrates without the comparison, with an item "
        "saying so (where the collection exists with another schema or consistency level, the "
        "ORM raised there and the migrated code goes on). A check stored "
        "just before its test counts as the test (`has = utility.has_collection(n)` then "
        "`if not has:`, only schema-building statements between). "
        "An attribute a class fills with such a collection "
        "(`self.x = coll`, "
        "`self.x = self.make()`) holds the name too, also after a `self.x = None` placeholder "
        "in `__init__` when each use is a presence test (`self.x is None`, `not self.x`) or "
        "runs only where the attribute is set (after `if self.x is None: return/raise`, a "
        "store of a Collection() or a call statement `self.set_x(...)` earlier in its block, "
        "where `set_x` is a method of the class, not overridden in the module, that stores a "
        "Collection() into the attribute on every path that returns normally, its other paths "
        "raising or calling `sys.exit()`, and has no loop, `with`, `del` or nested function; "
        "an `if` or `try` storing on every path through it, or `if self.x is None:` storing; "
        "or in a method that cannot run before `__init__` sets the attribute after the "
        "placeholder: a top-level statement of `__init__` sets it, no `return` comes first, "
        "the class has no base, decorator, metaclass, `__new__`, `__setattr__`, `__getattr__` or "
        "subclass in the module, `self` is only ever used as `self.<name>` by `__init__` and "
        "the methods it may run before then, and the method is not one of those; "
        "or in the branch of `if self.x:`, "
        "`... if self.x else ...`, `self.x and ...`); so does a `@property` that returns "
        "it, read only inside the class. `-> Collection` and "
        "`Optional[Collection]` annotations on them become `str`. A use not proven to run "
        "with the attribute set is reported (`may still be None here`) and keeps the "
        "collection ORM by default; with `--unsafe-fixes` it is migrated anyway (MM113, "
        "unsafe: only where the attribute is still None does the behaviour differ, a "
        "MilvusClient ParamError instead of the ORM's AttributeError). "
        "Collections reached in ways the analysis does not follow stay ORM, and each of "
        "their uses is reported (codemods.untracked_holders): a variable or `self.x` "
        "assigned what one of the module's functions returns when that function returns a "
        "Collection() on some path but is no factory followed here (it may return None, say), "
        "`self.x = p` for a parameter `p` named or typed as a collection, a parameter whose "
        "name says collection less plainly (`milvus_collec_conn`) with an ORM-only method "
        "called on it, and a variable holding a Collection() that is not tracked (unpacked "
        "arguments)."
    ),
    applicability=Applicability.SAFE,
    before='books = Collection("books", schema)\n',
    after=(
        'books = "books"\n'
        "if not client.has_collection(collection_name=books):\n"
        "    client.create_collection(collection_name=books, schema=schema)\n"
    ),
)
LIFECYCLE = RuleInfo(
    code="MM111",
    title="load/release/drop/flush/describe/truncate/set_properties -> client methods",
    description=(
        "`load()` -> `load_collection`, `load(partition_names=x)` -> `load_partitions` (by "
        "keyword: the second positional slot of load_collection is `timeout`) when x is a "
        "list/tuple display or comprehension (`[]` too: the ORM sends it to load_partitions) "
        "or a local name only ever assigned one; `load_collection` when x is `None`, as the "
        "ORM does; for another plain name, `load_partitions(...) if x is not None else "
        "load_collection(...)`, the ORM's own branch; any other expression may be None, where "
        "the ORM loads the whole collection and load_partitions fails, so the collection "
        "stays ORM and is reported. `release()` -> "
        "`release_collection`, `drop()` -> `drop_collection`, `flush()` -> `flush`, "
        "`describe()` -> `describe_collection`, `truncate()` -> `truncate_collection`, "
        "`set_properties(p)` -> `alter_collection_properties`. On an inline handle "
        "(`Collection(name).drop()`, any method or property) `name` is the collection name; "
        "inside try/except it stays ORM code and is reported, the handler may be there for "
        "the ORM's error on a missing collection (trap 2)."
    ),
    applicability=Applicability.SAFE,
    before="col.load()\n",
    after="client.load_collection(collection_name=col)\n",
)
PROPERTIES_RULE = RuleInfo(
    code="MM112",
    title="Collection properties -> client calls",
    description=(
        '`name` -> the name, `num_entities` -> `get_collection_stats(...)["row_count"]` (the '
        "same RPC), `is_empty`, `num_shards`, `description`, `aliases` -> "
        '`list_aliases(...)["aliases"]`, `schema` -> `CollectionSchema.construct_from_dict('
        "client.describe_collection(...))`. `partitions` read only for names "
        "(`[p.name for p in ...]`, `for p in ...: p.name`, `len(...)`) -> "
        "`list_partitions(...)`; otherwise `partitions`, `indexes` and `primary_field` "
        "return ORM objects and are reported."
    ),
    applicability=Applicability.SAFE,
    before="print(col.num_entities)\n",
    after='print(client.get_collection_stats(collection_name=col)["row_count"])\n',
)


def _simple(method: str):
    def convert(call: cst.Call, env: Env) -> Rewrite | Refuse:
        bound = bind(call, ["timeout"])
        if isinstance(bound, Refuse):
            return bound
        args = [
            kwarg("collection_name", env.name),
            *copy_args(bound, [("timeout", "timeout")]),
            *bound.extra,
        ]
        return Rewrite(
            expr=client_call(env.client, method, args, call), summary=f"-> {env.client}.{method}()"
        )

    return convert


def _convert_load(call: cst.Call, env: Env) -> Rewrite | Refuse:
    bound = bind(call, ["partition_names", "replica_number", "timeout"])
    if isinstance(bound, Refuse):
        return bound
    for arg in bound.extra:
        if arg.keyword is not None and arg.keyword.value in ("refresh", "_refresh"):
            return Refuse(
                "load(refresh=True) maps to refresh_load(), which never ends on lite",
                "client.refresh_load(collection_name=..., timeout=...)",
            )
    mapping = [("replica_number", "replica_number"), ("timeout", "timeout")]
    whole = client_call(
        env.client,
        "load_collection",
        [kwarg("collection_name", env.name), *copy_args(bound, mapping), *bound.extra],
        call,
    )
    names = bound.value("partition_names")
    # The ORM branches on the value (orm/collection.py Collection.load: `if partition_names
    # is not None: conn.load_partitions(...) else: conn.load_collection(...)`), so None, even
    # through a variable, loads the whole collection; `[]` goes to load_partitions as well.
    if names is None or is_none(names):
        return Rewrite(expr=whole, summary="load() -> load_collection()")
    parts = client_call(
        env.client,
        "load_partitions",
        [
            kwarg("collection_name", env.name),
            *copy_args(bound, [("partition_names", "partition_names"), *mapping]),
            *bound.extra,
        ],
        call,
    )
    # scope lookups need the call as analysed; `call` may be a rewritten copy
    probe = _partition_names_arg(env.original) if env.original is not None else names
    if _never_none(probe, env.model):
        return Rewrite(expr=parts, summary="load(partition_names) -> load_partitions()")
    if isinstance(names, cst.Name) and isinstance(probe, cst.Name):
        # Reading a plain name twice has no side effect, so both ORM branches are kept.
        test = cst.Comparison(
            left=names.deep_clone(),
            comparisons=[cst.ComparisonTarget(cst.IsNot(), cst.Name("None"))],
        )
        return Rewrite(
            expr=cst.IfExp(
                test=test,
                body=parts,
                orelse=whole,
                lpar=[cst.LeftParen()] if not env.statement else [],
                rpar=[cst.RightParen()] if not env.statement else [],
            ),
            summary=(
                f"load(partition_names={names.value}) -> load_partitions() if "
                f"{names.value} is not None else load_collection()"
            ),
        )
    return Refuse(
        f"`partition_names={code_of(names)}` may be None, where the ORM loads the whole "
        "collection and load_partitions() fails ('no partition specified')",
        f"branch on it: {env.client}.load_partitions(collection_name=..., partition_names=...) "
        f"if it is not None, else {env.client}.load_collection(collection_name=...)",
    )


def _partition_names_arg(call: cst.Call) -> cst.BaseExpression | None:
    bound = bind(call, ["partition_names", "replica_number", "timeout"])
    return None if isinstance(bound, Refuse) else bound.value("partition_names")


def _never_none(expr: cst.BaseExpression | None, model: object) -> bool:
    """`expr` is a list/tuple display or comprehension, or a local name every assignment of
    which in its scope is one (a parameter, global or other binding is not proven)."""
    if isinstance(expr, (cst.List, cst.Tuple, cst.ListComp)):
        return True
    if not isinstance(expr, cst.Name) or not isinstance(model, OrmModel):
        return False
    scope = model.scopes.get(expr)
    if scope is None or isinstance(scope, GlobalScope) or expr.value not in scope:
        return False
    assignments = list(scope[expr.value])
    if not assignments:
        return False
    for assignment in assignments:
        if not isinstance(assignment, Assignment) or assignment.scope is not scope:
            return False
        value = model._assigned_value(assignment.node)
        if not isinstance(value, (cst.List, cst.Tuple, cst.ListComp)):
            return False
    return True


def _convert_set_properties(call: cst.Call, env: Env) -> Rewrite | Refuse:
    bound = bind(call, ["properties", "timeout"])
    if isinstance(bound, Refuse):
        return bound
    args = [
        kwarg("collection_name", env.name),
        *copy_args(bound, [("properties", "properties"), ("timeout", "timeout")]),
        *bound.extra,
    ]
    return Rewrite(
        expr=client_call(env.client, "alter_collection_properties", args, call),
        summary="set_properties() -> alter_collection_properties()",
    )


METHODS = {
    "load": MethodRule(LIFECYCLE.code, _convert_load),
    "release": MethodRule(LIFECYCLE.code, _simple("release_collection")),
    "drop": MethodRule(LIFECYCLE.code, _simple("drop_collection")),
    "flush": MethodRule(LIFECYCLE.code, _simple("flush")),
    "describe": MethodRule(LIFECYCLE.code, _simple("describe_collection")),
    "truncate": MethodRule(LIFECYCLE.code, _simple("truncate_collection")),
    "set_properties": MethodRule(LIFECYCLE.code, _convert_set_properties),
}


def _stat(method: str, key: str, compare_zero: bool = False):
    def convert(attr: cst.Attribute, env: Env) -> Rewrite | Refuse:
        call = client_call(env.client, method, [kwarg("collection_name", env.name)])
        expr: cst.BaseExpression = subscript(call, key)
        if compare_zero:
            expr = cst.parse_expression(f"({code_of(expr)} == 0)")
        return Rewrite(expr=expr, summary=f".{attr.attr.value} -> {env.client}.{method}()[{key!r}]")

    return convert


def _name(attr: cst.Attribute, env: Env) -> Rewrite | Refuse:
    return Rewrite(expr=env.name, summary=".name -> the collection name")


def _schema(attr: cst.Attribute, env: Env) -> Rewrite | Refuse:
    call = client_call(env.client, "describe_collection", [kwarg("collection_name", env.name)])
    expr: cst.BaseExpression = cst.Call(
        func=cst.parse_expression("CollectionSchema.construct_from_dict"), args=[cst.Arg(call)]
    )
    if attr.attr.value == "primary_field":
        expr = cst.Attribute(value=expr, attr=cst.Name("primary_field"))
    return Rewrite(
        expr=expr, summary=".schema -> CollectionSchema.construct_from_dict(describe_collection())"
    )


def _partitions(attr: cst.Attribute, env: Env) -> Rewrite | Refuse:
    """`col.partitions` read only for names: `[p.name for p in col.partitions]`, `for p in
    col.partitions:` (p used only as `p.name`) and `len(col.partitions)` become
    `client.list_partitions(...)`, whose names p now iterates."""
    model = env.model
    refuse = Refuse(
        "`partitions` returns Partition objects",
        "client.list_partitions(collection_name=...) returns the names",
    )
    if model is None or model.binding_for(attr.value) is None:
        # Only a tracked binding's `p.name` uses can be settled before they are visited.
        return refuse
    call = client_call(env.client, "list_partitions", [kwarg("collection_name", env.name)])
    loop = model.parent(attr)
    if isinstance(loop, cst.Arg) and _is_builtin_len(model, model.parent(loop), loop):
        return Rewrite(expr=call, summary="len(.partitions) -> len(list_partitions())")
    if not isinstance(loop, (cst.CompFor, cst.For)) or loop.iter is not attr:
        return refuse
    target = loop.target
    if not isinstance(target, cst.Name):
        return refuse
    scope = model.scopes.get(target)
    if scope is None:
        return refuse
    assignments = list(scope.assignments[target.value])
    if isinstance(loop, cst.For) and len(assignments) != 1:
        # A for loop's target lives in the enclosing scope: another assignment of it would
        # share its references, so they could not all be proven to be this loop's.
        return refuse
    strip = []
    for assignment in assignments:
        if getattr(assignment, "node", None) is not target:
            continue
        for access in assignment.references:
            parent = model.parent(access.node)
            if not (
                isinstance(parent, cst.Attribute)
                and parent.value is access.node
                and parent.attr.value == "name"
            ):
                return refuse
            strip.append(parent)
    # Pending until the collection is known to be converted (OrmModel.strip_name):
    # a blocked collection keeps Partition objects, whose `.name` must stay.
    model.pending_strip[attr] = strip
    return Rewrite(expr=call, summary=".partitions iterated for names -> list_partitions()")


def _is_builtin_len(model, call: cst.CSTNode | None, arg: cst.Arg) -> bool:
    """`len(x)`, with the builtin len (not shadowed where it is called)."""
    if not (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Name)
        and call.func.value == "len"
        and list(call.args) == [arg]
        and arg.keyword is None
        and not arg.star
    ):
        return False
    scope = model.scopes.get(call.func)
    assigned = scope["len"] if scope is not None else set()
    return bool(assigned) and all(isinstance(a, BuiltinAssignment) for a in assigned)


PROPERTIES = {
    "partitions": PropertyRule(PROPERTIES_RULE.code, _partitions),
    "name": PropertyRule(PROPERTIES_RULE.code, _name),
    "num_entities": PropertyRule(PROPERTIES_RULE.code, _stat("get_collection_stats", "row_count")),
    "is_empty": PropertyRule(
        PROPERTIES_RULE.code, _stat("get_collection_stats", "row_count", True)
    ),
    "num_shards": PropertyRule(PROPERTIES_RULE.code, _stat("describe_collection", "num_shards")),
    "description": PropertyRule(PROPERTIES_RULE.code, _stat("describe_collection", "description")),
    "aliases": PropertyRule(PROPERTIES_RULE.code, _stat("list_aliases", "aliases")),
    "schema": PropertyRule(PROPERTIES_RULE.code, _schema),
    "primary_field": PropertyRule(PROPERTIES_RULE.code, _schema),
}


class LifecycleCalls(CollectionCallCodemod):
    rules = (LIFECYCLE, PROPERTIES_RULE)
    methods = METHODS
    properties = PROPERTIES


# ---- the constructor -------------------------------------------------------------------


class _ConstructorTransformer(cst.CSTTransformer):
    def __init__(self, model: OrmModel, ctx: MigrationContext) -> None:
        super().__init__()
        self.model = model
        self.ctx = ctx
        self.ctor_binding: dict[cst.Call, CollectionBinding] = {}
        for binding in model.bindings:
            for ctor in binding.constructors:
                self.ctor_binding[ctor] = binding
        self.reported: set[int] = set()
        # Some open got the ORM's existence check (its exception names need importing).
        self.checked = False
        self.schema_checked = False  # some create carries the ORM's schema comparison
        self.level_checked = False  # ... and its consistency-level one
        self._untracked_attrs: set[tuple[int, str]] = set()  # _report_untracked_uses

    def visit_Call(self, node: cst.Call) -> None:
        if self.model.call_name(node) == "Collection":
            self._report_nested(node)
        if self.model.call_name(node) == "Collection.construct_from_dataframe":
            # its schema inference lives in pymilvus.orm, which goes away with the ORM
            line, col = self.model.position(node)
            self.ctx.report(
                line,
                col,
                CONSTRUCTOR.code,
                "`Collection.construct_from_dataframe()` has no MilvusClient equivalent",
                "build the schema (create_schema + add_field), client.create_collection(...), "
                'then client.insert(collection_name=..., data=df.to_dict("records"))',
            )
            return
        name = self.model.call_name(node) or ""
        attr = name.partition("Collection.")[2]
        if name.startswith("Collection.") and attr[:1].isalpha() and not lookup("Collection", attr):
            # `Collection.list_collections()` (t037 of the third public sample): no such member
            # (orm_symbols lists every public one), so the ORM code raises AttributeError too.
            line, col = self.model.position(node)
            self.ctx.report(
                line,
                col,
                CONSTRUCTOR.code,
                f"`Collection.{attr}()` is not an attribute of pymilvus's Collection: the ORM "
                "code raises AttributeError here",
                f"call the module-level function or its MilvusClient method (`client.{attr}()`)",
            )

    def _report_nested(self, call: cst.Call) -> None:
        """A Collection() that is not the whole value of a statement line of its own (which
        leave_SimpleStatementLine handles) nor the receiver of a method or property (the
        collection-call rules report those): an argument, a list item, a comprehension, one
        of several statements on a line. Nothing rewrites it, so it is reported here."""
        parent = self.model.parent(call)
        if isinstance(parent, cst.Attribute) and parent.value is call:
            return
        if getattr(parent, "value", None) is call and isinstance(
            parent, (cst.Assign, cst.AnnAssign, cst.Expr, cst.Return)
        ):
            line = self.model.parent(parent)
            if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
                return
        node = parent
        while node is not None and not isinstance(node, cst.BaseSmallStatement):
            if isinstance(node, cst.Call) and self.model.call_name(node) is not None:
                return  # an argument of another ORM call: that call's rule speaks for it
            node = self.model.parent(node)
        line, col = self.model.position(call)
        self.ctx.report(
            line,
            col,
            CONSTRUCTOR.code,
            f"{code_of(call.func)}() whose result is not tracked: it is used inside a larger "
            "expression (an argument, a list or comprehension item, one of several statements "
            "on a line)",
            "bind it to a variable of its own, or rewrite by hand",
        )

    def _report_untracked_uses(self, stmt: cst.BaseSmallStatement, line: int, why: str) -> None:
        """Each `self.x.<member>` of the class, where `self.x = Collection(...)` is not
        tracked: those uses stay ORM too, and each gets its item (once per attribute)."""
        target = stmt.targets[0].target if isinstance(stmt, cst.Assign) else None
        if not (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == "self"
        ):
            return
        cls = _class_of(self.model, target)
        key = (id(cls), target.attr.value)
        if cls is None or key in self._untracked_attrs:
            return
        self._untracked_attrs.add(key)
        for node in self_attribute_members(cls, target.attr.value):
            use_line, use_col = self.model.position(node)
            self.ctx.report(
                use_line,
                use_col,
                CONSTRUCTOR.code,
                f"`{code_of(node)}` left as ORM code: `{code_of(target)}` holds a "
                f"Collection() that is not tracked (line {line}: {why})",
                "migrate the attribute's uses by hand",
            )

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if len(original.body) != 1:
            return updated
        stmt = original.body[0]
        value = getattr(stmt, "value", None)
        if not isinstance(value, cst.Call) or self.model.call_name(value) != "Collection":
            return updated
        binding = self.ctor_binding.get(value)
        line, col = self.model.position(value)
        if binding is None:
            if isinstance(stmt, cst.Expr) and is_create(value):
                return self._bare_create(original, value, line, col)
            if isinstance(stmt, cst.Expr):
                checked = self._bare_open(original, value, line)
                if checked is not None:
                    return checked
            reason = _untracked_reason(self.model, stmt)
            self.ctx.report(
                line,
                col,
                CONSTRUCTOR.code,
                f"Collection() whose result is not tracked: {reason}",
                "bind it to a variable, or rewrite by hand",
            )
            self._report_untracked_uses(stmt, line, reason)
            return updated
        if not binding.convertible:
            self._report_binding(binding, line, col)
            self._report_constructor(binding, line, col)
            return updated
        if not self.ctx.may_rewrite(line, CONSTRUCTOR.code):
            return updated
        target = (
            stmt.targets[0].target
            if isinstance(stmt, cst.Assign)
            else getattr(stmt, "target", None)
        )
        # A factory's `return Collection(name)` (OrmModel._returned_open, open-only) returns
        # the name, as `x = Collection(name)` ... `return x` does.
        if target is None and not (isinstance(stmt, cst.Return) and not is_create(value)):
            return updated
        parts = constructor_parts(value) or {}
        name_expr = parts["name"].value
        client = self.model.client_for(binding.alias) or self.ctx.options.client_name
        assign = updated.with_changes(body=[updated.body[0].with_changes(value=name_expr)])
        if not is_create(value):
            if value in self.model.checked_opens:
                # A handler may catch the ORM's error on a missing collection: raise it here
                # as the ORM did (codemods.open_check).
                self.checked = True
                self.ctx.record_change(
                    line,
                    CONSTRUCTOR.code,
                    f"Collection({code_of(name_expr)}) -> the collection name, after the "
                    f"ORM's existence check ({self.model.checked_opens[value]})",
                )
                # The statement's leading comments go above the check (flatten_statements).
                assign = assign.with_changes(leading_lines=[])
                check = check_statement(client, name_expr, self.model)
                return flatten_statements(updated, [check, assign])
            self.ctx.record_change(
                line, CONSTRUCTOR.code, f"Collection({code_of(name_expr)}) -> the collection name"
            )
            return assign
        missing = create_guard_proves(self.model, value)
        compare = self._compares_schema(value, missing)
        self._report_unchecked(value, missing)
        # The ORM stored the Collection only once it was created (or found): an attribute
        # stays as it was when the create raises, and a caller that catches the error may
        # still read it. So such a target is assigned after the create.
        last = self._assigned_last(target, name_expr)
        guard = _guarded_create(
            client, name_expr.deep_clone() if last else target, parts, value, missing, compare
        )
        self.ctx.record_change(
            line,
            CONSTRUCTOR.code,
            f"Collection({code_of(name_expr)}, schema) -> "
            f"{'' if missing else 'guarded '}{client}.create_collection()"
            + (
                f", after the ORM's schema comparison ({self.model.checked_opens[value]})"
                if compare
                else ""
            ),
        )
        if last:
            # Leading comments go above the create, the trailing one stays on `x = name`.
            return flatten_statements(updated, [guard, assign.with_changes(leading_lines=[])])
        # The trailing comment stays on `col = name` (the guard is a block, it has no line end;
        # a plain create gets none of its own).
        flat = flatten_statements(updated, [assign, guard])
        if missing:
            nodes = list(flat.nodes)
            nodes[-1] = nodes[-1].with_changes(trailing_whitespace=cst.TrailingWhitespace())
            return cst.FlattenSentinel(nodes)
        return flat

    def leave_Param(self, original: cst.Param, updated: cst.Param) -> cst.Param:
        """A migrated `col: Collection` parameter now receives the collection name."""
        if (
            original.annotation is None
            or self.model.canonical(original.annotation.annotation) != "Collection"
        ):
            return updated
        binding = self.model.param_binding(original)
        if binding is None or not binding.convertible:
            return updated
        line, _ = self.model.position(original)
        if not self.ctx.may_rewrite(line, CONSTRUCTOR.code):
            return updated
        self.ctx.record_change(line, CONSTRUCTOR.code, f"{original.name.value}: Collection -> str")
        return updated.with_changes(
            annotation=updated.annotation.with_changes(
                annotation=annotation_for_name(self.model, original.annotation.annotation)
            )
        )

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        """A migrated collection factory annotated `-> Collection` now returns the name."""
        if original.returns is None or not self.model.returns_migrated_collection(original):
            return updated
        line, _ = self.model.position(original)
        if not self.ctx.may_rewrite(line, CONSTRUCTOR.code):
            return updated
        # Factories are annotated `-> Collection` or not at all (`_factory`), so this is `str`;
        # the swap is the one leave_AnnAssign uses, on the nodes the model knows.
        new = annotation_for_name(self.model, original.returns.annotation)
        self.ctx.record_change(line, CONSTRUCTOR.code, f"{original.name.value}() -> {code_of(new)}")
        return updated.with_changes(
            returns=updated.returns.with_changes(annotation=new)  # type: ignore[union-attr]
        )

    def leave_AnnAssign(self, original: cst.AnnAssign, updated: cst.AnnAssign) -> cst.AnnAssign:
        """A migrated `self.x: Optional[Collection] = ...` now holds the name (an attribute
        target's annotation is evaluated at run time, so it must not name a dropped import)."""
        binding = self.model.attr_annotations.get(original)
        if binding is None or not binding.convertible or not self.model.client_for(binding.alias):
            return updated
        old = original.annotation.annotation
        new = annotation_for_name(self.model, old)
        line, _ = self.model.position(original)
        if new.deep_equals(old) or not self.ctx.may_rewrite(line, CONSTRUCTOR.code):
            return updated
        self.ctx.record_change(line, CONSTRUCTOR.code, f"{code_of(old)} -> {code_of(new)}")
        return updated.with_changes(annotation=updated.annotation.with_changes(annotation=new))

    def _bare_create(self, original, value: cst.Call, line: int, col: int):
        parts = constructor_parts(value)
        alias = self.model.alias_of_using((parts or {}).get("using"))
        client = self.model.client_for(alias)
        problem = self.model._ctor_problem(value)
        if parts is None or client is None or problem:
            self.ctx.report(
                line,
                col,
                CONSTRUCTOR.code,
                f"Collection() left as ORM code: {problem or 'no MilvusClient for its connection'}",
            )
            return original
        if not self.ctx.may_rewrite(line, CONSTRUCTOR.code):
            return original
        self.ctx.record_change(
            line,
            CONSTRUCTOR.code,
            f"Collection(name, schema) -> guarded {client}.create_collection()",
        )
        missing = create_guard_proves(self.model, value)
        compare = self._compares_schema(value, missing)
        self._report_unchecked(value, missing)
        guard = _guarded_create(client, parts["name"].value, parts, value, missing, compare)
        if isinstance(guard, cst.If):
            # A block has no line end of its own: the statement's comment goes on the `if`.
            guard = guard.with_changes(
                body=guard.body.with_changes(header=original.trailing_whitespace)
            )
        else:
            guard = guard.with_changes(trailing_whitespace=original.trailing_whitespace)
        return flatten_statements(original, [guard])

    def _assigned_last(self, target: cst.BaseExpression, name: cst.BaseExpression) -> bool:
        """A create's target that outlives the statement's function (an attribute: the
        object may survive a caught error), with a collection name the create may read again
        instead of the target. (A variable is read only by code that the error skips, but
        for a handler or a loop around it: not followed here.)"""
        return (
            isinstance(target, cst.Attribute)
            and repeatable(name)
            and reads_one_value(self.model, name)
        )

    def _report_unchecked(self, create: cst.Call, missing: bool) -> None:
        """A create that migrates without the ORM's comparison with an existing collection
        (no handler sees its error, and it cannot carry the comparison: create_check): the
        ORM stopped the program there for another schema, the migrated code goes on and
        writes into that collection. Said on the create, so the difference is not silent."""
        why = self.model.unchecked_creates.get(create)
        if missing or not why:
            return
        line, col = self.model.position(create)
        # create_check's reasons all start by saying what the ORM compares: keep the rest
        _, _, tail = why.partition(COMPARES)
        tail = tail.lstrip(", ").removeprefix("and ") or why
        if tail.startswith("its consistency_level"):
            tail = "its consistency_level, not a literal, is compared with the server's too"
        self.ctx.report(
            line,
            col,
            CONSTRUCTOR.code,
            "Collection(name, schema) migrated without the ORM's check of an existing "
            f"collection, which cannot be repeated here ({tail}): where it exists with another "
            "schema or consistency level, the ORM raised SchemaNotReadyException here and the "
            "migrated code goes on",
            "if it may already exist, compare `CollectionSchema.construct_from_dict("
            "client.describe_collection(...))` with the schema before using it",
        )

    def _compares_schema(self, create: cst.Call, missing: bool) -> OrmModel | None:
        """The ORM's schema comparison to write behind `create`, when a handler may catch
        its error (_ctor_problem recorded it, codemods.create_check) and no guard proved the
        collection missing."""
        if missing or create not in self.model.checked_opens:
            return None
        self.checked = self.schema_checked = True
        parts = constructor_parts(create)
        if parts is not None and "consistency_level" in parts:
            self.level_checked = True
        return self.model

    def _bare_open(
        self, original: cst.SimpleStatementLine, value: cst.Call, line: int
    ) -> cst.FlattenSentinel[cst.BaseStatement] | None:
        """A bare open-only `Collection(n)` a handler may catch the missing-collection error
        of (the same conditions as a bound open, _ctor_problem / open_check) becomes the
        ORM's existence check alone; None leaves it to the untracked report."""
        parts = constructor_parts(value)
        if parts is None:
            return None
        client = self.model.client_for(self.model.alias_of_using(parts.get("using")))
        # _ctor_problem records the open in checked_opens only when it can carry the check.
        if (
            client is None
            or self.model._ctor_problem(value)
            or value not in self.model.checked_opens
        ):
            return None
        if not self.ctx.may_rewrite(line, CONSTRUCTOR.code):
            return None
        name_expr = parts["name"].value
        self.checked = True
        self.ctx.record_change(
            line,
            CONSTRUCTOR.code,
            f"Collection({code_of(name_expr)}) -> the ORM's existence check "
            f"({self.model.checked_opens[value]})",
        )
        check = check_statement(client, name_expr, self.model)
        # A block has no line end of its own: the statement's comment goes on the `if` line.
        check = check.with_changes(
            body=check.body.with_changes(header=original.trailing_whitespace)
        )
        return flatten_statements(original, [check])

    def _report_binding(self, binding: CollectionBinding, line: int, col: int) -> None:
        if id(binding) in self.reported:
            return
        self.reported.add(id(binding))
        suggestion = _binding_suggestion(binding)
        blocked = binding.blocked
        if binding.kind == "return" and len(blocked) > 1:
            # A returned `Collection(n)` is its own only use: one finding on it, every reason.
            reasons = list(dict.fromkeys(reason for _, reason in blocked))
            blocked = [(blocked[0][0], "; ".join(reasons))]
        for node, reason in blocked:
            n_line, n_col = self.model.position(node)
            self.ctx.report(
                n_line,
                n_col,
                CONSTRUCTOR.code,
                f"collection `{binding.label}` stays an ORM Collection: {reason}",
                suggestion,
            )

    def _report_constructor(self, binding: CollectionBinding, line: int, col: int) -> None:
        """The `Collection(...)` itself is a site left too: it gets an item of its own, naming
        the line of the use that holds the collection back, unless that item is on its line."""
        node, reason = binding.blocked[0]
        where = self.model.input_line(node)
        if where == line:
            return
        self.ctx.report(
            line,
            col,
            CONSTRUCTOR.code,
            f"collection `{binding.label}` stays an ORM Collection: {reason} (see line {where})",
            _binding_suggestion(binding),
        )


def _binding_suggestion(binding: CollectionBinding) -> str:
    """What an item about a collection left ORM suggests: the unsafe fix when that alone
    would lift every obstacle, else a rewrite by hand."""
    return UNSAFE_SUGGESTION if unsafe_only(binding) else "rewrite this use by hand, then rerun"


def _untracked_reason(model: OrmModel, stmt: cst.BaseSmallStatement) -> str:
    """Why the statement holding a Collection() is no tracked binding (the first store of the
    same target that is neither a Collection(), a factory call nor a `None` placeholder)."""
    if isinstance(stmt, cst.Return):
        func = model._enclosing(stmt, cst.FunctionDef)
        name = f"`{func.name.value}()`" if isinstance(func, cst.FunctionDef) else "a function"
        return (
            f"returned from {name}, whose callers do not all assign it to a tracked variable "
            "or call a method on it, so they may keep the Collection object"
        )
    if isinstance(stmt, cst.Expr):
        return (
            "a bare open-only Collection() only checks that the collection exists, raising if "
            "it does not (trap 2); MilvusClient has no such call (has_collection returns a bool)"
        )
    value = getattr(stmt, "value", None)
    if isinstance(value, cst.Call) and any(arg.star for arg in value.args):
        return (
            "its arguments are unpacked (`*`/`**`), so its name, and whether it creates, are "
            "known only at run time"
        )
    targets = [t.target for t in stmt.targets] if isinstance(stmt, cst.Assign) else []
    if isinstance(stmt, cst.AnnAssign):
        targets = [stmt.target]
    if len(targets) != 1:
        return "assigned to several targets at once"
    target = targets[0]
    if isinstance(target, cst.Subscript):
        return f"stored into a container item (`{code_of(target)}`), which is not tracked"
    stores: list[cst.CSTNode] = []
    if isinstance(target, cst.Name):
        scope = model.scopes.get(target)
        if scope is not None:
            stores = [getattr(a, "node", None) for a in scope.assignments[target.value]]
    elif isinstance(target, cst.Attribute):
        cls = _class_of(model, target)
        stores = [
            a
            for a in model._attribute_stores().get(target.attr.value, [])
            if code_of(a) == code_of(target) and _class_of(model, a) is cls
        ]
    for node in stores:
        if node is None or node is target:
            continue
        if isinstance(node, cst.Param):
            return f"`{code_of(target)}` is also a parameter without a Collection annotation"
        holder = model.parent(node)
        if isinstance(holder, cst.AssignTarget):
            holder = model.parent(holder)
        value = getattr(holder, "value", None)
        if not isinstance(holder, (cst.Assign, cst.AnnAssign)) or value is None:
            return (
                f"`{code_of(target)}` is also bound by another kind of statement "
                f"(line {model.input_line(node)})"
            )
        if model.call_name(value) == "Collection" or (
            isinstance(value, cst.Call) and model._factory(value) is not None
        ):
            continue
        if is_none(value) and isinstance(target, cst.Attribute):
            continue  # a placeholder or reset the attribute tracking accepts
        return (
            f"`{code_of(target)}` is also assigned `{_short(value)}` "
            f"(line {model.input_line(node)})"
        )
    return (
        f"`{code_of(target)}` is neither a local variable nor an attribute of `self` stored in "
        "its class's methods"
    )


def _class_of(model: OrmModel, node: cst.CSTNode) -> cst.CSTNode | None:
    current = model.parent(node)
    while current is not None and not isinstance(current, cst.ClassDef):
        current = model.parent(current)
    return current


def _short(expr: cst.BaseExpression) -> str:
    text = " ".join(code_of(expr).split())
    return text if len(text) <= 40 else text[:37] + "..."


def _guarded_create(
    client: str,
    name: cst.BaseExpression,
    parts: dict[str, cst.Arg],
    ctor: cst.Call,
    missing: bool = False,
    compare: OrmModel | None = None,
) -> cst.If | cst.SimpleStatementLine:
    """`if not client.has_collection(n): client.create_collection(...)`, the ORM's
    open-or-create; just the create when `missing`: a has_collection check or a drop right
    before has proven there is no such collection (existence_guards.create_guard_proves);
    with `compare` (the module's model), an `elif` raising the ORM's error for an existing
    collection whose schema differs (codemods.create_check)."""
    name_code = code_of(name)
    args = [kwarg("collection_name", name), kwarg("schema", parts["schema"].value)]
    for key, arg in parts.items():
        if key in CREATE_KWARGS:
            args.append(kwarg(key, arg.value))
    create = client_call(client, "create_collection", args, ctor)  # ctor: its layout, comments
    if missing:
        return cst.SimpleStatementLine(body=[cst.Expr(create)])
    return cst.If(
        test=cst.parse_expression(f"not {client}.has_collection(collection_name={name_code})"),
        body=cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Expr(create)])]),
        orelse=None
        if compare is None
        else schema_check_branch(
            client,
            name,
            parts["schema"].value,
            compare,
            parts["consistency_level"].value if "consistency_level" in parts else None,
        ),
    )


class CollectionConstructor:
    """MM110; runs after every Collection-method rule."""

    rules = (CONSTRUCTOR, MAY_BE_NONE, EXPORTED_ATTRIBUTE)  # MM113/MM115 lift obstacles of MM110's

    def apply(self, module: cst.Module, ctx: MigrationContext) -> cst.Module:
        model = model_of(module, ctx)
        if "Collection" not in model.canonical_of.values():
            return module
        transformer = _ConstructorTransformer(model, ctx)
        new = model.module.visit(transformer)
        if not transformer.checked:
            return new
        bases = EXCEPTION_NAMES + (CHECK_NAMES if transformer.schema_checked else ())
        bases += LEVEL_NAMES if transformer.level_checked else ()
        wanted = imports_to_add(model, tuple(dict.fromkeys(bases)))
        if not wanted:
            return new
        specs = sorted(spec for specs in wanted.values() for spec in specs)
        ctx.record_change(1, CONSTRUCTOR.code, f"import {', '.join(specs)}")
        return add_imports(new, set(), wanted)
