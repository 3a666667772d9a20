"""Before/after pairs for the async rule (MM2xx), run directly on MilvusClient-style input so
they do not depend on the sync ORM rules."""

from __future__ import annotations

import ast
import inspect
from textwrap import dedent

import libcst as cst
import pymilvus
import pytest

from codemods.async_calls import RULES, AsyncCalls
from codemods.async_client_api import MethodKind, classify, missing_methods
from codemods.base import Options
from codemods.context import MigrationContext
from codemods.registry import all_rules, full_migration_codemods


def migrate(source: str, **options: object) -> tuple[str, MigrationContext]:
    # The snippets start no event loop of their own: `--async auto` would keep them sync
    # (test_no_loop_entry_keeps_long_lived_clients_sync), so they run as `--async always`.
    options.setdefault("async_mode", "always")
    ctx = MigrationContext(Options(**options))  # type: ignore[arg-type]
    module = AsyncCalls().apply(cst.parse_module(dedent(source)), ctx)
    return module.code, ctx


def assert_migrates(before: str, after: str, **options: object) -> MigrationContext:
    out, ctx = migrate(before, **options)
    assert out == dedent(after)
    ast.parse(out)  # valid Python
    again, ctx2 = migrate(out, **options)
    assert again == out, "a second run must change nothing"
    assert not ctx2.changes
    return ctx


def assert_unchanged(source: str, **options: object) -> MigrationContext:
    out, ctx = migrate(source, **options)
    assert out == dedent(source)
    assert not ctx.changes
    return ctx


def codes(ctx: MigrationContext) -> list[str]:
    return [f.code for f in ctx.findings]


# ---- the introspected API table ---------------------------------------------------------


def test_classification_follows_the_installed_async_client() -> None:
    for name in ("search", "query", "insert", "close", "create_collection"):
        assert inspect.iscoroutinefunction(getattr(pymilvus.AsyncMilvusClient, name))
        assert classify(name) is MethodKind.AWAITABLE
    # plain helpers on both classes: no I/O, nothing to await
    assert not inspect.iscoroutinefunction(pymilvus.AsyncMilvusClient.prepare_index_params)
    assert classify("prepare_index_params") is MethodKind.PLAIN
    assert classify("not_a_method") is MethodKind.UNKNOWN
    for name in missing_methods():
        assert hasattr(pymilvus.MilvusClient, name)
        assert not hasattr(pymilvus.AsyncMilvusClient, name)
        assert classify(name) is MethodKind.MISSING


# ---- MM201: awaited calls ---------------------------------------------------------------


def test_module_client_in_async_def() -> None:
    ctx = assert_migrates(
        """\
        import os

        from pymilvus import MilvusClient

        client = MilvusClient(uri=os.environ["MILVUS_URI"], db_name="default")


        async def top_hits(vec):
            res = client.search(collection_name="docs", data=[vec], limit=3)  # keep me
            return res[0]


        def count():
            return client.query(collection_name="docs", filter="", output_fields=["count(*)"])
        """,
        """\
        import os

        from pymilvus import AsyncMilvusClient, MilvusClient

        client = MilvusClient(uri=os.environ["MILVUS_URI"], db_name="default")
        async_client = AsyncMilvusClient(uri=os.environ["MILVUS_URI"], db_name="default")


        async def top_hits(vec):
            res = await async_client.search(collection_name="docs", data=[vec], limit=3)  # keep me
            return res[0]


        def count():
            return client.query(collection_name="docs", filter="", output_fields=["count(*)"])
        """,
    )
    assert [c.code for c in ctx.changes] == ["MM201"]
    assert ctx.changes[0].line == 9


def test_instance_attribute_client() -> None:
    assert_migrates(
        """\
        from pymilvus import MilvusClient


        class Store:
            def __init__(self, uri):
                self.client = MilvusClient(uri=uri, token="root:Milvus")

            async def rows(self, ids):
                return self.client.get(collection_name="docs", ids=ids)

            def rows_sync(self, ids):
                return self.client.get(collection_name="docs", ids=ids)
        """,
        """\
        from pymilvus import AsyncMilvusClient, MilvusClient


        class Store:
            def __init__(self, uri):
                self.client = MilvusClient(uri=uri, token="root:Milvus")
                self.async_client = AsyncMilvusClient(uri=uri, token="root:Milvus")

            async def rows(self, ids):
                return await self.async_client.get(collection_name="docs", ids=ids)

            def rows_sync(self, ids):
                return self.client.get(collection_name="docs", ids=ids)
        """,
    )


