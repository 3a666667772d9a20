"""Bad input (issue 7, robustness): every case ends with a clear message, a sane exit code,
no traceback, and no half-written file.

Permission cases: tests run as root here, and root ignores permission bits. Those tests switch
the process's *effective* user to `nobody` around the run (os.seteuid, restored afterwards), so
the kernel really refuses; as a non-root user they run directly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import migrator.process
from migrator.source_file import write_atomic
from tests.cli_support import (
    ORM_SOURCE,
    REPO_ROOT,
    SHIMMED_IMPORT,
    invoke,
    leftover_temp_files,
    snapshot,
    write_tree,
)

NOBODY = 65534


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def _assert_clean(result_output: str) -> None:
    assert "Traceback" not in result_output
    assert "Aborted" not in result_output


# --- odd contents -----------------------------------------------------------------------------


def test_empty_and_whitespace_only_files(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "empty.py": "",
            "newlines.py": "\n\n\n",
            "comment_only.py": "# pymilvus\n",
            "no_final_newline.py": "import pymilvus",
            "orm.py": ORM_SOURCE,
        },
    )
    before = snapshot(tmp_path)
    result = invoke("--shim", "-j1", tmp_path, tmp_path / "empty.py")
    assert result.exit_code == 0, result.output
    after = snapshot(tmp_path)
    assert after["orm.py"].data.startswith(SHIMMED_IMPORT.encode())
    for name in ("empty.py", "newlines.py", "comment_only.py", "no_final_newline.py"):
        assert after[name] == before[name]
    assert "5 files scanned: 1 changed, 2 unchanged, 2 skipped" in result.stderr


def test_binary_files_named_py(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "nul.py": b"pymilvus\x00\x01\x02\xff\xfe",
            "noise.py": b"import pymilvus\n" + bytes(range(128, 256)) * 4,
            "png.py": b"\x89PNG\r\n\x1a\n pymilvus \x00\x00\x00\rIHDR",
            "ok.py": ORM_SOURCE,
        },
    )
    before = snapshot(tmp_path)
    result = invoke("--shim", "-j1", tmp_path)
    assert result.exit_code == 2
    _assert_clean(result.output)
    errors = _errors(result.stderr)
    assert len(errors) == 3
    assert f"error: {tmp_path / 'nul.py'}: binary file (contains NUL bytes)" in errors
    assert f"error: {tmp_path / 'png.py'}: binary file (contains NUL bytes)" in errors
    assert f"error: {tmp_path / 'noise.py'}:2: cannot decode as utf-8: byte 0x80" in errors
    after = snapshot(tmp_path)
    for name in ("nul.py", "noise.py", "png.py"):
        assert after[name] == before[name]
    assert after["ok.py"].data.startswith(SHIMMED_IMPORT.encode())


def test_bad_coding_cookie(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "unknown.py": "# -*- coding: klingon -*-\nimport pymilvus\n",
            "bom_vs_cookie.py": b"\xef\xbb\xbf# coding: latin-1\nimport pymilvus\n",
        },
    )
    result = invoke("--shim", "-j1", tmp_path)
    assert result.exit_code == 2
    _assert_clean(result.output)
    errors = _errors(result.stderr)
    assert len(errors) == 2
    assert all("encoding" in e for e in errors), errors


def test_five_megabyte_file_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    line = "vectors_{i} = [0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0]  # padding padding\n"
    body = "".join(line.format(i=i) for i in range(70_000))
    source = ORM_SOURCE + body
    assert len(source.encode()) > 5_000_000
    write_tree(tmp_path, {"big.py": source, "ok.py": ORM_SOURCE})
    big_without_pymilvus = body.encode()
    write_tree(tmp_path, {"big_plain.py": big_without_pymilvus})
    before = snapshot(tmp_path)
    started = time.monotonic()
    result = invoke("--shim", "-j1", tmp_path)
    assert time.monotonic() - started < 60
    assert result.exit_code == 2
    _assert_clean(result.output)
    assert _errors(result.stderr) == [
        f"error: {tmp_path / 'big.py'}: too large to migrate (5.3 MiB, limit 2 MiB): libcst "
        "would need minutes and gigabytes; split the file or --exclude it"
    ]
    after = snapshot(tmp_path)
    assert after["big.py"] == before["big.py"]
    assert after["big_plain.py"] == before["big_plain.py"]  # no pymilvus: skipped, no error
    assert after["ok.py"].data.startswith(SHIMMED_IMPORT.encode())


def test_large_file_under_the_limit_is_migrated(tmp_path: Path) -> None:
    line = "vectors_{i} = [0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0]  # padding padding\n"
    source = ORM_SOURCE + "".join(line.format(i=i) for i in range(1_500))
    write_tree(tmp_path, {"big.py": source})
    result = invoke("--shim", "-j1", tmp_path)
    assert result.exit_code == 0, result.output
    expected = source.replace("from pymilvus import", "from compat_shim import", 1)
    assert (tmp_path / "big.py").read_text() == expected


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("parens", "x = " + "(" * 1000 + "1" + ")" * 1000),
        ("parens_deeper", "x = " + "(" * 5000 + "1" + ")" * 5000),  # crashed libcst: SIGSEGV
        ("lists", "x = " + "[" * 1000 + "1" + "]" * 1000),
        ("calls", "x = f" + "()" * 5000),  # minutes in libcst before the guard
        ("sum", "x = " + "+".join(["1"] * 20000)),
        ("lambdas", "x = " + "lambda: " * 3000 + "1"),
    ],
)
def test_deeply_nested_expressions_fail_cleanly(tmp_path: Path, name: str, body: str) -> None:
    write_tree(tmp_path, {f"{name}.py": f"import pymilvus\n{body}\n", "ok.py": ORM_SOURCE})
    before = snapshot(tmp_path)
    started = time.monotonic()
    # In-process (-j1): a parser crash here would kill the test process itself.
    result = invoke("--shim", "-j1", tmp_path)
    assert time.monotonic() - started < 60
    assert result.exit_code == 2
    _assert_clean(result.output)
    [error] = _errors(result.stderr)
    assert error.startswith(f"error: {tmp_path / (name + '.py')}")
    assert "too deeply nested" in error
    assert snapshot(tmp_path)[f"{name}.py"] == before[f"{name}.py"]
    assert (tmp_path / "ok.py").read_text().startswith(SHIMMED_IMPORT)


def test_moderate_nesting_still_migrates(tmp_path: Path) -> None:
    nested = "x = " + "[" * 80 + "1" + "]" * 80
    write_tree(tmp_path, {"m.py": ORM_SOURCE + nested + "\n"})
    result = invoke("--shim", "-j1", tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.py").read_text().endswith(nested + "\n")


@pytest.mark.parametrize("depth", [150, 199])
def test_nesting_near_pythons_limit_succeeds_or_fails_cleanly(tmp_path: Path, depth: int) -> None:
    """Valid Python, but libcst's visitors may hit the recursion limit: either outcome is fine,
    a crash or a half-written file is not."""
    nested = "x = " + "[" * depth + "1" + "]" * depth
    write_tree(tmp_path, {"m.py": ORM_SOURCE + nested + "\n"})
    result = invoke("--shim", "-j1", tmp_path)
    _assert_clean(result.output)
    text = (tmp_path / "m.py").read_text()
    if result.exit_code == 0:
        assert text.startswith(SHIMMED_IMPORT) and text.endswith(nested + "\n")
    else:
        assert result.exit_code == 2
        assert _errors(result.stderr) == [
            f"error: {tmp_path / 'm.py'}: too deeply nested for the parser"
        ]
        assert text == ORM_SOURCE + nested + "\n"


# --- the file system moves under the run --------------------------------------------------------


def test_symlink_loops(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/ok.py": ORM_SOURCE})
    (tmp_path / "pkg/loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "pkg/self.py").symlink_to(tmp_path / "pkg/self.py")
    (tmp_path / "pkg/a.py").symlink_to(tmp_path / "pkg/b.py")
    (tmp_path / "pkg/b.py").symlink_to(tmp_path / "pkg/a.py")
    result = invoke("--shim", "-j1", tmp_path)
    assert result.exit_code == 0, result.output
    assert "1 files scanned: 1 changed" in result.stderr
    # Named explicitly, a looping link is a clear per-file failure.
    explicit = invoke("--shim", "-j1", tmp_path / "pkg/self.py")
    assert explicit.exit_code == 2
    _assert_clean(explicit.output)
    [error] = _errors(explicit.stderr)
    assert error.startswith(f"error: {tmp_path / 'pkg/self.py'}: ")
    assert "symbolic links" in error


def test_symlinked_file_is_written_through_the_link(tmp_path: Path) -> None:
    write_tree(tmp_path, {"real/orm.py": ORM_SOURCE})
    link = tmp_path / "link.py"
    link.symlink_to(tmp_path / "real/orm.py")
    result = invoke("--shim", "-j1", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert (tmp_path / "real/orm.py").read_text().startswith(SHIMMED_IMPORT)


def _hook_after_read(monkeypatch: pytest.MonkeyPatch, action) -> None:  # type: ignore[no-untyped-def]
    """Run `action` at codemod time: after the pipeline read the bytes, before it writes."""
    original = migrator.process.migrate_python_text

    def hooked(text, options):  # type: ignore[no-untyped-def]
        action()
        return original(text, options)

    monkeypatch.setattr(migrator.process, "migrate_python_text", hooked)


def test_file_changed_during_the_run_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"a.py": ORM_SOURCE})
    edited = ORM_SOURCE + "# the user's edit, made while the tool ran\n"
    _hook_after_read(monkeypatch, lambda: (tmp_path / "a.py").write_text(edited))
    result = invoke("--shim", "-j1", tmp_path)
    assert result.exit_code == 2
    _assert_clean(result.output)
    assert _errors(result.stderr) == [
        f"error: {tmp_path / 'a.py'}: file changed during the run; not written"
    ]
    assert (tmp_path / "a.py").read_text() == edited
    assert not leftover_temp_files(tmp_path)


def test_file_deleted_during_the_run_is_not_recreated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"a.py": ORM_SOURCE, "b.py": ORM_SOURCE})
    _hook_after_read(monkeypatch, lambda: (tmp_path / "a.py").unlink(missing_ok=True))
    result = invoke("--shim", "-j1", tmp_path)
    assert result.exit_code == 2
    _assert_clean(result.output)
    assert _errors(result.stderr) == [
        f"error: {tmp_path / 'a.py'}: file was deleted during the run; not written"
    ]
    assert not (tmp_path / "a.py").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.py"]


def test_file_deleted_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Discovered, then gone before the read step."""
    write_tree(tmp_path, {"a.py": ORM_SOURCE, "b.py": ORM_SOURCE})
    import migrator.runner

    original = migrator.runner.read_source_bytes

    def read(path: Path) -> bytes:
        if path.name == "a.py":
            path.unlink()
        return original(path)

    monkeypatch.setattr(migrator.runner, "read_source_bytes", read)
    result = invoke("--shim", "-j1", tmp_path)
    assert result.exit_code == 2
    assert _errors(result.stderr) == [
        f"error: {tmp_path / 'a.py'}: file not found (deleted during the run?)"
    ]
    assert (tmp_path / "b.py").read_text().startswith(SHIMMED_IMPORT)


