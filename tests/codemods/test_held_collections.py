# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""Collections a class keeps in `self.<attr>` behind a None placeholder and hands out through a
property (codemods/held_collections.py): migrated with the locals and factories that fill the
attribute, when every use is a presence test or comes after one that leaves the method."""

from tests.codemods.cm_helpers import check

HEAD = """from typing import Optional
from pymilvus import Collection, connections, utility
connections.connect(uri="http://h:1")


"""
NEW_HEAD = """from typing import Optional
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")


"""
# The ORM code kept next to the new client when the collection stays ORM.
# With an insert of data that may be empty: the ORM's refusal of no rows (MM133) is imported.
GUARD_HEAD = NEW_HEAD.replace(
    "\nfrom pymilvus import",
    "\nfrom pymilvus.exceptions import ExceptionsMessage, ParamError\nfrom pymilvus import",
    1,
)
KEPT_HEAD = """from typing import Optional
from pymilvus import MilvusClient, Collection, connections
connections.connect(uri="http://h:1")
client = MilvusClient(uri="http://h:1")


"""

STORE = """class ChunkStore:
    def __init__(self, name, schema):
        self.name = name
        self._coll: Optional[Collection] = None
        self._prepare(schema)

    def _prepare(self, schema):
        if utility.has_collection(self.name):
            coll = Collection(self.name)
            coll.load()
            self._coll = coll
            return
        coll = Collection(self.name, schema)
        coll.load()
        self._coll = coll

    @property
    def collection(self) -> Collection:
        if self._coll is None:
            raise RuntimeError("not ready")
        return self._coll

    def add(self, rows):
        self.collection.insert(rows)
        self.collection.flush()

    def count(self):
        return self.collection.num_entities
"""
NEW_STORE = """class ChunkStore:
    def __init__(self, name, schema):
        self.name = name
        self._coll: Optional[str] = None
        self._prepare(schema)

    def _prepare(self, schema):
        if client.has_collection(collection_name=self.name):
            coll = self.name
            client.load_collection(collection_name=coll)
            self._coll = coll
            return
        coll = self.name
        client.create_collection(collection_name=coll, schema=schema)
        client.load_collection(collection_name=coll)
        self._coll = coll

    @property
    def collection(self) -> str:
        if self._coll is None:
            raise RuntimeError("not ready")
        return self._coll

    def add(self, rows):
        if len(rows) == 0:
            raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)
        client.insert(collection_name=self.collection, data=rows)
        client.flush(collection_name=self.collection)

    def count(self):
        return client.get_collection_stats(collection_name=self.collection)["row_count"]
"""

QA = """class QaStore:
    def __init__(self, name, schema):
        self.ok = False
        self.qa: Optional[Collection] = None
        self.qa = self._qa_collection(name, schema)
        self.ok = True

    def _qa_collection(self, name, schema) -> Collection:
        if not utility.has_collection(name):
            coll = Collection(name=name, schema=schema)
        coll = Collection(name)
        coll.load()
        return coll

    def add(self, rows):
        if not self.ok or not self.qa:
            return
        self.qa.insert(rows)

    def find(self, vector):
        if self.qa is None:
            return []
        return self.qa.search(data=[vector], anns_field="vec", param={}, limit=3)
"""
NEW_QA = """class QaStore:
    def __init__(self, name, schema):
        self.ok = False
        self.qa: Optional[str] = None
        self.qa = self._qa_collection(name, schema)
        self.ok = True

    def _qa_collection(self, name, schema) -> str:
        if not client.has_collection(collection_name=name):
            coll = name
            client.create_collection(collection_name=coll, schema=schema)
        coll = name
        client.load_collection(collection_name=coll)
        return coll

    def add(self, rows):
        if not self.ok or not self.qa:
            return
        if len(rows) == 0:
            raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)
        client.insert(collection_name=self.qa, data=rows)

    def find(self, vector):
        if self.qa is None:
            return []
        return client.search(collection_name=self.qa, data=[vector], anns_field="vec", search_params={}, limit=3)
