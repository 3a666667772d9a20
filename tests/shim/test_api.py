"""Per-API behaviour: each scenario runs on pymilvus's ORM and on compat_shim, each against
a fresh real server, and every step's result or exception type must be the same."""

from __future__ import annotations

import random
import types

import pandas as pd
import pytest
from pymilvus import AnnSearchRequest, CollectionSchema, DataType, FieldSchema, RRFRanker

from tests.shim.compare import Recorder, assert_same, run_both

pytestmark = pytest.mark.milvus

L2 = {"metric_type": "L2", "params": {}}
FLAT = {"index_type": "FLAT", "metric_type": "L2", "params": {}}


def _schema(varchar_pk: bool = False, auto_id: bool = False) -> CollectionSchema:
    pk = (
        FieldSchema("pk", DataType.VARCHAR, is_primary=True, max_length=32)
        if varchar_pk
        else FieldSchema("pk", DataType.INT64, is_primary=True, auto_id=auto_id)
    )
    return CollectionSchema(
        [
            pk,
            FieldSchema("title", DataType.VARCHAR, max_length=64),
            FieldSchema("score", DataType.DOUBLE),
            FieldSchema("vec", DataType.FLOAT_VECTOR, dim=4),
        ],
        description="books",
    )


def _vecs(n: int, seed: int = 7) -> list[list[float]]:
    rnd = random.Random(seed)
    return [[round(rnd.random(), 4) for _ in range(4)] for _ in range(n)]


def scenario_core(api: types.SimpleNamespace, rec: Recorder, ctx: types.SimpleNamespace) -> None:
    using = ctx.alias
    rec("open missing", lambda: api.Collection("books", using=using))
    rec("create bad schema type", lambda: api.Collection("books", schema="x", using=using))
    col = rec(
        "create",
        lambda: api.Collection("books", _schema(), using=using),
        keep=lambda c: (c.name, c.description, c.primary_field.name, c.is_empty),
    )
    rec("reopen same schema", lambda: api.Collection("books", _schema(), using=using).name)
    rec("reopen other schema", lambda: api.Collection("books", _schema(True), using=using))
    rec("schema", lambda: col.schema == _schema())
    vecs = _vecs(12)
    rows = [{"pk": i, "title": f"t{i}", "score": i / 2, "vec": vecs[i]} for i in range(4)]
    rec("insert rows", lambda: col.insert(rows))
    rec(
        "insert one dict",
        lambda: col.insert({"pk": 4, "title": "t4", "score": 2.0, "vec": vecs[4]}),
    )
    cols = [[5, 6, 7], ["t5", "t6", "t7"], [2.5, 3.0, 3.5], vecs[5:8]]
    rec("insert columns", lambda: col.insert(cols))
    frame = pd.DataFrame(
        {"pk": [8, 9], "title": ["t8", "t9"], "score": [4.0, 4.5], "vec": vecs[8:10]}
    )
    rec("insert dataframe", lambda: col.insert(frame))
    rec("insert empty", lambda: col.insert([]))
    rec("insert bad type", lambda: col.insert("nope"))
    rec("insert wrong columns", lambda: col.insert([[1, 2], ["a", "b"]]))
    rec(
        "upsert rows", lambda: col.upsert([{"pk": 1, "title": "one", "score": 9.0, "vec": vecs[1]}])
    )
    rec("upsert columns", lambda: col.upsert([[2], ["two"], [8.0], [vecs[2]]]))
    rec("flush", col.flush)
    rec("num_entities", lambda: col.num_entities)
    rec("create_index", lambda: col.create_index("vec", FLAT))
    rec("has_index", col.has_index)
    rec("index", lambda: col.index())
    rec("indexes", lambda: col.indexes)
    rec("load", col.load)
    rec("search", lambda: col.search([vecs[3]], "vec", L2, limit=3, output_fields=["title"]))
    rec("search expr", lambda: col.search([vecs[3]], "vec", L2, 3, expr="pk > 4"))
    rec("search empty data", lambda: col.search([], "vec", L2, 3))
    rec("search bad expr type", lambda: col.search([vecs[0]], "vec", L2, 3, expr=5))
    rec("query", lambda: col.query("pk < 3", output_fields=["title", "score"]))
    rec(
        "query default projection", lambda: sorted(col.query("pk in [1, 2]"), key=lambda r: r["pk"])
    )
    rec("query count", lambda: col.query("", output_fields=["count(*)"]))
    rec("query limit", lambda: col.query("pk >= 0", output_fields=["pk"], limit=2, offset=1))
    rec("query non-str", lambda: col.query(None))
    rec("delete", lambda: col.delete("pk in [0, 1]"))
    rec("delete empty expr", lambda: col.delete(""))
    rec(
        "count after delete",
        lambda: col.query("", output_fields=["count(*)"], consistency_level="Strong"),
    )
    rec("release", col.release)
    rec("load_state", lambda: api.utility.load_state("books", using=using))
    rec("drop_index", lambda: col.drop_index())
    rec("drop_index again (no-op)", lambda: col.drop_index())
    rec("index missing", lambda: col.index())
    rec("has_index after drop", col.has_index)
    rec("drop", col.drop)
    rec("has_collection", lambda: api.utility.has_collection("books", using=using))


