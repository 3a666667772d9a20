"""`utility.*` on MilvusClient, with the ORM's signatures (note the inconsistent positions
of `using` and `timeout`, kept on purpose) and return shapes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import pymilvus
from pymilvus.client.types import LoadState
from pymilvus.exceptions import MilvusException

from compat_shim import _below
from compat_shim._warn import shimmed
from compat_shim.connections import DEFAULT_ALIAS, client_for

# Pure timestamp helpers are not deprecated and not connection-bound: pymilvus keeps them at
# top level (captured now, before install() can replace anything).
mkts_from_hybridts = pymilvus.mkts_from_hybridts
mkts_from_unixtime = pymilvus.mkts_from_unixtime
mkts_from_datetime = pymilvus.mkts_from_datetime
hybridts_to_unixtime = pymilvus.hybridts_to_unixtime


def hybridts_to_datetime(hybridts: int, tz: timezone | None = None) -> datetime:
    if tz is not None and not isinstance(tz, timezone):
        raise MilvusException(message="parameter tz should be type of datetime.timezone")
    return datetime.fromtimestamp(hybridts_to_unixtime(hybridts), tz=tz)


def _unsupported(api: str, way_out: str) -> NotImplementedError:
    return NotImplementedError(f"{api} has no MilvusClient equivalent in compat_shim: {way_out}")


@shimmed("utility.loading_progress")
def loading_progress(
    collection_name: str,
    partition_names: list | None = None,
    using: str = DEFAULT_ALIAS,
    timeout: float | None = None,
) -> dict:
    client = client_for(using)
    progress = _below.loading_progress(client, collection_name, partition_names, timeout)
    return {"loading_progress": f"{progress:.0f}%"}


@shimmed("utility.load_state")
def load_state(
    collection_name: str,
    partition_names: list | None = None,
    using: str = DEFAULT_ALIAS,
    timeout: float | None = None,
) -> LoadState:
    return _below.load_state(client_for(using), collection_name, partition_names, timeout)


@shimmed("utility.wait_for_loading_complete")
def wait_for_loading_complete(
    collection_name: str,
    partition_names: list | None = None,
    timeout: float | None = None,
    using: str = DEFAULT_ALIAS,
) -> None:
    _below.wait_for_loading(client_for(using), collection_name, partition_names, timeout)


@shimmed("utility.index_building_progress")
def index_building_progress(
    collection_name: str,
    index_name: str = "",
    using: str = DEFAULT_ALIAS,
    timeout: float | None = None,
) -> dict:
    return _below.index_build_progress(client_for(using), collection_name, index_name, timeout)


@shimmed("utility.wait_for_index_building_complete")
def wait_for_index_building_complete(
    collection_name: str,
    index_name: str = "",
    timeout: float | None = None,
    using: str = DEFAULT_ALIAS,
) -> bool:
    return _below.wait_for_index(client_for(using), collection_name, index_name, timeout)


@shimmed("utility.has_collection")
def has_collection(
    collection_name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None
) -> bool:
    return client_for(using).has_collection(collection_name, timeout=timeout)


@shimmed("utility.has_partition")
def has_partition(
    collection_name: str,
    partition_name: str,
    using: str = DEFAULT_ALIAS,
    timeout: float | None = None,
) -> bool:
    return client_for(using).has_partition(collection_name, partition_name, timeout=timeout)


@shimmed("utility.drop_collection")
def drop_collection(
    collection_name: str, timeout: float | None = None, using: str = DEFAULT_ALIAS
) -> None:
    client_for(using).drop_collection(collection_name, timeout=timeout)


@shimmed("utility.truncate_collection")
def truncate_collection(
    collection_name: str, timeout: float | None = None, using: str = DEFAULT_ALIAS
) -> None:
    client_for(using).truncate_collection(collection_name, timeout=timeout)


@shimmed("utility.rename_collection")
def rename_collection(
    old_collection_name: str,
    new_collection_name: str,
    new_db_name: str = "",
    timeout: float | None = None,
    using: str = DEFAULT_ALIAS,
) -> None:
    client_for(using).rename_collection(
        old_name=old_collection_name,
        new_name=new_collection_name,
        target_db=new_db_name,
        timeout=timeout,
    )


@shimmed("utility.list_collections")
def list_collections(
    timeout: float | None = None, using: str = DEFAULT_ALIAS, **kwargs: Any
) -> list:
    return client_for(using).list_collections(timeout=timeout, **kwargs)


@shimmed("utility.load_balance")
def load_balance(
    collection_name: str,
    src_node_id: int,
    dst_node_ids: list | None = None,
    sealed_segment_ids: list | None = None,
    timeout: float | None = None,
    using: str = DEFAULT_ALIAS,
) -> None:
    raise _unsupported(
        "utility.load_balance",
        "use resource groups (MilvusClient.transfer_replica / "
        "update_resource_groups) or the Milvus admin tools",
    )


@shimmed("utility.get_query_segment_info")
def get_query_segment_info(
    collection_name: str, timeout: float | None = None, using: str = DEFAULT_ALIAS
) -> list:
    return client_for(using).list_loaded_segments(collection_name, timeout=timeout)


@shimmed("utility.create_alias")
def create_alias(
    collection_name: str, alias: str, timeout: float | None = None, using: str = DEFAULT_ALIAS
) -> None:
    client_for(using).create_alias(collection_name, alias, timeout=timeout)


@shimmed("utility.drop_alias")
def drop_alias(alias: str, timeout: float | None = None, using: str = DEFAULT_ALIAS) -> None:
    client_for(using).drop_alias(alias, timeout=timeout)


@shimmed("utility.alter_alias")
def alter_alias(
    collection_name: str, alias: str, timeout: float | None = None, using: str = DEFAULT_ALIAS
) -> None:
    client_for(using).alter_alias(collection_name, alias, timeout=timeout)


@shimmed("utility.list_aliases")
def list_aliases(
    collection_name: str, timeout: float | None = None, using: str = DEFAULT_ALIAS
) -> list:
    return list(client_for(using).list_aliases(collection_name, timeout=timeout)["aliases"])


_BULK = (
    "use pymilvus.bulk_writer.bulk_import / get_import_progress / list_import_jobs "
    "(REST) against your server's HTTP endpoint"
)


@shimmed("utility.do_bulk_insert")
def do_bulk_insert(
    collection_name: str,
    files: list,
    partition_name: str | None = None,
    timeout: float | None = None,
    using: str = DEFAULT_ALIAS,
    **kwargs: Any,
) -> int:
    raise _unsupported("utility.do_bulk_insert", _BULK)


@shimmed("utility.get_bulk_insert_state")
def get_bulk_insert_state(
    task_id: int, timeout: float | None = None, using: str = DEFAULT_ALIAS, **kwargs: Any
) -> Any:
    raise _unsupported("utility.get_bulk_insert_state", _BULK)


@shimmed("utility.list_bulk_insert_tasks")
def list_bulk_insert_tasks(
    limit: int = 0,
    collection_name: str | None = None,
    timeout: float | None = None,
    using: str = DEFAULT_ALIAS,
    **kwargs: Any,
) -> list:
    raise _unsupported("utility.list_bulk_insert_tasks", _BULK)


@shimmed("utility.reset_password")
def reset_password(
    user: str,
    old_password: str,
    new_password: str,
    using: str = DEFAULT_ALIAS,
    timeout: float | None = None,
) -> None:
    client_for(using).update_password(
        user, old_password, new_password, reset_connection=True, timeout=timeout
    )


@shimmed("utility.create_user")
def create_user(
    user: str, password: str, using: str = DEFAULT_ALIAS, timeout: float | None = None
) -> None:
    client_for(using).create_user(user_name=user, password=password, timeout=timeout)


@shimmed("utility.update_password")
def update_password(
    user: str,
    old_password: str,
    new_password: str,
    using: str = DEFAULT_ALIAS,
    timeout: float | None = None,
) -> None:
    client_for(using).update_password(user, old_password, new_password, timeout=timeout)


@shimmed("utility.delete_user")
def delete_user(user: str, using: str = DEFAULT_ALIAS, timeout: float | None = None) -> None:
    client_for(using).drop_user(user_name=user, timeout=timeout)


@shimmed("utility.list_usernames")
def list_usernames(using: str = DEFAULT_ALIAS, timeout: float | None = None) -> list:
    return client_for(using).list_users(timeout=timeout)


@shimmed("utility.list_roles")
def list_roles(
    include_user_info: bool, using: str = DEFAULT_ALIAS, timeout: float | None = None
) -> Any:
    if include_user_info:
        raise _unsupported(
            "utility.list_roles(include_user_info=True)",
            "call MilvusClient.list_roles() and MilvusClient.describe_user(u) "
            "for each user of MilvusClient.list_users()",
        )
    return client_for(using).list_roles(timeout=timeout)


@shimmed("utility.list_user")
def list_user(
    username: str, include_role_info: bool, using: str = DEFAULT_ALIAS, timeout: float | None = None
) -> dict:
    return client_for(using).describe_user(username, timeout=timeout)


@shimmed("utility.list_users")
def list_users(
    include_role_info: bool, using: str = DEFAULT_ALIAS, timeout: float | None = None
) -> list:
    client = client_for(using)
    return [client.describe_user(u, timeout=timeout) for u in client.list_users(timeout=timeout)]


@shimmed("utility.get_server_version")
def get_server_version(using: str = DEFAULT_ALIAS, timeout: float | None = None) -> str:
    return client_for(using).get_server_version(timeout=timeout)


@shimmed("utility.create_resource_group")
def create_resource_group(
    name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None, **kwargs: Any
) -> None:
    client_for(using).create_resource_group(name, timeout=timeout, **kwargs)


@shimmed("utility.update_resource_groups")
def update_resource_groups(
    configs: Mapping, using: str = DEFAULT_ALIAS, timeout: float | None = None
) -> None:
    client_for(using).update_resource_groups(configs, timeout=timeout)


@shimmed("utility.drop_resource_group")
def drop_resource_group(
    name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None
) -> None:
    client_for(using).drop_resource_group(name, timeout=timeout)


@shimmed("utility.describe_resource_group")
def describe_resource_group(
    name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None
) -> Any:
    return client_for(using).describe_resource_group(name, timeout=timeout)


@shimmed("utility.list_resource_groups")
def list_resource_groups(using: str = DEFAULT_ALIAS, timeout: float | None = None) -> list:
    return client_for(using).list_resource_groups(timeout=timeout)


@shimmed("utility.transfer_node")
def transfer_node(
    source_group: str,
    target_group: str,
    num_nodes: int,
    using: str = DEFAULT_ALIAS,
    timeout: float | None = None,
) -> None:
    raise _unsupported(
        "utility.transfer_node", "use MilvusClient.update_resource_groups() to move query nodes"
    )


@shimmed("utility.transfer_replica")
def transfer_replica(
    source_group: str,
    target_group: str,
    collection_name: str,
    num_replicas: int,
    using: str = DEFAULT_ALIAS,
    timeout: float | None = None,
) -> None:
    client_for(using).transfer_replica(
        source_group, target_group, collection_name, num_replicas, timeout=timeout
    )


@shimmed("utility.flush_all")
def flush_all(using: str = DEFAULT_ALIAS, timeout: float | None = None, **kwargs: Any) -> None:
    client_for(using).flush_all(timeout=timeout, **kwargs)


@shimmed("utility.get_server_type")
def get_server_type(using: str = DEFAULT_ALIAS) -> str:
    return client_for(using).get_server_type()


@shimmed("utility.list_indexes")
def list_indexes(
    collection_name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None, **kwargs: Any
) -> list:
    field_name = kwargs.get("field_name")
    client = client_for(using)
    if field_name is None:
        return client.list_indexes(collection_name, timeout=timeout)
    return client.list_indexes(collection_name, field_name=field_name, timeout=timeout)
