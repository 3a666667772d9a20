# ruff: noqa: E501  (before/after source text reads best one statement per line)
from tests.codemods.cm_helpers import check


def test_host_port_folds_into_uri():
    check(
        """
        from pymilvus import connections
        connections.connect(host="localhost", port="19530")  # keep me
        """,
        """
        from pymilvus import MilvusClient

        client = MilvusClient(uri="http://localhost:19530")  # keep me
        """,
    )


def test_argument_less_connect_keeps_milvus_uri_default():
    check(
        """
        from pymilvus import connections
        connections.connect()
        """,
        """
        import os
        from pymilvus import MilvusClient

        client = MilvusClient(uri=os.getenv("MILVUS_URI", "http://localhost:19530"), db_name="default")
        """,
    )


def test_two_aliases_get_two_clients_and_disconnect_closes():
    check(
        """
        from pymilvus import connections, utility
        connections.connect(alias="a", uri="http://h:1")
        connections.connect("b", uri="http://h:2")
        print(utility.list_collections(using="b"))
        connections.disconnect("a")
        """,
        """
        from pymilvus import MilvusClient

        client_a = MilvusClient(uri="http://h:1")
        client_b = MilvusClient(uri="http://h:2")
        print(client_b.list_collections())
        client_a.close()
        """,
    )


def test_connect_in_function_declares_global():
    check(
        """
        from pymilvus import connections
        def setup(uri):
            connections.connect(uri=uri, token="t")
        """,
        """
        from pymilvus import MilvusClient

        def setup(uri):
            global client
            client = MilvusClient(uri=uri, token="t", db_name="default")
        """,
    )


def test_no_op_without_orm():
    check("import os\nprint(os.name)\n", "import os\nprint(os.name)\n")


def test_registry_queries_are_reported():
    check(
        """
        from pymilvus import connections
        print(connections.list_connections())
        """,
        """
        from pymilvus import connections
        print(connections.list_connections())
        """,
        codes=("MM103",),
    )