# --- permissions ----------------------------------------------------------------------------


@contextlib.contextmanager
def _as_unprivileged() -> Iterator[None]:
    """Make permission bits count: as root, act as `nobody` until the block ends."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def _temp_root_others_can_enter() -> str:
    """tempfile's folder when every folder on its way can be entered by others, else /tmp:
    .ci/run gives each lane a TMPDIR inside a 0700 folder of its own."""
    root = Path(tempfile.gettempdir()).resolve()
    if all(os.stat(folder).st_mode & 0o001 for folder in (root, *root.parents)):
        return str(root)
    return "/tmp"


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder `nobody` can reach (pytest's tmp_path lives under a root-only folder)."""
    base = Path(tempfile.mkdtemp(prefix="mm-perm-", dir=_temp_root_others_can_enter()))
    os.chmod(base, 0o777)
    try:
        yield base
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(base)], check=False)
        subprocess.run(["rm", "-rf", str(base)], check=False)


def _own_by_nobody(root: Path) -> None:
    """As root, hand the tree to `nobody`; as anyone else the tree is already the runner's."""
    if os.geteuid() != 0:
        return
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            os.chown(os.path.join(dirpath, name), NOBODY, NOBODY)
    os.chown(root, NOBODY, NOBODY)


def _warm_up(tmp: Path) -> None:
    """Import everything a run needs while root can still read the interpreter's files."""
    write_tree(tmp, {"w.py": ORM_SOURCE})
    invoke("--shim", "--diff", "-j1", tmp)
    invoke("--shim", "-j1", tmp)


