"""The result cache (migrator/cache.py) through the real CLI: hits are proven, reports are the
same as without a cache, and anything that could change a result misses."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

import codemods
import migrator
import migrator.cache
import migrator.runner
from migrator.cache import DIR_NAME, STALE_TOOL_AGE, tool_fingerprint
from tests.cli_support import ORM_SOURCE, invoke, run_cli, write_tree
from tests.test_notebooks import ORM_NOTEBOOK

CATALOG = (Path(__file__).resolve().parent.parent / "examples/legacy_app/catalog.py").read_text()
FILES = {
    "app/a.py": ORM_SOURCE,
    "app/catalog.py": CATALOG,  # changes and a manual-review finding (MM130)
    # Passes the pre-filter, stays unchanged.
    "app/mentions.py": "import pymilvus\n\nprint(pymilvus.__name__)\n",
    "app/plain.py": "print('no milvus here')\n",  # skipped by the pre-filter: never cached
    "app/nb.ipynb": json.dumps(ORM_NOTEBOOK, indent=1) + "\n",  # cell diffs with --shim
}
RELEVANT = 4  # files past the pre-filter


@pytest.fixture(scope="module")
def fingerprint() -> str:
    return tool_fingerprint()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fingerprint: str) -> Path:
    """Caching on (conftest turns it off for the rest of the suite), in a folder of our own.

    The tool's fingerprint is held for the test: in a working tree being edited, a save to any
    codemod between two runs would (rightly) miss. Its own tests are below.
    """
    monkeypatch.setattr(migrator.cache, "tool_fingerprint", lambda: fingerprint)
    folder = tmp_path / "cache"
    monkeypatch.delenv("MILVUS_MIGRATE_NO_CACHE", raising=False)
    monkeypatch.setenv("MILVUS_MIGRATE_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    write_tree(root, FILES)
    monkeypatch.chdir(root)  # paths in the output are relative: runs on copies compare equal
    return root


def _run(*args: str) -> tuple[int, str, str]:
    result = invoke("--no-color", *args, ".")
    # SARIF names the working directory; the baseline runs in a copy of the tree.
    stdout = result.stdout.replace(Path.cwd().as_uri(), "file:///<cwd>")
    return result.exit_code, stdout, result.stderr


def _without_cache_note(stderr: str) -> str:
    return re.sub(r" \d+ results from the cache\.", "", stderr)


def _hits(stderr: str) -> int:
    marker = " results from the cache."
    if marker not in stderr:
        return 0
    return int(stderr.split(marker)[0].rsplit(" ", 1)[1])


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json")) if folder.exists() else []


def _no_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the codemods unreachable: a run that still reports every file used the cache."""

    def refuse(*_args: object) -> None:
        raise AssertionError("the pipeline ran on a file the cache should have answered")

    monkeypatch.setattr(migrator.runner, "process_bytes", refuse)


def _baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str):
    """The same run on a fresh copy of the tree with --no-cache, and the files it left."""
    other = tmp_path / "baseline"
    write_tree(other, FILES)
    here = Path.cwd()
    monkeypatch.chdir(other)
    try:
        outcome = _run("--no-cache", *args)
    finally:
        monkeypatch.chdir(here)
    return outcome, _files(other)


def _files(root: Path) -> dict[str, bytes]:
    return {rel: (root / rel).read_bytes() for rel in FILES}


MODES = [
    pytest.param(("--check",), id="check"),
    pytest.param(("--diff",), id="diff"),
    pytest.param(("--check", "--format", "json"), id="check-json"),
    pytest.param(("--check", "--format", "sarif"), id="check-sarif"),
]


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(
    "shim", [(), ("--shim",), ("--annotate",)], ids=["default", "shim", "annotate"]
)
@pytest.mark.parametrize("mode", MODES)
def test_warm_run_hits_and_reports_exactly_what_an_uncached_run_does(
    cache: Path, proj: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode, shim, jobs
) -> None:
    args = (*mode, *shim, "-j", jobs)
    expected, expected_files = _baseline(tmp_path, monkeypatch, *args)
    cold = _run(*args)
    assert cold == expected  # a cold cache changes nothing either
    assert len(_entries(cache)) == RELEVANT
    _no_pipeline(monkeypatch)
    code, out, err = _run(*args)
    assert (code, out, _without_cache_note(err)) == expected
    if "--format" not in mode:  # json and sarif print no summary; _no_pipeline proves it
        assert _hits(err) == RELEVANT, err
    assert _files(proj) == expected_files  # nothing written in these modes


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("option", ["--shim", "--annotate"])
def test_write_mode_from_a_cache_filled_by_check_writes_the_same_bytes(
    cache: Path, proj: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs, option
) -> None:
    expected, expected_files = _baseline(tmp_path, monkeypatch, option, "-j", jobs)
    assert _run("--check", option, "-j", jobs)[0] == 1
    _no_pipeline(monkeypatch)
    code, out, err = _run(option, "-j", jobs)
    assert (code, out, _without_cache_note(err)) == expected
    assert _hits(err) == RELEVANT
    assert _files(proj) == expected_files
    assert expected_files != {rel: text.encode() for rel, text in FILES.items()}  # it wrote


