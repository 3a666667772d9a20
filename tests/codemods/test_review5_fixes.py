"""What a review of a fifth sample of real code (40 files, `docs/real-code-sample.md`) and a
look back at the fourth found, each case as the samples had it, cut down. CACHE (from
test_held_collections) is a class holding a collection behind a None placeholder."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check, orm_vs_migrated
from tests.codemods.test_held_collections import CACHE, HEAD, NEW_CACHE, NEW_HEAD

# u005: a property builds a small wrapper class whose own `self.col` is another object's.
NESTED = """
    @property
    def index(self):
        class Wrapper:
            def __init__(self, col):
                self.col = col

        return Wrapper(len("x"))
"""
# Another class of the module with an attribute of the same name.
OTHER = """

class Other:
    def __init__(self):
        self.col = None

    def close(self):
        self.col = "closed"
"""


def test_the_self_of_a_nested_class_is_not_the_method_s_own() -> None:
    """Before, the nested `self.col = col` counted as a store of Cache's attribute, and the
    attribute was not tracked at all."""
    check(HEAD + CACHE + NESTED, NEW_HEAD + NEW_CACHE + NESTED)


def test_an_unrelated_class_storing_the_same_attribute_name_does_not_block() -> None:
    check(HEAD + CACHE + OTHER, NEW_HEAD + NEW_CACHE + OTHER)


def test_a_subclass_storing_the_attribute_still_blocks() -> None:
    """`Sub`'s methods run on Cache instances too: its store may reset Cache's attribute."""
    body = CACHE + OTHER.replace("class Other:", "class Sub(Cache):")
    outcome = migrate_source(HEAD + body, Options())
    assert "self.col.flush()" in outcome.source, outcome.source
    assert any("stored outside the methods of its class" in f.message for f in outcome.findings)


# u040: the attribute is set to None again in methods other than __init__ (a failed check,
# a close()). The uses are not proven to meet it set, so they need MM113 (--unsafe-fixes).
RESETS = """\
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, utility

connections.connect(uri=os.environ["MILVUS_URI"])


