"""ORM names imported from pymilvus.orm's submodules resolve as `from pymilvus import ...`
does (QualifiedNameProvider + analysis.canonical_name), for connections, Collection, utility
and db; what is not the ORM object it looks like is reported, never left silently.

`from pymilvus.orm import connections` binds the *module* pymilvus.orm.connections (pymilvus's
`pymilvus/orm/__init__.py` re-exports nothing), so `connections.connect(...)` raises
AttributeError as written: it is reported (MM103), not turned into a working connect.
Each pair is migrated twice (the second run must change nothing).
"""

from __future__ import annotations

import pytest

from tests.codemods.cm_helpers import check

_BODY_AFTER = """\
client = MilvusClient(uri="http://localhost:19530")
client.use_database(db_name="x")
print(client.has_collection(collection_name="a"))
c = "a"
client.load_collection(collection_name=c)
"""


@pytest.mark.parametrize(
    ("imports", "body"),
    [
        (
            "from pymilvus.orm.connections import connections\n"
            "from pymilvus.orm.utility import has_collection\n"
            "from pymilvus.orm.db import using_database\n"
            "from pymilvus.orm.collection import Collection\n",
            'connections.connect(uri="http://localhost:19530")\n'
            'using_database("x")\n'
            'print(has_collection("a"))\n'
            'c = Collection("a")\n',
        ),
        (
            "from pymilvus.orm import collection, db, utility\n"
            "from pymilvus.orm.connections import connections as conns\n",
            'conns.connect(uri="http://localhost:19530")\n'
            'db.using_database("x")\n'
            'print(utility.has_collection("a"))\n'
            'c = collection.Collection("a")\n',
        ),
        (
            "from pymilvus import orm\n",
            'orm.connections.connections.connect(uri="http://localhost:19530")\n'
            'orm.db.using_database("x")\n'
            'print(orm.utility.has_collection("a"))\n'
            'c = orm.collection.Collection("a")\n',
        ),
        (
            "from pymilvus.orm.collection import Collection as C\n"
            "from pymilvus.orm.connections import connections\n"
            "from pymilvus.orm.db import using_database as use\n"
            "from pymilvus.orm.utility import has_collection as has\n",
            'connections.connect(uri="http://localhost:19530")\n'
            'use("x")\n'
            'print(has("a"))\n'
            'c = C("a")\n',
        ),
    ],
    ids=["submodule_objects", "orm_submodules", "orm_package", "aliases"],
)
def test_orm_submodule_imports_migrate_and_go(imports: str, body: str) -> None:
    check(
        f"{imports}\n{body}c.load()\n",
        f"from pymilvus import MilvusClient\n\n{_BODY_AFTER}",
    )


def test_import_as_of_orm_submodules_migrates() -> None:
    # Once unused, the `import M as x` statements go too (MM180), as the from-imports do.
    imports = (
        "import pymilvus.orm.connections as conn\n"
        "import pymilvus.orm.utility as ut\n"
        "import pymilvus.orm.db as dbm\n"
        "import pymilvus.orm.collection as colm\n"
    )
    check(
        f"{imports}\n"
        'conn.connections.connect(uri="http://localhost:19530")\n'
        'dbm.using_database("x")\n'
        'print(ut.has_collection("a"))\n'
        'c = colm.Collection("a")\n'
        "c.load()\n",
        f"from pymilvus import MilvusClient\n\n{_BODY_AFTER}",
    )


def test_import_as_of_an_orm_submodule_still_read_stays() -> None:
    # `ut` keeps a reported ORM use (no MilvusClient rewrite), so its import stays; `colm`,
    # which nothing reads any more, goes from the same statement.
    check(
        "import pymilvus.orm.utility as ut, pymilvus.orm.collection as colm\n"
        "from pymilvus import connections\n"
        "\n"
        'connections.connect(uri="http://localhost:19530")\n'
        'c = colm.Collection("a")\n'
        "c.load()\n"
        'print(ut.get_query_segment_info("a"))\n',
        "import pymilvus.orm.utility as ut\n"
        "from pymilvus import MilvusClient, connections\n"
        "\n"
        'connections.connect(uri="http://localhost:19530")\n'
        'client = MilvusClient(uri="http://localhost:19530")\n'
        'c = "a"\n'
        "client.load_collection(collection_name=c)\n"
        'print(ut.get_query_segment_info("a"))\n',
        codes=("MM160", "MM101"),
    )


def test_plain_import_of_an_orm_submodule_stays() -> None:
    # `import pymilvus.orm.utility` binds `pymilvus`, which other code may read: left alone.
    check(
        "import pymilvus.orm.utility\n"
        "from pymilvus import connections, utility\n"
        "\n"
        'connections.connect(uri="http://localhost:19530")\n'
        "print(utility.list_collections())\n",
        "import pymilvus.orm.utility\n"
        "from pymilvus import MilvusClient\n"
        "\n"
        'client = MilvusClient(uri="http://localhost:19530")\n'
        "print(client.list_collections())\n",
    )


@pytest.mark.parametrize(
    "imports",
    ["from pymilvus.orm import connections\n", "import pymilvus.orm.connections as connections\n"],
    ids=["from_orm", "import_as"],
)
def test_connections_module_call_is_reported_not_rewritten(imports: str) -> None:
    source = (
        f"{imports}\n"
        'connections.connect(uri="http://localhost:19530")\n'
        "print(connections.list_connections())\n"
    )
    findings = check(source, source)
    module_calls = [
        f
        for f in findings
        if f.code == "MM103" and "is the module pymilvus.orm.connections" in f.message
    ]
    assert [f.line for f in module_calls] == [3, 4], findings


def test_connections_singleton_call_is_reported() -> None:
    source = (
        "from pymilvus.orm.connections import Connections\n\n"
        'Connections().connect(uri="http://localhost:19530")\n'
    )
    findings = check(source, source)
    assert any(f.code == "MM103" and "`Connections()`" in f.message for f in findings), findings


def test_connections_object_from_its_module_is_not_reported_as_the_module() -> None:
    source = (
        "from pymilvus.orm.connections import connections\n\n"
        'connections.connect(uri="http://localhost:19530")\n'  # the registry is read below
        "print(connections.list_connections())\n"
    )
    findings = check(source, source)  # nothing migrates: no client beside the connect
    assert not any("is the module" in f.message for f in findings), findings


def test_orm_names_imported_inside_a_function_go_with_their_last_use() -> None:
    # Left behind, `from pymilvus import Collection` inside the function would raise
    # ImportError once pymilvus drops the ORM (found on s021 of the second real-code sample).
    # A name still read there stays; a function left with no statement gets `pass`.
    check(
        """\
from pymilvus import connections

connections.connect(uri="http://h:1")


def names():
    from pymilvus import list_collections, DataType
    print(DataType.INT64)
    return list_collections()


def count(name):
    from pymilvus import Collection
    return Collection(name).num_entities


def drop(name):
    from pymilvus import utility
    utility.drop_collection(name)
""",
        """\
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")


def names():
    from pymilvus import DataType
    print(DataType.INT64)
    return client.list_collections()


def count(name):
    return client.get_collection_stats(collection_name=name)["row_count"]


def drop(name):
    client.drop_collection(collection_name=name)
""",
    )


def test_an_orm_name_still_read_in_its_function_stays() -> None:
    check(
        """\
from pymilvus import connections

connections.connect(uri="http://h:1")


def roles():
    from pymilvus import Role
    return Role("admin").get_users()
""",
        """\
from pymilvus import connections

connections.connect(uri="http://h:1")


def roles():
    from pymilvus import Role
    return Role("admin").get_users()
""",
    )
