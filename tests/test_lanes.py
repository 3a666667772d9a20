"""The lane machinery itself: --milvus selection, lane markers, resetting the shared server,
and the real-server process (free ports, clear start errors, nothing left running)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from pymilvus import DataType, MilvusClient

from tests.rig.servers import MilvusTarget

ROOT = Path(__file__).resolve().parents[1]
NEEDS_REAL = "starts its own real Milvus processes (package `milvus`, the `server` extra)"


def _pytest_cmd(test_file: Path, *args: str) -> list[str]:
    # Our conftest as a plugin, our pyproject for markers; the test file lives outside the repo.
    return [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-c",
            str(ROOT / "pyproject.toml"), "-p", "no:cacheprovider", "--strict-markers",
            str(test_file), *args]  # fmt: skip


def _run_pytest(test_file: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(_pytest_cmd(test_file, *args), cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def _write(path: Path, source: str) -> Path:
    path.write_text(textwrap.dedent(source))
    return path


LANE_MARKED = """
    import pytest

    @pytest.mark.lite_only(reason="lite auto-loads unindexed collections")
    def test_lite():
        assert True

    @pytest.mark.server_only(reason="needs RBAC")
    def test_server():
        assert True

    def test_both(milvus_lane):
        assert milvus_lane in ("lite", "server", "uri")
"""


@pytest.mark.parametrize(
    ("option", "skipped", "reason"),
    [
        ("--milvus=lite", "test_server", "server_only (lite lane): needs RBAC"),
        ("--milvus=uri:http://127.0.0.1:9", "test_lite",
         "lite_only (uri lane): lite auto-loads unindexed collections"),
    ],
)  # fmt: skip
def test_lane_markers_skip_with_their_reason(tmp_path, option, skipped, reason) -> None:
    test_file = _write(tmp_path / "test_marked.py", LANE_MARKED)
    proc = _run_pytest(test_file, option, "-rs", "-v")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed, 1 skipped" in proc.stdout
    summary = [line for line in proc.stdout.splitlines() if line.startswith("SKIPPED [1] ")]
    assert len(summary) == 1 and summary[0].endswith(reason), proc.stdout
    assert f"::{skipped} SKIPPED" in proc.stdout


def test_a_lane_marker_without_reason_is_a_usage_error(tmp_path) -> None:
    test_file = _write(
        tmp_path / "test_bare.py",
        """
        import pytest

        @pytest.mark.lite_only
        def test_x():
            assert True
        """,
    )
    proc = _run_pytest(test_file)
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR
    assert "needs a reason" in proc.stderr


def test_unknown_lane_is_a_usage_error(tmp_path) -> None:
    test_file = _write(tmp_path / "test_any.py", "def test_x():\n    assert True\n")
    proc = _run_pytest(test_file, "--milvus=cluster")
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR
    assert "--milvus must be lite, server or uri" in proc.stderr


# -- every use of the shared server starts empty (both lanes) ---------------------------------


def _fill(target: MilvusTarget) -> None:
    client = target.client()
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=4)
    client.create_collection("plain", schema=schema)
    client.create_collection("quick", dimension=4)
    client.insert("quick", [{"id": 1, "vector": [0.1, 0.2, 0.3, 0.4]}])
    client.create_alias("quick", "quick_alias")
    client.create_database("other")
    other = MilvusClient(uri=target.uri, db_name="other")
    try:
        other.create_collection("in_other", dimension=4)
        other.create_alias("in_other", "other_alias")
    finally:
        other.close()


def test_factory_hands_out_an_empty_server_each_time(milvus_factory, milvus_lane) -> None:
    first = milvus_factory()
    assert first.lane == milvus_lane
    _fill(first)
    assert sorted(first.client().list_collections()) == ["plain", "quick"]
    second = milvus_factory()
    client = second.client()
    assert client.list_collections() == []
    assert client.list_aliases()["aliases"] == []
    assert client.list_databases() == ["default"]


@pytest.mark.server_only(reason="milvus-lite implements no user/role RPCs")
def test_reset_drops_users_and_roles(milvus_factory) -> None:
    client = milvus_factory().client()
    client.create_collection("c", dimension=4)
    client.create_user("alice", "password123")
    client.create_role("reader")
    client.grant_role("alice", "reader")
    client = milvus_factory().client()
    assert client.list_users() == ["root"]
    assert sorted(client.list_roles()) == ["admin", "public"]


# -- the real server process -------------------------------------------------------------------


def _processes_under(directory: Path) -> list[int]:
    """Pids whose working directory lies under `directory` (the server runs in its base dir)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if cwd == str(directory) or cwd.startswith(f"{directory}/"):
            found.append(int(entry.name))
    return found


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.milvus
@pytest.mark.server_only(reason=NEEDS_REAL)
def test_two_real_servers_run_side_by_side_and_leave_nothing(tmp_path) -> None:
    from tests.rig.real_server import RealMilvusServer

    a, b = RealMilvusServer(tmp_path / "a"), RealMilvusServer(tmp_path / "b")
    try:
        ta = a.start()
        tb = b.start()
        assert ta.port != tb.port
        ta.client().create_collection("only_in_a", dimension=4)
        assert tb.client().list_collections() == []
        assert _processes_under(tmp_path)
    finally:
        a.stop()
        b.stop()
    ta.close_clients()
    tb.close_clients()
    assert _processes_under(tmp_path) == []
    assert not _listening(ta.port) and not _listening(tb.port)
    assert not (tmp_path / "a" / "data").exists()  # data removed ...
    assert (tmp_path / "a" / "logs" / "milvus-stdout.log").stat().st_size > 0  # ... logs kept


