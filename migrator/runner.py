"""Run `process_bytes` over many files, in parallel, streaming results back in input order."""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from codemods import Options
from migrator.cache import ResultCache
from migrator.discover import Candidate, mentions_pymilvus
from migrator.process import CHANGED, FAILED, SKIPPED, FileResult, process_bytes
from migrator.run_imports import FileFacts, RunImports
from migrator.source_file import SourceError, read_source_bytes

# libcst needs ~500 bytes of memory per source byte and minutes for a few MB (a 6 MB file took
# 2.7 GB and over 10 minutes on the 2-core CI box); past this size a file is reported instead.
MAX_SOURCE_BYTES = 2 * 2**20

# Below this many relevant files a pool costs more than it saves.
_MIN_FILES_FOR_POOL = 4


# Set by the parent on Ctrl-C or SIGTERM; a worker checks it before each file of its chunk.
_stop: Any = None

_SIGTERM = getattr(signal, "SIGTERM", None)  # absent on some platforms


class Terminated(KeyboardInterrupt):
    """SIGTERM, ended like Ctrl-C: the pool stops, files written so far stay complete."""

    exit_code = 128 + 15  # 128 + SIGTERM, as shells report a run ended by it


# The interrupts received during the current run (sigterm_as_interrupt), oldest first.
_received: list[type[KeyboardInterrupt]] = []


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises `Terminated` and Ctrl-C KeyboardInterrupt in the main
    thread, and each is remembered until the block ends (`raise_if_interrupted`).

    Python's default for SIGTERM ends the process at once: the pool's workers are left
    running, orphaned, holding the caller's stdout and stderr open. As an exception it takes
    the Ctrl-C path instead (stop the workers, wait for them, report). A write in progress
    still completes first (`source_file._signals_deferred` holds the signal back).
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def terminate(_signum: int, _frame: object) -> None:
        _received.append(Terminated)
        raise Terminated

    def interrupt(_signum: int, _frame: object) -> None:
        _received.append(KeyboardInterrupt)
        raise KeyboardInterrupt

    previous = {}
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when ignored
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, interrupt)
    if _SIGTERM is not None:
        previous[_SIGTERM] = signal.signal(_SIGTERM, terminate)
    _received.clear()
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _received.clear()


def raise_if_interrupted() -> None:
    """Raise the first interrupt of the run again. Python runs signal handlers between any
    two bytecodes, also inside a finalizer or a weakref callback (libcst and the analysis
    drop many objects per file), and an exception raised there is only printed ("Exception
    ignored in ...") and lost: the run would go on to the end. Checked between files."""
    if _received:
        raise _received[0]


def _worker_init(stop: Any) -> None:
    global _stop
    # The parent handles Ctrl-C and SIGTERM and decides what gets written; workers just stop
    # (a signal sent to the whole process group reaches them too).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _SIGTERM is not None:
        signal.signal(_SIGTERM, signal.SIG_IGN)
    _stop = stop


def _process_job(job: tuple[Path, bytes, Options]) -> FileResult:
    if _stop is not None and _stop.is_set():
        return FileResult(path=job[0], status=FAILED, error="not processed: interrupted")
    return process_bytes(*job)


def read_candidate(
    candidate: Candidate, imports: RunImports | None = None
) -> FileResult | tuple[Path, bytes]:
    """Read a file and apply the cheap pre-filter; a FileResult means no parsing is needed.
    `imports` records every file read, pymilvus or not (who imports whom)."""
    try:
        data = read_source_bytes(candidate.path)
    except SourceError as exc:
        return FileResult(path=candidate.path, status=FAILED, error=str(exc))
    if imports is not None:
        imports.add(candidate.path, data)
    if not mentions_pymilvus(data):
        # No bytes kept: a skipped file is never written, and a big tree is mostly skipped files.
        return FileResult(path=candidate.path, status=SKIPPED)
    if len(data) > MAX_SOURCE_BYTES:
        return FileResult(
            path=candidate.path,
            status=FAILED,
            error=(
                f"too large to migrate ({len(data) / 2**20:.1f} MiB, limit "
                f"{MAX_SOURCE_BYTES // 2**20} MiB): libcst would need minutes and gigabytes; "
                "split the file or --exclude it"
            ),
        )
    return candidate.path, data


def run(
    candidates: Iterable[Candidate],
    options: Options,
    jobs: int,
    on_read: Callable[[int], None] | None = None,
    cache: ResultCache | None = None,
) -> Iterator[FileResult]:
    """Yield one FileResult per candidate, in order, except that a file whose migration
    depends on how other files of the run migrate comes last (see `_deferred`).

    With a cache, hits are looked up here in the parent, before any work is handed out, so a
    known file costs no worker round-trip; results computed by the workers are stored as they
    stream back.
    """
    imports = RunImports()
    read = [read_candidate(candidate, imports) for candidate in candidates]
    slots: list[FileResult | tuple[Path, bytes]] = []
    later: list[tuple[Path, bytes]] = []
    for slot in read:
        if isinstance(slot, tuple) and imports.facts(slot[0]).orm_imports:
            later.append(slot)
        else:
            slots.append(slot)
    if on_read is not None:
        on_read(len(slots) + len(later))
    for result in _first(slots, options, jobs, cache, imports):
        if result.status == CHANGED and result.new_bytes:
            imports.add(result.path, result.new_bytes)  # what it imports, migrated
        yield result
    yield from _deferred(later, options, cache, imports)