def test_module_attribute_import_form_and_alias() -> None:
    assert_migrates(
        """\
        import pymilvus

        milvus = pymilvus.MilvusClient("demo.db")


        async def names():
            return milvus.list_collections()
        """,
        """\
        import pymilvus

        milvus = pymilvus.MilvusClient("demo.db")
        async_milvus = pymilvus.AsyncMilvusClient("demo.db")


        async def names():
            return await async_milvus.list_collections()
        """,
    )
    out, _ = migrate(
        """\
        from pymilvus import MilvusClient as MC

        c = MC(uri="http://h:19530")


        async def names():
            return c.list_collections()
        """
    )
    assert 'async_c = AsyncMilvusClient(uri="http://h:19530")' in out
    assert "from pymilvus import AsyncMilvusClient" in out


def test_await_is_parenthesized_where_precedence_needs_it() -> None:
    out, _ = migrate(
        """\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")


        async def n():
            a = client.query(collection_name="d", filter="", output_fields=["count(*)"])[0]
            b = client.describe_collection(collection_name="d")["fields"]
            c = client.search(collection_name="d", data=[[1.0]]).extra
            return a, b, c
        """
    )
    assert (
        '(await async_client.query(collection_name="d", filter="", output_fields=["count(*)"]))[0]'
        in out
    )
    assert '(await async_client.describe_collection(collection_name="d"))["fields"]' in out
    assert '(await async_client.search(collection_name="d", data=[[1.0]])).extra' in out
    ast.parse(out)


def test_function_local_client_is_replaced_when_every_use_became_async() -> None:
    assert_migrates(
        """\
        from pymilvus import MilvusClient


        async def main(uri):
            client = MilvusClient(uri=uri)
            print(client.list_collections())
            client.close()
        """,
        """\
        from pymilvus import AsyncMilvusClient


        async def main(uri):
            async_client = AsyncMilvusClient(uri=uri)
            print(await async_client.list_collections())
            await async_client.close()
        """,
    )


def test_function_local_client_with_sync_uses_is_kept() -> None:
    out, _ = migrate(
        """\
        from pymilvus import MilvusClient


        def run(uri):
            client = MilvusClient(uri=uri)
            client.create_collection(collection_name="d", dimension=4)

            async def fetch():
                return client.get(collection_name="d", ids=[1])

            return fetch
        """
    )
    assert "client = MilvusClient(uri=uri)\n    async_client = AsyncMilvusClient(uri=uri)" in out
    assert 'client.create_collection(collection_name="d", dimension=4)' in out
    assert 'return await async_client.get(collection_name="d", ids=[1])' in out


def test_sync_only_module_is_untouched() -> None:
    assert_unchanged(
        """\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")


        def search(v):
            return client.search(collection_name="d", data=[v])
        """
    )


def test_name_collision_picks_a_fresh_twin_name() -> None:
    out, _ = migrate(
        """\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")
        async_client = None


        async def n():
            return client.list_collections()
        """
    )
    assert 'async_client_2 = AsyncMilvusClient("a.db")' in out
    assert "return await async_client_2.list_collections()" in out


# ---- MM202: close ------------------------------------------------------------------------


def test_close_in_async_code_closes_the_twin_too() -> None:
    assert_migrates(
        """\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")


        async def serve():
            try:
                return client.has_collection(collection_name="d")
            finally:
                client.close()
        """,
        """\
        from pymilvus import AsyncMilvusClient, MilvusClient

        client = MilvusClient("a.db")
        async_client = AsyncMilvusClient("a.db")


        async def serve():
            try:
                return await async_client.has_collection(collection_name="d")
            finally:
                client.close()
                await async_client.close()
        """,
    )


def test_close_alone_makes_no_twin() -> None:
    assert_unchanged(
        """\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")


        async def shutdown():
            client.close()
        """
    )


# ---- MM203 / MM204: ORM-style futures ---------------------------------------------------


def test_future_result_in_async_def_becomes_await() -> None:
    ctx = assert_migrates(
        """\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")


        async def handler(v):
            hits = client.search(
                collection_name="d",
                data=[v],
                _async=True,
            ).result()
            client.insert(collection_name="d", data=[{"id": 1}], _async=True)
            return hits
        """,
        """\
        from pymilvus import AsyncMilvusClient, MilvusClient

        client = MilvusClient("a.db")
        async_client = AsyncMilvusClient("a.db")


        async def handler(v):
            hits = await async_client.search(
                collection_name="d",
                data=[v],
            )
            await async_client.insert(collection_name="d", data=[{"id": 1}])
            return hits
        """,
    )
    assert [c.code for c in ctx.changes] == ["MM203", "MM203"]


