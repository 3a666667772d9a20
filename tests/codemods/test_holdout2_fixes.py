# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""Fixes for the behaviour changes found on the second holdout corpus
(tests/fixtures/realworld_holdout2/repros/README.md); each has a live reproducer run by
tests/test_holdout_repros.py. Negative cases: where the plain rewrite is right it still happens."""

from tests.codemods.cm_helpers import check

# ---- ho20: db.using_database() with ORM code left on the alias --------------------------


def test_using_database_is_kept_next_to_the_client_switch_when_orm_code_stays():
    # The Collection returned from a decorated helper stays ORM (MM110) on the "default"
    # alias: only the ORM switch moves it to notes_db, the client's switch moves the client.
    findings = check(
        """
        from pymilvus import Collection, connections, db

        connections.connect(alias="default", uri="http://h:1")


        class NoteStore:
            def __init__(self):
                db.using_database("notes_db")
                self.collection = self.get_collection()

            @staticmethod
            def get_collection() -> Collection:
                return Collection(name="notes")
        """,
        """
        from pymilvus import MilvusClient, Collection, connections, db

        connections.connect(alias="default", uri="http://h:1")
        client = MilvusClient(uri="http://h:1")


        class NoteStore:
            def __init__(self):
                db.using_database("notes_db")
                client.use_database(db_name="notes_db")
                self.collection = self.get_collection()

            @staticmethod
            def get_collection() -> Collection:
                return Collection(name="notes")
        """,
        codes=("MM101", "MM161"),
    )
    assert any("db.using_database() kept next to" in f.message for f in findings)


def test_using_database_with_an_orm_utility_call_left_keeps_the_orm_switch():
    # A utility call the tool leaves ORM (no MilvusClient equivalent) reads the alias's
    # database too; with `using=` on both, the kept switch names the same alias.
    findings = check(
        """
        from pymilvus import connections, db, utility

        connections.connect(alias="a", uri="http://h:1", db_name="x")
        db.using_database("notes_db", using="a")
        print(utility.list_bulk_insert_tasks(using="a"))
        """,
        """
        from pymilvus import MilvusClient, connections, db, utility

        connections.connect(alias="a", uri="http://h:1", db_name="x")
        client = MilvusClient(uri="http://h:1", db_name="x")
        db.using_database("notes_db", using="a")
        client.use_database(db_name="notes_db")
        print(utility.list_bulk_insert_tasks(using="a"))
        """,
        codes=("MM101", "MM160", "MM161"),
    )
    assert any("db.using_database() kept next to" in f.message for f in findings)


def test_using_database_alone_becomes_the_client_switch():
    # Nothing ORM is left: the plain rewrite is right (negative case).
    check(
        """
        from pymilvus import connections, db, utility

        connections.connect(uri="http://h:1")
        db.using_database("notes_db")
        print(utility.list_collections())
        """,
        """
        from pymilvus import MilvusClient

        client = MilvusClient(uri="http://h:1")
        client.use_database(db_name="notes_db")
        print(client.list_collections())
        """,
    )


def test_connect_with_db_name_keeps_the_database_on_both_connections():
    # connect(db_name=) is carried to the client, and the kept ORM connect keeps it as written.
    check(
        """
        from pymilvus import Collection, connections, utility

        connections.connect(uri="http://h:1", db_name="notes_db")
        print(utility.list_collections())

        def get() -> Collection:
            return Collection("notes")
        """,
        """
        from pymilvus import MilvusClient, Collection, connections

        connections.connect(uri="http://h:1", db_name="notes_db")
        client = MilvusClient(uri="http://h:1", db_name="notes_db")
        print(client.list_collections())

        def get() -> Collection:
            return Collection("notes")
        """,
        codes=("MM101",),
    )


def test_using_database_whose_value_is_used_stays_orm():
    source = """
    from pymilvus import connections, db

    connections.connect(uri="http://h:1")
    print(db.using_database("notes_db"))
    """
    findings = check(source, source, codes=("MM161",))  # nothing migrates: no client either
    assert any("its value is used" in f.message for f in findings)


# ---- ho15: disconnect in the finally of the try that connects ----------------------------


def test_disconnect_in_finally_of_the_connecting_try_closes_only_a_bound_client():
    # When the connect raises, `client` was never bound: `client.close()` in the finally would
    # raise NameError and replace the method's exception. The ORM's disconnect was a no-op.
    check(
        """
        from pymilvus import connections, utility

        def exists(uri, name):
            try:
                connections.connect(alias="default", uri=uri)
                return utility.has_collection(name)
            except Exception as e:
                raise Exception(f"lookup failed: {type(e).__name__}")
            finally:
                connections.disconnect("default")  # always hang up
        """,
        """
        from pymilvus import MilvusClient

        def exists(uri, name):
            try:
                global client
                client = MilvusClient(uri=uri, db_name="default")
                return client.has_collection(collection_name=name)
            except Exception as e:
                raise Exception(f"lookup failed: {type(e).__name__}")
            finally:
                if "client" in globals():
                    client.close()  # always hang up
        """,
    )


def test_disconnect_in_an_except_of_the_connecting_try_closes_only_a_bound_client():
    check(
        """
        from pymilvus import connections, utility

        def names(uri):
            try:
                connections.connect(uri=uri)
                return utility.list_collections()
            except Exception:
                if True:
                    connections.disconnect("default")
                raise
        """,
        """
        from pymilvus import MilvusClient

        def names(uri):
            try:
                global client
                client = MilvusClient(uri=uri, db_name="default")
                return client.list_collections()
            except Exception:
                if True:
                    if "client" in globals():
                        client.close()
                raise
        """,
    )


def test_disconnect_after_a_connect_that_dominates_it_stays_plain():
    # Negative cases: the connect ran before the try (finally), or the disconnect is in the
    # try's else (runs only when the body, and so the connect, completed).
    check(
        """
        from pymilvus import connections, utility

        def names(uri):
            connections.connect(uri=uri)
            try:
                return utility.list_collections()
            finally:
                connections.disconnect("default")

        def count(uri):
            try:
                connections.connect(uri=uri)
            except Exception:
                return None
            else:
                connections.disconnect("default")
                return True
        """,
        """
        from pymilvus import MilvusClient

        def names(uri):
            global client
            client = MilvusClient(uri=uri, db_name="default")
            try:
                return client.list_collections()
            finally:
                client.close()

        def count(uri):
            try:
                global client
                client = MilvusClient(uri=uri, db_name="default")
            except Exception:
                return None
            else:
                client.close()
                return True
        """,
    )


# ---- ho19: an alias found in the ORM's own registry --------------------------------------

REUSING_STORE = """
from uuid import uuid4

