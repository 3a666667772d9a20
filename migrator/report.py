"""Everything the user sees: diffs, per-file errors, manual-review items, the summary, JSON."""

from __future__ import annotations

import difflib
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.syntax import Syntax

from codemods.base import UNSAFE_SUGGESTION
from migrator.process import CHANGED, FAILED, SKIPPED, UNCHANGED, FileResult


def unified_diff(result: FileResult) -> str:
    name = result.path.as_posix()
    if result.cell_diffs:
        parts = []
        for label, old, new in result.cell_diffs:
            parts.append(_diff(old, new, f"{name}:{label}"))
        return "".join(parts)
    return _diff(result.old_text, result.new_text, name)


def _diff(old: str, new: str, name: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


@dataclass
class Reporter:
    """Streams per-file output as results arrive, then prints the summary once."""

    mode: str  # "write" | "diff" | "check"
    fmt: str = "text"  # "text" | "json" | "sarif"
    quiet: bool = False
    verbose: bool = False
    color: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    results: list[FileResult] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.console = Console(
            file=self.out,
            force_terminal=self.color,
            no_color=not self.color,
            highlight=False,
            soft_wrap=True,
            emoji=False,  # a path like `a:fire:.py` is not an emoji code
        )
        self.err_console = Console(
            file=self.err,
            force_terminal=self.color,
            no_color=not self.color,
            highlight=False,
            soft_wrap=True,
            emoji=False,  # a path like `a:fire:.py` is not an emoji code
        )

    def file_done(self, result: FileResult) -> None:
        self.results.append(result)
        if self.fmt != "text":
            return
        if result.status == FAILED:
            where = f"{result.path}:{result.error_line}" if result.error_line else f"{result.path}"
            # Paths and messages are text, not markup: `tests[1].py` must print as is.
            self.err_console.print(
                f"[red]error[/red]: {escape(where)}: {escape(result.error)}", markup=True
            )
            if self.verbose and result.tool_bug:
                self.err.write(result.tool_bug)
            return
        if result.status == CHANGED and self.mode == "diff":
            text = unified_diff(result)
            if self.color:
                self.console.print(
                    Syntax(text, "diff", theme="ansi_dark", background_color="default")
                )
            else:
                self.out.write(text)
        if self.verbose and not self.quiet:
            verb = {"write": "migrated", "diff": "would migrate", "check": "would migrate"}
            label = verb[self.mode] if result.status == CHANGED else result.status
            self.err_console.print(f"{result.path}: {label}", markup=False)
        elif result.status == CHANGED and self.mode == "check" and not self.quiet:
            self.err_console.print(f"would migrate {result.path}", markup=False)

    def counts(self) -> Counter:
        c = Counter(r.status for r in self.results)
        c["scanned"] = len(self.results)
        c["manual_review"] = sum(len(r.findings) for r in self.results)
        c["cached"] = sum(r.cached for r in self.results)
        c["unsafe"] = sum(
            f.suggestion == UNSAFE_SUGGESTION for r in self.results for f in r.findings
        )
        return c

    def finish(self) -> None:
        if self.fmt == "json":
            self.out.write(json.dumps(self.json_report(), indent=2) + "\n")
            return
        if self.fmt == "sarif":
            from migrator.sarif import sarif_report

            self.out.write(json.dumps(sarif_report(self.results), indent=2) + "\n")
            return
        if self.quiet:
            return
        findings = [(r, f) for r in self.results for f in r.findings]
        if findings:
            self.err_console.print(f"\n{len(findings)} sites need attention:", markup=False)
            for r, f in findings:
                tip = f" (suggestion: {f.suggestion})" if f.suggestion else ""
                self.err_console.print(
                    f"  {r.path}:{f.line}:{f.column + 1}: {f.code} {f.message}{tip}", markup=False
                )
        self.err_console.print(self.summary_line(), markup=False)

    def summary_line(self) -> str:
        c = self.counts()
        changed = {"write": "changed", "diff": "would change", "check": "would change"}[self.mode]
        # Said only when the cache answered, so a run without hits reads as it always did.
        cached = f" {c['cached']} results from the cache." if c["cached"] else ""
        # As ruff says of hidden fixes: the items a rerun with the flag would rewrite.
        if c["unsafe"]:
            cached = f" {c['unsafe']} of them can be fixed with --unsafe-fixes.{cached}"
        return (
            f"\n{c['scanned']} files scanned: {c[CHANGED]} {changed}, {c[UNCHANGED]} unchanged, "
            f"{c[SKIPPED]} skipped (no pymilvus), {c[FAILED]} failed; "
            f"{c['manual_review']} manual-review items.{cached}"
        )

    def json_report(self) -> dict:
        c = self.counts()
        return {
            "mode": self.mode,
            "files": [r.to_dict() for r in self.results],
            "summary": {
                "scanned": c["scanned"],
                "changed": c[CHANGED],
                "unchanged": c[UNCHANGED],
                "skipped": c[SKIPPED],
                "failed": c[FAILED],
                "manual_review": c["manual_review"],
            },
        }
