"""Strict JSON reading: everything Python's json module lets through, refused with a place."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from visitexport.errors import InvalidRecordError
from visitexport.formats.json import strict as json_
from visitexport.limits import MAX_DEPTH
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
    monkeypatch.setattr(json_, "MAX_BYTES", 10)
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
