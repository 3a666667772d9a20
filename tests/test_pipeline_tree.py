"""A folder of awkward-but-real files through the real CLI: what must change, what must survive."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.cli_support import invoke, leftover_temp_files, run_cli, snapshot, write_tree

OLD_IMPORT = b"from pymilvus import Collection, connections"
NEW_IMPORT = b"from compat_shim import Collection, connections"


def _orm(nl: bytes = b"\n", extra: bytes = b"") -> bytes:
    lines = [
        OLD_IMPORT,
        b"",
        b"connections.connect(uri='http://localhost:19530')",
        extra,
        b"books = Collection('books')",
        b"",
    ]
    return nl.join(line for line in lines if line is not None)


TREE: dict[str, bytes] = {
    "normal.py": _orm(),
    "pkg/normal2.py": _orm(extra=b"# second"),
    "script.py": b"#!/usr/bin/env python\n" + _orm(),
    "latin1.py": b"# -*- coding: latin-1 -*-\n" + _orm(extra=b"title = 'caf\xe9 cr\xe8me'"),
    "crlf.py": _orm(b"\r\n", extra=b"x = 1"),
    "bom.py": b"\xef\xbb\xbf" + _orm(extra=b"title = '\xc3\xa9t\xc3\xa9'"),
    "mixed.py": OLD_IMPORT + b"\r\nx = 1\ny = 2\r\nz = 3\rw = 4\n" + b"c = Collection('c')\r\n",
    "no_newline_at_eof.py": _orm().rstrip(b"\n"),
    "readonly.py": _orm(),
    "broken.py": b"from pymilvus import Collection\n\ndef f(:\n    pass\n",
    "undecodable.py": b"from pymilvus import Collection\ntitle = 'caf\xe9'\n",
    "plain.py": b"print('no milvus here')\n",
}
MIGRATED = [
    "normal.py",
    "pkg/normal2.py",
    "script.py",
    "latin1.py",
    "crlf.py",
    "bom.py",
    "mixed.py",
    "no_newline_at_eof.py",
]
FAILED = {
    "readonly.py": "permission denied (file is read-only)",
    "broken.py": None,
    "undecodable.py": "cannot decode as utf-8",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    write_tree(root, TREE)
    os.chmod(root / "readonly.py", 0o444)
    os.chmod(root / "script.py", 0o755)
    os.chmod(root / "crlf.py", 0o640)
    return root


def _expected(rel: str) -> bytes:
    data = TREE[rel]
    assert data.count(OLD_IMPORT) == 1
    return data.replace(OLD_IMPORT, NEW_IMPORT)


def test_write_run_migrates_good_files_and_reports_each_failure(tree: Path) -> None:
    before = snapshot(tree)
    result = invoke("--shim", "-j1", tree)
    assert result.exit_code == 2
    after = snapshot(tree)

    for rel in MIGRATED:
        # Only the import line changed: encoding, BOM, every newline (CRLF, CR, mixed) and
        # the missing final newline survive byte for byte.
        assert after[rel].data == _expected(rel), rel
        assert after[rel].mode == before[rel].mode, rel
    assert stat.S_IMODE(after["script.py"].mode) == 0o755
    assert stat.S_IMODE(after["crlf.py"].mode) == 0o640
    assert after["latin1.py"].data.decode("latin-1").count("café crème") == 1

    for rel in [*FAILED, "plain.py"]:
        assert after[rel] == before[rel], rel  # bytes, mtime and mode untouched

    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == len(FAILED)
    for rel, reason in FAILED.items():
        [line] = [e for e in error_lines if f"{tree / rel}" in e]
        if reason:
            assert reason in line
    assert f"error: {tree / 'broken.py'}:3: syntax error" in result.stderr
    assert f"error: {tree / 'undecodable.py'}:2: cannot decode as utf-8: byte 0xe9" in result.stderr
    assert "Traceback" not in result.output
    assert "12 files scanned: 8 changed, 0 unchanged, 1 skipped (no pymilvus), 3 failed" in (
        result.stderr
    )
    assert not leftover_temp_files(tree)


def test_second_run_changes_nothing_more(tree: Path) -> None:
    invoke("--shim", "-j1", tree)
    once = snapshot(tree)
    again = invoke("--shim", "-j1", tree)
    assert again.exit_code == 2  # the same three files still fail
    assert snapshot(tree) == once
    assert "0 changed" in again.stderr


def test_diff_shows_the_same_changes_and_writes_nothing(tree: Path) -> None:
    before = snapshot(tree)
    result = invoke("--shim", "--diff", "-j1", tree)
    assert result.exit_code == 2
    assert snapshot(tree) == before
    # --diff also shows what a write would do to the read-only file.
    shown = len(MIGRATED) + 1
    assert result.stdout.count("+from compat_shim import Collection, connections") == shown
    assert "readonly.py" in result.stdout
    # The Latin-1 file is shown decoded, not as mojibake.
    assert " title = 'café crème'" in result.stdout
    assert "Traceback" not in result.output


def test_check_in_a_subprocess_reports_and_exits_2(tree: Path) -> None:
    before = snapshot(tree)
    proc = run_cli("--shim", "--check", tree)
    assert proc.returncode == 2
    assert snapshot(tree) == before
    assert proc.stderr.count("would migrate ") == len(MIGRATED) + 1  # + the read-only file
    assert "Traceback" not in proc.stdout + proc.stderr


def test_full_rules_keep_encoding_and_newlines(tmp_path: Path) -> None:
    """Without --shim: the MilvusClient rewrite writes CRLF and Latin-1 files back as they were."""
    root = tmp_path / "full"
    write_tree(root, {"latin1.py": TREE["latin1.py"], "crlf.py": TREE["crlf.py"]})
    result = invoke("-j1", root)
    assert result.exit_code == 0, result.output
    latin = (root / "latin1.py").read_bytes()
    assert latin.startswith(b"# -*- coding: latin-1 -*-\n")
    assert b"'caf\xe9 cr\xe8me'" in latin
    assert b"MilvusClient" in latin
    crlf = (root / "crlf.py").read_bytes()
    assert b"MilvusClient" in crlf
    assert crlf.count(b"\n") == crlf.count(b"\r\n")


def test_ten_thousand_files_with_five_relevant_finish_in_seconds(tmp_path: Path) -> None:
    """The pre-filter: files that never mention pymilvus are read and grepped, never parsed."""
    import time

    plain = "import os\n\n\ndef f(x):\n    return os.path.join(x, 'y')\n" * 20
    for i in range(10_000):
        folder = tmp_path / f"pkg{i % 100}"
        folder.mkdir(exist_ok=True)
        (folder / f"m{i}.py").write_text(plain)
    for i in range(5):
        (tmp_path / f"orm{i}.py").write_bytes(_orm())
    started = time.monotonic()
    result = invoke("--shim", "--check", tmp_path)
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert "10005 files scanned: 5 would change, 0 unchanged, 10000 skipped" in result.stderr
    # ~4 s on the shared 2-core box; parsing 10,000 files would take many minutes.
    assert elapsed < 60, elapsed
