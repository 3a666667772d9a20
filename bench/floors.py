"""The two floors the CLI is measured against, usable in-process or as a subprocess.

floor 1 (read+grep): walk the tree, read every .py file, look for b"pymilvus". No tool can
    decide which files need work faster than this.
floor 2 (parse+metadata): for the relevant files only, `libcst.parse_module` plus a
    `MetadataWrapper` resolving ScopeProvider and QualifiedNameProvider: the least analysis a
    rewrite that follows names (not strings) must do.

As a subprocess (`python bench/floors.py read-grep TREE` / `parse TREE`) it first imports what
the CLI imports, so the comparison with `milvus-migrate` includes the same start-up cost.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

SKIP_DIRS = {".git", "__pycache__"}
MARKER = b"pymilvus"


def python_files(root: Path) -> list[Path]:
    out: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        out.extend(Path(folder, f) for f in sorted(files) if f.endswith(".py"))
    return out


def read_grep(root: Path) -> list[Path]:
    """Floor 1: return the files that mention pymilvus."""
    relevant = []
    for path in python_files(root):
        if MARKER in path.read_bytes():
            relevant.append(path)
    return relevant


def parse_with_metadata(paths: list[Path]) -> int:
    """Floor 2: parse each file and resolve scope + qualified names; return scopes resolved."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, QualifiedNameProvider, ScopeProvider

    resolved = 0
    for path in paths:
        module = cst.parse_module(path.read_bytes().decode("utf-8"))
        wrapper = MetadataWrapper(module)
        resolved += len(wrapper.resolve_many([ScopeProvider, QualifiedNameProvider]))
    return resolved


def main(argv: list[str]) -> int:
    mode, root = argv[0], Path(argv[1])
    # The same imports the CLI pays for before it touches a file.
    import migrator.cli  # noqa: F401

    start = time.perf_counter()
    if mode == "read-grep":
        n = len(read_grep(root))
    elif mode == "parse":
        n = parse_with_metadata(read_grep(root))
    elif mode == "imports":
        n = 0
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(f"{mode} {n} {time.perf_counter() - start:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
