# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""MM102: a disconnect that may run before the module's client was bound becomes
`if "client" in globals(): client.close()` (holdout3's close_after_failed_connect: ho40/ho32,
`__init__` connects in a try/except that only prints, `close()` disconnects). The ORM ignored a
disconnect of an alias it never connected; a bare `client.close()` raised NameError there. A
disconnect that surely runs after the binding (same block after it, the `else:` of the
connect's try, a method of a class whose `__init__` surely connects) stays a plain close.

MM190 reads `"name" in globals()` as reading that one name by string, so the guard does not
stop the schema rewrite of the same module (it did, as any globals() call does). The live
check is tests/test_holdout_repros.py::...[close_after_failed_connect]."""

from __future__ import annotations

from tests.codemods.cm_helpers import check

_STORE = """
from pymilvus import connections, utility


class Store:
    def __init__(self, uri):
{connect}

    def names(self):
        return utility.list_collections()

    def close(self):
        connections.disconnect("default")


store = Store("http://localhost:19530")
store.close()
"""


def _store(connect: str) -> str:
    return _STORE.format(connect=connect)


def test_close_after_a_connect_whose_failure_is_swallowed_is_guarded() -> None:
    check(
        _store(
            "        try:\n"
            "            connections.connect(uri=uri)\n"
            "        except Exception as exc:\n"
            '            print("no server:", exc)'
        ),
        """
        from pymilvus import MilvusClient


        class Store:
            def __init__(self, uri):
                try:
                    global client
                    client = MilvusClient(uri=uri, db_name="default")
                except Exception as exc:
                    print("no server:", exc)

            def names(self):
                return client.list_collections()

            def close(self):
                if "client" in globals():
                    client.close()


        store = Store("http://localhost:19530")
        store.close()
        """,
    )


def test_close_after_a_conditional_connect_is_guarded() -> None:
    # ho32: __init__ connects only when it is given an address.
    check(
        _store("        if uri:\n            connections.connect(uri=uri)"),
        """
        from pymilvus import MilvusClient


        class Store:
            def __init__(self, uri):
                if uri:
                    global client
                    client = MilvusClient(uri=uri, db_name="default")

            def names(self):
                return client.list_collections()

            def close(self):
                if "client" in globals():
                    client.close()


        store = Store("http://localhost:19530")
        store.close()
        """,
    )


def test_close_after_a_connect_that_surely_ran_stays_plain() -> None:
    check(
        _store("        connections.connect(uri=uri)"),
        """
        from pymilvus import MilvusClient


        class Store:
            def __init__(self, uri):
                global client
                client = MilvusClient(uri=uri, db_name="default")

            def names(self):
                return client.list_collections()

            def close(self):
                client.close()


        store = Store("http://localhost:19530")
        store.close()
        """,
    )


def test_close_after_a_connect_whose_handler_raises_stays_plain() -> None:
    check(
        _store(
            "        try:\n"
            "            connections.connect(uri=uri)\n"
            "        except Exception:\n"
            '            print("no server")\n'
            "            raise"
        ),
        """
        from pymilvus import MilvusClient


        class Store:
            def __init__(self, uri):
                try:
                    global client
                    client = MilvusClient(uri=uri, db_name="default")
                except Exception:
                    print("no server")
                    raise

            def names(self):
                return client.list_collections()

            def close(self):
                client.close()


        store = Store("http://localhost:19530")
        store.close()
        """,
    )


def test_close_in_the_else_of_the_connects_try_stays_plain() -> None:
    check(
        """
        from pymilvus import connections


        def ping(uri):
            try:
                connections.connect(uri=uri)
            except Exception:
                print("down")
            else:
                connections.disconnect("default")


        ping("http://localhost:19530")
        """,
        """
        from pymilvus import MilvusClient


        def ping(uri):
            try:
                global client
                client = MilvusClient(uri=uri, db_name="default")
            except Exception:
                print("down")
            else:
                client.close()


        ping("http://localhost:19530")
        """,
    )


_SCHEMA = """
from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections


class Store:
    def __init__(self, uri):
        try:
            connections.connect(uri=uri)
        except Exception as exc:
            print("no server:", exc)

    def create(self, name):
        fields = [
            FieldSchema(name="id", dtype=DataType.INT64, is_primary=True),
            FieldSchema(name="vec", dtype=DataType.FLOAT_VECTOR, dim=2),
        ]
        schema = CollectionSchema(fields)
        Collection(name, schema)

    def close(self):
        connections.disconnect("default")
{extra}

store = Store("http://localhost:19530")
store.close()
"""


def test_schema_still_rewritten_next_to_the_guarded_close() -> None:
    check(
        _SCHEMA.format(extra=""),
        """
        from pymilvus import MilvusClient, CollectionSchema, DataType
        from pymilvus.exceptions import ExceptionsMessage, SchemaNotReadyException


        class Store:
            def __init__(self, uri):
                try:
                    global client
                    client = MilvusClient(uri=uri, db_name="default")
                except Exception as exc:
                    print("no server:", exc)

            def create(self, name):
                schema = MilvusClient.create_schema()
                schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)
                schema.add_field(field_name="vec", datatype=DataType.FLOAT_VECTOR, dim=2)
                if not client.has_collection(collection_name=name):
                    client.create_collection(collection_name=name, schema=schema)
                elif CollectionSchema.construct_from_dict(client.describe_collection(collection_name=name)) != schema:
                    raise SchemaNotReadyException(message=ExceptionsMessage.SchemaInconsistent)

            def close(self):
                if "client" in globals():
                    client.close()


        store = Store("http://localhost:19530")
        store.close()
        """,
        codes=(),
    )


def test_schema_kept_when_globals_is_read_otherwise() -> None:
    # `globals()` read as a whole may read any name (here the list the rewrite would remove).
    before = _SCHEMA.format(extra="\n\nprint(sorted(globals()))\n")
    findings = check(
        before,
        before.replace(
            "from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, "
            "connections\n",
            "from pymilvus import MilvusClient, CollectionSchema, DataType, FieldSchema\n"
            "from pymilvus.exceptions import ExceptionsMessage, SchemaNotReadyException\n",
        )
        .replace(
            "            connections.connect(uri=uri)\n",
            "            global client\n"
            '            client = MilvusClient(uri=uri, db_name="default")\n',
        )
        .replace(
            "        Collection(name, schema)\n",
            "        if not client.has_collection(collection_name=name):\n"
            "            client.create_collection(collection_name=name, schema=schema)\n"
            "        elif CollectionSchema.construct_from_dict(client.describe_collection("
            "collection_name=name)) != schema:\n"
            "            raise SchemaNotReadyException(message=ExceptionsMessage."
            "SchemaInconsistent)\n",
        )
        .replace(
            '        connections.disconnect("default")\n',
            '        if "client" in globals():\n            client.close()\n',
        ),
    )
    assert not [f for f in findings if f.code == "MM190"]


def test_schema_kept_when_globals_membership_names_the_list() -> None:
    # `"fields" in globals()` reads the very name the rewrite would remove: refused.
    source = """
    from pymilvus import CollectionSchema, DataType, FieldSchema

    fields = [
        FieldSchema(name="id", dtype=DataType.INT64, is_primary=True),
        FieldSchema(name="vec", dtype=DataType.FLOAT_VECTOR, dim=2),
    ]
    schema = CollectionSchema(fields)
    print("fields" in globals())
    """
    from textwrap import dedent

    from codemods import migrate_source
    from codemods.base import Options

    assert migrate_source(dedent(source), Options()).source == dedent(source)
