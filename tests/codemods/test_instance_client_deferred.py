# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""A connection alias kept on the instance whose connect sits in an `async def` method rather
than `__init__` (codemods/instance_client.py): the client per instance is bound only once that
method ran, so a use elsewhere is MM104's unsafe fix. A sync connect outside `__init__` keeps
going to the alias registry (test_connection_registry), which shares connections by alias as
the ORM did. Live: tests/fixtures/realworld_holdout4/repros/deferred_instance_connect."""

import pytest

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check

# name -> (before, after, with --unsafe-fixes)
PAIRS = {
    # the connect and the uses after it in the one method: safe
    "same_method_after_connect": (
        """\
from pymilvus import Collection, connections


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        self.name = name

    async def connect(self):
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(self.name, using=self.alias)
        self.col.load()
""",
        """\
from pymilvus import AsyncMilvusClient, MilvusClient


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        self.name = name

    async def connect(self):
        self.client = MilvusClient(uri="http://localhost:19530")
        self.async_client = AsyncMilvusClient(uri="http://localhost:19530")
        self.col = self.name
        await self.async_client.load_collection(collection_name=self.col)
""",
        False,
    ),
    # ho44's shape: uses in other methods may run before `connect()`; they stay ORM (MM104), the connect stays next to the client its own method uses (MM201 adds the async twin)
    "connect_method_default": (
        """\
import logging

from pymilvus import Collection, connections, utility

log = logging.getLogger(__name__)


class Retriever:
    def __init__(self, settings):
        self.host = settings.get("host", "localhost")
        self.port = settings.get("port", 19530)
        self.alias = f"r_{hash(f'{self.host}:{self.port}')}"
        self.name = settings["name"]

    async def connect(self):
        try:
            connections.connect(alias=self.alias, host=self.host, port=self.port)
            if utility.has_collection(self.name, using=self.alias):
                log.info("found %s", self.name)
        except Exception as e:
            log.error("connect failed: %s", e)
            raise

    async def names(self):
        return utility.list_collections(using=self.alias)

    async def disconnect(self):
        try:
            connections.disconnect(alias=self.alias)
        except Exception as e:
            log.warning("disconnect failed: %s", e)
""",
        """\
import logging

from pymilvus import AsyncMilvusClient, MilvusClient, connections, utility

log = logging.getLogger(__name__)


class Retriever:
    def __init__(self, settings):
        self.host = settings.get("host", "localhost")
        self.port = settings.get("port", 19530)
        self.alias = f"r_{hash(f'{self.host}:{self.port}')}"
        self.name = settings["name"]

    async def connect(self):
        try:
            connections.connect(alias=self.alias, host=self.host, port=self.port)
            self.client = MilvusClient(uri=f"http://{self.host}:{self.port}")
            self.async_client = AsyncMilvusClient(uri=f"http://{self.host}:{self.port}")
            if await self.async_client.has_collection(collection_name=self.name):
                log.info("found %s", self.name)
        except Exception as e:
            log.error("connect failed: %s", e)
            raise

    async def names(self):
        return utility.list_collections(using=self.alias)

    async def disconnect(self):
        try:
            connections.disconnect(alias=self.alias)
        except Exception as e:
            log.warning("disconnect failed: %s", e)
""",
        False,
    ),
    # the same with --unsafe-fixes: every use goes to the instance's client
    "connect_method_unsafe": (
        """\
import logging

from pymilvus import Collection, connections, utility

log = logging.getLogger(__name__)


class Retriever:
    def __init__(self, settings):
        self.host = settings.get("host", "localhost")
        self.port = settings.get("port", 19530)
        self.alias = f"r_{hash(f'{self.host}:{self.port}')}"
        self.name = settings["name"]

    async def connect(self):
        try:
            connections.connect(alias=self.alias, host=self.host, port=self.port)
            if utility.has_collection(self.name, using=self.alias):
                log.info("found %s", self.name)
        except Exception as e:
            log.error("connect failed: %s", e)
            raise

    async def names(self):
        return utility.list_collections(using=self.alias)

    async def disconnect(self):
        try:
            connections.disconnect(alias=self.alias)
        except Exception as e:
            log.warning("disconnect failed: %s", e)
""",
        """\
import logging
from pymilvus import AsyncMilvusClient, MilvusClient

