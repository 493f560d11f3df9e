"""Each private openpyxl name `visitexport.formats.xlsx.adapter` relies on exists and behaves as it assumes.

An openpyxl upgrade that moves one of them fails here, with a message that
names what moved and what it was for, rather than somewhere in a round trip.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from visitexport.formats.xlsx import adapter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def saved(book: Any) -> dict[str, str]:
    """The parts of `book` once written, by name."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        ExcelWriter(book, archive).write_data()
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def written(build: Callable[[Any], None]) -> tuple[str, dict[str, str]]:
    """The XML of a write-only sheet that `build` filled, and every part of its workbook."""
    book = openpyxl.Workbook(write_only=True)
    build(book.create_sheet("Sheet"))
    parts = saved(book)
    return parts["xl/worksheets/sheet1.xml"], parts


# --- what has moved --------------------------------------------------------------------


def test_nothing_the_adapter_relies_on_is_missing() -> None:
    assert adapter.check_openpyxl() == []


@pytest.mark.parametrize(
    ("owner", "name", "said"),
    [
        (
            WriteOnlyWorksheet,
            "_values_to_row",
            "openpyxl.worksheet._write_only.WriteOnlyWorksheet._values_to_row is gone: "
            "the writer hands rows of ready cells to it",
        ),
        (WriteOnlyWorksheet, "_get_writer", "WriteOnlyWorksheet._get_writer is gone"),
        (WriteOnlyWorksheet, "_writer", "WriteOnlyWorksheet._writer is gone"),
        (WorksheetWriter, "write_hyperlinks", "WorksheetWriter.write_hyperlinks is gone"),
        (WorksheetWriter, "write_row", "WorksheetWriter.write_row is gone"),
        (Cell, "style_id", "Cell.style_id or .has_style is gone"),
        (ReadOnlyWorksheet, "_get_source", "ReadOnlyWorksheet._get_source is gone"),
        (WorkSheetParser, "parse", "WorkSheetParser.parse is gone"),
    ],
)
def test_a_missing_name_is_said_with_what_it_was_for(
    monkeypatch: pytest.MonkeyPatch, owner: type, name: str, said: str
) -> None:
    holder = next(k for k in owner.__mro__ if name in vars(k))
    monkeypatch.delattr(holder, name)
    found = adapter.check_openpyxl()
    assert any(said in message for message in found), found


def test_a_missing_writer_attribute_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    def without_rels(self: Any, ws: Any, out: Any = None) -> None:
        self.ws, self.out, self.xf = ws, out, None
        ws._hyperlinks = []

    monkeypatch.setattr(WorksheetWriter, "__init__", without_rels)
    assert adapter.check_openpyxl() == [
        "openpyxl.worksheet._writer.WorksheetWriter._rels is gone: the writer writes a sheet's links through it"
    ]


# --- writing ---------------------------------------------------------------------------


def test_values_to_row_is_replaced_by_one_that_passes_ready_cells_through() -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Sheet")
    adapter.prepare_row_cells(sheet)
    cells = [WriteOnlyCell(sheet, "x")]
    assert sheet._values_to_row(cells, 9) is cells


def test_the_style_array_and_id_of_a_styled_cell() -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Sheet")
    cell = WriteOnlyCell(sheet)
    cell.font = Font(bold=True)
    array, style_id = adapter.registered_style(cell)
    assert isinstance(array, StyleArray)
    assert array.fontId != 0
    assert style_id > 0
    assert book._cell_styles[style_id] == array
    assert adapter.registered_style(cell)[1] == style_id  # the same style is not added twice


