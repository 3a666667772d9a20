"""The codemods on real-world ORM code: the five corpora under tests/fixtures/realworld*.

The corpora were collected from public projects after the codemods were written; the files are
inputs only and are never run. The first (rw*) has since been used to choose rules; the second
(ho01..ho14, tests/fixtures/realworld_holdout) was collected later and has since been read to fix
bugs; the third (ho15..ho27, tests/fixtures/realworld_holdout2) was collected after that and has
since been read to fix bugs too; the fourth (ho28..ho40, tests/fixtures/realworld_holdout3) was
collected after that and has since been read to choose rules; the fifth (ho41..ho53,
tests/fixtures/realworld_holdout4) was collected after that and is the unseen figure. For every
file of all five the full rewrite must not raise, its output must parse and compile, a second run
must change nothing, and every comment of the input must still be in the output (the tool may add
its own). The share of ORM
call sites migrated is the acceptance figure of issue 3;
`python -m tests.codemods.realworld_coverage [--dir DIR]` prints it per file.
"""

from __future__ import annotations

import ast
import functools
import io
import json
import re
import subprocess
import sys
import tokenize
from collections import Counter
from pathlib import Path

import libcst as cst
import pytest

from codemods import migrate_source
from codemods.base import Outcome
from tests.codemods.site_coverage import orm_site_labels, orm_sites

CORPUS = Path(__file__).parent / "fixtures" / "realworld"
FILES = sorted(CORPUS.glob("*.py"))
HOLDOUT = Path(__file__).parent / "fixtures" / "realworld_holdout"
HOLDOUT_FILES = sorted(HOLDOUT.glob("*.py"))
HOLDOUT2 = Path(__file__).parent / "fixtures" / "realworld_holdout2"
HOLDOUT2_FILES = sorted(HOLDOUT2.glob("*.py"))
HOLDOUT3 = Path(__file__).parent / "fixtures" / "realworld_holdout3"
HOLDOUT3_FILES = sorted(HOLDOUT3.glob("*.py"))
HOLDOUT4 = Path(__file__).parent / "fixtures" / "realworld_holdout4"
HOLDOUT4_FILES = sorted(HOLDOUT4.glob("*.py"))
HOLDOUTS = [HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4]
# The per-file checks run on every corpus; the shares are measured on each separately.
CHECKED = FILES + HOLDOUT_FILES + HOLDOUT2_FILES + HOLDOUT3_FILES + HOLDOUT4_FILES
NEGATIVE_CONTROL = "rw33_not_pymilvus_collection.py"  # anki's Collection, not pymilvus's

# Issue 3's acceptance floor; the measured share is recorded in the strict xfail below.
ACCEPTANCE_SHARE = 0.90


@functools.cache
def _migrate(source: str) -> Outcome:
    """Each check reuses the one migration of a text: the codemods take seconds per file."""
    return migrate_source(source)


def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _comments(source: str) -> Counter[str]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return Counter(t.string for t in tokens if t.type == tokenize.COMMENT)


def _case_id(path: Path) -> str:
    """The corpus folder is in the id, so `-k realworld_holdout3` selects that corpus's checks."""
    return f"{path.parent.name}/{path.name}"


by_file = pytest.mark.parametrize("path", CHECKED, ids=[_case_id(p) for p in CHECKED])


def _with_known_failures(known: dict[str, str]) -> pytest.MarkDecorator:
    """Parametrize over the corpus; files in `known` are strict xfails with their reason."""
    params = [
        pytest.param(p, id=_case_id(p), marks=pytest.mark.xfail(strict=True, reason=known[p.name]))
        if p.name in known
        else pytest.param(p, id=_case_id(p))
        for p in CHECKED
    ]
    return pytest.mark.parametrize("path", params)


# Files that still break a check, with the reason (strict xfails). The ones found so far are
# fixed; their before/after reproducers are in tests/codemods/test_connect_binding.py
# (rw13, rw32: calls rewritten to an unbound client; rw16: `client = OpenAI()` overwritten;
# rw20: a `[x] * n` column sent as a row).
UNDEFINED_NAME_BUGS: dict[str, str] = {}
# ho53 (fourth holdout, 8eab02c) did not compile, a `global` below a use of its name; fixed by
# codemods/global_order.py, reproducer in tests/test_holdout_repros.py.
OUTPUT_DOES_NOT_COMPILE: dict[str, str] = {}
COLUMN_LISTS_PASSED_AS_ROWS: dict[str, str] = {}
CLIENT_NAME_COLLISIONS: dict[str, str] = {}


