"""Names imported from compat_shim are ORM names like pymilvus's (codemods/shim_names.py).

Code written against the shim from the start, and `--shim-rest` output run through again,
is migrated and reported as the same code importing from pymilvus; only the compat_shim
import itself differs (it keeps the names still used).
"""

from __future__ import annotations

import textwrap

import pytest

import compat_shim
from codemods import migrate_source
from codemods.analysis import canonical_name
from codemods.base import Options
from codemods.shim_names import SHIM_EXPORTS, pymilvus_name
from tests.codemods.cm_helpers import check

_SHIM_HELPERS = {"install", "is_installed", "uninstall", "ShimUsageWarning"}


def test_exports_table_matches_the_shim() -> None:
    assert set(compat_shim.__all__) - _SHIM_HELPERS == SHIM_EXPORTS


@pytest.mark.parametrize(
    ("qualified", "pymilvus"),
    [
        ("compat_shim.Collection", "pymilvus.Collection"),
        ("compat_shim.connections.connect", "pymilvus.connections.connect"),
        ("compat_shim.utility.has_collection", "pymilvus.utility.has_collection"),
        ("compat_shim.collection.Collection", "pymilvus.orm.collection.Collection"),
        (
            "compat_shim.connections.connections.connect",
            "pymilvus.orm.connections.connections.connect",
        ),
        ("compat_shim.connections.Connections", "pymilvus.orm.connections.Connections"),
        ("compat_shim.exceptions.ParamError", "pymilvus.exceptions.ParamError"),
        ("compat_shim.install", "compat_shim.install"),  # the shim's own: no pymilvus name
        ("compat_shim._below.x", "compat_shim._below.x"),
        ("pymilvus.Collection", "pymilvus.Collection"),
        ("mylib.compat_shim.Collection", "mylib.compat_shim.Collection"),
    ],
)
def test_pymilvus_name(qualified: str, pymilvus: str) -> None:
    assert pymilvus_name(qualified) == pymilvus


@pytest.mark.parametrize(
    ("qualified", "canonical"),
    [
        ("compat_shim.Collection", "Collection"),
        ("compat_shim.connections.connect", "connections.connect"),
        ("compat_shim.connections.connections.connect", "connections.connect"),
        ("compat_shim.has_collection", "utility.has_collection"),
        ("compat_shim.utility.list_collections", "utility.list_collections"),
        ("compat_shim.partition.Partition", "Partition"),
        ("compat_shim.mkts_from_datetime", None),  # a pure helper, as from pymilvus
        ("compat_shim.DataType", None),
    ],
)
def test_canonical_name_of_shim_names(qualified: str, canonical: str | None) -> None:
    assert canonical_name(qualified) == canonical


_ALL_SAFE = """\
    from {mod} import Collection, DataType, connections, utility

    connections.connect(uri="http://localhost:19530")
    if utility.has_collection("books"):
        books = Collection("books")
        books.load()
        print(books.num_entities, DataType.INT64)
"""
_MIGRATED_BODY = """\

    client = MilvusClient(uri="http://localhost:19530")
    if client.has_collection(collection_name="books"):
        books = "books"
        client.load_collection(collection_name=books)
        print(client.get_collection_stats(collection_name=books)["row_count"], DataType.INT64)
"""


def test_shim_code_from_the_start_is_migrated_like_pymilvus_code() -> None:
    check(
        _ALL_SAFE.format(mod="compat_shim"),
        "from compat_shim import DataType\nfrom pymilvus import MilvusClient\n"
        + textwrap.dedent(_MIGRATED_BODY),
    )
    # the same code importing from pymilvus: the same body
    check(
        _ALL_SAFE.format(mod="pymilvus"),
        "from pymilvus import MilvusClient, DataType\n" + textwrap.dedent(_MIGRATED_BODY),
    )


def test_shim_submodules_and_reexported_exceptions() -> None:
    check(
        """\
        from compat_shim.collection import Collection
        from compat_shim.connections import connections
        from compat_shim import MilvusException

        connections.connect(uri="http://localhost:19530")
        books = Collection("books")
        try:
            books.drop()
        except MilvusException as e:
            print(e)
        """,
        """\
        from compat_shim import MilvusException
        from pymilvus import MilvusClient

        client = MilvusClient(uri="http://localhost:19530")
        books = "books"
        try:
            client.drop_collection(collection_name=books)
        except MilvusException as e:
            print(e)
        """,
    )


_PARTIAL = """\
from {mod} import Collection, connections

connections.connect(uri="http://localhost:19530")
c = Collection("books")
something(c)
c.load()
"""


def test_what_stays_orm_is_reported_as_from_pymilvus() -> None:
    shim = migrate_source(_PARTIAL.format(mod="compat_shim"), Options())
    plain = migrate_source(_PARTIAL.format(mod="pymilvus"), Options())
    # Nothing migrates (so no client beside the kept connect either): both stay as written.
    assert shim.source == _PARTIAL.format(mod="compat_shim")
    assert plain.source == _PARTIAL.format(mod="pymilvus")
    assert [(f.line, f.code, f.message) for f in shim.findings] == [
        (f.line, f.code, f.message) for f in plain.findings
    ]
    assert {f.code for f in shim.findings} == {"MM101", "MM110", "MM111"}


def test_shim_rest_output_reruns_to_the_same_report_and_no_change() -> None:
    first = migrate_source(_PARTIAL.format(mod="pymilvus"), Options(shim_rest=True))
    assert first.source.startswith("from compat_shim import Collection, connections\n")
    again = migrate_source(first.source, Options())
    assert not again.changes and again.source == first.source
    # the rerun sees the connect already paired with its client and still reports it
    assert sorted(f.code for f in again.findings) == sorted(f.code for f in first.findings)
    rest = migrate_source(first.source, Options(shim_rest=True))
    assert not rest.changes and rest.source == first.source
    assert sorted(f.code for f in rest.findings) == sorted(f.code for f in first.findings)


def test_milvus_client_from_the_shim_is_pymilvus_class() -> None:
    # compat_shim re-exports pymilvus's MilvusClient: the new client uses that name as is
    check(
        """\
        from compat_shim import Collection, MilvusClient, connections

        connections.connect(uri="http://localhost:19530")
        books = Collection("books")
        books.load()
        other = MilvusClient(uri="http://x:19530")
        """,
        """\
        from compat_shim import MilvusClient

        client = MilvusClient(uri="http://localhost:19530")
        books = "books"
        client.load_collection(collection_name=books)
        other = MilvusClient(uri="http://x:19530")
        """,
    )
