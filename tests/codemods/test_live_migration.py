"""Live: migrate ORM programs with the codemods and compare behaviour on fresh servers."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemods import migrate_source
from tests.rig.programs import run_program

PROGRAMS = Path(__file__).resolve().parents[1] / "fixtures" / "programs"


@pytest.mark.parametrize("name", ["basic_script.py", "column_insert.py"])
def test_migrated_program_behaves_like_the_orm(name, milvus_factory, tmp_path):
    original = PROGRAMS / name
    outcome = migrate_source(original.read_text(encoding="utf-8"))
    assert outcome.changes
    assert "Collection(" not in outcome.source and "connections." not in outcome.source
    migrated = tmp_path / name
    migrated.write_text(outcome.source, encoding="utf-8")
    reference = run_program(original, milvus_factory(), "orm")
    assert reference.returncode == 0, reference.stderr
    run = run_program(migrated, milvus_factory(), "strict")
    assert run.comparable() == reference.comparable(), run.stderr
