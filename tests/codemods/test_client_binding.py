# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""A client that MM101 binds inside a function (`global client; client = MilvusClient(...)`)
is used only where that binding surely ran first (codemods/client_binding.py,
OrmModel.client_unbound_problem): on the ORM the connection is process-global by alias, so a
library function that never connects works for an importer that connected the alias itself,
while `client.<call>` there would raise NameError. Positives still migrate (a script; the
same function after the connect; a private helper whose callers run after it; methods of the
class whose `__init__` binds it); negatives keep their ORM calls, the connect stays next to
the client (MM101) and the finding says why. The live reproducer is
tests/fixtures/realworld_holdout2/repros/connect_in_library_function (test_holdout_repros)."""

import pytest

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check

UNBOUND = "importers that connect 'default' on their own would reach an unbound `client`"

POSITIVES = {
    # script: the in-module calls are all the calls (as before)
    "script": (
        """\
from pymilvus import connections, utility


def show():
    print(utility.list_collections())


def main():
    connections.connect(uri="http://h:1")
    show()


if __name__ == "__main__":
    main()
""",
        """\
from pymilvus import MilvusClient


def show():
    print(client.list_collections())


def main():
    global client
    client = MilvusClient(uri="http://h:1")
    show()


if __name__ == "__main__":
    main()
""",
    ),
    # in the connecting function, after the connect
    "same_function": (
        """\
from pymilvus import connections, utility


def run():
    connections.connect(uri="http://h:1")
    print(utility.list_collections())
""",
        """\
from pymilvus import MilvusClient


def run():
    global client
    client = MilvusClient(uri="http://h:1")
    print(client.list_collections())
""",
    ),
    # a private helper whose only caller runs after the connect
    "private_helper_after_connect": (
        """\
from pymilvus import connections, utility


def run():
    connections.connect(uri="http://h:1")
    _show("books")


def _show(name):
    print(utility.has_collection(name))
""",
        """\
from pymilvus import MilvusClient


def run():
    global client
    client = MilvusClient(uri="http://h:1")
    _show("books")


def _show(name):
    print(client.has_collection(collection_name=name))
""",
    ),
    # methods of the class whose __init__ connects (a Collection attribute too)
    "method_of_connecting_class": (
        """\
from pymilvus import Collection, connections, utility


class Store:
    def __init__(self, name):
        self.name = name
        connections.connect(uri="http://h:1")
        self.col = Collection(name)

    def exists(self):
        return utility.has_collection(self.name)

    def count(self):
        return self.col.num_entities
""",
        """\
from pymilvus import MilvusClient


class Store:
    def __init__(self, name):
        self.name = name
        global client
        client = MilvusClient(uri="http://h:1")
        self.col = name

    def exists(self):
        return client.has_collection(collection_name=self.name)

    def count(self):
        return client.get_collection_stats(collection_name=self.col)["row_count"]
""",
    ),
    # __init__ binds the client through `self._open()` (rw03 shape)
    "connect_through_private_method": (
        """\
from pymilvus import connections, utility


class Store:
    def __init__(self, uri):
        self.uri = uri
        self._open()

    def _open(self):
        connections.connect(uri=self.uri)

    def names(self):
        return utility.list_collections()
""",
        """\
from pymilvus import MilvusClient


class Store:
    def __init__(self, uri):
        self.uri = uri
        self._open()

    def _open(self):
        global client
        client = MilvusClient(uri=self.uri, db_name="default")

    def names(self):
        return client.list_collections()
""",
    ),
    # `if not has_connection(a): connect()` binds it either way (rw28 shape)
    "has_connection_guard": (
        """\
from pymilvus import connections, utility


def _connect():
    if not connections.has_connection("default"):
        connections.connect(uri="http://h:1")


def names():
    _connect()
    return utility.list_collections()
""",
        """\
from pymilvus import MilvusClient


def _connect():
    if "client" not in globals():
        global client
        client = MilvusClient(uri="http://h:1")


