"""Jupyter notebooks: migrated cell by cell, every other byte of the file kept."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import migrate


def _cell(source, cell_id: str, *, outputs=None, count=None, metadata=None) -> dict:
    return {
        "cell_type": "code",
        "execution_count": count,
        "id": cell_id,
        "metadata": metadata or {},
        "outputs": outputs or [],
        "source": source,
    }


def _notebook(*cells: dict, language: str = "python") -> dict:
    return {
        "cells": [
            {
                "cell_type": "markdown",
                "id": "intro",
                "metadata": {},
                "source": ["# Démo ✓\n", "text"],
            },
            *cells,
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": language, "name": "python3"},
            "language_info": {"name": language, "version": "3.11.4"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


ORM_NOTEBOOK = _notebook(
    _cell(
        ["%pip install -q pymilvus\n", "from pymilvus import Collection, connections\n", "!ls -la"],
        "setup",
        count=1,
        outputs=[{"name": "stdout", "output_type": "stream", "text": ["total 0\n"]}],
        metadata={"tags": ["setup"], "scrolled": True},
    ),
    _cell(["%%time\n", 'col = Collection("books")\n', "col.load()"], "load", count=2),
    _cell(["%%bash\n", "pip show pymilvus"], "shell"),
    _cell("from pymilvus import utility\nif True:\n    !echo hi\nutility?", "help"),
)
# What the shim-import rule (MM001) must make of the sources, cell id -> new source.
ORM_EXPECTED_SOURCES = {
    "setup": [
        "%pip install -q pymilvus\n",
        "from compat_shim import Collection, connections\n",
        "!ls -la",
    ],
    "help": "from compat_shim import utility\nif True:\n    !echo hi\nutility?",
}


def _dump(nb: dict, indent, ensure_ascii: bool, trailing: str) -> str:
    return json.dumps(nb, indent=indent, ensure_ascii=ensure_ascii) + trailing


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(migrate, ["--no-color", *args])
    return result.exit_code, result.output


def _with_sources(nb: dict, sources: dict) -> dict:
    out = copy.deepcopy(nb)
    for cell in out["cells"]:
        if cell.get("id") in sources:
            cell["source"] = sources[cell["id"]]
    return out


LAYOUTS = [
    pytest.param(1, False, "\n", id="jupyter-indent1-utf8"),
    pytest.param(2, True, "", id="indent2-ascii-no-newline"),
    pytest.param(4, False, "\n", id="indent4"),
]


@pytest.mark.parametrize(("indent", "ensure_ascii", "trailing"), LAYOUTS)
def test_orm_notebook_changes_only_in_its_sources(
    tmp_path: Path, indent, ensure_ascii: bool, trailing: str
) -> None:
    path = tmp_path / "demo.ipynb"
    path.write_text(_dump(ORM_NOTEBOOK, indent, ensure_ascii, trailing), encoding="utf-8")
    code, output = _run("--shim", str(path))
    assert code == 0, output
    expected = _with_sources(ORM_NOTEBOOK, ORM_EXPECTED_SOURCES)
    # Same layout, same key order, same outputs/ids/metadata: byte-equal to the expected dump.
    assert path.read_text(encoding="utf-8") == _dump(expected, indent, ensure_ascii, trailing)
    assert "[cell_4] not migrated: the cell magic %%bash does not run Python" in output


def test_notebook_without_orm_code_stays_byte_identical(tmp_path: Path) -> None:
    # Uncommon but valid layout details that a re-serialisation would lose.
    raw = (
        '{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {},\n'
        '  "outputs": [], "source": ["from pymilvus import MilvusClient\\n", "%pip list\\n",'
        ' "client = MilvusClient(\\"./x.db\\")"]}],\n'
        ' "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}'
    )
    plain = tmp_path / "client.ipynb"
    plain.write_bytes(raw.encode())
    no_milvus = tmp_path / "other.ipynb"
    no_milvus.write_text(_dump(_notebook(_cell(["!ls\n", "print(1)"], "x")), 1, False, "\n"))
    before = no_milvus.read_bytes()
    code, output = _run("--shim", str(tmp_path))
    assert code == 0, output
    assert plain.read_bytes() == raw.encode()
    assert no_milvus.read_bytes() == before
    assert "2 files scanned" in output


def test_diff_shows_each_changed_cell_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "demo.ipynb"
    text = _dump(ORM_NOTEBOOK, 1, False, "\n")
    path.write_text(text, encoding="utf-8")
    code, output = _run("--shim", "--diff", str(tmp_path))
    assert code == 0, output
    assert path.read_text(encoding="utf-8") == text  # --diff writes nothing
    assert f"{path.as_posix()}:cell_2\n+++ " in output
    assert "-from pymilvus import Collection, connections\n" in output
    assert "+from compat_shim import Collection, connections\n" in output
    assert ":cell_5\n" in output and "+from compat_shim import utility\n" in output
    assert ":cell_3\n" not in output  # the %%time cell has nothing to change
    code, _ = _run("--shim", "--check", str(tmp_path))
    assert code == 1


def test_magics_survive_and_cells_are_one_module(tmp_path: Path) -> None:
    """`import pymilvus` in one cell, `pymilvus.Collection` in a later one: the analysis sees
    both (one module), and the report points at the later cell's own line."""
    nb = _notebook(
        _cell(["import pymilvus\n", "%load_ext autoreload"], "a"),
        _cell(["%%timeit\n", "x = 1\n", "col = pymilvus.Collection('books')"], "b"),
    )
    path = tmp_path / "magic.ipynb"
    path.write_text(_dump(nb, 1, False, "\n"))
    code, output = _run("--shim", "--format", "json", "--check", str(path))
    assert code == 0
    items = json.loads(output)["files"][0]["manual_review"]
    assert [(i["line"], i["code"]) for i in items] == [(3, "MM001")]
    assert items[0]["message"].startswith("[cell_3] `pymilvus.Collection`")


