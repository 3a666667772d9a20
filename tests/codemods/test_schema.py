# ruff: noqa: E501  (expected sources are compared line for line; wrapping would change them)
"""MM190: CollectionSchema([FieldSchema(...), ...]) -> create_schema() + add_field().

Before/after pairs run the real engine twice (`check`: output parses, a second run changes
nothing). The equivalence tests at the bottom execute the original and the migrated schema
code on the installed pymilvus and compare the objects they build, so every argument is
proven to keep its meaning (no server needed: schema objects are client-side).
"""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path

import libcst as cst
import pytest
from pymilvus import CollectionSchema

from codemods import migrate_source
from codemods.base import Options
from codemods.context import MigrationContext
from codemods.schema import SchemaBuild
from tests.codemods.cm_helpers import check

IMPORTS = "from pymilvus import CollectionSchema, DataType, FieldSchema\n"
NEW_IMPORTS = "from pymilvus import MilvusClient, DataType\n"


def _schema_changes(source: str) -> list:
    outcome = migrate_source(textwrap.dedent(source))
    return [c for c in outcome.changes if c.code == "MM190"]


# ---- rewrites ----------------------------------------------------------------------------


def test_inline_list_with_schema_keywords():
    check(
        IMPORTS
        + "schema = CollectionSchema(\n"
        + "    fields=[\n"
        + '        FieldSchema("id", DataType.INT64, is_primary=True),\n'
        + '        FieldSchema("vec", DataType.FLOAT_VECTOR, dim=4),\n'
        + "    ],\n"
        + '    description="books",\n'
        + "    enable_dynamic_field=True,\n"
        + "    auto_id=True,\n"
        + ")\n",
        NEW_IMPORTS
        + 'schema = MilvusClient.create_schema(description="books", enable_dynamic_field=True, auto_id=True)\n'
        + 'schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)\n'
        + 'schema.add_field(field_name="vec", datatype=DataType.FLOAT_VECTOR, dim=4)\n',
    )


def test_positional_arguments_become_keywords():
    # FieldSchema(name, dtype, description) and CollectionSchema(fields, description)
    check(
        IMPORTS
        + 'schema = CollectionSchema([FieldSchema("id", DataType.INT64, "the key", is_primary=True)], "docs")\n',
        NEW_IMPORTS
        + 'schema = MilvusClient.create_schema(description="docs")\n'
        + 'schema.add_field(field_name="id", datatype=DataType.INT64, description="the key", is_primary=True)\n',
    )


def test_keyword_name_and_dtype_are_renamed():
    check(
        IMPORTS
        + 'schema = CollectionSchema(fields=[FieldSchema(name="pk", dtype=DataType.VARCHAR, max_length=36, is_primary=True)])\n',
        NEW_IMPORTS
        + "schema = MilvusClient.create_schema()\n"
        + 'schema.add_field(field_name="pk", datatype=DataType.VARCHAR, max_length=36, is_primary=True)\n',
    )


def test_fields_variable_used_once_is_folded():
    check(
        IMPORTS
        + "\n"
        + "fields = [\n"
        + '    FieldSchema("id", DataType.INT64, is_primary=True),  # primary key\n'
        + "    # the embedding\n"
        + '    FieldSchema("vec", DataType.FLOAT_VECTOR, dim=4),\n'
        + "]\n"
        + 'schema = CollectionSchema(fields, description="books")\n'
        + "print(schema)\n",
        NEW_IMPORTS
        + "\n"
        + 'schema = MilvusClient.create_schema(description="books")\n'
        + 'schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)  # primary key\n'
        + "# the embedding\n"
        + 'schema.add_field(field_name="vec", datatype=DataType.FLOAT_VECTOR, dim=4)\n'
        + "print(schema)\n",
    )


