# ruff: noqa: E501  (before/after source text reads best one statement per line)
from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check

HEAD = 'from pymilvus import Collection, connections\nconnections.connect(uri="http://h:1")\nc = Collection("x")\n'
NEW = 'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\nc = "x"\n'


def test_positional_delete_becomes_filter_keyword():
    check(
        HEAD + 'c.delete("pk in [\'a\']", "p1")\n',
        NEW + 'client.delete(collection_name=c, filter="pk in [\'a\']", partition_name="p1")\n',
    )


def test_rows_insert_and_mutation_result():
    check(
        HEAD
        + 'rows = [{"id": i} for i in range(3)]\nr = c.insert(rows)\nprint(r.insert_count, list(r.primary_keys))\nd = c.delete("id > 0")\nprint(d.delete_count)\n',
        NEW
        + 'rows = [{"id": i} for i in range(3)]\nr = client.insert(collection_name=c, data=rows)\nprint(r["insert_count"], list(r["ids"]))\n'
        + 'd = client.delete(collection_name=c, filter="id > 0")\nprint((d["delete_count"] if isinstance(d, dict) else len(d)))\n',
    )


def test_mutation_result_inside_fstring_uses_single_quotes():
    check(
        HEAD + 'r = c.insert([{"id": 1}])\nprint(f"{r.insert_count} rows")\n',
        NEW
        + 'r = client.insert(collection_name=c, data=[{"id": 1}])\nprint(f"{r[\'insert_count\']} rows")\n',
    )


def test_getattr_of_a_mutation_result_reads_the_dict():
    # getattr() on the dict would silently give the default: it reads the key instead; the
    # delete result (a dict or a list of keys) is reported.
    findings = check(
        HEAD
        + 'r = c.insert([{"id": 1}])\nprint(getattr(r, "primary_keys", None) or [], getattr(r, "insert_count"))\n'
        + 'd = c.delete("id > 0")\nprint(getattr(d, "delete_count", 0))\n',
        NEW
        + 'r = client.insert(collection_name=c, data=[{"id": 1}])\nprint(r.get("ids", None) or [], r["insert_count"])\n'
        + 'd = client.delete(collection_name=c, filter="id > 0")\nprint(getattr(d, "delete_count", 0))\n',
    )
    assert any(
        f.code == "MM170" and "getattr() on the result of a migrated delete()" in f.message
        for f in findings
    )


def test_columns_with_visible_schema_become_rows():
    src = (
        "from pymilvus import Collection, CollectionSchema, FieldSchema, DataType, connections\n"
        'connections.connect(uri="http://h:1")\n'
        'fields = [FieldSchema("pk", DataType.INT64, is_primary=True, auto_id=True), FieldSchema("a", DataType.INT64)]\n'
        'c = Collection("x", CollectionSchema(fields))\n'
        "c.insert([[1, 2, 3]])\n"
    )
    out = (
        "from pymilvus import MilvusClient, CollectionSchema, FieldSchema, DataType\n"
        'client = MilvusClient(uri="http://h:1")\n'
        'fields = [FieldSchema("pk", DataType.INT64, is_primary=True, auto_id=True), FieldSchema("a", DataType.INT64)]\n'
        'c = "x"\n'
        "if not client.has_collection(collection_name=c):\n"
        "    client.create_collection(collection_name=c, schema=CollectionSchema(fields))\n"
        'client.insert(collection_name=c, data=[dict(zip(["a"], values, strict=True)) '
        "for values in zip([1, 2, 3], strict=True)])\n"
    )
    check(src, out, ignore=("MM190",))  # the schema rewrite has its own tests


def test_columns_without_schema_in_a_lambda_are_reported_and_left():
    # The field order would be read in a statement before the call, which a lambda has no room
    # for (tests/codemods/test_runtime_field_order.py has the rewrite and the other refusals).
    src = HEAD + "load = lambda ids, vecs: c.insert([ids, vecs])\n"
    out = src  # nothing migrates: the connect stays, without a client
    findings = check(src, out, codes=("MM130",))
    assert any("field order" in f.message and "lambda" in f.message for f in findings)


def test_dataframe_insert():
    check(
        "import pandas as pd\n" + HEAD + 'df = pd.DataFrame({"id": [1]})\nc.insert(df)\n',
        "import pandas as pd\n"
        + "from pymilvus.exceptions import ExceptionsMessage, ParamError\n"
        + NEW
        + 'df = pd.DataFrame({"id": [1]})\n'
        # a DataFrame may be empty: the ORM's refusal of no rows goes first (MM133)
        + "if len(df) == 0:\n    raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)\n"
        + 'client.insert(collection_name=c, data=df.to_dict("records"))\n',
    )


