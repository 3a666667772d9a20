"""`--annotate`: write each manual-review item into the code as a `# milvus-migrate:` comment.

The note goes on its own line above the statement it is about, indented like it, so it never
lands inside a string or after a line continuation. A note for the same rule that is
already there (from an earlier run) is not written again, so annotating is a fixed point like
the rest of the rewrite.
The notes are rendered here, once, from the findings, as the design puts all rendering in the
report layer; the codemods only report.
"""

from __future__ import annotations

import io
import tokenize

from codemods import Finding

PREFIX = "# milvus-migrate: "


def note_text(finding: Finding) -> str:
    text = f"{PREFIX}{finding.code} {finding.message}"
    if finding.suggestion:
        text += f" (suggestion: {finding.suggestion})"
    return " ".join(text.split())  # one line, whatever the message holds


def annotate(source: str, findings: list[Finding]) -> tuple[str, list[Finding]]:
    """`source` with a note above each finding's statement; also the findings that got a note."""
    if not findings:
        return source, []
    lines = source.splitlines(keepends=True)
    starts = _statement_starts(source, len(lines))
    newline = "\r\n" if "\r\n" in source else "\n"
    notes: dict[int, list[str]] = {}  # 0-based line index -> notes to put above it
    written: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.line, f.column, f.code)):
        if not 1 <= finding.line <= len(lines):
            continue
        target = starts[finding.line - 1]
        note = note_text(finding)
        # One note per rule per statement: messages may cite line numbers, which the notes
        # themselves shift, so an earlier note for the same rule counts as already written.
        key = f"{PREFIX}{finding.code} "
        if any(n.startswith(key) for n in notes.get(target, [])) or _already_above(
            lines, target, key
        ):
            continue
        notes.setdefault(target, []).append(note)
        written.append(finding)
    if not notes:
        return source, []
    out: list[str] = []
    for index, line in enumerate(lines):
        if index in notes:
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            out.extend(f"{indent}{note}{newline}" for note in notes[index])
        out.append(line)
    return "".join(out), written


def _already_above(lines: list[str], index: int, key: str) -> bool:
    """Does a comment line directly above line `index` start with `key`?"""
    i = index - 1
    while i >= 0 and lines[i].lstrip().startswith("#"):
        if lines[i].lstrip().startswith(key):
            return True
        i -= 1
    return False


def _statement_starts(source: str, count: int) -> list[int]:
    """For each physical line (0-based), the first line of the logical line holding it."""
    starts = list(range(count))
    first: int | None = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                continue
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if first is not None:  # 1-based lines first..end form one statement
                    for n in range(first, min(tok.start[0], count) + 1):
                        starts[n - 1] = first - 1
                first = None
                continue
            if first is None:
                first = tok.start[0]
    except (tokenize.TokenError, SyntaxError):
        pass  # keep one physical line per statement: still never inside a token we saw
    return starts