def test_function_objects_are_kept_and_added():
    check(
        "from pymilvus import CollectionSchema, DataType, FieldSchema, Function, FunctionType\n"
        + "fields = [\n"
        + '    FieldSchema("id", DataType.INT64, is_primary=True),\n'
        + '    FieldSchema("text", DataType.VARCHAR, max_length=200, enable_analyzer=True),\n'
        + '    FieldSchema("sparse", DataType.SPARSE_FLOAT_VECTOR),\n'
        + "]\n"
        + 'bm25 = Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["text"], output_field_names=["sparse"])\n'
        + 'schema = CollectionSchema(fields, functions=[bm25], description="docs")\n',
        "from pymilvus import MilvusClient, DataType, Function, FunctionType\n"
        + 'bm25 = Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["text"], output_field_names=["sparse"])\n'
        + 'schema = MilvusClient.create_schema(description="docs")\n'
        + 'schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)\n'
        + 'schema.add_field(field_name="text", datatype=DataType.VARCHAR, max_length=200, enable_analyzer=True)\n'
        + 'schema.add_field(field_name="sparse", datatype=DataType.SPARSE_FLOAT_VECTOR)\n'
        + "schema.add_function(bm25)\n",
    )


def test_single_use_field_variables_are_inlined():
    check(
        IMPORTS
        + "def build(id_field, dim):\n"
        + '    f1 = FieldSchema(name=id_field, dtype=DataType.INT64, description="int64", is_primary=True)\n'
        + '    f2 = FieldSchema(name="v", dtype=DataType.FLOAT_VECTOR, dim=dim)\n'
        + '    schema = CollectionSchema(fields=[f1, f2], description="demo")\n'
        + "    return schema\n",
        NEW_IMPORTS
        + "def build(id_field, dim):\n"
        + '    schema = MilvusClient.create_schema(description="demo")\n'
        + '    schema.add_field(field_name=id_field, datatype=DataType.INT64, description="int64", is_primary=True)\n'
        + '    schema.add_field(field_name="v", datatype=DataType.FLOAT_VECTOR, dim=dim)\n'
        + "    return schema\n",
    )


def test_returned_schema_gets_a_local_name():
    check(
        IMPORTS
        + "schema = None\n"
        + "def build_schema():\n"
        + '    return CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)])\n',
        NEW_IMPORTS
        + "schema = None\n"
        + "def build_schema():\n"
        + "    schema = MilvusClient.create_schema()\n"
        + '    schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)\n'
        + "    return schema\n",
    )


def test_fresh_name_avoids_names_the_function_mentions():
    check(
        IMPORTS
        + "def build_schema(schema):\n"
        + '    return CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)], description=schema)\n',
        NEW_IMPORTS
        + "def build_schema(schema):\n"
        + "    schema_2 = MilvusClient.create_schema(description=schema)\n"
        + '    schema_2.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)\n'
        + "    return schema_2\n",
    )


def test_schema_inline_in_collection_is_built_where_the_fields_were():
    # The lifecycle rule turns the Collection into a guarded create_collection first; the
    # schema is then built where the fields list was, unconditionally, as before.
    check(
        "from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections\n"
        + 'connections.connect(uri="http://h:1")\n'
        + "# fields in insert order\n"
        + "fields = [\n"
        + '    FieldSchema("id", DataType.INT64, is_primary=True),\n'
        + '    FieldSchema("vec", DataType.FLOAT_VECTOR, dim=2),\n'
        + "]\n"
        + 'users = Collection("users", CollectionSchema(fields, description="people"))\n'
        + "users.insert([[1, 2], [[0.1, 0.2], [0.3, 0.4]]])\n",
        "from pymilvus import MilvusClient, DataType\n"
        + 'client = MilvusClient(uri="http://h:1")\n'
        + "# fields in insert order\n"
        + 'schema = MilvusClient.create_schema(description="people")\n'
        + 'schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)\n'
        + 'schema.add_field(field_name="vec", datatype=DataType.FLOAT_VECTOR, dim=2)\n'
        + 'users = "users"\n'
        + "if not client.has_collection(collection_name=users):\n"
        + "    client.create_collection(collection_name=users, schema=schema)\n"
        + 'client.insert(collection_name=users, data=[dict(zip(["id", "vec"], values, strict=True)) '
        + "for values in zip([1, 2], [[0.1, 0.2], [0.3, 0.4]], strict=True)])\n",
    )


def test_inline_schema_in_an_assignment_is_hoisted():
    check(
        IMPORTS
        + "settings = {}\n"
        + 'settings["schema"] = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)])\n',
        NEW_IMPORTS
        + "settings = {}\n"
        + "schema = MilvusClient.create_schema()\n"
        + 'schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)\n'
        + 'settings["schema"] = schema\n',
    )