def names():
    _connect()
    return client.list_collections()
""",
    ),
    # the connect's handler exits, so an instance means a bound client (rw05 shape)
    "try_whose_handler_exits": (
        """\
import sys

from pymilvus import connections, utility


class Store:
    def __init__(self):
        try:
            connections.connect(uri="http://h:1")
        except Exception as e:
            print("connect failed:", e)
            sys.exit(1)

    def names(self):
        return utility.list_collections()
""",
        """\
import sys
from pymilvus import MilvusClient


class Store:
    def __init__(self):
        try:
            global client
            client = MilvusClient(uri="http://h:1")
        except Exception as e:
            print("connect failed:", e)
            sys.exit(1)

    def names(self):
        return client.list_collections()
""",
    ),
}
NEGATIVES = {
    # ho16: a public function of a library that never connects
    "public_function_without_connect": (
        """\
from pymilvus import Collection, connections, utility


def open_faces(name):
    if utility.has_collection(name):
        return Collection(name)
    return None


class FaceMatcher:
    def __init__(self):
        connections.connect(uri="http://h:1")
        self.col = Collection("faces")

    def count(self):
        return self.col.num_entities
""",
        """\
from pymilvus import MilvusClient, Collection, connections, utility


def open_faces(name):
    if utility.has_collection(name):
        return Collection(name)
    return None


class FaceMatcher:
    def __init__(self):
        connections.connect(uri="http://h:1")
        global client
        client = MilvusClient(uri="http://h:1")
        self.col = "faces"

    def count(self):
        return client.get_collection_stats(collection_name=self.col)["row_count"]
""",
    ),
    # the library's own connect() may be skipped by an importer
    "public_connect_function": (
        """\
from pymilvus import connections, utility


def connect():
    connections.connect(uri="http://h:1")


def names():
    return utility.list_collections()
""",
        """\
from pymilvus import connections, utility


def connect():
    connections.connect(uri="http://h:1")


def names():
    return utility.list_collections()
""",
    ),
    # the connect is in a branch the use does not need
    "connect_in_a_branch": (
        """\
from pymilvus import connections, utility


def run(fresh):
    if fresh:
        connections.connect(uri="http://h:1")
    print(utility.list_collections())
""",
        """\
from pymilvus import connections, utility


def run(fresh):
    if fresh:
        connections.connect(uri="http://h:1")
    print(utility.list_collections())
""",
    ),
    # __init__ calls a method before it connects
    "method_called_before_connect": (
        """\
from pymilvus import connections, utility


class Store:
    def __init__(self):
        self.setup()
        connections.connect(uri="http://h:1")

    def setup(self):
        print(utility.list_collections())
""",
        """\
from pymilvus import connections, utility


class Store:
    def __init__(self):
        self.setup()
        connections.connect(uri="http://h:1")

    def setup(self):
        print(utility.list_collections())
""",
    ),
    # a failed connect still makes an instance
    "try_whose_handler_falls_through": (
        """\
from pymilvus import connections, utility


class Store:
    def __init__(self):
        try:
            connections.connect(uri="http://h:1")
        except Exception as e:
            print("connect failed:", e)

    def names(self):
        return utility.list_collections()
""",
        """\
from pymilvus import connections, utility


class Store:
    def __init__(self):
        try:
            connections.connect(uri="http://h:1")
        except Exception as e:
            print("connect failed:", e)

    def names(self):
        return utility.list_collections()
""",
    ),
    # a private helper with one caller that does not connect
    "helper_also_called_before_connect": (
        """\
from pymilvus import connections, utility


def report():
    _show()


def run():
    connections.connect(uri="http://h:1")
    _show()


def _show():
    print(utility.list_collections())
""",
        """\
from pymilvus import connections, utility


def report():
    _show()


def run():
    connections.connect(uri="http://h:1")
    _show()


def _show():
    print(utility.list_collections())
