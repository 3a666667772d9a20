"""Reading and writing Python source files without losing anything the user had.

Encoding (PEP 263 cookie or UTF-8 BOM), newline style and file mode all survive; writes are
atomic (temporary file in the same folder, then `os.replace`).
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path


class SourceError(Exception):
    """A user-facing problem with one file (the message is shown as is)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class SourceText:
    text: str  # decoded, newlines exactly as in the file
    encoding: str
    bom: bool


def decode_source(data: bytes) -> SourceText:
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceError(f"bad encoding declaration: {exc}") from None
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    # detect_encoding reports "utf-8-sig" for a BOM; the BOM is handled separately.
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise SourceError(f"cannot decode as {codec}: byte 0x{body[exc.start]:02x}", line) from None
    except LookupError:
        raise SourceError(f"unknown encoding {codec!r}") from None
    return SourceText(text=text, encoding=codec, bom=bom)


def encode_source(text: str, like: SourceText) -> bytes:
    try:
        data = text.encode(like.encoding)
    except UnicodeEncodeError as exc:
        raise SourceError(f"new text cannot be encoded as {like.encoding}: {exc.reason}") from None
    return codecs.BOM_UTF8 + data if like.bom else data


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step, keeping its permission bits."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        raise SourceError("file not found (deleted during the run?)") from None
    # Checked on the mode bits, not os.access: under root, access() says yes to everything,
    # but a user who marked a file read-only still does not want it rewritten.
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
        raise SourceError("permission denied (file is read-only)")
    directory = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".mmtmp", dir=directory)
    except PermissionError:
        raise SourceError("permission denied (cannot create a file in its folder)") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        # An interrupt or error leaves the old file in place and no temporary behind.
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def read_source_bytes(path: Path) -> bytes:
    """Read raw bytes with user-facing errors; decoding happens later, in a worker."""
    try:
        return path.read_bytes()
    except PermissionError:
        raise SourceError("permission denied") from None
    except IsADirectoryError:
        raise SourceError("is a directory") from None
    except FileNotFoundError:
        raise SourceError("file not found (deleted during the run?)") from None
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from None
