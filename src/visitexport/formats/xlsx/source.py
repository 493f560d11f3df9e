"""The cells of an untrusted workbook, sheet by sheet, within limits, with nothing guessed or lost.

openpyxl does the parsing (its workbook reader and its worksheet parser),
but not through its read-only worksheets, which would hide things a person
must hear about: they skip a row whose number repeats or goes back, pad rows
to whatever width the file declares, fill gaps with empty rows, and raise
anything (IndexError, ValueError) on a malformed cell. Here:

- rows come straight from the parser, so a repeated or backward row number is
  a problem, and a far-away row costs nothing;
- a sheet stops at `MAX_ROWS` rows, `MAX_COLUMNS` columns or, in all,
  `MAX_CELLS` cells, each reported at the cell where it happens (the package
  check has already capped each sheet's XML, see `visitexport.formats.xlsx.package.PART_LIMITS`);
- a malformed sheet is a problem (``xlsx.zip``), not a crash;
- a cell that holds nothing is no cell: no value, or a text of no
  characters (``<c t="inlineStr"/>``, as openpyxl, pandas and `dump_xlsx`
  write an empty text); what that means in each column is in `xlsx.read`;
- shared strings are read as written: openpyxl deletes every ``x005F_`` from
  them, which changes text; instead every text cell's OOXML escapes
  (``_xHHHH_``) are decoded once, whether the text was shared or inline;
- openpyxl's warnings about features it drops (data validation extensions,
  say) are not ours to pass on: the workbook's data is checked here.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from visitexport.errors import InvalidRecordError
from visitexport.formats.xlsx.adapter import open_part, read_steps, shared_strings_part, sheet_parts, sheet_rows
from visitexport.formats.xlsx.refs import letter, quote
from visitexport.limits import MAX_CELLS, MAX_COLUMNS, MAX_ROWS
from visitexport.problems import Problem, shown

if TYPE_CHECKING:
    from visitexport.formats.xlsx.package import Parts

__all__ = ["Book", "Grid", "RawCell", "open_book"]

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
#: The data types openpyxl's parser leaves a cell with (t="str" and t="inlineStr" become s).
_KINDS = frozenset("snbdef")
#: What openpyxl's parser leaves a text cell with no text as (``<c t="inlineStr"/>``, which openpyxl,
#: pandas and `dump_xlsx` write for an empty text, or ``<c t="str"/>``): blank, like a cell with no value.
_BLANK_TEXT = frozenset(("inlineStr", "str"))


class _Strings(list[str]):
    """The shared strings, refusing the negative indexes a Python list would wrap around."""

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int) and index < 0:
            raise IndexError(f"shared string {index} does not exist")
        return super().__getitem__(index)


Report = Callable[[str, str, str], None]


class RawCell(NamedTuple):
    row: int
    column: int
    value: Any
    kind: str  # openpyxl's data type: s, n, b, d, e, f


class Grid(NamedTuple):
    """A sheet's header row (column -> cell) and its other rows with a value, in file order."""

    header: dict[int, RawCell]
    rows: list[list[RawCell]]


class Book:
    """An opened workbook: its sheets' names, and their cells on demand."""

    def __init__(self, reader: Any, shared: list[str], sheets: tuple[str, ...] = ()) -> None:
        self._reader = reader
        self._book = reader.wb
        self._shared = shared
        self._cells = 0
        self.titles: list[str] = [ws.title for ws in self._book.worksheets]
        # The sheets' parts, as the package check found them, if they agree with openpyxl's sheets.
        self._parts = sheets if len(sheets) == len(self.titles) else ()

    def grid(self, index: int, report: Report) -> Grid:
        """The cells of sheet `index`; `report(place, rule, message)` hears what is wrong."""
        title = quote(self.titles[index])
        header: dict[int, RawCell] = {}
        rows: list[list[RawCell]] = []
        previous = 0
        try:
            with (
                sheet_rows(self._book, index, self._shared) as parsed,
                warnings.catch_warnings(),
                contextlib.redirect_stdout(io.StringIO()),  # openpyxl prints some of its errors
            ):
                warnings.simplefilter("ignore")
                for number, cells in parsed:
                    if number <= previous:
                        report(f"{title}!A{number}", "xlsx.row", f"row {number} comes after row {previous} in the file")
                        break
                    previous = number
                    found: list[RawCell] = []
                    for parsed_cell in cells:
                        if _blank(parsed_cell):
                            continue
                        if parsed_cell["data_type"] not in _KINDS:
                            where = f"{title}!{letter(parsed_cell['column'])}{parsed_cell['row']}"
                            report(where, "xlsx.type", f"unknown cell type '{shown(str(parsed_cell['data_type']))}'")
                        else:
                            found.append(_raw(parsed_cell))
                    if number > MAX_ROWS + 1 and found:
                        # Only a value counts: a styled empty row at the sheet's end holds none.
                        report(f"{title}!A{number}", "xlsx.range", f"a value beyond row {MAX_ROWS + 1:,}")
                        break
                    if any(c.column > MAX_COLUMNS for c in found):
                        report(f"{title}!A{number}", "xlsx.range", f"a value beyond column {MAX_COLUMNS:,}")
                        break
                    self._cells += len(found)
                    if self._cells > MAX_CELLS:
                        report(f"{title}!A{number}", "xlsx.range", f"more than {MAX_CELLS:,} cells in the workbook")
                        break
                    seen: set[int] = set()
                    for cell in found:
                        if cell.column in seen or cell.row != number:
                            where = f"{title}!{letter(cell.column)}{cell.row}"
                            report(where, "xlsx.row", f"a cell out of place in row {number}")
                        seen.add(cell.column)
                    if number == 1:
                        header = {c.column: c for c in found}
                    elif found:
                        rows.append(found)
        except Exception as exc:  # openpyxl's parser raises whatever a malformed cell provokes
            part = f"part {shown(self._parts[index])}: " if self._parts else ""
            message = f"{part}the sheet cannot be read after row {previous}: {shown(str(exc))}"
            report(f"{title}!A{previous + 1}", "xlsx.zip", message)
        return Grid(header, rows)

    def close(self) -> None:
        self._book.close()


