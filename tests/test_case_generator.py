"""tests/cases/generate.py: a marker in a case becomes its .expect, and the case its original bytes."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import visitexport
from visitexport.formats.json.strict import Locator

from .conftest import CASES, INVALID


def _load_generator() -> ModuleType:
    path = CASES / "generate.py"
    spec = importlib.util.spec_from_file_location("case_generator", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before running it: dataclasses look their module up by name.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generator: Any = _load_generator()

# The cases where visitexport reports the problem at a pointer other than the marked
# spot's: invalid UTF-8 is found before any JSON is read, so it belongs to the whole
# document although the byte sits inside a string.
OVERRIDES = {"json-invalid-utf8": ""}


def offset_of(data: bytes, line: int, column: int) -> int:
    """The byte offset of a 1-based line and column counted in characters, as visitexport counts them."""
    start = 0
    for _ in range(line - 1):
        start = data.index(b"\n", start) + 1
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    # The last prefix that decodes to column - 1 characters: an earlier one could end
    # inside a multi-byte character, which decodes as one replacement character too.
    found = [k for k in range(start, end + 1) if len(data[start:k].decode("utf-8", "replace")) == column - 1]
    assert found, (line, column)
    return found[-1]


def mark(data: bytes, offset: int, body: str) -> bytes:
    return data[:offset] + f"⟪{body}⟫".encode() + data[offset:]


def marked_copy(case: Path, folder: Path, override: bool) -> tuple[Path, dict[str, Any]]:
    expect: dict[str, Any] = json.loads(case.with_suffix(".expect").read_bytes())
    body = expect["rule"]
    if override:
        body += f" @{OVERRIDES[case.stem]}"
    body += f" {expect['description']}"
    data = case.read_bytes()
    copy = folder / case.name
    copy.write_bytes(mark(data, offset_of(data, expect["line"], expect["column"]), body))
    return copy, expect


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_marking_an_existing_case_gives_back_its_bytes_and_expect(case: Path, tmp_path: Path) -> None:
    copy, _ = marked_copy(case, tmp_path, override=case.stem in OVERRIDES)
    assert generator.main([str(copy)]) == 0
    assert copy.read_bytes() == case.read_bytes()
    # Byte for byte: description, rule, pointer, line, column, and the layout of the file.
    assert copy.with_suffix(".expect").read_bytes() == case.with_suffix(".expect").read_bytes()


def test_only_the_overridden_cases_need_the_override(tmp_path: Path) -> None:
    differ = set()
    for case in INVALID:
        copy, expect = marked_copy(case, tmp_path, override=False)
        found = generator.expectation(copy.read_bytes())
        assert (found[1].line, found[1].column) == (expect["line"], expect["column"]), case.stem
        if found[1].pointer != expect["pointer"]:
            differ.add(case.stem)
    assert differ == set(OVERRIDES)
    assert len(OVERRIDES) == 1


def test_a_new_case_end_to_end(tmp_path: Path) -> None:
    """Break a reference in the minimal record, mark it, generate: visitexport agrees."""
    text = (CASES / "valid" / "minimal.json").read_text(encoding="utf-8")
    broken = text.replace(
        '"place": "ottawa",', '"place": ⟪ref.unresolved talks held in a place the record does not have⟫"halifax",'
    )
    assert broken.count("⟪") == 1
    case = tmp_path / "ref-unknown-place.json"
    case.write_text(broken, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(CASES / "generate.py"), str(case)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert case.read_text(encoding="utf-8") == text.replace('"place": "ottawa",', '"place": "halifax",')
    expect = json.loads(case.with_suffix(".expect").read_bytes())
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"place": "ottawa"' in row)
    assert expect == {
        "description": "talks held in a place the record does not have",
        "rule": "ref.unresolved",
        "pointer": "/engagements/0/place",
        "line": line,
        "column": len('      "place": ') + 1,
    }
    problems = visitexport.check_file(str(case)).problems
    assert [(p.rule, p.pointer, p.line, p.column) for p in problems] == [
        (expect["rule"], expect["pointer"], expect["line"], expect["column"])
    ]


def where(marked: str) -> tuple[str, int, int]:
    """The pointer, line and column the generator finds for a marked document."""
    found = generator.expectation(marked.encode())
    assert found is not None
    clean, expect = found
    # The column is the one visitexport's own Locator gives for the marked spot.
    offset = len(clean[: marked.encode().index("⟪".encode())].decode())
    assert Locator(clean.decode()).at(offset) == (expect.line, expect.column)
    return expect.pointer, expect.line, expect.column


@pytest.mark.parametrize(
    ("marked", "pointer", "line", "column"),
    [
        # Inside strings: the string's own pointer, wherever in it the marker is.
        ('{"a": "x⟪r.x⟫y"}', "/a", 1, 9),
        ('{"a": ["p", "q\\"⟪r.x⟫"]}', "/a/1", 1, 17),
        # Inside a key: the member.
        ('{"ab⟪r.x⟫c": 1}', "/abc", 1, 5),
        # Before keys: the member the key names.
        ('{\n  "a": 1,\n  ⟪r.x⟫"b": 2\n}', "/b", 3, 3),
        ('{"a": {"b~/c": 1, ⟪r.x⟫"d/e": 2}}', "/a/d~1e", 1, 19),
        # In arrays: by index, nested, empty, or after a trailing comma (the container).
        ("[1, [2, ⟪r.x⟫3]]", "/1/1", 1, 9),
        ("[[], [], ⟪r.x⟫[]]", "/2", 1, 10),
        ('{"a": [⟪r.x⟫]}', "/a", 1, 8),
        ('{"a": [1,\n⟪r.x⟫]}', "/a", 2, 1),
        # Not JSON, still walked: NaN and -Infinity are values like any number.
        ('{"a": NaN, "b": -Infinity, "c": ⟪r.x⟫1}', "/c", 1, 33),
        # Where no value begins: a comma, a colon, spaces.
        ('{"a": 1⟪r.x⟫, "b": 2}', "", 1, 8),
        ('{"a": {"b"⟪r.x⟫: 1}}', "/a", 1, 11),
        ('{"a":⟪r.x⟫ 1}', "", 1, 6),
        # The root, and the last line with no newline after it.
        ("⟪r.x⟫{}", "", 1, 1),
        ('{\n  "a": [\n    1\n  ]\n⟪r.x⟫}', "", 5, 1),
        ('{\n  "a": {"b": true}\n}\n⟪r.x⟫', "", 4, 1),
        ("[\n  1,\n  ⟪r.x⟫2]", "/1", 3, 3),
        # After multi-byte characters: the column counts characters, not bytes.
        ('{"日本": "é😀", "b": ⟪r.x⟫1}', "/b", 1, 19),
        ('{"a": "日本語⟪r.x⟫"}', "/a", 1, 11),
        ('{"日本": {"語": [0, ⟪r.x⟫1]}}', "/日本/語/1", 1, 18),
    ],
)
def test_marker_places(marked: str, pointer: str, line: int, column: int) -> None:
    assert where(marked) == (pointer, line, column)


def test_undecodable_bytes_count_as_one_character_each_and_are_kept(tmp_path: Path) -> None:
    # A byte order mark, a Latin-1 é and two bytes UTF-8 never uses: not UTF-8, not JSON.
    data = b'\xef\xbb\xbf{"a": "caf\xe9", "b": \xff\xfe, "c": 1}'
    case = tmp_path / "latin1.json"
    case.write_bytes(mark(data, data.index(b"1}"), "r.x some words"))
    assert generator.main([str(case)]) == 0
    assert case.read_bytes() == data
    expect = json.loads(case.with_suffix(".expect").read_bytes())
    # U+FEFF, '{"a": "caf', one for \xe9, '", "b": ', one each for \xff and \xfe, ', "c": '.
    assert (expect["pointer"], expect["line"], expect["column"]) == ("/c", 1, 1 + 10 + 1 + 8 + 2 + 7 + 1)


@pytest.mark.parametrize(
    ("body", "pointer", "description"),
    [
        ("json.syntax", "/a", "kept from before"),
        ("json.syntax @ words after it", "", "words after it"),
        ("json.syntax @/x/0", "/x/0", "kept from before"),
        ("schema.additionalProperties @/a~1b it says so", "/a~1b", "it says so"),
    ],
)
def test_override_and_description(body: str, pointer: str, description: str, tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_bytes(f'{{"a": ⟪{body}⟫1}}'.encode())
    case.with_suffix(".expect").write_bytes(b'{"description": "kept from before"}')
    assert generator.main([str(case)]) == 0
    expect = json.loads(case.with_suffix(".expect").read_bytes())
    assert (expect["pointer"], expect["description"]) == (pointer, description)
    assert case.read_bytes() == b'{"a": 1}'


def test_a_file_without_marker_is_left_alone(tmp_path: Path) -> None:
    case = tmp_path / "plain.json"
    case.write_bytes(b'{"a": 1}')
    assert generator.main([str(case)]) == 0
    assert case.read_bytes() == b'{"a": 1}'
    assert not case.with_suffix(".expect").exists()


def test_check_reports_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.json"
    case.write_bytes("[⟪json.syntax a word⟫]".encode())
    before = case.read_bytes()
    assert generator.main(["--check", str(case)]) == 1
    assert case.read_bytes() == before
    assert not case.with_suffix(".expect").exists()
    out = capsys.readouterr().out
    assert '"rule": "json.syntax"' in out
    assert '"column": 2' in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[⟪r.x⟫1, ⟪r.y⟫2]", "more than one marker"),
        ("[⟪r.x 1]", "without its ⟫"),
        ("[⟪r.x\n⟫1]", "without its ⟫"),
        ("[1⟫]", "without its ⟪"),
        ("[⟪NoRule⟫1]", "cannot read the marker"),
        ("[⟪⟫1]", "cannot read the marker"),
        ("[⟪r.x @a⟫1]", "is not a JSON Pointer"),
    ],
)
def test_a_bad_marker_is_refused_and_the_file_kept(
    text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "case.json"
    case.write_bytes(text.encode())
    assert generator.main([str(case)]) == 2
    assert message in capsys.readouterr().err
    assert case.read_bytes() == text.encode()
    assert not case.with_suffix(".expect").exists()


def test_the_committed_cases_hold_no_marker() -> None:
    # A marker left in a case would be an .expect never written.
    assert generator.main(["--check"]) == 0


def test_an_expect_that_is_not_json_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.json"
    case.write_bytes("[⟪json.syntax⟫]".encode())
    case.with_suffix(".expect").write_bytes(b"{not json")
    assert generator.main([str(case)]) == 2
    assert str(case) in capsys.readouterr().err
    assert case.read_bytes() == "[⟪json.syntax⟫]".encode()
