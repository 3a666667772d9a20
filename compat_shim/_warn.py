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


# Which milvus-migrate rule migrates which ORM API (longest prefix wins). Codes are the
# codemods' own (codemods/*.py); an API without a rewrite rule names its report-only rule.
_RULES: dict[str, str] = {
    "connections.connect": "MM101",
    "connections.disconnect": "MM102",
    "connections": "MM103",
    "Collection": "MM110",
    "Collection.construct_from_dataframe": "MM110",
    "Collection.load": "MM111",
    "Collection.release": "MM111",
    "Collection.drop": "MM111",
    "Collection.flush": "MM111",
    "Collection.describe": "MM111",
    "Collection.truncate": "MM111",
    "Collection.set_properties": "MM111",
    "Collection.num_entities": "MM112",
    "Collection.is_empty": "MM112",
    "Collection.aliases": "MM112",
    "Collection.partitions": "MM112",
    "Collection.indexes": "MM112",
    "Collection.create_index": "MM120",
    "Collection.index": "MM121",
    "Collection.has_index": "MM121",
    "Collection.drop_index": "MM121",
    "Collection.alter_index": "MM121",
    "Collection.insert": "MM130",
    "Collection.upsert": "MM130",
    "Collection.delete": "MM132",
    "Collection.search": "MM140",
    "Collection.hybrid_search": "MM140",
    "Collection.query": "MM141",
    "Collection.query_iterator": "MM142",
    "Collection.search_iterator": "MM142",
    "Collection.create_partition": "MM150",
    "Collection.has_partition": "MM150",
    "Collection.drop_partition": "MM150",
    "Collection.partition": "MM150",
    "Partition": "MM150",
    "Index": "MM120",
    "utility": "MM160",
    "db": "MM161",
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
    """The rule code for `api`: exact name first, then the longest dotted prefix."""
    parts = api.split(".")
    for end in range(len(parts), 0, -1):
        if end == 1 and len(parts) > 1 and parts[0] == "Collection":
            break  # a Collection method without its own rule is not the constructor's
        code = _RULES.get(".".join(parts[:end]))
        if code:
            return f"rule {code} (`milvus-migrate rules {code}`)"
    return "no rewrite rule: migrate it by hand (`milvus-migrate rules` lists them)"


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
        f"`milvus-migrate` migrates it with {rule_for(api)}"
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
