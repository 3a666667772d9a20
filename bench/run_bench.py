"""Codemod throughput: `milvus-migrate --check` against its floors and a peer, in one run.

    python bench/run_bench.py [--tree DIR] [--orm-files 50] [--repeats 5] [--peer BUMP_PYDANTIC]

Every configuration runs `--repeats` times, interleaved round-robin so that load from other
processes on a shared machine spreads over all of them, and the median is reported. The file
cache is warmed first (every figure is warm-cache). Results go to stdout as a Markdown table
and to `--json`.

The CLI's result cache (migrator/cache.py): every `cli` row runs with a fresh, empty cache
folder (cold: every relevant file is parsed, and its entry written), except the rows marked
"warm cache", which reuse one folder filled by an untimed run first (a repeat run: every
relevant file is a hit). One row runs with `--no-cache` to show what writing the entries costs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from floors import parse_with_metadata, python_files, read_grep  # noqa: E402
from make_tree import ORM_DIR, build_tree  # noqa: E402

PY = sys.executable
CLI = str(Path(PY).with_name("milvus-migrate"))


def _timed_subprocess(
    cmd: list[str],
    ok: tuple[int, ...] = (0,),
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise RuntimeError(
            f"{' '.join(cmd)} exited {proc.returncode}\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        )
    return elapsed


def _timed_call(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


CACHE_ENV = "MILVUS_MIGRATE_CACHE_DIR"
_HITS = " results from the cache."


def _cache_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MILVUS_MIGRATE_NO_CACHE"}
    env[CACHE_ENV] = str(folder)
    return env


def cold_cli(args: list[str], ok: tuple[int, ...] = (0,), cwd: Path | None = None) -> float:
    """The CLI with a fresh, empty result cache: what every run measured before the cache."""
    with tempfile.TemporaryDirectory(prefix="mm-bench-cold-") as folder:
        return _timed_subprocess([CLI, *args], ok, cwd, _cache_env(Path(folder)))


def fill_warm_cache(folder: Path, target: Path, expected_hits: int) -> None:
    """Fill `folder` with an untimed run, then check that a repeat run is all hits."""
    if folder.exists():
        shutil.rmtree(folder)
    for attempt in ("fill", "verify"):
        proc = subprocess.run(
            [CLI, "--check", "-j", "1", str(target)],
            capture_output=True,
            text=True,
            env=_cache_env(folder),
        )
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"warm-cache {attempt} run exited {proc.returncode}")
    line = proc.stderr.strip().splitlines()[-1]
    hits = int(line.split(_HITS)[0].rsplit(" ", 1)[1]) if _HITS in line else 0
    if hits != expected_hits:
        raise RuntimeError(f"warm cache gave {hits} hits, not {expected_hits}: {line}")


def measure(tree: Path, repeats: int, warm: Path) -> dict[str, list[float]]:
    relevant_dir = tree / ORM_DIR
    relevant = read_grep(tree)
    floors = str(HERE / "floors.py")
    # --check exits 1 when files would change; 2 would mean a file failed, which must not pass.
    check_ok = (0, 1)
    fill_warm_cache(warm, tree, len(relevant))
    warm_env = _cache_env(warm)

    def warm_cli(args: list[str]) -> float:
        return _timed_subprocess([CLI, *args], check_ok, env=warm_env)

    configs: dict[str, Callable[[], float]] = {
        "python start-up (python -c pass)": lambda: _timed_subprocess([PY, "-c", "pass"]),
        "start-up + CLI imports": lambda: _timed_subprocess([PY, floors, "imports", str(tree)]),
        "floor 1: read+grep, in-process": lambda: _timed_call(lambda: read_grep(tree)),
        "floor 1: read+grep, subprocess with CLI imports": lambda: _timed_subprocess(
            [PY, floors, "read-grep", str(tree)]
        ),
        "floor 1: read+grep stdlib only, subprocess with CLI imports": lambda: _timed_subprocess(
            [PY, floors, "read-grep", str(tree / "stdlib")]
        ),
        "floor 1: read+grep relevant folder, subprocess with CLI imports": lambda: (
            _timed_subprocess([PY, floors, "read-grep", str(relevant_dir)])
        ),
        "cli --check stdlib only -j1": lambda: cold_cli(
            ["--check", "-q", "-j", "1", str(tree / "stdlib")]
        ),
        "cli --check whole tree -j1": lambda: cold_cli(
            ["--check", "-q", "-j", "1", str(tree)], check_ok
        ),
        "cli --check whole tree -j2": lambda: cold_cli(
            ["--check", "-q", "-j", "2", str(tree)], check_ok
        ),
        "floor 2: parse+metadata (relevant), in-process": lambda: _timed_call(
            lambda: parse_with_metadata(relevant)
        ),
        "floor 2: parse+metadata (relevant), subprocess with CLI imports": lambda: (
            _timed_subprocess([PY, floors, "parse", str(relevant_dir)])
        ),
        "cli --check relevant files -j1": lambda: cold_cli(
            ["--check", "-q", "-j", "1", str(relevant_dir)], check_ok
        ),
        "cli --check relevant files -j2": lambda: cold_cli(
            ["--check", "-q", "-j", "2", str(relevant_dir)], check_ok
        ),
        "cli --check relevant files -j1 --no-cache": lambda: _timed_subprocess(
            [CLI, "--check", "-q", "-j", "1", "--no-cache", str(relevant_dir)], check_ok
        ),
        "cli --check whole tree -j1, warm cache": lambda: warm_cli(
            ["--check", "-q", "-j", "1", str(tree)]
        ),
        "cli --check whole tree -j2, warm cache": lambda: warm_cli(
            ["--check", "-q", "-j", "2", str(tree)]
        ),
        "cli --check relevant files -j1, warm cache": lambda: warm_cli(
            ["--check", "-q", "-j", "1", str(relevant_dir)]
        ),
        "cli --check relevant files -j2, warm cache": lambda: warm_cli(
            ["--check", "-q", "-j", "2", str(relevant_dir)]
        ),
    }
    samples: dict[str, list[float]] = {name: [] for name in configs}
    for i in range(repeats):
        for name, run in configs.items():
            samples[name].append(run())
            print(
                f"[{i + 1}/{repeats}] {name}: {samples[name][-1]:.3f}s "
                f"(load {os.getloadavg()[0]:.1f})",
                file=sys.stderr,
                flush=True,
            )
    return samples


def peer_tree(tree: Path, dest: Path) -> tuple[Path, list[str]]:
    """A copy of the tree without the files that CPython itself cannot read as UTF-8 Python 3
    (lib2to3 test data, bad-syntax and bad-encoding test fixtures): bump-pydantic stops the
    whole run at the first of them, so it is timed on this copy to get a completed run."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(tree, dest)
    removed = []
    for path in python_files(dest):
        try:
            compile(path.read_text(encoding="utf8"), str(path), "exec", dont_inherit=True)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            removed.append(str(path.relative_to(dest)))
            path.unlink()
    return dest, removed


