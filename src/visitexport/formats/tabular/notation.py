"""How layout values that a bare cell would lose or hide are written in one cell of text, and read back.

Three notations, all exact both ways (the reader gives back what the writer was given):

- **Quoted text**, for layout texts (a ``gap``, ``joined``): the text between
  double quotes, so spaces, tabs and the empty text are visible: ``""``,
  ``"  "``, ``"\\t"``. Inside the quotes ``\\t`` is a tab, ``\\"`` a quote,
  ``\\\\`` a backslash, ``\\uXXXX`` any character; a spreadsheet's typographic
  quotes (LibreOffice turns ``"`` into ``“`` and ``”`` as one types) are taken
  for straight ones around the text.
- **Entries**, for a list of small objects led by a number (a part's
  ``lines``, a table's ``gaps`` and ``rules``): one entry per line of the
  cell, its leading number first, then ``key=value`` for each other property
  it has, in the schema's order: texts quoted as above, numbers and words
  (an enumeration's values) bare, lists of texts in brackets::

      0 indent="" ending=crlf
      2 trailing="\\t"
      0 gaps=["| ", " | ", " |"]

  Empty lines are ignored.
- **Line breaks** in a text (a part's ``breaks``: its nth space printed as a
  line break): the text itself, with a line break in the cell where it broke.

Everything that is not one of these forms is refused with a `NotationError`
saying what was expected; what the forms hold is then validated like any other
value.
"""

from __future__ import annotations

import re
from typing import Any

from visitexport import breaks as breaks_of

__all__ = [
    "NotationError",
    "join_breaks",
    "quote",
    "read_entries",
    "split_breaks",
    "unquote",
    "write_entries",
]

_OPENING = {'"': '"', "\u201c": '\u201d\u201c"', "\u201d": '\u201d\u201c"', "\u201e": '\u201d\u201c"'}
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\", '"': '"', "\u201c": "\u201c", "\u201d": "\u201d"}
_WRITTEN = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f-\x9f]')
#: What ends a run of plain characters inside quotes: a backslash or a closing quote.
_SPECIAL = {closing: re.compile("[\\\\" + re.escape(closing) + "]") for closing in set(_OPENING.values())}
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_WORD = re.compile(r"[A-Za-z0-9_.+-]+")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_NUMBER = re.compile(r"-?[0-9]+")
_BLANK = " \t"
_LIST_WORD = re.compile(r"[^\s,\]]+")
_FIRST = re.compile(r"[ \t]*([0-9]+)(?=[ \t]|$)")
_GAP = re.compile(r"[ \t]*")
_TOKEN = re.compile(r"[^ \t]+")
BACKSLASH = "\\"
_KNOWN_ESCAPES = r"\t a tab, \" a quote, \\ a backslash"
EXAMPLE_QUOTED = '"" for none, "  " for two spaces, "\\t" for a tab'


class NotationError(ValueError):
    """A cell that is not in the notation its column takes; the message says what was expected."""


# --- quoted text --------------------------------------------------------------------------


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _WRITTEN.get(char) or f"\\u{ord(char):04x}"


def quote(value: str) -> str:
    """`value` between double quotes, its tabs, quotes and backslashes escaped."""
    return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'


def _quoted_at(text: str, start: int) -> tuple[str, int]:
    """The quoted text starting at `start`, and where it ends."""
    closing = _OPENING.get(text[start]) if start < len(text) else None
    if closing is None:
        raise NotationError(f"expected a text in double quotes ({EXAMPLE_QUOTED})")
    special = _SPECIAL[closing]
    out: list[str] = []
    at = start + 1
    while (found := special.search(text, at)) is not None:
        out.append(text[at : found.start()])
        at = found.start()
        if text[at] != "\\":
            return "".join(out), at + 1
        escape = text[at + 1 : at + 2]
        if escape == "u" and _HEX4.fullmatch(text, at + 2, at + 6):
            out.append(chr(int(text[at + 2 : at + 6], 16)))
            at += 6
        elif escape in _ESCAPES:
            out.append(_ESCAPES[escape])
            at += 2
        else:
            raise NotationError(f"unknown escape {BACKSLASH + escape!r} in quotes ({_KNOWN_ESCAPES})")
    raise NotationError("a quote is not closed")


def unquote(text: str) -> str:
    """The text a `quote`d cell holds; anything but one quoted text (surrounding spaces aside) is refused."""
    start = len(text) - len(text.lstrip(_BLANK))
    value, end = _quoted_at(text, start)
    if text[end:].strip(_BLANK):
        raise NotationError(f"only one text in double quotes ({EXAMPLE_QUOTED}), nothing after it")
    return value


