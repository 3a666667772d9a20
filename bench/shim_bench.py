"""Shim overhead: one workload through compat_shim, plain MilvusClient and pymilvus's ORM.

    python bench/shim_bench.py [--repeats 3] [--rows 20000] [--searches 1000] [--queries 1000]

One `milvus-lite server` (fresh, free port) serves all three in the same run; each API gets its
own collection per repeat, and the APIs run in rotation so machine load spreads over all of
them. Phases: handle construction (open an existing collection; MilvusClient has no handle, so
its equivalent is `describe_collection`), insert of 128-d rows in batches, searches (nq=1,
top 10) and queries (`pk in [...]`). Wall time per phase is the median over repeats; RPCs are
counted per phase with a gRPC client interceptor on every channel pymilvus opens
(tests/shim/rpc_counter.py).
"""

from __future__ import annotations

import argparse
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
INDEX = {"index_type": "FLAT", "metric_type": "L2", "params": {}}
PHASES = ("open handle", "insert", "search", "query")


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
        self.opens = opens


def _orm_like(mod: Any, uri: str, name: str, w: Workload) -> dict[str, Callable[[], Any]]:
    """Phases for an ORM-shaped API module (pymilvus itself, or compat_shim)."""
    alias = f"bench-{name}"
    mod.connections.connect(alias=alias, uri=uri)
    col = mod.Collection(name, _schema(), using=alias)
    col.create_index("vec", INDEX)
    col.load()

    def open_handles() -> None:
        for _ in range(w.opens):
            mod.Collection(name, using=alias)

    def insert() -> None:
        for batch in w.batches:
            col.insert(batch)

    def search() -> None:
        for v in w.search_vecs:
            col.search([v], "vec", {"metric_type": "L2"}, limit=10, output_fields=["tag"])

    def query() -> None:
        for ids in w.query_ids:
            col.query(f"pk in {ids}", output_fields=["tag"])

    return {
        "open handle": open_handles,
        "insert": insert,
        "search": search,
        "query": query,
        "_close": lambda: mod.connections.disconnect(alias),
    }


def _client(uri: str, name: str, w: Workload) -> dict[str, Callable[[], Any]]:
    client = MilvusClient(uri=uri)
    client.create_collection(name, schema=_schema())
    params = client.prepare_index_params()
    params.add_index(field_name="vec", index_type="FLAT", metric_type="L2")
    client.create_index(name, params)
    client.load_collection(name)

    def open_handles() -> None:
        for _ in range(w.opens):
            client.describe_collection(name)

    def insert() -> None:
        for batch in w.batches:
            client.insert(name, batch)

    def search() -> None:
        for v in w.search_vecs:
            client.search(
                name,
                [v],
                anns_field="vec",
                search_params={"metric_type": "L2"},
                limit=10,
                output_fields=["tag"],
            )

    def query() -> None:
        for ids in w.query_ids:
            client.query(name, filter=f"pk in {ids}", output_fields=["tag"])

    return {
        "open handle": open_handles,
        "insert": insert,
        "search": search,
        "query": query,
        "_close": client.close,
    }


def _apis() -> dict[str, Callable[[str, str, Workload], dict[str, Callable[[], Any]]]]:
    import pymilvus

    import compat_shim

    return {
        "MilvusClient": _client,
        "compat_shim": lambda uri, name, w: _orm_like(compat_shim, uri, name, w),
        "pymilvus ORM": lambda uri, name, w: _orm_like(pymilvus, uri, name, w),
    }


def run(uri: str, w: Workload, repeats: int) -> dict:
    times: dict[str, dict[str, list[float]]] = {}
    rpcs: dict[str, dict[str, dict[str, int]]] = {}
    apis = _apis()
    # One interceptor for the whole run: pymilvus shares channels between clients with the same
    # address, so a channel opened by one API may serve the next; phases run one at a time, so
    # the counter's delta over a phase is that phase's RPCs.
    with counting_channels() as counter:
        for rep in range(repeats):
            for api, make in apis.items():
                phases = make(uri, f"b_{api.split()[-1].lower()}_{rep}", w)
                for phase in PHASES:
                    before = counter.snapshot()
                    start = time.perf_counter()
                    phases[phase]()
                    elapsed = time.perf_counter() - start
                    delta = counter.snapshot() - before
                    times.setdefault(api, {}).setdefault(phase, []).append(elapsed)
                    rpcs.setdefault(api, {})[phase] = dict(delta)
                    print(
                        f"[{rep + 1}/{repeats}] {api:13} {phase:12} {elapsed:7.3f}s "
                        f"{sum(delta.values()):6d} RPCs (load {os.getloadavg()[0]:.1f})",
                        file=sys.stderr,
                        flush=True,
                    )
                phases["_close"]()
    return {"times": times, "rpcs": rpcs}


def report(result: dict, w: Workload, repeats: int) -> str:
    med = {
        api: {p: statistics.median(v) for p, v in ph.items()} for api, ph in result["times"].items()
    }
    total = {api: sum(ph.values()) for api, ph in med.items()}
    base = total["MilvusClient"]
    n_ops = {
        "open handle": w.opens,
        "insert": len(w.batches),
        "search": len(w.search_vecs),
        "query": len(w.query_ids),
    }
    out = [
        f"median of {repeats}; rows={sum(len(b) for b in w.batches)} in {len(w.batches)} "
        f"batches, dim={DIM}\n",
        "| phase (operations) | " + " | ".join(f"{a} s" for a in med) + " | shim / client |",
        "|---|" + "---:|" * (len(med) + 1),
    ]
    for phase in PHASES:
        cells = " | ".join(f"{med[a][phase]:.3f}" for a in med)
        ratio = med["compat_shim"][phase] / med["MilvusClient"][phase]
        out.append(f"| {phase} ({n_ops[phase]}) | {cells} | {ratio:.2f}x |")
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
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
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
