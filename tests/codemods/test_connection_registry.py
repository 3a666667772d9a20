# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""Connections with a non-literal alias: a module-level `{alias: MilvusClient}` registry
(codemods/connection_registry.py), or a report where it cannot be proven equivalent."""

from tests.codemods.cm_helpers import check


def test_parameter_alias_fills_a_registry_and_uses_look_it_up():
    check(
        """
        from pymilvus import connections, utility, db

        def connect_as(conn, host, port, user, pw):
            connections.connect(alias=conn, host=host, port=port, user=user, password=pw)

        def add_user(conn, user, password):
            utility.create_user(user, password, using=conn)

        def probe(conn):
            print(utility.has_collection("demo", using=conn))
            print(db.list_database(using=conn))

        connect_as("admin", "localhost", 19530, "root", "Milvus")
        add_user("admin", "app", "secret")
        probe("admin")
        """,
        """
        from pymilvus import MilvusClient

        milvus_clients: dict[str, "MilvusClient"] = {}

        def connect_as(conn, host, port, user, pw):
            milvus_clients[conn] = MilvusClient(uri=f"http://{host}:{port}", user=user, password=pw)

        def add_user(conn, user, password):
            milvus_clients[conn].create_user(user_name=user, password=password)

        def probe(conn):
            print(milvus_clients[conn].has_collection(collection_name="demo"))
            print(milvus_clients[conn].list_databases())

        connect_as("admin", "localhost", 19530, "root", "Milvus")
        add_user("admin", "app", "secret")
        probe("admin")
        """,
    )


def test_attribute_alias_and_disconnect_of_a_possibly_unknown_alias():
    # The ORM's disconnect ignores an alias it does not know: the pop is guarded.
    check(
        """
        from pymilvus import connections, utility

        class Connection:
            def __init__(self, alias, uri):
                self.alias = alias
                self.uri = uri

            def connect(self):
                connections.connect(self.alias, uri=self.uri)

            def names(self):
                return utility.list_collections(using=self.alias)

            def close(self):
                connections.disconnect(self.alias)
        """,
        """
        from pymilvus import MilvusClient

        milvus_clients: dict[str, "MilvusClient"] = {}

        class Connection:
            def __init__(self, alias, uri):
                self.alias = alias
                self.uri = uri

            def connect(self):
                milvus_clients[self.alias] = MilvusClient(uri=self.uri, db_name="default")

            def names(self):
                return milvus_clients[self.alias].list_collections()

            def close(self):
                if self.alias in milvus_clients:
                    milvus_clients.pop(self.alias).close()
        """,
    )


def test_orm_left_in_the_module_keeps_the_connect_next_to_the_registry():
    # `utility.list_collections()` uses "default", which only the ORM connect may have made.
    findings = check(
        """
        from pymilvus import connections, utility

        def connect(name, uri):
            connections.connect(alias=name, uri=uri)

        def both(name):
            return utility.list_collections(using=name), utility.list_collections()
        """,
        """
        from pymilvus import MilvusClient, connections, utility

        milvus_clients: dict[str, "MilvusClient"] = {}

        def connect(name, uri):
            connections.connect(alias=name, uri=uri)
            milvus_clients[name] = MilvusClient(uri=uri, db_name="default")

        def both(name):
            return milvus_clients[name].list_collections(), utility.list_collections()
        """,
        codes=("MM101", "MM160"),
    )
    assert any("alias 'default'" in f.message for f in findings)


def test_registry_name_avoids_a_name_the_module_uses():
    check(
        """
        from pymilvus import connections, utility
        milvus_clients = ["mine"]

        def connect(name):
            connections.connect(alias=name, uri="http://h:1")
            return utility.has_collection("c", using=name)
        """,
        """
        from pymilvus import MilvusClient

        milvus_clients_2: dict[str, "MilvusClient"] = {}
        milvus_clients = ["mine"]

        def connect(name):
            milvus_clients_2[name] = MilvusClient(uri="http://h:1")
            return milvus_clients_2[name].has_collection(collection_name="c")
        """,
    )


LITERAL_AND_VARIABLE = """
from pymilvus import connections, utility
connections.connect("default", uri="http://h:1")

