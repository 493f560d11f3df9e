"""The public Python API: the same verbs as the command line.

>>> import visitexport
>>> record = visitexport.load("examples/kono-russia-2000.json")
>>> visitexport.check(record)
[]
>>> visitexport.render_text(record)[:20]
'Visit to the Russian'
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from . import json_
from .canonical import canonical_bytes
from .errors import InvalidRecordError, ToolError
from .files import STDIO, expand, read_input
from .formats.text_ import render_text
from .problems import Problem
from .schema import fast_check, record_shape
from .validate import check_bytes, check_record

__all__ = [
    "FileResult",
    "Record",
    "check",
    "check_file",
    "check_files",
    "format_bytes",
    "load",
    "loads",
    "render_text",
    "validate",
]

#: A canonical record, as parsed from JSON.
Record = dict[str, Any]


class FileResult(NamedTuple):
    """The outcome of checking one file: its problems, or why it could not be read."""

    path: str
    problems: tuple[Problem, ...] = ()
    error: str | None = None

    @property
    def valid(self) -> bool:
        return self.error is None and not self.problems


def loads(data: bytes | str, source: str = "<input>") -> Record:
    """Parse and fully validate a record; raise `InvalidRecordError` listing every problem."""
    # surrogatepass: a lone surrogate in a str becomes bytes that strict reading reports.
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    record, problems = check_bytes(raw, source)
    if problems:
        raise InvalidRecordError(source, problems)
    result: Record = record
    return result


def load(path: str) -> Record:
    """Read, parse and fully validate the record in a file (`-` for standard input)."""
    return loads(read_input(path, json_.MAX_BYTES), path)


def check(record: Record) -> list[Problem]:
    """Every problem of an already parsed record (without lines and columns)."""
    return check_record(record)


def validate(record: Record, source: str = "<record>") -> None:
    """Raise `InvalidRecordError` unless the record is valid."""
    problems = check_record(record)
    if problems:
        raise InvalidRecordError(source, problems)


def check_file(path: str) -> FileResult:
    """Check one file (`-` for standard input); never raises for bad data or unreadable files."""
    try:
        data = read_input(path, json_.MAX_BYTES)
    except ToolError as exc:
        return FileResult(path, error=str(exc))
    try:
        return FileResult(path, tuple(check_bytes(data, path)[1]))
    except Exception as exc:  # a bug of ours must not stop a batch of thousands
        return FileResult(path, error=f"{path}: internal error, please report it: {type(exc).__name__}: {exc}")


def check_files(paths: Iterable[str], jobs: int = 1) -> Iterator[FileResult]:
    """Check files and folders (recursing into ``*.json``), in order; the validator is built once.

    With ``jobs`` above 1 the files are shared among that many worker
    processes (on Linux; elsewhere one process does it all); results still
    come back in order.
    Raises `ToolError` for a path that does not exist, before checking anything.
    """
    yield from check_many(list(expand(paths)), jobs)


#: Fewer files than this are not worth starting worker processes for.
PARALLEL_FROM = 64


def default_jobs(count: int) -> int:
    """How many processes to use for `count` files when the user did not say."""
    if count < PARALLEL_FROM:
        return 1
    # The CPUs this process may run on, which a container or taskset can limit.
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cpus, 8))


def check_many(files: list[str], jobs: int = 1) -> Iterator[FileResult]:
    """Check already expanded file names, in order, in `jobs` processes."""
    # Workers are forked so they inherit the compiled validator; fork is only
    # dependable on Linux (macOS frameworks may crash after it, Windows lacks it).
    if jobs <= 1 or len(files) < 2 or STDIO in files or not sys.platform.startswith("linux"):
        for path in files:
            yield check_file(path)
        return
    # Build the compiled validator before forking, so every worker inherits it
    # instead of compiling the schema again.
    fast_check()
    record_shape()
    context = multiprocessing.get_context("fork")
    chunk = max(1, min(64, len(files) // (jobs * 8)))
    with context.Pool(jobs) as pool:
        yield from pool.imap(check_file, files, chunksize=chunk)


def format_bytes(data: bytes, source: str = "<input>") -> bytes:
    """The canonical bytes of a JSON record; only strict JSON reading must succeed."""
    value, text = json_.parse(data, source)
    if json_.too_deep(value) is not None and (deep := json_.scan(text).too_deep):
        line, column = json_.Locator(text).at(deep[1])
        problem = Problem(line, column, deep[0], "json.depth", f"nesting deeper than {json_.MAX_DEPTH} levels")
        raise InvalidRecordError(source, [problem])
    return canonical_bytes(value)
