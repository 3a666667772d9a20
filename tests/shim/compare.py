"""Run one scenario on pymilvus's ORM and on compat_shim (each on its own fresh server) and
record what every step returned or raised, in a comparable form."""

from __future__ import annotations

import types
import warnings
from collections.abc import Callable
from typing import Any

import pymilvus

import compat_shim


def _api(name: str, root: Any, utility: Any, db: Any) -> types.SimpleNamespace:
    """The ORM's public objects as one side provides them (`root`: its top-level package)."""
    return types.SimpleNamespace(
        name=name,
        connections=root.connections,
        Collection=root.Collection,
        Partition=root.Partition,
        Index=root.Index,
        utility=utility,
        db=db,
        Role=root.Role,
    )


def orm_api() -> types.SimpleNamespace:
    """pymilvus's own ORM objects (deprecated, so their warnings are silenced here)."""
    from pymilvus.orm import db, utility  # noqa: PLC0415 - the reference side only

    return _api("orm", pymilvus, utility, db)


def shim_api() -> types.SimpleNamespace:
    return _api("shim", compat_shim, compat_shim.utility, compat_shim.db)


def plain(value: Any) -> Any:
    """A comparable, printable form of a result."""
    if isinstance(value, pymilvus.SearchResult) or (
        isinstance(value, list) and value and isinstance(value[0], pymilvus.Hits)
    ):
        return [
            [(h.id, round(h.distance, 3), plain(dict(h.entity.fields))) for h in hits]
            for hits in value
        ]
    if hasattr(value, "insert_count") and hasattr(value, "primary_keys"):
        return {
            "insert": value.insert_count,
            "delete": value.delete_count,
            "upsert": value.upsert_count,
            "pks": sorted(plain(list(value.primary_keys))),
            "succ": value.succ_count,
            "err": value.err_count,
            "has_ts": value.timestamp > 0,
        }
    if type(value).__name__ == "Index":
        return (
            "Index",
            value.collection_name,
            value.field_name,
            value.index_name,
            plain(value.params),
        )
    if type(value).__name__ == "Partition":
        return ("Partition", value.name, value.description, repr(value))
    if type(value).__name__ in ("LoadState",):
        return value.name
    if type(value).__name__ == "Status":
        return ("Status", value.code, value.message, repr(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        items = [plain(v) for v in value]
        return items
    if isinstance(value, float):
        return round(value, 3)
    if hasattr(value, "tolist"):
        return plain(value.tolist())
    return value


class Recorder:
    def __init__(self) -> None:
        self.steps: list[tuple[str, Any]] = []

    def __call__(
        self, label: str, fn: Callable[[], Any], keep: Callable[[Any], Any] = plain
    ) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pymilvus.PyMilvusDeprecationWarning)
            try:
                value = fn()
            except Exception as exc:  # the error path is part of the behaviour
                self.steps.append((label, ("raises", type(exc).__name__)))
                return None
        self.steps.append((label, keep(value)))
        return value


def run_both(
    scenario: Callable[[types.SimpleNamespace, Recorder, Any], None],
    milvus_factory: Callable[[], Any],
) -> tuple[list, list]:
    out = []
    for api in (orm_api(), shim_api()):
        target = milvus_factory()
        rec = Recorder()
        alias = f"t-{api.name}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pymilvus.PyMilvusDeprecationWarning)
            api.connections.connect(alias, uri=target.uri)
        try:
            scenario(api, rec, types.SimpleNamespace(alias=alias, target=target))
        finally:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", pymilvus.PyMilvusDeprecationWarning)
                api.connections.remove_connection(alias)
        out.append(rec.steps)
    return out[0], out[1]


def assert_same(orm_steps: list, shim_steps: list) -> None:
    assert len(orm_steps) > 0
    assert [lbl for lbl, _ in orm_steps] == [lbl for lbl, _ in shim_steps]
    for (label_o, val_o), (label_s, val_s) in zip(orm_steps, shim_steps, strict=True):
        assert label_o == label_s
        assert val_s == val_o, f"step {label_o!r}: ORM {val_o!r} != shim {val_s!r}"
    assert len(orm_steps) == len(shim_steps)
