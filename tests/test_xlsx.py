"""Excel workbooks: the layout, safety, determinism, and import that respects people's edits."""

from __future__ import annotations

import copy
import datetime
import io
import json
import os
import re
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl.styles import Font, PatternFill

import visitexport
from visitexport import InvalidRecordError, dump_xlsx, load_xlsx
from visitexport.formats.tabular.layout import build_layout, layout
from visitexport.formats.tabular.notation import (
    NotationError,
    join_breaks,
    quote,
    read_entries,
    split_breaks,
    unquote,
    write_entries,
)
from visitexport.formats.tabular.rows import collect, notation_overflows
from visitexport.formats.xlsx.package import MAX_PART_ROWS
from visitexport.limits import EXCEL_ROWS, MAX_ROWS
from visitexport.schema import load_schema
from visitexport.schema.model import build_model

from .conftest import EXAMPLE, ROOT, VALID, load_json
from .strategies import GENERATED_FACTS, splice

GOLDEN = ROOT / "examples" / "kono-russia-2000.xlsx"
RELEASES = sorted((ROOT / "tests" / "releases").glob("*.txt"))
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RECORDS = [EXAMPLE, *VALID]
HOSTILE = ['=HYPERLINK("http://127.0.0.1/","x")', "+1", "-1", "@SUM(A1)", "#N/A", "#REF!", "=1+1", "'quoted"]


