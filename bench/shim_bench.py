"""Shim overhead: one workload through compat_shim, plain MilvusClient and pymilvus's ORM.

    python bench/shim_bench.py [--repeats 1] [--rows 20000] [--searches 1000] [--queries 1000]

One `milvus-lite server` (fresh, free port) serves all three in the same run; each API gets its
own collection per repeat (128-d vectors, IVF_FLAT/L2, loaded). Phases: handle construction
(open an existing collection; MilvusClient has no handle, so its equivalent is
`describe_collection`), insert of rows in batches, flush, searches (nq=1, top 10, one output
field) and queries (`pk in [a, b, c]`).

Two choices keep the figures about the APIs rather than the machine:
- Each phase runs in chunks of 50 operations, the three APIs taking turns chunk by chunk (the
  order rotating), so load from other processes falls on all three alike.
- The flush (timed, but not in the total) seals the inserted rows into segments that
  milvus-lite indexes; unflushed rows sit in its memtable, which every search scans in Python
  (about 1.4 s per search on 20k rows, against 15 to 35 ms on sealed, indexed segments). The
  wait for the index build after the flush is not timed (it is the server's work, and
  MilvusClient has no call for it).

RPCs are counted per chunk with a gRPC client interceptor on every channel pymilvus opens
(tests/shim/rpc_counter.py); set-up calls are not counted.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pymilvus import CollectionSchema, DataType, FieldSchema, MilvusClient  # noqa: E402

from tests.rig.servers import LiteServer  # noqa: E402
from tests.shim.rpc_counter import counting_channels  # noqa: E402

DIM = 128
INDEX = {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 128}}
SEARCH_PARAMS = {"metric_type": "L2", "params": {"nprobe": 16}}
PHASES = ("open handle", "insert", "flush", "search", "query")
# The workload; the flush is timed and counted but left out of the total: it is one
# server-bound call (sealing and indexing 20k rows) whose time varies by a second between runs.
WORKLOAD = ("open handle", "insert", "search", "query")
CHUNK = 50  # operations per turn

Ops = dict[str, Callable[[int], Any]]  # phase -> run operation number i


def _schema() -> CollectionSchema:
    return CollectionSchema(
        [
            FieldSchema("pk", DataType.INT64, is_primary=True),
            FieldSchema("tag", DataType.VARCHAR, max_length=16),
            FieldSchema("vec", DataType.FLOAT_VECTOR, dim=DIM),
        ]
    )


class Workload:
    def __init__(self, rows: int, batch: int, searches: int, queries: int, opens: int) -> None:
        rng = random.Random(42)
        self.vectors = [[rng.random() for _ in range(DIM)] for _ in range(rows)]
        self.batches = [
            [
                {"pk": i, "tag": f"t{i % 7}", "vec": self.vectors[i]}
                for i in range(s, min(s + batch, rows))
            ]
            for s in range(0, rows, batch)
        ]
        self.search_vecs = [self.vectors[rng.randrange(rows)] for _ in range(searches)]
        self.query_ids = [rng.sample(range(rows), 3) for _ in range(queries)]
        self.ops = {
            "open handle": opens,
            "insert": len(self.batches),
            "flush": 1,
            "search": searches,
            "query": queries,
        }


def _orm_like(mod: Any, uri: str, name: str, w: Workload) -> Ops:
    """Operations for an ORM-shaped API module (pymilvus itself, or compat_shim)."""
    alias = f"bench-{name}"
    mod.connections.connect(alias=alias, uri=uri)
    col = mod.Collection(name, _schema(), using=alias)
    col.create_index("vec", INDEX)
    col.load()
    return {
        "open handle": lambda i: mod.Collection(name, using=alias),
        "insert": lambda i: col.insert(w.batches[i]),
        "flush": lambda i: col.flush(),
        "search": lambda i: col.search(
            [w.search_vecs[i]], "vec", SEARCH_PARAMS, limit=10, output_fields=["tag"]
        ),
        "query": lambda i: col.query(f"pk in {w.query_ids[i]}", output_fields=["tag"]),
        "_close": lambda i: mod.connections.disconnect(alias),
    }


def _client(uri: str, name: str, w: Workload) -> Ops:
    client = MilvusClient(uri=uri)
    client.create_collection(name, schema=_schema())
    params = client.prepare_index_params()
    params.add_index(field_name="vec", **INDEX)
    client.create_index(name, params)
    client.load_collection(name)
    return {
        "open handle": lambda i: client.describe_collection(name),
        "insert": lambda i: client.insert(name, w.batches[i]),
        "flush": lambda i: client.flush(name),
        "search": lambda i: client.search(
            name,
            [w.search_vecs[i]],
            anns_field="vec",
            search_params=SEARCH_PARAMS,
            limit=10,
            output_fields=["tag"],
        ),
        "query": lambda i: client.query(
            name, filter=f"pk in {w.query_ids[i]}", output_fields=["tag"]
        ),
        "_close": lambda i: client.close(),
    }


def _apis() -> dict[str, Callable[[str, str, Workload], Ops]]:
    import pymilvus

    import compat_shim

    return {
        "MilvusClient": _client,
        "compat_shim": lambda uri, name, w: _orm_like(compat_shim, uri, name, w),
        "pymilvus ORM": lambda uri, name, w: _orm_like(pymilvus, uri, name, w),
    }


def _wait_indexed(uri: str, names: list[str], limit: float = 300) -> float:
    """Wait until milvus-lite reports every collection's vector index built (seconds waited)."""
    client = MilvusClient(uri=uri)
    start = time.monotonic()
    try:
        for name in names:
            while time.monotonic() - start < limit:
                desc = client.describe_index(name, "vec") or {}
                if desc.get("state") in (None, "Finished") and desc.get(
                    "pending_index_rows", 0
                ) in (0, None):
                    break
                time.sleep(0.5)
    finally:
        client.close()
    return time.monotonic() - start


