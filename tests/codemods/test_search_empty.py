# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""Trap 8: the ORM's search/hybrid_search return an empty result for an empty query list,
MilvusClient raises. Before/after pairs for the guard (codemods/empty_search.py); the
behaviour itself is checked on a real server in test_search_empty_live.py and by the
search_variants program in tests/test_equivalence.py."""

from tests.codemods.cm_helpers import check

HEAD = 'from pymilvus import Collection, connections\nconnections.connect(uri="http://h:1")\nc = Collection("x")\n'
NEW = 'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\nc = "x"\n'
CALL = 'client.search(collection_name=c, data={}, anns_field="v", search_params={{}}, limit=3)'


def test_non_empty_list_literal_needs_no_guard():
    check(
        HEAD + 'r = c.search([[0.1, 0.2]], "v", {}, 3)\n',
        NEW + f"r = {CALL.format('[[0.1, 0.2]]')}\n",
    )


def test_name_of_a_never_emptied_list_display_needs_no_guard():
    check(
        HEAD
        + 'q = [[0.1], [0.2]]\nr = c.search(q, "v", {}, 3)\ns = c.search(q[:1], "v", {}, 3)\nprint(len(q), q[0])\n',
        NEW
        + f"q = [[0.1], [0.2]]\nr = {CALL.format('q')}\ns = {CALL.format('q[:1]')}\nprint(len(q), q[0])\n",
    )


def test_list_that_can_be_emptied_is_guarded_with_if():
    check(
        HEAD + 'q = [[0.1]]\nq.pop()\nr = c.search(q, "v", {}, 3)\n',
        NEW + f"q = [[0.1]]\nq.pop()\nr = {CALL.format('q')} if q else []\n",
    )


def test_comprehension_assigned_list_and_annotated_param_are_guarded_with_if():
    check(
        HEAD
        + 'q = [v for v in vecs if v]\nr = c.search(q, "v", {}, 3)\n'
        + 'def f(batch: list[list[float]]):\n    return c.search(batch, "v", {}, 3)\n',
        NEW
        + f"q = [v for v in vecs if v]\nr = {CALL.format('q')} if q else []\n"
        + f"def f(batch: list[list[float]]):\n    return {CALL.format('batch')} if batch else []\n",
    )


def test_unknown_type_is_guarded_without_truth_testing_numpy_arrays():
    # `if vecs` would raise ValueError on a numpy array; the ORM only short-circuits on lists.
    check(
        HEAD + 'def f(vecs):\n    return c.search(vecs, "v", {}, 3)\n',
        NEW
        + f"def f(vecs):\n    return [] if isinstance(vecs, list) and not vecs else {CALL.format('vecs')}\n",
    )


def test_empty_list_literal_becomes_the_empty_result():
    check(HEAD + 'r = c.search([], "v", {}, 3)\n', NEW + "r = []\n")


def test_numpy_and_tuple_data_need_no_guard():
    head = "import numpy as np\n" + HEAD
    new = "import numpy as np\n" + NEW
    check(
        head + 'r = c.search(np.random.rand(2, 4), "v", {}, 3)\ns = c.search((a, b), "v", {}, 3)\n',
        new + f"r = {CALL.format('np.random.rand(2, 4)')}\ns = {CALL.format('(a, b)')}\n",
    )


def test_guard_is_parenthesized_inside_a_larger_expression():
    check(
        HEAD + 'q = [[0.1]]\nq.clear()\nprint(c.search(q, "v", {}, 3)[0].ids)\n',
        NEW + f"q = [[0.1]]\nq.clear()\nprint(({CALL.format('q')} if q else [])[0].ids)\n",
    )


def test_multiline_call_keeps_its_layout_inside_the_guard():
    check(
        HEAD
        + 'def f(q: list):\n    return c.search(\n        q,\n        "v",\n        {},\n        3,\n    )\n',
        NEW
        + "def f(q: list):\n    return client.search(\n        collection_name=c,\n        data=q,\n"
        + '        anns_field="v",\n        search_params={},\n        limit=3,\n    ) if q else []\n',
    )


def test_expression_with_a_call_is_not_evaluated_twice_and_is_reported():
    findings = check(
        HEAD + 'r = c.search(embed(text), "v", {}, 3)\n',
        NEW + f"r = {CALL.format('embed(text)')}\n",
        codes=("MM140",),
    )
    assert any("may be an empty list" in f.message for f in findings)


def test_async_search_is_not_guarded_and_is_reported():
    findings = check(
        HEAD + 'def f(q):\n    return c.search(q, "v", {}, 3, _async=True).result()\n',
        NEW
        + 'def f(q):\n    return client.search(collection_name=c, data=q, anns_field="v", '
        + "search_params={}, limit=3, _async=True).result()\n",
        codes=("MM140",),
    )
    assert any("_async" in f.message and "empty list" in f.message for f in findings)


def test_hybrid_search_guards_reqs():
    check(
        HEAD + "def f(reqs: list):\n    return c.hybrid_search(reqs, RRFRanker(), 5)\n",
        NEW
        + "def f(reqs: list):\n    return client.hybrid_search(collection_name=c, reqs=reqs, "
        + "ranker=RRFRanker(), limit=5) if reqs else []\n",
    )


def test_a_list_display_that_is_deleted_from_or_reassigned_is_guarded():
    check(
        HEAD + 'q = [[0.1], [0.2]]\ndel other, q[0]\nr = c.search(q, "v", {}, 3)\n',
        NEW + f"q = [[0.1], [0.2]]\ndel other, q[0]\nr = {CALL.format('q')} if q else []\n",
    )
    check(
        HEAD + 'q = [[0.1]]\nq[:] = []\nr = c.search(q[:1], "v", {}, 3)\n',
        NEW + f"q = [[0.1]]\nq[:] = []\nr = {CALL.format('q[:1]')} if q[:1] else []\n",
    )
    check(
        HEAD + 'q = [[0.1]]\nalias = q\nr = c.search(q, "v", {}, 3)\n',
        NEW + f"q = [[0.1]]\nalias = q\nr = {CALL.format('q')} if q else []\n",
    )
