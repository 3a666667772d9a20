"""MM2xx: MilvusClient calls inside `async def` become awaited AsyncMilvusClient calls.

This codemod runs after the sync ORM -> MilvusClient rules, on their output, so it only has to
understand MilvusClient code (it works the same on code that was written against MilvusClient).
A client is a name bound to `MilvusClient(...)` (module global or function local) or an instance
attribute `self.x = MilvusClient(...)` assigned in a method of the class. Inside an `async def`,
a call on such a client whose method is a coroutine on the installed AsyncMilvusClient becomes
`await <async twin>.<method>(...)`. The twin is constructed right after the sync client, from the
same arguments, and only when some call needs it. Sync code keeps the MilvusClient.

`Options.async_mode`:
  auto    (default) rewrite inside `async def` bodies, but only where one event loop is
          provable: an AsyncMilvusClient binds to the first loop that uses it, so a module-level
          or instance client in a module that does not start exactly one loop (two `asyncio.run`
          calls, a loop entry inside a `for`/`while`, test modules, or none at all: a library
          or app module whose importers drive the loops) is reported instead of rewritten.
  always  as auto, without the one-loop check (use it when you know the clients are used from a
          single loop, e.g. one FastAPI app).
  never   leave everything sync; the codemod does nothing.

Observed on milvus-lite 3.2.2: `AsyncMilvusClient.create_index` fails there (it waits for the
index with AllocTimestamp, which lite does not implement; the sync client tolerates that). Real
Milvus is not affected, so the rewrite does not special-case it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    Assignment,
    FunctionScope,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from codemods.analysis import ANALYSIS_PROVIDERS, wrapper_of
from codemods.async_client_api import MethodKind, classify
from codemods.base import Applicability, RuleInfo
from codemods.client_import import (
    ASYNC_CLIENT_CLASS,
    bound_by_anchor,
    client_class_name,
    import_anchor,
    imports_pymilvus_up_front,
)
from codemods.context import MigrationContext
from codemods.global_order import hoist_late_globals
from codemods.imports import _JoinAnchors, add_imports
from codemods.shim_names import pymilvus_name

AWAIT_CALLS = RuleInfo(
    code="MM201",
    title="Await MilvusClient calls inside async def on an AsyncMilvusClient",
    description=(
        "A blocking MilvusClient call inside an `async def` stalls the event loop for the whole "
        "round trip. It becomes `await <async_client>.<method>(...)` on an AsyncMilvusClient "
        "constructed next to the sync client from the same arguments. Sync code keeps the "
        "MilvusClient. Only methods that are coroutines on the installed AsyncMilvusClient are "
        "rewritten (checked by introspection). `--async auto` (the default) rewrites only where "
        "one event loop is provable, because an AsyncMilvusClient binds to the first loop that "
        "uses it: a module-level or instance client in a module that does not start exactly "
        "one loop (several `asyncio.run` calls, a loop entry inside `for`/`while`, test imports "
        "(pytest, unittest), or no loop entry at all: a library or app module whose importers "
        "may each bring a loop, as pytest-asyncio and web test clients do) is reported as "
        "MM206 instead. `--async always` skips that check; `--async never` keeps "
        "every call sync. A function-local client whose every use became async is replaced by "
        "its twin. Note: milvus-lite 3.2.2 cannot run `AsyncMilvusClient.create_index` (it "
        "lacks AllocTimestamp); real Milvus can."
    ),
    applicability=Applicability.SAFE,
    before=(
        "client = MilvusClient(uri=URI)\n\n"
        "async def top_hits(vec):\n"
        '    return client.search(collection_name="docs", data=[vec], limit=3)\n'
    ),
    after=(
        "client = MilvusClient(uri=URI)\n"
        "async_client = AsyncMilvusClient(uri=URI)\n\n"
        "async def top_hits(vec):\n"
        '    return await async_client.search(collection_name="docs", data=[vec], limit=3)\n'
    ),
)
AWAIT_CLOSE = RuleInfo(
    code="MM202",
    title="Close the AsyncMilvusClient where the sync client is closed in async code",
    description=(
        "`client.close()` (what `connections.disconnect` became) inside an `async def` also "
        "closes the async twin in the same place: `await async_client.close()`. The sync close "
        "is kept because the sync client is still the one the code created (closing a channel "
        "does not wait on the server). Without any other rewritten call there is no twin and "
        "nothing changes."
    ),
    applicability=Applicability.SAFE,
    before=(
        "async def shutdown():\n"
        '    client.search(collection_name="docs", data=[[0.0, 1.0]], limit=1)\n'
        "    client.close()\n"
    ),
    after=(
        "async def shutdown():\n"
        '    await async_client.search(collection_name="docs", data=[[0.0, 1.0]], limit=1)\n'
        "    client.close()\n"
        "    await async_client.close()\n"
    ),
)
AWAIT_FUTURES = RuleInfo(
    code="MM203",
    title="ORM-style `_async=True` futures inside async def become plain awaits",
    description=(
        "`client.search(..., _async=True).result()` inside an `async def` blocks the loop in "
        "`.result()`; it becomes `await async_client.search(...)`. The same holds for "
        "`hybrid_search` and for the mutation calls (MilvusClient ignores `_async` on insert and "
        "crashes on delete). A future kept in a variable and used only through `.result()` "
        "and `.cancel()` in the same function becomes "
        "`asyncio.ensure_future(<awaitable>)` (it starts at once, like the ORM future) and "
        "`fut.result()` becomes `await fut`. A `_callback`, a `.result(timeout)`, `fut.done()` "
        "(the ORM's waits and returns None) or a future that escapes the function is reported."
    ),
    applicability=Applicability.SAFE,
    before=(
        "async def handler(vec):\n"
        "    return client.search(\n"
        '        collection_name="docs", data=[vec], limit=3, _async=True\n'
        "    ).result()\n"
    ),
    after=(
        "async def handler(vec):\n"
        "    return await async_client.search(\n"
        '        collection_name="docs", data=[vec], limit=3\n'
        "    )\n"
    ),
)
SYNC_FUTURES = RuleInfo(
    code="MM204",
    title="`_async=True` futures in sync code: review",
    description=(
        "Sync code that uses `_async=True` and `.result()` keeps working for search and "
        "hybrid_search on MilvusClient, but not for insert/upsert/delete. The report suggests "
        "the AsyncMilvusClient rewrite: make the caller `async def` and await the call."
    ),
    applicability=Applicability.REPORT_ONLY,
    before=(
        'fut = client.search(collection_name="docs", data=[vec], _async=True)\nres = fut.result()\n'
    ),
    after=(
        '# in an async def:\nres = await async_client.search(collection_name="docs", data=[vec])\n'
    ),
)
MISSING_ASYNC = RuleInfo(
    code="MM205",
    title="AsyncMilvusClient lacks this method: the call still blocks",
    description=(
        "Some MilvusClient methods have no AsyncMilvusClient counterpart in the installed "
        "pymilvus (3.0.2: `search_iterator`, `query_iterator`, `list_loaded_segments`). Inside "
        "an `async def` they stay sync and are reported; run them in a thread if they are slow."
    ),
    applicability=Applicability.REPORT_ONLY,
    before='async def dump():\n    it = client.query_iterator(collection_name="docs")\n',
    after=(
        "async def dump():\n"
        '    it = await asyncio.to_thread(client.query_iterator, collection_name="docs")\n'
    ),
)
UNPROVEN_CLIENT = RuleInfo(
    code="MM206",
    title="Blocking client call in async def that cannot be rewritten safely",
    description=(
        "The call is left sync and reported when the tool cannot prove which client it uses "
        "(the name is also bound to something else), when the call sits in a lambda or a "
        "generator expression (no `await` possible), when sync code switches the client's "
        "database (`use_database`, which a twin would not follow), or when the module may run "
        "several event loops (an AsyncMilvusClient binds to one; `--async always` lifts this)."
    ),
    applicability=Applicability.REPORT_ONLY,
)

RULES = (AWAIT_CALLS, AWAIT_CLOSE, AWAIT_FUTURES, SYNC_FUTURES, MISSING_ASYNC, UNPROVEN_CLIENT)

_MILVUS_CLIENT = frozenset(
    {
        "pymilvus.MilvusClient",
        "pymilvus.milvus_client.MilvusClient",
        "pymilvus.milvus_client.milvus_client.MilvusClient",
    }
)
_LOOP_ENTRIES = frozenset({"asyncio.run", "anyio.run", "trio.run"})
_TEST_MODULES = frozenset({"pytest", "pytest_asyncio", "unittest"})
_STATEFUL_METHODS = frozenset({"use_database", "using_database"})
_FUTURE_METHODS = frozenset({"search", "hybrid_search"})
_ASYNC_DEF = re.compile(r"\basync\s+def\b")


@dataclass(eq=False)
class _Binding:
    """One `x = MilvusClient(...)` or `self.x = MilvusClient(...)` statement."""

    kind: str  # "name" | "attr"
    name: str  # the variable or attribute name
    statement: cst.SimpleStatementLine
    call: cst.Call
    group: tuple[int, str]  # bindings in one group share one async twin name
    long_lived: bool  # module global or instance attribute: may outlive one event loop
    self_name: str = ""
    scope: object = None
    target: cst.Name | None = None
    stateful: bool = False  # sync code switches its database
    declared_global: bool = False  # assigned in a function under `global <name>`
    # Why no AsyncMilvusClient import can bind the twin's class where it goes ('' if one can).
    import_problem: str = ""
    anchor: cst.CSTNode | None = None  # the pymilvus import the twin's class import joins


@dataclass(eq=False)
class _Site:
    node: cst.Call  # replaced by an Await: the client call, or the `.result()` around it
    client_call: cst.Call
    bindings: list[_Binding]
    code: str
    as_task: bool = False  # `asyncio.ensure_future(<async call>)`: a future kept in a variable


@dataclass
class _Plan:
    sites: dict[int, _Site] = field(default_factory=dict)
    twins: dict[int, list[_Binding]] = field(default_factory=dict)  # statement id -> bindings
    async_names: dict[tuple[int, str], str] = field(default_factory=dict)
    replace_sync: set[int] = field(default_factory=set)  # statement ids whose sync client goes
    close_keep_sync: set[int] = field(default_factory=set)  # close sites' client-call ids
    needs_import: bool = False
    async_class: str = ASYNC_CLIENT_CLASS  # the module's name for pymilvus.AsyncMilvusClient
    anchors: dict[int, cst.CSTNode] = field(default_factory=dict)  # joined imports, by id
    needs_asyncio: bool = False
    awaited_futures: set[int] = field(default_factory=set)  # `fut.result()` calls -> `await fut`


def _is_async_false(arg: cst.Arg) -> bool:
    return isinstance(arg.value, cst.Name) and arg.value.value in ("False", "None")


def _keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


class _BindingCollector(cst.CSTVisitor):
    """Read-only pass: client bindings, other assignments to their attributes, loop entries."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider, ParentNodeProvider)

    def __init__(self) -> None:
        super().__init__()
        self.by_target: dict[int, _Binding] = {}
        self.attr_bindings: dict[tuple[int, str], list[_Binding]] = {}
        self.attr_other: set[tuple[int, str]] = set()
        self.loop_entries = 0
        self.loop_in_loop = False
        self.test_module = False
        self.names: set[str] = set()  # variable names in use
        self.attrs: set[str] = set()  # attribute names in use

    def all_bindings(self) -> list[_Binding]:
        """Every client binding found, once each."""
        found = [*self.by_target.values()]
        found += [b for group in self.attr_bindings.values() for b in group]
        return list({id(b): b for b in found}.values())

    def _qualified(self, node: cst.CSTNode) -> set[str]:
        qualified = self.get_metadata(QualifiedNameProvider, node, set())
        return {pymilvus_name(q.name) for q in qualified}  # compat_shim names as pymilvus's

    def _parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.get_metadata(ParentNodeProvider, node, None)

    def visit_Name(self, node: cst.Name) -> None:
        parent = self._parent(node)
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            self.attrs.add(node.value)
        else:
            self.names.add(node.value)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if (cst.helpers.get_full_name_for_node(alias.name) or "").split(".")[
                0
            ] in _TEST_MODULES:
                self.test_module = True

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = cst.helpers.get_full_name_for_node(node.module) if node.module else ""
        if (module or "").split(".")[0] in _TEST_MODULES:
            self.test_module = True

    def visit_Call(self, node: cst.Call) -> None:
        is_entry = bool(self._qualified(node.func) & _LOOP_ENTRIES) or (
            isinstance(node.func, cst.Attribute) and node.func.attr.value == "run_until_complete"
        )
        if not is_entry:
            return
        self.loop_entries += 1
        parent = self._parent(node)
        while parent is not None:
            if isinstance(parent, (cst.For, cst.While)):
                self.loop_in_loop = True
            parent = self._parent(parent)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        for small in node.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value = small.target, small.value
            else:
                continue
            is_client = isinstance(value, cst.Call) and bool(
                self._qualified(value.func) & _MILVUS_CLIENT
            )
            if isinstance(target, cst.Name) and is_client:
                self._name_binding(node, target, value)
            elif isinstance(target, cst.Attribute):
                self._attr_assignment(node, target, value, is_client)

    def _name_binding(
        self, stmt: cst.SimpleStatementLine, target: cst.Name, call: cst.Call
    ) -> None:
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None:
            return
        declared_global = isinstance(scope, FunctionScope) and target.value in _global_names(
            self, stmt
        )
        if declared_global:  # `global client` in a function: the binding lives in the module
            scope = scope.globals
        self.by_target[id(target)] = _Binding(
            kind="name",
            name=target.value,
            statement=stmt,
            call=call,
            group=(id(scope), target.value),
            long_lived=not isinstance(scope, FunctionScope),
            scope=scope,
            target=target,
            declared_global=declared_global,
        )

    def _attr_assignment(
        self,
        stmt: cst.SimpleStatementLine,
        target: cst.Attribute,
        value: cst.BaseExpression,
        is_client: bool,
    ) -> None:
        method = _enclosing_method(self, stmt)
        if method is None:
            return
        func, cls, self_name = method
        if not (isinstance(target.value, cst.Name) and target.value.value == self_name):
            return
        key = (id(cls), target.attr.value)
        if not is_client:
            self.attr_other.add(key)
            return
        binding = _Binding(
            kind="attr",
            name=target.attr.value,
            statement=stmt,
            call=value,  # type: ignore[arg-type]
            group=key,
            long_lived=True,
            self_name=self_name,
        )
        self.attr_bindings.setdefault(key, []).append(binding)


