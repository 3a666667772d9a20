"""Resolve libcst metadata providers with fewer walks of the tree; the metadata are the same.

Why: the codemods analyse a tree about six times per file (every rewrite makes a new tree), and
each analysis resolves parent, scope and qualified-name metadata. libcst resolves a batchable
provider inside a batched walk of the whole tree (a rebuild of every node). ParentNodeProvider,
ScopeProvider, its dependency ExpressionContextProvider and QualifiedNameProvider do all their
work in `visit_Module`, with a walk of their own, so the batched walk around each of them only
rebuilds the tree and throws it away. `resolve_providers` calls their `visit_Module` directly,
with their dependencies resolved as libcst would: the same code computes the same metadata,
minus the empty walks.
tests/codemods/test_metadata_resolve.py compares the result with libcst's own resolution.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

import libcst as cst
from libcst._metadata_dependent import LazyValue
from libcst.metadata import (
    BatchableMetadataProvider,
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)
from libcst.metadata.name_provider import QualifiedNameVisitor
from libcst.metadata.parent_node_provider import ParentNodeVisitor
from libcst.metadata.scope_provider import _ASSIGNMENT_LIKE_NODES, ScopeVisitor

from codemods import incremental_positions
from codemods.read_only_visit import children_of, remember_preorder


def _walks_itself(provider: type) -> bool:
    """Whether `provider` does everything in its own `visit_Module` (no other visit/leave hook,
    no cache), so a batched walk adds nothing to it. Checked, not assumed: after a libcst
    release that changes one of them, it takes libcst's own path again."""
    if not issubclass(provider, BatchableMetadataProvider) or provider.gen_cache is not None:
        return False
    hooks: set[str] = set()
    for klass in provider.__mro__:
        if klass is BatchableMetadataProvider:
            break
        hooks.update(n for n in vars(klass) if n.startswith(("visit_", "leave_", "on_")))
    return hooks == {"visit_Module"}


_SELF_WALKING = frozenset(
    p
    for p in (
        ExpressionContextProvider,  # ScopeProvider's dependency
        ParentNodeProvider,
        ScopeProvider,
        QualifiedNameProvider,
    )
    if _walks_itself(p)
)


def _own_hooks(visitor: type) -> set[str]:
    return {n for n in vars(visitor) if n.startswith(("visit", "leave", "on_"))}


# ParentNodeProvider and QualifiedNameProvider computed by a plain walk over each node's
# children instead of a visitor walk (each is a third of a scope resolution's cost, for a
# dict of one entry per node). Only while their libcst visitors are the ones mirrored below:
# one hook each, `on_leave` and `on_visit`, neither skipping a subtree.
_DIRECT = frozenset(
    provider
    for provider, visitor, hooks in (
        (ParentNodeProvider, ParentNodeVisitor, {"on_leave"}),
        (QualifiedNameProvider, QualifiedNameVisitor, {"on_visit"}),
    )
    if provider in _SELF_WALKING and _own_hooks(visitor) == hooks
)


# ScopeProvider run with ScopeVisitor's `on_leave` minus its per-node costs: that hook tests
# every node with `isinstance` against a tuple of eighteen node classes (libcst's nodes are
# ABCs, so each miss is eighteen ABCMeta checks, about 2 microseconds a node) and then looks up
# `leave_<Node>` by name. `_ScopeVisitor` remembers both answers per node type. Only while
# libcst's code is what is mirrored here (the names they use); tests/codemods/
# test_metadata_resolve.py compares the scopes with libcst's own.
_FAST_SCOPE = (
    ScopeProvider in _SELF_WALKING
    and ScopeProvider.visit_Module.__code__.co_names == ("ScopeVisitor", "visit", "infer_accesses")
    and ScopeVisitor.on_leave.__code__.co_names
    == (
        "provider",
        "set_metadata",
        "scope",
        "isinstance",
        "_ASSIGNMENT_LIKE_NODES",
        "_assignment_count",
        "super",
        "on_leave",
    )
    and cst.CSTVisitor.on_leave.__code__.co_names == ("getattr", "type", "__name__")
)


