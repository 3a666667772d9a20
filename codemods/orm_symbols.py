"""One table that accounts for every public symbol of pymilvus's ORM.

Every public member of `connections`, `Collection`, `Partition`, `Index`, `Role`, every
`utility` and `db` function, and the `MutationResult` attributes that migrated code reads, is
listed here once with what milvus-migrate does about it:

* ``rewrite``: the codemods turn it into the MilvusClient form in ``equivalent``;
* ``report``: the codemods leave it as working code and report it for manual review (it needs
  runtime information, see the reference's "R" rows, or no rule rewrites it yet);
* ``shim-only``: MilvusClient has no equivalent (reference section 20); only compat_shim keeps it
  working;
* ``keep``: not deprecated and not connection-bound (the pure timestamp helpers): nothing to do.

Marks follow /work/shared/reference/orm-to-milvusclient.md (S/S! -> rewrite, R -> report,
X -> shim-only), lowered to ``report`` where no implemented rule rewrites the symbol yet.
tests/test_symbol_table.py checks the table against pymilvus by introspection, and checks each
mark against what the codemods actually do with the symbol's ``example``.

Examples run after a fixed prelude (``EXAMPLE_PRELUDE``) that binds ``orm_col`` (a Collection),
``part`` (a Partition), ``idx`` (an Index), ``role`` (a Role) and ``mr`` (a MutationResult).
"""

# ruff: noqa: E501  (a data table: one row per symbol reads better than wrapped rows)
from __future__ import annotations

import enum
from dataclasses import dataclass


class Mark(enum.Enum):
    REWRITE = "rewrite"
    REPORT = "report"
    SHIM_ONLY = "shim-only"
    KEEP = "keep"


@dataclass(frozen=True)
class OrmSymbol:
    owner: (
        str  # connections | Collection | Partition | Index | Role | utility | db | MutationResult
    )
    name: str  # member or function name; "__init__" for a constructor
    mark: Mark
    equivalent: str  # the MilvusClient form ("" when there is none)
    example: str = ""  # one statement using the symbol, run after EXAMPLE_PRELUDE
    note: str = ""

    @property
    def qualname(self) -> str:
        return f"{self.owner}()" if self.name == "__init__" else f"{self.owner}.{self.name}"


OWNERS = (
    "connections",
    "Collection",
    "Partition",
    "Index",
    "Role",
    "utility",
    "db",
    "MutationResult",
)

EXAMPLE_PRELUDE = """\
import os
from pymilvus import (Collection, CollectionSchema, DataType, FieldSchema, Index, Partition, Role,
                      connections, db, utility)
connections.connect(uri=os.environ["MILVUS_URI"])
"""

# Per owner: the extra prelude lines that bind the object an example talks about.
OWNER_PRELUDE = {
    "connections": "",
    "utility": "",
    "db": "",
    "Collection": 'orm_col = Collection("c")\n',
    "Partition": 'orm_col = Collection("c")\npart = Partition(orm_col, "p")\n',
    "Index": 'orm_col = Collection("c")\nidx = Index(orm_col, "v", {"index_type": "FLAT", "metric_type": "L2", "params": {}})\n',
    "Role": 'role = Role("r")\n',
    "MutationResult": 'orm_col = Collection("c")\nmr = orm_col.insert([{"id": 1, "v": [0.0, 1.0]}])\n',
}

# Row marks: W rewrite, P report, X shim-only, K keep.
W, P, X, K = Mark.REWRITE, Mark.REPORT, Mark.SHIM_ONLY, Mark.KEEP
_SCHEMA = 'CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)])'


def _rows(owner: str, *rows: tuple) -> list[OrmSymbol]:
    return [OrmSymbol(owner, *row) for row in rows]