@pytest.mark.milvus
@pytest.mark.server_only(reason=NEEDS_REAL)
def test_a_failed_start_raises_with_the_log_tail_and_leaves_nothing(tmp_path) -> None:
    from tests.rig.real_server import START_ATTEMPTS, RealMilvusServer

    class BrokenEtcd(RealMilvusServer):
        """A real startup failure: the embedded etcd gets a config it cannot parse."""

        def _write_config(self):
            exe, env = super()._write_config()
            Path(env["ETCD_CONFIG_PATH"]).write_text("listen-client-urls: [not, a, url\n")
            return exe, env

    server = BrokenEtcd(tmp_path / "broken")
    with pytest.raises(RuntimeError) as info:
        server.start()
    message = str(info.value)
    assert "milvus exited during startup" in message
    assert "--- tail of" in message and "milvus-stdout.log" in message
    # milvus aborts on the bad config (a Go panic, SIGABRT): retried, then reported, logs kept.
    assert f"({START_ATTEMPTS} attempts)" in message
    assert len(server.crashed_starts) == START_ATTEMPTS - 1
    assert len(message.split("---\n", 1)[1]) > 0
    assert _processes_under(tmp_path) == []


INNER_SESSION = """
    import time

    def test_hold(milvus):
        milvus.client().create_collection("held", dimension=4)
        print("SERVER-UP", flush=True)
        time.sleep(120)
"""


@pytest.mark.milvus
@pytest.mark.server_only(reason=NEEDS_REAL)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_server_dies_with_an_interrupted_session(tmp_path, sig) -> None:
    test_file = _write(tmp_path / "test_inner.py", INNER_SESSION)
    basetemp = tmp_path / "inner"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = _pytest_cmd(test_file, "--milvus=server", f"--basetemp={basetemp}", "-s")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        assert proc.stdout is not None
        for line in proc.stdout:
            if "SERVER-UP" in line or time.monotonic() > deadline:
                break
        assert _processes_under(basetemp), "the inner session's server never started"
        proc.send_signal(sig)
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    deadline = time.monotonic() + 15
    while _processes_under(basetemp) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_under(basetemp) == []


# -- stdout of the real server: query field order is random, so printed dicts get sorted --------


def test_printed_dicts_get_sorted_keys_nested_and_inside_strings() -> None:
    from tests.rig.dict_order import sort_printed_dicts

    printed = "data: [\"{'title': 'M', 'year': 1997, 'id': 8}\"], extra_info: {}\n"
    assert sort_printed_dicts(printed) == (
        "data: [\"{'id': 8, 'title': 'M', 'year': 1997}\"], extra_info: {}\n"
    )
    nested = "{'b': {'z': 1, 'a': [{'y': 2, 'x': 1}]}, 'a': 'brace } in text'}"
    assert (
        sort_printed_dicts(nested)
        == "{'a': 'brace } in text', 'b': {'a': [{'x': 1, 'y': 2}], 'z': 1}}"
    )
    untouched = "set {3, 1}; call {'k': np.float32(0.5), 'a': 1}; open {'a': 1"
    assert sort_printed_dicts(untouched) == untouched


