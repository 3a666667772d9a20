# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""Collection() results the model does not track, and `search(**request)`.

* An inline handle (`Collection(name).drop()`) is rewritten with `name` as the collection
  name, as a bound `x = Collection(name)` is, and left as ORM code inside try/except, where
  the handler may be there for the ORM's error on a missing collection (trap 2).
* A Collection() that is neither bound to a tracked variable nor a method receiver is reported
  with the reason (returned, stored in a container item, the target also assigned something
  else).
* `col.search(**request)` with `request` a dict literal built in the same block becomes the
  same call with each key read from the dict at the call (connect_kwargs.dict_call_view), then
  the normal search mapping (param -> search_params, expr -> filter).

The behaviour is checked on a real server by the program untracked_and_spread in
tests/test_equivalence.py.
"""

from tests.codemods.cm_helpers import check

HEAD = 'from pymilvus import Collection, connections\nconnections.connect(uri="http://h:1")\n'
NEW = 'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\n'
# Nothing else migrates in these: the connect stays, alone (a client beside it would go unused).
KEPT = HEAD


def _messages(findings) -> list[str]:
    return [f"{f.line}:{f.code}:{f.message}" for f in findings]


def test_inline_handles_use_the_name():
    check(
        HEAD
        + "def wipe(name):\n    Collection(name).drop()\n    return Collection(name=name).num_entities\n",
        NEW
        + 'def wipe(name):\n    client.drop_collection(collection_name=name)\n    return client.get_collection_stats(collection_name=name)["row_count"]\n',
    )


def test_inline_handle_inside_try_is_reported_trap_2():
    before = (
        HEAD
        + 'def wipe(name):\n    try:\n        Collection(name).drop()\n    except Exception:\n        print("missing")\n'
    )
    findings = check(before, before.replace(HEAD, KEPT), codes=("MM111",))
    assert any(
        "inline Collection() inside try/except" in m and "trap 2" in m for m in _messages(findings)
    ), _messages(findings)


def test_untracked_collections_say_why():
    body = (
        "def opened(name):\n    return Collection(name)\n\n\n"
        "class Cache:\n"
        "    def __init__(self):\n        self.items = {}\n        self.col = None\n\n"
        "    def get(self, name):\n        self.items[name] = Collection(name)\n        return self.items[name]\n\n"
        "    def reset(self, name):\n        self.col = Collection(name)\n\n"
        "    def close(self):\n        self.col = []\n\n\n"
        "def local(name):\n    col = None\n    col = Collection(name)\n    col.load()\n    return col\n\n\n"
        "def exists_or_raise(name):\n    Collection(name)\n"
    )
    findings = _messages(check(HEAD + body, KEPT + body, codes=("MM110",)))
    prefix = "MM110:Collection() whose result is not tracked: "
    for expected in (
        # A returned open is a binding of its own now (OrmModel._returned_opens), kept for
        # the reason a returned variable would be.
        "4:MM110:collection `Collection(name)` stays an ORM Collection: returned from "
        "`opened()`, which nothing in this module calls",
        "13:" + prefix + "stored into a container item (`self.items[name]`)",
        "17:" + prefix + "`self.col` is also assigned `[]` (line 20)",
        "25:" + prefix + "`col` is also assigned `None` (line 24)",
        "31:" + prefix + "a bare open-only Collection() only checks that the collection exists",
    ):
        assert any(m.startswith(expected) for m in findings), (expected, findings)


def test_search_of_a_visible_dict_becomes_keywords():
    check(
        HEAD
        + 'c = Collection("x")\n\n\ndef lookup(vecs, k):\n'
        + '    request = {"data": vecs, "anns_field": "v", "param": {"metric_type": "L2"}, "limit": k}\n'
        + '    request["expr"] = "id > 0"\n'
        + '    request.update(output_fields=["id"])\n'
        + "    res = c.search(**request)\n    return res\n",
        NEW
        + 'c = "x"\n\n\ndef lookup(vecs, k):\n'
        + '    request = {"data": vecs, "anns_field": "v", "param": {"metric_type": "L2"}, "limit": k}\n'
        + '    request["expr"] = "id > 0"\n'
        + '    request.update(output_fields=["id"])\n'
        + '    res = [] if isinstance(request["data"], list) and not request["data"] else client.search(collection_name=c, data=request["data"], anns_field=request["anns_field"], search_params=request["param"], limit=request["limit"], filter=request["expr"], output_fields=request["output_fields"])\n'
        + "    return res\n",
    )


def test_query_of_a_visible_dict_maps_expr_to_filter():
    check(
        HEAD
        + 'c = Collection("x")\nq = {"expr": "id > 0", "output_fields": ["id"]}\nrows = c.query(**q)\n',
        NEW
        + 'c = "x"\nq = {"expr": "id > 0", "output_fields": ["id"]}\nrows = client.query(collection_name=c, filter=q["expr"], output_fields=q["output_fields"])\n',
    )


def _refused(body: str, reason: str) -> None:
    source = HEAD + 'c = Collection("x")\n\n\n' + body
    findings = _messages(check(source, source.replace(HEAD, KEPT), codes=("MM140",)))
    assert any("search() without `data`" in m and reason in m for m in findings), findings


def test_search_spread_key_on_some_paths_only_is_refused():
    _refused(
        'def f(q):\n    r = {"data": q, "anns_field": "v", "param": {}, "limit": 3}\n'
        '    if q:\n        r["expr"] = "id > 0"\n    return c.search(**r)\n',
        "`expr` is set on some paths only",
    )


def test_search_spread_dict_changed_by_a_closure_is_refused():
    _refused(
        'def f(q):\n    r = {"data": q, "anns_field": "v", "param": {}, "limit": 3}\n'
        "    res = c.search(**r)\n    def more():\n        r.clear()\n    return res\n",
        "nested function",
    )


def test_search_spread_dict_read_between_is_refused():
    _refused(
        'def f(q):\n    r = {"data": q, "anns_field": "v", "param": {}, "limit": 3}\n'
        "    print(r)\n    return c.search(**r)\n",
        "`r` is used before the call other than to store literal keys",
    )


def test_search_spread_of_a_dict_from_elsewhere_is_refused():
    _refused(
        "def f(r):\n    return c.search(**r)\n",
        "not built from a dict literal in this block",
    )
