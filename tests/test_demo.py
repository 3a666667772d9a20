"""The README's first command: examples/run_demo.py, run for real on embedded milvus-lite."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "run_demo.py"
APP = ROOT / "examples" / "legacy_app"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_demo_migrates_and_all_three_runs_agree() -> None:
    before = _snapshot(APP)
    run = subprocess.run(
        [sys.executable, str(DEMO)], capture_output=True, text=True, timeout=900, cwd=ROOT
    )
    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    # The diff of the ORM module is shown before anything is written.
    diff = out.split("=== 2.")[0]
    assert "--- a/migrated_app/catalog.py\n+++ b/migrated_app/catalog.py\n" in diff
    assert "MilvusClient(" in diff
    assert "-        self.books.delete(" in diff
    # Each of the three runs printed the app's answers, and the verdict says they agree.
    assert out.count("similar to Ulysses: [(4, 'Ulysses', 0.0)") == 3
    assert out.count("after delete: 8") == 3
    assert "All 3 runs printed the same 9 lines of answers." in out
    # The bundled example itself is never touched.
    assert _snapshot(APP) == before


def _load_demo():
    spec = importlib.util.spec_from_file_location("run_demo", DEMO)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_demo_fails_when_the_runs_disagree(tmp_path: Path, monkeypatch, capsys) -> None:
    """The verdict is computed, not printed: an app whose shim run prints something else
    makes the demo exit 1."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "main.py").write_text(
        "from pymilvus import Collection  # milvus-migrate: ignore-file\n"
        "print('served by', Collection.__module__.split('.')[0])\n"
    )
    demo = _load_demo()
    monkeypatch.setattr(demo, "APP", app)
    assert demo.main([]) == 1
    out = capsys.readouterr().out
    assert "DIFFERENT: shim (unmodified, compat_shim.install())" in out
    assert "served by pymilvus" in out and "served by compat_shim" in out
