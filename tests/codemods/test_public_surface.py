# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""A function (or method) whose callers are not all in the module is part of its public
surface: a Collection it returns, or a collection parameter of it, stays ORM with a finding
(OrmModel.unseen_callers). Nothing here calls it, it is referred to other than by a direct
call (a value, a decorator registering it, `__all__`), or Python calls it implicitly: an
importer may keep using the Collection object, or pass one (holdout finding B and C,
tests/fixtures/realworld_holdout/repros/returned_collection and collection_param)."""

import pytest

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.cm_helpers import check

HEAD = 'from pymilvus import Collection, connections\nconnections.connect(uri="http://h:1")\n\n\n'
NEW_HEAD = 'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\n\n\n'
# A collection constructed here stays ORM: the connection is kept next to the new client.
KEPT_HEAD = 'from pymilvus import MilvusClient, Collection, connections\nconnections.connect(uri="http://h:1")\nclient = MilvusClient(uri="http://h:1")\n\n\n'
# Only a parameter stays ORM: the module constructs nothing, so the connect goes.
PARAM_HEAD = (
    'from pymilvus import MilvusClient, Collection\nclient = MilvusClient(uri="http://h:1")\n\n\n'
)

OPEN_BOOKS = (
    "def open_books(name):\n    books = Collection(name)\n    books.load()\n    return books\n"
)
NEW_OPEN_BOOKS = "def open_books(name):\n    books = name\n    client.load_collection(collection_name=books)\n    return books\n"


def _messages(findings) -> str:
    return "\n".join(f"{f.code} {f.message} ({f.suggestion})" for f in findings)


def _stays(before: str, head: str, *reasons: str) -> None:
    findings = check(HEAD + before, head + before)
    text = _messages(findings)
    for reason in reasons:
        assert reason in text, text
    assert "rewrite this use by hand" in text or "migrate the collection's uses by hand" in text


# ---- a returned Collection (finding B) ------------------------------------------------


def test_returned_from_a_function_nothing_here_calls_stays_orm():
    # At 9b9a2e2 this became `books = name`: an importer calling `.insert` on the result got
    # AttributeError on a str, with no finding.
    _stays(
        OPEN_BOOKS,
        KEPT_HEAD,
        "MM110 collection `books` stays an ORM Collection: returned from `open_books()`, "
        "which nothing in this module calls: callers elsewhere may use the Collection object",
    )


def test_returned_from_a_function_called_only_as_a_statement_is_migrated():
    # Every caller is in view (main() is called from module level) and drops the result.
    tail = '\n\ndef main():\n    open_books("b")\n\n\nif __name__ == "__main__":\n    main()\n'
    check(HEAD + OPEN_BOOKS + tail, NEW_HEAD + NEW_OPEN_BOOKS + tail)


def test_returned_from_a_function_listed_in_all_stays_orm():
    body = '__all__ = ["open_books"]\n\n\n' + OPEN_BOOKS + '\n\nopen_books("b")\n'
    _stays(body, KEPT_HEAD, "returned from `open_books()`, which is listed in `__all__`")


def test_returned_from_a_decorated_function_stays_orm():
    body = "@app.get('/books')\n" + OPEN_BOOKS + '\n\nopen_books("b")\n'
    _stays(body, KEPT_HEAD, "returned from `open_books()`, which is decorated")


def test_factory_listed_in_all_stays_orm():
    # `x = make(...)` in the module links x to the factory; importers calling it would still
    # expect the Collection (codemods: _factory_callers).
    body = '__all__ = ["open_books"]\n\n\n' + OPEN_BOOKS + '\n\nb = open_books("b")\nb.flush()\n'
    _stays(body, KEPT_HEAD, "returned from `open_books()`, which is listed in `__all__`")


def test_property_read_nowhere_stays_orm():
    body = (
        "class Store:\n"
        "    def __init__(self):\n"
        '        self.c = Collection("b")\n\n'
        "    @property\n"
        "    def coll(self):\n"
        "        return self.c\n"
    )
    _stays(body, KEPT_HEAD, "property `coll` is read nowhere in this module")


def test_property_read_in_its_class_is_migrated():
    before = (
        "class Store:\n"
        "    def __init__(self):\n"
        '        self.c = Collection("b")\n\n'
        "    @property\n"
        "    def coll(self):\n"
        "        return self.c\n\n"
        "    def n(self):\n"
        "        return self.coll.num_entities\n"
    )
    after = (
        "class Store:\n"
        "    def __init__(self):\n"
        '        self.c = "b"\n\n'
        "    @property\n"
        "    def coll(self):\n"
        "        return self.c\n\n"
        "    def n(self):\n"
        '        return client.get_collection_stats(collection_name=self.coll)["row_count"]\n'
    )
    check(HEAD + before, NEW_HEAD + after)


# ---- a collection parameter (finding C) -----------------------------------------------

STORE = "def store(books: Collection, rows):\n    books.insert(rows)\n    books.flush()\n"


def test_parameter_of_a_function_nothing_here_calls_stays_orm():
    # At 9b9a2e2 `books: str` and client.insert(collection_name=books): an importer passing
    # its Collection object got ParamError, with no finding.
    _stays(
        STORE,
        PARAM_HEAD,
        "`books` is a parameter of `store()`, which nothing in this module calls: callers "
        "elsewhere may pass a Collection",
    )


def test_parameter_of_a_function_called_with_a_migrated_collection_is_migrated():
    tail = '\n\nb = Collection("b")\nstore(b, [])\n'
    check(
        HEAD + STORE + tail,
        NEW_HEAD
        + "def store(books: str, rows):\n"
        + "    client.insert(collection_name=books, data=rows)\n"
        + "    client.flush(collection_name=books)\n"
        + '\n\nb = "b"\nstore(b, [])\n',
    )


@pytest.mark.parametrize(
    ("shape", "reason"),
    [
        (
            '__all__ = ["store"]\n\n\n{store}\n\nstore(Collection("b"), [])\n',
            "which is listed in `__all__`",
        ),
        ('@app.post("/x")\n{store}', "which is decorated"),
        (
            '{store}\n\nHANDLERS = {{"store": store}}\n',
            "which is used other than by a direct call (line 10)",
        ),
    ],
    ids=["all", "route", "value"],
)
def test_parameter_of_a_function_referred_to_otherwise_stays_orm(shape, reason):
    body = shape.format(store=STORE)
    head = KEPT_HEAD if "Collection(" in body.replace("books: Collection", "") else PARAM_HEAD
    _stays(body, head, f"`books` is a parameter of `store()`, {reason}")


def test_parameter_of_a_method_nothing_here_calls_stays_orm():
    body = "class Store:\n    def put(self, coll: Collection, rows):\n        coll.insert(rows)\n"
    _stays(body, PARAM_HEAD, "`coll` is a parameter of `put()`, which nothing in this module calls")


def test_parameter_of_init_stays_orm():
    # `Store(x)` runs __init__ with no `.__init__` call to check what x is.
    body = 'class Store:\n    def __init__(self, coll: Collection):\n        coll.load()\n\n\nStore(Collection("b"))\n'
    _stays(body, KEPT_HEAD, "`coll` is a parameter of `__init__()`, which Python calls implicitly")


def test_parameter_named_like_a_collection_nothing_calls_stays_orm():
    body = "def warm(coll):\n    coll.load()\n"
    outcome = migrate_source(HEAD + body, Options())
    assert "coll.load()" in outcome.source
    assert "`coll` is a parameter of `warm()`, which nothing in this module calls" in _messages(
        outcome.findings
    )
