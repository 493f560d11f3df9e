"""Strict JSON reading, and finding where in the text a value lies.

Python's `json` module accepts things a record must not contain: duplicate keys
(the last one silently wins), NaN and Infinity, lone surrogates written as
``\\ud800`` escapes. `parse` refuses all of them, and invalid UTF-8, a byte
order mark and nesting too deep for the parser, each as a `Problem` with a
line and column. Nesting deeper than `MAX_DEPTH` is refused by validation,
which checks it only where a record can nest or once it is known to be
invalid, so clean records do not pay for a second walk.

Canonical files take a fast path through orjson (see `parse`); others go
through the standard library's C parser with two cheap hooks; the slow,
pure-Python `scan` runs only after something went wrong, to say where.
"""

from __future__ import annotations

import json
import math
import re
import sys
from bisect import bisect_right
from decimal import Decimal
from typing import Any

import orjson

from visitexport.errors import InvalidRecordError
from visitexport.limits import MAX_BYTES, MAX_DEPTH
from visitexport.problems import Problem, escape_pointer

__all__ = [
    "Locator",
    "Scan",
    "parse",
    "printable",
    "python_problems",
    "scan",
    "too_deep",
]


class _DuplicateKey(Exception):
    pass


class _BadConstant(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _DuplicateKey
    return obj


def _constant(name: str) -> Any:
    raise _BadConstant(name)


def _float(token: str) -> float:
    if _inexact(token):
        raise _BadConstant(token)
    return float(token)


def _inexact(token: str) -> bool:
    """Whether a number with a fraction or exponent would not read back as written.

    1e400 would become Infinity, 1e-400 zero, 1.00000000000000000001 one:
    a record must never change a value on the way through.
    """
    number = float(token)
    return math.isinf(number) or Decimal(token) != Decimal(repr(number))


def _max_int_digits() -> int:
    # Python refuses to convert longer integers from text (0: no limit).
    limit: int = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    return limit


def _unreadable_number(token: str) -> str | None:
    """Why a number token cannot be kept exactly, if it cannot."""
    if token.endswith(("NaN", "Infinity")):
        return "NaN and Infinity are not JSON; write a number or leave the field out"
    if token in ("true", "false", "null"):
        return None
    if "." in token or "e" in token or "E" in token:
        return "a number that cannot be kept exactly (it would read back as another value)" if _inexact(token) else None
    digits = len(token.lstrip("-"))
    limit = _max_int_digits()
    if limit and digits > limit:
        return f"an integer of {digits:,} digits is too long to read"
    return None


def printable(text: str) -> str:
    """`text` with any lone surrogate written as a \\udxxx escape, so it can be printed as UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class Locator:
    """Turns character offsets into 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def parse(data: bytes, source: str = "<input>") -> tuple[Any, str]:
    """Parse one JSON document strictly; return the value and the decoded text.

    Raises `InvalidRecordError` with every problem found in the text.
    """
    if len(data) > MAX_BYTES:
        raise InvalidRecordError(
            source,
            [Problem(1, 1, "", "json.size", f"file is larger than the limit of {MAX_BYTES:,} bytes")],
        )
    if data.startswith(b"\xef\xbb\xbf"):
        raise InvalidRecordError(
            source,
            [Problem(1, 1, "", "json.encoding", "file starts with a UTF-8 byte order mark; save it without one")],
        )
    # Fast path for canonical files, the usual case in a repository that runs
    # `visitexport fmt`: orjson already refuses NaN, invalid UTF-8 and lone
    # surrogates, and if writing the parsed value back gives the very same bytes,
    # the text cannot have held a duplicate key (it would have been lost).
    try:
        if orjson.dumps(value := orjson.loads(data), option=orjson.OPT_INDENT_2) + b"\n" == data:
            return value, data.decode("utf-8")
    except (orjson.JSONDecodeError, orjson.JSONEncodeError, RecursionError):
        pass  # the careful path below says what is wrong, if anything
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        raise InvalidRecordError(
            source,
            [
                Problem(
                    line,
                    column,
                    "",
                    "json.encoding",
                    f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); records are UTF-8",
                )
            ],
        ) from None
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float)
    except json.JSONDecodeError as exc:
        where = scan(text).inside
        message = exc.msg.removesuffix(" at")  # "Invalid control character at" says where in its position
        raise InvalidRecordError(
            source, [Problem(exc.lineno, exc.colno, where, "json.syntax", f"invalid JSON: {message}")]
        ) from None
    except (_DuplicateKey, _BadConstant, RecursionError, ValueError):
        # ValueError: an integer too long for Python to convert (over 4,300 digits).
        found = _scan_problems(text) or [Problem(1, 1, "", "json.syntax", "invalid JSON")]
        raise InvalidRecordError(source, found) from None
    # A lone surrogate can only come from a \\uD800-\\uDFFF escape: raw ones
    # cannot survive strict UTF-8 decoding. Most records have no such escape.
    if ("\\ud" in text or "\\uD" in text) and (problems := _scan_problems(text)):
        raise InvalidRecordError(source, problems)
    return value, text


