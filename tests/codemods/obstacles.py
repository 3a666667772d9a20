"""What keeps the ORM sites the codemods leave: each left site sorted into one obstacle class.

`python -m tests.codemods.obstacles DIR...` prints, over the corpora given, how many of the
sites still ORM after a default migration fall in each class, and the best share a tool that reads
one file at a time could reach if every obstacle it can address were lifted: the sites of the
classes marked `out of reach` stay, because lifting them needs facts from other modules or from
run time, or an API MilvusClient does not have.

A left site is attributed through the manual-review findings reported on its line in the
input: when a line has several, the first class in `OBSTACLES` wins, so a site counts as
out of reach when any of its reasons is. The codemods report on the line of the site or of
the statement that blocks it, so a few left sites have no finding on their own line (a
`Collection(...)` spread over lines, say); they are counted apart, not guessed.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from codemods import migrate_source
from tests.codemods.site_coverage import orm_site_list


@dataclass(frozen=True)
class Obstacle:
    name: str
    out_of_reach: bool  # no rewrite of this one file can lift it
    pattern: str  # matched against the finding's message


OBSTACLES = [
    Obstacle(
        "callers or importers in other modules (returned or passed Collection objects, "
        "clients bound in library functions)",
        True,
        r"callers elsewhere|importers|passed to code that may expect|a caller passes|"
        r"ORM code elsewhere|a Collection from the caller|used as a Collection;",
    ),
    Obstacle(
        "the connection is made in another module (no connect for the alias here)",
        True,
        r"no connections\.connect\(\) for alias|does not connect|no MilvusClient for|"
        r"without a client in this module|no client for alias|another instance",
    ),
    Obstacle(
        "a value known only at run time (alias, connect kwargs, request dicts, data shape)",
        True,
        r"not a literal|not visible|non-literal|set on some paths only|data's shape",
    ),
    Obstacle(
        "a member pymilvus does not have (the ORM code itself raises AttributeError there)",
        True,
        r"is not an attribute of pymilvus",
    ),
    Obstacle(
        "no MilvusClient equivalent (Role, Partition/Index objects read whole, ...)",
        True,
        r"no rule rewrites|no direct MilvusClient|no MilvusClient equivalent|"
        r"no describe_index equivalent|returns Partition objects|returns Index objects|"
        r"build params",
    ),
    Obstacle(
        "the rewrite would change an exception or result type (unsafe by ruff's measure)",
        False,
        r"may still be None|MM131|zip|MutationResult|reads the exception|"
        r"returns None, MilvusClient|never ends on lite|future",
    ),
    Obstacle("create or open inside try/except (trap 2)", False, r"trap 2"),
    Obstacle(
        "a connect kept for ORM code left elsewhere in the module",
        False,
        r"connect\(\) kept next|ORM code that needs this connection",
    ),
]
OTHER = Obstacle("other single-file patterns", False, "")
NO_FINDING = "no finding on the site's line"


def classify(message: str) -> Obstacle:
    for obstacle in OBSTACLES:
        if re.search(obstacle.pattern, message):
            return obstacle
    return OTHER


def site_lines(source: str) -> list[int]:
    """The input line of every ORM site, as `site_coverage.orm_sites` counts them."""
    return [line for line, _ in orm_site_list(source)]


def left_sites_by_obstacle(source: str) -> tuple[int, Counter[str]]:
    """(sites in `source`, left sites per obstacle name). A site counts as left when its line
    has a finding; the number so counted is capped at the sites really left."""
    outcome = migrate_source(source)
    left = len(site_lines(outcome.source))
    reasons: dict[int, list[Obstacle]] = {}
    for finding in outcome.findings:
        reasons.setdefault(finding.line, []).append(classify(finding.message))
    order = [*OBSTACLES, OTHER]
    counts: Counter[str] = Counter()
    lines = site_lines(source)
    for line in lines:
        if line in reasons and sum(counts.values()) < left:
            counts[min(reasons[line], key=order.index).name] += 1
    if sum(counts.values()) < left:
        counts[NO_FINDING] += left - sum(counts.values())
    return len(lines), counts


def report(folders: list[Path]) -> str:
    total = 0
    counts: Counter[str] = Counter()
    for folder in folders:
        for path in sorted(folder.glob("*.py")):
            sites, left = left_sites_by_obstacle(path.read_text(encoding="utf-8"))
            total += sites
            counts.update(left)
    left = sum(counts.values())
    beyond = sum(counts[o.name] for o in OBSTACLES if o.out_of_reach)
    lines = [f"{total} sites, {total - left} migrated, {left} left:"]
    for name, count in counts.most_common():
        reach = next((o.out_of_reach for o in OBSTACLES if o.name == name), False)
        mark = " [out of reach]" if reach else ""
        lines.append(f"{count:5}  {name}{mark}")
    lines.append(
        f"best share with every obstacle in reach lifted: {total - beyond}/{total} "
        f"({(total - beyond) / total:.1%})"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(report([Path(arg) for arg in sys.argv[1:]] or [Path("tests/fixtures/realworld")]))
