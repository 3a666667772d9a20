"""Where the rewrite's `MilvusClient` comes from (codemods/client_import.py, MM101, MM180).

Holdout 3 (tests/fixtures/realworld_holdout3/repros/README.md): the added
`client = MilvusClient(...)` must call pymilvus's class even when the module binds that name
to something else (ho32: its own class), and the import must not make a module that imports
pymilvus lazily or under `try/except ImportError` need pymilvus to import at all (ho38).
Each pair is migrated twice (the second run must change nothing).
"""

from __future__ import annotations

import pytest

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check

# ---- the name: a module that binds `MilvusClient` itself ------------------------------


def test_own_class_named_milvusclient_gets_pymilvus_under_a_free_name() -> None:
    check(
        """\
        import os

        from pymilvus import Collection, connections


        class MilvusClient:
            def connect(self):
                connections.connect(uri=os.environ["URI"])
                self.collection = Collection("docs")
                self.collection.load()
        """,
        """\
        import os
        from pymilvus import MilvusClient as PyMilvusClient


        class MilvusClient:
            def connect(self):
                global client
                client = PyMilvusClient(uri=os.environ["URI"], db_name="default")
                self.collection = "docs"
                client.load_collection(collection_name=self.collection)
        """,
    )


@pytest.mark.parametrize(
    "binding",
    [
        "from qa.store import MilvusClient\n",
        "MilvusClient = None\n",
        "def MilvusClient():\n    pass\n",
        "def build(MilvusClient):\n    return MilvusClient\n",
        "import qa.MilvusClient as MilvusClient\n",
    ],
    ids=["other_import", "assignment", "function", "parameter", "import_as"],
)
def test_any_other_binding_of_the_name_takes_it(binding: str) -> None:
    source = (
        "from pymilvus import connections, utility\n\n"
        + binding
        + 'connections.connect(uri="http://localhost:19530")\n'
        + 'print(utility.has_collection("docs"))\n'
    )
    outcome = migrate_source(source, Options())
    assert "from pymilvus import MilvusClient as PyMilvusClient\n" in outcome.source
    assert 'client = PyMilvusClient(uri="http://localhost:19530")\n' in outcome.source
    assert binding in outcome.source
    assert "from pymilvus import MilvusClient\n" not in outcome.source
    second = migrate_source(outcome.source, Options())
    assert second.source == outcome.source and not second.changes


def test_both_names_taken_the_next_is_numbered() -> None:
    check(
        """\
        from pymilvus import connections, utility

        MilvusClient = PyMilvusClient = None
        connections.connect(uri="http://localhost:19530")
        print(utility.has_collection("docs"))
        """,
        """\
        from pymilvus import MilvusClient as PyMilvusClient_2

        MilvusClient = PyMilvusClient = None
        client = PyMilvusClient_2(uri="http://localhost:19530")
        print(client.has_collection(collection_name="docs"))
        """,
    )


def test_pymilvus_own_milvusclient_keeps_its_name() -> None:
    """Negative: `MilvusClient` imported from pymilvus (in a function too) is not taken."""
    check(
        """\
        from pymilvus import MilvusClient, connections, utility


        def admin():
            from pymilvus import MilvusClient

            return MilvusClient(uri="http://localhost:19530")


        connections.connect(uri="http://localhost:19530")
        print(utility.has_collection("docs"))
        """,
        """\
        from pymilvus import MilvusClient


        def admin():
            from pymilvus import MilvusClient

            return MilvusClient(uri="http://localhost:19530")


        client = MilvusClient(uri="http://localhost:19530")
        print(client.has_collection(collection_name="docs"))
        """,
    )


def test_a_project_class_call_is_not_taken_for_a_client() -> None:
    """Negative: `MilvusClient(app)` of the project's class stays a plain call (it was once
    counted as a MilvusClient, which made `store` a client variable)."""
    check(
        """\
        from pymilvus import connections, utility


        class MilvusClient:
            def __init__(self, app):
                self.app = app


        store = MilvusClient({})
        connections.connect(uri="http://localhost:19530")
        print(utility.has_collection("docs"))
        """,
        """\
        from pymilvus import MilvusClient as PyMilvusClient


        class MilvusClient:
            def __init__(self, app):
                self.app = app


        store = MilvusClient({})
        client = PyMilvusClient(uri="http://localhost:19530")
        print(client.has_collection(collection_name="docs"))
        """,
    )


