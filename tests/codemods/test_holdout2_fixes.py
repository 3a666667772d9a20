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
        from pymilvus import Collection, connections

        connections.connect(uri="http://h:1", db_name="notes_db")

        def get() -> Collection:
            return Collection("notes")
        """,
        """
        from pymilvus import MilvusClient, Collection, connections

        connections.connect(uri="http://h:1", db_name="notes_db")
        client = MilvusClient(uri="http://h:1", db_name="notes_db")

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
    findings = check(
        source,
        """
        from pymilvus import MilvusClient, connections, db

        connections.connect(uri="http://h:1")
        client = MilvusClient(uri="http://h:1")
        print(db.using_database("notes_db"))
        """,
        codes=("MM161",),
    )
    assert any("its value is used" in f.message for f in findings)
