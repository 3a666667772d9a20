"""Real Milvus servers for tests: embedded milvus-lite, `milvus-lite server` on a free port,
the real Milvus standalone server from PyPI's `milvus` package, or a user's own URI."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pymilvus import MilvusClient


@dataclass
class MilvusTarget:
    """Where a program or a test talks to Milvus."""

    uri: str
    host: str | None = None
    port: int | None = None
    lane: str = "lite"  # "lite" | "server" | "uri"
    _clients: list[MilvusClient] = field(default_factory=list, repr=False)

    def client(self) -> MilvusClient:
        c = MilvusClient(uri=self.uri)
        self._clients.append(c)
        return c

    def env(self) -> dict[str, str]:
        env = {"MILVUS_URI": self.uri, "MILVUS_LANE": self.lane}
        if self.host is not None:
            env["MILVUS_HOST"] = self.host
            env["MILVUS_PORT"] = str(self.port)
        return env

    def close_clients(self) -> None:
        for c in self._clients:
            try:
                c.close()
            except Exception:
                pass
        self._clients.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(
    host: str, port: int, timeout: float, proc: subprocess.Popen | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited early with status {proc.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on {host}:{port} did not start within {timeout}s")


def _lite_server_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("milvus-lite")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("milvus-lite")
    if found:
        return [found]
    return [sys.executable, "-m", "milvus_lite"]


class LiteServer:
    """`milvus-lite server` in a subprocess on a free 127.0.0.1 port; its data dies with it."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = data_dir / "server.log"

    def start(self) -> MilvusTarget:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [
            *_lite_server_cmd(),
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir / "data"),
        ]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            wait_for_port("127.0.0.1", self.port, 60, self.proc)
        except RuntimeError as exc:
            self.stop()
            raise RuntimeError(
                f"{exc}; log:\n{self.log.read_text(errors='replace')[-2000:]}"
            ) from None
        return MilvusTarget(
            uri=f"http://127.0.0.1:{self.port}", host="127.0.0.1", port=self.port, lane="lite"
        )

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None


_BUILTIN_USERS = {"root"}
_BUILTIN_ROLES = {"admin", "public"}


def reset_server(target: MilvusTarget) -> None:
    """Make a shared server look fresh: drop every non-default database, collection, alias,
    user and role.

    One client per database (`db_name=`), because `use_database` calls DescribeDatabase, which
    Milvus 2.3.5 (the server lane) does not implement."""
    client = MilvusClient(uri=target.uri)
    try:
        for db in client.list_databases():
            db_client = MilvusClient(uri=target.uri, db_name=db)
            try:
                for alias in db_client.list_aliases().get("aliases", []):
                    db_client.drop_alias(alias)
                for name in db_client.list_collections():
                    db_client.drop_collection(name)
            finally:
                db_client.close()
        for db in client.list_databases():
            if db != "default":
                client.drop_database(db)
        _reset_rbac(client)
    finally:
        client.close()


def _reset_rbac(client: MilvusClient) -> None:
    """Drop test-made users and roles; milvus-lite has no RBAC RPCs (UNIMPLEMENTED)."""
    try:
        users = client.list_users()
    except Exception:
        return
    for user in users:
        if user not in _BUILTIN_USERS:
            client.drop_user(user)
    for role in client.list_roles():
        if role in _BUILTIN_ROLES:
            continue
        for grant in client.describe_role(role).get("privileges", []):
            client.revoke_privilege(
                role,
                grant["object_type"],
                grant["privilege"],
                grant["object_name"],
                db_name=grant.get("db_name", "default"),
            )
        client.drop_role(role)


def embedded_target(tmp_dir: Path) -> MilvusTarget:
    """An embedded milvus-lite database file (the program starts the server in-process)."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    return MilvusTarget(uri=str(tmp_dir / "milvus.db"), lane="lite")


def env_without_milvus() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MILVUS_")}
