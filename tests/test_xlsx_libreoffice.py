"""The workbooks open in a real spreadsheet program: LibreOffice, headless.

LibreOffice converts every sheet of every generated workbook to CSV; the
values must be the ones written. It also re-saves the seed's workbook (and
one full of layout trivia) as .xlsx, which must import to the identical
record, and prints the Body sheet to PDF, where the texts must stand
indented by their depth.

Locally the tests skip when LibreOffice is not installed (saying so); CI
installs it (Debian's libreoffice-calc-nogui) and sets
VISITEXPORT_REQUIRE_LIBREOFFICE=1, which turns a missing program into a failure.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from visitexport import dump_xlsx, load_xlsx

from .conftest import EXAMPLE, VALID, load_json
from .test_xlsx import layout_record

RECORDS = [EXAMPLE, *VALID]
# Separator, quote, UTF-8, from line 1, default cell format, language, no quoting as text,
# detect special numbers, as shown, no formulas, keep spaces, every sheet (-1: one file per sheet).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("VISITEXPORT_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required here (VISITEXPORT_REQUIRE_LIBREOFFICE is set) but not installed")
        pytest.skip("LibreOffice (soffice) is not installed; install Debian's libreoffice-calc-nogui to run this test")
    return found


def convert(program: str, target: str, files: list[Path], out: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "error" not in done.stderr.lower().replace("failed to launch javaldx", ""), done.stderr
    return done


def shown(value: Any) -> str:
    """A cell's value as LibreOffice shows it in CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value)


def trimmed(rows: list[list[str]]) -> list[list[str]]:
    out = []
    for row in rows:
        end = len(row)
        while end and row[end - 1] == "":
            end -= 1
        out.append(row[:end])
    while out and not out[-1]:
        out.pop()
    return out


def test_every_sheet_opens_with_the_values_written(tmp_path: Path) -> None:
    program = soffice()
    books = []
    for path in RECORDS:
        book = tmp_path / f"{path.stem}.xlsx"
        book.write_bytes(dump_xlsx(load_json(path)))
        books.append(book)
    out = tmp_path / "csv"
    convert(program, CSV_FILTER, books, out, tmp_path / "profile")
    for book in books:
        workbook = openpyxl.load_workbook(book)
        for ws in workbook.worksheets:
            exported = out / f"{book.stem}-{ws.title}.csv"
            assert exported.exists(), f"LibreOffice did not export {book.name} sheet {ws.title}"
            with exported.open(encoding="utf-8", newline="") as handle:
                seen = trimmed(list(csv.reader(handle)))
            written = trimmed([[shown(v) for v in row] for row in ws.iter_rows(values_only=True)])
            assert seen == written, f"{book.name} sheet {ws.title}"


def test_a_workbook_resaved_by_libreoffice_imports_to_the_same_record(tmp_path: Path) -> None:
    program = soffice()
    record = load_json(EXAMPLE)
    # Text LibreOffice could take for formulas, errors or OOXML escapes must survive its re-save too.
    record["people"][0]["aliases"] = ["=1+1", "#N/A", "+1", "a_x0041_b", "x005F_y", "_x005F_"]
    book = tmp_path / "in" / "kono.xlsx"
    book.parent.mkdir()
    book.write_bytes(dump_xlsx(record))
    out = tmp_path / "out"
    convert(program, "xlsx:Calc MS Excel 2007 XML", [book], out, tmp_path / "profile")
    resaved = (out / "kono.xlsx").read_bytes()
    assert resaved != book.read_bytes()  # really LibreOffice's own file
    assert load_xlsx(resaved, "resaved.xlsx") == record
    # LibreOffice kept the cells typed: the ids text, the # numbers, the dates dates.
    sheet = openpyxl.load_workbook(io.BytesIO(resaved))["Outcomes"]
    headers = [c.value for c in sheet[1]]
    first = list(sheet[2])
    assert first[headers.index("#")].data_type == "n"
    assert first[headers.index("Id")].data_type == "s"


def test_a_workbook_of_layout_trivia_resaved_by_libreoffice_imports_to_the_same_record(tmp_path: Path) -> None:
    """Quoted whitespace, tabs, entries over several lines and line breaks in texts survive LibreOffice."""
    program = soffice()
    record = layout_record()
    book = tmp_path / "in" / "layout.xlsx"
    book.parent.mkdir()
    book.write_bytes(dump_xlsx(record))
    out = tmp_path / "out"
    convert(program, "xlsx:Calc MS Excel 2007 XML", [book], out, tmp_path / "profile")
    assert load_xlsx((out / "layout.xlsx").read_bytes(), "resaved.xlsx") == record


def text_positions(pdf: bytes) -> list[float]:
    """The left edge of every text LibreOffice printed, in the order it printed them."""
    positions = []
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            content = zlib.decompress(stream.group(1))
        except zlib.error:
            continue  # an embedded font or image, not a page
        positions += [float(x) for x in re.findall(rb"BT\s+([0-9.]+) [0-9.]+ Td", content)]
    return positions


def test_the_document_sheet_shows_its_depth_as_indentation(tmp_path: Path) -> None:
    """Printed by LibreOffice, each text starts further right the deeper it is (an indent without a
    horizontal alignment is one LibreOffice does not show)."""
    program = soffice()
    book = openpyxl.load_workbook(io.BytesIO(dump_xlsx(load_json(EXAMPLE))))
    for name in book.sheetnames:
        if name != "Body":
            del book[name]
    sheet = book["Body"]
    headers = [c.value for c in sheet[1]]
    text, depth = headers.index("Text"), headers.index("Depth")
    depths = []
    for row in sheet.iter_rows():
        keep = row[text].value is not None and row[0].row > 1
        if keep:
            depths.append(row[depth].value)
        for cell in row:
            # One short word per text: one printed line each, in row order; nothing else printed.
            cell.value = "x" if keep and cell is row[text] else None
    source = tmp_path / "document.xlsx"
    book.save(source)
    convert(program, "pdf", [source], tmp_path / "pdf", tmp_path / "profile")
    positions = text_positions((tmp_path / "pdf" / "document.pdf").read_bytes())
    assert len(positions) == len(depths)
    by_depth: dict[int, set[float]] = {}
    for level, x in zip(depths, positions, strict=True):
        by_depth.setdefault(level, set()).add(x)
    assert len(by_depth) > 3
    lefts = [by_depth[level] for level in sorted(by_depth)]
    assert all(len(left) == 1 for left in lefts), by_depth
    assert [min(left) for left in lefts] == sorted({min(left) for left in lefts}), by_depth
