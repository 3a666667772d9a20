# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""MM114 (codemods/compaction.py): `compact()` and the `wait_for_compaction_completed()` after
it become `client.compact` and a poll of `client.get_compaction_state`; a lone compact becomes
`client.compact`; what reads the ORM's hidden job id otherwise stays ORM and is reported."""

from pathlib import Path

import pytest

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check, write_pair
from tests.rig.programs import run_program

HEAD = """from pymilvus import Collection, connections

connections.connect(uri="http://h:1")
col = Collection("docs")
"""
NEW_HEAD = """import time
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")
col = "docs"
"""
LOOP = """while client.get_compaction_state(job_id={job}) != "Completed":
{i}    time.sleep(0.5)
"""


def test_compact_then_wait_becomes_compact_and_a_poll():
    check(
        HEAD
        + """
# merge small segments
col.compact()  # start
print("compacting")
col.wait_for_compaction_completed()
""",
        NEW_HEAD
        + """
# merge small segments
compaction_id = client.compact(collection_name=col)  # start
print("compacting")
"""
        + LOOP.format(job="compaction_id", i=""),
    )


def test_pairs_in_a_function_reuse_the_id_name_and_keep_timeout():
    check(
        HEAD.replace("from pymilvus", "import time\n\nfrom pymilvus")
        + """

def optimize(compaction_id):
    col.compact(timeout=30)
    col.wait_for_compaction_completed()
    col.compact()
    col.wait_for_compaction_completed()
    return compaction_id
""",
        """import time
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")
col = "docs"


def optimize(compaction_id):
    compaction_id_2 = client.compact(collection_name=col, timeout=30)
"""
        + LOOP.format(job="compaction_id_2", i="    ").replace("while", "    while")
        + "    compaction_id_2 = client.compact(collection_name=col)\n"
        + LOOP.format(job="compaction_id_2", i="    ").replace("while", "    while")
        + "    return compaction_id\n",
    )


def test_a_lone_compact_is_a_client_call():
    check(
        HEAD + "col.compact()\n",
        NEW_HEAD.replace("import time\n", "") + "client.compact(collection_name=col)\n",
    )


def test_an_assigned_result_keeps_the_orms_none():
    check(
        HEAD
        + """
job = col.compact()  # start
print(f"waiting for {job}")
col.wait_for_compaction_completed()
again = col.compact()
""",
        NEW_HEAD
        + """
compaction_id = client.compact(collection_name=col)
job = None  # start
print(f"waiting for {job}")
"""
        + LOOP.format(job="compaction_id", i="")
        + """client.compact(collection_name=col)
again = None
""",
    )


def test_an_assigned_result_named_like_the_id_gets_a_fresh_id_name():
    check(
        HEAD + "compaction_id = col.compact()\ncol.wait_for_compaction_completed()\n",
        NEW_HEAD
        + "compaction_id_2 = client.compact(collection_name=col)\ncompaction_id = None\n"
        + LOOP.format(job="compaction_id_2", i=""),
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("print(col.compact())\n", "the ORM returns None, MilvusClient the job id"),
        ("a = b = col.compact()\n", "the ORM returns None, MilvusClient the job id"),
        ("self_job = [col.compact()]\n", "the ORM returns None, MilvusClient the job id"),
        ("col.compact(is_clustering=True)\n", "compact() with arguments other than timeout="),
        ("col.wait_for_compaction_completed()\n", "not the statement before it"),
        (
            "col.compact()\ncol.flush()\ncol.wait_for_compaction_completed()\n",
            "not the statement before it",
        ),
        (
            "col.compact()\nprint(refresh())\ncol.wait_for_compaction_completed()\n",
            "not the statement before it",
        ),
        ("col.compact()\ncol.wait_for_compaction_completed(timeout=5)\n", "with arguments"),
        ("time = 3\ncol.compact()\ncol.wait_for_compaction_completed()\n", "the name `time`"),
    ],
    ids=[
        "result-printed",
        "two-targets",
        "in-a-list",
        "clustering",
        "wait-alone",
        "call-between",
        "read-between",
        "wait-timeout",
        "time-taken",
    ],
)
def test_what_reads_the_hidden_job_id_otherwise_stays_orm(body, reason):
    outcome = migrate_source(HEAD + body, Options())
    assert 'col = Collection("docs")' in outcome.source, outcome.source
    messages = [f.message for f in outcome.findings if f.code in ("MM110", "MM114")]
    assert any(reason in m for m in messages), messages


LIVE = """import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, utility

connections.connect(uri=os.environ["MILVUS_URI"])
schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)])
col = Collection("compacted", schema)
col.create_index("v", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
col.load()  # Milvus 2.3 deletes only from a loaded collection
for start in range(0, 300, 100):
    col.insert([{"id": i, "v": [i, i]} for i in range(start, start + 100)])
    col.flush()
col.delete("id < 150")
col.flush()
job = col.compact()  # None on the ORM: the migrated code must print None too
print("compacting", col.name, job)
col.wait_for_compaction_completed()
print(col.query("id >= 0", output_fields=["count(*)"])[0]["count(*)"])
utility.drop_collection("compacted")
"""


@pytest.mark.milvus
def test_compaction_waits_as_on_the_orm(milvus_factory, tmp_path: Path) -> None:
    """Both lanes: the migrated pair compacts and waits for the job it started; the program
    prints what the ORM one does and leaves the same server state."""
    original, migrated, outcome = write_pair(tmp_path, "compacted.py", LIVE)
    assert "get_compaction_state(job_id=compaction_id)" in outcome.source, outcome.source
    assert not outcome.findings, outcome.findings
    before = run_program(original, milvus_factory(), mode="orm")
    after = run_program(migrated, milvus_factory(), mode="strict")
    assert before.returncode == 0, before.stderr
    assert before.stdout.splitlines() == ["compacting compacted None", "150"], before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert after.state == before.state
