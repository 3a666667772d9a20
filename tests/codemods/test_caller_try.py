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
ROWS = [{"id": 1}]  # visibly a row: an empty insert is MM133's concern

"""
NEW_HEAD = """from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")
SCHEMA = None
ROWS = [{"id": 1}]  # visibly a row: an empty insert is MM133's concern

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
        if not client.has_collection(collection_name=name):
            client.create_collection(collection_name=name, schema=SCHEMA)
        self.col = name

"""
ADD = """    def add(self, rows):
        self.set_collection("books")
        self.col.insert(ROWS)
"""
NEW_ADD = """    def add(self, rows):
        self.set_collection("books")
        client.insert(collection_name=self.col, data=ROWS)
"""


def _migrate(source: str, **options):
    outcome = migrate_source(source, Options(**options))
    return outcome, "\n".join(f.message for f in outcome.findings)


CHECK = "raise SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % name)"


def _kept(source: str, reason: str, **options) -> None:
    """A call inside try/except reaches the open `self.col = Collection(name)` in `source`,
    for `reason`: the open migrates after the ORM's own existence check (codemods/open_check.py;
    before that check existed, it kept the collection ORM with `reason` as its MM110 finding)."""
    outcome, reasons = _migrate(source, **options)
    assert "self.col = Collection(name)" not in outcome.source, outcome.source
    assert CHECK + "\n" in outcome.source and "self.col = name" in outcome.source, outcome.source
    assert any(
        c.code == "MM110" and "existence check" in c.summary and reason in c.summary
        for c in outcome.changes
    ), outcome.changes
    assert "(trap 2)" not in reasons


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
        + "        self.col.insert(ROWS)\n"
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
        + "        self.col.insert(ROWS)\n"
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
        + "        self.col.insert(ROWS)\n"
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
    # `self.col` may still be None at the insert (MM113): only --unsafe-fixes migrates it.
    _kept(
        source,
        "`make_store()` is called inside try/except (line 25) and reaches the ORM Collection() at line 13",
        unsafe_fixes=True,
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
            "            self.col.insert(ROWS)\n"
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
            "            client.insert(collection_name=self.col, data=ROWS)\n"
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
            "            self.col.insert(ROWS)\n"
            "        else:\n"
            '            self.set_collection("books")\n'
            "            self.col.insert(ROWS)\n"
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
        + "            self.col.insert(ROWS)\n"
        + "        except Exception as e:\n"
        + "            sys.exit(str(e))\n"
    ).replace("import Collection, connections", "import Collection, connections, utility")
    outcome, reasons = _migrate(source)
    assert "Collection(" not in outcome.source, reasons
    assert "(trap 2)" not in reasons


def test_method_on_a_variable_holding_an_instance_keeps_the_collection_orm():
    # Before: `store.set_collection` was not resolved (the receiver is a variable) and the
    # collection migrated silently. Now `store = Store()` proves the receiver's class.
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
    _kept(
        source,
        "`set_collection()` is called inside try/except (line 24) and reaches the ORM "
        "Collection() at line 12",
    )


SERVICE = """class Service:
    def __init__(self):
        self.store = Store()

    def open(self, name):
        try:
            self.store.set_collection(name)
        except Exception:
            self.store.create(name)
"""


def test_method_on_an_attribute_holding_an_instance_keeps_the_collection_orm():
    # `self.store = Store()` is the only store to any `.store`: the receiver is a Store.
    _kept(
        HEAD + STORE + ADD + "\n\n" + SERVICE,
        "`set_collection()` is called inside try/except (line 28) and reaches the ORM "
        "Collection() at line 12",
    )


def test_method_on_an_annotated_parameter_keeps_the_collection_orm():
    source = (
        HEAD
        + STORE
        + ADD
        + (
            "\n"
            "\n"
            "def open_books(store: Store):\n"
            "    try:\n"
            '        store.set_collection("books")\n'
            "    except Exception:\n"
            '        store.create("books")\n'
        )
    )
    _kept(
        source,
        "`set_collection()` is called inside try/except (line 24) and reaches the ORM "
        "Collection() at line 12",
    )


BASE = """class Base:
    def __init__(self, name):
        self.col = None
        self.name = name

    def set_collection(self, name):
        self.col = Collection(name)

    def create(self, name):
        self.col = Collection(name, SCHEMA)

