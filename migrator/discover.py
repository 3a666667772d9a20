"""Find the files to migrate under the paths the user gave."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from migrator import path_probe
from migrator.gitignore import GitIgnore

SKIP_DIRS = frozenset(
    {
        ".git",
        "__pycache__",
        "build",
        "dist",
        "node_modules",
        ".tox",
        ".nox",
        ".hg",
        ".svn",
        ".venv",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".milvus_migrate_cache",  # our own result cache (migrator/cache.py)
        ".ipynb_checkpoints",
    }
)
SOURCE_SUFFIXES = (".py", ".ipynb")

# The pre-filter: a file that never mentions these cannot hold ORM code worth parsing.
_MARKERS = (b"pymilvus", b"compat_shim")


@dataclass(frozen=True)
class Candidate:
    path: Path
    explicit: bool  # named on the command line: always processed


@dataclass(frozen=True)
class Problem:
    """A path the user asked for (or a folder under it) that cannot be looked at."""

    path: Path
    reason: str


def mentions_pymilvus(data: bytes) -> bool:
    return any(marker in data for marker in _MARKERS)


def _excluded(path: Path, excludes: tuple[str, ...]) -> bool:
    posix = path.as_posix()
    return any(
        fnmatch.fnmatch(posix, pat)
        or fnmatch.fnmatch(path.name, pat)
        or fnmatch.fnmatch(posix, f"*/{pat}")
        or fnmatch.fnmatch(posix, f"*/{pat}/*")
        for pat in excludes
    )


def _ignored(path: Path, is_dir: bool, stack: list[GitIgnore]) -> bool:
    if not stack:
        return False
    path = Path(os.path.abspath(path))
    verdict = False
    for ignore in stack:
        v = ignore.match(path, is_dir)
        if v is not None:
            verdict = v
    return verdict


def discover(
    paths: Iterable[Path], excludes: tuple[str, ...] = ()
) -> Iterator[Candidate | Problem]:
    """Yield a Candidate per source file, and a Problem per path that does not exist or folder
    that cannot be listed (the run reports it as a failure instead of silently skipping it).

    Walks in sorted order so output is stable; symlinked folders are not followed, which also
    keeps symlink loops harmless.
    """
    seen: set[Path] = set()
    for root in paths:
        missing = _unreachable(root)
        if missing:
            yield Problem(root, missing)
            continue
        if path_probe.is_file(root) or (root.is_symlink() and not path_probe.is_dir(root)):
            resolved = Path(os.path.realpath(root))  # Path.resolve raises on a symlink loop
            if resolved not in seen:
                seen.add(resolved)
                yield Candidate(root, explicit=True)
            continue
        stack = _gitignores_above(root)
        yield from _walk(root, excludes, stack, seen)


def _unreachable(root: Path) -> str:
    """Why `root` cannot be looked at ('' when it can): it does not exist, or a folder above
    it cannot be entered (Path.exists() would raise PermissionError there)."""
    try:
        os.lstat(root)
    except (FileNotFoundError, NotADirectoryError):
        return "path does not exist"
    except PermissionError:
        return "permission denied: a folder above it cannot be entered"
    except OSError as exc:
        return f"cannot reach the path: {exc.strerror or exc}"
    return ""


def _gitignores_above(root: Path) -> list[GitIgnore]:
    """.gitignore files in parent folders, up to the repository root, also apply."""
    found: list[GitIgnore] = []
    folder = Path(os.path.abspath(root))
    if path_probe.exists(folder / ".git"):  # the root is the repository: nothing above it applies
        return found
    for parent in folder.parents:
        ignore = GitIgnore.load(parent)
        if ignore is not None:
            found.append(ignore)
        if path_probe.exists(parent / ".git"):
            break
    found.reverse()
    return found


def _walk(
    folder: Path, excludes: tuple[str, ...], stack: list[GitIgnore], seen: set[Path]
) -> Iterator[Candidate | Problem]:
    own = GitIgnore.load(Path(os.path.abspath(folder)))
    if own is not None:
        stack = [*stack, own]
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except PermissionError:
        yield Problem(folder, "cannot list folder: permission denied")
        return
    except OSError as exc:
        yield Problem(folder, f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()
        except OSError:
            continue
        if is_dir:
            if entry.name in SKIP_DIRS or path_probe.exists(path / "pyvenv.cfg"):
                continue
            if _excluded(path, excludes) or _ignored(path, True, stack):
                continue
            yield from _walk(path, excludes, stack, seen)
        elif is_file and path.suffix in SOURCE_SUFFIXES:
            if _excluded(path, excludes) or _ignored(path, False, stack):
                continue
            resolved = Path(os.path.realpath(path))
            if resolved in seen:
                continue
            seen.add(resolved)
            yield Candidate(path, explicit=False)