def test_kept_future_becomes_a_task_awaited_where_result_was() -> None:
    ctx = assert_migrates(
        """\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")


        async def two(v, w):
            first = client.search(collection_name="d", data=[v], _async=True)
            second = client.hybrid_search(collection_name="d", reqs=w, _async=True)
            if v is None:
                first.cancel()
            return first.result(), second.result()[0]
        """,
        """\
        from pymilvus import AsyncMilvusClient, MilvusClient
        import asyncio

        client = MilvusClient("a.db")
        async_client = AsyncMilvusClient("a.db")


        async def two(v, w):
            first = asyncio.ensure_future(async_client.search(collection_name="d", data=[v]))
            second = asyncio.ensure_future(async_client.hybrid_search(collection_name="d", reqs=w))
            if v is None:
                first.cancel()
            return await first, (await second)[0]
        """,
    )
    assert [c.code for c in ctx.changes] == ["MM203", "MM203"]


def test_futures_that_cannot_be_awaited_in_place_are_reported() -> None:
    source = """\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")


        async def kept(v, pending):
            fut = client.search(collection_name="d", data=[v], _async=True)
            pending.append(fut)
            return fut.result()


        async def waits(v):
            fut = client.search(collection_name="d", data=[v], _async=True)
            fut.done()  # the ORM's done() blocks until the response is in
            return fut.result()


        async def callback(v, cb):
            return client.search(collection_name="d", data=[v], _async=True, _callback=cb)


        async def timeout(v):
            return client.search(collection_name="d", data=[v], _async=True).result(5)


        def sync_code(v):
            return client.search(collection_name="d", data=[v], _async=True).result()
        """
    ctx = assert_unchanged(source)
    assert codes(ctx) == ["MM206", "MM206", "MM206", "MM206", "MM204"]
    assert "ensure_future" in ctx.findings[0].message
    assert "done()" in ctx.findings[1].message
    assert "_callback" in ctx.findings[2].message
    assert "wait_for" in ctx.findings[3].message
    assert "async def" in ctx.findings[4].suggestion


# ---- MM205: no async counterpart ---------------------------------------------------------


def test_method_missing_on_async_client_stays_sync_and_is_reported() -> None:
    missing = sorted(missing_methods())
    assert missing, "pymilvus 3.0.2 lacks some async methods; the table must find them"
    ctx = assert_unchanged(
        f"""\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")


        async def dump():
            schema = client.create_schema()
            return client.{missing[0]}(collection_name="d")
        """
    )
    assert codes(ctx) == ["MM205"]
    assert missing[0] in ctx.findings[0].message


# ---- MM206: not provable ----------------------------------------------------------------


def test_unprovable_sites_are_reported_not_rewritten() -> None:
    ctx = assert_unchanged(
        """\
        import random

        from pymilvus import MilvusClient

        client = MilvusClient("a.db")
        if random.random() > 2:
            client = object()


        async def a():
            return client.list_collections()
        """
    )
    assert codes(ctx) == ["MM206"]
    ctx = assert_unchanged(
        """\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")


        async def b(ids):
            getter = lambda: client.get(collection_name="d", ids=ids)
            return sum(len(client.get(collection_name="d", ids=[i])) for i in ids), getter
        """
    )
    assert codes(ctx) == ["MM206", "MM206"]


def test_database_switch_in_sync_code_blocks_the_rewrite() -> None:
    ctx = assert_unchanged(
        """\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")
        client.use_database("other")


        async def a():
            return client.list_collections()
        """
    )
    assert codes(ctx) == ["MM206"]
    assert "database" in ctx.findings[0].message


SEVERAL_LOOPS = """\
    import asyncio

    from pymilvus import MilvusClient

    client = MilvusClient("a.db")


    async def a():
        return client.list_collections()


    asyncio.run(a())
    asyncio.run(a())
    """


def test_several_event_loops_block_long_lived_clients_unless_always() -> None:
    ctx = assert_unchanged(SEVERAL_LOOPS, async_mode="auto")
    assert codes(ctx) == ["MM206"]
    assert "event loop" in ctx.findings[0].message
    out, ctx = migrate(SEVERAL_LOOPS, async_mode="always")
    assert "return await async_client.list_collections()" in out
    assert [c.code for c in ctx.changes] == ["MM201"]


NO_LOOP_ENTRY = """\
    from pymilvus import MilvusClient

    client = MilvusClient(uri="http://localhost:19530")


    async def names():
        return client.list_collections()
    """


def test_no_loop_entry_keeps_long_lived_clients_sync() -> None:
    # A module that starts no loop is driven by its importers, which may each bring one
    # (pytest-asyncio, a web test client, two asyncio.run calls in a CLI); an AsyncMilvusClient
    # bound to the first fails on the next ("Event loop is closed"), where the ORM's and the
    # sync client's calls work from any loop (found on s008 and s038 of a real-code sample).
    ctx = assert_unchanged(NO_LOOP_ENTRY, async_mode="auto")
    assert codes(ctx) == ["MM206"]
    assert "event loop" in ctx.findings[0].message
    one_loop = "import asyncio\n" + dedent(NO_LOOP_ENTRY) + "\n\nasyncio.run(names())\n"
    out, _ = migrate(one_loop, async_mode="auto")
    assert "return await async_client.list_collections()" in out


