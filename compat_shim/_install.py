"""`install()` / `uninstall()`: serve pymilvus's ORM names from the shim.

After `install()`, `from pymilvus import Collection, connections, utility` and
`import pymilvus.orm.collection` (and the other ORM modules) resolve to compat_shim.
"""

from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType
from typing import Any

from codemods.orm_names import ORM_MODULES, TOP_LEVEL_ORM_NAMES

_MISSING = object()
_lock = threading.Lock()
_saved: dict[tuple[str, str], Any] | None = None  # (owner, name) -> original (or _MISSING)


def _shim_object(name: str) -> Any:
    import compat_shim

    if name in ("utility", "db", "connections"):
        return getattr(compat_shim, name)
    if hasattr(compat_shim, name):
        return getattr(compat_shim, name)
    return getattr(compat_shim.utility, name)


def _targets() -> dict[tuple[str, str], Any]:
    """Everything install() replaces: ("attr:<module>", name) and ("sys.modules", modname)."""
    out: dict[tuple[str, str], Any] = {}
    for name in sorted(TOP_LEVEL_ORM_NAMES):
        out[("attr:pymilvus", name)] = _shim_object(name)
    for orm_mod, shim_mod in ORM_MODULES.items():
        module = importlib.import_module(shim_mod)
        out[("sys.modules", orm_mod)] = module
        parent, _, child = orm_mod.rpartition(".")
        out[(f"attr:{parent}", child)] = module
    return out


def _owner(key: str) -> ModuleType | None:
    return sys.modules.get(key[len("attr:") :]) if key.startswith("attr:") else None


def _get(key: tuple[str, str]) -> Any:
    where, name = key
    if where == "sys.modules":
        return sys.modules.get(name, _MISSING)
    owner = _owner(where)
    return _MISSING if owner is None else getattr(owner, name, _MISSING)


def _set(key: tuple[str, str], value: Any) -> None:
    where, name = key
    if where == "sys.modules":
        if value is _MISSING:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = value
        return
    owner = _owner(where)
    if owner is None:
        return
    if value is _MISSING:
        if hasattr(owner, name):
            delattr(owner, name)
    else:
        setattr(owner, name, value)


def install() -> None:
    """Make pymilvus's ORM names resolve to the shim (idempotent)."""
    global _saved

    with _lock:
        if _saved is not None:
            return
        targets = _targets()
        _saved = {key: _get(key) for key in targets}
        for key, value in targets.items():
            _set(key, value)


def uninstall() -> None:
    """Put back whatever install() replaced (idempotent)."""
    global _saved
    with _lock:
        if _saved is None:
            return
        for key, value in _saved.items():
            _set(key, value)
        _saved = None


def is_installed() -> bool:
    return _saved is not None
