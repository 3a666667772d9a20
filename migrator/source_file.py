"""Reading and writing Python source files without losing anything the user had.

Encoding (PEP 263 cookie or UTF-8 BOM), newline style and file mode all survive; writes are
atomic (temporary file in the same folder, then `os.replace`).
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import signal
import stat
import tempfile
import threading
import tokenize
from collections.abc import Iterator
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
    """Replace `path` with `data` in one step, keeping its permission bits and owner.

    A symlink is followed: the file it points to is rewritten and the link stays a link.
    """
    target = Path(os.path.realpath(path))
    try:
        st = target.stat()
    except FileNotFoundError:
        raise SourceError("file not found (deleted during the run?)") from None
    mode = stat.S_IMODE(st.st_mode)
    # Checked on the mode bits, not os.access: under root, access() says yes to everything,
    # but a user who marked a file read-only still does not want it rewritten.
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise SourceError("permission denied (file is read-only)")
    # Ctrl-C (or SIGTERM) is held back until the write is complete: with the signal landing
    # between mkstemp and the cleanup below, a temporary file would be left behind.
    with _signals_deferred():
        try:
            fd, tmp = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".mmtmp", dir=target.parent
            )
        except PermissionError:
            raise SourceError("permission denied (cannot create a file in its folder)") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
            _keep_owner(tmp, st)
            os.replace(tmp, target)
        except BaseException:
            # An error leaves the old file in place and no temporary behind.
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise


def _keep_owner(tmp: str, st: os.stat_result) -> None:
    """Run as root over someone's checkout, the rewritten file must stay theirs."""
    if hasattr(os, "chown") and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except PermissionError:
            pass  # not allowed to give files away: same as any editor saving the file


_DEFERRED_SIGNALS = {signal.SIGINT} | ({signal.SIGTERM} if hasattr(signal, "SIGTERM") else set())


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM until the block ends, then act on them as before.

    Done with Python-level handlers, not a signal mask: a mask covers one thread, and with a
    worker pool or a progress bar running, the kernel hands the signal to another thread while
    Python still raises KeyboardInterrupt in the main one.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be changed from the main thread
        return
    received: list[int] = []

    def remember(signum: int, _frame: object) -> None:
        received.append(signum)

    previous = {signum: signal.signal(signum, remember) for signum in _DEFERRED_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(received):
            handler = previous[signum]
            if callable(handler):
                handler(signum, None)  # SIGINT's default raises KeyboardInterrupt here
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), signum)  # the default action, now that the write is done


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
