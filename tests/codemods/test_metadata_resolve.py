"""`codemods.metadata_resolve` computes the metadata libcst's own resolution computes.

The analysis resolves parent, scope and qualified-name metadata without libcst's batched walks
around the providers that walk the tree themselves (a speed-up, see the module). Both ways run
here on the same tree objects and must give the same mappings: the same nodes, the same parents,
the same qualified names, scopes of the same kind with the same assignments and accesses.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst._metadata_dependent import LazyValue
from libcst.metadata import (
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from codemods.analysis import ANALYSIS_PROVIDERS
from codemods.metadata_resolve import _SELF_WALKING, resolve_providers

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILES = sorted(FIXTURES.rglob("*.py"))


def _values(mapping) -> dict:
    # qualified names are stored as lazy values, computed when read
    return {k: v() if isinstance(v, LazyValue) else v for k, v in mapping.items()}


def _scope_facts(scope) -> tuple:
    if scope is None:
        return (None,)
    return (
        type(scope).__name__,
        getattr(scope, "node", None),
        frozenset((a.name, a.node) for a in scope.assignments),
        frozenset(
            (a.node, frozenset(getattr(r, "node", None) for r in a.referents))
            for a in scope.accesses
        ),
    )


def test_the_analysis_providers_take_the_short_path() -> None:
    # Without this the test below compares libcst with itself.
    assert _SELF_WALKING == {ParentNodeProvider, ScopeProvider, QualifiedNameProvider}


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_same_metadata_as_libcst(path: Path) -> None:
    try:
        module = cst.parse_module(path.read_text(encoding="utf-8"))
    except cst.ParserSyntaxError:
        pytest.skip("not valid Python")
    # Both wrappers hold the very same nodes, so the mappings compare node for node.
    ours = MetadataWrapper(module, unsafe_skip_copy=True)
    theirs = MetadataWrapper(module, unsafe_skip_copy=True)
    resolve_providers(ours, ANALYSIS_PROVIDERS)
    expected = theirs.resolve_many([*ANALYSIS_PROVIDERS, ExpressionContextProvider])
    for provider in (ParentNodeProvider, QualifiedNameProvider, ExpressionContextProvider):
        assert _values(ours.resolve(provider)) == _values(expected[provider]), provider.__name__
    ours_pos, theirs_pos = ours.resolve(PositionProvider), expected[PositionProvider]
    assert ours_pos.keys() == theirs_pos.keys()
    assert all(ours_pos[n] == theirs_pos[n] for n in ours_pos)
    ours_scopes, theirs_scopes = ours.resolve(ScopeProvider), expected[ScopeProvider]
    assert list(ours_scopes) == list(theirs_scopes)
    assert all(_scope_facts(ours_scopes[n]) == _scope_facts(theirs_scopes[n]) for n in ours_scopes)
