"""The read-only model of a module's ORM usage that every codemod asks.

Design choice (why one analysis per tree): codemods run in sequence and each one returns a
new tree, so a model built once on the first tree would point at nodes that no longer exist.
A codemod asks `model_of(module, ctx)`, which wraps the tree it received in a
`MetadataWrapper`, builds an `OrmModel` from that wrapper (a read-only visitor, no tree
rebuilt), and the codemod transforms the wrapper's tree; node identity holds for the length
of that codemod. The engine hands a codemod that rewrote nothing on to the next one with the
same tree, so the next one gets the same model instead of building another (most codemods
rewrite nothing in a given file; tests/codemods/test_engine_shortcuts.py checks that this
changes no output). The model is a pure
function of the source text, so every codemod sees the same facts for the same code, and the
model understands the already-migrated forms (`client = MilvusClient(...)`,
`client.insert(collection_name=x, ...)`) so that a later codemod, or a second run, agrees with
an earlier one. Codemods never match ORM names by string: they ask `canonical()`,
`collection_ref()`, `client_for()` and friends.

Collections: a `Collection(...)` held by a module/function variable, by `self.<attr>` in a
class, or passed in as a parameter typed `Collection` (or named like one) becomes a
*binding*. So does a variable or `self.<attr>` assigned the result of a collection factory
(a module function, or a method called as `self.m(...)` in its own class, that returns a
Collection it constructs: `x = make(...)`), a factory call that is directly the receiver of a
collection method (`self.m(...).search(...)`), and `self.<attr>` assigned a tracked variable
(`self._coll = coll`): each is tied to the collection it holds, and the two are migrated
together or not at all. A binding is migrated as a whole (its constructor turns into the
collection name and every use into a client call) only when every use of it is convertible;
otherwise all of it stays ORM code and is reported, so the output never mixes a string name
with ORM method calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import libcst as cst
from libcst._metadata_dependent import LazyValue
from libcst.metadata import (
    Assignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)

from codemods.base import UNSAFE_FIX
from codemods.client_import import bound_by_anchor, client_class_name, imports_pymilvus_up_front
from codemods.connect_kwargs import dict_connect_view
from codemods.context import MigrationContext
from codemods.input_lines import InputLines
from codemods.metadata_resolve import resolve_providers
from codemods.orm_names import ORM_UTILITY_FUNCTIONS, PURE_UTILITY_FUNCTIONS
from codemods.read_only_visit import children_of, preorder_of, unshared
from codemods.rewrite import Env, Refuse, Rewrite, bind, code_of, string_value
from codemods.shim_names import pymilvus_name

if TYPE_CHECKING:
    from codemods.connection_registry import Registry
    from codemods.instance_client import InstanceClient

# CollectionBinding.alias of a collection whose client is `milvus_clients[<expr>]`: this
# prefix, then the code of <expr> (a connection alias never starts with a NUL character).
REGISTRY_KEY = "\0registry:"
# CollectionBinding.alias of a collection opened with `using=self.<attr>` in a class whose
# instances get their own client, `self.client` (codemods/instance_client.py).
INSTANCE_KEY = "\0instance:"

_Located = TypeVar("_Located")  # a libcst Assignment or Access: both carry `.node`

# ---- canonical ORM names ---------------------------------------------------------------

_ORM_SUBMODULE_PREFIX = {
    "pymilvus.orm.collection.": "",
    "pymilvus.orm.partition.": "",
    "pymilvus.orm.index.": "",
    "pymilvus.orm.role.": "",
    "pymilvus.orm.connections.": "",
    "pymilvus.orm.utility.": "utility.",
    "pymilvus.orm.db.": "db.",
    "pymilvus.orm.": "",
    "pymilvus.": "",
}
_CANONICAL_ROOTS = {"Collection", "Partition", "Index", "Role", "connections", "utility", "db"}
MILVUS_CLIENT_NAMES = ("pymilvus.MilvusClient", "pymilvus.milvus_client.MilvusClient")
# connections.connect's parameters by position (MM101 binds the call against them).
CONNECT_PARAMS = ("alias", "user", "password", "db_name", "token")
COLLECTION_PARAM_NAMES = re.compile(r"^(col|coll|collection|\w+_col|\w+_coll|\w+_collection)$")


def canonical_name(qualified: str) -> str | None:
    """`pymilvus.orm.collection.Collection` -> `Collection`; `pymilvus.has_collection` ->
    `utility.has_collection`; anything that is not an ORM thing -> None. A compat_shim
    name counts as the pymilvus name it stands for (codemods/shim_names.py)."""
    qualified = pymilvus_name(qualified)
    for prefix, replacement in _ORM_SUBMODULE_PREFIX.items():
        if qualified.startswith(prefix):
            rest = replacement + qualified[len(prefix) :]
            break
    else:
        return None
    if rest.startswith("connections.connections."):  # pymilvus.orm.connections.connections
        rest = rest[len("connections.") :]
    root = rest.split(".", 1)[0]
    if root in _CANONICAL_ROOTS:
        return rest
    if rest in ORM_UTILITY_FUNCTIONS:
        return "utility." + rest
    if rest in PURE_UTILITY_FUNCTIONS:
        return None
    return None


# ---- what the model records ------------------------------------------------------------


@dataclass
class Use:
    node: cst.CSTNode  # the Name / Attribute that refers to the collection
    ok: bool
    reason: str = ""


@dataclass
class CollectionBinding:
    """A variable, attribute or parameter that holds an ORM Collection."""

    label: str  # `books`, `self.collection`, parameter `col`
    kind: str  # "name" | "attr" | "param" | "call" | "return" (a factory's `return Collection(n)`)
    constructors: list[cst.Call]
    alias: str | None  # connection alias (None when not a literal)
    uses: list[Use] = field(default_factory=list)
    blocked: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    # `x = make()` where `make` is a collection factory (see OrmModel._factory): x holds what
    # `make` returns, so x and the returned collection are migrated together or not at all
    # (linked bindings share one `blocked` list, see OrmModel._link_factories). A binding of
    # kind "call" is the factory call itself, the receiver of one method call.
    factory_calls: list[cst.Call] = field(default_factory=list)
    # `self.x = None` in __init__ too: each use must be a presence test or come after one
    # (codemods.held_collections).
    may_be_none: bool = False
    # The methods in which it is never None: `__init__` sets it, and they cannot run before
    # (codemods.construction).
    set_in: frozenset[cst.FunctionDef] = frozenset()
    # `self.x = None` outside `__init__` too (a close() or reset): a use is proven to meet
    # the attribute set only by a test or store with no call of user code in between
    # (codemods.held_collections._nothing_unsets).
    resets: list[cst.Attribute] = field(default_factory=list)

    @property
    def convertible(self) -> bool:
        return not self.blocked


@dataclass
class CollectionRef:
    """What a receiver expression stands for: its binding (or an inline constructor)."""

    name: cst.BaseExpression  # collection-name expression to emit
    client: str | None
    binding: CollectionBinding | None
    inline_ctor: cst.Call | None = None
    refusal: str = ""

    @property
    def convertible(self) -> bool:
        if self.client is None:
            return False
        if self.binding is not None:
            return self.binding.convertible
        return not self.refusal


@dataclass(frozen=True)
class MethodRule:
    code: str
    convert: Callable[[cst.Call, Env], Rewrite | Refuse]


@dataclass(frozen=True)
class PropertyRule:
    code: str
    convert: Callable[[cst.Attribute, Env], Rewrite | Refuse]


def method_rules() -> dict[str, MethodRule]:
    """All Collection method converters, gathered from the concern modules (lazy: the concern
    modules import this one)."""
    from codemods import compaction, data, index, lifecycle, partitions, search

    table: dict[str, MethodRule] = {}
    for module in (lifecycle, index, data, search, partitions, compaction):
        table.update(module.METHODS)
    return table


def property_rules() -> dict[str, PropertyRule]:
    from codemods import index, lifecycle

    return {**lifecycle.PROPERTIES, **index.PROPERTIES}


def constructor_parts(call: cst.Call) -> dict[str, cst.Arg] | None:
    """Arguments of `Collection(name, schema=None, using="default", **kw)` by name."""
    out: dict[str, cst.Arg] = {}
    order = ["name", "schema", "using"]
    pos = 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            if pos >= len(order):
                return None
            out[order[pos]] = arg
            pos += 1
        elif arg.keyword.value == "data" and is_none(arg.value):
            continue  # the ORM inserts `data` after creating; None means nothing to insert
        else:
            out[arg.keyword.value] = arg
    return out if "name" in out else None


def is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def is_create(call: cst.Call) -> bool:
    parts = constructor_parts(call) or {}
    schema = parts.get("schema")
    return schema is not None and not is_none(schema.value)


# ---- the model -------------------------------------------------------------------------


class OrmModel:
    """Facts about one module (see the module docstring)."""

    def __init__(self, wrapper: MetadataWrapper, ctx: MigrationContext) -> None:
        self.wrapper = wrapper
        self.ctx = ctx
        self.module = wrapper.module
        self.positions = wrapper.resolve(PositionProvider)
        self.input_lines = InputLines(ctx, self.positions)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.scopes = wrapper.resolve(ScopeProvider)
        self.canonical_of: dict[cst.CSTNode, str] = {}
        # `p.name` nodes to replace by `p` (p iterates client.list_partitions(...) now). A
        # rule proposes them per `.partitions` node in `pending_strip`; `strip_name` keeps
        # those whose collection is really converted, decided once the analysis is complete.
        self.pending_strip: dict[cst.CSTNode, list[cst.CSTNode]] = {}
        # Open-only Collection() calls a handler may catch the missing-collection error of:
        # MM110 writes the ORM's check before them (codemods.open_check).
        # (open -> the trap-2 reason the check answers)
        self.checked_opens: dict[cst.Call, str] = {}
        # Creates that migrate without the ORM's comparison with an existing collection, and
        # why they cannot carry it (MM110 says so on each: codemods.create_check).
        self.unchecked_creates: dict[cst.Call, str] = {}
        self._strip_name: set[cst.CSTNode] | None = None
        # MM122: uses of ORM Index objects read from `col.index()` / `col.indexes` that become
        # dict reads of describe_index (node -> key to subscript, None: drop `.params`);
        # proposed per receiver like pending_strip and settled the same way.
        self.index_attrs: dict[cst.CSTNode, str | None] = {}
        self.pending_index_attrs: dict[cst.CSTNode, dict[cst.CSTNode, str | None]] = {}
        self.connect_calls: list[cst.Call] = []
        self.disconnect_calls: list[cst.Call] = []  # connections.disconnect/remove_connection
        self._connect_views: dict[cst.Call, cst.Call | str] = {}  # see connect_view()
        self.client_vars: set[str] = set()  # names bound to MilvusClient(...) somewhere
        self.client_calls: set[cst.Call] = set()  # every MilvusClient(...) call
        self.module_functions: dict[str, cst.FunctionDef] = {}
        self.bindings: list[CollectionBinding] = []
        self._binding_of_node: dict[cst.CSTNode, CollectionBinding] = {}
        self._used_names: set[str] = set()
        self._attr_stores: dict[str, list] | None = None  # see _attribute_stores()
        self._registry: object = _NOT_ASSIGNED  # see alias_registry
        # Collection factories whose every call is a tracked factory site (_factory_site).
        self._factories_ok: set[cst.FunctionDef] = set()
        # The tracked collections each factory returns (see returns_migrated_collection).
        self._factory_returns: dict[cst.FunctionDef, list[CollectionBinding]] = {}
        self._return_bindings: dict[cst.Call, CollectionBinding] = {}  # _return_binding
        # Method name -> its definition when no code in the module can rebind it (or None).
        self._sealed_methods: dict[str, cst.FunctionDef | None] = {}
        self._exported: set[str] | None = None  # see _exported_names()
        # `coll` in `self.x = coll` where self.x is tracked with coll (see _attr_bindings).
        self._attr_copies: set[cst.CSTNode] = set()
        # `self.x: Optional[Collection] = ...` stores of tracked attributes (held_collections).
        self.attr_annotations: dict[cst.AnnAssign, CollectionBinding] = {}
        # What the rewrite calls pymilvus.MilvusClient here (codemods/client_import.py).
        self.client_class = client_class_name(self.scopes)
        _Collector(self).collect()
        self.aliases = self._aliases()
        self.client_names = self._client_names()
        self._find_bindings()
        self._classify_uses()
        self.partitions: list[PartitionBinding] = []
        self._partition_of_node: dict[cst.CSTNode, PartitionBinding] = {}
        self._partition_bindings()
        from codemods.index_objects import index_objects  # lazy: it imports this module

        index_objects(self)  # Index(col, ...) bindings (MM123), index attrs (MM122)

    @property
    def strip_name(self) -> set[cst.CSTNode]:
        """`p.name` nodes to strip: only where the `.partitions` receiver is really rewritten.
        Computed on first use (by a transformer), so that every analysis step that may keep
        a collection ORM (partitions, index objects, ...) has run."""
        if self._strip_name is None:
            self._strip_name = set()
            for attr, nodes in self.pending_strip.items():
                binding = self._binding_of_node.get(getattr(attr, "value", None))
                if binding is not None and binding.convertible and self.client_for(binding.alias):
                    self._strip_name.update(nodes)
        return self._strip_name

    # -- deterministic order ------------------------------------------------------------
    # libcst keeps scopes and assignments in sets; walking them in source order makes the
    # bindings, and so the findings that cite "(line N)", the same on every run.

    def _source_key(self, node: object) -> tuple[int, int]:
        pos = self.positions.get(node) if node is not None else None  # type: ignore[arg-type]
        return (pos.start.line, pos.start.column) if pos is not None else (0, 0)

    def ordered_scopes(self) -> list[Scope]:
        scopes = {id(s): s for s in self.scopes.values() if s is not None}
        return sorted(scopes.values(), key=lambda s: self._source_key(getattr(s, "node", None)))

    def in_source_order(self, items: Iterable[_Located]) -> list[_Located]:
        """Assignments or accesses (anything with a `.node`), sorted by where the node is."""
        return sorted(items, key=lambda a: self._source_key(getattr(a, "node", None)))

    # -- names --------------------------------------------------------------------------

    def canonical(self, node: cst.CSTNode) -> str | None:
        return self.canonical_of.get(node)

    def is_pymilvus_name(self, node: cst.CSTNode, name: str) -> bool:
        """`node` refers to pymilvus's top-level `name` (`DataType`, `CollectionSchema`, ...),
        however imported, by its qualified names (also the `pymilvus.orm.*` module paths)."""
        names = self.wrapper.resolve(QualifiedNameProvider).get(node, set())
        names = names() if isinstance(names, LazyValue) else names
        return any(
            q.name == f"pymilvus.{name}"
            or (q.name.startswith("pymilvus.orm.") and q.name.endswith(f".{name}"))
            for q in names
        )

    def call_name(self, call: cst.CSTNode) -> str | None:
        if not isinstance(call, cst.Call):
            return None
        return self.canonical_of.get(call.func)

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        """Where `node` is in the input (1-based line, 0-based column): what reports, change
        records and suppression comments use (codemods/input_lines.py)."""
        return self.input_lines.position(node)

    def input_line(self, node: cst.CSTNode) -> int:
        """The input line of `node`, for messages (`position`)."""
        return self.input_lines.position(node)[0]

    def tree_position(self, node: cst.CSTNode) -> tuple[int, int]:
        """Where `node` is in the analysed tree (for ordering nodes of this tree)."""
        pos = self.positions[node]
        return pos.start.line, pos.start.column

    def line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def is_name_used(self, name: str) -> bool:
        return name in self._used_names

    def fresh_name(self, base: str) -> str:
        if not self.is_name_used(base):
            return base
        i = 2
        while self.is_name_used(f"{base}_{i}"):
            i += 1
        return f"{base}_{i}"

    # -- connections --------------------------------------------------------------------

    def connect_view(self, call: cst.Call) -> cst.Call:
        """The connect call with explicit keyword arguments: `call` itself, or for
        `connect(**d)` with `d` built visibly before it, its equivalent reading each key from
        `d` (codemods/connect_kwargs.py). Every question about a connect's alias and
        arguments is asked of the view, so MM101, the registry and the uses agree."""
        view = self._connect_views.get(call)
        if view is None:
            view = call
            if any(arg.star == "**" for arg in call.args):
                view = dict_connect_view(self, call)
            self._connect_views[call] = view
        return view if isinstance(view, cst.Call) else call

    def spread_problem(self, call: cst.Call) -> str:
        """Why `connect(**d)`'s keys are not visible ('' when it has a view, or no `**`)."""
        self.connect_view(call)
        view = self._connect_views[call]
        return view if isinstance(view, str) else ""

    def _aliases(self) -> list[str | None]:
        seen: list[str | None] = []
        for call in self.connect_calls:
            alias = connect_alias(self.connect_view(call), self.literal)
            if alias not in seen:
                seen.append(alias)
        return seen

    def _client_names(self) -> dict[str, str]:
        base = self.ctx.options.client_name
        literal = [a for a in self.aliases if a is not None]
        if not self.aliases:
            # No connect here: ORM code uses the process-wide connection, which a MilvusClient
            # the module makes need not stand for (another server or database: holdout4's ho42
            # switches its own client to the database it then drops). Our own output always
            # keeps the connect next to ORM code it leaves, so this is user code, not a rerun.
            return {}
        if len(literal) == 1 and len(self.aliases) == 1:
            names = {literal[0]: base}
        else:
            names = {a: f"{base}_{_identifier(a)}" for a in literal}
        # Only an alias whose every connect() becomes `client = MilvusClient(...)` has a
        # client: a connect left as ORM code binds no client, and calls rewritten to one
        # would raise NameError where only that connect had run.
        return {
            alias: self._free_client_name(name)
            for alias, name in names.items()
            if not self.alias_problem(alias)
        }

    def alias_problem(self, alias: str) -> str:
        """Why connection `alias` gets no MilvusClient ('' when every connect for it is
        rewritten by MM101 and so binds the client)."""
        for call in self.connect_calls:
            if connect_alias(self.connect_view(call), self.literal) != alias:
                continue
            problem = self.connect_problem(call)
            if problem:
                line = self.input_line(call)
                return f"the connect() for alias {alias!r} on line {line} stays ORM ({problem})"
        return ""

    def connect_problem(self, call: cst.Call) -> str:
        """Why MM101 leaves `connections.connect(...)` as it is ('' when it rewrites it).
        The connection codemod asks this too, so the two cannot disagree."""
        if connect_alias(self.connect_view(call), self.literal) is None:
            return "non-literal alias"
        if self.connect_statement(call) is None:
            return "not a statement of its own or a plain assignment"
        unseen = self._disconnect_of_unseen_alias()
        if unseen is not None:
            return (
                f"`{code_of(unseen)}` on line {self.input_line(unseen)} closes an alias not "
                "visible here, which may be this one: it would leave this connect's "
                "MilvusClient open"
            )
        return self.connect_arguments_problem(call)

    def _disconnect_of_unseen_alias(self) -> cst.Call | None:
        """A disconnect whose alias is neither a literal nor an instance's `self.<attr>`
        (codemods/instance_client.py): the ORM closed whichever connection it names, and the
        rewrite cannot tell which client to close, so no connect may become one."""
        for call in self.disconnect_calls:
            if not call.args:
                continue
            value = call.args[0].value
            if self.disconnect_alias(call) is None and self.instance_key(value) is None:
                return call
        return None

    def connect_arguments_problem(self, call: cst.Call) -> str:
        """Why a connect's arguments cannot become MilvusClient's ('' when they can); shared by
        the literal-alias rewrite and the alias registry (codemods/connection_registry.py)."""
        view = self.connect_view(call)
        if view is call and any(arg.star for arg in call.args):
            # `connect("app", **cfg)`: cfg may hold uri/host/alias, which MilvusClient would
            # receive as they are (or twice) unless cfg is visible (codemods/connect_kwargs.py).
            return f"connect(**kwargs) whose keys are not visible ({self.spread_problem(call)})"
        bound = bind(view, CONNECT_PARAMS)
        if isinstance(bound, Refuse):
            return bound.reason
        for arg in bound.extra:
            if arg.keyword is not None and arg.keyword.value == "uri":
                uri = string_value(arg.value)
                if uri is not None and uri.startswith("grpc://"):
                    return "MilvusClient rejects grpc:// URIs"
        if not self.ctx.may_rewrite(self.input_line(call), "MM101"):
            return "suppressed, or rule MM101 disabled"
        return self.client_import_problem(call)

    def client_import_problem(self, call: cst.Call) -> str:
        """Why no `MilvusClient` import can bind the new client class where connect `call`
        is ('' when one can; codemods/client_import.py): a module that imports pymilvus only
        inside a function or a guarded block must still import without pymilvus."""
        if imports_pymilvus_up_front(self.module) or bound_by_anchor(
            self.scopes, self.module, call.func
        ):
            return ""
        return (
            "the module imports pymilvus only where it needs it (in a function or a guarded "
            "block), and the `MilvusClient` import could not join the import this connect's "
            f"`{code_of(call.func)}` comes from"
        )

    def connect_statement(self, call: cst.Call) -> cst.BaseSmallStatement | None:
        """The small statement `connections.connect(...)` or `x = connections.connect(...)`
        when it is the only one of its line (`try: connections.connect(...)` included)."""
        small = self.parents.get(call)
        if isinstance(small, cst.Assign):
            if len(small.targets) != 1 or small.value is not call:
                return None
        elif not isinstance(small, cst.Expr):
            return None
        line = self.parents.get(small)
        if isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return small if len(line.body) == 1 else None
        return None

    def _free_client_name(self, name: str) -> str:
        """`name`, or a fresh one when the module binds `name` to anything but a MilvusClient
        (`client = OpenAI()` must not be overwritten). The choice is the same for every
        codemod and every run: a name bound only to MilvusClient(...) is this tool's own
        output, and one only referenced is a call an earlier codemod already rewrote."""
        candidates = [name, f"milvus_{name}"]
        candidates += [f"milvus_{name}_{i}" for i in range(2, 100)]
        for candidate in candidates:
            if not self.is_name_used(candidate) or self._bound_only_to_client(candidate):
                return candidate
        return candidates[-1]  # pragma: no cover - a hundred names taken

    def _bound_only_to_client(self, name: str) -> bool:
        """Every binding of `name` is a MilvusClient(...) this tool wrote: one right after a
        connect it kept (`global name` lines aside). A module that binds a client of its own
        under that name elsewhere (w025 of the sixth sample: `client = MilvusClient()` below
        the connect) would rebind ours, and the calls after it would go to that client."""
        for scope in self.ordered_scopes():
            for assignment in scope.assignments:
                if assignment.name != name:
                    continue
                node = getattr(assignment, "node", None)
                value = self._assigned_value(node)
                if value not in self.client_calls or not self._follows_connect(node):
                    return False
        return True

    def _follows_connect(self, target: cst.CSTNode | None) -> bool:
        holder = self.parents.get(target) if target is not None else None
        assign = self.parents.get(holder) if isinstance(holder, cst.AssignTarget) else None
        line = self.parents.get(assign) if assign is not None else None
        block = self.parents.get(line) if line is not None else None
        if not isinstance(block, (cst.IndentedBlock, cst.Module)):
            return False
        body = list(block.body)
        index = next((i for i, s in enumerate(body) if s is line), 0)
        for before in reversed(body[:index]):
            small = before.body if isinstance(before, cst.SimpleStatementLine) else ()
            if len(small) == 1 and isinstance(small[0], cst.Global):
                continue
            call = getattr(small[0], "value", None) if len(small) == 1 else None
            return call in self.connect_calls
        return False

    def client_for(self, alias: str | None) -> str | None:
        """The client variable that stands for connection `alias` (None: unknown)."""
        if alias is None:
            return None
        if alias.startswith(INSTANCE_KEY):
            ic = self.instance_client(alias)
            return None if ic is None else ic.client
        if alias.startswith(REGISTRY_KEY):
            # A collection whose alias is a stable variable (see _registry_alias).
            registry = self.alias_registry
            key = alias[len(REGISTRY_KEY) :]
            return None if registry is None else f"{registry.name}[{key}]"
        return self.client_names.get(alias)

    @property
    def alias_registry(self) -> Registry | None:
        """The module's `{alias: MilvusClient}` registry (codemods/connection_registry.py)."""
        if self._registry is _NOT_ASSIGNED:
            from codemods.connection_registry import registry_of  # lazy: it imports this module

            self._registry = registry_of(self)
        return self._registry  # type: ignore[return-value]

    def instance_client(self, key: str) -> InstanceClient | None:
        """The per-instance client for alias key `key` (codemods/instance_client.py)."""
        from codemods.instance_client import found  # lazy: it imports this module

        return found(self).by_key.get(key)

    def has_instance_clients(self) -> bool:
        """Some class of the module gives each instance its own client (`self.client`)."""
        from codemods.instance_client import found  # lazy: it imports this module

        return bool(found(self).by_key)

    def instance_connect(self, call: cst.Call) -> tuple[InstanceClient | None, str]:
        """The instance client that connect `call` binds, or why it binds none ('' when the
        connect is not `connect(alias=self.<attr>)` in a class at all)."""
        from codemods.instance_client import found  # lazy: it imports this module

        facts = found(self)
        return facts.by_connect.get(call), facts.problems.get(call, "")

    def instance_key(self, expr: cst.BaseExpression) -> str | None:
        """The alias key of `self.<attr>` when the class gives each instance its client."""
        from codemods.instance_client import key_of  # lazy: it imports this module

        return key_of(self, expr)

    def _registry_alias(self, binding: CollectionBinding) -> str | None:
        """The alias of a variable holding `Collection(..., using=<variable>)`, when its client
        can be `milvus_clients[<variable>]` (None otherwise): every constructor names the same
        alias expression, it reads the same value at every use (a parameter never reassigned
        in the function, or `self.<attr>` stored only in `__init__`), every use is in the
        constructor's function, and the registry accepts each site as it accepts a utility
        call with that `using=` (use_problem)."""
        from codemods.connection_registry import use_problem  # lazy: it imports this module

        if binding.kind != "name" or not binding.constructors or binding.factory_calls:
            return None
        usings = [(constructor_parts(c) or {}).get("using") for c in binding.constructors]
        first = usings[0]
        if first is None or self.literal(first.value) is not None:
            return None
        if any(u is None or code_of(u.value) != code_of(first.value) for u in usings):
            return None
        key = first.value
        func = self._enclosing(binding.constructors[0], cst.FunctionDef)
        if func is None or self.alias_registry is None or not self._stable_in(key, func):
            return None
        sites = [*binding.constructors, *(use.node for use in binding.uses)]
        for site in sites:
            if self._enclosing(site, cst.FunctionDef) is not func:
                return None
            if use_problem(self, site, key):  # type: ignore[arg-type]
                return None
        return REGISTRY_KEY + code_of(key)

    def _stable_in(self, expr: cst.BaseExpression, func: cst.FunctionDef) -> bool:
        """`expr` gives the same value anywhere in `func`: a parameter of `func` never
        reassigned, or `self.<attr>` whose only store is `self.<attr> = ...` in `__init__`."""
        if isinstance(expr, cst.Attribute):
            return (
                isinstance(expr.value, cst.Name)
                and self._stable_in(expr.value, func)
                and self._init_stored_value(expr) is not None
            )
        if not isinstance(expr, cst.Name):
            return False
        scope = self.scopes.get(expr)
        if scope is None or scope is not self.scopes.get(func.body):
            return False
        assignments = list(scope.assignments[expr.value])
        return (
            len(assignments) == 1
            and isinstance(getattr(assignments[0], "node", None), cst.Param)
            and any(p is assignments[0].node for p in _all_params(func))
        )

    def alias_of_using(self, arg: cst.Arg | None) -> str | None:
        if arg is None:
            return "default"
        literal = self.literal(arg.value)
        return literal if literal is not None else self.instance_key(arg.value)

    def literal(self, expr: cst.BaseExpression) -> str | None:
        """A string literal, or a name assigned exactly once to one (`ALIAS = "app"`)."""
        value = string_value(expr)
        if value is None and isinstance(expr, cst.Name):
            assigned = self._single_value(expr)
            value = string_value(assigned) if assigned is not None else None
        if value is None and isinstance(expr, cst.Attribute):
            value = self._self_attr_literal(expr)
        return value

    def _self_attr_literal(self, expr: cst.Attribute) -> str | None:
        """`self.alias` read in a method, when the only store to any `.alias` in the module is
        `self.alias = "lit"` in the same class's `__init__` (so it always holds that string)."""
        value = self._init_stored_value(expr)
        return string_value(value) if value is not None else None

    def disconnect_alias(self, call: cst.Call) -> str | None:
        """The alias a disconnect `call` closes, when the module shows it: a literal (or a name
        or `__init__` attribute holding one, see `literal`), or `self.attr` read under `if
        self.attr:` / `if self.attr is not None:` where every store to any `.attr` in the
        module is `self.attr = "<one literal>"` or `self.attr = None` in that class's methods
        (v035: `self.connection` is "default" once connected, None again after the
        disconnect). Under that test it holds the literal: the ORM's disconnect(None), which
        raised, cannot run there."""
        if not call.args:
            return "default"
        expr = call.args[0].value
        value = self.literal(expr)
        if value is not None or not isinstance(expr, cst.Attribute):
            return value
        method = self._enclosing(call, cst.FunctionDef)
        cls = self._enclosing(method, cst.ClassDef) if method is not None else None
        if (
            cls is None
            or not isinstance(expr.value, cst.Name)
            or not self._is_first_param(expr.value, method)  # type: ignore[arg-type]
            or self._attribute_stores().get("")
            or not self._under_presence_test(call, expr)
        ):
            return None
        strings: set[str] = set()
        for store in self._attribute_stores().get(expr.attr.value, []):
            owner = self._enclosing(store, cst.FunctionDef)
            value_node = self._attr_assigned_value(store)
            if (
                owner is None
                or self._enclosing(owner, cst.ClassDef) is not cls
                or not isinstance(store.value, cst.Name)
                or not self._is_first_param(store.value, owner)  # type: ignore[arg-type]
                or not isinstance(value_node, cst.BaseExpression)
            ):
                return None
            if is_none(value_node):
                continue
            text = string_value(value_node)
            if text is None:
                return None
            strings.add(text)
        return strings.pop() if len(strings) == 1 else None

    def _under_presence_test(self, node: cst.CSTNode, attr: cst.Attribute) -> bool:
        """`node` is in the body of the nearest `if` around it, and that `if` tests `attr` (the
        same `self.attr` text) for truth or for `is not None`."""
        child, current = node, self.parents.get(node)
        while current is not None and not isinstance(current, (cst.If, cst.FunctionDef)):
            child, current = current, self.parents.get(current)
        if not isinstance(current, cst.If) or child is not current.body:
            return False
        test = current.test
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            part = test.comparisons[0]
            if isinstance(part.operator, cst.IsNot) and is_none(part.comparator):
                test = test.left
        return isinstance(test, cst.Attribute) and code_of(test) == code_of(attr)

    def _init_stored_value(self, expr: cst.Attribute) -> cst.BaseExpression | None:
        """`X` when `expr` is `self.attr` read in a method and the only store to any `.attr`
        in the module is `self.attr = X` in the same class's `__init__`."""
        method = self._enclosing(expr, cst.FunctionDef)
        if not isinstance(expr.value, cst.Name) or method is None:
            return None
        cls = self._enclosing(method, cst.ClassDef)
        if cls is None or expr.value.value != _first_param(method):
            return None
        stores = self._attribute_stores().get(expr.attr.value, [])
        if len(stores) != 1 or self._attribute_stores().get("", []):
            return None
        store = stores[0]
        init = self._enclosing(store, cst.FunctionDef)
        target = self.parents.get(store)
        assign = self.parents.get(target)
        if (
            init is None
            or init.name.value != "__init__"
            or self._enclosing(init, cst.ClassDef) is not cls
            or not isinstance(store.value, cst.Name)
            or store.value.value != _first_param(init)
            or not isinstance(target, cst.AssignTarget)
            or not isinstance(assign, cst.Assign)
            or len(assign.targets) != 1
        ):
            return None
        return assign.value

    def is_inside(self, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
        """`ancestor` is one of `node`'s parents (at any depth)."""
        current = self.parents.get(node)
        while current is not None:
            if current is ancestor:
                return True
            current = self.parents.get(current)
        return False

    def _enclosing(self, node: cst.CSTNode, kind: type) -> cst.CSTNode | None:
        """The nearest enclosing `kind` node, not crossing a function or class boundary
        other than the first one of that kind."""
        current = self.parents.get(node)
        while current is not None and not isinstance(current, kind):
            if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                return None
            current = self.parents.get(current)
        return current

    def _attribute_stores(self) -> dict[str, list[cst.Attribute]]:
        """Attribute nodes the module may store to, by attribute name ("" holds a marker when
        setattr() or __dict__ appears, which can store to any attribute)."""
        if self._attr_stores is None:
            stores: dict[str, list[cst.Attribute]] = {}
            for node in _walk(self.module, cst.Attribute):
                parent = self.parents.get(node)
                if node.attr.value == "__dict__":
                    stores.setdefault("", []).append(node)
                stored = (
                    isinstance(parent, (cst.AssignTarget, cst.Element, cst.AsName, cst.Del))
                    or (
                        isinstance(parent, (cst.AnnAssign, cst.AugAssign)) and parent.target is node
                    )
                    or (isinstance(parent, cst.For) and parent.target is node)
                )
                if stored:
                    stores.setdefault(node.attr.value, []).append(node)
            for name in _walk(self.module, cst.Name):
                if name.value == "setattr":
                    stores.setdefault("", []).append(name)
            self._attr_stores = stores
        return self._attr_stores

    # -- collections --------------------------------------------------------------------

    def binding_for(self, node: cst.CSTNode) -> CollectionBinding | None:
        return self._binding_of_node.get(node)

    def collection_ref(self, expr: cst.BaseExpression) -> CollectionRef | None:
        """What collection `expr` (a method receiver) holds, or None if it is not one."""
        if isinstance(expr, cst.Call) and self.call_name(expr) == "Collection":
            parts = constructor_parts(expr)
            if parts is None:
                return CollectionRef(cst.Name("_"), None, None, expr, "unusual arguments")
            alias = self.alias_of_using(parts.get("using"))
            client = self.client_for(alias)
            refusal = ""
            if is_create(expr):
                refusal = "an inline `Collection(name, schema)` creates the collection"
            elif len(parts) > (2 if "using" in parts else 1):
                refusal = "inline Collection() with extra arguments"
            elif self._inside_exception_check(expr):
                # As for a bound Collection() (_ctor_problem): the handler may be there for
                # the ORM's SchemaNotReadyException on a missing collection (trap 2).
                refusal = (
                    "inline Collection() inside try/except: the code may rely on the ORM "
                    "raising for a missing collection (trap 2)"
                )
            refusal = refusal or self.client_unbound_problem(alias, expr)
            return CollectionRef(parts["name"].value, client, None, expr, refusal)
        binding = self._binding_of_node.get(expr)
        if binding is None:
            return None
        return CollectionRef(expr, self.client_for(binding.alias), binding)

    def env_for(self, ref: CollectionRef, statement: bool = False) -> Env:
        return Env(
            client=ref.client or self.ctx.options.client_name,
            name=ref.name,
            statement=statement,
            model=self,
            fresh_name=self.fresh_name,
        )

    def _find_bindings(self) -> None:
        groups: dict[tuple[Scope, str], list[cst.CSTNode]] = {}
        for scope in self.ordered_scopes():
            for assignment in self.in_source_order(scope.assignments):
                groups.setdefault((scope, assignment.name), [])
        for (scope, name), _ in groups.items():
            binding = self._name_binding(scope, name)
            if binding is not None:
                self.bindings.append(binding)
        self._attr_bindings()
        self._call_bindings()

    def _name_binding(self, scope: Scope, name: str) -> CollectionBinding | None:
        assignments = self.in_source_order(scope.assignments[name])
        if not assignments or isinstance(scope, cst.metadata.ClassScope):
            return None
        ctors: list[cst.Call] = []
        factory_calls: list[cst.Call] = []
        returned_ctors: list[cst.Call] = []  # what the factories called here construct
        is_param = False
        for assignment in assignments:
            node = getattr(assignment, "node", None)
            if isinstance(node, cst.Param):
                if self._is_collection_param(node):
                    is_param = True
                    continue
                return None
            value = self._assigned_value(node)
            factory = self._factory(value) if isinstance(value, cst.Call) else None
            if factory is not None:
                factory_calls.append(value)  # type: ignore[arg-type]
                returned_ctors.extend(factory[2])
                continue
            if value is None or self.call_name(value) != "Collection":
                return None
            ctors.append(value)
        if is_param and (ctors or factory_calls):
            return None
        alias = "default"
        for i, ctor in enumerate([*ctors, *returned_ctors]):
            parts = constructor_parts(ctor)
            if parts is None:
                return None
            a = self.alias_of_using(parts.get("using"))
            alias = a if i == 0 else (alias if a == alias else None)
        binding = CollectionBinding(
            label=name,
            kind="param" if is_param else "name",
            constructors=ctors,
            alias=alias,
            factory_calls=factory_calls,
        )
        for assignment in assignments:
            for access in self.in_source_order(assignment.references):
                self._binding_of_node[access.node] = binding
                binding.uses.append(Use(access.node, True))
        if alias is None:
            binding.alias = self._registry_alias(binding)
        return binding

    def _factory(
        self, call: cst.Call
    ) -> tuple[cst.FunctionDef, list[cst.Return], list[cst.Call]] | None:
        """For a call of a collection factory at a site that keeps what it returns in view
        (`_factory_site`): the factory, its returns and the constructors they return.

        A factory is a module-level function, or a method called as `self.m(...)` from its
        own class (`_called_method`), that returns a Collection handle on every call and
        nothing else (never None): not decorated, not async, not a generator, unannotated or
        annotated `-> Collection` (which becomes `-> str` with it), whose body ends in a
        `return` and whose every `return` gives a local variable that is only ever assigned
        `Collection(...)`."""
        if not self._factory_site(call):
            return None
        func = self._called_function(call) or self._called_method(call)
        if (
            func is None
            or func.decorators
            or func.asynchronous is not None
            or (
                func.returns is not None and self.canonical(func.returns.annotation) != "Collection"
            )
            or not isinstance(func.body, cst.IndentedBlock)
        ):
            return None
        last = func.body.body[-1] if func.body.body else None
        if not (
            isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], cst.Return)
        ):
            return None
        if any(self._enclosing(y, cst.FunctionDef) is func for y in _walk(func, cst.Yield)):
            return None
        returns = [
            r for r in _walk(func, cst.Return) if self._enclosing(r, cst.FunctionDef) is func
        ]
        ctors: list[cst.Call] = []
        for ret in returns:
            if self._returned_open(ret) is not None:
                ctors.append(ret.value)  # type: ignore[arg-type]  # `return Collection(n)`
                continue
            if not isinstance(ret.value, cst.Name):
                return None
            local = self.scopes.get(ret.value)
            if local is None or local is not self.scopes.get(func.body.body[0]):
                return None
            assigned = list(local.assignments[ret.value.value])
            if not assigned:
                return None
            for assignment in assigned:
                value = self._assigned_value(getattr(assignment, "node", None))
                if value is None or self.call_name(value) != "Collection":
                    return None
                ctors.append(value)  # type: ignore[arg-type]
        return func, returns, ctors

    def _returned_open(self, ret: cst.Return) -> cst.Call | None:
        """The open-only `Collection(name)` of `return Collection(name)`, a statement line of
        its own (a create form is not taken: its guard needs a statement before the return)."""
        value = ret.value
        if not isinstance(value, cst.Call) or self.call_name(value) != "Collection":
            return None
        line = self.parents.get(ret)
        if is_create(value) or not (
            isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1
        ):
            return None
        return value

    def _return_binding(self, ctor: cst.Call) -> CollectionBinding:
        """The binding a factory's `return Collection(name)` stands for: no variable and no
        uses, only the constructor (checked like any other, _ctor_problem); one per
        constructor however many calls of the factory there are."""
        binding = self._return_bindings.get(ctor)
        if binding is None:
            parts = constructor_parts(ctor) or {}
            binding = CollectionBinding(
                label=cst.Module(body=[]).code_for_node(ctor),
                kind="return",
                constructors=[ctor],
                alias=self.alias_of_using(parts.get("using")),
            )
            # The returned constructor is its one use: the rules for a returned handle
            # (_use_problem: a factory whose calls are all tracked, or a function whose every
            # call drops the result) decide as for `x = Collection(n)` ... `return x`.
            binding.uses.append(Use(ctor, True))
            self._return_bindings[ctor] = binding
            self.bindings.append(binding)
        return binding

    def _returned_opens(self) -> None:
        """A binding for each `return Collection(name)` of a function (_return_binding)."""
        for ret in _walk(self.module, cst.Return):
            ctor = self._returned_open(ret)
            func = self._enclosing(ret, cst.FunctionDef)
            if ctor is not None and isinstance(func, cst.FunctionDef):
                self._return_binding(ctor)

    def _factory_site(self, call: cst.Call) -> bool:
        """Where a factory's result may go: into one variable (`x = make(...)`), into one
        attribute of the calling method's instance (`self.x = make(...)`), or straight into
        a Collection method that has a single-call MilvusClient rewrite
        (`make(...).search(...)`); also `client.m(collection_name=make(...))`, the latter
        after an earlier codemod of this run rewrote it."""
        parent = self.parents.get(call)
        if isinstance(parent, cst.Assign):
            if len(parent.targets) != 1 or parent.value is not call:
                return False
            target = parent.targets[0].target
            if isinstance(target, cst.Name):
                return True
            method = self._enclosing(call, cst.FunctionDef)
            return (
                isinstance(target, cst.Attribute)
                and isinstance(target.value, cst.Name)
                and method is not None
                and target.value.value == _first_param(method)
                and self._enclosing(method, cst.ClassDef) is not None
            )
        if isinstance(parent, cst.Attribute) and parent.value is call:
            grand = self.parents.get(parent)
            return (
                isinstance(grand, cst.Call)
                and grand.func is parent
                and parent.attr.value in _RECEIVER_METHODS
            )
        if isinstance(parent, cst.Arg) and parent.value is call:
            outer = self.parents.get(parent)
            return (
                parent.keyword is not None
                and parent.keyword.value == "collection_name"
                and isinstance(outer, cst.Call)
                and self.is_client_call(outer)
            )
        return False

    def _called_function(self, call: cst.Call) -> cst.FunctionDef | None:
        """The module-level function `make` of `make(...)`, when that name means nothing else."""
        if not isinstance(call.func, cst.Name):
            return None
        func = self.module_functions.get(call.func.value)
        scope = self.scopes.get(call.func)
        visible = list(scope[call.func.value]) if scope is not None else []
        if func is None or len(visible) != 1 or getattr(visible[0], "node", None) is not func:
            return None
        return func

    def _called_method(self, call: cst.Call) -> cst.FunctionDef | None:
        """The method `m` of `self.m(...)` called in another method of the class defining `m`,
        when nothing else in the module can make `self.m` something else: `m` is defined once
        in the module (so no subclass here overrides it), nothing stores to an attribute `m`
        (class body, instance, setattr, __dict__) and no getattr() may read it. Whether every
        access to `m` is such a call is checked with the callers (`_link_factories`)."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return None
        caller = self._enclosing(call, cst.FunctionDef)
        if caller is None or func.value.value != _first_param(caller):
            return None
        if any(_decorator_name(d) in ("staticmethod", "classmethod") for d in caller.decorators):
            return None
        cls = self._enclosing(caller, cst.ClassDef)
        name = func.attr.value
        if cls is None or not any(m.name.value == name for m in _class_methods(cls)):
            return None
        if name not in self._sealed_methods:
            self._sealed_methods[name] = self._sealed_method(name)
        found = self._sealed_methods[name]
        return found if any(m is found for m in _class_methods(cls)) else None

    def call_target(self, call: cst.Call) -> tuple[bool, cst.FunctionDef | None]:
        """The same-module function `call` runs, also through variables, attributes and
        parameters of a proven same-module class, inherited methods and super():
        (known, target), target None when known to run nothing here (codemods.call_targets)."""
        from codemods.call_targets import call_target  # lazy: it imports this module

        return call_target(self, call)

    def _sealed_method(self, name: str) -> cst.FunctionDef | None:
        """The one method `name` of the module, when nothing here may rebind it (see
        `_called_method`)."""
        defs = [f for f in _walk(self.module, cst.FunctionDef) if f.name.value == name]
        if len(defs) != 1:
            return None
        stores = self._attribute_stores()
        if stores.get(name) or stores.get(""):
            return None
        for klass in _walk(self.module, cst.ClassDef):
            body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
            scope = self.scopes.get(body[0]) if body else None
            if scope is not None and any(
                getattr(a, "node", None) is not defs[0] for a in scope.assignments[name]
            ):
                return None
        for getter in _walk(self.module, cst.Call):
            if isinstance(getter.func, cst.Name) and getter.func.value == "getattr":
                key = string_value(getter.args[1].value) if len(getter.args) > 1 else None
                if key is None or key == name:
                    return None
        return defs[0]

    def _factory_callers(self, func: cst.FunctionDef) -> list[cst.CSTNode] | None:
        """Every node that refers to factory `func` (None: not all of them can be known)."""
        name = func.name.value
        if self._library_public(func):
            return None  # importers may call it too (unseen_callers)
        if self.module_functions.get(name) is func:
            if name in self._exported_names():
                return None  # importers may call it too (unseen_callers)
            scope = self.scopes.get(func)
            assigned = list(scope.assignments[name]) if scope is not None else []
            if len(assigned) != 1:
                return None
            return [access.node for a in assigned for access in a.references]
        return [a for a in _walk(self.module, cst.Attribute) if a.attr.value == name]

    def _link_factories(self) -> None:
        """Tie each variable assigned a factory's result to the collection(s) the factory
        returns: they share one `blocked` list, so a reason to keep either ORM keeps both
        (also one found by a later analysis step). A factory referred to anywhere but at a
        tracked factory site (`_factory_site`) keeps its returned collection ORM
        (_use_problem)."""
        derived = {call: b for b in self.bindings for call in b.factory_calls}
        factories: list[cst.FunctionDef] = []
        for call, binding in derived.items():
            found = self._factory(call)
            assert found is not None
            func, returns, _ = found
            if func not in factories:
                factories.append(func)
            for ret in returns:
                returned = self._binding_of_node.get(ret.value)  # type: ignore[arg-type]
                opened = self._returned_open(ret)
                if opened is not None:
                    returned = self._return_binding(opened)
                if returned is None:
                    binding.blocked.append(
                        (call, f"the collection `{func.name.value}()` returns is not tracked")
                    )
                    continue
                self._share_blocked(returned, binding)
                self._factory_returns.setdefault(func, []).append(returned)
            problem = self._factory_try_problem(call, func, found[2])
            if problem:
                binding.blocked.append((call, problem))
        for func in factories:
            refs = self._factory_callers(func)
            if refs is not None and all(
                isinstance(self.parents.get(ref), cst.Call)
                and self.parents.get(ref) in derived
                and self.parents.get(ref).func is ref  # type: ignore[union-attr]
                for ref in refs
            ):
                self._factories_ok.add(func)

    def _factory_try_problem(
        self, call: cst.Call, func: cst.FunctionDef, ctors: list[cst.Call]
    ) -> str:
        """Why factory `func`, called at `call`, keeps its collection ORM because the call is
        inside the body of a `try` with an except handler in its caller ('' if it is not).

        The ORM's Collection() in the factory raises for a missing collection (the open-only
        form) or for a schema that differs from the existing one (the create form); the
        migrated factory hands back the name and raises neither, so the handler could no
        longer run (trap 2). The lexical check of _ctor_problem only sees a try/except around
        the constructor itself. Any handler counts: its type may be an alias or a tuple we
        cannot judge. A factory whose every Collection() is an open proven to find its
        collection by a has_collection guard before it (create-if-missing or exit guard), or
        a create-if-missing guard's create (codemods.existence_guards), raises neither on the
        ORM, so it is not reported."""
        from codemods.existence_guards import factory_collections_exist  # lazy: imports this
        from codemods.open_check import open_check_problem  # lazy: imports this

        child: cst.CSTNode = call
        current = self.parents.get(call)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module)):
            if (
                isinstance(current, (cst.Try, cst.TryStar))
                and child is current.body
                and current.handlers
            ):
                if factory_collections_exist(self, func):
                    return ""
                opens = [c for c in ctors if not is_create(c)] or ctors
                reason = (
                    f"`{func.name.value}()` is called inside try/except (line "
                    f"{self.line(call)}): its ORM Collection() (line {self.input_line(opens[0])}) "
                    "raises for a missing collection or a different schema, the migrated "
                    "factory returns the name and does not, and the handler may rely on it "
                    "(trap 2)"
                )
                # Opens that can carry the ORM's own existence check raise as it did
                # (codemods.open_check); a create or any other open keeps the reason.
                cannot = [open_check_problem(self, c) for c in ctors]
                if any(cannot):
                    return f"{reason}, and {next(c for c in cannot if c)}"
                for ctor in ctors:
                    self.checked_opens.setdefault(ctor, reason)
                return ""
            child, current = current, self.parents.get(current)
        return ""

    def returns_migrated_collection(self, func: cst.FunctionDef) -> bool:
        """`func` is a collection factory whose collection is migrated: it returns the
        collection name now (so a `-> Collection` annotation becomes `-> str`)."""
        returned = self._factory_returns.get(func, [])
        return (
            func in self._factories_ok
            and bool(returned)
            and all(b.convertible and self.client_for(b.alias) for b in returned)
        )

    def _call_bindings(self) -> None:
        """`make(...).search(...)` (and its migrated form `client.search(collection_name=
        make(...), ...)`): the call is a one-use binding tied to what `make` returns."""
        for call in _walk(self.module, cst.Call):
            parent = self.parents.get(call)
            if isinstance(parent, cst.Assign) or call in self._binding_of_node:
                continue
            found = self._factory(call)
            if found is None:
                continue
            alias = self._common_alias(found[2])
            if alias is False:
                continue
            binding = CollectionBinding(
                label=cst.Module(body=[]).code_for_node(call),
                kind="call",
                constructors=[],
                alias=alias,  # type: ignore[arg-type]
                factory_calls=[call],
            )
            binding.uses.append(Use(call, True))
            self._binding_of_node[call] = binding
            self.bindings.append(binding)

    def _common_alias(self, ctors: list[cst.Call]) -> str | None | bool:
        """The connection alias all `ctors` use (None: not one literal; False: a constructor
        with unusual arguments)."""
        alias: str | None = "default"
        for i, ctor in enumerate(ctors):
            parts = constructor_parts(ctor)
            if parts is None:
                return False
            a = self.alias_of_using(parts.get("using"))
            alias = a if i == 0 else (alias if a == alias else None)
        return alias

    def _receiver_problem(self, call: cst.Call, binding: CollectionBinding, result: object) -> str:
        """Why `make(...).m(...)` cannot become `client.m(collection_name=make(...), ...)`
        ('' when it can): the rewrite must call `make` once, before the other arguments, as
        the ORM did. The migrated call looks the client up before it calls `make`, so when a
        function binds the client (`make` may be what runs it), the call is hoisted instead:
        `name = make(...)` right before the statement (`receiver_hoisted`)."""
        label = f"`{binding.label}.{self.parents[call].attr.value}()`"  # type: ignore[attr-defined]
        if any(True for arg in call.args for _ in _walk(arg, cst.Call)):
            return f"{label}: the factory call's arguments hold calls of their own"
        if not isinstance(result, Rewrite) or result.statements or result.expr is None:
            return f"{label}: its rewrite is more than one client call"
        if not self._client_at_module_level(binding.alias):
            problem = self._hoist_problem(call)
            if problem:
                return f"{label}: its MilvusClient is bound inside a function and {problem}"
            return ""
        if result.before:
            return f"{label}: its rewrite is more than one client call"
        holders = [
            c for c in _walk(result.expr, cst.Call) if any(_is_sentinel(a.value) for a in c.args)
        ]
        count = sum(1 for n in _walk(result.expr, cst.Name) if _is_sentinel(n))
        if count != 1 or len(holders) != 1 or not _is_sentinel(holders[0].args[0].value):
            return f"{label}: its rewrite does not call `{binding.label}` exactly once, first"
        return ""

    def _hoist_problem(self, call: cst.Call) -> str:
        """Why `make(...)` cannot move to a statement of its own right before its statement
        ('' when it can): it must be what the statement evaluates first (the receiver chain
        `make(...).m(...)[...]` as an expression statement, the value of an assignment or a
        return), in a line of its own."""
        child, node = call, self.parents.get(call)
        while not (
            isinstance(node, (cst.Expr, cst.Assign, cst.AnnAssign, cst.Return))
            and node.value is child
        ):
            if not (
                (isinstance(node, cst.Attribute) and node.value is child)
                or (isinstance(node, cst.Call) and node.func is child)
                or (isinstance(node, cst.Subscript) and node.value is child)
            ):
                return "the factory call is not the first thing its statement evaluates"
            child, node = node, self.parents.get(node)
        line = self.parents.get(node)
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            return "the statement shares its line with others"
        return ""

    def receiver_hoisted(self, call: cst.CSTNode) -> bool:
        """`make(...)`, the receiver of a migrated call, becomes `name = make(...)` before the
        statement (see _receiver_problem)."""
        binding = self._binding_of_node.get(call)
        return (
            binding is not None
            and binding.kind == "call"
            and isinstance(self.parents.get(call), cst.Attribute)
            and not self._client_at_module_level(binding.alias)
        )

    def _client_at_module_level(self, alias: str | None) -> bool:
        """The client for `alias` is bound by a statement outside any function (a connect
        MM101 rewrites, or an existing `client = MilvusClient(...)`)."""
        name = self.client_for(alias)
        if name is None:
            return False
        return any(not self._in_function(c) for c in self.client_binding_calls(alias, name))

    def client_binding_calls(self, alias: str | None, name: str) -> list[cst.Call]:
        """The calls that bind `alias`'s client `name`: its connects (MM101 rewrites each in
        place) and `name = MilvusClient(...)` (a module migrated before)."""
        calls = [
            c
            for c in self.connect_calls
            if connect_alias(self.connect_view(c), self.literal) == alias
        ]
        for call in self.client_calls:
            assign = self.parents.get(call)
            if (
                isinstance(assign, cst.Assign)
                and len(assign.targets) == 1
                and isinstance(assign.targets[0].target, cst.Name)
                and assign.targets[0].target.value == name
            ):
                calls.append(call)
        return calls

    def client_unbound_problem(self, alias: str | None, node: cst.CSTNode) -> str:
        """Why `node`, rewritten to use the client for `alias`, may run before the function
        that binds that client ('' when it cannot; codemods/client_binding.py)."""
        from codemods.client_binding import unbound_client_problem  # lazy: it imports this

        if alias is not None and alias.startswith(INSTANCE_KEY):
            from codemods.instance_client import use_problem  # lazy: it imports this

            return use_problem(self, alias, node)
        return unbound_client_problem(self, alias, node)

    def _in_function(self, node: cst.CSTNode) -> bool:
        current = self.parents.get(node)
        while current is not None and not isinstance(current, cst.Module):
            if isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                return True
            current = self.parents.get(current)
        return False

    def _share_blocked(self, a: CollectionBinding, b: CollectionBinding) -> None:
        if a.blocked is b.blocked:
            return
        merged = a.blocked + [x for x in b.blocked if x not in a.blocked]
        old = (a.blocked, b.blocked)
        for binding in self.bindings:
            if any(binding.blocked is o for o in old):
                binding.blocked = merged

    def _is_collection_param(self, param: cst.Param) -> bool:
        if param.annotation is not None:
            ann = param.annotation.annotation
            if self.canonical_of.get(ann) == "Collection":
                return True
            if isinstance(ann, cst.SimpleString) and string_value(ann) == "Collection":
                return True
            return False
        if not COLLECTION_PARAM_NAMES.match(param.name.value):
            return False
        # Named like a collection: only when it is used as one (an ORM method is called on it).
        return self._param_used_as_collection(param)

    def _param_used_as_collection(self, param: cst.Param) -> bool:
        scope = self.scopes.get(param.name)
        func_scope = None
        for s in self.ordered_scopes():
            for a in s.assignments:
                if getattr(a, "node", None) is param:
                    func_scope = s
                    for access in a.references:
                        parent = self.parents.get(access.node)
                        if (
                            isinstance(parent, cst.Attribute)
                            and parent.value is access.node
                            and parent.attr.value in _ORM_METHOD_HINTS
                        ):
                            return True
                        # Already migrated by an earlier rule: client.x(collection_name=<param>)
                        call = self.parents.get(parent)
                        if (
                            isinstance(parent, cst.Arg)
                            and parent.keyword is not None
                            and parent.keyword.value == "collection_name"
                            and isinstance(call, cst.Call)
                            and self.is_client_call(call)
                        ):
                            return True
        del scope, func_scope
        return False

    def _assigned_value(self, node: cst.CSTNode | None) -> cst.BaseExpression | None:
        if not isinstance(node, cst.Name):
            return None
        target = self.parents.get(node)
        if isinstance(target, cst.AssignTarget):
            assign = self.parents.get(target)
            if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
                return assign.value
        if isinstance(target, cst.AnnAssign) and target.target is node:
            return target.value
        return None

    def _attr_bindings(self) -> None:
        from codemods import held_collections  # lazy: it imports this module

        for cls in _walk(self.module, cst.ClassDef):
            attrs: dict[str, list[cst.Call] | None] = {}
            nodes: dict[str, list[cst.Attribute]] = {}
            # `self.x = coll` with coll a tracked variable: self.x holds the same collection.
            copies: dict[str, list[tuple[cst.Name, CollectionBinding]]] = {}
            # `self.x = make(...)` with `make` a collection factory (see _factory).
            made: dict[str, list[cst.Call]] = {}
            nones: dict[str, list[cst.Attribute]] = {}  # `self.x = None` statements
            for method in _class_methods(cls):
                self_name = _first_param(method)
                if self_name is None:
                    continue
                for attr in _walk(method, cst.Attribute):
                    if not (isinstance(attr.value, cst.Name) and attr.value.value == self_name):
                        continue
                    if not self._is_first_param(attr.value, method):
                        continue  # the `self` of a class or function nested in the method
                    key = attr.attr.value
                    nodes.setdefault(key, []).append(attr)
                    value = self._attr_assigned_value(attr)
                    if value is _NOT_ASSIGNED:
                        continue
                    if held_collections.none_store(self, attr, value):
                        nones.setdefault(key, []).append(attr)
                        continue
                    copied = self._binding_of_node.get(value)  # type: ignore[arg-type]
                    if isinstance(value, cst.Call) and self.call_name(value) == "Collection":
                        current = attrs.get(key, [])
                        if current is not None:
                            attrs[key] = [*current, value]
                    elif isinstance(value, cst.Call) and self._factory(value) is not None:
                        if attrs.get(key, []) is not None:
                            attrs.setdefault(key, [])
                            made.setdefault(key, []).append(value)
                    elif isinstance(value, cst.Name) and copied is not None:
                        if copied.kind == "name" and attrs.get(key, []) is not None:
                            attrs.setdefault(key, [])
                            copies.setdefault(key, []).append((value, copied))
                        else:
                            attrs[key] = None
                    else:
                        attrs[key] = None
            for key, ctors in attrs.items():
                if ctors is None or not (ctors or copies.get(key) or made.get(key)):
                    continue
                aliases = {
                    self.alias_of_using((constructor_parts(c) or {}).get("using")) for c in ctors
                } | {copied.alias for _, copied in copies.get(key, [])}
                returned = [self._common_alias(self._factory(c)[2]) for c in made.get(key, [])]  # type: ignore[index]
                if False in returned:
                    continue  # a returned Collection() with unusual arguments (as _name_binding)
                aliases |= set(returned)  # type: ignore[arg-type]
                alias = aliases.pop() if len(aliases) == 1 else None
                if alias is not None and alias.startswith(REGISTRY_KEY):
                    alias = None  # the variable alias is only known in its own function
                binding = CollectionBinding(
                    f"self.{key}", "attr", ctors, alias, factory_calls=made.get(key, [])
                )
                for attr in nodes[key]:
                    if self._attr_assigned_value(attr) is not _NOT_ASSIGNED:
                        continue
                    self._binding_of_node[attr] = binding
                    binding.uses.append(Use(attr, True))
                self.bindings.append(binding)
                # Migrated together or not at all: the attribute and the variable copied
                # into it then both hold the name, or both the Collection.
                for value, copied in copies.get(key, []):
                    self._attr_copies.add(value)
                    self._share_blocked(copied, binding)
                held_collections.settle(self, cls, key, binding, nones.get(key, []), nodes[key])

    def _is_first_param(self, name: cst.Name, method: cst.FunctionDef) -> bool:
        """Whether `name` is `method`'s first parameter, not a parameter of the same name
        of a function or class method nested in it."""
        scope = self.scopes.get(name)
        first = method.params.params[0] if method.params.params else None
        if scope is None or first is None:
            return False
        return any(getattr(a, "node", None) is first for a in scope[name.value])

    def _attr_assigned_value(self, attr: cst.Attribute) -> object:
        target = self.parents.get(attr)
        if isinstance(target, cst.AssignTarget):
            assign = self.parents.get(target)
            if isinstance(assign, cst.Assign):
                return assign.value if len(assign.targets) == 1 else None
        if isinstance(target, cst.AnnAssign) and target.target is attr:
            return target.value
        return _NOT_ASSIGNED

    # -- uses ---------------------------------------------------------------------------

    def _classify_uses(self) -> None:
        methods = method_rules()
        props = property_rules()
        self._returned_opens()
        self._link_factories()
        # Parameters first: a caller passing a collection to a helper depends on them.
        ordered = sorted(self.bindings, key=lambda b: b.kind != "param")
        for binding in ordered:
            client = self.client_for(binding.alias)
            if client is None:
                where = (
                    binding.constructors[0]
                    if binding.constructors
                    else binding.uses[0].node
                    if binding.uses
                    else None
                )
                if where is not None:
                    binding.blocked.append((where, self._no_client_reason(binding)))
            exported = self._exported_global(binding)
            if exported:
                binding.blocked.append((binding.constructors[0], exported))
            # Some uses already migrated by an earlier rule means the binding was judged
            # convertible then (migration is all-or-nothing per binding); plain uses of the
            # variable (`print(col)`, which `col.name` became) no longer block it.
            migrated = any(self._is_migrated_use(use.node) for use in binding.uses)
            for use in binding.uses:
                reason = self._use_problem(use.node, binding, methods, props)
                if reason and migrated and reason.endswith(_SOFT_REASONS):
                    continue
                if reason:
                    use.ok = False
                    use.reason = reason
                    binding.blocked.append((use.node, reason))
            for ctor in binding.constructors:
                reason = self._ctor_problem(ctor)
                if reason:
                    binding.blocked.append((ctor, reason))
        self._check_param_callers(methods, props)

    def _exported_global(self, binding: CollectionBinding) -> str:
        """Why a public module-level variable holding a collection stays ORM: another file of
        the run imports this module (Options.imported_by), and may read the variable as a
        Collection object (`from db import collection; collection.search(...)`). Likewise a
        public attribute (`self.collection`) of a public module-level class: importers that
        hold an instance may read `store.collection.num_entities` (MM115, an unsafe fix)."""
        if binding.kind == "attr":
            return self._exported_attribute(binding)
        importers = self.ctx.options.imported_by
        if not importers or binding.kind != "name" or binding.label.startswith("_"):
            return ""
        if not binding.constructors or not isinstance(
            self.scopes.get(binding.constructors[0]), cst.metadata.GlobalScope
        ):
            return ""
        return (
            f"`{binding.label}` is a module-level name of a module that "
            f"`{Path(importers[0]).name}` imports: importers may use the Collection object"
        )

    def _exported_attribute(self, binding: CollectionBinding) -> str:
        from codemods.held_collections import EXPORTED_ATTRIBUTE  # lazy: it imports this module

        attr = binding.label.rsplit(".", 1)[-1]
        importers = self.ctx.options.imported_by
        # As for module-level names: only with an importer in the run (a file migrated alone
        # is read as before; docs/migration-guide.md says so).
        if not importers or attr.startswith("_") or not binding.constructors:
            return ""
        if attr not in self.ctx.options.importer_attributes:
            return ""  # no importer in the run names `.attr` at all
        if self.ctx.options.unsafe_fixes and self.ctx.may_rewrite(
            self.input_line(binding.constructors[0]), EXPORTED_ATTRIBUTE.code
        ):
            return ""
        method = self._enclosing(binding.constructors[0], cst.FunctionDef)
        klass = self._enclosing(method, cst.ClassDef) if method is not None else None
        if (
            not isinstance(klass, cst.ClassDef)
            or klass.name.value.startswith("_")
            or not isinstance(self.parents.get(klass), cst.Module)
        ):
            return ""
        return (
            f"{EXPORTED_ATTRIBUTE.code} {UNSAFE_FIX}: `{binding.label}` is a public attribute of "
            f"`{klass.name.value}`, a public class of a module that `{Path(importers[0]).name}` "
            f"imports: importers holding an instance may use it as a Collection (make it "
            f"`self._{attr}` if only the class reads it)"
        )

    def _check_param_callers(
        self, methods: dict[str, MethodRule], props: dict[str, PropertyRule]
    ) -> None:
        """A collection parameter becomes a collection name only when every caller in the
        module passes a collection that is migrated too: a caller passing a Collection
        object (`warm(make("x"))`) would reach `client.load_collection(collection_name=<a
        Collection>)`. Blocking a parameter blocks the collections passed to it in turn, so
        this runs to a fixed point."""
        changed = True
        while changed:
            changed = False
            for binding in self.bindings:
                if binding.kind != "param" or not binding.convertible:
                    continue
                if any(self._is_migrated_use(use.node) for use in binding.uses):
                    continue  # an earlier codemod of this run found every caller fine
                problem = self._caller_problem(binding)
                if problem:
                    where = binding.uses[0].node if binding.uses else None
                    binding.blocked.append((where, problem))
                    changed = True
            for binding in self.bindings:
                if not binding.convertible:
                    continue
                migrated = any(self._is_migrated_use(use.node) for use in binding.uses)
                for use in binding.uses:
                    if not isinstance(self.parents.get(use.node), cst.Arg):
                        continue
                    reason = self._use_problem(use.node, binding, methods, props)
                    if reason and not (migrated and reason.endswith(_SOFT_REASONS)):
                        use.ok = False
                        use.reason = reason
                        binding.blocked.append((use.node, reason))
                        changed = True

    def _caller_problem(self, binding: CollectionBinding) -> str:
        """Why the callers of the function with collection parameter `binding` may pass
        something other than a migrated collection ('' when every one passes one)."""
        label = binding.label
        param = self._param_of(binding)
        func = self.parents.get(self.parents.get(param)) if param is not None else None
        if not isinstance(func, cst.FunctionDef):
            return f"`{label}`: its function is not a plain function, so its callers are not known"
        name = func.name.value
        # The library rule goes last: a caller here passing something else is the more
        # specific reason.
        unseen = self.unseen_callers(func, library=False)
        if unseen:
            return (
                f"`{label}` is a parameter of `{name}()`, {unseen}: callers elsewhere may pass "
                "a Collection"
            )
        in_class = isinstance(self.parents.get(self.parents.get(func)), cst.ClassDef)
        positional = list(func.params.params)[1 if in_class else 0 :]
        index = next((i for i, p in enumerate(positional) if p is param), None)
        for ref in self._function_refs(func):
            call = self.parents.get(ref)
            assert isinstance(call, cst.Call)  # unseen_callers: every ref is a direct call
            if any(a.star for a in call.args):
                return (
                    f"`{label}`: a call of `{name}` passes *args or **kwargs "
                    f"(line {self.input_line(call)})"
                )
            given = [a for a in call.args if a.keyword and a.keyword.value == label]
            plain = [a for a in call.args if a.keyword is None]
            if not given and index is not None and index < len(plain):
                given = [plain[index]]
            if not given:
                return (
                    f"`{label}`: a call of `{name}` does not pass it (line {self.input_line(call)})"
                )
            passed = self._binding_of_node.get(given[0].value)
            if passed is None or not passed.convertible:
                return (
                    f"`{label}`: a caller passes "
                    f"`{cst.Module(body=[]).code_for_node(given[0].value)}`, "
                    f"which is not a migrated collection (line {self.input_line(call)})"
                )
        unseen = self.unseen_callers(func)
        if unseen:
            return (
                f"`{label}` is a parameter of `{name}()`, {unseen}: callers elsewhere may pass "
                "a Collection"
            )
        return ""

    def unseen_callers(self, func: cst.FunctionDef, *, library: bool = True) -> str:
        """Why code outside this module may call `func`, as a clause (`which nothing in this
        module calls`), or '' when every caller is in view: `func` is called here, only ever
        directly (`f(...)`; for a method, every `.m` in the module, `self.m(...)` included).
        A function nothing here calls, or one referred to other than by a direct call (passed
        as a value, a decorator registering it, listed in `__all__`), is part of the module's
        public surface: what its importers pass to it, or do with what it returns, is not
        visible, so a collection parameter of it or a Collection it returns stays ORM. So is
        a public function or method of a library module even when the module calls it too
        (_library_public; `library=False` leaves that rule out, for a caller that checks it
        after the in-module calls)."""
        name = func.name.value
        if func.decorators:
            return "which is decorated"
        if self.module_functions.get(name) is func and name in self._exported_names():
            return "which is listed in `__all__`"
        refs = self._function_refs(func)
        for ref in refs:
            call = self.parents.get(ref)
            if not isinstance(call, cst.Call) or call.func is not ref:
                return f"which is used other than by a direct call (line {self.input_line(ref)})"
        if refs and library and self._library_public(func):
            importers = self.ctx.options.imported_by
            if importers:
                return (
                    f"which is public in a module that `{Path(importers[0]).name}` imports "
                    "(importers may call it too)"
                )
            return (
                'which is public in a module with no `if __name__ == "__main__":` block '
                "that runs none of its own functions at import (read as a library: importers "
                "may call it too)"
            )
        if refs:
            return ""
        if name.startswith("__") and name.endswith("__"):
            return "which Python calls implicitly"
        return "which nothing in this module calls"

    def _library_public(self, func: cst.FunctionDef) -> bool:
        """`func` is a public module-level function or a public method of a public
        module-level class (no name starting with `_`) of a library module: one that is not a
        script (_is_script). Stated assumption: a script is not imported, so its in-module
        calls are all its callers;
        a library's public names are there for importers even when it calls them itself."""
        if func.name.value.startswith("_") or self._is_script():
            return False
        if self.module_functions.get(func.name.value) is func:
            return True
        block = self.parents.get(func)
        klass = self.parents.get(block) if isinstance(block, cst.IndentedBlock) else None
        return (
            isinstance(klass, cst.ClassDef)
            and isinstance(self.parents.get(klass), cst.Module)
            and not klass.name.value.startswith("_")
        )

    def _is_script(self) -> bool:
        """The module has a module-level `if __name__ == "__main__":` (either operand order),
        or its module-level code calls one of its own functions or classes (`main()`,
        `asyncio.run(main())`, `for n in names: make(n)`): importing such a module would run
        its work, so it is read as a script whose in-module calls are all the callers. A
        module that another file of the run imports (Options.imported_by) is not a script,
        whatever it looks like: its importers are callers too."""
        if self.ctx.options.imported_by:
            return False
        return self._has_main_guard() or self._runs_own_code_at_import()

    def _runs_own_code_at_import(self) -> bool:
        own = {
            stmt.name.value
            for stmt in self.module.body
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef))
        }
        classes = {s.name.value for s in self.module.body if isinstance(s, cst.ClassDef)}
        singletons = self._singletons(classes)
        for stmt in self.module.body:
            if isinstance(stmt, cst.ClassDef) or stmt in singletons:
                continue
            # A def runs its decorators and default values at import (v022:
            # `def search(query, collection=prepare())`), not its body.
            parts = _import_time_parts(stmt) if isinstance(stmt, cst.FunctionDef) else [stmt]
            for part in parts:
                for call in _walk(part, cst.Call):
                    if isinstance(call.func, cst.Name) and call.func.value in own:
                        if not self._inside_lambda(call, part):  # a lambda body runs later
                            return True
        return False

    def _singletons(self, classes: set[str]) -> set[cst.CSTNode]:
        """Module-level `name = OwnClass(...)` statements whose instance nothing else at
        module level touches: the singleton a library module builds for its importers
        (`milvus_manager = MilvusManager()`), which says nothing about the module being a
        script. One whose name module-level code goes on to use (`app = App()` then
        `app.run()`) is script work and still counts."""
        found: set[cst.CSTNode] = set()
        for stmt in self.module.body:
            if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
                continue
            assign = stmt.body[0]
            if not (
                isinstance(assign, cst.Assign)
                and len(assign.targets) == 1
                and isinstance(assign.targets[0].target, cst.Name)
                and isinstance(assign.value, cst.Call)
                and isinstance(assign.value.func, cst.Name)
                and assign.value.func.value in classes
            ):
                continue
            name = assign.targets[0].target.value
            used = any(
                isinstance(other, cst.Name) and other.value == name and other is not target
                for target in [assign.targets[0].target]
                for top in self.module.body
                if not isinstance(top, (cst.FunctionDef, cst.ClassDef))
                for other in _walk(top, cst.Name)
            )
            if not used:
                found.add(stmt)
        return found

    def _inside_lambda(self, node: cst.CSTNode, top: cst.CSTNode) -> bool:
        current = self.parents.get(node)
        while current is not None and current is not top:
            if isinstance(current, cst.Lambda):
                return True
            current = self.parents.get(current)
        return False

    def _has_main_guard(self) -> bool:
        for stmt in self.module.body:
            test = stmt.test if isinstance(stmt, cst.If) else None
            if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
                continue
            target = test.comparisons[0]
            if not isinstance(target.operator, cst.Equal):
                continue
            sides = [test.left, target.comparator]
            if any(isinstance(x, cst.Name) and x.value == "__name__" for x in sides) and any(
                string_value(x) == "__main__" for x in sides
            ):
                return True
        return False

    def _function_refs(self, func: cst.FunctionDef) -> list[cst.CSTNode]:
        """The nodes that may refer to `func`: its name in its defining scope, or for a
        method, every attribute of that name in the module."""
        name = func.name.value
        if isinstance(self.parents.get(self.parents.get(func)), cst.ClassDef):
            return [a for a in _walk(self.module, cst.Attribute) if a.attr.value == name]
        scope = self.scopes.get(func)
        return [
            access.node
            for assignment in (scope.assignments[name] if scope is not None else ())
            for access in assignment.references
        ]

    def _exported_names(self) -> set[str]:
        """The literal strings of the module-level `__all__` (assigned or extended)."""
        if self._exported is None:
            self._exported = set()
            for stmt in self.module.body:
                if not isinstance(stmt, cst.SimpleStatementLine):
                    continue
                for small in stmt.body:
                    if isinstance(small, cst.Assign):
                        targets = [t.target for t in small.targets]
                    elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                        targets = [small.target]
                    else:
                        continue
                    if not any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
                        continue
                    value = small.value
                    if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
                        for element in value.elements:
                            text = string_value(element.value)
                            if text is not None:
                                self._exported.add(text)
        return self._exported

    def _is_migrated_use(self, node: cst.CSTNode) -> bool:
        parent = self.parents.get(node)
        call = self.parents.get(parent) if isinstance(parent, cst.Arg) else None
        return (
            isinstance(call, cst.Call)
            and parent.keyword is not None
            and parent.keyword.value == "collection_name"
            and self.is_client_call(call)
        )

    def _no_client_reason(self, binding: CollectionBinding) -> str:
        if binding.alias is None:
            return "the connection alias is not a literal string"
        if not self.connect_calls and not self.client_vars:
            return "this module does not connect, so the MilvusClient to use is unknown"
        problem = self.alias_problem(binding.alias)
        if problem:  # it connects the alias, but that connect stays ORM and binds no client
            return problem
        return f"no connections.connect() for alias {binding.alias!r} in this module"

    def _ctor_problem(self, ctor: cst.Call) -> str:
        parts = constructor_parts(ctor)
        if parts is None:
            return "Collection() with unusual arguments"
        holder = self._statement_of(ctor)
        returned = isinstance(self.parents.get(ctor), cst.Return) and self._returned_open(
            self.parents.get(ctor)  # type: ignore[arg-type]
        )
        if holder is None and not returned:
            return "Collection() is not a plain assignment statement"
        if self._inside_exception_check(ctor):
            # A has_collection guard (an exit guard before the open, or through a wrapper
            # method) can prove there is no existence or schema check left to fail
            # (codemods.existence_guards).
            from codemods.existence_guards import guard_proves  # lazy: imports this
            from codemods.open_check import open_check_problem  # lazy: imports this

            if not guard_proves(self, ctor):
                # An open can carry the ORM's own existence check instead (MM110 writes it,
                # codemods.open_check); anything else stays ORM.
                reason = (
                    "inside try/except: the code relies on the ORM's existence and schema "
                    "checks (trap 2)"
                )
                cannot = open_check_problem(self, ctor)
                if cannot:
                    return f"{reason}, and {cannot}"
                self.checked_opens[ctor] = reason
        else:
            # The try/except may be one or more same-module calls up (codemods.caller_try).
            from codemods.caller_try import caller_try_problem  # lazy: imports this
            from codemods.open_check import open_check_problem  # lazy: imports this

            reached = caller_try_problem(self, ctor)
            if reached:
                cannot = open_check_problem(self, ctor)
                if cannot:
                    return f"{reached}, and {cannot}"
                self.checked_opens[ctor] = reached
            else:
                from codemods.caller_try import caller_try_create  # lazy: imports this

                # A create reached from a try migrates either way (as outside any try); it
                # carries the ORM's schema comparison where it can (codemods.create_check).
                reached = caller_try_create(self, ctor)
                cannot = open_check_problem(self, ctor) if is_create(ctor) else ""
                if reached and not cannot:
                    self.checked_opens[ctor] = reached
                elif is_create(ctor) and not cannot:
                    # Uncaught, the ORM's error still stops the program before it writes
                    # into a collection with another schema; the migrated create does too.
                    self.checked_opens[ctor] = (
                        "an existing collection with another schema stops the program"
                    )
                elif cannot:
                    self.unchecked_creates[ctor] = cannot
        allowed = {"name", "schema", "using", *CREATE_KWARGS}
        extra = [k for k in parts if k not in allowed]
        if extra:
            return (
                f"Collection() keyword(s) {', '.join(extra)} have no create_collection equivalent"
            )
        return self.client_unbound_problem(self.alias_of_using(parts.get("using")), ctor)

    def _inside_exception_check(self, node: cst.CSTNode) -> bool:
        current = self.parents.get(node)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module)):
            parent = self.parents.get(current)
            if isinstance(parent, cst.Try) and current is parent.body:
                for handler in parent.handlers:
                    text = (
                        ""
                        if handler.type is None
                        else cst.Module(body=[]).code_for_node(handler.type)
                    )
                    if not text or any(
                        k in text for k in ("SchemaNotReady", "MilvusException", "Exception")
                    ):
                        return True
            current = parent
        return False

    def _statement_of(self, call: cst.Call) -> cst.SimpleStatementLine | None:
        """The statement line when `call` is `x = Collection(...)`, `self.x = ...` or bare."""
        parent = self.parents.get(call)
        if isinstance(parent, (cst.Assign, cst.Expr, cst.AnnAssign)):
            line = self.parents.get(parent)
            if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
                return line
        return None

    def statement_of(self, call: cst.Call) -> cst.SimpleStatementLine | None:
        return self._statement_of(call)

    def inside_exception_check(self, node: cst.CSTNode) -> bool:
        return self._inside_exception_check(node)

    def _use_problem(
        self,
        node: cst.CSTNode,
        binding: CollectionBinding,
        methods: dict[str, MethodRule],
        props: dict[str, PropertyRule],
        *,
        none_checked: bool = False,
    ) -> str:
        from codemods import held_collections  # lazy: it imports this module

        if binding.may_be_none and not none_checked:
            problem = held_collections.none_problem(self, node, binding)
            if problem:
                # A use that would stay ORM anyway reports why: the unsafe fix (MM113) that
                # lifts "may still be None" would not help there.
                return self._use_problem(node, binding, methods, props, none_checked=True) or (
                    problem
                )
            if problem is not None:
                return problem
        parent = self.parents.get(node)
        label = binding.label
        env = Env(
            client=self.client_for(binding.alias) or "client",
            name=node,  # type: ignore[arg-type]
            model=self,
            fresh_name=self.fresh_name,
        )
        if isinstance(parent, cst.Attribute) and parent.value is node:
            grand = self.parents.get(parent)
            name = parent.attr.value
            if isinstance(grand, cst.Call) and grand.func is parent:
                rule = methods.get(name)
                if rule is None:
                    return _no_rule(f"`{label}.{name}()`", name)
                env.statement = self._is_expr_statement(grand)
                env.original = grand
                if binding.kind == "call":  # `make(...).m()`: see where the call lands
                    env.name = cst.Name(_SENTINEL)
                result = rule.convert(grand, env)
                if isinstance(result, Refuse):
                    return f"`{label}.{name}()`: {result.reason}"
                if binding.kind == "call":
                    problem = self._receiver_problem(node, binding, result)  # type: ignore[arg-type]
                    if problem:
                        return problem
                code = result.code or rule.code
                if result.unsafe and not self.ctx.options.unsafe_fixes:
                    return f"`{label}.{name}()` {UNSAFE_FIX}: {result.note}"
                if not self.ctx.may_rewrite(self.input_line(grand), code):
                    return f"`{label}.{name}()` is suppressed or its rule {code} is disabled"
                return ""
            rule_p = props.get(name)
            if rule_p is None:
                return _no_rule(f"`{label}.{name}`", name)
            result = rule_p.convert(parent, env)
            if isinstance(result, Refuse):
                return f"`{label}.{name}`: {result.reason}"
            if not self.ctx.may_rewrite(self.input_line(parent), rule_p.code):
                return f"`{label}.{name}` is suppressed or its rule {rule_p.code} is disabled"
            return ""
        if isinstance(parent, cst.Arg):
            call = self.parents.get(parent)
            if isinstance(call, cst.Call):
                if self.is_client_call(call) and parent.keyword is not None:
                    return ""  # already migrated: client.x(collection_name=<this>)
                if self._passes_to_collection_param(call, parent) and not (
                    binding.alias or ""
                ).startswith(INSTANCE_KEY):
                    return ""  # (a helper's parameter has the module's client, not self's)
                if self.call_name(call) == "Partition" and call.args and call.args[0] is parent:
                    return ""  # checked with the Partition binding (_partition_bindings)
                if self.call_name(call) == "Index" and call.args and call.args[0] is parent:
                    return ""  # checked with the Index object (index_objects.index_objects)
            return f"`{label}` {_SOFT_REASONS[0]}"
        if isinstance(parent, cst.Return):
            func = self._enclosing(parent, cst.FunctionDef)
            if func in self._factories_ok:
                return ""  # a factory whose every call assigns a tracked variable (linked)
            unseen = self.unseen_callers(func) if isinstance(func, cst.FunctionDef) else ""
            if unseen:
                return (
                    f"returned from `{func.name.value}()`, {unseen}: callers elsewhere may "  # type: ignore[union-attr]
                    "use the Collection object"
                )
            if self._result_discarded(parent):
                return ""  # `return col` from a helper whose every call drops the result
        if isinstance(parent, cst.Assign) and parent.value is node and node in self._attr_copies:
            return ""  # `self.x = coll`: self.x is tracked together with coll
        return f"`{label}` {_SOFT_REASONS[1]}"

    def _result_discarded(self, ret: cst.Return) -> bool:
        """`ret` is in a module-level function that is only ever called as a statement of its
        own here, so the returned handle (a name after migration) is never looked at."""
        current = self.parents.get(ret)
        while current is not None and not isinstance(
            current, (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.Module)
        ):
            current = self.parents.get(current)
        if not isinstance(current, cst.FunctionDef):
            return False
        name = current.name.value
        if self.module_functions.get(name) is not current:
            return False
        scope = self.scopes.get(current)
        assignments = list(scope.assignments[name]) if scope is not None else []
        if len(assignments) != 1:
            return False
        if not assignments[0].references:
            return False  # called from elsewhere, if at all (unseen_callers)
        for access in assignments[0].references:
            call = self.parents.get(access.node)
            if not (
                isinstance(call, cst.Call)
                and call.func is access.node
                and self._is_expr_statement(call)
            ):
                return False
        return True

    def _is_expr_statement(self, call: cst.Call) -> bool:
        parent = self.parents.get(call)
        return isinstance(parent, cst.Expr) and isinstance(
            self.parents.get(parent), cst.SimpleStatementLine
        )

    def is_expr_statement(self, call: cst.Call) -> bool:
        return self._is_expr_statement(call)

    def is_client_call(self, call: cst.Call) -> bool:
        func = call.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Subscript):
            # `milvus_clients[alias].m(...)`: a call rewritten to the alias registry's client
            registry = func.value.value
            return (
                isinstance(registry, cst.Name)
                and self.alias_registry is not None
                and registry.value == self.alias_registry.name
            )
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute):
            from codemods.instance_client import is_instance_client_expr  # lazy: imports this

            return is_instance_client_expr(self, func.value)
        return (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and (
                func.value.value in self.client_vars
                or func.value.value in self.client_names.values()
            )
        )

    def _passes_to_collection_param(self, call: cst.Call, arg: cst.Arg) -> bool:
        if not isinstance(call.func, cst.Name):
            return False
        func = self.module_functions.get(call.func.value)
        if func is None:
            return False
        params = list(func.params.params)
        if arg.keyword is not None:
            target = next((p for p in params if p.name.value == arg.keyword.value), None)
        else:
            positional = [a for a in call.args if a.keyword is None and not a.star]
            if arg.star or arg not in positional:
                return False
            i = positional.index(arg)
            target = params[i] if i < len(params) else None
        if target is None:
            return False
        binding = next(
            (
                b
                for b in self.bindings
                if b.kind == "param"
                and b.label == target.name.value
                and self._param_of(b) is target
            ),
            None,
        )
        return binding is not None and binding.convertible

    def param_binding(self, param: cst.Param) -> CollectionBinding | None:
        for binding in self.bindings:
            if (
                binding.kind == "param"
                and binding.label == param.name.value
                and self._param_of(binding) is param
            ):
                return binding
        return None

    def _param_of(self, binding: CollectionBinding) -> cst.Param | None:
        for use in binding.uses:
            scope = self.scopes.get(use.node)
            if scope is None:
                continue
            for a in scope.assignments[binding.label]:
                if isinstance(getattr(a, "node", None), cst.Param):
                    return a.node  # type: ignore[return-value]
        return None