def test_async_mode_never_leaves_everything_sync() -> None:
    ctx = assert_unchanged(
        """\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")


        async def a():
            return client.search(collection_name="d", data=[[1.0]], _async=True).result()
        """,
        async_mode="never",
    )
    assert not ctx.findings


def test_rule_selection_and_suppression_are_honoured() -> None:
    source = """\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")


        async def a():
            return client.list_collections()  # milvus-migrate: ignore[MM201]
        """
    assert_unchanged(source, ignore=("MM201",))
    ctx = MigrationContext(Options())
    ctx.suppressed_lines[7] = frozenset({"MM201"})
    module = AsyncCalls().apply(cst.parse_module(dedent(source)), ctx)
    assert module.code == dedent(source)


# ---- rule docs ----------------------------------------------------------------------------


@pytest.mark.parametrize("rule", [r for r in RULES if r.before and r.after], ids=lambda r: r.code)
def test_rule_examples_are_what_the_rule_does(rule) -> None:
    if rule.applicability.value == "report-only":
        ctx = MigrationContext(Options())
        prelude = 'from pymilvus import MilvusClient\n\nclient = MilvusClient("a.db")\n\n\n'
        out = AsyncCalls().apply(cst.parse_module(prelude + rule.before), ctx).code
        assert [f.code for f in ctx.findings] == [rule.code]
        return
    prelude = 'from pymilvus import MilvusClient\n\nURI = "x"\n'
    if "MilvusClient(" not in rule.before:
        prelude += "client = MilvusClient(uri=URI)\n\n\n"
    out, ctx = migrate(prelude + rule.before)
    assert rule.after in out
    assert rule.code in [c.code for c in ctx.changes]


def test_async_rules_are_registered_last_and_documented() -> None:
    assert isinstance(full_migration_codemods()[-1], AsyncCalls)
    documented = {r.code for r in all_rules()}
    assert {r.code for r in RULES} <= documented
    assert all(r.description for r in RULES)


def test_cli_async_option(tmp_path) -> None:
    from click.testing import CliRunner

    from migrator.cli import migrate as migrate_command

    program = tmp_path / "app.py"
    program.write_text(dedent(SEVERAL_LOOPS))
    runner = CliRunner()
    for mode, rewritten in (("never", False), ("auto", False), ("always", True)):
        result = runner.invoke(
            migrate_command, [str(program), "--diff", "-j", "1", "--async", mode]
        )
        assert result.exit_code == 0, result.output
        assert ("+    return await async_client.list_collections()" in result.output) is rewritten
        if mode == "auto":
            assert "MM206" in result.output
    bad = runner.invoke(migrate_command, [str(program), "--async", "sometimes"])
    assert bad.exit_code == 2


def test_client_declared_global_in_a_function_gets_a_global_twin() -> None:
    assert_migrates(
        """\
        from pymilvus import MilvusClient


        class App:
            def __init__(self, uri):
                global client
                client = MilvusClient(uri=uri)

            async def names(self):
                return client.list_collections()
        """,
        """\
        from pymilvus import AsyncMilvusClient, MilvusClient


        class App:
            def __init__(self, uri):
                global client
                client = MilvusClient(uri=uri)
                global async_client
                async_client = AsyncMilvusClient(uri=uri)

            async def names(self):
                return await async_client.list_collections()
        """,
    )


def test_only_code_that_runs_in_the_async_body_is_awaited() -> None:
    """Decorators and defaults run in the enclosing scope, a class body runs synchronously;
    awaiting there would be a SyntaxError. Operators and f-strings keep their meaning."""
    out, _ = migrate(
        """\
        from pymilvus import MilvusClient

        client = MilvusClient("a.db")


        @register(client.list_collections())
        async def handler(limit=client.list_collections()):
            class Snapshot:
                names = client.list_collections()

            def later(x=client.list_collections()):
                return client.list_collections()

            total = -client.get_collection_stats(collection_name="a")["row_count"]
            either = client.has_collection(collection_name="a") or not client.has_collection(
                collection_name="b"
            )
            return f"{client.list_collections()}", total, either, later, Snapshot
        """
    )
    compile(out, "<migrated>", "exec")
    assert "@register(client.list_collections())" in out
    assert "async def handler(limit=client.list_collections()):" in out
    assert "        names = client.list_collections()" in out
    assert "def later(x=await async_client.list_collections()):" in out
    assert "        return client.list_collections()" in out
    assert 'total = -(await async_client.get_collection_stats(collection_name="a"))' in out
    assert 'either = await async_client.has_collection(collection_name="a") or not await' in out
    assert 'return f"{await async_client.list_collections()}"' in out
