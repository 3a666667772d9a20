"""The real Milvus standalone server (PyPI `milvus` 2.3.5) for the `--milvus=server` lane.

We drive the package's binary ourselves instead of calling `milvus.default_server.start()`:
- `default_server` scans upwards from fixed ports (19530, 9091, ...) and its embedded etcd always
  listens on 2379/2380, so two test sessions on one machine would collide. Here every port,
  the etcd client and peer ports included, is a fresh OS-assigned port.
- it re-extracts ~56 MB of lzma binaries into every base dir (5-7 s); we extract once into a
  per-user cache and point each server at it.
- its `stop()` gives the server 1 s; we own the process group and also ask the kernel to kill
  the server when the test process dies (PR_SET_PDEATHSIG), so nothing outlives the session.
- "started" means a MilvusClient can list collections, not merely that a port is open.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from pymilvus import MilvusClient

from tests.rig.servers import MilvusTarget, free_port

START_TIMEOUT = 180.0  # seconds; a loaded 2-core CI box needs well under a minute
STOP_TIMEOUT = 3.0  # a graceful milvus shutdown can take >20 s; its data is thrown away anyway
LOG_TAIL_CHARS = 4000
# Milvus 2.3.5 now and then aborts while starting (SIGABRT from gRPC's poller: "epoll_wait
# error: Bad file descriptor"; seen once in ~40 CI starts). A start killed by a signal is
# retried on new ports. Go panics abort too (a bad config does), so a deterministic failure
# costs START_ATTEMPTS quick starts before it is reported; an exit with a status or a timeout
# is reported at once.
START_ATTEMPTS = 3

# The ports milvus' config template exposes (milvus/data/config.yaml.template).
_TEMPLATE_PORTS = (
    "etcd_port",
    "proxy_port",
    "proxy_internal_port",
    "root_coord_port",
    "query_coord_port",
    "query_node_port",
    "index_coord_port",
    "index_node_port",
    "data_coord_port",
    "data_node_port",
)

_PR_SET_PDEATHSIG = 1

# milvus.yaml settings changed from the package's template (dotted keys, passed as env vars).
# Polling intervals, to cut the test wait: releasing drops from ~1 s to ~0.2 s and a Strong
# read waits less for the time tick; and the Bounded staleness window (see below).
TUNING: dict[str, object] = {
    "queryCoord.checkInterval": 200,  # ms, default 1000
    "queryCoord.distPullInterval": 100,  # ms, default 500
    "proxy.timeTickInterval": 100,  # ms, default 200
    # Bounded reads wait for data older than `now - gracefulTime`. At the default 5000 ms a read
    # right after a write sees it or not by chance (ORM and MilvusClient alike), which makes
    # every comparison flaky. At 0 a Bounded read sees earlier writes; the stored consistency
    # level, load and index rules, and flush-only counts stay those of a real server.
    "common.gracefulTime": 0,  # ms, default 5000
}


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:  # not glibc/Linux: teardown and atexit still stop the server
        pass


def _env_key(key: str) -> str:
    """milvus reads every config key from the environment too, matching case-insensitively and
    ignoring `.` and `_` (pkg/config/env_source.go); env also reaches keys the template lacks."""
    return key.replace(".", "_").upper()


def _env_value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "milvus-migrate"


def binaries_dir() -> Path:
    """Extract the server binary and its libraries once per package version; safe when two
    sessions race (each extracts into its own temp dir, the first rename wins)."""
    import milvus

    target = _cache_root() / f"milvus-{milvus.__version__}" / "bin"
    if (target / "milvus").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="extract-", dir=target.parent))
    try:
        milvus._initialize_data_files(str(staging))  # writes staging/bin/*
        try:
            os.rename(staging / "bin", target)
        except OSError:
            if not (target / "milvus").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _etcd_config(client_port: int, peer_port: int) -> str:
    client = f"http://127.0.0.1:{client_port}"
    peer = f"http://127.0.0.1:{peer_port}"
    return (
        "name: default\n"
        f"listen-client-urls: {client}\n"
        f"advertise-client-urls: {client}\n"
        f"listen-peer-urls: {peer}\n"
        f"initial-advertise-peer-urls: {peer}\n"
        f"initial-cluster: default={peer}\n"
    )


class _StartupCrash(RuntimeError):
    """The server process was killed by a signal while starting (see START_ATTEMPTS)."""


class RealMilvusServer:
    """One real Milvus standalone process with all its state under `base_dir`."""

    def __init__(self, base_dir: Path, overrides: dict[str, object] | None = None) -> None:
        self.base_dir = Path(base_dir)
        self.overrides = dict(TUNING if overrides is None else overrides)
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.log = self.base_dir / "logs" / "milvus-stdout.log"
        self.startup_seconds: float | None = None
        self.crashed_starts: list[Path] = []  # logs of attempts that died by a signal

    # -- start ---------------------------------------------------------------------------
    def _write_config(self) -> tuple[str, dict[str, str]]:
        """Write milvus.yaml and etcd.yaml with fresh ports; return (executable, environment)."""
        from milvus import MilvusServerConfig

        ports = {key: free_port() for key in _TEMPLATE_PORTS}
        config = MilvusServerConfig(data_dir=str(self.base_dir), **ports)
        config.resolve()  # writes configs/milvus.yaml, creates logs/ and data/
        config.cleanup_listen_ports()
        self.port = ports["proxy_port"]
        etcd_yaml = self.base_dir / "configs" / "etcd.yaml"
        etcd_yaml.write_text(_etcd_config(ports["etcd_port"], free_port()))
        bin_dir = binaries_dir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MILVUS_", "ETCD_"))}
        env.update(
            DEPLOY_MODE="STANDALONE",
            METRICS_PORT=str(free_port()),
            MILVUS_RUN_DIR=str(self.base_dir / "run"),
            # milvus maps env vars onto config keys: ETCD_CONFIG_PATH -> etcd.config.path,
            # the embedded etcd's own config (the template has no key for its ports).
            ETCD_CONFIG_PATH=str(etcd_yaml),
            **{_env_key(key): _env_value(value) for key, value in self.overrides.items()},
            LD_LIBRARY_PATH=os.pathsep.join(
                filter(None, [str(bin_dir), os.environ.get("LD_LIBRARY_PATH")])
            ),
        )
        return str(bin_dir / "milvus"), env

    def start(self) -> MilvusTarget:
        began = time.monotonic()
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.crashed_starts = []
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                self._start_once(began + START_TIMEOUT)
                break
            except _StartupCrash as crash:
                if attempt == START_ATTEMPTS:
                    raise RuntimeError(
                        f"{crash} ({attempt} attempts)\n--- tail of {self.log} ---\n"
                        f"{self.log_tail()}"
                    ) from None
                # Keep the crashed attempt's log for the record; start clean.
                kept = self.log.with_name(f"milvus-stdout.crash{attempt}.log")
                self.log.replace(kept)
                self.crashed_starts.append(kept)
                shutil.rmtree(self.base_dir / "data", ignore_errors=True)
        self.startup_seconds = time.monotonic() - began
        uri = f"http://127.0.0.1:{self.port}"
        return MilvusTarget(uri=uri, host="127.0.0.1", port=self.port, lane="server")

    def _start_once(self, deadline: float) -> None:
        exe, env = self._write_config()
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [exe, "run", "standalone"],
                cwd=self.base_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # our own process group: stop() signals all of it
                preexec_fn=_die_with_parent,
            )
        atexit.register(self.stop)
        try:
            self._wait_ready(deadline)
        except BaseException as exc:  # also Ctrl-C during startup
            self.stop()
            if isinstance(exc, _StartupCrash):
                raise
            if isinstance(exc, RuntimeError):
                raise RuntimeError(
                    f"{exc}\n--- tail of {self.log} ---\n{self.log_tail()}"
                ) from None
            raise

    def _wait_ready(self, deadline: float) -> None:
        uri = f"http://127.0.0.1:{self.port}"
        last: Exception | None = None
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                status = self.proc.returncode
                error = _StartupCrash if status < 0 else RuntimeError
                raise error(f"milvus exited during startup with status {status}")
            try:
                client = MilvusClient(uri=uri, timeout=3)
                try:
                    client.list_collections()
                    return
                finally:
                    client.close()
            except Exception as exc:  # not serving yet
                last = exc
                time.sleep(0.25)
        raise RuntimeError(
            f"milvus did not answer list_collections on {uri} within {START_TIMEOUT:.0f}s"
            f" (last error: {last!r})"
        )

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-LOG_TAIL_CHARS:]
        except OSError as exc:
            return f"<no log: {exc}>"

    # -- stop ----------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop the server and its process group; idempotent. Data is removed, logs are kept."""
        proc, self.proc = self.proc, None
        atexit.unregister(self.stop)
        if proc is None:
            return
        if proc.poll() is None:
            self._signal_group(proc, signal.SIGTERM)
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._signal_group(proc, signal.SIGKILL)
                proc.wait(STOP_TIMEOUT)
        # Anything the server forked into its group dies with it.
        self._signal_group(proc, signal.SIGKILL)
        shutil.rmtree(self.base_dir / "data", ignore_errors=True)

    @staticmethod
    def _signal_group(proc: subprocess.Popen, sig: int) -> None:
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
