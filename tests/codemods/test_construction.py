# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""An attribute `__init__` sets to None and then, later in `__init__`, to a collection
(codemods/construction.py): only `__init__` can see the placeholder, so the class's other
methods use it as set, unless one of them may run before `__init__` gets there. Found on real
code (s013, s035: `self.collection = None; self.connect(); self.setup_collection()`). Also an
`if`/`else` or a `try` that stores on every path, and `if self.x is None: self.x = ...`, count
as stores for the statements after them."""

from pathlib import Path

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check, orm_vs_migrated

HEAD = """from pymilvus import Collection, connections, utility

connections.connect(uri="http://h:1")


"""
NEW_HEAD = """from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")


"""

STORE = """class Store:
    def __init__(self, name):
        self.name = name
        self.collection = None
        self.log("starting")
        self.setup()

    def log(self, text):
        print(text, self.name)

    def setup(self):
        if utility.has_collection(self.name):
            self.collection = Collection(self.name)
        else:
            self.collection = Collection(self.name, SCHEMA)
            self.index()
        self.collection.load()

    def index(self):
        self.collection.create_index("v", {"index_type": "FLAT", "metric_type": "L2", "params": {}})

    def add(self, rows):
        if rows:
            self.collection.insert(rows)
            self.collection.flush()

    def count(self):
        return self.collection.num_entities
"""
NEW_STORE = """class Store:
    def __init__(self, name):
        self.name = name
        self.collection = None
        self.log("starting")
        self.setup()

    def log(self, text):
        print(text, self.name)

    def setup(self):
        if client.has_collection(collection_name=self.name):
            self.collection = self.name
        else:
            client.create_collection(collection_name=self.name, schema=SCHEMA)
            self.collection = self.name
            self.index()
        client.load_collection(collection_name=self.collection)

    def index(self):
        index_params = client.prepare_index_params()
        index_params.add_index(field_name="v", index_type="FLAT", metric_type="L2", params={})
        client.create_index(collection_name=self.collection, index_params=index_params)

    def add(self, rows):
        if rows:
            client.insert(collection_name=self.collection, data=rows)
            client.flush(collection_name=self.collection)

    def count(self):
        return client.get_collection_stats(collection_name=self.collection)["row_count"]
"""


def _reasons(outcome) -> str:
    return "\n".join(f"{f.line}: {f.code} {f.message}" for f in outcome.findings)


def test_methods_that_cannot_run_before_init_sets_the_attribute_migrate():
    # setup() stores on both branches before load(); index() is called after the store;
    # add() and count() can only run on an object __init__ finished.
    outcome_findings = check(HEAD + STORE, NEW_HEAD + NEW_STORE)
    assert not any(f.code == "MM110" for f in outcome_findings), outcome_findings


def _stays_orm(source: str, why: str = "may still be None here") -> None:
    outcome = migrate_source(HEAD + source, Options())
    assert "self.collection = Collection(self.name)" in outcome.source, outcome.source
    assert any(f.code == "MM110" and why in f.message for f in outcome.findings), _reasons(outcome)


def test_a_method_called_before_the_setter_may_meet_none():
    # log() now reads the collection, and __init__ calls it before setup().
    _stays_orm(STORE.replace("print(text, self.name)", "print(text, self.collection.num_entities)"))


def test_a_setter_call_that_may_fail_quietly_proves_nothing():
    # A handler in __init__ swallows setup()'s error: the object exists with None in it.
    _stays_orm(
        STORE.replace(
            "        self.setup()\n",
            "        try:\n            self.setup()\n        except Exception as e:\n            print(e)\n",
        )
    )


def test_a_setter_with_a_path_that_does_not_store_proves_nothing():
    _stays_orm(
        STORE.replace(
            "        if utility.has_collection(self.name):\n            self.collection = Collection(self.name)\n",
            "        if utility.has_collection(self.name):\n            print('exists')\n            self.collection = Collection(self.name)\n        elif self.name == 'skip':\n            return\n",
        )
    )


def test_self_given_away_before_the_setter_proves_nothing():
    # Code elsewhere holds the object while the attribute is None and may call count().
    _stays_orm(STORE.replace('        self.log("starting")\n', "        REGISTRY.append(self)\n"))


def test_a_subclass_in_the_module_proves_nothing():
    # Its __init__ may not call setup() at all.
    _stays_orm(
        STORE
        + "\n\nclass Quiet(Store):\n    def __init__(self, name):\n        self.collection = None\n"
    )


def test_a_class_decorator_proves_nothing():
    # It may replace the class or wrap its methods.
    _stays_orm("@register\n" + STORE)


def test_an_early_return_in_init_proves_nothing():
    _stays_orm(
        STORE.replace(
            '        self.log("starting")\n',
            "        if not name:\n            return\n",
        )
    )


def test_a_lazy_store_under_a_none_test_sets_the_attribute():
    # `if self.col is None: self.col = Collection(...)` leaves it set either way.
    source = """class Lazy:
    def __init__(self, name):
        self.name = name
        self.col = None

    def count(self):
        if self.col is None:
            self.col = Collection(self.name)
        return self.col.num_entities
"""
    expected = """class Lazy:
    def __init__(self, name):
        self.name = name
        self.col = None

    def count(self):
        if self.col is None:
            self.col = self.name
        return client.get_collection_stats(collection_name=self.col)["row_count"]
"""
    check(HEAD + source, NEW_HEAD + expected)


LIVE = (
    """
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, utility

connections.connect(uri=os.environ["MILVUS_URI"])
SCHEMA = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)])


"""
    + STORE
    + """

if __name__ == "__main__":
    store = Store("books")
    store.add([{"id": 1, "v": [0.0, 1.0]}, {"id": 2, "v": [1.0, 0.0]}])
    store.add([])
    print("count", store.count())
    again = Store("books")
    print("again", again.count())
"""
)


def test_the_migrated_class_behaves_as_the_orm_one(milvus_factory, tmp_path: Path) -> None:
    """Created, then opened again by a second object: same output and server state."""
    outcome, before, after = orm_vs_migrated(tmp_path, "store.py", LIVE, milvus_factory)
    assert "Collection(" not in outcome.source, outcome.source
    assert before.returncode == 0, before.stderr
    assert "count 2" in before.stdout and "again 2" in before.stdout, before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert after.state == before.state