def open_book(data: bytes, source: str, parts: Parts | None = None) -> Book:
    """The workbook in `data`, whose package `check_package` has passed, finding `parts`."""
    from openpyxl.reader.excel import ExcelReader

    what = "the package"
    try:
        # openpyxl prints some errors to standard output before raising them (a named
        # style without its format: "0 is out of range"), which would corrupt a JSON report.
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            reader = ExcelReader(io.BytesIO(data), read_only=True, keep_vba=False, data_only=False, keep_links=False)
            # ExcelReader.read's steps one by one, so a failure names the part it was reading.
            # The package check found where the workbook and the shared strings are: say so too.
            found = {"the workbook part": parts.workbook, "the shared strings": parts.strings} if parts else {}
            for part, step in read_steps(reader):
                what = _named(part, found.get(part))
                step()
            what = _named("the shared strings", parts.strings if parts else None)
            shared = _shared_strings(reader)
    except Exception as exc:  # openpyxl raises many kinds of error on a broken package
        if what == "a worksheet":
            what = _unreadable_sheet(reader) or what
        message = f"not a workbook: {what} cannot be read: {shown(str(exc))}"
        raise InvalidRecordError(source, [Problem(0, 0, "", "xlsx.zip", message)]) from None
    return Book(reader, shared, parts.sheets if parts else ())


def _named(what: str, part: str | None) -> str:
    return f"{what} (part {shown(part)})" if part else what


def _unreadable_sheet(reader: Any) -> str | None:
    """The part of the first worksheet that is not well-formed XML, to name it (only after a failure)."""
    from xml.parsers import expat

    try:
        targets = sheet_parts(reader)
    except Exception:  # the workbook part itself is broken: nothing more to name
        return None
    for target in targets:
        # No handlers: expat only checks the XML, building nothing. No DOCTYPE got
        # past the package check, so it has no entity to expand.
        parser = expat.ParserCreate()
        try:
            with open_part(reader, target) as stream:
                while chunk := stream.read(1 << 16):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except Exception:  # whatever stops expat or the zip (zlib.error, BadZipFile, a bad CRC) makes it the one
            return f"part {shown(str(target))}"
    return None


def _shared_strings(reader: Any) -> list[str]:
    """The shared strings as written (OOXML escapes decoded later, with inline strings)."""
    from openpyxl.cell.text import Text
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    part = shared_strings_part(reader)
    strings = _Strings()
    if part is None:
        return strings
    tag = f"{{{SHEET_MAIN_NS}}}si"
    with part as source:
        for _, node in iterparse(source):
            if node.tag == tag:
                strings.append(Text.from_tree(node).content)
                node.clear()
    return strings


def _blank(cell: dict[str, Any]) -> bool:
    """A cell that holds nothing: no value of any known type, or a text of no characters."""
    value, kind = cell["value"], cell["data_type"]
    if value is None:
        return kind in _KINDS or kind in _BLANK_TEXT
    return kind == "s" and isinstance(value, str) and not value


def _raw(cell: dict[str, Any]) -> RawCell:
    value, kind = cell["value"], cell["data_type"]
    if kind == "f" and not isinstance(value, str):  # an array or data-table formula object
        value = getattr(value, "text", None) or "={table}"
    if kind == "s" and isinstance(value, str) and "_x" in value:
        value = _ESCAPE.sub(_unescaped, value)
    return RawCell(cell["row"], cell["column"], value, kind)


def _unescaped(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    # A lone surrogate is no character: the escape stays as written (and validation judges the text).
    return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)