"""


def _reasons(findings) -> str:
    return "\n".join(f.message for f in findings)


def test_attribute_behind_a_checked_property_migrates():
    # `self._coll: Optional[Collection] = None`, filled from locals in a helper method and
    # read through a property that raises while it is None: the locals, the attribute and
    # the property's uses all take the name; both annotations follow.
    findings = check(HEAD + STORE, GUARD_HEAD + NEW_STORE)
    assert not any(f.code == "MM110" for f in findings), _reasons(findings)


def test_attribute_filled_by_a_method_factory_and_checked_before_use_migrates():
    # `if not self.ok or not self.qa: return` and `if self.qa is None: return []` leave the
    # method while the placeholder is there; `not self.qa` answers alike for the name.
    findings = check(HEAD + QA, GUARD_HEAD + NEW_QA)
    assert not any(f.code == "MM110" for f in findings), _reasons(findings)


def _kept(body: str) -> str:
    return body.replace(
        "utility.has_collection(self.name)", "client.has_collection(collection_name=self.name)"
    ).replace("utility.has_collection(name)", "client.has_collection(collection_name=name)")


def _stays_orm(body: str, *reasons: str, alone: bool = False) -> None:
    # alone: nothing else in the module migrates, so nothing changes (the connect stays without
    # a client nothing would read).
    findings = check(HEAD + body, HEAD + body if alone else KEPT_HEAD + _kept(body))
    assert any(f.code == "MM110" for f in findings), _reasons(findings)
    for reason in reasons:
        assert reason in _reasons(findings), _reasons(findings)


def test_use_without_a_check_that_leaves_the_method_stays_orm():
    # The check only logs: insert() may still meet None (AttributeError on the ORM, a client
    # error after migration), as __init__ sets it only for a name.
    body = QA.replace(
        "        if not self.ok or not self.qa:\n            return\n",
        '        if not self.qa:\n            print("no qa")\n',
    ).replace(
        "        self.qa = self._qa_collection(name, schema)\n",
        "        if name:\n            self.qa = self._qa_collection(name, schema)\n",
    )
    _stays_orm(body, "`self.qa` may still be None here")


def test_use_in_init_after_the_placeholder_stays_orm():
    body = QA.replace(
        "        self.qa = self._qa_collection(name, schema)\n",
        "        self.qa.flush()\n        self.qa = self._qa_collection(name, schema)\n",
    )
    _stays_orm(body, "`self.qa` may still be None here")


def test_use_in_init_after_the_store_migrates():
    # v030 of the fifth sample: __init__ stores the collection, then indexes and loads it.
    flush = "        self.qa.flush()\n"
    body = QA.replace("        self.ok = True\n", "        self.ok = True\n" + flush)
    new = NEW_QA.replace(
        "        self.ok = True\n",
        "        self.ok = True\n        client.flush(collection_name=self.qa)\n",
    )
    check(HEAD + body, GUARD_HEAD + new)


CLOSE = "\n    def close(self):\n        self.qa = None\n"


def test_placeholder_stored_again_outside_init_voids_a_check_a_call_follows():
    # close() may run in the call between add()'s check and its use (a builtin's, a pymilvus
    # name's or a client call would not count).
    body = QA.replace("            return\n", "            return\n        self.audit(rows)\n", 1)
    _stays_orm(body + CLOSE, "`close()` sets it to None again (line 32)")


def test_placeholder_stored_again_outside_init_keeps_a_check_right_before_the_use():
    # Nothing runs between each check and its use, so close() cannot either.
    check(HEAD + QA + CLOSE, GUARD_HEAD + NEW_QA + CLOSE)


def test_property_read_from_outside_the_class_stays_orm():
    # The caller would get a name where it had a Collection.
    body = STORE + '\n\nprint(ChunkStore("a", None).collection.num_entities)\n'
    _stays_orm(body, "property `collection` is read outside its class")


def test_property_with_a_setter_is_no_accessor():
    body = STORE.replace(
        "    def add(self, rows):\n",
        "    @collection.setter\n    def collection(self, value):\n        self._coll = value\n\n    def add(self, rows):\n",
    )
    _stays_orm(body)


CACHE = """class Cache:
    def __init__(self):
        self.col = None

    def open(self, name):
        self.col = Collection(name)
        self.col.load()

    def count(self):
        return self.col.num_entities if self.col else 0

    def flush(self):
        if self.col:
            self.col.flush()

    def release(self):
        if self.col is None:
            print("nothing to release")
        else:
            self.col.release()

    def drop(self):
        self.col is not None and self.col.drop()
"""
NEW_CACHE = """class Cache:
    def __init__(self):
        self.col = None

    def open(self, name):
        self.col = name
        client.load_collection(collection_name=self.col)

    def count(self):
        return client.get_collection_stats(collection_name=self.col)["row_count"] if self.col else 0

    def flush(self):
        if self.col:
            client.flush(collection_name=self.col)

    def release(self):
        if self.col is None:
            print("nothing to release")
        else:
            client.release_collection(collection_name=self.col)

    def drop(self):
        self.col is not None and client.drop_collection(collection_name=self.col)
"""


def test_uses_after_a_store_or_inside_a_branch_that_tests_the_attribute_migrate():
    # load() follows the store in its block; the others run only on the branch (of an `if`,
    # its `else`, a conditional expression, an `and`) where a test says the attribute is set.
    findings = check(HEAD + CACHE, NEW_HEAD + NEW_CACHE)
    assert not any(f.code == "MM110" for f in findings), _reasons(findings)


def test_use_after_a_store_on_one_branch_only_stays_orm():
    body = CACHE + (
        "\n    def reopen(self, name, fresh):\n"
        "        if fresh:\n"
        "            self.col = Collection(name)\n"
        "        self.col.load()\n"
    )
    _stays_orm(body, "`self.col` may still be None here", alone=True)


def test_checked_attribute_given_out_stays_orm():
    # Checked, but returned: the caller would get a name where it had the handle.
    body = CACHE + (
        "\n    def current(self):\n"
        "        if self.col is None:\n"
        '            raise LookupError("closed")\n'
        "        return self.col\n"
    )
    _stays_orm(body, "returned from `current()`, which nothing in this module calls", alone=True)