log = logging.getLogger(__name__)


class Retriever:
    def __init__(self, settings):
        self.host = settings.get("host", "localhost")
        self.port = settings.get("port", 19530)
        self.alias = f"r_{hash(f'{self.host}:{self.port}')}"
        self.name = settings["name"]

    async def connect(self):
        try:
            self.client = MilvusClient(uri=f"http://{self.host}:{self.port}")
            self.async_client = AsyncMilvusClient(uri=f"http://{self.host}:{self.port}")
            if await self.async_client.has_collection(collection_name=self.name):
                log.info("found %s", self.name)
        except Exception as e:
            log.error("connect failed: %s", e)
            raise

    async def names(self):
        return await self.async_client.list_collections()

    async def disconnect(self):
        try:
            self.client.close()
            await self.async_client.close()
        except Exception as e:
            log.warning("disconnect failed: %s", e)
""",
        True,
    ),
    # a use before the connect in the connecting method is not proven either
    "use_before_the_connect_in_its_method": (
        """\
from pymilvus import Collection, connections, utility


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        self.name = name

    async def connect(self):
        utility.list_collections(using=self.alias)
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        return utility.list_collections(using=self.alias)
""",
        """\
from pymilvus import AsyncMilvusClient, MilvusClient, connections, utility


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        self.name = name

    async def connect(self):
        utility.list_collections(using=self.alias)
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.client = MilvusClient(uri="http://localhost:19530")
        self.async_client = AsyncMilvusClient(uri="http://localhost:19530")
        return await self.async_client.list_collections()
""",
        False,
    ),
}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_pair(name):
    before, after, unsafe = PAIRS[name]
    # The snippets start no event loop: as `--async always` (test_async_calls).
    check(before, after, unsafe_fixes=unsafe, async_mode="always")


def test_default_run_names_the_unsafe_fix():
    before = PAIRS["connect_method_default"][0]
    findings = migrate_source(before, Options()).findings
    unsafe = [f for f in findings if "MM104 needs an unsafe fix" in f.message]
    assert {(f.code, f.line) for f in unsafe} == {("MM160", 25), ("MM102", 29)}, findings
    assert all(
        "`self.client` would be bound only by `Retriever.connect()`" in f.message
        and "raised ConnectionNotExistException (a disconnect did nothing)" in f.message
        for f in unsafe
    ), unsafe


def test_suppressed_use_stays_orm_with_unsafe_fixes():
    before = PAIRS["connect_method_unsafe"][0].replace(
        "        return utility.list_collections(using=self.alias)",
        "        return utility.list_collections(using=self.alias)  # milvus-migrate: ignore[MM104]",
    )
    outcome = migrate_source(before, Options(unsafe_fixes=True))
    assert "return utility.list_collections(using=self.alias)  # milvus" in outcome.source
    # the ORM code left needs the connection: the connect stays next to the client
    assert "connections.connect(alias=self.alias" in outcome.source
    assert "self.client = MilvusClient(" in outcome.source


def test_sync_connect_in_a_method_is_no_instance_client():
    # No utility call uses the alias, so no registry either: it stays ORM, saying why.
    source = """\
from pymilvus import Collection, connections


class Store:
    def __init__(self, name):
        self.alias = "s" + name
        self.name = name

    def connect(self):
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        self.col = Collection(self.name, using=self.alias)
"""
    findings = check(source, source, codes=("MM103",), unsafe_fixes=True)
    assert any(
        "no client per instance: its connect() is in `connect`, neither the class's own "
        "`__init__` nor an async method" in f.message
        for f in findings
    ), findings


def test_module_reading_the_orm_registry_stays_orm():
    # holdout2 ho19: an alias found by list_connections() may have been connected elsewhere.
    source = """\
from uuid import uuid4

from pymilvus import connections, utility


class Store:
    def __init__(self):
        self.alias = uuid4().hex
        self.names = [c[0] for c in connections.list_connections()]

    async def connect(self):
        connections.connect(alias=self.alias, uri="http://localhost:19530")
        return utility.list_collections(using=self.alias)
"""
    outcome = migrate_source(source, Options(unsafe_fixes=True))
    assert outcome.source == source
    assert any(
        f.code == "MM103" and "no client per instance: the module reads the ORM's" in f.message
        for f in outcome.findings
    ), outcome.findings
