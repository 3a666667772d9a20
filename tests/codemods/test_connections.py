# ruff: noqa: E501  (before/after source text reads best one statement per line)
import textwrap

import pytest

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check, write_pair
from tests.rig.programs import run_program


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


# ---- connect(**d) with d built visibly before it (codemods/connect_kwargs.py) --------------


def test_dict_connect_with_a_literal_alias_and_keys_set_in_if_else_binds_the_client():
    # uri is on both paths: args["uri"]; user/password/token only on one: the ORM's default ""
    # when absent; secure is passed only when present (an explicit False would turn off
    # MilvusClient's https detection, which the ORM applies whatever `secure` says).
    check(
        """
        from pymilvus import connections, utility


        class Store:
            def __init__(self, endpoint, token=None, user=None, password=None):
                self.endpoint = endpoint
                self.token = token
                self.user = user
                self.password = password

            def setup(self):
                args = {"alias": "default"}
                if self.token:
                    args.update({"uri": self.endpoint, "token": self.token, "secure": True})
                else:
                    args.update(uri=self.endpoint, user=self.user, password=self.password)
                connections.connect(**args)
                return utility.list_collections()
        """,
        """
        from pymilvus import MilvusClient


        class Store:
            def __init__(self, endpoint, token=None, user=None, password=None):
                self.endpoint = endpoint
                self.token = token
                self.user = user
                self.password = password

            def setup(self):
                args = {"alias": "default"}
                if self.token:
                    args.update({"uri": self.endpoint, "token": self.token, "secure": True})
                else:
                    args.update(uri=self.endpoint, user=self.user, password=self.password)
                global client
                client = MilvusClient(uri=args["uri"], user=args.get("user", ""), password=args.get("password", ""), token=args.get("token", ""), db_name="default", **{k: args[k] for k in ("secure",) if k in args})
                return client.list_collections()
        """,
    )


def test_module_level_dict_connect_folds_host_and_port_into_the_uri():
    # Reading the dict after the connect does not matter: the dict is left as it was.
    check(
        """
        import os
        from pymilvus import connections, utility

        settings = {"host": os.environ["MILVUS_HOST"], "port": 19530}
        settings["db_name"] = "books"
        connections.connect(**settings)
        print(utility.list_collections())
        print(settings)
        """,
        """
        import os
        from pymilvus import MilvusClient

        settings = {"host": os.environ["MILVUS_HOST"], "port": 19530}
        settings["db_name"] = "books"
        client = MilvusClient(uri=f'http://{settings["host"]}:{settings["port"]}', db_name=settings["db_name"])
        print(client.list_collections())
        print(settings)
        """,
    )


def _stays(source: str, reason: str) -> None:
    findings = check(source, source, codes=("MM103",))
    messages = [f.message for f in findings if f.code == "MM103"]
    assert any(reason in m for m in messages), messages


def test_dict_connect_stays_reported_when_the_dict_is_used_before_the_connect():
    _stays(
        """
        from pymilvus import connections

        def connect(uri, log):
            args = {"uri": uri}
            log(args)
            connections.connect(**args)
        """,
        "`args` is used before the connect other than to store literal keys",
    )


def test_dict_connect_stays_reported_when_the_address_is_set_on_some_paths_only():
    # Without uri the ORM falls back to MILVUS_URI: which one applies is decided at run time.
    _stays(
        """
        from pymilvus import connections

        def connect(uri):
            args = {"alias": "default"}
            if uri:
                args["uri"] = uri
            connections.connect(**args)
        """,
        "`uri` is set on some paths only",
    )


def test_dict_connect_stays_reported_when_a_closure_can_change_the_dict():
    _stays(
        """
        from pymilvus import connections

        def connect(uri, hooks):
            args = {"uri": uri}
            hooks.append(lambda: args.update(uri="http://elsewhere:19530"))
            run(hooks)
            connections.connect(**args)
        """,
        "`args` is used before the connect other than to store literal keys",
    )
    _stays(
        """
        from pymilvus import connections

        def connect(uri, hooks):
            def retarget():
                args["uri"] = "http://elsewhere:19530"
            args = {"uri": uri}
            hooks.append(retarget)
            run(hooks)
            connections.connect(**args)
        """,
        "`args` is used in a nested function, lambda, class or generator",
    )


def test_dict_connect_stays_reported_for_invisible_keys_and_other_arguments():
    _stays(
        """
        from pymilvus import connections

        def connect(config, extra):
            args = {"uri": config.uri}
            args.update(extra)
            connections.connect(**args)
        """,
        "`args.update()` of something other than a dict literal",
    )
    _stays(
        """
        from pymilvus import connections

        def connect(uri):
            args = {"uri": uri}
            connections.connect(**args, timeout=30)
        """,
        "other arguments next to **kwargs",
    )
    _stays(
        """
        from pymilvus import connections

        def connect(args):
            connections.connect(**args)
        """,
        "`args` is not built from a dict literal in this block",
    )