def edited(data: bytes, change: Callable[[Any], None]) -> bytes:
    """The workbook after a person opened it in a spreadsheet program, changed it and saved it."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "visitexport", *args], capture_output=True, text=True, check=False, cwd=cwd
    )


def problems(data: bytes) -> list[visitexport.Problem]:
    with pytest.raises(InvalidRecordError) as caught:
        load_xlsx(data, "book.xlsx")
    return list(caught.value.problems)


def rows_of(book: Any, name: str) -> tuple[list[str], list[list[Any]]]:
    sheet = book[name]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [str(h) for h in values[0]], values[1:]


def cell_of(book: Any, sheet: str, header: str, where: Callable[[dict[str, Any]], bool]) -> Any:
    """The cell in column `header` of the first row of `sheet` for which `where(row as dict)` holds."""
    ws = book[sheet]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        values = dict(zip(headers, (c.value for c in row), strict=False))
        if where(values):
            return row[headers.index(header)]
    raise AssertionError(f"no such row on {sheet}")


# --- round trips ------------------------------------------------------------------------


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_json_to_xlsx_to_json_is_identical(path: Path) -> None:
    record = load_json(path)
    data = dump_xlsx(record)
    back = load_xlsx(data, "book.xlsx")
    assert back == record
    assert json.dumps(back) == json.dumps(record)  # the same key order too
    assert dump_xlsx(back) == data


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_every_ingested_release_goes_json_to_xlsx_to_json_unchanged(path: Path) -> None:
    record = visitexport.ingest(path.read_bytes(), str(path)).record
    data = dump_xlsx(record)
    back = load_xlsx(data, "book.xlsx")
    assert json.dumps(back) == json.dumps(record)
    assert dump_xlsx(back) == data


def layout_record() -> dict[str, Any]:
    """A valid record whose document layer holds every kind of layout trivia, the awkward values first.

    Whitespace-only and empty indents and gaps, tabs in texts, table cells and gaps, ragged
    table rows without header rows, line breaks, and lines ending in CRLF, CR and LF.
    """
    record = load_json(ROOT / "tests" / "cases" / "valid" / "minimal.json")
    doc = record["document"]
    title = doc["header"][0]
    title["text"] = "Foreign Minister\tLindqvist Visits Ottawa"
    title["breaks"] = [1, 3]
    title["lines"] = [
        {"at": 0, "trailing": " \t", "ending": "cr"},
        {"at": 1, "indent": "    "},
        {"at": 2, "indent": ""},
    ]
    doc["header"][1].update({"blank_lines": 0, "lines": [{"at": 0, "indent": "\t"}]})
    lead = doc["body"][0]
    lead["text"] = lead["text"].replace("visited Ottawa", "visited  Ottawa\t(Canada)")
    lead["blank_lines"] = 3
    lead["lines"] = [{"at": 0, "indent": "   "}, {"at": 1, "indent": ""}, {"at": 3, "trailing": "\t", "ending": "lf"}]
    section = doc["body"][1]
    section["gap"] = ""
    items = section["blocks"][0]["items"]
    items[0]["gap"] = "\t "
    items[1].update({"gap": "", "joined": "  "})
    section["blocks"].append(
        {"id": "s1.k1", "type": "field", "key": "Venue", "gap": " :\t", "value": "Rideau\tHall, Ottawa"}
    )
    section["blocks"].append(
        {
            "id": "s1.t1",
            "type": "table",
            "style": "pipe",
            "rows": [["a", "b", "c"], ["d"], ["", "e\tf"]],
            "gaps": [{"row": 1, "gaps": ["|  ", "  |"]}, {"row": 2, "gaps": ["", "\t", ""]}],
            "rules": [{"before": 1, "text": "|---|---|---|"}, {"before": 3, "text": "+\t+"}],
            "lines": [{"at": 2, "indent": "    ", "ending": "crlf"}],
        }
    )
    doc["footer"] = [
        {
            "id": "f.p1",
            "type": "paragraph",
            "text": "Back to Index",
            "blank_lines": 0,
            "lines": [{"at": 0, "indent": " ", "ending": "cr"}],
        }
    ]
    doc["layout"] = {
        "line_ending": "crlf",
        "final_newline": False,
        "blank_lines": 2,
        "lines": [{"at": 0, "indent": "  \t", "ending": "cr"}, {"at": 1, "indent": ""}],
    }
    canonical: dict[str, Any] = visitexport.loads(visitexport.canonical_bytes(record))
    return canonical


def test_layout_trivia_round_trip_exactly() -> None:
    record = layout_record()
    data = dump_xlsx(record)
    back = load_xlsx(data, "book.xlsx")
    assert json.dumps(back) == json.dumps(record)
    assert dump_xlsx(back) == data
    assert visitexport.render_text(back) == visitexport.render_text(record)


def test_layout_cells_say_what_a_bare_cell_would_hide() -> None:
    book = openpyxl.load_workbook(io.BytesIO(dump_xlsx(layout_record())))

    def at(header: str, id_: str) -> Any:
        return cell_of(book, "Body", header, lambda r: r["Id"] == id_).value

    assert at("Text", "h1") == "Foreign\nMinister\tLindqvist Visits\nOttawa"  # its line breaks, as printed
    assert at("Layout: Lines", "h1") == '0 trailing=" \\t" ending=cr\n1 indent="    "\n2 indent=""'
    assert at("Layout: Gap", "s1") == '""'
    assert at("Layout: Gap", "s1.l1.i1") == '"\\t "'
    assert at("Layout: Gap", "s1.k1") == '" :\\t"'
    assert at("Layout: Joined", "s1.l1.i2") == '"  "'
    assert at("Key", "s1.k1") == "Venue"
    assert at("Text", "s1.k1") == "Rideau\tHall, Ottawa"
    assert at("Layout: Cell gaps", "s1.t1") == '1 gaps=["|  ", "  |"]\n2 gaps=["", "\\t", ""]'
    assert at("Layout: Rule lines", "s1.t1") == '1 text="|---|---|---|"\n3 text="+\\t+"'
    assert at("Layout: Style", "s1.t1") == "pipe"
    assert at("Part", "f.p1") == "Footer"
    lines = cell_of(book, "Record", "Value", lambda r: r["Field"] == "Document: Layout: Line layout")
    assert lines.value == '0 indent="  \\t" ending=cr\n1 indent=""'
    _, cells = rows_of(book, "Table rows")
    assert [row[2] for row in cells] == [3, 1, 2]  # ragged rows: each row's own length


def test_an_edit_to_a_layout_cell_comes_back_as_exactly_that_edit() -> None:
    record = layout_record()

    def change(book: Any) -> None:
        cell_of(book, "Body", "Layout: Gap", lambda r: r["Id"] == "s1").value = '"  "'
        # LibreOffice turns typed quotes into typographic ones; they are taken for straight ones.
        lines = cell_of(book, "Body", "Layout: Lines", lambda r: r["Id"] == "p1")
        lines.value = "0 indent=\u201c \u201d\n3 trailing=\u201c\\t\u201d  ending=lf\n\n"
        # A line break typed into a text is a break; Excel on Windows may store it as CR LF.
        cell_of(
            book, "Body", "Text", lambda r: r["Id"] == "s1.l1.i1.p1"
        ).value = "Minister Lindqvist said that both countries\r\nshare a strong interest in Arctic cooperation."
        cell_of(book, "Body", "Text", lambda r: r["Id"] == "h1").value = "Foreign Minister\tLindqvist Visits Ottawa"
        cell_of(book, "Body", "Layout: Lines", lambda r: r["Id"] == "h1").value = '0 trailing=" \\t" ending=cr'

    back = load_xlsx(edited(dump_xlsx(record), change), "edited.xlsx")
    expected = copy.deepcopy(record)
    doc = expected["document"]
    doc["body"][1]["gap"] = "  "
    doc["body"][0]["lines"] = [{"at": 0, "indent": " "}, {"at": 3, "trailing": "\t", "ending": "lf"}]
    doc["body"][1]["blocks"][0]["items"][0]["blocks"][0]["breaks"] = [6]
    del doc["header"][0]["breaks"]
    doc["header"][0]["lines"] = [{"at": 0, "trailing": " \t", "ending": "cr"}]
    assert back == expected


def test_a_layout_cell_out_of_its_notation_is_named_like_any_other_cell() -> None:
    def change(book: Any) -> None:
        cell_of(book, "Body", "Layout: Gap", lambda r: r["Id"] == "s1").value = "  "  # no quotes
        cell_of(book, "Body", "Layout: Lines", lambda r: r["Id"] == "p1").value = 'first indent=""'
        cell_of(book, "Body", "Layout: Joined", lambda r: r["Id"] == "s1.l1.i2").value = '"  " and more'
        cell_of(book, "Body", "Layout: Empty lines before", lambda r: r["Id"] == "h2").value = "none"

    def bad_gap(book: Any) -> None:
        cell_of(book, "Body", "Layout: Cell gaps", lambda r: r["Id"] == "s1.t1").value = '1 gaps=["|", "x"]'

    data = edited(dump_xlsx(layout_record()), change)
    book = openpyxl.load_workbook(io.BytesIO(data))

    def place(header: str, id_: str) -> str:
        return f"Body!{cell_of(book, 'Body', header, lambda r: r['Id'] == id_).coordinate}"

    found = {p.place: p for p in problems(data)}
    assert found[place("Layout: Gap", "s1")].rule == "xlsx.type"
    assert "double quotes" in found[place("Layout: Gap", "s1")].message
    assert found[place("Layout: Gap", "s1")].pointer == "/document/body/1/gap"
    assert "starts with its at" in found[place("Layout: Lines", "p1")].message
    assert "nothing after it" in found[place("Layout: Joined", "s1.l1.i2")].message
    assert found[place("Layout: Empty lines before", "h2")].rule == "xlsx.type"
    # In its notation but not a valid gap: the schema says so, at the cell it came from.
    (gaps,) = problems(edited(dump_xlsx(layout_record()), bad_gap))
    assert (gaps.rule, gaps.pointer) == ("schema.pattern", "/document/body/1/blocks/2/gaps/0/gaps/1")
    assert gaps.place == place("Layout: Cell gaps", "s1.t1")


def test_the_part_of_a_row_is_checked() -> None:
    def change(book: Any) -> None:
        cell_of(book, "Body", "Part", lambda r: r["Id"] == "p1").value = None
        cell_of(book, "Body", "Part", lambda r: r["Id"] == "h2").value = "Body"
        cell_of(book, "Body", "Part", lambda r: r["Id"] == "s1.s1").value = "Footer"
        cell_of(book, "Body", "Part", lambda r: r["Id"] == "h3").value = "Preface"

    data = edited(dump_xlsx(load_json(EXAMPLE)), change)
    found = sorted((p.rule, p.place, p.message) for p in problems(data) if p.rule.startswith("xlsx."))
    assert ("xlsx.parent", "Body!B5", "the row has no Part (one of Header, Body, Footer)") in found
    assert ("xlsx.parent", "Body!B3", "a date cannot be in the Body") in found
    assert ("xlsx.type", "Body!B4", "Part must be one of Header, Body, Footer") in found
    assert any(place == "Body!B7" and "its parent 's1' is in the Body" in m for _, place, m in found)


def test_an_empty_part_on_a_nested_row_is_its_parent_s() -> None:
    record = load_json(EXAMPLE)

    def change(book: Any) -> None:
        for row in book["Body"].iter_rows(min_row=2):
            if row[2].value is not None:  # a Parent: a nested row
                row[1].value = None

    assert load_xlsx(edited(dump_xlsx(record), change), "parts.xlsx") == record


WHITESPACE = st.text(st.sampled_from(" \t"), max_size=6)
AWKWARD = st.text(st.sampled_from(' \t|"\\\u201c\u201d=x\u00e9\n'), max_size=12)
LINE_KEYS = ["at", "indent", "trailing", "ending"]


@settings(max_examples=200, deadline=None)
@given(AWKWARD)
def test_a_quoted_text_reads_back_as_itself(value: str) -> None:
    assert unquote(quote(value)) == value
    assert "\t" not in quote(value)  # a tab is seen as \t


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {"at": st.integers(0, 10_000_000)},
            optional={
                "indent": WHITESPACE,
                "trailing": WHITESPACE.filter(bool),
                "ending": st.sampled_from(["lf", "crlf", "cr"]),
            },
        ),
        min_size=1,
        max_size=5,
    )
)
def test_entries_read_back_as_themselves(entries: list[dict[str, Any]]) -> None:
    written = write_entries(entries, LINE_KEYS, {"ending"})
    assert read_entries(written, LINE_KEYS) == entries
    gaps = [{"row": e["at"], "gaps": [e.get("indent", ""), '|"\\', ""]} for e in entries]
    assert read_entries(write_entries(gaps, ["row", "gaps"], set()), ["row", "gaps"]) == gaps


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('indent=""', "starts with its at"),
        ('0 indent=""ending=cr', "separated by spaces"),
        ("0 size=3", "unknown key 'size'"),
        ('0 indent="" indent=" "', "given twice"),
        ('0 indent="', "not closed"),
        ('0 indent="\\x"', "unknown escape"),
        ('0 gaps=["a" "b"]', "separated by commas"),
        ("", "no entries"),
    ],
)
def test_entries_out_of_their_notation_say_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(NotationError, match=message):
        read_entries(text, [*LINE_KEYS, "gaps"])


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("ab \t"), max_size=30).map(str.strip), st.data())
def test_line_breaks_in_a_cell_are_the_breaks_of_its_text(text: str, data: st.DataObject) -> None:
    spaces = text.count(" ")
    breaks = sorted(data.draw(st.sets(st.integers(1, spaces))) if spaces else set())
    shown = split_breaks(text, breaks)
    assert shown.count("\n") == len(breaks)
    assert join_breaks(shown) == (text, breaks)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(gap=WHITESPACE, joined=WHITESPACE, indent=WHITESPACE, trailing=WHITESPACE.filter(bool))
def test_any_whitespace_in_the_layout_round_trips(gap: str, joined: str, indent: str, trailing: str) -> None:
    record = layout_record()
    section = record["document"]["body"][1]
    section["gap"] = gap
    section["blocks"][0]["items"][1]["joined"] = joined
    record["document"]["body"][0]["lines"] = [{"at": 0, "indent": indent, "trailing": trailing}]
    assert load_xlsx(dump_xlsx(record), "book.xlsx") == record


def test_a_record_without_release_facts_round_trips_with_the_same_bytes_every_time() -> None:
    record = load_json(ROOT / "tests" / "cases" / "valid" / "minimal.json")
    del record["release"]
    data = dump_xlsx(record)
    assert load_xlsx(data, "book.xlsx") == record
    assert dump_xlsx(record) == data
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.properties.title == "Foreign Minister Lindqvist Visits Ottawa"  # the header's title
    assert book.properties.created == datetime.datetime(1980, 1, 1)


def test_layout_cells_longer_than_a_cell_holds_are_found_before_writing() -> None:
    """Texts fit a cell, but their notation may not: for a rule to refuse (Excel holds 32,767 units)."""
    record = layout_record()
    lay = layout()
    assert list(notation_overflows(lay, record, collect(lay, record), 32_767)) == []
    table = record["document"]["body"][1]["blocks"][2]
    table["rows"] = [["a", "b"]] * 3000
    table["gaps"] = [{"row": n, "gaps": ["", "  \t ", ""]} for n in range(3000)]
    record["document"]["body"][1]["gap"] = " " * 32_766  # within a text's limit; quoted, over it
    record["document"]["layout"]["blank_lines"] = 3000
    record["document"]["layout"]["lines"] = [{"at": n, "indent": "\t"} for n in range(3000)]
    found = notation_overflows(lay, record, collect(lay, record), 32_767)
    assert [(pointer, header) for pointer, header, _ in found] == [
        ("/document/layout/lines", "Document: Layout: Line layout"),
        ("/document/body/1/gap", "Layout: Gap"),
        ("/document/body/1/blocks/2/gaps", "Layout: Cell gaps"),
    ]


def test_golden_workbook_is_current() -> None:
    """examples/kono-russia-2000.xlsx is regenerated by the command in the README."""
    assert GOLDEN.read_bytes() == dump_xlsx(load_json(EXAMPLE)), (
        "stale: run visitexport convert examples/kono-russia-2000.json -o examples/kono-russia-2000.xlsx"
    )
    assert load_xlsx(GOLDEN.read_bytes(), str(GOLDEN)) == load_json(EXAMPLE)


def test_the_same_record_gives_the_same_bytes_at_another_time_and_zone() -> None:
    first = dump_xlsx(load_json(EXAMPLE))
    time.sleep(2.1)  # zip timestamps have a resolution of two seconds
    script = (
        "import sys, json, visitexport; sys.stdout.buffer.write(visitexport.dump_xlsx(json.load(open(sys.argv[1]))))"
    )
    env = {**os.environ, "TZ": "Pacific/Kiritimati"}
    second = subprocess.run([sys.executable, "-c", script, str(EXAMPLE)], env=env, capture_output=True, check=True)
    assert second.stdout == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2000-11-04T00:00:00Z" in core  # the release date, not the clock
    assert infos[-1].filename == "[Content_Types].xml"


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(GENERATED_FACTS)
def test_generated_facts_round_trip_through_xlsx(generated: dict[str, list[dict[str, Any]]]) -> None:
    record = visitexport.loads(visitexport.canonical_bytes(splice(generated)))
    data = dump_xlsx(record)
    assert load_xlsx(data, "generated.xlsx") == record


_LINE = re.compile(r"[^\x00-\x20\ufffe\uffff](?:[^\x00-\x1f\ufffe\uffff]*[^\x00-\x20\ufffe\uffff])?")
LINES = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x7f"), min_size=1, max_size=60
).filter(lambda s: bool(_LINE.fullmatch(s)))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=st.one_of(LINES, st.sampled_from(HOSTILE)), alias=LINES, summary=LINES)
def test_any_text_round_trips(name: str, alias: str, summary: str) -> None:
    record = load_json(EXAMPLE)
    record["people"][0]["name"] = name
    record["people"][0]["aliases"] = [alias]
    record["outcomes"][0]["summary"] = summary
    assert load_xlsx(dump_xlsx(record), "book.xlsx") == record


# --- safety -------------------------------------------------------------------------------


def hostile_record() -> dict[str, Any]:
    record = load_json(EXAMPLE)
    person, place, outcome = record["people"][0], record["places"][0], record["outcomes"]
    person["name"] = HOSTILE[0]
    person["aliases"] = HOSTILE
    place["name"] = "+1"
    place["normalised_name"] = "-1"
    record["organisations"][0]["name"] = "@SUM(A1)"
    for n, text in enumerate(HOSTILE):
        outcome[n]["summary"] = text
    hostile: dict[str, Any] = record
    return hostile


def test_formula_like_and_error_like_text_is_stored_as_text() -> None:
    record = hostile_record()
    data = dump_xlsx(record)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        styles = etree.fromstring(archive.read("xl/styles.xml"))
        quoted = [xf.get("quotePrefix") == "1" for xf in styles.find(f"{{{MAIN}}}cellXfs")]
        seen: set[str] = set()
        for name in sheets:
            root = etree.fromstring(archive.read(name))
            assert root.findall(f".//{{{MAIN}}}f") == [], f"{name} has a formula"
            for cell in root.iter(f"{{{MAIN}}}c"):
                assert cell.get("t") != "e", f"{name} {cell.get('r')} is an error cell"
                text = "".join(cell.itertext())
                if text in HOSTILE:
                    seen.add(text)
                    assert cell.get("t") in ("inlineStr", "s", "str"), (name, cell.get("r"))
                    if text[0] in "=+-@#" and text != "'quoted":
                        assert quoted[int(cell.get("s", "0"))], f"{text} at {cell.get('r')} has no quote prefix"
    assert seen == set(HOSTILE)
    assert load_xlsx(data, "book.xlsx") == record


def test_hostile_text_reads_back_through_openpyxl_as_text() -> None:
    book = openpyxl.load_workbook(io.BytesIO(dump_xlsx(hostile_record())))
    cell = cell_of(book, "People", "Name", lambda r: r["Id"] == "kono")
    assert cell.data_type == "s"
    assert cell.value == HOSTILE[0]


def test_text_a_cell_cannot_hold_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    record = load_json(EXAMPLE)
    record["outcomes"][0]["summary"] = "\U0001f600" * 20000  # 20,000 characters, 40,000 UTF-16 units
    source = tmp_path / "long.json"
    source.write_text(json.dumps(record), encoding="utf-8")
    out = tmp_path / "long.xlsx"
    result = run("convert", str(source), "-o", str(out))
    assert result.returncode == 1
    assert "text.cell-length" in result.stderr
    assert "/outcomes/0/summary" in result.stderr
    assert not out.exists()


def test_sheet_names_are_valid_unique_and_short() -> None:
    names = [s.name for s in layout().sheets]
    book = openpyxl.load_workbook(io.BytesIO(dump_xlsx(load_json(EXAMPLE))))
    assert book.sheetnames == ["About", "Record", *names, "Lists"]
    assert len({n.lower() for n in book.sheetnames}) == len(book.sheetnames)
    for name in book.sheetnames:
        assert 1 <= len(name) <= 31
        assert not re.search(r"[\[\]:*?/\\]", name)
        assert name[0] != "'"
    # Titles a schema might use that Excel cannot take as sheet names.
    schema = load_schema()
    people = schema["properties"]["people"]
    people["title"] = "People: who/what [all of them] in this release, by name"
    schema["properties"]["more_people"] = copy.deepcopy(people)
    made = [s.name for s in build_layout(build_model(schema)).sheets]
    assert made[3:5] == ["People- who-what -all of them-", "Titles"]
    assert "People- who-what -all of them 2" in made
    for name in made:
        assert len(name) <= 31
        assert not re.search(r"[\[\]:*?/\\]", name)


def test_a_new_schema_property_gets_a_column_with_no_code_change() -> None:
    schema = load_schema()
    person = schema["properties"]["people"]["items"]
    person["properties"]["born"] = {"title": "Born", "description": "Date of birth.", "$ref": "#/$defs/date"}
    schema["properties"]["release"]["properties"]["desk"] = {"title": "Desk", "type": "string"}
    made = build_layout(build_model(schema))
    assert made.sheet("People").column("Born") is not None
    assert "Release: Desk" in [label for label, _, _ in made.fields]
    record = load_json(EXAMPLE)
    record["people"][0]["born"] = "1937-01-15"
    rows = collect(made, record)["People"]
    assert rows[0].kind is not None
    assert rows[0].kind.paths["Born"] == ("born",)


# --- the layout a person sees ---------------------------------------------------------------


def test_layout_pleasant_to_use() -> None:
    record = load_json(EXAMPLE)
    data = dump_xlsx(record)
    book = openpyxl.load_workbook(io.BytesIO(data))
    for name in book.sheetnames[1:-1]:
        ws = book[name]
        assert all(c.font.b for c in ws[1] if c.value is not None), name
        assert ws.freeze_panes is not None, name
        assert ws.freeze_panes.endswith("2"), name
        assert ws.auto_filter.ref is not None, name
        assert ws.auto_filter.ref.startswith("A1:"), name
        widths = [d.width for d in ws.column_dimensions.values()]
        assert widths, name
        assert max(widths) <= 80, name
    assert book["Lists"].sheet_state == "hidden"
    headers, rows = rows_of(book, "People")
    assert headers == [
        "#",
        "Id",
        "Name",
        "Other printed names",
        "Referred to as",
        "Group",
        "Members",
        "Honorific",
        "Country",
        "Sources",
        "Worked out: Country: Basis",
        "Worked out: Country: Note",
    ]
    assert rows[0][:3] == [1, "kono", "Yohei Kono"]
    # Participants: engagement x person, side, role, title as printed.
    headers, rows = rows_of(book, "Participants")
    assert headers[:6] == ["#", "Engagement", "Person", "Side", "Role", "Title at the time: As printed"]
    # Outcomes: the due phrase and its bounds as real dates.
    due = cell_of(book, "Outcomes", "Due: Latest", lambda r: r["Id"] == "o-japan-center-spb")
    assert due.is_date
    assert due.number_format == "yyyy-mm-dd"
    assert due.value.date().isoformat() == "2000-12-31"
    printed = cell_of(book, "Outcomes", "Due: As printed", lambda r: r["Id"] == "o-japan-center-spb")
    assert printed.value == "by the end of the year"
    # Release text: header, body and footer in reading order; parent, depth, kind, label, text indented
    # by depth (left-aligned, or LibreOffice shows no indent); then the layout, which a reader may ignore.
    headers, rows = rows_of(book, "Body")
    assert headers == [
        "#", "Part", "Parent", "Depth", "Type", "Id", "Label", "Header rows", "Key", "Text",
        "Layout: Empty lines before", "Layout: Gap", "Layout: Joined", "Layout: Style", "Layout: Label alone",
        "Layout: Lines", "Layout: Cell gaps", "Layout: Rule lines",
    ]  # fmt: skip
    assert [r[5] for r in rows][:6] == ["h1", "h2", "h3", "p1", "s1", "s1.s1"]
    assert [r[4] for r in rows][:4] == ["title", "date", "issuer", "paragraph"]
    assert {r[1] for r in rows[:3]} == {"Header"}
    assert rows[-1][1] == "Footer"
    text = cell_of(book, "Body", "Text", lambda r: r["Id"] == "s1.s1.l1.i1.p1")
    assert text.alignment.indent == 4
    assert text.alignment.horizontal == "left"
    assert text.alignment.wrap_text
    # Ids and codes stay text.
    assert cell_of(book, "People", "Country", lambda r: r["Id"] == "kono").data_type == "s"


def test_ids_and_codes_that_look_like_numbers_or_other_things_stay_text() -> None:
    record = load_json(EXAMPLE)
    record["people"][0]["country"] = "NA"
    record["people"][1]["country"] = "NO"
    record["organisations"][0]["abbreviation"] = "007"
    record["places"][0]["normalised_name"] = "1e5"
    record["outcomes"][1]["summary"] = "2000-11-04"
    data = dump_xlsx(record)
    book = openpyxl.load_workbook(io.BytesIO(data))
    cell = cell_of(book, "Organisations", "Abbreviation", lambda r: r["Abbreviation"] == "007")
    assert cell.data_type == "s"
    assert load_xlsx(data, "book.xlsx") == record


def test_dropdowns_are_backed_by_ranges_and_ids_link_to_their_rows() -> None:
    book = openpyxl.load_workbook(io.BytesIO(dump_xlsx(load_json(EXAMPLE))))
    ws = book["Participants"]
    headers = [c.value for c in ws[1]]
    validations = {str(v.sqref).split(":")[0][0]: v for v in ws.data_validations.dataValidation}
    for header in ("Person", "Role", "Engagement"):
        letter = openpyxl.utils.get_column_letter(headers.index(header) + 1)
        formula = validations[letter].formula1
        assert validations[letter].type == "list", header
        assert "!$" in formula, header
        assert '"' not in formula, header
    assert validations["C"].formula1 == "'People'!$B$2:$B$7"
    kono = cell_of(book, "Participants", "Person", lambda r: r["Person"] == "kono")
    assert kono.hyperlink is not None
    assert kono.hyperlink.location == "'People'!B2"
    lists = book["Lists"]
    roles = [c.value for c in lists[validations["E"].formula1.split("$")[1]]][1:]
    assert "host" in roles
    assert "co_chair" in roles


# --- import that respects people ---------------------------------------------------------------


def test_sorted_reordered_and_restyled_workbook_imports_to_the_same_record() -> None:
    record = load_json(EXAMPLE)

    def person_edits(book: Any) -> None:
        for name in ("People", "Outcomes", "Body", "Participants", "Engagements"):
            ws = book[name]
            rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
            rows.sort(key=lambda r: str(r[2]), reverse=True)  # sort by the third column, descending
            for r, values in enumerate(rows, 2):
                for c, value in enumerate(values, 1):
                    ws.cell(r, c).value = value
            # Swap the first two columns, headers and all.
            for row in ws.iter_rows():
                row[0].value, row[1].value = row[1].value, row[0].value
            ws.column_dimensions["B"].width = 3
            ws.freeze_panes = None
            ws.auto_filter.ref = None
            ws["C2"].font = Font(name="Comic Sans MS", color="FF0000", italic=True)
            ws["D3"].fill = PatternFill("solid", fgColor="FFFF00")
        book.move_sheet("Body", offset=5)
        book.active = 3

    assert load_xlsx(edited(dump_xlsx(record), person_edits), "sorted.xlsx") == record


def test_a_changed_cell_comes_back_as_exactly_that_change() -> None:
    record = load_json(EXAMPLE)

    def change(book: Any) -> None:
        cell_of(book, "People", "Name", lambda r: r["Id"] == "putin").value = "V. V. Putin"
        cell_of(book, "Outcomes", "Due: Latest", lambda r: r["Id"] == "o-japan-center-spb").value = "2000-12-30"
        # Its EDTF form with it, or the two disagree (`date.edtf`).
        cell_of(book, "Outcomes", "Due: EDTF", lambda r: r["Id"] == "o-japan-center-spb").value = "../2000-12-30"

    back = load_xlsx(edited(dump_xlsx(record), change), "changed.xlsx")
    expected = copy.deepcopy(record)
    next(p for p in expected["people"] if p["id"] == "putin")["name"] = "V. V. Putin"
    due = next(o for o in expected["outcomes"] if o["id"] == "o-japan-center-spb")["due"]
    due.update({"latest": "2000-12-30", "edtf": "../2000-12-30"})
    assert back == expected


def test_rows_added_and_deleted_by_a_person() -> None:
    record = load_json(EXAMPLE)

    def change(book: Any) -> None:
        ws = book["Titles"]
        ws.append([1.5, "kono", "Former Minister", "Former Minister for Foreign Affairs"])
        ws.delete_rows(ws.max_row - 1)  # the last title of the last person

    back = load_xlsx(edited(dump_xlsx(record), change), "added.xlsx")
    assert back["people"][0]["titles"][1] == {
        "printed": "Former Minister",
        "normalised": "Former Minister for Foreign Affairs",
    }
    assert len(back["people"][-1].get("titles", [])) == len(record["people"][-1].get("titles", [])) - 1


def test_a_formula_typed_into_a_cell_is_refused_with_the_cell_named(tmp_path: Path) -> None:
    def change(book: Any) -> None:
        cell_of(book, "People", "Name", lambda r: r["Id"] == "putin").value = "=UPPER(C2)"

    data = edited(dump_xlsx(load_json(EXAMPLE)), change)
    found = problems(data)
    assert [(p.rule, p.place, p.pointer) for p in found] == [("xlsx.formula", "People!C3", "/people/1/name")]
    source, out = tmp_path / "book.xlsx", tmp_path / "out.json"
    source.write_bytes(data)
    result = run("convert", str(source), "-o", str(out))
    assert result.returncode == 1
    assert not out.exists()
    assert f"{source}:People!C3: xlsx.formula: a formula (=UPPER(C2)); type the value itself (/people/1/name)" in (
        result.stderr
    )


def test_every_problem_is_reported_at_once_with_its_cell_and_pointer() -> None:
    def change(book: Any) -> None:
        cell_of(book, "People", "Name", lambda r: r["Id"] == "kono").value = 42  # a number where text belongs
        cell_of(book, "Outcomes", "Summary", lambda r: r["Id"] == "o-vat-refund").value = "#N/A"  # text: fine
        book["Outcomes"]["D3"].value = None  # a missing required value: dealt with after assembly
        errors = cell_of(book, "Places", "Name", lambda r: r["Id"] == "moscow")
        errors.value = "#REF!"
        errors.data_type = "e"
        book["Statements"]["Z1"] = "Notes"  # an unknown column
        book.create_sheet("Scratch")  # an unknown sheet
        cell_of(book, "Titles", "#", lambda r: r["#"] == 2).value = 1  # a duplicate order

    found = problems(edited(dump_xlsx(load_json(EXAMPLE)), change))
    rules = {(p.rule, p.place) for p in found}
    assert ("xlsx.type", "People!C2") in rules
    assert ("xlsx.error", "Places!C2") in rules
    assert ("xlsx.column", "Statements!Z1") in rules
    assert ("xlsx.sheet", "Scratch!A1") in rules
    assert any(rule == "xlsx.order" and place.startswith("Titles!A") for rule, place in rules)
    by_place = {p.place: p for p in found}
    assert by_place["People!C2"].pointer == "/people/0/name"
    assert by_place["People!C2"].message == "a number (42) where text belongs"


def test_validation_problems_are_reported_at_their_cells() -> None:
    def schema_errors(book: Any) -> None:
        cell_of(book, "Outcomes", "Summary", lambda r: r["Id"] == "o-vat-refund").value = None
        cell_of(book, "People", "Country", lambda r: r["Id"] == "kono").value = "Japan"

    found = problems(edited(dump_xlsx(load_json(EXAMPLE)), schema_errors))
    assert [(p.rule, p.place, p.pointer) for p in found] == [
        ("schema.required", "Outcomes!A14", "/outcomes/12"),  # the row of the outcome missing its summary
        ("schema.enum", "People!I2", "/people/0/country"),
    ]

    def unknown_id(book: Any) -> None:
        cell_of(book, "Participants", "Person", lambda r: r["Person"] == "putin").value = "nobody"

    (found_one,) = problems(edited(dump_xlsx(load_json(EXAMPLE)), unknown_id))
    assert found_one.rule == "ref.unresolved"
    assert "nobody" in found_one.message
    # Putin is the first participant of the first engagement: row 2 of Participants.
    assert found_one.place == "Participants!C2"
    assert found_one.pointer == "/engagements/0/participants/0/person"


def test_missing_sheets_and_columns_are_problems_not_silent_losses() -> None:
    def change(book: Any) -> None:
        del book["Places"]
        book["People"].delete_cols(4)  # Other printed names

    found = problems(edited(dump_xlsx(load_json(EXAMPLE)), change))
    messages = [p.message for p in found]
    assert "sheet 'Places' is missing" in messages
    assert any("'Other printed names' is missing" in m for m in messages)


def test_parents_that_do_not_resolve_are_named() -> None:
    def change(book: Any) -> None:
        cell_of(book, "Titles", "Person", lambda r: r["Person"] == "putin").value = "nobody"
        cell_of(book, "Body", "Parent", lambda r: r["Id"] == "s1.s1").value = "s1.s1"  # its own parent: a loop

    found = problems(edited(dump_xlsx(load_json(EXAMPLE)), change))
    messages = {p.place.split("!")[0]: p.message for p in found if p.rule == "xlsx.parent"}
    assert "'nobody' is not on sheet 'People'" in messages["Titles"]
    assert "loop" in messages["Body"]


def test_libreoffice_style_boolean_formulas_are_constants_not_formulas() -> None:
    def change(book: Any) -> None:
        cell = cell_of(book, "Record", "Value", lambda r: r["Field"] == "Document: Layout: Final newline")
        cell.value = "=FALSE()"

    record = load_json(EXAMPLE)
    assert load_xlsx(edited(dump_xlsx(record), change), "lo.xlsx") == record


# --- hostile workbooks the reader meets after the package check --------------------------------


def problems_and_peak_memory(data: bytes) -> tuple[list[visitexport.Problem], int]:
    """The problems of `data`, and the most memory Python held while finding them."""
    tracemalloc.start()
    try:
        found = problems(data)
        return found, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def rezipped(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """The package with each part passed through `change(name, content)`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
    return out.getvalue()