def test_a_changed_file_misses_and_the_others_still_hit(cache: Path, proj: Path) -> None:
    _run("--check")
    (proj / "app/a.py").write_text(ORM_SOURCE + "# edited\n")
    code, _out, err = _run("--check")
    assert _hits(err) == RELEVANT - 1
    assert code == 1 and "would migrate app/a.py" in err


@pytest.mark.parametrize(
    "option",
    [
        ("--shim",),
        ("--unsafe-fixes",),
        ("--annotate",),
        ("--client-name", "milvus"),
        ("--async", "never"),
        ("--select", "MM1"),
        ("--ignore", "MM130"),
    ],
)
def test_any_option_that_shapes_output_misses(cache: Path, proj: Path, option) -> None:
    _run("--check")
    assert _hits(_run("--check", *option)[2]) == 0
    assert _hits(_run("--check", *option)[2]) == RELEVANT  # and has its own entries


def test_a_config_file_setting_is_an_option_too(cache: Path, proj: Path) -> None:
    _run("--check")
    (proj / "pyproject.toml").write_text('[tool.milvus-migrate]\nclient-name = "milvus"\n')
    assert _hits(_run("--check")[2]) == 0


def test_another_tool_fingerprint_misses(
    cache: Path, proj: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run("--check")
    monkeypatch.setattr(migrator.cache, "tool_fingerprint", lambda: "a different build")
    assert _hits(_run("--check")[2]) == 0


def test_the_fingerprint_covers_every_source_file_of_the_tool(tmp_path: Path) -> None:
    roots = [Path(codemods.__file__).parent, Path(migrator.__file__).parent]
    copies = []
    for root in roots:
        copy = tmp_path / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("__pycache__"))
        copies.append(copy)
    assert tool_fingerprint(copies) == tool_fingerprint()  # the default roots are these two
    for copy in copies:
        target = sorted(copy.rglob("*.py"))[-1]
        original = target.read_bytes()
        target.write_bytes(original + b"\n")
        assert tool_fingerprint(copies) != tool_fingerprint()
        target.write_bytes(original)
    (copies[0] / "new_rule.py").write_text("")
    assert tool_fingerprint(copies) != tool_fingerprint()


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"key": "other"}', b"\x00\xff" * 9])
def test_a_corrupt_entry_is_a_miss_and_is_rewritten(
    cache: Path, proj: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    expected, _ = _baseline(tmp_path, monkeypatch, "--check")
    _run("--check")
    for entry in _entries(cache):
        entry.write_bytes(damage)
    code, out, err = _run("--check")
    assert (code, out, err) == expected  # all misses: no cache note at all
    assert _hits(_run("--check")[2]) == RELEVANT  # the entries were written again


def test_an_unwritable_cache_folder_just_runs_without_caching(
    proj: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected, _ = _baseline(tmp_path, monkeypatch, "--check")
    blocker = tmp_path / "a-file"
    blocker.write_text("")  # no folder can be made under a file, not even by root
    monkeypatch.delenv("MILVUS_MIGRATE_NO_CACHE", raising=False)
    monkeypatch.setenv("MILVUS_MIGRATE_CACHE_DIR", str(blocker / "cache"))
    assert _run("--check") == expected
    assert _run("--check") == expected


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores modes")
def test_a_read_only_cache_folder_still_serves_hits(cache: Path, proj: Path) -> None:
    _run("--check")
    folders = [cache, *(p for p in cache.rglob("*") if p.is_dir())]
    for folder in folders:
        folder.chmod(0o555)
    try:
        (proj / "app/a.py").write_text(ORM_SOURCE + "# edited\n")
        code, _out, err = _run("--check")
        assert code == 1 and "Traceback" not in err
        assert _hits(err) == RELEVANT - 1
    finally:
        for folder in folders:
            folder.chmod(0o755)


def test_failures_are_never_cached(cache: Path, proj: Path) -> None:
    (proj / "app/broken.py").write_text("import pymilvus\ndef f(:\n")
    for _ in range(2):
        code, _out, err = _run("--check")
        assert code == 2 and "app/broken.py:2: syntax error" in err
    assert _hits(err) == RELEVANT
    assert len(_entries(cache)) == RELEVANT


@pytest.mark.parametrize("how", ["flag", "env"])
def test_no_cache_reads_and_writes_nothing(
    cache: Path, proj: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "env":
        monkeypatch.setenv("MILVUS_MIGRATE_NO_CACHE", "1")
    args = ("--no-cache",) if how == "flag" else ()
    _run("--check", *args)
    _run("--check", *args)
    assert not cache.exists()


def test_default_folder_is_at_the_project_root_ignored_by_git_and_the_walk(
    proj: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MILVUS_MIGRATE_NO_CACHE", raising=False)
    monkeypatch.delenv("MILVUS_MIGRATE_CACHE_DIR", raising=False)
    (proj / ".git").mkdir()
    result = invoke("--check", proj / "app")  # run on a sub-folder: the cache goes to the root
    assert result.exit_code == 1
    folder = proj / DIR_NAME
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert len(_entries(folder)) == RELEVANT
    shutil.copy(proj / "app/a.py", folder / "planted.py")  # never scanned as a source file
    assert "planted.py" not in invoke("--check", "-v", proj).stderr


def test_parallel_subprocess_run_hits_in_the_parent(cache: Path, proj: Path) -> None:
    cold = run_cli("--check", "-j", "2", ".", cwd=proj)
    warm = run_cli("--check", "-j", "2", ".", cwd=proj)
    assert cold.returncode == warm.returncode == 1
    assert _hits(cold.stderr) == 0 and _hits(warm.stderr) == RELEVANT
    assert _without_cache_note(warm.stderr) == cold.stderr


# ---- pruning (ResultCache.prune, run at the end of every run that used the cache) ----------

DAY = 86400.0


def _age(path: Path, seconds: float) -> None:
    when = time.time() - seconds
    os.utime(path, (when, when))


def _version_folder(cache: Path, fingerprint: str) -> Path:
    return cache / fingerprint[:16]


def test_another_versions_entries_go_once_it_is_unused_for_an_hour(
    cache: Path, proj: Path, fingerprint: str
) -> None:
    _run("--check")
    mine = _version_folder(cache, fingerprint)
    stale, recent = cache / ("a" * 16), cache / ("b" * 16)
    for other, age in ((stale, 2 * STALE_TOOL_AGE), (recent, STALE_TOOL_AGE / 2)):
        shutil.copytree(mine, other)
        _age(other / ".last-used", age)
    foreign = cache / "not-a-version"  # not a folder the tool made: never touched
    foreign.mkdir()
    _run("--check")
    assert not stale.exists()
    assert len(_entries(recent)) == RELEVANT
    assert foreign.is_dir() and (cache / ".gitignore").is_file()
    assert (cache / "CACHEDIR.TAG").is_file()
    assert len(_entries(mine)) == RELEVANT


def test_entries_unused_for_a_month_go_and_hits_keep_theirs(
    cache: Path, proj: Path, fingerprint: str
) -> None:
    _run("--check")
    mine = _version_folder(cache, fingerprint)
    before = set(_entries(mine))
    (proj / "app/a.py").write_text(ORM_SOURCE + "# edited\n")  # its old entry is now orphaned
    for entry in before:
        _age(entry, 40 * DAY)
    _age(mine / ".last-scan", 2 * DAY)  # due for a scan
    code, _out, err = _run("--check")
    assert code == 1 and _hits(err) == RELEVANT - 1
    after = set(_entries(mine))
    assert len(after) == RELEVANT  # three refreshed by their hits, one new; the orphan is gone
    assert len(before - after) == 1
    # A fresh scan marker: the next run does not scan again, even with old entries around.
    for entry in after:
        _age(entry, 40 * DAY)
    _run("--check")
    assert set(_entries(mine)) == after


def test_a_run_that_never_used_the_cache_prunes_nothing(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = cache / ("a" * 16)
    stale.mkdir(parents=True)
    _age(stale, 2 * STALE_TOOL_AGE)
    plain = tmp_path / "plain"
    write_tree(plain, {"x.py": "print('no milvus here')\n"})
    monkeypatch.chdir(plain)
    assert _run("--check")[0] == 0
    assert stale.is_dir()
