"""`--annotate` (or `annotate = true`): manual-review notes written into the code."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner

from codemods import Finding
from migrator.annotate import annotate
from migrator.cli import migrate


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(migrate, ["--no-color", *args])
    return result.exit_code, result.output


def test_note_goes_above_the_statement_and_a_second_run_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(
        textwrap.dedent(
            """\
            import pymilvus


            def make():
                return pymilvus.Collection(
                    "books",
                )
            """
        )
    )
    code, output = _run("--shim", "--annotate", str(path))
    assert code == 0, output
    text = path.read_text()
    assert text.splitlines()[4].startswith(
        "    # milvus-migrate: MM001 `pymilvus.Collection` is reached through the pymilvus module"
    )
    assert text.splitlines()[5] == "    return pymilvus.Collection("
    code, output = _run("--shim", "--annotate", "--check", str(path))
    assert code == 0, output
    assert path.read_text() == text
    # Without --annotate the same file is only reported, never written.
    code, _ = _run("--shim", "--check", str(path))
    assert code == 0


def test_full_rules_note_survives_the_rewrite_and_config_turns_it_on(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.milvus-migrate]\nannotate = true\n")
    path = tmp_path / "store.py"
    path.write_text(
        textwrap.dedent(
            """\
            from pymilvus import Collection, connections

            connections.connect(uri="http://localhost:19530")
            books = Collection("books")


            def add(rows):
                return books.insert(rows).insert_count
            """
        )
    )
    code, output = _run("--format", "json", str(path))
    assert code == 0, output
    report = json.loads(output)["files"][0]
    assert any(c["summary"] == "manual-review note written as a comment" for c in report["changes"])
    lines = path.read_text().splitlines()
    note = next(i for i, line in enumerate(lines) if "# milvus-migrate: MM130" in line)
    assert lines[note].startswith("    # milvus-migrate: MM130 ")
    # the note heads the rewritten statement: the ORM's refusal of no rows, then the insert
    assert lines[note + 1] == "    if len(rows) == 0:", lines[note:]
    assert "client.insert(collection_name=" in lines[note + 3], lines[note:]
    code, _ = _run("--check", str(path))
    assert code == 0


def test_notes_in_a_notebook_cell(tmp_path: Path) -> None:
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "a",
                "metadata": {},
                "outputs": [],
                "source": ["import pymilvus\n", "%time y = 1\n", "x = pymilvus.utility"],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb, indent=1) + "\n")
    code, output = _run("--shim", "--annotate", str(path))
    assert code == 0, output
    source = json.loads(path.read_text())["cells"][0]["source"]
    assert source[:2] == ["import pymilvus\n", "%time y = 1\n"]  # the magic is kept
    assert source[2].startswith("# milvus-migrate: MM001 `pymilvus.utility` is reached")
    assert source[3] == "x = pymilvus.utility"
    code, _ = _run("--shim", "--annotate", "--check", str(path))
    assert code == 0


def test_annotate_unit_cases() -> None:
    source = 'x = (\n    1,\n)\ns = """\ntext\n"""; y = 2\n'
    out, noted = annotate(
        source,
        [Finding(2, 4, "MM130", "first"), Finding(6, 5, "MM141", "second", "use output_fields")],
    )
    assert out == (
        "# milvus-migrate: MM130 first\n"
        "x = (\n    1,\n)\n"
        "# milvus-migrate: MM141 second (suggestion: use output_fields)\n"
        's = """\ntext\n"""; y = 2\n'
    )
    assert [f.code for f in noted] == ["MM130", "MM141"]
    again, noted_again = annotate(out, [Finding(3, 4, "MM130", "first, now on line 3")])
    assert again == out and noted_again == []
    assert (
        annotate("a = 1\r\n", [Finding(1, 0, "MM1", "n")])[0]
        == "# milvus-migrate: MM1 n\r\na = 1\r\n"
    )
