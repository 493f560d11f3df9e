"""Problems are values, not exceptions: each carries a rule id and a location.

Plain named tuples rather than dataclasses: they sort by place for free, and
importing `dataclasses` alone would add a noticeable share to start-up.

A validation run collects every problem it can find in a file and hands them
back together, so a user fixes a file once rather than once per error.
Exceptions (see `errors`) are reserved for the moments the library must stop.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from typing import NamedTuple

from visitexport.limits import MAX_LISTED, MAX_QUOTED, MAX_REPORTED

__all__ = ["MORE", "FileResult", "Problem", "capped", "escape_pointer", "listed", "nearest", "pointer_of", "shown"]


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


#: The rule id of the note that ends a list of problems cut at MAX_REPORTED.
MORE = "problems.more"


def capped(problems: list[Problem]) -> list[Problem]:
    """`problems`, at most MAX_REPORTED of them; past that the first ones and a note counting the rest."""
    if len(problems) <= MAX_REPORTED:
        return problems
    left = len(problems) - (MAX_REPORTED - 1)
    note = Problem(0, 0, "", MORE, f"{left:,} more problems not listed: at most {MAX_REPORTED} are, per file")
    return [*problems[: MAX_REPORTED - 1], note]


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


# What a terminal would act on or not show: C0 and C1 controls, DEL, format characters
# (zero-width and bidirectional marks), line and paragraph separators, spaces other than
# U+0020, private-use, unassigned and surrogate code points. str.isprintable() is exactly
# this set; the backslash is escaped too, so an escape in a message is never ambiguous.
_NAMED = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def shown(text: str, limit: int = MAX_QUOTED, *, escape: bool = True, backslash: bool = True) -> str:
    """`text` fit to quote in a message: what a terminal would act on or hide escaped
    (``\\r``, ``\\x7f``, ``\\u009f``, ``\\u200b``, a lone surrogate as ``\\udc80``),
    cut after `limit` characters with a count of the characters left out.

    `backslash=False` leaves backslashes alone (for a finished message whose quoted
    values are escaped already), `escape=False` only cuts (for JSON, which escapes
    by itself). The cost is bounded by `limit`, not by the length of `text`: a
    60 MB value is quoted as quickly as a short one.
    """
    head = text[:limit]
    if len(text) <= limit and (not escape or (head.isprintable() and not (backslash and "\\" in head))):
        return text  # the usual case, and every message visitexport writes itself
    pieces: list[str] = []
    size = 0
    for char in head:
        plain = not escape or (char.isprintable() and not (backslash and char == "\\"))
        piece = char if plain else _escape(char)
        if size + len(piece) > limit:  # cut at a character, never inside an escape
            break
        pieces.append(piece)
        size += len(piece)
    left = len(text) - len(pieces)
    return "".join(pieces) if left == 0 else f"{''.join(pieces)}… ({left:,} more characters)"


def listed(names: Sequence[str]) -> str:
    """Names for a message, each escaped and cut by `shown`: the first MAX_LISTED, then how many more."""
    head = ", ".join(shown(name) for name in names[:MAX_LISTED])
    return head if len(names) <= MAX_LISTED else f"{head} and {len(names) - MAX_LISTED:,} more"