def test_read_only_folder_cannot_take_the_temporary_file(shared_dir: Path, tmp_path: Path) -> None:
    _warm_up(tmp_path)
    folder = shared_dir / "ro"
    write_tree(folder, {"a.py": ORM_SOURCE})
    _own_by_nobody(shared_dir)
    os.chmod(folder / "a.py", 0o644)
    os.chmod(folder, 0o555)
    before = snapshot(folder)
    with _as_unprivileged():
        result = invoke("--shim", "-j1", folder)
    assert result.exit_code == 2
    _assert_clean(result.output)
    assert _errors(result.stderr) == [
        f"error: {folder / 'a.py'}: permission denied (cannot create a file in its folder)"
    ]
    assert snapshot(folder) == before
    assert not leftover_temp_files(folder)


def test_folder_without_read_permission_is_reported(shared_dir: Path, tmp_path: Path) -> None:
    _warm_up(tmp_path)
    write_tree(shared_dir, {"ok/a.py": ORM_SOURCE, "locked/b.py": ORM_SOURCE})
    _own_by_nobody(shared_dir)
    os.chmod(shared_dir / "locked", 0o311)  # can enter, cannot list
    with _as_unprivileged():
        result = invoke("--shim", "-j1", shared_dir)
    assert result.exit_code == 2
    _assert_clean(result.output)
    assert _errors(result.stderr) == [
        f"error: {shared_dir / 'locked'}: cannot list folder: permission denied"
    ]
    assert (shared_dir / "ok/a.py").read_text().startswith(SHIMMED_IMPORT)
    assert (shared_dir / "locked/b.py").read_text() == ORM_SOURCE


