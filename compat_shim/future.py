"""ORM-style futures (`result()`, `done()`, `cancel()`) for `_async=True` calls.

MilvusClient only has async search; the shim runs other async ORM calls on a small thread
pool and hands back the same future interface.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable
from typing import Any

from pymilvus import SearchResult
from pymilvus.grpc_gen import schema_pb2

from compat_shim.mutation import MutationResult

_pool: concurrent.futures.ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def submit(func: Callable[..., Any], *args: Any, **kwargs: Any) -> concurrent.futures.Future:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=4, thread_name_prefix="compat-shim"
            )
    return _pool.submit(func, *args, **kwargs)


def empty_search_result() -> SearchResult:
    return SearchResult(schema_pb2.SearchResultData())


class _EmptySearchFuture:
    def result(self, *_: Any, **__: Any) -> SearchResult:
        return empty_search_result()

    def cancel(self) -> None:
        return None

    def done(self) -> None:
        return None


class BaseFuture:
    def __init__(self, future: Any) -> None:
        self._f = future if future is not None else _EmptySearchFuture()

    def result(self, *args: Any, **kwargs: Any) -> Any:
        return self.on_response(self._f.result(*args, **kwargs))

    def on_response(self, res: Any) -> Any:
        return res

    def cancel(self) -> Any:
        return self._f.cancel()

    def done(self) -> Any:
        return self._f.done()


class MutationFuture(BaseFuture):
    def on_response(self, res: Any) -> Any:
        return res if isinstance(res, MutationResult) else MutationResult(res)


class SearchFuture(BaseFuture):
    """Wraps MilvusClient's async search future (or an empty result for empty input)."""


def search_answer(resp: Any, is_async: bool) -> Any:
    """A search's answer as the ORM gives it: a future for `_async=True`. `resp` None stands
    for a search with no queries, which the ORM answers with an empty result."""
    if is_async:
        return SearchFuture(resp)
    return empty_search_result() if resp is None else resp


class _PoolFuture:
    """pymilvus's Future surface over a concurrent.futures.Future: `done()` waits for the
    call and returns None (pymilvus's documented "wait for request done"), `is_done()`
    reports without waiting."""

    def __init__(self, inner: concurrent.futures.Future) -> None:
        self._inner = inner

    def result(self, timeout: float | None = None, **_: Any) -> Any:
        return self._inner.result(timeout=timeout)

    def done(self) -> None:
        concurrent.futures.wait([self._inner])

    def is_done(self) -> bool:
        return self._inner.done()

    def cancel(self) -> bool:
        return self._inner.cancel()

    def exception(self) -> None:
        exc = self._inner.exception()
        if exc is not None:
            raise exc


def run_async(
    func: Callable[..., Any], callback: Callable[[Any], Any] | None, *args: Any, **kwargs: Any
) -> _PoolFuture:
    """Run `func` on the shim's pool; call `callback(result)` on success like the ORM."""

    def job() -> Any:
        res = func(*args, **kwargs)
        if callback is not None:
            callback(res)
        return res

    return _PoolFuture(submit(job))
