# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""Collection factories: `x = make(...)` where the module function `make` returns a
Collection it constructs. x and the returned collection are migrated together (the factory
then returns the collection name) or both stay ORM."""

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check

# The snippets are scripts: their module-level code is all the callers. A library module
# (no `__main__` block) keeps a public factory ORM (tests/codemods/test_public_surface.py).
SCRIPT = 'if __name__ == "__main__":\n    pass\n'
HEAD = (
    """
from pymilvus import Collection, connections
connections.connect(uri="http://h:1")
"""
    + SCRIPT
)
NEW_HEAD = (
    """
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")
"""
    + SCRIPT
)
# The ORM code kept next to the new client when a collection stays ORM.
KEPT_HEAD = (
    """
from pymilvus import MilvusClient, Collection, connections
connections.connect(uri="http://h:1")
client = MilvusClient(uri="http://h:1")
"""
    + SCRIPT
)

# A collection stays ORM and nothing else migrates: the connect stays, alone (a client
# beside it would go unused).
ALONE_HEAD = HEAD

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
    findings = check(src, ALONE_HEAD + FACTORY + src[len(HEAD) + len(FACTORY) :])
    assert "`b` is passed to code that may expect a Collection object" in _reasons(findings)
    assert any(f.code == "MM111" and "a.flush" in f.message for f in findings)


def test_factory_called_other_than_by_assignment_stays_orm():
    src = HEAD + FACTORY + 'a = open_books("a", s)\na.flush()\nprint(open_books("b", s))\n'
    findings = check(src, ALONE_HEAD + FACTORY + src[len(HEAD) + len(FACTORY) :])
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
    findings = check(HEAD + body, ALONE_HEAD + body, codes=("MM110",))
    assert "`coll` is used as an object" in _reasons(findings)


def test_factory_collection_blocked_inside_keeps_the_caller_orm():
    # The factory's own use `coll.get_compaction_plans()` has no rewrite: the caller's
    # variable holds the same Collection and stays ORM with it.
    body = (
        "def open_books(name):\n"
        + "    coll = Collection(name)\n"
        + "    coll.get_compaction_plans()\n"
        + "    return coll\n"
        + 'a = open_books("a")\n'
        + "a.flush()\n"
    )
    findings = check(HEAD + body, ALONE_HEAD + body)
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
    # (AttributeError) than after migration, so an unchecked call keeps both the attribute and
    # the local ORM (test_held_collections: the checked ones migrate).
    body = STORE.replace(
        "    def __init__(self, name):\n",
        "    def __init__(self, name):\n        self._coll = None\n",
    )
    findings = check(HEAD + body, ALONE_HEAD + body, codes=("MM110", "MM111"))
    assert "`self._coll` may still be None here" in _reasons(findings)


def test_attribute_used_as_object_keeps_the_local_orm():
    body = STORE + "    def show(self):\n        print(self._coll)\n"
    findings = check(HEAD + body, ALONE_HEAD + body, codes=("MM110", "MM111"))
    assert "`self._coll` is passed to code that may expect a Collection object" in _reasons(
        findings
    )


# ---- methods: `self.m(...)` where the method `m` returns a Collection it constructs --------

INDEX = """
class CourseIndex:
    def __init__(self, name, schema):
        self.name = name
        self.schema = schema

    def collection(self) -> Collection:
        if not utility.has_collection(self.name):
            coll = Collection(self.name, schema=self.schema)
        else:
            coll = Collection(self.name)
        coll.load()
        return coll

    def add(self, rows):
        coll = self.collection()
        coll.insert(rows)
        coll.flush()

    def find(self, vector):
        res = self.collection().search(data=[vector], anns_field="vec", param={}, limit=3)
        return [hit.id for hit in res[0]]

    def warm(self):
        self.cached = self.collection()
        self.cached.release()
