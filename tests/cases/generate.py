"""Write an invalid case's ``.expect`` from a marker in its text.

A case author breaks a copy of a valid record and puts a marker right before
the offending spot::

    "person": ⟪ref.unresolved a participant who is not among the people⟫"trembley",

Running ``python tests/cases/generate.py [FILES...]`` (every
``tests/cases/invalid/*.json`` when no file is given) removes the marker from
the file and writes ``NAME.expect`` beside it with the rule, the description,
the line and column where the marker stood, and the JSON Pointer of what the
marker stands before. ``--check`` prints what would be written and changes
nothing. Files without a marker are left alone.

Marker: ``⟪RULE [@POINTER] [DESCRIPTION]⟫``. ``⟪`` and ``⟫`` (U+27EA, U+27EB)
are not JSON syntax, so a marker cannot be mistaken for part of the record;
a case whose text needs them spells them ``\\u27ea`` and ``\\u27eb``. A file
holds at most one marker, on one line. Without a description the existing
``.expect``'s description is kept. ``@POINTER`` overrides the pointer when the
tool reports the problem somewhere other than the marked spot (``@`` alone is
the whole document).

What the marker stands before gives the pointer:

- a value (in an object or an array, or the string or number it sits inside):
  that value;
- a key: the member it names (unknown properties and duplicate keys are
  reported there);
- anything else (a comma, a colon, a closing bracket, spaces): the innermost
  container, where syntax errors are reported.

The pointer comes from this file's own tolerant walk over the bytes, never from
visitexport: the expectation must not be derived from the tool under test. The
walk works on bytes so that cases holding invalid UTF-8, a byte order mark,
``NaN`` or a trailing comma can be marked like any other.

Line and column are 1-based, lines end at ``\\n`` and the column counts
characters, an undecodable byte sequence as one, as visitexport's JSON reader
counts them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

OPEN = "⟪".encode()
CLOSE = "⟫".encode()
INVALID = Path(__file__).resolve().parent / "invalid"

_BODY = re.compile(r"(?P<rule>[a-z]+(?:\.[A-Za-z0-9-]+)+)(?: @(?P<pointer>\S*))?(?: (?P<description>\S.*))?")
_SPACE = frozenset(b" \t\r\n")
_STRUCTURE = frozenset(b"{}[]:,")


class MarkerError(ValueError):
    """A marker the generator cannot read; the file is left as it is."""


@dataclass(frozen=True)
class Expectation:
    description: str
    rule: str
    pointer: str
    line: int
    column: int

    def to_bytes(self) -> bytes:
        fields = {
            "description": self.description,
            "rule": self.rule,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
        }
        return (json.dumps(fields, indent=2, ensure_ascii=False) + "\n").encode()


@dataclass(frozen=True)
class Marker:
    start: int  # byte offset of the marker, and of the marked spot once it is removed
    end: int
    rule: str
    pointer: str | None
    description: str | None


def find_marker(data: bytes) -> Marker | None:
    """The one marker in `data`, or None when there is none."""
    start = data.find(OPEN)
    if start < 0:
        if CLOSE in data:
            raise MarkerError("a ⟫ without its ⟪")
        return None
    if data.count(OPEN) > 1:
        raise MarkerError("more than one marker; a case breaks one thing")
    close = data.find(CLOSE, start)
    if close < 0 or b"\n" in data[start:close]:
        raise MarkerError("a ⟪ without its ⟫ on the same line")
    try:
        body = data[start + len(OPEN) : close].decode("utf-8")
    except UnicodeDecodeError:
        raise MarkerError("a marker that is not UTF-8") from None
    match = _BODY.fullmatch(body)
    if match is None:
        raise MarkerError(f"cannot read the marker ⟪{body}⟫; write ⟪rule.id [@/pointer] [description]⟫")
    pointer = match["pointer"]
    if pointer not in (None, "") and not pointer.startswith("/"):
        raise MarkerError(f"{pointer!r} is not a JSON Pointer: write @ for the whole document, else start with /")
    return Marker(start, close + len(CLOSE), match["rule"], pointer, match["description"])


def position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset, the column in characters."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[line_start:offset].decode("utf-8", errors="replace")) + 1


def _escape(key: str) -> str:
    # Lone surrogates are written as \udxxx escapes, as visitexport prints them.
    key = key.encode("utf-8", "backslashreplace").decode("utf-8")
    return "/" + key.replace("~", "~0").replace("/", "~1")


def _key(token: bytes) -> str:
    try:
        key: str = json.loads(token.decode("utf-8"))
    except ValueError:  # undecodable or badly escaped: the key as written
        return token[1:-1].decode("utf-8", errors="replace")
    return key


class _Container:
    __slots__ = ("expects", "index", "is_object", "key", "pointer")

    def __init__(self, pointer: str, is_object: bool) -> None:
        self.pointer = pointer
        self.is_object = is_object
        self.index = 0
        self.key = ""
        # What may come next: "key", "colon" or "value", or "" after a value.
        self.expects = "key" if is_object else "value"

    def slot(self) -> str:
        """The pointer of a value that starts here (the container's own when none is due)."""
        if self.expects != "value":
            return self.pointer
        return self.pointer + (_escape(self.key) if self.is_object else f"/{self.index}")


def _token_end(data: bytes, at: int) -> int:
    if data[at] in _STRUCTURE:
        return at + 1
    if data[at] == ord('"'):
        at += 1
        while at < len(data) and data[at] != ord('"'):
            at += 2 if data[at] == ord("\\") else 1
        return min(at + 1, len(data))
    while at < len(data) and data[at] not in _SPACE and data[at] not in _STRUCTURE and data[at] != ord('"'):
        at += 1
    return at


def pointer_at(data: bytes, offset: int) -> str:
    """The JSON Pointer of what starts at (or contains) byte `offset` of `data`, by the rules above.

    Tolerant: NaN, a trailing comma or a stray byte only need to be stepped over.
    """
    stack: list[_Container] = []
    at = 0
    while at < len(data):
        if data[at] in _SPACE:
            if at == offset:
                break  # nothing starts here: the container
            at += 1
            continue
        end = _token_end(data, at)
        char = data[at]
        top = stack[-1] if stack else None
        if at <= offset < end:
            if top is None:
                return ""
            if char == ord('"') and top.is_object and top.expects == "key":
                return top.pointer + _escape(_key(data[at:end]))
            return top.slot() if char not in _STRUCTURE or char in b"{[" else top.pointer
        if top is None:
            if char in b"{[":
                stack.append(_Container("", char == ord("{")))
        elif char in b"{[":
            stack.append(_Container(top.slot(), char == ord("{")))
        elif char in b"}]":
            stack.pop()
            if stack:
                stack[-1].expects = ""
        elif char == ord(":"):
            top.expects = "value"
        elif char == ord(","):
            top.index += 1
            top.expects = "key" if top.is_object else "value"
        elif char == ord('"') and top.is_object and top.expects == "key":
            top.key = _key(data[at:end])
            top.expects = "colon"
        else:
            top.expects = ""
        at = end
    return stack[-1].pointer if stack else ""


def expectation(data: bytes, previous: str = "") -> tuple[bytes, Expectation] | None:
    """The case's bytes without its marker, and what the marker says, or None without one.

    `previous` is the description kept when the marker gives none.
    """
    marker = find_marker(data)
    if marker is None:
        return None
    clean = data[: marker.start] + data[marker.end :]
    pointer = pointer_at(clean, marker.start) if marker.pointer is None else marker.pointer
    line, column = position(clean, marker.start)
    description = previous if marker.description is None else marker.description
    return clean, Expectation(description, marker.rule, pointer, line, column)


def generate(path: Path, check: bool = False) -> Expectation | None:
    """Remove the marker from the case at `path` and write its ``.expect``, unless `check`."""
    target = path.with_suffix(".expect")
    previous = ""
    if target.exists():
        previous = str(json.loads(target.read_bytes()).get("description", ""))
    found = expectation(path.read_bytes(), previous)
    if found is None:
        return None
    clean, expect = found
    if not check:
        # The .expect first: if writing the case failed, its marker is still there to run again.
        target.write_bytes(expect.to_bytes())
        path.write_bytes(clean)
    return expect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("files", nargs="*", type=Path, help="cases to read (default: every invalid case)")
    parser.add_argument("--check", action="store_true", help="print what would be written; change nothing")
    args = parser.parse_args(argv)
    files: list[Path] = args.files or sorted(INVALID.glob("*.json"))
    marked = failed = 0
    for path in files:
        try:
            expect = generate(path, check=args.check)
        except (ValueError, OSError) as exc:  # a bad marker, or an .expect that is not JSON
            print(f"{path}: {exc}", file=sys.stderr)
            failed += 1
            continue
        if expect is None:
            continue
        marked += 1
        target = path.with_suffix(".expect")
        if args.check:
            print(f"{target} would be:\n{expect.to_bytes().decode()}", end="")
        else:
            print(f"{target}: {expect.rule} at {expect.line}:{expect.column} {expect.pointer or '(document)'}")
    if failed:
        return 2
    # Under --check a marker still in a file is work left undone, as in `ruff format --check`.
    return 1 if args.check and marked else 0


if __name__ == "__main__":
    sys.exit(main())
