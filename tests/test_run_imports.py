"""Facts one file of a run gives about another (migrator/run_imports.py), used in the safe
direction only: a script whose imported project module uses the ORM keeps its connect
(MM101), and a module another file imports is a library (its public factories and
module-level collections stay ORM). A file migrated alone is migrated as before."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from migrator.run_imports import RunImports
from tests.cli_support import run_cli, write_tree
from tests.rig.programs import run_program

HELPERS = """from pymilvus import Collection


def count(name):
    return Collection(name).num_entities
"""
SCRIPT = """import os

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections

from helpers import count

connections.connect(uri=os.environ["MILVUS_URI"])
schema = CollectionSchema(
    [
        FieldSchema("id", DataType.INT64, is_primary=True),
        FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
    ]
)
books = Collection("books", schema)
books.insert([{"id": 1, "v": [0.0, 1.0]}, {"id": 2, "v": [1.0, 0.0]}])
books.flush()
print("rows", count("books"))
"""
LIBRARY = """from pymilvus import Collection, connections

connections.connect(host="127.0.0.1", port="19530")
collection = Collection("mols")
collection.load()
"""


def _facts(tmp_path: Path, files: dict[str, str]) -> RunImports:
    write_tree(tmp_path, files)
    imports = RunImports()
    for rel in files:
        imports.add(tmp_path / rel, (tmp_path / rel).read_bytes())
    return imports


def _report(tmp_path: Path, *paths: str) -> tuple[dict[str, str], list[dict]]:
    """Migrate `paths` (under tmp_path) in one run: the new sources and the findings."""
    proc = run_cli(*paths, "--format", "json", cwd=tmp_path, env={"MILVUS_MIGRATE_NO_CACHE": "1"})
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    sources = {p: (tmp_path / p).read_text(encoding="utf-8") for p in paths}
    findings = [f for entry in report["files"] for f in entry.get("manual_review", [])]
    return sources, findings


# ---- the import graph ----------------------------------------------------------------------


def test_imports_are_resolved_by_path_suffix_absolute_relative_and_from_package(tmp_path):
    imports = _facts(
        tmp_path,
        {
            "main.py": "import helpers\nfrom pkg.store import get\n",
            "helpers.py": HELPERS,
            "pkg/__init__.py": "",
            "pkg/store.py": "from pymilvus import utility\n",
            "pkg/api.py": "from . import store\nfrom .views import (\n    page,\n)\n",
            "pkg/views.py": "import numpy\n",
            "plain.py": "from pymilvus import MilvusClient\n",
            "user.py": "from plain import MilvusClient\nfrom helpers import *\n",
        },
    )
    main = imports.facts(tmp_path / "main.py")
    assert main.orm_imports == ("helpers", "pkg.store")
    assert imports.facts(tmp_path / "pkg/api.py").orm_imports == ("pkg.store",)
    # a module of the run that uses only MilvusClient needs no ORM connection
    assert imports.facts(tmp_path / "user.py").orm_imports == ("helpers",)
    assert imports.facts(tmp_path / "helpers.py").imported_by == (
        os.path.abspath(tmp_path / "main.py"),
        os.path.abspath(tmp_path / "user.py"),
    )
    assert imports.facts(tmp_path / "pkg/views.py").imported_by == (
        os.path.abspath(tmp_path / "pkg/api.py"),
    )
    assert imports.facts(tmp_path / "pkg/views.py").orm_imports == ()
    assert imports.facts(tmp_path / "elsewhere.py").orm_imports == ()


# ---- the safe direction, through the CLI --------------------------------------------------


def test_a_script_keeps_its_connect_for_an_imported_module_that_uses_the_orm(tmp_path):
    write_tree(tmp_path, {"main.py": SCRIPT, "helpers.py": HELPERS})
    sources, findings = _report(tmp_path, "main.py", "helpers.py")
    assert 'connections.connect(uri=os.environ["MILVUS_URI"])\n' in sources["main.py"]
    assert "client = MilvusClient(" in sources["main.py"], sources["main.py"]
    kept = [f for f in findings if f["code"] == "MM101"]
    assert kept and "`helpers` (imported here) uses the ORM" in kept[0]["message"], findings


def test_a_script_migrated_alone_loses_its_connect_as_before(tmp_path):
    # Nothing in the run says what `helpers` is: the single-file reading is unchanged.
    write_tree(tmp_path, {"main.py": SCRIPT, "helpers.py": HELPERS})
    sources, findings = _report(tmp_path, "main.py")
    assert "connections.connect(" not in sources["main.py"], sources["main.py"]
    assert not [f for f in findings if f["code"] == "MM101"], findings


def test_a_star_import_keeps_the_connect_even_alone(tmp_path):
    write_tree(
        tmp_path,
        {
            "main.py": (
                "from pymilvus import connections\nfrom common import *\n\n"
                'connections.connect(host="h", port="1")\n'
                'col = prepare_collection("docs")\nprint(col.num_entities)\n'
            )
        },
    )
    sources, findings = _report(tmp_path, "main.py")
    assert 'connections.connect(host="h", port="1")\n' in sources["main.py"]
    assert any("`from common import *` may bring in ORM objects" in f["message"] for f in findings)


def test_a_module_level_collection_of_an_imported_module_stays_orm(tmp_path):
    write_tree(
        tmp_path,
        {"db.py": LIBRARY, "app.py": "from db import collection\nprint(collection.num_entities)\n"},
    )
    sources, findings = _report(tmp_path, "db.py", "app.py")
    assert 'collection = Collection("mols")\n' in sources["db.py"], sources["db.py"]
    assert any("module that `app.py` imports" in f["message"] for f in findings), findings
    # alone, the module is read as before: its collection becomes a name
    alone = tmp_path / "alone"
    write_tree(alone, {"db.py": LIBRARY})
    sources, _ = _report(alone, "db.py")
    assert 'collection = "mols"\n' in sources["db.py"], sources["db.py"]


def test_a_factory_of_an_imported_script_like_module_stays_orm(tmp_path):
    # Calling its own factory at import made the module read as a script; an importer in the
    # run shows it is a library (the shape of a public project's milvus_db.py).
    db = (
        "from pymilvus import Collection, connections\n\n"
        'connections.connect(host="127.0.0.1", port="19530")\n\n\n'
        "def open_collection(name):\n    col = Collection(name)\n    return col\n\n\n"
        'main_collection = open_collection("mols")\n'
    )
    write_tree(tmp_path, {"db.py": db, "app.py": "import db\n\ndb.open_collection('x').load()\n"})
    sources, findings = _report(tmp_path, "db.py", "app.py")
    assert "col = Collection(name)" in sources["db.py"], sources["db.py"]
    assert any("public in a module that `app.py` imports" in f["message"] for f in findings)


# ---- live: the migrated project behaves as the original --------------------------------------


def test_migrated_project_with_an_orm_helper_behaves_like_the_original(milvus_factory, tmp_path):
    """Before run_imports, main.py lost its connect and helpers.count() raised
    ConnectionNotExistException on the migrated project."""
    original = tmp_path / "original"
    migrated = tmp_path / "migrated"
    for root in (original, migrated):
        write_tree(root, {"main.py": SCRIPT, "helpers.py": HELPERS})
    _report(migrated, "main.py", "helpers.py")
    assert (migrated / "main.py").read_text() != SCRIPT
    before = run_program(original / "main.py", milvus_factory(), mode="orm")
    after = run_program(migrated / "main.py", milvus_factory(), mode="orm")
    assert before.returncode == 0, before.stderr
    assert "rows 2" in before.stdout
    assert after.returncode == 0, after.stderr
    assert after.comparable() == before.comparable()
    assert os.environ.get("MILVUS_URI") is None  # the programs got theirs from the rig


def test_public_field_objects_of_an_imported_module_are_kept(tmp_path):
    # Alone, the module's FieldSchema variables fold into add_field() calls and go; with an
    # importer in the run they may be read from outside, so the schema is left as it is.
    schema = (
        "from pymilvus import CollectionSchema, DataType, FieldSchema\n"
        'book_id = FieldSchema(name="book_id", dtype=DataType.INT64, is_primary=True)\n'
        'vec = FieldSchema(name="vec", dtype=DataType.FLOAT_VECTOR, dim=2)\n'
        "schema = CollectionSchema(fields=[book_id, vec])\n"
    )
    write_tree(tmp_path, {"schema_mod.py": schema, "app.py": "from schema_mod import book_id\n"})
    sources, _ = _report(tmp_path, "schema_mod.py", "app.py")
    assert sources["schema_mod.py"] == schema
    alone = tmp_path / "alone"
    write_tree(alone, {"schema_mod.py": schema})
    sources, _ = _report(alone, "schema_mod.py")
    assert "book_id = FieldSchema" not in sources["schema_mod.py"], sources["schema_mod.py"]


SELF_CONNECTING_HELPERS = """import os

