# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""Trap 2 re-created (codemods/open_check.py): an open-only `x = Collection(name)` that a
handler may catch the missing-collection error of (inside try/except, reached from a call
inside one, or returned by a factory called inside one) migrates to the ORM's own check,

    if not client.has_collection(collection_name=name):
        raise SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % name)
    x = name

with the two names imported from pymilvus.exceptions, so the handler sees what it saw on the
ORM (a module using one of the names for something else imports it under a fresh name). A
create, an open with `consistency_level=` or other arguments (the ORM compares more than
existence), a name that is not read without side effects, or a module importing pymilvus
only inside a function keeps the collection ORM with its trap-2 finding; an open a
has_collection guard already proves gets the plain `x = name`."""

import textwrap
from pathlib import Path

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check, kept_with_trap2, orm_vs_migrated

HEAD = """from pymilvus import Collection, connections

connections.connect(uri="http://h:1")
"""
NEW_HEAD = """from pymilvus.exceptions import ExceptionsMessage, SchemaNotReadyException
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")
"""


def _kept(source: str, opened: str, reason: str) -> None:
    """`source` keeps `opened` ORM, with a trap-2 MM110 finding that says `reason`."""
    kept_with_trap2(source, opened, reason, "SchemaNotReadyException(message=")


# ---- positive: the open migrates with the ORM's check -----------------------------------


def test_local_open_in_try_gets_the_check():
    check(
        HEAD
        + """

def count(name):
    try:
        # open the collection
        col = Collection(name)  # raises for a missing one
    except Exception as e:
        print("no collection:", e)
        return -1
    return col.num_entities


if __name__ == "__main__":
    print(count("books"))
""",
        NEW_HEAD
        + """

def count(name):
    try:
        # open the collection
        if not client.has_collection(collection_name=name):
            raise SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % name)
        col = name  # raises for a missing one
    except Exception as e:
        print("no collection:", e)
        return -1
    return client.get_collection_stats(collection_name=col)["row_count"]


if __name__ == "__main__":
    print(count("books"))
""",
    )


def test_attribute_open_in_try_reuses_the_imported_exception():
    check(
        """from pymilvus import Collection, connections
from pymilvus.exceptions import SchemaNotReadyException

connections.connect(uri="http://h:1")


class Store:
    def __init__(self, name):
        self.name = name

    def count(self):
        try:
            self.col = Collection(self.name)
        except SchemaNotReadyException:
            return -1
        return self.col.num_entities


if __name__ == "__main__":
    print(Store("books").count())
""",
        """from pymilvus.exceptions import ExceptionsMessage, SchemaNotReadyException
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")


class Store:
    def __init__(self, name):
        self.name = name

    def count(self):
        try:
            if not client.has_collection(collection_name=self.name):
                raise SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % self.name)
            self.col = self.name
        except SchemaNotReadyException:
            return -1
        return client.get_collection_stats(collection_name=self.col)["row_count"]


if __name__ == "__main__":
    print(Store("books").count())
""",
    )


def test_open_in_a_helper_called_inside_a_callers_try_gets_the_check():
    check(
        HEAD
        + """

def flush(name):
    col = Collection(name)
    col.flush()


def main():
    try:
        flush("books")
    except Exception as e:
        print("flush failed:", e)


if __name__ == "__main__":
    main()
""",
        NEW_HEAD
        + """

def flush(name):
    if not client.has_collection(collection_name=name):
        raise SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % name)
    col = name
    client.flush(collection_name=col)


def main():
    try:
        flush("books")
    except Exception as e:
        print("flush failed:", e)


if __name__ == "__main__":
    main()
""",
    )


def test_factory_called_inside_try_gets_the_check_in_the_factory():
    check(
        HEAD
        + """

def open_books(name):
    coll = Collection(name)
    return coll


def main():
    try:
        books = open_books("books")
    except Exception:
        raise SystemExit("no collection books")
    books.flush()


if __name__ == "__main__":
    main()
""",
        NEW_HEAD
        + """

def open_books(name):
    if not client.has_collection(collection_name=name):
        raise SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % name)
    coll = name
    return coll


def main():
    try:
        books = open_books("books")
    except Exception:
        raise SystemExit("no collection books")
    client.flush(collection_name=books)


if __name__ == "__main__":
    main()
""",
    )


def test_using_alias_checks_with_that_alias_client():
    check(
        """from pymilvus import Collection, connections

connections.connect("main", uri="http://h:1")
connections.connect("other", uri="http://h:2")


def count():
    try:
        col = Collection("books", using="other")
        return col.num_entities
    except Exception:
        return -1


