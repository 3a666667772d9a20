# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""A connection alias kept on the instance (`self.alias`) becomes a client per instance,
`self.client = MilvusClient(...)` (codemods/instance_client.py, OrmModel.instance_connect):
the connect, the `using=self.alias` uses, the collections opened with it and the disconnect
all go to `self.client`. Negatives stay as they were, with a finding naming the reason. The
live program is tests/fixtures/programs/instance_alias_store.py (test_equivalence)."""

import pytest

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check

POSITIVES = {
    # the shape from the issue: a private alias, a collection, utility, disconnect
    "store": (
        """\
from uuid import uuid4

from pymilvus import Collection, connections, utility


class Store:
    def __init__(self, host, port, name):
        self.alias = "store_" + uuid4().hex
        connections.connect(alias=self.alias, host=host, port=port)
        self.col = Collection(name, using=self.alias)
        self.col.load()

    def search(self, v):
        return self.col.search([v], "vec", {"metric_type": "L2"}, limit=3)

    def has(self, n):
        return utility.has_collection(n, using=self.alias)

    def close(self):
        connections.disconnect(self.alias)
""",
        """\
from uuid import uuid4
from pymilvus import MilvusClient


class Store:
    def __init__(self, host, port, name):
        self.alias = "store_" + uuid4().hex
        self.client = MilvusClient(uri=f"http://{host}:{port}")
        self.col = name
        self.client.load_collection(collection_name=self.col)

    def search(self, v):
        return self.client.search(collection_name=self.col, data=[v], anns_field="vec", search_params={"metric_type": "L2"}, limit=3)

    def has(self, n):
        return self.client.has_collection(collection_name=n)

    def close(self):
        self.client.close()
""",
    ),
    # the alias passed in; an open-or-create with a schema; a use in __init__ after the connect
    "passed_in_alias_create": (
        """\
from pymilvus import Collection, connections, utility


class Index:
    def __init__(self, alias, uri, name, schema):
        self.alias = alias
        connections.connect(alias=self.alias, uri=uri)
        if not utility.has_collection(name, using=self.alias):
            self.col = Collection(name, schema, using=self.alias)
        else:
            self.col = Collection(name, using=self.alias)

    def count(self):
        return self.col.num_entities
""",
        """\
from pymilvus import MilvusClient


class Index:
    def __init__(self, alias, uri, name, schema):
        self.alias = alias
        self.client = MilvusClient(uri=uri, db_name="default")
        if not self.client.has_collection(collection_name=name):
            self.client.create_collection(collection_name=name, schema=schema)
            self.col = name
        else:
            self.col = name

    def count(self):
        return self.client.get_collection_stats(collection_name=self.col)["row_count"]
""",
    ),
    # every branch of an if/elif/else connects (towhee-style operator)
    "branches": (
        """\
import uuid

from pymilvus import Collection, connections


class Inserter:
    def __init__(self, name, host, port, uri=None, token=None):
        self._alias = uuid.uuid4().hex
        if uri:
            connections.connect(alias=self._alias, uri=uri, token=token)
        elif host == "local":
            connections.connect(alias=self._alias, host="127.0.0.1", port=port)
        else:
            connections.connect(alias=self._alias, host=host, port=port)
        self._collection = Collection(name, using=self._alias)

    def __call__(self, rows):
        self._collection.insert(rows)
""",
        """\
import uuid
from pymilvus.exceptions import ExceptionsMessage, ParamError
from pymilvus import MilvusClient


class Inserter:
    def __init__(self, name, host, port, uri=None, token=None):
        self._alias = uuid.uuid4().hex
        if uri:
            self.client = MilvusClient(uri=uri, token=token, db_name="default")
        elif host == "local":
            self.client = MilvusClient(uri=f"http://127.0.0.1:{port}")
        else:
            self.client = MilvusClient(uri=f"http://{host}:{port}")
        self._collection = name

    def __call__(self, rows):
        if len(rows) == 0:
            raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)
        self.client.insert(collection_name=self._collection, data=rows)
""",
    ),
    # the alias from a config; a connect in a try whose handler re-raises
    "config_alias_try": (
        """\
from pymilvus import Collection, connections


class Backend:
    def __init__(self, conf):
        self.alias = conf.get("alias", "default")
        try:
            connections.connect(alias=self.alias, host=conf["host"], port=conf["port"])
        except Exception as exc:
            raise RuntimeError("cannot connect") from exc
        self.col = Collection(conf["name"], using=self.alias)

    def search(self, v):
        return self.col.search([v], "vec", {}, limit=1)

    def close(self):
        connections.disconnect(self.alias)
""",
        """\
from pymilvus import MilvusClient


class Backend:
    def __init__(self, conf):
        self.alias = conf.get("alias", "default")
        try:
            self.client = MilvusClient(uri=f'http://{conf["host"]}:{conf["port"]}')
        except Exception as exc:
            raise RuntimeError("cannot connect") from exc
        self.col = conf["name"]

    def search(self, v):
        return self.client.search(collection_name=self.col, data=[v], anns_field="vec", search_params={}, limit=1)

    def close(self):
        self.client.close()
