"""The contract between the file pipeline and the codemods.

The pipeline only sees `migrate_source()` (in `codemods.engine`) and the data classes here;
everything about how rules find and rewrite ORM code stays inside `codemods/`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

# The suggestion of a finding whose rewrite only waits for --unsafe-fixes (the CLI counts them).
UNSAFE_SUGGESTION = "rerun with --unsafe-fixes"
# Words in every reason to keep a collection ORM that --unsafe-fixes lifts (see
# held_collections.unsafe_only, which turns the suggestion into UNSAFE_SUGGESTION).
UNSAFE_FIX = "needs an unsafe fix"


class Applicability(enum.Enum):
    """How sure a rule is that its rewrite keeps behaviour (ruff's fix applicability)."""

    SAFE = "safe"  # applied by default
    UNSAFE = "unsafe"  # applied only with --unsafe-fixes, reported otherwise
    REPORT_ONLY = "report-only"  # never rewritten, always reported


@dataclass(frozen=True)
class RuleInfo:
    """Static description of one rule; also the source of `milvus-migrate rules` and of
    docs/rules.md."""

    code: str
    title: str
    description: str
    applicability: Applicability
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Finding:
    """A manual-review item: a site the tool left alone (or fixed unsafely) and why."""

    line: int
    column: int
    code: str
    message: str
    suggestion: str = ""

    def to_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class Change:
    """One rewrite a rule made; the pipeline writes a file only when at least one exists."""

    line: int
    code: str
    summary: str

    def to_dict(self) -> dict:
        return {"line": self.line, "code": self.code, "summary": self.summary}


TARGET_VERSIONS = ("py39", "py310", "py311", "py312", "py313", "py314")


def target_tuple(version: str) -> tuple[int, int]:
    """`py39` -> (3, 9)."""
    return 3, int(version[len("py3") :])


@dataclass(frozen=True)
class Options:
    """User choices that shape the rewrite (CLI flags and [tool.milvus-migrate])."""

    shim: bool = False  # only rewrite imports to compat_shim
    shim_rest: bool = False  # full migration, then what stayed ORM imports from compat_shim
    unsafe_fixes: bool = False
    annotate: bool = False
    client_name: str = "client"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    async_mode: str = "auto"
    # The oldest Python the migrated code must run on (`py39`, `py310`, ...): the column-to-rows
    # rewrite emits `zip(..., strict=True)`, which needs 3.10 (codemods/data.py).
    target_version: str = "py310"
    # Facts the pipeline adds per file from the other files of the run (migrator/run_imports):
    # modules it imports that use the ORM, and the files that import it.
    orm_imports: tuple[str, ...] = ()
    imported_by: tuple[str, ...] = ()
    importer_attributes: tuple[str, ...] = ()  # attribute names the importers read

    def targets_at_least(self, major: int, minor: int) -> bool:
        return target_tuple(self.target_version) >= (major, minor)

    def rule_enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(s) for s in self.select):
            return False
        return not any(code.startswith(i) for i in self.ignore)


@dataclass
class Outcome:
    """What migrating one source text produced."""

    source: str
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)
