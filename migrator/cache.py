"""A content-addressed cache of per-file results, so repeat runs skip files already known.

Pre-commit runs on every commit and `--check` over a monorepo sees the same files again and
again; like black and ruff, a file whose result is known is not parsed again.

The key is a sha256 over the file's bytes, its suffix (which picks the handler), every
`Options` field, and a fingerprint of the tool: the source of every .py file in `codemods/`
and `migrator/`, the libcst and pymilvus versions and the Python version (the output is
compiled to vet it). Any change to the code or its dependencies misses every entry, so a
stale result is never reported. The value is everything the report needs: the status, the
changes, the findings, the new text and the notebook cell diffs. Only `changed` and
`unchanged` results are stored: failures (unreadable, unparseable, tool bugs, interrupts) run
again every time.

The cache is best effort: an entry that cannot be read or decoded is a miss, and a folder that
cannot be written just means this run stores nothing.

Entries live under a folder per tool fingerprint, so the ones a new version (or a local edit)
of the tool can never hit again go in one `rmtree` (`ResultCache.prune`), and a hit refreshes
its entry's mtime, so entries for file contents nobody has had for a month can be told apart.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import codemods
import migrator
from codemods import Change, Finding, Options
from migrator.path_probe import exists, is_file, start_folder
from migrator.process import CHANGED, UNCHANGED, FileResult
from migrator.source_file import decode_source, encode_source

DIR_NAME = ".milvus_migrate_cache"
ENV_DIR = "MILVUS_MIGRATE_CACHE_DIR"
# Bump when the entry layout changes (the fingerprint covers this file too, but being explicit
# keeps old entries from being read by accident when only data files change).
FORMAT = 2
# A fingerprint folder no run has used for this long belongs to another version of the tool (or
# an edited working copy). Not zero: two installs sharing one project (a venv and pre-commit's
# own environment) each keep their folder while both are in use.
STALE_TOOL_AGE = 3600.0
# An entry not read or written for this long is for file contents the project no longer has.
STALE_ENTRY_AGE = 30 * 86400.0
# Scanning every entry is the expensive part of pruning: at most once a day per folder.
ENTRY_SCAN_INTERVAL = 86400.0
_LAST_USED = ".last-used"
_LAST_SCAN = ".last-scan"
_FINGERPRINT_DIR = re.compile(r"[0-9a-f]{16}")
_CACHEABLE = (CHANGED, UNCHANGED)
_GITIGNORE = "# Created by milvus-migrate: the result cache is not part of the project.\n*\n"
# https://bford.info/cachedir/ : backup tools skip folders holding this file.
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by milvus-migrate.\n"
)


def project_root(paths: list[Path], config_path: Path | None) -> Path:
    """Where the cache folder goes: the folder of the pyproject.toml whose settings apply, else
    the nearest folder above the paths holding pyproject.toml or .git, else the cwd."""
    if config_path is not None:
        return config_path.parent
    start = start_folder(paths)
    for folder in (start, *start.parents):
        if is_file(folder / "pyproject.toml") or exists(folder / ".git"):
            return folder
    return Path.cwd()


def cache_dir(paths: list[Path], config_path: Path | None) -> Path:
    """`$MILVUS_MIGRATE_CACHE_DIR`, or `.milvus_migrate_cache` at the project root."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    return project_root(paths, config_path) / DIR_NAME


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def tool_fingerprint(roots: list[Path] | None = None) -> str:
    """A hash of everything that shapes a result besides the file and the options."""
    if roots is None:
        roots = [Path(codemods.__file__).parent, Path(migrator.__file__).parent]
    digest = hashlib.sha256(f"format {FORMAT}\0".encode())
    for name in ("libcst", "pymilvus"):
        digest.update(f"{name} {_package_version(name)}\0".encode())
    digest.update(f"python {sys.version_info[:3]}\0".encode())
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            digest.update(f"{root.name}/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


class ResultCache:
    """Look up and store results for one run (one set of options)."""

    def __init__(self, directory: Path, options: Options, fingerprint: str | None = None) -> None:
        self.directory = directory
        self.writable = True  # set to False after the first failed write: stop trying
        self._fingerprint = fingerprint
        self._options = json.dumps(dataclasses.asdict(options), sort_keys=True)
        self.hits = 0
        self.stored = 0

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:  # computed once, and only when a file needs a key
            self._fingerprint = tool_fingerprint()
        return self._fingerprint

    def key(self, path: Path, data: bytes, options: Options | None = None) -> str:
        """The entry for `data` at `path`; `options`: the file's own options when the run
        added facts about it (migrator.runner.with_facts)."""
        digest = hashlib.sha256()
        settings = self._options
        if options is not None:
            settings = json.dumps(dataclasses.asdict(options), sort_keys=True)
        for part in (self.fingerprint, settings, path.suffix):
            digest.update(part.encode())
            digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    @property
    def folder(self) -> Path:
        """This tool version's entries (see `prune`)."""
        return self.directory / self.fingerprint[:16]

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, path: Path, data: bytes) -> FileResult | None:
        """The stored result for `key`, rebuilt for `path`; None on a miss or a bad entry."""
        try:
            target = self._entry(key)
            entry = json.loads(target.read_bytes())
            result = _from_entry(entry, key, path, data)
        except Exception:  # missing, unreadable, truncated, or not what we wrote: a miss
            return None
        self.hits += 1
        with contextlib.suppress(OSError):  # in use: keep it through `prune` (read-only: fine)
            os.utime(target)
        return result

    def put(self, key: str, result: FileResult) -> None:
        if not self.writable or result.status not in _CACHEABLE:
            return
        try:
            self._write(self._entry(key), json.dumps(_to_entry(result, key)).encode())
        except OSError:  # read-only folder, disk full, ...: run on without caching
            self.writable = False
            return
        self.stored += 1

    def _write(self, target: Path, payload: bytes) -> None:
        if not self.directory.is_dir():
            self.directory.mkdir(parents=True, exist_ok=True)
            for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
                (self.directory / name).write_text(text)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Atomic: a reader (another run at the same time) sees the whole entry or none.
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def prune(self, now: float | None = None) -> None:
        """Drop what no run of this tool can hit again. Best effort, like the rest: an error
        leaves things as they are. Only a run that used the cache prunes it, so a run over files
        without ORM code never computes the fingerprint.
        """
        if not (self.hits or self.stored) or not self.directory.is_dir():
            return
        now = time.time() if now is None else now
        with contextlib.suppress(OSError):
            _touch(self.folder / _LAST_USED, now)
            for other in self.directory.iterdir():
                if other == self.folder or not _FINGERPRINT_DIR.fullmatch(other.name):
                    continue  # this version's, or not ours (.gitignore, CACHEDIR.TAG, ...)
                if now - _mtime(other / _LAST_USED, default=_mtime(other)) > STALE_TOOL_AGE:
                    shutil.rmtree(other, ignore_errors=True)
            if now - _mtime(self.folder / _LAST_SCAN) > ENTRY_SCAN_INTERVAL:
                for entry in self.folder.glob("??/*.json"):
                    if now - _mtime(entry, default=now) > STALE_ENTRY_AGE:
                        with contextlib.suppress(OSError):
                            entry.unlink()
                _touch(self.folder / _LAST_SCAN, now)


