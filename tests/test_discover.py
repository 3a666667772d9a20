"""Discovery: which files a run looks at. Checked against git itself where git has an opinion."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from migrator.discover import Candidate, Problem, discover
from tests.cli_support import ORM_SOURCE, invoke, write_tree

ORM = ORM_SOURCE


def _found(root: Path, *paths: Path, excludes: tuple[str, ...] = ()) -> list[str]:
    out = []
    for item in discover(paths or (root,), excludes):
        assert isinstance(item, Candidate), item
        out.append(Path(os.path.relpath(item.path, root)).as_posix())
    return out


def test_skips_tool_and_environment_folders(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app/main.py": ORM,
            ".git/hooks/x.py": ORM,
            "myenv/pyvenv.cfg": "home = /usr/bin\n",
            "myenv/lib/site.py": ORM,
            "app/__pycache__/m.py": ORM,
            "build/lib/m.py": ORM,
            "dist/m.py": ORM,
            "node_modules/pkg/m.py": ORM,
            ".tox/py311/m.py": ORM,
            ".nox/s/m.py": ORM,
            "app/build/deep.py": ORM,  # `build` anywhere, as ruff and black do
            "app/notes.txt": "pymilvus",
            "app/sub/other.py": ORM,
        },
    )
    assert _found(tmp_path) == ["app/main.py", "app/sub/other.py"]


def test_walk_order_is_sorted_and_stable(tmp_path: Path) -> None:
    names = ["b/z.py", "a/y.py", "a.py", "c.py", "a/b/x.py", "B.py"]
    write_tree(tmp_path, dict.fromkeys(names, ORM))
    # Entries sorted by name within each folder (folder `a` before file `a.py`).
    assert _found(tmp_path) == ["B.py", "a/b/x.py", "a/y.py", "a.py", "b/z.py", "c.py"]


def test_explicit_file_is_processed_even_when_ignored_or_in_a_skipped_folder(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {".gitignore": "ignored.py\n", "ignored.py": ORM, "build/gen.py": ORM, "notes.txt": ORM},
    )
    assert _found(tmp_path) == []
    found = list(discover([tmp_path / "ignored.py", tmp_path / "build/gen.py"]))
    assert found == [
        Candidate(tmp_path / "ignored.py", explicit=True),
        Candidate(tmp_path / "build/gen.py", explicit=True),
    ]
    # Named explicitly, even a non-.py file is processed (as Python).
    assert list(discover([tmp_path / "notes.txt"])) == [
        Candidate(tmp_path / "notes.txt", explicit=True)
    ]
    # And an explicitly named skipped folder is walked.
    assert _found(tmp_path, tmp_path / "build") == ["build/gen.py"]


def test_nonexistent_path_is_a_problem(tmp_path: Path) -> None:
    assert list(discover([tmp_path / "missing"])) == [
        Problem(tmp_path / "missing", "path does not exist")
    ]


def test_same_file_twice_is_processed_once(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/a.py": ORM})
    (tmp_path / "link.py").symlink_to(tmp_path / "pkg/a.py")
    found = _found(tmp_path, tmp_path / "pkg/a.py", tmp_path, tmp_path / "link.py")
    assert found == ["pkg/a.py"]


def test_symlinked_folder_and_symlink_loop_are_not_followed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"real/a.py": ORM})
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "real/loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    assert _found(tmp_path) == ["real/a.py"]


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (("legacy",), ["app/a.py", "app/a_test.py", "app/sub/b.py"]),
        (("*_test.py",), ["app/a.py", "app/sub/b.py", "legacy/old.py"]),
        (("app/sub/*",), ["app/a.py", "app/a_test.py", "legacy/old.py"]),
        (("app/sub", "legacy"), ["app/a.py", "app/a_test.py"]),
        (("*.py",), []),
    ],
)
def test_exclude_globs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, patterns: tuple[str, ...], expected: list[str]
) -> None:
    write_tree(
        tmp_path,
        {"app/a.py": ORM, "app/a_test.py": ORM, "app/sub/b.py": ORM, "legacy/old.py": ORM},
    )
    monkeypatch.chdir(tmp_path)  # globs are written relative to where the user runs the tool
    assert _found(tmp_path, Path("."), excludes=patterns) == expected


# --- .gitignore, compared with git's own answer ---------------------------------------------

GITIGNORE_TREE: dict[str, str] = {
    ".gitignore": (
        "# comment\n"
        "\n"
        "generated_*.py\n"
        "!generated_keep.py\n"
        "/top_only.py\n"
        "cache/\n"
        "dironly.py/\n"
        "docs/**/gen_*.py\n"
        "secret?.py\n"
        "logs\n"
        "trailing_space.py   \n"
    ),
    "keep.py": ORM,
    "generated_a.py": ORM,
    "generated_keep.py": ORM,
    "top_only.py": ORM,
    "pkg/top_only.py": ORM,
    "cache/c.py": ORM,
    "pkg/cache/c.py": ORM,
    "dironly.py": ORM,
    "pkg/dironly.py/inner.py": ORM,
    "docs/gen_x.py": ORM,
    "docs/a/b/gen_y.py": ORM,
    "docs/a/b/keep_y.py": ORM,
    "secret1.py": ORM,
    "secret12.py": ORM,
    "logs/l.py": ORM,
    "trailing_space.py": ORM,
    "pkg/generated_b.py": ORM,
    # A nested .gitignore adds rules for its folder and can re-include what a parent ignored.
    "nested/.gitignore": "local_*.py\n!generated_nested.py\n/anchored.py\n",
    "nested/local_x.py": ORM,
    "nested/generated_nested.py": ORM,
    "nested/anchored.py": ORM,
    "nested/deeper/anchored.py": ORM,
    "nested/deeper/local_y.py": ORM,
    "nested/ok.py": ORM,
    # Git cannot re-include a file when its folder is excluded.
    "excluded_dir/.gitignore": "!*.py\n",
    "excluded_dir/x.py": ORM,
}


def _git_untracked(root: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(p for p in out.splitlines() if p.endswith(".py"))


@pytest.fixture
def git_tree(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.fail("git is needed to check .gitignore handling against git itself")
    root = tmp_path / "repo"
    tree = dict(GITIGNORE_TREE)
    tree[".gitignore"] += "excluded_dir/\n"
    write_tree(root, tree)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_gitignore_matches_git(git_tree: Path) -> None:
    ours = sorted(_found(git_tree))
    assert ours == _git_untracked(git_tree)
    # And the cases that matter are really in play (the tree is not trivially ignored).
    assert "generated_keep.py" in ours and "generated_a.py" not in ours
    assert "pkg/top_only.py" in ours and "top_only.py" not in ours
    assert "dironly.py" in ours and "pkg/dironly.py/inner.py" not in ours
    assert "nested/generated_nested.py" in ours and "nested/local_x.py" not in ours
    assert "nested/deeper/anchored.py" in ours and "nested/anchored.py" not in ours
    assert "docs/a/b/keep_y.py" in ours and "docs/a/b/gen_y.py" not in ours
    assert "excluded_dir/x.py" not in ours


def test_gitignore_in_a_parent_folder_applies_to_a_subfolder_run(git_tree: Path) -> None:
    sub = git_tree / "nested"
    ours = sorted(_found(git_tree, sub))
    assert ours == [p for p in _git_untracked(git_tree) if p.startswith("nested/")]
    write_tree(git_tree, {"nested/deeper/generated_z.py": ORM})
    assert "nested/deeper/generated_z.py" not in _found(git_tree, sub)


def test_gitignore_above_the_repository_root_does_not_apply(tmp_path: Path) -> None:
    write_tree(tmp_path, {".gitignore": "*.py\n", "repo/a.py": ORM})
    (tmp_path / "repo/.git").mkdir()
    assert _found(tmp_path / "repo") == ["a.py"]


# --- through the CLI ----------------------------------------------------------------------


def test_prefilter_counts_files_without_pymilvus_as_skipped(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "orm.py": ORM,
            "plain1.py": "import os\n",
            "plain2.py": "def f(:\n",  # never parsed, so not a failure
            "empty.py": "",
        },
    )
    result = invoke("--shim", "--check", "--format", "json", "-j1", tmp_path)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    statuses = {Path(f["path"]).name: f["status"] for f in report["files"]}
    assert statuses == {
        "orm.py": "changed",
        "plain1.py": "skipped",
        "plain2.py": "skipped",
        "empty.py": "skipped",
    }
    assert report["summary"]["skipped"] == 3


def test_cli_exclude_and_gitignore(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".gitignore": "ignored.py\n",
            "ignored.py": ORM,
            "keep.py": ORM,
            "legacy/old.py": ORM,
        },
    )
    result = invoke("--shim", "--check", "-v", "-j1", "--exclude", "legacy", tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path / 'keep.py'}: would migrate" in result.stderr
    assert "ignored.py" not in result.stderr and "old.py" not in result.stderr
    explicit = invoke("--shim", "--check", "-j1", tmp_path / "ignored.py")
    assert explicit.exit_code == 1
    assert f"would migrate {tmp_path / 'ignored.py'}" in explicit.stderr