def size():
    col = Collection("books", using="main")
    return col.num_entities


if __name__ == "__main__":
    print(count(), size())
""",
        """from pymilvus.exceptions import ExceptionsMessage, SchemaNotReadyException
from pymilvus import MilvusClient

client_main = MilvusClient(uri="http://h:1")
client_other = MilvusClient(uri="http://h:2")


def count():
    try:
        if not client_other.has_collection(collection_name="books"):
            raise SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % "books")
        col = "books"
        return client_other.get_collection_stats(collection_name=col)["row_count"]
    except Exception:
        return -1


def size():
    col = "books"
    return client_main.get_collection_stats(collection_name=col)["row_count"]


if __name__ == "__main__":
    print(count(), size())
""",
    )


def test_bare_open_in_try_becomes_the_check_alone():
    check(
        HEAD
        + """

def exists(name):
    try:
        Collection(name)  # only checks that it exists
    except Exception as e:
        print("no collection:", e)
        return False
    return True


if __name__ == "__main__":
    print(exists("books"))
""",
        NEW_HEAD
        + """

def exists(name):
    try:
        if not client.has_collection(collection_name=name):  # only checks that it exists
            raise SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % name)
    except Exception as e:
        print("no collection:", e)
        return False
    return True


if __name__ == "__main__":
    print(exists("books"))
""",
    )


def test_bare_open_in_a_helper_called_inside_a_callers_try_becomes_the_check():
    check(
        HEAD
        + """

def require(name):
    Collection(name)


def main():
    try:
        require("books")
    except Exception as e:
        print(e)


if __name__ == "__main__":
    main()
""",
        NEW_HEAD
        + """

def require(name):
    if not client.has_collection(collection_name=name):
        raise SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % name)


def main():
    try:
        require("books")
    except Exception as e:
        print(e)


if __name__ == "__main__":
    main()
""",
    )


# ---- negative: the ORM checks more, or the check cannot be written ----------------------

TRY = (
    HEAD
    + """SCHEMA = None


def count(name):
    try:
        OPEN
    except Exception:
        return -1
    return col.num_entities


if __name__ == "__main__":
    print(count("books"))
"""
)


def test_create_with_schema_in_try_stays_orm():
    _kept(
        TRY.replace("OPEN", "col = Collection(name, SCHEMA)"),
        "col = Collection(name, SCHEMA)",
        "the create form also compares the schema",
    )


def test_consistency_level_in_try_stays_orm():
    _kept(
        TRY.replace("OPEN", 'col = Collection(name, consistency_level="Strong")'),
        'col = Collection(name, consistency_level="Strong")',
        "with consistency_level the ORM does more than check that the collection exists",
    )


def test_name_from_a_call_stays_orm():
    _kept(
        TRY.replace("OPEN", "col = Collection(name.strip())"),
        "col = Collection(name.strip())",
        "its name `name.strip()` is not a plain name, string literal or attribute",
    )


def test_name_subscript_stays_orm():
    _kept(
        TRY.replace("OPEN", "col = Collection(NAMES[name])").replace(
            "SCHEMA = None", "SCHEMA = None\nNAMES = {}"
        ),
        "col = Collection(NAMES[name])",
        "is not a plain name, string literal or attribute",
    )


def _bare_kept(source: str, opened: str) -> None:
    """`source` keeps the bare `opened` ORM with the untracked-result finding."""
    outcome = migrate_source(textwrap.dedent(source), Options())
    assert opened in outcome.source, outcome.source
    assert "SchemaNotReadyException(message=" not in outcome.source, outcome.source
    assert any(
        f.code == "MM110" and "a bare open-only Collection()" in f.message for f in outcome.findings
    ), [f.message for f in outcome.findings]


def test_bare_open_with_consistency_level_in_try_stays_orm():
    _bare_kept(
        TRY.replace("OPEN", 'Collection(name, consistency_level="Strong")').replace(
            "return col.num_entities", "return 0"
        ),
        'Collection(name, consistency_level="Strong")',
    )


def test_bare_open_with_a_called_name_in_try_stays_orm():
    _bare_kept(
        TRY.replace("OPEN", "Collection(name.strip())").replace(
            "return col.num_entities", "return 0"
        ),
        "Collection(name.strip())",
    )


def test_bare_open_outside_any_try_keeps_the_finding():
    # No handler can be there for the ORM's error: nothing asks for the check.
    _bare_kept(
        HEAD + '\n\ndef touch(name):\n    Collection(name)\n\n\ntouch("books")\n',
        "Collection(name)",
    )


def test_module_binding_the_exception_name_otherwise_gets_a_fresh_name():
    check(
        """from pymilvus import Collection, connections

