"""Names imported from compat_shim read as the pymilvus names they stand for.

`--shim` and `--shim-rest` write `from compat_shim import Collection, connections`; code may
also be written against the shim from the start. The shim re-implements the ORM names with
pymilvus's behaviour and re-exports pymilvus's shared ones (`DataType`, `MilvusClient`,
`exceptions`), so a later run has to see `compat_shim.Collection` as `pymilvus.Collection`:
else the code the first run left for review is neither migrated nor reported again.

Kept as literal tables (the analysis must not import the shim, which imports pymilvus);
tests/codemods/test_shim_names.py checks them against compat_shim's `__all__`.
"""

from __future__ import annotations

from codemods.orm_names import ORM_MODULES

# compat_shim's `__all__` less its own helpers (install, is_installed, uninstall,
# ShimUsageWarning), which stand for nothing in pymilvus.
SHIM_EXPORTS: frozenset[str] = frozenset(
    {
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
        "update_password",
        "update_resource_groups",
        "utility",
        "wait_for_index_building_complete",
        "wait_for_loading_complete",
    }
)
SHIM_PACKAGE = "compat_shim"
# compat_shim.<sub> -> the pymilvus.orm module it mirrors (orm_names.ORM_MODULES reversed).
_SUBMODULES: dict[str, str] = {shim: orm for orm, shim in ORM_MODULES.items()}
# What the `connections` submodule defines under these names is not the `connections` object
# that `compat_shim.connections` is at top level (the package's import of it hides the module).
_CONNECTIONS_MODULE_NAMES = frozenset({"connections", "Connections"})


def pymilvus_name(qualified: str) -> str:
    """The pymilvus name a compat_shim qualified name stands for; any other name unchanged.

    `compat_shim.Collection` -> `pymilvus.Collection`, `compat_shim.utility.has_collection`
    -> `pymilvus.utility.has_collection`, `compat_shim.collection.Collection` ->
    `pymilvus.orm.collection.Collection`, `compat_shim.install` stays.
    """
    if not qualified.startswith("compat_shim."):
        return qualified
    parts = qualified.split(".")
    head = parts[1]
    # `from compat_shim.connections import connections` (the submodule's own names) versus
    # `from compat_shim import connections` then `connections.connect`: the qualified names
    # only differ in the segment after `connections`.
    in_submodule = (
        head == "connections" and len(parts) > 2 and parts[2] in _CONNECTIONS_MODULE_NAMES
    )
    if head in SHIM_EXPORTS and not in_submodule:
        return "pymilvus." + qualified[len("compat_shim.") :]
    orm = _SUBMODULES.get(f"compat_shim.{head}")
    if orm is not None:
        return ".".join([orm, *parts[2:]])
    return qualified


def is_shim_module(module: str) -> bool:
    """`compat_shim` or one of its submodules (an import MM180 may trim like a pymilvus one)."""
    return module == SHIM_PACKAGE or module.startswith(SHIM_PACKAGE + ".")
