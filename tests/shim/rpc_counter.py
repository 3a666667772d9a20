"""Count gRPC calls per method on every channel pymilvus opens (a real client interceptor on
real channels: nothing is faked, every call still reaches the server)."""

from __future__ import annotations

import collections
import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import grpc


class CountingInterceptor(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    def __init__(self) -> None:
        self.calls: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()

    def _count(self, details: Any) -> None:
        with self._lock:
            self.calls[details.method.rsplit("/", 1)[-1]] += 1

    def intercept_unary_unary(self, continuation, client_call_details, request):  # noqa: ANN001
        self._count(client_call_details)
        return continuation(client_call_details, request)

    def intercept_unary_stream(self, continuation, client_call_details, request):  # noqa: ANN001
        self._count(client_call_details)
        return continuation(client_call_details, request)

    def intercept_stream_unary(self, continuation, client_call_details, request_iterator):  # noqa: ANN001
        self._count(client_call_details)
        return continuation(client_call_details, request_iterator)

    def intercept_stream_stream(self, continuation, client_call_details, request_iterator):  # noqa: ANN001
        self._count(client_call_details)
        return continuation(client_call_details, request_iterator)

    def snapshot(self) -> collections.Counter[str]:
        with self._lock:
            return collections.Counter(self.calls)


@contextlib.contextmanager
def counting_channels() -> Iterator[CountingInterceptor]:
    """Every `grpc.insecure_channel` opened inside the block is wrapped by one interceptor."""
    counter = CountingInterceptor()
    original = grpc.insecure_channel

    def counted_channel(*args: Any, **kwargs: Any) -> grpc.Channel:
        return grpc.intercept_channel(original(*args, **kwargs), counter)

    grpc.insecure_channel = counted_channel
    try:
        yield counter
    finally:
        grpc.insecure_channel = original