def test_only_real_server_runs_compare_printed_dicts_sorted(tmp_path, milvus) -> None:
    from tests.rig.programs import run_program

    program = _write(tmp_path / "prints.py", "print({'b': 1, 'a': 2})\n")
    run = run_program(program, milvus)
    assert run.returncode == 0, run.stderr
    expected = "{'b': 1, 'a': 2}" if milvus.lane == "lite" else "{'a': 2, 'b': 1}"
    assert run.stdout == expected


def test_a_bounded_read_sees_earlier_writes_and_the_level_is_kept(milvus) -> None:
    """The server lane runs with common.gracefulTime=0 so that comparisons are not a race;
    the consistency level is still stored as asked (lite stores Strong for everything)."""
    client = milvus.client()
    client.create_collection("c", dimension=4, consistency_level="Bounded")
    client.insert("c", [{"id": i, "vector": [0.1, 0.2, 0.3, float(i)]} for i in range(5)])
    assert len(client.query("c", filter="id >= 0")) == 5
    stored = client.describe_collection("c")["consistency_level"]
    assert stored == (0 if milvus.lane == "lite" else 2)  # 0 Strong, 2 Bounded


def _crashing_launcher(tmp_path: Path) -> Path:
    """A stand-in binary that dies by SIGABRT at once, like milvus' rare startup abort."""
    script = tmp_path / "abort-at-start.sh"
    script.write_text(
        "#!/bin/sh\necho 'Epoll1Poller encountered epoll_wait error'\nkill -ABRT $$\n"
    )
    script.chmod(0o755)
    return script


@pytest.mark.milvus
@pytest.mark.server_only(reason=NEEDS_REAL)
def test_a_start_killed_by_a_signal_is_retried_and_its_log_kept(tmp_path) -> None:
    from tests.rig.real_server import RealMilvusServer

    crashing = _crashing_launcher(tmp_path)

    class CrashesOnce(RealMilvusServer):
        calls = 0

        def _write_config(self):
            exe, env = super()._write_config()
            CrashesOnce.calls += 1
            return (str(crashing), env) if CrashesOnce.calls == 1 else (exe, env)

    server = CrashesOnce(tmp_path / "s")
    try:
        target = server.start()
        assert target.client().list_collections() == []
    finally:
        server.stop()
    target.close_clients()
    assert CrashesOnce.calls == 2
    assert [p.name for p in server.crashed_starts] == ["milvus-stdout.crash1.log"]
    assert "epoll_wait" in server.crashed_starts[0].read_text()
    assert _processes_under(tmp_path) == []


def test_a_start_that_keeps_crashing_gives_up_with_the_count(tmp_path) -> None:
    from tests.rig.real_server import START_ATTEMPTS, RealMilvusServer

    crashing = _crashing_launcher(tmp_path)

    class AlwaysCrashes(RealMilvusServer):
        def _write_config(self):
            self.port = 9  # never reached: the process dies first
            return str(crashing), dict(os.environ)

    server = AlwaysCrashes(tmp_path / "s")
    with pytest.raises(RuntimeError) as info:
        server.start()
    assert f"status -6 ({START_ATTEMPTS} attempts)" in str(info.value)
    assert len(server.crashed_starts) == START_ATTEMPTS - 1
    assert server.proc is None


def test_a_start_that_exits_with_a_status_is_not_retried(tmp_path) -> None:
    from tests.rig.real_server import RealMilvusServer

    script = tmp_path / "exit-3.sh"
    script.write_text("#!/bin/sh\necho 'bad flag'\nexit 3\n")
    script.chmod(0o755)

    class ExitsThree(RealMilvusServer):
        def _write_config(self):
            self.port = 9
            return str(script), dict(os.environ)

    server = ExitsThree(tmp_path / "s")
    with pytest.raises(RuntimeError) as info:
        server.start()
    assert "milvus exited during startup with status 3\n--- tail of" in str(info.value)
    assert "bad flag" in str(info.value)
    assert server.crashed_starts == []