def test_a_far_away_cell_without_a_declared_range_is_refused_while_reading() -> None:
    def far(book: Any) -> None:
        book["People"].cell(1_048_576, 1).value = 99

    data = edited(dump_xlsx(load_json(EXAMPLE)), far)
    # Without <dimension> the package check has nothing to go on; the reader must stop by itself.
    data = rezipped(data, lambda name, content: re.sub(rb"<dimension [^>]*/>", b"", content))
    found, peak = problems_and_peak_memory(data)
    assert [(p.rule, p.place) for p in found] == [("xlsx.range", "People!A1048576")]
    assert peak < 50_000_000


def test_a_declared_huge_range_is_refused_before_reading() -> None:
    def far(book: Any) -> None:
        book["People"].cell(1_048_576, 16_384).value = 99

    found = problems(edited(dump_xlsx(load_json(EXAMPLE)), far))
    assert {p.rule for p in found} == {"xlsx.range"}


def test_a_macro_enabled_package_is_refused() -> None:
    def macro(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return content.replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
        return content

    found = problems(rezipped(dump_xlsx(load_json(EXAMPLE)), macro))
    assert {p.rule for p in found} == {"xlsx.macro"}


# --- the command line ------------------------------------------------------------------------------


def test_convert_both_ways_on_the_command_line(tmp_path: Path) -> None:
    book, back = tmp_path / "kono.xlsx", tmp_path / "kono.json"
    assert run("convert", str(EXAMPLE), "-o", str(book)).returncode == 0
    assert book.read_bytes() == GOLDEN.read_bytes()
    done = run("convert", str(book), "--to", "json", "-o", str(back))
    assert done.returncode == 0, done.stderr
    assert back.read_bytes() == EXAMPLE.read_bytes()
    # Sniffed from the bytes when the name says nothing.
    anonymous = tmp_path / "kono.data"
    anonymous.write_bytes(book.read_bytes())
    assert run("convert", str(anonymous), "--to", "json").stdout == EXAMPLE.read_text(encoding="utf-8")


def test_a_workbook_is_not_written_to_a_terminal() -> None:
    import pty

    primary, secondary = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "visitexport", "convert", str(EXAMPLE), "--to", "xlsx"],
            stdout=secondary,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(primary)
        os.close(secondary)
    assert done.returncode == 2
    assert "an Excel workbook is binary; give -o FILE.xlsx or redirect standard output" in done.stderr