def test_aliased_and_deep_imports_are_recognised():
    check(
        "from pymilvus import CollectionSchema as Schema, DataType as DT\n"
        + "from pymilvus.orm.schema import FieldSchema as F\n"
        + 'schema = Schema([F("id", DT.INT64, is_primary=True), F("t", DT.ARRAY, element_type=DT.VARCHAR, max_capacity=4, max_length=8)])\n',
        "from pymilvus import MilvusClient, DataType as DT\n"
        + "schema = MilvusClient.create_schema()\n"
        + 'schema.add_field(field_name="id", datatype=DT.INT64, is_primary=True)\n'
        + 'schema.add_field(field_name="t", datatype=DT.ARRAY, element_type=DT.VARCHAR, max_capacity=4, max_length=8)\n',
    )


def test_module_import_form():
    check(
        "import pymilvus\n"
        + 'schema = pymilvus.CollectionSchema([pymilvus.FieldSchema("id", pymilvus.DataType.INT64, is_primary=True)])\n',
        "import pymilvus\n"
        + "from pymilvus import MilvusClient\n"
        + "\n"
        + "schema = MilvusClient.create_schema()\n"
        + 'schema.add_field(field_name="id", datatype=pymilvus.DataType.INT64, is_primary=True)\n',
    )


def test_fields_still_imported_when_used_elsewhere():
    check(
        IMPORTS
        + 'schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)])\n'
        + 'extra = FieldSchema("x", DataType.INT8)\n',
        "from pymilvus import MilvusClient, DataType, FieldSchema\n"
        + "schema = MilvusClient.create_schema()\n"
        + 'schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)\n'
        + 'extra = FieldSchema("x", DataType.INT8)\n',
    )


def test_inside_try_when_the_schema_is_used_right_away():
    # An invalid schema then raises in create_collection/Collection(), the next statement,
    # inside the same handler: the rewrite keeps that.
    check(
        IMPORTS
        + "def create(name):\n"
        + "    try:\n"
        + '        schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)])\n'
        + "        make(name, schema)\n"
        + "    except Exception as exc:\n"
        + "        print(exc)\n",
        NEW_IMPORTS
        + "def create(name):\n"
        + "    try:\n"
        + "        schema = MilvusClient.create_schema()\n"
        + '        schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)\n'
        + "        make(name, schema)\n"
        + "    except Exception as exc:\n"
        + "        print(exc)\n",
    )


def test_inside_a_lock():
    check(
        IMPORTS
        + "with lock:\n"
        + '    schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)])\n',
        NEW_IMPORTS
        + "with lock:\n"
        + "    schema = MilvusClient.create_schema()\n"
        + '    schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)\n',
    )


# ---- refusals: the schema stays a CollectionSchema (which works as is) ---------------------

