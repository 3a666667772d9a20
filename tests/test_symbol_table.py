"""The ORM symbol table (codemods/orm_symbols.py) against pymilvus and against the codemods.

1. Completeness: pymilvus's ORM API is enumerated by introspection; every public symbol must
   have a row, and every row must name a real symbol.
2. Honesty: each row's example is migrated by the real engine; a symbol marked ``rewrite``
   must disappear from the output, one marked ``report`` or ``shim-only`` must be left in place
   with a manual-review finding on its line.
"""

from __future__ import annotations

import ast
import inspect
import re
import warnings
from types import ModuleType

import pytest

from codemods.engine import migrate_source
from codemods.orm_symbols import (
    EXAMPLE_PRELUDE,
    OWNERS,
    SYMBOLS,
    TABLE,
    Mark,
    OrmSymbol,
    example_prelude,
    example_source,
    lookup,
)


def _public_members(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_")}


def _module_functions(module: ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and inspect.isfunction(value)
        and value.__module__ == module.__name__
    }


def orm_api() -> dict[str, set[str]]:
    """Every public ORM symbol of the installed pymilvus, per owner."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pymilvus.orm import (
            collection,
            connections,
            db,
            index,
            mutation,
            partition,
            role,
            utility,
        )

    classes = {
        "Collection": collection.Collection,
        "Partition": partition.Partition,
        "Index": index.Index,
        "Role": role.Role,
    }
    api = {owner: _public_members(cls) | {"__init__"} for owner, cls in classes.items()}
    api["connections"] = _public_members(connections.Connections)
    api["utility"] = _module_functions(utility)
    api["db"] = _module_functions(db)
    api["MutationResult"] = _public_members(mutation.MutationResult)
    return api


def test_introspection_finds_the_orm() -> None:
    # Guards the enumeration itself: an empty owner would make the completeness test vacuous.
    api = orm_api()
    assert set(api) == set(OWNERS)
    assert {"insert", "search", "query", "__init__"} <= api["Collection"]
    assert {"connect", "disconnect"} <= api["connections"]
    assert {"has_collection", "loading_progress", "mkts_from_unixtime"} <= api["utility"]
    assert len(api["utility"]) >= 40 and len(api["Role"]) >= 15


def test_every_orm_symbol_is_in_the_table() -> None:
    missing = sorted(
        f"{owner}.{name}"
        for owner, names in orm_api().items()
        for name in names
        if lookup(owner, name) is None
    )
    assert not missing, f"ORM symbols missing from codemods/orm_symbols.py: {missing}"


def test_table_lists_only_real_symbols() -> None:
    api = orm_api()
    ghosts = sorted(s.qualname for s in SYMBOLS if s.name not in api.get(s.owner, set()))
    assert not ghosts, f"rows that name no pymilvus ORM symbol: {ghosts}"


def test_table_rows_are_unique_and_complete() -> None:
    assert len(TABLE) == len(SYMBOLS), "duplicate rows"
    for s in SYMBOLS:
        assert s.owner in OWNERS, s.qualname
        if s.mark is Mark.REWRITE:
            assert s.equivalent, f"{s.qualname} is marked rewrite but names no equivalent"
        if s.mark in (Mark.REWRITE, Mark.REPORT):
            assert s.example, f"{s.qualname} needs an example so its mark can be checked"


def test_examples_parse_on_their_own() -> None:
    for s in SYMBOLS:
        if s.example:
            ast.parse(example_source(s), filename=s.qualname)


_VARIABLE = {
    "Collection": "orm_col",
    "Partition": "part",
    "Index": "idx",
    "Role": "role",
    "MutationResult": "mr",
    "connections": "connections",
    "utility": "utility",
    "db": "db",
}


def _still_there(symbol: OrmSymbol, migrated: str, prelude: str) -> bool:
    """Whether the symbol's use in the example survived the migration."""
    body = migrated[len(prelude) :] if migrated.startswith(prelude) else migrated
    if symbol.name == "__init__":
        # The example's whole constructor call, e.g. `Partition(orm_col, "p2")`.
        call = re.sub(r"^\w+ = ", "", symbol.example.splitlines()[0])
        return call in body
    # Through the bound object (`orm_col.insert`) or the class (`Collection.construct_...`).
    receivers = f"(?:{_VARIABLE[symbol.owner]}|{symbol.owner})"
    return re.search(rf"\b{receivers}\.{symbol.name}\b", body) is not None


def _observe(symbol: OrmSymbol) -> tuple[str, str]:
    """What the codemods do with the example: rewritten / reported / untouched (+ output)."""
    source = example_source(symbol)
    prelude = example_prelude(symbol)
    # A finding on the example, or on the line that binds the object it uses (a binding the
    # codemods keep as ORM code is reported once, where it is made), reports the symbol.
    first_owner_line = EXAMPLE_PRELUDE.count("\n") + 1
    lines = range(first_owner_line, prelude.count("\n") + symbol.example.count("\n") + 2)
    outcome = migrate_source(source)
    ast.parse(outcome.source)
    if not _still_there(symbol, outcome.source, "" if outcome.changed else prelude):
        return "rewritten", outcome.source
    if any(f.line in lines for f in outcome.findings):
        return "reported", outcome.source
    return "untouched", outcome.source


_CHECKED = [s for s in SYMBOLS if s.example and s.mark is not Mark.KEEP]

# Symbols the codemods neither rewrite nor report on their line (a silent gap: no honest mark
# exists for them). Each is a strict xfail, so it turns into a failure once a rule covers it.
KNOWN_SILENT: dict[str, str] = {}


def _params() -> list:
    return [
        pytest.param(
            s,
            id=s.qualname,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_SILENT[s.qualname])]
            if s.qualname in KNOWN_SILENT
            else [],
        )
        for s in _CHECKED
    ]


def test_known_silent_names_real_rows() -> None:
    assert set(KNOWN_SILENT) <= set(TABLE), set(KNOWN_SILENT) - set(TABLE)


@pytest.mark.parametrize("symbol", _params())
def test_mark_matches_what_the_codemods_do(symbol: OrmSymbol) -> None:
    observed, output = _observe(symbol)
    expected = "rewritten" if symbol.mark is Mark.REWRITE else "reported"
    assert observed == expected, (
        f"{symbol.qualname} is marked {symbol.mark.value!r} but the codemods left it {observed}.\n"
        f"--- example ---\n{symbol.example}\n--- migrated ---\n{output}"
    )