def test_an_invalid_workbook_leaves_an_existing_output_untouched(tmp_path: Path) -> None:
    def change(book: Any) -> None:
        cell_of(book, "People", "Id", lambda r: r["Id"] == "kono").value = 7

    source, out = tmp_path / "book.xlsx", tmp_path / "out.json"
    source.write_bytes(edited(dump_xlsx(load_json(EXAMPLE)), change))
    out.write_text("keep me", encoding="utf-8")
    done = run("convert", str(source), "-o", str(out))
    assert done.returncode == 1
    assert f"{source}:People!B2: xlsx.type: a number (7) where text belongs (/people/0/id)" in done.stderr
    assert out.read_text(encoding="utf-8") == "keep me"


def test_values_outside_the_layout_are_reported_not_dropped() -> None:
    def change(book: Any) -> None:
        book["People"]["M3"] = "a note beside the data, under no header"
        table = book["Table rows"]
        headers = [c.value for c in table[1]]
        table.delete_cols(headers.index("Cell 2") + 1)
        field = cell_of(book, "Record", "Value", lambda r: r["Field"] == "Document: Layout: List indent")
        field.value = "four"

    record = load_json(ROOT / "tests" / "cases" / "valid" / "table-and-footer.json")
    found = problems(edited(dump_xlsx(record), change))
    found_at = {(p.rule, p.place): p for p in found}
    assert ("xlsx.column", "People!M3") in found_at
    assert any(p.rule == "xlsx.column" and "'Cell 2' is missing" in p.message for p in found)
    typed = next(p for p in found if p.rule == "xlsx.type")
    assert typed.place.startswith("Record!B")
    assert typed.pointer == "/document/layout/list_indent"