def test_corpus_is_the_documented_one() -> None:
    """Every fixture has a MANIFEST entry (origin, licence) and every entry a fixture."""
    manifest = (CORPUS / "MANIFEST.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`(rw\d\d_\w+\.py)`", manifest))
    assert listed == {p.name for p in FILES}
    assert 20 <= len(FILES) <= 40


by_holdout = pytest.mark.parametrize("folder", HOLDOUTS, ids=[d.name for d in HOLDOUTS])


@by_holdout
def test_holdout_is_the_documented_one(folder: Path) -> None:
    """Every holdout file has a MANIFEST entry (origin, licence) and every entry a file."""
    files = sorted(folder.glob("*.py"))
    manifest = (folder / "MANIFEST.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`(ho\d\d_\w+\.py)`", manifest))
    assert listed == {p.name for p in files}
    assert 10 <= len(files) <= 40


@_with_known_failures(OUTPUT_DOES_NOT_COMPILE)
def test_migration_output_parses_and_compiles(path: Path) -> None:
    migrated = _migrate(_source(path)).source
    cst.parse_module(migrated)
    # compile() also catches what the parser lets through, e.g. an import put above
    # `from __future__ import annotations`.
    compile(migrated, str(path), "exec")


@by_file
def test_second_run_changes_nothing(path: Path) -> None:
    first = _migrate(_source(path))
    second = _migrate(first.source)
    assert second.changes == [], f"second run changed: {second.changes}"
    assert second.source == first.source


@by_file
def test_every_comment_survives(path: Path) -> None:
    source = _source(path)
    kept = _comments(_migrate(source).source)
    lost = {c: n - kept[c] for c, n in _comments(source).items() if kept[c] < n}
    assert not lost, f"comments lost: {lost}"


def _named(label: str, findings: str) -> bool:
    """Some finding names the site: its code, or its method or function (`.search`,
    `search(`), as the codemods' messages quote them."""
    last = label.rsplit(".", 1)[-1]
    return label in findings or f".{last}" in findings or f"{last}(" in findings


@by_file
def test_every_orm_call_left_is_named_by_a_finding(path: Path) -> None:
    """What the tool leaves on the ORM it reports: no site stays silently (a disconnect kept
    next to the client's close() once did)."""
    outcome = _migrate(_source(path))
    findings = " ".join(f.message for f in outcome.findings)
    unnamed = [label for label in orm_site_labels(outcome.source) if not _named(label, findings)]
    assert not unnamed, f"ORM sites left without a manual-review item: {unnamed}"


def _undefined_names(source: str) -> set[str]:
    """Names pyflakes' rule F821 (via ruff) reports as undefined in `source`."""
    run = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F821"]
        + ["--output-format", "json", "--stdin-filename", "module.py", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=False,
    )
    return {re.sub(r"^Undefined name `(.*)`$", r"\1", d["message"]) for d in json.loads(run.stdout)}


@_with_known_failures(UNDEFINED_NAME_BUGS)
def test_migration_introduces_no_undefined_name(path: Path) -> None:
    source = _source(path)
    new = _undefined_names(_migrate(source).source) - _undefined_names(source)
    assert not new, f"names used but never bound after migration: {sorted(new)}"


