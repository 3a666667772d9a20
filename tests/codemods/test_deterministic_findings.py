"""Findings must not depend on the interpreter's hash seed.

libcst keeps scopes, assignments and accesses in sets. Walking them in set order once made
the bindings, and so the site a finding cites as "(line N)", change from one run to the next
(rw03 cited line 59 or line 85 depending on PYTHONHASHSEED). The analysis now walks them in
source order; this test runs the migration under several hash seeds and compares.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Files whose findings differed between hash seeds before the fix.
FILES = [
    ROOT / "tests/fixtures/realworld" / name
    for name in ("rw02_func_helpers.py", "rw03_rag_store_hybrid.py", "rw29_connection_and_cache.py")
]
SCRIPT = """
import json, sys
from codemods import migrate_source
out = {}
for path in sys.argv[1:]:
    r = migrate_source(open(path, encoding="utf-8").read())
    out[path] = [r.source] + [f"{f.line}:{f.code}:{f.message}" for f in r.findings]
print(json.dumps(out))
"""


def _run(seed: int) -> dict[str, list[str]]:
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, *map(str, FILES)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return json.loads(proc.stdout)


def test_findings_are_the_same_under_every_hash_seed() -> None:
    runs = [_run(seed) for seed in (1, 2, 3, 4)]
    # rw02 and rw29 still have findings to compare (rw03 is fully migrated since 0b541ca, so
    # only its output is compared).
    assert all(len(run[str(FILES[0])]) > 1 and len(run[str(FILES[2])]) > 1 for run in runs)
    for run in runs[1:]:
        assert run == runs[0]