REFUSED = {
    "fields list used again": """
        fields = [FieldSchema("id", DataType.INT64, is_primary=True)]
        schema = CollectionSchema(fields)
        print(len(fields))
        """,
    "fields list mutated": """
        fields = [FieldSchema("id", DataType.INT64, is_primary=True)]
        fields.append(FieldSchema("v", DataType.FLOAT_VECTOR, dim=2))
        schema = CollectionSchema(fields)
        """,
    "fields list rebound": """
        fields = [FieldSchema("id", DataType.INT64, is_primary=True)]
        if flag:
            fields = []
        schema = CollectionSchema(fields)
        """,
    "fields from a function": """
        schema = CollectionSchema(make_fields())
        """,
    "fields list comprehension": """
        schema = CollectionSchema([FieldSchema(n, DataType.INT64) for n in names])
        """,
    "starred fields": """
        schema = CollectionSchema([*base, FieldSchema("id", DataType.INT64, is_primary=True)])
        """,
    "star-args call": """
        schema = CollectionSchema(*args)
        """,
    "kwargs to FieldSchema": """
        schema = CollectionSchema([FieldSchema("id", DataType.INT64, **opts)])
        """,
    "kwargs to CollectionSchema": """
        schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)], **opts)
        """,
    "field variable used twice": """
        pk = FieldSchema("id", DataType.INT64, is_primary=True)
        a = CollectionSchema([pk])
        b = CollectionSchema([pk])
        """,
    "element not a FieldSchema": """
        schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True), other])
        """,
    "inside try (validation moves to create_collection)": """
        try:
            schema = CollectionSchema([FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)])
        except Exception:
            schema = None
        """,
    "inside pytest.raises": """
        import pytest
        with pytest.raises(Exception):
            schema = CollectionSchema([FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)])
        """,
    "inside try, schema kept for later": """
        try:
            schema = CollectionSchema([FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)])
            print("built")
            make(schema)
        except Exception:
            schema = None
        """,
    "bare validation statement": """
        CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)])
        """,
    "element_type not provably a plain type": """
        schema = CollectionSchema([FieldSchema("a", DataType.ARRAY, element_type=kind, max_capacity=2)])
        """,
    "struct element type": """
        schema = CollectionSchema([FieldSchema("a", DataType.ARRAY, element_type=DataType.STRUCT, max_capacity=2)])
        """,
    "functions list not a literal": """
        schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)], functions=fns)
        """,
    "a call among schema keywords": """
        schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)], description=describe())
        """,
    "struct_fields": """
        schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)], struct_fields=[s])
        """,
    "check_fields": """
        schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)], check_fields=False)
        """,
    "a field keyword clashing with add_field": """
        schema = CollectionSchema([FieldSchema("id", DataType.INT64, datatype=1)])
        """,
    "a rebinding between the fields and the schema": """
        fields = [FieldSchema("v", DataType.FLOAT_VECTOR, dim=DIM)]
        DIM = 8
        schema = CollectionSchema(fields)
        """,
    "a call between the fields and the schema (may change what they read)": """
        fields = [FieldSchema("v", DataType.FLOAT_VECTOR, dim=cfg.dim)]
        configure(cfg)
        schema = CollectionSchema(fields)
        """,
    "a field reads the schema's own name": """
        schema = "s"
        schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True, description=schema)])
        """,
    "class attribute fields": """
        class Config:
            fields = [FieldSchema("id", DataType.INT64, is_primary=True)]
            schema = CollectionSchema(fields)
        """,
    "names read through globals()": """
        fields = [FieldSchema("id", DataType.INT64, is_primary=True)]
        schema = CollectionSchema(fields)
        print(globals()["fields"])
        """,
    "exported in __all__": """
        __all__ = ["fields", "schema"]
        fields = [FieldSchema("id", DataType.INT64, is_primary=True)]
        schema = CollectionSchema(fields)
        """,
    "something with effects runs before an inline schema": """
        register(make_name(), CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)]))
        """,
    "a new name in a class body": """
        class Repo:
            spec = {"schema": CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)])}
        """,
    "inside a conditional expression": """
        schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)]) if flag else None
        """,
    "fields list built in a loop's enclosing block": """
        fields = [FieldSchema("id", DataType.INT64, is_primary=True)]
        for name in names:
            register(name, CollectionSchema(fields))
        """,
    "suppressed": """
        schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)])  # milvus-migrate: ignore[MM190]
        """,
}


@pytest.mark.parametrize("body", REFUSED.values(), ids=list(REFUSED))
def test_unprovable_schemas_are_left_unchanged(body: str):
    source = IMPORTS + textwrap.dedent(body)
    outcome = migrate_source(source)
    assert outcome.source == source
    assert not outcome.changes


def test_milvusclient_bound_to_something_else_blocks_the_rewrite():
    source = (
        IMPORTS
        + "MilvusClient = object\n"
        + ('schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)])\n')
    )
    assert migrate_source(source).source == source


def test_rule_can_be_deselected():
    source = (
        IMPORTS
        + 'schema = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)])\n'
    )
    assert migrate_source(source, Options(ignore=("MM190",))).source == source


# ---- behaviour: the migrated code builds an equal schema -----------------------------------

