"""`[tool.milvus-migrate]` in pyproject.toml, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.config import Config, ConfigError, find_pyproject, load_config

ORM_IMPORTS = "from pymilvus import Collection\n"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "migrator", *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository with a nested package and a legacy folder.

    It sits one level below tmp_path, so a config written into its parent stays inside this
    test's own folder (pytest's shared base folder holds every other test's files).
    """
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "src" / "app").mkdir(parents=True)
    (root / "legacy").mkdir()
    (root / "src" / "app" / "store.py").write_text(ORM_IMPORTS)
    (root / "legacy" / "old.py").write_text(ORM_IMPORTS)
    return root


def _set_config(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[tool.milvus-migrate]\n{body}')


def _changed(report: str) -> list[str]:
    files = json.loads(report)["files"]
    return sorted(Path(f["path"]).name for f in files if f["status"] == "changed")


def test_found_by_walking_up_from_a_nested_path(project: Path) -> None:
    _set_config(project, 'ignore = ["MM001"]\n')
    nested = project / "src" / "app"
    assert find_pyproject([nested / "store.py"]) == project / "pyproject.toml"
    assert load_config([nested]).ignore == ("MM001",)
    run = _cli("--shim", "--check", "store.py", cwd=nested)
    assert run.returncode == 0, run.stderr  # MM001 ignored by the config: nothing to change


def test_search_stops_at_the_repository_root(project: Path) -> None:
    _set_config(project.parent, 'ignore = ["MM001"]\n')  # outside the repository
    assert find_pyproject([project / "src"]) is None
    assert load_config([project / "src"]) == Config()


def test_pyproject_without_the_table_is_passed_over(project: Path) -> None:
    _set_config(project, 'select = ["MM0"]\n')
    (project / "src" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 90\n")
    assert find_pyproject([project / "src" / "app"]) == project / "pyproject.toml"


def test_exclude_and_extend_exclude(project: Path) -> None:
    _set_config(project, 'extend-exclude = ["legacy"]\n')
    run = _cli("--shim", "--check", "--format", "json", ".", cwd=project)
    assert run.returncode == 1
    assert _changed(run.stdout) == ["store.py"]

    _set_config(project, 'exclude = ["src"]\n')
    run = _cli("--shim", "--check", "--format", "json", ".", cwd=project)
    assert _changed(run.stdout) == ["old.py"]

    # --exclude on the command line replaces `exclude` ...
    run = _cli("--shim", "--check", "--format", "json", "--exclude", "legacy", ".", cwd=project)
    assert _changed(run.stdout) == ["store.py"]
    # ... while `extend-exclude` still applies next to it.
    _set_config(project, 'exclude = ["src"]\nextend-exclude = ["legacy"]\n')
    run = _cli("--shim", "--check", "--format", "json", "--exclude", "nothing", ".", cwd=project)
    assert _changed(run.stdout) == ["store.py"]


def test_command_line_select_overrides_the_configured_rules(project: Path) -> None:
    _set_config(project, 'ignore = ["MM001"]\n')
    run = _cli("--shim", "--check", ".", cwd=project)
    assert run.returncode == 0
    run = _cli("--shim", "--check", "--select", "MM001", ".", cwd=project)
    assert run.returncode == 1, run.stderr
    assert (project / "legacy" / "old.py").read_text() == ORM_IMPORTS  # --check wrote nothing


def test_command_line_ignore_adds_to_the_configured_ignore(project: Path) -> None:
    _set_config(project, 'select = ["MM0"]\n')
    run = _cli("--shim", "--check", ".", cwd=project)
    assert run.returncode == 1
    run = _cli("--shim", "--check", "--ignore", "mm001", ".", cwd=project)
    assert run.returncode == 0, run.stderr


def test_all_keys_are_parsed(project: Path) -> None:
    _set_config(
        project,
        'exclude = ["a"]\nextend-exclude = ["b"]\nselect = ["mm1"]\nignore = ["MM104"]\n'
        'client-name = "milvus"\nannotate = true\nunsafe-fixes = false\n',
    )
    assert load_config([project]) == Config(
        path=project / "pyproject.toml",
        exclude=("a",),
        extend_exclude=("b",),
        select=("MM1",),
        ignore=("MM104",),
        client_name="milvus",
        annotate=True,
        unsafe_fixes=False,
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("colour = true\n", "unknown key 'colour'"),
        ('select = "MM1"\n', "select must be a list of strings"),
        ('annotate = "yes"\n', "annotate must be true or false"),
        ('client-name = "my client"\n', "client-name must be a Python identifier"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_config_is_a_usage_error(project: Path, body: str, message: str) -> None:
    if "invalid TOML" in message:
        (project / "pyproject.toml").write_text(f"[tool.milvus-migrate]\n{body}")
    else:
        _set_config(project, body)
    with pytest.raises(ConfigError, match=message):
        load_config([project])
    run = _cli("--shim", "--check", ".", cwd=project)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_bad_client_name_flag_is_a_usage_error(project: Path) -> None:
    run = _cli("--client-name", "1client", ".", cwd=project)
    assert run.returncode == 2
    assert "not a Python identifier" in run.stderr
