"""Collections reached in ways the analysis does not follow (codemods.untracked_holders): their
uses stay ORM, and each is now reported and counted as a site. Each case is cut down from a
file of the public samples (docs/real-code-sample.md)."""

from __future__ import annotations

import textwrap

import pytest

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.site_coverage import orm_site_list

# v013, s024: a method that opens or creates the collection, and returns None when that
# fails, is no factory the analysis can follow.
MAYBE_NONE = """\
from pymilvus import Collection, connections, utility


class Store:
    def _get(self, name):
        try:
            if utility.has_collection(name):
                return Collection(name=name)
        except Exception as e:
            print(e)
            return None

    def add(self, name, rows):
        collection = self._get(name)
        if not collection:
            return
        collection.insert(rows)
        collection.flush()
"""

# r024: a class handed its collection by its caller.
HANDED_IN = """\
from pymilvus import Collection


class Sink:
    def __init__(self, collection, name):
        self.collection = collection
        self.name = name

    def write(self, rows):
        self.collection.insert(rows)
        print(self.collection.num_entities)

    def close(self):
        self.collection.release()
"""

# v027: a parameter whose name says collection less plainly.
LOOSE_NAME = """\
from pymilvus import Collection


def get_person(milvus_collec_conn, person_id):
    return milvus_collec_conn.query(expr=f"id == {person_id}", output_fields=["id"])
"""

# t013: a Collection() whose arguments are unpacked.
UNPACKED = """\
from pymilvus import Collection, connections, list_collections

connections.connect()
collection = Collection(*list_collections())
collection.drop()
"""

CASES = {
    "maybe_none": (MAYBE_NONE, [17, 18], "holds what `self._get()` returns"),
    "handed_in": (HANDED_IN, [10, 11, 14], "holds the parameter `collection`"),
    "loose_name": (LOOSE_NAME, [5], "is a parameter of `get_person()` used as a Collection"),
    "unpacked": (UNPACKED, [5], "holds a Collection() that is not tracked (line 4)"),
}


@pytest.mark.parametrize("name", CASES)
def test_each_use_is_reported_and_left_as_it_was(name: str) -> None:
    source, lines, origin = CASES[name]
    outcome = migrate_source(source, Options())
    held = [f for f in outcome.findings if "left as ORM code" in f.message and origin in f.message]
    assert [f.line for f in held] == lines, outcome.findings
    assert all(f.code == "MM110" for f in held)
    for line in lines:  # the uses are as they were
        assert source.splitlines()[line - 1] in outcome.source.splitlines()


@pytest.mark.parametrize("name", CASES)
def test_each_use_counts_as_a_site_that_is_left(name: str) -> None:
    source, lines, _ = CASES[name]
    sites = {line for line, _ in orm_site_list(source)}
    assert set(lines) <= sites
    migrated = migrate_source(source, Options()).source
    left = {line for line, _ in orm_site_list(migrated)}
    out_lines = migrated.splitlines()
    for line in lines:  # still a site where the migration put that line
        assert out_lines.index(source.splitlines()[line - 1]) + 1 in left


def test_the_star_args_reason_says_why() -> None:
    outcome = migrate_source(UNPACKED, Options())
    assert any("its arguments are unpacked" in f.message and f.line == 4 for f in outcome.findings)


def test_a_tracked_collection_gets_no_such_item() -> None:
    """A factory the analysis follows: its callers' uses are migrated, not reported here."""
    source = textwrap.dedent(
        """\
        from pymilvus import Collection, connections

        connections.connect()


        def get_collection():
            col = Collection("docs")
            return col


        c = get_collection()
        c.flush()
        """
    )
    outcome = migrate_source(source, Options())
    assert "client.flush(" in outcome.source, outcome.source
    assert not any("does not follow that value" in f.message for f in outcome.findings)


def test_a_list_named_like_collections_is_not_taken_for_one() -> None:
    source = textwrap.dedent(
        """\
        from pymilvus import Collection


        def add(col_names, coll_list):
            col_names.insert(0, "x")
            coll_list.append(Collection("docs"))
        """
    )
    outcome = migrate_source(source, Options())
    assert not any("does not follow that value" in f.message for f in outcome.findings), (
        outcome.findings
    )