def test_create_index_expands_to_index_params():
    check(
        HEAD
        + '# build it\nc.create_index("vec", {"index_type": "FLAT", "metric_type": "L2", "params": {}}, index_name="i")\n',
        NEW
        + "# build it\nindex_params = client.prepare_index_params()\n"
        + 'index_params.add_index(field_name="vec", index_name="i", index_type="FLAT", metric_type="L2", params={})\n'
        + "client.create_index(collection_name=c, index_params=index_params)\n",
    )


def test_hybrid_search_renames_rerank_and_load_partitions():
    check(
        HEAD + "c.load(['p'])\nr = c.hybrid_search([req], RRFRanker(), 5, output_fields=['a'])\n",
        NEW
        + "client.load_partitions(collection_name=c, partition_names=['p'])\nr = client.hybrid_search(collection_name=c, reqs=[req], ranker=RRFRanker(), limit=5, output_fields=['a'])\n",
    )


def test_partition_methods_drop_description():
    check(
        # behind an ORM has_partition guard, so without MM150's duplicate check
        HEAD + 'if not c.has_partition("p"):\n    c.create_partition("p", "desc")\n',
        NEW
        + 'if not client.has_partition(collection_name=c, partition_name="p"):\n    client.create_partition(collection_name=c, partition_name="p")\n',
    )


def test_suppression_comment_keeps_whole_collection_orm():
    src = HEAD + "c.load()  # milvus-migrate: ignore[MM111]\nc.release()\n"
    out = src  # nothing migrates: the connect stays, without a client
    check(src, out)


def test_partition_objects_become_names_with_guarded_create():
    check(
        'from pymilvus import Collection, Partition, connections\nconnections.connect(uri="http://h:1")\n'
        'col = Collection("c", schema)\np = Partition(col, "p1", description="d")\n'
        "p.insert(rows)\nprint(p.name, p.num_entities)\np.load()\np.drop()\n",
        'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\n'
        'col = "c"\nif not client.has_collection(collection_name=col):\n'
        "    client.create_collection(collection_name=col, schema=schema)\n"
        'p = "p1"\nif not client.has_partition(collection_name=col, partition_name=p):\n'
        "    client.create_partition(collection_name=col, partition_name=p)\n"
        "client.insert(collection_name=col, data=rows, partition_name=p)\n"
        'print(p, client.get_partition_stats(collection_name=col, partition_name=p)["row_count"])\n'
        "client.load_partitions(collection_name=col, partition_names=[p])\n"
        "client.drop_partition(collection_name=col, partition_name=p)\n",
    )


def test_partition_object_used_as_object_keeps_everything_orm():
    src = (
        'from pymilvus import Collection, Partition, connections\nconnections.connect(uri="http://h:1")\n'
        'col = Collection("c")\np = Partition(col, "p1")\nprint(p.description)\ncol.load()\n'
    )
    out = src  # nothing migrates: the connect stays, without a client
    check(src, out, codes=("MM151", "MM110"))


def test_a_filter_keyword_the_orm_ignores_keeps_the_collection_orm():
    # `filter=` is not a parameter of the ORM's search/query/delete: search and query ignore
    # it (every hit comes back; verified on milvus-lite), delete raises. MilvusClient's
    # `filter` would apply it: real code had `col.search(..., filter=f"client_id == ...")`.
    calls = {
        "search": 'c.search(data=[[0.0, 1.0]], anns_field="v", param={}, limit=6, filter="id > 3")',
        "query": 'c.query(expr="id > 1", filter="id > 3", output_fields=["id"])',
        "delete": 'c.delete(expr="id > 4", filter="id > 3")',
    }
    for method, call in calls.items():
        source = HEAD + f"res = {call}\n"
        outcome = migrate_source(source, Options())
        assert 'c = Collection("x")' in outcome.source and f"res = {call}" in outcome.source
        assert any(f"`{method}(filter=...)`" in f.message for f in outcome.findings), (
            outcome.findings
        )


def test_has_index_read_for_its_truth_needs_no_bool():
    # `if not col.has_index():` reads only the truth of the index list (t001, t005 of the
    # third sample wrote `not bool(...)`); a value kept or printed still gets bool().
    check(
        HEAD + "if not c.has_index():\n    print(c.has_index(), 'y' if c.has_index() else 'n')\n",
        NEW
        + "if not client.list_indexes(collection_name=c):\n"
        + "    print(bool(client.list_indexes(collection_name=c)), 'y' if client.list_indexes(collection_name=c) else 'n')\n",
    )


def test_search_without_a_filter_passes_none():
    # `expr=None` is the ORM's default: no `filter=None` in the migrated call.
    check(
        HEAD
        + 'r = c.search([[0.0, 1.0]], "v", {}, 3, expr=None)\nr = c.search([[0.0, 1.0]], "v", {}, 3, None)\n',
        NEW
        + 'r = client.search(collection_name=c, data=[[0.0, 1.0]], anns_field="v", search_params={}, limit=3)\n'
        + 'r = client.search(collection_name=c, data=[[0.0, 1.0]], anns_field="v", search_params={}, limit=3)\n',
    )