def _mtime(path: Path, default: float = 0.0) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return default


def _touch(path: Path, when: float) -> None:
    path.touch()
    os.utime(path, (when, when))


def _to_entry(result: FileResult, key: str) -> dict:
    return {
        "key": key,
        "status": result.status,
        "changes": [dataclasses.asdict(c) for c in result.changes],
        "findings": [dataclasses.asdict(f) for f in result.findings],
        # The old text is the file's own decoded text; only the new one needs storing.
        "new_text": result.new_text if result.status == CHANGED else None,
        "cell_diffs": [list(d) for d in result.cell_diffs],
    }


def _from_entry(entry: dict, key: str, path: Path, data: bytes) -> FileResult:
    if entry["key"] != key or entry["status"] not in _CACHEABLE:
        raise ValueError("not this file's entry")
    result = FileResult(
        path=path,
        status=entry["status"],
        changes=[Change(**c) for c in entry["changes"]],
        findings=[Finding(**f) for f in entry["findings"]],
        original_bytes=data,
        cell_diffs=[(str(a), str(b), str(c)) for a, b, c in entry["cell_diffs"]],
        cached=True,
    )
    if result.status == CHANGED:
        source = decode_source(data)
        result.old_text, result.new_text = source.text, str(entry["new_text"])
        result.new_bytes = encode_source(result.new_text, source)
    return result
