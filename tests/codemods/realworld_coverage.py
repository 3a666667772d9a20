"""Share of ORM call sites migrated on the held-out real-world corpus.

`python -m tests.codemods.realworld_coverage [--unsafe-fixes] [--dir DIR | DIR]` (default
tests/fixtures/realworld; tests/fixtures/realworld_holdout is the corpus collected after the
rules were chosen from the first one, so it gives the unseen figure; the flag migrates with
Options(unsafe_fixes=True), as the CLI's --unsafe-fixes does).

Sites are counted by `tests.codemods.site_coverage.orm_sites`, the same definition the
program fixtures are measured with. Unlike that script, a file that crashes, does not compile
after migration or changes on a second run is reported and counted, not raised: the acceptance
criterion wants those counts to be zero, and one bad file must not hide the rest.

The findings still reported are grouped by rule code and by their message with the
file-specific parts (identifiers in backquotes, quoted aliases, line numbers) blanked, so
the patterns that keep sites on the ORM are visible at a glance.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from codemods import migrate_source
from codemods.base import Options
from tests.codemods.site_coverage import cli_options, orm_sites

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "realworld"


@dataclass
class FileResult:
    name: str
    sites: int = 0
    left: int = 0
    findings: list[tuple[str, str]] = field(default_factory=list)
    problem: str = ""  # crash / does not compile / changes on a second run

    @property
    def migrated(self) -> int:
        return self.sites - self.left


def _blank_name(match: re.Match[str]) -> str:
    name = match.group(1)
    if name.startswith(("utility.", "connections.", "db.")):
        return match.group(0)  # the ORM function itself is the pattern
    if "." in name:
        return f"`<coll>.{name.rsplit('.', 1)[1]}`"  # keep the method, blank the variable
    return "`<coll>`"


def finding_pattern(message: str) -> str:
    """The message with the parts that differ from file to file (names, aliases, lines) blanked."""
    message = re.sub(r"\s*\(line \d+\)", "", message)
    message = re.sub(r"collection `([^`]+)`", lambda m: "collection " + _blank_name(m), message)
    message = re.sub(r"`([^`]+)`(?= is (?:used|passed))", _blank_name, message)
    message = re.sub(r"`([^`]+\.[^`]+)`", _blank_name, message)
    return re.sub(r"'[^']*'", "'<alias>'", message)


def measure_file(path: Path, options: Options | None = None) -> FileResult:
    options = options or Options()
    result = FileResult(path.name)
    source = path.read_text(encoding="utf-8")
    result.sites = orm_sites(source)
    try:
        outcome = migrate_source(source, options)
    except Exception as exc:  # the acceptance counts crashes; keep measuring the rest
        result.problem = f"crash: {type(exc).__name__}: {exc}"
        result.left = result.sites
        return result
    try:
        # compile(), not ast.parse(): a misplaced `global` parses but is a SyntaxError at
        # compile time (holdout4's ho53 passed a parse-only check).
        compile(outcome.source, result.name, "exec")
    except SyntaxError as exc:
        result.problem = f"output does not compile: {exc}"
        result.left = result.sites
        return result
    second = migrate_source(outcome.source, options)
    if second.source != outcome.source or second.changes:
        result.problem = "changes on a second run"
    result.left = orm_sites(outcome.source)
    result.findings = [(f.code, finding_pattern(f.message)) for f in outcome.findings]
    return result


def measure(folder: Path, options: Options | None = None) -> list[FileResult]:
    return [measure_file(path, options) for path in sorted(folder.glob("*.py"))]


def share(migrated: int, total: int) -> str:
    return f"{migrated / total:.1%}" if total else "n/a (no ORM sites)"


def report(results: list[FileResult]) -> str:
    lines = [f"{'file':36} {'sites':>5} {'left':>5} {'migrated':>9}  problem"]
    for r in results:
        lines.append(
            f"{r.name:36} {r.sites:5} {r.left:5} {share(r.migrated, r.sites):>9}  {r.problem}"
        )
    total = sum(r.sites for r in results)
    left = sum(r.left for r in results)
    problems = [r for r in results if r.problem]
    lines.append(
        f"total {len(results)} files, {total} sites, {total - left} migrated "
        f"({share(total - left, total)}), {left} left; {len(problems)} files with problems"
    )
    patterns = Counter(f for r in results for f in r.findings)
    lines.append("findings still reported, by reason (the last clause of the message):")
    reasons: Counter[str] = Counter()
    codes: dict[str, set[str]] = {}
    for (code, pattern), count in patterns.items():
        reason = pattern.rsplit(": ", 1)[-1]
        reasons[reason] += count
        codes.setdefault(reason, set()).add(code)
    for reason, count in reasons.most_common():
        lines.append(f"{count:4}  {','.join(sorted(codes[reason])):20}  {reason}")
    lines.append("findings still reported, by code and pattern:")
    for (code, pattern), count in patterns.most_common():
        lines.append(f"{count:4}  {code}  {pattern}")
    return "\n".join(lines)


def main(folder: str | None = None, options: Options | None = None) -> None:
    print(report(measure(Path(folder) if folder else DEFAULT_DIR, options)))


def folder_argument(args: list[str]) -> str | None:
    """The corpus folder from `--dir DIR`, `--dir=DIR` or a bare DIR; None for the default."""
    for i, arg in enumerate(args):
        if arg == "--dir":
            if i + 1 == len(args):
                raise SystemExit("--dir needs a directory")
            return args[i + 1]
        if arg.startswith("--dir="):
            return arg.split("=", 1)[1]
    return args[0] if args else None


if __name__ == "__main__":
    args, chosen = cli_options(sys.argv[1:])
    main(folder_argument(args), chosen)