@dataclass
class PartitionBinding:
    """`p = Partition(collection, name)`: p becomes the partition name."""

    label: str
    ctor: cst.Call
    collection: cst.BaseExpression  # the collection-name expression (variable or literal)
    client: str | None
    uses: list[cst.CSTNode] = field(default_factory=list)
    blocked: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    # `p = col.partition(name)`: p becomes `name if client.has_partition(...) else None`, so
    # it may be None and every use other than a test of it must sit behind one.
    lookup: bool = False
    # The tracked collection it belongs to: read live, since a later analysis step (index
    # objects) may still keep that collection ORM, and the partition must then stay too.
    owner: CollectionBinding | None = None

    @property
    def convertible(self) -> bool:
        return (
            not self.blocked
            and self.client is not None
            and (self.owner is None or self.owner.convertible)
        )

    @property
    def reason(self) -> str:
        if self.blocked:
            return self.blocked[0][1]
        if self.owner is not None and not self.owner.convertible:
            return f"its collection `{self.owner.label}` stays ORM"
        return "no MilvusClient for its connection"


PARTITION_METHODS = {
    "insert", "upsert", "delete", "search", "query", "hybrid_search", "load", "release",
    "drop", "flush",
}  # fmt: skip
PARTITION_PROPERTIES = {"name", "num_entities", "is_empty"}