def test_other_kernels_and_broken_notebooks(tmp_path: Path) -> None:
    r_nb = tmp_path / "r.ipynb"
    r_nb.write_text(
        _dump(
            _notebook(_cell("from pymilvus import Collection", "r"), language="R"), 1, False, "\n"
        )
    )
    before = r_nb.read_bytes()
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [ "pymilvus"')
    code, output = _run("--shim", str(tmp_path))
    assert code == 2
    assert r_nb.read_bytes() == before
    assert "broken.ipynb:1: not a valid notebook" in output
    assert output.count("error:") == 1


def test_unreproducible_layout_is_reported_not_rewritten(tmp_path: Path) -> None:
    # Mixed indentation cannot be re-created by json.dumps: refuse rather than restyle.
    raw = (
        '{\n "cells": [\n  {\n      "cell_type": "code", "execution_count": null, "metadata": {},'
        ' "outputs": [], "source": ["from pymilvus import Collection"]}\n ],\n'
        ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5\n}\n'
    )
    path = tmp_path / "odd.ipynb"
    path.write_text(raw)
    code, output = _run("--shim", str(path))
    assert code == 2
    assert "layout cannot be reproduced" in output
    assert path.read_text() == raw


# A bootcamp-style notebook on the ORM: install, connect, create, insert, index, search, query,
# with the collection created in one cell and used in later ones.
BOOTCAMP_CELLS = [
    [
        "%pip install -q pymilvus\n",
        "import random\n",
        "from pymilvus import (\n",
        "    Collection, CollectionSchema, DataType, FieldSchema, connections, utility,\n",
        ")",
    ],
    [
        "connections.connect(uri={uri!r})\n",
        "if utility.has_collection('films'):\n",
        "    utility.drop_collection('films')",
    ],
    [
        "schema = CollectionSchema([\n",
        "    FieldSchema('film_id', DataType.INT64, is_primary=True),\n",
        "    FieldSchema('title', DataType.VARCHAR, max_length=64),\n",
        "    FieldSchema('vec', DataType.FLOAT_VECTOR, dim=4),\n",
        "])\n",
        "films = Collection('films', schema)\n",
        "!echo created",
    ],
    [
        "rng = random.Random(3)\n",
        "rows = [{'film_id': i, 'title': f'film {i}', 'vec': [rng.random() for _ in range(4)]}\n",
        "        for i in range(20)]\n",
        "print('inserted', films.insert(rows).insert_count)\n",
        "films.create_index('vec', {'index_type': 'FLAT', 'metric_type': 'L2', 'params': {}})\n",
        "films.load()",
    ],
    [
        "%%time\n",
        "hits = films.search(data=[rows[5]['vec']], anns_field='vec',\n",
        "                    param={'metric_type': 'L2', 'params': {}}, limit=3,\n",
        "                    output_fields=['title'])\n",
        "print([(h.id, h.entity.get('title')) for h in hits[0]])\n",
        "found = films.query(expr='film_id < 4', output_fields=['title'])\n",
        "print(sorted(r['film_id'] for r in found))",
    ],
]

