"""--shim-rest: the full migration, then MM001 points the ORM names still used by the code left
for manual review at compat_shim; a file with nothing left ORM comes out as plain migration."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from codemods import Options, migrate_source
from tests.codemods.cm_helpers import check

CONNECT = 'connections.connect(uri="http://h:1")\n'


def test_collection_left_orm_imports_from_compat_shim():
    """`something(c)` keeps `c` ORM (MM110) and with it `connections.connect`: both names move
    to compat_shim, DataType stays with pymilvus (no client: nothing would read it)."""
    body = 'c = Collection("x")\nc.load()\nsomething(c)\nprint(DataType.INT64)\n'
    findings = check(
        "from pymilvus import Collection, DataType, connections\n" + CONNECT + body,
        "from compat_shim import Collection, connections\n"
        "from pymilvus import DataType\n" + CONNECT + body,
        codes=("MM110", "MM101"),
        shim_rest=True,
    )
    assert not [f for f in findings if f.code == "MM001"], findings


def test_orm_module_import_left_orm_points_at_the_shim_module():
    body = 'c = Collection("x")\nsomething(c)\n'
    check(
        "from pymilvus import connections\nfrom pymilvus.orm.collection import Collection\n"
        + CONNECT
        + body,
        "from compat_shim import connections\n"
        "from compat_shim.collection import Collection\n" + CONNECT + body,
        shim_rest=True,
    )


def test_parenthesized_import_keeps_its_parentheses():
    body = 'c = Collection("x")\nsomething(c)\n'
    check(
        "from pymilvus import (\n    Collection,\n    DataType,\n    connections,\n)\n"
        + CONNECT
        + body,
        "from compat_shim import (\n    Collection,\n    connections,\n)\n"
        "from pymilvus import (\n    DataType,\n)\n" + CONNECT + body,
        shim_rest=True,
    )


def test_inside_async_def_after_the_async_rewrite():
    """ShimImports runs after AsyncCalls: the awaited AsyncMilvusClient rewrite is plain
    migration's, and only the names of the collection left ORM (`d`) move."""
    src = (
        "import asyncio\nfrom pymilvus import Collection, connections\n\n"
        "async def main():\n"
        '    connections.connect(uri="http://h:1")\n'
        '    c = Collection("x")\n    c.load()\n'
        '    d = Collection("y")\n    something(d)\n\n'
        "asyncio.run(main())\n"
    )
    body = (
        "\nasync def main():\n"
        '    connections.connect(uri="http://h:1")\n'
        "    global client\n"
        '    client = MilvusClient(uri="http://h:1")\n'
        "    global async_client\n"
        '    async_client = AsyncMilvusClient(uri="http://h:1")\n'
        '    c = "x"\n'
        "    await async_client.load_collection(collection_name=c)\n"
        '    d = Collection("y")\n    something(d)\n\n'
        "asyncio.run(main())\n"
    )
    plain_imports = (
        "from pymilvus import AsyncMilvusClient, MilvusClient, Collection, connections\n"
    )
    assert migrate_source(src).source == "import asyncio\n" + plain_imports + body
    check(
        src,
        "import asyncio\nfrom compat_shim import Collection, connections\n"
        "from pymilvus import AsyncMilvusClient, MilvusClient\n" + body,
        shim_rest=True,
    )


@pytest.mark.parametrize(
    "src",
    [
        # every use migrated: no ORM name left to repoint
        "from pymilvus import Collection, connections\n" + CONNECT + 'c = Collection("x")\n'
        "c.load()\n",
        "from pymilvus import connections, utility\n"
        + CONNECT
        + 'print(utility.has_collection("x"))\n',
        # ORM names left, but none an import can repoint: reported by MM001, text unchanged
        "import pymilvus\npymilvus.connections.connect(uri='http://h:1')\n"
        "c = pymilvus.Collection('x')\nsomething(c)\n",
        "from pymilvus import *\n" + CONNECT + 'c = Collection("x")\nc.load()\n',
    ],
    ids=["all-migrated", "utility-migrated", "module-attribute", "star-import"],
)
def test_output_is_plain_migration_when_no_import_is_left_to_repoint(src: str):
    plain = migrate_source(src)
    combined = migrate_source(src, Options(shim_rest=True))
    assert combined.source == plain.source
    assert combined.changes == plain.changes
    assert [f for f in combined.findings if f.code != "MM001"] == plain.findings


def test_attribute_and_star_forms_are_reported_by_mm001():
    src = "import pymilvus\nc = pymilvus.Collection('x')\nsomething(c)\n"
    findings = migrate_source(src, Options(shim_rest=True)).findings
    assert any(f.code == "MM001" and "pymilvus.Collection" in f.message for f in findings)


def _without_imports(source: str) -> str:
    tree = ast.parse(source)
    tree.body = [s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))]
    return ast.unparse(tree)


PROGRAMS = sorted((Path(__file__).parents[1] / "fixtures" / "programs").glob("*.py"))


def test_programs_differ_from_plain_migration_only_in_repointed_imports():
    """On every runnable program (tests/fixtures/programs): without an MM001 change the
    --shim-rest output is plain migration's byte for byte; with one, only import lines differ,
    and the other rules' changes and findings are the same."""
    from tests.test_equivalence import program_options

    repointed = []
    for program in PROGRAMS:
        options = program_options(program)
        src = program.read_text(encoding="utf-8")
        plain = migrate_source(src, options)
        combined = migrate_source(src, replace(options, shim_rest=True))
        mm001 = [c for c in combined.changes if c.code == "MM001"]
        assert [c for c in combined.changes if c.code != "MM001"] == plain.changes, program.name
        assert [f for f in combined.findings if f.code != "MM001"] == plain.findings, program.name
        if not mm001:
            assert combined.source == plain.source, program.name
            continue
        repointed.append(program.stem)
        assert _without_imports(combined.source) == _without_imports(plain.source), program.name
    # the programs whose default migration keeps ORM code (tests/test_equivalence.py)
    assert repointed == [
        "bootcamp_helper",
        "error_paths",
        "host_port_connect",
        "partition_objects",
        "two_connections_using",
    ]
