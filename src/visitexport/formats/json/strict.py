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

Explaining a problem costs memory bounded by a constant beyond the text, not
by the length of a string, a number or a run of white space in it: the scan
finds where a string ends with regular expressions of one character class
(which keep no state per character) over windows of bounded size, never copies
a value, and decodes only keys. Where it must hold text, a long key costs
one copy, however many values lie below it: positions are kept as a tree of
keys, and pointers are spelt out only for what is reported, at most
`MAX_REPORTED` problems and `_POINTER_ROOM` characters of pointers.
"""

from __future__ import annotations

import codecs
import json
import math
import re
import sys
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import orjson

from visitexport.errors import InvalidRecordError
from visitexport.limits import MAX_DEPTH, MAX_JSON_BYTES, MAX_REPORTED, MAX_VALUES, RAISE_HINT
from visitexport.problems import Problem, escape_pointer, pointer_of, shown

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
    if _inexact(token, 0, len(token)):
        raise _BadConstant(token)
    return float(token)


# A number's parts, as spans: the whole part, the fraction, the exponent's sign and its digits after leading zeros.
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([-+]?)0*([0-9]+))?")
_NONZERO = re.compile("[1-9]")
_LAST_NONZERO = re.compile("[1-9]0*$")
# The most significant digits of a float's shortest spelling (repr): a number
# written with more cannot read back as written.
_FLOAT_DIGITS = 17
# An exponent of more digits is past anything the digits before it can make up for.
_EXPONENT_DIGITS = 18
# A number whose last significant digit stands past 10**400 is infinite as a float,
# one whose last digit stands below 10**-400 is zero: neither reads back.
_FLOAT_SCALE = 400


def _inexact(text: str, start: int, end: int) -> bool:
    """Whether the number in `text[start:end]`, with a fraction or exponent, would not read back as written.

    1e400 would become Infinity, 1e-400 zero, 1.00000000000000000001 one:
    a record must never change a value on the way through. The number is
    judged by its significant digits and scale, spelt short before float and
    Decimal see it: fifty million digits cost neither a copy nor a Decimal
    of fifty million digits.
    """
    m = _NUMBER.fullmatch(text, start, end)
    if m is None:
        raise ValueError("not a JSON number")
    parts = [m.span(1)] if m.start(2) < 0 else [m.span(1), m.span(2)]
    firsts = [found.start() for a, b in parts if (found := _NONZERO.search(text, a, b))]
    if not firsts:
        return False  # zero, however it is spelt, reads back as zero
    first = firsts[0]
    last = [found.start() for a, b in parts if (found := _LAST_NONZERO.search(text, a, b))][-1]
    point_between = m.start(2) >= 0 and first < m.start(2) <= last
    if last - first + 1 - point_between > _FLOAT_DIGITS:
        return True
    digits = text[first : last + 1].replace(".", "")
    # The power of ten of the last significant digit, before the exponent.
    shift = m.end(1) - 1 - last if last < m.end(1) else m.start(2) - 1 - last
    exponent = 0
    if m.start(4) >= 0:
        if m.end(4) - m.start(4) > _EXPONENT_DIGITS:
            return True
        exponent = int(text[m.start(4) : m.end(4)]) * (-1 if m.group(3) == "-" else 1)
    scale = exponent + shift
    if not -_FLOAT_SCALE <= scale <= _FLOAT_SCALE:
        return True
    short = f"{'-' if text[start] == '-' else ''}{digits}e{scale}"
    number = float(short)
    return math.isinf(number) or Decimal(short) != Decimal(repr(number))


def _max_int_digits() -> int:
    # Python refuses to convert longer integers from text (0: no limit).
    limit: int = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    return limit


# The tokens of `_SCALAR` that are not numbers are at most this long.
_WORD = len("-Infinity")


def _unreadable_number(text: str, start: int, end: int) -> str | None:
    """Why the number token `text[start:end]` cannot be kept exactly, if it cannot."""
    word = text[start:end] if end - start <= _WORD else ""
    if word in ("NaN", "Infinity", "-Infinity"):
        return "NaN and Infinity are not JSON; write a number or leave the field out"
    if word in ("true", "false", "null"):
        return None
    if any(text.find(mark, start, end) >= 0 for mark in ".eE"):
        return (
            "a number that cannot be kept exactly (it would read back as another value)"
            if _inexact(text, start, end)
            else None
        )
    digits = end - start - text.startswith("-", start)
    limit = _max_int_digits()
    if limit and digits > limit:
        return f"an integer of {digits:,} digits is too long to read"
    return None


def printable(text: str) -> str:
    """`text` with any lone surrogate written as a \\udxxx escape, so it can be printed as UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


