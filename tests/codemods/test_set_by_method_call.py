# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""The bootcamp-helper shape (tests/fixtures/realworld/rw05_bootcamp_helper.py): a class keeps
one current collection in `self.collection` (None in __init__) and each method first calls
`self.set_collection(name)`, which stores a Collection() on every path that returns normally
(the others raise or sys.exit()), and guards its open / create with `self.has_collection(name)`,
a wrapper of utility.has_collection (codemods/method_paths.py, held_collections.py,
existence_guards.py). Proven shapes migrate; everything else stays ORM with its reason."""

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check

HEAD = """import sys
from pymilvus import Collection, connections, utility

connections.connect(uri="http://h:1")


"""
NEW_HEAD = """import sys
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")


"""

# Part 1 alone (no try/except, so trap 2 does not come into it): uses after a call of a method
# that sets the attribute on every normal path, directly or through another such method.
SETTER = """class Helper:
    def __init__(self):
        self.collection = None

    def set_collection(self, name):
        if utility.has_collection(name):
            self.collection = Collection(name)
        else:
            sys.exit(f"no collection {name}")

    def open_or_create(self, name, schema):
        if utility.has_collection(name):
            self.set_collection(name)
        else:
            self.collection = Collection(name, schema)

    def count(self, name):
        self.set_collection(name)
        return self.collection.num_entities

    def load(self, name, schema):
        self.open_or_create(name, schema)
        print("loading", name)
        self.collection.load()
"""
NEW_SETTER = """class Helper:
    def __init__(self):
        self.collection = None

    def set_collection(self, name):
        if client.has_collection(collection_name=name):
            self.collection = name
        else:
            sys.exit(f"no collection {name}")

    def open_or_create(self, name, schema):
        if client.has_collection(collection_name=name):
            self.set_collection(name)
        else:
            client.create_collection(collection_name=name, schema=schema)
            self.collection = name

    def count(self, name):
        self.set_collection(name)
        return client.get_collection_stats(collection_name=self.collection)["row_count"]

    def load(self, name, schema):
        self.open_or_create(name, schema)
        print("loading", name)
        client.load_collection(collection_name=self.collection)
"""


def _reasons(findings) -> str:
    return "\n".join(f.message for f in findings)


def test_use_after_a_call_of_a_method_that_always_sets_the_attribute_migrates():
    findings = check(HEAD + SETTER, NEW_HEAD + NEW_SETTER)
    assert not any(f.code == "MM110" for f in findings), _reasons(findings)


def _stays_orm(source: str, reason: str, *kept: str) -> None:
    """`source` keeps its collection ORM, reported with `reason`; each line in `kept` is in
    the output unchanged; a second run changes nothing."""
    outcome = migrate_source(HEAD + source, Options())
    assert reason in _reasons(outcome.findings), _reasons(outcome.findings)
    assert any(f.code == "MM110" for f in outcome.findings)
    for line in kept:
        assert line in outcome.source, outcome.source
    assert not migrate_source(outcome.source, Options()).changes


NONE_HERE = "`self.collection` may still be None here"
ORM_USES = ("        return self.collection.num_entities\n", "        self.collection.load()\n")


def test_method_overridden_in_the_module_proves_nothing():
    # `self.set_collection` may run Other's version, which stores nothing.
    body = SETTER + "\n\nclass Other(Helper):\n    def set_collection(self, name):\n        pass\n"
    _stays_orm(body, NONE_HERE, *ORM_USES)


def test_method_that_stores_on_one_path_only_proves_nothing():
    body = SETTER.replace('sys.exit(f"no collection {name}")', 'print(f"no collection {name}")')
    _stays_orm(body, NONE_HERE, *ORM_USES)


def test_method_that_stores_in_a_loop_proves_nothing():
    # A retry loop: sound here, but loops are not followed.
    body = SETTER.replace(
        "        if utility.has_collection(name):\n            self.collection = Collection(name)\n        else:\n",
        "        for _ in range(3):\n            if utility.has_collection(name):\n                self.collection = Collection(name)\n                break\n        else:\n",
    )
    assert "break" in body
    _stays_orm(body, NONE_HERE, *ORM_USES)


def test_method_that_may_return_before_the_store_proves_nothing():
    body = SETTER.replace(
        "    def set_collection(self, name):\n",
        "    def set_collection(self, name):\n        if not name:\n            return\n",
    )
    _stays_orm(body, NONE_HERE, *ORM_USES)


def test_method_whose_handler_carries_on_proves_nothing():
    # The handler swallows the open's error and returns normally with the attribute unset.
    body = SETTER.replace(
        '        if utility.has_collection(name):\n            self.collection = Collection(name)\n        else:\n            sys.exit(f"no collection {name}")\n',
        "        try:\n            self.collection = Collection(name)\n        except Exception as e:\n            print(e)\n",
    )
    assert "print(e)" in body
    _stays_orm(body, NONE_HERE, *ORM_USES)


def test_exit_that_is_a_local_function_does_not_end_the_path():
    # `exit` here is the module's own function, which returns: not SystemExit.
    body = SETTER.replace("sys.exit(", "exit(") + "\n\ndef exit(message):\n    print(message)\n"
    _stays_orm(body, NONE_HERE, *ORM_USES)


def test_method_with_a_nested_function_or_del_proves_nothing():
    nested = SETTER.replace(
        "            self.collection = Collection(name)\n",
        "            self.collection = Collection(name)\n            log = lambda: print(name)\n",
    )
    _stays_orm(nested, NONE_HERE, *ORM_USES)
    deleted = SETTER.replace(
        "            self.collection = Collection(name)\n",
        "            self.collection = Collection(name)\n            del name\n",
    )
    _stays_orm(deleted, NONE_HERE, *ORM_USES)


# Part 2: the open and the create inside try/except, guarded through the wrapper method.
HELPER = """class Helper:
    def __init__(self):
        self.collection = None

    def set_collection(self, name):
        try:
            if self.has_collection(name):
                self.collection = Collection(name=name)
            else:
                raise Exception(f"no collection {name}")
        except Exception as e:
            print(f"set_collection: {e}")
            sys.exit(1)

    def has_collection(self, name):
        try:
            return utility.has_collection(name)
        except Exception as e:
            print(f"has_collection: {e}")
            sys.exit(1)

    def create_collection(self, name, schema):
        try:
            if not self.has_collection(name):
                self.collection = Collection(name=name, schema=schema)
            else:
                self.set_collection(name)
            return "OK"
        except Exception as e:
            print(f"create_collection: {e}")
            sys.exit(1)

    def count(self, name):
        try:
            self.set_collection(name)
            return self.collection.num_entities
        except Exception as e:
            print(f"count: {e}")
            sys.exit(1)

    def load(self, name, schema):
        self.create_collection(name, schema)
        self.collection.load()
