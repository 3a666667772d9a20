"""Jupyter notebooks: migrate the code cells, leave every other byte of the file alone.

The code cells are joined into one module, each preceded by a marker statement, so the
analysis sees a name defined in one cell and used in another (as the kernel does). After the
rewrite the module is split at the markers again. IPython syntax that is not Python (`%pip`,
`!ls`, `%%time`) is masked with placeholder statements before parsing and restored after.
A cell that still does not parse, or whose cell magic runs another language (`%%bash`), is
left as it is and reported when it mentions pymilvus.

The JSON is re-serialised only when a cell changed, with the indent, key order, ASCII escaping
and trailing newline of the original; if dumping the unchanged notebook does not reproduce the
original text exactly, the notebook is not rewritten at all.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from codemods import Change, Finding
from migrator.source_file import SourceError

# Cell magics whose body is Python: only the first line needs masking.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
SKIPPED_CELL_CODE = "MM000"  # a cell the tool could not read; see docs/rules.md

_MARKER = "__milvus_migrate_cell__({})"
_MARKER_RE = re.compile(r"^__milvus_migrate_cell__\((\d+)\)\n?$")
_PLACEHOLDER = "__milvus_migrate_magic__({})"
_PLACEHOLDER_RE = re.compile(r"^(\s*)__milvus_migrate_magic__\((\d+)\)(\r?\n?)$")

MigrateFn = Callable[[str], tuple[str, list[Change], list[Finding]]]


@dataclass
class NotebookOutcome:
    new_text: str  # equal to the input when nothing changed
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    cell_diffs: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new)


@dataclass
class _Cell:
    index: int  # position among all cells, 0-based
    text: str  # joined source
    masked: str | None  # Python text to migrate, None when the cell is skipped
    magics: dict[int, str] = field(default_factory=dict)  # placeholder id -> original line

    @property
    def label(self) -> str:
        return f"cell_{self.index + 1}"


def migrate_notebook(text: str, migrate: MigrateFn) -> NotebookOutcome:
    """Migrate the code cells of the notebook `text` with `migrate` (a Python-source migrator)."""
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"not a valid notebook: {exc.msg}", exc.lineno) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise SourceError("not a notebook: no `cells` list")
    if not _is_python(nb):
        return NotebookOutcome(new_text=text)

    cells, findings = _read_cells(nb["cells"])
    if not any(c.masked for c in cells):
        return NotebookOutcome(new_text=text, findings=findings)
    module, starts = _join(cells)
    new_module, changes, module_findings = migrate(module)
    findings += [_locate_finding(f, starts, cells) for f in module_findings]
    if not changes or new_module == module:
        return NotebookOutcome(new_text=text, findings=findings)

    new_texts = _split(new_module, cells)
    outcome = NotebookOutcome(
        new_text=text,
        findings=findings,
        changes=[_locate_change(c, starts, cells) for c in changes],
    )
    for cell in cells:
        new = new_texts.get(cell.index)
        if new is None or new == cell.text:
            continue
        _set_source(nb["cells"][cell.index], new)
        outcome.cell_diffs.append((cell.label, cell.text, new))
    if outcome.cell_diffs:
        outcome.new_text = dump_like(nb, text)
    return outcome


def _is_python(nb: dict) -> bool:
    meta = nb.get("metadata") or {}
    lang = (meta.get("language_info") or {}).get("name") or (meta.get("kernelspec") or {}).get(
        "language"
    )
    return lang is None or str(lang).lower() == "python"


def _source_text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _set_source(cell: dict, text: str) -> None:
    # nbformat stores a list of lines, each ending in "\n" except the last; keep the shape used.
    if isinstance(cell.get("source"), list):
        cell["source"] = text.splitlines(keepends=True)
    else:
        cell["source"] = text


def _read_cells(raw_cells: list) -> tuple[list[_Cell], list[Finding]]:
    cells: list[_Cell] = []
    findings: list[Finding] = []
    counter = 0
    for index, raw in enumerate(raw_cells):
        if not isinstance(raw, dict) or raw.get("cell_type") != "code":
            continue
        text = _source_text(raw)
        masked, magics, why = _mask(text, counter)
        counter += len(magics)
        cell = _Cell(index=index, text=text, masked=masked, magics=magics)
        cells.append(cell)
        if masked is None and "milvus" in text.lower():
            findings.append(
                Finding(
                    line=1,
                    column=0,
                    code=SKIPPED_CELL_CODE,
                    message=f"[{cell.label}] not migrated: {why}",
                    suggestion="migrate this cell by hand, or move its code into a .py module",
                )
            )
    return cells, findings


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def _mask(text: str, first_id: int) -> tuple[str | None, dict[int, str], str]:
    """The cell as plain Python, its placeholders, and why it was skipped (when it was)."""
    if _parses(text):
        return text, {}, ""
    lines = text.splitlines(keepends=True)
    magics: dict[int, str] = {}
    out: list[str] = []
    continued = False
    for n, line in enumerate(lines):
        stripped = line.strip()
        if n == 0 and stripped.startswith("%%"):
            name = stripped[2:].split(maxsplit=1)[0] if stripped[2:] else ""
            if name not in PYTHON_CELL_MAGICS:
                return None, {}, f"the cell magic %%{name} does not run Python"
        is_magic = continued or stripped.startswith(("%", "!", "?")) or _is_help(stripped)
        if is_magic and stripped:
            pid = first_id + len(magics)
            magics[pid] = line
            indent = line[: len(line) - len(line.lstrip())]
            newline = line[len(line.rstrip("\r\n")) :]
            out.append(indent + _PLACEHOLDER.format(pid) + newline)
            continued = line.rstrip("\r\n").endswith("\\")
        else:
            out.append(line)
            continued = False
    masked = "".join(out)
    if not _parses(masked):
        return None, {}, "the cell does not parse as Python, even with IPython magics masked"
    return masked, magics, ""


def _is_help(stripped: str) -> bool:
    # `obj?` / `obj??`: IPython help. A Python line never ends in `?` outside strings/comments.
    return stripped.endswith("?") and "#" not in stripped and not stripped.startswith(("'", '"'))


def _join(cells: list[_Cell]) -> tuple[str, list[tuple[int, int]]]:
    """One module: a marker line before each migratable cell. Returns (text, [(line, pos)])."""
    parts: list[str] = []
    starts: list[tuple[int, int]] = []  # (first line of the cell in the module, cell position)
    line = 1
    for pos, cell in enumerate(cells):
        if cell.masked is None:
            continue
        body = cell.masked if not cell.masked or cell.masked.endswith("\n") else cell.masked + "\n"
        parts.append(_MARKER.format(pos) + "\n")
        parts.append(body)
        starts.append((line + 1, pos))
        line += 1 + body.count("\n")
    return "".join(parts), starts


def _split(module: str, cells: list[_Cell]) -> dict[int, str]:
    """New text per cell index, with magics restored; raises when a marker went missing."""
    chunks: dict[int, list[str]] = {}
    current: list[str] | None = None
    preamble: list[str] = []  # anything a codemod put above the first marker (new imports)
    first: int | None = None
    for line in module.splitlines(keepends=True):
        match = _MARKER_RE.match(line)
        if match:
            current = chunks.setdefault(int(match.group(1)), [])
            if first is None:
                first = int(match.group(1))
            continue
        (preamble if current is None else current).append(line)
    expected = {pos for pos, c in enumerate(cells) if c.masked is not None}
    if set(chunks) != expected:
        raise SourceError("the rewrite lost a cell boundary; notebook left unchanged")
    if preamble and first is not None:
        # New imports join the first code cell, after its leading magics: a notebook that
        # starts with `%pip install pymilvus` must install before it imports.
        lines = chunks[first]
        at = 0
        while at < len(lines) and _PLACEHOLDER_RE.match(lines[at]):
            at += 1
        # The import adder separated the imports from the marker statement below them with a
        # blank line; where the cell goes on with a blank line of its own (left by an import
        # the rewrite removed), one is enough, as in a .py file.
        while at < len(lines) and preamble and not preamble[-1].strip() and not lines[at].strip():
            preamble.pop()
        lines[at:at] = preamble
    out: dict[int, str] = {}
    for pos, lines in chunks.items():
        cell = cells[pos]
        text = "".join(_restore(line, cell.magics) for line in lines)
        if not cell.masked.endswith("\n") and text.endswith("\n"):
            text = text[:-1]
        out[cell.index] = text
    return out


def _restore(line: str, magics: dict[int, str]) -> str:
    match = _PLACEHOLDER_RE.match(line)
    if not match:
        return line
    indent, pid, newline = match.group(1), int(match.group(2)), match.group(3)
    original = magics[pid]
    return indent + original.strip("\r\n").lstrip() + newline


def _cell_for_line(line: int, starts: list[tuple[int, int]]) -> tuple[int, int]:
    """(cell position, line within the cell) for a module line."""
    found = starts[0]
    for start in starts:
        if start[0] <= line:
            found = start
    return found[1], max(1, line - found[0] + 1)


def _locate_finding(f: Finding, starts: list[tuple[int, int]], cells: list[_Cell]) -> Finding:
    pos, line = _cell_for_line(f.line, starts)
    return Finding(line, f.column, f.code, f"[{cells[pos].label}] {f.message}", f.suggestion)


def _locate_change(c: Change, starts: list[tuple[int, int]], cells: list[_Cell]) -> Change:
    pos, line = _cell_for_line(c.line, starts)
    return Change(line, c.code, f"[{cells[pos].label}] {c.summary}")


def dump_like(nb: dict, original: str) -> str:
    """Serialise `nb` in the layout of `original` (indent, escaping, newline at the end).

    Raises SourceError when that layout cannot be reproduced exactly, so a notebook is never
    rewritten in a different style.
    """
    newline = "\r\n" if "\r\n" in original else "\n"
    indent = _detect_indent(original)
    ensure_ascii = not any(ord(ch) > 127 for ch in original)
    trailing = newline if original.endswith(("\n", "\r\n")) else ""

    def dump(obj: dict) -> str:
        text = json.dumps(obj, indent=indent, ensure_ascii=ensure_ascii)
        if newline != "\n":
            text = text.replace("\n", newline)
        return text + trailing

    if dump(json.loads(original)) != original:
        raise SourceError("notebook JSON layout cannot be reproduced exactly; not rewritten")
    return dump(nb)


def _detect_indent(text: str) -> int | str | None:
    lines = text.splitlines()
    if len(lines) < 2:
        return None
    second = lines[1]
    lead = second[: len(second) - len(second.lstrip(" \t"))]
    if not lead:
        return None
    return len(lead) if set(lead) == {" "} else lead
