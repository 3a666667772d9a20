"""Per-file state that codemods write into: the changes they made and the items they report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst.metadata import PositionProvider

from codemods.base import UNSAFE_FIX, UNSAFE_SUGGESTION, Change, Finding, Options


@dataclass
class MigrationContext:
    options: Options
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # line -> suppressed rule codes (empty set = every rule), from `# milvus-migrate: ignore[...]`
    suppressed_lines: dict[int, frozenset[str]] = field(default_factory=dict)
    # The file's original text; empty when unknown (then `mentions` is always true). Names the
    # rewrite introduces are chosen from it too, so it is given even where the pre-filter is off.
    source: str = field(default="", repr=False)
    # Off only in tests that compare the engine with and without its shortcuts.
    prefilter: bool = True
    # Rewrites made so far, counted even for rules deselected from the report: the engine keeps
    # a codemod's input tree (and the analysis built on it) when this did not move.
    edits: int = 0
    # (tree, MetadataWrapper, OrmModel or None) of the last tree analysed, see
    # The first analysed tree's positions: the input's lines, which every report gives
    # (`OrmModel.position`).
    first_positions: Any = field(default=None, repr=False, compare=False)
    # `codemods.analysis.model_of`
    analysis: tuple[cst.Module, Any, Any] | None = field(default=None, repr=False, compare=False)

    def mentions(self, *words: str) -> bool:
        """Whether the original text contains one of `words`: a cheap pre-filter, valid for a
        codemod whose every trigger spells one of them and which no earlier codemod writes."""
        if not (self.prefilter and self.source):
            return True
        return any(word in self.source for word in words)

    def may_rewrite(self, line: int, code: str) -> bool:
        """Codemods ask this before rewriting a site: rule selection and suppression comments."""
        if not self.options.rule_enabled(code):
            return False
        codes = self.suppressed_lines.get(line)
        return codes is None or (bool(codes) and code not in codes)

    def record_change(self, line: int, code: str, summary: str) -> None:
        self.edits += 1
        if self.options.rule_enabled(code):
            self.changes.append(Change(line, code, summary))

    def report(self, line: int, column: int, code: str, message: str, suggestion: str = "") -> None:
        if not suggestion and UNSAFE_FIX in message:
            # Left only for a fix --unsafe-fixes applies (MM104's unbound client, say): the
            # summary counts it among those, and the item says so.
            suggestion = UNSAFE_SUGGESTION
        if self.options.rule_enabled(code):
            self.findings.append(Finding(line, column, code, message, suggestion))


def node_position(
    transformer: cst.CSTTransformer | cst.CSTVisitor, node: cst.CSTNode
) -> tuple[int, int]:
    """1-based line and 0-based column of `node`, for transformers that declare PositionProvider."""
    pos = transformer.get_metadata(PositionProvider, node)  # type: ignore[attr-defined]
    return pos.start.line, pos.start.column
