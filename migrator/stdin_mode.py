"""PATH `-`: migrate the source read from stdin, as black and ruff do for editors and pipes.

The migrated source goes to stdout (the input itself when nothing changes or the input
cannot be migrated, so a pipe or an editor that replaces its buffer with stdout never loses
code); the report (manual-review items, the summary, a JSON or SARIF report) goes to stderr.
With --diff the diff goes to stdout and with --check nothing does, as for files.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

from codemods import Options
from migrator.discover import mentions_pymilvus
from migrator.process import CHANGED, SKIPPED, FileResult, process_bytes
from migrator.report import Reporter

STDIN = Path("-")
# Named in messages when --stdin-filename does not give the file the text stands for.
DEFAULT_NAME = Path("<stdin>")


def migrate_stdin(
    name: Path | None,
    options: Options,
    reporter: Reporter,
    stdin: BinaryIO | None = None,
    stdout: BinaryIO | None = None,
) -> FileResult:
    """Migrate stdin's bytes as the file `name` (its suffix picks the notebook handler);
    in write mode echo the result, or the input, to stdout."""
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    data = stdin.read()
    path = name or DEFAULT_NAME
    if mentions_pymilvus(data):
        result = process_bytes(path, data, options)
    else:
        result = FileResult(path=path, status=SKIPPED, original_bytes=data)
    if reporter.mode == "write":
        stdout.write(result.new_bytes if result.status == CHANGED else data)
        stdout.flush()
    reporter.file_done(result)
    return result