"""
NEW_INDEX = """
class CourseIndex:
    def __init__(self, name, schema):
        self.name = name
        self.schema = schema

    def collection(self) -> str:
        if not client.has_collection(collection_name=self.name):
            coll = self.name
            client.create_collection(collection_name=coll, schema=self.schema)
        else:
            coll = self.name
        client.load_collection(collection_name=coll)
        return coll

    def add(self, rows):
        coll = self.collection()
        if len(rows) == 0:
            raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)
        client.insert(collection_name=coll, data=rows)
        client.flush(collection_name=coll)

    def find(self, vector):
        res = client.search(collection_name=self.collection(), data=[vector], anns_field="vec", search_params={}, limit=3)
        return [hit.id for hit in res[0]]

    def warm(self):
        self.cached = self.collection()
        client.release_collection(collection_name=self.cached)
"""
UTILITY_HEAD = HEAD.replace("Collection, connections", "Collection, connections, utility")


def test_method_factory_migrates_with_its_callers():
    # Every call is `self.collection()` in the class: kept in a variable, in an attribute,
    # or the receiver of a method; the annotation follows what the method now returns.
    # `rows` may be empty: the ORM's refusal of no rows goes first (MM133, test_empty_insert).
    guarded_head = NEW_HEAD.replace(
        "\nfrom pymilvus import MilvusClient",
        "\nfrom pymilvus.exceptions import ExceptionsMessage, ParamError\nfrom pymilvus import MilvusClient",
        1,
    )
    findings = check(UTILITY_HEAD + INDEX, guarded_head + NEW_INDEX)
    assert not any(f.code == "MM110" for f in findings), _reasons(findings)


def test_annotated_module_factory_returns_str():
    body = 'def open_books(name) -> Collection:\n    coll = Collection(name)\n    return coll\na = open_books("a")\na.flush()\n'
    new = 'def open_books(name) -> str:\n    coll = name\n    return coll\na = open_books("a")\nclient.flush(collection_name=a)\n'
    check(HEAD + body, NEW_HEAD + new)


def _stays_orm(body: str, *reasons: str) -> None:
    # utility.has_collection has its own rewrite, whatever happens to the collection.
    kept = body.replace(
        "utility.has_collection(self.name)", "client.has_collection(collection_name=self.name)"
    )
    findings = check(UTILITY_HEAD + body, KEPT_HEAD + kept)
    for reason in reasons:
        assert reason in _reasons(findings), _reasons(findings)


def test_method_called_from_outside_its_class_stays_orm():
    _stays_orm(
        INDEX + 'print(CourseIndex("a", None).collection().num_entities)\n',
        "`coll` is used as an object",
    )


def test_method_overridden_in_a_subclass_stays_orm():
    sub = "class Other(CourseIndex):\n    def collection(self):\n        return Collection(self.name)\n"
    _stays_orm(INDEX + sub, "`coll` is used as an object")


def test_method_read_by_getattr_stays_orm():
    _stays_orm(
        INDEX + "def pick(obj, what):\n    return getattr(obj, what)()\n",
        "`coll` is used as an object",
    )


def test_method_result_used_as_an_object_stays_orm():
    body = INDEX.replace("        self.cached.release()\n", "        print(self.collection())\n")
    _stays_orm(body, "`coll` is used as an object")


def test_method_result_receiver_of_a_method_without_a_single_call_rewrite_stays_orm():
    body = INDEX.replace(
        "        self.cached.release()\n", '        self.collection().partition("p").load()\n'
    )
    _stays_orm(body, "`coll` is used as an object")


def test_method_that_may_return_none_stays_orm():
    body = INDEX.replace(
        "    def collection(self) -> Collection:\n",
        "    def collection(self) -> Collection:\n        if not self.name:\n            return None\n",
    )
    _stays_orm(body, "`coll` is used as an object")


def test_method_annotated_other_than_collection_stays_orm():
    body = INDEX.replace("-> Collection:", "-> 'Collection':")
    _stays_orm(body, "`coll` is used as an object")


def test_receiver_with_calls_in_the_factory_arguments_stays_orm():
    # The rewrite would clone the factory call as it was before the other rules ran.
    body = INDEX.replace("def collection(self)", "def collection(self, part=None)").replace(
        "self.collection().search(", "self.collection(str(vector)).search("
    )
    _stays_orm(body, "the factory call's arguments hold calls of their own")


CONNECTING_INDEX = INDEX.replace(
    "    def collection(self) -> Collection:\n",
    '    def connect(self):\n        connections.connect(uri="http://h:1")\n\n    def collection(self) -> Collection:\n        self.connect()\n',
)


def test_receiver_is_hoisted_when_the_factory_may_bind_the_client():
    # The connect inside a method becomes `global client; client = ...`: in
    # `client.search(collection_name=self.collection(), ...)` Python would look `client` up
    # before collection() binds it, so the factory call runs in a statement of its own first.
    head = "\nfrom pymilvus import Collection, connections, utility\n" + SCRIPT
    outcome = migrate_source(head + CONNECTING_INDEX, Options())
    assert (
        "        collection_name = self.collection()\n"
        "        res = client.search(collection_name=collection_name, data=[vector], "
    ) in outcome.source, outcome.source
    assert "    def collection(self) -> str:\n" in outcome.source
    assert not any(f.code == "MM110" for f in outcome.findings), _reasons(outcome.findings)
    assert not migrate_source(outcome.source, Options()).changes


def test_receiver_that_cannot_be_hoisted_stays_orm():
    head = "\nfrom pymilvus import Collection, connections, utility\n" + SCRIPT
    body = CONNECTING_INDEX.replace(
        "        res = self.collection().search(",
        '        res = len(self.collection().query("id > 0")), self.collection().search(',
    )
    outcome = migrate_source(head + body, Options())
    assert "coll = Collection(self.name)" in outcome.source
    assert "self.collection().search(" in outcome.source
    assert "the factory call is not the first thing its statement evaluates" in _reasons(
        outcome.findings
    )


def test_receiver_stays_inline_with_a_module_level_connect_of_a_dict():
    # `connect(**cfg)` at module level binds the client at import (MM101 reads cfg's keys), so
    # the factory call can stay the receiver's argument where it cannot be hoisted.
    body = (
        "class Store:\n"
        "    def __init__(self, name):\n"
        "        self.name = name\n\n"
        "    def collection(self):\n"
        "        coll = Collection(self.name)\n"
        "        return coll\n\n"
        "    def show(self):\n"
        '        print(self.collection().query("id > 0", output_fields=["id"]))\n'
    )
    check(
        '\nfrom pymilvus import Collection, connections\ncfg = {"uri": "http://h:1"}\nconnections.connect(**cfg)\n'
        + SCRIPT
        + body,
        '\nfrom pymilvus import MilvusClient\n\ncfg = {"uri": "http://h:1"}\nclient = MilvusClient(uri=cfg["uri"], db_name="default")\n'
        + SCRIPT
        + body.replace("Collection(self.name)", "self.name").replace(
            'self.collection().query("id > 0", output_fields=["id"])',
            'client.query(collection_name=self.collection(), filter="id > 0", output_fields=["id"])',
        ),
    )


# ---- a factory called inside try/except (trap 2) -----------------------------------------


def test_factory_called_inside_try_except_stays_orm():
    # The ORM's Collection("a") in open_books raises for a missing collection, and the
    # caller's handler may be there for that; the migrated factory returns the name and
    # raises nothing, so the collection stays ORM and the call site is named. (A name read
    # without side effects gets the ORM's own check instead: tests/codemods/test_trap2_check.py;
    # `name.strip()` cannot be evaluated again for it.)
    body = (
        "def open_books(name):\n"
        + "    coll = Collection(name.strip())\n"
        + "    return coll\n"
        + "try:\n"
        + '    a = open_books("a")\n'
        + "except Exception:\n"
        + '    raise SystemExit("no collection a")\n'
        + "a.flush()\n"
    )
    findings = check(HEAD + body, ALONE_HEAD + body)
    assert "`open_books()` is called inside try/except (line 10)" in _reasons(findings)
    assert "(trap 2)" in _reasons(findings)
    assert "is not a plain name, string literal or attribute" in _reasons(findings)
    assert any(f.code == "MM111" and "a.flush" in f.message for f in findings)


def test_method_factory_called_inside_try_except_keeps_the_attribute_orm():
    # rw04's shape: `self.qa = self._open(...)` inside try/except in another method (with a
    # consistency_level the ORM compares, which the migrated existence check would not).
    body = (
        "class Store:\n"
        + "    def __init__(self, name):\n"
        + "        try:\n"
        + "            self.qa = self._open(name)\n"
        + "        except Exception:\n"
        + "            raise SystemExit(1)\n"
        + "    def _open(self, name) -> Collection:\n"
        + '        coll = Collection(name, consistency_level="Strong")\n'
        + "        return coll\n"
        + "    def add(self, rows):\n"
        + "        self.qa.insert(rows)\n"
    )
    findings = check(HEAD + body, ALONE_HEAD + body)
    assert "`_open()` is called inside try/except (line 9)" in _reasons(findings)


def test_factory_called_inside_try_finally_only_migrates():
    # No handler: whatever the ORM raised still leaves the block, nothing relies on it.
    body = 'def open_books(name):\n    coll = Collection(name)\n    return coll\ntry:\n    a = open_books("a")\nfinally:\n    print("done")\na.flush()\n'
    new = 'def open_books(name):\n    coll = name\n    return coll\ntry:\n    a = open_books("a")\nfinally:\n    print("done")\nclient.flush(collection_name=a)\n'
    check(HEAD + body, NEW_HEAD + new)


# ---- ... unless a create-if-missing guard proves the collection exists ------------------

GUARD_HEAD = (
    """
