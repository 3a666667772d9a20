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


def test_role_objects_reported_where_made_and_connection_kept():
    # No RBAC call exists on milvus-lite, so no rewrite could be checked: every Role is
    # reported on the line that makes it, and the connection it needs stays.
    findings = check(
        "from pymilvus import Role, connections, utility\n"
        'connections.connect(uri="http://h:1")\n'
        'role = Role(name="reader")\nrole.create()\nrole.add_user("ann")\n'
        'Role("writer").drop()\n'
        'print(utility.has_collection("c"))\n',
        "from pymilvus import MilvusClient, Role, connections\n"
        'connections.connect(uri="http://h:1")\nclient = MilvusClient(uri="http://h:1")\n'
        'role = Role(name="reader")\nrole.create()\nrole.add_user("ann")\n'
        'Role("writer").drop()\n'
        'print(client.has_collection(collection_name="c"))\n',
        codes=("MM163", "MM101"),
    )
    assert sorted(f.line for f in findings if f.code == "MM163") == [3, 6]


def test_progress_whose_result_is_dropped_is_the_bare_call():
    # The dict the ORM built is thrown away: the call alone makes the same RPC (and raises
    # the same way for a missing collection or index). Seen in public scripts (r005, r020).
    check(
        'from pymilvus import connections, utility\nconnections.connect(uri="http://h:1")\n'
        'utility.index_building_progress("c")\nutility.loading_progress("c")\n',
        'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\n'
        'client.describe_index(collection_name="c", index_name="")\n'
        'client.get_load_state(collection_name="c")\n',
    )
