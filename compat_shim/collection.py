"""`Collection`: the ORM's stateful collection handle, rebuilt on MilvusClient.

A handle describes its collection once (one RPC, where the ORM makes two) and keeps that
description: the schema snapshot drives column inserts and is passed to searches the way the
ORM passes it. DDL made through the handle refreshes the snapshot.
"""

from __future__ import annotations

import time
from typing import Any

from pymilvus import CollectionSchema, FieldSchema, MilvusClient, Status
from pymilvus.client.types import cmp_consistency_level, get_consistency_level
from pymilvus.client.utils import get_params
from pymilvus.exceptions import (
    AutoIDException,
    ExceptionsMessage,
    IndexNotExistException,
    MilvusException,
    ParamError,
    PartitionAlreadyExistException,
    SchemaNotReadyException,
)
from pymilvus.milvus_client.index import IndexParam, IndexParams

from compat_shim import _data, future
from compat_shim._below import (
    drop_index_by_field,
    index_descriptions,
    mutate,
    quiet_expected_miss,
    search_iterator_v1,
    seed_schema_cache,
)
from compat_shim._index_params import orm_index_params
from compat_shim._mutation_call import Mutation
from compat_shim._search_args import NoProjection, check_expr, has_no_queries, rename_expr_params
from compat_shim._warn import shimmed
from compat_shim.connections import DEFAULT_ALIAS, client_for
from compat_shim.index import Index
from compat_shim.mutation import MutationResult
from compat_shim.partition import Partition

DEFAULT_CONSISTENCY_LEVEL = "Bounded"  # pymilvus.client.constants, unchanged since 2.3
UNLIMITED = -1
_COLLECTION_NOT_FOUND = 100


class _OrmIndexParam(IndexParam):
    """Sends the ORM index dict unflattened, so the server stores exactly what the ORM
    would (nested "params" JSON), and `describe_index` reads back the same."""

    def __init__(self, field_name: str, index_params: dict | None, index_name: str) -> None:
        super().__init__(field_name, "", index_name)
        self._orm_params = dict(index_params or {})

    def get_index_configs(self) -> dict:
        return dict(self._orm_params)


def is_not_found(exc: MilvusException) -> bool:
    text = str(getattr(exc, "message", exc)).lower()
    return getattr(exc, "code", None) == _COLLECTION_NOT_FOUND or "can't find collection" in text


def describe_or_none(client: MilvusClient, name: str, timeout: float | None = None) -> dict | None:
    try:
        with quiet_expected_miss():
            return client.describe_collection(name, timeout=timeout)
    except MilvusException as exc:
        if is_not_found(exc):
            return None
        raise