def test_dict_connect_from_an_attribute_stays_reported():
    _stays(
        """
        from pymilvus import connections

        class Bench:
            def connect(self):
                connections.connect(**self.db_config, timeout=30)
        """,
        "the dict is not a local variable",
    )


def test_literal_alias_connect_with_invisible_kwargs_stays_orm():
    # The alias is a literal, but cfg's keys are not visible: passed through as they were,
    # its uri/host/alias would reach MilvusClient unmapped (a TypeError for a second uri).
    source = """
    from pymilvus import connections

    def connect(cfg):
        connections.connect("app", **cfg)
    """
    findings = check(source, source, codes=("MM101",))
    assert any("whose keys are not visible" in f.message for f in findings)


def test_multi_line_connect_becomes_one_line_without_a_stray_parenthesis_line():
    # The kept `timeout=10` carried the line break before `)`: it left `timeout=10\n)`.
    check(
        'from pymilvus import connections\nconnections.connect(\n    alias="default",\n    host="localhost",\n    port="19530",\n    timeout=10\n)\n',
        'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://localhost:19530", timeout=10)\n',
    )


def test_comments_inside_a_connect_survive():
    # Comments of arguments the rewrite drops (alias, port) go after the open parenthesis.
    check(
        'from pymilvus import connections\nconnections.connect(\n    alias="default",  # the one\n    host="localhost",\n    port="19530",  # grpc\n    timeout=10  # seconds\n)\n',
        'from pymilvus import MilvusClient\n\nclient = MilvusClient(  # the one\n    # grpc\n    uri="http://localhost:19530",\n    timeout=10,  # seconds\n)\n',
    )


def test_connect_whose_function_returns_the_alias_is_kept_for_callers():
    # The caller gets "default" back to use the ORM connection with, elsewhere: the connect
    # stays next to the new client, reported (s025 of the second public sample).
    from codemods import migrate_source
    from codemods.base import Options

    source = (
        "from pymilvus import connections, utility\n\n\n"
        "def get_client(host):\n"
        '    connections.connect(alias="default", host=host, port="19530")\n'
        '    return "default"\n\n\n'
        "def names():\n"
        "    return utility.list_collections()\n"
    )
    outcome = migrate_source(source, Options(unsafe_fixes=True))
    assert 'connections.connect(alias="default", host=host, port="19530")' in outcome.source
    assert any(
        f.code == "MM101" and "returns the connection's alias 'default'" in f.message
        for f in outcome.findings
    ), outcome.findings


def test_connect_kept_for_a_collection_parameter_left_orm():
    # `search(col: Collection)` stays ORM (its callers are elsewhere), and their Collection
    # uses the connection this module makes: with every other use migrated (unsafe fixes on),
    # the connect still stays next to the client (t040 of the third public sample).
    from codemods import migrate_source
    from codemods.base import Options

    source = (
        "from pymilvus import connections, Collection\n\n\n"
        "def create_connection(host, port):\n"
        "    connections.connect(host=host, port=port)\n\n\n"
        "def upsert(name, rows):\n"
        "    Collection(name).upsert(rows)\n\n\n"
        "def search(vector, col: Collection):\n"
        '    return col.search(data=[vector], anns_field="v", param={}, limit=3)\n'
    )
    outcome = migrate_source(source, Options(unsafe_fixes=True))
    assert "    connections.connect(host=host, port=port)\n" in outcome.source, outcome.source
    assert "client.upsert(collection_name=name, data=rows)" in outcome.source, outcome.source
    assert any(
        f.code == "MM101" and "ORM code that needs this connection" in f.message
        for f in outcome.findings
    ), outcome.findings


def test_the_none_connect_returned_is_kept_only_where_it_is_read():
    # `conn = connections.connect(...)` bound None; `conn = None` stays only for a reader
    # (t006, t008, t024 of the third public sample wrote dead `conn = None` / `_ = None`).
    check(
        "from pymilvus import connections, utility\n\n"
        '_ = connections.connect(uri="http://a:1")\n\n\n'
        "def quiet():\n"
        '    conn = connections.connect(uri="http://a:1")\n'
        "    return utility.list_collections()\n\n\n"
        "def loud():\n"
        '    conn = connections.connect(uri="http://a:1")\n'
        "    print(conn)\n",
        "from pymilvus import MilvusClient\n\n"
        'client = MilvusClient(uri="http://a:1")\n\n\n'
        "def quiet():\n"
        "    global client\n"
        '    client = MilvusClient(uri="http://a:1")\n'
        "    return client.list_collections()\n\n\n"
        "def loud():\n"
        "    global client\n"
        '    client = MilvusClient(uri="http://a:1")\n'
        "    conn = None\n"
        "    print(conn)\n",
    )


ALONE = (
    "from pymilvus import Collection, connections\n\n"
    'connections.connect(uri="http://a:1")\n'
    'c = Collection("x")\n'
    "print(type(c).__name__)\n"
    "connections.disconnect()\n"
)


