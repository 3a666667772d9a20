"""Suppression comments, the way `noqa` works in ruff.

* `# milvus-migrate: ignore` leaves every rule alone on that statement;
* `# milvus-migrate: ignore[MM104, MM105]` leaves only those rules alone there;
* `# milvus-migrate: ignore-file` anywhere in a comment leaves the whole file alone.

A comment applies to the whole logical line it sits on, so it can be written after any line
of a call that spans several lines. Only real comments count: the same text inside a string
does not suppress anything (the source is tokenized, not grepped).
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

_DIRECTIVE = re.compile(
    r"#\s*milvus-migrate\s*:\s*(?P<kind>ignore-file|ignore)\b(?:\[(?P<codes>[^\]]*)\])?",
    re.IGNORECASE,
)
_FILE_MARKER = "milvus-migrate"  # cheap pre-check before tokenizing


@dataclass(frozen=True)
class Suppressions:
    ignore_file: bool = False
    # line -> suppressed rule codes; an empty set means every rule
    lines: dict[int, frozenset[str]] = field(default_factory=dict)

    def suppresses(self, line: int, code: str) -> bool:
        if self.ignore_file:
            return True
        codes = self.lines.get(line)
        return codes is not None and (not codes or code in codes)


def parse_directive(comment: str) -> tuple[str, frozenset[str]] | None:
    """`("ignore", codes)` / `("ignore-file", ...)` for a suppression comment, else None."""
    match = _DIRECTIVE.search(comment)
    if match is None:
        return None
    raw = match.group("codes") or ""
    codes = frozenset(c.strip().upper() for c in raw.split(",") if c.strip())
    return match.group("kind").lower(), codes


def find_suppressions(source: str) -> Suppressions:
    if _FILE_MARKER not in source.lower():
        return Suppressions()
    try:
        comments = _comments_by_logical_line(source)
    except (tokenize.TokenError, SyntaxError):
        # Unterminated constructs: fall back to one physical line per comment.
        comments = [
            ((n, n), line[line.index("#") :])
            for n, line in enumerate(source.splitlines(), start=1)
            if "#" in line
        ]
    ignore_file = False
    lines: dict[int, frozenset[str]] = {}
    for (first, last), comment in comments:
        directive = parse_directive(comment)
        if directive is None:
            continue
        kind, codes = directive
        if kind == "ignore-file":
            ignore_file = True
            continue
        for n in range(first, last + 1):
            lines[n] = _merge(lines.get(n), codes)
    return Suppressions(ignore_file=ignore_file, lines=lines)


def _merge(existing: frozenset[str] | None, codes: frozenset[str]) -> frozenset[str]:
    if existing is None:
        return codes
    if not existing or not codes:  # "every rule" wins
        return frozenset()
    return existing | codes


def _comments_by_logical_line(source: str) -> list[tuple[tuple[int, int], str]]:
    """Each comment with the physical line range of the logical line it belongs to."""
    out: list[tuple[tuple[int, int], str]] = []
    pending: list[str] = []
    start: int | None = None
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
            if tok.type == tokenize.NL and start is None and pending:
                # A comment on a line of its own belongs to that line only.
                out.extend(((tok.start[0], tok.start[0]), c) for c in pending)
                pending = []
            continue
        if tok.type == tokenize.COMMENT:
            pending.append(tok.string)
            continue
        if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            if pending:
                line = tok.start[0]
                first = start if start is not None else line
                out.extend(((first, line), c) for c in pending)
                pending = []
            start = None
            continue
        if start is None:
            start = tok.start[0]
    return out