_RUN_CELLS = """\
import json, sys, warnings
from pymilvus import PyMilvusDeprecationWarning
if sys.argv[2] == "strict":
    warnings.simplefilter("error", PyMilvusDeprecationWarning)
else:
    warnings.simplefilter("ignore", PyMilvusDeprecationWarning)
ns = {}
for cell in json.load(open(sys.argv[1]))["cells"]:
    if cell["cell_type"] != "code":
        continue
    lines = "".join(cell["source"]).splitlines()
    if lines and lines[0].startswith("%%"):
        lines = lines[1:]  # %%time: the body is Python
    # line magics and shell commands are IPython's business; run only the Python
    code = "\\n".join(l for l in lines if not l.lstrip().startswith(("%", "!")))
    exec(compile(code, "cell", "exec"), ns)
"""


def _run_cells(path: Path, mode: str) -> str:
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", _RUN_CELLS, str(path), mode],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_bootcamp_notebook_migrates_across_cells_and_gives_the_same_answers(
    tmp_path: Path,
) -> None:
    def notebook(uri: str) -> dict:
        cells = [[line.replace("{uri!r}", repr(uri)) for line in c] for c in BOOTCAMP_CELLS]
        return _notebook(*(_cell(c, f"c{i}", count=i + 1) for i, c in enumerate(cells)))

    original = tmp_path / "orm.ipynb"
    original.write_text(_dump(notebook(str(tmp_path / "orm.db")), 1, False, "\n"))
    migrated = tmp_path / "migrated.ipynb"
    migrated.write_text(_dump(notebook(str(tmp_path / "migrated.db")), 1, False, "\n"))

    code, output = _run("--diff", str(migrated))
    assert code == 0, output
    assert ":cell_3\n" in output and ":cell_6\n" in output  # cells 2..6 hold the code
    code, output = _run(str(migrated))
    assert code == 0, output
    code, output = _run("--check", str(migrated))
    assert code == 0, output

    nb = json.loads(migrated.read_text())
    sources = ["".join(c["source"]) for c in nb["cells"][1:]]
    assert sources[0].startswith("%pip install -q pymilvus\n")  # install still comes first
    assert "MilvusClient" in sources[0] or "MilvusClient" in sources[1]
    assert "client.search(" in sources[4] and sources[4].startswith("%%time\n")
    assert "!echo created" in sources[2]
    assert not any("Collection(" in s or "connections." in s for s in sources)
    # Only sources changed: ids, counts and metadata are the original's.
    before = json.loads(original.read_text())
    for old, new in zip(before["cells"], nb["cells"], strict=True):
        assert {k: v for k, v in old.items() if k != "source"} == {
            k: v for k, v in new.items() if k != "source"
        }

    reference = _run_cells(original, "orm")
    assert "inserted 20" in reference
    assert _run_cells(migrated, "strict") == reference
