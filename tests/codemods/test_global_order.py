"""A `global` the migration adds must precede every use of its name in the function."""

import textwrap

import libcst as cst

from codemods.global_order import hoist_late_globals
from tests.codemods.cm_helpers import check


def _hoisted(source: str) -> str:
    return hoist_late_globals(cst.parse_module(textwrap.dedent(source))).code


def test_disconnect_then_connect_in_one_function_declares_first():
    check(
        """\
        from pymilvus import connections, utility


        def reconnect():
            \"\"\"Drop the old connection, open a new one.\"\"\"
            # start clean
            connections.disconnect("default")
            connections.connect(uri="http://h:1")
            return utility.get_server_version()
        """,
        """\
        from pymilvus import MilvusClient


        def reconnect():
            \"\"\"Drop the old connection, open a new one.\"\"\"
            global client
            # start clean
            if "client" in globals():
                client.close()
            client = MilvusClient(uri="http://h:1")
            return client.get_server_version()
        """,
    )


def test_declaration_after_a_use_moves_to_the_top_keeping_other_names():
    got = _hoisted(
        """\
        def f():
            # first
            client.close()
            if ok:
                global client, other
                client = make()
        """
    )
    assert got == textwrap.dedent(
        """\
        def f():
            global client
            # first
            client.close()
            if ok:
                global other
                client = make()
        """
    )
    compile(got, "f", "exec")


def test_attribute_keyword_and_nested_uses_do_not_count():
    source = textwrap.dedent(
        """\
        def f():
            self.client.close()
            g(client=1)

            def inner():
                return client

            global client
            client = make()
        """
    )
    assert _hoisted(source) == source
