"""Suppression comments (`# milvus-migrate: ignore`, `ignore[CODE]`, `ignore-file`).

Exercised through the real CLI with the MM001 shim-import rule, plus the comment parser on its
own for the cases the rule cannot reach (multi-line statements, text inside strings).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from migrator.suppress import find_suppressions, parse_directive


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "migrator", *args], cwd=cwd, capture_output=True, text=True
    )


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "app.py"
    path.write_text(textwrap.dedent(text))
    return path


def test_line_ignore_keeps_that_line_and_migrates_the_rest(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
        from pymilvus import Collection  # milvus-migrate: ignore
        from pymilvus import utility
        """,
    )
    run = _cli("--shim", "app.py", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert path.read_text() == (
        "from pymilvus import Collection  # milvus-migrate: ignore\n"
        "from compat_shim import utility\n"
    )


def test_coded_ignore_only_suppresses_the_named_rules(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
        from pymilvus import Collection  # milvus-migrate: ignore[MM104]
        from pymilvus import utility  # milvus-migrate: ignore[mm104, MM001]
        """,
    )
    run = _cli("--shim", "app.py", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert path.read_text() == (
        "from compat_shim import Collection  # milvus-migrate: ignore[MM104]\n"
        "from pymilvus import utility  # milvus-migrate: ignore[mm104, MM001]\n"
    )


def test_comment_on_a_continuation_line_covers_the_statement(tmp_path: Path) -> None:
    source = """\
    from pymilvus import (
        Collection,  # milvus-migrate: ignore[MM001]
        utility,
    )
    """
    path = _write(tmp_path, source)
    run = _cli("--shim", "--check", "app.py", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert path.read_text() == textwrap.dedent(source)


def test_ignore_file_leaves_file_byte_identical_and_silences_reports(tmp_path: Path) -> None:
    source = (
        "# milvus-migrate: ignore-file  (kept on the ORM until the batch job is retired)\n"
        "import pymilvus\n"
        "from pymilvus import *\n"
        "from pymilvus import Collection\n"
        "col = pymilvus.Collection('x')\n"
    )
    path = tmp_path / "app.py"
    path.write_bytes(source.encode())
    run = _cli("--shim", "--format", "json", "app.py", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["files"][0]["status"] == "unchanged"
    assert report["files"][0]["manual_review"] == []
    assert path.read_bytes() == source.encode()

    # Without the comment the same file is migrated and reported.
    path.write_text(source.split("\n", 1)[1])
    run = _cli("--shim", "--format", "json", "app.py", cwd=tmp_path)
    report = json.loads(run.stdout)
    assert report["files"][0]["status"] == "changed"
    assert {f["code"] for f in report["files"][0]["manual_review"]} == {"MM001"}


def test_line_ignore_also_silences_manual_review_items(tmp_path: Path) -> None:
    _write(
        tmp_path,
        """\
        from pymilvus import *  # milvus-migrate: ignore
        from pymilvus.orm import *
        """,
    )
    run = _cli("--shim", "--format", "json", "--check", "app.py", cwd=tmp_path)
    items = json.loads(run.stdout)["files"][0]["manual_review"]
    assert [(i["line"], i["code"]) for i in items] == [(2, "MM001")]


def test_directive_text_inside_a_string_does_not_count() -> None:
    source = 'NOTE = "# milvus-migrate: ignore-file"\nx = 1  # milvus-migrate: ignore\n'
    found = find_suppressions(source)
    assert not found.ignore_file
    assert found.lines == {2: frozenset()}


def test_parser_handles_spacing_case_and_code_lists() -> None:
    assert parse_directive("#milvus-migrate:ignore") == ("ignore", frozenset())
    assert parse_directive("# Milvus-Migrate: IGNORE[mm104 , MM2]") == (
        "ignore",
        frozenset({"MM104", "MM2"}),
    )
    assert parse_directive("# milvus-migrate: ignore-file")[0] == "ignore-file"
    assert parse_directive("# milvus-migrate: note: check this") is None
    assert parse_directive("# noqa") is None


def test_multiline_call_is_covered_from_first_to_last_line() -> None:
    source = textwrap.dedent(
        """\
        a = 1
        col.insert(
            rows,
        )  # milvus-migrate: ignore[MM104]
        b = 2
        """
    )
    found = find_suppressions(source)
    assert found.lines == {2: {"MM104"}, 3: {"MM104"}, 4: {"MM104"}}
    assert found.suppresses(2, "MM104") and not found.suppresses(2, "MM105")
    assert not found.suppresses(1, "MM104") and not found.suppresses(5, "MM104")


def test_unterminated_source_falls_back_to_physical_lines() -> None:
    source = "x = (1,  # milvus-migrate: ignore\n"
    assert find_suppressions(source).lines == {1: frozenset()}
