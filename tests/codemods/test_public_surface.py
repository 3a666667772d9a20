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
# A collection constructed here stays ORM and nothing else migrates: the connect stays, alone
# (a client beside it would go unused).
KEPT_HEAD = HEAD
# Only a parameter stays ORM: the module constructs nothing, but the Collection its callers
# pass may use the connection made here (t040 of the third public sample), so the connect
# stays too.
PARAM_HEAD = KEPT_HEAD

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
    # A script (it has a `__main__` block): its in-module calls are all the callers.
    tail = '\n\nif __name__ == "__main__":\n    b = Collection("b")\n    store(b, [])\n'
    check(
        HEAD + STORE + tail,
        # `store(b, [])`: the ORM refused the empty insert, and so does the guard (MM133)
        "from pymilvus.exceptions import ExceptionsMessage, ParamError\n"
        + NEW_HEAD
        + "def store(books: str, rows):\n"
        + "    if len(rows) == 0:\n        raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)\n"
        + "    client.insert(collection_name=books, data=rows)\n"
        + "    client.flush(collection_name=books)\n"
        + '\n\nif __name__ == "__main__":\n    b = "b"\n    store(b, [])\n',
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


# ---- a public function of a library module, also called in the module -------------------
# A module with no `if __name__ == "__main__":` block whose module-level code calls none of
# its own functions or classes is read as a library: its public functions, and the public
# methods of its public classes, are there for importers even when the module calls them
# too (holdout ho12 `prepare()`, whose original lived in an imported module). A module with
# that block, or one that runs its own functions at import (`main()`), is read as a script:
# its in-module calls are all the callers (stated assumption, in MM110's text).

LIBRARY = 'which is public in a module with no `if __name__ == "__main__":` block'
STATEMENT_CALL = '\n\ndef refresh():\n    open_books("b")\n'


def test_library_public_function_called_here_returning_a_collection_stays_orm():
    # Before this rule: `books = name` (every caller here drops the result), and an importer
    # calling open_books() got a str.
    _stays(
        OPEN_BOOKS + STATEMENT_CALL,
        KEPT_HEAD,
        f"returned from `open_books()`, {LIBRARY}",
        "callers elsewhere may use the Collection object",
    )


def test_script_public_function_called_here_returning_a_collection_is_migrated():
    tail = '\n\nif __name__ == "__main__":\n    open_books("b")\n'
    check(HEAD + OPEN_BOOKS + tail, NEW_HEAD + NEW_OPEN_BOOKS + tail)


def test_script_guard_with_operands_swapped_is_a_script():
    tail = '\n\nif "__main__" == __name__:\n    open_books("b")\n'
    check(HEAD + OPEN_BOOKS + tail, NEW_HEAD + NEW_OPEN_BOOKS + tail)


def test_library_private_function_called_here_is_migrated():
    private = OPEN_BOOKS.replace("open_books", "_open_books")
    check(
        HEAD + private + '\n\n_open_books("b")\n',
        NEW_HEAD + NEW_OPEN_BOOKS.replace("open_books", "_open_books") + '\n\n_open_books("b")\n',
    )


def test_library_public_factory_linked_here_stays_orm():
    # `b = open_books(...)` links b to the factory; an importer calling it would still expect
    # the Collection (OrmModel._factory_callers).
    body = OPEN_BOOKS + '\n\ndef refresh():\n    b = open_books("b")\n    b.flush()\n'
    _stays(body, KEPT_HEAD, f"returned from `open_books()`, {LIBRARY}")


def test_script_public_factory_linked_here_is_migrated():
    tail = '\n\nif __name__ == "__main__":\n    b = open_books("b")\n    b.flush()\n'
    new_tail = '\n\nif __name__ == "__main__":\n    b = open_books("b")\n    client.flush(collection_name=b)\n'
    check(HEAD + OPEN_BOOKS + tail, NEW_HEAD + NEW_OPEN_BOOKS + new_tail)


def test_library_public_function_called_here_with_a_collection_parameter_stays_orm():
    # Before this rule: `books: str`, while an importer may pass its Collection object.
    body = STORE + '\n\ndef refresh():\n    b = Collection("b")\n    store(b, [])\n'
    _stays(body, KEPT_HEAD, f"`books` is a parameter of `store()`, {LIBRARY}")


# A method factory (`b = self.m(...)` links b to what m returns).
METHOD = (
    "class {cls}:\n"
    "    def {m}(self, name):\n"
    "        books = Collection(name)\n"
    "        books.load()\n"
    "        return books\n\n"
    "    def _run(self):\n"
    '        b = self.{m}("b")\n'
    "        b.flush()\n\n\n"
    "def _go():\n"
    "    {cls}()._run()\n"
)
NEW_METHOD = (
    "class {cls}:\n"
    "    def {m}(self, name):\n"
    "        books = name\n"
    "        client.load_collection(collection_name=books)\n"
    "        return books\n\n"
    "    def _run(self):\n"
    '        b = self.{m}("b")\n'
    "        client.flush(collection_name=b)\n\n\n"
    "def _go():\n"
    "    {cls}()._run()\n"
)


def test_library_public_method_of_public_class_called_here_stays_orm():
    _stays(METHOD.format(cls="Store", m="open"), KEPT_HEAD, f"returned from `open()`, {LIBRARY}")


def test_library_private_method_of_public_class_is_migrated():
    check(
        HEAD + METHOD.format(cls="Store", m="_open"),
        NEW_HEAD + NEW_METHOD.format(cls="Store", m="_open"),
    )


def test_library_public_method_of_private_class_is_migrated():
    check(
        HEAD + METHOD.format(cls="_Store", m="open"),
        NEW_HEAD + NEW_METHOD.format(cls="_Store", m="open"),
    )


def test_script_public_method_of_public_class_is_migrated():
    guard = '\n\nif __name__ == "__main__":\n    pass\n'
    check(
        HEAD + METHOD.format(cls="Store", m="open") + guard,
        NEW_HEAD + NEW_METHOD.format(cls="Store", m="open") + guard,
    )


def test_module_running_its_own_function_at_import_is_a_script():
    # No guard, but `main()` runs at import: nobody imports such a module for its functions
    # (the runnable programs admin_utility, async_main_setup, hybrid_weighted, upsert_rows and
    # varchar_pk_delete have this shape).
    tail = '\n\ndef main():\n    open_books("b")\n\n\nmain()\n'
    check(HEAD + OPEN_BOOKS + tail, NEW_HEAD + NEW_OPEN_BOOKS + tail)


def test_own_function_called_through_asyncio_run_is_a_script():
    tail = '\n\nasync def main():\n    open_books("b")\n\n\nasyncio.run(main())\n'
    head = "import asyncio\n"
    check(head + HEAD + OPEN_BOOKS + tail, head + NEW_HEAD + NEW_OPEN_BOOKS + tail)


def test_own_function_called_only_inside_a_module_level_lambda_is_a_library():
    # The lambda's body runs later, maybe from an importer: nothing runs at import.
    body = OPEN_BOOKS + '\n\nlater = lambda: open_books("b")\n'
    _stays(body, KEPT_HEAD, f"returned from `open_books()`, {LIBRARY}")


# ---- a module-level singleton does not make a library module a script -----------------------
# (r012 of docs/real-code-sample.md: `milvus_manager = MilvusManager()` at the end of a storage
# module whose `connect()` method nothing in the module calls.)
MANAGER = """from pymilvus import connections, utility


class Manager:
    def connect(self):
        connections.connect("default", host="h", port="1")

    def names(self):
        return utility.list_collections()


manager = Manager()
"""


def test_a_singleton_built_for_importers_leaves_the_module_a_library():
    # `names()` may run before any connect() (an importer that connected 'default' itself):
    # its client would be unbound, so the call stays ORM unless --unsafe-fixes (MM104).
    outcome = migrate_source(MANAGER, Options())
    assert "return utility.list_collections()" in outcome.source, outcome.source
    assert any("MM104 needs an unsafe fix" in f.message for f in outcome.findings)
    unsafe = migrate_source(MANAGER, Options(unsafe_fixes=True))
    assert "return client.list_collections()" in unsafe.source, unsafe.source


def test_a_singleton_the_module_goes_on_to_use_is_script_work():
    script = MANAGER + "manager.connect()\nprint(manager.names())\n"
    outcome = migrate_source(script, Options())
    assert "return client.list_collections()" in outcome.source, outcome.source
    assert not any("MM104" in f.message for f in outcome.findings), outcome.findings
