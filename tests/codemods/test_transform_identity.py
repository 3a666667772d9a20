"""Transformers under `read_only_visits` give libcst's result and keep untouched nodes.

Inside the engine's `read_only_visits` block a transformer walks as with libcst, except that a
node whose children all came back as the same objects is handed to its `leave_` hook as itself
instead of an equal copy (issue 7: the next analysis then finds its per-node records already
made). The text, the hook calls and what the hooks return must not change; untouched
statements must stay the very same objects; a changed leaf still rebuilds its ancestors.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider

from codemods.read_only_visit import nodes_are_unique, read_only_visits, unshared

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILES = sorted(FIXTURES.rglob("*.py"))


class _Rename(cst.CSTTransformer):
    """Renames `Collection` (and drops `pass` lines), logging every hook call."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", type(node).__name__))
        return super().on_visit(node)

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):  # type: ignore[no-untyped-def]
        self.events.append(("leave", type(original).__name__))
        return super().on_leave(original, updated)

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        if updated.value == "Collection":
            return updated.with_changes(value="Coll")
        return updated

    def leave_SimpleStatementLine(self, original, updated):  # type: ignore[no-untyped-def]
        if len(updated.body) == 1 and isinstance(updated.body[0], cst.Pass):
            return cst.RemoveFromParent()
        return updated


class _Finds(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.name = self.pass_ = False

    def visit_Name(self, node: cst.Name) -> None:
        self.name |= node.value == "Collection"

    def visit_Pass(self, node: cst.Pass) -> None:
        self.pass_ = True


def _finds(stmt: cst.CSTNode) -> tuple[bool, bool]:
    """Whether `stmt` holds a `Collection` name (always renamed), a `pass` (maybe removed)."""
    finds = _Finds()
    stmt.visit(finds)
    return finds.name, finds.pass_


def _parse(path: Path) -> cst.Module:
    try:
        return cst.parse_module(path.read_text(encoding="utf-8"))
    except cst.ParserSyntaxError:
        pytest.skip("not valid Python")


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_same_result_and_untouched_statements_kept(path: Path) -> None:
    module = _parse(path)
    theirs = _Rename()
    expected = module.visit(theirs)
    ours = _Rename()
    with read_only_visits():
        result = module.visit(ours)
    assert result.code == expected.code
    assert ours.events == theirs.events
    touched = [s for s in module.body if _finds(s)[0]]
    untouched = [s for s in module.body if not any(_finds(s))]
    assert all(s not in result.body for s in touched)
    kept = {id(s) for s in result.body}
    assert all(id(s) in kept for s in untouched)


def test_a_changed_leaf_rebuilds_its_ancestors_only() -> None:
    module = cst.parse_module("a = Collection\nb = 1\n")
    with read_only_visits():
        result = module.visit(_Rename())
    assert result.code == "a = Coll\nb = 1\n"
    assert result is not module
    assert result.body[0] is not module.body[0]
    assert result.body[1] is module.body[1]
    assert result.body[0].body[0].targets[0] is module.body[0].body[0].targets[0]


def test_an_unchanged_tree_comes_back_as_itself() -> None:
    module = cst.parse_module("import os\n\n\ndef f(x):\n    return x + 1\n")
    with read_only_visits():
        assert module.visit(_Rename()) is module


class _RepeatDot(cst.CSTTransformer):
    """Puts the first `Dot` of the tree in every `Dot`'s place (a repeat, as real rewrites make
    with shared whitespace), and, when `keep` is given, an untouched old statement twice."""

    def __init__(self, keep: bool = False) -> None:
        super().__init__()
        self.dot: cst.Dot | None = None
        self.keep = keep

    def leave_Dot(self, original: cst.Dot, updated: cst.Dot) -> cst.Dot:
        self.dot = self.dot or updated
        return self.dot

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        if self.keep and updated.body:
            # an old statement twice, and first an old node from inside the first statement
            inner = updated.body[0].children[0] if updated.body[0].children else updated.body[0]
            extra = cst.SimpleStatementLine([cst.Expr(cst.Tuple([]))], leading_lines=[])
            if isinstance(inner, cst.EmptyLine):
                extra = extra.with_changes(leading_lines=[inner])
            return updated.with_changes(body=[extra, *updated.body, updated.body[-1]])
        return updated


@pytest.mark.parametrize("path", FILES[::3], ids=lambda p: f"{p.parent.name}/{p.name}")
@pytest.mark.parametrize("transformer", [_Rename, _RepeatDot, lambda: _RepeatDot(keep=True)])
def test_unshared_with_the_old_parents_agrees_with_the_full_walk(path: Path, transformer) -> None:
    """`unshared(new, old_parents)` (the walk over the rewrite's new nodes only) gives what the
    full walk gives: the tree itself when nothing repeats, else the same copy."""
    module = _parse(path)
    with read_only_visits():
        wrapper = MetadataWrapper(unshared(module), unsafe_skip_copy=True)
        parents = wrapper.resolve(ParentNodeProvider)
        new = wrapper.module.visit(transformer())
        fast = unshared(new, parents)
        full = unshared(new)
        assert nodes_are_unique(fast)
        assert (fast is new) == (full is new) == nodes_are_unique(new)
        assert fast.code == full.code == new.code
        # the same nodes kept, the same ones copied, in the same places
        mine = {id(n) for n in _nodes(new)}
        assert [id(n) if id(n) in mine else None for n in _nodes(fast)] == [
            id(n) if id(n) in mine else None for n in _nodes(full)
        ]


def _nodes(module: cst.Module) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children))
    return out


@pytest.mark.parametrize("inner_first", [True, False])
def test_a_kept_node_also_inside_another_kept_subtree(inner_first: bool) -> None:
    module = cst.parse_module("a.b(1)\nc = 2\n")
    with read_only_visits():
        wrapper = MetadataWrapper(unshared(module), unsafe_skip_copy=True)
        parents = wrapper.resolve(ParentNodeProvider)
        old = wrapper.module
        first = old.body[0]
        name_a = first.body[0].value.func.value  # inside the kept first statement
        holder = cst.SimpleStatementLine([cst.Expr(name_a)])
        body = [holder, first, old.body[1]] if inner_first else [first, holder, old.body[1]]
        new = old.with_changes(body=body)
        fast, full = unshared(new, parents), unshared(new)
        assert (
            fast.code
            == full.code
            == new.code
            == ("a\na.b(1)\nc = 2\n" if inner_first else "a.b(1)\na\nc = 2\n")
        )
        assert nodes_are_unique(fast) and fast is not new
        mine = {id(n) for n in _nodes(new)}
        assert [id(n) if id(n) in mine else None for n in _nodes(fast)] == [
            id(n) if id(n) in mine else None for n in _nodes(full)
        ]
