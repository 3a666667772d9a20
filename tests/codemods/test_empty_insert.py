# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""An insert or upsert of no rows (codemods/empty_insert.py, MM130/MM133). The ORM refuses
one (`[]`: DataNotMatchException; empty columns: IndexError; an empty DataFrame or numpy
column: ParamError), MilvusClient stores nothing and returns a zero count. Where the data
visibly holds a row the call migrates as before; elsewhere the ORM's refusal is kept in
front of the call, or, where it cannot be (a handler reads the exception), the rewrite is
unsafe. Found by reviewing a second sample of real public code (s002, s013, s015, s021,
s033: an empty document list went on to index, load and print "inserted")."""

from pathlib import Path

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check, orm_vs_migrated

HEAD = 'from pymilvus import Collection, connections\n\nconnections.connect(uri="http://h:1")\ncol = Collection("docs")\n'
GUARD_HEAD = 'from pymilvus.exceptions import ExceptionsMessage, ParamError\nfrom pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\ncol = "docs"\n'
RAISE = "raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)"
PLAIN_HEAD = (
    'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\ncol = "docs"\n'
)


def test_rows_of_unknown_length_keep_the_orm_refusal():
    check(
        HEAD + "\n\ndef save(rows):\n    res = col.insert(rows)\n    return res.insert_count\n",
        GUARD_HEAD
        + f'\n\ndef save(rows):\n    if len(rows) == 0:\n        {RAISE}\n    res = client.insert(collection_name=col, data=rows)\n    return res["insert_count"]\n',
    )


def test_columns_test_their_first_column():
    # With the first column empty the rows are empty, or zip raises for the others.
    source = HEAD + "\n\ndef save(ids, vecs):\n    col.insert([ids, vecs])\n"
    outcome = migrate_source(source, Options())
    assert f"    if len(ids) == 0:\n        {RAISE}\n    field_names = [" in outcome.source, (
        outcome.source
    )


def test_a_comprehension_is_bound_to_a_name_before_the_test():
    check(
        HEAD
        + '\n\ndef save(items):\n    return col.insert([{"id": i, "v": v} for i, v in items]).primary_keys\n',
        GUARD_HEAD
        + f'\n\ndef save(items):\n    rows = [{{"id": i, "v": v}} for i, v in items]\n    if len(rows) == 0:\n        {RAISE}\n    return client.insert(collection_name=col, data=rows)["ids"]\n',
    )


def test_data_that_visibly_holds_a_row_needs_no_test():
    outcome = migrate_source(
        HEAD
        + 'col.insert([{"id": 1, "v": [0.0, 1.0]}])\n'
        + 'col.upsert({"id": 2, "v": [1.0, 0.0]})\n'
        + 'col.insert([{"id": i, "v": [0.0, 1.0]} for i in range(3, 6)])\n'
        + "N = 4\n"
        + "col.insert([[i for i in range(N)], [[0.0, 1.0]] * N])\n"
        + "\n\ndef guarded(rows):\n    if not rows:\n        return 0\n    col.insert(rows)\n"
        + "\n\ndef under_test(rows):\n    if len(rows) > 0:\n        col.insert(rows)\n"
        + "\n\ndef in_else(rows):\n    if len(rows) == 0:\n        print('none')\n    else:\n        col.insert(rows)\n"
        + "\n\ndef batches(rows):\n    for i in range(0, len(rows), 100):\n        col.insert(rows[i:i + 100])\n",
        Options(),
    )
    assert "Collection(" not in outcome.source, outcome.source
    assert "ParamError" not in outcome.source, outcome.source


def test_a_store_between_the_test_and_the_call_keeps_the_refusal():
    outcome = migrate_source(
        HEAD
        + "\n\ndef save(rows):\n    if not rows:\n        return\n    rows = rows[10:]\n    col.insert(rows)\n",
        Options(),
    )
    assert f"    if len(rows) == 0:\n        {RAISE}\n    client.insert(" in outcome.source, (
        outcome.source
    )


def test_a_handler_that_reads_the_exception_makes_the_rewrite_unsafe():
    source = (
        HEAD
        + '\n\ndef save(rows):\n    try:\n        col.insert(rows)\n    except Exception as e:\n        print("failed", e)\n'
    )
    default = migrate_source(source, Options())
    assert "col.insert(rows)" in default.source, default.source
    assert any("MM133" in f.message for f in default.findings), default.findings
    unsafe = migrate_source(source, Options(unsafe_fixes=True))
    assert "client.insert(collection_name=col, data=rows)" in unsafe.source, unsafe.source
    assert "ParamError" not in unsafe.source


LIVE = """
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

connections.connect(uri=os.environ["MILVUS_URI"])
col = Collection("docs", CollectionSchema([
    FieldSchema("id", DataType.INT64, is_primary=True),
    FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
]))


def save(rows):
    res = col.insert(rows)
    print("saved", res.insert_count)


def save_columns(ids, vectors):
    col.insert([ids, vectors])
    print("saved columns", len(ids))


def save_built(items):
    return col.upsert([{"id": i, "v": v} for i, v in items]).upsert_count


for attempt in (lambda: save([{"id": 1, "v": [0.0, 1.0]}]), lambda: save([]),
                lambda: save_columns([2, 3], [[1.0, 0.0], [1.0, 1.0]]), lambda: save_columns([], []),
                lambda: print("built", save_built([(4, [0.5, 0.5])])), lambda: save_built([])):
    try:
        attempt()
    except Exception:
        print("refused")
col.flush()
print("rows", col.num_entities)
"""


def test_empty_inserts_are_refused_as_on_the_orm(milvus_factory, tmp_path: Path) -> None:
    """Rows, columns and a built list: one with data, one without each; the migrated program
    refuses the empty ones too, and stores the same rows."""
    outcome, before, after = orm_vs_migrated(tmp_path, "save.py", LIVE, milvus_factory)
    assert "Collection(" not in outcome.source and outcome.source.count(RAISE) == 3, outcome.source
    assert before.returncode == 0, before.stderr
    assert before.stdout.count("refused") == 3, before.stdout
    assert after.returncode == 0, after.stderr
    assert after.comparable() == before.comparable()


def test_code_that_is_given_the_rows_between_the_test_and_the_call_keeps_the_refusal():
    # `prepare(rows)` could empty the list the test saw; `self.reset()` could reset self.rows.
    outcome = migrate_source(
        HEAD
        + "\n\ndef save(rows):\n    if not rows:\n        return\n    prepare(rows)\n    col.insert(rows)\n"
        + "\n\nclass Batch:\n    def __init__(self):\n        self.rows = []\n\n"
        + "    def flush(self):\n        if self.rows:\n            self.reset()\n            col.insert(self.rows)\n",
        Options(),
    )
    assert f"    if len(rows) == 0:\n        {RAISE}\n    client.insert(" in outcome.source, (
        outcome.source
    )
    assert f"if len(self.rows) == 0:\n                {RAISE}\n" in outcome.source, outcome.source