"""
NEW_HELPER = """class Helper:
    def __init__(self):
        self.collection = None

    def set_collection(self, name):
        try:
            if self.has_collection(name):
                self.collection = name
            else:
                raise Exception(f"no collection {name}")
        except Exception as e:
            print(f"set_collection: {e}")
            sys.exit(1)

    def has_collection(self, name):
        try:
            return client.has_collection(collection_name=name)
        except Exception as e:
            print(f"has_collection: {e}")
            sys.exit(1)

    def create_collection(self, name, schema):
        try:
            if not self.has_collection(name):
                if not client.has_collection(collection_name=name):
                    client.create_collection(collection_name=name, schema=schema)
                self.collection = name
            else:
                self.set_collection(name)
            return "OK"
        except Exception as e:
            print(f"create_collection: {e}")
            sys.exit(1)

    def count(self, name):
        try:
            self.set_collection(name)
            return client.get_collection_stats(collection_name=self.collection)["row_count"]
        except Exception as e:
            print(f"count: {e}")
            sys.exit(1)

    def load(self, name, schema):
        self.create_collection(name, schema)
        client.load_collection(collection_name=self.collection)
"""


def test_open_and_create_guarded_through_a_wrapper_method_migrate_inside_try():
    # The open runs only when has_collection said the collection exists, the create only when
    # it said it is missing: neither ORM check could fail, so the handlers lose nothing.
    findings = check(HEAD + HELPER, NEW_HEAD + NEW_HELPER)
    assert not any(f.code == "MM110" for f in findings), _reasons(findings)


TRAP_2 = "inside try/except: the code relies on the ORM's existence and schema checks"
ORM_CTORS = (
    "                self.collection = Collection(name=name)\n",
    "                self.collection = Collection(name=name, schema=schema)\n",
)


def test_guard_method_with_extra_logic_proves_nothing():
    body = HELPER.replace(
        "            return utility.has_collection(name)\n",
        '            return utility.has_collection(name) or name.startswith("tmp_")\n',
    )
    _stays_orm(body, TRAP_2, *ORM_CTORS)
    body = HELPER.replace(
        "            return utility.has_collection(name)\n",
        "            name = name.lower()\n            return utility.has_collection(name)\n",
    )
    _stays_orm(body, TRAP_2, *ORM_CTORS)


def test_guard_method_whose_handler_returns_proves_nothing():
    # has_collection() may answer False for an existing collection: the create would then
    # meet it (and its schema check) on the ORM.
    body = HELPER.replace(
        '            print(f"has_collection: {e}")\n            sys.exit(1)\n',
        '            print(f"has_collection: {e}")\n            return False\n',
    )
    _stays_orm(body, TRAP_2, ORM_CTORS[1])


def test_guard_on_another_name_or_the_wrong_polarity_proves_nothing():
    other = HELPER.replace(
        "            if not self.has_collection(name):\n",
        '            if not self.has_collection(name + "_v2"):\n',
    )
    _stays_orm(other, TRAP_2, ORM_CTORS[1])
    flipped = HELPER.replace(
        "            if self.has_collection(name):\n",
        "            if not self.has_collection(name):\n",
    )
    # The flipped guard proves nothing for the open, which so gets the ORM's own existence
    # check (codemods/open_check.py; it stayed ORM before that check existed).
    outcome = migrate_source(HEAD + flipped, Options())
    assert ORM_CTORS[0] not in outcome.source, outcome.source
    assert (
        "                if not client.has_collection(collection_name=name):\n"
        "                    raise SchemaNotReadyException(message=ExceptionsMessage."
        "CollectionNotExistNoSchema % name)\n"
        "                self.collection = name\n"
    ) in outcome.source, outcome.source
    assert TRAP_2 not in _reasons(outcome.findings)