def _global_names(visitor: cst.CSTVisitor, node: cst.CSTNode) -> set[str]:
    """Names declared `global` in the function that contains `node`."""
    func = visitor.get_metadata(ParentNodeProvider, node, None)
    while func is not None and not isinstance(func, cst.FunctionDef):
        func = visitor.get_metadata(ParentNodeProvider, func, None)
    if func is None:
        return set()
    found: set[str] = set()

    class _Globals(cst.CSTVisitor):
        def visit_Global(self, g: cst.Global) -> None:
            found.update(item.name.value for item in g.names)

        def visit_FunctionDef(self, inner: cst.FunctionDef) -> bool:
            return inner is func  # nested functions have their own declarations

        def visit_ClassDef(self, inner: cst.ClassDef) -> bool:
            return False

    func.visit(_Globals())
    return found


def _enclosing_method(
    visitor: cst.CSTVisitor, node: cst.CSTNode
) -> tuple[cst.FunctionDef, cst.ClassDef, str] | None:
    """The innermost function around `node` if it is a method: (function, class, self name)."""
    parent = visitor.get_metadata(ParentNodeProvider, node, None)
    while parent is not None and not isinstance(parent, (cst.FunctionDef, cst.Lambda)):
        parent = visitor.get_metadata(ParentNodeProvider, parent, None)
    if not isinstance(parent, cst.FunctionDef) or not parent.params.params:
        return None
    block = visitor.get_metadata(ParentNodeProvider, parent, None)
    cls = visitor.get_metadata(ParentNodeProvider, block, None) if block is not None else None
    if not isinstance(cls, cst.ClassDef):
        return None
    return parent, cls, parent.params.params[0].name.value


