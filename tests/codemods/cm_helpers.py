"""Before/after helper for the MilvusClient codemods: runs the real engine twice."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Callable
from pathlib import Path

from codemods import migrate_source
from codemods.base import Options, Outcome
from tests.rig.programs import ProgramRun, run_program


def check(before: str, after: str, *, codes: tuple[str, ...] = (), **options) -> list:
    """Migrate `before`, compare with `after`, check the output parses and that a second run
    changes nothing; return the findings (and check each code in `codes` was reported)."""
    before = textwrap.dedent(before)
    after = textwrap.dedent(after)
    outcome = migrate_source(before, Options(**options))
    assert outcome.source == after, "\n--- got ---\n" + outcome.source
    ast.parse(outcome.source)
    second = migrate_source(outcome.source, Options(**options))
    assert not second.changes, f"second run changed: {second.changes}"
    assert second.source == outcome.source
    reported = {f.code for f in outcome.findings}
    for code in codes:
        assert code in reported, f"{code} not reported: {outcome.findings}"
    return outcome.findings


def write_pair(
    tmp_path: Path, name: str, program: str, options: Options | None = None
) -> tuple[Path, Path, Outcome]:
    """`program` as tmp_path/orm/NAME and its migration (default `options`) as
    tmp_path/migrated/NAME, for a live ORM-vs-migrated run; returns both paths and the outcome."""
    original = tmp_path / "orm" / name
    original.parent.mkdir()
    original.write_text(program, encoding="utf-8")
    outcome = migrate_source(program, options or Options())
    migrated = tmp_path / "migrated" / name
    migrated.parent.mkdir()
    migrated.write_text(outcome.source, encoding="utf-8")
    return original, migrated, outcome


def orm_vs_migrated(
    tmp_path: Path,
    name: str,
    program: str,
    new_server: Callable[[], object],
    options: Options | None = None,
) -> tuple[Outcome, ProgramRun, ProgramRun]:
    """`program` run as written on pymilvus's ORM and migrated (default `options`, strict
    mode: deprecation warnings are errors), each on a fresh server from `new_server` (the
    milvus_factory fixture); returns the migration outcome and both runs."""
    original, migrated, outcome = write_pair(tmp_path, name, program, options)
    before = run_program(original, new_server(), mode="orm")
    after = run_program(migrated, new_server(), mode="strict")
    return outcome, before, after


def kept_with_trap2(source: str, kept: str, reason: str, absent: str) -> None:
    """`source` keeps the Collection() `kept` ORM, writes no `absent` check, and reports it
    with a trap-2 MM110 finding that says `reason`."""
    outcome = migrate_source(textwrap.dedent(source), Options())
    reasons = "\n".join(f.message for f in outcome.findings)
    assert kept in outcome.source, outcome.source
    assert absent not in outcome.source, outcome.source
    assert any(
        f.code == "MM110" and "(trap 2)" in f.message and reason in f.message
        for f in outcome.findings
    ), reasons
