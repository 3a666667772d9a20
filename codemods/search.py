"""MM140-MM142: search, hybrid_search, query and the iterators become MilvusClient calls.

Renames: `param` -> `search_params`, `expr` -> `filter`, `rerank` -> `ranker`,
`expr_params` -> `filter_params`. Always keyword arguments (the positional orders differ,
trap 1). A query without `output_fields` is rewritten and reported (trap 8).
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis import MethodRule
from codemods.base import Applicability, RuleInfo
from codemods.collection_calls import CollectionCallCodemod
from codemods.rewrite import Env, Refuse, Rewrite, bind, client_call, copy_args, kwarg, rename_extra

SEARCH = RuleInfo(
    code="MM140",
    title="Collection.search/hybrid_search -> client.search/hybrid_search",
    description=(
        "Keeps data, anns_field, limit, output_fields, partition_names, consistency_level and "
        "round_decimal; renames `param` to `search_params`, `expr` to `filter`, `rerank` to "
        "`ranker` and `expr_params` to `filter_params`. Emits keywords only: the positional "
        "orders differ."
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
        bound = bind(call, params)
        if isinstance(bound, Refuse):
            return bound
        for name in required:
            if name not in bound.named:
                return Refuse(f"{method}() without `{name}`")
        if method == "hybrid_search" and "rerank" in bound.named and "ranker" in bound.named:
            return Refuse("both `rerank` and `ranker` given")
        extra = rename_extra(bound.extra, _RENAMES)
        args = [kwarg("collection_name", env.name), *copy_args(bound, mapping), *extra]
        note = ""
        if method == "query" and "output_fields" not in bound.named:
            note = (
                "query() without output_fields: MilvusClient returns every field; the ORM on "
                "a Milvus server returned only the primary key"
            )
        return Rewrite(
            expr=client_call(env.client, method, args, call),
            summary=f"{method}() -> {env.client}.{method}(collection_name=..., ...)",
            note=note,
        )

    return convert


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
