"""`codemods.metadata_resolve` computes the metadata libcst's own resolution computes.

The analysis resolves parent, scope and qualified-name metadata without libcst's batched walks
around the providers that walk the tree themselves (a speed-up, see the module). Both ways run
here on the same tree objects and must give the same mappings: the same nodes, the same parents,
the same qualified names, scopes of the same kind with the same assignments and accesses.
The same holds with `codemods.read_only_visit` active (read-only visits without rebuilds, the
engine's setting), where every visitor must also see the same callbacks in the same order.
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

from codemods.analysis import ANALYSIS_PROVIDERS, _walk
from codemods.metadata_resolve import _FAST_SCOPE, _SELF_WALKING, resolve_providers
from codemods.read_only_visit import nodes_are_unique, preorder_of, read_only_visits, unshared

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILES = sorted(FIXTURES.rglob("*.py"))


def _values(mapping) -> dict:
    # qualified names are stored as lazy values, computed when read
    return {k: v() if isinstance(v, LazyValue) else v for k, v in mapping.items()}


def _keyer(module: cst.Module):
    """A node of `module` stands for itself. The scope provider also parses string annotations
    (`-> "Conn"`) into nodes of its own, fresh on every resolve, so those compare by their
    text instead."""
    in_tree = {id(n) for n in _all_nodes(module)}

    def key(node):
        if node is None or id(node) in in_tree or not isinstance(node, cst.CSTNode):
            return node
        return ("parsed from a string", type(node).__name__, module.code_for_node(node))

    return key


def _by_key(mapping, key) -> dict:
    """`mapping` re-keyed by `key`, repeats of one text numbered in order so none collapse."""
    out: dict = {}
    for node, value in mapping.items():
        k = key(node)
        if isinstance(k, tuple):
            k = (*k, sum(1 for o in out if isinstance(o, tuple) and o[:3] == k))
        out[k] = value
    return out


def _all_nodes(node: cst.CSTNode):
    yield node
    for child in node.children:
        yield from _all_nodes(child)


def _scope_facts(scope, key) -> tuple:
    if scope is None:
        return (None,)
    return (
        type(scope).__name__,
        key(getattr(scope, "node", None)),
        # `_index`: the scope's assignment count when it was recorded (ScopeVisitor.on_leave
        # counts assignment-like nodes; the referents depend on it)
        frozenset((a.name, key(a.node), getattr(a, "_index", None)) for a in scope.assignments),
        frozenset(
            (
                key(a.node),
                a._index,
                frozenset(key(getattr(r, "node", None)) for r in a.referents),
            )
            for a in scope.accesses
        ),
    )


def test_the_analysis_providers_take_the_short_path() -> None:
    # Without this the test below compares libcst with itself.
    assert _SELF_WALKING == {
        ExpressionContextProvider,
        ParentNodeProvider,
        ScopeProvider,
        QualifiedNameProvider,
    }
    assert _FAST_SCOPE  # ScopeProvider with _ScopeVisitor, the scopes compared below


def _parse(path: Path) -> cst.Module:
    try:
        return cst.parse_module(path.read_text(encoding="utf-8"))
    except cst.ParserSyntaxError:
        pytest.skip("not valid Python")


@pytest.mark.parametrize("read_only", [False, True], ids=["libcst_visits", "read_only_visits"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_same_metadata_as_libcst(path: Path, read_only: bool) -> None:
    module = _parse(path)
    # Both wrappers hold the very same nodes, so the mappings compare node for node.
    ours = MetadataWrapper(module, unsafe_skip_copy=True)
    theirs = MetadataWrapper(module, unsafe_skip_copy=True)
    if read_only:
        assert nodes_are_unique(module)  # a fresh parse: what lets the analysis skip the copy
        with read_only_visits():
            resolve_providers(ours, ANALYSIS_PROVIDERS)
    else:
        resolve_providers(ours, ANALYSIS_PROVIDERS)
    expected = theirs.resolve_many([*ANALYSIS_PROVIDERS, ExpressionContextProvider])
    for provider in (ParentNodeProvider, QualifiedNameProvider, ExpressionContextProvider):
        assert _values(ours.resolve(provider)) == _values(expected[provider]), provider.__name__
    ours_pos, theirs_pos = ours.resolve(PositionProvider), expected[PositionProvider]
    assert ours_pos.keys() == theirs_pos.keys()
    assert all(ours_pos[n] == theirs_pos[n] for n in ours_pos)
    key = _keyer(module)
    ours_scopes = _by_key(ours.resolve(ScopeProvider), key)
    theirs_scopes = _by_key(expected[ScopeProvider], key)
    assert list(ours_scopes) == list(theirs_scopes)
    assert all(
        _scope_facts(ours_scopes[n], key) == _scope_facts(theirs_scopes[n], key)
        for n in ours_scopes
    )


class _Log(cst.CSTVisitor):
    """Logs every callback libcst makes, attribute hooks included, and skips one subtree kind
    (on_visit returning False) to cover that path too."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", node))
        return not isinstance(node, cst.Decorator)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", original_node))

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("visit_attr", node, attribute))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("leave_attr", original_node, attribute))


