"""Migrate one file's bytes to new bytes. Pure: no writing, no printing (runs in workers)."""

from __future__ import annotations

import ast
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from codemods import Change, Finding, Options, migrate_source
from migrator.annotate import annotate
from migrator.notebook import migrate_notebook
from migrator.source_file import SourceError, decode_source, encode_source

CHANGED, UNCHANGED, SKIPPED, FAILED = "changed", "unchanged", "skipped", "failed"


@dataclass
class FileResult:
    path: Path
    status: str
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: str = ""
    error_line: int | None = None
    tool_bug: str = ""  # traceback when the failure is our fault, shown with -v
    old_text: str = ""
    new_text: str = ""
    new_bytes: bytes = b""
    original_bytes: bytes = b""
    cell_diffs: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new)
    cached: bool = False  # taken from the result cache (migrator.cache), not computed

    def to_dict(self) -> dict:
        out: dict = {
            "path": str(self.path),
            "status": self.status,
            "changes": [c.to_dict() for c in self.changes],
            "manual_review": [f.to_dict() for f in self.findings],
        }
        if self.error:
            out["error"] = {"message": self.error, "line": self.error_line}
        return out


def migrate_python_text(text: str, options: Options) -> tuple[str, list[Change], list[Finding]]:
    """Run the codemods, then refuse output that does not parse (never written)."""
    _refuse_too_deep(text)
    outcome = migrate_source(text, options)
    if outcome.changed:
        try:
            cst.parse_module(outcome.source)
        except cst.ParserSyntaxError as exc:
            raise ToolBug(
                f"codemods produced code that does not parse (line {exc.raw_line})"
            ) from exc
        refuse_uncompilable(text, outcome.source)
    return outcome.source, outcome.changes, outcome.findings


def refuse_uncompilable(before: str, after: str) -> None:
    """Raise ToolBug when `after` fails CPython's compiler where `before` did not.

    Parsing is not enough: some errors only show when the compiler builds the symbol table,
    e.g. a `global client` added after an earlier use of `client` in the same function. The
    original is compiled first, so a file this Python cannot compile (newer syntax, an error
    of its own) is not held against the rewrite.
    """
    try:
        compile(before, "<before>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    try:
        compile(after, "<after>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise ToolBug(
            f"codemods produced code that does not compile (line {exc.lineno}: {exc.msg})"
        ) from exc


def _refuse_too_deep(text: str) -> None:
    """Let CPython's parser vet nesting depth before libcst sees the text.

    libcst's native parser overflows its stack and kills the whole process (SIGSEGV) on about
    2,500 nested parentheses, and takes minutes on chains a few thousand deep (`a.b.b...`,
    `1+1+...`, `f()()...`). CPython refuses the same files cheaply and safely: more than 200
    nested brackets is a syntax error, and deeper chains raise RecursionError while it builds
    the tree, so such a file could not run anyway. This costs well under 1% of a migration.
    Other syntax errors are left to libcst, which may know newer syntax than this Python.
    """
    try:
        compile(text, "<source>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        if (exc.msg or "").startswith("too many"):  # "too many nested parentheses", ...
            raise SourceError(f"too deeply nested: {exc.msg}", exc.lineno) from None
    except (RecursionError, MemoryError):
        raise SourceError("too deeply nested (Python's own parser gives up on it too)") from None
    except ValueError:  # e.g. NUL bytes; libcst reports those itself
        pass


class ToolBug(Exception):
    """Something inside milvus-migrate went wrong; the file is left alone."""


def process_bytes(path: Path, data: bytes, options: Options) -> FileResult:
    result = FileResult(path=path, status=UNCHANGED, original_bytes=data)
    try:
        if b"\x00" in data:
            raise SourceError("binary file (contains NUL bytes)")
        source = decode_source(data)
        handler = _HANDLERS.get(path.suffix, _migrate_python)
        handler(result, source.text, options)
        if result.status == CHANGED:
            result.new_bytes = encode_source(result.new_text, source)
    except SourceError as exc:
        result.status, result.error, result.error_line = FAILED, str(exc), exc.line
    except cst.ParserSyntaxError as exc:
        result.status = FAILED
        result.error, result.error_line = _syntax_error(path, source.text, exc)
    except RecursionError:
        result.status, result.error = FAILED, "too deeply nested for the parser"
    except MemoryError:
        result.status, result.error = FAILED, "out of memory while parsing"
    except ToolBug as exc:
        result.status, result.error, result.tool_bug = FAILED, str(exc), traceback.format_exc()
    except Exception as exc:  # a codemod bug must not stop the run or touch the file
        result.status = FAILED
        result.error = f"internal error in milvus-migrate: {type(exc).__name__}: {exc}"
        result.tool_bug = traceback.format_exc()
    if result.status == FAILED:
        result.changes, result.new_bytes = [], b""
    return result


def _syntax_error(path: Path, text: str, exc: cst.ParserSyntaxError) -> tuple[str, int | None]:
    """A one-line reason and the right line for a file libcst cannot parse.

    libcst's messages ("parser error: error at 3:0: expected one of ...") often point past the
    real mistake; Python's own compiler names the line and the problem the way users know it.
    """
    libcst_reason = exc.message.splitlines()[0] if exc.message else "cannot parse"
    if _HANDLERS.get(path.suffix, _migrate_python) is not _migrate_python:
        # notebooks etc.: their handler's text is not one Python module
        return f"syntax error: {libcst_reason}", exc.raw_line
    try:
        compile(text, str(path), "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as err:
        return f"syntax error: {err.msg}", err.lineno or exc.raw_line
    except (RecursionError, MemoryError, ValueError):
        pass
    else:
        return f"libcst cannot parse this file (Python can): {libcst_reason}", exc.raw_line
    return f"syntax error: {libcst_reason}", exc.raw_line


def _migrate_text(text: str, options: Options) -> tuple[str, list[Change], list[Finding]]:
    """migrate_python_text, plus (with --annotate) the manual-review notes as comments."""
    new_text, changes, findings = migrate_python_text(text, options)
    if not options.annotate or not findings:
        return new_text, changes, findings
    annotated, noted = annotate(text, findings)
    if not noted:  # every note is already in the file
        return new_text, changes, findings
    # Migrate the annotated source again: comments do not change what the codemods see.
    new_text, changes, findings = migrate_python_text(annotated, options)
    notes = [Change(f.line, f.code, "manual-review note written as a comment") for f in noted]
    return new_text, changes + notes, findings


def _migrate_python(result: FileResult, text: str, options: Options) -> None:
    new_text, changes, findings = _migrate_text(text, options)
    result.findings = findings
    if changes and new_text != text:
        result.status, result.changes = CHANGED, changes
        result.old_text, result.new_text = text, new_text


# Other file kinds (notebooks) register here: suffix -> handler(result, text, options).
_HANDLERS = {".py": _migrate_python}


def register_handler(suffix: str, handler) -> None:  # type: ignore[no-untyped-def]
    _HANDLERS[suffix] = handler


def _migrate_notebook(result: FileResult, text: str, options: Options) -> None:
    outcome = migrate_notebook(text, lambda source: _migrate_text(source, options))
    result.findings = outcome.findings
    if outcome.cell_diffs:
        result.status, result.changes = CHANGED, outcome.changes
        result.old_text, result.new_text = text, outcome.new_text
        result.cell_diffs = outcome.cell_diffs


register_handler(".ipynb", _migrate_notebook)