def test_pooled_cells_are_refilled_row_after_row_and_their_style_id_is_taken_as_given() -> None:
    def build(sheet: Any) -> None:
        adapter.prepare_row_cells(sheet)
        adapter.start_writing(sheet, [])
        plain = adapter.pooled_cell(sheet, 1, StyleArray(), 0)
        # Id 7 is no style of this workbook: openpyxl writes it, so it asks the cell, not the style table.
        styled = adapter.pooled_cell(sheet, 2, StyleArray([1, 0, 0, 0, 0, 0, 0, 0, 0]), 7)
        adapter.fill_row(sheet, 1, [(plain, "=1+1", "s"), (styled, "#N/A", "s")])
        adapter.fill_row(sheet, 2, [(plain, 2, "n"), (styled, True, "b")])

    xml, _ = written(build)
    assert '<row r="1"><c r="A1" t="inlineStr"><is><t>=1+1</t></is></c>' in xml  # text, never a formula
    assert '<c r="B1" s="7" t="inlineStr"><is><t>#N/A</t></is></c>' in xml
    assert '<row r="2"><c r="A2" t="n"><v>2</v></c><c r="B2" s="7" t="b"><v>1</v></c></row>' in xml


def test_links_within_the_workbook_are_written_as_plain_xml() -> None:
    links: list[tuple[str, str]] = []

    def build(sheet: Any) -> None:
        adapter.start_writing(sheet, links)
        links.append(("A1", "'Other sheet'!A2"))  # added after the start, as the writer does
        sheet.append(["x"])

    xml, parts = written(build)
    assert '<hyperlinks><hyperlink ref="A1" location="\'Other sheet\'!A2"/></hyperlinks>' in xml
    assert "xl/worksheets/_rels/sheet1.xml.rels" not in parts


def test_web_links_get_relationships_and_keep_the_links_within_the_workbook() -> None:
    links = [("B1", "'Other'!A1")]

    def build(sheet: Any) -> None:
        adapter.start_writing(sheet, links)
        adapter.add_web_link(sheet, "A1", "https://example.org/")
        sheet.append(["x", "y"])

    xml, parts = written(build)
    found = re.search(r"<hyperlinks>.*</hyperlinks>", xml)
    assert found is not None
    assert re.fullmatch(
        r'<hyperlinks><hyperlink ref="A1" r:id="(rId\d+)"/><hyperlink ref="B1" location="\'Other\'!A1"/></hyperlinks>',
        found.group(0).replace(' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"', ""),
    ), found.group(0)
    rels = parts["xl/worksheets/_rels/sheet1.xml.rels"]
    assert 'Target="https://example.org/"' in rels
    assert 'TargetMode="External"' in rels


def test_row_heights_and_column_widths_are_plain_xml() -> None:
    def build(sheet: Any) -> None:
        adapter.set_widths(sheet, [12, 7.5])
        adapter.set_row_height(sheet, 2, 30)
        sheet.append(["a"])
        sheet.append(["b"])

    xml, _ = written(build)
    assert (
        '<cols><col width="12" customWidth="1" min="1" max="1"/>'
        '<col width="7.5" customWidth="1" min="2" max="2"/></cols>' in xml
    )
    assert '<row r="2" ht="30" customHeight="1">' in xml
    assert '<row r="1">' in xml
    assert "outlineLevelCol" not in xml


# --- reading ---------------------------------------------------------------------------


def reader_of(book: Any, strings: list[str] | None = None) -> Any:
    """An openpyxl reader of `book`; with `strings`, its text cells made shared (openpyxl writes inline ones)."""
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    if strings is not None:
        data = with_shared_strings(data, strings)
    reader = ExcelReader(io.BytesIO(data), read_only=True, keep_vba=False, data_only=False, keep_links=False)
    reader.read()
    return reader


def with_shared_strings(data: bytes, strings: list[str]) -> bytes:
    """The package with every inline string of its first sheet replaced by the next of `strings`, shared."""
    index = iter(range(len(strings)))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name).decode()
            if name == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    r't="inlineStr"><is><t>[^<]*</t></is>', lambda _: f't="s"><v>{next(index)}</v>', content
                )
            elif name == "[Content_Types].xml":
                override = (
                    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                )
                content = content.replace("</Types>", override + "</Types>")
            target.writestr(name, content)
        items = "".join(f"<si><t>{text}</t></si>" for text in strings)
        target.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{items}</sst>')
    return out.getvalue()


