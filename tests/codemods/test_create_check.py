# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""Trap 2 re-created for a create (codemods/create_check.py): `x = Collection(name, schema)`
that a handler may catch the ORM's schema-mismatch error of (inside try/except, or reached
from a call inside one) migrates to the guarded create with the ORM's comparison behind it,

    if not client.has_collection(collection_name=name):
        client.create_collection(collection_name=name, schema=schema)
    elif CollectionSchema.construct_from_dict(client.describe_collection(collection_name=name)) != schema:
        raise SchemaNotReadyException(message=ExceptionsMessage.SchemaInconsistent)

A `consistency_level=`, a schema that is not visibly a CollectionSchema with a vector field,
or a name that may read differently each time (a call, a property) keeps the collection ORM
with its trap-2 finding.
An open in the `else` of `if not utility.has_collection(n):` needs no check of its own."""

from pathlib import Path

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check, kept_with_trap2, orm_vs_migrated

HEAD = """from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

connections.connect(uri="http://h:1")
FIELDS = [
    FieldSchema("id", DataType.INT64, is_primary=True),
    FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
]
SCHEMA = CollectionSchema(FIELDS, description="books")
"""
NEW_HEAD = """from pymilvus import MilvusClient, CollectionSchema, DataType
from pymilvus.exceptions import ExceptionsMessage, SchemaNotReadyException

client = MilvusClient(uri="http://h:1")
SCHEMA = MilvusClient.create_schema(description="books")
SCHEMA.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)
SCHEMA.add_field(field_name="v", datatype=DataType.FLOAT_VECTOR, dim=2)
"""


def test_local_create_in_try_gets_the_schema_comparison():
    check(
        HEAD
        + """

def setup(name):
    try:
        col = Collection(name, SCHEMA)  # create or open
    except Exception as e:
        print("cannot use it:", e)
        return -1
    return col.num_entities
""",
        NEW_HEAD
        + """

def setup(name):
    try:
        col = name  # create or open
        if not client.has_collection(collection_name=col):
            client.create_collection(collection_name=col, schema=SCHEMA)
        elif CollectionSchema.construct_from_dict(client.describe_collection(collection_name=col)) != SCHEMA:
            raise SchemaNotReadyException(message=ExceptionsMessage.SchemaInconsistent)
    except Exception as e:
        print("cannot use it:", e)
        return -1
    return client.get_collection_stats(collection_name=col)["row_count"]
""",
    )


def test_create_outside_any_try_gets_the_schema_comparison():
    # Uncaught, the ORM's SchemaNotReadyException stopped the script before it wrote into a
    # collection with another schema; the migrated script stops there too. (Review of a
    # third sample: t013, t021, t022, t038, t040 went on to index and insert.)
    check(
        HEAD + 'books = Collection("books", SCHEMA)\nbooks.load()\n',
        NEW_HEAD
        + 'books = "books"\n'
        + "if not client.has_collection(collection_name=books):\n"
        + "    client.create_collection(collection_name=books, schema=SCHEMA)\n"
        + "elif CollectionSchema.construct_from_dict(client.describe_collection(collection_name=books)) != SCHEMA:\n"
        + "    raise SchemaNotReadyException(message=ExceptionsMessage.SchemaInconsistent)\n"
        + "client.load_collection(collection_name=books)\n",
    )


def test_create_under_a_stored_check_needs_neither_guard_nor_comparison():
    # `has = utility.has_collection(n)` just before `if not has:` (t009 of the third sample).
    source = HEAD.replace("connections\n", "connections, utility\n") + (
        'name = "books"\n'
        "has = utility.has_collection(name)\n"
        "if not has:\n"
        '    books = Collection(name, SCHEMA, consistency_level="Strong")\n'
        "    books.load()\n"
    )
    outcome = migrate_source(source, Options())
    assert (
        "has = client.has_collection(collection_name=name)\n"
        "if not has:\n"
        "    books = name\n"
        '    client.create_collection(collection_name=books, schema=SCHEMA, consistency_level="Strong")\n'
    ) in outcome.source, outcome.source
    # A check stored earlier, with a drop in between, proves nothing.
    late = source.replace("if not has:\n", "utility.drop_collection(name)\nif not has:\n")
    outcome = migrate_source(late, Options())
    assert "if not client.has_collection(collection_name=books):" in outcome.source, outcome.source


def test_create_in_a_helper_called_inside_a_callers_try_imports_collection_schema():
    # The module names the class `CS`: the comparison imports CollectionSchema itself.
    check(
        """from pymilvus import Collection, connections
from pymilvus import CollectionSchema as CS, DataType, FieldSchema

connections.connect(uri="http://h:1")


def make(name):
    fields = [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)]
    schema = CS(fields)
    Collection(name, schema)


def main():
    try:
        make("books")
    except Exception as e:
        print(e)


if __name__ == "__main__":
    main()
""",
        """from pymilvus import MilvusClient, CollectionSchema