def scenario_indexes(api: types.SimpleNamespace, rec: Recorder, ctx: types.SimpleNamespace) -> None:
    using = ctx.alias
    col = api.Collection("ix", _schema(), using=using)
    col.insert(
        [{"pk": i, "title": f"t{i}", "score": float(i), "vec": v} for i, v in enumerate(_vecs(5))]
    )
    rec(
        "Index()",
        lambda: api.Index(
            col, "vec", {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 8}}
        ),
    )
    rec("Index(bad collection)", lambda: api.Index("ix", "vec", FLAT))
    rec(
        "scalar index",
        lambda: col.create_index("title", {"index_type": "INVERTED"}, index_name="title"),
    )
    rec("has_index ambiguous", col.has_index)
    rec("index ambiguous", lambda: col.index())
    rec("index by name", lambda: col.index(index_name="vec"))
    rec("has_index by name", lambda: col.has_index(index_name="title"))
    rec("has_index other name", lambda: col.has_index(index_name="nope"))
    rec("indexes", lambda: sorted(col.indexes, key=lambda i: i.field_name))
    rec("utility.list_indexes", lambda: sorted(api.utility.list_indexes("ix", using=using)))
    rec(
        "utility.list_indexes field",
        lambda: api.utility.list_indexes("ix", using=using, field_name="vec"),
    )
    rec(
        "index_building_progress",
        lambda: api.utility.index_building_progress("ix", index_name="vec", using=using),
    )
    rec(
        "wait_for_index_building_complete",
        lambda: api.utility.wait_for_index_building_complete("ix", index_name="vec", using=using),
    )
    col.release()
    rec("drop_index ambiguous", lambda: col.drop_index())
    rec("drop_index by name", lambda: col.drop_index(index_name="title"))
    rec("indexes after drop", lambda: col.indexes)
    rec("Index.drop", lambda: col.index().drop())
    rec("no indexes", lambda: col.indexes)


def scenario_partitions(
    api: types.SimpleNamespace, rec: Recorder, ctx: types.SimpleNamespace
) -> None:
    using = ctx.alias
    col = api.Collection("parts", _schema(), using=using)
    vecs = _vecs(6)
    rec("partitions", lambda: col.partitions)
    rec("create_partition", lambda: col.create_partition("p1", description="first"))
    rec("create_partition dup", lambda: col.create_partition("p1"))
    rec("Partition() creates", lambda: api.Partition(col, "p2", "second"))
    rec("Partition() existing", lambda: api.Partition(col, "p2"))
    rec("Partition(bad)", lambda: api.Partition(3, "p3"))
    rec("has_partition", lambda: (col.has_partition("p1"), col.has_partition("zz")))
    rec("partition()", lambda: (col.partition("p1"), col.partition("zz")))
    rec("partitions listed", lambda: col.partitions)
    p1 = col.partition("p1")
    rec(
        "Partition.insert",
        lambda: p1.insert(
            [{"pk": i, "title": f"t{i}", "score": 1.0, "vec": vecs[i]} for i in range(3)]
        ),
    )
    rec("Partition.insert columns", lambda: p1.insert([[3], ["t3"], [2.0], [vecs[3]]]))
    rec(
        "Partition.upsert",
        lambda: p1.upsert([{"pk": 0, "title": "zero", "score": 5.0, "vec": vecs[0]}]),
    )
    rec(
        "insert into p2",
        lambda: col.insert(
            [{"pk": 5, "title": "t5", "score": 1.0, "vec": vecs[5]}], partition_name="p2"
        ),
    )
    rec("Partition.num_entities", lambda: (p1.num_entities, p1.is_empty))
    rec("utility.has_partition", lambda: api.utility.has_partition("parts", "p2", using=using))
    col.create_index("vec", FLAT)
    col.load()
    rec("Partition.query", lambda: p1.query("pk >= 0", output_fields=["title"]))
    rec("Partition.search", lambda: p1.search([vecs[5]], "vec", L2, 2))
    rec(
        "search partition_names",
        lambda: col.search([vecs[5]], "vec", L2, 2, partition_names=["p2"]),
    )
    rec("Partition.delete", lambda: p1.delete("pk in [1]"))
    rec("Partition.flush", p1.flush)
    rec("count p1", lambda: p1.query("", output_fields=["count(*)"], consistency_level="Strong"))
    col.release()
    rec("drop_partition", lambda: col.drop_partition("p2"))
    rec("Partition.drop", lambda: p1.drop())
    rec("drop missing partition", lambda: col.drop_partition("p2"))
    rec("partitions at end", lambda: [p.name for p in col.partitions])


