"""Every value a message echoes is escaped and bounded, whatever the input holds.

Each case builds a hostile file here (a carriage return in a value, DEL and
U+009F against a schema pattern, a 10,000-character key with an escape
sequence, 50,000 XML attributes, invisible characters in element names, a
workbook cell) and runs ``visitexport validate`` on it in every report
format: no line of the output may hold a character a terminal would act on
or hide (the newline ending it aside), and none may be longer than
`LONGEST`. Each case also says what the message shows instead.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from visitexport.cli import main
from visitexport.errors import OptionError
from visitexport.limits import MAX_LISTED, MAX_MESSAGE, MAX_QUOTED
from visitexport.problems import FileResult, Problem, listed
from visitexport.report import as_github, as_json, as_text_lines, safe

from .conftest import EXAMPLE, ROOT, load_json

GOLDEN_XML = ROOT / "examples" / "kono-russia-2000.xml"
GOLDEN_XLSX = ROOT / "examples" / "kono-russia-2000.xlsx"
FORMATS = ("text", "json", "github")
#: No output line is longer: a short path, then a message and a pointer of at most MAX_MESSAGE each.
LONGEST = 2 * MAX_MESSAGE + 200


def _record(change: Callable[[dict[str, Any]], None]) -> str:
    record = copy.deepcopy(load_json(EXAMPLE))
    change(record)
    return json.dumps(record)


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(record: dict[str, Any]) -> None:
        target: Any = record
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _xml(old: str, new: str) -> str:
    text = GOLDEN_XML.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


def _workbook(cell: str, value: str) -> bytes:
    book = openpyxl.load_workbook(GOLDEN_XLSX)
    book["People"][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: name -> (file name, its content, what a message shows instead of the raw value).
CASES: dict[str, tuple[str, str | bytes, str]] = {
    "top-level-list": ("top.json", json.dumps(["x\r" * 1_000] * 3), "a list of 3 items where an object belongs"),
    "top-level-text": ("text.json", json.dumps("y\x1b" * 200_000), "text ('y\\x1by\\x1b"),
    "value-with-cr": ("cr.json", _record(_set(("visit", "direction"), "out\rbound" + "x" * 5_000)), "'out\\rbound"),
    "pattern-del-c1": (
        "label.json",
        _record(_set(("document", "body", 1, "label"), "1.\x7f\u009f")),
        "'1.\\x7f\\u009f' is not a valid label",
    ),
    "enum-country": (
        "country.json",
        _record(_set(("people", 0, "country"), "J\x1b[31m" + "P" * 3_000)),
        "'J\\x1b[31mPPP",
    ),
    "const": ("const.json", _record(_set(("schema_version",), "\u202e1.0" + "v" * 3_000)), "'\\u202e1.0vvv"),
    "unknown-key": (
        "key.json",
        _record(_set(("release", "\x1b[2J\r" + "k" * 10_000), 1)),
        "unknown property '\\x1b[2J\\rkkk",
    ),
    # Quoted by the strict reader with repr(): escaped, and only the report's net bounds it.
    "duplicate-key": ("duplicate.json", "{" + ", ".join([f'"\\u001b{"d" * 10_000}": 1'] * 2) + "}", "'\\x1bddd"),
    "rule-quoting-an-id": (
        "ref.json",
        _record(_set(("engagements", 0, "participants", 0, "person"), "putn")),
        "'putn' is not the id of a person",
    ),
    "file-name": ("name\x1b]0;pwned\x07\r.json", _record(_set(("id",), "Bad")), "name\\x1b]0;pwned\\x07\\r.json"),
    "xml-attributes": (
        "attributes.xml",
        _xml("<v:record ", "<v:record " + " ".join(f'a{n}="1"' for n in range(50_000)) + " "),
        "(a0, a1, a10, a100, a1000 and 49,995 more)",
    ),
    "xml-element-name": (
        "element.xml",
        _xml("<v:title>", "<v:title\u200d\ufeff" + "e" * 3_000 + "/><v:title>"),
        "'title\\u200d\\ufeffeee",
    ),
    "xml-unquoted-name": (
        "mismatch.xml",
        _xml("</v:title>", "</v:titl\u200d" + "e" * 3_000 + ">"),
        "titl\\u200deee",
    ),
    "xml-pattern-del-c1": (
        "label.xml",
        _xml("<v:label>1.</v:label>", "<v:label>1.\x7f\u009f</v:label>"),
        "The value '1.\\x7f\\u009f' is not accepted by the pattern",
    ),
    "xml-value-with-cr": (
        "direction.xml",
        _xml("<v:direction>outbound</v:direction>", "<v:direction>out&#13;" + "b" * 5_000 + "</v:direction>"),
        "The value 'out\\rbbb",
    ),
    "xml-root": ("root.xml", "<r\u200d" + "r" * 3_000 + "/>", "the root element is r\\u200drrr"),
    # openpyxl refuses C0 controls but a carriage return, so DEL and C1 stand in for them.
    "workbook-value": ("country.xlsx", _workbook("I2", "J\r\x7f\u009f" + "P" * 5_000), "'J\\r\\x7f\\u009fPPP"),
    "workbook-header": ("header.xlsx", _workbook("G1", "Notes\r" + "n" * 5_000), "unknown column 'Notes\\rnnn"),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    made = {}
    for case, (name, content, _) in CASES.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        made[case] = path
    return made


def _validate(path: Path, output_format: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", "--format", output_format, str(path)], catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_no_line_holds_a_raw_control_character_or_runs_on(
    files: dict[str, Path], case: str, output_format: str
) -> None:
    code, output = _validate(files[case], output_format)
    assert code == 1, output[:2_000]
    assert output.endswith("\n")
    for line in output[:-1].split("\n"):
        assert line.isprintable(), ascii(line[:300])
        assert len(line) <= LONGEST, (len(line), line[:300])
    if output_format == "json":
        assert json.loads(output)["summary"]["invalid"] == 1
    elif output_format == "github":
        assert output.startswith("::error file=")


@pytest.mark.parametrize("case", CASES)
def test_the_message_shows_the_value_escaped(files: dict[str, Path], case: str) -> None:
    _, output = _validate(files[case], "text")
    assert CASES[case][2] in output, output[:2_000]


@pytest.mark.parametrize(
    "case", ["top-level-text", "value-with-cr", "enum-country", "unknown-key", "xml-value-with-cr", "workbook-value"]
)
def test_a_long_value_is_quoted_cut_with_a_count(files: dict[str, Path], case: str) -> None:
    _, output = _validate(files[case], "json")
    (message,) = [p["message"] for p in json.loads(output)["files"][0]["problems"]]
    assert " more characters)" in message
    # What a message quotes stops after MAX_QUOTED characters: no run of the padding is longer.
    assert not any(letter * (MAX_QUOTED + 1) in message for letter in "xyPkb"), message


def test_the_json_report_keeps_values_json_escaped_and_bounded(files: dict[str, Path]) -> None:
    _, output = _validate(files["unknown-key"], "json")
    report = json.loads(output)
    (problem,) = report["files"][0]["problems"]
    # The key's escape sequence is the message's text (escaped once by the message), and the
    # pointer keeps the key itself, JSON-escaped on the wire, cut at MAX_MESSAGE with a count.
    assert problem["message"].startswith("unknown property '\\x1b[2J\\rkkk")
    assert problem["pointer"].startswith("/release/\x1b[2J\rkkk")
    assert problem["pointer"].endswith(f"… ({len('/release/') + 10_005 - MAX_MESSAGE:,} more characters)")
    assert "\x1b" not in output
    assert "\\u001b[2J" in output


def test_the_json_report_escapes_what_json_dumps_leaves_raw() -> None:
    problem = Problem(1, 1, "/a", "schema.pattern", "raw \x7f\u009f\u202e\u2028 in a message")
    output = as_json([FileResult("odd\udc80name.json", (problem,))], "0")
    assert output.replace("\n", "").isprintable()
    report = json.loads(output)
    assert report["files"][0]["path"] == "odd\udc80name.json"
    assert report["files"][0]["problems"][0]["message"] == problem.message


def test_safe_escapes_and_bounds_only_what_it_must() -> None:
    assert safe("a plain message with \\x7f already escaped") == "a plain message with \\x7f already escaped"
    assert safe("a\rb\x1b[2J\u202e\x7f\u009f") == "a\\rb\\x1b[2J\\u202e\\x7f\\u009f"
    long = safe("\x07" * 5_000)
    assert long == "\\x07" * (MAX_MESSAGE // 4) + f"… ({5_000 - MAX_MESSAGE // 4:,} more characters)"


def test_github_annotations_keep_their_own_escaping() -> None:
    problem = Problem(3, 0, "/a", "schema.pattern", "50% of a\nline\r")
    (line,) = as_github(FileResult("dir,with:odd\n.json", (problem,)))
    assert line == "::error file=dir%2Cwith%3Aodd\\n.json,line=3,title=schema.pattern::50%25 of a\\nline\\r (/a)"


def test_an_unreadable_file_is_reported_on_one_line() -> None:
    result = FileResult("x.json", error="x.json: cannot read: \x1b[2J" + "e" * 5_000)
    for lines in (as_text_lines(result), as_github(result)):
        (line,) = lines
        assert line.isprintable()
        assert len(line) < LONGEST


def test_listed_shows_the_first_names_escaped_and_counts_the_rest() -> None:
    names = [f"n\r{n}" for n in range(50_000)]
    assert listed(names) == ", ".join(f"n\\r{n}" for n in range(MAX_LISTED)) + f" and {50_000 - MAX_LISTED:,} more"
    assert listed(["a", "b"]) == "a, b"


def test_a_refused_option_value_is_quoted_escaped_and_cut() -> None:
    error = OptionError("report_link", "a link target must be a relative path", "javascript:\r" + "x" * 5_000)
    assert error.message.startswith("a link target must be a relative path: 'javascript:\\rxxx")
    assert error.message.endswith(" more characters)'")
    assert len(error.message) < 300
