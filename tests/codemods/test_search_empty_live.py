# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""Trap 8 on a real server: a program whose searches get empty, non-empty, numpy and tuple
query data prints the same on pymilvus's ORM and, migrated, on MilvusClient (strict mode)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.codemods.cm_helpers import write_pair
from tests.rig.programs import run_program

PROGRAM = textwrap.dedent(
    """
    import os

    import numpy as np
    from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

    connections.connect(uri=os.environ["MILVUS_URI"])
    schema = CollectionSchema(
        [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=4)]
    )
    col = Collection("empty_search", schema, consistency_level="Strong")
    col.insert([{"id": i, "v": [0.1 * i] * 4} for i in range(5)])
    col.create_index("v", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
    col.load()
    P = {"metric_type": "L2"}


    def search(vecs, k=2):
        return col.search(vecs, "v", P, k)


    def describe(res):
        return len(res), bool(res), [list(hits.ids) for hits in res], res == [], list(res)[:0]


    pending = [[0.1] * 4]
    pending.clear()
    batch = [[0.2] * 4, [0.3] * 4]
    print("literal", describe(col.search([], "v", P, 2)))
    print("emptied", describe(col.search(pending, "v", P, 2)))
    print("sliced", describe(col.search(batch[2:], "v", P, 2)))
    print("kept", describe(col.search(batch[:1], "v", P, 2)))
    print("param-empty", describe(search([])))
    print("param-list", describe(search([[0.1] * 4])))
    print("param-numpy", describe(search(np.full((2, 4), 0.1, dtype=np.float32))))
    for name, data in (("tuple", ()), ("numpy-empty", np.empty((0, 4), dtype=np.float32))):
        try:
            search(data)
        except Exception as exc:
            print(name, "raises", type(exc).__name__)
    """
)


def test_empty_and_non_empty_searches_match_the_orm(milvus_factory, tmp_path: Path) -> None:
    original, migrated, outcome = write_pair(tmp_path, "empty_search.py", PROGRAM)
    assert "Collection(" not in outcome.source and "connections" not in outcome.source
    assert "[] if isinstance(vecs, list) and not vecs else client.search(" in outcome.source
    assert "if pending else []" in outcome.source and "if batch[2:] else []" in outcome.source

    before = run_program(original, milvus_factory(), mode="orm")
    after = run_program(migrated, milvus_factory(), mode="strict")

    assert before.returncode == 0, before.stderr
    assert after.returncode == 0, after.stderr
    assert "literal (0, False, [], True, [])" in before.stdout  # the ORM's empty result
    assert "emptied (0, False, [], True, [])" in before.stdout
    assert "param-numpy (2, True" in before.stdout
    assert "tuple raises ParamError" in before.stdout
    assert after.stdout == before.stdout
