"""Shared fixtures: real Milvus servers (never mocks) and program runs.

`--milvus=lite` (default) starts a fresh `milvus-lite server` per use; `--milvus=server` runs
the real Milvus standalone server from PyPI's `milvus` package once per session and resets it
between uses; `--milvus=uri:http://host:port` points at your own server (also reset: use a
throwaway instance).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.rig.servers import LiteServer, MilvusTarget, embedded_target, reset_server


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--milvus",
        default="lite",
        help="which server the live tests use: lite (default), server, or uri:<URI>",
    )


def _lane(config: pytest.Config) -> str:
    value = config.getoption("--milvus")
    if value in ("lite", "server") or value.startswith("uri:"):
        return value
    raise pytest.UsageError(f"--milvus must be lite, server or uri:<URI>, not {value!r}")


_LANE_MARKERS = {"lite_only": ("lite",), "server_only": ("server", "uri")}
_SERVER_FIXTURES = {"milvus", "milvus_factory", "_shared_server"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that talks to a server `milvus` (so `-m milvus` selects the live tests
    for the server lane); skip lane-bound tests on the other lane, always with the reason."""
    lane = _lane(config).split(":", 1)[0]
    for item in items:
        if _SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.milvus)
        for name, lanes in _LANE_MARKERS.items():
            for mark in item.iter_markers(name):
                reason = mark.kwargs.get("reason") or (mark.args[0] if mark.args else "")
                if not reason:
                    raise pytest.UsageError(f"{item.nodeid}: @{name} needs a reason")
                if lane not in lanes:
                    item.add_marker(pytest.mark.skip(reason=f"{name} ({lane} lane): {reason}"))


@pytest.fixture(scope="session", autouse=True)
def _no_result_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The CLI's result cache is off for the suite (tests/test_cache.py turns it on per test).

    A hit would skip the codemods, so a test that runs the same file twice (or patches the
    pipeline to fail) would no longer test what it says. The folder is pointed at a temporary
    one as well, so nothing is ever written into the repository. Set in os.environ so that
    subprocesses (`python -m migrator`, pre-commit hooks) see it too.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MILVUS_MIGRATE_NO_CACHE", "1")
        mp.setenv("MILVUS_MIGRATE_CACHE_DIR", str(tmp_path_factory.mktemp("result-cache")))
        yield


@pytest.fixture(scope="session")
def milvus_lane(pytestconfig: pytest.Config) -> str:
    return _lane(pytestconfig).split(":", 1)[0]


@pytest.fixture(scope="session")
def _shared_server(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory):
    """The one long-lived server for the server and uri lanes (None on the lite lane)."""
    lane = _lane(pytestconfig)
    if lane == "lite":
        yield None
        return
    if lane.startswith("uri:"):
        yield MilvusTarget(uri=lane[4:], lane="uri")
        return
    from tests.rig.real_server import RealMilvusServer

    server = RealMilvusServer(tmp_path_factory.mktemp("milvus-server"))
    target = server.start()
    try:
        yield target
    finally:
        server.stop()


@pytest.fixture
def milvus_factory(
    _shared_server: MilvusTarget | None, tmp_path: Path
) -> Iterator[Callable[[], MilvusTarget]]:
    """Call it to get a fresh, empty server reachable over TCP (one per call on lite)."""
    started: list[LiteServer] = []
    targets: list[MilvusTarget] = []
    counter = iter(range(1000))

    def make() -> MilvusTarget:
        if _shared_server is not None:
            reset_server(_shared_server)
            target = MilvusTarget(
                _shared_server.uri, _shared_server.host, _shared_server.port, _shared_server.lane
            )
        else:
            server = LiteServer(tmp_path / f"lite-{next(counter)}")
            started.append(server)
            target = server.start()
        targets.append(target)
        return target

    yield make
    for t in targets:
        t.close_clients()
    for s in started:
        s.stop()
    if _shared_server is not None:
        reset_server(_shared_server)


@pytest.fixture
def milvus(milvus_factory: Callable[[], MilvusTarget]) -> MilvusTarget:
    """One fresh server for this test."""
    return milvus_factory()


@pytest.fixture
def lite_embedded(tmp_path: Path) -> MilvusTarget:
    """An embedded milvus-lite database path (`MilvusClient("x.db")` form)."""
    return embedded_target(tmp_path / "embedded")
