# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""MM113: uses of a None-initialised held collection that are not proven to run after the
attribute is set (codemods/held_collections.py) migrate only with --unsafe-fixes; without it
they are reported as needing that unsafe fix. Only this obstacle is lifted."""

from codemods import migrate_source
from codemods.base import Options
from codemods.held_collections import UNSAFE_NOTE
from tests.codemods.cm_helpers import check

HEAD = """from pymilvus import Collection, connections, utility
connections.connect(uri="http://h:1")


"""
NEW_HEAD = """from pymilvus.exceptions import ExceptionsMessage, ParamError
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")


"""
KEPT_HEAD = """from pymilvus import MilvusClient, Collection, connections
connections.connect(uri="http://h:1")
client = MilvusClient(uri="http://h:1")


"""

# The shape of tests/fixtures/realworld/rw32_db_compare_adapter.py: recreate() sets the
# attribute, the other methods use it unchecked (the caller is expected to call it first).
ADAPTER = """class Adapter:
    def __init__(self, dim):
        self.dim = dim
        self.col = None

    def recreate(self, name, schema):
        if utility.has_collection(name):
            utility.drop_collection(name)
        self.col = Collection(name, schema)

    def add(self, rows):
        self.col.insert(rows)

    def finish(self):
        self.col.flush()
        self.col.load()

    def count(self):
        return self.col.num_entities
"""
NEW_ADAPTER = """class Adapter:
    def __init__(self, dim):
        self.dim = dim
        self.col = None

    def recreate(self, name, schema):
        if client.has_collection(collection_name=name):
            client.drop_collection(collection_name=name)
        client.create_collection(collection_name=name, schema=schema)
        self.col = name

    def add(self, rows):
        if len(rows) == 0:
            raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)
        client.insert(collection_name=self.col, data=rows)

    def finish(self):
        client.flush(collection_name=self.col)
        client.load_collection(collection_name=self.col)

    def count(self):
        return client.get_collection_stats(collection_name=self.col)["row_count"]
