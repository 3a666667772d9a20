# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""Trap 2 one or more calls up (codemods/caller_try.py): an open-only `Collection(name)` in a
function that a call inside try/except reaches through same-module calls keeps its
collection ORM, as the ORM open raised for a missing collection and the handler may rely on
it; the migrated code would not raise. Both shapes below were checked live by the property
helper: the ORM program exits 0 with one row, its migration exited 1 ("collection 'books'
does not exist")."""

import textwrap
from pathlib import Path

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check, write_pair
from tests.rig.programs import run_program

HEAD = """from pymilvus import Collection, connections

connections.connect(uri="http://h:1")
SCHEMA = None


"""
NEW_HEAD = """from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")
SCHEMA = None


"""
STORE = """class Store:
    def __init__(self):
        self.col = None

    def set_collection(self, name):
        self.col = Collection(name)

    def create(self, name):
        self.col = Collection(name, SCHEMA)

"""
NEW_STORE = """class Store:
    def __init__(self):
        self.col = None

    def set_collection(self, name):
        self.col = name

    def create(self, name):
        self.col = name
        if not client.has_collection(collection_name=self.col):
            client.create_collection(collection_name=self.col, schema=SCHEMA)

"""
ADD = """    def add(self, rows):
        self.set_collection("books")
        self.col.insert(rows)
"""
NEW_ADD = """    def add(self, rows):
        self.set_collection("books")
        client.insert(collection_name=self.col, data=rows)
"""


def _migrate(source: str):
    outcome = migrate_source(source, Options())
    return outcome, "\n".join(f.message for f in outcome.findings)


def _kept(source: str, reason: str) -> None:
    """`source` keeps its open `self.col = Collection(name)`, reported under MM110 with
    `reason`."""
    outcome, reasons = _migrate(source)
    assert "self.col = Collection(name)" in outcome.source
    assert any(f.code == "MM110" and reason in f.message for f in outcome.findings), reasons
    assert "(trap 2)" in reasons


# ---- before/after: the shapes the property helper found ----------------------------------


def test_setter_called_inside_try_except_keeps_the_collection_orm():
    # open_or_create relied on set_collection raising for a missing collection to create
    # it; migrated, the setter never raises, nothing is created and the insert fails.
    source = (
        HEAD
        + STORE
        + "    def open_or_create(self, name):\n"
        + "        try:\n"
        + "            self.set_collection(name)\n"
        + "        except Exception:\n"
        + "            self.create(name)\n"
        + "\n"
        + "    def add(self, rows):\n"
        + '        self.open_or_create("books")\n'
        + "        self.col.insert(rows)\n"
    )
    _kept(
        source,
        "`set_collection()` is called inside try/except (line 19) and reaches the ORM "
        "Collection() at line 12",
    )


def test_constructor_called_inside_try_except_keeps_the_collection_orm():
    source = (
        HEAD
        + "class Store:\n"
        + "    def __init__(self, name):\n"
        + "        self.col = Collection(name)\n"
        + "\n"
        + "    def add(self, rows):\n"
        + "        self.col.insert(rows)\n"
        + "\n"
        + "\n"
        + "try:\n"
        + '    store = Store("books")\n'
        + "except Exception:\n"
        + '    Collection("books", SCHEMA)\n'
        + '    store = Store("books")\n'
        + 'store.add([{"id": 1}])\n'
    )
    _kept(
        source,
        "`Store()` is called inside try/except (line 16) and reaches the ORM Collection() at line 9",
    )


def test_open_two_calls_up_from_the_try_keeps_the_collection_orm():
    # try -> module function -> Store(...) -> __init__ -> self._open() -> Collection(name).
    source = (
        HEAD
        + "class Store:\n"
        + "    def __init__(self, name):\n"
        + "        self.col = None\n"
        + "        self._open(name)\n"
        + "\n"
        + "    def _open(self, name):\n"
        + "        self.col = Collection(name)\n"
        + "\n"
        + "    def add(self, rows):\n"
        + "        self.col.insert(rows)\n"
        + "\n"
        + "\n"
        + "def make_store(name):\n"
        + "    return Store(name)\n"
        + "\n"
        + "\n"
        + "def main():\n"
        + "    try:\n"
        + '        store = make_store("books")\n'
        + "    except ValueError:\n"
        + "        return\n"
        + '    store.add([{"id": 1}])\n'
    )
    _kept(
        source,
        "`make_store()` is called inside try/except (line 25) and reaches the ORM Collection() at line 13",
    )


# ---- refusals: shapes that still migrate ------------------------------------------------


def test_setter_called_outside_a_try_migrates():
    check(HEAD + STORE + ADD, NEW_HEAD + NEW_STORE + NEW_ADD)


def test_setter_called_inside_try_finally_without_handler_migrates():
    # No handler: the ORM's error left the block anyway, nothing relied on it.
    source = (
        HEAD
        + STORE
        + (
            "    def add(self, rows):\n"
            "        try:\n"
            '            self.set_collection("books")\n'
            "            self.col.insert(rows)\n"
            "        finally:\n"
            '            print("done")\n'
        )
    )
    new = (
        NEW_HEAD
        + NEW_STORE
        + (
            "    def add(self, rows):\n"
            "        try:\n"
            '            self.set_collection("books")\n'
            "            client.insert(collection_name=self.col, data=rows)\n"
            "        finally:\n"
            '            print("done")\n'
        )
    )
    check(source, new)


def test_setter_called_from_the_except_handler_or_else_migrates():
    # Only the try's body is covered by its handlers.
    source = (
        HEAD
        + STORE
        + (
            "    def add(self, rows):\n"
            "        try:\n"
            "            print(rows)\n"
            "        except Exception:\n"
            '            self.set_collection("books")\n'
            "            self.col.insert(rows)\n"
            "        else:\n"
            '            self.set_collection("books")\n'
            "            self.col.insert(rows)\n"
        )
    )
    outcome, reasons = _migrate(source)
    assert "Collection(" not in outcome.source, reasons
    assert "(trap 2)" not in reasons


def test_guarded_setter_called_inside_try_except_migrates():
    # The open runs only when the has_collection wrapper found the collection, so it cannot
    # raise for a missing one (existence_guards.method_guard_proves): nothing to rely on.
    source = (
        "import sys\n"
        + HEAD
        + "class Store:\n"
        + "    def __init__(self):\n"
        + "        self.col = None\n"
        + "\n"
        + "    def has_collection(self, name):\n"
        + "        return utility.has_collection(name)\n"
        + "\n"
        + "    def set_collection(self, name):\n"
        + "        if self.has_collection(name):\n"
        + "            self.col = Collection(name)\n"
        + "        else:\n"
        + '            sys.exit(f"no collection {name}")\n'
        + "\n"
        + "    def add(self, rows):\n"
        + "        try:\n"
        + '            self.set_collection("books")\n'
        + "            self.col.insert(rows)\n"
        + "        except Exception as e:\n"
        + "            sys.exit(str(e))\n"
    ).replace("import Collection, connections", "import Collection, connections, utility")
    outcome, reasons = _migrate(source)
    assert "Collection(" not in outcome.source, reasons
    assert "(trap 2)" not in reasons


def test_unresolved_call_inside_try_is_not_followed():
    # `store.set_collection` is not a same-module call the analysis resolves (the receiver
    # is a variable): as before, it invents no block.
    source = (
        HEAD
        + STORE
        + ADD
        + (
            "\n"
            "\n"
            "store = Store()\n"
            "try:\n"
            '    store.set_collection("books")\n'
            "except Exception:\n"
            '    store.create("books")\n'
        )
    )
    outcome, reasons = _migrate(source)
    assert "Collection(" not in outcome.source, reasons


# ---- live: the setter shape behaves as on the ORM ----------------------------------------

LIVE = textwrap.dedent(
    """
    import os

    from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

    connections.connect(uri=os.environ["MILVUS_URI"])
    SCHEMA = CollectionSchema(
        [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)]
    )


    class Store:
        def __init__(self):
            self.col = None

        def set_collection(self, name):
            self.col = Collection(name)

        def create(self, name):
            self.col = Collection(name, SCHEMA)

        def open_or_create(self, name):
            try:
                self.set_collection(name)
            except Exception:
                self.create(name)

        def add(self, rows):
            self.open_or_create("books")
            self.col.insert(rows)
            self.col.flush()
            print("rows", self.col.num_entities)


    Store().add([{"id": 1, "v": [0.0, 1.0]}])
    """
)


def test_setter_shape_behaves_like_the_orm(milvus_factory, tmp_path: Path) -> None:
    # Before the change the migration exited 1 ("collection 'books' does not exist"); the
    # collection now stays ORM, so both runs create it and count one row.
    original, migrated, outcome = write_pair(tmp_path, "store.py", LIVE)
    assert "self.col = Collection(name)" in outcome.source
    before = run_program(original, milvus_factory(), mode="orm")
    after = run_program(migrated, milvus_factory(), mode="orm")
    assert before.returncode == 0, before.stderr
    assert "rows 1" in before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