def is_partition_lookup(self: OrmModel, call: cst.CSTNode) -> bool:
    """`col.partition(...)` on a tracked collection binding."""
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "partition"
        and call.func.value in self._binding_of_node
    )


def sole_assignment(self: OrmModel, value: cst.CSTNode) -> Assignment | None:
    """The assignment of `x` in `x = <value>` when it is x's only one in its function or module
    scope: then every read of x (its `references`) sees exactly `value`."""
    assign = self.parents.get(value)
    if not isinstance(assign, cst.Assign) or assign.value is not value:
        return None
    if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
        return None
    target = assign.targets[0].target
    scope = self.scopes.get(target)
    if scope is None or isinstance(scope, cst.metadata.ClassScope):
        return None
    assignments = list(scope.assignments[target.value])
    if len(assignments) != 1 or getattr(assignments[0], "node", None) is not target:
        return None
    return assignments[0]  # type: ignore[return-value]  # BaseAssignment: a Name target is an Assignment


def lookup_target(self: OrmModel, call: cst.Call) -> cst.Name | None:
    """The name `x` of `x = col.partition(p)` when that is x's only assignment in a function
    or module scope (the condition under which _partition_bindings tracks x)."""
    if self.statement_of(call) is None:
        return None
    assignment = self.sole_assignment(call)
    return None if assignment is None else assignment.node