"""
UNCHECKED_LINES = (12, 15, 16, 19)  # the four uses of self.col after recreate()


def _kept(body: str) -> str:
    return body.replace(
        "utility.has_collection(name)", "client.has_collection(collection_name=name)"
    ).replace("utility.drop_collection(name)", "client.drop_collection(collection_name=name)")


def test_unchecked_uses_migrate_with_unsafe_fixes():
    findings = check(HEAD + ADAPTER, NEW_HEAD + NEW_ADAPTER, unsafe_fixes=True)
    # Only insert()'s usual note on rows of an unseen shape is left.
    assert [f.code for f in findings] == ["MM130"], findings
    assert "may still be None" not in findings[0].message


def test_unchecked_uses_are_reported_as_an_unsafe_fix_without_the_flag():
    findings = check(HEAD + ADAPTER, KEPT_HEAD + _kept(ADAPTER))
    unsafe = [f for f in findings if UNSAFE_NOTE in f.message]
    # Each use is reported by its own rule and by MM110 for the collection, and the
    # `Collection(...)` (line 9) by MM110 too, naming the first of those uses.
    assert sorted({f.line - HEAD.count("\n") for f in unsafe}) == [9, *UNCHECKED_LINES]
    (ctor,) = [f for f in unsafe if f.line - HEAD.count("\n") == 9]
    assert ctor.code == "MM110" and f"(see line {HEAD.count(chr(10)) + 12})" in ctor.message
    assert {f.code for f in unsafe} == {"MM110", "MM111", "MM112", "MM130"}
    assert all("may still be None here" in f.message for f in unsafe)
    assert all(f.suggestion == "rerun with --unsafe-fixes" for f in unsafe)
    assert all(UNSAFE_NOTE in f.message for f in findings if f.code != "MM101")


def test_proven_uses_need_no_unsafe_fix():
    # A presence test that leaves the method proves the use: migrated by default.
    body = ADAPTER.replace(
        "    def add(self, rows):\n",
        "    def add(self, rows):\n        if self.col is None:\n            return\n",
    )
    outcome = migrate_source(HEAD + body, Options())
    insert_line = HEAD.count("\n") + 14
    # MM110 reports each obstacle where it is: the guarded insert is none, the others are.
    obstacles = {f.line for f in outcome.findings if f.code == "MM110"}
    assert insert_line not in obstacles and obstacles, outcome.findings
    assert any(UNSAFE_NOTE in f.message for f in outcome.findings)


def _blocked_under_unsafe(body: str, reason: str) -> None:
    """`body` stays ORM with --unsafe-fixes, for `reason`, and is not offered the unsafe fix."""
    findings = check(HEAD + body, KEPT_HEAD + _kept(body), unsafe_fixes=True)
    messages = "\n".join(f.message for f in findings)
    assert any(f.code == "MM110" for f in findings), messages
    assert reason in messages, messages
    assert UNSAFE_NOTE not in messages, messages
    assert all(f.suggestion != "rerun with --unsafe-fixes" for f in findings), findings


CLOSE = "\n    def close(self):\n        self.col = None\n"


def test_none_stored_again_outside_init_migrates_with_unsafe_fixes():
    # close() may run between any test and a use (u040 resets its collection in several
    # methods): the attribute stays a plain None-or-name holder, and each use needs MM113.
    findings = check(HEAD + ADAPTER + CLOSE, NEW_HEAD + NEW_ADAPTER + CLOSE, unsafe_fixes=True)
    assert [f.code for f in findings] == ["MM130"], findings


def test_none_stored_again_outside_init_voids_a_guard_without_the_flag():
    # The guard that proves the insert alone (test_proven_uses_need_no_unsafe_fix) proves
    # nothing once another method may reset the attribute.
    body = ADAPTER.replace(
        "    def add(self, rows):\n",
        "    def add(self, rows):\n        if self.col is None:\n            return\n",
    )
    source = HEAD + body + CLOSE
    findings = check(source, KEPT_HEAD + _kept(body + CLOSE))
    insert_line = HEAD.count("\n") + 14
    (insert,) = [f for f in findings if f.line == insert_line and f.code == "MM130"]
    reset = f"`close()` sets it to None again (line {source.count(chr(10))})"
    assert reset in insert.message, insert.message
    assert UNSAFE_NOTE in insert.message and insert.suggestion == "rerun with --unsafe-fixes"


def test_attribute_stored_outside_the_class_still_blocks():
    body = ADAPTER + '\n\nAdapter(2).col = Collection("other")\n'
    _blocked_under_unsafe(body, "is also stored outside the methods of its class")


def test_use_as_an_object_still_blocks():
    body = ADAPTER + "\n    def show(self):\n        print(self.col)\n"
    _blocked_under_unsafe(body, "is passed to code that may expect a Collection object")


def test_method_without_a_rewrite_still_blocks():
    body = ADAPTER + "\n    def odd(self):\n        print(self.col.get_replicas())\n"
    _blocked_under_unsafe(body, "has no MilvusClient rewrite")


def test_mixed_obstacles_suggest_a_manual_rewrite_without_the_flag():
    # One use needs the unsafe fix, another can never be migrated: the flag would not help.
    body = ADAPTER + "\n    def show(self):\n        print(self.col)\n"
    findings = check(HEAD + body, KEPT_HEAD + _kept(body))
    assert any(UNSAFE_NOTE in f.message for f in findings)
    assert all(f.suggestion != "rerun with --unsafe-fixes" for f in findings), findings


def test_mm113_suppressed_or_ignored_keeps_the_report():
    # `ignore[MM113]` on one use keeps that use, hence the whole collection, ORM.
    body = ADAPTER.replace(
        "        self.col.insert(rows)\n",
        "        self.col.insert(rows)  # milvus-migrate: ignore[MM113]\n",
    )
    findings = check(HEAD + body, KEPT_HEAD + _kept(body), unsafe_fixes=True)
    assert any(UNSAFE_NOTE in f.message for f in findings), findings
    findings = check(
        HEAD + ADAPTER, KEPT_HEAD + _kept(ADAPTER), unsafe_fixes=True, ignore=("MM113",)
    )
    assert any(UNSAFE_NOTE in f.message for f in findings), findings


def test_attribute_set_through_setattr_still_blocks():
    body = ADAPTER + '\n    def reset(self):\n        setattr(self, "col", None)\n'
    _blocked_under_unsafe(body, "may be set through setattr() or __dict__ in this module")


def test_init_called_again_still_blocks():
    body = ADAPTER + "\n    def restart(self):\n        self.__init__(self.dim)\n"
    _blocked_under_unsafe(body, "may be reset to None by a call of __init__")
