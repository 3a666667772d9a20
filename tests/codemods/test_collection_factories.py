"""Collection factories: `x = make(...)` where the module function `make` returns a
Collection it constructs. x and the returned collection are migrated together (the factory
then returns the collection name) or both stay ORM."""

from tests.codemods.cm_helpers import check

HEAD = """
from pymilvus import Collection, connections
connections.connect(uri="http://h:1")
"""
NEW_HEAD = """
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")
"""
# The ORM code kept next to the new client when a collection stays ORM.
KEPT_HEAD = """
from pymilvus import MilvusClient, Collection, connections
connections.connect(uri="http://h:1")
client = MilvusClient(uri="http://h:1")
"""

FACTORY = """
def open_books(name, schema):
    coll = Collection(name, schema)
    coll.load()
    return coll
"""
NEW_FACTORY = """
def open_books(name, schema):
    coll = name
    if not client.has_collection(collection_name=coll):
        client.create_collection(collection_name=coll, schema=schema)
    client.load_collection(collection_name=coll)
    return coll
"""


def _reasons(findings) -> str:
    return "\n".join(f.message for f in findings)


def test_factory_result_and_helpers_take_the_name():
    check(
        HEAD
        + FACTORY
        + "def count(col):\n"
        + '    return col.query("", output_fields=["count(*)"])\n'
        + 'books = open_books("books", schema)\n'
        + 'books.insert([{"id": 1}])\n'
        + "print(count(books))\n",
        NEW_HEAD
        + NEW_FACTORY
        + "def count(col):\n"
        + '    return client.query(collection_name=col, filter="", output_fields=["count(*)"])\n'
        + 'books = open_books("books", schema)\n'
        + 'client.insert(collection_name=books, data=[{"id": 1}])\n'
        + "print(count(books))\n",
    )


def test_every_caller_must_be_migrated_for_the_factory_to_be():
    # `b` is printed (a Collection's repr): b stays ORM, so the factory keeps returning a
    # Collection, so `a` (which holds the same kind of value) stays ORM too.
    src = HEAD + FACTORY + 'a = open_books("a", s)\nb = open_books("b", s)\na.flush()\nprint(b)\n'
    findings = check(src, KEPT_HEAD + FACTORY + src[len(HEAD) + len(FACTORY) :])
    assert "`b` is passed to code that may expect a Collection object" in _reasons(findings)
    assert any(f.code == "MM111" and "a.flush" in f.message for f in findings)


def test_factory_called_other_than_by_assignment_stays_orm():
    src = HEAD + FACTORY + 'a = open_books("a", s)\na.flush()\nprint(open_books("b", s))\n'
    findings = check(src, KEPT_HEAD + FACTORY + src[len(HEAD) + len(FACTORY) :])
    assert "`coll` is used as an object" in _reasons(findings)


def test_function_that_may_return_none_is_no_factory():
    body = (
        "def open_books(name):\n"
        + "    if not name:\n"
        + "        return None\n"
        + "    coll = Collection(name)\n"
        + "    return coll\n"
        + 'a = open_books("a")\n'
        + "a.flush()\n"
    )
    findings = check(HEAD + body, KEPT_HEAD + body, codes=("MM110",))
    assert "`coll` is used as an object" in _reasons(findings)


def test_annotated_factory_is_no_factory():
    # `-> Collection` would be wrong after migration (and keeps the ORM import in use).
    body = (
        "def open_books(name) -> Collection:\n"
        + "    coll = Collection(name)\n"
        + "    return coll\n"
        + 'a = open_books("a")\n'
        + "a.flush()\n"
    )
    check(HEAD + body, KEPT_HEAD + body, codes=("MM110",))


def test_factory_collection_blocked_inside_keeps_the_caller_orm():
    # The factory's own use `coll.compact()` has no rewrite: the caller's variable holds
    # the same Collection and stays ORM with it.
    body = (
        "def open_books(name):\n"
        + "    coll = Collection(name)\n"
        + "    coll.compact()\n"
        + "    return coll\n"
        + 'a = open_books("a")\n'
        + "a.flush()\n"
    )
    findings = check(HEAD + body, KEPT_HEAD + body)
    assert any(f.code == "MM111" and "a.flush" in f.message for f in findings)


# ---- `self.x = coll`: an attribute that holds a tracked local collection -----------------

STORE = """
class Store:
    def __init__(self, name):
        coll = Collection(name)
        coll.load()
        self._coll = coll

    def add(self):
        self._coll.insert([{"id": 1}])
"""


def test_local_copied_to_attribute_migrates_with_it():
    check(
        HEAD + STORE,
        NEW_HEAD
        + """
class Store:
    def __init__(self, name):
        coll = name
        client.load_collection(collection_name=coll)
        self._coll = coll

    def add(self):
        client.insert(collection_name=self._coll, data=[{"id": 1}])
""",
    )


def test_attribute_also_assigned_none_keeps_both_orm():
    # `self._coll = None` first: a call on it before the copy fails differently on the ORM
    # (AttributeError) than after migration, so neither the attribute nor the local migrates.
    body = STORE.replace(
        "    def __init__(self, name):\n",
        "    def __init__(self, name):\n        self._coll = None\n",
    )
    findings = check(HEAD + body, KEPT_HEAD + body, codes=("MM110", "MM111"))
    assert "`coll` is used as an object" in _reasons(findings)


def test_attribute_used_as_object_keeps_the_local_orm():
    body = STORE + "    def show(self):\n        print(self._coll)\n"
    findings = check(HEAD + body, KEPT_HEAD + body, codes=("MM110", "MM111"))
    assert "`self._coll` is passed to code that may expect a Collection object" in _reasons(
        findings
    )
