"""MM110: a function's `return Collection(name)` (open-only, a statement of its own) is a
collection binding of its own (OrmModel._returned_opens): it migrates to `return name` when
what the function returns is kept in view, by the rules a returned variable already had: a
factory whose every call assigns a tracked variable or calls a method on it
(OrmModel._factory), or a function whose every call drops the result. Everything else keeps
it ORM with the returned variable's reason. Inside a try, or with the function called inside
one, it carries the ORM's existence check (codemods/open_check.py), as `x = Collection(n)`
does. Live: tests/fixtures/programs/
returned_open_factory.py (test_equivalence, three ways)."""

from __future__ import annotations

from textwrap import dedent

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check

HEAD = 'from pymilvus import Collection, connections\n\nconnections.connect(uri="http://h:1")\n'
NEW_HEAD = 'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\n'


def test_module_factory_returns_the_name() -> None:
    body = """

def books(name) -> Collection:
    return Collection(name)


def count(name):
    b = books(name)
    b.load()
    return b.num_entities


print(count("b"))
"""
    check(
        HEAD + body,
        NEW_HEAD
        + """

def books(name) -> str:
    return name


def count(name):
    b = books(name)
    client.load_collection(collection_name=b)
    return client.get_collection_stats(collection_name=b)["row_count"]


print(count("b"))
""",
    )


def test_method_factory_and_its_call_receiver() -> None:
    body = """

class Shelf:
    def __init__(self, name):
        self.name = name

    def table(self):
        return Collection(self.name)

    def warm(self):
        self.table().load()


Shelf("b").warm()
"""
    check(
        HEAD + body,
        NEW_HEAD
        + """

class Shelf:
    def __init__(self, name):
        self.name = name

    def table(self):
        return self.name

    def warm(self):
        client.load_collection(collection_name=self.table())


Shelf("b").warm()
""",
    )


def test_dropped_result_returns_the_name() -> None:
    # ho12's shape: every call of prepare() is a statement of its own.
    body = """

def prepare(name):
    return Collection(name)


prepare("b")
"""
    check(
        HEAD + body,
        NEW_HEAD
        + """

def prepare(name):
    return name


prepare("b")
""",
    )


def _kept(body: str, reason: str) -> None:
    outcome = migrate_source(dedent(HEAD + body), Options())
    assert "return Collection(" in outcome.source, outcome.source
    messages = [f.message for f in outcome.findings if f.code == "MM110"]
    assert any(reason in m for m in messages), messages
    second = migrate_source(outcome.source, Options())
    assert second.source == outcome.source


def test_factory_called_inside_try_gets_the_orms_check() -> None:
    # Trap 2: the handler may be there for the ORM's error on a missing collection; the
    # returned open carries the ORM's own existence check (codemods/open_check.py).
    body = """

def books(name):
    return Collection(name)


def count(name):
    try:
        b = books(name)
    except Exception:
        return -1
    return b.num_entities


print(count("b"))
"""
    check(
        HEAD + body,
        "from pymilvus.exceptions import ExceptionsMessage, SchemaNotReadyException\n"
        + NEW_HEAD
        + """

def books(name):
    if not client.has_collection(collection_name=name):
        raise SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % name)
    return name


def count(name):
    try:
        b = books(name)
    except Exception:
        return -1
    return client.get_collection_stats(collection_name=b)["row_count"]


print(count("b"))
""",
    )


def test_return_inside_try_gets_the_orms_check() -> None:
    body = """

def ensure(name):
    try:
        return Collection(name)
    except Exception:
        raise KeyError(name)


ensure("b")  # the result is dropped: only the check matters
"""
    check(
        HEAD + body,
        "from pymilvus.exceptions import ExceptionsMessage, SchemaNotReadyException\n"
        + NEW_HEAD
        + """

def ensure(name):
    try:
        if not client.has_collection(collection_name=name):
            raise SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % name)
        return name
    except Exception:
        raise KeyError(name)


ensure("b")  # the result is dropped: only the check matters
""",  # noqa: E501
    )


def test_return_inside_try_with_a_computed_name_stays() -> None:
    # The check reads the name again: only a name, a literal or an attribute chain.
    _kept(
        """

def books(name):
    try:
        return Collection(name.strip())
    except Exception:
        raise KeyError(name)


books("b").load()
""",
        "is not a plain name",
    )


def test_result_kept_as_an_object_stays() -> None:
    _kept(
        """

def books(name):
    return Collection(name)


shelves = [books("b")]
""",
        "`Collection(name)`",
    )


def test_public_function_of_a_library_stays() -> None:
    # No main block and no own call at import: importers may call it and keep the object.
    outcome = migrate_source(
        dedent(
            """
from pymilvus import Collection


def books(name):
    return Collection(name)
"""
        ),
        Options(),
    )
    assert "return Collection(name)" in outcome.source
    assert any("callers elsewhere may use the Collection" in f.message for f in outcome.findings)


def test_create_form_stays_untracked() -> None:
    # Its guard would need a statement before the return: not taken.
    _kept(
        """

def books(name, schema):
    return Collection(name, schema)


books("b", None).load()
""",
        "not tracked",
    )
