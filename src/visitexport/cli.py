"""The command line: thin wiring from click options to the library.

Exit codes (also in the README):

- 0: success; every record is valid (validate), canonical (fmt --check), converted (convert),
  every release read (ingest, warnings or not);
- 1: the data is invalid: a record fails validation, or is not canonical under ``fmt --check``,
  or a release's text cannot be read (empty, binary, not in its encoding);
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

from visitexport import __version__, api, batch, formats, ingesting, report
from visitexport.errors import InvalidRecordError, OptionError, ToolError
from visitexport.files import STDIO, expand, read_input, same_file, write_atomic
from visitexport.limits import MAX_BYTES
from visitexport.problems import FileResult
from visitexport.schema.loading import schema_bytes

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
            click.echo(f"visitexport: error: {report.safe(str(exc))}", err=True)
            ctx.exit(EXIT_TOOL)
        except MemoryError:
            click.echo(f"visitexport: error: {batch.OUT_OF_MEMORY}", err=True)
            ctx.exit(EXIT_TOOL)
        except Exception as exc:
            # A bug of ours: say so in one line and keep "invalid data" (1) for data.
            if os.environ.get("VISITEXPORT_TRACEBACK"):
                raise
            click.echo(
                f"visitexport: internal error, please report it: {type(exc).__name__}: {report.safe(str(exc))} "
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


def _colour_wanted(mode: str, err: bool) -> bool:
    """Whether to colour a stream: `always`, `never`, or on a terminal unless NO_COLOR is set (`auto`)."""
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR"):
        return False  # https://no-color.org: any non-empty value
    return _stderr_is_terminal() if err else _stdout_is_terminal()


_EXCLUDE = click.option(
    "--exclude",
    "exclude",
    metavar="GLOB",
    multiple=True,
    help="In folders, skip files and folders whose name or relative path matches GLOB (repeatable).",
)
_COLOUR = click.option(
    "--color",
    "colour",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour rule ids: on a terminal unless NO_COLOR is set (auto), always, or never.",
)


def _progress(items: Iterable[T], count: int, label: str) -> AbstractContextManager[Iterable[T]]:
    """A progress bar over `items` on standard error, for long batches on a terminal only."""
    if count < PROGRESS_FROM or not _stderr_is_terminal():
        return nullcontext(items)
    return click.progressbar(items, length=count, label=label, file=sys.stderr)


def _echo_problems(error: InvalidRecordError, colour: str) -> None:
    _echo_lines(report.as_text_lines(FileResult(error.source, error.problems)), colour, err=True)


def _echo_lines(lines: Iterable[str], colour: str, *, err: bool) -> None:
    wanted = _colour_wanted(colour, err)
    for line in lines:
        click.echo(_coloured(line) if wanted else line, err=err, color=wanted)


def _coloured(line: str) -> str:
    head, sep, rest = line.partition(": ")
    rule, sep2, message = rest.partition(": ")
    if not sep2:
        return line
    return f"{head}{sep}{click.style(rule, fg='red', bold=True)}{sep2}{message}"


@main.command()
@click.argument("releases", nargs=-1, required=True)
@click.option("-o", "--output", help="The record's file (one release); default: standard output.")
@click.option("--out-dir", type=click.Path(file_okay=False), help="Write each record to DIR/NAME.json.")
@click.option("--encoding", default="utf-8", show_default=True, help="The text's encoding, such as cp1252 or latin-1.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: warnings and problems on standard error; json: one report object.",
)
@click.option(
    "--office",
    "offices",
    multiple=True,
    metavar="OFFICE",
    help="An office people are named with, beyond the built-in list (repeat for several): --office 'Governor-General'.",
)
@_COLOUR
def ingest(
    *,
    releases: tuple[str, ...],
    output: str | None,
    out_dir: str | None,
    encoding: str,
    output_format: str,
    offices: tuple[str, ...],
    colour: str,
) -> None:
    """Read press releases' plain text into records (RELEASES are files, or - for standard input).

    Each record holds the whole text (converting it --to text gives back the
    file byte for byte), an id, and the facts its layout states plainly: the
    release's date, issuer and title, the visit from its lead, one engagement
    per dated heading, people named with an office. Where the structure was a
    guess, or a fact unsure, a warning names the line. Nothing is written for a
    text that cannot be read.
    """
    if output is not None and out_dir is not None:
        raise click.UsageError("give -o or --out-dir, not both")
    if len(releases) > 1 and out_dir is None:
        raise click.UsageError("several releases need --out-dir DIR (one record each)")
    try:
        targets = [output or STDIO] if out_dir is None else ingesting.targets(releases, out_dir)
    except OptionError as exc:
        raise click.UsageError(f"{exc.option}: {exc.message}") from None
    for release, target in zip(releases, targets, strict=True):
        if same_file(release, target):
            raise click.UsageError(f"{target} is the release itself; write the record elsewhere")
    # The JSON report goes to standard output unless the record does.
    report_err = output_format == "json" and STDIO in targets
    entries: list[ingesting.Entry] = []
    for release, target in zip(releases, targets, strict=True):
        entry = ingesting.ingest_file(release, target, encoding, offices)
        entries.append(entry)
        if output_format == "text":
            if entry.result.problems:
                _echo_problems(InvalidRecordError(entry.result.path, list(entry.result.problems)), colour)
            for line in ingesting.warning_lines(entry):
                click.echo(line, err=True)
    if output_format == "json":
        click.echo(ingesting.as_json(entries, __version__), nl=False, err=report_err)
    sys.exit(EXIT_INVALID if any(e.result.problems for e in entries) else EXIT_OK)


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
@_EXCLUDE
@_COLOUR
def validate(
    *,
    paths: tuple[str, ...],
    output_format: str,
    quiet: bool,
    jobs: int,
    exclude: tuple[str, ...],
    colour: str,
) -> None:
    """Check records of any readable format: the format's own rules, the schema, and the semantic rules.

    PATHS are files (JSON, XML or workbooks, by extension or content), folders
    (searched for every readable extension, skipping hidden files and folders)
    or - for standard input.
    """
    files = batch.find(paths, exclude)
    results: list[FileResult] = []
    checked = batch.check_many(files, jobs or batch.default_jobs(len(files)))
    with _progress(checked, len(files), "validating") as progress:
        for result in progress:
            results.append(result)
            if output_format == "text":
                _echo_lines(report.as_text_lines(result), colour, err=result.error is not None)
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
@_EXCLUDE
@_COLOUR
def fmt(paths: tuple[str, ...], check: bool, exclude: tuple[str, ...], colour: str) -> None:
    """Rewrite JSON records in canonical form (key order, indent, UTF-8, final newline).

    PATHS are files, folders (searched for *.json, skipping hidden files and folders)
    or - (standard input to standard output).
    Only strict JSON reading must succeed; the schema is not enforced here.
    """
    status = EXIT_OK
    # Every file is read and formatted before any is rewritten, so a file that
    # cannot be read stops the run with nothing changed.
    rewrites: list[tuple[str, bytes]] = []
    for path in list(expand(paths, formats.get("json").extensions, exclude)):
        data = read_input(path, MAX_BYTES)
        try:
            canonical = api.format_bytes(data, path)
        except InvalidRecordError as exc:
            _echo_problems(exc, colour)
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


@main.command()
@click.argument("source")
@click.option(
    "--to", "target", type=click.Choice(formats.names()), help="Output format (default: from -o's extension)."
)
@click.option(
    "--from",
    "origin",
    type=click.Choice(formats.names(readable_only=True)),
    help="Input format (default: from SOURCE's extension, else from its content).",
)
@click.option("-o", "--output", default=STDIO, show_default=True, help="Output file, or - for standard output.")
@click.option("--summary", is_flag=True, help="With md: write the one-page summary instead of the report.")
@click.option(
    "--report-link",
    metavar="PATH",
    help="With --summary: the report its links point into (default: RECORD_ID.md, next to the summary).",
)
@_COLOUR
def convert(
    *,
    source: str,
    target: str | None,
    origin: str | None,
    output: str,
    summary: bool,
    report_link: str | None,
    colour: str,
) -> None:
    """Convert a record between formats (SOURCE is a file, or - for standard input).

    The input is fully validated first; nothing is written unless it is valid.
    json, xml and xlsx convert both ways; text renders the release's plain text;
    md (or markdown) renders a report, or with --summary a one-page summary.
    An xlsx workbook is binary: give -o FILE.xlsx, or redirect standard output.
    """
    if target is None:
        found = formats.by_extension(output)
        if found is None:
            known = ", ".join(e for f in formats.writable() for e in f.extensions)
            raise click.UsageError(f"say which format to write with --to (or give -o a known extension: {known})")
        target = found.name
    writer = formats.get(target)
    options = {"summary": summary, "report_link": report_link}
    try:
        writer.check_options(**options)
    except OptionError as exc:
        raise click.UsageError(f"--{exc.option.replace('_', '-')}: {exc.message}") from None
    if writer.binary and output == STDIO and _stdout_is_terminal():
        raise click.UsageError(
            f"{writer.title} is binary; give -o FILE{writer.extensions[0]} or redirect standard output"
        )
    if same_file(source, output):
        raise click.UsageError(f"-o {output} is the input file itself; write the output elsewhere")
    data = read_input(source, MAX_BYTES)
    reader = formats.detect(data, source, origin)
    if reader is not None and not reader.readable:
        readable = ", ".join(e for f in formats.readable() for e in f.extensions)
        raise click.UsageError(
            f"{source} is {reader.title}, which is not read back into a record; convert from {readable}"
        )
    try:
        out = api.convert(data, source, target, origin=origin, **options)
    except InvalidRecordError as exc:
        _echo_problems(exc, colour)
        sys.exit(EXIT_INVALID)
    write_atomic(output, out)


@main.command()
@click.option("--xsd", is_flag=True, help="Print the XSD generated from it instead.")
def schema(xsd: bool) -> None:
    """Print the bundled JSON Schema (the contract every record follows), or its XSD."""
    if xsd:
        write_atomic(STDIO, api.xsd_bytes())
    else:
        write_atomic(STDIO, schema_bytes())


def run() -> None:  # pragma: no cover - console entry for `python -m`
    main(prog_name="visitexport")
