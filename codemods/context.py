"""Per-file state that codemods write into: the changes they made and the items they report."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import PositionProvider

from codemods.base import Change, Finding, Options


@dataclass
class MigrationContext:
    options: Options
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # line -> suppressed rule codes (empty set = every rule), from `# milvus-migrate: ignore[...]`
    suppressed_lines: dict[int, frozenset[str]] = field(default_factory=dict)

    def may_rewrite(self, line: int, code: str) -> bool:
        """Codemods ask this before rewriting a site: rule selection and suppression comments."""
        if not self.options.rule_enabled(code):
            return False
        codes = self.suppressed_lines.get(line)
        return codes is None or (bool(codes) and code not in codes)

    def record_change(self, line: int, code: str, summary: str) -> None:
        if self.options.rule_enabled(code):
            self.changes.append(Change(line, code, summary))

    def report(self, line: int, column: int, code: str, message: str, suggestion: str = "") -> None:
        if self.options.rule_enabled(code):
            self.findings.append(Finding(line, column, code, message, suggestion))


def node_position(transformer: cst.CSTTransformer | cst.CSTVisitor, node: cst.CSTNode) -> tuple[int, int]:
    """1-based line and 0-based column of `node`, for transformers that declare PositionProvider."""
    pos = transformer.get_metadata(PositionProvider, node)  # type: ignore[attr-defined]
    return pos.start.line, pos.start.column
