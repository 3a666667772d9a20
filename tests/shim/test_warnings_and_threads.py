"""Opt-in migration warnings, and handles shared between threads."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest

from tests.rig.programs import PROJECT_ROOT

pytestmark = pytest.mark.milvus

PROGRAM = textwrap.dedent(
    """
    import os, warnings
    from compat_shim import connections, utility, Collection, ShimUsageWarning
    connections.connect(uri=os.environ["MILVUS_URI"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            utility.has_collection("x")   # one call site, three calls
        utility.list_collections()        # a second call site
    mine = [w for w in caught if issubclass(w.category, ShimUsageWarning)]
    print(len(mine), all(issubclass(w.category, FutureWarning) for w in mine))
    print(sorted({str(w.message).split(" is served")[0] for w in mine}))
    print([str(w.message).split("migrates it with ")[1].split()[:2] for w in mine])
    """
)


def _run(target, env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT), **target.env(), **env_extra}
    return subprocess.run(
        [sys.executable, "-c", PROGRAM],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_warnings_are_off_by_default(milvus) -> None:
    proc = _run(milvus, {})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "0 True"


def test_warn_mode_warns_once_per_call_site(milvus) -> None:
    proc = _run(milvus, {"MILVUS_COMPAT_WARN": "1"})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    # connect is outside the recording block; has_collection (one site) + list_collections
    assert lines[0] == "2 True"
    assert lines[1] == "['utility.has_collection', 'utility.list_collections']"
    assert lines[2] == "[['rule', 'MM160'], ['rule', 'MM160']]"


def test_strict_mode_raises(milvus) -> None:
    proc = _run(milvus, {"MILVUS_COMPAT_STRICT": "1"})
    assert proc.returncode != 0
    assert "ShimUsageWarning" in proc.stderr and "connections.connect" in proc.stderr


def test_threads_share_an_alias_and_a_handle(milvus) -> None:
    from pymilvus import CollectionSchema, DataType, FieldSchema

    from compat_shim import Collection, connections

    connections.connect("threads", uri=milvus.uri)
    try:
        schema = CollectionSchema(
            [
                FieldSchema("pk", DataType.INT64, is_primary=True),
                FieldSchema("vec", DataType.FLOAT_VECTOR, dim=2),
            ]
        )
        col = Collection("shared", schema, using="threads")
        # A real server only queries loaded collections, and loads only indexed ones.
        col.create_index("vec", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
        col.load()
        errors: list[BaseException] = []

        def worker(base: int) -> None:
            try:
                for i in range(5):
                    pk = base * 100 + i
                    col.insert([{"pk": pk, "vec": [float(i), 1.0]}])
                    Collection("shared", using="threads").query(f"pk == {pk}", output_fields=["pk"])
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        rows = col.query("", output_fields=["count(*)"], consistency_level="Strong")
        assert rows[0]["count(*)"] == 30
    finally:
        connections.remove_connection("threads")


def test_warning_rule_codes_are_real_rules() -> None:
    from codemods.registry import all_rules
    from compat_shim._warn import _RULES, rule_for

    codes = {r.code for r in all_rules()}
    assert set(_RULES.values()) <= codes
    assert rule_for("Collection.insert").startswith("rule MM130")
    assert rule_for("Partition.search").startswith("rule MM150")
    assert "by hand" in rule_for("Role.create")