def scenario_utility(api: types.SimpleNamespace, rec: Recorder, ctx: types.SimpleNamespace) -> None:
    using = ctx.alias
    u = api.utility
    col = api.Collection("u1", _schema(), using=using)
    col.insert([{"pk": i, "title": "x", "score": 0.0, "vec": v} for i, v in enumerate(_vecs(3))])
    col.create_index("vec", FLAT)
    rec("list_collections", lambda: u.list_collections(using=using))
    rec(
        "loading_progress not loaded",
        lambda: (col.release(), u.loading_progress("u1", using=using))[1],
    )
    col.load()
    rec("loading_progress", lambda: u.loading_progress("u1", using=using))
    rec("wait_for_loading_complete", lambda: u.wait_for_loading_complete("u1", using=using))
    rec("load_state", lambda: u.load_state("u1", using=using))
    rec("load_state missing", lambda: u.load_state("nope", using=using))
    rec("has_partition missing coll", lambda: u.has_partition("nope", "p", using=using))
    rec("create_alias", lambda: u.create_alias("u1", "books_alias", using=using))
    rec("list_aliases", lambda: u.list_aliases("u1", using=using))
    rec("aliases property", lambda: api.Collection("u1", using=using).aliases)
    rec("open by alias", lambda: api.Collection("books_alias", using=using).name)
    api.Collection("u2", _schema(), using=using)
    rec("alter_alias", lambda: u.alter_alias("u2", "books_alias", using=using))
    rec("list_aliases after alter", lambda: u.list_aliases("u2", using=using))
    rec("drop_alias", lambda: u.drop_alias("books_alias", using=using))
    rec("rename_collection", lambda: u.rename_collection("u2", "u3", using=using))
    rec("list after rename", lambda: sorted(u.list_collections(using=using)))
    rec("drop_collection", lambda: u.drop_collection("u3", using=using))
    rec("drop_collection missing", lambda: u.drop_collection("u3", using=using))
    rec("get_server_type", lambda: u.get_server_type(using=using))
    rec("server_version is str", lambda: isinstance(u.get_server_version(using=using), str))
    rec("mkts round trip", lambda: u.hybridts_to_unixtime(u.mkts_from_unixtime(1700000000.0)))
    rec("unknown alias", lambda: u.has_collection("u1", using="no-such-alias"))


def scenario_db(api: types.SimpleNamespace, rec: Recorder, ctx: types.SimpleNamespace) -> None:
    using = ctx.alias
    rec("list_database", lambda: sorted(api.db.list_database(using=using)))
    rec("create_database", lambda: api.db.create_database("shop", using=using))
    rec("describe_database", lambda: api.db.describe_database("shop", using=using)["name"])
    rec("using_database", lambda: api.db.using_database("shop", using=using))
    rec("conn db_name", lambda: api.connections.get_connection_addr(using).get("db_name"))
    rec("create in shop", lambda: api.Collection("in_shop", _schema(), using=using).name)
    rec("list in shop", lambda: api.utility.list_collections(using=using))
    rec("drop non-empty db", lambda: api.db.drop_database("shop", using=using))
    api.utility.drop_collection("in_shop", using=using)
    rec("using_database default", lambda: api.db.using_database("default", using=using))
    rec("drop_database", lambda: api.db.drop_database("shop", using=using))
    rec("list after drop", lambda: sorted(api.db.list_database(using=using)))


