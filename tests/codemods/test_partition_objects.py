"""MM151/MM112: Partition objects, `col.partition(p)` lookups and `col.partitions`."""

from __future__ import annotations

from codemods import migrate_source
from tests.codemods.cm_helpers import check
from tests.rig.programs import run_program

HEAD = 'from pymilvus import Collection, connections\nconnections.connect(uri="http://h:1")\n'


def test_blocked_collection_keeps_partition_name_attribute():
    """`p.name` may only become `p` when `c.partitions` really becomes list_partitions(): with
    the collection left ORM (here by `c.indexes`), p still iterates Partition objects."""
    body = 'c = Collection("x")\nprint(c.indexes)\nprint(sorted(p.name for p in c.partitions))\n'
    after = HEAD + body  # nothing migrates: the connect stays, without a client
    findings = check(HEAD + body, after)
    assert any(f.code == "MM110" and "indexes" in f.message for f in findings), findings


CLIENT_HEAD = 'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\n'
LOOKUP_HAS = 'client.has_partition(collection_name=c, partition_name="p1")'


def test_lookup_binding_becomes_name_or_none():
    """`x = c.partition(p)`: None when missing, else an object only used behind `if x`."""
    check(
        HEAD
        + 'c = Collection("x")\nx = c.partition("p1")\n'
        + "print(x.name if x else None, x is None)\n"
        + "if x:\n    x.insert(rows)\n    print(x.num_entities)\n",
        CLIENT_HEAD
        + 'c = "x"\n'
        + f'x = "p1" if {LOOKUP_HAS} else None\n'
        + "print(x if x else None, x is None)\n"
        + "if x:\n    client.insert(collection_name=c, data=rows, partition_name=x)\n"
        + "    print(client.get_partition_stats(collection_name=c, partition_name=x)"
        + '["row_count"])\n',
    )


def test_inline_lookup_only_tested_becomes_has_partition():
    check(
        HEAD
        + 'c = Collection("x")\n'
        + 'if c.partition("p1"):\n    print(1)\n'
        + 'print(c.partition("p1") is None, not c.partition("p1"), '
        + 'c.partition("p1") is not None)\n',
        CLIENT_HEAD
        + 'c = "x"\n'
        + f"if {LOOKUP_HAS}:\n    print(1)\n"
        + f"print(not {LOOKUP_HAS}, not {LOOKUP_HAS}, {LOOKUP_HAS})\n",
    )


def _kept(body: str) -> list:
    """`body` stays as written, and so does the connect (nothing migrates: no client either)."""
    return check(HEAD + body, HEAD + body)


def _reason(findings: list) -> str:
    return " | ".join(f.message for f in findings if f.code == "MM110")


def test_printed_lookup_is_reported():
    """print() shows the Partition object's repr (JSON of name, collection, description)."""
    findings = _kept('c = Collection("x")\nc.load()\nprint(c.partition("p1"))\n')
    assert "returns a Partition object" in _reason(findings)


def test_lookup_used_without_guard_is_reported():
    """x.name on a missing partition raises AttributeError on the ORM; `x` would be None."""
    findings = _kept('c = Collection("x")\nx = c.partition("p1")\nprint(x.name)\n')
    assert "without an `if x` guard" in _reason(findings)


def test_lookup_value_used_as_object_is_reported():
    findings = _kept('c = Collection("x")\nx = c.partition("p1")\nprint(x or "none")\n')
    assert "without an `if x` guard" in _reason(findings)
    findings = _kept('c = Collection("x")\nx = c.partition("p1")\nif x:\n    print(x)\n')
    assert "used as a Partition object" in _reason(findings)


def test_lookup_name_evaluated_twice_is_reported():
    findings = _kept('c = Collection("x")\nx = c.partition(pick())\nif x:\n    print(x.name)\n')
    assert "evaluated twice" in _reason(findings)


def test_lookup_assigned_twice_is_reported():
    findings = _kept('c = Collection("x")\nx = c.partition("a")\nx = c.partition("b")\n')
    assert "returns a Partition object" in _reason(findings)


def test_partition_blocking_the_collection_blocks_earlier_partitions():
    """A Partition checked before a later partition blocks the collection must stay too."""
    body = (
        'c = Collection("x")\na = Partition(c, "a")\nb = Partition(c, "b")\n'
        "a.insert(rows)\nprint(b.description)\n"
    )
    head = HEAD.replace("Collection,", "Collection, Partition,")
    after = head + body  # nothing migrates: the connect stays, without a client
    findings = check(head + body, after)
    assert any(f.code == "MM151" and f.line == 4 for f in findings), findings


