"""compat_shim: pymilvus's ORM API (connections, Collection, Partition, Index, utility, db,
Role) rebuilt on MilvusClient, for code that has not been migrated yet.

Two ways in: `from compat_shim import connections, Collection, utility` (what
`milvus-migrate --shim` writes), or `compat_shim.install()` so that unmodified
`from pymilvus import Collection` code is served by the shim.
"""

from __future__ import annotations

from pymilvus import (
    AnnSearchRequest,
    CollectionSchema,
    DataType,
    FieldSchema,
    Function,
    FunctionType,
    Hit,
    Hits,
    MilvusClient,
    MilvusException,
    RRFRanker,
    SearchResult,
    Status,
    StructFieldSchema,
    WeightedRanker,
    exceptions,
)

from compat_shim import db, utility
from compat_shim._install import install, is_installed, uninstall
from compat_shim._warn import ShimUsageWarning
from compat_shim.collection import Collection
from compat_shim.connections import Connections, connections
from compat_shim.future import MutationFuture, SearchFuture
from compat_shim.index import Index
from compat_shim.mutation import MutationResult
from compat_shim.partition import Partition
from compat_shim.role import Role
from compat_shim.utility import (
    create_resource_group,
    create_user,
    delete_user,
    describe_resource_group,
    drop_collection,
    drop_resource_group,
    has_collection,
    has_partition,
    hybridts_to_datetime,
    hybridts_to_unixtime,
    index_building_progress,
    list_collections,
    list_resource_groups,
    list_usernames,
    loading_progress,
    mkts_from_datetime,
    mkts_from_hybridts,
    mkts_from_unixtime,
    reset_password,
    transfer_node,
    transfer_replica,
    update_password,
    update_resource_groups,
    wait_for_index_building_complete,
    wait_for_loading_complete,
)

__all__ = [
    "AnnSearchRequest",
    "Collection",
    "CollectionSchema",
    "Connections",
    "DataType",
    "FieldSchema",
    "Function",
    "FunctionType",
    "Hit",
    "Hits",
    "Index",
    "MilvusClient",
    "MilvusException",
    "MutationFuture",
    "MutationResult",
    "Partition",
    "RRFRanker",
    "Role",
    "SearchFuture",
    "SearchResult",
    "ShimUsageWarning",
    "Status",
    "StructFieldSchema",
    "WeightedRanker",
    "connections",
    "create_resource_group",
    "create_user",
    "db",
    "delete_user",
    "describe_resource_group",
    "drop_collection",
    "drop_resource_group",
    "exceptions",
    "has_collection",
    "has_partition",
    "hybridts_to_datetime",
    "hybridts_to_unixtime",
    "index_building_progress",
    "install",
    "is_installed",
    "list_collections",
    "list_resource_groups",
    "list_usernames",
    "loading_progress",
    "mkts_from_datetime",
    "mkts_from_hybridts",
    "mkts_from_unixtime",
    "reset_password",
    "transfer_node",
    "transfer_replica",
    "uninstall",
    "update_password",
    "update_resource_groups",
    "utility",
    "wait_for_index_building_complete",
    "wait_for_loading_complete",
]