""",
    ),
    # `self.client` is taken (an LLM client): the next free name; keyword disconnect
    "client_name_taken": (
        """\
from pymilvus import connections, utility

from llm import OpenAI


class Rag:
    def __init__(self, alias, uri):
        self.alias = alias
        self.client = OpenAI()
        connections.connect(alias=self.alias, uri=uri)

    def names(self):
        return utility.list_collections(using=self.alias)

    def close(self):
        connections.disconnect(alias=self.alias)
""",
        """\

from llm import OpenAI
from pymilvus import MilvusClient


class Rag:
    def __init__(self, alias, uri):
        self.alias = alias
        self.client = OpenAI()
        self.milvus_client = MilvusClient(uri=uri, db_name="default")

    def names(self):
        return self.milvus_client.list_collections()

    def close(self):
        self.milvus_client.close()
""",
    ),
    # a collection use that stays ORM keeps the connect (and the disconnect) next to the client
    "kept_next_to_orm": (
        """\
from pymilvus import Collection, connections, utility


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(name, using=self.alias)

    def names(self):
        return utility.list_collections(using=self.alias)

    def stats(self):
        return self.col.get_replicas()

    def close(self):
        connections.disconnect(self.alias)
""",
        """\
from pymilvus import MilvusClient, Collection, connections


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.client = MilvusClient(uri="http://localhost:19530")
        self.col = Collection(name, using=self.alias)

    def names(self):
        return self.client.list_collections()

    def stats(self):
        return self.col.get_replicas()

    def close(self):
        connections.disconnect(self.alias)
        self.client.close()
""",
    ),
    # two classes, each with its own alias attribute, both kept next to ORM code: the same
    # attribute name for both, on this run and the next
    "two_classes_kept": (
        """\
from pymilvus import Collection, connections, utility


class A:
    def __init__(self, name):
        self.alias = "a" + name
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(name, using=self.alias)

    def names(self):
        return utility.list_collections(using=self.alias)

    def stats(self):
        return self.col.get_replicas()


class B:
    def __init__(self, name):
        self._alias = "b" + name
        connections.connect(alias=self._alias, uri="http://localhost:19530")
        self.col = Collection(name, using=self._alias)

    def names(self):
        return utility.list_collections(using=self._alias)

    def stats(self):
        return self.col.get_replicas()
""",
        """\
from pymilvus import MilvusClient, Collection, connections


class A:
    def __init__(self, name):
        self.alias = "a" + name
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.client = MilvusClient(uri="http://localhost:19530")
        self.col = Collection(name, using=self.alias)

    def names(self):
        return self.client.list_collections()

    def stats(self):
        return self.col.get_replicas()


class B:
    def __init__(self, name):
        self._alias = "b" + name
        connections.connect(alias=self._alias, uri="http://localhost:19530")
        self.client = MilvusClient(uri="http://localhost:19530")
        self.col = Collection(name, using=self._alias)

    def names(self):
        return self.client.list_collections()

    def stats(self):
        return self.col.get_replicas()
""",
    ),
}


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_positive(name):
    before, after = POSITIVES[name]
    check(before, after)


_STORE_TAIL = """
    def search(self, v):
        return self.col.search([v], "vec", {}, limit=1)
"""

# name -> (source, the reason in the MM103 finding on the connect)
NEGATIVES = {
    "alias_reassigned": (
        """\
from pymilvus import Collection, connections


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(name, using=self.alias)

    def rename(self, alias):
        self.alias = alias
"""
        + _STORE_TAIL,
        "`.alias` is stored to more than once in the module",
    ),
    "connects_in_two_methods": (
        """\
from pymilvus import Collection, connections


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        self.name = name

    def connect(self):
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(self.name, using=self.alias)

    def reconnect(self):
        connections.connect(alias=self.alias, uri="http://localhost:19531")
""",
        "its connects are not all in one method of a class with its own `__init__`",
    ),
    "connect_in_a_static_method": (
        """\
from pymilvus import Collection, connections


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        self.name = name

    @staticmethod
    def connect(self):
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(self.name, using=self.alias)
""",
        "its connect() is in `connect`, not a plain method of the class",
    ),
    "alias_passed_to_another_class": (
        """\
from pymilvus import Collection, connections

from app import Audit


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(name, using=self.alias)
        self.audit = Audit(self.alias)
"""
        + _STORE_TAIL,
        "`self.alias` is read on line 11 where its value may reach other code",
    ),
    "alias_read_outside_the_class": (
        """\
from pymilvus import Collection, connections


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(name, using=self.alias)
"""
        + _STORE_TAIL
        + """

store = Store("docs")
print(store.alias)
""",
        "`.alias` is read outside the class's methods (line 15)",
    ),
    "subclass_with_own_init": (
        """\
