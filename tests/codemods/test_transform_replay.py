"""A transformer under `read_only_visits` sees libcst's callbacks, in libcst's order.

`codemods.read_only_visit._transform` visits a node's children itself and lets libcst rebuild
the node only when a child came back changed (`_Replay` hands it the results); it skips the
attribute callbacks of a transformer that has no attribute hook. Here transformers that log
every callback (attribute ones included), remove, flatten and replace nodes, or raise from a
field that does not allow a removal must see the same calls and give the same result (or the
same error) as with libcst's own walk.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from codemods.read_only_visit import read_only_visits

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILES = sorted(FIXTURES.rglob("*.py"))[::3]


class _Log(cst.CSTTransformer):
    """Logs every callback, attribute ones included; renames `Collection`, drops `pass` lines,
    splits `x = y = v` into two lines (a flattening), and turns `del x` into itself alone."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, ...]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", type(node).__name__))
        return super().on_visit(node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("visit_attr", type(node).__name__, attribute))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("leave_attr", type(original_node).__name__, attribute))

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):  # type: ignore[no-untyped-def]
        self.events.append(("leave", type(original).__name__, str(original is updated)))
        return super().on_leave(original, updated)

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        if updated.value == "Collection":
            return updated.with_changes(value="Coll")
        return updated

    def leave_SimpleStatementLine(self, original, updated):  # type: ignore[no-untyped-def]
        body = updated.body
        if len(body) == 1 and isinstance(body[0], cst.Pass):
            return cst.RemoveFromParent()
        if len(body) == 1 and isinstance(body[0], cst.Del):
            return cst.FlattenSentinel([updated])
        if len(body) == 1 and isinstance(body[0], cst.Assign) and len(body[0].targets) == 2:
            first, second = body[0].targets
            return cst.FlattenSentinel(
                [
                    updated.with_changes(body=[body[0].with_changes(targets=[first])]),
                    updated.with_changes(body=[body[0].with_changes(targets=[second])]),
                ]
            )
        return updated


class _FieldHook(cst.CSTTransformer):
    """No on_*_attribute override, one typed attribute hook: it must still be called."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def visit_Attribute_attr(self, node: cst.Attribute) -> None:
        self.seen.append(node.attr.value)


def _parse(path: Path) -> cst.Module:
    try:
        return cst.parse_module(path.read_text(encoding="utf-8"))
    except cst.ParserSyntaxError:
        pytest.skip("not valid Python")


def _events(events: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    # identity of updated and original differs by design (see test_transform_identity)
    return [e[:2] if e[0] == "leave" else e for e in events]


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_same_callbacks_and_result_as_libcst(path: Path) -> None:
    module = _parse(path)
    theirs = _Log()
    expected = module.visit(theirs)
    ours = _Log()
    with read_only_visits():
        result = module.visit(ours)
    assert result.code == expected.code
    assert _events(ours.events) == _events(theirs.events)


def test_shapes_in_one_module() -> None:
    source = "x = y = Collection()\npass\ndel z\nif a:\n    pass\n    b.c = 1\nq = (1, 2)\n"
    module = cst.parse_module(source)
    theirs, ours = _Log(), _Log()
    expected = module.visit(theirs)
    with read_only_visits():
        result = module.visit(ours)
    assert (
        result.code
        == expected.code
        == ("x = Coll()\ny = Coll()\ndel z\nif a:\n    b.c = 1\nq = (1, 2)\n")
    )
    assert _events(ours.events) == _events(theirs.events)
    # `del z` flattened into itself alone is handed on as itself, as before
    assert module.body[2] in result.body


def test_an_attribute_hook_of_the_class_is_called() -> None:
    module = cst.parse_module("a.b(c.d)\nx = e.f.g\n")
    theirs, ours = _FieldHook(), _FieldHook()
    module.visit(theirs)
    with read_only_visits():
        module.visit(ours)
    assert ours.seen == theirs.seen == ["b", "d", "f", "g"]


class _RemoveAttr(_Log):
    """Removes the `attr` Name of an Attribute: a required field, so libcst raises there."""

    def leave_Name(self, original: cst.Name, updated: cst.Name):  # type: ignore[no-untyped-def]
        if updated.value == "boom":
            return cst.RemoveFromParent()
        return updated


def test_a_removal_where_none_is_allowed_raises_at_the_same_point() -> None:
    module = cst.parse_module("a = 1\nx.boom(later)\nb = 2\n")
    theirs, ours = _RemoveAttr(), _RemoveAttr()
    with pytest.raises(TypeError) as expected:
        module.visit(theirs)
    with read_only_visits(), pytest.raises(TypeError) as got:
        module.visit(ours)
    assert str(got.value) == str(expected.value)
    assert _events(ours.events) == _events(theirs.events)
    assert ("visit", "Arg") not in ours.events  # nothing after the removal was visited


class _Typed(cst.CSTTransformer):
    """`_Log`'s rewrites through typed hooks only (no on_visit/on_leave of its own: the walk
    looks the hook names up once per node type), logging each hook call; skips the children of
    a `lambda`, and a leave hook returning something that is no node must raise as in libcst."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, ...]] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.events.append(("visit_Name", node.value))

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self.events.append(("visit_Lambda",))
        return False

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        self.events.append(("leave_Name", original.value))
        if updated.value == "Collection":
            return updated.with_changes(value="Coll")
        if updated.value == "not_a_node":
            return "oops"  # type: ignore[return-value]
        return updated

    def leave_SimpleStatementLine(self, original, updated):  # type: ignore[no-untyped-def]
        self.events.append(("leave_SimpleStatementLine", str(len(updated.body))))
        return _Log.leave_SimpleStatementLine(self, original, updated)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_typed_hooks_same_calls_and_result_as_libcst(path: Path) -> None:
    module = _parse(path)
    theirs, ours = _Typed(), _Typed()
    expected = module.visit(theirs)
    with read_only_visits():
        result = module.visit(ours)
    assert result.code == expected.code
    assert ours.events == theirs.events


def test_typed_hooks_in_one_module() -> None:
    source = "x = y = Collection()\npass\ndel z\nf = lambda q: Collection(q)\n"
    module = cst.parse_module(source)
    theirs, ours = _Typed(), _Typed()
    expected = module.visit(theirs)
    with read_only_visits():
        result = module.visit(ours)
    assert (
        result.code
        == expected.code
        == ("x = Coll()\ny = Coll()\ndel z\nf = lambda q: Collection(q)\n")
    )
    assert ours.events == theirs.events
    bad = cst.parse_module("a = not_a_node\n")
    with pytest.raises(cst.CSTValidationError) as theirs_error:
        bad.visit(_Typed())
    with read_only_visits(), pytest.raises(cst.CSTValidationError) as ours_error:
        bad.visit(_Typed())
    assert str(ours_error.value) == str(theirs_error.value)
