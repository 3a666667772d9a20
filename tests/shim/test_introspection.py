"""Every public name of pymilvus's ORM has a counterpart in compat_shim."""

from __future__ import annotations

import inspect
import types
import warnings

import pytest

import compat_shim
from codemods.orm_names import ORM_MODULES, TOP_LEVEL_ORM_NAMES


def _orm_module(name: str) -> types.ModuleType:
    import importlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(name)


def _public_members(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_")}


CLASS_PAIRS = [
    ("pymilvus.orm.collection", "Collection"),
    ("pymilvus.orm.partition", "Partition"),
    ("pymilvus.orm.index", "Index"),
    ("pymilvus.orm.role", "Role"),
    ("pymilvus.orm.connections", "Connections"),
    ("pymilvus.orm.mutation", "MutationResult"),
    ("pymilvus.orm.future", "MutationFuture"),
    ("pymilvus.orm.future", "SearchFuture"),
]


@pytest.mark.parametrize(("module", "cls"), CLASS_PAIRS)
def test_class_members_have_counterparts(module: str, cls: str) -> None:
    orm_cls = getattr(_orm_module(module), cls)
    shim_cls = getattr(_orm_module(ORM_MODULES[module]), cls)
    missing = _public_members(orm_cls) - _public_members(shim_cls)
    assert missing == set(), f"{cls}: no shim counterpart for {sorted(missing)}"
    for name in _public_members(orm_cls):
        orm_kind = isinstance(inspect.getattr_static(orm_cls, name), property)
        shim_kind = isinstance(inspect.getattr_static(shim_cls, name), property)
        assert orm_kind == shim_kind, f"{cls}.{name}: property on one side only"


@pytest.mark.parametrize("module", ["pymilvus.orm.utility", "pymilvus.orm.db"])
def test_module_functions_have_counterparts(module: str) -> None:
    orm = _orm_module(module)
    shim = _orm_module(ORM_MODULES[module])
    public = {
        n
        for n, v in vars(orm).items()
        if not n.startswith("_") and callable(v) and getattr(v, "__module__", "") == module
    }
    assert public, "introspection found nothing: the ORM layout changed"
    missing = {n for n in public if not callable(getattr(shim, n, None))}
    assert missing == set()


@pytest.mark.parametrize("module", sorted(ORM_MODULES))
def test_module_public_names_have_counterparts(module: str) -> None:
    orm = _orm_module(module)
    shim = _orm_module(ORM_MODULES[module])
    public = {
        n
        for n, v in vars(orm).items()
        if not n.startswith("_")
        and (inspect.isclass(v) or inspect.isfunction(v))
        and getattr(v, "__module__", "") == module
    }
    missing = {n for n in public if not hasattr(shim, n)}
    assert missing == set()


def test_top_level_orm_names_are_exported() -> None:
    missing = {n for n in TOP_LEVEL_ORM_NAMES if not hasattr(compat_shim, n)}
    assert missing == set()


def test_shared_names_are_pymilvus_own_objects() -> None:
    import pymilvus

    for name in (
        "FieldSchema",
        "CollectionSchema",
        "DataType",
        "Function",
        "FunctionType",
        "AnnSearchRequest",
        "RRFRanker",
        "WeightedRanker",
        "MilvusException",
    ):
        assert getattr(compat_shim, name) is getattr(pymilvus, name)
