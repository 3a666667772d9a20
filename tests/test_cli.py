"""The real CLI end to end: help, modes, exit codes, output formats, colour, parallel runs."""

from __future__ import annotations

import json
import shutil
from importlib.metadata import version
from pathlib import Path

import pytest

import migrator.process
from tests.cli_support import (
    ANSI,
    ORM_SOURCE,
    SHIMMED_IMPORT,
    invoke,
    leftover_temp_files,
    run_cli,
    snapshot,
    write_tree,
)

PLAIN = "import os\n\nprint(os.sep)\n"
# Mentions pymilvus (passes the pre-filter) but has nothing the shim rewrite touches.
MENTIONS_ONLY = "# pymilvus is used elsewhere\nimport pymilvus\n\nprint(pymilvus.__name__)\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    write_tree(
        root,
        {
            "app/a.py": ORM_SOURCE,
            "app/b.py": ORM_SOURCE.replace("books", "films"),
            "app/plain.py": PLAIN,
            "app/mentions.py": MENTIONS_ONLY,
        },
    )
    return root


# --- help, version, entry points -------------------------------------------------------------


def test_help_documents_options_and_exit_codes() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    out = result.stdout
    for option in (
        "--diff",
        "--check",
        "--format",
        "--jobs",
        "--exclude",
        "--quiet",
        "--verbose",
        "--no-color",
        "--shim",
    ):
        assert option in out
    assert "Exit codes:" in out
    assert "0  success, or nothing to do" in out
    assert "1  --check found files that would change" in out
    assert "2  usage error, or at least one file could not be processed" in out


def test_python_dash_m_help_in_a_subprocess() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0, proc.stderr
    assert "Exit codes:" in proc.stdout
    assert "Usage: milvus-migrate" in proc.stdout


def test_console_script_version() -> None:
    proc = run_cli("--version", module=False)
    assert proc.returncode == 0, proc.stderr
    assert version("milvus-migrate") in proc.stdout


def test_no_path_is_a_usage_error() -> None:
    result = invoke()
    assert result.exit_code == 2
    assert "no PATH given" in result.stderr


def test_diff_and_check_together_is_a_usage_error(tree: Path) -> None:
    result = invoke("--diff", "--check", tree)
    assert result.exit_code == 2
    assert "cannot be combined" in result.stderr