from pymilvus import DataType
from pymilvus.exceptions import ExceptionsMessage, SchemaNotReadyException

client = MilvusClient(uri="http://h:1")


def make(name):
    schema = MilvusClient.create_schema()
    schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)
    schema.add_field(field_name="v", datatype=DataType.FLOAT_VECTOR, dim=2)
    if not client.has_collection(collection_name=name):
        client.create_collection(collection_name=name, schema=schema)
    elif CollectionSchema.construct_from_dict(client.describe_collection(collection_name=name)) != schema:
        raise SchemaNotReadyException(message=ExceptionsMessage.SchemaInconsistent)


def main():
    try:
        make("books")
    except Exception as e:
        print(e)


if __name__ == "__main__":
    main()
""",
    )


def test_open_in_the_else_of_a_negated_check_needs_no_check():
    check(
        HEAD.replace("import Collection,", "import Collection, utility,")
        + """

def rows(name):
    try:
        if not utility.has_collection(name):
            return 0
        else:
            col = Collection(name)
        return col.num_entities
    except Exception:
        return -1
""",
        NEW_HEAD.replace("CollectionSchema, ", "").replace(
            "from pymilvus.exceptions import ExceptionsMessage, SchemaNotReadyException\n", ""
        )
        + """

def rows(name):
    try:
        if not client.has_collection(collection_name=name):
            return 0
        else:
            col = name
        return client.get_collection_stats(collection_name=col)["row_count"]
    except Exception:
        return -1
""",
    )


# ---- negative: the ORM checks more, or the comparison cannot be written -----------------

TRY = (
    HEAD
    + """

def setup(name, schema=None):
    try:
        CREATE
    except Exception:
        return -1
    return col.num_entities
"""
)


def _kept(source: str, created: str, reason: str) -> None:
    """`source` keeps `created` ORM, with a trap-2 MM110 finding that says `reason`."""
    kept_with_trap2(source, created, reason, "construct_from_dict")


def test_a_consistency_level_not_written_out_stays_orm():
    created = "col = Collection(name, SCHEMA, consistency_level=LEVEL)"
    reason = "and its consistency_level, not a literal, with the server's"
    _kept(TRY.replace("CREATE", created), created, reason)


def test_a_literal_consistency_level_is_compared_before_the_schema():
    """The ORM compared the level with the server's first (ConsistencyLevelInconsistent),
    then the schema; the create in try/except carries both (stayed ORM before)."""
    created = 'col = Collection(name, SCHEMA, consistency_level="Strong")'
    outcome = migrate_source(TRY.replace("CREATE", created), Options())
    assert "Collection(" not in outcome.source, outcome.source
    level = outcome.source.index("elif not cmp_consistency_level(client.describe_collection(")
    assert level < outcome.source.index("elif CollectionSchema.construct_from_dict(")
    assert "ExceptionsMessage.ConsistencyLevelInconsistent" in outcome.source


def test_schema_from_a_parameter_stays_orm():
    created = "col = Collection(name, schema)"
    _kept(TRY.replace("CREATE", created), created, "its schema is not visibly a CollectionSchema")


def test_schema_without_a_vector_field_stays_orm():
    source = TRY.replace("DataType.FLOAT_VECTOR, dim=2", "DataType.VARCHAR, max_length=2")
    created = "col = Collection(name, SCHEMA)"
    _kept(source.replace("CREATE", created), created, "with a vector field")


def test_fields_appended_to_stay_orm():
    source = TRY.replace(
        "SCHEMA = CollectionSchema(FIELDS", "FIELDS.pop()\nSCHEMA = CollectionSchema(FIELDS"
    )
    created = "col = Collection(name, SCHEMA)"
    _kept(source.replace("CREATE", created), created, "with a vector field")


def test_name_read_with_side_effects_stays_orm():
    created = "col = Collection(name.strip(), SCHEMA)"
    _kept(
        TRY.replace("CREATE", created), created, "its name `name.strip()` is not a string literal"
    )


def test_returned_create_stays_orm():
    source = TRY.replace("return col.num_entities", "return 0")
    created = "return Collection(name, SCHEMA)"
    outcome = migrate_source(source.replace("CREATE", created), Options())
    assert created in outcome.source, outcome.source
    assert "construct_from_dict" not in outcome.source, outcome.source


# ---- live: the handler sees what it saw on the ORM -------------------------------------

LIVE = """
import os
import sys

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections
from pymilvus.exceptions import MilvusException

connections.connect(uri=os.environ["MILVUS_URI"])


def show(where, e):
    kind = type(e)
    print(where, kind.__module__, kind.__qualname__, repr(str(e)), e.code, e.message)


def make(name, dim):
    fields = [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=dim)]
    schema = CollectionSchema(fields, description="books")
    try:
        col = Collection(name, schema)
        col.insert([{"id": dim, "v": [0.5] * dim}])
        col.flush()
        return col.num_entities
    except MilvusException as e:
        show(name, e)
        return -1


