"""MM130 / MM131: a column insert whose field order is read from the server, inside try/except.

The migrated form raises zip's ValueError on a column count or length mismatch where the ORM
raised DataNotMatchException / ParamError (MilvusExceptions; measured on milvus-lite, see the
rule text). It is rewritten when every enclosing try sends both to the same handler and that
handler does not read the exception (safe), with --unsafe-fixes when the handler reads it
(MM131), and refused when the handlers split them or cannot be told apart."""

import pytest

from codemods import migrate_source
from codemods.base import UNSAFE_SUGGESTION, Options
from tests.codemods.cm_helpers import check

# Columns that visibly hold a row: an insert of none is MM133's concern (test_empty_insert).
COLUMNS = "a = [1, 2]\nb = [[0.0], [1.0]]\n"
HEAD = (
    "from pymilvus import Collection, MilvusException, connections\n"
    'connections.connect(uri="http://h:1")\n'
    'c = Collection("x")\n' + COLUMNS
)
NEW = (
    "from pymilvus import MilvusClient, MilvusException\n"
    'client = MilvusClient(uri="http://h:1")\n'
    'c = "x"\n' + COLUMNS
)
# The collection stays ORM and nothing else migrates: the connect stays, alone (a client
# beside it would go unused).
KEPT = HEAD
NAMES = (
    "    field_names = [\n"
    '        field["name"]\n'
    '        for field in client.describe_collection(collection_name=c)["fields"]\n'
    '        if not field.get("auto_id") and not field.get("is_function_output")\n'
    "    ]\n"
)
INSERT = (
    "    client.insert(collection_name=c, data=[dict(zip(field_names, values, strict=True))"
    " for values in zip(a, b, strict=True)])\n"
)


def _try(handler: str, body: str = "    pass\n") -> str:
    return f"try:\n    c.insert([a, b])\n{handler}\n{body}"


def _migrated(handler: str, body: str = "    pass\n") -> str:
    return f"try:\n{NAMES}{INSERT}{handler}\n{body}"


@pytest.mark.parametrize(
    "handler",
    [
        "except:",
        "except Exception:",
        "except BaseException:",
        "except (MilvusException, ValueError):",
        "except (ValueError, MilvusException) as err:",  # bound but never read
    ],
)
def test_one_handler_for_both_that_does_not_read_it_is_safe(handler: str):
    findings = check(HEAD + _try(handler), NEW + _migrated(handler))
    assert not [f for f in findings if f.code in ("MM110", "MM130", "MM131")], findings


def test_handlers_that_catch_neither_are_passed_over_and_finally_is_fine():
    handlers = "except KeyError:\n    pass\nexcept Exception:"
    body = "    print('failed')\nfinally:\n    print('done')\n"
    check(HEAD + _try(handlers, body), NEW + _migrated(handlers, body))


def test_a_handler_that_ends_the_exception_hides_the_tries_further_out():
    # The inner `except Exception` does not re-raise: the outer MilvusException handler
    # never sees either exception.
    inner = "    try:\n        c.insert([a, b])\n    except Exception:\n        pass\n"
    outer = "except MilvusException:\n    print('never')\n"
    migrated = (
        "    try:\n"
        + "".join("    " + line + "\n" for line in NAMES.splitlines())
        + "    "
        + INSERT
        + "    except Exception:\n        pass\n"
    )
    check(HEAD + "try:\n" + inner + outer, NEW + "try:\n" + migrated + outer)


def test_a_qualified_pymilvus_exception_is_resolved_through_its_import():
    head = "import pymilvus\n" + HEAD.replace("MilvusException, ", "")
    kept = "import pymilvus\n" + KEPT.replace("MilvusException, ", "")
    handler = "except pymilvus.exceptions.MilvusException:"
    findings = check(head + _try(handler), kept + _try(handler))
    assert any("catches" in f.message and "not ValueError" in f.message for f in findings)


READS = "except Exception as e:"
READS_BODY = '    print(f"insert: {e}")\n'


def test_a_handler_that_reads_it_waits_for_unsafe_fixes_and_is_reported():
    outcome = migrate_source(HEAD + _try(READS, READS_BODY), Options())
    assert outcome.source == KEPT + _try(READS, READS_BODY)
    mine = [f for f in outcome.findings if f.code in ("MM110", "MM130")]
    assert mine and all(f.suggestion == UNSAFE_SUGGESTION for f in mine), mine
    assert all("reads `e`" in f.message and "MM131" in f.message for f in mine), mine


def test_with_unsafe_fixes_a_reading_handler_is_migrated_and_noted_as_mm131():
    findings = check(
        HEAD + _try(READS, READS_BODY),
        NEW + _migrated(READS, READS_BODY),
        codes=("MM131",),
        unsafe_fixes=True,
    )
    note = next(f for f in findings if f.code == "MM131")
    assert "ValueError" in note.message and "DataNotMatchException" in note.message


@pytest.mark.parametrize(
    ("handler", "body", "why"),
    [
        ("except Exception:", "    logging.exception('insert')\n", "logging.exception()"),
        ("except Exception:", "    log.error('insert', exc_info=True)\n", "exc_info="),
        ("except Exception:", "    traceback.print_exc()\n", "traceback.print_exc()"),
        ("except Exception:", "    raise\n", "`raise`"),
        ("except Exception:", "    raise RuntimeError('insert')\n", "`raise`"),
    ],
)
def test_implicit_reads_count_as_reads(handler: str, body: str, why: str):
    head = "import logging\nimport traceback\n" + HEAD
    outcome = migrate_source(head + _try(handler, body), Options())
    assert "Collection(" in outcome.source
    mine = [f for f in outcome.findings if f.code == "MM110"]
    assert mine and why in mine[0].message and mine[0].suggestion == UNSAFE_SUGGESTION, mine
    unsafe = migrate_source(head + _try(handler, body), Options(unsafe_fixes=True))
    assert "Collection(" not in unsafe.source


