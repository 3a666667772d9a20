# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""Trap 2 and has_collection guards written with `utility.has_collection` itself
(codemods/existence_guards.py, utility_guard_proves): an open-only `Collection(name)` right
after an exit guard (`if not utility.has_collection(name): raise / return / sys.exit()`), or
at the start of the body of `if utility.has_collection(name):`, runs only when the collection
exists, so on the ORM it cannot raise for a missing one either: inside try/except, directly
or through a helper called there, it migrates. Anything that breaks the proof (an `else`, a
different name or alias, a call or a rebinding between guard and open, a guard body that can
fall through, a create with a schema) keeps the collection ORM with its trap-2 finding."""

import textwrap
from pathlib import Path

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check, write_pair
from tests.rig.programs import run_program

HEAD = """import sys

from pymilvus import Collection, connections, utility

connections.connect(uri="http://h:1")
SCHEMA = object()
"""
NEW_HEAD = """import sys
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")
SCHEMA = object()
"""
# A factory that a call inside try/except reaches (the ho03 holdout shape); GUARD is replaced.
FACTORY = (
    HEAD
    + """

def open_loaded(name, other):
    GUARD
    col = Collection(name)
    return col


def count(name):
    try:
        col = open_loaded(name, "x")
        return col.num_entities
    except Exception as e:
        sys.exit(f"count failed: {e}")


if __name__ == "__main__":
    print(count("books"))
"""
)
EXIT = 'if not utility.has_collection(name):\n        raise RuntimeError(f"no collection {name}")'


CHECK = "raise SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % name)"


def _kept(source: str, opened: str = "col = Collection(name)") -> None:
    """No guard proves the open in `source`: a create keeps its collection ORM, reported under
    MM110 as trap 2; an open-only `col = Collection(name)` migrates after the ORM's own
    existence check (codemods/open_check.py; before that check existed, it stayed ORM too)."""
    outcome = migrate_source(textwrap.dedent(source), Options())
    reasons = "\n".join(f.message for f in outcome.findings)
    if opened != "col = Collection(name)":
        assert opened in outcome.source, outcome.source
        assert any(f.code == "MM110" and "(trap 2)" in f.message for f in outcome.findings), reasons
        return
    assert opened not in outcome.source, outcome.source
    assert CHECK + "\n" in outcome.source and "col = name\n" in outcome.source, outcome.source
    assert "(trap 2)" not in reasons, reasons


# ---- positive: the open migrates --------------------------------------------------------


def test_raise_guard_in_a_factory_called_inside_try_migrates():
    # Before: "`open_loaded()` is called inside try/except ... the handler may rely on it
    # (trap 2)", and the collection stayed ORM.
    check(
        FACTORY.replace("GUARD", EXIT),
        NEW_HEAD
        + """

def open_loaded(name, other):
    if not client.has_collection(collection_name=name):
        raise RuntimeError(f"no collection {name}")
    col = name
    return col


def count(name):
    try:
        col = open_loaded(name, "x")
        return client.get_collection_stats(collection_name=col)["row_count"]
    except Exception as e:
        sys.exit(f"count failed: {e}")


if __name__ == "__main__":
    print(count("books"))
""",
    )


def test_return_guard_directly_in_the_try_migrates():
    check(
        HEAD
        + """

def count(name):
    try:
        if not utility.has_collection(name):
            return None
        col = Collection(name)
        return col.num_entities
    except Exception:
        return -1


if __name__ == "__main__":
    print(count("books"))
""",
        NEW_HEAD
        + """

def count(name):
    try:
        if not client.has_collection(collection_name=name):
            return None
        col = name
        return client.get_collection_stats(collection_name=col)["row_count"]
    except Exception:
        return -1


if __name__ == "__main__":
    print(count("books"))
""",
    )


def test_exit_guard_in_a_setter_called_inside_try_migrates():
    check(
        HEAD
        + """

class Store:
    def __init__(self):
        self.col = None

    def set_collection(self, name):
        if not utility.has_collection(name):
            sys.exit(f"no collection {name}")
        self.col = Collection(name)

    def add(self, rows):
        try:
            self.set_collection("books")
            self.col.flush()
        except Exception as e:
            print("add failed:", e)


if __name__ == "__main__":
    Store().add([])
""",
        NEW_HEAD
        + """