def _partition_bindings(self: OrmModel) -> None:
    for scope in self.ordered_scopes():
        if isinstance(scope, cst.metadata.ClassScope):
            continue
        for name in dict.fromkeys(a.name for a in self.in_source_order(scope.assignments)):
            assignments = self.in_source_order(scope.assignments[name])
            values = [self._assigned_value(getattr(a, "node", None)) for a in assignments]
            if len(values) != 1:
                continue
            ctor = values[0]
            if self.call_name(ctor) == "Partition":
                binding = self._make_partition(name, ctor)
                coll = self._binding_of_node.get(ctor.args[0].value) if ctor.args else None
            elif self.is_partition_lookup(ctor) and self.lookup_target(ctor) is not None:
                binding = self._make_lookup(name, ctor)
                coll = self._binding_of_node.get(ctor.func.value)
            else:
                continue
            assert isinstance(ctor, cst.Call)
            accesses = [
                access.node for a in assignments for access in self.in_source_order(a.references)
            ]
            for node in accesses:
                binding.uses.append(node)
                self._partition_of_node[node] = binding
            for node in accesses:
                problem = self._partition_use_problem(node, binding)
                if problem:
                    binding.blocked.append((node, problem))
            binding.owner = coll
            self.partitions.append(binding)
    # A partition and its collection are migrated together: a partition that stays ORM for
    # its own uses keeps the collection ORM, and through `owner` every other partition of it
    # (also one checked before the collection was blocked).
    for binding in self.partitions:
        coll = binding.owner
        if coll is not None and coll.convertible and not binding.convertible:
            label = binding.label
            coll.blocked.append((binding.ctor, f"partition `{label}` stays ORM: {binding.reason}"))


