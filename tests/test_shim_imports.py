"""MM001 (--shim): ORM imports point at compat_shim; everything else is left as it was."""

import libcst as cst
import pytest

from codemods import Options, migrate_source

CASES = [
    (
        "from pymilvus import Collection, DataType, connections  # c\n",
        "from compat_shim import Collection, connections  # c\nfrom pymilvus import DataType\n",
    ),
    (
        "from pymilvus import (\n    Collection,  # c1\n    DataType,\n    connections,\n)\n",
        "from compat_shim import (\n    Collection,  # c1\n    connections,\n)\n"
        "from pymilvus import (\n    DataType,\n)\n",
    ),
    (
        "from pymilvus import (Collection, DataType,\n    connections)\n",
        "from compat_shim import (Collection, connections)\nfrom pymilvus import (DataType)\n",
    ),
    (
        "from pymilvus.orm.collection import Collection\n",
        "from compat_shim.collection import Collection\n",
    ),
    ("from pymilvus import DataType, MilvusClient\n",) * 2,
]


@pytest.mark.parametrize(("before", "after"), CASES)
def test_shim_import_rewrite(before: str, after: str) -> None:
    out = migrate_source(before, Options(shim=True)).source
    assert out == after
    cst.parse_module(out)
    assert migrate_source(out, Options(shim=True)).source == out


def test_module_attribute_access_is_reported_not_rewritten() -> None:
    src = "import pymilvus\ncol = pymilvus.Collection('x')\n"
    outcome = migrate_source(src, Options(shim=True))
    assert outcome.source == src
    assert [(f.line, f.code) for f in outcome.findings] == [(2, "MM001")]
