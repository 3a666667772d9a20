"""Where the async rewrite's `AsyncMilvusClient` comes from (codemods/async_calls.py asking
codemods/client_import.py, as MM101/MM180 do for `MilvusClient`).

A module that imports pymilvus only lazily or guarded (`try: ... except ImportError`, or inside
a function) must keep importing without pymilvus after the rewrite, and a module that binds the
name `AsyncMilvusClient` itself must still get pymilvus's class for the twin client. Each pair
runs the whole pipeline twice (the second run must change nothing).
"""

from __future__ import annotations

import pytest

from tests.codemods.cm_helpers import check

# ---- placement: the import joins the module's own lazy/guarded pymilvus import ----------


def test_guarded_import_takes_the_async_class() -> None:
    check(
        """\
        import os

        try:
            from pymilvus import MilvusClient
        except ImportError:  # optional dependency
            pass


        async def main():
            client = MilvusClient(uri=os.environ["URI"])
            print(client.list_collections())
            client.close()
        """,
        """\
        import os

        try:
            from pymilvus import AsyncMilvusClient
        except ImportError:  # optional dependency
            pass


        async def main():
            async_client = AsyncMilvusClient(uri=os.environ["URI"])
            print(await async_client.list_collections())
            await async_client.close()
        """,
    )


def test_orm_connect_in_guarded_import_gets_both_classes_there() -> None:
    check(
        """\
        try:
            from pymilvus import connections, utility
        except ImportError:
            pass


        async def main():
            connections.connect(uri="http://localhost:19530")
            print(utility.list_collections())
        """,
        """\
        try:
            from pymilvus import AsyncMilvusClient, MilvusClient, connections, utility
        except ImportError:
            pass


        async def main():
            global client
            client = MilvusClient(uri="http://localhost:19530")
            global async_client
            async_client = AsyncMilvusClient(uri="http://localhost:19530")
            print(await async_client.list_collections())
        """,
        async_mode="always",  # no loop entry in the snippet (test_async_calls)
    )


def test_import_inside_the_function_takes_the_async_class() -> None:
    check(
        """\
        async def main(uri):
            from pymilvus import MilvusClient

            client = MilvusClient(uri=uri)
            print(client.list_collections())
        """,
        """\
        async def main(uri):
            from pymilvus import AsyncMilvusClient

            async_client = AsyncMilvusClient(uri=uri)
            print(await async_client.list_collections())
        """,
    )


def test_guarded_module_import_needs_no_new_import() -> None:
    check(
        """\
        try:
            import pymilvus
        except ImportError:
            pymilvus = None


        async def main():
            client = pymilvus.MilvusClient(uri="http://localhost:19530")
            print(client.list_collections())
        """,
        """\
        try:
            import pymilvus
        except ImportError:
            pymilvus = None


        async def main():
            async_client = pymilvus.AsyncMilvusClient(uri="http://localhost:19530")
            print(await async_client.list_collections())
        """,
    )


def test_unconditional_import_keeps_the_top_placement() -> None:
    check(
        """\
        from pymilvus import MilvusClient


        async def main():
            client = MilvusClient(uri="http://localhost:19530")
            print(client.list_collections())
        """,
        """\
        from pymilvus import AsyncMilvusClient


        async def main():
            async_client = AsyncMilvusClient(uri="http://localhost:19530")
            print(await async_client.list_collections())
        """,
    )


def test_sync_client_name_bound_twice_stays_sync_with_a_finding() -> None:
    # `MilvusClient = None` in the handler also binds the name: an import joined to the try
    # would not bind the twin's class where the sync one is bound, so nothing changes.
    source = """\
        try:
            from pymilvus import MilvusClient
        except ImportError:
            MilvusClient = None


        async def main():
            client = MilvusClient(uri="http://localhost:19530")
            print(client.list_collections())
        """
    findings = check(source, source)
    assert any(
        f.code == "MM206" and "imports pymilvus only where it needs it" in f.message
        for f in findings
    ), findings


def test_sync_client_from_another_scope_stays_sync_with_a_finding() -> None:
    # The function imports pymilvus itself, but the client's class comes from the guarded
    # module-level import: the twin's class would join the function's import instead.
    source = """\
        try:
            from pymilvus import MilvusClient
        except ImportError:
            pass


        async def main():
            from pymilvus import DataType

            print(DataType.INT64)
            client = MilvusClient(uri="http://localhost:19530")
            print(client.list_collections())
        """
    findings = check(source, source)
    assert any(
        f.code == "MM206" and "imports pymilvus only where it needs it" in f.message
        for f in findings
    ), findings


# ---- the name: a module that binds `AsyncMilvusClient` itself ----------------------------


@pytest.mark.parametrize(
    "binding",
    [
        "class AsyncMilvusClient:\n    pass\n",
        "AsyncMilvusClient = None\n",
        "def AsyncMilvusClient():\n    pass\n",
        "from qa.store import AsyncMilvusClient\n",
    ],
    ids=["class", "assignment", "function", "other_import"],
)
def test_taken_async_name_gets_pymilvus_under_a_free_name(binding: str) -> None:
    check(
        f"from pymilvus import MilvusClient\n\n{binding}\n\n"
        "async def main():\n"
        '    client = MilvusClient(uri="http://localhost:19530")\n'
        "    print(client.list_collections())\n",
        "from pymilvus import AsyncMilvusClient as PyAsyncMilvusClient\n\n"
        f"{binding}\n\n"
        "async def main():\n"
        '    async_client = PyAsyncMilvusClient(uri="http://localhost:19530")\n'
        "    print(await async_client.list_collections())\n",
    )


def test_taken_async_name_in_guarded_import_joins_with_the_alias() -> None:
    check(
        """\
        try:
            from pymilvus import MilvusClient
        except ImportError:
            pass


        class AsyncMilvusClient:
            pass


        async def main():
            client = MilvusClient(uri="http://localhost:19530")
            print(client.list_collections())
        """,
        """\
        try:
            from pymilvus import AsyncMilvusClient as PyAsyncMilvusClient
        except ImportError:
            pass


        class AsyncMilvusClient:
            pass


        async def main():
            async_client = PyAsyncMilvusClient(uri="http://localhost:19530")
            print(await async_client.list_collections())
        """,
    )


def test_pymilvus_async_name_already_imported_is_kept() -> None:
    # an earlier run's output: the name is bound only to pymilvus's class, so it is free
    source = """\
        from pymilvus import AsyncMilvusClient


        async def main():
            async_client = AsyncMilvusClient(uri="http://localhost:19530")
            print(await async_client.list_collections())
        """
    check(source, source)