connections.connect(uri="http://h:1")


class SchemaNotReadyException(Exception):
    pass


def count(name):
    try:
        col = Collection(name)
    except Exception:
        return -1
    return col.num_entities
""",
        """from pymilvus.exceptions import ExceptionsMessage, SchemaNotReadyException as SchemaNotReadyException_2
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")


class SchemaNotReadyException(Exception):
    pass


def count(name):
    try:
        if not client.has_collection(collection_name=name):
            raise SchemaNotReadyException_2(message=ExceptionsMessage.CollectionNotExistNoSchema % name)
        col = name
    except Exception:
        return -1
    return client.get_collection_stats(collection_name=col)["row_count"]
""",
    )


def test_module_importing_pymilvus_only_in_a_function_stays_orm():
    source = """def count(name):
    from pymilvus import Collection, connections

    connections.connect(uri="http://h:1")
    try:
        col = Collection(name)
    except Exception:
        return -1
    return col.num_entities
"""
    _kept(source, "col = Collection(name)", "the module imports pymilvus only where it needs it")


def test_guard_that_proves_the_open_keeps_the_plain_form():
    source = HEAD.replace("import Collection", "import Collection, utility") + (
        """

def count(name):
    try:
        if not utility.has_collection(name):
            return None
        col = Collection(name)
        return col.num_entities
    except Exception:
        return -1
"""
    )
    outcome = migrate_source(source, Options())
    assert "        col = name\n" in outcome.source, outcome.source
    assert "SchemaNotReadyException" not in outcome.source, outcome.source
    assert not outcome.findings, outcome.findings


# ---- live: the handler sees what it saw on the ORM -------------------------------------

LIVE = """
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections
from pymilvus.exceptions import MilvusException, SchemaNotReadyException

connections.connect(uri=os.environ["MILVUS_URI"])
SCHEMA = CollectionSchema(
    [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)]
)


def show(where, e):
    kind = type(e)
    print(where, kind.__module__, kind.__qualname__, repr(str(e)), repr(e), e.code, e.message)


def count(name):
    try:
        col = Collection(name)
        return col.num_entities
    except MilvusException as e:
        show("count", e)
        return -1


class Store:
    def __init__(self, name):
        self.name = name

    def size(self):
        try:
            self.col = Collection(self.name)
        except SchemaNotReadyException as e:
            show("size", e)
            return -1
        return self.col.num_entities


def flush(name):
    col = Collection(name)
    col.flush()
    return "flushed"


def open_books(name):
    coll = Collection(name)
    return coll


def rows(name):
    try:
        col = open_books(name)
    except Exception as e:
        show("rows", e)
        return None
    col.load()
    return [r["id"] for r in col.query(expr="id >= 0", output_fields=["id"])]


def setup():
    col = Collection("books", SCHEMA)
    col.insert([{"id": 1, "v": [0.0, 1.0]}])
    col.flush()
    col.create_index("v", {"index_type": "FLAT", "metric_type": "L2", "params": {}})


def run(name):
    try:
        done = flush(name)
    except Exception as e:
        show("flush", e)
        done = None
    try:
        Collection(name)
        print(name, "exists")
    except SchemaNotReadyException as e:
        show("exists", e)
    print(name, count(name), Store(name).size(), done, rows(name))


if __name__ == "__main__":
    setup()
    run("books")
    run("missing")
"""


def test_missing_collection_raises_as_on_the_orm(milvus_factory, tmp_path: Path) -> None:
    """Every open (a bare one in run's try too) migrates with the check; on a present and on a missing collection the
    migrated program prints what the ORM one does: the exception's module, type, str(),
    repr(), code and message in each handler, and the same results."""
    outcome, before, after = orm_vs_migrated(tmp_path, "books.py", LIVE, milvus_factory)
    assert "Collection(name)" not in outcome.source, outcome.source
    assert "Collection(self.name)" not in outcome.source, outcome.source
    # Five existence checks, and the schema comparison behind the one create.
    assert outcome.source.count("raise SchemaNotReadyException(") == 6, outcome.source
    assert before.returncode == 0, before.stderr
    assert "books 1 1 flushed [1]" in before.stdout
    assert before.stdout.count("pymilvus.exceptions SchemaNotReadyException") == 5, before.stdout
    assert "books exists" in before.stdout
    assert (
        "<SchemaNotReadyException: (code=1, message=Collection 'missing' not exist, or you can "
        "pass in schema to create one.)>"
    ) in before.stdout
    assert "missing -1 -1 None None" in before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert after.state == before.state
