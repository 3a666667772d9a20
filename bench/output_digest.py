"""Digest of the codemods' output over a corpus: the guard for speed-ups that must change nothing.

    python bench/output_digest.py [--tree /tmp/perf/tree] [--unsafe-fixes] [--per-file]

Runs `codemods.engine.migrate_source` over the generated ORM modules of a bench tree
(`bench/make_tree.py`), tests/fixtures/programs/*.py and tests/fixtures/realworld/*.py, and
prints one sha256 over every file's output text, changes and findings (and the time taken).
Record it before a change and compare after: any difference in any file changes the digest;
`--per-file` prints one digest per file to find which one moved.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from codemods.base import Options  # noqa: E402
from codemods.engine import migrate_source  # noqa: E402


def corpus(tree: Path) -> list[Path]:
    files = sorted((tree / "orm_app").glob("orm_module_*.py"))
    files += sorted((ROOT / "tests/fixtures/programs").glob("*.py"))
    files += sorted((ROOT / "tests/fixtures/realworld").glob("*.py"))
    return files


def file_record(path: Path, options: Options) -> str:
    try:
        outcome = migrate_source(path.read_text(encoding="utf-8"), options)
    except Exception as exc:  # a parse error is output too: it must stay the same
        return json.dumps({"error": f"{type(exc).__name__}: {exc}"})
    return json.dumps(
        {
            "source": outcome.source,
            "changes": [c.to_dict() for c in outcome.changes],
            "findings": [f.to_dict() for f in outcome.findings],
        },
        sort_keys=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tree", type=Path, default=Path("/tmp/perf/tree"))
    parser.add_argument("--unsafe-fixes", action="store_true")
    parser.add_argument("--per-file", action="store_true")
    args = parser.parse_args()
    options = Options(unsafe_fixes=args.unsafe_fixes)
    files = corpus(args.tree)
    total = hashlib.sha256()
    start = time.perf_counter()
    for path in files:
        record = file_record(path, options)
        total.update(path.name.encode() + b"\0" + record.encode() + b"\0")
        if args.per_file:
            print(hashlib.sha256(record.encode()).hexdigest()[:16], path.name)
    elapsed = time.perf_counter() - start
    print(f"{total.hexdigest()}  files={len(files)}  seconds={elapsed:.1f}")


if __name__ == "__main__":
    main()
