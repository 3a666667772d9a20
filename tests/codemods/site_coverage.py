"""Share of ORM call sites the codemods migrate:
`python -m tests.codemods.site_coverage [--unsafe-fixes] [DIR]` (the flag migrates with
Options(unsafe_fixes=True), as the CLI's --unsafe-fixes does).

A site is a call of an ORM name (`connections.connect`, `Collection(...)`, `utility.x`, ...)
or a method/property access on a tracked Collection variable. "left" counts the sites still
present after migration (each of them is reported as a manual-review item).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import libcst as cst

from codemods import migrate_source
from codemods.analysis import build_model, self_attribute_members
from codemods.base import Options
from codemods.context import MigrationContext
from codemods.rewrite import code_of
from codemods.star_imports import name_star_imports
from codemods.untracked_holders import untracked_uses


def orm_sites(source: str) -> int:
    return len(orm_site_list(source))


def orm_site_labels(source: str) -> list[str]:
    """The code of each site's callee or attribute (`connections.connect`, `col.search`)."""
    return [label for _, label in orm_site_list(source)]


def orm_site_list(source: str) -> list[tuple[int, str]]:
    """Every site as (line, code of its callee or attribute): a call of an ORM name, or a
    method or property access on a tracked collection."""
    # The engine's reading of `from pymilvus import *`, so that its names count as sites.
    module, _ = name_star_imports(cst.parse_module(source))
    wrapper = cst.MetadataWrapper(module)
    model = build_model(wrapper, MigrationContext(Options()))
    sites: list[tuple[int, str]] = []
    for node in model.canonical_of:
        parent = model.parent(node)
        if isinstance(parent, cst.Call) and parent.func is node:
            sites.append((model.line(parent), code_of(node)))
    for binding in model.bindings:
        for use in binding.uses:
            parent = model.parent(use.node)
            if isinstance(parent, cst.Attribute) and parent.value is use.node:
                sites.append((model.line(parent), code_of(parent)))
    seen = set(sites)
    sites.extend(s for s in _untracked_attribute_sites(model) if s not in seen)
    seen = set(sites)
    held = [(model.line(u.member), code_of(u.member)) for u in untracked_uses(model)]
    sites.extend(s for s in held if s not in seen)
    return sites


def _untracked_attribute_sites(model) -> list[tuple[int, str]]:
    """`self.x.m` in a class that stores a `Collection(...)` into `self.x`, where the analysis
    does not track `self.x` (also assigned a value it cannot follow, handed to other code).
    They stay ORM with the Collection() that is reported;
    without this they would not count as sites at all."""
    attributes: set[tuple[int, str]] = set()
    classes: dict[int, cst.ClassDef] = {}
    for node, name in model.canonical_of.items():
        call = model.parent(node)
        if name != "Collection" or not (isinstance(call, cst.Call) and call.func is node):
            continue
        assign = model.parent(call)
        if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1):
            continue
        target = assign.targets[0].target
        if not (_is_self_attribute(target)):
            continue
        owner = model.parent(assign)
        while owner is not None and not isinstance(owner, cst.ClassDef):
            owner = model.parent(owner)
        if owner is not None:
            attributes.add((id(owner), target.attr.value))
            classes[id(owner)] = owner
    return [
        (model.line(node), code_of(node))
        for key, attr in attributes
        for node in self_attribute_members(classes[key], attr)
    ]


def _is_self_attribute(node: object) -> bool:
    return (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value == "self"
    )


def main(folder: str, options: Options | None = None) -> None:
    options = options or Options()
    total = left = 0
    for path in sorted(Path(folder).glob("*.py")):
        source = path.read_text(encoding="utf-8")
        outcome = migrate_source(source, options)
        ast.parse(outcome.source)
        again = migrate_source(outcome.source, options)
        assert not again.changes, f"{path} changes on a second run"
        before, after = orm_sites(source), orm_sites(outcome.source)
        total, left = total + before, left + after
        print(f"{path.name:34} sites {before:3} left {after:3} findings {len(outcome.findings):3}")
    print(
        f"total {total} sites, {total - left} migrated ({(total - left) / total:.1%}), {left} left"
    )


def cli_options(argv: list[str]) -> tuple[list[str], Options]:
    """`argv` without `--unsafe-fixes`, and the Options that flag selects."""
    unsafe = "--unsafe-fixes" in argv
    return [a for a in argv if a != "--unsafe-fixes"], Options(unsafe_fixes=unsafe)


if __name__ == "__main__":
    args, chosen = cli_options(sys.argv[1:])
    main(args[0] if args else "tests/fixtures/programs", chosen)