@dataclass(eq=False)
class _Candidate:
    call: cst.Call  # the client call
    method: str
    bindings: list[_Binding] | None  # None: the receiver is not provably a client
    context: str  # "async" | "sync" | "deferred" (lambda / generator expression in async def)
    outer: cst.Call | None  # `.result()` call wrapping the client call
    line: int
    column: int
    # `fut = <call>(..., _async=True)` whose every use is `fut.result()` / `fut.cancel()`
    # in the same function: those `fut.result()` calls (they become `await fut`)
    future_results: list[cst.Call] | None = None


class _SiteCollector(cst.CSTVisitor):
    """Read-only pass: every call on something that may be a known client."""

    METADATA_DEPENDENCIES = (ScopeProvider, ParentNodeProvider, PositionProvider)

    def __init__(self, bindings: _BindingCollector) -> None:
        super().__init__()
        self.b = bindings
        self.candidates: list[_Candidate] = []

    def _parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.get_metadata(ParentNodeProvider, node, None)

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(node.func, cst.Attribute):
            return
        found = self._bindings_for(node, node.func.value)
        if found is False:
            return
        parent = self._parent(node)
        grand = self._parent(parent) if parent is not None else None
        outer = None
        if (
            isinstance(parent, cst.Attribute)
            and parent.attr.value == "result"
            and isinstance(grand, cst.Call)
            and grand.func is parent
        ):
            outer = grand
        pos = self.get_metadata(PositionProvider, node)
        self.candidates.append(
            _Candidate(
                call=node,
                method=node.func.attr.value,
                bindings=found,  # type: ignore[arg-type]
                context=self._context(node),
                outer=outer,
                line=pos.start.line,
                column=pos.start.column,
                future_results=self._kept_future_results(node, parent) if outer is None else None,
            )
        )

    def _kept_future_results(
        self, call: cst.Call, parent: cst.CSTNode | None
    ) -> list[cst.Call] | None:
        """For `fut = call` used only as `fut.result()` / `fut.cancel()` in the same function,
        the `fut.result()` calls; else None. (`fut.done()` is left out on purpose: the ORM's
        `done()` waits for the response and returns None, a Task's does neither.)"""
        if not (
            isinstance(parent, cst.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
        ):
            return None
        target = parent.targets[0].target
        scope = self.get_metadata(ScopeProvider, target, None)
        if not isinstance(scope, FunctionScope):
            return None
        assignments = list(scope.assignments[target.value])
        if len(assignments) != 1 or assignments[0].node is not target:
            return None
        results: list[cst.Call] = []
        for ref in assignments[0].references:
            if self.get_metadata(ScopeProvider, ref.node, None) is not scope:
                return None
            attr = self._parent(ref.node)
            use = self._parent(attr) if attr is not None else None
            if not (
                isinstance(attr, cst.Attribute)
                and attr.attr.value in ("result", "cancel")
                and isinstance(use, cst.Call)
                and use.func is attr
                and not use.args
            ):
                return None
            if attr.attr.value == "result":
                results.append(use)
        return results

    def _bindings_for(
        self, call: cst.Call, receiver: cst.BaseExpression
    ) -> list[_Binding] | None | bool:
        """Bindings the receiver provably refers to; None if only partly; False if unrelated."""
        if isinstance(receiver, cst.Name):
            scope = self.get_metadata(ScopeProvider, receiver, None)
            if scope is None:
                return False
            referents = {r for access in scope.accesses[receiver] for r in access.referents}
            known = [
                self.b.by_target[id(r.node)]
                for r in referents
                if isinstance(r, Assignment) and id(r.node) in self.b.by_target
            ]
            if not known:
                return False
            return known if len(known) == len(referents) else None
        if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name):
            method = _enclosing_method(self, call)
            if method is None or receiver.value.value != method[2]:
                return False
            key = (id(method[1]), receiver.attr.value)
            if key not in self.b.attr_bindings:
                return False
            return None if key in self.b.attr_other else self.b.attr_bindings[key]
        return False

    def _context(self, node: cst.CSTNode) -> str:
        """Where `node` runs: "async" (an async def body), "deferred" (a lambda or generator
        expression inside one), or "sync". Decorators, defaults, annotations and class bases
        belong to the enclosing scope, so only arriving through a `body` counts."""
        deferred = False
        child, parent = node, self._parent(node)
        while parent is not None:
            inside_body = getattr(parent, "body", None) is child
            if isinstance(parent, (cst.Lambda, cst.GeneratorExp)):
                deferred = True
            elif isinstance(parent, cst.ClassDef) and inside_body:
                return "sync"  # a class body runs synchronously; `await` is illegal there
            elif isinstance(parent, cst.FunctionDef) and inside_body:
                if parent.asynchronous is None:
                    return "sync"
                return "deferred" if deferred else "async"
            child, parent = parent, self._parent(parent)
        return "sync"


