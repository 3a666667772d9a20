# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""Comments inside the argument list of a rewritten call stay next to the same argument
(codemods/rewrite.py: client_call / carry_comments). Found by tests/test_properties.py."""

import libcst as cst

from codemods.rewrite import carry_comments, client_call, kwarg
from tests.codemods.cm_helpers import check

HEAD = 'from pymilvus import Collection, connections\nconnections.connect(uri="http://h:1")\nc = Collection("x")\n'
NEW = 'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\nc = "x"\n'


def test_comments_after_paren_between_and_after_arguments_follow_their_argument():
    check(
        HEAD
        + "q = [[0.1]]\n"
        + "r = c.search(  # why we search\n"
        + "    q,  # the queries\n"
        + '    "v",\n'
        + "    # metric below\n"
        + '    {"metric_type": "L2"},\n'
        + "    3,  # top k\n"
        + ")\n",
        NEW
        + "q = [[0.1]]\n"
        + "r = client.search(  # why we search\n"
        + "    collection_name=c,\n"
        + "    data=q,  # the queries\n"
        + '    anns_field="v",\n'
        + "    # metric below\n"
        + '    search_params={"metric_type": "L2"},\n'
        + "    limit=3,  # top k\n"
        + ")\n",
    )


def test_comment_after_the_last_argument_without_a_trailing_comma():
    check(
        HEAD + 'c.delete(\n    "id > 0",  # filter\n    timeout=3  # seconds\n)\n',
        NEW
        + 'client.delete(\n    collection_name=c,\n    filter="id > 0",  # filter\n    timeout=3,  # seconds\n)\n',
    )


def test_hanging_call_keeps_its_comment_on_the_argument():
    check(
        HEAD + 'r = c.query("id > 0",  # every row\n            output_fields=["id"])\n',
        NEW
        + 'r = client.query(collection_name=c, filter="id > 0",  # every row\n            output_fields=["id"])\n',
    )


def test_comment_of_a_dropped_argument_moves_after_the_open_paren():
    check(
        HEAD
        + 'if not c.has_partition("p"):\n    c.create_partition(\n        "p",  # the partition\n        "shown nowhere",  # a description\n    )\n',
        NEW
        + 'if not client.has_partition(collection_name=c, partition_name="p"):\n    client.create_partition(  # a description\n        collection_name=c,\n        partition_name="p",  # the partition\n    )\n',
    )


def test_collection_constructor_comments_reach_create_collection():
    head = (
        "from pymilvus import Collection, CollectionSchema, connections\n"
        'connections.connect(uri="http://h:1")\n'
        "schema = CollectionSchema(fields)\n"
    )
    new = (
        "from pymilvus import MilvusClient, CollectionSchema\n"
        'client = MilvusClient(uri="http://h:1")\n'
        "schema = CollectionSchema(fields)\n"
    )
    check(
        head
        + 'col = Collection(\n    "books",\n    schema,  # v2 layout\n    consistency_level="Strong",\n)  # the main one\n'
        + 'Collection("other", schema)  # scratch space\n'
        + "col.load()\n",
        new
        + 'col = "books"  # the main one\n'
        + "if not client.has_collection(collection_name=col):\n"
        + '    client.create_collection(\n        collection_name=col,\n        schema=schema,  # v2 layout\n        consistency_level="Strong",\n    )\n'
        + 'if not client.has_collection(collection_name="other"):  # scratch space\n'
        + '    client.create_collection(collection_name="other", schema=schema)\n'
        + "client.load_collection(collection_name=col)\n",
    )


def test_create_index_field_comment_reaches_add_index():
    check(
        HEAD
        + 'c.create_index(\n    "vec",  # the only vector field\n    {"index_type": "FLAT", "metric_type": "L2", "params": {}},\n)\n',
        NEW
        + "index_params = client.prepare_index_params()\n"
        + 'index_params.add_index(field_name="vec",  # the only vector field\n    index_type="FLAT", metric_type="L2", params={})\n'
        + "client.create_index(collection_name=c, index_params=index_params)\n",
    )


def _call(code: str) -> cst.Call:
    node = cst.parse_expression(code)
    assert isinstance(node, cst.Call)
    return node


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def test_opening_comment_is_not_repeated_on_every_argument_line():
    old = _call("f(  # once\n    a,\n    b,\n)")
    new = client_call(
        "client", "g", [kwarg("x", old.args[0].value), kwarg("y", old.args[1].value)], old
    )
    assert _code(new) == "client.g(  # once\n    x=a,\n    y=b,\n)"


def test_reordered_arguments_take_their_comments_along():
    old = _call("f(\n    a,  # about a\n    b,  # about b\n)")
    args = [kwarg("y", old.args[1].value), kwarg("x", old.args[0].value)]
    new = client_call("client", "g", args, old)
    assert _code(new) == "client.g(\n    y=b,  # about b\n    x=a,  # about a\n)"


def test_carry_comments_leaves_a_call_without_comments_alone():
    old = _call("f(a, b)")
    new = client_call("client", "g", [kwarg("x", old.args[0].value)], old)
    assert carry_comments(new, old) is new
    assert _code(new) == "client.g(x=a)"


def test_comments_inside_the_index_params_dict_follow_their_keyword_argument():
    # The ORM dict is spread into add_index keywords; its comments used to vanish with it.
    check(
        HEAD
        + 'c.create_index(\n    "vec",\n    {\n        "index_type": "HNSW",  # graph index\n        "metric_type": "L2",\n        # build params\n        "params": {"M": 8},\n    },\n)\n',
        NEW
        + "index_params = client.prepare_index_params()\n"
        + 'index_params.add_index(field_name="vec", index_type="HNSW",  # graph index\n        metric_type="L2",\n        # build params\n        params={"M": 8})\n'
        + "client.create_index(collection_name=c, index_params=index_params)\n",
    )


def test_comments_after_the_open_brace_and_the_last_entry_of_the_index_dict_survive():
    check(
        HEAD
        + 'c.create_index("vec", {  # the index\n    "index_type": "FLAT",\n    "metric_type": "L2", "params": {}  # last one\n})\n',
        NEW
        + "index_params = client.prepare_index_params()\n"
        + 'index_params.add_index(  # the index\n    field_name="vec", index_type="FLAT", metric_type="L2", params={}  # last one\n)\n'
        + "client.create_index(collection_name=c, index_params=index_params)\n",
    )


def test_an_extra_last_argument_on_its_own_line_leaves_no_blank_line_before_the_paren():
    # `limit` is passed through as it was written (not a query() parameter of the ORM's): its
    # line break before `)` must not survive next to the new trailing comma (a blank line
    # with spaces on it, seen in real code).
    check(
        HEAD
        + 'r = c.query(\n    expr="id > 0",\n    output_fields=["id"],\n    limit=10\n)\n'
        + 'r = c.query(\n    expr="id > 0",\n    output_fields=["id"],\n    limit=10  # page\n)\n',
        NEW
        + 'r = client.query(\n    collection_name=c,\n    filter="id > 0",\n    output_fields=["id"],\n    limit=10,\n)\n'
        + 'r = client.query(\n    collection_name=c,\n    filter="id > 0",\n    output_fields=["id"],\n    limit=10,  # page\n)\n',
    )