class Store:
    def __init__(self):
        self.col = None

    def set_collection(self, name):
        if not client.has_collection(collection_name=name):
            sys.exit(f"no collection {name}")
        self.col = name

    def add(self, rows):
        try:
            self.set_collection("books")
            client.flush(collection_name=self.col)
        except Exception as e:
            print("add failed:", e)


if __name__ == "__main__":
    Store().add([])
""",
    )


def test_log_and_return_guard_with_a_literal_name_and_quiet_statement_between_migrates():
    # A call-free assignment between the guard and the open cannot drop the collection.
    check(
        HEAD
        + """

def flush():
    try:
        if not utility.has_collection("books"):
            print("no collection books")
            return False
        tag = "books" + "!"
        col = Collection("books")
        col.flush()
        return tag
    except Exception as e:
        print("flush failed:", e)


if __name__ == "__main__":
    flush()
""",
        NEW_HEAD
        + """

def flush():
    try:
        if not client.has_collection(collection_name="books"):
            print("no collection books")
            return False
        tag = "books" + "!"
        col = "books"
        client.flush(collection_name=col)
        return tag
    except Exception as e:
        print("flush failed:", e)


if __name__ == "__main__":
    flush()
""",
    )


def test_positive_guard_with_a_local_assigned_once_migrates():
    check(
        HEAD
        + """

def flush(prefix):
    name = prefix + "_docs"
    try:
        if utility.has_collection(name):
            col = Collection(name)
            col.flush()
    except Exception as e:
        print("flush failed:", e)


if __name__ == "__main__":
    flush("app")
""",
        NEW_HEAD
        + """

def flush(prefix):
    name = prefix + "_docs"
    try:
        if client.has_collection(collection_name=name):
            col = name
            client.flush(collection_name=col)
    except Exception as e:
        print("flush failed:", e)


if __name__ == "__main__":
    flush("app")
""",
    )


def test_exit_guard_before_a_try_that_opens_first_migrates():
    # The holdout3 ho33 shape: the guard sits before the `try:`, the open starts its body, so
    # nothing runs between the check and the open and the handler cannot see a missing one.
    check(
        HEAD
        + """

def remove(name, doc):
    if not utility.has_collection(name):
        return True
    try:
        col = Collection(name)
        col.delete(f"doc == {doc}")
        return True
    except Exception as e:
        print("remove failed:", e)
        return False


if __name__ == "__main__":
    remove("books", 1)
""",
        NEW_HEAD
        + """

def remove(name, doc):
    if not client.has_collection(collection_name=name):
        return True
    try:
        col = name
        client.delete(collection_name=col, filter=f"doc == {doc}")
        return True
    except Exception as e:
        print("remove failed:", e)
        return False


if __name__ == "__main__":
    remove("books", 1)
""",
    )


# ---- negative: the open stays ORM (trap 2) ----------------------------------------------


def test_call_in_the_try_before_the_open_keeps_the_collection_orm():
    _kept(
        HEAD
        + """

def remove(name):
    if not utility.has_collection(name):
        return True
    try:
        log("opening", name)
        col = Collection(name)
        col.flush()
    except Exception as e:
        print("remove failed:", e)


if __name__ == "__main__":
    remove("books")
"""
    )


def test_statement_between_the_guard_and_the_try_keeps_the_collection_orm():
    _kept(
        HEAD
        + """

def remove(name):
    if not utility.has_collection(name):
        return True
    utility.drop_collection(name)
    try:
        col = Collection(name)
        col.flush()
    except Exception as e:
        print("remove failed:", e)


if __name__ == "__main__":
    remove("books")
