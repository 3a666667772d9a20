"""A later run over `--shim-rest` output (the pre-commit hook, `--check` in CI) still sees the
code left for manual review: its ORM names now come from compat_shim, and they count as
pymilvus's (codemods/shim_names.py). Before, such a run said nothing needed attention."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.cli_support import REPO_ROOT, invoke, write_tree

PROGRAMS = REPO_ROOT / "tests" / "fixtures" / "programs"
ATTENTION = re.compile(r"^(\d+) sites? needs? attention:", re.MULTILINE)
ITEM = re.compile(r"^  \S+\.py:\d+:\d+: (MM\d+) ", re.MULTILINE)


def _items(stdout: str) -> tuple[int, list[str]]:
    """The report's "N sites need attention" count and its items' rule codes, sorted."""
    found = ATTENTION.search(stdout)
    return (int(found.group(1)) if found else 0), sorted(ITEM.findall(stdout))


@pytest.mark.parametrize("program", ["error_paths.py", "two_connections_using.py"])
def test_rerun_of_shim_rest_output_reports_what_is_left(tmp_path: Path, program: str) -> None:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    target = root / program
    shutil.copy(PROGRAMS / program, target)

    first = invoke("--shim-rest", "--no-cache", "--no-color", "-j1", root)
    assert first.exit_code == 0, first.stderr
    shimmed = target.read_text(encoding="utf-8")
    assert "from compat_shim import" in shimmed
    count, codes = _items(first.stderr)  # the report goes to stderr
    assert count > 0 and len(codes) == count

    # A plain rerun, as the pre-commit hook or CI runs it: nothing to change, the same items
    # (at the lines of the rewritten file, which the first run's additions moved).
    for mode in ("--check", "--diff"):
        again = invoke(mode, "--no-cache", "--no-color", "-j1", root)
        assert again.exit_code == 0, again.stdout + again.stderr
        assert _items(again.stderr) == (count, codes), again.stderr
        assert "0 would change" in again.stderr
        assert again.stdout == ""  # no diff
    assert target.read_text(encoding="utf-8") == shimmed

    # `--shim-rest` again: idempotent.
    rest = invoke("--shim-rest", "--no-cache", "--no-color", "-j1", root)
    assert rest.exit_code == 0, rest.stderr
    assert target.read_text(encoding="utf-8") == shimmed
    assert _items(rest.stderr) == (count, codes)
    assert "0 changed" in rest.stderr


def test_a_file_naming_only_compat_shim_is_not_skipped(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "shimmed.py": (
                "from compat_shim import Collection, connections\n"
                "\n"
                "connections.connect(uri='http://localhost:19530')\n"
                "books = Collection('books')\n"
                "books.load()\n"
            ),
            "plain.py": "import os\n",
        },
    )
    result = invoke("--diff", "--no-cache", "--no-color", "-j1", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "+client = MilvusClient(uri='http://localhost:19530')" in result.stdout
    assert "-from compat_shim import Collection, connections" in result.stdout
    assert "1 would change" in result.stderr
    assert "1 skipped" in result.stderr  # plain.py only
