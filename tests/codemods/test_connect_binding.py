# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""A call is rewritten to a client only where the module binds that client.

Found on the real-world corpus (tests/fixtures/realworld): a connect() left as ORM code binds
no client, so the utility calls rewritten to `client.…` raised NameError (rw13, rw32); the new
client took a name the module already used for an OpenAI client (rw16); a `[x] * n` column
made a column list look like rows (rw20).
"""

from tests.codemods.cm_helpers import check


def test_a_connect_left_as_orm_code_keeps_its_alias_calls_on_the_orm():
    # The grpc:// connect stays ORM (MilvusClient rejects it), so no client is bound at module
    # level; before the fix list_collections() became client.list_collections(): NameError.
    source = """
        from pymilvus import connections, utility

        connections.connect(uri="grpc://localhost:19530")
        print(utility.list_collections())


        def reopen():
            connections.connect(uri="http://localhost:19530")
        """
    findings = check(source, source, codes=("MM101", "MM160"))
    assert any(
        "the connect() for alias 'default' on line 4 stays ORM (MilvusClient rejects grpc://"
        in f.message
        for f in findings
    )


def test_a_suppressed_connect_binds_no_client_so_nothing_uses_one():
    source = """
        from pymilvus import connections, utility

        connections.connect(host="localhost", port="19530")  # milvus-migrate: ignore[MM101]
        print(utility.has_collection("books"))


        def reopen():
            connections.connect(host="localhost", port="19530")
        """
    check(source, source, codes=("MM101", "MM160"))


def test_an_assigned_connect_binds_the_client_and_keeps_its_none():
    # connect() returns None; before the fix the statement was kept (MM103) and the
    # utility call used an unbound client.
    check(
        """
        from pymilvus import connections, utility

        conn = connections.connect(host="localhost", port="19530")
        print(utility.has_collection("books"))
        """,
        """
        from pymilvus import MilvusClient

        client = MilvusClient(uri="http://localhost:19530")
        conn = None
        print(client.has_collection(collection_name="books"))
        """,
    )


def test_a_one_line_try_connect_binds_the_client_in_the_same_try():
    check(
        """
        from pymilvus import connections, utility


        def open_and_check(host):
            try: connections.connect("default", host=host, port=19530)
            except Exception: pass
            return utility.has_collection("books")
        """,
        """
        from pymilvus import MilvusClient


        def open_and_check(host):
            try: global client; client = MilvusClient(uri=f"http://{host}:19530")
            except Exception: pass
            return utility.has_collection("books")
        """.replace(
            'utility.has_collection("books")', 'client.has_collection(collection_name="books")'
        ),
    )


def test_one_line_connect_with_orm_code_left_keeps_the_connect_in_the_suite():
    check(
        """
        from pymilvus import Collection, connections, utility


        def count(host):
            try: connections.connect(host=host)
            except Exception: raise
            print(utility.list_collections())
            return Collection("books").indexes
        """,
        """
        from pymilvus import MilvusClient, Collection, connections


        def count(host):
            try: connections.connect(host=host); global client; client = MilvusClient(uri=f"http://{host}:19530")
            except Exception: raise
            print(client.list_collections())
            return Collection("books").indexes
        """,
        codes=("MM101",),
    )


def test_the_client_takes_a_fresh_name_when_the_module_binds_client_already():
    # Before the fix `global client; client = MilvusClient(...)` replaced the OpenAI client.
    check(
        """
        from openai import OpenAI
        from pymilvus import connections, utility

        client = OpenAI()


        def setup():
            connections.connect(host="localhost", port="19530")
            return utility.has_collection("books"), client.models.list()
        """,
        """
        from openai import OpenAI
        from pymilvus import MilvusClient

        client = OpenAI()


        def setup():
            global milvus_client
            milvus_client = MilvusClient(uri="http://localhost:19530")
            return milvus_client.has_collection(collection_name="books"), client.models.list()
        """,
    )


def test_a_milvus_client_of_the_module_s_own_makes_the_name_taken():
    """w025 of the sixth sample binds `client = MilvusClient()` itself, below the connect:
    named `client` too, the new client would be rebound by it, and the hybrid search after it
    would run on the module's own client (another address) instead of the connection's."""
    check(
        """
        from pymilvus import Collection, MilvusClient, connections

        connections.connect(host="0.0.0.0", port="19530")
        collection = Collection(name="films")
        collection.load()
        client = MilvusClient()
        print(collection.query(expr="id > 0", limit=2))
        """,
        """
        from pymilvus import MilvusClient

        milvus_client = MilvusClient(uri="http://0.0.0.0:19530")
        collection = "films"
        milvus_client.load_collection(collection_name=collection)
        client = MilvusClient()
        print(milvus_client.query(collection_name=collection, filter="id > 0", limit=2))
        """,
    )


def test_a_local_client_variable_also_makes_the_name_taken():
    check(
        """
        from pymilvus import connections, utility

        connections.connect(uri="http://localhost:19530")


        def names(client):
            return client.names(), utility.list_collections()
        """,
        """
        from pymilvus import MilvusClient

        milvus_client = MilvusClient(uri="http://localhost:19530")


        def names(client):
            return client.names(), milvus_client.list_collections()
        """,
    )


def test_a_repeated_list_column_is_a_column_not_a_row():
    # `[kb] * len(ids)` made the list's shape unknown: the columns were sent as rows.
    source = """
        from pymilvus import Collection, connections

        connections.connect(uri="http://localhost:19530")


        def add(kb, ids, vectors):
            col = Collection("chunks")
            col.insert([ids, [kb] * len(ids), vectors])
        """
    # Without a visible schema the field order is read from the server (MM130's runtime form).
    after = """
        from pymilvus.exceptions import ExceptionsMessage, ParamError
        from pymilvus import MilvusClient

        client = MilvusClient(uri="http://localhost:19530")


        def add(kb, ids, vectors):
            col = "chunks"
            if len(ids) == 0:
                raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)
            field_names = [
                field["name"]
                for field in client.describe_collection(collection_name=col)["fields"]
                if not field.get("auto_id") and not field.get("is_function_output")
            ]
            client.insert(collection_name=col, data=[dict(zip(field_names, values, strict=True)) for values in zip(ids, [kb] * len(ids), vectors, strict=True)])
        """
    findings = check(source, after)
    assert not [f for f in findings if f.code == "MM130"], findings


def test_a_repeated_list_column_is_converted_with_a_visible_schema():
    check(
        """
        from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

        connections.connect(uri="http://localhost:19530")
        fields = [
            FieldSchema("id", DataType.INT64, is_primary=True),
            FieldSchema("kb", DataType.VARCHAR, max_length=8),
        ]
        col = Collection("chunks", CollectionSchema(fields))
        col.insert([[1, 2], ["a"] * 2 + []])
        """,
        """
        from pymilvus import MilvusClient, DataType

        client = MilvusClient(uri="http://localhost:19530")
        schema = MilvusClient.create_schema()
        schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)
        schema.add_field(field_name="kb", datatype=DataType.VARCHAR, max_length=8)
        col = "chunks"
        if not client.has_collection(collection_name=col):
            client.create_collection(collection_name=col, schema=schema)
        client.insert(collection_name=col, data=[dict(zip(["id", "kb"], values, strict=True)) for values in zip([1, 2], ["a"] * 2 + [], strict=True)])
        """,
    )


def test_a_collection_parameter_stays_orm_when_a_caller_passes_a_collection_object():
    # Before the fix warm() became client.load_collection(collection_name=col) while the
    # caller still passed the Collection object make() returns.
    source = """
        from pymilvus import Collection, connections

        connections.connect(uri="http://localhost:19530")


        def make(name):
            return Collection(name)


        def warm(col):
            col.load()


        warm(make("books"))
        """
    after = source  # nothing migrates: the connect stays, without a client
    findings = check(source, after, codes=("MM111",))
    assert any('a caller passes `make("books")`' in f.message for f in findings)


def test_a_blocked_parameter_keeps_every_collection_passed_to_it_on_the_orm():
    source = """
        from pymilvus import Collection, connections

        connections.connect(uri="http://localhost:19530")


        def warm(col):
            col.load()


        books = Collection("books")
        warm(books)
        warm(col=Collection("films"))
        """
    after = source  # nothing migrates: the connect stays, without a client
    findings = check(source, after, codes=("MM110", "MM111"))
    assert any("`books` is passed to code that may expect" in f.message for f in findings)


def test_a_method_parameter_is_checked_at_its_self_calls():
    source = """
        from pymilvus import Collection, connections

        connections.connect(uri="http://localhost:19530")


        class Store:
            def warm(self, col):
                col.load()

            def run(self, name):
                self.warm(Collection(name))
        """
    after = source  # nothing migrates: the connect stays, without a client
    check(source, after, codes=("MM111",))


def test_a_parameter_is_migrated_with_the_collections_its_callers_pass():
    # `_warm`: private, so the module's own calls are all its callers (a public function of a
    # library module may have importers: test_public_surface.py).
    check(
        """
        from pymilvus import Collection, connections

        connections.connect(uri="http://localhost:19530")


        def _warm(col):
            col.load()


        books = Collection("books")
        _warm(books)
        """,
        """
        from pymilvus import MilvusClient

        client = MilvusClient(uri="http://localhost:19530")


        def _warm(col):
            client.load_collection(collection_name=col)


        books = "books"
        _warm(books)
        """,
    )


def test_an_alias_held_by_self_and_set_once_in_init_is_a_literal():
    check(
        """
        from pymilvus import connections, utility


        class Store:
            def __init__(self, uri):
                self.uri = uri
                self.alias = "store"

            def open(self):
                connections.connect(alias=self.alias, uri=self.uri)

            def names(self):
                return utility.list_collections(using=self.alias)


        if __name__ == "__main__":  # a script: the client is bound before names() runs
            Store("http://h:1").open()
        """,
        """
        from pymilvus import MilvusClient


        class Store:
            def __init__(self, uri):
                self.uri = uri
                self.alias = "store"

            def open(self):
                global client
                client = MilvusClient(uri=self.uri, db_name="default")

            def names(self):
                return client.list_collections()


        if __name__ == "__main__":  # a script: the client is bound before names() runs
            Store("http://h:1").open()
        """,
    )


def test_an_alias_attribute_stored_twice_is_not_a_literal():
    source = """
        from pymilvus import connections, utility


        class Store:
            def __init__(self, uri):
                self.uri = uri
                self.alias = "store"

            def open(self, alias):
                self.alias = alias
                connections.connect(alias=self.alias, uri=self.uri)

            def names(self):
                return utility.list_collections(using=self.alias)
        """
    # Not the literal "store": the connect and the use go through the alias registry by value.
    check(
        source,
        """
        from pymilvus import MilvusClient

        milvus_clients: dict[str, "MilvusClient"] = {}


        class Store:
            def __init__(self, uri):
                self.uri = uri
                self.alias = "store"

            def open(self, alias):
                self.alias = alias
                milvus_clients[self.alias] = MilvusClient(uri=self.uri, db_name="default")

            def names(self):
                return milvus_clients[self.alias].list_collections()
        """,
    )


def test_has_connection_of_the_module_client_alias_asks_whether_the_client_exists():
    # The module's connects for "default" all bind the global `client` and nothing closes
    # it: `client` exists exactly when the ORM's has_connection("default") was True.
    check(
        """
        from pymilvus import connections, utility


        def names():
            if not connections.has_connection("default"):
                connections.connect(uri="http://localhost:19530")
            return utility.list_collections()
        """,
        """
        from pymilvus import MilvusClient


        def names():
            if "client" not in globals():
                global client
                client = MilvusClient(uri="http://localhost:19530")
            return client.list_collections()
        """,
    )


def test_a_registry_query_left_as_orm_code_keeps_the_connect():
    # With a disconnect in the module a closed client still exists, so has_connection()
    # stays ORM; it answers from the ORM registry: without the kept connect it would be
    # False forever and the guarded connect would run again on every call. Nothing here calls
    # close(), so it may run before names() bound the client: its close() is guarded, as the
    # ORM's disconnect of an alias never connected did nothing.
    findings = check(
        """
        from pymilvus import connections, utility


        def names():
            if not connections.has_connection("default"):
                connections.connect(uri="http://localhost:19530")
            return utility.list_collections()


        def close():
            connections.disconnect("default")


        if __name__ == "__main__":  # a script (a library keeps list_collections ORM: an
            print(names())  # importer's own connect would skip the guarded one)
        """,
        """
        from pymilvus import MilvusClient, connections


        def names():
            if not connections.has_connection("default"):
                connections.connect(uri="http://localhost:19530")
                global client
                client = MilvusClient(uri="http://localhost:19530")
            return client.list_collections()


        def close():
            connections.disconnect("default")
            if "client" in globals():
                client.close()


        if __name__ == "__main__":  # a script (a library keeps list_collections ORM: an
            print(names())  # importer's own connect would skip the guarded one)
        """,
        codes=("MM101", "MM103"),
    )
    assert any("the module disconnects" in f.message for f in findings if f.code == "MM103")


def test_has_connection_takes_a_fresh_client_name_when_the_module_binds_client_itself():
    # `client` is the module's own MilvusClient (not next to a connect, so not this tool's):
    # the connection's client gets a fresh name, which only the guarded connect binds.
    check(
        """
        from pymilvus import MilvusClient, connections, utility

        client = MilvusClient(uri="http://localhost:19530")


        def names():
            if not connections.has_connection("default"):
                connections.connect(uri="http://localhost:19530")
            return utility.list_collections()
        """,
        """
        from pymilvus import MilvusClient

        client = MilvusClient(uri="http://localhost:19530")


        def names():
            if "milvus_client" not in globals():
                global milvus_client
                milvus_client = MilvusClient(uri="http://localhost:19530")
            return milvus_client.list_collections()
        """,
    )


def test_a_using_name_assigned_once_picks_the_alias_client():
    check(
        """
        from pymilvus import connections, utility

        ALIAS = "app"
        connections.connect(alias=ALIAS, uri="http://localhost:19530")
        print(utility.has_collection("books", using=ALIAS))
        """,
        """
        from pymilvus import MilvusClient

        ALIAS = "app"
        client = MilvusClient(uri="http://localhost:19530")
        print(client.has_collection(collection_name="books"))
        """,
    )
