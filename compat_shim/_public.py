"""MilvusClient's public route for each handler-level call in `_below`.

`_below` answers through MilvusClient's own connection handler, the way the ORM does. When that
handler is not reachable, each of its calls falls back to the function of the same name here,
built on MilvusClient's public methods only.
"""

from __future__ import annotations

import time
from typing import Any

from pymilvus import MilvusClient
from pymilvus.client.types import LoadState
from pymilvus.exceptions import MilvusException

from compat_shim._index_params import orm_index_params
from compat_shim._mutation_call import Mutation


def mutate(client: MilvusClient, m: Mutation) -> Any:
    """MilvusClient.insert/upsert/delete."""
    if m.op == "delete":
        return client.delete(
            m.collection,
            filter=m.payload,
            partition_name=m.partition_name,
            timeout=m.timeout,
            **m.kwargs,
        )
    call = client.insert if m.op == "insert" else client.upsert
    return call(
        m.collection,
        data=m.payload,
        timeout=m.timeout,
        partition_name=m.partition_name or "",
        **m.kwargs,
    )


def index_descriptions(client: MilvusClient, name: str) -> list[tuple[str, str, dict]]:
    """One DescribeIndex per index after ListIndexes."""
    out = []
    for index_name in client.list_indexes(name):
        desc = client.describe_index(name, index_name) or {}
        field_name = desc.get("field_name", "")
        out.append((field_name, desc.get("index_name", index_name), orm_index_params(desc)))
    return out


def seed_schema_cache(client: MilvusClient, name: str, desc: dict) -> None:
    """Nothing to seed: MilvusClient describes the collection itself when it needs to."""


def search_iterator(client: MilvusClient, name: str, schema_dict: dict, **kwargs: Any) -> Any:
    """MilvusClient.search_iterator with the V1 iterator's arguments renamed."""
    return client.search_iterator(
        name,
        data=kwargs["data"],
        batch_size=kwargs["batch_size"],
        filter=kwargs["expr"] or "",
        limit=kwargs["limit"],
        output_fields=kwargs["output_fields"],
        search_params=kwargs["param"],
        timeout=kwargs["timeout"],
        partition_names=kwargs["partition_names"],
        anns_field=kwargs["ann_field"],
        round_decimal=kwargs["round_decimal"],
        **kwargs["rpc_options"],
    )


def _load_state_of(
    client: MilvusClient, name: str, partition_names: list | None, timeout: float | None
) -> dict:
    """MilvusClient.get_load_state takes one partition: ask each, keep the least loaded."""
    if partition_names:
        if len(partition_names) > 1:
            states = [
                client.get_load_state(name, partition_name=p, timeout=timeout)
                for p in partition_names
            ]
            return min(
                states, key=lambda s: s["state"].value if s["state"] != LoadState.Loaded else 99
            )
        return client.get_load_state(name, partition_name=partition_names[0], timeout=timeout)
    return client.get_load_state(name, timeout=timeout)


def load_state(
    client: MilvusClient, name: str, partition_names: list | None, timeout: float | None
) -> LoadState:
    return _load_state_of(client, name, partition_names, timeout)["state"]


def loading_progress(
    client: MilvusClient, name: str, partition_names: list | None, timeout: float | None
) -> float:
    """The percentage the load state implies (a missing collection raises, as on a server)."""
    state = _load_state_of(client, name, partition_names, timeout)
    state_name = state["state"].name
    if state_name == "Loaded":
        return 100.0
    if state_name == "Loading":
        return float(state.get("progress", 0))
    if state_name == "NotExist":
        raise MilvusException(code=100, message=f"collection not found[collection={name}]")
    return 0.0


def wait_for_loading(
    client: MilvusClient, name: str, partition_names: list | None, timeout: float | None
) -> None:
    """Poll the load state until loaded; fail on a collection that is not loading."""
    start = time.monotonic()
    while True:
        state = _load_state_of(client, name, partition_names, timeout)["state"]
        if state == LoadState.Loaded:
            return
        if state in (LoadState.NotExist, LoadState.NotLoad):
            raise MilvusException(message=f"collection {name} is not loading ({state})")
        if timeout is not None and time.monotonic() - start > timeout:
            raise MilvusException(
                message=f"wait for loading collection timeout, collection: {name}"
            )
        time.sleep(0.2)


def _one_index(client: MilvusClient, name: str, index_name: str, timeout: float | None) -> dict:
    """The named index, or the collection's first one for the ORM's default name ""."""
    if index_name == "":
        names = client.list_indexes(name)
        if not names:
            raise MilvusException(code=700, message=f"index not found[collection={name}]")
        index_name = names[0]
    desc = client.describe_index(name, index_name, timeout=timeout)
    if desc is None:
        raise MilvusException(code=700, message=f"index not found[collection={name}]")
    return desc


def index_build_progress(
    client: MilvusClient, name: str, index_name: str, timeout: float | None
) -> dict:
    desc = _one_index(client, name, index_name, timeout)
    return {
        k: desc[k]
        for k in ("total_rows", "indexed_rows", "pending_index_rows", "state")
        if k in desc
    }


def wait_for_index(client: MilvusClient, name: str, index_name: str, timeout: float | None) -> bool:
    """Poll describe_index until the build finished; a failed build raises its reason."""
    start = time.monotonic()
    while True:
        desc = _one_index(client, name, index_name, timeout)
        state = desc.get("state")
        if state == "Finished":
            return True
        if state == "Failed":
            raise MilvusException(message=desc.get("index_state_fail_reason", "index build failed"))
        if timeout is not None and time.monotonic() - start > timeout:
            raise MilvusException(message=f"wait for index building timeout, collection: {name}")
        time.sleep(0.5)
