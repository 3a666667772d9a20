"""MM150: partition methods on a Collection become client partition calls.

`create_partition(p, description)` -> `client.create_partition(collection_name=..., partition_name=p)`
(the ORM never sent the description to the server; a positional one would land in
`timeout`). `Partition(...)` objects and `col.partition(p)` / `col.partitions` are reported.
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis import MethodRule
from codemods.base import Applicability, RuleInfo
from codemods.collection_calls import CollectionCallCodemod
from codemods.rewrite import Env, Refuse, Rewrite, bind, client_call, copy_args, kwarg

PARTITIONS = RuleInfo(
    code="MM150",
    title="create/has/drop_partition -> client partition methods",
    description=(
        "`create_partition(p)`, `has_partition(p)` and `drop_partition(p)` become the client "
        "methods with `collection_name=` and `partition_name=` keywords. The ORM-only "
        "partition description (never stored on the server) is dropped. `Partition` objects "
        "are reported."
    ),
    applicability=Applicability.SAFE,
    before='col.create_partition("2024", "this year")\n',
    after='client.create_partition(collection_name=col, partition_name="2024")\n',
)


def _convert(method: str, params: list[str]):
    def convert(call: cst.Call, env: Env) -> Rewrite | Refuse:
        bound = bind(call, params)
        if isinstance(bound, Refuse):
            return bound
        if bound.value("partition_name") is None:
            return Refuse(f"{method}() without a partition name")
        if method == "create_partition" and not env.statement:
            return Refuse("the Partition object returned by create_partition() is used")
        extra = [
            a
            for a in bound.extra
            if not (a.keyword is not None and a.keyword.value == "description")
        ]
        args = [
            kwarg("collection_name", env.name),
            *copy_args(bound, [("partition_name", "partition_name"), ("timeout", "timeout")]),
            *extra,
        ]
        return Rewrite(
            expr=client_call(env.client, method, args, call),
            summary=f"{method}() -> {env.client}.{method}()",
        )

    return convert


METHODS = {
    "create_partition": MethodRule(
        PARTITIONS.code, _convert("create_partition", ["partition_name", "description"])
    ),
    "has_partition": MethodRule(
        PARTITIONS.code, _convert("has_partition", ["partition_name", "timeout"])
    ),
    "drop_partition": MethodRule(
        PARTITIONS.code, _convert("drop_partition", ["partition_name", "timeout"])
    ),
}


class PartitionCalls(CollectionCallCodemod):
    rules = (PARTITIONS,)
    methods = METHODS
