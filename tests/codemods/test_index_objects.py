# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""MM122 (col.index() / col.indexes read through describe_index dicts), MM123 (Index(...)
objects) and a collection returned from a helper whose result is always dropped:
before/after, refusals, and the same output as the ORM on a real server."""

from __future__ import annotations

import textwrap
from pathlib import Path

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check, write_pair
from tests.rig.programs import run_program

HEAD = (
    "from pymilvus import Collection, Index, connections\n"
    'connections.connect(uri="http://h:1")\n'
    'col = Collection("c")\n'
)
NEW_HEAD = (
    'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\ncol = "c"\n'
)
KEPT_HEAD = (
    "from pymilvus import MilvusClient, Collection, Index, connections\n"
    'connections.connect(uri="http://h:1")\n'
    'client = MilvusClient(uri="http://h:1")\n'
    'col = Collection("c")\n'
)
# MM122 cases do not use Index: the import is dropped.
KEPT_NO_INDEX = KEPT_HEAD.replace("Collection, Index, connections", "Collection, connections")
# A collection stays ORM and nothing else migrates: the connect stays, alone (a client
# beside it would go unused).
ALONE_HEAD = HEAD
ALONE_NO_INDEX = HEAD  # nothing changes, so the unused Index import stays too
DESCRIBE_ALL = "[client.describe_index(collection_name=col, index_name=index_name) for index_name in client.list_indexes(collection_name=col)]"


def _messages(findings, code: str) -> list[str]:
    return [f.message for f in findings if f.code == code]


# ---- MM122 -----------------------------------------------------------------------------


def test_index_read_through_becomes_describe_index_keys():
    check(
        HEAD
        + 'print(col.index().field_name, col.index().params["index_type"])\n'
        + 'print(col.index(index_name="v", timeout=3).params.get("metric_type"), col.index().index_name)\n',
        NEW_HEAD
        + 'print(client.describe_index(collection_name=col, index_name="")["field_name"], client.describe_index(collection_name=col, index_name="")["index_type"])\n'
        + 'print(client.describe_index(collection_name=col, index_name="v", timeout=3).get("metric_type"), client.describe_index(collection_name=col, index_name="")["index_name"])\n',
    )


def test_indexes_iterated_by_comprehension_and_loop():
    check(
        HEAD
        + 'print(sorted((i.field_name, i.params.get("index_type")) for i in col.indexes))\n'
        + "for ix in col.indexes:\n"
        + '    print(ix.index_name, ix.params["metric_type"])\n',
        NEW_HEAD
        + f'print(sorted((i["field_name"], i.get("index_type")) for i in {DESCRIBE_ALL}))\n'
        + f"for ix in {DESCRIBE_ALL}:\n"
        + '    print(ix["index_name"], ix["metric_type"])\n',
    )


def test_indexes_only_counted_becomes_the_list_of_names():
    # len() and truth tests see as many names as the ORM saw Index objects.
    listing = "client.list_indexes(collection_name=col)"
    check(
        HEAD
        + "print(len(col.indexes), bool(col.indexes), not col.indexes)\n"
        + "if col.indexes:\n    pass\n"
        + "while not col.indexes:\n    break\n"
        + 'assert col.indexes, "indexed"\n'
        + 'x = "some" if col.indexes else "none"\n',
        NEW_HEAD
        + f"print(len({listing}), bool({listing}), not {listing})\n"
        + f"if {listing}:\n    pass\n"
        + f"while not {listing}:\n    break\n"
        + f'assert {listing}, "indexed"\n'
        + f'x = "some" if {listing} else "none"\n',
    )


def test_indexes_item_reads_become_describe_index_keys():
    check(
        HEAD
        + 'print(col.indexes[0].field_name, col.indexes[-1].params.get("metric_type"))\n'
        + "name = col.indexes[1].index_name\n",
        NEW_HEAD
        + f'print({DESCRIBE_ALL}[0]["field_name"], {DESCRIBE_ALL}[-1].get("metric_type"))\n'
        + f'name = {DESCRIBE_ALL}[1]["index_name"]\n',
    )


def test_index_objects_used_otherwise_are_reported_and_keep_the_collection():
    cases = [
        "print(col.index())\n",  # the object itself
        'print(col.index().params["params"])\n',  # lite drops MilvusClient build params
        "print(col.index().params)\n",
        "print(col.index().to_dict())\n",
        "print(col.indexes)\n",  # not iterated
        "print([i.params for i in col.indexes])\n",
        "for i in col.indexes:\n    i.drop()\n",
        "i = 0\nprint([i for i in col.indexes], i)\n",  # comprehension uses i itself
        "for i in col.indexes:\n    pass\ni = 1\nprint(i)\n",  # i assigned twice
        "try:\n    print(col.index().field_name)\nexcept Exception:\n    pass\n",
        'print(col.index("v").field_name)\n',  # positional: not the ORM signature
        "param = col.indexes[0].params\n",  # params whole (nested vs flattened build params)
        'print(col.indexes[0].params["params"])\n',
        "print(col.indexes[0])\n",
        "print(col.indexes[:1])\n",  # a slice is a list of Index objects
        'col.indexes[0].field_name = "x"\n',
        "print([str(i) for i in col.indexes])\n",  # the object's text
        'print(col.indexes or "none")\n',  # the value itself, not only its truth
        "print(len(col.indexes[0].params))\n",
        "len = max\nprint(len(col.indexes))\n",  # not the builtin len
        'print(col.indexes[0].params.get("nlist"))\n',
    ]
    for body in cases:
        findings = check(HEAD + body, ALONE_NO_INDEX + body, codes=("MM110",))
        assert any("index" in m for m in _messages(findings, "MM110")), (body, findings)


def test_an_item_of_indexes_read_whole_names_the_params_shape_difference():
    body = "param = col.indexes[0].params\n"  # the real-world shape (rw27), not searched with
    findings = check(HEAD + body, ALONE_NO_INDEX + body, codes=("MM110",))
    assert any("nested under `params`" in m for m in _messages(findings, "MM110")), findings


def test_params_only_passed_as_the_search_param_becomes_the_metric_type():
    # rw27: the index's params are only handed on as the same collection's search params. Both
    # APIs send metric_type plus the rest flattened into the search's JSON params, of which the
    # server reads only search keys (ef, nprobe, ...): the metric type is what is used.
    check(
        HEAD
        + "def find(q, k):\n"
        + "    param = col.indexes[0].params\n"
        + '    return col.search([q], "vec", param, k, expr="id > 0")\n'
        + "def find_named(q):\n"
        + "    p = col.index().params\n"
        + '    first = col.search(data=[q], anns_field="vec", param=p, limit=3)\n'
        + '    return first, col.search([q], "vec", p, 2)\n',
        NEW_HEAD
        + "def find(q, k):\n"
        + f'    param = {{"metric_type": {DESCRIBE_ALL}[0]["metric_type"]}}\n'
        + '    return client.search(collection_name=col, data=[q], anns_field="vec", search_params=param, limit=k, filter="id > 0")\n'
        + "def find_named(q):\n"
        + '    p = {"metric_type": client.describe_index(collection_name=col, index_name="")["metric_type"]}\n'
        + '    first = client.search(collection_name=col, data=[q], anns_field="vec", search_params=p, limit=3)\n'
        + '    return first, client.search(collection_name=col, data=[q], anns_field="vec", search_params=p, limit=2)\n',
    )


def test_params_local_used_other_than_as_this_collections_search_param_is_reported():
    other = 'other = Collection("d")\n'
    cases = [
        'param = col.indexes[0].params\nprint(param)\ncol.search([[1.0]], "vec", param, 3)\n',
        'param = col.indexes[0].params\nother.search([[1.0]], "vec", param, 3)\n',  # other collection
        'param = col.indexes[0].params\nparam = {"metric_type": "IP"}\ncol.search([[1.0]], "vec", param, 3)\n',
        'param = col.indexes[0].params\ncol.search([[1.0]], "vec", {}, param)\n',  # not `param`
        'param = col.indexes[0].params\ncol.search_iterator([[1.0]], "vec", param, 10)\n',
        "param = col.indexes[0].params\ncol.query(param)\n",
        "param = col.index().params\ncol.search(*args, param)\n",
        'param = col.index().params\nparam["params"]["ef"] = 64\ncol.search([[1.0]], "vec", param, 3)\n',
        'param = q = col.index().params\ncol.search([[1.0]], "vec", param, 3)\n',
        "def f(param):\n    col.search([[1.0]], 'vec', param, 3)\nf(col.index().params)\n",
        'class C:\n    param = col.index().params\n    col.search([[1.0]], "vec", param, 3)\n',
        "param = col.index().params\n",  # never used
    ]
    for body in cases:
        outcome = migrate_source(HEAD + other + body, Options())
        assert ".params" in outcome.source and "col = Collection(" in outcome.source, body
        assert "describe_index" not in outcome.source, (body, outcome.source)
        assert any("index" in m for m in _messages(outcome.findings, "MM110")), (
            body,
            outcome.findings,
        )


def test_a_blocked_collection_keeps_its_index_reads():
    body = "print([i.field_name for i in col.indexes])\nprint(col.index().field_name)\nprint(col)\n"
    check(HEAD + body, ALONE_NO_INDEX + body, codes=("MM110",))


# ---- MM123 -----------------------------------------------------------------------------


def test_index_object_becomes_its_params_and_create_index():
    check(
        HEAD
        + 'P = {"index_type": "FLAT", "metric_type": "L2"}\n'
        + 'idx = Index(col, "vec", P, index_name="vec")\n'
        + 'print(idx.field_name, idx.collection_name, idx.params["index_type"], idx.params.get("params"))\n',
        NEW_HEAD
        + 'P = {"index_type": "FLAT", "metric_type": "L2"}\n'
        + "idx = P\n"
        + "index_params = client.prepare_index_params()\n"
        + 'index_params.add_index(field_name="vec", index_name="vec", **idx)\n'
        + "client.create_index(collection_name=col, index_params=index_params)\n"
        + 'print("vec", col, idx["index_type"], idx.get("params"))\n',
    )


def test_bare_index_statement_spreads_the_dict():
    check(
        HEAD
        + 'Index(col, "vec", {"index_type": "FLAT", "metric_type": "L2", "params": {}})  # build\n',
        NEW_HEAD
        + "index_params = client.prepare_index_params()\n"
        + 'index_params.add_index(field_name="vec", index_type="FLAT", metric_type="L2", params={})\n'
        + "client.create_index(collection_name=col, index_params=index_params)  # build\n",
    )


def test_index_objects_that_cannot_be_rewritten_keep_the_collection_orm():
    cases = [
        ('idx = Index(col, "v", {})\nprint(idx.index_name)\n', "idx.index_name"),
        ('idx = Index(col, "v", {})\nidx.drop()\n', "idx.drop"),
        ('idx = Index(col, "v", {})\nprint(idx)\n', "used as an Index object"),
        ('idx = Index(col, "v", {})\nprint(idx.params)\n', "idx.params"),
        (
            'idx = Index(col, "v", {"params": {}})\nidx.params["params"]["nlist"] = 8\n',
            "idx.params",
        ),
        ('idx = Index(col, "v", {})\nidx.params["index_type"] = "X"\n', "idx.params"),
        ('f = "v"\nidx = Index(col, f, {})\nprint(idx.field_name)\n', "idx.field_name"),
        ('idx = Index(col, "v", {}, timeout=3)\n', "timeout=3"),
        ('idx = Index(col, "v", {})\nidx = None\n', "assigned more than once"),
        ('print(Index(col, "v", {}))\n', "not a statement"),
    ]
    for body, reason in cases:
        findings = check(HEAD + body, ALONE_HEAD + body, codes=("MM123", "MM110"))
        messages = _messages(findings, "MM123")
        assert any(reason in m for m in messages), (body, messages)
        assert any("stays ORM" in m for m in _messages(findings, "MM110")), (body, findings)


def test_index_on_an_untracked_collection_is_reported():
    before = 'from pymilvus import Index, connections\nconnections.connect(uri="http://h:1")\n\n\ndef build(c):\n    Index(c, "v", {})\n'
    findings = check(before, before, codes=("MM123",))  # nothing migrates: no client either
    assert any("not a tracked collection" in m for m in _messages(findings, "MM123"))


# ---- a collection returned from a helper ----------------------------------------------


def test_returned_collection_whose_result_is_always_dropped_is_migrated():
    # `_make`: private, so its calls here are all its callers (test_public_surface.py).
    check(
        "from pymilvus import Collection, connections\n"
        'connections.connect(uri="http://h:1")\n\n\n'
        "def _make(name, schema):\n"
        "    c = Collection(name, schema)\n"
        "    c.load()\n"
        "    return c\n\n\n"
        '_make("a", s)\n',
        'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\n\n\n'
        "def _make(name, schema):\n"
        "    c = name\n"
        "    if not client.has_collection(collection_name=c):\n"
        "        client.create_collection(collection_name=c, schema=schema)\n"
        "    client.load_collection(collection_name=c)\n"
        "    return c\n\n\n"
        '_make("a", s)\n',
    )


def test_returned_collection_whose_result_is_used_stays_orm():
    # (`x = make("a")` makes x a tracked collection: see test_collection_factories.py.)
    # `_make`: private, so the library rule (test_public_surface.py) does not come first.
    for use, reason in (
        ('print(_make("a"))\n', "used as an object"),
        ("f = _make\n", "returned from `_make()`, which is used other than by a direct call"),
    ):
        body = "def _make(name):\n    c = Collection(name)\n    c.load()\n    return c\n\n\n" + use
        before = 'from pymilvus import Collection, connections\nconnections.connect(uri="http://h:1")\n\n\n'
        findings = check(before + body, before + body, codes=("MM110",))  # no client either
        assert any(reason in f.message for f in findings), (use, findings)


# ---- on a real server -------------------------------------------------------------------

PROGRAM = textwrap.dedent(
    """
    import os

    from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, Index, connections

    connections.connect(uri=os.environ["MILVUS_URI"])
    schema = CollectionSchema(
        [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=4)]
    )
    col = Collection("objects", schema)
    col.insert([{"id": i, "v": [i, 1.0, 0.0, 0.0]} for i in range(20)])
    print("before", col.has_index())
    idx = Index(col, "v", {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 4}})
    print("object", idx.field_name, idx.collection_name, idx.params["params"], idx.params.get("metric_type"))
    print("index()", col.index().field_name, col.index().index_name, col.index().params["index_type"])
    print("listed", [(i.field_name, i.params["metric_type"]) for i in col.indexes])
    col.load()
    print("hits", col.search([[3, 1, 0, 0]], "v", {"metric_type": "L2", "params": {"nprobe": 4}}, limit=2)[0].ids)
    """
)


def test_index_objects_match_the_orm(milvus_factory, tmp_path: Path) -> None:
    original, migrated, outcome = write_pair(tmp_path, "objects.py", PROGRAM)
    # (The create's schema comparison reads CollectionSchema, which is not ORM.)
    assert "Collection(" not in outcome.source and "Index(" not in outcome.source
    assert "connections" not in outcome.source, outcome.findings

    before = run_program(original, milvus_factory(), mode="orm")
    after = run_program(migrated, milvus_factory(), mode="strict")

    assert before.returncode == 0, before.stderr
    assert after.returncode == 0, after.stderr
    assert "object v objects {'nlist': 4} L2" in before.stdout
    assert "listed [('v', 'L2')]" in before.stdout
    assert after.stdout == before.stdout
    assert after.state == before.state