class Scan:
    """What `scan` found: value positions by pointer, and the problems it met."""

    def __init__(self) -> None:
        self.positions: dict[str, int] = {}
        self.key_positions: dict[str, int] = {}
        self.duplicates: list[tuple[str, int]] = []
        self.constants: list[tuple[str, int, str]] = []  # with the reason
        self.surrogates: list[tuple[str, int]] = []
        self.too_deep: tuple[str, int] | None = None
        self.inside = ""


_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')
_SCALAR = re.compile(r"-?Infinity|NaN|true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _lone_surrogate(token: str) -> bool:
    try:
        json.loads(token).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class _Frame:
    __slots__ = ("index", "is_object", "keys", "pointer")

    def __init__(self, pointer: str, is_object: bool) -> None:
        self.pointer = pointer
        self.is_object = is_object
        self.index = 0
        self.keys: set[str] = set()


def scan(text: str, max_depth: int = MAX_DEPTH) -> Scan:
    """Walk JSON text without recursion, recording where every value starts.

    Tolerant by design: it is used to explain failures, so it stops quietly at
    the first thing it cannot read and returns what it learned so far.
    """
    out = Scan()
    stack: list[_Frame] = []
    n = len(text)

    def skip(at: int) -> int:
        while at < n and text[at] in " \t\n\r":
            at += 1
        return at

    def slot(frame: _Frame, at: int) -> tuple[str, int] | None:
        """The pointer of the container's next value, and where that value starts."""
        if not frame.is_object:
            return f"{frame.pointer}/{frame.index}", at
        m = _STRING.match(text, at)
        if m is None:
            return None
        token = m.group()
        key = json.loads(token)
        child = f"{frame.pointer}/{escape_pointer(key)}"
        if _lone_surrogate(token):
            out.surrogates.append((child, at))
        if key in frame.keys:
            out.duplicates.append((child, at))
        frame.keys.add(key)
        out.key_positions.setdefault(child, at)
        at = skip(m.end())
        if not text.startswith(":", at):
            return None
        return child, skip(at + 1)

    def walk() -> None:
        found: tuple[str, int] | None = ("", skip(0))
        while found is not None and found[1] < n:
            pointer, pos = found
            out.positions.setdefault(pointer, pos)
            char = text[pos]
            if char in "{[":
                if len(stack) >= max_depth:
                    out.too_deep = (pointer, pos)
                    return
                frame = _Frame(pointer, char == "{")
                pos = skip(pos + 1)
                if not text.startswith("}" if frame.is_object else "]", pos):
                    stack.append(frame)
                    found = slot(frame, pos)
                    continue
                pos += 1
            else:
                m = (_STRING if char == '"' else _SCALAR).match(text, pos)
                if m is None:
                    return
                token = m.group()
                if char == '"' and "\\u" in token and _lone_surrogate(token):
                    out.surrogates.append((pointer, pos))
                elif char != '"' and (reason := _unreadable_number(token)):
                    out.constants.append((pointer, pos, reason))
                pos = m.end()
            # After a value: close finished containers, then move to the next slot.
            found = None
            while stack:
                pos = skip(pos)
                if pos >= n:
                    return
                if text[pos] == ",":
                    stack[-1].index += 1
                    found = slot(stack[-1], skip(pos + 1))
                    break
                if text[pos] != ("}" if stack[-1].is_object else "]"):
                    return
                stack.pop()
                pos += 1

    walk()
    # Where reading stopped: the container a syntax error sits in.
    out.inside = stack[-1].pointer if stack else ""
    return out


def _scan_problems(text: str) -> list[Problem]:
    found = scan(text)
    where = Locator(text)
    problems: list[Problem] = []

    def add(pointer: str, offset: int, rule: str, message: str) -> None:
        problems.append(Problem(*where.at(offset), printable(pointer), rule, message))

    for pointer, offset in found.duplicates:
        key = pointer.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
        add(
            pointer,
            offset,
            "json.duplicate-key",
            f"duplicate key {key!r}: each key may appear once per object",
        )
    for pointer, offset, reason in found.constants:
        add(pointer, offset, "json.constant", reason)
    for pointer, offset in found.surrogates:
        add(pointer, offset, "json.surrogate", SURROGATE)
    if found.too_deep is not None:
        pointer, offset = found.too_deep
        add(pointer, offset, "json.depth", f"nesting deeper than {MAX_DEPTH} levels")
    return sorted(problems)


def python_problems(value: Any) -> list[Problem]:
    """What a record built in Python can hold that no JSON file can: lone
    surrogates, integers too long to write, NaN and infinite floats.

    Parsed records cannot hold any of these (strict reading refuses them);
    the compiled schema engine would fail on or misjudge them.
    """
    # Every writer validates the record it is given, so this runs once per
    # conversion: orjson clears a clean record in a few microseconds (the walk
    # below takes near a millisecond on the seed). It refuses lone surrogates,
    # keys that are not text and integers past 64 bits, and writes NaN and
    # Infinity as null, which no valid record holds; anything it does not
    # clear is walked, to say what and where.
    try:
        if b"null" not in orjson.dumps(value):
            return []
    except (TypeError, orjson.JSONEncodeError):
        pass
    found: list[Problem] = []

    def check(pointer: str, item: Any) -> None:
        if isinstance(item, str) and _has_surrogate(item):
            found.append(Problem(0, 0, printable(pointer), "json.surrogate", SURROGATE))
        elif isinstance(item, float) and not math.isfinite(item):
            found.append(Problem(0, 0, pointer, "json.constant", "NaN and Infinity are not JSON"))
        elif isinstance(item, int) and not isinstance(item, bool) and item.bit_length() > _HUGE_BITS:
            found.append(Problem(0, 0, pointer, "json.constant", "an integer too long to write as JSON"))

    stack: list[tuple[str, Any]] = [("", value)]
    check("", value)
    while stack:
        pointer, item = stack.pop()
        pairs: Any = item.items() if isinstance(item, dict) else enumerate(item) if isinstance(item, list) else ()
        for key, child in pairs:
            here = f"{pointer}/{escape_pointer(str(key))}"
            if isinstance(key, str) and _has_surrogate(key):
                found.append(Problem(0, 0, printable(here), "json.surrogate", SURROGATE))
            check(here, child)
            stack.append((here, child))
    return sorted(found)


SURROGATE = "lone surrogate (U+D800-U+DFFF without its pair) cannot be stored as UTF-8"
# About 4,300 decimal digits: past this Python will not write an integer as text.
_HUGE_BITS = 14_000


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def too_deep(value: Any, limit: int = MAX_DEPTH) -> str | None:
    """The pointer of the first container nested deeper than `limit`, if any (no recursion)."""
    stack: list[tuple[str, Any, int]] = [("", value, 1)]
    while stack:
        pointer, item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.items()
        elif isinstance(item, list):
            children = enumerate(item)
        else:
            continue
        if depth > limit:
            return pointer
        stack.extend((f"{pointer}/{escape_pointer(str(k))}", v, depth + 1) for k, v in children)
    return None