def test_the_library_refuses_an_invalid_record_before_writing() -> None:
    record = load_json(EXAMPLE)
    record["people"][0]["name"] = "Yohei\x00Kono"
    with pytest.raises(InvalidRecordError) as caught:
        dump_xlsx(record)
    assert caught.value.problems[0].pointer == "/people/0/name"


# --- found by review: each of these once crashed, lost data or named the wrong cell ---------------


def sheet_part(data: bytes, title: str) -> str:
    """The zip part of the sheet titled `title` in a workbook written by dump_xlsx."""
    names = ["About", "Record", *[s.name for s in layout().sheets], "Lists"]
    return f"xl/worksheets/sheet{names.index(title) + 1}.xml"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (rb'<c r="A2" s="2" t="n"><v>1</v></c>', rb'<c r="A2" t="s"><v>99</v></c>'),  # no such shared string
        (rb'<c r="A2" s="2" t="n"><v>1</v></c>', rb'<c r="A2" t="n"><v>abc</v></c>'),  # not a number
        (rb'<c r="A2" s="2" t="n"><v>1</v></c>', rb'<c r="!!" t="n"><v>1</v></c>'),  # not a cell reference
        (rb'<row r="2"', rb'<row r="x"'),  # not a row number
    ],
)
def test_malformed_cells_are_problems_not_crashes(tmp_path: Path, old: bytes, new: bytes) -> None:
    data = dump_xlsx(load_json(EXAMPLE))
    part = sheet_part(data, "People")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert old in archive.read(part)
    broken = rezipped(data, lambda name, content: content.replace(old, new, 1) if name == part else content)
    found = problems(broken)
    assert any(p.rule in ("xlsx.zip", "xlsx.type", "xlsx.order") and p.place.startswith("People!") for p in found)
    source = tmp_path / "broken.xlsx"
    source.write_bytes(broken)
    assert run("convert", str(source), "--to", "json").returncode == 1