def test_paths_inside_a_folder_that_cannot_be_entered_are_reported(
    shared_dir: Path, tmp_path: Path
) -> None:
    """The config and cache searches walk up from the paths before discovery; a folder above a
    path that cannot be entered made Path.is_dir() raise PermissionError there (a traceback,
    found when CI first gave the lanes a TMPDIR inside a 0700 folder)."""
    _warm_up(tmp_path)
    write_tree(shared_dir, {"closed/inner/a.py": ORM_SOURCE, "ok.py": ORM_SOURCE})
    _own_by_nobody(shared_dir)
    os.chmod(shared_dir / "closed", 0o600)  # no x: not even its owner can enter it
    inner = shared_dir / "closed/inner"
    with _as_unprivileged():
        result = invoke("--shim", "-j1", inner / "a.py", inner, shared_dir / "ok.py")
    assert result.exit_code == 2
    _assert_clean(result.output)
    denied = "permission denied: a folder above it cannot be entered"
    assert _errors(result.stderr) == [
        f"error: {inner / 'a.py'}: {denied}",
        f"error: {inner}: {denied}",
    ]
    assert (shared_dir / "ok.py").read_text().startswith(SHIMMED_IMPORT)


def test_unreadable_file_is_reported(shared_dir: Path, tmp_path: Path) -> None:
    _warm_up(tmp_path)
    write_tree(shared_dir, {"secret.py": ORM_SOURCE, "ok.py": ORM_SOURCE})
    _own_by_nobody(shared_dir)
    os.chmod(shared_dir / "secret.py", 0o200)
    with _as_unprivileged():
        result = invoke("--shim", "-j1", shared_dir)
    assert result.exit_code == 2
    assert _errors(result.stderr) == [f"error: {shared_dir / 'secret.py'}: permission denied"]
    assert (shared_dir / "ok.py").read_text().startswith(SHIMMED_IMPORT)