"""


def test_inherited_method_called_inside_try_keeps_the_collection_orm():
    # Before: `self.set_collection` in Books was not resolved (defined in the base class).
    source = (
        HEAD
        + BASE
        + (
            "\n"
            "class Books(Base):\n"
            "    def open(self):\n"
            "        try:\n"
            "            self.set_collection(self.name)\n"
            "        except Exception:\n"
            "            self.create(self.name)\n"
        )
    )
    _kept(
        source,
        "`set_collection()` is called inside try/except (line 22) and reaches the ORM "
        "Collection() at line 13",
    )


def test_super_init_called_inside_try_keeps_the_collection_orm():
    source = (
        HEAD
        + "class Base:\n"
        + "    def __init__(self, name):\n"
        + "        self.col = Collection(name)\n"
        + "\n"
        + "\n"
        + "class Books(Base):\n"
        + "    def __init__(self, name):\n"
        + "        try:\n"
        + "            super().__init__(name)\n"
        + "        except Exception:\n"
        + "            self.col = Collection(name, SCHEMA)\n"
        + "        self.col.insert([])\n"
    )
    _kept(
        source,
        "`__init__()` is called inside try/except (line 15) and reaches the ORM "
        "Collection() at line 9",
    )


def test_super_method_called_inside_try_keeps_the_collection_orm():
    source = (
        HEAD
        + BASE
        + (
            "\n"
            "class Books(Base):\n"
            "    def set_collection(self, name):\n"
            "        try:\n"
            "            super().set_collection(name)\n"
            "        except Exception:\n"
            "            self.create(name)\n"
        )
    )
    _kept(
        source,
        "`set_collection()` is called inside try/except (line 22) and reaches the ORM "
        "Collection() at line 13",
    )


def test_subclass_constructed_without_its_own_init_runs_the_base_init():
    source = (
        HEAD
        + "class Base:\n"
        + "    def __init__(self, name):\n"
        + "        self.col = Collection(name)\n"
        + "\n"
        + "\n"
        + "class Books(Base):\n"
        + "    pass\n"
        + "\n"
        + "\n"
        + "try:\n"
        + '    books = Books("books")\n'
        + "except Exception:\n"
        + '    Collection("books", SCHEMA)\n'
    )
    _kept(
        source,
        "`Books()` is called inside try/except (line 17) and reaches the ORM Collection() at line 9",
    )


# ---- unresolved receivers: counted as reaching, and said so -------------------------------


def test_method_on_an_unknown_receiver_is_counted_as_reaching():
    # `store` is an unannotated parameter: any object. The module's `set_collection` reaches
    # the open, so the call may too.
    source = (
        HEAD
        + STORE
        + ADD
        + (
            "\n"
            "\n"
            "def open_books(store):\n"
            "    try:\n"
            '        store.set_collection("books")\n'
            "    except Exception:\n"
            '        store.create("books")\n'
        )
    )
    _kept(
        source,
        "`set_collection` is called inside try/except (line 24) and may reach the ORM "
        "Collection() at line 12: the receiver of `set_collection()` (line 24) was not "
        "resolved, and this module's method `set_collection` reaches it",
    )


def test_unknown_receiver_one_call_further_up_is_counted_as_reaching():
    # The unresolved call is not in a try itself; its function is called inside one.
    source = (
        HEAD
        + STORE
        + ADD
        + (
            "\n"
            "\n"
            "def open_books(store):\n"
            '    store.set_collection("books")\n'
            "\n"
            "\n"
            "try:\n"
            "    open_books(Store())\n"
            "except Exception:\n"
            "    pass\n"
        )
    )
    _kept(
        source,
        "`open_books` is called inside try/except (line 27) and may reach the ORM "
        "Collection() at line 12: the receiver of `set_collection()` (line 23) was not resolved",
    )


def test_overridden_method_is_not_resolved_and_counted_as_reaching():
    # Books overrides set_collection, so `self.set_collection` in Base may run either.
    source = (
        HEAD
        + BASE
        + "    def open(self):\n"
        + "        try:\n"
        + "            self.set_collection(self.name)\n"
        + "        except Exception:\n"
        + "            self.create(self.name)\n"
        + "\n"
        + "\n"
        + "class Books(Base):\n"
        + "    def set_collection(self, name):\n"
        + "        print(name)\n"
    )
    _kept(
        source,
        "`set_collection` is called inside try/except (line 20) and may reach the ORM "
        "Collection() at line 13: the receiver of `set_collection()` (line 20) was not resolved",
    )


def test_call_through_a_lambda_is_counted_as_reaching():
    source = (
        "from retrying import retry_call\n"
        + HEAD
        + STORE
        + "    def open(self, name):\n"
        + "        try:\n"
        + "            retry_call(lambda: self.set_collection(name))\n"
        + "        except Exception:\n"
        + "            self.create(name)\n"
    )
    _kept(
        source,
        "a lambda is used as a value inside try/except (line 20) and may reach the ORM Collection() "
        "at line 13: a lambda reaches it, and what it is given to may call it",
    )


def test_method_passed_as_a_callback_is_counted_as_reaching():
    source = (
        "from retrying import retry_call\n"
        + HEAD
        + STORE
        + "    def open(self, name):\n"
        + "        try:\n"
        + "            retry_call(self.set_collection, name)\n"
        + "        except Exception:\n"
        + "            self.create(name)\n"
    )
    _kept(
        source,
        "`set_collection` is used as a value inside try/except (line 20) and may reach the ORM "
        "Collection() at line 13: `set_collection` reaches it, and what it is given to may call it",
    )


def test_method_behind_two_bases_is_not_resolved_and_counted_as_reaching():
    # Only single inheritance is looked through: with two bases the lookup order is not
    # followed, so `self.set_collection` in Books counts as the module's set_collection.
    source = (
        HEAD
        + BASE
        + (
            "\n"
            "class Mixin:\n"
            "    pass\n"
            "\n"
            "\n"
            "class Books(Base, Mixin):\n"
            "    def open(self):\n"
            "        try:\n"
            "            self.set_collection(self.name)\n"
            "        except Exception:\n"
            "            self.create(self.name)\n"
        )
    )
    _kept(
        source,
        "`set_collection` is called inside try/except (line 26) and may reach the ORM "
        "Collection() at line 13: the receiver of `set_collection()` (line 26) was not resolved",
    )


def test_method_read_by_getattr_is_counted_as_reaching():
    source = (
        HEAD
        + STORE
        + "    def open(self, name, how):\n"
        + "        try:\n"
        + "            getattr(self, how)(name)\n"
        + "        except Exception:\n"
        + "            self.create(name)\n"
    )
    _kept(
        source,
        "`getattr` is called inside try/except (line 19) and may reach the ORM "
        "Collection() at line 12: the getattr() may read `set_collection`, which reaches it",
    )


def test_module_function_passed_to_an_imported_callable_is_counted_as_reaching():
    source = (
        "from sched import run_later\n"
        + HEAD
        + STORE
        + ADD
        + (
            "\n"
            "\n"
            "def open_books():\n"
            '    Store().set_collection("books")\n'
            "\n"
            "\n"
            "try:\n"
            "    run_later(open_books)\n"
            "except Exception:\n"
            "    pass\n"
        )
    )
    _kept(
        source,
        "`open_books` is used as a value inside try/except (line 28) and may reach the ORM "
        "Collection() at line 13: `open_books` reaches it, and what it is given to may call it",
    )


# ---- resolution also clears calls that cannot reach the open ----------------------------

OTHER = """class Other:
    def set_collection(self, name):
        self.name = name