def test_a_row_number_that_repeats_is_refused_not_skipped() -> None:
    data = dump_xlsx(load_json(EXAMPLE))
    part = sheet_part(data, "Organisations")
    repeated = rezipped(data, lambda n, c: c.replace(b'<row r="3"', b'<row r="2"', 1) if n == part else c)
    found = problems(repeated)
    assert [(p.rule, p.place) for p in found] == [("xlsx.row", "Organisations!A2")]


def test_two_sheets_of_one_name_are_refused() -> None:
    data = dump_xlsx(load_json(EXAMPLE))

    def twice(name: str, content: bytes) -> bytes:
        if name == "xl/workbook.xml":
            first = re.search(rb'<sheet [^>]*name="Statements"[^>]*/>', content)
            assert first is not None
            return content.replace(first.group(0), first.group(0) + first.group(0).replace(b'sheetId="', b'sheetId="9'))
        return content

    found = problems(rezipped(data, twice))
    assert ("xlsx.sheet", "Statements!A1") in {(p.rule, p.place) for p in found}


def test_parents_nested_deeper_than_records_may_are_refused_not_a_crash() -> None:
    record = load_json(EXAMPLE)

    def chain(book: Any) -> None:
        ws = book["Body"]
        headers = [c.value for c in ws[1]]
        for n in range(300):
            row = dict.fromkeys(headers)
            row.update({"#": 1000 + n, "Type": "section", "Id": f"deep{n}", "Text": "Deep"})
            row["Parent"] = f"deep{n - 1}" if n else "s1"
            ws.append([row[h] for h in headers])

    found = problems(edited(dump_xlsx(record), chain))
    assert {p.rule for p in found} == {"json.depth"}
    assert len(found) == 1


