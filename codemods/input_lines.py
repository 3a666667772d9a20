"""Input positions for nodes of a rewritten tree.

The codemods run one after another, each over the tree the previous ones left. A rewrite
that turns one statement into several (an index rewrite, a guard before an insert, a client
binding) moves every later line, so a codemod that reports from a later tree would give
lines that are not the input's. Reports, change records and suppression comments speak of
the input, so they go through `InputLines`: a node the rewrites kept (the very same node
object, see `read_only_visit`) has its position in the first analysed tree; any other is
placed by the nearest kept statement that starts before it in its own tree.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from typing import Any

import libcst as cst


class InputLines:
    def __init__(self, ctx: Any, positions: Mapping[cst.CSTNode, Any]) -> None:
        if ctx.first_positions is None:
            ctx.first_positions = positions
        self.first: Mapping[cst.CSTNode, Any] = ctx.first_positions
        self.positions = positions
        self._shifts: tuple[list[int], list[int]] | None = None

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        """1-based input line and 0-based column of `node`."""
        pos = self.positions[node]
        if self.first is self.positions:
            return pos.start.line, pos.start.column
        kept = self.first.get(node)
        if kept is not None:
            return kept.start.line, kept.start.column
        return self._input_line(pos.start.line), pos.start.column

    def _input_line(self, line: int) -> int:
        if self._shifts is None:
            pairs = sorted(
                (pos.start.line, self.first[node].start.line)
                for node, pos in self.positions.items()
                if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
                and node in self.first
            )
            self._shifts = ([a for a, _ in pairs], [a - b for a, b in pairs])
        starts, shifts = self._shifts
        at = bisect.bisect_right(starts, line) - 1
        return line - shifts[at] if at >= 0 else line
