"""Questions about paths that must not raise: a folder the user cannot enter makes `stat`
fail with PermissionError, and Path.is_dir()/is_file()/exists() let that through (they only
swallow "does not exist"). The config and cache searches walk up from the user's paths before
discovery has reported anything, so one unreachable path must not end the run in a traceback;
discovery then reports it as a failure like any other unreadable path."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def exists(path: Path) -> bool:
    """False also when the path cannot be reached (a folder above it is not searchable)."""
    try:
        return path.exists()
    except OSError:
        return False


def start_folder(paths: Iterable[Path]) -> Path:
    """The deepest folder common to all paths (as black starts its config search); a path that
    is not a folder, or cannot be reached, counts by its parent; no paths: the cwd."""
    folders = [Path(os.path.abspath(p)) for p in paths]
    folders = [f if is_dir(f) else f.parent for f in folders] or [Path.cwd()]
    try:
        return Path(os.path.commonpath([str(f) for f in folders]))
    except ValueError:  # different drives on Windows
        return folders[0]