def test_problems_name_the_cell_of_the_column_they_concern() -> None:
    def change(book: Any) -> None:
        cell_of(book, "Titles", "Person", lambda r: r["#"] == 2).value = None
        cell_of(book, "Body", "Type", lambda r: r["Id"] == "p1").value = None
        document = book["Body"]
        for row in document.iter_rows():  # Parent moved to where Header rows was
            row[2].value, row[7].value = row[7].value, row[2].value
        cell_of(book, "Body", "Parent", lambda r: r["Id"] == "s1.s1").value = "nowhere"

    found = problems(edited(dump_xlsx(load_json(EXAMPLE)), change))
    kinds = "title, qualifier, date, issuer, chrome, section, paragraph, list, table, field, item"
    assert [(p.rule, p.place, p.message) for p in found] == [
        ("xlsx.type", "Body!E5", f"Type must be one of {kinds}"),
        ("xlsx.parent", "Titles!B3", "the row has no Person"),
        ("xlsx.parent", "Body!H7", "Parent 'nowhere' is not the id of a row on this sheet"),
    ]


def test_formulas_are_refused_in_every_column() -> None:
    def change(book: Any) -> None:
        cell_of(book, "Record", "Description", lambda r: r["Field"] == "Record id").value = "=1+1"
        cell_of(book, "Body", "Depth", lambda r: r["Id"] == "p1").value = "=0"
        cell_of(book, "People", "#", lambda r: r["Id"] == "kono").value = "=1"

    found = problems(edited(dump_xlsx(load_json(EXAMPLE)), change))
    assert {(p.rule, p.place) for p in found} == {
        ("xlsx.formula", "Record!C3"),
        ("xlsx.formula", "Body!D5"),
        ("xlsx.formula", "People!A2"),
    }


def test_a_date_cell_is_taken_where_a_day_month_or_year_belongs() -> None:
    record = load_json(EXAMPLE)

    def change(book: Any) -> None:
        start = cell_of(book, "Record", "Value", lambda r: r["Field"] == "Visit: Period: Start")
        start.value = datetime.datetime(2000, 11, 1)
        start.number_format = "dd/mm/yyyy"

    assert load_xlsx(edited(dump_xlsx(record), change), "typed.xlsx") == record

    def number(book: Any) -> None:
        cell_of(book, "Record", "Value", lambda r: r["Field"] == "Visit: Period: Start").value = 36831

    (found,) = problems(edited(dump_xlsx(record), number))
    assert found.message == "a number (36831) where a date (a date cell or YYYY-MM-DD) belongs"
    assert found.pointer == "/visit/period/start"


def test_text_that_looks_like_an_ooxml_escape_round_trips() -> None:
    record = load_json(EXAMPLE)
    record["people"][0]["aliases"] = ["a_x0041_b", "x005F_y", "_x005F_", "_xD800_", "_x005F_x0041_", "_x0041_x0042_"]
    data = dump_xlsx(record)
    assert load_xlsx(data, "escapes.xlsx") == record
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert cell_of(book, "People", "Other printed names", lambda r: r["Id"] == "kono").value.startswith(
        "a_x005F_x0041_b"
    )


def test_dropdowns_and_links_point_at_the_id_column() -> None:
    book = openpyxl.load_workbook(io.BytesIO(dump_xlsx(load_json(EXAMPLE))))
    ws = book["Statements"]
    headers = [c.value for c in ws[1]]
    letter = openpyxl.utils.get_column_letter(headers.index("Engagement") + 1)
    (validation,) = [v for v in ws.data_validations.dataValidation if str(v.sqref).startswith(letter)]
    engagements = book["Engagements"]
    id_letter = openpyxl.utils.get_column_letter([c.value for c in engagements[1]].index("Id") + 1)
    assert validation.formula1 == f"'Engagements'!${id_letter}$2:${id_letter}$5"
    link = cell_of(book, "Statements", "Engagement", lambda r: r["Engagement"] == "courtesy-call").hyperlink
    target = link.location.split("!")[1]
    assert engagements[target].value == "courtesy-call"


def replaced_in(data: bytes, title: str, old: bytes, new: bytes) -> bytes:
    part = sheet_part(data, title)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert old in archive.read(part), old
    return rezipped(data, lambda name, content: content.replace(old, new, 1) if name == part else content)


def test_cells_of_unknown_types_and_odd_formulas_are_named() -> None:
    data = dump_xlsx(load_json(EXAMPLE))
    odd = replaced_in(
        data,
        "People",
        rb'<c r="C2" s="2" t="inlineStr"><is><t>Yohei Kono</t></is></c>',
        rb'<c r="C2" t="zz"><v>1</v></c>',
    )
    assert [(p.rule, p.place) for p in problems(odd)][:1] == [("xlsx.type", "People!C2")]
    array = replaced_in(
        data,
        "People",
        rb'<c r="C2" s="2" t="inlineStr"><is><t>Yohei Kono</t></is></c>',
        rb'<c r="C2"><f t="array" ref="C2">UPPER(B2)</f><v>X</v></c>',
    )
    (found,) = problems(array)
    assert (found.rule, found.place, found.message) == (
        "xlsx.formula",
        "People!C2",
        "a formula (=UPPER(B2)); type the value itself",
    )


def test_a_negative_shared_string_index_is_refused_not_wrapped_around() -> None:
    data = dump_xlsx(load_json(EXAMPLE))
    part = sheet_part(data, "People")

    def shared(name: str, content: bytes) -> bytes:
        if name == part:
            return content.replace(
                rb'<c r="C2" s="2" t="inlineStr"><is><t>Yohei Kono</t></is></c>', rb'<c r="C2" t="s"><v>-1</v></c>', 1
            )
        if name == "[Content_Types].xml":
            override = (
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            )
            return content.replace(b"</Types>", override + b"</Types>")
        return content

    with_strings = rezipped(data, shared)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(with_strings)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        strings = f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>ZW</t></si></sst>'
        target.writestr("xl/sharedStrings.xml", strings)
    assert ("xlsx.zip", "People!A2") in {(p.rule, p.place) for p in problems(out.getvalue())}


def test_an_iso_date_cell_is_taken_where_a_day_belongs() -> None:
    record = load_json(EXAMPLE)
    data = dump_xlsx(record)
    period = next(i for i, (label, _, _) in enumerate(layout().fields) if label == "Visit: Period: Start") + 2
    old = f'<c r="B{period}" s="'.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = archive.read(sheet_part(data, "Record"))
    cell = re.search(re.escape(old) + rb'[0-9]+" t="inlineStr"><is><t>2000-11-01</t></is></c>', content)
    assert cell is not None
    iso = replaced_in(data, "Record", cell.group(0), f'<c r="B{period}" t="d"><v>2000-11-01</v></c>'.encode())
    assert load_xlsx(iso, "iso.xlsx") == record


def test_a_sheet_of_too_many_cells_is_refused_before_openpyxl_reads_it() -> None:
    data = dump_xlsx(load_json(EXAMPLE))
    many = b"".join(b'<c r="A%d"/>' % n for n in range(800_000))
    crowded = replaced_in(data, "People", b'<row r="2"', b'<row r="9999">' + many + b'</row><row r="2"')
    found, peak = problems_and_peak_memory(crowded)
    assert [p.rule for p in found] == ["xlsx.range"]
    assert "800,0" in found[0].message
    assert peak < 40_000_000


# --- empty cells ----------------------------------------------------------------------------

TABLE_RECORD = VALID[[p.stem for p in VALID].index("table-and-footer")]


