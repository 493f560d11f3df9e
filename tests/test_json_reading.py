"""Strict JSON reading: everything Python's json module lets through, refused with a place."""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from visitexport.errors import InvalidRecordError
from visitexport.formats.json import strict as json_
from visitexport.limits import MAX_DEPTH, MAX_REPORTED
from visitexport.problems import Problem
from visitexport.validation import check_bytes


def problems(data: bytes) -> list[tuple[str, int, int, str]]:
    with pytest.raises(InvalidRecordError) as caught:
        json_.parse(data, "x.json")
    return [(p.rule, p.line, p.column, p.pointer) for p in caught.value.problems]


def test_plain_json_parses() -> None:
    value, text = json_.parse(b'{"a": [1, "\\u00e9", {"b": null}]}')
    assert value == {"a": [1, "\u00e9", {"b": None}]}
    assert text == '{"a": [1, "\\u00e9", {"b": null}]}'


def test_canonical_and_compact_spellings_give_the_same_value() -> None:
    value = {"a": [1, {"b": "x\ny\u2028"}], "c": "\U0001f600"}
    compact = json.dumps(value).encode()
    pretty = (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()
    assert json_.parse(compact)[0] == json_.parse(pretty)[0] == value


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"a": 1,\n "a": 2}', [("json.duplicate-key", 2, 2, "/a")]),
        (b'{"x": {"k": 1, "k": 1}}', [("json.duplicate-key", 1, 16, "/x/k")]),
        # Duplicates in a canonical-looking file must not slip through the fast path.
        (b'{\n  "a": 1,\n  "a": 1\n}\n', [("json.duplicate-key", 3, 3, "/a")]),
        (b"[NaN]", [("json.constant", 1, 2, "/0")]),
        (b'{"v": Infinity}', [("json.constant", 1, 7, "/v")]),
        (b'{"v": -Infinity}', [("json.constant", 1, 7, "/v")]),
        (b'{"v": "\\ud800"}', [("json.surrogate", 1, 7, "/v")]),
        (b'{"\\udfff": 1}', [("json.surrogate", 1, 2, "/\\udfff")]),
        (b'{"v":\n"caf\xe9"}', [("json.encoding", 2, 5, "")]),
        (b"\xef\xbb\xbf{}", [("json.encoding", 1, 1, "")]),
        (b'{"a": [1, 2,]}', [("json.syntax", 1, 13, "/a")]),
        (b'{"a": {"b": [1, 2 3]}}', [("json.syntax", 1, 19, "/a/b")]),
        (b'{"a": {"b": [1}, "c": 2}', [("json.syntax", 1, 15, "/a/b")]),
        (b'{"a": 1e-400}', [("json.constant", 1, 7, "/a")]),
        (b'{"a": 1.00000000000000000001}', [("json.constant", 1, 7, "/a")]),
        (b"", [("json.syntax", 1, 1, "")]),
        (b'{"a": 1} {"b": 2}', [("json.syntax", 1, 10, "")]),
        (b'{"a": 1e400}', [("json.constant", 1, 7, "/a")]),
        (b'{"a": [-1.5E999]}', [("json.constant", 1, 8, "/a/0")]),
        (b'{"a": ' + b"9" * 5000 + b"}", [("json.constant", 1, 7, "/a")]),
        (b'{"a": "x\x01"}', [("json.syntax", 1, 9, "")]),
        (b"[" * 5000 + b"]" * 5000, [("json.depth", 1, 49, "/0" * 48)]),
    ],
)
def test_refused_with_rule_and_place(data: bytes, expected: list[tuple[str, int, int, str]]) -> None:
    assert problems(data) == expected


def test_control_character_message_is_complete() -> None:
    with pytest.raises(InvalidRecordError) as caught:
        json_.parse(b'{"a": "x\x01"}')
    assert caught.value.problems[0].message == "invalid JSON: Invalid control character"


@pytest.mark.parametrize("depth", [300, 1000])
def test_nesting_orjson_cannot_write_back_takes_the_careful_path(depth: int) -> None:
    # Written as orjson would indent it, so only the write-back step can fail.
    opening = ["  " * i + "[" for i in range(depth - 1)]
    text = "\n".join([*opening, "  " * (depth - 1) + "[]", *reversed([line.replace("[", "]") for line in opening])])
    _, found = check_bytes((text + "\n").encode())
    assert [p.rule for p in found] == ["json.depth"]


def test_nesting_past_the_limit_is_refused_by_validation() -> None:
    # Parsing leaves moderate depth to validation, which pays for the check only
    # where a record can nest (the block tree) or once it is known to be invalid.
    data = b"[" * 49 + b"]" * 49
    _, found = check_bytes(data)
    assert [(p.rule, p.line, p.column, p.pointer) for p in found] == [("json.depth", 1, 49, "/0" * 48)]


