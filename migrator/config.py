"""`[tool.milvus-migrate]` in pyproject.toml: found by walking up from the paths given.

Example::

    [tool.milvus-migrate]
    extend-exclude = ["legacy/*", "notebooks/scratch*.ipynb"]
    ignore = ["MM104"]
    client-name = "milvus"
    target-version = "py39"   # default: from [project] requires-python, else py310
    annotate = true
    shim-rest = true

Command-line flags override these values (`--exclude` replaces `exclude`, `extend-exclude`
always adds).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codemods.base import TARGET_VERSIONS
from migrator.path_probe import exists, is_file, start_folder

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

TABLE = "milvus-migrate"


class ConfigError(Exception):
    """A problem in the user's configuration (shown as a usage error, exit code 2)."""


@dataclass(frozen=True)
class Config:
    path: Path | None = None  # the pyproject.toml it came from
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    client_name: str | None = None
    annotate: bool | None = None
    unsafe_fixes: bool | None = None
    shim_rest: bool | None = None
    target_version: str | None = None


_LIST_KEYS = {"exclude", "extend-exclude", "select", "ignore"}
_BOOL_KEYS = {"annotate", "unsafe-fixes", "shim-rest"}
_STR_KEYS = {"client-name"}
_VERSION_KEYS = {"target-version"}


def find_pyproject(paths: Iterable[Path]) -> Path | None:
    """The nearest pyproject.toml with a [tool.milvus-migrate] table above the given paths.

    Starts at the deepest folder common to all paths (as black does) and stops at the root of
    the repository (a folder holding `.git`), so a config outside the project is not picked up.
    """
    start = start_folder(paths)
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if is_file(candidate) and _has_table(candidate):
            return candidate
        if exists(folder / ".git"):
            return None
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _has_table(path: Path) -> bool:
    # A broken pyproject.toml is an error, not a file to pass over: the user may have meant
    # its [tool.milvus-migrate] table to apply.
    tool = _read(path).get("tool", {})
    return isinstance(tool, dict) and TABLE in tool


def load_config(paths: Iterable[Path]) -> Config:
    """The configuration that applies to `paths` (all defaults when there is none)."""
    pyproject = find_pyproject(paths)
    if pyproject is None:
        return Config()
    return parse_table(_read(pyproject)["tool"][TABLE], pyproject)


def parse_table(table: Any, path: Path) -> Config:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{path}: [tool.{TABLE}] {key}"
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} must be a list of strings")
            if key in ("select", "ignore"):
                value = [v.upper() for v in value]
            values[key.replace("-", "_")] = tuple(value)
        elif key in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise ConfigError(f"{where} must be true or false")
            values[key.replace("-", "_")] = value
        elif key in _STR_KEYS:
            if not isinstance(value, str) or not value.isidentifier():
                raise ConfigError(f"{where} must be a Python identifier")
            values[key.replace("-", "_")] = value
        elif key in _VERSION_KEYS:
            if value not in TARGET_VERSIONS:
                raise ConfigError(f"{where} must be one of {', '.join(TARGET_VERSIONS)}")
            values[key.replace("-", "_")] = value
        else:
            known = ", ".join(sorted(_LIST_KEYS | _BOOL_KEYS | _STR_KEYS | _VERSION_KEYS))
            raise ConfigError(f"{path}: unknown key {key!r} in [tool.{TABLE}] (known: {known})")
    return Config(path=path, **values)


_LOWER_BOUND = re.compile(r"(?:>=|~=|==|>)\s*3\.(\d+)")


def inferred_target(paths: Iterable[Path]) -> str | None:
    """The target version the nearest pyproject.toml's `[project] requires-python` implies
    (its lowest `3.x` lower bound: `>=3.9` -> py39), as black and ruff infer theirs; None when
    there is no such file or field, or it names no version this tool knows. The search stops
    at the root of the repository, like `find_pyproject`."""
    start = start_folder(paths)
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if is_file(candidate):
            try:
                project = _read(candidate).get("project", {})
            except ConfigError:
                return None
            spec = project.get("requires-python") if isinstance(project, dict) else None
            if not isinstance(spec, str):
                return None
            minors = [int(m) for m in _LOWER_BOUND.findall(spec)]
            version = f"py3{min(minors)}" if minors else None
            return version if version in TARGET_VERSIONS else None
        if exists(folder / ".git"):
            return None
    return None
