"""Helpers for tests that run the real `milvus-migrate` CLI over materialised file trees."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from migrator.cli import migrate

REPO_ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# One ORM file that `--shim` (MM001) always rewrites: the import line changes.
ORM_SOURCE = (
    "from pymilvus import Collection, connections\n"
    "\n"
    "connections.connect(uri='http://localhost:19530')\n"
    "books = Collection('books')\n"
)
SHIMMED_IMPORT = "from compat_shim import Collection, connections"


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    """Create `files` (relative path -> text or bytes) under `root`; text is written as is."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))


@dataclass(frozen=True)
class FileState:
    data: bytes
    mtime_ns: int
    mode: int


def snapshot(root: Path) -> dict[str, FileState]:
    """Bytes, mtime and mode of every file under `root` (symlinks not followed)."""
    out: dict[str, FileState] = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath, name)
            if path.is_symlink():
                continue
            st = path.stat()
            out[path.relative_to(root).as_posix()] = FileState(
                path.read_bytes(), st.st_mtime_ns, st.st_mode
            )
    return out


def leftover_temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.mmtmp")]


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """Run the click command in-process (stdout and stderr kept apart)."""
    runner = CliRunner(env=env)
    return runner.invoke(migrate, [str(a) for a in args], catch_exceptions=False)


def run_cli(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    module: bool = True,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m migrator` (or the console script) in a subprocess with pipes (no TTY)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    full_env.update(env or {})
    if module:
        cmd = [sys.executable, "-m", "migrator"]
    else:
        cmd = [str(Path(sys.executable).parent / "milvus-migrate")]
    return subprocess.run(
        [*cmd, *map(str, args)],
        cwd=cwd or REPO_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
