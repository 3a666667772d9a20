"""`Partition`: the ORM's partition handle; the description lives only in this object,
exactly as in the ORM (the server never stores it)."""

from __future__ import annotations

import json
from typing import Any

from pymilvus.exceptions import MilvusException

from compat_shim._warn import shimmed


class Partition:
    """A partition of a `Collection`: reads and writes are the collection's, scoped to it
    (the arguments are passed on in the collection method's positional order)."""

    @shimmed("Partition")
    def __init__(self, collection: Any, name: str, description: str = "", **kwargs: Any) -> None:
        from compat_shim.collection import Collection

        if isinstance(collection, Collection):
            self._collection = collection
        elif isinstance(collection, str):
            self._collection = Collection(collection)  # the default alias, as in the ORM
        else:
            raise MilvusException(
                message="Collection must be of type pymilvus.Collection or String"
            )
        self._name = name
        self._description = description
        known_missing = kwargs.pop("_known_missing", False)
        if kwargs.pop("construct_only", False):
            return
        if known_missing or not self._collection.has_partition(name, **kwargs):
            self._collection._client.create_partition(self._collection.name, name, **kwargs)

    def __repr__(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "collection_name": self._collection.name,
                "description": self.description,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @property
    def description(self) -> str:
        return self._description

    @property
    def name(self) -> str:
        return self._name

    @property
    @shimmed("Partition.is_empty")
    def is_empty(self) -> bool:
        return self.num_entities == 0

    @property
    @shimmed("Partition.num_entities")
    def num_entities(self) -> int:
        stats = self._collection._client.get_partition_stats(self._collection.name, self._name)
        return int(stats["row_count"])

    @shimmed("Partition.flush")
    def flush(self, timeout: float | None = None, **kwargs: Any) -> None:
        self._collection._client.flush(self._collection.name, timeout=timeout, **kwargs)

    @shimmed("Partition.drop")
    def drop(self, timeout: float | None = None, **kwargs: Any) -> None:
        self._collection._client.drop_partition(
            self._collection.name, self._name, timeout=timeout, **kwargs
        )

    @shimmed("Partition.load")
    def load(
        self, replica_number: int | None = None, timeout: float | None = None, **kwargs: Any
    ) -> None:
        if replica_number is not None:
            kwargs["replica_number"] = replica_number
        self._collection._client.load_partitions(
            self._collection.name, [self._name], timeout=timeout, **kwargs
        )

    @shimmed("Partition.release")
    def release(self, timeout: float | None = None, **kwargs: Any) -> None:
        self._collection._client.release_partitions(
            self._collection.name, [self._name], timeout=timeout, **kwargs
        )

    @shimmed("Partition.insert")
    def insert(self, data: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        return self._collection.insert(data, self._name, timeout=timeout, **kwargs)

    @shimmed("Partition.delete")
    def delete(self, expr: str, timeout: float | None = None, **kwargs: Any) -> Any:
        return self._collection.delete(expr, self._name, timeout=timeout, **kwargs)

    @shimmed("Partition.upsert")
    def upsert(self, data: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        return self._collection.upsert(data, self._name, timeout=timeout, **kwargs)

    @shimmed("Partition.search")
    def search(
        self,
        data: Any,
        anns_field: str,
        param: dict,
        limit: int,
        expr: str | None = None,
        output_fields: list | None = None,
        timeout: float | None = None,
        round_decimal: int = -1,
        **kwargs: Any,
    ) -> Any:
        return self._collection.search(
            data,
            anns_field,
            param,
            limit,
            expr,
            [self._name],
            output_fields,
            timeout,
            round_decimal,
            **kwargs,
        )

    @shimmed("Partition.hybrid_search")
    def hybrid_search(
        self,
        reqs: list,
        rerank: Any,
        limit: int,
        output_fields: list | None = None,
        timeout: float | None = None,
        round_decimal: int = -1,
        **kwargs: Any,
    ) -> Any:
        return self._collection.hybrid_search(
            reqs, rerank, limit, [self._name], output_fields, timeout, round_decimal, **kwargs
        )

    @shimmed("Partition.query")
    def query(
        self,
        expr: str,
        output_fields: list | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> Any:
        return self._collection.query(expr, output_fields, [self._name], timeout, **kwargs)

    @shimmed("Partition.get_replicas")
    def get_replicas(self, timeout: float | None = None, **kwargs: Any) -> Any:
        return self._collection.get_replicas(timeout=timeout, **kwargs)