# fmt: off
SYMBOLS: tuple[OrmSymbol, ...] = tuple(
    _rows('connections',
        ('connect', W, 'client = MilvusClient(uri=...)  # host/port folded into uri; no-arg -> os.getenv("MILVUS_URI")', 'connections.connect("other", uri="http://localhost:19530")'),
        ('disconnect', W, 'client.close()', 'connections.disconnect("default")'),
        ('remove_connection', W, 'client.close()', 'connections.remove_connection("default")'),
        ('async_disconnect', P, 'await async_client.close()', 'async def stop():\n    await connections.async_disconnect("default")'),
        ('async_remove_connection', P, 'await async_client.close()', 'async def stop():\n    await connections.async_remove_connection("default")'),
        ('list_connections', X, '', 'print(connections.list_connections())', 'alias registry (section 20)'),
        ('has_connection', W, 'alias in milvus_clients (alias registry) / "client" in globals() (one literal-alias client, never closed)', 'print(connections.has_connection("default"))'),
        ('get_connection_addr', X, '', 'print(connections.get_connection_addr("default"))'),
        ('add_connection', X, '', 'connections.add_connection(other={"uri": "http://localhost:19530"})'),
        ('instance', X, '', '', 'the registry singleton'),
    )
    + _rows('Collection',
        ('__init__', W, 'client.create_collection(name, schema=schema) (create) / nothing (open)', f'orm_new = Collection("c2", {_SCHEMA})\norm_new.load()'),
        ('name', W, 'name', 'print(orm_col.name)'),
        ('schema', W, 'CollectionSchema.construct_from_dict(client.describe_collection(name))', 'print(orm_col.schema)'),
        ('description', W, 'client.describe_collection(name)["description"]', 'print(orm_col.description)'),
        ('primary_field', W, 'CollectionSchema.construct_from_dict(client.describe_collection(name)).primary_field', 'print(orm_col.primary_field.name)'),
        ('num_entities', W, 'client.get_collection_stats(name)["row_count"]', 'print(orm_col.num_entities)'),
        ('is_empty', W, 'client.get_collection_stats(name)["row_count"] == 0', 'print(orm_col.is_empty)'),
        ('num_shards', W, 'client.describe_collection(name)["num_shards"]', 'print(orm_col.num_shards)'),
        ('aliases', W, 'client.list_aliases(name)["aliases"]', 'print(orm_col.aliases)'),
        ('partitions', W, 'client.list_partitions(name)', 'print([p.name for p in orm_col.partitions])'),
        ('indexes', P, '[client.describe_index(name, i) for i in client.list_indexes(name)]', 'print(orm_col.indexes)'),
        ('describe', W, 'client.describe_collection(name)', 'print(orm_col.describe())'),
        ('insert', W, 'client.insert(collection_name=name, data=rows)', 'orm_col.insert([{"id": 1, "v": [0.0, 1.0]}])', "column lists need the schema field order; DataFrames -> to_dict('records')"),
        ('upsert', W, 'client.upsert(collection_name=name, data=rows)', 'orm_col.upsert([{"id": 1, "v": [0.0, 1.0]}])'),
        ('delete', W, 'client.delete(collection_name=name, filter=expr)', 'orm_col.delete("id in [1]")'),
        ('search', W, 'client.search(collection_name=name, data=, anns_field=, search_params=, limit=, filter=)', 'print(orm_col.search([[0.0, 1.0]], "v", {"metric_type": "L2"}, limit=2))'),
        ('hybrid_search', W, 'client.hybrid_search(collection_name=name, reqs=, ranker=, limit=)', 'print(orm_col.hybrid_search([], None, 2))'),
        ('query', W, 'client.query(collection_name=name, filter=expr, output_fields=)', 'print(orm_col.query("id > 0", output_fields=["id"]))'),
        ('query_iterator', W, 'client.query_iterator(collection_name=name, batch_size=, filter=)', 'it = orm_col.query_iterator(batch_size=10, expr="id > 0", output_fields=["id"])'),
        ('search_iterator', W, 'client.search_iterator(collection_name=name, data=, anns_field=, search_params=)', 'it = orm_col.search_iterator([[0.0, 1.0]], "v", {"metric_type": "L2"}, batch_size=10)'),
        ('load', W, 'client.load_collection(name)', 'orm_col.load()'),
        ('release', W, 'client.release_collection(name)', 'orm_col.release()'),
        ('flush', W, 'client.flush(name)', 'orm_col.flush()'),
        ('drop', W, 'client.drop_collection(name)', 'orm_col.drop()'),
        ('truncate', W, 'client.truncate_collection(name)', 'orm_col.truncate()'),
        ('set_properties', W, 'client.alter_collection_properties(name, properties=)', 'orm_col.set_properties({"collection.ttl.seconds": 60})'),
        ('create_index', W, 'ip = client.prepare_index_params(); ip.add_index(field, **params); client.create_index(name, ip)', 'orm_col.create_index("v", {"index_type": "FLAT", "metric_type": "L2", "params": {}})'),
        ('has_index', W, 'bool(client.list_indexes(name))', 'print(orm_col.has_index())'),
        ('index', P, 'client.describe_index(name, index_name)', 'print(orm_col.index().params)', 'raises IndexNotExistException / AmbiguousIndexName where MilvusClient returns None'),
        ('drop_index', W, 'client.drop_index(name, index_name)', 'orm_col.drop_index()'),
        ('alter_index', P, 'client.alter_index_properties(name, index_name, properties=)', 'orm_col.alter_index("v", {"mmap.enabled": True})'),
        ('create_partition', W, 'client.create_partition(name, partition_name=p)', 'orm_col.create_partition("p1")'),
        ('has_partition', W, 'client.has_partition(name, p)', 'print(orm_col.has_partition("p1"))'),
        ('drop_partition', W, 'client.drop_partition(name, p)', 'orm_col.drop_partition("p1")'),
        ('partition', P, 'p if client.has_partition(name, p) else None', 'print(orm_col.partition("p1"))'),
        ('get_replicas', P, 'client.describe_replica(name)', 'print(orm_col.get_replicas())'),
        ('compact', W, 'client.compact(name) (job_id = ... before a wait_for_compaction_completed)', 'orm_col.compact()', 'the ORM keeps the job id on the object; a read result (None) is reported'),
        ('get_compaction_state', P, 'client.get_compaction_state(job_id)', 'print(orm_col.get_compaction_state())'),
        ('get_compaction_plans', P, 'client.get_compaction_plans(job_id)', 'print(orm_col.get_compaction_plans())'),
        ('wait_for_compaction_completed', W, 'poll client.get_compaction_state(job_id) (right after its compact)', 'orm_col.compact()\norm_col.wait_for_compaction_completed()', 'alone, or with arguments, it is reported'),
        ('construct_from_dataframe', P, 'build a schema, client.create_collection(...), client.insert(name, df.to_dict("records"))', 'Collection.construct_from_dataframe("c3", df, primary_field="id")'),
    )
    + _rows('Partition',
        ('__init__', W, 'if not client.has_partition(name, p): client.create_partition(name, p)', 'part2 = Partition(orm_col, "p2")\npart2.insert([{"id": 1, "v": [0.0, 1.0]}])'),
        ('name', W, 'p', 'print(part.name)'),
        ('description', X, '', 'print(part.description)', 'never sent to the server'),
        ('num_entities', W, 'client.get_partition_stats(name, p)["row_count"]', 'print(part.num_entities)'),
        ('is_empty', W, 'client.get_partition_stats(name, p)["row_count"] == 0', 'print(part.is_empty)'),
        ('insert', W, 'client.insert(collection_name=name, data=rows, partition_name=p)', 'part.insert([{"id": 1, "v": [0.0, 1.0]}])'),
        ('upsert', W, 'client.upsert(collection_name=name, data=rows, partition_name=p)', 'part.upsert([{"id": 1, "v": [0.0, 1.0]}])'),
        ('delete', W, 'client.delete(collection_name=name, filter=expr, partition_name=p)', 'part.delete("id in [1]")'),
        ('search', W, 'client.search(collection_name=name, ..., partition_names=[p])', 'print(part.search([[0.0, 1.0]], "v", {"metric_type": "L2"}, limit=2))'),
        ('hybrid_search', W, 'client.hybrid_search(collection_name=name, ..., partition_names=[p])', 'print(part.hybrid_search([], None, 2))'),
        ('query', W, 'client.query(collection_name=name, filter=expr, partition_names=[p])', 'print(part.query("id > 0", output_fields=["id"]))'),
        ('load', W, 'client.load_partitions(name, [p])', 'part.load()'),
        ('release', W, 'client.release_partitions(name, [p])', 'part.release()'),
        ('flush', W, 'client.flush(name)', 'part.flush()'),
        ('drop', W, 'client.drop_partition(name, p)', 'part.drop()'),
        ('get_replicas', P, 'client.describe_replica(name)', 'print(part.get_replicas())'),
    )
    + _rows('Index',
        ('__init__', W, 'idx = params + client.create_index(name, index_params)', 'Index(orm_col, "v", {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 8}})'),
        ('params', P, 'client.describe_index(name, index_name)', 'print(idx.params)'),
        ('field_name', W, 'the field (a literal)', 'print(idx.field_name)'),
        ('index_name', P, 'index_name', 'print(idx.index_name)'),
        ('collection_name', W, 'name', 'print(idx.collection_name)'),
        ('to_dict', P, 'client.describe_index(name, index_name)', 'print(idx.to_dict())'),
        ('drop', P, 'client.drop_index(name, index_name)', 'idx.drop()'),
    )
    + _rows('Role',
        ('__init__', P, 'a role-name string plus the client', 'role2 = Role("r2")\nrole2.create()'),
        ('name', P, 'role_name', 'print(role.name)'),
        ('create', P, 'client.create_role(role_name)', 'role.create()'),
        ('drop', P, 'client.drop_role(role_name)', 'role.drop()'),
        ('add_user', P, 'client.grant_role(user_name=u, role_name=r)', 'role.add_user("u")'),
        ('remove_user', P, 'client.revoke_role(user_name=u, role_name=r)', 'role.remove_user("u")'),
        ('is_exist', P, 'role_name in client.list_roles()', 'print(role.is_exist())'),
        ('get_users', P, "[u for u in client.list_users() if r in client.describe_user(u)['roles']]", 'print(role.get_users())'),
        ('grant', P, 'client.grant_privilege(role_name=, object_type=, privilege=, object_name=, db_name=)', 'role.grant("Collection", "c", "Search")'),
        ('revoke', P, 'client.revoke_privilege(role_name=, object_type=, privilege=, object_name=, db_name=)', 'role.revoke("Collection", "c", "Search")'),
        ('grant_v2', P, 'client.grant_privilege_v2(role_name, privilege, collection_name)', 'role.grant_v2("Search", "c")'),
        ('revoke_v2', P, 'client.revoke_privilege_v2(role_name, privilege, collection_name)', 'role.revoke_v2("Search", "c")'),
        ('list_grants', P, 'client.describe_role(role_name)["privileges"]', 'print(role.list_grants())'),
        ('list_grant', P, "filter client.describe_role(role_name)['privileges']", 'print(role.list_grant("Collection", "c"))'),
        ('create_privilege_group', P, 'client.create_privilege_group(group_name=)', 'role.create_privilege_group("g")'),
        ('drop_privilege_group', P, 'client.drop_privilege_group(group_name=)', 'role.drop_privilege_group("g")'),
        ('list_privilege_groups', P, 'client.list_privilege_groups()', 'print(role.list_privilege_groups())'),
        ('add_privileges_to_group', P, 'client.add_privileges_to_group(group_name=, privileges=)', 'role.add_privileges_to_group("g", ["Search"])'),
        ('remove_privileges_from_group', P, 'client.remove_privileges_from_group(group_name=, privileges=)', 'role.remove_privileges_from_group("g", ["Search"])'),
    )
    + _rows('utility',
        ('has_collection', W, 'client.has_collection(c)', 'print(utility.has_collection("c"))'),
        ('list_collections', W, 'client.list_collections()', 'print(utility.list_collections())'),
        ('drop_collection', W, 'client.drop_collection(c)', 'utility.drop_collection("c")'),
        ('has_partition', W, 'client.has_partition(c, p)', 'print(utility.has_partition("c", "p"))'),
        ('truncate_collection', W, 'client.truncate_collection(c)', 'utility.truncate_collection("c")'),
        ('rename_collection', W, 'client.rename_collection(old_name=, new_name=, target_db=)', 'utility.rename_collection("c", "d")'),
        ('create_alias', W, 'client.create_alias(c, alias)', 'utility.create_alias("c", "a")'),
        ('drop_alias', W, 'client.drop_alias(alias)', 'utility.drop_alias("a")'),
        ('alter_alias', W, 'client.alter_alias(c, alias)', 'utility.alter_alias("c", "a")'),
        ('list_aliases', W, 'client.list_aliases(c)["aliases"]', 'print(utility.list_aliases("c"))'),
        ('loading_progress', W, '{"loading_progress": "100%" / "0%" / progress} from client.get_load_state(c)', 'print(utility.loading_progress("c"))'),
        ('load_state', W, 'client.get_load_state(c)["state"]', 'print(utility.load_state("c"))'),
        ('wait_for_loading_complete', W, '(dropped: load_collection blocks)', 'utility.wait_for_loading_complete("c")'),
        ('index_building_progress', W, 'client.describe_index(c, index_name) (four keys)', 'print(utility.index_building_progress("c"))'),
        ('wait_for_index_building_complete', W, '(dropped: create_index blocks)', 'utility.wait_for_index_building_complete("c")'),
        ('list_indexes', W, 'client.list_indexes(c)', 'print(utility.list_indexes("c"))'),
        ('get_server_version', W, 'client.get_server_version()', 'print(utility.get_server_version())'),
        ('get_server_type', P, 'client.get_server_type()', 'print(utility.get_server_type())'),
        ('flush_all', W, 'client.flush_all()', 'utility.flush_all()'),
        ('get_query_segment_info', P, 'client.list_loaded_segments(c) (different result type)', 'print(utility.get_query_segment_info("c"))'),
        ('load_balance', X, '', 'utility.load_balance("c", 1, [2], [3])'),
        ('do_bulk_insert', X, 'pymilvus.bulk_writer.bulk_import(url=..., ...) (REST)', 'print(utility.do_bulk_insert("c", ["f.json"]))'),
        ('get_bulk_insert_state', X, 'pymilvus.bulk_writer.get_import_progress(url, job_id) (REST)', 'print(utility.get_bulk_insert_state(1))'),
        ('list_bulk_insert_tasks', X, 'pymilvus.bulk_writer.list_import_jobs(url) (REST)', 'print(utility.list_bulk_insert_tasks())'),
        ('create_user', W, 'client.create_user(user_name=, password=)', 'utility.create_user("u", "p")'),
        ('delete_user', W, 'client.drop_user(user_name=)', 'utility.delete_user("u")'),
        ('update_password', W, 'client.update_password(user, old, new)', 'utility.update_password("u", "a", "b")'),
        ('reset_password', P, 'client.update_password(user, old, new, reset_connection=True)', 'utility.reset_password("u", "a", "b")'),
        ('list_usernames', W, 'client.list_users()', 'print(utility.list_usernames())'),
        ('list_user', P, 'client.describe_user(user_name)', 'print(utility.list_user("u", False))'),
        ('list_users', P, '[client.describe_user(u) for u in client.list_users()]', 'print(utility.list_users(False))'),
        ('list_roles', P, 'client.list_roles() (names only)', 'print(utility.list_roles(False))'),
        ('create_resource_group', P, 'client.create_resource_group(name)', 'utility.create_resource_group("rg")'),
        ('drop_resource_group', P, 'client.drop_resource_group(name)', 'utility.drop_resource_group("rg")'),
        ('describe_resource_group', P, 'client.describe_resource_group(name)', 'print(utility.describe_resource_group("rg"))'),
        ('list_resource_groups', P, 'client.list_resource_groups()', 'print(utility.list_resource_groups())'),
        ('update_resource_groups', P, 'client.update_resource_groups(configs)', 'utility.update_resource_groups({})'),
        ('transfer_replica', P, 'client.transfer_replica(src, dst, c, n)', 'utility.transfer_replica("a", "b", "c", 1)'),
        ('transfer_node', X, '', 'utility.transfer_node("a", "b", 1)', 'superseded by update_resource_groups'),
        ('mkts_from_unixtime', K, 'pymilvus.mkts_from_unixtime (unchanged)', ''),
        ('mkts_from_datetime', K, 'pymilvus.mkts_from_datetime (unchanged)', ''),
        ('mkts_from_hybridts', K, 'pymilvus.mkts_from_hybridts (unchanged)', ''),
        ('hybridts_to_unixtime', K, 'pymilvus.hybridts_to_unixtime (unchanged)', ''),
        ('hybridts_to_datetime', K, 'pymilvus.hybridts_to_datetime (unchanged)', ''),
    )
    + _rows('db',
        ('create_database', W, 'client.create_database(d)', 'db.create_database("d")'),
        ('drop_database', W, 'client.drop_database(d)', 'db.drop_database("d")'),
        ('list_database', W, 'client.list_databases()', 'print(db.list_database())'),
        ('using_database', W, 'client.use_database(d)', 'db.using_database("d")'),
        ('describe_database', W, 'client.describe_database(d)', 'print(db.describe_database("d"))'),
        ('set_properties', W, 'client.alter_database_properties(d, props)', 'db.set_properties("d", {"a": "1"})'),
    )
    + _rows('MutationResult',
        ('primary_keys', W, 'res["ids"]', 'print(mr.primary_keys)'),
        ('insert_count', W, 'res["insert_count"]', 'print(mr.insert_count)'),
        ('upsert_count', W, 'res["upsert_count"]', 'print(mr.upsert_count)'),
        ('delete_count', W, 'res["delete_count"] (or len(res) when the server echoes pks)', 'print(mr.delete_count)'),
        ('cost', W, 'res["cost"]', 'print(mr.cost)'),
        ('timestamp', X, '', 'print(mr.timestamp)'),
        ('succ_count', X, '', 'print(mr.succ_count)'),
        ('err_count', X, '', 'print(mr.err_count)'),
        ('succ_index', X, '', 'print(mr.succ_index)'),
        ('err_index', X, '', 'print(mr.err_index)'),
    )
)
# fmt: on

TABLE: dict[str, OrmSymbol] = {s.qualname: s for s in SYMBOLS}


def lookup(owner: str, name: str) -> OrmSymbol | None:
    """The table row for `owner.name` (`name="__init__"` for a constructor), or None."""
    return TABLE.get(f"{owner}()" if name == "__init__" else f"{owner}.{name}")


def example_prelude(symbol: OrmSymbol) -> str:
    """What runs before `symbol.example`: the connection, then the object it talks about (a
    constructor example only needs the collection it is built on)."""
    if symbol.name == "__init__":
        owner = "Collection" if symbol.owner in ("Partition", "Index") else "connections"
    else:
        owner = symbol.owner
    return EXAMPLE_PRELUDE + OWNER_PRELUDE[owner]


def example_source(symbol: OrmSymbol) -> str:
    """A complete module that uses `symbol` once (its example after its prelude)."""
    return example_prelude(symbol) + symbol.example + "\n"
