"""The obstacle classes of tests/codemods/obstacles.py read the codemods' real messages.

Each case is a small program that hits one obstacle; the finding the codemods report for it
must land in the expected class. A reworded message that no longer matches fails here instead
of silently moving sites to "other" in the ceiling figure of the closing notes.
"""

from __future__ import annotations

import pytest

from codemods import migrate_source
from tests.codemods.obstacles import OTHER, classify, left_sites_by_obstacle

CONNECT = (
    'from pymilvus import Collection, Role, connections\nconnections.connect(host="h", port="1")\n'
)

CASES = {
    "callers or importers": CONNECT
    + "def books():\n    col = Collection('books')\n    col.load()\n    return col\n",
    "the connection is made in another module": (
        "from pymilvus import Collection\n"
        "def count():\n    col = Collection('books')\n    return col.num_entities\ncount()\n"
    ),
    "a value known only at run time": (
        "import os\nfrom pymilvus import Collection, connections\n"
        'connections.connect(alias=os.environ["A"], host="h", port="1")\n'
        'col = Collection("books", using=os.environ["A"])\ncol.load()\n'
    ),
    "no MilvusClient equivalent": CONNECT + 'Role("reader").create()\n',
    "a member pymilvus does not have": CONNECT
    + "col = Collection('books')\nif not col.is_loaded:\n    col.load()\n",
    "the rewrite would change an exception": CONNECT
    + "class S:\n    def __init__(self):\n        self.col = None\n"
    "    def build(self):\n        self.col = Collection('books')\n"
    "    def load(self):\n        self.col.load()\n"
    "if __name__ == '__main__':\n    s = S()\n    s.build()\n    s.load()\n",
}


@pytest.mark.parametrize("expected", list(CASES))
def test_the_finding_lands_in_its_class(expected: str) -> None:
    findings = migrate_source(CASES[expected]).findings
    classes = {classify(f.message).name for f in findings}
    assert any(name.startswith(expected) for name in classes), classes
    assert OTHER.name not in classes


def test_a_left_site_is_counted_once_and_only_when_left() -> None:
    sites, left = left_sites_by_obstacle(CASES["callers or importers"])
    # connect, Collection(), .load: all three stay (the connect for the ORM code left).
    assert sites == 3
    assert sum(left.values()) == 3
    assert left["a connect kept for ORM code left elsewhere in the module"] == 1
    migrated = CONNECT + "col = Collection('books')\ncol.load()\n"
    assert left_sites_by_obstacle(migrated) == (3, {})