class Manager:
    def __init__(self, name):
        self.name = name
        self.collection = None

    def create(self):
        schema = CollectionSchema(
            [
                FieldSchema("id", DataType.INT64, is_primary=True),
                FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
            ]
        )
        self.collection = Collection(self.name, schema)
        self.collection.create_index("v", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
        self.collection.load()

    def ensure(self):
        if not self.collection or self.collection.name != self.name:
            self.collection = Collection(self.name)

    def add(self, rows):
        if not self.collection:
            print("not ready")
            return 0
        return self.collection.insert(rows).insert_count

    def count(self):
        self.collection.flush()
        return self.collection.num_entities

    def close(self):
        if self.collection:
            self.collection.release()
        self.collection = None


m = Manager("docs")
print("before create:", m.add([{"id": 1, "v": [0.1, 0.2]}]))
m.create()
print("added:", m.add([{"id": 1, "v": [0.1, 0.2]}, {"id": 2, "v": [0.3, 0.4]}]))
print("count:", m.count())
m.close()
m.ensure()
print("reopened:", m.count())
print("exists:", utility.has_collection("docs"))
"""


def test_a_reset_attribute_needs_the_unsafe_fix_by_default() -> None:
    outcome = migrate_source(RESETS, Options())
    assert "self.collection.insert(rows)" in outcome.source
    (item,) = [f for f in outcome.findings if f.code == "MM130"]
    assert "`close()` sets it to None again (line 41)" in item.message, item.message
    assert item.suggestion == "rerun with --unsafe-fixes"


@pytest.mark.milvus
def test_a_reset_attribute_migrated_with_unsafe_fixes_behaves_as_the_orm(
    milvus_factory, tmp_path: Path
) -> None:
    outcome, before, after = orm_vs_migrated(
        tmp_path, "manager.py", RESETS, milvus_factory, Options(unsafe_fixes=True)
    )
    assert "Collection(" not in outcome.source and "connections" not in outcome.source
    assert "self.collection = self.name" in outcome.source, outcome.source
    assert before.returncode == 0, before.stderr
    assert "count: 2" in before.stdout and "reopened: 2" in before.stdout, before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert after.state == before.state


def test_a_member_collection_lacks_is_named_as_such() -> None:
    """v031 reads `self.collection.is_loaded`, which pymilvus's Collection does not have: the
    item says the ORM code fails there too, not that a rewrite is missing."""
    body = CACHE + "\n    def ready(self):\n        return self.col.is_loaded\n"
    outcome = migrate_source(HEAD + body, Options())
    messages = [f.message for f in outcome.findings if f.code == "MM110"]
    assert any(
        "`self.col.is_loaded` is not an attribute of pymilvus's Collection: the ORM code "
        "raises AttributeError here" in m
        for m in messages
    ), messages
    assert not any("has no MilvusClient rewrite" in m for m in messages), messages


# v035: the alias a disconnect closes is an attribute that holds "default" or None.
SESSION = """from pymilvus import connections, utility


class Session:
    def __init__(self):
        self.connection = None

    def connect(self):
        connections.connect(host="h", port=1)
        self.connection = "default"
        print(utility.get_server_version())

    def disconnect(self):
        if self.connection:
            connections.disconnect(self.connection)
            self.connection = None
"""
NEW_SESSION = """from pymilvus import MilvusClient


class Session:
    def __init__(self):
        self.connection = None

    def connect(self):
        global client
        client = MilvusClient(uri="http://h:1")
        self.connection = "default"
        print(client.get_server_version())

    def disconnect(self):
        if self.connection:
            if "client" in globals():
                client.close()
            self.connection = None
"""


def test_a_disconnect_of_an_attribute_holding_one_alias_closes_its_client() -> None:
    check(SESSION, NEW_SESSION)


def test_a_disconnect_of_such_an_attribute_without_the_test_stays_orm() -> None:
    """Unguarded, it may run with None, where the ORM raised ConnectionConfigException."""
    source = SESSION.replace(
        "        if self.connection:\n            connections.disconnect(self.connection)\n",
        "        connections.disconnect(self.connection)\n        if self.connection:\n",
    )
    outcome = migrate_source(source, Options())
    assert outcome.source == source
    assert any(f.code == "MM102" and "not a literal" in f.message for f in outcome.findings)


def test_a_disconnect_of_an_attribute_holding_two_aliases_stays_orm() -> None:
    source = SESSION.replace(
        "            self.connection = None\n", '            self.connection = "other"\n'
    )
    outcome = migrate_source(source, Options())
    assert outcome.source == source


# v024: two functions each have a local `collection`. The insert's field order was looked
# up by that label when the codemod held a copy of the node, and found the other function's
# schema: columns went into the wrong fields (or failed). Now the order is read at run time.
TWO_LOCALS = """\
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

connections.connect(uri=os.environ["MILVUS_URI"])


def create():
    fields = [
        FieldSchema("id", DataType.INT64, is_primary=True, auto_id=True),
        FieldSchema("title", DataType.VARCHAR, max_length=10),
        FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
    ]
    collection = Collection("a", CollectionSchema(fields))
    return collection


def add(first, second):
    collection = Collection("b")
    collection.insert([first, second])
    collection.flush()
    collection.create_index("v", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
    collection.load()
    rows = collection.query(expr="id >= 0", output_fields=["title", "v"])
    print(sorted((r["title"], [round(x, 1) for x in r["v"]]) for r in rows))


create()
other = CollectionSchema(
    [
        FieldSchema("id", DataType.INT64, is_primary=True, auto_id=True),
        FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
        FieldSchema("title", DataType.VARCHAR, max_length=10),
    ]
)
Collection("b", other)
add([[0.1, 0.2], [0.3, 0.4]], ["x", "y"])
"""


def test_a_column_insert_does_not_take_another_function_s_field_order() -> None:
    outcome = migrate_source(TWO_LOCALS, Options())
    assert 'zip(["title", "v"]' not in outcome.source, outcome.source
    assert "describe_collection(collection_name=collection)" in outcome.source


@pytest.mark.milvus
def test_a_column_insert_into_another_schema_behaves_as_the_orm(
    milvus_factory, tmp_path: Path
) -> None:
    outcome, before, after = orm_vs_migrated(tmp_path, "two.py", TWO_LOCALS, milvus_factory)
    assert "Collection(" not in outcome.source, outcome.source
    assert before.returncode == 0, before.stderr
    assert "('x', [0.100, 0.200])" in before.stdout, before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert after.state == before.state