LIVE_PROGRAM = """\
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, Partition, connections

connections.connect(host=os.environ["MILVUS_HOST"], port=os.environ["MILVUS_PORT"])
schema = CollectionSchema(
    [
        FieldSchema("sku", DataType.VARCHAR, is_primary=True, max_length=20),
        FieldSchema("qty", DataType.INT64),
        FieldSchema("emb", DataType.FLOAT_VECTOR, dim=3),
    ]
)
stock = Collection("stock", schema)
stock.create_index("emb", {"index_type": "FLAT", "metric_type": "IP", "params": {}})
spring = Partition(stock, "spring")
print("names", spring.name, "empty", spring.is_empty)
spring.insert([{"sku": f"S-{i:03d}", "qty": i, "emb": [1.0, i / 10, 0.0]} for i in range(8)])
stock.flush()
stock.load()
found = stock.partition("spring")
missing = stock.partition("winter")
print("lookup", found.name if found else None, missing.name if missing else None)
print("is none", missing is None, found is not None, not stock.partition("winter"))
if found:
    found.delete('sku in ["S-000"]')
    print("count", found.query("", output_fields=["count(*)"])[0]["count(*)"])
    print("rows", found.num_entities, found.is_empty)
if stock.partition("spring"):
    print("spring exists")
print("partitions", sorted(p.name for p in stock.partitions))
for part in stock.partitions:
    print("listed", part.name)
print("partition count", len(stock.partitions))
"""


def test_partition_lookups_behave_like_the_orm(milvus_factory, tmp_path):
    """Live on fresh servers: the migrated program prints and stores what the ORM did."""
    original = tmp_path / "orm_partitions.py"
    original.write_text(LIVE_PROGRAM, encoding="utf-8")
    outcome = migrate_source(LIVE_PROGRAM)
    assert "Partition" not in outcome.source and "connections." not in outcome.source, (
        outcome.source
    )
    migrated = tmp_path / "migrated_partitions.py"
    migrated.write_text(outcome.source, encoding="utf-8")
    reference = run_program(original, milvus_factory(), "orm")
    assert reference.returncode == 0, reference.stderr
    assert "lookup spring None" in reference.stdout
    run = run_program(migrated, milvus_factory(), "strict")
    assert run.comparable() == reference.comparable(), run.stderr


def test_partitions_loop_and_len_use_list_partitions():
    check(
        HEAD
        + 'c = Collection("x")\nfor p in c.partitions:\n    print(p.name)\n'
        + "print(len(c.partitions))\n",
        CLIENT_HEAD
        + 'c = "x"\nfor p in client.list_partitions(collection_name=c):\n    print(p)\n'
        + "print(len(client.list_partitions(collection_name=c)))\n",
    )


def test_partitions_loop_with_object_use_or_shared_target_is_reported():
    """p used as an object, p assigned elsewhere too, or a shadowed len() keep the ORM."""
    findings = _kept('c = Collection("x")\nfor p in c.partitions:\n    print(p)\n')
    assert "returns Partition objects" in _reason(findings)
    findings = _kept('c = Collection("x")\np = 1\nfor p in c.partitions:\n    print(p.name)\n')
    assert "returns Partition objects" in _reason(findings)
    findings = _kept('c = Collection("x")\nlen = str\nprint(len(c.partitions))\n')
    assert "returns Partition objects" in _reason(findings)


def test_partition_stats_inside_double_quoted_fstring_use_single_quotes():
    """Before Python 3.12 an f"..." cannot contain "row_count": the key is requoted."""
    head = HEAD.replace("Collection,", "Collection, Partition,")
    stats = "client.get_partition_stats(collection_name=c, partition_name={})['row_count']"
    check(
        head
        + 'c = Collection("x")\np = Partition(c, "a")\nx = c.partition("b")\n'
        + 'print(f"{p.num_entities} {p.is_empty}")\nif x:\n    print(f"{x.num_entities}")\n',
        CLIENT_HEAD
        + 'c = "x"\np = "a"\n'
        + "if not client.has_partition(collection_name=c, partition_name=p):\n"
        + "    client.create_partition(collection_name=c, partition_name=p)\n"
        + 'x = "b" if client.has_partition(collection_name=c, partition_name="b") else None\n'
        + f'print(f"{{{stats.format("p")}}} {{({stats.format("p")} == 0)}}")\n'
        + f'if x:\n    print(f"{{{stats.format("x")}}}")\n',
    )
