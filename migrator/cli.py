"""The `milvus-migrate` command line."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.syntax import Syntax

from codemods import Options, RuleInfo
from codemods.base import TARGET_VERSIONS
from codemods.registry import all_rules
from migrator.cache import ResultCache, cache_dir
from migrator.config import Config, ConfigError, inferred_target, load_config
from migrator.discover import Candidate, discover
from migrator.process import CHANGED, FAILED, FileResult
from migrator.report import Reporter
from migrator.runner import run, sigterm_as_interrupt
from migrator.source_file import SourceError, write_atomic
from migrator.stdin_mode import STDIN, migrate_stdin

EXIT_OK, EXIT_WOULD_CHANGE, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
_PROGRESS_MIN_FILES = 200

EPILOG = """\b
Exit codes:
  0  success, or nothing to do
  1  --check found files that would change
  2  usage error, or at least one file could not be processed
  130  interrupted (Ctrl-C); every file is either its old or its new version
  143  terminated (SIGTERM); the same as Ctrl-C
"""


def _use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


@click.command(
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--diff", "show_diff", is_flag=True, help="Print a unified diff per file; write nothing."
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when any file would change.")
@click.option(
    "--shim",
    is_flag=True,
    help="Only point ORM imports at compat_shim (keeps ORM calls, runs them on MilvusClient).",
)
@click.option(
    "--shim-rest/--no-shim-rest",
    default=None,
    help="Migrate what is provably safe, run the rest on compat_shim (the ORM names the code "
    "left for manual review still uses are imported from compat_shim). Not with --shim.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="Report format on stdout.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Parallel worker processes [default: number of CPUs].",
)
@click.option(
    "--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB (repeatable)."
)
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes", default=None, help="Also apply rewrites marked unsafe."
)
@click.option(
    "--annotate/--no-annotate",
    default=None,
    help="Write manual-review notes as `# milvus-migrate:` comments.",
)
@click.option(
    "--client-name",
    metavar="NAME",
    default=None,
    help="Variable name for the MilvusClient the rewrite creates [default: client].",
)
@click.option(
    "--async",
    "async_mode",
    type=click.Choice(["auto", "never", "always"]),
    default="auto",
    show_default=True,
    help="Calls inside `async def` -> awaited AsyncMilvusClient calls: auto (where one event "
    "loop is provable), always (skip that check), never.",
)
@click.option(
    "--target-version",
    type=click.Choice(TARGET_VERSIONS),
    default=None,
    help="Oldest Python the migrated code must run on [default: from requires-python in "
    "pyproject.toml, else py310]. Below py310, column inserts are reported instead of "
    "rewritten (the rows use zip(strict=True)).",
)
@click.option(
    "--select", multiple=True, metavar="CODE", help="Only run rules with these code prefixes."
)
@click.option(
    "--ignore", multiple=True, metavar="CODE", help="Skip rules with these code prefixes."
)
@click.option(
    "--no-cache",
    is_flag=True,
    envvar="MILVUS_MIGRATE_NO_CACHE",
    help="Do not read or write the result cache (.milvus_migrate_cache at the project root, "
    "or $MILVUS_MIGRATE_CACHE_DIR). Also: MILVUS_MIGRATE_NO_CACHE=1.",
)
@click.option(
    "--stdin-filename",
    type=click.Path(path_type=Path),
    default=None,
    help="With PATH `-` (read the source from stdin, write it migrated to stdout): the file "
    "it stands for, named in messages; its suffix and folder choose the handler (.ipynb) "
    "and the pyproject.toml that applies.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option(
    "-v", "--verbose", is_flag=True, help="Print every file; show tracebacks for tool bugs."
)
@click.option(
    "--no-color", is_flag=True, help="Plain output (also: NO_COLOR=1, or a non-terminal)."
)
@click.version_option(package_name="milvus-migrate")
def migrate(
    paths: tuple[Path, ...],
    show_diff: bool,
    check: bool,
    shim: bool,
    shim_rest: bool | None,
    fmt: str,
    jobs: int | None,
    exclude: tuple[str, ...],
    unsafe_fixes: bool | None,
    annotate: bool | None,
    client_name: str | None,
    async_mode: str,
    target_version: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    no_cache: bool,
    stdin_filename: Path | None,
    quiet: bool,
    verbose: bool,
    no_color: bool,
) -> None:
    """Migrate pymilvus ORM code (connections, Collection, utility, ...) to MilvusClient.

    PATHS are files and folders (.py and .ipynb), or `-` for stdin (the migrated source goes
    to stdout, the report to stderr). By default files are rewritten in place; use --diff or
    --check to preview. Settings in [tool.milvus-migrate] of the nearest
    pyproject.toml apply; flags override them. `milvus-migrate rules` lists the rules.
    """
    if not paths:
        raise click.UsageError("no PATH given (try `milvus-migrate .`)")
    if show_diff and check:
        raise click.UsageError("--diff and --check cannot be combined")
    mode = "diff" if show_diff else "check" if check else "write"
    from_stdin = STDIN in paths
    if from_stdin and len(paths) > 1:
        raise click.UsageError("`-` (stdin) cannot be combined with other paths")
    if stdin_filename is not None and not from_stdin:
        raise click.UsageError("--stdin-filename needs PATH `-`")
    try:
        config = load_config((stdin_filename,) if stdin_filename else paths)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    if shim and shim_rest:
        raise click.UsageError(
            "--shim and --shim-rest cannot be combined: --shim only repoints imports, "
            "--shim-rest migrates first and repoints only what stays ORM"
        )
    if client_name is not None and not client_name.isidentifier():
        raise click.UsageError(f"--client-name {client_name!r} is not a Python identifier")
    options = Options(
        shim=shim,
        # `shim-rest = true` in the file is a default that an explicit --shim overrides.
        shim_rest=not shim and _first(shim_rest, config.shim_rest, False),
        unsafe_fixes=_first(unsafe_fixes, config.unsafe_fixes, False),
        annotate=_first(annotate, config.annotate, False),
        client_name=_first(client_name, config.client_name, "client"),
        async_mode=async_mode,
        target_version=target_version
        or config.target_version
        or inferred_target((stdin_filename,) if stdin_filename else paths)
        or "py310",
        **_rule_selection(select, ignore, config),
    )
    # --exclude replaces the configured `exclude`; `extend-exclude` always applies.
    exclude = (tuple(exclude) or config.exclude) + config.extend_exclude
    color = _use_color(no_color)
    if from_stdin:
        _migrate_stdin(stdin_filename, options, mode, fmt, quiet, verbose, color)
    cache = None if no_cache else ResultCache(cache_dir(list(paths), config.path), options)
    reporter = Reporter(mode=mode, fmt=fmt, quiet=quiet, verbose=verbose, color=color)
    # Ctrl-C anywhere in the run (discovery included) ends with one message and exit 130,
    # never click's "Aborted!" (exit 1) or a traceback. Writes are atomic and hold the signal
    # back while they happen, so every file is either the old or the new version.
    # SIGTERM takes the same path (exit 143).
    try:
        with sigterm_as_interrupt():
            candidates: list[Candidate] = []
            for item in discover(paths, tuple(exclude)):
                if isinstance(item, Candidate):
                    candidates.append(item)
                else:
                    reporter.file_done(FileResult(path=item.path, status=FAILED, error=item.reason))
            _run_all(candidates, options, jobs or os.cpu_count() or 1, reporter, mode, cache)
            reporter.finish()
            if cache is not None:
                cache.prune()
    except KeyboardInterrupt as exc:
        click.echo(
            "\nInterrupted: files already written are complete; the rest are untouched.",
            err=True,
        )
        sys.exit(getattr(exc, "exit_code", EXIT_INTERRUPTED))
    _exit_for(reporter)


def _exit_for(reporter: Reporter) -> NoReturn:
    """2 when a file failed, 1 when --check found one that would change, else 0."""
    counts = reporter.counts()
    if counts[FAILED]:
        sys.exit(EXIT_ERROR)
    if reporter.mode == "check" and counts[CHANGED]:
        sys.exit(EXIT_WOULD_CHANGE)
    sys.exit(EXIT_OK)


def _migrate_stdin(
    name: Path | None,
    options: Options,
    mode: str,
    fmt: str,
    quiet: bool,
    verbose: bool,
    color: bool,
) -> NoReturn:
    """PATH `-`: one text from stdin. In write mode stdout carries the source, so the whole
    report (a JSON or SARIF one too) goes to stderr. Exits like a run over one file."""
    out = sys.stderr if mode == "write" else sys.stdout
    reporter = Reporter(mode=mode, fmt=fmt, quiet=quiet, verbose=verbose, color=color, out=out)
    try:
        migrate_stdin(name, options, reporter)
    except KeyboardInterrupt:
        click.echo("\nInterrupted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    reporter.finish()
    _exit_for(reporter)


def _rule_selection(
    select: tuple[str, ...], ignore: tuple[str, ...], config: Config
) -> dict[str, tuple[str, ...]]:
    """Layered like ruff: --select starts a fresh selection (the file's select/ignore no longer
    apply); --ignore alone adds to the file's ignore list."""
    cli_select = tuple(s.upper() for s in select)
    cli_ignore = tuple(i.upper() for i in ignore)
    if cli_select:
        return {"select": cli_select, "ignore": cli_ignore}
    return {"select": config.select, "ignore": config.ignore + cli_ignore}