def _make_lookup(self: OrmModel, label: str, call: cst.Call) -> PartitionBinding:
    """`x = col.partition(p)`; the call's own arguments are checked by its MethodRule."""
    coll = self._binding_of_node[call.func.value]
    binding = PartitionBinding(label, call, call.func.value, self.client_for(coll.alias))
    binding.lookup = True
    return binding


def _lookup_test(self: OrmModel, node: cst.CSTNode) -> cst.CSTNode | None:
    """The expression that tests `node` for None, when its value is only tested: `if x`,
    `x if x else ...`, `not x`, `x is (not) None`, `x and ...` (None when x is None).
    None when the value itself is used."""
    parent = self.parents.get(node)
    if isinstance(parent, (cst.If, cst.While, cst.IfExp)) and parent.test is node:
        return node
    if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
        return parent
    if isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.And):
        return node if parent.left is node else None
    if (
        isinstance(parent, cst.Comparison)
        and parent.left is node
        and len(parent.comparisons) == 1
        and isinstance(parent.comparisons[0].operator, (cst.Is, cst.IsNot))
        and isinstance(parent.comparisons[0].comparator, cst.Name)
        and parent.comparisons[0].comparator.value == "None"
    ):
        return parent
    return None


def _guarded(self: OrmModel, node: cst.CSTNode, binding: PartitionBinding) -> bool:
    """`node` only runs when the lookup found the partition: inside `if x:` / `if x is not
    None:`, `... if x else ...` or `x and ...` (x never reassigned: one assignment)."""

    def found(test: cst.BaseExpression) -> bool:
        if isinstance(test, cst.Name):
            return self._partition_of_node.get(test) is binding
        return (
            isinstance(test, cst.Comparison)
            and self._partition_of_node.get(test.left) is binding
            and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.IsNot)
            and isinstance(test.comparisons[0].comparator, cst.Name)
            and test.comparisons[0].comparator.value == "None"
        )

    child, current = node, self.parents.get(node)
    while current is not None and not isinstance(
        current, (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.Module)
    ):
        if isinstance(current, (cst.If, cst.IfExp)) and current.body is child:
            if found(current.test):
                return True
        if (
            isinstance(current, cst.BooleanOperation)
            and isinstance(current.operator, cst.And)
            and current.right is child
            and found(current.left)
        ):
            return True
        child, current = current, self.parents.get(current)
    return False


