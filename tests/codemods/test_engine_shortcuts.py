"""The engine's two shortcuts change no output.

`codemods.engine` (1) hands a codemod's input tree, and the analysis built on it, to the next
codemod when the codemod recorded no rewrite, and (2) runs consecutive collection-call codemods
as one pass. Both are only sound if a codemod that records nothing changes nothing and if the
fused pass rewrites what the separate passes would. Each fixture file is migrated both ways and
must come out identical: the text, and the same changes and manual-review items.
"""

from __future__ import annotations

import re
from pathlib import Path

import libcst as cst
import pytest

from codemods.base import Options
from codemods.context import MigrationContext
from codemods.engine import migrate_source
from codemods.registry import enabled_codemods
from codemods.suppress import find_suppressions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILES = sorted(FIXTURES.rglob("*.py"))
# Unsafe fixes on: the most rewrites, so the most chances for the shortcuts to differ.
OPTIONS = Options(unsafe_fixes=True)


def _one_pass_per_codemod(source: str, options: Options) -> tuple[str, list, list]:
    """The engine without shortcuts: every codemod alone, each on a fresh analysis."""
    module = cst.parse_module(source)
    suppressions = find_suppressions(source)
    # The source is given because new names (the alias registry's) are chosen from it; the
    # text pre-filter (`mentions`) is a shortcut too, so it is off here.
    ctx = MigrationContext(
        options, suppressed_lines=dict(suppressions.lines), source=source, prefilter=False
    )
    for codemod in enabled_codemods(options):
        ctx.analysis = None
        module = codemod.apply(module, ctx)
    # One item per site and reason, as the engine reports them (codemods/engine.py).
    findings = list(
        dict.fromkeys(f for f in ctx.findings if not suppressions.suppresses(f.line, f.code))
    )
    return (module.code if ctx.changes else source), ctx.changes, findings


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_shortcuts_change_no_output(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    outcome = migrate_source(source, OPTIONS)
    text, changes, findings = _one_pass_per_codemod(source, OPTIONS)
    assert outcome.source == text
    # The fused pass walks the tree once, so its items come in line order rather than grouped by
    # concern, and their lines are the lines of the tree it was given (separate passes number a
    # later concern's sites in the output of the earlier ones, where inserted statements moved
    # them): the same items, in another order, lines aside.
    assert _items(outcome.changes) == _items(changes)
    assert _items(outcome.findings) == _items(findings)


def _items(items: list) -> list:
    """Items without line numbers, also those a message cites for the site that keeps a
    collection ORM (the first such site in the analysed tree's order)."""
    return sorted(
        _LINE.sub("(line ?)", repr({k: v for k, v in item.to_dict().items() if k != "line"}))
        for item in items
    )


# "(line 12)", "at line 12", "on line 12": a node a rewrite rebuilt is placed by the nearest
# kept statement (codemods/input_lines.py), and the two engines rebuild different nodes.
_LINE = re.compile(r"\(line \d+\)|(?<=at )line \d+|(?<=on )line \d+|(?<=see )line \d+")


# A module whose text already says `milvus_clients` (here in its docstring): the alias registry
# is then named `milvus_clients_2`, in both runs (the unshortcut run once picked the plain name
# because its context had no source text to choose the name from).
REGISTRY_NAME_TAKEN = '''"""Keeps one client per alias in milvus_clients."""
from pymilvus import connections, utility

def connect_as(conn, uri):
    connections.connect(alias=conn, uri=uri)

def probe(conn):
    print(utility.has_collection("demo", using=conn))

connect_as("admin", "http://localhost:19530")
probe("admin")
'''


def test_registry_name_is_chosen_from_the_source_in_both_runs() -> None:
    outcome = migrate_source(REGISTRY_NAME_TAKEN, OPTIONS)
    text, _, _ = _one_pass_per_codemod(REGISTRY_NAME_TAKEN, OPTIONS)
    assert 'milvus_clients_2: dict[str, "MilvusClient"] = {}' in outcome.source
    assert outcome.source == text
