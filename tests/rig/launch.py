"""Run a program the way an equivalence test needs: `python launch.py MODE PROGRAM [ARGS]`.

MODE is one of
  orm     the program as written, on pymilvus's own ORM (the reference run);
  strict  PyMilvusDeprecationWarning is an error (migrated programs);
  shim    pymilvus's ORM names are blocked, compat_shim.install() serves them, and
          PyMilvusDeprecationWarning is an error (the pymilvus 3.1 situation);
  blocked pymilvus's ORM names are blocked and nothing serves them, and
          PyMilvusDeprecationWarning is an error (a `--shim-rest` migration on pymilvus 3.1:
          what it left ORM must import from compat_shim itself).
"""

from __future__ import annotations

import random
import runpy
import sys
import warnings


def _seed() -> None:
    random.seed(1234)
    try:
        import numpy

        numpy.random.seed(1234)
    except ImportError:
        pass


def main() -> None:
    mode, program, *args = sys.argv[1:]
    _seed()
    if mode in ("strict", "shim", "blocked"):
        from pymilvus import PyMilvusDeprecationWarning

        warnings.simplefilter("error", PyMilvusDeprecationWarning)
    if mode in ("shim", "blocked"):
        from tests.rig.block_orm import block_orm

        block_orm()
    if mode == "shim":
        import compat_shim

        compat_shim.install()
    elif mode not in ("orm", "strict", "blocked"):
        raise SystemExit(f"unknown mode {mode!r}")
    sys.argv = [program, *args]
    sys.path.insert(0, str(__import__("pathlib").Path(program).resolve().parent))
    runpy.run_path(program, run_name="__main__")


if __name__ == "__main__":
    main()
