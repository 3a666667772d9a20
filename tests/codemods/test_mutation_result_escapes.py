# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""A MutationResult that leaves the code MM170 can see (returned, yielded, passed on, stored)
keeps its insert/upsert/delete ORM with a finding: migrated, it would be a dict, and a caller
reading `.insert_count` would raise AttributeError (holdout repro returned_mutation_result)."""

from tests.codemods.cm_helpers import check

HEAD = 'from pymilvus import Collection, connections\nconnections.connect(uri="http://h:1")\nc = Collection("x")\n'
# The collection stays ORM and nothing else migrates: the connect stays, alone (a client
# beside it would go unused).
KEPT = HEAD
NEW = 'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\nc = "x"\n'


def _kept(body: str, reason: str) -> None:
    findings = check(HEAD + body, KEPT + body)
    assert any(f.code in ("MM130", "MM132") and reason in f.message for f in findings), findings


def test_result_returned_through_a_variable_stays_orm():
    # before this change: `return written` handed the caller client.insert()'s dict
    _kept(
        "def add(rows):\n    written = c.insert(rows)\n    return written\n\nres = add([{'id': 1}])\nprint(res.insert_count)\n",
        "`written` is returned",
    )


def test_result_returned_directly_stays_orm():
    _kept("def add(rows):\n    return c.insert(rows)\n", "the result is returned")


def test_result_yielded_passed_or_stored_stays_orm():
    _kept("def add(batches):\n    for b in batches:\n        yield c.upsert(b)\n", "is yielded")
    _kept(
        "results = []\nresults.append(c.insert([{'id': 1}]))\n", "is passed to `results.append()`"
    )
    _kept(
        "class S:\n    def add(self, rows):\n        self.last = c.insert(rows)\n",
        "is stored where",
    )
    _kept("out = [c.delete('id > 0')]\n", "is put in a container")
    _kept("r = c.insert([{'id': 1}])\nlog(r)\n", "`r` is passed to `log()`")


def test_other_uses_name_the_expression_not_the_block():
    _kept("r = c.insert([{'id': 1}])\nif r:\n    print('ok')\n", "`r` is used as a value")
    _kept("r = c.insert([{'id': 1}])\nok = r is not None\n", "`r` is used in `r is not None`")


def test_name_also_holding_other_values_stays_orm():
    _kept("r = None\nr = c.insert([{'id': 1}])\nprint(r.insert_count)\n", "also holds other values")


def test_visible_uses_still_migrate():
    check(
        HEAD
        + "def add(rows):\n    r = c.insert(rows)\n    print(r.insert_count, getattr(r, 'primary_keys'))\n    c.delete('id > 0')\n    return c.upsert(rows).upsert_count\n",
        # `rows` may be empty: the ORM's refusal of no rows goes first (MM133)
        "from pymilvus.exceptions import ExceptionsMessage, ParamError\n"
        + NEW
        + "def add(rows):\n    if len(rows) == 0:\n        raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)\n"
        + '    r = client.insert(collection_name=c, data=rows)\n    print(r["insert_count"], r["ids"])\n'
        + "    client.delete(collection_name=c, filter='id > 0')\n"
        + "    if len(rows) == 0:\n        raise ParamError(message=ExceptionsMessage.NumberRowsInvalid)\n"
        + '    return client.upsert(collection_name=c, data=rows)["upsert_count"]\n',
    )


def test_returned_to_callers_that_all_drop_it_migrates():
    check(
        HEAD
        + "def remove(ids):\n    return c.delete(f'id in {ids}')\n\nremove([1])\nremove([2])\n",
        NEW
        + "def remove(ids):\n    return client.delete(collection_name=c, filter=f'id in {ids}')\n\nremove([1])\nremove([2])\n",
    )


def test_returned_to_a_caller_that_keeps_it_stays_orm():
    _kept(
        "def remove(ids):\n    r = c.delete(f'id in {ids}')\n    return r\n\nremove([1])\nn = remove([2])\n",
        "`r` is returned",
    )
    _kept(
        "class S:\n    def remove(self, ids):\n        return c.delete(f'id in {ids}')\n\nS().remove([1])\n",
        "the result is returned",
    )


def test_returned_from_a_public_function_of_a_library_stays_orm():
    # No module-level code runs remove(): the module reads as a library, and an importer
    # calling remove() may read `.delete_count` off what it returns.
    _kept(
        "def remove(ids):\n    return c.delete(f'id in {ids}')\n\n\ndef tidy():\n    remove([1])\n",
        "the result is returned",
    )


def test_returned_from_a_private_function_of_a_library_to_callers_that_drop_it_migrates():
    check(
        HEAD
        + "def _remove(ids):\n    return c.delete(f'id in {ids}')\n\n\ndef tidy():\n    _remove([1])\n",
        NEW
        + "def _remove(ids):\n    return client.delete(collection_name=c, filter=f'id in {ids}')\n\n\ndef tidy():\n    _remove([1])\n",
    )
