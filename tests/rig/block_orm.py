"""Simulate pymilvus 3.1, where the ORM is gone, so the shim is proven to stand alone."""

from __future__ import annotations

import importlib.abc
import sys

import pymilvus

from codemods.orm_names import ORM_MODULES, TOP_LEVEL_ORM_NAMES


class _BlockOrmModules(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
        if fullname in ORM_MODULES:
            raise ImportError(f"{fullname} is not available (the ORM was removed in pymilvus 3.1)")
        return None


def block_orm() -> None:
    """Remove the deprecated ORM names from `pymilvus` and make its ORM modules unimportable.

    `compat_shim.install()` may put its own objects back afterwards; anything that still
    reaches the real ORM fails loudly.
    """
    for name in TOP_LEVEL_ORM_NAMES:
        if hasattr(pymilvus, name):
            delattr(pymilvus, name)
    for mod in ORM_MODULES:
        sys.modules.pop(mod, None)
        parent, _, child = mod.rpartition(".")
        if parent in sys.modules and hasattr(sys.modules[parent], child):
            delattr(sys.modules[parent], child)
    sys.meta_path.insert(0, _BlockOrmModules())