def _make_partition(self: OrmModel, label: str, ctor: cst.Call) -> PartitionBinding:
    args = list(ctor.args)
    binding = PartitionBinding(label, ctor, cst.Name("_"), None)
    if len(args) < 2 or any(a.star for a in args) or args[0].keyword or args[1].keyword:
        binding.blocked.append((ctor, "Partition() with unusual arguments"))
        return binding
    extra = [a.keyword.value for a in args[2:] if a.keyword is not None]
    if (
        any(k not in ("description",) for k in extra)
        or len([a for a in args[2:] if a.keyword is None]) > 1
    ):
        binding.blocked.append((ctor, "Partition() arguments without a client equivalent"))
    first = args[0].value
    coll = self._binding_of_node.get(first)
    if coll is not None:
        binding.collection = first
        binding.client = self.client_for(coll.alias)
        if not coll.convertible:
            binding.blocked.append((ctor, f"its collection `{coll.label}` stays ORM"))
    elif string_value(first) is not None or self.literal(first) is not None:
        binding.collection = first
        binding.client = self.client_for("default")
    else:
        binding.blocked.append((ctor, "the collection argument is not a tracked collection"))
    unbound = self.client_unbound_problem(coll.alias if coll is not None else "default", ctor)
    if unbound:
        binding.blocked.append((ctor, unbound))
    if self.statement_of(ctor) is None or not isinstance(self.parents.get(ctor), cst.Assign):
        binding.blocked.append((ctor, "Partition() is not a plain assignment"))
    return binding


