"""Run the enabled codemods over one source text."""

from __future__ import annotations

import libcst as cst

from codemods.base import Options, Outcome
from codemods.collection_calls import fuse_collection_calls
from codemods.context import MigrationContext
from codemods.incremental_positions import position_memo
from codemods.read_only_visit import read_only_visits
from codemods.registry import enabled_codemods
from codemods.star_imports import name_star_imports, split_star_lines
from codemods.suppress import find_suppressions


def migrate_source(source: str, options: Options | None = None) -> Outcome:
    """Migrate `source`; raises `libcst.ParserSyntaxError` when it does not parse.

    The original text is returned untouched when no codemod recorded a change, because a
    libcst round trip is not always byte-exact (see docs/design notes).
    """
    options = options or Options()
    module = cst.parse_module(source)
    named = False
    if "import *" in source:
        module, named = name_star_imports(module)
    suppressions = find_suppressions(source)
    if suppressions.ignore_file:  # `# milvus-migrate: ignore-file`: no rewrite, no report
        return Outcome(source=source, changes=[], findings=[])
    ctx = MigrationContext(options, suppressed_lines=dict(suppressions.lines), source=source)
    # read-only visits without rebuilds (and each node's children remembered, which the
    # analysis' walks read), and positions without generating the statements a rewrite kept:
    # see there
    with read_only_visits(), position_memo():
        for codemod in fuse_collection_calls(enabled_codemods(options)):
            edits = ctx.edits
            result = codemod.apply(module, ctx)
            # A codemod that rewrote nothing hands on its input tree, so the next one finds the
            # analysis of that tree already built (`codemods.analysis.model_of`).
            if ctx.edits != edits:
                module = result
    # A suppression comment also silences the manual-review items of its line, as noqa does.
    # One item per site and reason: a site reached twice (a Collection() both returned and
    # held, say) reports the same item twice otherwise.
    findings = list(
        dict.fromkeys(f for f in ctx.findings if not suppressions.suppresses(f.line, f.code))
    )
    if not ctx.changes:
        return Outcome(source=source, changes=[], findings=findings)
    if named:
        module = split_star_lines(module)
    return Outcome(source=module.code, changes=ctx.changes, findings=findings)