PROGRAMS = {
    "field kwargs": """
        from pymilvus import CollectionSchema, DataType, FieldSchema
        schema = CollectionSchema(
            [
                FieldSchema("id", DataType.VARCHAR, "key", is_primary=True, max_length=36),
                FieldSchema("cat", DataType.VARCHAR, max_length=16, is_partition_key=True),
                FieldSchema("n", DataType.INT32, nullable=True, default_value=7),
                FieldSchema("body", DataType.VARCHAR, max_length=512, enable_analyzer=True,
                            analyzer_params={"type": "english"}, enable_match=True),
                FieldSchema("tags", DataType.ARRAY, element_type=DataType.VARCHAR,
                            max_capacity=8, max_length=16, nullable=True),
                FieldSchema("meta", DataType.JSON, nullable=True),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=8, mmap_enabled=True),
            ],
            "described",
            enable_dynamic_field=True,
            num_partitions=4,
        )
        """,
    "schema-level auto_id and key fields by name": """
        from pymilvus import CollectionSchema, DataType, FieldSchema
        fields = [
            FieldSchema(name="pk", dtype=DataType.INT64),
            FieldSchema(name="tenant", dtype=DataType.INT64),
            FieldSchema(name="v", dtype=DataType.FLOAT16_VECTOR, dim=4),
        ]
        schema = CollectionSchema(fields, primary_field="pk", partition_key_field="tenant", auto_id=True)
        """,
    "bm25 function": """
        from pymilvus import CollectionSchema, DataType, FieldSchema, Function, FunctionType
        fields = [
            FieldSchema("id", DataType.INT64, is_primary=True, auto_id=False),
            FieldSchema("text", DataType.VARCHAR, max_length=200, enable_analyzer=True),
            FieldSchema("sparse", DataType.SPARSE_FLOAT_VECTOR),
        ]
        bm25 = Function(name="bm25", function_type=FunctionType.BM25,
                        input_field_names=["text"], output_field_names=["sparse"])
        schema = CollectionSchema(fields, functions=[bm25], description="docs")
        """,
    "returned from a helper": """
        from pymilvus import CollectionSchema, DataType, FieldSchema
        DIM = 3
        def build():
            f1 = FieldSchema("id", DataType.INT64, is_primary=True)
            f2 = FieldSchema("v", DataType.BINARY_VECTOR, dim=DIM * 8)
            return CollectionSchema(fields=[f1, f2], enable_dynamic_field=False)
        schema = build()
        """,
}


def _build(source: str) -> CollectionSchema:
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the migrated form must not touch deprecated names
        exec(compile(source, "<schema>", "exec"), namespace)
    return namespace["schema"]


def _facts(schema: CollectionSchema) -> dict:
    return {
        "dict": schema.to_dict(),
        "primary": schema.primary_field.name,
        "auto_id": schema.auto_id,
        "partition_key": getattr(schema.partition_key_field, "name", None),
        "dynamic": schema.enable_dynamic_field,
        "fields": [
            (
                f.name,
                f.dtype,
                f.is_primary,
                f.auto_id,
                f.is_partition_key,
                f.nullable,
                f.default_value,
                f.element_type,
                f.params,
                f.is_function_output,
                f.description,
            )
            for f in schema.fields
        ],  # fmt: skip
        "functions": [fn.to_dict() for fn in schema.functions],
    }


@pytest.mark.parametrize("source", PROGRAMS.values(), ids=list(PROGRAMS))
def test_migrated_schema_equals_the_original(source: str):
    source = textwrap.dedent(source)
    migrated = migrate_source(source)
    assert [c for c in migrated.changes if c.code == "MM190"], "the rule did not apply"
    assert "CollectionSchema(" not in migrated.source
    original, rewritten = _build(source), _build(migrated.source)
    assert rewritten == original
    assert _facts(rewritten) == _facts(original)
    rewritten.verify()  # the check create_collection runs passes on the migrated build


def test_fixture_programs_with_inline_field_lists_are_rewritten():
    """Every program fixture that spells out its FieldSchema list gets the rewrite (the rule
    alone, on the ORM source: the full pipeline runs in the equivalence suite)."""
    programs = sorted(Path(__file__).parents[1].joinpath("fixtures", "programs").glob("*.py"))
    missed = []
    for program in programs:
        source = program.read_text(encoding="utf-8")
        if "FieldSchema(" not in source:
            continue
        ctx = MigrationContext(Options())
        SchemaBuild().apply(cst.parse_module(source), ctx)
        if not any(c.code == "MM190" for c in ctx.changes):
            missed.append(program.stem)
    assert not missed