def _partition_use_problem(self: OrmModel, node: cst.CSTNode, binding: PartitionBinding) -> str:
    parent = self.parents.get(node)
    if binding.lookup:
        if self.lookup_test(node) is not None:
            return ""
        if not self.guarded(node, binding):
            label = binding.label
            return f"`{label}` (a Partition or None) is used without an `if {label}` guard"
    if isinstance(parent, cst.Attribute) and parent.value is node:
        grand = self.parents.get(parent)
        attr = parent.attr.value
        if isinstance(grand, cst.Call) and grand.func is parent:
            if attr in ("insert", "upsert") and grand.args:
                shape = self.data_shape(grand.args[0].value)
                if shape in ("columns", "dataframe"):
                    return f"`{binding.label}.{attr}()` with {shape} data"
            return "" if attr in PARTITION_METHODS else f"`{binding.label}.{attr}()` has no rewrite"
        return "" if attr in PARTITION_PROPERTIES else f"`{binding.label}.{attr}` has no rewrite"
    if isinstance(parent, cst.Arg):
        call = self.parents.get(parent)
        if isinstance(call, cst.Call) and self.is_client_call(call) and parent.keyword is not None:
            return ""
    if isinstance(parent, cst.Element):
        lst = self.parents.get(parent)
        arg = self.parents.get(lst)
        if (
            isinstance(arg, cst.Arg)
            and arg.keyword is not None
            and arg.keyword.value == "partition_names"
        ):
            return ""
    return f"`{binding.label}` is used as a Partition object"


OrmModel._partition_bindings = _partition_bindings  # type: ignore[attr-defined]
OrmModel.is_partition_lookup = is_partition_lookup  # type: ignore[attr-defined]
OrmModel.lookup_target = lookup_target  # type: ignore[attr-defined]
OrmModel.sole_assignment = sole_assignment  # type: ignore[attr-defined]
OrmModel._make_lookup = _make_lookup  # type: ignore[attr-defined]
OrmModel.lookup_test = _lookup_test  # type: ignore[attr-defined]
OrmModel.guarded = _guarded  # type: ignore[attr-defined]
OrmModel._make_partition = _make_partition  # type: ignore[attr-defined]
OrmModel._partition_use_problem = _partition_use_problem  # type: ignore[attr-defined]


# Collection methods a factory call may be the receiver of (`make(...).search(...)`): each
# has a rewrite into one client call that takes the collection name (_receiver_problem checks
# the rewrite itself); methods that bind objects to the collection (partition(), index()) are
# not among them.
_RECEIVER_METHODS = {
    "insert", "upsert", "delete", "search", "query", "hybrid_search", "load", "release",
    "flush",
}  # fmt: skip
# Stands for the factory call while _receiver_problem inspects a rewrite (not an identifier
# anyone writes).
_SENTINEL = "__milvus_migrate_factory_call__"


def _is_sentinel(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Name) and node.value == _SENTINEL


def _decorator_name(decorator: cst.Decorator) -> str:
    expr = decorator.decorator
    if isinstance(expr, cst.Call):
        expr = expr.func
    return expr.attr.value if isinstance(expr, cst.Attribute) else getattr(expr, "value", "")


# Method names that mark a `col`-named parameter as a Collection (not the ones a pandas
# column has too: describe, truncate, name, ...).
_ORM_METHOD_HINTS = {
    "insert", "upsert", "delete", "search", "query", "hybrid_search", "load", "release",
    "flush", "drop", "create_index", "num_entities", "query_iterator", "search_iterator",
    "create_partition", "has_partition", "drop_partition", "has_index", "drop_index",
    "set_properties", "alter_index", "compact", "get_compaction_state",
    "get_compaction_plans", "wait_for_compaction_completed", "get_replicas", "num_shards",
    "primary_field",
}  # fmt: skip

# Collection() keywords that create_collection accepts as they are.
CREATE_KWARGS = {
    "shards_num", "num_shards", "consistency_level", "properties", "num_partitions",
    "timeout", "description", "enable_dynamic_field",
}  # fmt: skip

_NOT_ASSIGNED = object()
_SOFT_REASONS = (
    "is passed to code that may expect a Collection object",
    "is used as an object, not only through its methods",
)


def connect_alias(call: cst.Call, literal=string_value) -> str | None:
    """The alias of a `connections.connect(...)` call (None when not a literal)."""
    for i, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == "alias":
            return literal(arg.value)
        if arg.keyword is None and not arg.star and i == 0:
            return literal(arg.value)
        if arg.star:
            return None
    return "default"


def _identifier(alias: str) -> str:
    out = re.sub(r"\W", "_", alias)
    return out if out and not out[0].isdigit() else f"a_{out}"


# kind -> node type -> whether a node of that type is an instance of kind. libcst's node
# classes are ABCs, whose isinstance runs Python code (ABCMeta.__instancecheck__); a walk asks it
# for every node, and a type's answer never changes.
_IS_KIND: dict[type, dict[type, bool]] = {}


def _walk(node: cst.CSTNode, kind: type) -> Iterator:
    """The nodes of `kind` in `node`'s tree, in pre-order.

    Over `children_of`, not `.children`: `node.children` rebuilds the node to collect them, and
    the model walks the whole module several times per analysis. While the engine's
    `read_only_visits` block lasts, `children_of` remembers each node's children, and the
    metadata's own walk (metadata_resolve) has already recorded every node of the tree, and
    kept the order it met them in: a walk of the analysed tree's root reads that list.
    """
    is_kind = _IS_KIND.get(kind)
    if is_kind is None:
        is_kind = _IS_KIND[kind] = {}
    nodes = preorder_of(node)  # the tree's nodes in this order, when its metadata walked it
    if nodes is not None:
        for current in nodes:
            match = is_kind.get(type(current))
            if match is None:
                match = is_kind[type(current)] = isinstance(current, kind)
            if match:
                yield current
        return
    stack = [node]
    while stack:
        current = stack.pop()
        match = is_kind.get(type(current))
        if match is None:
            match = is_kind[type(current)] = isinstance(current, kind)
        if match:
            yield current
        stack.extend(reversed(children_of(current)))


def _import_time_parts(func: cst.FunctionDef) -> list[cst.CSTNode]:
    """What a `def` statement evaluates when it runs: its decorators and default values."""
    params = func.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    return [*func.decorators, *(p.default for p in every if p.default is not None)]


def _no_rule(use: str, member: str) -> str:
    """Why `use` of a Collection's `member` stays ORM when no rule rewrites it: a member that
    pymilvus's Collection does not have (v031's `is_loaded`) fails on the ORM too."""
    from codemods.orm_symbols import lookup  # lazy: the table is only read here

    if member[:1].isalpha() and lookup("Collection", member) is None:
        return (
            f"{use} is not an attribute of pymilvus's Collection: the ORM code raises "
            "AttributeError here"
        )
    return f"{use} has no MilvusClient rewrite"


def self_attribute_members(cls: cst.ClassDef, attr: str) -> Iterator[cst.Attribute]:
    """Each `self.<attr>.<member>` in `cls` (`self` by name), the uses of an attribute of
    the class: what stays ORM with a `self.<attr> = Collection(...)` that is not tracked
    (reported by codemods.lifecycle, counted by tests.codemods.site_coverage). A class nested
    in it has a `self` of its own (u005's wrapper class), so its body is left out."""
    nested = {
        id(n) for c in _walk(cls, cst.ClassDef) if c is not cls for n in _walk(c, cst.Attribute)
    }
    for node in _walk(cls, cst.Attribute):
        if id(node) in nested:
            continue
        holder = node.value
        if (
            isinstance(holder, cst.Attribute)
            and isinstance(holder.value, cst.Name)
            and holder.value.value == "self"
            and holder.attr.value == attr
        ):
            yield node


def _class_methods(cls: cst.ClassDef) -> Iterator[cst.FunctionDef]:
    body = cls.body
    if isinstance(body, cst.IndentedBlock):
        for stmt in body.body:
            if isinstance(stmt, cst.FunctionDef):
                yield stmt


def _all_params(func: cst.FunctionDef) -> list[cst.Param]:
    p = func.params
    star = [p.star_arg] if isinstance(p.star_arg, cst.Param) else []
    kwargs = [p.star_kwarg] if p.star_kwarg is not None else []
    return [*p.posonly_params, *p.params, *star, *p.kwonly_params, *kwargs]


def _first_param(func: cst.FunctionDef) -> str | None:
    params = func.params.params
    return params[0].name.value if params else None