def test_the_shared_strings_part_is_opened_as_written() -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    reader = reader_of(book, ["a_x005F_b"])
    part = adapter.shared_strings_part(reader)
    assert part is not None
    with part:
        assert b"<si><t>a_x005F_b</t></si>" in part.read()
    reader.wb.close()


def test_a_workbook_without_shared_strings_has_no_part() -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = 1
    reader = reader_of(book)
    assert adapter.shared_strings_part(reader) is None
    reader.wb.close()


def test_sheet_rows_come_from_the_parser_with_dates_and_durations_told_apart() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["text", 2.5, datetime.date(2000, 11, 4), datetime.timedelta(hours=30), "=A1"])
    sheet["B3"] = True
    reader = reader_of(book, ["in the file"])
    shared = ["from the list"]  # the reader's strings, not openpyxl's own
    with adapter.sheet_rows(reader.wb, 0, shared) as rows:
        found = list(rows)
    reader.wb.close()
    assert [number for number, _ in found] == [1, 3]
    first = found[0][1]
    assert [(c["row"], c["column"], c["data_type"]) for c in first] == [
        (1, 1, "s"),
        (1, 2, "n"),
        (1, 3, "d"),
        (1, 4, "d"),
        (1, 5, "f"),
    ]
    assert [c["value"] for c in first] == [
        "from the list",
        2.5,
        datetime.datetime(2000, 11, 4),
        datetime.timedelta(hours=30),
        "=A1",
    ]
    assert [(c["value"], c["data_type"]) for c in found[1][1]] == [(True, "b")]


def test_an_empty_inline_string_is_left_with_its_own_type_and_no_value() -> None:
    """`xlsx_source` counts on this to tell an empty text cell from a cell of an unknown type."""
    book = openpyxl.Workbook()
    book.active["A1"] = ""  # written as an inline string with no text
    reader = reader_of(book)
    with adapter.sheet_rows(reader.wb, 0, []) as rows:
        found = list(rows)
    reader.wb.close()
    assert [[(c["value"], c["data_type"]) for c in cells] for _, cells in found] == [[(None, "inlineStr")]]


# --- the adapter is the only place --------------------------------------------------------

PRIVATE = re.compile(
    r"\.(_values_to_row|_get_writer|_writer|write_hyperlinks|_hyperlinks|_rels|_style|_value|_get_source"
    r"|_date_formats|_timedelta_formats|row_dimensions|column_dimensions)\b|reader\.(archive|package)\b"
    r"|WorkSheetParser|PooledCell"
)


def test_no_other_module_of_the_package_touches_what_the_adapter_wraps() -> None:
    package = Path(adapter.__file__).parents[2]
    # The rooms that use openpyxl (the layout is named here too: it must stay free of it).
    for path in sorted([*(package / "formats" / "xlsx").glob("*.py"), *(package / "formats" / "tabular").glob("*.py")]):
        if path == Path(adapter.__file__):
            continue
        code = path.read_text(encoding="utf-8")
        found = PRIVATE.search(code)
        assert found is None, f"{path.relative_to(package)}: {found.group(0) if found else ''} belongs in the adapter"


def test_excel_writer_copies_write_only_sheets_as_files_and_the_rest_as_data() -> None:
    """What `cells.FixedZip` counts on to give every entry one timestamp: these two calls, nothing else."""
    calls: list[tuple[str, str]] = []

    class Recording(zipfile.ZipFile):
        def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
            calls.append(("writestr", type(zinfo_or_arcname).__name__))
            super().writestr(zinfo_or_arcname, data, *args, **kwargs)

        def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
            calls.append(("write", str(arcname)))
            super().write(filename, arcname, *args, **kwargs)

    book = openpyxl.Workbook(write_only=True)
    book.create_sheet("Sheet").append(["x"])
    with Recording(io.BytesIO(), "w") as archive:
        ExcelWriter(book, archive).write_data()
        names = archive.namelist()
    assert ("write", "xl/worksheets/sheet1.xml") in calls
    assert {call for call in calls if call[0] == "writestr"} == {("writestr", "str")}
    assert len(calls) == len(names)