# Text is counted in blocks of this many characters: Locator keeps one count per
# block, and each answer counts within one block.
_BLOCK = 1 << 16


class Locator:
    """Turns character offsets into 1-based (line, column).

    It keeps the count of newlines before each block of text, not every line's
    start: fifty million newlines must not cost a list of fifty million offsets.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: list[int] = []  # newlines before each block
        self._last: list[int] = []  # the offset of the last of them, -1 if none
        lines, last = 0, -1
        for start in range(0, len(text) + 1, _BLOCK):
            self._lines.append(lines)
            self._last.append(last)
            lines += text.count("\n", start, start + _BLOCK)
            last = max(last, text.rfind("\n", start, start + _BLOCK))

    def at(self, offset: int) -> tuple[int, int]:
        block = min(offset // _BLOCK, len(self._lines) - 1)
        start = block * _BLOCK
        line = self._lines[block] + self._text.count("\n", start, offset) + 1
        newline = self._text.rfind("\n", start, offset)
        return line, offset - (newline if newline >= 0 else self._last[block])


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    # Characters are counted block by block: the line before a bad byte may be fifty megabytes long.
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    view = memoryview(data)
    characters = sum(
        len(decoder.decode(view[at : min(at + _BLOCK, offset)])) for at in range(line_start, offset, _BLOCK)
    )
    return data.count(b"\n", 0, offset) + 1, characters + 1


def parse(data: bytes, source: str = "<input>") -> tuple[Any, str]:
    """Parse one JSON document strictly; return the value and the decoded text.

    Raises `InvalidRecordError` with every problem found in the text (at most
    `MAX_REPORTED`, the first ones).
    """
    if len(data) > MAX_JSON_BYTES:
        raise InvalidRecordError(
            source,
            [
                Problem(
                    1,
                    1,
                    "",
                    "json.size",
                    f"file is larger than the limit of {MAX_JSON_BYTES:,} bytes for JSON; {RAISE_HINT}",
                )
            ],
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
    # orjson cannot survive running out of memory, and sets aside address space by
    # the value (384 MB to write 2.3 million one-letter texts, which then crashed
    # under a 512 MiB cap): only a text of few commas, so few values, takes it.
    try:
        if (
            data.count(b",") <= MAX_VALUES
            and orjson.dumps(value := orjson.loads(data), option=orjson.OPT_INDENT_2) + b"\n" == data
        ):
            return value, data.decode("utf-8")
    except (orjson.JSONDecodeError, orjson.JSONEncodeError, RecursionError):
        pass  # the careful path below says what is wrong, if anything
    value = None  # not held while the careful path builds its own
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
        where = scan(text, places=False).inside
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


_Token = str | int | None  # a key, an index, or None for the whole document


class _Tree:
    """Every value's place as a node under its parent's, by key or index: a key is held once, however deep below it."""

    def __init__(self) -> None:
        self.children: dict[tuple[int, str | int], int] = {}
        self.values: dict[int, int] = {}  # node -> where its value starts
        self.keys: dict[int, int] = {}  # node -> where its key starts

    def child(self, parent: int, token: str | int) -> int:
        # A repeated key is the same node: the first occurrence keeps its positions.
        return self.children.setdefault((parent, token), len(self.children) + 1)

    def node(self, pointer: str) -> int | None:
        """The node at `pointer`, None if the text holds no value there."""
        if not pointer:
            return 0
        if not pointer.startswith("/"):
            return None
        node = 0
        for part in pointer[1:].split("/"):
            token = part.replace("~1", "/").replace("~0", "~")
            step = self.children.get((node, token))
            if step is None and token.isdigit() and str(int(token)) == token:
                step = self.children.get((node, int(token)))
            if step is None:
                return None
            node = step
        return node

    def pointers(self) -> Iterator[tuple[str, int]]:
        """Every node's pointer: spelt out in full, so for tests and small texts only."""
        spelt = {0: ""}
        yield "", 0
        for (parent, token), node in self.children.items():  # a parent is always added before its children
            spelt[node] = f"{spelt[parent]}/{escape_pointer(str(token))}"
            yield spelt[node], node