"""


def test_method_of_another_proven_class_does_not_count():
    # `other = Other()`: its set_collection is Other's, which opens nothing; the conservative
    # rule for unknown receivers does not apply to a resolved one. (A second set_collection
    # in the module stops method_paths from proving `self.col` set before the insert, so
    # this one migrates with --unsafe-fixes, MM113; trap 2 does not stop it.)
    source = (
        HEAD
        + OTHER
        + STORE
        + ADD
        + (
            "\n"
            "\n"
            "other = Other()\n"
            "try:\n"
            '    other.set_collection("books")\n'
            "except Exception:\n"
            "    pass\n"
        )
    )
    outcome = migrate_source(source, Options(unsafe_fixes=True))
    reasons = "\n".join(f.message for f in outcome.findings)
    assert "Collection(" not in outcome.source, reasons
    assert "(trap 2)" not in reasons


def test_method_of_an_imported_module_does_not_count():
    source = (
        "import registry\n"
        + HEAD
        + STORE
        + ADD
        + ('\n\ntry:\n    registry.set_collection("books")\nexcept Exception:\n    pass\n')
    )
    outcome, reasons = _migrate(source)
    assert "Collection(" not in outcome.source, reasons
    assert "(trap 2)" not in reasons


def test_unknown_receiver_outside_any_try_does_not_count():
    source = (
        HEAD + STORE + ADD + ('\n\ndef open_books(store):\n    store.set_collection("books")\n')
    )
    outcome, reasons = _migrate(source)
    assert "Collection(" not in outcome.source, reasons
    assert "(trap 2)" not in reasons


# ---- live: the setter shape behaves as on the ORM ----------------------------------------

# The class both live programs share: set_collection opens (the ORM raises for a missing
# collection), create makes it; they differ in where the try around the open sits.
LIVE_STORE = """
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
"""

LIVE = LIVE_STORE + textwrap.dedent(
    """
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