def test_raise_from_none_does_not_read_it():
    body = "    raise RuntimeError('insert') from None\n"
    check(HEAD + _try("except Exception:", body), NEW + _migrated("except Exception:", body))


@pytest.mark.parametrize(
    ("handlers", "why"),
    [
        ("except MilvusException:", "catches DataNotMatchException"),
        ("except ValueError:", "catches ValueError but not"),
        ("except MilvusException:\n    pass\nexcept ValueError:", "not ValueError"),
        ("except (MilvusException, KeyError):", "not ValueError"),
        ("except DescribeCollectionException:\n    pass\nexcept Exception:", "not"),
        ("except MyError:", "cannot tell what `except MyError` catches"),
        ("except ERRORS:", "cannot tell what `except ERRORS` catches"),
    ],
)
def test_handlers_that_split_them_or_cannot_be_read_keep_the_collection_orm(
    handlers: str, why: str
):
    head = HEAD.replace(
        "connections\n",
        "connections\nfrom pymilvus.exceptions import DescribeCollectionException\n",
    )
    body = "ERRORS = (MilvusException, ValueError)\n" + _try(handlers)
    for unsafe in (False, True):
        outcome = migrate_source(head + body, Options(unsafe_fixes=unsafe))
        assert 'c = Collection("x")' in outcome.source
        mine = [f for f in outcome.findings if f.code == "MM110"]
        assert mine and why in mine[0].message, mine
        assert mine[0].suggestion != UNSAFE_SUGGESTION


def test_an_outer_try_that_splits_them_still_refuses_through_a_re_raise():
    body = (
        "try:\n    try:\n        c.insert([a, b])\n    except Exception:\n        raise\n"
        "except MilvusException:\n    pass\n"
    )
    outcome = migrate_source(HEAD + body, Options(unsafe_fixes=True))
    assert 'c = Collection("x")' in outcome.source
    assert any("catches" in f.message for f in outcome.findings if f.code == "MM110")


def test_except_star_is_not_analysed():
    body = "try:\n    c.insert([a, b])\nexcept* Exception:\n    pass\n"
    outcome = migrate_source(HEAD + body, Options(unsafe_fixes=True))
    assert 'c = Collection("x")' in outcome.source
    assert any("except*" in f.message for f in outcome.findings if f.code == "MM110")


def test_the_live_program_is_migrated_where_its_handlers_allow():
    """tests/fixtures/programs/column_insert_in_try.py (run ORM vs migrated by
    tests/test_equivalence.py) really exercises the migrated inserts: with the --unsafe-fixes
    of its marker no Collection is left; without it only the collection whose handler reads
    the exception stays ORM."""
    from pathlib import Path

    program = Path(__file__).resolve().parents[1] / "fixtures/programs/column_insert_in_try.py"
    source = program.read_text(encoding="utf-8")
    assert source.startswith("# milvus-migrate-test: --unsafe-fixes\n")
    unsafe = migrate_source(source, Options(unsafe_fixes=True))
    assert "Collection(" not in unsafe.source
    assert unsafe.source.count("strict=True)) for values in zip(") == 4
    default = migrate_source(source, Options())
    assert default.source.count('Collection("notes")') == 1  # in add_note, whose handler reads e
    assert 'Collection("books")' not in default.source


WITH_HEAD = "import contextlib\nimport pytest\n" + HEAD


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (
            "def test_x():\n    with pytest.raises(MilvusException):\n        c.insert([a, b])\n",
            "`with pytest.raises(MilvusException)` catches DataNotMatchException",
        ),
        (
            "with contextlib.suppress(MilvusException):\n    c.insert([a, b])\n",
            "`with contextlib.suppress(MilvusException)` catches",
        ),
        (
            "class T:\n    def test(self):\n"
            "        with self.assertRaises(MilvusException):\n            c.insert([a, b])\n",
            "`with self.assertRaises(MilvusException)` catches",
        ),
    ],
)
def test_context_managers_that_catch_one_type_keep_the_collection_orm(body: str, why: str):
    # Outside any try too: a test expecting the ORM's MilvusException would get ValueError.
    outcome = migrate_source(WITH_HEAD + body, Options(unsafe_fixes=True))
    assert 'c = Collection("x")' in outcome.source
    mine = [f for f in outcome.findings if f.code == "MM110"]
    assert mine and why in mine[0].message, mine


def test_suppress_of_both_is_safe_and_pytest_raises_of_both_is_unsafe():
    suppress = "with contextlib.suppress(Exception):\n    c.insert([a, b])\n"
    assert 'c = Collection("x")' not in migrate_source(WITH_HEAD + suppress, Options()).source
    raises = "def test_x():\n    with pytest.raises(Exception):\n        c.insert([a, b])\n"
    default = migrate_source(WITH_HEAD + raises, Options())
    assert 'c = Collection("x")' in default.source
    assert any(f.suggestion == UNSAFE_SUGGESTION for f in default.findings if f.code == "MM110")
    unsafe = migrate_source(WITH_HEAD + raises, Options(unsafe_fixes=True))
    assert 'c = Collection("x")' not in unsafe.source
    assert any(f.code == "MM131" for f in unsafe.findings)


def test_other_context_managers_are_passed_through():
    body = "with open('f') as fh:\n    c.insert([a, b])\n"
    assert 'c = Collection("x")' not in migrate_source(WITH_HEAD + body, Options()).source
