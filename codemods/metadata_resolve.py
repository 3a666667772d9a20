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

from collections.abc import Iterable
from types import MappingProxyType

from libcst.metadata import (
    BatchableMetadataProvider,
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    QualifiedNameProvider,
    ScopeProvider,
)


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
    for provider_type in needed:  # dependencies first
        if provider_type in wrapper._metadata:
            continue
        if provider_type in _SELF_WALKING:
            provider = provider_type()
            with provider.resolve(wrapper):
                provider.visit_Module(wrapper.module)
            wrapper._metadata[provider_type] = MappingProxyType(dict(provider._computed))
        elif provider_type.gen_cache is None:
            # what libcst does for a provider that is not batchable (PositionProvider), minus
            # the empty batched walk that `resolve_many` runs after it
            wrapper._metadata[provider_type] = provider_type()._gen(wrapper)
        else:
            wrapper.resolve_many([provider_type])
