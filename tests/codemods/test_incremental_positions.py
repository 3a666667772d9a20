"""`codemods.incremental_positions` gives the ranges libcst's PositionProvider gives.

It takes a kept statement's ranges from where it was generated before instead of generating it
again (a speed-up, see the module). Checked here: every tree a migration analyses, and trees
where a kept statement moves down, moves into another indentation, sits in a module with other
defaults, or occurs twice.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from codemods import incremental_positions
from codemods.engine import migrate_source
from codemods.read_only_visit import read_only_visits

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILES = sorted((FIXTURES / "programs").glob("*.py")) + sorted((FIXTURES / "realworld").glob("*.py"))


def _libcst(module: cst.Module) -> dict:
    return dict(PositionProvider()._gen(MetadataWrapper(module, unsafe_skip_copy=True)))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_analysed_tree_gets_libcst_positions(path: Path, monkeypatch) -> None:
    original = incremental_positions.positions
    taken = []
    seen = []

    def checked(module: cst.Module):
        got = original(module)
        assert dict(got) == _libcst(module)
        seen.append(module)
        return got

    original_take = incremental_positions._take

    def counting_take(*args):
        taken.append(args)
        return original_take(*args)

    monkeypatch.setattr(incremental_positions, "positions", checked)
    monkeypatch.setattr(incremental_positions, "_take", counting_take)
    try:
        migrate_source(path.read_text(encoding="utf-8"))
    except cst.ParserSyntaxError:
        pytest.skip("does not parse")
    assert seen  # the engine's builds go through it
    if len(seen) > 1:
        assert taken  # and a rebuild takes kept statements


class _Edit(cst.CSTTransformer):
    """Puts a new line before `x = 1` and wraps `z = 3` in an `if` (a new indentation)."""

    def leave_SimpleStatementLine(self, original, updated):
        code = cst.Module([]).code_for_node(original).strip()
        if code == "x = 1":
            return cst.FlattenSentinel([cst.parse_statement("new = 0\n"), updated])
        if code == "z = 3":
            return cst.If(test=cst.Name("True"), body=cst.IndentedBlock([original]))
        return updated


SOURCE = (
    "# header\n"
    "import os\n"
    "\n"
    "def f(a,\n"
    "      b):\n"
    "    x = 1\n"
    "    y = (a +\n"
    "         b)  # comment\n"
    "    return [\n"
    "        x, y]\n"
    "\n"
    "class C:\n"
    "    z = 3\n"
    "    def g(self): return 2\n"
    "w = f(1, 2)"  # no trailing newline
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_kept_statements_moved_down_and_into_another_block(newline: str) -> None:
    module = cst.parse_module(SOURCE.replace("\n", newline))
    with read_only_visits(), incremental_positions.position_memo():
        assert dict(incremental_positions.positions(module)) == _libcst(module)
        edited = module.visit(_Edit())
        assert "new = 0" in edited.code and "    if True:" in edited.code
        assert dict(incremental_positions.positions(edited)) == _libcst(edited)
        # other defaults: nothing is taken from the trees above
        other = edited.with_changes(default_indent="\t", default_newline="\r")
        assert dict(incremental_positions.positions(other)) == _libcst(other)


def test_a_statement_placed_twice_gets_what_libcst_gives() -> None:
    module = cst.parse_module(SOURCE)
    with read_only_visits(), incremental_positions.position_memo():
        incremental_positions.positions(module)
        twice = module.with_changes(body=[*module.body, module.body[1]])
        assert dict(incremental_positions.positions(twice)) == _libcst(twice)


def test_outside_the_memo_it_is_libcst_codegen() -> None:
    module = cst.parse_module(SOURCE)
    assert not incremental_positions.active()
    assert cst.SimpleStatementLine._codegen is cst.CSTNode._codegen
    with incremental_positions.position_memo():
        assert incremental_positions.active()
        assert module.code == SOURCE  # plain codegen through the hook is unchanged
    assert cst.SimpleStatementLine._codegen is cst.CSTNode._codegen
