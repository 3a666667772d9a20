"""MM151/MM112: Partition objects, `col.partition(p)` lookups and `col.partitions`."""

from __future__ import annotations

from tests.codemods.cm_helpers import check

HEAD = 'from pymilvus import Collection, connections\nconnections.connect(uri="http://h:1")\n'


def test_blocked_collection_keeps_partition_name_attribute():
    """`p.name` may only become `p` when `c.partitions` really becomes list_partitions(): with
    the collection left ORM (here by `c.indexes`), p still iterates Partition objects."""
    body = 'c = Collection("x")\nprint(c.indexes)\nprint(sorted(p.name for p in c.partitions))\n'
    after = (
        "from pymilvus import MilvusClient, Collection, connections\n"
        'connections.connect(uri="http://h:1")\nclient = MilvusClient(uri="http://h:1")\n' + body
    )
    findings = check(HEAD + body, after)
    assert any(f.code == "MM110" and "indexes" in f.message for f in findings), findings
