"""One mutation call as the shim hands it down to MilvusClient (see `_below.mutate`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Mutation:
    """An insert or upsert (payload: rows) or a delete (payload: the filter expression)."""

    op: str  # "insert" | "upsert" | "delete"
    collection: str
    payload: Any
    partition_name: str | None
    timeout: float | None
    kwargs: dict