class Collection:
    """pymilvus ORM `Collection` on MilvusClient (create-or-open, cached description)."""

    @shimmed("Collection")
    def __init__(
        self,
        name: str,
        schema: CollectionSchema | None = None,
        using: str = DEFAULT_ALIAS,
        **kwargs: Any,
    ) -> None:
        self._name = name
        self._using = using
        self._kwargs = kwargs
        self._num_shards: int | None = None
        client = client_for(using)
        timeout = kwargs.pop("timeout", None)
        desc = describe_or_none(client, name, timeout)
        if desc is not None:
            server_level = desc.get("consistency_level", DEFAULT_CONSISTENCY_LEVEL)
            wanted = kwargs.get("consistency_level", server_level)
            if not cmp_consistency_level(server_level, wanted):
                raise SchemaNotReadyException(
                    message=ExceptionsMessage.ConsistencyLevelInconsistent
                )
            server_schema = CollectionSchema.construct_from_dict(desc)
            seed_schema_cache(client, name, desc)
            self._consistency_level = server_level
            if schema is None:
                self._schema = server_schema
            else:
                if not isinstance(schema, CollectionSchema):
                    raise SchemaNotReadyException(message=ExceptionsMessage.SchemaType)
                if server_schema != schema:
                    raise SchemaNotReadyException(message=ExceptionsMessage.SchemaInconsistent)
                self._schema = schema
        else:
            if schema is None:
                raise SchemaNotReadyException(
                    message=ExceptionsMessage.CollectionNotExistNoSchema % name
                )
            if not isinstance(schema, CollectionSchema):
                raise SchemaNotReadyException(message=ExceptionsMessage.SchemaType)
            schema.verify()
            _check_schema(schema)
            level = get_consistency_level(
                kwargs.get("consistency_level", DEFAULT_CONSISTENCY_LEVEL)
            )
            create_kwargs = dict(kwargs)
            create_kwargs.setdefault("consistency_level", DEFAULT_CONSISTENCY_LEVEL)
            # No index_params: MilvusClient would then also build an index and load.
            client.create_collection(name, schema=schema, timeout=timeout, **create_kwargs)
            self._schema = schema
            self._consistency_level = level
        self._schema_dict = self._schema.to_dict()
        self._schema_dict["consistency_level"] = self._consistency_level

    # ---- plumbing ----

    @property
    def _client(self) -> MilvusClient:
        return client_for(self._using)

    def __repr__(self) -> str:
        parts = {"name": self.name, "description": self.description, "schema": self._schema}
        return "<Collection>:\n-------------\n" + "".join(f"<{k}>: {v}\n" for k, v in parts.items())

    @classmethod
    @shimmed("Collection.construct_from_dataframe")
    def construct_from_dataframe(cls, name: str, dataframe: Any, **kwargs: Any) -> tuple:
        import pandas as pd

        if not isinstance(dataframe, pd.DataFrame):
            raise SchemaNotReadyException(message=ExceptionsMessage.DataFrameType)
        primary_field = kwargs.pop("primary_field", None)
        if primary_field is None:
            raise SchemaNotReadyException(message=ExceptionsMessage.NoPrimaryKey)
        if primary_field not in list(dataframe.columns):
            raise SchemaNotReadyException(message=ExceptionsMessage.PrimaryKeyNotExist)
        pk_index = list(dataframe.columns).index(primary_field)
        if "auto_id" in kwargs and not isinstance(kwargs.get("auto_id"), bool):
            raise AutoIDException(message=ExceptionsMessage.AutoIDType)
        auto_id = kwargs.pop("auto_id", False)
        if auto_id:
            if dataframe[primary_field].isnull().all():
                dataframe = dataframe.drop(primary_field, axis=1)
            else:
                raise SchemaNotReadyException(message=ExceptionsMessage.AutoIDWithData)
        using = kwargs.get("using", DEFAULT_ALIAS)
        client = client_for(using)
        desc = describe_or_none(client, name, kwargs.get("timeout"))
        if desc is not None:
            schema = CollectionSchema.construct_from_dict(desc)
        else:
            fields = _fields_from_dataframe(dataframe)
            if auto_id:
                fields.insert(
                    pk_index,
                    FieldSchema(
                        name=primary_field, dtype=_dtype("INT64"), is_primary=True, auto_id=True
                    ),
                )
            for f in fields:
                if not auto_id and f.name == primary_field:
                    f.is_primary = True
                    f.auto_id = False
            schema = CollectionSchema(fields=fields)
        _check_schema(schema)
        collection = cls(name, schema, **kwargs)
        return collection, collection.insert(data=dataframe)

    # ---- properties ----

    @property
    def schema(self) -> CollectionSchema:
        return self._schema

    @property
    @shimmed("Collection.aliases")
    def aliases(self) -> list:
        # The ORM reads describe_collection()["aliases"] (milvus-lite leaves it empty; a real
        # server fills it); the same RPC gives the same answer on both.
        return self._client.describe_collection(self._name).get("aliases", [])

    @property
    def description(self) -> str:
        return self._schema.description

    @property
    def name(self) -> str:
        return self._name

    @property
    @shimmed("Collection.is_empty")
    def is_empty(self) -> bool:
        return self.num_entities == 0

    @property
    def num_shards(self) -> int:
        if self._num_shards is None:
            self._num_shards = self.describe().get("num_shards")
        return self._num_shards

    @property
    @shimmed("Collection.num_entities")
    def num_entities(self) -> int:
        return int(self._client.get_collection_stats(self._name)["row_count"])

    @property
    def primary_field(self) -> FieldSchema:
        return self._schema.primary_field

    # ---- lifecycle ----

    @shimmed("Collection.flush")
    def flush(self, timeout: float | None = None, **kwargs: Any) -> None:
        self._client.flush(self._name, timeout=timeout, **kwargs)

    @shimmed("Collection.drop")
    def drop(self, timeout: float | None = None, **kwargs: Any) -> None:
        self._client.drop_collection(self._name, timeout=timeout, **kwargs)

    @shimmed("Collection.truncate")
    def truncate(self, timeout: float | None = None, **kwargs: Any) -> None:
        self._client.truncate_collection(self._name, timeout=timeout, **kwargs)

    @shimmed("Collection.set_properties")
    def set_properties(self, properties: dict, timeout: float | None = None, **kwargs: Any) -> None:
        self._client.alter_collection_properties(
            self._name, properties=properties, timeout=timeout, **kwargs
        )

    @shimmed("Collection.load")
    def load(
        self,
        partition_names: list | None = None,
        replica_number: int | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> None:
        if replica_number is not None:
            kwargs["replica_number"] = replica_number
        if kwargs.pop("_refresh", False) or kwargs.pop("refresh", False):
            kwargs["refresh"] = True
        if partition_names is not None:
            self._client.load_partitions(
                self._name, partition_names=partition_names, timeout=timeout, **kwargs
            )
        else:
            self._client.load_collection(self._name, timeout=timeout, **kwargs)

    @shimmed("Collection.release")
    def release(self, timeout: float | None = None, **kwargs: Any) -> None:
        self._client.release_collection(self._name, timeout=timeout, **kwargs)

    # ---- data ----

    def _mutate(
        self, op: str, payload: Any, partition_name: str | None, timeout: Any, kwargs: dict
    ) -> Any:
        """Run a mutation now, or on the shim's pool when `_async` asks for a future."""
        is_async = kwargs.pop("_async", False)
        callback = kwargs.pop("_callback", None)
        client = self._client

        def run() -> MutationResult:
            raw = mutate(client, Mutation(op, self._name, payload, partition_name, timeout, kwargs))
            return MutationResult(raw, kind=op)

        if is_async:
            return future.MutationFuture(future.run_async(run, callback))
        return run()

    def _write(self, op: str, data: Any, partition_name: str | None, timeout: Any, kwargs: dict):
        _data.check_insert_data(data)
        rows = _data.to_rows(self._schema, data, upsert=(op == "upsert"))
        if _data.is_row_based(data):
            # The ORM returns a future only for column-based data; rows run synchronously.
            kwargs.pop("_async", None)
        return self._mutate(op, rows, partition_name, timeout, kwargs)

    @shimmed("Collection.insert")
    def insert(
        self,
        data: Any,
        partition_name: str | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> MutationResult:
        return self._write("insert", data, partition_name, timeout, kwargs)

    @shimmed("Collection.upsert")
    def upsert(
        self,
        data: Any,
        partition_name: str | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> MutationResult:
        return self._write("upsert", data, partition_name, timeout, kwargs)

    @shimmed("Collection.delete")
    def delete(
        self,
        expr: str,
        partition_name: str | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> MutationResult:
        if not isinstance(expr, str) or not expr:
            raise ParamError(message=f"Illegal str variables: {expr!r}")
        return self._mutate("delete", expr, partition_name, timeout, kwargs)

    @shimmed("Collection.search")
    def search(
        self,
        data: Any,
        anns_field: str,
        param: dict,
        limit: int,
        expr: str | None = None,
        partition_names: list | None = None,
        output_fields: list | None = None,
        timeout: float | None = None,
        round_decimal: int = -1,
        ranker: Any = None,
        function_chains: Any = None,
        highlighter: Any = None,
        search_aggregation: Any = None,
        **kwargs: Any,
    ) -> Any:
        check_expr(expr)
        is_async = kwargs.get("_async", False)
        if has_no_queries(data):
            return future.search_answer(None, is_async)
        rename_expr_params(kwargs)
        resp = self._client.search(
            self._name,
            data=data,
            filter=expr or "",
            limit=limit,
            output_fields=output_fields,
            search_params=param,
            timeout=timeout,
            partition_names=partition_names,
            anns_field=anns_field,
            ranker=ranker,
            function_chains=function_chains,
            highlighter=highlighter,
            search_aggregation=search_aggregation,
            round_decimal=round_decimal,
            schema=self._schema_dict,
            **kwargs,
        )
        return future.search_answer(resp, is_async)

    @shimmed("Collection.hybrid_search")
    def hybrid_search(
        self,
        reqs: list,
        rerank: Any,
        limit: int,
        partition_names: list | None = None,
        output_fields: list | None = None,
        timeout: float | None = None,
        round_decimal: int = -1,
        ranker: Any = None,
        **kwargs: Any,
    ) -> Any:
        is_async = kwargs.get("_async", False)
        if isinstance(reqs, list) and len(reqs) == 0:
            return future.search_answer(None, is_async)
        resp = self._client.hybrid_search(
            self._name,
            reqs=reqs,
            ranker=rerank if rerank is not None else ranker,
            limit=limit,
            output_fields=output_fields,
            timeout=timeout,
            partition_names=partition_names,
            round_decimal=round_decimal,
            schema=self._schema_dict,
            **kwargs,
        )
        return future.search_answer(resp, is_async)

    @shimmed("Collection.search_iterator")
    def search_iterator(
        self,
        data: Any,
        anns_field: str,
        param: dict,
        batch_size: int | None = 1000,
        limit: int | None = UNLIMITED,
        expr: str | None = None,
        partition_names: list | None = None,
        output_fields: list | None = None,
        timeout: float | None = None,
        round_decimal: int = -1,
        **kwargs: Any,
    ) -> Any:
        check_expr(expr)
        # The ORM normalises the caller's dict in place; code may rely on that.
        if isinstance(param, dict):
            param["params"] = get_params(param)
        return search_iterator_v1(
            self._client,
            self._name,
            self._schema_dict,
            data=data,
            ann_field=anns_field,
            param=param,
            batch_size=batch_size,
            limit=limit,
            expr=expr,
            partition_names=partition_names,
            output_fields=output_fields,
            timeout=timeout,
            round_decimal=round_decimal,
            rpc_options=kwargs,
        )

    @shimmed("Collection.query")
    def query(
        self,
        expr: str,
        output_fields: list | None = None,
        partition_names: list | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> Any:
        check_expr(expr, optional=False)
        rename_expr_params(kwargs)
        return self._client.query(
            self._name,
            filter=expr,
            output_fields=NoProjection() if not output_fields else output_fields,
            timeout=timeout,
            partition_names=partition_names,
            **kwargs,
        )

    @shimmed("Collection.query_iterator")
    def query_iterator(
        self,
        batch_size: int | None = 1000,
        limit: int | None = UNLIMITED,
        expr: str | None = None,
        output_fields: list | None = None,
        partition_names: list | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> Any:
        check_expr(expr)
        return self._client.query_iterator(
            self._name,
            batch_size=batch_size,
            limit=limit,
            filter=expr,
            output_fields=output_fields,
            partition_names=partition_names,
            timeout=timeout,
            **kwargs,
        )

    # ---- partitions ----

    @property
    @shimmed("Collection.partitions")
    def partitions(self) -> list[Partition]:
        names = self._client.list_partitions(self._name)
        return [Partition(self, p, construct_only=True) for p in names]

    @shimmed("Collection.partition")
    def partition(self, partition_name: str, **kwargs: Any) -> Partition | None:
        if not self.has_partition(partition_name, **kwargs):
            return None
        return Partition(self, partition_name, construct_only=True, **kwargs)

    @shimmed("Collection.create_partition")
    def create_partition(
        self, partition_name: str, description: str = "", **kwargs: Any
    ) -> Partition:
        if self.has_partition(partition_name, **kwargs) is True:
            raise PartitionAlreadyExistException(message=ExceptionsMessage.PartitionAlreadyExist)
        return Partition(
            self, partition_name, description=description, _known_missing=True, **kwargs
        )

    @shimmed("Collection.has_partition")
    def has_partition(
        self, partition_name: str, timeout: float | None = None, **kwargs: Any
    ) -> bool:
        return self._client.has_partition(self._name, partition_name, timeout=timeout, **kwargs)

    @shimmed("Collection.drop_partition")
    def drop_partition(
        self, partition_name: str, timeout: float | None = None, **kwargs: Any
    ) -> None:
        self._client.drop_partition(self._name, partition_name, timeout=timeout, **kwargs)

    # ---- indexes ----

    @property
    @shimmed("Collection.indexes")
    def indexes(self) -> list[Index]:
        return [
            Index(self, field, params, index_name=index_name, construct_only=True)
            for field, index_name, params in index_descriptions(self._client, self._name)
        ]

    def _describe_index(self, index_name: str, timeout: float | None = None) -> dict | None:
        """One DescribeIndex, as the ORM sends it: pymilvus returns None for a missing index
        and raises AmbiguousIndexName when the name ("" by default) matches several."""
        return self._client.describe_index(self._name, index_name, timeout=timeout)

    @shimmed("Collection.index")
    def index(self, **kwargs: Any) -> Index:
        index_name = kwargs.pop("index_name", "")
        desc = self._describe_index(index_name, kwargs.get("timeout"))
        if desc is None:
            raise IndexNotExistException(message=ExceptionsMessage.IndexNotExist)
        return Index(
            self,
            desc.get("field_name"),
            orm_index_params(desc),
            index_name=desc.get("index_name", index_name),
            construct_only=True,
        )

    @shimmed("Collection.create_index")
    def create_index(
        self,
        field_name: str,
        index_params: dict | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> Any:
        index_name = kwargs.pop("index_name", "")
        is_async = kwargs.pop("_async", False)
        callback = kwargs.pop("_callback", None)
        params = IndexParams()
        params.append(_OrmIndexParam(field_name, index_params, index_name))
        client = self._client

        def run() -> Status:
            client.create_index(self._name, params, timeout=timeout, **kwargs)
            return Status(Status.SUCCESS, "")  # what the ORM returns for a built index

        if is_async:
            return future.BaseFuture(future.run_async(run, callback))
        return run()

    @shimmed("Collection.alter_index")
    def alter_index(
        self, index_name: str, extra_params: dict, timeout: float | None = None, **kwargs: Any
    ) -> None:
        self._client.alter_index_properties(
            self._name, index_name, properties=extra_params, timeout=timeout, **kwargs
        )

    @shimmed("Collection.has_index")
    def has_index(self, timeout: float | None = None, **kwargs: Any) -> bool:
        index_name = kwargs.pop("index_name", "")
        return self._describe_index(index_name, timeout) is not None

    @shimmed("Collection.drop_index")
    def drop_index(self, timeout: float | None = None, **kwargs: Any) -> None:
        index_name = kwargs.pop("index_name", "")
        desc = self._describe_index(index_name, timeout)
        if desc is not None:  # the ORM silently ignores a missing index
            drop_index_by_field(
                self._client,
                self._name,
                desc.get("field_name", ""),
                desc.get("index_name", index_name),
                timeout,
            )

    # ---- compaction, replicas ----

    @shimmed("Collection.compact")
    def compact(
        self, is_clustering: bool | None = False, timeout: float | None = None, **kwargs: Any
    ) -> None:
        job = self._client.compact(
            self._name, is_clustering=bool(is_clustering), timeout=timeout, **kwargs
        )
        if is_clustering:
            self.clustering_compaction_id = job
        else:
            self.compaction_id = job

    def _compaction_id(self, is_clustering: bool | None) -> int:
        return self.clustering_compaction_id if is_clustering else self.compaction_id

    @shimmed("Collection.get_compaction_state")
    def get_compaction_state(
        self, timeout: float | None = None, is_clustering: bool | None = False, **kwargs: Any
    ) -> Any:
        job = self._compaction_id(is_clustering)
        return _CompactionState(job, self._client.get_compaction_state(job, timeout=timeout))

    @shimmed("Collection.wait_for_compaction_completed")
    def wait_for_compaction_completed(
        self, timeout: float | None = None, is_clustering: bool | None = False, **kwargs: Any
    ) -> Any:
        job = self._compaction_id(is_clustering)
        start = time.monotonic()
        while True:
            state = self._client.get_compaction_state(job)
            if state == "Completed":
                return _CompactionState(job, state)
            if timeout is not None and time.monotonic() - start > timeout:
                raise MilvusException(message=f"wait for compaction timeout, state: {state}")
            time.sleep(0.5)

    @shimmed("Collection.get_compaction_plans")
    def get_compaction_plans(
        self, timeout: float | None = None, is_clustering: bool | None = False, **kwargs: Any
    ) -> Any:
        return self._client.get_compaction_plans(
            self._compaction_id(is_clustering), timeout=timeout
        )

    @shimmed("Collection.get_replicas")
    def get_replicas(self, timeout: float | None = None, **kwargs: Any) -> Any:
        return self._client.describe_replica(self._name, timeout=timeout)

    @shimmed("Collection.describe")
    def describe(self, timeout: float | None = None) -> dict:
        return self._client.describe_collection(self._name, timeout=timeout)


class _CompactionState:
    """The ORM's CompactionState surface over MilvusClient's state string."""

    def __init__(self, compaction_id: int, state_name: str) -> None:
        self.compaction_id = compaction_id
        self.state_name = state_name

    @property
    def state(self) -> str:
        return self.state_name

    def __repr__(self) -> str:
        return f"CompactionState(compaction_id: {self.compaction_id}, state: {self.state_name})"


def _dtype(name: str) -> Any:
    from pymilvus import DataType

    return DataType[name]


def _check_schema(schema: CollectionSchema) -> None:
    """The ORM's create-time checks: at least one field and one vector field."""
    if schema is None:
        raise SchemaNotReadyException(message=ExceptionsMessage.NoSchema)
    if len(schema.fields) < 1:
        raise SchemaNotReadyException(message=ExceptionsMessage.EmptySchema)
    vector_types = {
        "FLOAT_VECTOR",
        "BINARY_VECTOR",
        "FLOAT16_VECTOR",
        "BFLOAT16_VECTOR",
        "SPARSE_FLOAT_VECTOR",
        "INT8_VECTOR",
    }
    if not any(getattr(f.dtype, "name", "") in vector_types for f in schema.fields):
        raise SchemaNotReadyException(message=ExceptionsMessage.NoVector)


def _fields_from_dataframe(df: Any) -> list[FieldSchema]:
    """The ORM's dtype inference for construct_from_dataframe (INT64, DOUBLE, VARCHAR(65535),
    BOOL, FLOAT_VECTOR)."""
    import numpy as np

    fields = []
    for col in df.columns:
        series = df[col]
        kind = series.dtype.kind
        kw: dict[str, Any] = {}
        if kind == "b":
            dtype = "BOOL"
        elif kind in "iu":
            dtype = "INT64"
        elif kind == "f":
            dtype = "DOUBLE" if series.dtype == np.float64 else "FLOAT"
        else:
            first = series.iloc[0] if len(series) else None
            if isinstance(first, str):
                dtype, kw = "VARCHAR", {"max_length": 65535}
            elif isinstance(first, (list, np.ndarray)):
                dtype, kw = "FLOAT_VECTOR", {"dim": len(first)}
            else:
                raise SchemaNotReadyException(
                    message=f"construct_from_dataframe: cannot infer the type of column {col!r}"
                )
        fields.append(FieldSchema(name=col, dtype=_dtype(dtype), **kw))
    return fields


__all__ = ["Collection"]