def test_read_only_file_even_for_root(tmp_path: Path) -> None:
    """No privilege switch: the mode bits are honoured even where the kernel would allow it."""
    write_tree(tmp_path, {"ro.py": ORM_SOURCE})
    os.chmod(tmp_path / "ro.py", 0o444)
    before = snapshot(tmp_path)
    result = invoke("--shim", "-j1", tmp_path)
    assert result.exit_code == 2
    assert _errors(result.stderr) == [
        f"error: {tmp_path / 'ro.py'}: permission denied (file is read-only)"
    ]
    assert snapshot(tmp_path) == before


def test_rewrite_keeps_the_owner(shared_dir: Path) -> None:
    """As root the file belongs to someone else (the case that matters: root rewriting a user's
    checkout); as a normal user it simply stays the user's."""
    write_tree(shared_dir, {"theirs.py": ORM_SOURCE})
    owner = (NOBODY, NOBODY) if os.geteuid() == 0 else (os.geteuid(), os.getegid())
    os.chown(shared_dir / "theirs.py", *owner)
    write_atomic(shared_dir / "theirs.py", b"x = 1\n")
    st = (shared_dir / "theirs.py").stat()
    assert (st.st_uid, st.st_gid) == owner
    assert (shared_dir / "theirs.py").read_bytes() == b"x = 1\n"


# --- interrupt ----------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(line) for line in out.stdout.split()]


def _running(pids: list[int]) -> list[str]:
    """`ps` rows of the pids that still run (a zombie has ended: it only waits to be reaped)."""
    if not pids:
        return []
    out = subprocess.run(
        ["ps", "-o", "pid=,stat=,args=", "-p", ",".join(map(str, pids))],
        capture_output=True,
        text=True,
    )
    return [row for row in out.stdout.splitlines() if row.split()[1][0] != "Z"]


def _interrupt_run(
    root: Path, jobs: str, sig: int = signal.SIGINT, workers: list[int] | None = None
) -> subprocess.CompletedProcess[str]:
    """Interrupt a --shim run with `sig` once it writes; `workers` gets its child processes.

    Output goes to files, not pipes: a worker left running would hold a pipe open and hide
    that the run itself has ended."""
    out_file = tempfile.TemporaryFile("w+")
    err_file = tempfile.TemporaryFile("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "migrator", "--shim", "--jobs", jobs, str(root)],
        cwd=REPO_ROOT,
        stdout=out_file,
        stderr=err_file,
        text=True,
    )
    deadline = time.monotonic() + 120
    # Wait until the run is visibly writing, then interrupt it.
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.read_bytes().startswith(SHIMMED_IMPORT.encode()) for p in root.glob("m00*.py")):
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    if workers is not None:
        workers.extend(_children(proc.pid))
    proc.send_signal(sig)
    interrupted = time.monotonic()
    proc.wait(timeout=120)
    # Prompt: workers are stopped, not waited for (this took ~30 s with -j2 before).
    assert time.monotonic() - interrupted < 15
    out_file.seek(0)
    err_file.seek(0)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out_file.read(), err_file.read())


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigint_mid_run_leaves_old_or_new_files_only(tmp_path: Path, jobs: str) -> None:
    root, originals = _interrupt_tree(tmp_path)
    done = _interrupt_run(root, jobs)
    assert done.returncode == 130, done.stderr[-2000:]
    _assert_interrupted_cleanly(done, root, originals)