class _ScopeVisitor(ScopeVisitor):
    """ScopeVisitor with the same `on_leave`, its type test and hook lookup remembered per node
    type (the answer depends on the type alone)."""

    # node type -> (whether it is one of _ASSIGNMENT_LIKE_NODES, its `leave_<Node>` hook name
    # or None when that is CSTVisitor's do-nothing one)
    _per_type: dict[type, tuple[bool, str | None]] = {}

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.provider.set_metadata(original_node, self.scope)
        known = self._per_type.get(type(original_node))
        if known is None:
            name = f"leave_{type(original_node).__name__}"
            hook = getattr(_ScopeVisitor, name, None)
            known = self._per_type[type(original_node)] = (
                isinstance(original_node, _ASSIGNMENT_LIKE_NODES),
                name
                if hook is not None and hook is not getattr(cst.CSTVisitor, name, None)
                else None,
            )
        assignment_like, leave_name = known
        if assignment_like:
            self.scope._assignment_count += 1
        if leave_name is not None:
            getattr(self, leave_name)(original_node)


def _resolve_scopes(wrapper: MetadataWrapper) -> Mapping:
    """ScopeProvider's metadata, as its `visit_Module` computes them, with `_ScopeVisitor`."""
    provider = ScopeProvider()
    with provider.resolve(wrapper):
        visitor = _ScopeVisitor(provider)
        wrapper.module.visit(visitor)
        visitor.infer_accesses()
    return MappingProxyType(dict(provider._computed))


def _walk(module: cst.Module) -> tuple[list[cst.CSTNode], dict[cst.CSTNode, cst.CSTNode]]:
    """The tree's nodes in visit order (pre-order) and ParentNodeVisitor's mapping: in each
    node's `on_leave` (post-order) every child of it gets it as parent. Set here in pre-order,
    which gives the same mapping when no node occurs twice (each child has one parent); when
    one does (not in the analysis' trees, see `unshared`), in post-order as there, so the last
    leave wins."""
    order: list[cst.CSTNode] = []
    parents: dict[cst.CSTNode, cst.CSTNode] = {}
    placed = 0
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        order.append(node)
        children = children_of(node)
        for child in children:
            parents[child] = node
        placed += len(children)
        stack.extend(reversed(children))
    if placed != len(parents):  # a node placed twice
        parents = {}
        for node in _postorder(module):
            for child in children_of(node):
                parents[child] = node
    remember_preorder(module, order)  # the model's whole-tree walks read it (analysis._walk)
    return order, parents


def _postorder(module: cst.Module) -> Iterator[cst.CSTNode]:
    stack: list[tuple[cst.CSTNode, bool]] = [(module, False)]
    while stack:
        node, left = stack.pop()
        if left:
            yield node
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children_of(node)))


def _qualified_names(order: list[cst.CSTNode], scopes: Mapping) -> dict[cst.CSTNode, object]:
    """QualifiedNameVisitor's mapping: every node, in `on_visit` order (`order`), gets a lazy
    `scope.get_qualified_names_for(node)` when it has a scope, else an empty set."""
    out: dict[cst.CSTNode, object] = {}
    for node in order:
        out[node] = _names_value(scopes, node)
    return out


def _names_value(scopes: Mapping, node: cst.CSTNode) -> object:
    scope = scopes.get(node, None)
    if isinstance(scope, LazyValue):  # what get_metadata does with a lazy value
        scope = scope()
    return _lazy_names(scope, node) if scope else set()


def _lazy_names(scope: object, node: cst.CSTNode) -> LazyValue:
    return LazyValue(lambda: scope.get_qualified_names_for(node))  # type: ignore[attr-defined]