def _first(*values):  # type: ignore[no-untyped-def]
    """The first value that is not None: a flag, then the config file, then the default."""
    return next(v for v in values if v is not None)


def show_progress(n_files: int, reporter: Reporter) -> bool:
    """A bar only for a person watching: stderr is a real terminal (not FORCE_COLOR in a CI
    log), the output is not quiet, and the run is long enough to need one."""
    return (
        n_files >= _PROGRESS_MIN_FILES
        and not reporter.quiet
        and reporter.err_console.is_terminal
        and reporter.err.isatty()
    )


def _run_all(
    candidates: list[Candidate],
    options: Options,
    jobs: int,
    reporter: Reporter,
    mode: str,
    cache: ResultCache | None,
) -> None:
    # The bar shares the reporter's stderr console, so per-file messages print above it
    # instead of being torn by its redraws.
    progress = Progress(
        TextColumn("migrating"),
        BarColumn(),
        MofNCompleteColumn(),
        console=reporter.err_console,
        transient=True,
        disable=not show_progress(len(candidates), reporter),
    )
    with progress:
        task = progress.add_task("files", total=len(candidates))
        for result in run(candidates, options, jobs, cache=cache):
            if mode == "write" and result.status == CHANGED:
                _write(result)
            reporter.file_done(result)
            progress.advance(task)


