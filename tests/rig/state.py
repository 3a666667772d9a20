"""A comparable dump of everything a program left on the server."""

from __future__ import annotations

from typing import Any

from pymilvus import MilvusClient

ROW_LIMIT = 16384  # milvus' largest query window
_CONSISTENCY = {0: "Strong", 1: "Session", 2: "Bounded", 3: "Eventually", 4: "Customized"}


def _level_name(level: Any) -> Any:
    return _CONSISTENCY.get(level, level) if isinstance(level, int) else level


def _round(value: Any, digits: int = 4) -> Any:
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {k: _round(v, digits) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_round(v, digits) for v in value]
    if hasattr(value, "tolist"):
        return _round(value.tolist(), digits)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _field(f: dict) -> dict:
    params = {k: f.get("params", {}).get(k) for k in ("dim", "max_length", "max_capacity")}
    return {
        "name": f["name"],
        "type": getattr(f.get("type"), "name", str(f.get("type"))),
        "element_type": getattr(f.get("element_type"), "name", None),
        "is_primary": bool(f.get("is_primary", False)),
        "auto_id": bool(f.get("auto_id", False)),
        "is_partition_key": bool(f.get("is_partition_key", False)),
        "nullable": bool(f.get("nullable", False)),
        "params": {k: int(v) for k, v in params.items() if v is not None},
    }


def _index(client: MilvusClient, name: str, index_name: str) -> dict:
    d = client.describe_index(name, index_name) or {}
    return {
        "index_name": index_name,
        "field_name": d.get("field_name"),
        "index_type": d.get("index_type"),
        "metric_type": d.get("metric_type"),
    }


def _rows(client: MilvusClient, name: str, pk: str) -> list[dict]:
    rows = client.query(
        name, filter="", output_fields=["*"], limit=ROW_LIMIT, consistency_level="Strong"
    )
    return sorted((_round(dict(r)) for r in rows), key=lambda r: (str(type(r.get(pk))), r.get(pk)))


def _aliases(client: MilvusClient, name: str, desc: dict) -> list[str]:
    """milvus-lite leaves describe_collection's aliases empty; Milvus 2.3's ListAliases ignores
    the client's database (it answers for `default`), so each server gets the call it gets
    right."""
    if str(client.get_server_version()).startswith("milvus_lite"):
        return sorted(client.list_aliases(name).get("aliases", []))
    return sorted(desc.get("aliases") or [])


def dump_collection(client: MilvusClient, name: str) -> dict:
    desc = client.describe_collection(name)
    fields = [_field(f) for f in desc["fields"]]
    pk = next((f["name"] for f in fields if f["is_primary"]), None)
    indexes = sorted(
        (_index(client, name, i) for i in client.list_indexes(name)),
        key=lambda d: (d["field_name"] or "", d["index_name"]),
    )
    state = client.get_load_state(name)["state"]
    load_state = getattr(state, "name", str(state))
    out: dict[str, Any] = {
        "fields": fields,
        "enable_dynamic_field": bool(desc.get("enable_dynamic_field", False)),
        "functions": sorted(f.get("name", "") for f in desc.get("functions", []) or []),
        "indexes": indexes,
        "partitions": sorted(client.list_partitions(name)),
        "aliases": _aliases(client, name, desc),
        "load_state": load_state,
        # milvus-lite stores every level as Strong; the real server keeps what was asked for.
        "consistency_level": _level_name(desc.get("consistency_level")),
    }
    loaded_for_dump = False
    if load_state != "Loaded" and indexes:
        # The load state is already recorded; loading now only lets us read the rows.
        try:
            client.load_collection(name)
            loaded_for_dump = True
        except Exception as exc:  # a server that cannot load this collection
            out["rows_error"] = type(exc).__name__
    if load_state == "Loaded" or loaded_for_dump:
        rows = _rows(client, name, pk or "")
        if any(f["is_primary"] and f["auto_id"] for f in fields):
            # Generated ids differ between runs (on the real server they embed a timestamp);
            # rows stay sorted by them, i.e. in insertion order, so keep the position only.
            rows = [{**r, pk: f"<auto {i}>"} for i, r in enumerate(rows)]
        out["row_count"] = len(rows)
        out["rows"] = rows
    else:
        out["row_count"] = client.get_collection_stats(name).get("row_count")
    if loaded_for_dump:
        client.release_collection(name)
    return out


def dump_state(uri: str) -> dict:
    client = MilvusClient(uri=uri)
    try:
        dbs = sorted(client.list_databases())
    finally:
        client.close()
    state: dict[str, Any] = {"databases": dbs}
    for db in dbs:
        # One client per database: `use_database` needs DescribeDatabase, absent in Milvus 2.3.
        db_client = MilvusClient(uri=uri, db_name=db)
        try:
            names = sorted(db_client.list_collections())
            state[f"db:{db}"] = {n: dump_collection(db_client, n) for n in names}
        finally:
            db_client.close()
    return state
