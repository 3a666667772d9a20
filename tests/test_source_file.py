"""Reading, decoding, encoding and atomically writing source files."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.source_file import (
    SourceError,
    SourceText,
    decode_source,
    encode_source,
    read_source_bytes,
    write_atomic,
)


@pytest.mark.parametrize(
    ("data", "encoding", "bom"),
    [
        (b"x = 'caf\xc3\xa9'\n", "utf-8", False),
        (b"\xef\xbb\xbfx = 'caf\xc3\xa9'\n", "utf-8", True),
        (b"# -*- coding: latin-1 -*-\nx = 'caf\xe9'\n", "iso-8859-1", False),
        (b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '\x80'\n", "cp1252", False),
        (b"x = 1\r\ny = 2\r\n", "utf-8", False),
        (b"", "utf-8", False),
    ],
)
def test_decode_then_encode_gives_the_same_bytes(data: bytes, encoding: str, bom: bool) -> None:
    source = decode_source(data)
    assert source.encoding == encoding
    assert source.bom is bom
    assert not source.text.startswith("\ufeff")
    assert encode_source(source.text, source) == data


def test_newlines_are_kept_exactly() -> None:
    data = b"a = 1\r\nb = 2\nc = 3\rd = 4"
    assert decode_source(data).text == "a = 1\r\nb = 2\nc = 3\rd = 4"


def test_undecodable_byte_names_the_line() -> None:
    with pytest.raises(SourceError) as info:
        decode_source(b"a = 1\nb = 2\nc = '\xff'\n")
    assert str(info.value) == "cannot decode as utf-8: byte 0xff"
    assert info.value.line == 3


@pytest.mark.parametrize(
    "data",
    [b"# coding: klingon\nx = 1\n", b"\xef\xbb\xbf# coding: latin-1\nx = 1\n"],
)
def test_bad_encoding_declarations(data: bytes) -> None:
    with pytest.raises(SourceError, match="encoding"):
        decode_source(data)


def test_new_text_that_the_file_encoding_cannot_hold() -> None:
    like = SourceText(text="", encoding="iso-8859-1", bom=False)
    with pytest.raises(SourceError, match="cannot be encoded as iso-8859-1"):
        encode_source("x = '\u4e2d'\n", like)


def test_write_atomic_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"old\n")
    os.chmod(path, 0o751)
    inode = path.stat().st_ino
    write_atomic(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert path.stat().st_ino != inode  # a new file was renamed into place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_write_atomic_refuses_read_only_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "ro.py"
    path.write_bytes(b"old\n")
    os.chmod(path, 0o444)
    with pytest.raises(SourceError, match=r"permission denied \(file is read-only\)"):
        write_atomic(path, b"new\n")
    assert path.read_bytes() == b"old\n"
    with pytest.raises(SourceError, match="file not found"):
        write_atomic(tmp_path / "gone.py", b"new\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ro.py"]


def test_write_atomic_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_bytes(b"old\n")
    link = tmp_path / "link.py"
    link.symlink_to(real)
    write_atomic(link, b"new\n")
    assert link.is_symlink()
    assert real.read_bytes() == b"new\n"


def test_write_failure_leaves_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"old\n")

    def failing_replace(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(path, b"new\n")
    assert path.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_sigint_during_the_write_is_delivered_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signal arrives mid-write (here: just before the rename); the write still completes,
    then KeyboardInterrupt is raised, and no temporary is left."""
    path = tmp_path / "a.py"
    path.write_bytes(b"old\n")
    real_replace = os.replace

    def replace_after_a_signal(src: str, dst: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_after_a_signal)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_read_source_bytes_errors_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"^file not found \(deleted during the run\?\)$"):
        read_source_bytes(tmp_path / "missing.py")
    (tmp_path / "dir.py").mkdir()
    with pytest.raises(SourceError, match="^is a directory$"):
        read_source_bytes(tmp_path / "dir.py")


def test_sigterm_during_the_write_terminates_after_it(tmp_path: Path) -> None:
    """SIGTERM keeps its default action (the process ends), but only once the file is whole."""
    path = tmp_path / "a.py"
    path.write_bytes(b"old\n")
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from migrator.source_file import write_atomic\n"
        "real = os.replace\n"
        "def replace(src, dst):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    real(src, dst)\n"
        "os.replace = replace\n"
        "write_atomic(Path(sys.argv[1]), b'new\\n')\n"
        "print('not reached')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGTERM
    assert "not reached" not in proc.stdout
    assert path.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]