def _plan(wrapper: cst.MetadataWrapper, ctx: MigrationContext) -> _Plan:
    bindings = _BindingCollector()
    wrapper.visit(bindings)
    sites = _SiteCollector(bindings)
    wrapper.visit(sites)
    plan = _Plan()
    _place_imports(wrapper, bindings, plan)
    # One loop is proven only by one loop entry here: a module that starts none is driven by
    # its importers (a test runner, a web framework's test client, two `asyncio.run` calls in
    # a CLI), which may each bring a loop of their own.
    several_loops = bindings.loop_entries != 1 or bindings.loop_in_loop or bindings.test_module
    check_loops = ctx.options.async_mode != "always"

    for cand in sites.candidates:
        if cand.context != "async" and cand.method in _STATEFUL_METHODS and cand.bindings:
            for b in cand.bindings:
                b.stateful = True

    decided = [
        (cand, site)
        for cand in sites.candidates
        if (site := _decide(cand, ctx, several_loops and check_loops)) is not None
    ]
    # A twin is made only for real work: a group whose async uses are all `close()` keeps its
    # sync code (this also keeps a second run from adding another twin).
    working = {
        b.group for _, site in decided if site.code != AWAIT_CLOSE.code for b in site.bindings
    }
    rewritten_names: set[int] = set()
    for cand, site in decided:
        if not all(b.group in working for b in site.bindings):
            continue
        plan.sites[id(site.node)] = site
        if site.as_task:
            plan.needs_asyncio = True
            plan.awaited_futures.update(id(c) for c in cand.future_results or [])
        if isinstance(cand.call.func, cst.Attribute) and isinstance(cand.call.func.value, cst.Name):
            rewritten_names.add(id(cand.call.func.value))
        ctx.record_change(cand.line, site.code, f"await AsyncMilvusClient.{cand.method}")

    used = {id(b): b for site in plan.sites.values() for b in site.bindings}
    for binding in used.values():
        group_name = plan.async_names.get(binding.group)
        if group_name is None:
            taken = bindings.attrs if binding.kind == "attr" else bindings.names
            group_name = _fresh_name(f"async_{binding.name.lstrip('_')}", binding.name, taken)
            taken.add(group_name)
            plan.async_names[binding.group] = group_name
        plan.twins.setdefault(id(binding.statement), []).append(binding)
        if _all_references_rewritten(binding, rewritten_names):
            plan.replace_sync.add(id(binding.statement))
        if isinstance(binding.call.func, cst.Name):
            if binding.anchor is None:
                plan.needs_import = True
            else:
                plan.anchors[id(binding.anchor)] = binding.anchor
    for site in plan.sites.values():
        if site.code == AWAIT_CLOSE.code and not all(
            id(b.statement) in plan.replace_sync for b in site.bindings
        ):
            plan.close_keep_sync.add(id(site.client_call))
    return plan