class _Hooked(cst.CSTVisitor):
    """A visitor with node and attribute hooks of its own (read-only visits look their names up
    once per node type and field): they must be called in libcst's order, and a visit hook
    returning False must skip the children."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, cst.CSTNode]] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.seen.append(("visit_Call", node))

    def leave_Call(self, original_node: cst.Call) -> None:
        self.seen.append(("leave_Call", original_node))

    def visit_Call_func(self, node: cst.Call) -> None:
        self.seen.append(("visit_Call_func", node))

    def leave_Call_args(self, original_node: cst.Call) -> None:
        self.seen.append(("leave_Call_args", original_node))

    def visit_Name(self, node: cst.Name) -> None:
        self.seen.append(("visit_Name", node))

    def visit_Arg_value(self, node: cst.Arg) -> None:
        self.seen.append(("visit_Arg_value", node))

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self.seen.append(("visit_Lambda", node))
        return False

    def leave_Lambda_body(self, original_node: cst.Lambda) -> None:
        self.seen.append(("leave_Lambda_body", original_node))  # never: its children are skipped


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_read_only_visits_make_the_same_calls(path: Path) -> None:
    module = _parse(path)
    theirs, ours = _Log(), _Log()
    theirs_hooked, ours_hooked = _Hooked(), _Hooked()
    assert module.visit(theirs) is module
    module.visit(theirs_hooked)
    expected_children = {
        id(n): n.children for e in theirs.events if e[0] == "visit" for n in e[1:2]
    }
    with read_only_visits():
        assert module.visit(ours) is module
        module.visit(ours_hooked)
        children = {id(n): n.children for e in ours.events if e[0] == "visit" for n in e[1:2]}
    assert ours.events == theirs.events
    assert ours_hooked.seen == theirs_hooked.seen and ours_hooked.seen
    assert children.keys() == expected_children.keys()
    assert all(children[k] == expected_children[k] for k in children)
    assert all(
        a is b for k in children for a, b in zip(children[k], expected_children[k], strict=True)
    )


def test_a_node_used_twice_is_not_unique() -> None:
    module = cst.parse_module("x = 1\n")
    name = cst.Name("y")
    twice = module.with_changes(
        body=[
            cst.SimpleStatementLine([cst.Expr(cst.Tuple([cst.Element(name), cst.Element(name)]))])
        ]
    )
    with read_only_visits():
        assert nodes_are_unique(module) and unshared(module) is module
        assert not nodes_are_unique(twice)
        copy = unshared(twice)
        assert nodes_are_unique(copy) and copy.deep_equals(twice) and copy.code == twice.code
        first, second = copy.body[0].body[0].value.elements
        assert first.value is name and second.value is not name  # only the repeat is copied


@pytest.mark.parametrize("path", FILES[:20], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_unshared_copies_repeats_in_a_real_tree(path: Path) -> None:
    module = _parse(path)

    # put every Dot and whitespace-after-comma node of the tree in a second place too
    class Repeat(cst.CSTTransformer):
        def __init__(self) -> None:
            self.dot: cst.Dot | None = None

        def leave_Dot(self, original_node: cst.Dot, updated_node: cst.Dot) -> cst.Dot:
            self.dot = self.dot or updated_node
            return self.dot

    twice = module.visit(Repeat())
    with read_only_visits():
        copy = unshared(twice)
        assert nodes_are_unique(copy) and copy.deep_equals(twice) and copy.code == module.code
        assert (copy is twice) == nodes_are_unique(twice)


@pytest.mark.parametrize("path", FILES[:40], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_model_walks_read_the_remembered_order(path: Path) -> None:
    # analysis._walk over the analysed tree's root reads the metadata walk's order: the same
    # nodes in the same order as the walk over each node's children
    module = _parse(path)
    with read_only_visits():
        resolve_providers(MetadataWrapper(module, unsafe_skip_copy=True), ANALYSIS_PROVIDERS)
        assert preorder_of(module) is not None
        for kind in (cst.CSTNode, cst.Name, cst.BaseExpression, cst.Call):
            expected = [n for n in _all_nodes(module) if isinstance(n, kind)]
            assert list(_walk(module, kind)) == expected
            assert all(a is b for a, b in zip(_walk(module, kind), expected, strict=True))
    assert preorder_of(module) is None
