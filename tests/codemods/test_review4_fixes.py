"""What a review of a fourth sample of real code (40 files, `docs/real-code-sample.md`) found
in the reports, each case as the sample had it, cut down."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import orm_vs_migrated

# A module that connects and builds a schema with a vector field (lines 1-8).
SCHEMA = """\
from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

connections.connect(uri="http://localhost:19530")
fields = [
    FieldSchema("id", DataType.INT64, is_primary=True),
    FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
]
schema = CollectionSchema(fields)
"""


def _migrate(source: str, **options):
    """Migrate `source`, dedented (after SCHEMA, when it starts with it)."""
    if source.startswith(SCHEMA):
        source = SCHEMA + textwrap.dedent(source[len(SCHEMA) :])
    return migrate_source(textwrap.dedent(source), Options(**options))


def test_a_create_that_cannot_carry_the_schema_comparison_says_so() -> None:
    """u013: `Collection(n, schema, consistency_level=consistency)` (a parameter) outside any
    try migrates to a guarded create_collection; the ORM also compared an existing
    collection's schema and consistency level, which the rewrite cannot repeat for a level
    it cannot read: an item on the create says so."""
    outcome = _migrate(
        SCHEMA
        + """\
        LEVEL = load_level()
        papers = Collection("papers", schema, consistency_level=LEVEL)
        papers.insert([{"id": 1, "v": [0.0, 1.0]}])
        """
    )
    assert "schema=schema, consistency_level=LEVEL)" in outcome.source
    (item,) = [f for f in outcome.findings if f.line == 10]
    assert item.code == "MM110"
    assert "migrated without the ORM's check of an existing collection" in item.message
    assert "consistency_level, not a literal" in item.message
    assert "construct_from_dict" in item.suggestion


def test_a_literal_consistency_level_is_compared_first() -> None:
    """u036: `consistency_level="Strong"`: the ORM compared the level with the server's
    before the schema; the migrated create repeats both, in that order."""
    outcome = _migrate(
        SCHEMA
        + """\
        papers = Collection("papers", schema, consistency_level="Strong")
        """
    )
    assert not outcome.findings
    level = outcome.source.index("elif not cmp_consistency_level(")
    assert level < outcome.source.index("elif CollectionSchema.construct_from_dict(")
    assert "from pymilvus.client.types import cmp_consistency_level" in outcome.source
    assert "ExceptionsMessage.ConsistencyLevelInconsistent" in outcome.source


def test_a_create_that_carries_the_comparison_has_no_item() -> None:
    outcome = _migrate(
        SCHEMA
        + """\
        papers = Collection("papers", schema)
        papers.insert([{"id": 1, "v": [0.0, 1.0]}])
        """
    )
    assert "elif CollectionSchema.construct_from_dict(" in outcome.source
    assert not outcome.findings


def test_a_create_proven_missing_has_no_item() -> None:
    """Right after a drop the create cannot meet an existing collection."""
    outcome = _migrate(
        """\
        from pymilvus import Collection, connections, utility

        connections.connect(uri="http://localhost:19530")


        def rebuild(schema):
            utility.drop_collection("papers")
            papers = Collection("papers", schema, consistency_level="Strong")
            papers.load()


        if __name__ == "__main__":
            rebuild(None)
        """
    )
    assert "Collection(" not in outcome.source
    assert not [f for f in outcome.findings if "without the ORM's check" in f.message]


def test_a_returned_connect_is_reported_as_such() -> None:
    """u027: `return connections.connect(...)` stays ORM; the connect's item says why (it was
    "has no MilvusClient equivalent"), and the uses of its alias name that connect instead of
    "no connections.connect() for alias 'default'"."""
    outcome = _migrate(
        """\
        from pymilvus import Collection, connections, utility


        def connect():
            return connections.connect(alias="default", host="localhost", port="19530")


        def has(name):
            return utility.has_collection(name)


        def count(name):
            col = Collection(name)
            return col.num_entities
        """
    )
    messages = {f.line: (f.code, f.message) for f in outcome.findings}
    assert messages[5] == (
        "MM101",
        "connect() left as ORM code: not a statement of its own or a plain assignment",
    )
    for line in (9, 13):
        assert "the connect() for alias 'default' on line 5 stays ORM" in messages[line][1]
    assert not any("no connections.connect() for alias" in m for _, m in messages.values())


def test_a_utility_function_without_a_rule_names_its_closest_form() -> None:
    """u031: `utility.reset_password()` stays ORM; the suggestion is the symbol table's
    MilvusClient form, not a pointer to the reference."""
    outcome = _migrate(
        """\
        from pymilvus import connections, utility

        connections.connect(uri="http://localhost:19530")
        utility.reset_password("user", "old", "new", using="default")
        """
    )
    (item,) = [f for f in outcome.findings if f.line == 4]
    assert "reset_password" in item.message
    assert "client.update_password(user, old, new, reset_connection=True)" in item.suggestion


def test_index_read_in_a_function_called_from_a_try_stays_orm() -> None:
    """MM122: `col.index()` raised IndexNotExistException where describe_index returns None;
    a handler one call up saw it, so the read stays ORM there as it does in the try itself."""
    outcome = _migrate(
        """\
        from pymilvus import Collection, connections

        connections.connect(uri="http://localhost:19530")


        def metric():
            col = Collection("papers")
            return col.index(index_name="v_idx").params["metric_type"]


        def main():
            try:
                print(metric())
            except Exception as e:
                print("no index", e)


        if __name__ == "__main__":
            main()
        """
    )
    assert 'col.index(index_name="v_idx")' in outcome.source
    assert any("except handler may see its error" in f.message for f in outcome.findings)


def test_field_variables_in_the_list_carry_the_comparison() -> None:
    """u022: `CollectionSchema([f1, f2])` with `f2 = FieldSchema(..., FLOAT_VECTOR)`: the
    vector field is visible through the name, so the create carries the comparison."""
    outcome = _migrate(
        """\
        from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

        connections.connect(uri="http://localhost:19530")
        f1 = FieldSchema("id", DataType.INT64, is_primary=True)
        f2 = FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)
        schema = CollectionSchema([f1, f2])
        papers = Collection("papers", schema)
        papers.insert([{"id": 1, "v": [0.0, 1.0]}])
        """
    )
    assert "elif CollectionSchema.construct_from_dict(" in outcome.source
    assert not outcome.findings


UNTRACKED = """\
from pymilvus import Collection, connections