def test_nonexistent_path_exits_2_with_a_clear_message(tree: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = invoke("--shim", "-j1", "--check", tree, missing)
    assert result.exit_code == 2
    assert f"{missing}: path does not exist" in result.stderr
    # The existing folder was still processed.
    assert "would migrate" in result.stderr


# --- modes ---------------------------------------------------------------------------------


def test_diff_prints_diffs_and_writes_nothing(tree: Path) -> None:
    before = snapshot(tree)
    result = invoke("--shim", "--diff", "-j1", tree)
    assert result.exit_code == 0, result.output
    assert snapshot(tree) == before  # bytes, mtimes and modes
    out = result.stdout
    for name in ("app/a.py", "app/b.py"):
        path = (tree / name).as_posix()
        assert f"--- a/{path}\n+++ b/{path}\n" in out
    assert f"+{SHIMMED_IMPORT}\n" in out
    assert "-from pymilvus import Collection, connections\n" in out
    assert "plain.py" not in out and "mentions.py" not in out
    assert not leftover_temp_files(tree)


def test_check_exits_1_then_write_then_check_exits_0(tree: Path) -> None:
    before = snapshot(tree)
    check = invoke("--shim", "--check", "-j1", tree)
    assert check.exit_code == 1
    assert snapshot(tree) == before
    assert f"would migrate {tree / 'app/a.py'}" in check.stderr

    write = invoke("--shim", "-j1", tree)
    assert write.exit_code == 0, write.output
    assert (tree / "app/a.py").read_text().startswith(SHIMMED_IMPORT)
    assert (tree / "app/plain.py").read_bytes() == before["app/plain.py"].data
    # Files without edits are never rewritten, not even with the same bytes.
    assert snapshot(tree)["app/mentions.py"] == before["app/mentions.py"]

    again = invoke("--shim", "--check", "-j1", tree)
    assert again.exit_code == 0, again.output
    assert "0 would change" in again.stderr


def test_full_migration_without_shim(tree: Path) -> None:
    """The default rewrite (the full MilvusClient rules) changes an ORM file; then a fixed point."""
    assert invoke("--check", "-j1", tree).exit_code == 1
    assert invoke("-j1", tree).exit_code == 0
    migrated = (tree / "app/a.py").read_text()
    assert "MilvusClient" in migrated
    assert "Collection(" not in migrated
    assert invoke("--check", "-j1", tree).exit_code == 0


# --- output: summary, quiet, verbose, JSON ---------------------------------------------------


def test_summary_line_counts_every_status(tree: Path) -> None:
    write_tree(tree, {"app/broken.py": "import pymilvus\ndef f(:\n"})
    result = invoke("--shim", "--check", "-j1", tree)
    assert result.exit_code == 2  # a failure outranks "would change"
    assert (
        "5 files scanned: 2 would change, 1 unchanged, 1 skipped (no pymilvus), 1 failed; "
        "0 manual-review items." in result.stderr
    )
    write = invoke("--shim", "-j1", tree)
    assert "2 changed, 1 unchanged" in write.stderr


def test_quiet_prints_only_errors(tree: Path) -> None:
    write_tree(tree, {"app/broken.py": "import pymilvus\ndef f(:\n"})
    result = invoke("--shim", "--check", "-q", "-j1", tree)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {tree / 'app/broken.py'}:")


def test_verbose_names_every_file(tree: Path) -> None:
    result = invoke("--shim", "--check", "-v", "-j1", tree)
    assert result.exit_code == 1
    err = result.stderr
    assert f"{tree / 'app/a.py'}: would migrate" in err
    assert f"{tree / 'app/plain.py'}: skipped" in err
    assert f"{tree / 'app/mentions.py'}: unchanged" in err


def _crash(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("boom in a codemod")


def test_tool_bug_traceback_only_with_verbose(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Our own pipeline function, not Milvus: simulate a bug inside the codemods.
    monkeypatch.setattr(migrator.process, "migrate_source", _crash)
    before = snapshot(tree)
    plain = invoke("--shim", "-j1", tree / "app/a.py")
    assert plain.exit_code == 2
    assert "internal error in milvus-migrate: RuntimeError: boom in a codemod" in plain.stderr
    assert "Traceback" not in plain.output
    verbose = invoke("--shim", "-v", "-j1", tree / "app/a.py")
    assert verbose.exit_code == 2
    assert "Traceback (most recent call last)" in verbose.stderr
    assert snapshot(tree) == before


def test_json_report_shape(tree: Path) -> None:
    write_tree(tree, {"app/broken.py": "import pymilvus\n\ndef f(:\n"})
    # A module-level `import pymilvus` + `pymilvus.Collection` is reported by MM001.
    write_tree(tree, {"app/attr.py": "import pymilvus\n\nc = pymilvus.Collection('x')\n"})
    result = invoke("--shim", "--check", "--format", "json", "-j1", tree)
    assert result.exit_code == 2
    report = json.loads(result.stdout)  # stdout holds the JSON document and nothing else
    assert report["mode"] == "check"
    files = {Path(f["path"]).name: f for f in report["files"]}
    assert set(files) == {"a.py", "b.py", "plain.py", "mentions.py", "broken.py", "attr.py"}
    a = files["a.py"]
    assert a["status"] == "changed"
    assert a["changes"] and {"line", "code", "summary"} <= set(a["changes"][0])
    assert a["changes"][0]["code"] == "MM001" and a["changes"][0]["line"] == 1
    assert a["manual_review"] == []
    assert files["plain.py"]["status"] == "skipped"
    assert files["mentions.py"]["status"] == "unchanged"
    broken = files["broken.py"]
    assert broken["status"] == "failed"
    assert broken["error"]["line"] == 3 and "syntax error" in broken["error"]["message"]
    review = files["attr.py"]["manual_review"]
    assert review, files["attr.py"]
    assert {"line", "column", "code", "message"} <= set(review[0])
    assert review[0]["code"] == "MM001"
    assert report["summary"] == {
        "scanned": 6,
        "changed": 2,
        "unchanged": 2,
        "skipped": 1,
        "failed": 1,
        "manual_review": len(review),
    }
    assert "files scanned" not in result.stderr  # the text summary is not mixed in


# --- colour -----------------------------------------------------------------------------------


def test_no_ansi_codes_when_not_a_terminal(tree: Path) -> None:
    result = invoke("--shim", "--diff", "-v", "-j1", tree)
    assert result.exit_code == 0
    assert not ANSI.search(result.output)


def test_force_color_gives_ansi_and_no_color_wins(tree: Path) -> None:
    coloured = invoke("--shim", "--diff", "-j1", tree, env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert ANSI.search(coloured.stdout), "the check below would be meaningless"
    flag = invoke("--shim", "--diff", "--no-color", "-j1", tree, env={"FORCE_COLOR": "1"})
    assert flag.exit_code == 0 and not ANSI.search(flag.output)
    env = invoke("--shim", "--diff", "-j1", tree, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert env.exit_code == 0 and not ANSI.search(env.output)


def test_subprocess_output_is_plain_and_has_no_traceback(tree: Path) -> None:
    write_tree(tree, {"app/broken.py": "import pymilvus\ndef f(:\n"})
    proc = run_cli("--shim", "--diff", tree, module=False)
    assert proc.returncode == 2
    assert not ANSI.search(proc.stdout + proc.stderr)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"error: {tree / 'app/broken.py'}:2: syntax error" in proc.stderr


# --- parallel runs ------------------------------------------------------------------------------


def _fifty_files(root: Path) -> None:
    files: dict[str, str] = {}
    for i in range(50):
        kind = i % 5
        if kind == 0:
            files[f"pkg{i % 3}/m{i:02d}.py"] = PLAIN
        elif kind == 1:
            files[f"pkg{i % 3}/m{i:02d}.py"] = f"import pymilvus\ndef f{i}(:\n"
        elif kind == 2:
            files[f"pkg{i % 3}/m{i:02d}.py"] = MENTIONS_ONLY
        else:
            files[f"pkg{i % 3}/m{i:02d}.py"] = ORM_SOURCE.replace("books", f"c{i}")
    write_tree(root, files)


def test_jobs_1_and_jobs_2_give_identical_results_in_order(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    _fifty_files(one)
    shutil.copytree(one, two)
    reports = []
    for root, jobs in ((one, "1"), (two, "2")):
        result = invoke("--shim", "--format", "json", "--jobs", jobs, root)
        assert result.exit_code == 2  # the syntax-error files
        report = json.loads(result.stdout)
        for f in report["files"]:
            f["path"] = Path(f["path"]).relative_to(root).as_posix()
        reports.append(report)
    assert reports[0] == reports[1]
    paths = [f["path"] for f in reports[0]["files"]]
    assert len(paths) == 50 and paths[:2] == ["pkg0/m00.py", "pkg0/m03.py"]
    assert reports[0]["summary"]["changed"] == 20
    after_one, after_two = snapshot(one), snapshot(two)
    assert {k: v.data for k, v in after_one.items()} == {k: v.data for k, v in after_two.items()}


def test_jobs_2_text_output_matches_jobs_1(tmp_path: Path) -> None:
    root = tmp_path / "t"
    _fifty_files(root)
    one = invoke("--shim", "--diff", "-j1", root)
    two = invoke("--shim", "--diff", "-j2", root)
    assert one.exit_code == two.exit_code == 2
    assert one.stdout == two.stdout and one.stderr == two.stderr


# --- progress bar -----------------------------------------------------------------------------


def _run_on_a_terminal(root: Path, *extra: str) -> str:
    """Run the console script with stdout and stderr on a pseudo-terminal; return what it drew."""
    import os
    import pty
    import subprocess
    import sys
    import threading

    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO once the child has exited and closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    env = {**os.environ, "COLUMNS": "100", "LINES": "40", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    env.pop("FORCE_COLOR", None)
    proc = subprocess.run(
        [sys.executable, "-m", "migrator", *extra, str(root)],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=env,
        timeout=300,
    )
    os.close(slave)
    reader.join(timeout=30)
    os.close(master)
    assert proc.returncode in (0, 1), b"".join(chunks)[-2000:]
    return b"".join(chunks).decode("utf-8", "replace")


def _progress_tree(root: Path, n_files: int) -> None:
    files = {f"plain/p{i:03d}.py": PLAIN for i in range(n_files - 12)}
    files.update({f"orm/o{i:02d}.py": ORM_SOURCE for i in range(12)})
    write_tree(root, files)


def test_progress_bar_on_a_terminal_for_a_long_run(tmp_path: Path) -> None:
    _progress_tree(tmp_path, 230)
    drawn = _run_on_a_terminal(tmp_path, "--shim", "--check", "-j1")
    assert "migrating" in drawn and "/230" in drawn, drawn[-2000:]
    assert "230 files scanned" in drawn
    # Not on a short run, and never with -q.
    small = tmp_path / "small"
    _progress_tree(small, 60)
    assert "migrating" not in _run_on_a_terminal(small, "--shim", "--check", "-j1")
    assert "migrating" not in _run_on_a_terminal(tmp_path, "--shim", "--check", "-q", "-j1")


def test_no_progress_bar_when_not_a_terminal(tmp_path: Path) -> None:
    _progress_tree(tmp_path, 230)
    proc = run_cli("--shim", "--check", "-j1", tmp_path, env={"FORCE_COLOR": "1"})
    assert proc.returncode == 1
    assert "migrating" not in proc.stderr and "/230" not in proc.stderr


# --- file names are printed as they are -------------------------------------------------------


@pytest.mark.parametrize("force_color", [None, "1"])
def test_paths_with_markup_or_emoji_codes_print_verbatim(
    tmp_path: Path, force_color: str | None
) -> None:
    write_tree(
        tmp_path,
        {
            "a[bold].py": "import pymilvus\ndef f(:\n",
            "b[/x]y.py": "import pymilvus\ndef f(:\n",  # a closing tag: once a MarkupError
            "c:smile:.py": ORM_SOURCE,
        },
    )
    env = {"FORCE_COLOR": force_color, "NO_COLOR": None}
    result = invoke("--shim", "--check", "-v", "-j1", tmp_path, env=env)
    assert result.exit_code == 2
    err = ANSI.sub("", result.stderr)
    assert f"error: {tmp_path / 'a[bold].py'}:2: syntax error: invalid syntax" in err
    assert f"error: {tmp_path / 'b[/x]y.py'}:2: syntax error: invalid syntax" in err
    assert f"{tmp_path / 'c:smile:.py'}: would migrate" in err


def test_summary_counts_the_items_unsafe_fixes_would_rewrite(tmp_path: Path) -> None:
    # MM113: a held collection used before any proof that it is set (ruff's hidden fixes).
    source = (
        "from pymilvus import Collection, connections\n"
        'connections.connect(uri="http://h:1")\n\n\n'
        "class Store:\n"
        "    def __init__(self):\n"
        "        self.col = None\n\n"
        "    def open(self, name):\n"
        "        self.col = Collection(name)\n\n"
        "    def count(self):\n"
        "        return self.col.num_entities\n"
    )
    write_tree(tmp_path, {"store.py": source})
    report = invoke("--check", "-j1", "--no-color", tmp_path)
    assert "(suggestion: rerun with --unsafe-fixes)" in report.stderr
    # The Collection() has an item too, naming the use (see line 12): 3 of 4 are MM113's.
    assert "4 manual-review items. 3 of them can be fixed with --unsafe-fixes." in report.stderr
    fixed = invoke("--check", "-j1", "--no-color", "--unsafe-fixes", tmp_path)
    assert "0 manual-review items." in fixed.stderr
    assert "--unsafe-fixes." not in fixed.stderr
