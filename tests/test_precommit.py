"""The pre-commit hooks, run for real by pre-commit on a temporary repository.

pre-commit clones the project at a commit and pip-installs it into its own environment, so
these tests exercise the committed `.pre-commit-hooks.yaml` and the installed console script,
exactly as a user's repository would. The project is cloned first, so the hook sees HEAD and
not whatever is uncommitted in the working tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]

ORM_APP = """\
from pymilvus import Collection, connections

connections.connect(uri="./demo.db")
col = Collection("books")
print(col.num_entities)
"""

CLEAN_APP = """\
from pymilvus import MilvusClient

client = MilvusClient(uri="./demo.db")
print(client.get_collection_stats("books")["row_count"])
"""

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    out = subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, str]]:
    """A clone of the project at HEAD, its commit, and an env with a private pre-commit cache.

    The cache is shared by the tests of this module, so the hook environment (a pip install of
    the project) is built once.
    """
    base = tmp_path_factory.mktemp("precommit")
    clone = base / "milvus-migrate"
    subprocess.run(
        ["git", "clone", "-q", str(PROJECT), str(clone)], check=True, capture_output=True
    )
    rev = _git(clone, "rev-parse", "HEAD")
    env = {**os.environ, "PRE_COMMIT_HOME": str(base / "cache"), "NO_COLOR": "1"}
    env.pop("PRE_COMMIT", None)
    return clone, rev, env


def _user_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    _git(path, "init", "-q")
    for name, text in files.items():
        (path / name).write_text(text)
    _git(path, "add", *files)
    return path


def _pre_commit(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PRE_COMMIT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


def _write_config(repo: Path, clone: Path, rev: str, hooks: str) -> None:
    """The .pre-commit-config.yaml that docs/ci-and-pre-commit.md shows, pointing at the clone."""
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone}\n    rev: {rev}\n    hooks:\n{hooks}"
    )
    _git(repo, "add", ".pre-commit-config.yaml")


def test_try_repo_rewrite_hook_fails_and_rewrites_orm_file(hook_repo, tmp_path: Path) -> None:
    # try-repo builds its hook environment in a throw-away store each time (a pip install of
    # the project), so it runs once here; the other tests share one cached install.
    clone, _, env = hook_repo
    repo = _user_repo(tmp_path / "user", {"app.py": ORM_APP, "clean.py": CLEAN_APP})
    run = _pre_commit(["try-repo", str(clone), "milvus-migrate", "--all-files"], repo, env)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "files were modified by this hook" in output
    migrated = (repo / "app.py").read_text()
    assert "from pymilvus import MilvusClient" in migrated
    assert "client = MilvusClient(" in migrated
    assert "Collection(" not in migrated and "connections" not in migrated
    assert (repo / "clean.py").read_text() == CLEAN_APP


def test_check_hook_fails_without_writing_then_rewrite_hook_then_clean(
    hook_repo, tmp_path: Path
) -> None:
    clone, rev, env = hook_repo
    repo = _user_repo(tmp_path / "user", {"app.py": ORM_APP, "clean.py": CLEAN_APP})
    _write_config(
        repo, clone, rev, "      - id: milvus-migrate-check\n      - id: milvus-migrate\n"
    )
    check = _pre_commit(["run", "milvus-migrate-check", "--all-files"], repo, env)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "would migrate app.py" in check.stdout
    assert (repo / "app.py").read_text() == ORM_APP  # --check writes nothing

    rewrite = _pre_commit(["run", "milvus-migrate", "--all-files"], repo, env)
    assert rewrite.returncode == 1, rewrite.stdout + rewrite.stderr
    migrated = (repo / "app.py").read_text()
    assert migrated != ORM_APP

    # Second pass over the migrated tree: both hooks pass and nothing changes.
    again = _pre_commit(["run", "--all-files"], repo, env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert (repo / "app.py").read_text() == migrated
    assert (repo / "clean.py").read_text() == CLEAN_APP


def test_config_snippet_with_shim_args_blocks_the_commit(hook_repo, tmp_path: Path) -> None:
    """The documented .pre-commit-config.yaml, with `args: [--shim]`, through `git commit`."""
    clone, rev, env = hook_repo
    repo = _user_repo(tmp_path / "user", {"app.py": ORM_APP})
    _write_config(repo, clone, rev, "      - id: milvus-migrate\n        args: [--shim]\n")
    install = _pre_commit(["install"], repo, env)
    assert install.returncode == 0, install.stdout + install.stderr
    commit_env = {
        **env,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    blocked = subprocess.run(
        ["git", "commit", "-qm", "add app"],
        cwd=repo,
        env=commit_env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    assert "files were modified by this hook" in blocked.stdout + blocked.stderr
    shimmed = (repo / "app.py").read_text()
    assert shimmed.startswith("from compat_shim import Collection, connections\n")
    assert _git(repo, "rev-list", "--all") == ""  # nothing was committed

    # The user reviews and stages the rewrite: now the commit goes through.
    _git(repo, "add", "app.py")
    ok = subprocess.run(
        ["git", "commit", "-qm", "add app"],
        cwd=repo,
        env=commit_env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert _git(repo, "show", "HEAD:app.py") + "\n" == shimmed