def _write(result: FileResult) -> None:
    """Write the new bytes, unless the file changed under us since it was read."""
    try:
        current = result.path.read_bytes()
    except FileNotFoundError:
        result.status, result.error = FAILED, "file was deleted during the run; not written"
        return
    except OSError as exc:
        result.status, result.error = FAILED, f"cannot re-read before writing: {exc.strerror}"
        return
    if current != result.original_bytes:
        result.status, result.error = FAILED, "file changed during the run; not written"
        return
    try:
        write_atomic(result.path, result.new_bytes)
    except SourceError as exc:
        result.status, result.error = FAILED, str(exc)
    except OSError as exc:
        result.status, result.error = FAILED, f"cannot write: {exc.strerror or exc}"


@click.command("rules")
@click.argument("code", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--no-color", is_flag=True, help="Plain output (also: NO_COLOR=1, or a non-terminal)."
)
def rules_command(code: str | None, fmt: str, no_color: bool) -> None:
    """List the rules, or explain one (`milvus-migrate rules MM130`).

    A code prefix (`MM1`) lists the rules it selects, as --select would.
    """
    rules = all_rules()
    if code is not None:
        wanted = code.upper()
        exact = [r for r in rules if r.code == wanted]
        rules = exact or [r for r in rules if r.code.startswith(wanted)]
        if not rules:
            raise click.UsageError(f"unknown rule {code!r}; `milvus-migrate rules` lists them")
    if fmt == "json":
        click.echo(json.dumps([_rule_dict(r) for r in rules], indent=2))
        return
    console = Console(
        force_terminal=_use_color(no_color),
        no_color=not _use_color(no_color),
        highlight=False,
        soft_wrap=True,
    )
    if len(rules) > 1 or code is None:
        width = max(len(r.applicability.value) for r in rules)
        for r in rules:
            console.print(f"{r.code}  {r.applicability.value:<{width}}  {r.title}", markup=False)
        console.print(
            "\nsafe: applied by default; unsafe: only with --unsafe-fixes; report-only: never "
            "rewritten, reported for manual review.\n`milvus-migrate rules CODE` explains one.",
            markup=False,
        )
        return
    r = rules[0]
    console.print(f"{r.code}: {r.title}", markup=False, style="bold")
    console.print(f"applicability: {r.applicability.value}\n\n{r.description}", markup=False)
    for label, example in (("Before", r.before), ("After", r.after)):
        if example:
            console.print(f"\n{label}:", markup=False)
            console.print(Syntax(example.rstrip("\n"), "python", theme="ansi_dark"))


def _rule_dict(rule: RuleInfo) -> dict[str, str]:
    return {
        "code": rule.code,
        "title": rule.title,
        "applicability": rule.applicability.value,
        "description": rule.description,
        "before": rule.before,
        "after": rule.after,
    }


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    # `rules` is a subcommand; anything else is a path (use ./rules for a folder named rules).
    if args and args[0] == "rules":
        rules_command.main(args[1:], prog_name="milvus-migrate rules")
    else:
        migrate.main(args, prog_name="milvus-migrate")