def test_exact_numbers_are_kept() -> None:
    value, _ = json_.parse(b'{"a": 0.1, "b": 1.50, "c": -2e-3, "d": 12345678901234567890}')
    assert value == {"a": 0.1, "b": 1.5, "c": -0.002, "d": 12345678901234567890}


def test_python_records_holding_what_json_cannot(example: dict[str, Any]) -> None:
    import visitexport

    record = copy.deepcopy(example)
    record["document"]["layout"]["list_indent"] = 10**4400
    record["people"][0]["name"] = float("nan")
    found = [(p.rule, p.pointer) for p in visitexport.check(record)]
    assert found == [("json.constant", "/document/layout/list_indent"), ("json.constant", "/people/0/name")]


def test_paired_surrogate_escape_is_fine() -> None:
    assert json_.parse(b'"\\ud83d\\ude00"')[0] == "\U0001f600"


def test_nesting_at_the_limit_is_accepted() -> None:
    data = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert json_.parse(data)[0] is not None
    assert json_.too_deep(json_.parse(data)[0]) is None


def test_too_deep_finds_the_first_container_past_the_limit() -> None:
    value: object = []
    for _ in range(MAX_DEPTH):
        value = {"k": value}
    assert json_.too_deep(value) == "/k" * MAX_DEPTH


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_, "MAX_JSON_BYTES", 10)
    assert problems(b'{"a": "0123456789"}')[0][0] == "json.size"


def test_scan_positions_every_value_and_key() -> None:
    text = '{\n  "a": [10, {"b~/c": true}],\n  "d": "x"\n}'
    found = json_.scan(text)
    where = json_.Locator(text)
    assert {p: where.at(o) for p, o in found.positions.items()} == {
        "": (1, 1),
        "/a": (2, 8),
        "/a/0": (2, 9),
        "/a/1": (2, 13),
        "/a/1/b~0~1c": (2, 22),
        "/d": (3, 8),
    }
    assert where.at(found.key_positions["/d"]) == (3, 3)


# --- hostile sizes: locating a problem costs memory bounded by a constant, not by a value's length -----