from pymilvus import Collection, connections, utility
connections.connect(uri="http://h:1")
"""
    + SCRIPT
)
GUARD_NEW_HEAD = (
    """
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")
"""
    + SCRIPT
)
GUARD_KEPT_HEAD = (
    """
from pymilvus import MilvusClient, Collection, connections
connections.connect(uri="http://h:1")
client = MilvusClient(uri="http://h:1")
"""
    + SCRIPT
)
# rw04's shape: create (and index) the collection when it is missing, then open it.
GUARDED = """
def open_qa(name):
    if not utility.has_collection(name):
        coll = Collection(name=name, schema=schema)
        coll.create_index(field_name="v", index_params=idx)
    coll = Collection(name)
    coll.load()
    return coll
"""
NEW_GUARDED = """
def open_qa(name):
    if not client.has_collection(collection_name=name):
        coll = name
        client.create_collection(collection_name=coll, schema=schema)
        index_params = client.prepare_index_params()
        index_params.add_index(field_name="v", **idx)
        client.create_index(collection_name=coll, index_params=index_params)
    coll = name
    client.load_collection(collection_name=coll)
    return coll
"""
IN_TRY = 'try:\n    qa = open_qa("qa")\nexcept Exception:\n    raise SystemExit(1)\nqa.flush()\n'
NEW_IN_TRY = 'try:\n    qa = open_qa("qa")\nexcept Exception:\n    raise SystemExit(1)\nclient.flush(collection_name=qa)\n'


def test_guarded_factory_outside_try_migrates():
    check(
        GUARD_HEAD + GUARDED + 'qa = open_qa("qa")\nqa.flush()\n',
        GUARD_NEW_HEAD + NEW_GUARDED + 'qa = open_qa("qa")\nclient.flush(collection_name=qa)\n',
    )


def test_guarded_factory_called_inside_try_except_migrates():
    # The open runs after `if not has_collection(name): <create name>`, so it finds the
    # collection, and the create runs only when it is missing (no schema to compare): the
    # ORM factory raises neither trap-2 error, and the handler loses nothing. The factory
    # migrates exactly as it does outside a try.
    check(GUARD_HEAD + GUARDED + IN_TRY, GUARD_NEW_HEAD + NEW_GUARDED + NEW_IN_TRY)


def test_guarded_method_factory_with_aliased_utility_inside_try_migrates():
    # `utility` reached through an import alias and a method factory (rw04's _qa_collection).
    head = 'from pymilvus import Collection, connections\nfrom pymilvus import utility as u\nconnections.connect(uri="http://h:1")\n'
    body = (
        "class Store:\n"
        + "    def setup(self, name):\n"
        + "        try:\n"
        + "            self.qa = self._open(name)\n"
        + "        except Exception:\n"
        + "            return False\n"
        + "        return True\n"
        + "    def _open(self, name: str) -> Collection:\n"
        + "        if not u.has_collection(name, using='default'):\n"
        + "            Collection(name, schema)\n"
        + "        coll = Collection(name)\n"
        + "        return coll\n"
        + "    def add(self, rows):\n"
        + "        self.qa.flush()\n"
    )
    outcome = migrate_source(head + body, Options())
    assert "client.flush(collection_name=self.qa)" in outcome.source, outcome.source
    assert "def _open(self, name: str) -> str:" in outcome.source
    assert "client.create_collection(collection_name=name, schema=schema)" in outcome.source
    assert not outcome.findings, outcome.findings


def _guard_refused(guarded: str) -> None:
    outcome = migrate_source(GUARD_HEAD + guarded + IN_TRY, Options())
    assert "`open_qa()` is called inside try/except (line" in _reasons(outcome.findings)
    assert "    coll = Collection(name)\n" in outcome.source
    assert outcome.source.endswith("\nqa.flush()\n")


def test_guard_on_another_name_proves_nothing():
    _guard_refused(GUARDED.replace("has_collection(name)", 'has_collection(name + "_v2")'))


def test_guard_on_a_reassigned_name_proves_nothing():
    _guard_refused(
        GUARDED.replace(
            "    coll = Collection(name)\n", '    name = "other"\n    coll = Collection(name)\n'
        )
    )


def test_guard_body_leaving_before_the_create_proves_nothing():
    _guard_refused(
        GUARDED.replace(
            "        coll = Collection(name=name, schema=schema)\n",
            "        if schema is None:\n            return coll\n        coll = Collection(name=name, schema=schema)\n",
        )
    )
    _guard_refused(
        GUARDED.replace(
            "        coll = Collection(name=name, schema=schema)\n",
            "        raise LookupError(name)\n        coll = Collection(name=name, schema=schema)\n",
        )
    )


def test_drop_between_guard_and_open_proves_nothing():
    _guard_refused(
        GUARDED.replace(
            "    coll = Collection(name)\n",
            "    utility.drop_collection(name)\n    coll = Collection(name)\n",
        )
    )
    _guard_refused(
        GUARDED.replace(
            '        coll.create_index(field_name="v", index_params=idx)\n',
            '        coll.create_index(field_name="v", index_params=idx)\n        coll.drop()\n',
        )
    )


def test_guard_on_another_connection_proves_nothing():
    _guard_refused(GUARDED.replace("has_collection(name)", 'has_collection(name, using="other")'))


def test_guard_with_an_else_proves_nothing():
    _guard_refused(
        GUARDED.replace(
            "    coll = Collection(name)\n",
            "    else:\n        print(name)\n    coll = Collection(name)\n",
        )
    )


def test_guard_on_a_local_assigned_once_before_it_migrates():
    local = GUARDED.replace(
        "def open_qa(name):\n", 'def open_qa(prefix):\n    name = prefix + "_qa"\n'
    )
    new = NEW_GUARDED.replace(
        "def open_qa(name):\n", 'def open_qa(prefix):\n    name = prefix + "_qa"\n'
    )
    check(GUARD_HEAD + local + IN_TRY, GUARD_NEW_HEAD + new + NEW_IN_TRY)
