"""RPCs per operation: compat_shim never makes more calls than pymilvus's ORM for the same
workload, and opening a Collection handle makes fewer."""

from __future__ import annotations

import collections
import random
import types
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from pymilvus import PyMilvusDeprecationWarning

from tests.shim.compare import orm_api, shim_api
from tests.shim.rpc_counter import counting_channels
from tests.shim.schemas import pk_title_vec

pytestmark = pytest.mark.milvus

L2 = {"metric_type": "L2", "params": {}}


def _drain(iterator: Any) -> int:
    seen = 0
    while True:
        page = iterator.next()
        if not page:
            iterator.close()
            return seen
        seen += len(page)


def _workload(api: types.SimpleNamespace, alias: str) -> list[tuple[str, Callable[[], Any]]]:
    rnd = random.Random(3)
    vecs = [[rnd.random() for _ in range(4)] for _ in range(20)]
    rows = [{"pk": i, "title": f"t{i}", "vec": vecs[i]} for i in range(10)]
    cols = [list(range(10, 20)), [f"t{i}" for i in range(10, 20)], vecs[10:20]]
    h: dict[str, Any] = {}
    u = api.utility
    return [
        (
            "Collection(create)",
            lambda: h.setdefault("c", api.Collection("b", pk_title_vec(), using=alias)),
        ),
        ("Collection(open)", lambda: api.Collection("b", using=alias)),
        ("Collection(open, schema)", lambda: api.Collection("b", pk_title_vec(), using=alias)),
        (
            "insert columns (first write)",
            lambda: api.Collection("b", using=alias).insert([[100], ["first"], [vecs[0]]]),
        ),
        ("insert rows", lambda: h["c"].insert(rows)),
        ("insert rows again", lambda: h["c"].insert(rows[:2])),
        ("insert columns", lambda: h["c"].insert(cols)),
        ("upsert rows", lambda: h["c"].upsert(rows[:3])),
        ("delete", lambda: h["c"].delete("pk in [1, 2]")),
        ("flush", lambda: h["c"].flush()),
        ("num_entities", lambda: h["c"].num_entities),
        (
            "create_index",
            lambda: h["c"].create_index(
                "vec", {"index_type": "FLAT", "metric_type": "L2", "params": {}}
            ),
        ),
        ("has_index", lambda: h["c"].has_index()),
        ("index()", lambda: h["c"].index()),
        ("indexes", lambda: h["c"].indexes),
        ("load", lambda: h["c"].load()),
        ("search", lambda: h["c"].search([vecs[0]], "vec", L2, 3, output_fields=["title"])),
        ("query", lambda: h["c"].query("pk < 5", output_fields=["title"])),
        ("query (no output_fields)", lambda: h["c"].query("pk < 5")),
        (
            "query_iterator (drain)",
            lambda: _drain(h["c"].query_iterator(batch_size=4, output_fields=["pk"])),
        ),
        (
            "search_iterator (drain)",
            lambda: _drain(
                h["c"].search_iterator(
                    [vecs[0]], "vec", {"metric_type": "L2"}, batch_size=4, limit=8
                )
            ),
        ),
        ("search _async", lambda: h["c"].search([vecs[0]], "vec", L2, 3, _async=True).result()),
        ("create_partition", lambda: h["c"].create_partition("p1")),
        ("has_partition", lambda: h["c"].has_partition("p1")),
        ("partitions", lambda: h["c"].partitions),
        ("Partition(existing)", lambda: api.Partition(h["c"], "p1")),
        ("utility.has_collection", lambda: u.has_collection("b", using=alias)),
        ("utility.list_collections", lambda: u.list_collections(using=alias)),
        ("utility.loading_progress", lambda: u.loading_progress("b", using=alias)),
        ("utility.load_state", lambda: u.load_state("b", using=alias)),
        (
            "utility.index_building_progress",
            lambda: u.index_building_progress("b", index_name="vec", using=alias),
        ),
        ("release", lambda: h["c"].release()),
        ("drop_index", lambda: h["c"].drop_index()),
        ("drop", lambda: h["c"].drop()),
    ]


def _measure(api: types.SimpleNamespace, uri: str) -> dict[str, collections.Counter]:
    alias = f"rpc-{api.name}"
    per_op: dict[str, collections.Counter] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PyMilvusDeprecationWarning)
        with counting_channels() as counter:
            # MilvusClient shares one handler per (uri, token, db) across the process; a
            # dedicated one makes sure its channel is opened here, under the counter.
            extra = {"dedicated": True} if api.name == "shim" else {}
            api.connections.connect(alias, uri=uri, **extra)
            try:
                for label, op in _workload(api, alias):
                    before = counter.snapshot()
                    op()
                    per_op[label] = counter.snapshot() - before
            finally:
                api.connections.remove_connection(alias)
    return per_op


# Operations that wait by polling the server (the same pymilvus loop on both sides): how often
# the loop asks depends on server timing, so their poll RPCs are shown but not compared.
POLLS = {"load": "GetLoadingProgress", "flush": "GetFlushState", "create_index": "DescribeIndex"}


def _fixed(label: str, side: dict) -> int:
    counts = collections.Counter(side[label])
    counts.pop(POLLS.get(label, ""), None)
    return sum(counts.values())


def _table(orm: dict, shim: dict) -> str:
    lines = [f"{'operation':34} {'ORM':>4} {'shim':>4}  RPCs (ORM | shim)"]
    for label in orm:
        o, s = orm[label], shim[label]
        lines.append(
            f"{label:34} {sum(o.values()):>4} {sum(s.values()):>4}  "
            f"{dict(sorted(o.items()))} | {dict(sorted(s.items()))}"
        )
    lines.append(
        f"{'TOTAL':34} {sum(sum(c.values()) for c in orm.values()):>4} "
        f"{sum(sum(c.values()) for c in shim.values()):>4}"
    )
    return "\n".join(lines)


def test_shim_makes_no_more_rpcs_than_the_orm(milvus_factory, capsys) -> None:
    orm = _measure(orm_api(), milvus_factory().uri)
    shim = _measure(shim_api(), milvus_factory().uri)
    table = _table(orm, shim)
    with capsys.disabled():
        print("\n" + table)
    for side in (orm, shim):
        assert sum(side["insert rows again"].values()) > 0, "the interceptor saw nothing"
    worse = [label for label in orm if _fixed(label, shim) > _fixed(label, orm)]
    assert worse == [], f"shim makes more RPCs for {worse}\n{table}"
    assert sum(shim["Collection(open)"].values()) < sum(orm["Collection(open)"].values())
