"""Which pymilvus names belong to the deprecated ORM.

The single source of truth for "is this name an ORM thing?": the analysis pass, the
shim-import rewrite and the shim's own `install()` all read these tables.
"""

from __future__ import annotations

# Deprecated ORM objects that `pymilvus` re-exports at top level (pymilvus 3.0.2).
ORM_CLASSES: frozenset[str] = frozenset(
    {"Collection", "Partition", "Index", "Role", "Connections", "MutationFuture"}
)
ORM_MODULE_OBJECTS: frozenset[str] = frozenset({"connections", "utility", "db"})

# `utility` functions that `pymilvus` also re-exports at top level and that need a connection.
ORM_UTILITY_FUNCTIONS: frozenset[str] = frozenset(
    {
        "create_resource_group",
        "create_user",
        "delete_user",
        "describe_resource_group",
        "drop_collection",
        "drop_resource_group",
        "has_collection",
        "has_partition",
        "index_building_progress",
        "list_collections",
        "list_resource_groups",
        "list_usernames",
        "loading_progress",
        "reset_password",
        "transfer_node",
        "transfer_replica",
        "update_password",
        "update_resource_groups",
        "wait_for_index_building_complete",
        "wait_for_loading_complete",
    }
)

# Pure helpers that live in pymilvus.orm.utility but are not deprecated; they stay as they are.
PURE_UTILITY_FUNCTIONS: frozenset[str] = frozenset(
    {
        "mkts_from_datetime",
        "mkts_from_hybridts",
        "mkts_from_unixtime",
        "hybridts_to_datetime",
        "hybridts_to_unixtime",
    }
)

TOP_LEVEL_ORM_NAMES: frozenset[str] = ORM_CLASSES | ORM_MODULE_OBJECTS | ORM_UTILITY_FUNCTIONS

# ORM modules whose public names are deprecated, keyed by the shim module that mirrors each.
ORM_MODULES: dict[str, str] = {
    "pymilvus.orm.collection": "compat_shim.collection",
    "pymilvus.orm.partition": "compat_shim.partition",
    "pymilvus.orm.index": "compat_shim.index",
    "pymilvus.orm.connections": "compat_shim.connections",
    "pymilvus.orm.utility": "compat_shim.utility",
    "pymilvus.orm.db": "compat_shim.db",
    "pymilvus.orm.role": "compat_shim.role",
    "pymilvus.orm.mutation": "compat_shim.mutation",
    "pymilvus.orm.future": "compat_shim.future",
}

# `from pymilvus.orm import connections` (or `import pymilvus.orm.connections as c`) binds the
# module pymilvus.orm.connections, not the `connections` object it defines: none of the
# object's methods exist on the module, so `connections.connect(...)` raises AttributeError as
# written. QualifiedNameProvider names such a call `pymilvus.orm.connections.connect`; it is
# reported, never rewritten into a working connect (pymilvus 2.x and 3.0 alike: its
# `pymilvus/orm/__init__.py` re-exports nothing).
CONNECTIONS_MODULE = "pymilvus.orm.connections"
CONNECTIONS_METHODS: frozenset[str] = frozenset(
    {
        "add_connection",
        "async_disconnect",
        "async_remove_connection",
        "connect",
        "disconnect",
        "get_connection_addr",
        "has_connection",
        "list_connections",
        "remove_connection",
    }
)


def is_orm_module(qualified: str) -> bool:
    """`pymilvus.orm` or one of its deprecated submodules (`from pymilvus.orm import utility`
    binds a module: once its uses are rewritten, the import goes like any ORM name's)."""
    return qualified == "pymilvus.orm" or qualified in ORM_MODULES