def _place_imports(wrapper: cst.MetadataWrapper, bindings: _BindingCollector, plan: _Plan) -> None:
    """The name of the twins' class and where its import goes, as codemods/client_import.py
    decides them for MilvusClient: a module that imports pymilvus only lazily or guarded keeps
    importing without it, so a twin `AsyncMilvusClient(...)` is made only where the sync
    `MilvusClient` it copies comes from exactly the import the new name joins."""
    scopes = wrapper.resolve(ScopeProvider)
    plan.async_class = client_class_name(scopes, ASYNC_CLIENT_CLASS)
    if imports_pymilvus_up_front(wrapper.module):
        return
    for binding in bindings.all_bindings():
        func = binding.call.func
        if not isinstance(func, cst.Name):  # `pymilvus.AsyncMilvusClient(...)`: no import
            continue
        if bound_by_anchor(scopes, wrapper.module, func):
            binding.anchor = import_anchor(scopes.get(func), wrapper.module)
        else:
            binding.import_problem = (
                "the module imports pymilvus only where it needs it (in a function or a "
                "guarded block), and the `AsyncMilvusClient` import could not join the import "
                f"this client's `{func.value}` comes from"
            )


def _decide(cand: _Candidate, ctx: MigrationContext, loop_gate: bool) -> _Site | None:
    """The rewrite for one candidate call, or None (after reporting why, where it matters)."""
    async_kw = _keyword(cand.call, "_async")
    is_future = async_kw is not None and not _is_async_false(async_kw)
    kind = classify(cand.method)
    if cand.context == "sync":
        if is_future and cand.bindings is not False and kind is not MethodKind.UNKNOWN:
            ctx.report(
                cand.line,
                cand.column,
                SYNC_FUTURES.code,
                f"`{cand.method}(..., _async=True)` future in sync code",
                f"make the caller `async def` and use `await async_client.{cand.method}(...)` "
                "on an AsyncMilvusClient",
            )
        return None
    if kind in (MethodKind.PLAIN, MethodKind.UNKNOWN):
        return None
    if kind is MethodKind.MISSING:
        ctx.report(
            cand.line,
            cand.column,
            MISSING_ASYNC.code,
            f"AsyncMilvusClient has no `{cand.method}`; this call blocks the event loop",
            f"`await asyncio.to_thread(<client>.{cand.method}, ...)`",
        )
        return None
    reason = _unproven_reason(cand, loop_gate, is_future)
    if reason:
        ctx.report(
            cand.line,
            cand.column,
            UNPROVEN_CLIENT.code,
            f"`{cand.method}` blocks the event loop: {reason}",
            f"`await <async_client>.{cand.method}(...)` on an AsyncMilvusClient",
        )
        return None
    code = (
        AWAIT_FUTURES.code
        if is_future
        else (AWAIT_CLOSE.code if cand.method == "close" else AWAIT_CALLS.code)
    )
    if not ctx.may_rewrite(cand.line, code):
        return None
    node = cand.outer if is_future and cand.outer is not None else cand.call
    as_task = is_future and cand.outer is None and cand.method in _FUTURE_METHODS
    return _Site(node, cand.call, cand.bindings or [], code, as_task=as_task)