def measure_peer(peer: str, tree: Path, repeats: int, raw: bool) -> dict:
    out: dict = {}
    log = tree.parent / "bump-pydantic.log"
    clean, removed = peer_tree(tree, tree.parent / (tree.name + "-peer"))
    out["peer_tree_removed"] = removed
    # bump-pydantic wants a relative path (an absolute one crashes its package calculation).
    cmd = [peer, "--diff", "--log-file", str(log), "."]
    out["bump-pydantic --diff (tree without unparseable files)"] = [
        _timed_subprocess(cmd, (0, 1), cwd=clean) for _ in range(repeats)
    ]
    cli = ["--check", "-q", "-j", "1", "."]
    out["cli --check -j1 on the same copy"] = [
        cold_cli(cli, (0, 1), cwd=clean) for _ in range(repeats)
    ]
    if raw:
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tree)
        out["bump-pydantic --diff (whole tree)"] = [time.perf_counter() - start]
        out["bump-pydantic whole tree exit code"] = proc.returncode
    return out


def _fmt(samples: list[float]) -> str:
    return f"{statistics.median(samples):.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=Path("/tmp/mm-bench/tree"))
    parser.add_argument("--orm-files", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--peer", help="path to a bump-pydantic executable (own venv)")
    parser.add_argument("--peer-repeats", type=int, default=1)
    parser.add_argument(
        "--peer-raw",
        action="store_true",
        help="also time bump-pydantic on the unmodified tree (it aborts)",
    )
    parser.add_argument("--json", type=Path, default=Path("/tmp/mm-bench/results.json"))
    args = parser.parse_args(argv)

    counts = build_tree(args.tree, args.orm_files)
    for path in python_files(args.tree):  # warm the page cache
        path.read_bytes()
    relevant = read_grep(args.tree)
    load_before = os.getloadavg()
    samples = measure(args.tree, args.repeats, args.tree.parent / "warm-cache")
    load_after = os.getloadavg()
    med = {k: statistics.median(v) for k, v in samples.items()}
    result: dict = {
        "tree": counts,
        "relevant_files": len(relevant),
        "cpus": os.cpu_count(),
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "repeats": args.repeats,
        "samples": samples,
    }
    ratios = {
        "stdlib only (no ORM file) -j1 / floor 1 on stdlib (subprocess)": med[
            "cli --check stdlib only -j1"
        ]
        / med["floor 1: read+grep stdlib only, subprocess with CLI imports"],
        "whole tree -j1 / floor 1 (subprocess)": med["cli --check whole tree -j1"]
        / med["floor 1: read+grep, subprocess with CLI imports"],
        "whole tree -j2 / floor 1 (subprocess)": med["cli --check whole tree -j2"]
        / med["floor 1: read+grep, subprocess with CLI imports"],
        "whole tree -j1 / floor 1 (in-process)": med["cli --check whole tree -j1"]
        / med["floor 1: read+grep, in-process"],
        "relevant -j1 / floor 2 (subprocess)": med["cli --check relevant files -j1"]
        / med["floor 2: parse+metadata (relevant), subprocess with CLI imports"],
        "relevant -j2 / floor 2 (subprocess)": med["cli --check relevant files -j2"]
        / med["floor 2: parse+metadata (relevant), subprocess with CLI imports"],
        "relevant -j1 minus start-up / floor 2 in-process": (
            med["cli --check relevant files -j1"] - med["start-up + CLI imports"]
        )
        / med["floor 2: parse+metadata (relevant), in-process"],
        "relevant -j1 cold / --no-cache (cost of writing the entries)": med[
            "cli --check relevant files -j1"
        ]
        / med["cli --check relevant files -j1 --no-cache"],
        "whole tree -j1 warm cache / floor 1 (subprocess)": med[
            "cli --check whole tree -j1, warm cache"
        ]
        / med["floor 1: read+grep, subprocess with CLI imports"],
        "whole tree -j2 warm cache / floor 1 (subprocess)": med[
            "cli --check whole tree -j2, warm cache"
        ]
        / med["floor 1: read+grep, subprocess with CLI imports"],
        "relevant -j1 warm cache / floor 2 (subprocess)": med[
            "cli --check relevant files -j1, warm cache"
        ]
        / med["floor 2: parse+metadata (relevant), subprocess with CLI imports"],
        "relevant -j2 warm cache / floor 2 (subprocess)": med[
            "cli --check relevant files -j2, warm cache"
        ]
        / med["floor 2: parse+metadata (relevant), subprocess with CLI imports"],
        "relevant -j1 warm cache / floor 1 on the relevant folder (subprocess)": med[
            "cli --check relevant files -j1, warm cache"
        ]
        / med["floor 1: read+grep relevant folder, subprocess with CLI imports"],
    }
    result["ratios"] = ratios
    if args.peer:
        result["peer"] = measure_peer(args.peer, args.tree, args.peer_repeats, args.peer_raw)

    print(f"tree: {counts}, relevant files: {len(relevant)}, cpus: {os.cpu_count()}")
    print(f"load average before {load_before}, after {load_after}; median of {args.repeats}\n")
    print("| measurement | median s | samples |\n|---|---:|---|")
    for name, vals in samples.items():
        print(f"| {name} | {_fmt(vals)} | {', '.join(f'{v:.3f}' for v in vals)} |")
    print("\n| ratio | value |\n|---|---:|")
    for name, value in ratios.items():
        print(f"| {name} | {value:.2f}x |")
    if args.peer:
        print("\n| peer (same machine, same run) | median s |\n|---|---:|")
        for name, vals in result["peer"].items():
            if isinstance(vals, list) and vals and isinstance(vals[0], float):
                print(f"| {name} | {_fmt(vals)} |")
        print(f"\nremoved for the peer: {len(result['peer']['peer_tree_removed'])} files")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