def _interrupt_tree(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "big"
    # Large enough that the run is still going when the first files are written.
    originals = {f"m{i:04d}.py": ORM_SOURCE + f"N = {i}\n" * 200 for i in range(1500)}
    write_tree(root, originals)
    return root, originals


def test_sigterm_with_workers_ends_like_sigint(tmp_path: Path) -> None:
    """SIGTERM (what `timeout`, CI runners and `docker stop` send) ends a -j2 run like Ctrl-C:
    exit 143 (128 + SIGTERM), the same message, every file old or new, and no worker left."""
    root, originals = _interrupt_tree(tmp_path)
    workers: list[int] = []
    try:
        done = _interrupt_run(root, "2", signal.SIGTERM, workers)
        assert len(workers) >= 2, workers  # the pool was running when the signal came
        assert _running(workers) == []
    finally:
        for pid in workers:  # never leave a failed run's workers behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert done.returncode == 143, done.stderr[-2000:]
    _assert_interrupted_cleanly(done, root, originals)


def _assert_interrupted_cleanly(
    done: subprocess.CompletedProcess[str], root: Path, originals: dict[str, str]
) -> None:
    assert "Interrupted: files already written are complete; the rest are untouched." in (
        done.stderr
    )
    _assert_clean(done.stdout + done.stderr)
    old = new = 0
    for name, text in originals.items():
        data = (root / name).read_text()
        if data == text:
            old += 1
        else:
            assert data == text.replace("from pymilvus import", "from compat_shim import", 1)
            new += 1
    assert new >= 1 and old >= 1, (old, new)
    assert not leftover_temp_files(root)
    assert sorted(p.name for p in root.iterdir()) == sorted(originals)


# --- a worker process dies ------------------------------------------------------------------


def test_dead_worker_is_reported_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-file (a parser segfault, the OOM killer) fails the files it never
    returned; nothing is written for them and the run ends with exit 2, not a traceback."""
    import migrator.runner

    original = migrator.runner.process_bytes

    def dies_on_poison(path: Path, data: bytes, options):  # type: ignore[no-untyped-def]
        if path.name == "poison.py":
            os._exit(139)  # as abrupt as SIGSEGV: no cleanup, no exception
        return original(path, data, options)

    # Workers are forked, so they run the patched function.
    monkeypatch.setattr(migrator.runner, "process_bytes", dies_on_poison)
    files = {f"m{i:02d}.py": ORM_SOURCE for i in range(12)}
    files["poison.py"] = ORM_SOURCE
    write_tree(tmp_path, files)
    result = invoke("--shim", "--jobs", "2", tmp_path)
    assert result.exit_code == 2
    _assert_clean(result.output)
    errors = _errors(result.stderr)
    assert f"error: {tmp_path / 'poison.py'}: not processed: a worker process died" in "\n".join(
        errors
    )
    for line in errors:
        assert "not processed: a worker process died" in line
    # Every file is either untouched or fully migrated.
    for name in files:
        text = (tmp_path / name).read_text()
        assert text in (ORM_SOURCE, ORM_SOURCE.replace("from pymilvus", "from compat_shim"))
    assert not leftover_temp_files(tmp_path)


class _InterruptsWhenDropped:
    """Sends Ctrl-C to this process from a finalizer: Python runs the handler there and can
    only print the KeyboardInterrupt it raises ("Exception ignored in ...")."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)


def test_an_interrupt_lost_in_a_finalizer_still_ends_the_run() -> None:
    """CI once saw a -j1 run go on to the end after Ctrl-C: the KeyboardInterrupt had been
    raised inside a finalizer and lost. The run checks between files for an interrupt it
    received (runner.raise_if_interrupted), so the next file boundary ends it."""
    from migrator.runner import raise_if_interrupted, sigterm_as_interrupt

    with sigterm_as_interrupt():
        _InterruptsWhenDropped()  # dropped at once: the exception is lost
        for _ in range(1000):  # let the pending handler run; nothing raises here
            pass
        with pytest.raises(KeyboardInterrupt):
            raise_if_interrupted()
    raise_if_interrupted()  # the block's end forgets it: nothing raised outside