def _unproven_reason(cand: _Candidate, loop_gate: bool, is_future: bool) -> str:
    if cand.bindings is None:
        return "the receiver is not provably one MilvusClient"
    problem = next((b.import_problem for b in cand.bindings or [] if b.import_problem), "")
    if problem:
        return problem
    if cand.context == "deferred":
        return "it sits in a lambda or generator expression, where `await` is not possible"
    if any(b.stateful for b in cand.bindings):
        return "sync code switches this client's database; an async twin would not follow"
    if loop_gate and any(b.long_lived for b in cand.bindings):
        return (
            "the module may run several event loops and an AsyncMilvusClient binds to the first "
            "(use --async always if there is one loop)"
        )
    if is_future:
        if _keyword(cand.call, "_callback") is not None:
            return "the future has a `_callback`"
        if cand.outer is None and cand.method in _FUTURE_METHODS and cand.future_results is None:
            return (
                "the future is used beyond `.result()`/`.cancel()` in this function (the ORM's "
                "`done()` waits for the response); use `asyncio.ensure_future(...)` and await it"
            )
        if cand.outer is not None and cand.outer.args:
            return "`.result()` has a timeout; use `asyncio.wait_for`"
    return ""


def _all_references_rewritten(binding: _Binding, rewritten_names: set[int]) -> bool:
    """A function-local client whose every use became async is not needed any more."""
    if binding.kind != "name" or binding.long_lived or binding.scope is None:
        return False
    for assignment in binding.scope.assignments[binding.name]:  # type: ignore[attr-defined]
        if assignment.node is binding.target:
            return all(id(ref.node) in rewritten_names for ref in assignment.references)
    return False


