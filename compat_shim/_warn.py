"""Opt-in migration warnings: one per call site, naming the codemod rule that migrates it.

Off by default. MILVUS_COMPAT_WARN=1 emits `ShimUsageWarning`; MILVUS_COMPAT_STRICT=1 raises
it. Only the outermost shimmed call warns, as pymilvus does for its own ORM warnings.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class ShimUsageWarning(FutureWarning):
    """An ORM-style call served by compat_shim; the message names the codemod rule."""


# Which codemod concern migrates which ORM API (prefix match, longest first).
_RULES: dict[str, str] = {
    "connections": "connections (milvus-migrate rule group: connections)",
    "Collection.search": "search/query (milvus-migrate rule group: data)",
    "Collection.query": "search/query (milvus-migrate rule group: data)",
    "Collection.insert": "insert/upsert/delete (milvus-migrate rule group: data)",
    "Collection.upsert": "insert/upsert/delete (milvus-migrate rule group: data)",
    "Collection.delete": "insert/upsert/delete (milvus-migrate rule group: data)",
    "Collection": "collection lifecycle (milvus-migrate rule group: collection)",
    "Partition": "partitions (milvus-migrate rule group: partitions)",
    "Index": "index (milvus-migrate rule group: index)",
    "utility": "utility (milvus-migrate rule group: utility/db)",
    "db": "utility (milvus-migrate rule group: utility/db)",
    "Role": "RBAC (report-only: migrate by hand to MilvusClient role methods)",
}

_state = threading.local()
_seen: set[tuple[str, int]] = set()
_seen_lock = threading.Lock()


def _mode() -> str:
    if os.environ.get("MILVUS_COMPAT_STRICT") == "1":
        return "strict"
    if os.environ.get("MILVUS_COMPAT_WARN") == "1":
        return "warn"
    return "off"


def rule_for(api: str) -> str:
    for prefix in sorted(_RULES, key=len, reverse=True):
        if api.startswith(prefix):
            return _RULES[prefix]
    return "milvus-migrate"


def _caller_site(depth: int) -> tuple[str, int]:
    frame = sys._getframe(depth)
    return frame.f_code.co_filename, frame.f_lineno


def notify(api: str, depth: int = 3) -> None:
    """Emit the warning for `api` once per call site (depth: frames up to the user's code)."""
    mode = _mode()
    if mode == "off":
        return
    site = _caller_site(depth)
    with _seen_lock:
        if mode == "warn" and site in _seen:
            return
        _seen.add(site)
    message = (
        f"{api} is served by compat_shim (pymilvus's ORM API on MilvusClient); "
        f"migrate it with `milvus-migrate`: {rule_for(api)}"
    )
    if mode == "strict":
        raise ShimUsageWarning(message)
    warnings.warn_explicit(message, ShimUsageWarning, site[0], site[1])


def shimmed(api: str) -> Callable[[F], F]:
    """Decorate a public shim callable: warn (if enabled) at the outermost call only."""

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            depth = getattr(_state, "depth", 0)
            if depth == 0:
                notify(api)
            _state.depth = depth + 1
            try:
                return func(*args, **kwargs)
            finally:
                _state.depth = depth

        return inner  # type: ignore[return-value]

    return wrap
