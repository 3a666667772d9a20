"""What the files of one run say about each other: who imports whom.

A file's migration can depend on the modules around it, in one direction only, the safe one:

- A script that connects and then calls into a module of the same project that uses the ORM
  (`from helpers import run_search`) must keep its `connections.connect()`: the helper's ORM
  code relies on that connection (MM101 keeps it next to the new client).
- A module that another file of the run imports is a library, even when it looks like a
  script (it calls its own functions at import): importers may use what it returns.

Only the files of the run are read (the paths given, as discovered), so a run over one file
knows nothing more than before. A fact never lets the tool migrate more than it would without
it; a module a file imports that the run does not hold is not assumed to use the ORM.

Module names are matched by path suffix: `pkg.helpers` is any run file ending in
`pkg/helpers.py` or `pkg/helpers/__init__.py`; relative imports are resolved against the
importing file's folder.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# The pymilvus ORM names whose use needs a `connections` connection.
_ORM_NAMES = {
    "connections",
    "Collection",
    "Partition",
    "Index",
    "utility",
    "db",
    "Role",
    "has_collection",
    "list_collections",
    "drop_collection",
}
_PYMILVUS = ("pymilvus", "compat_shim")
_ORM_USE = re.compile(rb"\bpymilvus\b")
_ATTRIBUTE = re.compile(rb"\.\s*([A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class _Module:
    path: Path
    imports: set[str] = field(default_factory=set)  # absolute dotted names it imports
    uses_orm: bool = False


@dataclass(frozen=True)
class FileFacts:
    """Facts about one file from the rest of the run."""

    orm_imports: tuple[str, ...] = ()  # modules of the run it imports that use the ORM
    imported_by: tuple[str, ...] = ()  # run files that import it
    # attribute names those files read (`x.name`): a public attribute they never name is not
    # read through an instance there (codemods: MM115)
    importer_attributes: tuple[str, ...] = ()


class RunImports:
    """The import graph of a run's Python files (see the module docstring)."""

    def __init__(self) -> None:
        self._modules: dict[Path, _Module] = {}
        self._by_tail: dict[tuple[str, ...], list[_Module]] | None = None
        self._importers: dict[Path, set[Path]] | None = None
        self._attributes: dict[Path, set[str]] = {}

    def add(self, path: Path, data: bytes) -> None:
        """Record one file of the run (any `.py` file, whether it mentions pymilvus or not)."""
        if path.suffix != ".py":
            return
        module = _Module(Path(os.path.abspath(path)))
        self._modules[module.path] = module
        self._by_tail = self._importers = None
        if b"import" not in data:
            return
        if b"pymilvus" not in data or not _ORM_USE.search(data):
            # Most files of a tree: their imports are all that matters, and a scan of the
            # import lines costs far less than a parse.
            module.imports = set(_scanned_names(data, module.path))
            return
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            module.imports = set(_scanned_names(data, module.path))
            return
        module.uses_orm = _imports_orm(tree)
        module.imports = set(_imported_names(tree, module.path))

    def facts(self, path: Path) -> FileFacts:
        """What the other files of the run say about `path`."""
        me = self._modules.get(Path(os.path.abspath(path)))
        if me is None:
            return FileFacts()
        orm = sorted(
            name
            for name in me.imports
            if any(m.uses_orm and m is not me for m in self._resolve(name))
        )
        importers = sorted(str(p) for p in self._importers_of().get(me.path, ()) if p != me.path)
        attributes: set[str] = set()
        for importer in importers:
            attributes |= self._attributes_read(Path(importer))
        return FileFacts(
            orm_imports=tuple(orm),
            imported_by=tuple(importers),
            importer_attributes=tuple(sorted(attributes)),
        )

    def _attributes_read(self, path: Path) -> set[str]:
        """Every `.name` in the file's text (comments and strings too: more names only ever
        keep more ORM), read again from disk only for the few files that import an ORM module
        of the run."""
        found = self._attributes.get(path)
        if found is None:
            try:
                data = path.read_bytes()
            except OSError:
                data = b""
            found = self._attributes[path] = {
                m.decode("ascii", "replace") for m in _ATTRIBUTE.findall(data)
            }
        return found

    def imported_modules(self, path: Path, names: Iterable[str]) -> set[Path]:
        """The run files the module names `names` (imported by `path`) stand for."""
        me = Path(os.path.abspath(path))
        return {m.path for name in names for m in self._resolve(name) if m.path != me}

    def _index(self) -> dict[tuple[str, ...], list[_Module]]:
        if self._by_tail is None:
            self._by_tail = {}
            for m in self._modules.values():
                parts = list(m.path.parts)
                if parts[-1] == "__init__.py":
                    parts = parts[:-1]
                else:
                    parts[-1] = parts[-1][: -len(".py")]
                for k in range(1, len(parts) + 1):
                    self._by_tail.setdefault(tuple(parts[-k:]), []).append(m)
        return self._by_tail

    def _resolve(self, name: str) -> list[_Module]:
        return self._index().get(tuple(name.split(".")), [])

    def _importers_of(self) -> dict[Path, set[Path]]:
        if self._importers is None:
            self._importers = {}
            for m in self._modules.values():
                for name in m.imports:
                    for target in self._resolve(name):
                        self._importers.setdefault(target.path, set()).add(m.path)
        return self._importers


# One import statement, matched on its own line (the first line of a parenthesized list).
_IMPORT_LINE = re.compile(
    rb"[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([\w ,\t]*)"
    rb"|import[ \t]+([\w., \t]+))"
)


def _scanned_names(data: bytes, path: Path) -> Iterable[str]:
    """`_imported_names` read off the import lines. Only the lines holding `import` are
    looked at (found with bytes.find, which is several times faster than a regex over every
    line of a big tree)."""
    at = data.find(b"import")
    while at != -1:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = len(data) if end == -1 else end
        match = _IMPORT_LINE.match(data, start, end)
        if match is not None:
            yield from _names_of(match.groups(), path)
        at = data.find(b"import", end)


def _names_of(groups: tuple[bytes | None, ...], path: Path) -> Iterable[str]:
    dots, base, names, plain = (g.decode("ascii", "replace") if g else "" for g in groups)
    if plain:
        for part in plain.split(","):
            name = part.strip().split(" ")[0]
            if name:
                yield name
        return
    base = _absolute(base, len(dots), path)
    if not base:
        return
    yield base
    for part in names.split(","):
        name = part.strip().split(" ")[0]
        if name and name != "*":
            yield f"{base}.{name}"


def _absolute(base: str, level: int, path: Path) -> str:
    if not level:
        return base
    folder = path.parent
    for _ in range(level - 1):
        folder = folder.parent
    return ".".join(p for p in (folder.name, base) if p)


def _imports_orm(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in _PYMILVUS and (
                "orm" in node.module.split(".")
                or any(a.name in _ORM_NAMES or a.name == "*" for a in node.names)
            ):
                return True
        if isinstance(node, ast.Attribute) and node.attr in _ORM_NAMES:
            base = node.value
            if isinstance(base, ast.Name) and base.id in _PYMILVUS:
                return True
    return False


def _imported_names(tree: ast.AST, path: Path) -> Iterable[str]:
    """Every module name an import in `tree` may load, absolute (relative ones resolved from
    the folder of `path`), including `from pkg import mod` as `pkg.mod`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module or "", node.level, path)
            if not base:
                continue
            yield base
            for alias in node.names:
                if alias.name != "*":
                    yield f"{base}.{alias.name}"