from pymilvus import Collection, connections


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(name, using=self.alias)
"""
        + _STORE_TAIL
        + """

class Cached(Store):
    def __init__(self, name):
        self.search([0.0])
        super().__init__(name)
""",
        "a subclass in this module has its own `__init__`",
    ),
    "method_called_before_connect": (
        """\
from pymilvus import Collection, connections


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        self.warm()
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(name, using=self.alias)

    def warm(self):
        pass
"""
        + _STORE_TAIL,
        "`__init__` does not surely connect before anything could use the alias",
    ),
    "conditional_connect": (
        """\
from pymilvus import Collection, connections


class Store:
    def __init__(self, name, uri=None):
        self.alias = "s" + name
        if uri:
            connections.connect(alias=self.alias, uri=uri)
        self.col = Collection(name, using=self.alias)
"""
        + _STORE_TAIL,
        "`__init__` does not surely connect before anything could use the alias",
    ),
    "module_reads_the_orm_registry": (
        """\
from pymilvus import Collection, connections


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(name, using=self.alias)
"""
        + _STORE_TAIL
        + """

def known():
    return connections.list_connections()
""",
        "the module reads the ORM's connections (list_connections())",
    ),
    "alias_stored_after_the_connect": (
        """\
from pymilvus import Collection, connections


class Store:
    alias = "boot"

    def __init__(self, name):
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.alias = "s" + name
        self.col = Collection(name, using=self.alias)
"""
        + _STORE_TAIL,
        "`self.alias` is not stored by a top-level statement of `__init__` before the connect",
    ),
    "two_classes_share_the_attribute": (
        """\
from pymilvus import Collection, connections


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(name, using=self.alias)


class Other:
    def __init__(self, name):
        self.alias = "o" + name
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(name, using=self.alias)
""",
        "`.alias` is stored to more than once in the module",
    ),
}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negative_stays_orm_with_reason(name):
    source, reason = NEGATIVES[name]
    findings = check(source, source, codes=("MM103",))
    connects = [f for f in findings if f.code == "MM103" and "non-literal alias" in f.message]
    assert connects, findings
    assert all(f"no client per instance: {reason}" in f.message for f in connects), connects


def test_disconnect_in_init_handler_stays_orm():
    # The handler runs when the connect raised: the instance may have no client there.
    source = """\
from pymilvus import Collection, connections, utility


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        try:
            connections.connect(alias=self.alias, uri="http://localhost:19530")
            self.col = Collection(name, using=self.alias)
        except Exception:
            connections.disconnect(self.alias)
            raise

    def names(self):
        return utility.list_collections(using=self.alias)
"""
    outcome = migrate_source(source, Options())
    assert "            connections.disconnect(self.alias)\n            raise" in outcome.source
    assert "self.client = MilvusClient(" in outcome.source
    assert any(
        f.code == "MM102" and "in `__init__` before (or beside) its connect()" in f.message
        for f in outcome.findings
    ), outcome.findings


def test_use_in_a_static_method_stays_orm():
    # No instance is needed to call it, so `self.client` may not exist (a `self` parameter
    # of a static method is any object).
    source = """\
from pymilvus import connections, utility


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        connections.connect(alias=self.alias, uri="http://localhost:19530")

    def names(self):
        return utility.list_collections(using=self.alias)

    @staticmethod
    def peek(self):
        return utility.list_collections(using=self.alias)
"""
    outcome = migrate_source(source, Options())
    assert "return self.client.list_collections()" in outcome.source
    assert "        return utility.list_collections(using=self.alias)" in outcome.source
    assert any("method `peek` may run before `__init__`" in f.message for f in outcome.findings)


def test_global_client_declared_once_for_branch_connects():
    # Literal alias: a connect in each branch of an if/else binds the module's client; a
    # second `global client` after the first branch's assignment would be a SyntaxError.
    check(
        """\
from pymilvus import connections, utility


class Admin:
    def __init__(self, uri=None):
        if uri:
            connections.connect(uri=uri)
        else:
            connections.connect(host="localhost", port="19530")

    def names(self):
        return utility.list_collections()
""",
        """\
from pymilvus import MilvusClient


class Admin:
    def __init__(self, uri=None):
        if uri:
            global client
            client = MilvusClient(uri=uri, db_name="default")
        else:
            client = MilvusClient(uri="http://localhost:19530")

    def names(self):
        return client.list_collections()
""",
    )


def test_no_unused_client_when_every_use_stays_orm():
    # Every use of the alias stays ORM (get_replicas has no rewrite, and the collection is
    # migrated all or nothing): a client per instance would only open a second connection.
    source = """\
from pymilvus import Collection, connections


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(name, using=self.alias)

    def search(self, v):
        return self.col.search([v], "vec", {}, limit=1)

    def stats(self):
        return self.col.get_replicas()

    def close(self):
        connections.disconnect(self.alias)
"""
    findings = check(source, source, codes=("MM101",))
    assert any(
        "a client per instance (`self.client`) would go unused" in f.message for f in findings
    )