def test_a_connect_whose_every_use_stays_orm_stays_alone():
    # `c` is used as an object, so it stays ORM and nothing reads a client: the connect and
    # the disconnect stay as written, without a `client = MilvusClient(...)` and a
    # `client.close()` nothing would need (32 of the fixture migrations had one).
    findings = check(ALONE, ALONE, codes=("MM101", "MM102", "MM110"))
    (connect,) = [f for f in findings if f.code == "MM101"]
    assert "kept, and no client next to it" in connect.message, connect.message


def test_a_has_connection_the_run_rewrites_keeps_the_client():
    # `has_connection("default")` becomes `"client" in globals()`: a test of the client, so
    # the client is bound even though every collection use stays ORM.
    source = ALONE.replace(
        "connections.disconnect()\n", 'print(connections.has_connection("default"))\n'
    )
    check(
        source,
        source.replace(
            "from pymilvus import Collection",
            "from pymilvus import MilvusClient, Collection",
        )
        .replace(
            'connections.connect(uri="http://a:1")\n',
            'connections.connect(uri="http://a:1")\nclient = MilvusClient(uri="http://a:1")\n',
        )
        .replace('connections.has_connection("default")', '"client" in globals()'),
        codes=("MM101", "MM110"),
    )


LIVE_ALONE = """
import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

connections.connect(uri=os.environ["MILVUS_URI"])
schema = CollectionSchema(
    [
        FieldSchema("id", DataType.INT64, is_primary=True),
        FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
    ]
)
c = Collection("books", schema)
print(type(c).__name__, c.name)
print(connections.has_connection("default"))
connections.disconnect("default")
print(connections.has_connection("default"))
"""


@pytest.mark.milvus
def test_a_connect_left_alone_behaves_as_before(milvus_factory, tmp_path) -> None:
    """The connect and disconnect kept without a client, next to a has_connection() the run
    cannot rewrite (the module disconnects): same output and server state as the ORM run
    (the migrated run keeps ORM code, so it runs in the ORM's mode, warnings allowed)."""
    original, migrated, outcome = write_pair(tmp_path, "alone.py", LIVE_ALONE)
    assert "MilvusClient(" not in outcome.source, outcome.source
    assert 'connections.disconnect("default")' in outcome.source, outcome.source
    before = run_program(original, milvus_factory(), mode="orm")
    after = run_program(migrated, milvus_factory(), mode="orm")
    assert before.returncode == 0, before.stderr
    assert before.stdout.split() == ["Collection", "books", "True", "False"], before.stdout
    assert after.returncode == 0, after.stderr
    assert (after.stdout, after.state) == (before.stdout, before.state)


def test_a_disconnect_of_an_alias_not_visible_keeps_the_connects() -> None:
    """`disconnect(alias)` with a parameter: the ORM closed whichever connection it names, so a
    client made for "default" could stay open where the ORM's connection was gone (u017 of the
    fourth sample: a check after the disconnect printed the server version). Nothing
    migrates, and both items say why."""
    source = textwrap.dedent(
        """\
        from pymilvus import connections, utility


        def connect(host="localhost"):
            connections.connect(alias="default", host=host, port="19530")


        def disconnect(alias="default"):
            connections.disconnect(alias)


        def check():
            return utility.get_server_version()


        if __name__ == "__main__":
            connect()
            print(check())
            disconnect()
        """
    )
    outcome = migrate_source(source, Options())
    assert outcome.source == source
    messages = {f.line: f.message for f in outcome.findings}
    assert "`connections.disconnect(alias)` on line 9 closes an alias not visible" in messages[5]
    assert "not a literal" in messages[9]
    assert "stays ORM" in messages[13]


def test_a_disconnect_of_an_instance_alias_closes_the_instance_client() -> None:
    """`self.alias` of a class that gives each instance its client (instance_client.py) is
    a known alias: the disconnect closes that client, nothing is kept."""
    check(
        """\
        from pymilvus import connections, utility


        class Store:
            def __init__(self, alias, uri):
                self.alias = alias
                connections.connect(alias=self.alias, uri=uri)

            def names(self):
                return utility.list_collections(using=self.alias)

            def close(self):
                connections.disconnect(self.alias)
        """,
        """\
        from pymilvus import MilvusClient


        class Store:
            def __init__(self, alias, uri):
                self.alias = alias
                self.client = MilvusClient(uri=uri, db_name="default")

            def names(self):
                return self.client.list_collections()

            def close(self):
                self.client.close()
        """,
    )


def test_a_disconnect_of_another_attribute_keeps_the_connects() -> None:
    """`self.alias` of a class without its own connection may be "default": the ORM
    disconnect closed the module's connection, a client made for it would stay open."""
    source = textwrap.dedent(
        """\
        from pymilvus import connections, utility

        connections.connect(uri="http://localhost:19530")
        print(utility.list_collections())


        class Store:
            def __init__(self, alias):
                self.alias = alias

            def close(self):
                connections.disconnect(self.alias)
        """
    )
    outcome = migrate_source(source, Options())
    assert outcome.source == source
    assert any("closes an alias not visible" in f.message for f in outcome.findings)
