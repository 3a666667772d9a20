"""MutationResult with the ORM's attributes, built from MilvusClient's dict (or list) results."""

from __future__ import annotations

from typing import Any


class MutationResult:
    """The ORM's MutationResult view over `insert`/`upsert`/`delete` results of MilvusClient.

    `timestamp` is the collection's last-write timestamp recorded by pymilvus for the call
    (MilvusClient does not return it); `succ_index` lists every row, since a failed
    mutation raises instead of returning partial success.
    """

    def __init__(
        self, res: Any = None, timestamp: int = 0, kind: str = "insert", rows: int | None = None
    ) -> None:
        if isinstance(res, list):  # the server echoed the deleted primary keys
            res = {"delete_count": len(res), "ids": res}
        self._res = dict(res) if res else {}
        self._timestamp = timestamp or 0
        count = self._res.get(f"{kind}_count", 0)
        self._succ = list(range(count if rows is None else rows)) if kind != "delete" else []

    @property
    def primary_keys(self) -> list:
        return list(self._res.get("ids", []) or [])

    @property
    def insert_count(self) -> int:
        return int(self._res.get("insert_count", 0))

    @property
    def delete_count(self) -> int:
        return int(self._res.get("delete_count", 0))

    @property
    def upsert_count(self) -> int:
        return int(self._res.get("upsert_count", 0))

    @property
    def timestamp(self) -> int:
        return self._timestamp

    @property
    def succ_count(self) -> int:
        return len(self._succ)

    @property
    def err_count(self) -> int:
        return 0

    @property
    def succ_index(self) -> list:
        return list(self._succ)

    @property
    def err_index(self) -> list:
        return []

    @property
    def cost(self) -> int:
        return int(self._res.get("cost", 0) or 0)

    def __str__(self) -> str:
        text = (
            f"(insert count: {self.insert_count}, delete count: {self.delete_count}, "
            f"upsert count: {self.upsert_count}, timestamp: {self.timestamp}, "
            f"success count: {self.succ_count}, err count: {self.err_count}"
        )
        return f"{text}, cost: {self.cost})" if self.cost else text

    __repr__ = __str__
