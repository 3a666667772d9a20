"""The ORM's `Index.params` view of a `describe_index` answer: the index's own settings,
without the build state and the names that `Index` keeps in attributes of its own."""

from __future__ import annotations

_NOT_PARAMS = frozenset(
    {
        "field_name",
        "index_name",
        "total_rows",
        "indexed_rows",
        "pending_index_rows",
        "state",
        "index_state_fail_reason",
    }
)


def orm_index_params(desc: dict) -> dict:
    """`desc` (a MilvusClient.describe_index dict) minus what is not an index parameter."""
    return {k: v for k, v in desc.items() if k not in _NOT_PARAMS}