def _column_literals_sent_as_rows(source: str) -> list[str]:
    """MilvusClient-style insert/upsert calls whose `data=` is a list literal of non-dicts.

    A name the module only ever assigns dict literals to (`row = {...}; insert([row])`) is a row.
    """
    tree = ast.parse(source)
    bound: dict[str, set[bool]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    is_dict = isinstance(node.value, (ast.Dict, ast.DictComp))
                    bound.setdefault(target.id, set()).add(is_dict)
    dict_names = {name for name, kinds in bound.items() if kinds == {True}}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        data = keywords.get("data")
        if (
            node.func.attr in ("insert", "upsert")
            and "collection_name" in keywords
            and isinstance(data, ast.List)
            and any(
                not isinstance(e, (ast.Dict, ast.DictComp))
                and not (isinstance(e, ast.Name) and e.id in dict_names)
                for e in data.elts
            )
        ):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


@_with_known_failures(COLUMN_LISTS_PASSED_AS_ROWS)
def test_column_lists_are_not_sent_as_rows(path: Path) -> None:
    """Trap 4: MilvusClient takes rows; a list literal of columns must be converted or left."""
    wrong = _column_literals_sent_as_rows(_migrate(_source(path)).source)
    assert not wrong, "\n".join(wrong)


def _module_bindings(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


def _client_names(source: str) -> set[str]:
    """Names the migrated code assigns a `MilvusClient(...)` to."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called == "MilvusClient":
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


@_with_known_failures(CLIENT_NAME_COLLISIONS)
def test_new_client_does_not_take_a_name_the_module_already_binds(path: Path) -> None:
    source = _source(path)
    # A name the input itself binds to a MilvusClient (ho18's `admin`) is not a collision.
    already_clients = _client_names(source) | {"MilvusClient"}
    taken = _client_names(_migrate(source).source) & (_module_bindings(source) - already_clients)
    assert not taken, f"MilvusClient bound to names the module already uses: {sorted(taken)}"


def test_code_that_only_looks_like_the_orm_is_left_alone() -> None:
    source = _source(CORPUS / NEGATIVE_CONTROL)
    outcome = _migrate(source)
    assert (outcome.source, outcome.changes, outcome.findings) == (source, [], [])


def _share_migrated(files: list[Path] = FILES) -> tuple[int, int]:
    total = left = 0
    for path in files:
        source = _source(path)
        total += orm_sites(source)
        left += orm_sites(_migrate(source).source)
    return total - left, total


def test_the_corpus_has_orm_sites_and_some_are_migrated() -> None:
    migrated, total = _share_migrated()
    assert total >= 200, "the corpus must exercise the ORM broadly"
    assert migrated > 0


@pytest.mark.xfail(
    strict=True,
    reason=(
        "acceptance not met yet: 185 of 333 ORM sites migrated (55.6%; 235 with "
        "--unsafe-fixes) on this corpus once inserts of rows that may be empty in a module "
        "that imports pymilvus lazily became MM133-unsafe (rw27 -16), 201 before, down "
        "from 243 once public functions of library "
        "modules, functions nothing here calls and escaping insert results stayed ORM, and "
        "from 228 once library code that may run before the function binding its client "
        "stayed ORM (rw08, rw18, rw19); most "
        "sites stay ORM because a Collection object is passed around, returned from a public "
        "method or kept in a cache, an Index's `params` is read whole, or the module has no "
        "connect for the alias (python -m tests.codemods.realworld_coverage lists the patterns)"
    ),
)
def test_acceptance_share_of_orm_sites_migrated() -> None:
    migrated, total = _share_migrated()
    assert migrated / total >= ACCEPTANCE_SHARE, f"{migrated}/{total} = {migrated / total:.1%}"


@by_holdout
def test_the_holdout_has_orm_sites_and_some_are_migrated(folder: Path) -> None:
    migrated, total = _share_migrated(sorted(folder.glob("*.py")))
    assert total >= 100, "the holdout must exercise the ORM broadly"
    assert migrated > 0


@pytest.mark.xfail(
    strict=True,
    reason=(
        "acceptance not met on unseen code: 40 of 152 ORM sites migrated (26.3%) on the holdout "
        "(69, 45.4%, with --unsafe-fixes) once a module-level singleton (`store = "
        "LogVectorStore()`, ho11) no longer makes a module a script; 41 once a create right "
        "after an exit guard `if utility.has_collection(name): return` migrates inside "
        "try/except (ho03); 39 "
        "(67 with --unsafe-fixes) once a function's `return Collection(name)` migrates "
        "(16a0dbd, ho12); 36 before "
        "(60, 39.5%, with --unsafe-fixes; 63 at 9b9a2e2, before four proven silent behaviour "
        "changes it showed were fixed; 40 before library code that may run before the function "
        "binding its client stayed ORM: ho03, ho04, ho13); mostly collections returned from "
        "public functions of library modules (ho03's helper open_loaded: its exit guard now "
        "proves the open inside try/except safe, trap 2, but importers may use the Collection "
        "it returns), "
        "modules that do not connect, and collections passed to or returned from code the "
        "tool cannot see"
    ),
)
def test_acceptance_share_on_the_unseen_holdout() -> None:
    migrated, total = _share_migrated(HOLDOUT_FILES)
    assert migrated / total >= ACCEPTANCE_SHARE, f"{migrated}/{total} = {migrated / total:.1%}"


@pytest.mark.xfail(
    strict=True,
    reason=(
        "acceptance not met on the second unseen holdout (ho15..ho27, 13 projects): 39 of 157 ORM "
        "sites migrated (24.8%; 39 with --unsafe-fixes) when first measured at 4c488bb, 33 "
        "(21.0%) after the behaviour changes it showed were fixed (ho19 -3, ho20 -2, ho16 -1), "
        "35 (22.3%; 36 with --unsafe-fixes) with the trap-2 existence check at aa8c48e, 33 "
        "(21.0%; 34) once a `search(filter=...)` the ORM ignored stays ORM (ho15 -2); "
        "mostly "
        "collections whose alias is not a literal (self.alias, a config value, using=using), "
        "modules that never connect, calls in try/except (trap 2), Collection objects passed to "
        "or returned from code the tool cannot see, and `partitions`/`indexes` read as objects"
    ),
)
def test_acceptance_share_on_the_second_unseen_holdout() -> None:
    migrated, total = _share_migrated(HOLDOUT2_FILES)
    assert migrated / total >= ACCEPTANCE_SHARE, f"{migrated}/{total} = {migrated / total:.1%}"


@pytest.mark.xfail(
    strict=True,
    reason=(
        "acceptance not met on the third unseen holdout (ho28..ho40, 13 projects): 48 of 144 ORM "
        "sites migrated (33.3%; 48 with --unsafe-fixes) when first measured at 8341eba, 57 "
        "(39.6%; 97 with --unsafe-fixes) at aa8c48e after it was read to fix rules, 57 (102 "
        "with --unsafe-fixes) once MM114 rewrites compact() + wait_for_compaction_completed() "
        "(ho28's pairs, whose client is MM104-unsafe), 55 (100) once a connect stays for a "
        "Collection parameter left ORM (ho30's connect and disconnect); mostly clients bound "
        "only inside "
        "functions of library modules (importers may reach an unbound client), calls in "
        "try/except (trap 2), Collection objects returned from public methods or passed to code "
        "the tool cannot see, and get_connection() / get_query_segment_info() without a "
        "MilvusClient rewrite"
    ),
)
def test_acceptance_share_on_the_unseen_holdout3() -> None:
    migrated, total = _share_migrated(HOLDOUT3_FILES)
    assert migrated / total >= ACCEPTANCE_SHARE, f"{migrated}/{total} = {migrated / total:.1%}"


@pytest.mark.xfail(
    strict=True,
    reason=(
        "acceptance not met on the fourth unseen holdout (ho41..ho53, 13 projects): 30 of 125 ORM "
        "sites migrated (24.0%; 58, 46.4%, with --unsafe-fixes) when first measured at 8eab02c, "
        "when ho53's output did not compile (fixed since by codemods/global_order.py); 42 of "
        "131 (32.1%; 67 with --unsafe-fixes) at 2db80b1 after it was read to fix rules (returned "
        "opens count as sites since 16a0dbd), 43 (32.8%; 69) once a connect in an async method "
        "rather than __init__ gives each instance its client, 49 (37.4%; 75) once MM114 keeps "
        "the ORM's None for `job = col.compact()` (ho46), 48 (36.6%; 74) once a connect stays "
        "for a Collection parameter left ORM (ho52); mostly calls in try/except (trap 2), "
        "clients bound only inside functions of library modules, `self.<attr>` collections "
        "that may still be None, Collection objects used as objects or returned from public "
        "helpers, and Role / aliases without a client for the alias"
    ),
)
def test_acceptance_share_on_the_unseen_holdout4() -> None:
    migrated, total = _share_migrated(HOLDOUT4_FILES)
    assert migrated / total >= ACCEPTANCE_SHARE, f"{migrated}/{total} = {migrated / total:.1%}"