def _fresh_name(base: str, original: str, taken: set[str]) -> str:
    base = f"_{base}" if original.startswith("_") else base
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def _without_async_kwargs(args: tuple[cst.Arg, ...] | list[cst.Arg]) -> list[cst.Arg]:
    kept = [a for a in args if not (a.keyword is not None and a.keyword.value == "_async")]
    if kept and kept[-1] is not args[-1]:
        # the last argument went: its trailing comma and whitespace now close the call
        last = args[-1]
        kept[-1] = kept[-1].with_changes(
            comma=last.comma, whitespace_after_arg=last.whitespace_after_arg
        )
    return kept


def _parenthesized(expr: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(expr, cst.Await) and not expr.lpar:
        return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return expr


def _class_spec(plan: _Plan) -> str:
    """`AsyncMilvusClient`, or `AsyncMilvusClient as PyAsyncMilvusClient` when that is taken."""
    if plan.async_class == ASYNC_CLIENT_CLASS:
        return ASYNC_CLIENT_CLASS
    return f"{ASYNC_CLIENT_CLASS} as {plan.async_class}"


class _AsyncRewriter(_JoinAnchors):
    """The awaits and twins; as MM180's _JoinAnchors, it also puts the twins' class import
    into the module's own lazy/guarded pymilvus imports (plan.anchors), in the same pass so
    that the plan's node ids still name the nodes."""

    def __init__(self, plan: _Plan) -> None:
        super().__init__({key: [_class_spec(plan)] for key in plan.anchors})
        self.plan = plan

    def _receiver(self, site: _Site, receiver: cst.BaseExpression) -> cst.BaseExpression:
        name = self.plan.async_names[site.bindings[0].group]
        if isinstance(receiver, cst.Attribute):
            return receiver.with_changes(attr=cst.Name(name))
        return cst.Name(name)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        updated = updated.with_changes(func=_parenthesized(updated.func))
        if id(original) in self.plan.awaited_futures:  # `fut.result()` -> `await fut`
            return cst.Await(expression=updated.func.value)  # type: ignore[attr-defined]
        site = self.plan.sites.get(id(original))
        if site is None:
            return updated
        inner = updated
        if site.node is not site.client_call:  # `<client call>.result()`
            inner = updated.func.value  # type: ignore[attr-defined]
        func = inner.func
        assert isinstance(func, cst.Attribute)
        call = inner.with_changes(
            func=func.with_changes(value=self._receiver(site, func.value)),
            args=_without_async_kwargs(inner.args),
        )
        if site.as_task:  # starts now, like the ORM future did; awaited where `.result()` was
            return cst.Call(
                func=cst.Attribute(cst.Name("asyncio"), cst.Name("ensure_future")),
                args=[cst.Arg(call)],
            )
        return cst.Await(expression=call)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        return updated.with_changes(value=_parenthesized(updated.value))

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript) -> cst.Subscript:
        return updated.with_changes(value=_parenthesized(updated.value))

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        joined = super().leave_SimpleStatementLine(original, updated)
        if joined is not updated:  # an anchor import: a new import line after it
            return joined
        out: list[cst.BaseStatement] = [updated]
        if (
            len(original.body) == 1
            and isinstance(original.body[0], cst.Expr)
            and id(original.body[0].value) in self.plan.close_keep_sync
        ):
            # keep the original sync close, then close the twin in the same place
            out = [original, updated.with_changes(leading_lines=[])]
        twins = self.plan.twins.get(id(original))
        if twins:
            made = [stmt for b in twins for stmt in self._twin(b)]
            if id(original) in self.plan.replace_sync:
                out = [made[0].with_changes(leading_lines=updated.leading_lines), *made[1:]]
            else:
                out.extend(made)
        return out[0] if len(out) == 1 else cst.FlattenSentinel(out)

    def _twin(self, binding: _Binding) -> list[cst.SimpleStatementLine]:
        name = self.plan.async_names[binding.group]
        ctor = binding.call.func
        if isinstance(ctor, cst.Attribute):
            ctor = ctor.with_changes(attr=cst.Name(ASYNC_CLIENT_CLASS))
        else:
            ctor = cst.Name(self.plan.async_class)
        target: cst.BaseAssignTargetExpression = (
            cst.Attribute(cst.Name(binding.self_name), cst.Name(name))
            if binding.kind == "attr"
            else cst.Name(name)
        )
        value = binding.call.with_changes(func=ctor)
        assign = cst.Assign([cst.AssignTarget(target)], value)
        if binding.declared_global:  # the twin must be a module global too
            declare = cst.SimpleStatementLine([cst.Global([cst.NameItem(cst.Name(name))])])
            return [declare, cst.SimpleStatementLine([assign])]
        return [cst.SimpleStatementLine([assign])]


