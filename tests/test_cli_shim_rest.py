"""`--shim-rest` on the command line and `shim-rest` in [tool.milvus-migrate]."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.config import Config, ConfigError, load_config, parse_table
from tests.cli_support import invoke

# `something(c)` keeps `c` an ORM Collection (MM110), and `connections.connect` with it;
# `d` migrates, to the client created next to the kept connect.
PARTIAL = (
    "from pymilvus import Collection, connections\n"
    "\n"
    "connections.connect(uri='http://localhost:19530')\n"
    "c = Collection('books')\n"
    "something(c)\n"
    "d = Collection('films')\n"
    "d.load()\n"
)
SHIM_IMPORT = "+from compat_shim import Collection, connections"
NEW_CLIENT = "+client = MilvusClient(uri='http://localhost:19530')"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "app.py").write_text(PARTIAL)
    return root


def _config(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[tool.milvus-migrate]\n{body}')


def test_help_documents_the_flag() -> None:
    out = invoke("--help").stdout
    assert "--shim-rest" in out
    assert "provably safe" in out


def test_shim_and_shim_rest_together_is_a_usage_error(project: Path) -> None:
    result = invoke("--shim", "--shim-rest", "--diff", "-j1", project)
    assert result.exit_code == 2
    assert "--shim and --shim-rest cannot be combined" in result.stderr
    assert (project / "app.py").read_text() == PARTIAL  # nothing ran


def test_shim_rest_migrates_then_points_what_stays_orm_at_the_shim(project: Path) -> None:
    result = invoke("--shim-rest", "--diff", "--no-color", "-j1", project)
    assert result.exit_code == 0, result.stderr
    assert NEW_CLIENT in result.stdout
    assert SHIM_IMPORT in result.stdout
    assert "+from pymilvus import MilvusClient" in result.stdout
    plain = invoke("--diff", "--no-color", "-j1", project)
    assert NEW_CLIENT in plain.stdout and SHIM_IMPORT not in plain.stdout


def test_config_key_applies_and_flags_override_it(project: Path) -> None:
    _config(project, "shim-rest = true\n")
    assert load_config([project]).shim_rest is True
    configured = invoke("--diff", "--no-color", "-j1", project)
    assert SHIM_IMPORT in configured.stdout and NEW_CLIENT in configured.stdout
    off = invoke("--no-shim-rest", "--diff", "--no-color", "-j1", project)
    assert NEW_CLIENT in off.stdout and SHIM_IMPORT not in off.stdout
    # an explicit --shim wins over the file's default: imports only, no MilvusClient
    shim = invoke("--shim", "--diff", "--no-color", "-j1", project)
    assert shim.exit_code == 0, shim.stderr
    assert SHIM_IMPORT in shim.stdout and NEW_CLIENT not in shim.stdout


def test_config_value_must_be_a_bool(tmp_path: Path) -> None:
    assert parse_table({"shim-rest": False}, tmp_path) == Config(path=tmp_path, shim_rest=False)
    with pytest.raises(ConfigError, match="shim-rest must be true or false"):
        parse_table({"shim-rest": "yes"}, tmp_path)