from pymilvus import Collection, connections

connections.connect(uri=os.environ["MILVUS_URI"])


def count(name):
    col = Collection(name)
    return col.num_entities
"""


@pytest.mark.parametrize("cache", [False, True])
def test_a_helper_the_run_migrates_fully_lets_the_connect_go_in_the_same_run(tmp_path, cache):
    # The script is migrated after the module it imports, with the facts of its migrated
    # text: a second run (`--check`, the pre-commit hook) then changes nothing.
    write_tree(tmp_path, {"main.py": SCRIPT, "helpers.py": SELF_CONNECTING_HELPERS})
    env = {} if cache else {"MILVUS_MIGRATE_NO_CACHE": "1"}
    if cache:
        env["MILVUS_MIGRATE_CACHE_DIR"] = str(tmp_path / "cache")
    first = run_cli("main.py", "helpers.py", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    main = (tmp_path / "main.py").read_text()
    assert "connections.connect(" not in main and "client = MilvusClient(" in main, main
    again = run_cli("--check", "main.py", "helpers.py", cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stdout + again.stderr


STORE = """from pymilvus import Collection, connections

connections.connect(uri="http://localhost:19530")


class Store:
    def __init__(self):
        self.collection = Collection("docs")
        self._private = Collection("notes")

    def count(self):
        return self.collection.num_entities + self._private.num_entities