# ---- the place: a module that imports pymilvus only where it needs it -------------------


def test_import_inside_a_function_try_is_extended() -> None:
    check(
        """\
        import os


        def main():
            try:
                from pymilvus import connections, utility
            except ImportError as exc:
                raise SystemExit("install pymilvus") from exc

            connections.connect(uri=os.environ["URI"])
            if utility.has_collection("docs"):
                utility.drop_collection("docs")
        """,
        """\
        import os


        def main():
            try:
                from pymilvus import MilvusClient
            except ImportError as exc:
                raise SystemExit("install pymilvus") from exc

            global client
            client = MilvusClient(uri=os.environ["URI"], db_name="default")
            if client.has_collection(collection_name="docs"):
                client.drop_collection(collection_name="docs")
        """,
    )


def test_module_level_guarded_import_is_extended() -> None:
    check(
        """\
        try:
            from pymilvus import connections, utility

            HAVE_MILVUS = True
        except ImportError:
            HAVE_MILVUS = False


        def reset():
            connections.connect(uri="http://localhost:19530")
            utility.drop_collection("docs")
        """,
        """\
        try:
            from pymilvus import MilvusClient, connections, utility

            HAVE_MILVUS = True
        except ImportError:
            HAVE_MILVUS = False


        def reset():
            global client
            client = MilvusClient(uri="http://localhost:19530")
            client.drop_collection(collection_name="docs")
        """,
    )


def test_plain_import_of_pymilvus_gets_the_new_import_right_after_it() -> None:
    check(
        """\
        def main():
            import pymilvus

            pymilvus.connections.connect(uri="http://localhost:19530")
            print(pymilvus.utility.has_collection("docs"))
        """,
        """\
        def main():
            import pymilvus
            from pymilvus import MilvusClient

            global client
            client = MilvusClient(uri="http://localhost:19530")
            print(client.has_collection(collection_name="docs"))
        """,
    )


def test_submodule_import_gets_the_new_import_right_after_it() -> None:
    check(
        """\
        def main():
            from pymilvus.orm.connections import connections

            connections.connect(uri="http://localhost:19530")
        """,
        """\
        def main():
            from pymilvus import MilvusClient

            global client
            client = MilvusClient(uri="http://localhost:19530")
        """,
    )


def test_guarded_import_and_own_class_together() -> None:
    check(
        """\
        class MilvusClient:
            def open(self):
                from pymilvus import connections

                connections.connect(uri="http://localhost:19530")
                return connections
        """,
        """\
        class MilvusClient:
            def open(self):
                from pymilvus import MilvusClient as PyMilvusClient, connections

                global client
                client = PyMilvusClient(uri="http://localhost:19530")
                return connections
        """,
    )


def test_unconditional_import_keeps_the_top_placement() -> None:
    """Negative: a module that imports pymilvus at module level needs it anyway."""
    check(
        """\
        import os

        from pymilvus import utility


        def main():
            from pymilvus import connections

            connections.connect(uri=os.environ["URI"])
            print(utility.has_collection("docs"))
        """,
        """\
        import os
        from pymilvus import MilvusClient


        def main():
            global client
            client = MilvusClient(uri=os.environ["URI"], db_name="default")
            print(client.has_collection(collection_name="docs"))
        """,
    )


@pytest.mark.parametrize(
    "source",
    [
        # The fallback binds `connections` too: `MilvusClient` would be unbound there.
        """\
try:
    from pymilvus import connections
except ImportError:
    connections = None


def main():
    connections.connect(uri="http://localhost:19530")
""",
        # The connect's `connections` is not from the function's own (first) pymilvus import.
        """\
try:
    from pymilvus import connections
except ImportError:
    pass


def main():
    from pymilvus import utility

    connections.connect(uri="http://localhost:19530")
    print(utility.has_collection("docs"))
""",
    ],
    ids=["fallback_binding", "other_import_nearer"],
)
def test_connect_left_orm_when_the_import_cannot_join_its_own(source: str) -> None:
    findings = check(source, source)
    assert any(
        f.code == "MM101" and "imports pymilvus only where it needs it" in f.message
        for f in findings
    ), findings
