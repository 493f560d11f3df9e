"""The command line: thin wiring from click options to the library.

Exit codes (also in the README):

- 0: success; every record is valid (validate), canonical (fmt --check), converted (convert);
- 1: the data is invalid: a record fails validation, or is not canonical under ``fmt --check``;
- 2: usage error: an unknown option, a missing argument, a format that cannot be inferred;
- 3: the tool could not run: a file or folder could not be read or written, or the
  installation is broken.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

import click

from . import __version__, api, report
from .convert import ALIASES, FORMATS, dump_summary, format_for_path, input_format, read_record, write_record
from .errors import InvalidRecordError, ToolError
from .files import STDIO, expand, read_input, same_file, write_atomic
from .json_ import MAX_BYTES
from .schema import schema_bytes

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_TOOL = 0, 1, 2, 3
#: Batches at least this long get a progress bar (on a terminal only).
PROGRESS_FROM = 50

T = TypeVar("T")


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except ToolError as exc:
            click.echo(f"visitexport: error: {exc}", err=True)
            ctx.exit(EXIT_TOOL)
        except Exception as exc:
            # A bug of ours: say so in one line and keep "invalid data" (1) for data.
            if os.environ.get("VISITEXPORT_TRACEBACK"):
                raise
            click.echo(
                f"visitexport: internal error, please report it: {type(exc).__name__}: {exc} "
                "(set VISITEXPORT_TRACEBACK=1 to see where)",
                err=True,
            )
            ctx.exit(EXIT_TOOL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="visitexport")
def main() -> None:
    """Validate, format and convert visit records (diplomatic press releases as canonical JSON)."""


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _progress(items: Iterable[T], count: int, label: str) -> AbstractContextManager[Iterable[T]]:
    """A progress bar over `items` on standard error, for long batches on a terminal only."""
    if count < PROGRESS_FROM or not _stderr_is_terminal():
        return nullcontext(items)
    return click.progressbar(items, length=count, label=label, file=sys.stderr)


def _echo_problems(error: InvalidRecordError) -> None:
    for line in report.as_text_lines(api.FileResult(error.source, error.problems)):
        click.echo(_colour(line), err=True)


def _colour(line: str) -> str:
    # click.echo strips the styling again when the stream is not a terminal.
    head, sep, rest = line.partition(": ")
    rule, sep2, message = rest.partition(": ")
    if not sep2:
        return line
    return f"{head}{sep}{click.style(rule, fg='red', bold=True)}{sep2}{message}"


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: path:line:col: rule: message (pointer); json: one report object; github: workflow annotations.",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary line (text format).")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes; 0 (default) uses every CPU for 64 files or more, one process below that.",
)
def validate(paths: tuple[str, ...], output_format: str, quiet: bool, jobs: int) -> None:
    """Check records: strict JSON, the schema, and the semantic rules.

    PATHS are files, folders (searched for *.json) or - for standard input.
    """
    files = list(expand(paths))
    results: list[api.FileResult] = []
    checked = api.check_many(files, jobs or api.default_jobs(len(files)))
    with _progress(checked, len(files), "validating") as progress:
        for result in progress:
            results.append(result)
            if output_format == "text":
                for line in report.as_text_lines(result):
                    click.echo(_colour(line), err=result.error is not None)
            elif output_format == "github":
                for line in report.as_github(result):
                    click.echo(line)
    if output_format == "json":
        click.echo(report.as_json(results, __version__), nl=False)
    elif output_format == "text" and not quiet:
        count = report.summary(results)
        text = f"{count['files']} file(s) checked: {count['valid']} valid, {count['invalid']} invalid"
        if count["unreadable"]:
            text += f", {count['unreadable']} unreadable"
        click.echo(text + f" ({count['problems']} problem(s))", err=True)
    if any(r.error is not None for r in results):
        sys.exit(EXIT_TOOL)
    sys.exit(EXIT_INVALID if any(r.problems for r in results) else EXIT_OK)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--check", is_flag=True, help="Change nothing; list the files that are not canonical and exit 1.")
def fmt(paths: tuple[str, ...], check: bool) -> None:
    """Rewrite records in canonical form (key order, indent, UTF-8, final newline).

    PATHS are files, folders (searched for *.json) or - (standard input to standard output).
    Only strict JSON reading must succeed; the schema is not enforced here.
    """
    status = EXIT_OK
    # Every file is read and formatted before any is rewritten, so a file that
    # cannot be read stops the run with nothing changed.
    rewrites: list[tuple[str, bytes]] = []
    for path in list(expand(paths)):
        data = read_input(path, MAX_BYTES)
        try:
            canonical = api.format_bytes(data, path)
        except InvalidRecordError as exc:
            _echo_problems(exc)
            status = EXIT_INVALID
            continue
        if (path == STDIO and not check) or canonical != data:
            rewrites.append((path, canonical))
    for path, canonical in rewrites:
        if check:
            click.echo(f"would reformat {path}")
            status = EXIT_INVALID
        elif path == STDIO:
            write_atomic(STDIO, canonical)
        else:
            write_atomic(path, canonical)
            click.echo(f"reformatted {path}", err=True)
    changed = sum(path != STDIO for path, _ in rewrites)
    if changed and not check:
        click.echo(f"{changed} file(s) reformatted", err=True)
    sys.exit(status)


_WRITABLE = sorted([*FORMATS, *ALIASES])
_READABLE = sorted(name for name, f in FORMATS.items() if f.read is not None)


@main.command()
@click.argument("source")
@click.option("--to", "target", type=click.Choice(_WRITABLE), help="Output format (default: from -o's extension).")
@click.option(
    "--from",
    "origin",
    type=click.Choice(_READABLE),
    help="Input format (default: from SOURCE's extension, else from its first character).",
)
@click.option("-o", "--output", default=STDIO, show_default=True, help="Output file, or - for standard output.")
@click.option("--summary", is_flag=True, help="With md: write the one-page summary instead of the report.")
@click.option(
    "--report-link",
    metavar="PATH",
    help="With --summary: the report its links point into (default: RECORD_ID.md, next to the summary).",
)
def convert(
    *, source: str, target: str | None, origin: str | None, output: str, summary: bool, report_link: str | None
) -> None:
    """Convert a record between formats (SOURCE is a file, or - for standard input).

    The input is fully validated first; nothing is written unless it is valid.
    json, xml and xlsx convert both ways; text renders the release's plain text;
    md (or markdown) renders a report, or with --summary a one-page summary.
    An xlsx workbook is binary: give -o FILE.xlsx, or redirect standard output.
    """
    if target is None:
        target = format_for_path(output)
        if target is None:
            raise click.UsageError(
                "say which format to write with --to (or give -o a known extension: .json, .xml, .xlsx, .txt, .md)"
            )
    target = ALIASES.get(target, target)
    if (summary or report_link is not None) and target != "md":
        raise click.UsageError("--summary and --report-link go with --to md (or -o FILE.md)")
    if report_link is not None and not summary:
        raise click.UsageError("--report-link goes with --summary")
    if report_link is not None:
        from .formats.md_text import check_link_target

        try:
            check_link_target(report_link)
        except ValueError as exc:
            raise click.UsageError(f"--report-link: {exc}") from None
    if target == "xlsx" and output == STDIO and _stdout_is_terminal():
        raise click.UsageError("an xlsx workbook is binary; give -o FILE.xlsx or redirect standard output")
    if same_file(source, output):
        raise click.UsageError(f"-o {output} is the input file itself; write the output elsewhere")
    data = read_input(source, MAX_BYTES)
    if FORMATS[input_format(data, source, origin)].read is None:
        raise click.UsageError(f"{source} cannot be read back into a record; convert from .json, .xml or .xlsx")
    try:
        record = read_record(data, source, origin)
    except InvalidRecordError as exc:
        _echo_problems(exc)
        sys.exit(EXIT_INVALID)
    if summary:
        write_atomic(output, dump_summary(record, report_link=report_link).encode("utf-8"))
    else:
        write_atomic(output, write_record(record, target))


@main.command()
@click.option("--xsd", is_flag=True, help="Print the XSD generated from it instead.")
def schema(xsd: bool) -> None:
    """Print the bundled JSON Schema (the contract every record follows), or its XSD."""
    if xsd:
        from .xsd import xsd_bytes

        write_atomic(STDIO, xsd_bytes())
    else:
        write_atomic(STDIO, schema_bytes())


def run() -> None:  # pragma: no cover - console entry for `python -m`
    main(prog_name="visitexport")