class Shelf:
    def __init__(self, name):
        self.name = name
        fields = [FieldSchema("pk", DataType.VARCHAR, is_primary=True, max_length=8), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)]
        self.schema = CollectionSchema(fields)

    def open(self):
        fields = [FieldSchema("pk", DataType.VARCHAR, is_primary=True, max_length=8), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)]
        schema = CollectionSchema(fields)
        self.col = Collection(self.name, schema)
        return self.col.num_entities


def shelf(name):
    try:
        return Shelf(name).open()
    except Exception as e:
        show("shelf", e)
        return None


if __name__ == "__main__":
    # A fresh collection, the same one again, then one whose schema differs.
    print("first", make("books", 2))
    print("again", make("books", 2))
    print("other", make("books", 4))
    print("fresh", make("papers", 4))
    print("shelf", shelf("shelf"), shelf("shelf"), shelf("books"))
    sys.exit(0)
"""


def test_existing_collection_with_another_schema_raises_as_on_the_orm(
    milvus_factory, tmp_path: Path
) -> None:
    """Every create migrates with the comparison; on a missing collection, on the same one
    again and on one whose schema differs, the migrated program prints what the ORM one
    does (the exception's module, type, str(), code and message) and leaves the same
    collections and rows."""
    outcome, before, after = orm_vs_migrated(tmp_path, "books.py", LIVE, milvus_factory)
    assert "Collection(" not in outcome.source, outcome.source
    assert outcome.source.count("construct_from_dict(") == 2, outcome.source
    assert before.returncode == 0, before.stderr
    assert "first 1" in before.stdout
    # The server's schema of an existing collection differs from the one given.
    assert "books pymilvus.exceptions SchemaNotReadyException" in before.stdout, before.stdout
    assert "other -1" in before.stdout
    assert "fresh 1" in before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert after.state == before.state


# ---- an attribute is set once the collection exists, as on the ORM ---------------------

HELD = """
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

connections.connect(uri=os.environ["MILVUS_URI"])


class Store:
    def __init__(self, name, dim):
        self.name = name
        self.dim = dim
        self.collection = None

    def connect(self):
        try:
            fields = [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=self.dim)]
            schema = CollectionSchema(fields)
            self.collection = Collection(self.name, schema)
            return True
        except Exception as e:
            print("connect failed:", type(e).__name__)
            return False

    def count(self):
        if not self.collection:
            return "not connected"
        return self.collection.num_entities


if __name__ == "__main__":
    for name, dim in (("books", 2), ("broken", 0)):
        store = Store(name, dim)
        print(name, store.connect(), store.collection, store.count())
"""


def test_a_failed_create_leaves_the_attribute_unset_as_on_the_orm(
    milvus_factory, tmp_path: Path
) -> None:
    """The server refuses a vector of dim 0: on the ORM `self.collection` stays None and
    count() says so; migrated, the name is stored only after the create, so it does too."""
    outcome, before, after = orm_vs_migrated(tmp_path, "held.py", HELD, milvus_factory)
    assert "Collection(" not in outcome.source, outcome.source
    assert (
        "                raise SchemaNotReadyException(message=ExceptionsMessage.SchemaInconsistent)\n"
        "            self.collection = self.name\n"
    ) in outcome.source, outcome.source
    assert before.returncode == 0, before.stderr
    assert "books True None 0" not in before.stdout  # the ORM prints the Collection's repr
    assert "broken False None not connected" in before.stdout, before.stdout
    assert after.returncode == 0, after.stderr
    assert "broken False None not connected" in after.stdout, after.stdout
    assert after.state == before.state


# ---- outside any try: the ORM's error stops the program before it writes -----------------

UNCAUGHT = """
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

connections.connect(uri=os.environ["MILVUS_URI"])


def schema(dim):
    fields = [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=dim)]
    return CollectionSchema(fields)


OLD = schema(4)
old = Collection("books", OLD)
print("created", old.num_entities)

fields = [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)]
SCHEMA = CollectionSchema(fields)
books = Collection("books", SCHEMA)
books.insert([{"id": 1, "v": [0.0, 1.0]}])
books.flush()
print("inserted", books.num_entities)
"""


def test_an_uncaught_schema_mismatch_stops_the_program_as_on_the_orm(
    milvus_factory, tmp_path: Path
) -> None:
    """The second create meets the first one's collection with another dim: both programs
    stop with SchemaNotReadyException before the insert, and leave the same server state."""
    outcome, before, after = orm_vs_migrated(tmp_path, "uncaught.py", UNCAUGHT, milvus_factory)
    assert "Collection(" not in outcome.source, outcome.source
    assert outcome.source.count("construct_from_dict(") == 1, outcome.source
    assert before.returncode != 0 and "SchemaNotReadyException" in before.stderr, before.stderr
    assert "inserted" not in before.stdout, before.stdout
    assert after.comparable() == before.comparable(), after.stderr
    assert "SchemaNotReadyException" in after.stderr.splitlines()[-1], after.stderr
