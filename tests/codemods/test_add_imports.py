"""`codemods.imports.add_imports` gives the text libcst's AddImportsVisitor gives.

MM180 adds `import os` and `from pymilvus import MilvusClient, CollectionSchema` with its own
targeted edit of the module's top statements instead of libcst's whole-tree transformer (a
quarter of a migration's time, issue 7); these cases pin the two to the same output.
"""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, ImportItem

from codemods.imports import add_imports

MODULES = [
    "",
    "x = 1\n",
    "# comment\nx = 1\n",
    '"""Doc."""\n',
    '"""Doc."""\nx = 1\n',
    '"""Doc."""\n\n# c\nx = 1\n',
    "__strict__ = True\nimport os\nx = 1\n",
    "import os\nx = os.environ\n",
    "import os.path\nx = 1\n",
    "import os as o\nx = 1\n",
    "from pymilvus import DataType\n\nclient = MilvusClient()\n",
    "from pymilvus import DataType, FieldSchema\nfrom pymilvus import connections\nx = 1\n",
    "from pymilvus import (\n    DataType,  # keep\n    FieldSchema,\n)\nx = 1\n",
    "from pymilvus import MilvusClient\nx = 1\n",
    "from pymilvus import MilvusClient as MC\nx = 1\n",
    "from pymilvus import MilvusClient as PyMilvusClient\nx = 1\n",
    "from pymilvus import DataType\n\n\nclass MilvusClient:\n    pass\n",
    "from pymilvus import *\nx = 1\n",
    "from pymilvus import DataType\nfrom pymilvus import *\nx = 1\n",
    "from . import pymilvus\nfrom .pymilvus import a\nx = 1\n",
    "from pymilvus.orm import Collection\nx = 1\n",
    "import sys; import os\nx = 1\n",
    "import sys\nif True:\n    from pymilvus import DataType\n",
    "x = 1\nfrom pymilvus import DataType\n",
    "from __future__ import annotations\nimport sys\n\n\ndef f():\n    pass\n",
    '"""Doc."""\nfrom pymilvus import DataType\nimport os\n# c\n\nx = 1\n',
    "from pymilvus import CollectionSchema\n\nx = 1\n",
    "from pymilvus . orm import a\nfrom pymilvus import (DataType)\n",
    "\n\n# leading\nimport sys\r\nx = 1\r\n",
]

WANTED = [
    (set(), {"pymilvus": {"MilvusClient"}}),
    ({"os"}, {}),
    ({"os"}, {"pymilvus": {"MilvusClient", "CollectionSchema"}}),
    (set(), {"pymilvus": {"CollectionSchema"}}),
    # pymilvus's class under a free name (the module binds `MilvusClient` itself)
    (set(), {"pymilvus": {"MilvusClient as PyMilvusClient"}}),
    ({"os"}, {"pymilvus": {"MilvusClient as PyMilvusClient", "CollectionSchema"}}),
]


def _libcst(module: cst.Module, plain: set[str], objects: dict[str, set[str]]) -> str:
    items = [ImportItem(mod, None) for mod in sorted(plain)]
    items += [
        ImportItem(mod, obj.partition(" as ")[0], obj.partition(" as ")[2] or None)
        for mod, objs in objects.items()
        for obj in sorted(objs)
    ]
    return module.visit(AddImportsVisitor(CodemodContext(), items)).code


@pytest.mark.parametrize("source", MODULES)
@pytest.mark.parametrize("wanted", WANTED, ids=str)
def test_same_text_as_add_imports_visitor(source: str, wanted: tuple) -> None:
    plain, objects = wanted
    module = cst.parse_module(source)
    aliased = any(" as " in obj for objs in objects.values() for obj in objs)
    if aliased and "import *" in source:
        pytest.skip("AddImportsVisitor takes `import *` for an alias too (see the test below)")
    assert add_imports(module, plain, objects).code == _libcst(module, plain, objects)


def test_a_star_import_does_not_bind_the_alias() -> None:
    """`from pymilvus import *` binds `MilvusClient`, not `PyMilvusClient`: the aliased import
    is still added (AddImportsVisitor would drop it)."""
    module = cst.parse_module("from pymilvus import DataType\nfrom pymilvus import *\nx = 1\n")
    got = add_imports(module, set(), {"pymilvus": {"MilvusClient as PyMilvusClient"}}).code
    assert got.startswith("from pymilvus import MilvusClient as PyMilvusClient, DataType\n")
