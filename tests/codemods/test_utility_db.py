# ruff: noqa: E501  (before/after source text reads best one statement per line)
from tests.codemods.cm_helpers import check


def test_utility_positional_orders_resolved_to_keywords():
    check(
        "from pymilvus import connections, utility\n"
        'connections.connect(uri="http://h:1")\n'
        'print(utility.has_partition("c", "p", "default"))\n'
        'utility.rename_collection("a", "b")\n'
        'print(utility.list_aliases("b"), utility.load_state("b"))\n'
        'utility.wait_for_loading_complete("b")\n',
        "from pymilvus import MilvusClient\n\n"
        'client = MilvusClient(uri="http://h:1")\n'
        'print(client.has_partition(collection_name="c", partition_name="p"))\n'
        'client.rename_collection(old_name="a", new_name="b")\n'
        'print(client.list_aliases(collection_name="b")["aliases"], client.get_load_state(collection_name="b")["state"])\n',
    )


def test_db_functions_and_unknown_utility_reported():
    check(
        "from pymilvus import connections, db, utility\n"
        'connections.connect(uri="http://h:1")\n'
        'db.create_database("d")\nprint(db.list_database())\n'
        "print(utility.list_resource_groups())\n",
        "from pymilvus import MilvusClient, connections, utility\n"
        'connections.connect(uri="http://h:1")\nclient = MilvusClient(uri="http://h:1")\n'
        'client.create_database(db_name="d")\nprint(client.list_databases())\n'
        "print(utility.list_resource_groups())\n",
        codes=("MM160", "MM101"),
    )
