"""`db.*` on MilvusClient. `using_database` switches the alias without validating, as the
ORM does (MilvusClient.use_database would check the database exists)."""

from __future__ import annotations

from typing import Any

from compat_shim._warn import shimmed
from compat_shim.connections import DEFAULT_ALIAS, client_for, connections


@shimmed("db.using_database")
def using_database(db_name: str, using: str = DEFAULT_ALIAS) -> None:
    connections._update_db_name(using, db_name)


@shimmed("db.create_database")
def create_database(
    db_name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None, **kwargs: Any
) -> None:
    client_for(using).create_database(db_name, timeout=timeout, **kwargs)


@shimmed("db.drop_database")
def drop_database(db_name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None) -> None:
    client_for(using).drop_database(db_name, timeout=timeout)


@shimmed("db.list_database")
def list_database(using: str = DEFAULT_ALIAS, timeout: float | None = None) -> list:
    return client_for(using).list_databases(timeout=timeout)


@shimmed("db.set_properties")
def set_properties(
    db_name: str, properties: dict, using: str = DEFAULT_ALIAS, timeout: float | None = None
) -> None:
    client_for(using).alter_database_properties(db_name, properties, timeout=timeout)


@shimmed("db.describe_database")
def describe_database(
    db_name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None
) -> dict:
    return client_for(using).describe_database(db_name, timeout=timeout)
