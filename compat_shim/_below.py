"""The few places where the shim reaches below MilvusClient's public methods.

Each one exists because the public call would behave differently from the ORM or cost more
RPCs; each goes through MilvusClient's own connection handler (never the ORM's registry) and
falls back to the public API when that handler is not there.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from pymilvus import MilvusClient

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


def index_descriptions(client: MilvusClient, name: str) -> list[tuple[str, str, dict]]:
    """(field_name, index_name, ORM-style params) of every index in one DescribeIndex RPC,
    as the ORM's `Collection.indexes` does; the public route costs 1 + one per index."""
    below = _handler_and_context(client)
    if below is not None:
        handler, context = below
        out = []
        for index in handler.list_indexes(name, context=context) or []:
            if index is None:
                continue
            info = {kv.key: kv.value for kv in index.params}
            if info.get("params"):
                info["params"] = json.loads(info["params"])
            out.append((index.field_name, index.index_name, info))
        return out
    out = []
    for index_name in client.list_indexes(name):
        desc = client.describe_index(name, index_name) or {}
        info = {
            k: v
            for k, v in desc.items()
            if k
            not in (
                "field_name",
                "index_name",
                "total_rows",
                "indexed_rows",
                "pending_index_rows",
                "state",
                "index_state_fail_reason",
            )
        }
        out.append((desc.get("field_name", ""), desc.get("index_name", index_name), info))
    return out


def seed_schema_cache(client: MilvusClient, name: str, desc: dict) -> None:
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
    below = _handler_and_context(client)
    if below is None:
        return
    handler, context = below
    try:
        from pymilvus.client.cache import GlobalCache

        db_name = context.get_db_name() if context is not None else ""
        if GlobalCache.schema.get(handler.server_address, db_name, name) is None:
            GlobalCache.schema.set(handler.server_address, db_name, name, desc)
    except Exception:  # noqa: BLE001 - an optimisation only; pymilvus fetches on a miss
        return


def mutate(
    client: MilvusClient,
    op: str,
    name: str,
    payload: Any,
    partition_name: str | None,
    timeout: float | None,
    kwargs: dict,
) -> Any:
    """Insert/upsert/delete through MilvusClient's handler, keeping the full mutation result.

    MilvusClient.insert/upsert/delete make exactly these handler calls and then reduce the
    result to a dict, dropping what the ORM's MutationResult shows: the timestamp, the
    success/error indexes, and (on a real server) the insert/delete counts of an upsert.
    Returns None when the handler is not reachable; the caller then uses the public call.
    """
    below = _handler_and_context(client)
    if below is None:
        return None
    handler, _ = below
    context = client._generate_call_context(**kwargs)
    if op == "delete":
        return handler.delete(
            name, payload, partition_name, timeout=timeout, context=context, **kwargs
        )
    if isinstance(payload, list) and not payload:
        return None  # the public call answers an empty insert without an RPC
    call = handler.insert_rows if op == "insert" else handler.upsert_rows
    return call(
        name,
        payload,
        partition_name=partition_name or "",
        timeout=timeout,
        context=context,
        **kwargs,
    )


def loading_progress(
    client: MilvusClient, name: str, partition_names: list | None, timeout: float | None
) -> float | None:
    """GetLoadingProgress, the RPC the ORM's utility.loading_progress makes: servers differ
    on a collection that is not loaded (real Milvus raises, milvus-lite reports 0), and only
    the same RPC reproduces both. None when the handler is not reachable."""
    below = _handler_and_context(client)
    if below is None:
        return None
    handler, context = below
    return handler.get_loading_progress(name, partition_names, timeout=timeout, context=context)


def search_iterator_v1(client: MilvusClient, name: str, schema_dict: dict, **kwargs: Any) -> Any:
    """The ORM's search iterator: pymilvus's V1 `SearchIterator` on MilvusClient's handler.

    MilvusClient.search_iterator first tries the V2 protocol; on servers without it (Milvus
    before 2.5, milvus-lite) that costs an extra failed Search and describe, and logs a
    warning the ORM never shows. None when the handler is not reachable.
    """
    below = _handler_and_context(client)
    if below is None:
        return None
    from pymilvus.client.iterator import SearchIterator

    handler, context = below
    rpc_options = kwargs.pop("rpc_options", {})
    return SearchIterator(
        handler=handler,
        context=context,
        collection_name=name,
        schema=schema_dict,
        rpc_options=rpc_options,
        **kwargs,
    )


def wait_for_loading(
    client: MilvusClient, name: str, partition_names: list | None, timeout: float | None
) -> bool:
    """The ORM's wait (GetLoadingProgress polling) on MilvusClient's handler; False when the
    handler is not reachable (the caller polls the public load state instead)."""
    below = _handler_and_context(client)
    if below is None:
        return False
    handler, context = below
    if partition_names:
        handler.wait_for_loading_partitions(name, partition_names, timeout=timeout, context=context)
    else:
        handler.wait_for_loading_collection(name, timeout=timeout, context=context)
    return True


def wait_for_index(
    client: MilvusClient, name: str, index_name: str, timeout: float | None
) -> bool | None:
    """The ORM's index-build wait on MilvusClient's handler (None: not reachable)."""
    below = _handler_and_context(client)
    if below is None:
        return None
    handler, context = below
    return handler.wait_for_creating_index(name, index_name, timeout=timeout, context=context)[0]


def index_build_progress(
    client: MilvusClient, name: str, index_name: str, timeout: float | None
) -> dict | None:
    """The ORM's index_building_progress RPC and answer (None: not reachable)."""
    below = _handler_and_context(client)
    if below is None:
        return None
    handler, context = below
    return handler.get_index_build_progress(
        collection_name=name, index_name=index_name, timeout=timeout, context=context
    )


def load_state(
    client: MilvusClient, name: str, partition_names: list | None, timeout: float | None
) -> Any:
    """GetLoadState for a collection or several partitions in one RPC, as the ORM asks
    (MilvusClient.get_load_state takes one partition). None when not reachable."""
    below = _handler_and_context(client)
    if below is None:
        return None
    handler, context = below
    return handler.get_load_state(name, partition_names, timeout=timeout, context=context)