"""
    )


def test_guard_with_else_keeps_the_collection_orm():
    _kept(FACTORY.replace("GUARD", EXIT + "\n    else:\n        print('found')"))


def test_guard_on_another_name_keeps_the_collection_orm():
    _kept(FACTORY.replace("GUARD", EXIT.replace("has_collection(name)", "has_collection(other)")))


def test_guard_on_another_alias_keeps_the_collection_orm():
    _kept(
        FACTORY.replace(
            "GUARD", EXIT.replace("has_collection(name)", 'has_collection(name, using="other")')
        )
    )


def test_drop_between_guard_and_open_keeps_the_collection_orm():
    _kept(FACTORY.replace("GUARD", EXIT + "\n    utility.drop_collection(name)"))


def test_any_call_between_guard_and_open_keeps_the_collection_orm():
    # The guard is not directly before the open: what the call runs is not looked at.
    _kept(FACTORY.replace("GUARD", EXIT + '\n    log("opening", name)'))
    # The builtin print is followed, but not what a call in its arguments runs.
    _kept(FACTORY.replace("GUARD", EXIT + '\n    print("opening", describe(name))'))


def test_a_print_between_guard_and_open_migrates():
    # print writes to stdout; it cannot drop or rename the collection the guard found.
    outcome = migrate_source(FACTORY.replace("GUARD", EXIT + '\n    print(f"opening {name}")'))
    assert "Collection(name)" not in outcome.source, outcome.source
    assert not any("(trap 2)" in f.message for f in outcome.findings), outcome.findings


def test_name_rebound_between_guard_and_open_keeps_the_collection_orm():
    _kept(FACTORY.replace("GUARD", EXIT + "\n    name = other"))


def test_guard_body_that_can_complete_normally_keeps_the_collection_orm():
    _kept(
        FACTORY.replace(
            "GUARD", 'if not utility.has_collection(name):\n        print("missing", name)'
        )
    )
    _kept(
        FACTORY.replace(
            "GUARD",
            "if not utility.has_collection(name):\n        if other:\n            raise RuntimeError(name)",
        )
    )


def test_create_with_schema_after_an_exit_guard_keeps_the_collection_orm():
    # The create can still raise on the ORM for a schema that differs from the existing one.
    _kept(
        FACTORY.replace("GUARD", EXIT).replace("Collection(name)", "Collection(name, SCHEMA)"),
        opened="col = Collection(name, SCHEMA)",
    )


def test_guard_in_the_try_with_else_keeps_the_collection_orm():
    _kept(
        HEAD
        + """

def count(name):
    try:
        if not utility.has_collection(name):
            return None
        else:
            print("found")
        col = Collection(name)
        return col.num_entities
    except Exception:
        return -1


if __name__ == "__main__":
    print(count("books"))
"""
    )


def test_positive_guard_with_a_call_before_the_open_keeps_the_collection_orm():
    _kept(
        HEAD
        + """

def flush(name):
    try:
        if utility.has_collection(name):
            utility.drop_collection(name)
            col = Collection(name)
            col.flush()
    except Exception as e:
        print("flush failed:", e)


if __name__ == "__main__":
    flush("books")
"""
    )


# ---- live: the exit-guard helper behaves as on the ORM ----------------------------------

LIVE = """
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, utility

connections.connect(uri=os.environ["MILVUS_URI"])
SCHEMA = CollectionSchema(
    [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)]
)


def open_loaded(name):
    if not utility.has_collection(name):
        raise RuntimeError(f"no collection {name!r}: run the setup first")
    col = Collection(name)
    col.load()
    return col


def count(name):
    try:
        col = open_loaded(name)
        return col.num_entities
    except Exception as e:
        print("count failed:", e)
        return -1


def size(name):
    try:
        if not utility.has_collection(name):
            return None
        col = Collection(name)
        return col.num_entities
    except Exception as e:
        print("size failed:", e)
        return -1


def rows(name):
    if not utility.has_collection(name):
        return []
    try:
        col = Collection(name)
        col.load()
        return [r["id"] for r in col.query(expr="id >= 0", output_fields=["id"])]
    except Exception as e:
        print("rows failed:", e)
        return None


def setup():
    col = Collection("books", SCHEMA)
    col.insert([{"id": 1, "v": [0.0, 1.0]}])
    col.flush()
    col.create_index("v", {"index_type": "FLAT", "metric_type": "L2", "params": {}})


if __name__ == "__main__":
    setup()
    print("books", count("books"), size("books"), rows("books"))
    print("missing", count("missing"), size("missing"), rows("missing"))
"""


def test_exit_guard_shape_behaves_like_the_orm(milvus_factory, tmp_path: Path) -> None:
    """All three opens migrate; on a present and on a missing collection the migrated program
    prints what the ORM one does (the guard's own RuntimeError reaches the handler in both)."""
    original, migrated, outcome = write_pair(tmp_path, "books.py", LIVE)
    assert "Collection(name)" not in outcome.source, outcome.source
    before = run_program(original, milvus_factory(), mode="orm")
    after = run_program(migrated, milvus_factory(), mode="orm")
    assert before.returncode == 0, before.stderr
    assert "books 1 1 [1]" in before.stdout
    assert "count failed: no collection 'missing'" in before.stdout
    assert "missing -1 None []" in before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