""",
    ),
    # __init__ may return before it connects
    "init_returns_before_connect": (
        """\
from pymilvus import connections, utility


class Store:
    def __init__(self, ready):
        if ready:
            return
        connections.connect(uri="http://h:1")

    def names(self):
        return utility.list_collections()
""",
        """\
from pymilvus import connections, utility


class Store:
    def __init__(self, ready):
        if ready:
            return
        connections.connect(uri="http://h:1")

    def names(self):
        return utility.list_collections()
""",
    ),
    # a static method needs no instance
    "static_method": (
        """\
from pymilvus import connections, utility


class Store:
    def __init__(self):
        connections.connect(uri="http://h:1")

    @staticmethod
    def names():
        return utility.list_collections()
""",
        """\
from pymilvus import connections, utility


class Store:
    def __init__(self):
        connections.connect(uri="http://h:1")

    @staticmethod
    def names():
        return utility.list_collections()
""",
    ),
    # a Collection() (bound or inline) in a public function
    "collection_in_public_function": (
        """\
from pymilvus import Collection, connections


def count(name):
    col = Collection(name)
    return col.num_entities


def peek():
    return Collection("books").num_entities


class Store:
    def __init__(self):
        connections.connect(uri="http://h:1")
""",
        """\
from pymilvus import Collection, connections


def count(name):
    col = Collection(name)
    return col.num_entities


def peek():
    return Collection("books").num_entities


class Store:
    def __init__(self):
        connections.connect(uri="http://h:1")
""",
    ),
}


@pytest.mark.parametrize("case", sorted(POSITIVES))
def test_client_bound_first_migrates(case: str) -> None:
    before, after = POSITIVES[case]
    findings = check(before, after)
    assert not [f for f in findings if UNBOUND in f.message], findings


@pytest.mark.parametrize("case", sorted(NEGATIVES))
def test_client_maybe_unbound_stays_orm(case: str) -> None:
    before, after = NEGATIVES[case]
    findings = check(before, after)
    assert [f for f in findings if UNBOUND in f.message], findings
    # The ORM code left needs the ORM connection: the connect is kept, next to the client
    # when other code migrates to it, else alone (a client nothing reads would be noise).
    assert "connections.connect(" in after
    kept = "kept next to the new client" if "client." in after else "no client next to it"
    assert ("MilvusClient(" in after) == ("client." in after)
    assert any(f.code == "MM101" and kept in f.message for f in findings)


def test_ho16_shape_keeps_the_public_function() -> None:
    """The issue's file: `open_faces()` keeps `utility.has_collection`, the connecting class
    and the script function still migrate."""
    source = open("tests/fixtures/realworld_holdout2/ho16_face_match_service.py").read()
    outcome = migrate_source(source, Options())
    assert "    exists = utility.has_collection(name)\n" in outcome.source
    assert "client.load_collection(collection_name=self.collection)" in outcome.source
    assert 'present = client.has_collection(collection_name="faces")' in outcome.source
    (finding,) = [f for f in outcome.findings if f.code == "MM160"]
    assert finding.line == 19 and UNBOUND in finding.message


def test_maybe_unbound_use_names_the_unsafe_fix() -> None:
    """Without --unsafe-fixes the finding says which unsafe fix would lift it (MM104), so
    the report counts it among the fixes a rerun with the flag would apply."""
    before, _ = NEGATIVES["public_connect_function"]
    outcome = migrate_source(before, Options())
    (finding,) = [f for f in outcome.findings if UNBOUND in f.message]
    assert "MM104 needs an unsafe fix" in finding.message, finding.message


def test_unsafe_fixes_migrate_a_use_that_may_run_before_the_binding() -> None:
    """MM104 (unsafe): with --unsafe-fixes the use migrates, on the assumption that importers
    call the connecting function first; the connect then needs no ORM connection beside it."""
    before, _ = NEGATIVES["public_connect_function"]
    findings = check(
        before,
        """\
from pymilvus import MilvusClient