def run(uri: str, w: Workload, repeats: int) -> dict:
    times: dict[str, dict[str, list[float]]] = {}
    rpcs: dict[str, dict[str, dict[str, int]]] = {}
    loads: list[dict] = []
    makers = _apis()
    # One interceptor for the whole run: pymilvus shares channels between clients with the same
    # address, so a channel opened by one API may serve the next; chunks run one at a time, so
    # the counter's delta over a chunk is that chunk's RPCs.
    with counting_channels() as counter:
        for rep in range(repeats):
            ops = {
                api: make(uri, f"b_{api.split()[-1].lower()}_{rep}", w)
                for api, make in makers.items()
            }
            for phase in PHASES:
                spent = collections.Counter()
                calls: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
                n = w.ops[phase]
                for turn, start in enumerate(range(0, n, CHUNK)):
                    order = list(ops)[turn % len(ops) :] + list(ops)[: turn % len(ops)]
                    for api in order:
                        op = ops[api][phase]
                        before = counter.snapshot()
                        t0 = time.perf_counter()
                        for i in range(start, min(start + CHUNK, n)):
                            op(i)
                        spent[api] += time.perf_counter() - t0
                        calls[api] += counter.snapshot() - before
                load = os.getloadavg()[0]
                loads.append({"repeat": rep, "phase": phase, "load1": load})
                for api in ops:
                    times.setdefault(api, {}).setdefault(phase, []).append(spent[api])
                    rpcs.setdefault(api, {})[phase] = dict(calls[api])
                    print(
                        f"[{rep + 1}/{repeats}] {api:13} {phase:12} {spent[api]:8.3f}s "
                        f"{sum(calls[api].values()):6d} RPCs (load {load:.1f})",
                        file=sys.stderr,
                        flush=True,
                    )
                if phase == "flush":
                    waited = _wait_indexed(uri, [f"b_{a.split()[-1].lower()}_{rep}" for a in ops])
                    print(
                        f"    index build after flush: {waited:.1f}s (not timed)", file=sys.stderr
                    )
            for api_ops in ops.values():
                api_ops["_close"](0)
    return {"times": times, "rpcs": rpcs, "loads": loads}


def report(result: dict, w: Workload, repeats: int) -> str:
    med = {
        api: {p: statistics.median(v) for p, v in ph.items()} for api, ph in result["times"].items()
    }
    total = {api: sum(ph[p] for p in WORKLOAD) for api, ph in med.items()}
    base = total["MilvusClient"]
    n_ops = w.ops
    out = [
        f"median of {repeats}; rows={sum(len(b) for b in w.batches)} in {len(w.batches)} "
        f"batches, dim={DIM}\n",
        "| phase (operations) | " + " | ".join(f"{a} s" for a in med) + " | shim / client |",
        "|---|" + "---:|" * (len(med) + 1),
    ]
    for phase in PHASES:
        cells = " | ".join(f"{med[a][phase]:.3f}" for a in med)
        ratio = med["compat_shim"][phase] / med["MilvusClient"][phase]
        label = phase if phase in WORKLOAD else f"{phase}, not in the total"
        out.append(f"| {label} ({n_ops[phase]}) | {cells} | {ratio:.2f}x |")
    out.append(
        "| **total** | "
        + " | ".join(f"**{total[a]:.3f}**" for a in med)
        + f" | **{total['compat_shim'] / base:.3f}x** |"
    )
    out += [
        "",
        "| phase: RPCs per operation | " + " | ".join(med) + " |",
        "|---|" + "---:|" * len(med),
    ]
    for phase in PHASES:
        cells = []
        for a in med:
            calls = result["rpcs"][a][phase]
            detail = ", ".join(f"{k} {v}" for k, v in sorted(calls.items()))
            cells.append(f"{sum(calls.values()) / n_ops[phase]:.2f} ({detail})")
        out.append(f"| {phase} | " + " | ".join(cells) + " |")
    above = [
        p
        for p in PHASES
        if sum(result["rpcs"]["compat_shim"][p].values())
        > sum(result["rpcs"]["pymilvus ORM"][p].values())
    ]
    out.append(f"\nphases where the shim makes more RPCs than the ORM: {above or 'none'}")
    loads = ", ".join(f"{x['phase']} {x['load1']:.1f}" for x in result.get("loads", []))
    out.append(f"1-minute load average after each phase: {loads}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--searches", type=int, default=1_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--opens", type=int, default=100)
    parser.add_argument("--json", type=Path, default=Path("/tmp/mm-bench/shim.json"))
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # the ORM warns on every call; the cost of warn() stays in
    w = Workload(args.rows, args.batch, args.searches, args.queries, args.opens)
    server = LiteServer(Path(tempfile.mkdtemp(prefix="mm-shim-bench-")))
    target = server.start()
    load_before = os.getloadavg()
    try:
        result = run(target.uri, w, args.repeats)
    finally:
        server.stop()
    result["loadavg_before"], result["loadavg_after"] = load_before, os.getloadavg()
    text = report(result, w, args.repeats)
    print(f"load average before {load_before}, after {result['loadavg_after']}\n")
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