LONG = 8_400_000  # characters: divisible by 2, 4 and 12, so the builders below fill it exactly
KEY = "x" * (LONG // 2)  # the long key, where a case has one; "{key}" in a pointer stands for it


def _x(size: int = LONG) -> bytes:
    return b"x" * size


def _deep_nan(key: bytes) -> bytes:
    return b'{"' + key + b'": {' + b", ".join(b'"%d": NaN' % i for i in range(1000)) + b"}}"


# Built when run, not when collected: together they are 150 MB.
HOSTILE: list[tuple[str, Callable[[], bytes], tuple[str, int, int, str]]] = [
    ("duplicate key after", lambda: b'{"a": "' + _x() + b'", "a": 1}', ("json.duplicate-key", 1, LONG + 11, "/a")),
    ("NaN after", lambda: b'{"a": "' + _x() + b'", "b": NaN}', ("json.constant", 1, LONG + 16, "/b")),
    ("bad syntax after", lambda: b'{"a": "' + _x() + b'", "b": }', ("json.syntax", 1, LONG + 16, "")),
    ("unterminated", lambda: b'{"a": "' + _x(), ("json.syntax", 1, 7, "")),
    ("lone surrogate after", lambda: b'{"a": "' + _x() + b'", "b": "\\ud800"}', ("json.surrogate", 1, LONG + 16, "/b")),
    ("lone surrogate at its end", lambda: b'{"a": "' + _x() + b'\\udc00"}', ("json.surrogate", 1, 7, "/a")),
    (
        "control character inside",
        lambda: b'{"a": "' + _x(LONG // 2) + b"\x01" + _x(LONG // 2) + b'"}',
        ("json.syntax", 1, LONG // 2 + 8, ""),
    ),
    ("one string", lambda: b'"' + _x() + b'\x01"', ("json.syntax", 1, LONG + 2, "")),
    (
        "escapes, then a duplicate",
        lambda: b'{"a": "' + b"\\n" * (LONG // 2) + b'", "a": 1}',
        ("json.duplicate-key", 1, LONG + 11, "/a"),
    ),
    (
        "surrogate pairs, then a duplicate",
        lambda: b'{"a": "' + b"\\ud83d\\ude00" * (LONG // 12) + b'", "a": 1}',
        ("json.duplicate-key", 1, LONG + 11, "/a"),
    ),
    ("a long integer", lambda: b'{"a": ' + b"9" * LONG + b"}", ("json.constant", 1, 7, "/a")),
    ("a long fraction", lambda: b'{"a": 1.' + b"0" * LONG + b"1}", ("json.constant", 1, 7, "/a")),
    ("white space", lambda: b'{"a": 1,' + b" " * LONG + b"}", ("json.syntax", 1, LONG + 9, "")),
    ("newlines, then NaN", lambda: b'{"a": 1,' + b"\n" * LONG + b'"b": NaN}', ("json.constant", LONG + 1, 6, "/b")),
    ("100,000 deep", lambda: b"[" * 100_000, ("json.depth", 1, 49, "/0" * 48)),
    (
        "invalid UTF-8 after a long line",
        lambda: b'{"a": "' + "é".encode() * (LONG // 2) + b'\xff"}',
        ("json.encoding", 1, LONG // 2 + 8, ""),
    ),
    (
        "a long key, twice",
        lambda: b'{"' + KEY.encode() + b'": 1, "' + KEY.encode() + b'": 2}',
        ("json.duplicate-key", 1, LONG // 2 + 9, "/{key}"),
    ),
    ("many values below a long key", lambda: _deep_nan(KEY.encode()), ("json.constant", 1, LONG // 2 + 12, "/{key}/0")),
]


def _peak(work: Callable[[], object]) -> int:
    """The most memory `work` held at once, in bytes, beyond what was held before."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("build", "expected"), [pytest.param(b, e, id=name) for name, b, e in HOSTILE])
def test_hostile_sizes_are_located_in_bounded_memory(
    build: Callable[[], bytes], expected: tuple[str, int, int, str]
) -> None:
    data = build()
    with pytest.raises(InvalidRecordError) as caught:
        json_.parse(data, "x.json")
    first = caught.value.problems[0]
    rule, line, column, pointer = expected
    assert (first.rule, first.line, first.column, first.pointer) == (rule, line, column, pointer.format(key=KEY))
    assert len(first.message) < 300  # nothing long is echoed
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return  # refused before any scan
    long_key = len(KEY) if "{key}" in pointer else 0

    def locate() -> None:
        found = json_.scan(text, places=False)
        where = json_.Locator(text)
        for _, offset, _, _ in found.found:
            where.at(offset)

    # The text is held already; locating in it costs at most one copy of a key (and the
    # pointer spelt from it, twice while it is made printable). It cost 115 bytes per
    # character of a long string before: 950 MB here.
    assert _peak(locate) < 4 * long_key + 1_000_000


def test_a_long_key_is_held_once_however_many_values_lie_below_it() -> None:
    key = "k" * 1_000_000
    text = _deep_nan(key.encode()).decode()
    found: list[json_.Scan] = []
    # Positions for validation: a pointer per value would copy the key 1,001 times (1 GB).
    # The key is decoded once; the first problem's pointer is spelt from it.
    assert _peak(lambda: found.append(json_.scan(text))) < 4 * len(key) + 1_000_000
    assert found[0].positions[f"/{key}/999"] == text.index('"999"') + 7
    assert found[0].key_positions[f"/{key}/999"] == text.index('"999"')
    # Listed, each problem would carry its own megabyte pointer: the first only is.
    with pytest.raises(InvalidRecordError) as caught:
        json_.parse(text.encode())
    assert [p.pointer for p in caught.value.problems] == [f"/{key}/0"]


def test_walks_of_a_value_hold_no_pointer_per_value() -> None:
    key = "k" * 1_000_000
    value: Any = {key: [0] * 2000 + [[float("nan")]]}
    # The answer's pointer holds the key; the 2,001 others were spelt out before (2 GB).
    assert _peak(lambda: json_.too_deep(value, limit=2)) < 3 * len(key) + 1_000_000
    assert json_.too_deep(value, limit=2) == f"/{key}/2000"
    # orjson, which clears clean records first, reserves 8 bytes a character as it writes.
    assert _peak(lambda: json_.python_problems(value)) < 10 * len(key) + 1_000_000
    assert [p.pointer for p in json_.python_problems(value)] == [f"/{key}/2000/0"]


def test_a_duplicated_long_key_is_quoted_short() -> None:
    message = problems_of(b'{"' + b"k" * 5000 + b'": 1, "' + b"k" * 5000 + b'": 2}')[0].message
    assert message == f"duplicate key '{'k' * 120}… (4,880 more characters)': each key may appear once per object"
    assert problems_of(b'{"a\\r\\u009f": 1, "a\\r\\u009f": 2}')[0].message.startswith("duplicate key 'a\\r\\u009f'")


def problems_of(data: bytes) -> tuple[Problem, ...]:
    with pytest.raises(InvalidRecordError) as caught:
        json_.parse(data, "x.json")
    return caught.value.problems


def test_at_most_max_reported_problems_are_listed_the_first_ones() -> None:
    found = problems_of(b"[" + b"NaN, " * 1000 + b"1]")
    assert [p.pointer for p in found] == [f"/{i}" for i in range(MAX_REPORTED)]


def test_a_long_exact_number_reads_as_written() -> None:
    assert json_.parse(b"[1." + b"0" * 100_000 + b"]")[0] == [1.0]
    # 10**-100000 shifted back by its exponent: the scale is counted, not parsed as a Decimal.
    assert json_.parse(b"[0." + b"0" * 99_999 + b"1e100000]")[0] == [1.0]
    assert json_.parse(b"[-0." + b"0" * 100_000 + b"e99999999999999999999999]")[0] == [-0.0]
    # Decimal refused this exponent: reading it was an internal error.
    assert json_.parse(b"[0e1000000000000000000]")[0] == [0.0]
    assert problems_of(b"[1e1000000000000000000, 1e-1000000000000000000]")[1].pointer == "/1"


def _old_inexact(token: str) -> bool:
    """The definition before numbers were judged by their significant digits."""
    number = float(token)
    return math.isinf(number) or Decimal(token) != Decimal(repr(number))


_DIGITS = st.text("0000000123456789", min_size=1, max_size=30)
# Within what Decimal takes: the old definition fails past it.
_EXPONENT = st.text("00123456789", min_size=1, max_size=6)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["", "-"]),
    st.one_of(st.just("0"), _DIGITS.map(lambda d: "1" + d), st.sampled_from(["1", "9", "123456789012345678"])),
    st.one_of(st.just(""), _DIGITS.map(lambda d: "." + d)),
    st.one_of(st.just(""), st.tuples(st.sampled_from("eE"), st.sampled_from(["", "+", "-"]), _EXPONENT).map("".join)),
)
def test_numbers_are_judged_as_before(sign: str, whole: str, fraction: str, exponent: str) -> None:
    token = sign + whole + (fraction or ("" if exponent else ".0")) + exponent
    data = b'{"a": [' + token.encode() + b"]}"
    if _old_inexact(token):
        assert [(p.rule, p.pointer) for p in problems_of(data)] == [("json.constant", "/a/0")]
    else:
        assert json_.parse(data)[0] == {"a": [float(token)]}


_FRAGMENTS = [
    "a",
    "é",
    "\U0001f600",
    "\\\\",
    '\\"',
    "\\/",
    "\\n",
    "\\u00e9",
    "\\ud83d",
    "\\ude00",
    "\\uDBFF",
    "\\x",
    "\\u12",
    "\x01",
    "\\",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=40), st.integers(13, 40))
def test_strings_end_where_the_json_module_says(fragments: list[str], window: int) -> None:
    body = "".join(fragments)
    text = f'["{body}", 0]'
    try:
        value, end = json.JSONDecoder().raw_decode(text, 1)
    except ValueError:
        value, end = None, -1
    assume(value is None or text[end:] == ", 0]")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_, "_WINDOW", window)  # so that windows cut escapes and pairs
        found = json_.scan(text)
    if value is None:
        assert "/1" not in found.positions
        assert found.found == []
    else:
        assert found.positions["/1"] == end + 2
        lone = any(0xD800 <= ord(c) <= 0xDFFF for c in value)
        assert [rule for _, _, rule, _ in found.found] == (["json.surrogate"] if lone else [])


@settings(max_examples=200, deadline=None)
@given(st.text("ab\n", max_size=60), st.integers(1, 5))
def test_locator_agrees_with_counting(text: str, block: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_, "_BLOCK", block)
        where = json_.Locator(text)
        for offset in range(len(text) + 1):
            before = text[:offset]
            assert where.at(offset) == (before.count("\n") + 1, len(before) - before.rfind("\n"))


def test_a_long_string_in_an_invalid_file_costs_what_a_valid_one_does(tmp_path: Path) -> None:
    # Measured in a child process, whose peak resident memory is its own: orjson reserves
    # more than it touches, which tracemalloc would count. Before: 115 bytes per character.
    size = 9_000_000  # under MAX_JSON_BYTES
    path = tmp_path / "long.json"
    path.write_bytes(b'{"a": "' + b"x" * size + b'", "a": 1}')
    code = (
        "import resource, sys\n"
        "from visitexport.errors import InvalidRecordError\n"
        "from visitexport.formats.json import strict\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    strict.parse(data)\n"
        "except InvalidRecordError as exc:\n"
        "    print(exc.problems[0].rule)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True, timeout=60
    )
    rule, grown = done.stdout.split()
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is in bytes there, in KiB elsewhere
    # The text and the value the parser builds, each the string's size; locating adds a few MB at most.
    assert rule == "json.duplicate-key"
    assert int(grown) * unit < 2 * size + 16_000_000