def connect():
    global client
    client = MilvusClient(uri="http://h:1")


def names():
    return client.list_collections()
""",
        unsafe_fixes=True,
    )
    assert not [f for f in findings if UNBOUND in f.message], findings


def test_unsafe_fixes_do_not_apply_mm104_when_it_is_ignored() -> None:
    before, after = NEGATIVES["public_connect_function"]
    findings = check(before, after, unsafe_fixes=True, ignore=("MM104",))
    assert [f for f in findings if UNBOUND in f.message], findings


@pytest.mark.parametrize("case", sorted(NEGATIVES))
def test_unsafe_fixes_lift_only_the_unbound_client_reason(case: str) -> None:
    """With --unsafe-fixes no use is kept for the unbound-client reason; every output still
    parses and a second run changes nothing (check)."""
    before, _ = NEGATIVES[case]
    outcome = migrate_source(before, Options(unsafe_fixes=True))
    assert not [f for f in outcome.findings if UNBOUND in f.message], outcome.findings
    again = migrate_source(outcome.source, Options(unsafe_fixes=True))
    assert again.source == outcome.source


LIB = """\
import os

from pymilvus import CollectionSchema, DataType, FieldSchema, Collection, connections, utility


def open_connection():
    connections.connect(uri=os.environ["MILVUS_URI"])


def create(name):
    schema = CollectionSchema(
        [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)]
    )
    Collection(name, schema)


def names():
    return sorted(utility.list_collections())


def drop(name):
    utility.drop_collection(name)
"""
MAIN = """\
import steps

steps.open_connection()
steps.create("a")
steps.create("b")
print(steps.names())
steps.drop("a")
print(steps.names())
"""


def test_unsafe_fix_behaves_like_the_orm_when_the_connect_helper_runs_first(
    milvus_factory, tmp_path
) -> None:
    """The ho28 shape (a step module whose connect is a public helper) migrated with
    --unsafe-fixes, driven by a script that calls the helper first as it is meant to be: the
    same output and server state as on the ORM, with deprecation warnings as errors."""
    from tests.rig.programs import run_program

    outcome = migrate_source(LIB, Options(unsafe_fixes=True))
    assert "connections" not in outcome.source and "utility" not in outcome.source, outcome.source
    runs = []
    for label, lib in (("orm", LIB), ("migrated", outcome.source)):
        folder = tmp_path / label
        folder.mkdir()
        (folder / "steps.py").write_text(lib, encoding="utf-8")
        (folder / "main.py").write_text(MAIN, encoding="utf-8")
        mode = "orm" if label == "orm" else "strict"
        runs.append(run_program(folder / "main.py", milvus_factory(), mode=mode))
    before, after = runs
    assert before.returncode == 0, before.stderr
    assert "['a', 'b']\n['b']" in before.stdout
    assert after.returncode == 0, after.stderr
    assert (after.stdout, after.state) == (before.stdout, before.state)


def test_a_client_no_connect_binds_is_not_offered_to_orm_code_even_unsafely():
    # holdout4's ho42: the module never connects the ORM; its own lazily made MilvusClient may
    # serve another server or database, so it does not stand for the alias, neither by default
    # nor with the unsafe fix (which assumes the module's connecting function ran first).
    before = (
        "from pymilvus import MilvusClient, utility\n"
        "_shared = None\n\n\n"
        "def client():\n"
        "    global _shared\n"
        "    if _shared is None:\n"
        '        _shared = MilvusClient(uri="http://h:1")\n'
        "    return _shared\n\n\n"
        "def names():\n"
        "    return utility.list_collections()\n"
    )
    for unsafe in (False, True):
        outcome = migrate_source(before, Options(unsafe_fixes=unsafe))
        assert outcome.source == before
        (finding,) = [f for f in outcome.findings if f.line == 13]
        assert "no MilvusClient for connection alias 'default'" in finding.message
        assert "unsafe" not in finding.message
