"""`Index`: the ORM's index handle (creating on construction unless construct_only)."""

from __future__ import annotations

import copy
from typing import Any

from pymilvus.exceptions import CollectionNotExistException, ExceptionsMessage

from compat_shim._warn import shimmed


class Index:
    @shimmed("Index")
    def __init__(self, collection: Any, field_name: str, index_params: dict, **kwargs: Any) -> None:
        from compat_shim.collection import Collection

        if not isinstance(collection, Collection):
            raise CollectionNotExistException(message=ExceptionsMessage.CollectionType)
        self._collection = collection
        self._field_name = field_name
        self._index_params = index_params
        self._index_name = kwargs.get("index_name", "")
        if kwargs.pop("construct_only", False):
            return
        collection.create_index(field_name, index_params, **kwargs)
        client = collection._client
        for name in client.list_indexes(collection.name, field_name=field_name):
            self._index_name = name
            break

    @property
    def params(self) -> dict:
        return copy.deepcopy(self._index_params)

    @property
    def collection_name(self) -> str:
        return self._collection.name

    @property
    def field_name(self) -> str:
        return self._field_name

    @property
    def index_name(self) -> str:
        return self._index_name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Index) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict:
        return {
            "collection": self._collection._name,
            "field": self._field_name,
            "index_name": self._index_name,
            "index_param": self.params,
        }

    @shimmed("Index.drop")
    def drop(self, timeout: float | None = None, **kwargs: Any) -> None:
        from compat_shim._below import drop_index_by_field

        drop_index_by_field(
            self._collection._client,
            self._collection.name,
            self._field_name,
            self._index_name,
            timeout,
        )
