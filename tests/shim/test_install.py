"""install()/uninstall(): pymilvus's ORM names resolve to the shim, and back."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
import warnings

import pymilvus

import compat_shim
from codemods.orm_names import ORM_MODULES, TOP_LEVEL_ORM_NAMES
from tests.rig.programs import PROJECT_ROOT


def test_install_and_uninstall_in_process() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        originals = {n: getattr(pymilvus, n) for n in TOP_LEVEL_ORM_NAMES}
        orm_collection_module = importlib.import_module("pymilvus.orm.collection")
    compat_shim.install()
    try:
        compat_shim.install()  # idempotent
        from pymilvus import Collection, connections, utility

        assert Collection is compat_shim.Collection
        assert connections is compat_shim.connections
        assert utility is compat_shim.utility
        assert pymilvus.has_collection is compat_shim.utility.has_collection
        for orm_mod, shim_mod in ORM_MODULES.items():
            assert importlib.import_module(orm_mod) is importlib.import_module(shim_mod)
            parent, _, child = orm_mod.rpartition(".")
            assert getattr(sys.modules[parent], child) is sys.modules[shim_mod]
        from pymilvus.orm.collection import Collection as Deep

        assert Deep is compat_shim.Collection
        assert compat_shim.is_installed()
    finally:
        compat_shim.uninstall()
    compat_shim.uninstall()  # idempotent
    assert not compat_shim.is_installed()
    for name, value in originals.items():
        assert getattr(pymilvus, name) is value
    assert sys.modules["pymilvus.orm.collection"] is orm_collection_module


def test_install_under_the_blocked_orm_with_deprecations_as_errors() -> None:
    """The pymilvus 3.1 situation: the ORM is gone, only the shim answers."""
    code = textwrap.dedent(
        """
        import warnings
        from pymilvus import PyMilvusDeprecationWarning
        warnings.simplefilter("error", PyMilvusDeprecationWarning)
        from tests.rig.block_orm import block_orm
        block_orm()
        try:
            import pymilvus.orm.collection
        except ImportError:
            print("blocked")
        import compat_shim
        compat_shim.install()
        import pymilvus.orm.utility as u
        from pymilvus import Collection, Partition, connections, db, utility, Role, Index
        import compat_shim.collection
        assert Collection is compat_shim.collection.Collection and u is utility
        compat_shim.uninstall()
        import pymilvus
        print("after uninstall", hasattr(pymilvus, "Collection"))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["blocked", "after", "uninstall", "False"]
