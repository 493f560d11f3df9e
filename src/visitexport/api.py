"""The public Python API: the same verbs as the command line.

    >>> import visitexport
    >>> record = visitexport.load("examples/kono-russia-2000.json")
    >>> visitexport.check(record)
    []
    >>> visitexport.render_text(record)[:20]
    'Visit to the Russian'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from . import json_
from .canonical import canonical_bytes
from .errors import InvalidRecordError, ToolError
from .files import expand, read_input
from .formats.text_ import render_text
from .problems import Problem
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


@dataclass(frozen=True)
class FileResult:
    """The outcome of checking one file: its problems, or why it could not be read."""

    path: str
    problems: tuple[Problem, ...] = ()
    error: str | None = None

    @property
    def valid(self) -> bool:
        return self.error is None and not self.problems


def loads(data: bytes | str, source: str = "<input>") -> Record:
    """Parse and fully validate a record; raise `InvalidRecordError` listing every problem."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    record, problems = check_bytes(raw, source)
    if problems:
        raise InvalidRecordError(source, problems)
    result: Record = record
    return result


def load(path: str) -> Record:
    """Read, parse and fully validate the record in a file (`-` for standard input)."""
    return loads(read_input(path), path)


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
        data = read_input(path)
    except ToolError as exc:
        return FileResult(path, error=str(exc))
    return FileResult(path, tuple(check_bytes(data, path)[1]))


def check_files(paths: Iterable[str]) -> Iterator[FileResult]:
    """Check files and folders (recursing into ``*.json``); the validator is built once.

    Raises `ToolError` for a path that does not exist, before checking anything.
    """
    for path in list(expand(paths)):
        yield check_file(path)


def format_bytes(data: bytes, source: str = "<input>") -> bytes:
    """The canonical bytes of a JSON record; only strict JSON reading must succeed."""
    value, _ = json_.parse(data, source)
    return canonical_bytes(value)
