"""What the installed pymilvus's AsyncMilvusClient can await, found by introspection.

The async rewrite never assumes parity with MilvusClient: pymilvus 3.0.2, for example, has no
`search_iterator`, `query_iterator` or `list_loaded_segments` on AsyncMilvusClient, and some
members (`create_schema`, `prepare_index_params`) are plain functions on both classes.
"""

from __future__ import annotations

import enum
import inspect
from functools import lru_cache


class MethodKind(enum.Enum):
    AWAITABLE = "awaitable"  # a coroutine on AsyncMilvusClient: `await async_client.m(...)`
    PLAIN = "plain"  # not a coroutine on AsyncMilvusClient (local helpers): leave the sync call
    MISSING = "missing"  # MilvusClient has it, AsyncMilvusClient does not: stays blocking
    UNKNOWN = "unknown"  # not a public MilvusClient method at all: not ours to touch


def _public_members(cls: type) -> dict[str, object]:
    return {name: member for name, member in inspect.getmembers(cls) if not name.startswith("_")}


@lru_cache(maxsize=1)
def _tables() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    from pymilvus import AsyncMilvusClient, MilvusClient

    async_members = _public_members(AsyncMilvusClient)
    sync_methods = frozenset(n for n, m in _public_members(MilvusClient).items() if callable(m))
    awaitable = frozenset(n for n, m in async_members.items() if inspect.iscoroutinefunction(m))
    plain = frozenset(n for n, m in async_members.items() if callable(m)) - awaitable
    return sync_methods, awaitable, plain


def classify(method: str) -> MethodKind:
    """How a `MilvusClient.<method>` call maps onto the installed AsyncMilvusClient."""
    sync_methods, awaitable, plain = _tables()
    if method not in sync_methods:
        return MethodKind.UNKNOWN
    if method in awaitable:
        return MethodKind.AWAITABLE
    if method in plain:
        return MethodKind.PLAIN
    return MethodKind.MISSING


def missing_methods() -> frozenset[str]:
    """MilvusClient methods that the installed AsyncMilvusClient lacks."""
    sync_methods, awaitable, plain = _tables()
    return sync_methods - awaitable - plain
