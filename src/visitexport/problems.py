"""Problems are values, not exceptions: each carries a rule id and a location.

Plain named tuples rather than dataclasses: they sort by place for free, and
importing `dataclasses` alone would add a noticeable share to start-up.

A validation run collects every problem it can find in a file and hands them
back together, so a user fixes a file once rather than once per error.
Exceptions (see `errors`) are reserved for the moments the library must stop.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from typing import NamedTuple

__all__ = ["FileResult", "Problem", "escape_pointer", "nearest", "pointer_of"]


class Problem(NamedTuple):
    """One thing wrong with a record.

    `line` and `column` are 1-based and point at the offending value in the
    file as written; both are 0 when the problem has no place in the text
    (the file could not be read at all). `pointer` is the RFC 6901 JSON
    Pointer of the offending value ("" for the whole document). `rule` is a
    stable id such as ``json.duplicate-key``, ``schema.required`` or
    ``ref.unresolved`` that scripts can match on. `place` names the spot in
    a format without lines, such as a workbook cell (``People!C4``); it is
    "" where line and column say it.
    """

    line: int
    column: int
    pointer: str
    rule: str
    message: str
    place: str = ""

    def as_dict(self) -> dict[str, object]:
        return dict(self._asdict())


class FileResult(NamedTuple):
    """The outcome of checking one file: its problems, or why it could not be read."""

    path: str
    problems: tuple[Problem, ...] = ()
    error: str | None = None

    @property
    def valid(self) -> bool:
        return self.error is None and not self.problems


def escape_pointer(token: str) -> str:
    """One reference token of an RFC 6901 JSON Pointer: ``~`` as ``~0``, ``/`` as ``~1``."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer_of(path: Iterable[object]) -> str:
    """The JSON Pointer of a path of keys and indexes (``("people", 0, "name")`` is ``/people/0/name``)."""
    return "".join(f"/{escape_pointer(str(step))}" for step in path)


def nearest(at: str, known: Container[str]) -> str:
    """`at`, or its nearest ancestor among `known` ("" when none is): where a format can place a problem."""
    while at and at not in known:
        at = at.rsplit("/", 1)[0]
    return at