LIVE_VARIABLE = LIVE_STORE + textwrap.dedent(
    """
        def add(self, rows):
            self.set_collection("books")
            self.col.insert(rows)
            self.col.flush()
            print("rows", self.col.num_entities)


    store = Store()
    try:
        store.set_collection("books")
    except Exception:
        store.create("books")
    store.add([{"id": 1, "v": [0.0, 1.0]}])
    """
)


def _runs_alike(milvus_factory, tmp_path: Path, program: str) -> None:
    """The open migrates after the ORM's existence check (it kept the collection ORM before
    that check existed), and original and migrated both create it and count a row."""
    original, migrated, outcome = write_pair(tmp_path, "store.py", program)
    assert "self.col = Collection(name)" not in outcome.source, outcome.source
    assert CHECK + "\n" in outcome.source, outcome.source
    before = run_program(original, milvus_factory(), mode="orm")
    after = run_program(migrated, milvus_factory(), mode="orm")
    assert before.returncode == 0, before.stderr
    assert "rows 1" in before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout


def test_setter_shape_behaves_like_the_orm(milvus_factory, tmp_path: Path) -> None:
    # Before the change the migration exited 1 ("collection 'books' does not exist").
    _runs_alike(milvus_factory, tmp_path, LIVE)


def test_variable_receiver_shape_behaves_like_the_orm(milvus_factory, tmp_path: Path) -> None:
    # Shape (a): the call inside the try is on a variable holding a Store. Before the
    # receiver was resolved, the migration turned set_collection into `self.col = name`, so
    # nothing created the collection and the insert failed ("collection 'books' does not
    # exist").
    _runs_alike(milvus_factory, tmp_path, LIVE_VARIABLE)