def test_an_empty_table_cell_round_trips() -> None:
    record = load_json(TABLE_RECORD)
    rows = record["document"]["body"][2]["blocks"][1]["rows"]
    rows[2][1] = ""
    rows.append(["", ""])
    data = dump_xlsx(record)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        table = archive.read(sheet_part(data, "Table rows"))
    # How openpyxl writes "": an inline string with no <is> at all.
    assert re.search(rb'<c r="E4" s="2" t="inlineStr">(</c>|/>)', table) is not None
    assert load_xlsx(data, "x.xlsx") == record


def test_empty_text_cells_read_as_no_value() -> None:
    """Blank inline strings, as openpyxl and pandas write them, where a value could be."""
    record = load_json(TABLE_RECORD)
    data = dump_xlsx(record)
    address = next(i for i, (label, _, _) in enumerate(layout().fields) if label == "Release: Address") + 2
    blank_field = replaced_in(
        data,
        "Record",
        f'<c r="C{address}" s="7"'.encode(),
        f'<c r="B{address}" t="inlineStr"/><c r="C{address}" s="7"'.encode(),
    )
    # An empty list of aliases, an empty cell under no header, and a row of nothing but empty cells.
    alias = rb'<c r="D2" s="2" t="inlineStr"><is><t>Lim</t></is></c>'
    blank_people = replaced_in(
        blank_field, "People", alias, rb'<c r="D2" t="inlineStr"><is><t/></is></c><c r="Z2" t="str"/>'
    )
    blank_people = replaced_in(
        blank_people,
        "People",
        b"</sheetData>",
        b'<row r="90"><c r="A90" t="inlineStr"/><c r="C90" t="s"/></row></sheetData>',
    )
    last = rb'<c r="E4" s="2" t="inlineStr"><is><t>Minister Lim and Minister Pham</t></is></c>'
    blank_cell = replaced_in(blank_people, "Table rows", last, rb'<c r="E4" t="inlineStr"/><c r="F4" t="inlineStr"/>')
    back = load_xlsx(blank_cell, "blank.xlsx")
    assert "url" not in back["release"]
    expected = load_json(TABLE_RECORD)
    expected["document"]["body"][2]["blocks"][1]["rows"][2][1] = ""
    del expected["people"][0]["aliases"]
    assert back == expected


def test_an_empty_cell_where_a_value_is_required_is_reported_as_missing() -> None:
    data = dump_xlsx(load_json(TABLE_RECORD))
    no_order = replaced_in(data, "People", rb'<c r="A2" s="2" t="n"><v>1</v></c>', rb'<c r="A2" t="inlineStr"/>')
    assert [(p.rule, p.place) for p in problems(no_order)] == [("xlsx.order", "People!A2")]
    no_count = replaced_in(data, "Table rows", rb'<c r="C3" s="2" t="n"><v>2</v></c>', rb'<c r="C3" t="inlineStr"/>')
    assert [(p.rule, p.place) for p in problems(no_count)] == [("xlsx.cells", "'Table rows'!C3")]
    unknown = replaced_in(data, "People", rb'<c r="A2" s="2" t="n"><v>1</v></c>', rb'<c r="A2" t="zz"/>')
    assert [(p.rule, p.place) for p in problems(unknown)][:1] == [("xlsx.type", "People!A2")]


def test_column_letters_are_spelled_as_openpyxl_spells_them_and_read_back() -> None:
    from openpyxl.utils import get_column_letter

    from visitexport.formats.xlsx.refs import column_number, letter

    for column in range(1, 18_279):  # A to ZZZ, every column a three-letter reference can name
        assert letter(column) == get_column_letter(column)
        assert column_number(letter(column)) == column == column_number(letter(column).lower())


# --- styled empty rows, and parts named when openpyxl cannot read them ------------------------------------------------


@pytest.mark.parametrize(
    "row",
    [
        f'<row r="{EXCEL_ROWS}"><c r="A{EXCEL_ROWS}" s="1"/></row>',
        f'<row r="{MAX_ROWS + 2}" s="1" customFormat="1">'
        f'<c r="A{MAX_ROWS + 2}" s="1"/><c r="B{MAX_ROWS + 2}" s="1"/></row>',
    ],
)
def test_a_styled_empty_row_past_the_limit_holds_no_value_and_is_read_past(row: str) -> None:
    record = load_json(EXAMPLE)
    data = replaced_in(dump_xlsx(record), "People", b"</sheetData>", row.encode() + b"</sheetData>")
    assert load_xlsx(data) == record


def test_a_value_in_a_styled_row_past_the_limit_is_still_refused() -> None:
    row = f'<row r="{EXCEL_ROWS}"><c r="A{EXCEL_ROWS}" s="1"/><c r="B{EXCEL_ROWS}" t="n"><v>7</v></c></row>'
    data = replaced_in(dump_xlsx(load_json(EXAMPLE)), "People", b"</sheetData>", row.encode() + b"</sheetData>")
    found = problems(data)
    assert [(p.rule, p.place) for p in found] == [("xlsx.range", f"People!A{EXCEL_ROWS}")]
    assert f"a value beyond row {MAX_ROWS + 1:,}" in found[0].message


def test_styled_empty_rows_by_the_hundred_thousand_are_refused_before_reading() -> None:
    rows = b'<row s="1" customFormat="1"/>' * MAX_PART_ROWS
    data = replaced_in(dump_xlsx(load_json(EXAMPLE)), "People", b"</sheetData>", rows + b"</sheetData>")
    found, peak = problems_and_peak_memory(data)
    assert [p.rule for p in found] == ["xlsx.range"]
    assert f"part {sheet_part(data, 'People')}: " in found[0].message
    assert f"rows, more than the limit of {MAX_PART_ROWS:,}" in found[0].message
    assert peak < 40_000_000


def test_a_sheet_that_is_not_well_formed_is_named_by_its_part() -> None:
    # openpyxl reads a sheet without <dimension> to its end as it opens the workbook, and fails there.
    data = dump_xlsx(load_json(EXAMPLE))
    broken = replaced_in(data, "People", b'<row r="3"', b'<row r="3"><c r="A3"><v>1</v></c></oops><row r="3"')
    (problem,) = problems(broken)
    assert problem.rule == "xlsx.zip"
    assert f"part {sheet_part(data, 'People')} cannot be read: mismatched tag" in problem.message


def test_a_cell_openpyxl_cannot_read_is_named_by_its_part_and_place() -> None:
    data = dump_xlsx(load_json(EXAMPLE))
    broken = replaced_in(data, "People", rb'<c r="A2" s="2" t="n"><v>1</v></c>', rb'<c r="A2" t="n"><v>abc</v></c>')
    found = [p for p in problems(broken) if p.rule == "xlsx.zip"]
    assert [p.place for p in found] == ["People!A2"]
    assert found[0].message.startswith(f"part {sheet_part(data, 'People')}: the sheet cannot be read after row 1: ")


def test_shared_strings_openpyxl_cannot_parse_are_named_by_their_part() -> None:
    strings = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def change(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml":
            override = f'<Override PartName="/xl/shared.xml" ContentType="{strings}"/>'
            return content.replace(b"</Types>", override.encode() + b"</Types>")
        return content

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        with zipfile.ZipFile(io.BytesIO(rezipped(dump_xlsx(load_json(EXAMPLE)), change))) as source:
            for info in source.infolist():
                target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/shared.xml", f'<sst xmlns="{main}"><si><t>a</t></si></oops></sst>')
    (problem,) = problems(out.getvalue())
    assert problem.rule == "xlsx.zip"
    assert problem.message.startswith("not a workbook: the shared strings (part xl/shared.xml) cannot be read: ")
    assert "mismatched tag" in problem.message
