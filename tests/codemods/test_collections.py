# ruff: noqa: E501  (before/after source text reads best one statement per line)
from tests.codemods.cm_helpers import check

HEAD = """
from pymilvus import Collection, connections
connections.connect(uri="http://h:1")
"""
NEW_HEAD = """
from pymilvus import MilvusClient

client = MilvusClient(uri="http://h:1")
"""
# With an insert of data that may be empty: the ORM's refusal of no rows (MM133) is imported.
GUARD_HEAD = NEW_HEAD.replace(
    "\nfrom pymilvus import",
    "\nfrom pymilvus.exceptions import ExceptionsMessage, ParamError\nfrom pymilvus import",
    1,
)


def test_create_is_guarded_and_methods_take_keywords():
    check(
        HEAD
        + """
        col = Collection("books", schema, consistency_level="Strong")
        col.insert(rows, "p1")
        col.delete("id in [1]")
        col.load()
        print(col.num_entities, col.name)
        col.release()
        col.drop()
        """.replace("        ", ""),
        GUARD_HEAD
        + """
        col = "books"
        if not client.has_collection(collection_name=col):
            client.create_collection(collection_name=col, schema=schema, consistency_level="Strong")
        if len(rows) == 0:
        ____raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)
        client.insert(collection_name=col, data=rows, partition_name="p1")
        client.delete(collection_name=col, filter="id in [1]")
        client.load_collection(collection_name=col)
        print(client.get_collection_stats(collection_name=col)["row_count"], col)
        client.release_collection(collection_name=col)
        client.drop_collection(collection_name=col)
        """.replace("        ", "").replace("____", "    "),
        codes=("MM130",),  # the shape of `rows` is not visible: reported note
    )


def test_open_keeps_name_and_search_query_renames():
    check(
        HEAD
        + 'c = Collection("x")\n'
        + 'r = c.search([v], "vec", {"metric_type": "L2"}, 3, "a > 1", output_fields=["a"], expr_params={"k": 1})\n'
        + 'q = c.query("a > 1", output_fields=["a"])\n',
        NEW_HEAD
        + 'c = "x"\n'
        + 'r = client.search(collection_name=c, data=[v], anns_field="vec", search_params={"metric_type": "L2"}, limit=3, filter="a > 1", output_fields=["a"], filter_params={"k": 1})\n'
        + 'q = client.query(collection_name=c, filter="a > 1", output_fields=["a"])\n',
    )


def test_query_without_output_fields_is_reported():
    check(
        HEAD + 'c = Collection("x")\nq = c.query("a > 1")\n',
        NEW_HEAD + 'c = "x"\nq = client.query(collection_name=c, filter="a > 1")\n',
        codes=("MM141",),
    )


def test_collection_passed_to_unknown_code_stays_orm():
    src = HEAD + 'c = Collection("x")\nc.load()\nsomething(c)\n'
    # Nothing migrates: the connect stays, without a client nothing would read.
    findings = check(src, src, codes=("MM110", "MM111", "MM101"))
    assert any("passed to code" in f.message for f in findings)


def test_collection_parameter_and_self_attribute():
    check(
        HEAD
        + "def count(col: Collection):\n"
        + "    return col.num_entities\n"
        + "class Repo:\n"
        + "    def __init__(self):\n"
        + '        self.col = Collection("x")\n'
        + "    def add(self, rows):\n"
        + '        return self.col.insert([{"id": 1}]).insert_count\n'
        + "print(count(Collection('y')))\n",
        "\nfrom pymilvus import MilvusClient, Collection, connections\n"
        + 'connections.connect(uri="http://h:1")\n'
        + 'client = MilvusClient(uri="http://h:1")\n'
        # count() stays ORM: its caller passes a Collection object, which
        # get_collection_stats(collection_name=...) would reject.
        + "def count(col: Collection):\n"
        + "    return col.num_entities\n"
        + "class Repo:\n"
        + "    def __init__(self):\n"
        + '        self.col = "x"\n'
        + "    def add(self, rows):\n"
        + '        return client.insert(collection_name=self.col, data=[{"id": 1}])["insert_count"]\n'
        + "print(count(Collection('y')))\n",
        codes=("MM101",),  # the inline Collection('y') keeps the ORM connection alive
    )


def test_partition_names_comprehension_uses_list_partitions():
    check(
        HEAD + 'c = Collection("x")\nprint(sorted(p.name for p in c.partitions))\n',
        NEW_HEAD + 'c = "x"\nprint(sorted(p for p in client.list_partitions(collection_name=c)))\n',
    )


def test_data_none_is_the_default_and_does_not_keep_the_collection_orm():
    # `data=None` is what the ORM does without `data`: create only, insert nothing.
    check(
        'from pymilvus import Collection, CollectionSchema, FieldSchema, DataType, connections\nconnections.connect(uri="http://h:1")\nsch = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)])\nc = Collection(name="x", data=None, schema=sch)\nc.load()\n',
        'from pymilvus import MilvusClient, CollectionSchema, DataType\nfrom pymilvus.exceptions import ExceptionsMessage, SchemaNotReadyException\n\nclient = MilvusClient(uri="http://h:1")\nsch = MilvusClient.create_schema()\nsch.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)\nsch.add_field(field_name="v", datatype=DataType.FLOAT_VECTOR, dim=2)\nc = "x"\nif not client.has_collection(collection_name=c):\n    client.create_collection(collection_name=c, schema=sch)\nelif CollectionSchema.construct_from_dict(client.describe_collection(collection_name=c)) != sch:\n    raise SchemaNotReadyException(message=ExceptionsMessage.SchemaInconsistent)\nclient.load_collection(collection_name=c)\n',
    )


def test_data_with_rows_still_keeps_the_collection_orm():
    src = 'from pymilvus import Collection, connections\nconnections.connect(uri="http://h:1")\nc = Collection("x", sch, data=rows)\nc.load()\n'
    findings = check(src, src)  # nothing migrates, so no client either
    assert any("keyword(s) data" in f.message for f in findings), findings


def test_construct_from_dataframe_is_reported_not_left_silently():
    # its schema inference lives in pymilvus.orm: no MilvusClient form to rewrite it into
    source = (
        "from pymilvus import Collection, connections\n"
        'connections.connect(uri="http://h:1")\n'
        'col, res = Collection.construct_from_dataframe("c", df, primary_field="id")\n'
    )
    findings = check(source, source, codes=("MM110", "MM101"))  # nothing migrates
    assert [(f.line, f.code) for f in findings if "construct_from_dataframe" in f.message] == [
        (3, "MM110")
    ]


def test_a_collection_class_attribute_pymilvus_lacks_is_reported():
    # `Collection.list_collections()` (t037 of the third public sample) raises AttributeError
    # on the ORM too: it stays as written, with an item of its own (it had none).
    source = HEAD + "print(Collection.list_collections())\n"
    findings = check(source, source)
    assert [(f.line, f.code) for f in findings if "not an attribute" in f.message] == [
        (source.count("\n"), "MM110")
    ], findings
    # A base-class call in a subclass is no such mistake.
    subclass = (
        HEAD
        + "class Books(Collection):\n    def __init__(self):\n        Collection.__init__(self, 'books')\n"
    )
    assert not [f for f in check(subclass, subclass) if "not an attribute" in f.message]