class AsyncCalls:
    """Codemod wrapper: runs last, on the MilvusClient code the sync rules produced."""

    rules = RULES

    def apply(self, module: cst.Module, ctx: MigrationContext) -> cst.Module:
        if ctx.options.async_mode == "never":
            return module
        source = ctx.source
        if source and not (_ASYNC_DEF.search(source) or "_async" in source):
            return module  # no earlier codemod writes `async def` or `_async`
        text = module.code
        # cheap pre-filter before the scope analysis: no client, or neither async code nor
        # ORM-style futures, means nothing to rewrite or report
        if "MilvusClient" not in text or not (_ASYNC_DEF.search(text) or "_async" in text):
            return module
        wrapper = wrapper_of(module, ctx, ANALYSIS_PROVIDERS)
        plan = _plan(wrapper, ctx)
        if not plan.sites:
            return module
        new = wrapper.module.visit(_AsyncRewriter(plan))
        if any(b.declared_global for bindings in plan.twins.values() for b in bindings):
            # the twin's `global` goes where the sync client's was, which a rewritten
            # `async_client.close()` above it may now precede
            new = hoist_late_globals(new)
        # libcst.codemod pulls in libcst.matchers (about 40% of the CLI's start-up): only
        # files that reach this point pay for it.
        from libcst.codemod import CodemodContext
        from libcst.codemod.visitors import RemoveImportsVisitor

        context = CodemodContext()
        if plan.needs_import or plan.needs_asyncio:
            # codemods/imports.py's add_imports places them as AddImportsVisitor would, and
            # takes the `AsyncMilvusClient as PyAsyncMilvusClient` form
            objects = {"pymilvus": {_class_spec(plan)}} if plan.needs_import else {}
            new = add_imports(new, {"asyncio"} if plan.needs_asyncio else set(), objects)
        if plan.replace_sync:
            RemoveImportsVisitor.remove_unused_import(context, "pymilvus", "MilvusClient")
            new = RemoveImportsVisitor(context).transform_module(new)
        return new
