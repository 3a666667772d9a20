# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""Trap 2 for a create `Collection(name, schema)` inside try/except
(codemods/existence_guards.py, create_guard_proves). On the ORM the create form compares its
schema with an existing collection's and raises when they differ, so a handler around it may
be there for that; the migrated create (`if not client.has_collection(...):
create_collection(...)`) never raises for it. When `utility.has_collection(name)` has just
found no such collection (an exit guard `if utility.has_collection(name): return`, or the body
of `if not utility.has_collection(name):`), there is nothing to compare with on the ORM either,
and only schema-building statements stand between the check and the create, the create
migrates (the holdout's ho03 `create_collection` helper), as a plain `create_collection` (the
check already made the one the ORM's open-or-create needs). A drop right before
(`if utility.has_collection(n): utility.drop_collection(n)`, the recreate idiom) proves the
same. Anything that breaks the proof keeps the collection ORM with its trap-2 finding."""

import textwrap
from pathlib import Path

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check, orm_vs_migrated

HEAD = """from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, utility

connections.connect(uri="http://h:1")
"""
NEW_HEAD = """from pymilvus import MilvusClient, CollectionSchema, DataType, FieldSchema

client = MilvusClient(uri="http://h:1")
"""
# GUARD and BETWEEN are replaced; the create sits in a try whose handler logs and re-raises.
MAKER = (
    HEAD
    + """

def make(name, specs):
    try:
        GUARD
        BETWEEN
        col = Collection(name, CollectionSchema(fields))
        col.load()
        return True
    except Exception as e:
        print(f"create {name} failed: {e}")
        raise


if __name__ == "__main__":
    make("books", [("id", DataType.INT64)])
"""
)
EXIT = 'if utility.has_collection(name):\n            print("exists")\n            return False'
BUILD = """fields = []
        for spec in specs:
            if spec[1] == DataType.INT64:
                fields.append(FieldSchema(spec[0], spec[1], is_primary=True))
            else:
                fields.append(FieldSchema(name=spec[0], dtype=spec[1], dim=len(specs)))"""


def _maker(guard: str = EXIT, between: str = BUILD) -> str:
    return MAKER.replace("GUARD", guard).replace("BETWEEN", between)


def _kept(source: str) -> None:
    outcome = migrate_source(textwrap.dedent(source), Options())
    reasons = "\n".join(f.message for f in outcome.findings)
    assert "col = Collection(name, " in outcome.source, outcome.source
    assert any(f.code == "MM110" and "(trap 2)" in f.message for f in outcome.findings), reasons


# ---- positive: the create migrates --------------------------------------------------------


def test_create_after_an_exit_guard_and_a_schema_loop_migrates():
    # Before: "inside try/except: the code relies on the ORM's existence and schema checks
    # (trap 2)", and the collection stayed ORM.
    check(
        _maker(),
        NEW_HEAD
        + """

def make(name, specs):
    try:
        if client.has_collection(collection_name=name):
            print("exists")
            return False
        fields = []
        for spec in specs:
            if spec[1] == DataType.INT64:
                fields.append(FieldSchema(spec[0], spec[1], is_primary=True))
            else:
                fields.append(FieldSchema(name=spec[0], dtype=spec[1], dim=len(specs)))
        col = name
        client.create_collection(collection_name=col, schema=CollectionSchema(fields))
        client.load_collection(collection_name=col)
        return True
    except Exception as e:
        print(f"create {name} failed: {e}")
        raise


if __name__ == "__main__":
    make("books", [("id", DataType.INT64)])
""",
    )


def test_create_in_the_body_of_a_not_has_collection_guard_migrates():
    source = (
        HEAD
        + """

def make(name, fields):
    try:
        if not utility.has_collection(name):
            schema = CollectionSchema(fields)
            col = Collection(name, schema)
            col.load()
    except Exception as e:
        print("create failed:", e)


if __name__ == "__main__":
    make("books", [])
"""
    )
    outcome = migrate_source(source, Options())
    assert "Collection(name, schema)" not in outcome.source, outcome.source
    assert "client.create_collection(collection_name=col, schema=schema)" in outcome.source
    assert not any("(trap 2)" in f.message for f in outcome.findings), outcome.findings


def test_create_after_the_recreate_idiom_migrates_as_a_plain_create():
    # `if has_collection(n): drop_collection(n)` (or a bare drop) leaves no collection `n`:
    # the ORM's create has nothing to compare with, so the create needs no guard either.
    for guard in (
        "if utility.has_collection(name):\n            utility.drop_collection(name)",
        "utility.drop_collection(name)",
    ):
        outcome = migrate_source(_maker(guard=guard), Options())
        assert "Collection(name," not in outcome.source, outcome.source
        assert "client.drop_collection(collection_name=name)" in outcome.source
        assert not any("(trap 2)" in f.message for f in outcome.findings), outcome.findings


# ---- negative: anything that breaks the proof keeps the collection ORM ---------------------


def test_a_call_that_is_not_schema_building_between_keeps_the_collection_orm():
    _kept(_maker(between="fields = prepare(specs)"))
    _kept(_maker(between="fields = []\n        notify(name)"))
    # a drop of another collection proves nothing about this one
    _kept(_maker(between='fields = []\n        utility.drop_collection("other")'))


def test_a_method_of_an_imported_module_between_keeps_the_collection_orm():
    # `x.get` on a data name builds the schema; on an imported module `x` it could be anything.
    _kept("import shelf\n" + _maker(between="fields = shelf.get(name)"))


def test_a_guard_that_can_fall_through_keeps_the_collection_orm():
    _kept(_maker(guard='if utility.has_collection(name):\n            print("exists")'))


def test_a_guard_with_else_keeps_the_collection_orm():
    _kept(
        _maker(
            guard='if utility.has_collection(name):\n            return False\n        else:\n            print("new")'
        )
    )


def test_a_guard_on_another_name_keeps_the_collection_orm():
    _kept(_maker(guard='if utility.has_collection("other"):\n            return False'))


def test_a_name_rebound_between_guard_and_create_keeps_the_collection_orm():
    _kept(_maker(between='name = name + "_v2"\n        fields = []'))


def test_a_negative_exit_guard_keeps_the_create_orm():
    # `if not has_collection: return` means the collection exists at the create: the ORM
    # compares the schema with it.
    _kept(_maker(guard="if not utility.has_collection(name):\n            return False"))


# ---- live: the create helper behaves as on the ORM ------------------------------------------

LIVE = """
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, utility

connections.connect(uri=os.environ["MILVUS_URI"])


def make(name, specs):
    try:
        if utility.has_collection(name):
            print("exists", name)
            return False
        fields = []
        for spec in specs:
            if spec["dtype"] == DataType.FLOAT_VECTOR:
                fields.append(FieldSchema(name=spec["name"], dtype=spec["dtype"], dim=spec.get("dim") or 2))
            else:
                fields.append(FieldSchema(name=spec["name"], dtype=spec["dtype"], is_primary=spec.get("pk", False)))
        layout = CollectionSchema(fields=fields, description="books")
        col = Collection(name, layout)
        col.create_index(field_name="v", index_params={"index_type": "FLAT", "metric_type": "L2", "params": {}})
        return True
    except Exception as e:
        print("create failed:", type(e).__name__)
        return None


SPECS = [{"name": "id", "dtype": DataType.INT64, "pk": True}, {"name": "v", "dtype": DataType.FLOAT_VECTOR}]

if __name__ == "__main__":
    print("first", make("books", SPECS))
    print("again", make("books", SPECS))
    print("bad", make("nokey", [{"name": "v", "dtype": DataType.FLOAT_VECTOR}]))
    print(sorted(utility.list_collections()))
"""


def test_create_guard_shape_behaves_like_the_orm(milvus_factory, tmp_path: Path) -> None:
    """The create migrates; a new, an existing and an invalid collection print what the ORM
    program prints (a schema without a primary key fails in the handler on both, before any
    RPC on the ORM and in create_collection migrated)."""
    outcome, before, after = orm_vs_migrated(tmp_path, "books.py", LIVE, milvus_factory)
    assert "Collection(name, layout)" not in outcome.source, outcome.source
    assert before.returncode == 0, before.stderr
    assert "first True" in before.stdout and "exists books" in before.stdout, before.stdout
    assert after.returncode == 0, after.stderr
    assert after.comparable() == before.comparable()


# ---- a factory with an early `return Collection(name)` and a guarded create, called in try ---
# (the shape of a public RAG ingest script: r036 of the real-code measurement in
# docs/migration-guide.md). Both of its Collection() calls are proven: the open runs only
# after has_collection found the collection (a `print` between is fine), the create only
# after it found none.
FACTORY = """from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, utility
NAME_IMPORT

def connect_milvus():
    connections.connect(alias="default", host="localhost", port="19530")


def create_collection():
    if utility.has_collection(NAME):
        print(f"{NAME} exists")
        return Collection(NAME)
    fields = []
    for spec in [("id", DataType.INT64)]:
        fields.append(FieldSchema(name=spec[0], dtype=spec[1], is_primary=True))
    schema = CollectionSchema(fields, description="kb")
    collection = Collection(NAME, schema)
    return collection


def main():
    try:
        connect_milvus()
        collection = create_collection()
        collection.load()
        print(collection.num_entities)
    except Exception as e:
        print(f"error: {e}")
    finally:
        connections.disconnect("default")


if __name__ == "__main__":
    main()
"""


def _factory(name: str = "NAME", head: str = 'NAME = "docs"\n') -> str:
    return FACTORY.replace("NAME_IMPORT", head).replace("NAME", name)


def test_factory_with_a_printed_exit_and_a_guarded_create_called_in_try_migrates():
    # Before: "`create_collection()` is called inside try/except ...: its ORM Collection()
    # raises for a missing collection or a different schema ... (trap 2)".
    check(
        _factory(),
        """from pymilvus import MilvusClient, CollectionSchema, DataType, FieldSchema
NAME = "docs"


def connect_milvus():
    global client
    client = MilvusClient(uri="http://localhost:19530")


def create_collection():
    if client.has_collection(collection_name=NAME):
        print(f"{NAME} exists")
        return NAME
    fields = []
    for spec in [("id", DataType.INT64)]:
        fields.append(FieldSchema(name=spec[0], dtype=spec[1], is_primary=True))
    schema = CollectionSchema(fields, description="kb")
    collection = NAME
    client.create_collection(collection_name=collection, schema=schema)
    return collection


def main():
    try:
        connect_milvus()
        collection = create_collection()
        client.load_collection(collection_name=collection)
        print(client.get_collection_stats(collection_name=collection)["row_count"])
    except Exception as e:
        print(f"error: {e}")
    finally:
        if "client" in globals():
            client.close()


if __name__ == "__main__":
    main()
""",
    )


def _factory_kept(source: str) -> None:
    outcome = migrate_source(source, Options())
    assert "collection.load()" in outcome.source, outcome.source
    assert any("(trap 2)" in f.message for f in outcome.findings), outcome.findings


def test_a_constant_of_an_imported_module_names_the_collection():
    outcome = migrate_source(_factory("config.NAME", "import config\n"), Options())
    assert "Collection(" not in outcome.source, outcome.source
    assert "return config.NAME\n" in outcome.source
    assert not outcome.findings, outcome.findings


def test_a_module_constant_this_module_assigns_keeps_the_factory_orm():
    source = _factory("config.NAME", "import config\n").replace(
        "def main():", 'def rename():\n    config.NAME = "other"\n\n\ndef main():'
    )
    _factory_kept(source)


def test_a_print_that_calls_something_keeps_the_factory_orm():
    _factory_kept(_factory().replace('print(f"{NAME} exists")', "print(describe(NAME))"))


def test_a_call_other_than_print_between_keeps_the_factory_orm():
    _factory_kept(_factory().replace('print(f"{NAME} exists")', "log(NAME)"))


LIVE_FACTORY = """
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, utility

NAME = "docs"


def connect_milvus():
    connections.connect(alias="default", uri=os.environ["MILVUS_URI"])


def create_collection():
    if utility.has_collection(NAME):
        print(f"{NAME} exists")
        return Collection(NAME)
    fields = []
    for spec in [("id", DataType.INT64), ("v", DataType.FLOAT_VECTOR)]:
        if spec[1] == DataType.INT64:
            fields.append(FieldSchema(name=spec[0], dtype=spec[1], is_primary=True))
        else:
            fields.append(FieldSchema(name=spec[0], dtype=spec[1], dim=2))
    schema = CollectionSchema(fields, description="kb")
    collection = Collection(NAME, schema)
    collection.create_index("v", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
    print(f"{NAME} created")
    return collection


def main():
    try:
        connect_milvus()
        collection = create_collection()
        collection.load()
        collection.insert([{"id": 1, "v": [0.0, 1.0]}])
        collection.flush()
        print("rows", collection.num_entities)
    except Exception as e:
        print(f"error: {type(e).__name__}")
    finally:
        connections.disconnect("default")


if __name__ == "__main__":
    main()
    main()
"""


def test_factory_with_an_early_open_behaves_like_the_orm(milvus_factory, tmp_path: Path) -> None:
    """The first run creates the collection, the second opens it through the early return;
    both print what the ORM program prints, and leave the same server state."""
    outcome, before, after = orm_vs_migrated(tmp_path, "ingest.py", LIVE_FACTORY, milvus_factory)
    assert "Collection(" not in outcome.source and not outcome.findings, outcome.source
    assert before.returncode == 0, before.stderr
    assert "docs created" in before.stdout and "docs exists" in before.stdout, before.stdout
    assert after.returncode == 0, after.stderr
    assert after.comparable() == before.comparable()


# ---- the name is an instance attribute (`self.collection_name`) -----------------------------
# A plain attribute of the method's own `self` reads one value in the check and the create when
# nothing stores into it between them, and its class cannot make it a property: no base but
# `object`, no metaclass, no `__getattr__`, nothing of its own by that name.

CLASS_STORE = """
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, utility


class Store:
    def __init__(self, name):
        self.collection_name = name
        self.collection = None

    def connect(self):
        connections.connect(alias="default", uri=os.environ.get("MILVUS_URI", "http://h:1"))

    def create_collection(self):
        try:
            if utility.has_collection(self.collection_name):
                print("exists", self.collection_name)
                return False
            fields = [
                FieldSchema(name="id", dtype=DataType.INT64, is_primary=True),
                FieldSchema(name="v", dtype=DataType.FLOAT_VECTOR, dim=2),
            ]
            schema = CollectionSchema(fields, "docs")
            Collection(self.collection_name, schema)
            print("created", self.collection_name)
            return True
        except Exception as e:
            print("create failed:", type(e).__name__)
            raise

    def count(self):
        if not utility.has_collection(self.collection_name):
            return -1
        return Collection(self.collection_name).num_entities


if __name__ == "__main__":
    store = Store("docs")
    store.connect()
    print(store.count())
    print(store.create_collection())
    print(store.create_collection())
    print(store.count())
    connections.disconnect("default")
"""


def _class_store_kept(source: str) -> None:
    outcome = migrate_source(source, Options())
    assert "Collection(self.collection_name, schema)" in outcome.source, outcome.source
    assert any("(trap 2)" in f.message for f in outcome.findings), outcome.findings


def test_an_instance_attribute_names_the_collection():
    outcome = migrate_source(CLASS_STORE, Options())
    assert "Collection(" not in outcome.source, outcome.source
    assert "client.create_collection(collection_name=self.collection_name, schema=schema)" in (
        outcome.source
    )
    assert 'client.get_collection_stats(collection_name=self.collection_name)["row_count"]' in (
        outcome.source
    )


def test_a_store_into_the_attribute_between_needs_the_schema_comparison():
    # The guard no longer proves the collection missing: the create keeps the ORM's schema
    # comparison instead (codemods/create_check.py).
    outcome = migrate_source(
        CLASS_STORE.replace(
            'schema = CollectionSchema(fields, "docs")',
            'schema = CollectionSchema(fields, "docs")\n            self.collection_name += "_v2"',
        ),
        Options(),
    )
    assert "Collection(self.collection_name, schema)" not in outcome.source, outcome.source
    assert (
        "            if not client.has_collection(collection_name=self.collection_name):\n"
        "                client.create_collection(collection_name=self.collection_name, schema=schema)\n"
        "            elif CollectionSchema.construct_from_dict(client.describe_collection("
        "collection_name=self.collection_name)) != schema:\n"
        "                raise SchemaNotReadyException(message=ExceptionsMessage.SchemaInconsistent)\n"
    ) in outcome.source, outcome.source


def test_a_property_of_that_name_keeps_the_collection_orm():
    _class_store_kept(
        CLASS_STORE.replace(
            "    def connect(self):",
            "    @property\n    def collection_name(self):\n        return next(NAMES)\n\n    def connect(self):",
        ).replace("        self.collection_name = name\n", "")
    )


def test_a_class_with_a_base_keeps_the_collection_orm():
    # The base could define `collection_name` as a property.
    _class_store_kept(
        "from base import Base\n" + CLASS_STORE.replace("class Store:", "class Store(Base):")
    )


def test_a_class_with_getattr_keeps_the_collection_orm():
    _class_store_kept(
        CLASS_STORE.replace(
            "    def connect(self):",
            "    def __getattr__(self, key):\n        return key\n\n    def connect(self):",
        )
    )


def test_class_store_behaves_like_the_orm(milvus_factory, tmp_path: Path) -> None:
    """Missing, created, existing: the migrated class prints what the ORM class prints and
    leaves the same server state."""
    outcome, before, after = orm_vs_migrated(tmp_path, "store.py", CLASS_STORE, milvus_factory)
    assert "Collection(" not in outcome.source, outcome.source
    assert before.returncode == 0, before.stderr
    assert "created docs" in before.stdout and "exists docs" in before.stdout, before.stdout
    assert after.returncode == 0, after.stderr
    assert after.comparable() == before.comparable()


def test_a_subclass_making_it_a_property_keeps_the_collection_orm():
    _class_store_kept(
        CLASS_STORE.replace(
            'if __name__ == "__main__":',
            'class Rotating(Store):\n    @property\n    def collection_name(self):\n        return next(NAMES)\n\n\nif __name__ == "__main__":',
        )
    )


def test_a_name_imported_from_a_config_module_reads_one_value():
    """v007 of the fifth sample: `from config import NAME` is the name's one binding, so the
    exit guard's check and the create read the same value, and the create needs no second
    existence check and no schema comparison."""
    before = """\
from pymilvus import connections, FieldSchema, CollectionSchema, DataType, Collection, utility
from config import NAME


def setup():
    connections.connect(host="localhost", port="19530")
    if utility.has_collection(NAME):
        return
    fields = [FieldSchema(name="id", dtype=DataType.INT64, is_primary=True)]
    schema = CollectionSchema(fields=fields)
    collection = Collection(name=NAME, schema=schema)
    print(collection.num_entities)
"""
    outcome = migrate_source(before, Options())
    assert "    client.create_collection(collection_name=collection, schema=schema)\n" in (
        outcome.source
    ), outcome.source
    assert outcome.source.count("has_collection") == 1, outcome.source
    assert "SchemaNotReadyException" not in outcome.source
