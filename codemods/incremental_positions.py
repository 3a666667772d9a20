"""PositionProvider's metadata for a rewritten tree without generating the code of the statements
the rewrite kept; the metadata are the same.

Why: PositionProvider generates the code of the whole tree to find every node's range, and the
analysis is built about six times per file (every rewrite makes a new tree), so this codegen is
about a fifth of a migration. A rewrite keeps most statements as they were (the very same node
objects, see `read_only_visit`), and a kept statement's code does not depend on where it sits,
apart from the line it starts on: the code of a statement is a function of the statement, the
indentation tokens in effect, and the module's default indent and newline (the only state
libcst's codegen reads), and it always starts at the beginning of a line. So when a statement was
generated before with the same indentation, the same defaults and the same start column, the
range of every node in it is its range then, moved by the difference in start lines.

While `position_memo()` is active (the engine holds one around a file's migration), every
statement's codegen inside `positions()` goes through `_statement_codegen` (set on libcst's
statement classes for the length of the block, the way `read_only_visit` sets `visit`), which
records where each statement started and ended, or takes a recorded one's ranges instead of
generating it. Outside `positions()` the hook is libcst's `_codegen`.

A tree in which a node occurs twice is not handled here (libcst keeps the first whitespace-
inclusive range and the last syntactic one of such a node): the analysis' trees have no repeated
node (`read_only_visit.unshared`), and if a taken range would land on a node that already has
one, `positions` starts again with libcst's own codegen.
tests/codemods/test_incremental_positions.py compares the result with libcst's PositionProvider.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from itertools import islice
from typing import Any, NamedTuple

import libcst as cst
from libcst import CSTNode
from libcst._position import CodePosition, CodeRange
from libcst.metadata import PositionProvider
from libcst.metadata.position_provider import PositionProvidingCodegenState

_NODE_CODEGEN = CSTNode._codegen


def _statement_classes() -> list[type]:
    out: list[type] = []
    todo = [cst.BaseStatement]
    while todo:
        klass = todo.pop()
        todo.extend(klass.__subclasses__())
        if not klass.__name__.startswith("Base"):
            out.append(klass)
    return out


# Concrete statement classes, used only while none of them has a `_codegen` of its own.
_STATEMENTS = [k for k in _statement_classes() if k._codegen is _NODE_CODEGEN]
_ENABLED = len(_STATEMENTS) == len(_statement_classes())


class _Generated(NamedTuple):
    """Where a statement's code was generated, and the ranges it gave its nodes."""

    line: int  # state.line / state.column when its codegen began
    column: int
    end_line: int  # ... and when it ended
    end_column: int
    indent: tuple[str, ...]  # state.indent_tokens
    defaults: tuple[str, str]  # the module's default indent and newline
    # The ranges of its nodes are the items first..last-1 of `ranges` (in insertion order):
    # libcst records a node's range during the node's own codegen, so the nodes of one
    # statement are recorded one after another (and so are the ones `_take` copies).
    ranges: dict[CSTNode, CodeRange]
    first: int
    last: int


class _Repeated(Exception):
    """A node occurs twice in the tree (see the module docstring)."""


# statement -> _Generated, for the length of `position_memo`
_MEMO: dict[CSTNode, _Generated] | None = None
_DEPTH = 0
# the state of the `positions()` call in progress, with its defaults
_RUN: tuple[PositionProvidingCodegenState, tuple[str, str]] | None = None


@contextmanager
def position_memo() -> Iterator[None]:
    """Remember where statements were generated until the block ends; re-entrant."""
    global _MEMO, _DEPTH
    if _DEPTH == 0 and _ENABLED:
        _MEMO = {}
        for klass in _STATEMENTS:
            klass._codegen = _statement_codegen  # type: ignore[method-assign]
    _DEPTH += 1
    try:
        yield
    finally:
        _DEPTH -= 1
        if _DEPTH == 0 and _MEMO is not None:
            for klass in _STATEMENTS:
                del klass._codegen
            _MEMO = None


def active() -> bool:
    return _MEMO is not None


def positions(module: cst.Module) -> Mapping[CSTNode, CodeRange]:
    """PositionProvider's mapping for `module` (what `PositionProvider()._gen` gives)."""
    global _RUN
    try:
        return _generate(module, reuse=True)
    except _Repeated:
        _RUN = None
        if _MEMO is not None:
            _MEMO.clear()  # what was recorded in that tree may hold the repeated node's range
        return _generate(module, reuse=False)


def _generate(module: cst.Module, reuse: bool) -> Mapping[CSTNode, CodeRange]:
    global _RUN
    provider = PositionProvider()
    provider._computed = {}
    state = PositionProvidingCodegenState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        provider=provider,
    )
    _RUN = (state, (module.default_indent, module.default_newline)) if reuse else None
    try:
        module._codegen(state)
    finally:
        _RUN = None
    return provider._computed  # type: ignore[return-value]


def _statement_codegen(self: CSTNode, state: Any, **kwargs: Any) -> None:
    run = _RUN
    memo = _MEMO
    if run is None or run[0] is not state or kwargs or memo is None:
        return _NODE_CODEGEN(self, state, **kwargs)
    line, column = state.line, state.column
    indent = tuple(state.indent_tokens)
    defaults = run[1]
    computed = state.provider._computed
    first = len(computed)
    before = memo.get(self)
    if (
        before is not None
        and before.column == column
        and before.indent == indent
        and before.defaults == defaults
    ):
        delta = line - before.line
        _take(before, delta, computed)
        state.line = before.end_line + delta
        state.column = before.end_column
        state.tokens.append("")  # Module's "no token yet" check only needs one
    else:
        state.before_codegen(self)
        self._codegen_impl(state)
        state.after_codegen(self)
    memo[self] = _Generated(
        line, column, state.line, state.column, indent, defaults, computed, first, len(computed)
    )


_new = object.__new__
_set_line = CodePosition.__dict__["line"].__set__  # CodePosition is frozen: its slots directly
_set_column = CodePosition.__dict__["column"].__set__
_set_start = CodeRange.__dict__["start"].__set__
_set_end = CodeRange.__dict__["end"].__set__


def _take(before: _Generated, delta: int, computed: dict[CSTNode, CodeRange]) -> None:
    """Give every node of a statement its range recorded in `before`, `delta` lines down."""
    count = len(computed)
    items = islice(before.ranges.items(), before.first, before.last)
    if not delta:
        computed.update(items)
    else:
        moved: dict[tuple[int, int], CodePosition] = {}  # nodes that start together share one
        for node, old in items:
            new = _new(CodeRange)
            _set_start(new, _moved(old.start, delta, moved))
            _set_end(new, _moved(old.end, delta, moved))
            computed[node] = new
    if len(computed) - count != before.last - before.first:
        raise _Repeated


def _moved(position: CodePosition, delta: int, moved: dict) -> CodePosition:
    key = (position.line + delta, position.column)
    new = moved.get(key)
    if new is None:
        new = moved[key] = _new(CodePosition)
        _set_line(new, key[0])
        _set_column(new, key[1])
    return new