"""


def test_a_public_attribute_of_an_imported_class_stays_orm_unless_unsafe(tmp_path):
    # `store.collection.num_entities` in an importer would get a str after the migration
    # (MM115; found on s003, s016 and s039 of the second real-code sample). A private
    # attribute is the class's own; alone, the module is read as before.
    write_tree(
        tmp_path,
        {
            "store.py": STORE,
            "app.py": "from store import Store\nprint(Store().collection.num_entities)\n",
        },
    )
    sources, findings = _report(tmp_path, "store.py", "app.py")
    assert 'self.collection = Collection("docs")\n' in sources["store.py"], sources["store.py"]
    assert 'self._private = "notes"\n' in sources["store.py"], sources["store.py"]
    assert any(
        f["code"] == "MM110" and "MM115 needs an unsafe fix" in f["message"] for f in findings
    ), findings
    alone = tmp_path / "alone"
    write_tree(alone, {"store.py": STORE})
    sources, _ = _report(alone, "store.py")
    assert 'self.collection = "docs"\n' in sources["store.py"], sources["store.py"]
    # an importer that never names `.collection` (the demo's main.py) does not hold it back
    blind = tmp_path / "blind"
    write_tree(
        blind, {"store.py": STORE, "app.py": "from store import Store\nprint(Store().count())\n"}
    )
    sources, _ = _report(blind, "store.py", "app.py")
    assert 'self.collection = "docs"\n' in sources["store.py"], sources["store.py"]