connections.connect(uri="http://localhost:19530")


class Manager:
    def __init__(self, name):
        self.name = name
        self.collection = None

    def open(self):
        self.collection = Collection(self.name)
        self.collection.load()

    def reset(self):
        self.collection = self.fallback

    def count(self):
        return self.collection.num_entities
"""


def test_each_use_of_an_untracked_collection_attribute_has_an_item() -> None:
    """u040: `self.collection` is also assigned what the analysis cannot follow, so it is
    not tracked; its uses stay ORM, and each has an item naming the Collection()."""
    outcome = migrate_source(UNTRACKED, Options())
    items = {f.line: f.message for f in outcome.findings}
    for line in (13, 19):
        assert "holds a Collection() that is not tracked (line 12:" in items[line], items


def test_uses_of_an_untracked_collection_attribute_count_as_sites() -> None:
    from tests.codemods.site_coverage import orm_site_list

    sites = orm_site_list(UNTRACKED)
    assert (13, "self.collection.load") in sites
    assert (19, "self.collection.num_entities") in sites


FIELD_VARIABLES = """\
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

connections.connect(uri=os.environ["MILVUS_URI"])
old = CollectionSchema(
    [
        FieldSchema("id", DataType.INT64, is_primary=True),
        FieldSchema("v", DataType.FLOAT_VECTOR, dim=3),
    ]
)
first = Collection("papers", old)
print("created")
f1 = FieldSchema("id", DataType.INT64, is_primary=True)
f2 = FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)
schema = CollectionSchema([f1, f2])
papers = Collection("papers", schema)
print("opened with another schema")
papers.insert([{"id": 1, "v": [0.0, 1.0]}])
"""


@pytest.mark.milvus
def test_field_variables_comparison_stops_the_program_as_the_orm(
    milvus_factory, tmp_path: Path
) -> None:
    """The collection exists with dim 3; the program's fields (names in the list) say dim 2:
    the ORM raised SchemaNotReadyException before the insert, and so does the migration."""
    outcome, before, after = orm_vs_migrated(tmp_path, "papers.py", FIELD_VARIABLES, milvus_factory)
    assert "Collection(" not in outcome.source and "SchemaInconsistent" in outcome.source
    assert before.returncode != 0 and "SchemaNotReadyException" in before.stderr, before.stderr
    assert after.returncode != 0 and "SchemaNotReadyException" in after.stderr, after.stderr
    assert before.stdout == after.stdout == "created"
    assert after.state == before.state


LEVELS = """\
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

connections.connect(uri=os.environ["MILVUS_URI"])
schema = CollectionSchema(
    [
        FieldSchema("id", DataType.INT64, is_primary=True),
        FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
    ]
)
films = Collection("films", schema, consistency_level="Strong")
print("created")
try:
    again = Collection("films", schema, consistency_level="Strong")
    print("same level: opened")
except Exception as e:
    print("same level:", type(e).__name__, e)
try:
    other = Collection("films", schema, consistency_level="Bounded")
    print("other level: opened")
except Exception as e:
    print("other level:", type(e).__name__, e)
"""


@pytest.mark.milvus
def test_consistency_level_comparison_behaves_as_the_orm(milvus_factory, tmp_path: Path) -> None:
    """The same level opens the existing collection, another raises the ORM's
    SchemaNotReadyException with its text, on both sides (the creates in try/except
    stayed ORM before: trap 2)."""
    outcome, before, after = orm_vs_migrated(tmp_path, "films.py", LEVELS, milvus_factory)
    assert "Collection(" not in outcome.source, outcome.source
    assert before.returncode == 0, before.stderr
    assert "same level: opened" in before.stdout, before.stdout
    assert "other level: SchemaNotReadyException" in before.stdout, before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert after.state == before.state
