"""`from pymilvus import *`: the ORM names it binds are migrated like imported ones."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check, orm_vs_migrated


def test_star_imported_orm_names_are_migrated() -> None:
    check(
        """\
        import os
        from pymilvus import *

        connections.connect(uri=os.environ["MILVUS_URI"])
        print(utility.list_collections())
        """,
        """\
        import os
        from pymilvus import *

        client = MilvusClient(uri=os.environ["MILVUS_URI"], db_name="default")
        print(client.list_collections())
        """,
    )


def test_a_name_left_orm_stays_imported_by_name() -> None:
    """What is left ORM keeps its name in the explicit import (the star still binds it too),
    on a line of its own; the report points at the input's lines."""
    findings = check(
        """\
        from pymilvus import *  # everything

        connections.connect(uri="http://localhost:19530")
        print(utility.list_collections())
        Role("admin").create()
        """,
        """\
        from pymilvus import MilvusClient

        from pymilvus import *  # everything
        from pymilvus import Role, connections

        connections.connect(uri="http://localhost:19530")
        client = MilvusClient(uri="http://localhost:19530")
        print(client.list_collections())
        Role("admin").create()
        """,
    )
    assert any(f.line == 5 for f in findings), findings


def test_names_bound_in_the_module_are_not_the_star_ones() -> None:
    """A module's own `Collection` shadows the star's: nothing of it is an ORM site."""
    source = textwrap.dedent(
        """\
        from pymilvus import *

        class Collection:
            def __init__(self, name):
                self.name = name

            def load(self):
                print("own load", self.name)

        Collection("films").load()
        """
    )
    outcome = migrate_source(source, Options())
    assert outcome.source == source
    assert not outcome.findings


def test_an_untouched_file_keeps_its_star_line() -> None:
    """Nothing migrates (no connect here): the file is returned byte for byte."""
    source = "from pymilvus import *;  x = 1\n\nCollection('films').load()\n"
    outcome = migrate_source(source, Options())
    assert outcome.source == source
    assert outcome.findings, "the left Collection is reported"


LIVE = """\
import os
from pymilvus import *

connections.connect(uri=os.environ["MILVUS_URI"])
fields = [
    FieldSchema("id", DataType.INT64, is_primary=True),
    FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
]
schema = CollectionSchema(fields)
if not utility.has_collection("films"):
    films = Collection("films", schema)
films.insert([{"id": 1, "v": [0.0, 1.0]}, {"id": 2, "v": [1.0, 0.0]}])
films.flush()
films.create_index("v", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
films.load()
print("count", films.query(expr="id >= 0", output_fields=["count(*)"]))
print("collections", utility.list_collections())
"""


@pytest.mark.milvus
def test_star_imported_program_behaves_as_the_orm_one(milvus_factory, tmp_path: Path) -> None:
    outcome, before, after = orm_vs_migrated(tmp_path, "films.py", LIVE, milvus_factory)
    assert "Collection(" not in outcome.source and "utility." not in outcome.source
    assert before.returncode == 0, before.stderr
    assert "count" in before.stdout and "films" in before.stdout, before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert after.state == before.state