def _first(
    read: list[FileResult | tuple[Path, bytes]],
    options: Options,
    jobs: int,
    cache: ResultCache | None,
    imports: RunImports,
) -> Iterator[FileResult]:
    """The files whose migration does not wait for others', in order."""
    slots: list[FileResult | tuple[Path, bytes]] = []
    keys: list[str] = []  # one per slot left as work, in order
    per_file: dict[Path, Options] = {}
    for slot in read:
        if isinstance(slot, tuple):
            per_file[slot[0]] = file_options = with_facts(options, imports.facts(slot[0]))
            if cache is not None:
                key = cache.key(*slot, options=file_options)
                hit = cache.get(key, *slot)
                if hit is not None:
                    slot = hit
                else:
                    keys.append(key)
        slots.append(slot)
    work = [s for s in slots if isinstance(s, tuple)]
    if jobs <= 1 or len(work) < _MIN_FILES_FOR_POOL:
        results: Iterator[FileResult] = (process_bytes(p, d, per_file[p]) for p, d in work)
        yield from _merge(slots, _stored(results, keys, cache))
        return
    ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    workers = min(jobs, len(work))
    chunk = max(1, min(32, len(work) // (workers * 4) or 1))
    stop = ctx.Event()
    with ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_worker_init, initargs=(stop,)
    ) as pool:
        try:
            stream = pool.map(_process_job, [(p, d, per_file[p]) for p, d in work], chunksize=chunk)
            yield from _merge(slots, _stored(stream, keys, cache))
        except BaseException:
            # Leaving the `with` waits for the chunks already handed out (up to 32 files per
            # worker, ~30 s on 2 busy cores); with `stop` set each worker finishes only the
            # file it is on. Killing workers instead can hang the pool's queue threads.
            stop.set()
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _deferred(
    later: list[tuple[Path, bytes]],
    options: Options,
    cache: ResultCache | None,
    imports: RunImports,
) -> Iterator[FileResult]:
    """The files that import a module of the run using the ORM (their connect is kept for
    it, MM101), migrated once the modules they import are, with the facts of the migrated
    text: a helper the run migrates fully no longer needs the connection, and reading its
    original text instead would leave a connect that the next run removes (a second run must
    change nothing). Those files go one at a time, importees first; a cycle is broken in
    input order."""
    pending = list(later)
    while pending:
        waiting = {Path(os.path.abspath(path)) for path, _ in pending}
        ready = next(
            (
                slot
                for slot in pending
                if not imports.imported_modules(slot[0], imports.facts(slot[0]).orm_imports)
                & waiting
            ),
            pending[0],
        )
        pending.remove(ready)
        path, data = ready
        file_options = with_facts(options, imports.facts(path))
        key = cache.key(path, data, options=file_options) if cache is not None else ""
        result = cache.get(key, path, data) if cache is not None else None
        if result is None:
            raise_if_interrupted()
            result = process_bytes(path, data, file_options)
            if cache is not None:
                cache.put(key, result)
        if result.status == CHANGED and result.new_bytes:
            imports.add(path, result.new_bytes)
        yield result


def with_facts(options: Options, facts: FileFacts) -> Options:
    """The run's options for one file, with what the other files of the run say about it."""
    if facts == FileFacts():
        return options
    return dataclasses.replace(
        options,
        orm_imports=facts.orm_imports,
        imported_by=facts.imported_by,
        importer_attributes=facts.importer_attributes,
    )


def _stored(
    results: Iterator[FileResult], keys: list[str], cache: ResultCache | None
) -> Iterator[FileResult]:
    """Pass results through, storing each in the cache (which keeps only the cacheable ones);
    an interrupt whose exception was lost ends the run here (raise_if_interrupted)."""
    if cache is None:
        for result in results:
            raise_if_interrupted()
            yield result
        return
    for key, result in zip(keys, results, strict=True):  # one key per file sent as work
        raise_if_interrupted()
        cache.put(key, result)
        yield result


_WORKER_DIED = (
    "not processed: a worker process died (out of memory, or the parser crashed on this file "
    "or one processed with it); rerun with --jobs 1 on this file to find out"
)


def _merge(
    slots: list[FileResult | tuple[Path, bytes]], processed: Iterator[FileResult]
) -> Iterator[FileResult]:
    """Put processed results back between the pre-filtered ones, in input order.

    A dead worker breaks the whole pool; the files it never returned are reported as failed
    (and left untouched) instead of the run ending in a traceback.
    """
    broken = False
    for slot in slots:
        if isinstance(slot, FileResult):
            yield slot
            continue
        if not broken:
            try:
                result = next(processed)
            except BrokenProcessPool:
                broken = True
            else:
                yield result
                continue
        yield FileResult(path=slot[0], status=FAILED, error=_WORKER_DIED)