class QualifiedNames(Mapping):
    """`_qualified_names(order, scopes)`, each value made when it is first read.

    Why: the analysis reads the qualified names of a few thousand of a tree's nodes (names,
    attributes, call targets), but QualifiedNameVisitor makes a lazy value for every node, about
    a tenth of a metadata resolution. The keys are every node of the tree (the root plus each
    node that has a parent), iterated in `order`; a value, once made, is the same object on
    every read, as in the dict.
    """

    def __init__(
        self,
        order: list[cst.CSTNode],
        parents: Mapping[cst.CSTNode, object],
        root: cst.CSTNode,
        scopes: Mapping,
    ) -> None:
        self._order = order
        self._parents = parents
        self._root = root
        self._scopes = scopes
        self._made: dict[cst.CSTNode, object] = {}

    def __getitem__(self, node: cst.CSTNode) -> object:
        try:
            return self._made[node]
        except KeyError:
            pass
        if node not in self._parents and node is not self._root:
            raise KeyError(node)
        value = self._made[node] = _names_value(self._scopes, node)
        return value

    def __contains__(self, node: object) -> bool:
        return node in self._parents or node is self._root

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter(dict.fromkeys(self._order))

    def __len__(self) -> int:
        return len(self._parents) + (self._root not in self._parents)


def _dependencies(providers: Iterable[type], into: dict[type, None]) -> dict[type, None]:
    """`providers` and everything they depend on, dependencies first."""
    for provider in providers:
        if provider not in into:
            _dependencies(provider.METADATA_DEPENDENCIES, into)
            into[provider] = None
    return into


def resolve_providers(wrapper: MetadataWrapper, providers: Iterable[type]) -> None:
    """Resolve `providers` and their dependencies on `wrapper`, as `wrapper.resolve_many` does."""
    needed = [p for p in _dependencies(providers, {}) if p not in wrapper._metadata]
    batched = [
        p for p in needed if p not in _SELF_WALKING and issubclass(p, BatchableMetadataProvider)
    ]
    if any(_SELF_WALKING.intersection(_dependencies(p.METADATA_DEPENDENCIES, {})) for p in batched):
        wrapper.resolve_many(needed)  # a batched provider needs a self-walking one: libcst's way
        return
    if batched:
        wrapper.resolve_many(batched)  # libcst's rounds: one batched walk per round
    order = None  # the tree's nodes in visit order, once walked (see _walk)
    parents = None
    for provider_type in needed:  # dependencies first
        if provider_type in wrapper._metadata:
            continue
        if provider_type is ParentNodeProvider and provider_type in _DIRECT:
            order, parents = _walk(wrapper.module)
            wrapper._metadata[provider_type] = MappingProxyType(parents)
        elif provider_type is QualifiedNameProvider and provider_type in _DIRECT:
            scopes = wrapper._metadata[ScopeProvider]  # a dependency: resolved before
            if order is None or parents is None:
                order, parents = _walk(wrapper.module)
            lazy = QualifiedNames(order, parents, wrapper.module, scopes)
            wrapper._metadata[provider_type] = MappingProxyType(lazy)  # type: ignore[arg-type]
        elif provider_type is ScopeProvider and _FAST_SCOPE:
            wrapper._metadata[provider_type] = _resolve_scopes(wrapper)
        elif provider_type in _SELF_WALKING:
            provider = provider_type()
            with provider.resolve(wrapper):
                provider.visit_Module(wrapper.module)
            wrapper._metadata[provider_type] = MappingProxyType(dict(provider._computed))
        elif provider_type is PositionProvider and incremental_positions.active():
            # the same ranges, without generating the statements kept from the last tree
            positions = incremental_positions.positions(wrapper.module)
            wrapper._metadata[provider_type] = MappingProxyType(positions)
        elif provider_type.gen_cache is None:
            # what libcst does for a provider that is not batchable (PositionProvider), minus
            # the empty batched walk that `resolve_many` runs after it
            wrapper._metadata[provider_type] = provider_type()._gen(wrapper)
        else:
            wrapper.resolve_many([provider_type])
