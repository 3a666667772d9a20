"""target-version: the oldest Python the migrated code must run on. Column inserts become rows
with `zip(..., strict=True)`, which needs 3.10 (pymilvus 3 still installs on 3.9), so for an
older target they are reported and left ORM. The target comes from --target-version, then
`[tool.milvus-migrate] target-version`, then the lower bound of `[project] requires-python`,
else py310."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemods import migrate_source
from codemods.base import Options
from migrator.config import ConfigError, inferred_target, parse_table
from tests.cli_support import run_cli, write_tree

COLUMNS = """from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

connections.connect(uri="http://h:1")
schema = CollectionSchema(
    [
        FieldSchema("id", DataType.INT64, is_primary=True),
        FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
    ]
)
col = Collection("c", schema)
col.insert([[1, 2], [[0.0, 1.0], [1.0, 0.0]]])
"""
ROWS = 'data=[dict(zip(["id", "v"], values, strict=True)) for values in zip('


def test_column_insert_is_rewritten_for_py310_and_reported_for_py39():
    assert ROWS in migrate_source(COLUMNS, Options()).source
    assert ROWS in migrate_source(COLUMNS, Options(target_version="py312")).source
    old = migrate_source(COLUMNS, Options(target_version="py39"))
    assert "col.insert([[1, 2]" in old.source and "strict=True" not in old.source, old.source
    assert any(
        f.code == "MM130" and "needs Python 3.10, and the target is py39" in f.message
        for f in old.findings
    ), old.findings
    # the rest of the module still migrates; a second run changes nothing
    assert "MilvusClient.create_schema()" in old.source
    assert migrate_source(old.source, Options(target_version="py39")).source == old.source


def test_rows_are_not_affected_by_the_target():
    rows = COLUMNS.replace(
        "col.insert([[1, 2], [[0.0, 1.0], [1.0, 0.0]]])", 'col.insert([{"id": 1, "v": [0.0, 1.0]}])'
    )
    out = migrate_source(rows, Options(target_version="py39")).source
    assert 'client.insert(collection_name=col, data=[{"id": 1, "v": [0.0, 1.0]}])' in out, out


def test_config_key_is_checked(tmp_path: Path):
    assert parse_table({"target-version": "py39"}, tmp_path).target_version == "py39"
    with pytest.raises(ConfigError, match="must be one of py39, py310"):
        parse_table({"target-version": "3.9"}, tmp_path)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (">=3.9", "py39"),
        (">=3.10,<4", "py310"),
        ("~=3.11", "py311"),
        (">= 3.9, != 3.9.1", "py39"),
        (">=2.7", None),  # no version this tool knows: the default applies
        ("<4", None),
    ],
)
def test_requires_python_gives_the_target(tmp_path: Path, spec: str, expected: str | None):
    write_tree(tmp_path, {"pyproject.toml": f'[project]\nrequires-python = "{spec}"\n'})
    (tmp_path / "src").mkdir()
    assert inferred_target([tmp_path / "src"]) == expected


def test_the_cli_reads_requires_python_and_the_flag_overrides_it(tmp_path: Path):
    write_tree(
        tmp_path,
        {"pyproject.toml": '[project]\nrequires-python = ">=3.9"\n', "app.py": COLUMNS},
    )
    env = {"MILVUS_MIGRATE_NO_CACHE": "1"}
    kept = run_cli("--diff", "app.py", cwd=tmp_path, env=env)
    said = " ".join((kept.stdout + kept.stderr).split())  # the report wraps long lines
    assert "+client.insert(" not in kept.stdout and "the target is py39" in said, said
    flagged = run_cli("--diff", "--target-version", "py310", "app.py", cwd=tmp_path, env=env)
    assert "strict=True" in flagged.stdout, flagged.stdout
    bad = run_cli("--target-version", "py38", "app.py", cwd=tmp_path, env=env)
    assert bad.returncode == 2 and "py38" in bad.stderr, bad.stderr
