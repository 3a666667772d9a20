"""MM130: column-based insert/upsert where the schema is not visible in the module reads the
field order from the server (describe_collection) in a statement just before the call."""

import pytest

from tests.codemods.cm_helpers import check

HEAD = (
    "from pymilvus import Collection, connections\n"
    'connections.connect(uri="http://h:1")\n'
    'c = Collection("x")\n'
)
NEW = 'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\nc = "x"\n'
# The collection stays ORM and nothing else migrates: the connect stays, alone (a client
# beside it would go unused).
KEPT = HEAD


def _insert_names(var: str = "field_names", name: str = "c", indent: str = "") -> str:
    return (
        f"{indent}{var} = [\n"
        f'{indent}    field["name"]\n'
        f'{indent}    for field in client.describe_collection(collection_name={name})["fields"]\n'
        f'{indent}    if not field.get("auto_id") and not field.get("is_function_output")\n'
        f"{indent}]\n"
    )


def test_insert_reads_the_field_order_before_the_call():
    check(
        HEAD + "def load(ids, vecs):\n    # first batch\n    c.insert([ids, vecs])  # rows now\n",
        # `ids` may be empty: the ORM's refusal of no rows goes first (MM133)
        "from pymilvus.exceptions import ExceptionsMessage, ParamError\n"
        + NEW
        + "def load(ids, vecs):\n    # first batch\n"
        + "    if len(ids) == 0:\n"
        + "        raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)\n"
        + _insert_names(indent="    ")
        + "    client.insert(collection_name=c, data=[dict(zip(field_names, values, strict=True))"
        " for values in zip(ids, vecs, strict=True)])  # rows now\n",
    )


def test_upsert_keeps_an_auto_id_primary_key_and_its_result_is_a_dict():
    # The ORM's upsert expects the primary key column even with auto_id; only function outputs
    # are skipped. A columns variable is unpacked (`zip(*cols)`).
    check(
        HEAD
        + 'cols = [[1], [[0.5]]]\nr = c.upsert(cols, partition_name="p")\nprint(r.upsert_count)\n',
        NEW
        + "cols = [[1], [[0.5]]]\n"
        + "field_names = [\n"
        + '    field["name"]\n'
        + '    for field in client.describe_collection(collection_name=c)["fields"]\n'
        + '    if not field.get("is_function_output")\n'
        + "]\n"
        + "r = client.upsert(collection_name=c, data=[dict(zip(field_names, values, strict=True))"
        ' for values in zip(*cols, strict=True)], partition_name="p")\n'
        + 'print(r["upsert_count"])\n',
    )


def test_the_field_list_name_does_not_clash():
    check(
        HEAD + "field_names = ['mine']\nc.insert([a, b])\n",
        "from pymilvus.exceptions import ExceptionsMessage, ParamError\n"
        + NEW
        + "field_names = ['mine']\n"
        + "if len(a) == 0:\n    raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)\n"
        + _insert_names("field_names_2")
        + "client.insert(collection_name=c, data=[dict(zip(field_names_2, values, strict=True))"
        " for values in zip(a, b, strict=True)])\n",
    )


def test_inside_async_def_the_describe_is_awaited_once():
    findings = check(
        HEAD + "async def load(a, b):\n    c.insert([a, b])\n",
        "from pymilvus.exceptions import ExceptionsMessage, ParamError\n"
        "from pymilvus import AsyncMilvusClient, MilvusClient\n\n"
        'client = MilvusClient(uri="http://h:1")\n'
        'async_client = AsyncMilvusClient(uri="http://h:1")\n'
        'c = "x"\n'
        "async def load(a, b):\n"
        "    if len(a) == 0:\n"
        "        raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)\n"
        "    field_names = [\n"
        '        field["name"]\n'
        "        for field in (await async_client.describe_collection(collection_name=c))"
        '["fields"]\n'
        '        if not field.get("auto_id") and not field.get("is_function_output")\n'
        "    ]\n"
        "    await async_client.insert(collection_name=c, data=[dict(zip(field_names, values, "
        "strict=True)) for values in zip(a, b, strict=True)])\n",
        async_mode="always",  # the snippet starts no event loop (test_async_calls)
    )
    assert not [f for f in findings if f.code == "MM130"]


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("load = lambda a: c.insert([a])\n", "lambda"),
        ("done = [c.insert([a]) for a in batches]\n", "comprehension"),
        ("r = c.insert([a]) if a else None\n", "conditional expression"),
        ("ok = a and c.insert([a])\n", "`and`/`or`"),
        ("if a: c.insert([a])\n", "statement line of its own"),
        ("while c.insert([a]).insert_count:\n    pass\n", "statement line of its own"),
        ("x = 1; c.insert([a])\n", "shares its line"),
        (
            "try:\n    c.insert([a])\nexcept MilvusException:\n    pass\n",
            "ValueError may take another path than the ORM's MilvusException",
        ),
    ],
)
def test_no_room_for_a_statement_keeps_the_collection_orm(body: str, why: str):
    findings = check(HEAD + body, KEPT + body, codes=("MM130", "MM110"))
    reasons = [f.message for f in findings if f.code == "MM110"]
    assert reasons and all("field order" in r and why in r for r in reasons), reasons


def test_a_field_list_filled_by_append_is_not_read_as_its_empty_literal():
    # `fields = []` then `fields.append(...)` in a loop (r036 of docs/real-code-sample.md):
    # the literal is not the list the schema gets, so the order is read from the server;
    # reading `[]` gave `zip([], values, strict=True)`, a ValueError on every insert.
    from codemods import migrate_source
    from codemods.base import Options

    source = (
        "from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections\n"
        'connections.connect(uri="http://h:1")\n'
        "fields = []\n"
        'for name in ("id", "n"):\n'
        "    fields.append(FieldSchema(name, DataType.INT64, is_primary=name == 'id'))\n"
        'col = Collection("c", CollectionSchema(fields))\n'
        "col.insert([[1, 2], [3, 4]])\n"
    )
    out = migrate_source(source, Options()).source
    assert "zip([]," not in out, out
    assert 'client.describe_collection(collection_name=col)["fields"]' in out, out
