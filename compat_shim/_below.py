"""The few places where the shim reaches below MilvusClient's public methods.

Each one exists because the public call would behave differently from the ORM or cost more
RPCs; each goes through MilvusClient's own connection handler (never the ORM's registry) and
falls back to the public API (`_public`) when that handler is not there.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from pymilvus import MilvusClient

from compat_shim import _public
from compat_shim._mutation_call import Mutation

_quiet = threading.local()


class _QuietExpectedMiss(logging.Filter):
    """Drop pymilvus's ERROR log for a describe_collection the shim expects to miss
    (Collection(name, schema) on a new collection), only on the thread that asked."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(_quiet, "on", False)


_filter_installed = False
_filter_lock = threading.Lock()


def quiet_expected_miss() -> Any:
    """Context manager: silence pymilvus's RPC-error log on this thread for one call."""
    global _filter_installed
    with _filter_lock:
        if not _filter_installed:
            logging.getLogger("pymilvus.decorators").addFilter(_QuietExpectedMiss())
            _filter_installed = True

    class _Ctx:
        def __enter__(self) -> None:
            _quiet.on = True

        def __exit__(self, *exc: object) -> None:
            _quiet.on = False

    return _Ctx()


def _handler_and_context(client: MilvusClient) -> tuple[Any, Any] | None:
    handler_of = getattr(client, "_get_connection", None)
    context_of = getattr(client, "_generate_call_context", None)
    if handler_of is None or context_of is None:
        return None
    return handler_of(), context_of()