def scenario_async_and_iterators(
    api: types.SimpleNamespace, rec: Recorder, ctx: types.SimpleNamespace
) -> None:
    col = api.Collection("it", _schema(), using=ctx.alias)
    vecs = _vecs(10)
    f = rec(
        "insert columns _async",
        lambda: col.insert(
            [list(range(10)), [f"t{i}" for i in range(10)], [float(i) for i in range(10)], vecs],
            _async=True,
        ),
        keep=lambda fut: hasattr(fut, "result") and hasattr(fut, "done"),
    )
    rec("future.result", lambda: f.result())
    rec("future.done", lambda: bool(f.done()))
    col.create_index("vec", FLAT)
    col.load()
    sf = rec(
        "search _async",
        lambda: col.search([vecs[0]], "vec", L2, 2, _async=True),
        keep=lambda fut: hasattr(fut, "result"),
    )
    rec("search future result", lambda: sf.result())
    rec("search empty _async", lambda: col.search([], "vec", L2, 2, _async=True).result())
    rec("delete _async", lambda: col.delete("pk in [9]", _async=True).result())
    rec(
        "hybrid_search",
        lambda: col.hybrid_search(
            [AnnSearchRequest([vecs[1]], "vec", L2, 3)], RRFRanker(), 3, output_fields=["title"]
        ),
    )
    rec("hybrid_search empty", lambda: col.hybrid_search([], RRFRanker(), 3))

    def drain_query() -> list:
        it = col.query_iterator(batch_size=3, expr="pk < 9", output_fields=["pk"])
        seen = []
        while True:
            page = it.next()
            if not page:
                it.close()
                return sorted(r["pk"] for r in seen)
            seen.extend(page)

    rec("query_iterator", drain_query)

    def drain_search() -> list:
        param = {"metric_type": "L2"}
        it = col.search_iterator([vecs[2]], "vec", param, batch_size=4, limit=7)
        ids = []
        while True:
            page = it.next()
            if not page:
                it.close()
                return [sorted(ids), sorted(param)]
            ids.extend(h.id for h in page)

    rec("search_iterator", drain_search)


def scenario_connections(
    api: types.SimpleNamespace, rec: Recorder, ctx: types.SimpleNamespace
) -> None:
    c = api.connections
    t = ctx.target
    rec("has_connection", lambda: c.has_connection(ctx.alias))
    rec("get_connection_addr keys", lambda: sorted(c.get_connection_addr(ctx.alias)))
    rec("add_connection", lambda: c.add_connection(extra={"host": t.host, "port": str(t.port)}))
    here = f"{t.host}:{t.port}"
    rec(
        "addr of added",
        lambda: c.get_connection_addr("extra"),
        keep=lambda d: {k: (v == here if k == "address" else v) for k, v in d.items()},
    )
    rec("has before connect", lambda: c.has_connection("extra"))
    rec("connect stored", lambda: c.connect("extra"))
    rec("has after connect", lambda: c.has_connection("extra"))
    rec("listed", lambda: [a for a, h in c.list_connections() if a == "extra"])
    rec("reconnect other address", lambda: c.connect("extra", host=t.host, port="1"))
    rec("disconnect", lambda: c.disconnect("extra"))
    rec(
        "has after disconnect",
        lambda: (c.has_connection("extra"), "address" in c.get_connection_addr("extra")),
    )
    rec("remove_connection", lambda: c.remove_connection("extra"))
    rec("addr after remove", lambda: c.get_connection_addr("extra"))
    rec("bad alias type", lambda: c.has_connection(3))
    rec("bad uri", lambda: c.connect("bad", uri="ftp://x:1"))
    rec(
        "db path in uri ignored",
        lambda: (
            c.connect("dbpath", uri=t.uri + "/shop"),
            c.get_connection_addr("dbpath")["db_name"],
        )[1],
    )
    rec(
        "db path with db_name=''",
        lambda: (
            c.connect("dbpath2", uri=t.uri + "/default", db_name=""),
            c.get_connection_addr("dbpath2")["db_name"],
        )[1],
    )
    rec("unreachable", lambda: c.connect("dead", host="127.0.0.1", port="1", timeout=1))
    for alias in ("dbpath", "dbpath2"):
        c.remove_connection(alias)


@pytest.mark.parametrize(
    "scenario",
    [
        scenario_core,
        scenario_indexes,
        scenario_partitions,
        scenario_utility,
        scenario_db,
        scenario_async_and_iterators,
        scenario_connections,
    ],
    ids=lambda f: f.__name__.removeprefix("scenario_"),
)
def test_shim_matches_orm(scenario, milvus_factory) -> None:
    orm_steps, shim_steps = run_both(scenario, milvus_factory)
    assert_same(orm_steps, shim_steps)