# --- entries ---------------------------------------------------------------------------------


def _value(value: Any, word: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(quote(v) if isinstance(v, str) else _value(v, False) for v in value) + "]"
    if word and isinstance(value, str) and _WORD.fullmatch(value):
        return value
    return quote(str(value))


def write_entries(entries: list[dict[str, Any]], keys: list[str], words: set[str]) -> str:
    """`entries` one per line: the value of `keys[0]` bare, then ``key=value`` (bare for `words`)."""
    lines = []
    for entry in entries:
        first = keys[0]
        parts = [_value(entry.get(first), True)]
        parts += [f"{key}={_value(entry[key], key in words)}" for key in keys[1:] if key in entry]
        # A key the schema does not have (not in a valid record) is written too, rather than lost.
        parts += [f"{key}={_value(value, False)}" for key, value in entry.items() if key not in keys]
        lines.append(" ".join(parts))
    return "\n".join(lines)


def _bare(token: str) -> Any:
    if _NUMBER.fullmatch(token):
        return int(token)
    if token in ("true", "false"):
        return token == "true"
    return token


def _list_at(text: str, start: int) -> tuple[list[Any], int]:
    out: list[Any] = []
    at = start + 1
    while True:
        while at < len(text) and text[at] in _BLANK:
            at += 1
        if at < len(text) and text[at] == "]" and not out:
            return out, at + 1
        if at < len(text) and text[at] in _OPENING:
            value, at = _quoted_at(text, at)
            out.append(value)
        else:
            match = _LIST_WORD.match(text, at)
            if match is None:
                raise NotationError('a list is ["a", "b"]: texts in quotes, separated by commas')
            out.append(_bare(match.group()))
            at = match.end()
        while at < len(text) and text[at] in _BLANK:
            at += 1
        if at < len(text) and text[at] == ",":
            at += 1
            continue
        if at < len(text) and text[at] == "]":
            return out, at + 1
        raise NotationError('a list is ["a", "b"]: texts in quotes, separated by commas, closed by ]')


def _entry(line: str, keys: list[str]) -> dict[str, Any]:
    first = _FIRST.match(line)
    if first is None:
        raise NotationError(f"each line starts with its {keys[0]} (a number)")
    entry: dict[str, Any] = {keys[0]: int(first.group(1))}
    at = first.end()
    while True:
        gap = _GAP.match(line, at)
        at = gap.end() if gap else at
        if at >= len(line):
            return entry
        if gap is None or gap.end() == gap.start():
            raise NotationError("key=value pairs are separated by spaces")
        match = _KEY.match(line, at)
        if match is None:
            raise NotationError(f"expected key=value (keys: {', '.join(keys[1:])}), not {line[at : at + 20]!r}")
        key = match.group(1)
        if key not in keys[1:]:
            raise NotationError(f"unknown key {key!r} (keys: {', '.join(keys[1:])})")
        if key in entry:
            raise NotationError(f"{key} is given twice on one line")
        at = match.end()
        if at < len(line) and line[at] in _OPENING:
            entry[key], at = _quoted_at(line, at)
        elif at < len(line) and line[at] == "[":
            entry[key], at = _list_at(line, at)
        else:
            token = _TOKEN.match(line, at)
            if token is None:
                raise NotationError(f"{key}= has no value")
            entry[key], at = _bare(token.group()), token.end()


def read_entries(text: str, keys: list[str]) -> list[dict[str, Any]]:
    """The entries a `write_entries` cell holds, one per non-empty line."""
    out = []
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.removesuffix("\r")
        if not line.strip(_BLANK):
            continue
        try:
            out.append(_entry(line, keys))
        except NotationError as error:
            raise NotationError(f"line {number}: {error}") from None
    if not out:
        raise NotationError(f"no entries (one per line, such as 0 {keys[-1]}=...)")
    return out


# --- line breaks -----------------------------------------------------------------------------


def split_breaks(text: str, breaks: list[int] | None) -> str:
    """`text` with its spaces numbered in `breaks` (from 1) turned into line breaks."""
    return "\n".join(breaks_of.split(text, breaks))


def join_breaks(text: str) -> tuple[str, list[int]]:
    """The text of a cell with line breaks, and which of its spaces (from 1) the breaks were."""
    return breaks_of.join(text.replace("\r\n", "\n").split("\n"))