def _on_handler(public: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the decorated call on MilvusClient's handler and call context.

    The decorated function takes `(handler, context, *args)`; callers pass `(client, *args)`.
    When the handler is not reachable, `public(client, *args)` answers instead.
    """

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def call(client: MilvusClient, *args: Any, **kwargs: Any) -> Any:
            below = _handler_and_context(client)
            if below is None:
                return public(client, *args, **kwargs)
            handler, context = below
            return func(handler, context, *args, **kwargs)

        return call

    return wrap


def drop_index_by_field(
    client: MilvusClient, name: str, field_name: str, index_name: str, timeout: float | None
) -> None:
    """DropIndex naming the field too, as the ORM sends it.

    MilvusClient.drop_index always sends field_name="", which milvus-lite reads as "every
    index of the collection" (verified: it dropped both indexes of a two-index collection).
    """
    below = _handler_and_context(client)
    if field_name and below is not None:
        handler, context = below
        handler.drop_index(name, field_name, index_name, timeout=timeout, context=context)
        return
    client.drop_index(name, index_name, timeout=timeout)


@_on_handler(_public.index_descriptions)
def index_descriptions(handler: Any, context: Any, name: str) -> list[tuple[str, str, dict]]:
    """(field_name, index_name, ORM-style params) of every index in one DescribeIndex RPC,
    as the ORM's `Collection.indexes` does; the public route costs 1 + one per index."""
    out = []
    for index in handler.list_indexes(name, context=context) or []:
        if index is None:
            continue
        info = {kv.key: kv.value for kv in index.params}
        if info.get("params"):
            info["params"] = json.loads(info["params"])
        out.append((index.field_name, index.index_name, info))
    return out


@_on_handler(_public.seed_schema_cache)
def seed_schema_cache(handler: Any, context: Any, name: str, desc: dict) -> None:
    """Hand the description the handle just fetched to pymilvus's own schema cache.

    MilvusClient's row insert describes the collection on first use; the ORM's column insert
    does not (it passes its cached schema). Seeding pymilvus's cache with the description the
    handle already has keeps every insert form at the ORM's RPC count or below. pymilvus
    invalidates the entry itself on DDL and on schema-mismatch retries.
    """
    if desc.get("struct_array_fields") or any(
        f.get("type") is not None and getattr(f.get("type"), "name", "") == "STRUCT"
        for f in desc.get("fields", [])
    ):
        return  # MilvusClient reshapes struct fields; let pymilvus fetch its own form
    try:
        from pymilvus.client.cache import GlobalCache

        db_name = context.get_db_name() if context is not None else ""
        if GlobalCache.schema.get(handler.server_address, db_name, name) is None:
            GlobalCache.schema.set(handler.server_address, db_name, name, desc)
    except Exception:  # noqa: BLE001 - an optimisation only; pymilvus fetches on a miss
        return


def mutate(client: MilvusClient, m: Mutation) -> Any:
    """The mutation through MilvusClient's handler, keeping the full mutation result.

    MilvusClient.insert/upsert/delete make exactly these handler calls and then reduce the
    result to a dict, dropping what the ORM's MutationResult shows: the timestamp, the
    success/error indexes, and (on a real server) the insert/delete counts of an upsert.
    """
    below = _handler_and_context(client)
    # The public call answers an empty insert without an RPC.
    if below is None or (m.op != "delete" and isinstance(m.payload, list) and not m.payload):
        return _public.mutate(client, m)
    handler, _ = below
    context = client._generate_call_context(**m.kwargs)
    if m.op == "delete":
        return handler.delete(
            m.collection,
            m.payload,
            m.partition_name,
            timeout=m.timeout,
            context=context,
            **m.kwargs,
        )
    call = handler.insert_rows if m.op == "insert" else handler.upsert_rows
    return call(
        m.collection,
        m.payload,
        partition_name=m.partition_name or "",
        timeout=m.timeout,
        context=context,
        **m.kwargs,
    )


@_on_handler(_public.loading_progress)
def loading_progress(
    handler: Any, context: Any, name: str, partition_names: list | None, timeout: float | None
) -> float:
    """GetLoadingProgress, the RPC the ORM's utility.loading_progress makes: servers differ
    on a collection that is not loaded (real Milvus raises, milvus-lite reports 0), and only
    the same RPC reproduces both."""
    return handler.get_loading_progress(name, partition_names, timeout=timeout, context=context)


@_on_handler(_public.search_iterator)
def search_iterator_v1(
    handler: Any, context: Any, name: str, schema_dict: dict, **kwargs: Any
) -> Any:
    """The ORM's search iterator: pymilvus's V1 `SearchIterator` on MilvusClient's handler.

    MilvusClient.search_iterator first tries the V2 protocol; on servers without it (Milvus
    before 2.5, milvus-lite) that costs an extra failed Search and describe, and logs a
    warning the ORM never shows.
    """
    from pymilvus.client.iterator import SearchIterator

    rpc_options = kwargs.pop("rpc_options", {})
    return SearchIterator(
        handler=handler,
        context=context,
        collection_name=name,
        schema=schema_dict,
        rpc_options=rpc_options,
        **kwargs,
    )


@_on_handler(_public.wait_for_loading)
def wait_for_loading(
    handler: Any, context: Any, name: str, partition_names: list | None, timeout: float | None
) -> None:
    """The ORM's wait (GetLoadingProgress polling) on MilvusClient's handler."""
    if partition_names:
        handler.wait_for_loading_partitions(name, partition_names, timeout=timeout, context=context)
    else:
        handler.wait_for_loading_collection(name, timeout=timeout, context=context)


@_on_handler(_public.wait_for_index)
def wait_for_index(
    handler: Any, context: Any, name: str, index_name: str, timeout: float | None
) -> bool:
    """The ORM's index-build wait on MilvusClient's handler."""
    return handler.wait_for_creating_index(name, index_name, timeout=timeout, context=context)[0]


@_on_handler(_public.index_build_progress)
def index_build_progress(
    handler: Any, context: Any, name: str, index_name: str, timeout: float | None
) -> dict:
    """The ORM's index_building_progress RPC and answer."""
    return handler.get_index_build_progress(
        collection_name=name, index_name=index_name, timeout=timeout, context=context
    )


@_on_handler(_public.load_state)
def load_state(
    handler: Any, context: Any, name: str, partition_names: list | None, timeout: float | None
) -> Any:
    """GetLoadState for a collection or several partitions in one RPC, as the ORM asks
    (MilvusClient.get_load_state takes one partition)."""
    return handler.get_load_state(name, partition_names, timeout=timeout, context=context)
