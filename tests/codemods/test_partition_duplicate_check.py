# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""MM150's create_partition keeps the ORM's duplicate check where a handler may see it.

The ORM's `Collection.create_partition(p)` asks `has_partition(p)` first and raises
PartitionAlreadyExistException for an existing name. Real Milvus 2.3.5 accepts a second
CreatePartition of that name without an error (milvus-lite rejects it), so the migrated
create carries the check. An
ORM `if not col.has_partition(p):` guard in front already rules the duplicate out. Outside
any handler the check stays too: there the ORM ended the program with a traceback."""

from pathlib import Path

import pytest

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check, write_pair
from tests.rig.programs import run_program

HEAD = """from pymilvus import Collection, MilvusException, connections

connections.connect(uri="http://h:1")
col = Collection("docs")
"""
NEW_HEAD = """from pymilvus import MilvusClient, MilvusException
from pymilvus.exceptions import ExceptionsMessage, PartitionAlreadyExistException

client = MilvusClient(uri="http://h:1")
col = "docs"
"""


def test_create_in_try_keeps_the_duplicate_check():
    check(
        HEAD
        + """
try:
    # one partition per year
    col.create_partition("2024", "this year")  # may exist already
except MilvusException as e:
    print("exists:", e)
""",
        NEW_HEAD
        + """
try:
    # one partition per year
    if client.has_partition(collection_name=col, partition_name="2024"):
        raise PartitionAlreadyExistException(message=ExceptionsMessage.PartitionAlreadyExist)
    client.create_partition(collection_name=col, partition_name="2024")  # may exist already
except MilvusException as e:
    print("exists:", e)
""",
    )


def test_create_reached_from_a_call_in_try_keeps_the_check():
    check(
        HEAD
        + """

def add(year):
    col.create_partition(year, timeout=5)


try:
    add("2024")
except Exception:
    pass
""",
        NEW_HEAD
        + """

def add(year):
    if client.has_partition(collection_name=col, partition_name=year, timeout=5):
        raise PartitionAlreadyExistException(message=ExceptionsMessage.PartitionAlreadyExist)
    client.create_partition(collection_name=col, partition_name=year, timeout=5)


try:
    add("2024")
except Exception:
    pass
""",
    )


@pytest.mark.parametrize(
    "body",
    [
        'try:\n    if not col.has_partition("2024"):\n        col.create_partition("2024")\nexcept MilvusException:\n    pass\n',
        'try:\n    if not col.has_partition(partition_name="2024"):\n        col.create_partition(partition_name="2024")\nexcept MilvusException:\n    pass\n',
    ],
    ids=["behind-has-partition", "behind-has-partition-keywords"],
)
def test_plain_create_behind_a_has_partition_guard(body):
    outcome = migrate_source(HEAD + body, Options())
    assert 'client.create_partition(collection_name=col, partition_name="2024")' in outcome.source
    assert "PartitionAlreadyExistException" not in outcome.source, outcome.source
    assert not outcome.findings, outcome.findings


@pytest.mark.parametrize(
    "body",
    [
        'col.create_partition("2024")\nprint("next")\n',
        'try:\n    col.create_partition("2024")\nfinally:\n    print("done")\n',
    ],
    ids=["no-handler", "try-finally"],
)
def test_the_check_stays_where_no_handler_sees_a_duplicate(body):
    """w027 of the sixth sample: with no handler, the ORM's duplicate stopped the program
    before its inserts; without the check a re-run on real Milvus would insert them again."""
    outcome = migrate_source(HEAD + body, Options())
    check_line = 'if client.has_partition(collection_name=col, partition_name="2024"):'
    assert check_line in outcome.source, outcome.source
    assert not outcome.findings, outcome.findings


def test_a_module_name_clash_gets_a_fresh_import_name():
    check(
        HEAD
        + """
ExceptionsMessage = "mine"
try:
    col.create_partition("p")
except MilvusException:
    pass
""",
        NEW_HEAD.replace(
            "ExceptionsMessage, PartitionAlreadyExistException",
            "ExceptionsMessage as ExceptionsMessage_2, PartitionAlreadyExistException",
        )
        + """
ExceptionsMessage = "mine"
try:
    if client.has_partition(collection_name=col, partition_name="p"):
        raise PartitionAlreadyExistException(message=ExceptionsMessage_2.PartitionAlreadyExist)
    client.create_partition(collection_name=col, partition_name="p")
except MilvusException:
    pass
""",
    )


def test_a_name_with_side_effects_is_reported():
    outcome = migrate_source(
        HEAD + "try:\n    col.create_partition(next_name())\nexcept MilvusException:\n    pass\n",
        Options(),
    )
    assert "col.create_partition(next_name())" in outcome.source
    (finding,) = [f for f in outcome.findings if f.code == "MM150"]
    assert "would evaluate the partition name `next_name()` again" in finding.message


LIVE = """import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, MilvusException, connections, utility

connections.connect(uri=os.environ["MILVUS_URI"])
schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)])
col = Collection("parts", schema)


def add(name):
    col.create_partition(name)


for name in ("a", "b", "a"):
    try:
        add(name)
        print("created", name)
    except MilvusException as e:
        print("rejected", name, type(e).__module__, type(e).__name__, e.code, e.message)
print(col.has_partition("a"), col.has_partition("b"), col.has_partition("c"))
utility.drop_collection("parts")
"""


@pytest.mark.milvus
def test_a_duplicate_is_rejected_as_on_the_orm(milvus_factory, tmp_path: Path) -> None:
    """On both lanes: the migrated program prints the ORM's exception (module, type, code,
    message) for the duplicate, also where the server itself would accept it (2.3.5)."""
    original, migrated, outcome = write_pair(tmp_path, "parts.py", LIVE)
    assert outcome.source.count("raise PartitionAlreadyExistException(") == 1, outcome.source
    before = run_program(original, milvus_factory(), mode="orm")
    after = run_program(migrated, milvus_factory(), mode="strict")
    assert before.returncode == 0, before.stderr
    assert (
        "rejected a pymilvus.exceptions PartitionAlreadyExistException 1 Partition already exist."
        in before.stdout
    ), before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert after.state == before.state


UNCAUGHT = """import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

connections.connect(uri=os.environ["MILVUS_URI"])
schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)])
col = Collection("parts", schema)
col.create_partition("a")
print("first", col.has_partition("a"))
col.create_partition("a")
col.insert([[1], [[0.1, 0.2]]], partition_name="a")
print("inserted again")
"""


@pytest.mark.milvus
def test_an_uncaught_duplicate_stops_the_program_as_on_the_orm(
    milvus_factory, tmp_path: Path
) -> None:
    """w027's re-run: the ORM stops at the second create, before the insert; so does the
    migrated program on both lanes (real Milvus 2.3.5 would accept the duplicate itself)."""
    original, migrated, outcome = write_pair(tmp_path, "uncaught.py", UNCAUGHT)
    before = run_program(original, milvus_factory(), mode="orm")
    after = run_program(migrated, milvus_factory(), mode="strict")
    assert before.returncode != 0 and "PartitionAlreadyExistException" in before.stderr
    assert after.returncode != 0 and "PartitionAlreadyExistException" in after.stderr
    assert after.stdout == before.stdout
    assert "first True" in before.stdout and "inserted again" not in before.stdout
    assert after.state == before.state