class _Collector:
    """One read-only walk: ORM names, connect sites, clients, module functions.

    The walk is a plain pre-order loop over the tree (the visit order of a CSTVisitor, whose
    `visit_<Node>` hooks these were), calling the hook named after each node's type, as
    CSTVisitor's `on_visit` does; none of them skips children. A visitor walk cost about a third
    more per node, over every node of every analysed tree.
    """

    def __init__(self, model: OrmModel) -> None:
        self.model = model
        self._skip: set[int] = set()
        self._names: Mapping = {}

    def collect(self) -> None:
        self._names = self.model.wrapper.resolve(QualifiedNameProvider)
        hooks = {
            cst.Arg: self.visit_Arg,
            cst.Name: self.visit_Name,
            cst.Attribute: self.visit_Attribute,
            cst.Call: self.visit_Call,
            cst.FunctionDef: self.visit_FunctionDef,
        }
        hook_of = hooks.get
        for node in _walk(self.model.module, cst.CSTNode):
            hook = hook_of(type(node))
            if hook is not None:
                hook(node)

    def _qualified(self, node: cst.CSTNode) -> set:
        # what CSTVisitor.get_metadata(QualifiedNameProvider, node, set()) returns
        value = self._names.get(node, set())
        return value() if isinstance(value, LazyValue) else value

    def _record(self, node: cst.CSTNode) -> None:
        for q in self._qualified(node):
            name = canonical_name(q.name)
            if name is not None:
                self.model.canonical_of[node] = name
                return

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(id(node.keyword))

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._skip:
            self.model._used_names.add(node.value)
        self._record(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip.add(id(node.attr))
        self._record(node)

    def visit_Call(self, node: cst.Call) -> None:
        self._record(node.func)
        if self.model.canonical_of.get(node.func) == "connections.connect":
            self.model.connect_calls.append(node)
        elif self.model.canonical_of.get(node.func) in _DISCONNECTS:
            self.model.disconnect_calls.append(node)
        if self._is_milvus_client(node.func):
            self.model.client_calls.add(node)
            parent = self.model.parents.get(node)
            if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
                target = parent.targets[0].target
                if isinstance(target, cst.Name):
                    self.model.client_vars.add(target.value)

    def _is_milvus_client(self, func: cst.BaseExpression) -> bool:
        qualified = self._qualified(func)
        if any(q.name in MILVUS_CLIENT_NAMES for q in qualified):
            return True
        # The rewrite's own `MilvusClient(...)` before MM180 imports it: the module's name
        # for pymilvus's class, bound to nothing (never a project class of that name).
        return (
            isinstance(func, cst.Name) and func.value == self.model.client_class and not qualified
        )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        parent = self.model.parents.get(node)
        if isinstance(parent, cst.Module):
            self.model.module_functions[node.name.value] = node


def build_model(wrapper: MetadataWrapper, ctx: MigrationContext) -> OrmModel:
    return OrmModel(wrapper, ctx)


_DISCONNECTS = ("connections.disconnect", "connections.remove_connection")

# Every provider the model reads (OrmModel, _Collector); the schema and async rules read the
# same ones. ExpressionContextProvider comes in as ScopeProvider's dependency.
ANALYSIS_PROVIDERS = (PositionProvider, ParentNodeProvider, ScopeProvider, QualifiedNameProvider)


def wrapper_of(module: cst.Module, ctx: MigrationContext, providers: tuple = ()) -> MetadataWrapper:
    """The metadata wrapper of `module`, made once per tree (see `model_of`), with
    `providers` resolved.

    Why `providers` are resolved here, together: each batchable provider that libcst resolves
    on its own is a walk of the whole tree (a rebuild of every node), and resolving
    PositionProvider alone costs one more, empty, batched walk after it. Asked for in one
    `resolve_many`, ParentNodeProvider shares its walk with ExpressionContextProvider and
    PositionProvider needs no walk of its own. The metadata are the same either way.
    """
    cached = ctx.analysis
    if cached is not None and cached[0] is module:
        wrapper = cached[1]
    else:
        # `unshared` copies what MetadataWrapper's copy of the whole tree is for: the nodes
        # used in two places (codemods transform `wrapper.module` either way).
        # The previous analysis' parents let it skip what the rewrite kept (see there).
        previous = cached[1]._metadata.get(ParentNodeProvider) if cached is not None else None
        wrapper = MetadataWrapper(unshared(module, previous), unsafe_skip_copy=True)
        ctx.analysis = (module, wrapper, None)
    if providers:
        resolve_providers(wrapper, providers)  # a no-op for the ones already resolved
    return wrapper


def model_of(module: cst.Module, ctx: MigrationContext) -> OrmModel:
    """The model of `module`, built once per tree.

    Building it (a copy of the tree, scope and qualified-name metadata, one walk) is most of a
    codemod's cost. The engine hands the next codemod the very same tree object when a codemod
    changed nothing, so consecutive codemods over an unchanged tree share one wrapper and one
    model. Codemods transform `model.module` (the wrapper's copy), never the tree they were
    given, so node identity between model and tree holds either way.
    """
    wrapper = wrapper_of(module, ctx, ANALYSIS_PROVIDERS)
    assert ctx.analysis is not None
    model = ctx.analysis[2]
    if model is None:
        model = OrmModel(wrapper, ctx)
        ctx.analysis = (module, wrapper, model)
    return model


# ---- data shapes and schemas (used by the data rules) ----------------------------------


def _shape_of_literal(expr: cst.BaseExpression) -> str | None:
    if isinstance(expr, (cst.Dict, cst.DictComp)):
        return "row"
    if isinstance(expr, cst.ListComp):
        return "rows" if isinstance(expr.elt, (cst.Dict, cst.DictComp)) else None
    if isinstance(expr, cst.List):
        kinds = set()
        for element in expr.elements:
            value = element.value
            if isinstance(element, cst.StarredElement):
                return None
            if isinstance(value, (cst.Dict, cst.DictComp)):
                kinds.add("rows")
            elif _is_list_valued(value) or isinstance(
                value, (cst.Name, cst.Call, cst.Attribute, cst.Subscript)
            ):
                kinds.add("columns")
            else:
                return None
        return kinds.pop() if len(kinds) == 1 else None
    return None


def _is_list_valued(expr: cst.BaseExpression) -> bool:
    """A list display or comprehension, or `[x] * n` / `[a] + b` built from one: the ORM
    takes a list whose first element is a list as columns, whatever the list holds."""
    if isinstance(expr, (cst.List, cst.ListComp)):
        return True
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.Multiply, cst.Add)):
        return _is_list_valued(expr.left) or _is_list_valued(expr.right)
    return False


def _data_shape(self: OrmModel, expr: cst.BaseExpression, depth: int = 0) -> str:
    """'rows' | 'row' | 'columns' | 'dataframe' | 'unknown' for an insert/upsert data argument."""
    literal = _shape_of_literal(expr)
    if literal == "columns" and isinstance(expr, cst.List):
        # The ORM reads a list as rows only when its first item is a dict (is_row_based in
        # pymilvus/orm/schema.py), so a list literal of non-dict items is columns unless its
        # first item visibly holds one row. An item holding a list of dicts is a column (a
        # JSON field's values, w003 of the sixth sample), not rows.
        first = expr.elements[0].value if expr.elements else None
        if first is not None and _may_hold_dict(self, first, depth + 1):
            return "unknown"
        return "columns"
    if literal is not None:
        return "rows" if literal in ("rows", "row") else literal
    if isinstance(expr, cst.Call):
        for q in self._qualified_of_call(expr):
            if q.endswith("DataFrame"):
                return "dataframe"
        return "unknown"
    if isinstance(expr, cst.Name) and depth < 3:
        scope = self.scopes.get(expr)
        if scope is None or expr.value not in scope:
            return "unknown"
        shapes = set()
        for assignment in scope[expr.value]:
            node = getattr(assignment, "node", None)
            value = self._assigned_value(node)
            if value is None:
                return "unknown"
            if isinstance(value, cst.List) and not value.elements:
                shape = self._appended_shape(assignment)
            else:
                shape = self.data_shape(value, depth + 1)
                if shape == "unknown" and depth and isinstance(value, (cst.List, cst.ListComp)):
                    shape = "column"  # an item of the data list: a list there is a column
            shapes.add(shape)
        return shapes.pop() if len(shapes) == 1 else "unknown"
    return "unknown"


def _may_hold_dict(self: OrmModel, expr: cst.BaseExpression, depth: int) -> bool:
    """`expr` is, or a variable visibly assigned, a dict (one row)."""
    if isinstance(expr, (cst.Dict, cst.DictComp)):
        return True
    if isinstance(expr, cst.Call):
        return isinstance(expr.func, cst.Name) and expr.func.value == "dict"
    if not isinstance(expr, cst.Name) or depth >= 3:
        return False
    scope = self.scopes.get(expr)
    if scope is None or expr.value not in scope:
        return False
    for assignment in scope[expr.value]:
        value = self._assigned_value(getattr(assignment, "node", None))
        if value is not None and _may_hold_dict(self, value, depth + 1):
            return True
    return False


_COLUMN_CALLS = re.compile(r"^(list|range|np\.\w+|numpy\.\w+|\w+\.tolist)$")


def _is_column(self: OrmModel, expr: cst.BaseExpression, depth: int) -> bool:
    if isinstance(expr, (cst.List, cst.ListComp)):
        return _shape_of_literal(expr) != "rows"
    if isinstance(expr, cst.Call):
        func = cst.Module(body=[]).code_for_node(expr.func)
        return bool(_COLUMN_CALLS.match(func))
    if isinstance(expr, cst.Subscript):
        return isinstance(expr.value, cst.Name) and self._is_column(expr.value, depth + 1)
    if isinstance(expr, cst.Name) and depth < 3:
        value = self._single_value(expr)
        return value is not None and self._is_column(value, depth + 1)
    return False


def _appended_shape(self: OrmModel, assignment) -> str:
    shapes = set()
    for access in assignment.references:
        attr = self.parents.get(access.node)
        call = self.parents.get(attr) if isinstance(attr, cst.Attribute) else None
        if isinstance(call, cst.Call) and attr.attr.value == "append" and call.args:
            value = call.args[0].value
            shapes.add("rows" if isinstance(value, (cst.Dict, cst.DictComp)) else "unknown")
    return shapes.pop() if len(shapes) == 1 else "unknown"


def _qualified_of_call(self: OrmModel, call: cst.Call) -> list[str]:
    text = ""
    try:
        text = cst.Module(body=[]).code_for_node(call.func)
    except Exception:  # pragma: no cover - codegen of a detached node
        return []
    return [text]


def _insert_field_names(self: OrmModel, name_expr: cst.BaseExpression) -> list[str] | None:
    """Column order for a column-based insert into the collection `name_expr` refers to:
    schema fields minus an auto_id primary key; None when the schema is not visible."""
    binding = self._binding_of_node.get(name_expr)
    if binding is None:
        # name_expr may be a clone: find the binding by label, when only one has it (two
        # functions' `collection` locals are two collections: v024).
        label = cst.Module(body=[]).code_for_node(name_expr)
        labelled = [b for b in self.bindings if b.label == label]
        binding = labelled[0] if len(labelled) == 1 else None
    if binding is None or len(binding.constructors) != 1 or binding.factory_calls:
        # From a factory (v024's `get_collection()`), the collection may be one it opened,
        # whose server schema the ORM read the order from: read it at run time instead.
        return None
    parts = constructor_parts(binding.constructors[0]) or {}
    schema = parts.get("schema")
    if schema is None:
        return None
    return self.schema_field_names(schema.value)


def _schema_field_names(
    self: OrmModel, schema: cst.BaseExpression, depth: int = 0
) -> list[str] | None:
    if isinstance(schema, cst.Name) and depth < 3:
        value = self._single_value(schema)
        return None if value is None else self.schema_field_names(value, depth + 1)
    if not isinstance(schema, cst.Call):
        return None
    fields_arg = None
    auto_id = False
    for i, arg in enumerate(schema.args):
        if arg.keyword is None and i == 0:
            fields_arg = arg.value
        elif arg.keyword is not None and arg.keyword.value == "fields":
            fields_arg = arg.value
        elif arg.keyword is not None and arg.keyword.value == "functions":
            return None
        elif arg.keyword is not None and arg.keyword.value == "auto_id":
            auto_id = isinstance(arg.value, cst.Name) and arg.value.value == "True"
    if cst.Module(body=[]).code_for_node(schema.func).split(".")[-1] != "CollectionSchema":
        return None
    if isinstance(fields_arg, cst.Name):
        if not self._read_only_here(fields_arg):
            # `fields = []` then `fields.append(...)`: the literal is not the list passed.
            return None
        fields_arg = self._single_value(fields_arg)
    if not isinstance(fields_arg, cst.List) or not fields_arg.elements:
        return None
    names = []
    for element in fields_arg.elements:
        field = element.value
        if not isinstance(field, cst.Call):
            return None
        fname = None
        primary = False
        f_auto = False
        for i, arg in enumerate(field.args):
            if (arg.keyword is None and i == 0) or (
                arg.keyword is not None and arg.keyword.value == "name"
            ):
                fname = string_value(arg.value)
            elif arg.keyword is not None and arg.keyword.value == "is_primary":
                primary = isinstance(arg.value, cst.Name) and arg.value.value == "True"
            elif arg.keyword is not None and arg.keyword.value == "auto_id":
                f_auto = isinstance(arg.value, cst.Name) and arg.value.value == "True"
        if fname is None:
            return None
        if primary and (f_auto or auto_id):
            continue
        names.append(fname)
    return names


def _read_only_here(self: OrmModel, name: cst.Name) -> bool:
    """`name` is bound once and read only at this node, so nothing changes its value (a list
    appended to, extended or passed elsewhere) between the binding and here."""
    scope = self.scopes.get(name)
    if scope is None or name.value not in scope:
        return False
    assignments = list(scope[name.value])
    return len(assignments) == 1 and [r.node for r in assignments[0].references] == [name]


def _single_value(self: OrmModel, name: cst.Name) -> cst.BaseExpression | None:
    scope = self.scopes.get(name)
    if scope is None or name.value not in scope:
        return None
    assignments = list(scope[name.value])
    if len(assignments) != 1:
        return None
    return self._assigned_value(getattr(assignments[0], "node", None))


OrmModel.data_shape = _data_shape  # type: ignore[attr-defined]
OrmModel._appended_shape = _appended_shape  # type: ignore[attr-defined]
OrmModel._is_column = _is_column  # type: ignore[attr-defined]
OrmModel._qualified_of_call = _qualified_of_call  # type: ignore[attr-defined]
OrmModel.insert_field_names = _insert_field_names  # type: ignore[attr-defined]
OrmModel.schema_field_names = _schema_field_names  # type: ignore[attr-defined]
OrmModel._single_value = _single_value  # type: ignore[attr-defined]
OrmModel._read_only_here = _read_only_here  # type: ignore[attr-defined]
