"""The demo: migrate a small ORM application and show that it still gives the same answers.

    .venv/bin/python examples/run_demo.py [--keep]

Steps, all in a temporary folder (the bundled example is never modified):
  1. copy examples/legacy_app/ (a bookshelf app written on pymilvus's ORM);
  2. show what `milvus-migrate --diff` would change;
  3. migrate the copy in place with `milvus-migrate`;
  4. run three versions, each on its own fresh embedded milvus-lite database:
       reference  the original app on pymilvus's ORM,
       migrated   the rewritten app, with PyMilvusDeprecationWarning as an error,
       shim       the original app, unmodified, after compat_shim.install(), same strictness;
  5. compare what they print. Exit status 0 only when all three agree.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP = HERE / "legacy_app"
ENTRY = "main.py"

# Runs the app the way each mode needs; the app's folder is the working directory.
_BOOTSTRAP = """\
import runpy, sys, warnings
mode = sys.argv[1]
if mode in ("migrated", "shim"):
    from pymilvus import PyMilvusDeprecationWarning
    warnings.simplefilter("error", PyMilvusDeprecationWarning)
else:
    warnings.simplefilter("ignore", DeprecationWarning)  # the reference run is expected to warn
if mode == "shim":
    import compat_shim
    compat_shim.install()
sys.path.insert(0, ".")
sys.argv = [sys.argv[2]]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def banner(text: str) -> None:
    print(f"\n=== {text} " + "=" * max(0, 70 - len(text)), flush=True)


def migrate_cli(*args: str, cwd: Path) -> int:
    """Run the real `milvus-migrate` command line (output goes straight to the terminal)."""
    return subprocess.call([sys.executable, "-m", "migrator", *args], cwd=cwd)


def run_app(mode: str, app: Path, work: Path) -> subprocess.CompletedProcess:
    """Run a copy of `app` in its own folder, so each run gets a fresh ./demo.db."""
    folder = work / f"run-{mode}"
    shutil.copytree(app, folder, ignore=shutil.ignore_patterns("*.db", "__pycache__"))
    env = dict(os.environ)
    # pymilvus reads MILVUS_URI when it is imported and only accepts a server URI there, so
    # the demo leaves it unset and the app uses its default, the embedded ./demo.db.
    env.pop("MILVUS_URI", None)
    return subprocess.run(
        [sys.executable, "-c", _BOOTSTRAP, mode, ENTRY],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="milvus-migrate-demo-"))
    try:
        return demo(work)
    finally:
        if args.keep:
            print(f"\n(kept {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)


def demo(work: Path) -> int:
    original = work / "legacy_app"
    migrated = work / "migrated_app"
    ignore = shutil.ignore_patterns("*.db", "__pycache__")
    shutil.copytree(APP, original, ignore=ignore)
    shutil.copytree(APP, migrated, ignore=ignore)

    banner("1. What milvus-migrate would change (--diff writes nothing)")
    if migrate_cli("--diff", migrated.name, cwd=work) != 0:
        print("milvus-migrate --diff failed", file=sys.stderr)
        return 2

    banner("2. Migrating the copy in place")
    if migrate_cli(migrated.name, cwd=work) != 0:
        print("milvus-migrate failed", file=sys.stderr)
        return 2
    if migrate_cli("--check", "--quiet", migrated.name, cwd=work) != 0:
        print("note: a second run would change the files again", file=sys.stderr)

    runs = {
        "reference (ORM, as written)": run_app("reference", original, work),
        "migrated (MilvusClient)": run_app("migrated", migrated, work),
        "shim (unmodified, compat_shim.install())": run_app("shim", original, work),
    }
    failed = False
    for label, run in runs.items():
        banner(f"3. {label}")
        print(run.stdout, end="")
        if run.returncode != 0:
            failed = True
            print(f"exit status {run.returncode}\n{run.stderr}", file=sys.stderr)

    banner("4. Verdict")
    outputs = {label: run.stdout for label, run in runs.items()}
    reference = next(iter(outputs.values()))
    same = all(out == reference for out in outputs.values()) and bool(reference.strip())
    if failed or not same:
        for label, out in outputs.items():
            if out != reference:
                print(f"DIFFERENT: {label} does not print what the reference prints")
        print("The runs do not agree.")
        return 1
    print(f"All {len(runs)} runs printed the same {len(reference.splitlines())} lines of answers.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