def extra(name):
    connections.connect(alias=name, uri="http://h:2")
    return utility.list_collections(using=name)
"""


def test_a_literal_connect_in_the_module_means_no_registry():
    # `using=name` may name "default", which the literal connect binds to `client`: a registry
    # would miss it, so the variable-alias sites stay ORM.
    findings = check(
        LITERAL_AND_VARIABLE,
        LITERAL_AND_VARIABLE,  # nothing migrates: the connect stays, without a client
        codes=("MM103", "MM160"),
    )
    assert any("do not fill an alias registry" in f.message for f in findings)


def test_no_connect_in_the_module_means_the_alias_comes_from_elsewhere():
    source = """
    from pymilvus import utility

    def names(conn):
        return utility.list_collections(using=conn)
    """
    findings = check(source, source, codes=("MM160",))
    assert [f.code for f in findings] == ["MM160"]


def test_kwargs_connect_stays_reported():
    source = """
    from pymilvus import connections, utility

    def connect(config, name):
        connections.connect(**config)
        return utility.list_collections(using=name)
    """
    findings = check(source, source, codes=("MM103", "MM160"))
    assert any("connect(**kwargs)" in f.message for f in findings)


def test_use_inside_a_narrow_try_stays_orm():
    # An unknown alias raises KeyError from the dict, ConnectionNotExistException from the
    # ORM: a handler for MilvusException would no longer run.
    findings = check(
        """
        from pymilvus import MilvusException, connections, utility

        def connect(name):
            connections.connect(alias=name, uri="http://h:1")

        def alive(name):
            try:
                utility.list_collections(using=name)
            except MilvusException:
                return False
            return utility.has_collection("c", using=name)
        """,
        """
        from pymilvus import MilvusClient, MilvusException, connections, utility

        milvus_clients: dict[str, "MilvusClient"] = {}

        def connect(name):
            connections.connect(alias=name, uri="http://h:1")
            milvus_clients[name] = MilvusClient(uri="http://h:1")

        def alive(name):
            try:
                utility.list_collections(using=name)
            except MilvusException:
                return False
            return milvus_clients[name].has_collection(collection_name="c")
        """,
        codes=("MM160",),
    )
    assert any("KeyError" in f.message for f in findings)


def test_use_inside_a_try_catching_exception_is_rewritten():
    check(
        """
        from pymilvus import connections, utility

        def connect(name):
            connections.connect(alias=name, uri="http://h:1")

        def alive(name):
            try:
                utility.list_collections(using=name)
                return True
            except Exception:
                return False
        """,
        """
        from pymilvus import MilvusClient

        milvus_clients: dict[str, "MilvusClient"] = {}

        def connect(name):
            milvus_clients[name] = MilvusClient(uri="http://h:1")

        def alive(name):
            try:
                milvus_clients[name].list_collections()
                return True
            except Exception:
                return False
        """,
    )


def test_alias_computed_by_a_call_stays_orm():
    # The key would be evaluated before the call's other arguments: only names and
    # attributes are looked up in the registry.
    findings = check(
        """
        from pymilvus import connections, utility

        def connect(name):
            connections.connect(alias=name, uri="http://h:1")
            print(utility.has_collection("c", using=name))
            return utility.list_collections(using=name.lower())
        """,
        """
        from pymilvus import MilvusClient, connections, utility

        milvus_clients: dict[str, "MilvusClient"] = {}

        def connect(name):
            connections.connect(alias=name, uri="http://h:1")
            milvus_clients[name] = MilvusClient(uri="http://h:1")
            print(milvus_clients[name].has_collection(collection_name="c"))
            return utility.list_collections(using=name.lower())
        """,
        codes=("MM160",),
    )
    assert any("not a name or attribute" in f.message for f in findings)


def test_dict_connect_with_a_variable_alias_fills_the_registry():
    # The registry key is read from the dict (the alias the ORM got); token is on one path
    # only, so it takes the ORM's default "" when absent.
    check(
        """
        from pymilvus import connections, utility


        class Manager:
            def __init__(self, host, port, alias, token=None):
                self.host = host
                self.port = port
                self.alias = alias
                self.token = token

            def connect(self):
                kwargs = {"alias": self.alias, "host": self.host, "port": self.port, "timeout": 30.0}
                if self.token:
                    kwargs["token"] = self.token
                connections.connect(**kwargs)

            def names(self):
                return utility.list_collections(using=self.alias)

            def close(self):
                connections.disconnect(self.alias)
        """,
        """
        from pymilvus import MilvusClient

        milvus_clients: dict[str, "MilvusClient"] = {}


        class Manager:
            def __init__(self, host, port, alias, token=None):
                self.host = host
                self.port = port
                self.alias = alias
                self.token = token

            def connect(self):
                kwargs = {"alias": self.alias, "host": self.host, "port": self.port, "timeout": 30.0}
                if self.token:
                    kwargs["token"] = self.token
                milvus_clients[kwargs["alias"]] = MilvusClient(uri=f'http://{kwargs["host"]}:{kwargs["port"]}', token=kwargs.get("token", ""), timeout=kwargs["timeout"])

            def names(self):
                return milvus_clients[self.alias].list_collections()

            def close(self):
                if self.alias in milvus_clients:
                    milvus_clients.pop(self.alias).close()
        """,
    )


def test_has_connection_of_a_registry_alias_is_a_membership_test():
    # A successful connect stores the alias, disconnect pops it: the ORM's has_connection.
    check(
        """
        from pymilvus import connections, utility

        def ensure(alias, uri):
            if not connections.has_connection(alias):
                connections.connect(alias=alias, uri=uri)
            return utility.list_collections(using=alias)

        def close(alias):
            live = connections.has_connection(alias)
            print(connections.has_connection(alias) == live)
            connections.disconnect(alias)
        """,
        """
        from pymilvus import MilvusClient

        milvus_clients: dict[str, "MilvusClient"] = {}

        def ensure(alias, uri):
            if alias not in milvus_clients:
                milvus_clients[alias] = MilvusClient(uri=uri, db_name="default")
            return milvus_clients[alias].list_collections()

        def close(alias):
            live = alias in milvus_clients
            print((alias in milvus_clients) == live)
            if alias in milvus_clients:
                milvus_clients.pop(alias).close()
        """,
    )


def test_has_connection_guarding_a_variable_alias_connect_is_a_use_of_the_registry():
    # No utility call: the guard alone asks the registry, so the module gets one.
    check(
        """
        from pymilvus import connections

        def ensure(alias, uri):
            if not connections.has_connection(alias):
                connections.connect(alias=alias, uri=uri)
        """,
        """
        from pymilvus import MilvusClient

        milvus_clients: dict[str, "MilvusClient"] = {}

        def ensure(alias, uri):
            if alias not in milvus_clients:
                milvus_clients[alias] = MilvusClient(uri=uri, db_name="default")
        """,
    )


def test_has_connection_of_a_variable_alias_without_a_registry_stays_reported():
    # The connect has a literal alias, so there is no registry; `alias` may name any alias.
    source = """
    from pymilvus import connections

    connections.connect(uri="http://localhost:19530")

    def ready(alias):
        return connections.has_connection(alias)
    """
    findings = check(
        source,
        source,  # nothing migrates: the connect stays, without a client
        codes=("MM103",),
    )
    assert any("the alias is not a literal" in f.message for f in findings if f.code == "MM103")


def test_collection_with_a_stable_variable_alias_uses_the_registry_client():
    # `self.alias` stored only in __init__ and a parameter never reassigned read the same
    # alias at the constructor and at every use in that function.
    check(
        """
        from pymilvus import Collection, connections, utility


        class Store:
            def __init__(self, alias, uri):
                self.alias = alias
                self.uri = uri

            def connect(self):
                connections.connect(alias=self.alias, uri=self.uri)

            def refresh(self, name):
                if utility.has_collection(name, using=self.alias):
                    col = Collection(name, using=self.alias)
                    col.release()
                    col.load()


        def flush(conn, name):
            print(utility.list_collections(using=conn))
            col = Collection(name, using=conn)
            col.flush()
        """,
        """
        from pymilvus import MilvusClient

        milvus_clients: dict[str, "MilvusClient"] = {}


        class Store:
            def __init__(self, alias, uri):
                self.alias = alias
                self.uri = uri

            def connect(self):
                milvus_clients[self.alias] = MilvusClient(uri=self.uri, db_name="default")

            def refresh(self, name):
                if milvus_clients[self.alias].has_collection(collection_name=name):
                    col = name
                    milvus_clients[self.alias].release_collection(collection_name=col)
                    milvus_clients[self.alias].load_collection(collection_name=col)


        def flush(conn, name):
            print(milvus_clients[conn].list_collections())
            col = name
            milvus_clients[conn].flush(collection_name=col)
        """,
    )


def test_collection_with_a_variable_alias_that_may_change_stays_orm():
    # self.alias has another store (switch), conn is reassigned, and a use in a lambda may run
    # where the alias expression no longer names the constructor's alias.
    findings = check(
        """
        from pymilvus import Collection, connections, utility


        class Store:
            def __init__(self, alias, uri):
                self.alias = alias
                self.uri = uri

            def connect(self):
                connections.connect(alias=self.alias, uri=self.uri)

            def switch(self, alias):
                self.alias = alias

            def refresh(self, name):
                print(utility.has_collection(name, using=self.alias))
                col = Collection(name, using=self.alias)
                col.load()


        def flush(conn, name):
            print(utility.list_collections(using=conn))
            if not conn:
                conn = "default"
            col = Collection(name, using=conn)
            col.flush()


        def later(conn, name):
            col = Collection(name, using=conn)
            return lambda: col.flush()
        """,
        """
        from pymilvus import MilvusClient, Collection, connections

        milvus_clients: dict[str, "MilvusClient"] = {}


        class Store:
            def __init__(self, alias, uri):
                self.alias = alias
                self.uri = uri

            def connect(self):
                connections.connect(alias=self.alias, uri=self.uri)
                milvus_clients[self.alias] = MilvusClient(uri=self.uri, db_name="default")

            def switch(self, alias):
                self.alias = alias

            def refresh(self, name):
                print(milvus_clients[self.alias].has_collection(collection_name=name))
                col = Collection(name, using=self.alias)
                col.load()


        def flush(conn, name):
            print(milvus_clients[conn].list_collections())
            if not conn:
                conn = "default"
            col = Collection(name, using=conn)
            col.flush()


        def later(conn, name):
            col = Collection(name, using=conn)
            return lambda: col.flush()
        """,
        codes=("MM110",),
    )
    assert sum("alias is not a literal" in f.message for f in findings if f.code == "MM110") == 3


def test_collection_with_a_variable_alias_without_a_registry_stays_orm():
    # No utility call with a variable alias: the module's connect binds no registry.
    check(
        """
        from pymilvus import Collection, connections


        def flush(conn, name):
            connections.connect(alias=conn, uri="http://h:1")
            col = Collection(name, using=conn)
            col.flush()
        """,
        """
        from pymilvus import Collection, connections


        def flush(conn, name):
            connections.connect(alias=conn, uri="http://h:1")
            col = Collection(name, using=conn)
            col.flush()
        """,
        codes=("MM110",),
    )
