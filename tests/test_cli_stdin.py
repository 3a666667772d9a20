"""PATH `-`: the source from stdin, the migrated source on stdout, the report on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_support import REPO_ROOT, write_tree

ORM = (
    "from pymilvus import connections, utility\n"
    "\n"
    "connections.connect(host='h', port='1')  # the server\n"
    "print(utility.list_collections())\n"
)
MIGRATED = (
    "from pymilvus import MilvusClient\n"
    "\n"
    'client = MilvusClient(uri="http://h:1")  # the server\n'
    "print(client.list_collections())\n"
)


def run_stdin(data: bytes, *args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env["MILVUS_MIGRATE_NO_CACHE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "migrator", *args, "-"],
        input=data,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_write_mode_prints_the_migrated_source_and_reports_on_stderr() -> None:
    done = run_stdin(ORM.encode())
    assert done.returncode == 0
    assert done.stdout.decode() == MIGRATED
    assert "1 files scanned: 1 changed" in done.stderr.decode()


def test_crlf_and_a_bom_survive_the_round_trip() -> None:
    data = b"\xef\xbb\xbf" + ORM.replace("\n", "\r\n").encode()
    done = run_stdin(data)
    assert done.returncode == 0
    assert done.stdout == b"\xef\xbb\xbf" + MIGRATED.replace("\n", "\r\n").encode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"import pymilvus\nx = (\n", "<stdin>:2: syntax error: '(' was never closed"),
        (b"import pymilvus\n\xff\n", "<stdin>:2: cannot decode as utf-8"),
    ],
)
def test_input_that_cannot_be_migrated_is_echoed_unchanged_with_exit_2(
    data: bytes, error: str
) -> None:
    done = run_stdin(data)
    assert done.returncode == 2
    assert done.stdout == data  # an editor replacing its buffer with stdout loses nothing
    assert error in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()


def test_code_without_pymilvus_is_echoed_and_skipped() -> None:
    done = run_stdin(b"print(1)\n")
    assert (done.returncode, done.stdout) == (0, b"print(1)\n")
    assert "1 skipped (no pymilvus)" in done.stderr.decode()


def test_check_exits_1_and_prints_no_source() -> None:
    done = run_stdin(ORM.encode(), "--check")
    assert (done.returncode, done.stdout) == (1, b"")
    assert "would migrate <stdin>" in done.stderr.decode()
    migrated = run_stdin(MIGRATED.encode(), "--check")
    assert (migrated.returncode, migrated.stdout) == (0, b"")


def test_diff_names_the_stdin_filename() -> None:
    done = run_stdin(ORM.encode(), "--diff", "--stdin-filename", "app/store.py")
    assert done.returncode == 0
    out = done.stdout.decode()
    assert out.startswith("--- a/app/store.py\n+++ b/app/store.py\n")
    assert '+client = MilvusClient(uri="http://h:1")  # the server\n' in out


def test_json_report_goes_to_stderr_in_write_mode() -> None:
    done = run_stdin(ORM.encode(), "--format", "json")
    assert done.stdout.decode() == MIGRATED
    report = json.loads(done.stderr.decode())
    assert report["files"][0]["path"] == "<stdin>"
    assert report["summary"]["changed"] == 1


def test_manual_review_items_are_named_by_the_stdin_filename() -> None:
    source = ORM + "from pymilvus import Role\nRole('reader').create()\n"
    done = run_stdin(source.encode(), "--stdin-filename", "admin.py")
    assert done.returncode == 0
    assert "admin.py:6:1: MM163" in done.stderr.decode()


def test_the_stdin_filename_picks_the_pyproject_that_applies(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "proj/.git/HEAD": "",
            "proj/pyproject.toml": '[tool.milvus-migrate]\nclient-name = "milvus"\n',
        },
    )
    done = run_stdin(ORM.encode(), "--stdin-filename", str(tmp_path / "proj/app.py"))
    assert done.stdout.decode() == MIGRATED.replace("client", "milvus")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-", "other.py"), "`-` (stdin) cannot be combined with other paths"),
        (("--stdin-filename", "x.py", "other.py"), "--stdin-filename needs PATH `-`"),
    ],
)
def test_usage_errors(args: tuple[str, ...], message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "migrator", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    assert message in done.stderr


def test_an_ipynb_stdin_filename_migrates_a_notebook() -> None:
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": []}
    notebook = {
        "cells": [{**cell, "source": ORM.splitlines(keepends=True)}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    done = run_stdin(json.dumps(notebook, indent=1).encode(), "--stdin-filename", "demo.ipynb")
    assert done.returncode == 0, done.stderr
    cells = json.loads(done.stdout)["cells"]
    assert "".join(cells[0]["source"]) == MIGRATED