class _Places(Mapping[str, int]):
    """Offsets by JSON Pointer, read from a `_Tree`."""

    def __init__(self, tree: _Tree, offsets: dict[int, int]) -> None:
        self._tree = tree
        self._offsets = offsets

    def __getitem__(self, pointer: str) -> int:
        node = self._tree.node(pointer)
        if node is None or node not in self._offsets:
            raise KeyError(pointer)
        return self._offsets[node]

    def __iter__(self) -> Iterator[str]:
        return (pointer for pointer, node in self._tree.pointers() if node in self._offsets)

    def __len__(self) -> int:
        return len(self._offsets)


class Scan:
    """What `scan` found: value and key positions by pointer, the problems it met, where it stopped."""

    def __init__(self) -> None:
        tree = _Tree()
        self.positions: Mapping[str, int] = _Places(tree, tree.values)
        self.key_positions: Mapping[str, int] = _Places(tree, tree.keys)
        self._tree = tree
        self.found: list[tuple[str, int, str, str]] = []  # pointer, offset, rule, message
        self.too_deep: tuple[str, int] | None = None
        self.inside = ""


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?Infinity|NaN|true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
# A string's body: characters other than a quote, a backslash or a control character,
# and escapes. Runs of characters are one character class (no state per character);
# the repeat around escapes keeps state per escape, so it is matched window by
# window. The paired body stops at a surrogate escape without its pair, the
# other reads on past one once the string is known to hold one.
_PLAIN = r'[^"\\\x00-\x1f]*'
_SIMPLE = r'\\(?:["\\/bfnrt]|u(?![dD][89a-fA-F])[0-9a-fA-F]{4})'
_PAIR = r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
_PAIRED_BODY = re.compile(f"{_PLAIN}(?:(?:{_SIMPLE}|{_PAIR}){_PLAIN})*")
_ANY_BODY = re.compile(rf'{_PLAIN}(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{{4}}){_PLAIN})*')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Array items that need no check: small integers, words and texts without escapes (or commas, so
# that commas count the items), each with its comma. A repeat of several characters: windowed too.
_PLAIN_ITEMS = re.compile(r'(?:[ \t\n\r]*(?:-?(?:0|[1-9][0-9]{0,15})|true|false|null|"[^"\\\x00-\x1f,]*")[ \t\n\r]*,)*')
# The window a string body is matched in, in characters; the longest thing the
# match looks at past a stop (a surrogate pair) is 12 characters.
_WINDOW = 1 << 12
_REACH = 12
# The characters of pointers the problems of one scan may spell out, beyond the
# first problem's: every problem below a 50 MB key would carry its own 50 MB pointer.
_POINTER_ROOM = 1 << 20


def _string_end(text: str, at: int) -> tuple[int, bool] | None:
    """Where the string whose quote is at `at` ends (past its closing quote), and
    whether it holds a lone surrogate escape; None if it is not a JSON string."""
    body, lone, pos, n = _PAIRED_BODY, False, at + 1, len(text)
    while True:
        window = min(pos + _WINDOW, n)
        stop = body.match(text, pos, window).end()  # type: ignore[union-attr]  # a body may be empty
        if window < n and stop + _REACH >= window:
            pos = stop  # the window may have cut an escape or a pair: read on from here
        elif text.startswith('"', stop):
            return stop + 1, lone
        elif body is _PAIRED_BODY and _SURROGATE_ESCAPE.match(text, stop):
            body, lone, pos = _ANY_BODY, True, stop + 6
        else:
            return None


def _pointer_length(token: _Token) -> int:
    """How many characters `token` adds to a pointer."""
    if token is None:
        return 0
    if isinstance(token, int):
        return 1 + len(str(token))
    return 1 + len(token) + token.count("~") + token.count("/")


def _past_plain_items(text: str, at: int) -> tuple[int, int]:
    """Past the run of array items from `at` that need no check, and how many there are."""
    start, n = at, len(text)
    while (end := _PLAIN_ITEMS.match(text, at, min(at + _WINDOW, n)).end()) > at:  # type: ignore[union-attr]
        at = end
    return at, text.count(",", start, at)  # one comma ends each item, and none is inside one


class _Frame:
    __slots__ = ("index", "is_object", "keys", "length", "node", "token")

    def __init__(self, token: _Token, length: int, node: int, is_object: bool) -> None:
        self.token = token
        self.length = length  # of its pointer
        self.node = node
        self.is_object = is_object
        self.index = 0
        self.keys: set[str] = set()


# A slot: the token of a value, its node, and where the value starts.
_Slot = tuple[_Token, int, int]


def scan(text: str, max_depth: int = MAX_DEPTH, *, places: bool = True, until_full: bool = False) -> Scan:
    """Walk JSON text without recursion, recording where every value and key starts
    (unless `places` is False) and what strict reading refuses.

    Tolerant by design: it is used to explain failures, so it stops quietly at
    the first thing it cannot read and returns what it learned so far. With
    `until_full` it stops once `MAX_REPORTED` problems are found, which are
    then the first in the text; `inside` and `too_deep` mean nothing then.
    """
    out = Scan()
    tree = out._tree
    stack: list[_Frame] = []
    n = len(text)
    room = _POINTER_ROOM

    def skip(at: int) -> int:
        return _SPACE.match(text, at).end()  # type: ignore[union-attr]  # matches the empty string

    def pointer(token: _Token) -> str:
        return pointer_of(t for t in (*(frame.token for frame in stack), token) if t is not None)

    def note(token: _Token, offset: int, rule: str, message: str) -> None:
        """A problem at the value or key `token` of the innermost container."""
        nonlocal room
        length = (stack[-1].length if stack else 0) + _pointer_length(token)
        if len(out.found) >= MAX_REPORTED or (out.found and length > room):
            return
        room -= length
        out.found.append((pointer(token), offset, rule, message))

    def slot(frame: _Frame, at: int) -> _Slot | None:
        """The container's next value: its token and node, and where it starts."""
        if not frame.is_object:
            return frame.index, tree.child(frame.node, frame.index) if places else 0, at
        if not text.startswith('"', at):
            return None
        try:
            decoded = _DECODER.raw_decode(text, at)  # keys are needed as text: one copy each
        except ValueError:
            return None
        key: str = decoded[0]
        if _has_surrogate(key):
            note(key, at, "json.surrogate", SURROGATE)
        if key in frame.keys:
            note(key, at, "json.duplicate-key", f"duplicate key '{shown(key)}': each key may appear once per object")
        frame.keys.add(key)
        node = 0
        if places:
            node = tree.child(frame.node, key)
            tree.keys.setdefault(node, at)
        at = skip(decoded[1])
        if not text.startswith(":", at):
            return None
        return key, node, skip(at + 1)

    def walk() -> None:
        found: _Slot | None = (None, 0, skip(0))
        while found is not None and found[2] < n and not (until_full and len(out.found) >= MAX_REPORTED):
            token, node, pos = found
            if places:
                tree.values.setdefault(node, pos)
            char = text[pos]
            if char in "{[":
                if len(stack) >= max_depth:
                    out.too_deep = (pointer(token), pos)
                    return
                length = (stack[-1].length if stack else 0) + _pointer_length(token)
                frame = _Frame(token, length, node, char == "{")
                pos = skip(pos + 1)
                if not text.startswith("}" if frame.is_object else "]", pos):
                    stack.append(frame)
                    found = slot(frame, pos)
                    continue
                pos += 1
            elif char == '"':
                read = _string_end(text, pos)
                if read is None:
                    return
                if read[1]:
                    note(token, pos, "json.surrogate", SURROGATE)
                pos = read[0]
            else:
                m = _SCALAR.match(text, pos)
                if m is None:
                    return
                if char not in "tfn" and (reason := _unreadable_number(text, pos, m.end())):
                    note(token, pos, "json.constant", reason)
                pos = m.end()
            # After a value: close finished containers, then move to the next slot.
            found = None
            while stack:
                pos = skip(pos)
                if pos >= n:
                    return
                frame = stack[-1]
                if text[pos] == ",":
                    frame.index += 1
                    pos = skip(pos + 1)
                    if not places and not frame.is_object:
                        # Without places to record, items that need no check are passed over at C speed.
                        pos, passed = _past_plain_items(text, pos)
                        frame.index += passed
                        pos = skip(pos)
                    found = slot(frame, pos)
                    break
                if text[pos] != ("}" if frame.is_object else "]"):
                    return
                stack.pop()
                pos += 1

    walk()
    # Where reading stopped: the container a syntax error sits in.
    out.inside = pointer(None) if stack else ""
    return out


def _scan_problems(text: str) -> list[Problem]:
    """What strict reading refuses in `text`, each at its place: at most `MAX_REPORTED`, the first ones."""
    found = scan(text, places=False, until_full=True)
    where = Locator(text)
    problems = [
        Problem(*where.at(offset), printable(pointer), rule, message) for pointer, offset, rule, message in found.found
    ]
    if found.too_deep is not None and len(problems) < MAX_REPORTED:
        pointer, offset = found.too_deep
        problems.append(
            Problem(*where.at(offset), printable(pointer), "json.depth", f"nesting deeper than {MAX_DEPTH} levels")
        )
    return sorted(problems)


# Walks keep the keys and indexes of a path, not its pointer: a pointer per value
# would copy a long key once for every value below it.
_Path = tuple[Any, ...]


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

    def check(path: _Path, item: Any) -> None:
        if isinstance(item, str) and _has_surrogate(item):
            found.append(Problem(0, 0, printable(pointer_of(path)), "json.surrogate", SURROGATE))
        elif isinstance(item, float) and not math.isfinite(item):
            found.append(Problem(0, 0, pointer_of(path), "json.constant", "NaN and Infinity are not JSON"))
        elif isinstance(item, int) and not isinstance(item, bool) and item.bit_length() > _HUGE_BITS:
            found.append(Problem(0, 0, pointer_of(path), "json.constant", "an integer too long to write as JSON"))

    stack: list[tuple[_Path, Any]] = [((), value)]
    check((), value)
    while stack:
        path, item = stack.pop()
        pairs: Any = item.items() if isinstance(item, dict) else enumerate(item) if isinstance(item, list) else ()
        for key, child in pairs:
            here = (*path, key)
            if isinstance(key, str) and _has_surrogate(key):
                found.append(Problem(0, 0, printable(pointer_of(here)), "json.surrogate", SURROGATE))
            check(here, child)
            stack.append((here, child))
    return sorted(found)


SURROGATE = "lone surrogate (U+D800-U+DFFF without its pair) cannot be stored as UTF-8"
# About 4,300 decimal digits: past this Python will not write an integer as text.
_HUGE_BITS = 14_000


def _has_surrogate(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def too_deep(value: Any, limit: int = MAX_DEPTH) -> str | None:
    """The pointer of the first container nested deeper than `limit`, if any (no recursion)."""
    stack: list[tuple[_Path, Any, int]] = [((), value, 1)]
    while stack:
        path, item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.items()
        elif isinstance(item, list):
            children = enumerate(item)
        else:
            continue
        if depth > limit:
            return pointer_of(path)
        stack.extend(((*path, k), v, depth + 1) for k, v in children)
    return None