from pymilvus import connections, utility


class Store:
    def __init__(self, host, port):
        self.alias = ""
        for entry in connections.list_connections():
            if entry[1]:
                self.alias = entry[0]
                break
        if not self.alias:
            self.alias = uuid4().hex
            connections.connect(alias=self.alias, host=host, port=port)

    def names(self):
        return utility.list_collections(using=self.alias)
"""


def test_alias_found_by_list_connections_keeps_connect_and_uses_orm():
    # `self.alias` may name a connection the application opened: a registry filled by this
    # module's connect would not hold it, and `milvus_clients[self.alias]` would raise KeyError.
    findings = check(REUSING_STORE, REUSING_STORE, codes=("MM103", "MM160"))
    reason = "the module reads the ORM's connections (list_connections())"
    assert any(reason in f.message for f in findings if f.code == "MM103")
    assert any(reason in f.message for f in findings if f.code == "MM160")


def test_get_connection_addr_alone_also_keeps_the_registry_out():
    source = """
    from pymilvus import connections, utility

    def connect(alias, uri):
        connections.connect(alias=alias, uri=uri)

    def describe(alias):
        print(connections.get_connection_addr(alias))
        return utility.list_collections(using=alias)
    """
    findings = check(source, source, codes=("MM103", "MM160"))
    assert any("get_connection_addr()" in f.message for f in findings if f.code == "MM160")


def test_same_store_without_registry_reads_uses_the_registry():
    # Negative case: the aliases come only from this module's connect. The class keeps its
    # alias on the instance, so each instance gets its own client (instance_client.py).
    check(
        """
        from uuid import uuid4

        from pymilvus import connections, utility


        class Store:
            def __init__(self, host, port):
                self.alias = uuid4().hex
                connections.connect(alias=self.alias, host=host, port=port)

            def names(self):
                return utility.list_collections(using=self.alias)
        """,
        """
        from uuid import uuid4
        from pymilvus import MilvusClient


        class Store:
            def __init__(self, host, port):
                self.alias = uuid4().hex
                self.client = MilvusClient(uri=f"http://{host}:{port}")

            def names(self):
                return self.client.list_collections()
        """,
    )
