"""compat_shim must survive pymilvus 3.1: it never imports the ORM modules or ORM classes."""

from __future__ import annotations

import ast
from pathlib import Path

from codemods.orm_names import ORM_MODULES, TOP_LEVEL_ORM_NAMES

SHIM_DIR = Path(__file__).resolve().parents[2] / "compat_shim"
FORBIDDEN_MODULES = set(ORM_MODULES)


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((node.lineno, alias.name, []))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module, [a.name for a in node.names]))
    return found


def test_shim_sources_exist() -> None:
    assert len(list(SHIM_DIR.glob("*.py"))) >= 10


def test_no_orm_module_or_orm_name_is_imported() -> None:
    problems = []
    for path in sorted(SHIM_DIR.glob("*.py")):
        for line, module, names in _imports(path):
            where = f"{path.name}:{line}"
            if module in FORBIDDEN_MODULES or any(
                module.startswith(m + ".") for m in FORBIDDEN_MODULES
            ):
                problems.append(f"{where} imports {module}")
            if module.startswith("pymilvus.orm"):
                problems.append(f"{where} imports pymilvus.orm internals ({module})")
            if module == "pymilvus.orm" or (module == "pymilvus" and "orm" in names):
                problems.append(f"{where} imports the pymilvus.orm package")
            if module == "pymilvus":
                bad = sorted(set(names) & TOP_LEVEL_ORM_NAMES)
                if bad:
                    problems.append(f"{where} imports ORM names {bad} from pymilvus")
    assert problems == []


def test_scanner_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from pymilvus import Collection\nimport pymilvus.orm.utility\n")
    found = _imports(bad)
    assert (1, "pymilvus", ["Collection"]) in found
    assert (2, "pymilvus.orm.utility", []) in found
