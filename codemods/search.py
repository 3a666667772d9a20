"""MM140-MM142: search, hybrid_search, query and the iterators become MilvusClient calls.

Renames: `param` -> `search_params`, `expr` -> `filter`, `rerank` -> `ranker`,
`expr_params` -> `filter_params`. Always keyword arguments (the positional orders differ,
trap 1). A query without `output_fields` is rewritten and reported (trap 8). A search whose
query list may be empty keeps the ORM's empty result (trap 8, see codemods/empty_search.py).
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis import MethodRule
from codemods.base import Applicability, RuleInfo
from codemods.collection_calls import CollectionCallCodemod
from codemods.connect_kwargs import dict_call_view
from codemods.empty_search import Emptiness, classify, guarded, is_cheap_to_repeat
from codemods.rewrite import (
    Bound,
    Env,
    Refuse,
    Rewrite,
    bind,
    client_call,
    code_of,
    copy_args,
    kwarg,
    rename_extra,
    stray_filter,
)

SEARCH = RuleInfo(
    code="MM140",
    title="Collection.search/hybrid_search -> client.search/hybrid_search",
    description=(
        "Keeps data, anns_field, limit, output_fields, partition_names, consistency_level and "
        "round_decimal; renames `param` to `search_params`, `expr` to `filter`, `rerank` to "
        "`ranker` and `expr_params` to `filter_params`. Emits keywords only: the positional "
        "orders differ. Where `data` (`reqs`) may be an empty list, the call is guarded so it "
        "still returns an empty result instead of raising: `client.search(...) if data else []`, "
        "or `[] if isinstance(data, list) and not data else client.search(...)` when `data` may "
        "also be a numpy array. A non-empty list literal needs no guard. `search(**request)` "
        "(`hybrid_search`, `query` and the iterators alike) with `request` a dict literal "
        "built in the same block (literal keys, stored only by "
        "`request[k] = v` / `request.update(...)`, on every path) becomes the same call with "
        'each key read at the call: `data=request["data"]`, `search_params=request["param"]`, '
        "... (as MM101 does for `connect(**d)`)."
    ),
    applicability=Applicability.SAFE,
    before='col.search([v], "vec", {"metric_type": "L2"}, 3, "id > 1")\n',
    after=(
        'client.search(collection_name=col, data=[v], anns_field="vec", '
        'search_params={"metric_type": "L2"}, limit=3, filter="id > 1")\n'
    ),
)
QUERY = RuleInfo(
    code="MM141",
    title="Collection.query -> client.query",
    description=(
        "`expr` becomes `filter`. MilvusClient returns every field when `output_fields` is "
        "omitted, the ORM does not: such calls are rewritten and reported."
    ),
    applicability=Applicability.SAFE,
    before='col.query("id < 3", output_fields=["title"])\n',
    after='client.query(collection_name=col, filter="id < 3", output_fields=["title"])\n',
)
ITERATORS = RuleInfo(
    code="MM142",
    title="Collection.query_iterator/search_iterator -> client iterators",
    description="The iterator calls with `expr` -> `filter` and `param` -> `search_params`.",
    applicability=Applicability.SAFE,
    before='it = col.query_iterator(batch_size=10, expr="id > 0")\n',
    after='it = client.query_iterator(collection_name=col, batch_size=10, filter="id > 0")\n',
)

_RENAMES = {"expr_params": "filter_params"}


def _convert(method: str, params: list[str], mapping: list[tuple[str, str]], required: tuple = ()):
    def convert(call: cst.Call, env: Env) -> Rewrite | Refuse:
        spread = ""
        if _only_spread(call) and env.model is not None and env.original is not None:
            # `col.search(**request)`: the keys of a dict built visibly before the call.
            view = dict_call_view(env.model, env.original)
            if isinstance(view, str):
                spread = f" (`**{code_of(call.args[0].value)}`: {view})"
            else:
                call = call.with_changes(args=view.args)
        bound = bind(call, params)
        if isinstance(bound, Refuse):
            return bound
        for name in required:
            if name not in bound.named:
                return Refuse(f"{method}() without `{name}`{spread}")
        if method == "hybrid_search" and "rerank" in bound.named and "ranker" in bound.named:
            return Refuse("both `rerank` and `ranker` given")
        stray = stray_filter(method, bound.extra)
        if stray is not None:
            return stray
        extra = rename_extra(bound.extra, _RENAMES)
        _drop_no_filter(method, bound)
        args = [kwarg("collection_name", env.name), *copy_args(bound, mapping), *extra]
        note = ""
        if method == "query" and "output_fields" not in bound.named:
            note = (
                "query() without output_fields: MilvusClient returns every field; the ORM on "
                "a Milvus server returned only the primary key"
            )
        new_call = client_call(env.client, method, args, call)
        summary = f"{method}() -> {env.client}.{method}(collection_name=..., ...)"
        if method in _QUERY_LISTS:
            return _keep_empty_result(new_call, bound, _QUERY_LISTS[method], env, summary)
        return Rewrite(expr=new_call, summary=summary, note=note)

    return convert


def _drop_no_filter(method: str, bound: Bound) -> None:
    """`search(..., expr=None)` is the ORM's default, no filter; MilvusClient's is `""`, and
    `filter=None` would only be noise (a comment on it keeps it)."""
    arg = bound.named.get("expr")
    if method.startswith("search") and arg is not None:
        value = arg.value
        if isinstance(value, cst.Name) and value.value == "None" and "#" not in code_of(arg):
            del bound.named["expr"]


# The argument whose empty list makes the ORM return an empty result without a server call.
_QUERY_LISTS = {"search": "data", "hybrid_search": "reqs"}


def _keep_empty_result(
    new_call: cst.Call, bound: Bound, param: str, env: Env, summary: str
) -> Rewrite:
    """Trap 8: MilvusClient raises on an empty query list where the ORM returned an empty
    result; guard the call where the list may be empty."""
    original = bind(env.original, [*_ORM_PARAMS[param]]) if env.original is not None else None
    source = original.value(param) if isinstance(original, Bound) else None
    model = env.model
    kind = classify(source, model) if source is not None else Emptiness.UNKNOWN
    if kind is Emptiness.NON_EMPTY:
        return Rewrite(expr=new_call, summary=summary)
    method = new_call.func.attr.value  # type: ignore[attr-defined]
    if _async_requested(bound):
        return Rewrite(
            expr=new_call,
            summary=summary,
            note=f"{method}(_async=...) with `{param}` that may be an empty list: the ORM "
            "returned a future of an empty result, MilvusClient raises (not guarded)",
        )
    if kind is Emptiness.EMPTY:
        return Rewrite(
            expr=cst.List(elements=[]),
            summary=f"{method}() with an empty `{param}` list -> [] (the ORM's empty result, "
            "no server call)",
        )
    data = bound.value(param)
    assert data is not None
    if not is_cheap_to_repeat(data):
        return Rewrite(
            expr=new_call,
            summary=summary,
            note=f"`{param}` may be an empty list: the ORM returned an empty result, "
            "MilvusClient raises; not guarded because a guard would evaluate the expression "
            f"twice (assign it to a name, then `... if {param} else []`)",
        )
    parent = model.parent(env.original) if model is not None and env.original else None
    return Rewrite(
        expr=guarded(new_call, data, kind, parent),
        summary=summary + f", guarded for an empty `{param}` list (the ORM's empty result)",
    )


def _only_spread(call: cst.Call) -> bool:
    return len(call.args) == 1 and call.args[0].star == "**"


def _async_requested(bound: Bound) -> bool:
    for arg in bound.extra:
        if arg.keyword is not None and arg.keyword.value == "_async":
            return not (isinstance(arg.value, cst.Name) and arg.value.value == "False")
    return False


_SEARCH_PARAMS = [
    "data", "anns_field", "param", "limit", "expr", "partition_names", "output_fields",
    "timeout", "round_decimal", "ranker", "function_chains", "highlighter", "search_aggregation",
]  # fmt: skip
_SEARCH_MAP = [
    ("data", "data"), ("anns_field", "anns_field"), ("param", "search_params"),
    ("limit", "limit"), ("expr", "filter"), ("partition_names", "partition_names"),
    ("output_fields", "output_fields"), ("timeout", "timeout"),
    ("round_decimal", "round_decimal"), ("ranker", "ranker"),
    ("function_chains", "function_chains"), ("highlighter", "highlighter"),
    ("search_aggregation", "search_aggregation"),
]  # fmt: skip
_HYBRID_PARAMS = [
    "reqs", "rerank", "limit", "partition_names", "output_fields", "timeout", "round_decimal",
    "ranker",
]  # fmt: skip
_HYBRID_MAP = [
    ("reqs", "reqs"), ("rerank", "ranker"), ("ranker", "ranker"), ("limit", "limit"),
    ("partition_names", "partition_names"), ("output_fields", "output_fields"),
    ("timeout", "timeout"), ("round_decimal", "round_decimal"),
]  # fmt: skip
_QUERY_PARAMS = ["expr", "output_fields", "partition_names", "timeout"]
_QUERY_MAP = [
    ("expr", "filter"), ("output_fields", "output_fields"),
    ("partition_names", "partition_names"), ("timeout", "timeout"),
]  # fmt: skip
_QIT_PARAMS = ["batch_size", "limit", "expr", "output_fields", "partition_names", "timeout"]
_QIT_MAP = [
    ("batch_size", "batch_size"), ("limit", "limit"), ("expr", "filter"),
    ("output_fields", "output_fields"), ("partition_names", "partition_names"),
    ("timeout", "timeout"),
]  # fmt: skip
_SIT_PARAMS = [
    "data", "anns_field", "param", "batch_size", "limit", "expr", "partition_names",
    "output_fields", "timeout", "round_decimal",
]  # fmt: skip
_SIT_MAP = [
    ("data", "data"), ("anns_field", "anns_field"), ("param", "search_params"),
    ("batch_size", "batch_size"), ("limit", "limit"), ("expr", "filter"),
    ("partition_names", "partition_names"), ("output_fields", "output_fields"),
    ("timeout", "timeout"), ("round_decimal", "round_decimal"),
]  # fmt: skip

_ORM_PARAMS = {"data": _SEARCH_PARAMS, "reqs": _HYBRID_PARAMS}

METHODS = {
    "search": MethodRule(
        SEARCH.code, _convert("search", _SEARCH_PARAMS, _SEARCH_MAP, ("data", "limit"))
    ),
    "hybrid_search": MethodRule(
        SEARCH.code, _convert("hybrid_search", _HYBRID_PARAMS, _HYBRID_MAP, ("reqs", "limit"))
    ),
    "query": MethodRule(QUERY.code, _convert("query", _QUERY_PARAMS, _QUERY_MAP, ("expr",))),
    "query_iterator": MethodRule(ITERATORS.code, _convert("query_iterator", _QIT_PARAMS, _QIT_MAP)),
    "search_iterator": MethodRule(
        ITERATORS.code, _convert("search_iterator", _SIT_PARAMS, _SIT_MAP, ("data",))
    ),
}


class SearchCalls(CollectionCallCodemod):
    rules = (SEARCH, QUERY, ITERATORS)
    methods = METHODS
