"""MutationResult with the ORM's attributes, built from MilvusClient's dict (or list) results."""

from __future__ import annotations

from typing import Any


class MutationResult:
    """The ORM's MutationResult over what a mutation returned.

    `res` is either pymilvus's own mutation result (what the ORM wraps too: every field is
    real) or MilvusClient's dict / list of deleted keys, where `timestamp` is 0 and the
    success indexes are derived from the count (a failed mutation raises instead).
    """

    def __init__(self, res: Any = None, kind: str = "insert") -> None:
        self._raw = res if hasattr(res, "insert_count") else None
        if isinstance(res, list):  # the server echoed the deleted primary keys
            res = {"delete_count": len(res), "ids": res}
        self._res = dict(res) if isinstance(res, dict) else {}
        count = self._res.get(f"{kind}_count", 0)
        self._succ = list(range(count)) if kind != "delete" else []

    def _get(self, name: str, default: Any) -> Any:
        if self._raw is not None:
            return getattr(self._raw, name)
        return default

    @property
    def primary_keys(self) -> Any:
        return self._get("primary_keys", list(self._res.get("ids", []) or []))

    @property
    def insert_count(self) -> int:
        return self._get("insert_count", int(self._res.get("insert_count", 0)))

    @property
    def delete_count(self) -> int:
        return self._get("delete_count", int(self._res.get("delete_count", 0)))

    @property
    def upsert_count(self) -> int:
        return self._get("upsert_count", int(self._res.get("upsert_count", 0)))

    @property
    def timestamp(self) -> int:
        return self._get("timestamp", 0)

    @property
    def succ_count(self) -> int:
        return self._get("succ_count", len(self._succ))

    @property
    def err_count(self) -> int:
        return self._get("err_count", 0)

    @property
    def succ_index(self) -> Any:
        return self._get("succ_index", list(self._succ))

    @property
    def err_index(self) -> Any:
        return self._get("err_index", [])

    @property
    def cost(self) -> int:
        return self._get("cost", int(self._res.get("cost", 0) or 0))

    def __str__(self) -> str:
        if self._raw is not None:
            return str(self._raw)
        text = (
            f"(insert count: {self.insert_count}, delete count: {self.delete_count}, "
            f"upsert count: {self.upsert_count}, timestamp: {self.timestamp}, "
            f"success count: {self.succ_count}, err count: {self.err_count}"
        )
        return f"{text}, cost: {self.cost})" if self.cost else text

    __repr__ = __str__
