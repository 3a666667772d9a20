"""What a review of a sixth sample of real code (30 files, `docs/real-code-sample.md`) found,
each case as the samples had it, cut down."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import orm_vs_migrated

# w003: the data list's second column holds a JSON field's values, a list of dicts. The ORM
# reads a list as rows only when its first item is a dict, so this is a column insert; it
# used to pass through as rows (MilvusClient then refused every "row"), without an item.
JSON_COLUMN = """\
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

connections.connect(uri=os.environ["MILVUS_URI"])
fields = [
    FieldSchema("id", DataType.INT64, is_primary=True),
    FieldSchema("meta", DataType.JSON),
    FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
]
col = Collection("docs", CollectionSchema(fields))


def ingest(ids, vectors):
    metadatas = [{"src": f"doc{i}"} for i in ids]
    data = [ids, metadatas, vectors]
    col.insert(data)


ingest([1, 2], [[0.1, 0.2], [0.3, 0.4]])
col.flush()
col.create_index("v", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
col.load()
print(sorted((r["id"], r["meta"]["src"]) for r in col.query("id >= 0", output_fields=["meta"])))
col.drop()
"""


def test_a_list_whose_first_item_is_no_dict_is_columns() -> None:
    outcome = migrate_source(JSON_COLUMN, Options())
    assert "for values in zip(*data, strict=True)" in outcome.source, outcome.source
    assert not [f for f in outcome.findings if f.code == "MM130"], outcome.findings


@pytest.mark.parametrize(
    "data, columns",
    [
        ("[ids, [{'a': 1}], vecs]", True),  # a JSON column in second place
        ("[metas, ids, vecs]", True),  # a list of dicts first is still a column
        ("[row, other]", False),  # `row` holds one dict: rows, read as not visible
    ],
)
def test_the_first_item_decides_as_on_the_orm(data: str, columns: bool) -> None:
    source = (
        "from pymilvus import Collection, connections\n\nconnections.connect()\n"
        'col = Collection("c")\n\n\ndef add(ids, vecs, other):\n'
        "    metas = [{'k': i} for i in ids]\n    row = {'id': 1}\n"
        f"    col.insert({data})\n"
    )
    outcome = migrate_source(source, Options())
    assert ("zip(" in outcome.source) is columns, outcome.source


def test_a_data_variable_of_unknown_items_is_reported() -> None:
    """`data = [make(x) for x in xs]` is rows or columns only at run time: rewritten as rows,
    with MM130's item (it used to pass as rows without one)."""
    source = (
        "from pymilvus import Collection, connections\n\nconnections.connect()\n"
        'col = Collection("c")\n\n\ndef add(xs):\n    data = [make(x) for x in xs]\n'
        "    col.insert(data)\n"
    )
    outcome = migrate_source(source, Options())
    assert any("shape is not visible" in f.message for f in outcome.findings), outcome.findings


@pytest.mark.milvus
def test_a_json_column_insert_behaves_as_on_the_orm(milvus_factory, tmp_path: Path) -> None:
    outcome, before, after = orm_vs_migrated(
        tmp_path, "json_column.py", JSON_COLUMN, milvus_factory
    )
    assert "Collection(" not in outcome.source, outcome.source
    assert before.returncode == 0, before.stderr
    assert "[(1, 'doc1'), (2, 'doc2')]" in before.stdout, before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert after.state == before.state


# w001: a sparse vector column from BGE-M3 is a scipy `csr_array`; the ORM took it whole,
# while `zip` splits it into 1-D rows that MilvusClient refuses ("expect 1 row").
SPARSE = """\
from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

connections.connect()
fields = [
    FieldSchema("id", DataType.INT64, is_primary=True),
    FieldSchema("sparse", DataType.SPARSE_FLOAT_VECTOR),
    FieldSchema("dense", DataType.FLOAT_VECTOR, dim=2),
]
col = Collection("docs", CollectionSchema(fields))


def add(docid, sparse_emb, dense_emb):
    col.insert([[docid], sparse_emb, [dense_emb]])
"""


def test_column_data_beside_a_sparse_vector_field_stays_orm() -> None:
    outcome = migrate_source(SPARSE, Options())
    assert "col.insert([[docid], sparse_emb, [dense_emb]])" in outcome.source, outcome.source
    assert "zip(" not in outcome.source
    items = [f for f in outcome.findings if f.line == 13 and f.code == "MM130"]
    assert any("sparse vector field" in f.message for f in items), outcome.findings


def test_row_data_beside_a_sparse_vector_field_still_migrates() -> None:
    rows = SPARSE.replace(
        "col.insert([[docid], sparse_emb, [dense_emb]])",
        'col.insert([{"id": docid, "sparse": sparse_emb, "dense": dense_emb}])',
    )
    outcome = migrate_source(rows, Options())
    assert "client.insert(collection_name=col, data=[{" in outcome.source, outcome.source


def test_columns_that_are_all_visibly_lists_still_migrate_beside_a_sparse_field() -> None:
    """rw03's shape: every column is a parameter annotated `list` (or `list | None`, defaulted
    to a list of dicts), so none is a scipy matrix."""
    lists = SPARSE.replace(
        "def add(docid, sparse_emb, dense_emb):\n"
        "    col.insert([[docid], sparse_emb, [dense_emb]])",
        "def add(ids: list, dense: list, sparse: list | None = None):\n"
        "    sparse = sparse if sparse is not None else [{} for _ in ids]\n"
        "    col.insert([ids, sparse, dense])",
    )
    outcome = migrate_source(lists, Options())
    assert "zip(ids, sparse, dense, strict=True)" in outcome.source, outcome.source
