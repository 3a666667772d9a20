"""The ORM's alias registry, each alias backed by one MilvusClient.

Mirrors `pymilvus.orm.connections`: `connect` validates and connects eagerly, the config of an
alias survives `disconnect`, `MILVUS_URI` is the default address, host/port and `address` are
folded into a URI, and `db_name` defaults to "default" even when the URI carries a path (the
ORM's trap, reproduced on purpose).
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from typing import Any
from urllib import parse

from pymilvus import MilvusClient
from pymilvus.exceptions import (
    ConnectionConfigException,
    ConnectionNotExistException,
    ExceptionsMessage,
)

from compat_shim._warn import shimmed

DEFAULT_ALIAS = os.environ.get("MILVUS_CONN_ALIAS", "default")
_DEFAULT_HOST = "localhost"
_DEFAULT_PORT = "19530"
_SCHEMES = ("unix", "http", "https", "tcp", "grpc")
# Never stored in the visible config (the ORM drops them too).
_SECRET_KEYS = ("password", "token", "keep_alive")


def _check_alias(alias: Any) -> None:
    if not isinstance(alias, str):
        raise ConnectionConfigException(message=ExceptionsMessage.AliasType % type(alias))


def _verify_host_port(host: str, port: Any) -> None:
    if not isinstance(host, str) or not host:
        raise ConnectionConfigException(message=ExceptionsMessage.HostType)
    try:
        port_num = int(port)
    except (TypeError, ValueError):
        raise ConnectionConfigException(message=ExceptionsMessage.PortType) from None
    if not 0 <= port_num < 65535:
        raise ConnectionConfigException(
            message=f"port number {port} out of range, valid range [0, 65535)"
        )


def _parse_uri(uri: str) -> tuple[str, parse.ParseResult]:
    illegal = f"Illegal uri: [{uri}], expected form 'http[s]://[user:password@]example.com[:12345]'"
    try:
        parsed = parse.urlparse(uri)
    except Exception as exc:
        raise ConnectionConfigException(
            message=f"{illegal}: <{type(exc).__name__}, {exc}>"
        ) from None
    if not parsed.netloc:
        raise ConnectionConfigException(message=illegal)
    host = parsed.hostname if parsed.hostname is not None else _DEFAULT_HOST
    port = (
        parsed.port
        if parsed.port is not None
        else ("443" if parsed.scheme == "https" else _DEFAULT_PORT)
    )
    _verify_host_port(host, port)
    return f"{host}:{port}", parsed


def _full_address(
    address: str = "", uri: str = "", host: Any = "", port: Any = ""
) -> tuple[str, parse.ParseResult | None]:
    if address != "":
        if ":" not in str(address):
            raise ConnectionConfigException(
                message=f"Illegal address: {address}, should be in form 'localhost:19530'"
            )
        return address, None
    if uri != "":
        if isinstance(uri, str) and uri.startswith("unix:"):
            return uri, None
        return _parse_uri(uri)
    host = host if host != "" else _DEFAULT_HOST
    port = port if port != "" else _DEFAULT_PORT
    _verify_host_port(host, port)
    return f"{host}:{port}", None


def synchronized(func: Callable) -> Callable:
    """Serialise calls to `func` (the ORM's helper of the same name)."""
    lock = threading.Lock()

    @functools.wraps(func)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return func(*args, **kwargs)

    return locked


class SingleInstanceMetaClass(type):
    """`Connections()` always returns the one registry, as in the ORM."""

    instance = None
    _create_lock = threading.Lock()

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        with SingleInstanceMetaClass._create_lock:
            if cls.instance is None:
                inst = cls.__new__(cls)
                inst._setup()
                cls.instance = inst
            return cls.instance


def _start_local(path: str) -> str:
    """Serve a milvus-lite `.db` file and return its URI, as the ORM's connect does."""
    try:
        from milvus_lite.server_manager import server_manager_instance
    except ImportError as exc:
        raise ConnectionConfigException(
            message="milvus-lite is required for local database connections. "
            "Please install it with: pip install pymilvus[milvus_lite]"
        ) from exc
    local_uri = server_manager_instance.start_and_get_uri(path)
    if local_uri is None:
        raise ConnectionConfigException(message="Open local milvus failed")
    return local_uri


class Connections(metaclass=SingleInstanceMetaClass):
    """Alias registry: `{alias: config}` plus `{alias: MilvusClient}` for connected aliases."""

    def _setup(self) -> None:
        self._lock = threading.RLock()
        self._alias_config: dict[str, dict[str, Any]] = {}
        self._alias_handlers: dict[str, MilvusClient] = {}
        self._env_uri: tuple[str, parse.ParseResult] | None = None
        env_uri = os.environ.get("MILVUS_URI", "")
        if env_uri:
            address, parsed = _parse_uri(env_uri)
            self._env_uri = (address, parsed)
            default = {"user": parsed.username or "", "address": address}
        else:
            default = {"user": "", "address": f"{_DEFAULT_HOST}:{_DEFAULT_PORT}"}
        self._alias_config[DEFAULT_ALIAS] = default

    @shimmed("connections.add_connection")
    def add_connection(self, **kwargs: Any) -> None:
        with self._lock:
            for alias, config in kwargs.items():
                addr, parsed = _full_address(
                    config.get("address", ""),
                    config.get("uri", ""),
                    config.get("host", ""),
                    config.get("port", ""),
                )
                if (
                    alias in self._alias_handlers
                    and self._alias_config[alias].get("address") != addr
                ):
                    raise ConnectionConfigException(message=ExceptionsMessage.ConnDiffConf % alias)
                alias_config: dict[str, Any] = {"address": addr, "user": config.get("user", "")}
                if parsed is not None and parsed.scheme == "https":
                    alias_config["secure"] = True
                self._alias_config[alias] = alias_config

    @shimmed("connections.disconnect")
    def disconnect(self, alias: str) -> None:
        _check_alias(alias)
        with self._lock:
            client = self._alias_handlers.pop(alias, None)
        if client is not None:
            client.close()

    @shimmed("connections.remove_connection")
    def remove_connection(self, alias: str) -> None:
        _check_alias(alias)
        self.disconnect(alias)
        with self._lock:
            self._alias_config.pop(alias, None)

    @shimmed("connections.async_disconnect")
    async def async_disconnect(self, alias: str) -> None:
        self.disconnect(alias)

    @shimmed("connections.async_remove_connection")
    async def async_remove_connection(self, alias: str) -> None:
        self.remove_connection(alias)

    @shimmed("connections.connect")
    def connect(
        self,
        alias: str = DEFAULT_ALIAS,
        user: str = "",
        password: str = "",
        db_name: str = "default",
        token: str = "",
        _async: bool = False,
        **kwargs: Any,
    ) -> None:
        if _async:
            raise NotImplementedError(
                "connections.connect(_async=True) is not supported by compat_shim: "
                "use pymilvus.AsyncMilvusClient(uri=...) directly"
            )
        _check_alias(alias)
        kwargs.pop("_unbind_with_db", None)
        uri = kwargs.get("uri")
        if uri:
            scheme = parse.urlparse(uri).scheme.lower()
            if scheme not in _SCHEMES:
                if not uri.endswith(".db"):
                    raise ConnectionConfigException(
                        message=f"uri: {uri} is illegal, needs start with [unix, http, https, tcp]"
                        " or a local file endswith [.db]"
                    )
                if not os.path.isdir(os.path.dirname(os.path.abspath(uri))):
                    raise ConnectionConfigException(
                        message=f"Open local milvus failed, dir: {os.path.dirname(uri)} not exists"
                    )
                kwargs["uri"] = _start_local(uri)
        config = (
            kwargs.pop("address", ""),
            kwargs.pop("uri", ""),
            kwargs.pop("host", ""),
            kwargs.pop("port", ""),
        )
        user = "" if user is None else str(user)
        password = "" if password is None else str(password)
        token = "" if token is None else str(token)
        with self._lock:
            if any(c != "" for c in config):
                addr, parsed = _full_address(*config)
                if self.has_connection(alias) and self._alias_config[alias].get("address") != addr:
                    raise ConnectionConfigException(message=ExceptionsMessage.ConnDiffConf % alias)
                if parsed is not None:
                    user = parsed.username or user
                    password = parsed.password or password
                    if db_name == "":
                        segments = [s for s in parsed.path.split("/") if s]
                        db_name = segments[0] if segments else "default"
                    if parsed.scheme == "https":
                        kwargs["secure"] = True
                self._connect(alias, addr, addr, user, password, token, db_name, kwargs)
                return
            if self._env_uri is not None:
                addr, parsed = self._env_uri
                user = parsed.username or ""
                password = parsed.password or ""
                if parsed.scheme == "https":
                    kwargs["secure"] = True
                self._connect(alias, addr, addr, user, password, token, db_name, kwargs)
                return
            if alias in self._alias_config:
                stored = dict(self._alias_config[alias])
                addr = stored.pop("address")
                stored.pop("user", None)
                stored.pop("db_name", None)
                kwargs = {**stored, **kwargs}
                self._connect(alias, addr, addr, user, password, token, db_name, kwargs)
                return
        raise ConnectionConfigException(message=ExceptionsMessage.ConnLackConf % alias)

    def _connect(
        self,
        alias: str,
        target: str,
        address: str,
        user: str,
        password: str,
        token: str,
        db_name: str,
        kwargs: dict[str, Any],
    ) -> None:
        """Build the alias's MilvusClient (connecting eagerly, as the ORM does)."""
        if target.endswith(".db") or target.startswith("unix:"):
            uri = target
        else:
            scheme = "https" if kwargs.get("secure") else "http"
            uri = f"{scheme}://{address}"
        client_kwargs = {k: v for k, v in kwargs.items() if k not in ("secure", "keep_alive")}
        if kwargs.get("secure") and not uri.startswith("https"):
            client_kwargs["secure"] = True
        old = self._alias_handlers.pop(alias, None)
        client = MilvusClient(
            uri=uri,
            user=user,
            password=password,
            token=token,
            db_name=db_name,
            **client_kwargs,
        )
        if old is not None:
            old.close()
        self._alias_handlers[alias] = client
        visible = {k: v for k, v in kwargs.items() if k not in _SECRET_KEYS}
        # The ORM's order: the address, the other connect kwargs, then user and db_name.
        self._alias_config[alias] = {
            "address": address,
            **visible,
            "user": user,
            "db_name": db_name,
        }

    @shimmed("connections.list_connections")
    def list_connections(self) -> list:
        with self._lock:
            return [(k, self._alias_handlers.get(k)) for k in self._alias_config]

    @shimmed("connections.get_connection_addr")
    def get_connection_addr(self, alias: str) -> dict:
        _check_alias(alias)
        with self._lock:
            return self._alias_config.get(alias, {})

    @shimmed("connections.has_connection")
    def has_connection(self, alias: str) -> bool:
        _check_alias(alias)
        return alias in self._alias_handlers

    # ---- shim-internal API (other shim modules route through these) ----

    def _fetch_handler(self, alias: str = DEFAULT_ALIAS) -> MilvusClient:
        """The MilvusClient for `alias` (the ORM's name for this lookup is kept)."""
        _check_alias(alias)
        client = self._alias_handlers.get(alias)
        if client is None:
            raise ConnectionNotExistException(message=ExceptionsMessage.ConnectFirst)
        return client

    def _update_db_name(self, alias: str, db_name: str) -> None:
        """`db.using_database`: switch the alias to `db_name` without validating it (ORM rule)."""
        _check_alias(alias)
        if not isinstance(db_name, str):
            raise ConnectionConfigException(
                message=f"db_name must be a string, got {type(db_name)}"
            )
        with self._lock:
            client = self._alias_handlers.get(alias)
            if client is None:
                raise ConnectionNotExistException(message=ExceptionsMessage.ConnectFirst)
            # MilvusClient.use_database() would validate with an RPC; the ORM does neither.
            client._config.db_name = db_name
            self._alias_config[alias]["db_name"] = db_name


connections = Connections()


def client_for(alias: str) -> MilvusClient:
    """The MilvusClient behind an alias, or ConnectionNotExistException like the ORM."""
    return connections._fetch_handler(alias)