def scenario_server_gaps(
    api: types.SimpleNamespace, rec: Recorder, ctx: types.SimpleNamespace
) -> None:
    """RPCs milvus-lite leaves unimplemented fail the same way through both, and Role's
    client-side part works; on a real server the same steps succeed on both."""
    using = ctx.alias
    col = api.Collection("gaps", _schema(), using=using)
    col.create_partition("p1")
    rec("Partition.load", lambda: col.partition("p1").load())
    rec("Partition.release", lambda: col.partition("p1").release())
    rec("load partition_names", lambda: col.load(partition_names=["p1"]))
    rec("get_replicas", lambda: type(col.get_replicas()).__name__ != "")
    rec("flush_all", lambda: api.utility.flush_all(using=using))
    role = api.Role("reader", using=using)
    rec("Role.name", lambda: role.name)
    rec("Role.create", role.create)
    rec("Role.is_exist", role.is_exist)
    rec("list_usernames", lambda: api.utility.list_usernames(using=using))
    rec("compact", lambda: col.compact())
    rec("compaction state", lambda: col.get_compaction_state().state_name)
    rec("set_properties", lambda: col.set_properties({"collection.ttl.seconds": 60}))
    rec("truncate", col.truncate)
    rec("describe name", lambda: col.describe()["collection_name"])
    rec("num_shards", lambda: col.num_shards)
    rec("repr", lambda: repr(col).splitlines()[:3])


def test_server_gaps_match(milvus_factory) -> None:
    orm_steps, shim_steps = run_both(scenario_server_gaps, milvus_factory)
    assert_same(orm_steps, shim_steps)


@pytest.mark.parametrize(
    ("call", "api_name"),
    [
        (lambda s: s.utility.load_balance("c", 1), "utility.load_balance"),
        (lambda s: s.utility.transfer_node("a", "b", 1), "utility.transfer_node"),
        (lambda s: s.utility.do_bulk_insert("c", ["f.json"]), "utility.do_bulk_insert"),
        (lambda s: s.utility.get_bulk_insert_state(1), "utility.get_bulk_insert_state"),
        (lambda s: s.utility.list_bulk_insert_tasks(), "utility.list_bulk_insert_tasks"),
        (lambda s: s.utility.list_roles(True), "utility.list_roles"),
        (
            lambda s: s.connections.connect("x", uri="http://127.0.0.1:1", _async=True),
            "connections.connect",
        ),
    ],
)
def test_what_milvusclient_cannot_do_raises_not_implemented(call, api_name) -> None:
    import compat_shim

    with pytest.raises(NotImplementedError) as info:
        call(compat_shim)
    message = str(info.value)
    assert api_name in message
    assert "MilvusClient" in message or "pymilvus" in message  # the way out is named


def test_embedded_db_connect_matches_orm(lite_embedded) -> None:
    import warnings

    from pymilvus import PyMilvusDeprecationWarning

    from tests.shim.compare import orm_api, shim_api

    addresses = []
    for api in (orm_api(), shim_api()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PyMilvusDeprecationWarning)
            api.connections.connect(f"emb-{api.name}", uri=lite_embedded.uri)
            try:
                addresses.append(api.connections.get_connection_addr(f"emb-{api.name}"))
                api.utility.list_collections(using=f"emb-{api.name}")
            finally:
                api.connections.remove_connection(f"emb-{api.name}")
    assert addresses[0] == addresses[1]
    assert addresses[0]["address"].startswith("127.0.0.1:")


def scenario_dataframe(
    api: types.SimpleNamespace, rec: Recorder, ctx: types.SimpleNamespace
) -> None:
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "name": ["a", "b", "c"],
            "price": [1.5, 2.5, 3.5],
            "vec": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]],
        }
    )
    make = api.Collection.construct_from_dataframe
    rec("no primary_field", lambda: make("df", frame, using=ctx.alias))
    rec("missing primary_field", lambda: make("df", frame, primary_field="nope", using=ctx.alias))
    rec(
        "bad auto_id", lambda: make("df", frame, primary_field="id", auto_id="yes", using=ctx.alias)
    )
    rec(
        "construct",
        lambda: make("df", frame, primary_field="id", using=ctx.alias),
        keep=lambda pair: (
            pair[0].name,
            [(f.name, f.dtype.name, f.is_primary, f.params) for f in pair[0].schema.fields],
            plain_mutation(pair[1]),
        ),
    )
    rec(
        "server schema",
        lambda: [
            (f.name, f.dtype.name) for f in api.Collection("df", using=ctx.alias).schema.fields
        ],
    )
    rec(
        "construct again (existing)",
        lambda: make("df", frame, primary_field="id", using=ctx.alias)[1].insert_count,
    )


def plain_mutation(res) -> tuple:
    return (res.insert_count, sorted(res.primary_keys))


def test_construct_from_dataframe_matches_orm(milvus_factory) -> None:
    orm_steps, shim_steps = run_both(scenario_dataframe, milvus_factory)
    assert_same(orm_steps, shim_steps)
