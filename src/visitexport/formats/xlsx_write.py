"""Writing a record as an .xlsx workbook: pleasant to read, safe to open, the same bytes every time.

The layout comes from `visitexport.xlsxmodel`; this module fills it in with
openpyxl's write-only mode (rows are streamed, which keeps big records cheap).

- Safety: text is always a text cell. openpyxl would store ``=...`` as a
  formula and ``#N/A`` as an error; such text (and any text starting with
  ``+``, ``-``, ``@``, tab or CR) is forced to a string and given Excel's
  quote prefix, so it stays text even when someone edits the cell.
- Determinism: document properties take their dates from the record, every
  zip entry gets the same timestamp and permissions, and openpyxl writes the
  parts in a fixed order.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..xlsxmodel import (
    ABOUT,
    LISTS,
    PARENT,
    RECORD,
    Column,
    Layout,
    Sheet,
    cell_header,
    layout,
)
from .xlsx_rows import Row, collect, get

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = ["dump_xlsx"]

#: Every zip entry's timestamp: the earliest a zip file can record.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DATE_FORMAT = "yyyy-mm-dd"
#: Excel's day numbers misplace dates before 1 March 1900; earlier dates stay ISO text.
FIRST_DATE_CELL = "1900-03-01"
_DATE = re.compile(r"[12][0-9]{3}-[0-9]{2}-[0-9]{2}")
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"))
MIN_WIDTH, MAX_WIDTH, MAX_TEXT_WIDTH = 6, 40, 80
#: Points per line of 11-point text, for rows of wrapped text.
LINE_HEIGHT = 15
#: Dropdowns and filters reach this far below the data, for rows people add.
SPARE_ROWS = 200


class _FixedZip(zipfile.ZipFile):
    """A zip whose entries all carry `ZIP_TIME`, whatever the clock says."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None) -> None:
        # openpyxl streams write-only sheets through temporary files; copy their bytes, not their mtime.
        self.writestr(arcname or filename, Path(filename).read_bytes())


def dump_xlsx(record: dict[str, Any]) -> bytes:
    """The workbook for a valid record, as bytes."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook(write_only=True)
    writer = _Writer(book, layout(), record)
    writer.write()
    when = _midnight(record["release"]["date"])
    book.properties.creator = "visitexport"
    book.properties.title = record["document"]["title"]
    book.properties.created = when
    book.properties.modified = when
    out = io.BytesIO()
    with _FixedZip(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return out.getvalue()


def _midnight(date: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(date)


class _Styles:
    """Style templates, made once per workbook: assigning a template is far cheaper than setting fonts."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self._sheet = sheet
        self._cache: dict[tuple[Any, ...], Any] = {}
        # A font without a name falls back to the program's default (a serif in LibreOffice).
        self.header_font = Font(name="Calibri", size=11, bold=True)
        self.header_fill = PatternFill("solid", fgColor="DDE4EE")
        self.header_border = Border(bottom=Side(style="thin", color="8497B0"))
        self.title_font = Font(name="Calibri", bold=True, size=14)
        self.link_font = Font(name="Calibri", size=11, color="0563C1", underline="single")
        self.Alignment = Alignment

    def get(
        self,
        *,
        header: bool = False,
        wrap: bool = False,
        indent: int = 0,
        date: bool = False,
        quote: bool = False,
        link: bool = False,
        title: bool = False,
        top: bool = False,
        left: bool = False,
    ) -> Any:
        key = (header, wrap, indent, date, quote, link, title, top, left)
        style = self._cache.get(key)
        if style is None:
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(self._sheet)
            if header:
                cell.font, cell.fill, cell.border = self.header_font, self.header_fill, self.header_border
            if title:
                cell.font = self.title_font
            if link:
                cell.font = self.link_font
            if wrap or indent or header or top or left:
                cell.alignment = self.Alignment(
                    wrap_text=wrap or header, indent=indent, vertical="top", horizontal="left" if left else None
                )
            if date:
                cell.number_format = DATE_FORMAT
            if quote:
                cell.quotePrefix = True
            style = self._cache[key] = cell._style
        return style


class _Writer:
    def __init__(self, book: Any, lay: Layout, record: dict[str, Any]) -> None:
        self.book = book
        self.layout = lay
        self.record = record
        self.rows = collect(lay, record)
        self.sheets: dict[str, WriteOnlyWorksheet] = {}
        self.styles: _Styles | None = None
        #: id -> (sheet name, row number on that sheet) of the row it names.
        self.targets: dict[str, tuple[str, int]] = {}
        #: (sheet, header) -> the range on Lists holding its dropdown values.
        self.list_ranges: dict[tuple[str, ...], str] = {}
        self.lists: list[tuple[str, tuple[str, ...]]] = []

    # --- the workbook ------------------------------------------------------------

    def write(self) -> None:
        names = [ABOUT, RECORD] + [s.name for s in self.layout.sheets] + [LISTS]
        for name in names:
            self.sheets[name] = self.book.create_sheet(name)
        self.styles = _Styles(self.sheets[ABOUT])
        for sheet in self.layout.sheets:
            id_header = "Id" if sheet.column("Id") is not None else None
            for row in self.rows[sheet.name]:
                own = get(row.item, ("id",)) if id_header and row.kind is not None else None
                if isinstance(own, str):
                    self.targets.setdefault(own, (sheet.name, row.number + 1))
        self._plan_lists()
        self._about(self.sheets[ABOUT])
        self._record(self.sheets[RECORD])
        for sheet in self.layout.sheets:
            self._sheet(self.sheets[sheet.name], sheet)
        self._lists(self.sheets[LISTS])

    def _plan_lists(self) -> None:
        seen: dict[tuple[str, ...], str] = {}
        columns = [c for _, _, c in self.layout.fields] + [c for s in self.layout.sheets for c in s.columns]
        for column in columns:
            if column.enum and not column.multi and column.enum not in seen:
                letter = _letter(len(self.lists) + 1)
                seen[column.enum] = f"'{LISTS}'!${letter}$2:${letter}${len(column.enum) + 1}"
                self.lists.append((column.name or column.header, column.enum))
        self.list_ranges = seen

    # --- cells -------------------------------------------------------------------

    def cell(
        self,
        ws: WriteOnlyWorksheet,
        column: Column,
        value: Any,
        *,
        indent: int = 0,
        wrap: bool = False,
        top: bool = False,
        left: bool = False,
    ) -> Any:
        """What to append for `value` in `column`: a plain value, or a cell with a style.

        `top` aligns the cell with the top of a row made tall by wrapped text; `left`
        aligns numbers and dates with the text around them.
        """
        from openpyxl.cell import WriteOnlyCell

        assert self.styles is not None
        if value is None:
            return None
        if column.multi:
            value = "\n".join(value)
        if column.date and isinstance(value, str) and _DATE.fullmatch(value) and value >= FIRST_DATE_CELL:
            cell = WriteOnlyCell(ws, datetime.date.fromisoformat(value))
            cell._style = self.styles.get(date=True, indent=indent, top=top, left=left)
            return cell
        if not isinstance(value, str):
            if not (top or left):
                return value
            cell = WriteOnlyCell(ws, value)
            cell._style = self.styles.get(top=top, left=left)
            return cell
        risky = value.startswith(_RISKY_START) or value in _ERROR_CODES
        if not (risky or wrap or indent or top):
            return value
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        cell._style = self.styles.get(quote=risky, wrap=wrap, indent=indent, top=top)
        return cell

    def header(self, ws: WriteOnlyWorksheet, headers: list[str]) -> list[Any]:
        from openpyxl.cell import WriteOnlyCell

        assert self.styles is not None
        style = self.styles.get(header=True)
        cells = []
        for text in headers:
            cell = WriteOnlyCell(ws, text)
            cell.data_type = "s"
            cell._style = style
            cells.append(cell)
        return cells

    def link(self, ws: WriteOnlyWorksheet, cell: Any, where: str, target: str, external: bool = False) -> Any:
        """`cell` (a value or a cell) with a hyperlink, to a place in the workbook or a web address."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.worksheet.hyperlink import Hyperlink

        assert self.styles is not None
        if not hasattr(cell, "_style"):
            value = cell
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"
        cell._style = self.styles.get(
            link=True, wrap=bool(cell.alignment.wrap_text), top=cell.alignment.vertical == "top"
        )
        if external:
            ws._hyperlinks.append(Hyperlink(ref=where, target=target))
        else:
            ws._hyperlinks.append(Hyperlink(ref=where, location=target))
        return cell

    def target_of(self, value: Any) -> str | None:
        first = value[0] if isinstance(value, list) and value else value
        found = self.targets.get(first) if isinstance(first, str) else None
        if found is None:
            return None
        sheet, row = found
        return f"'{sheet}'!B{row}"

    # --- sheets --------------------------------------------------------------------

    def _sheet(self, ws: WriteOnlyWorksheet, sheet: Sheet) -> None:
        rows = self.rows[sheet.name]
        fixed = sheet.fixed_headers
        columns: list[Column] = list(sheet.columns)
        if sheet.cells is not None:
            width = max((len(r.item) for r in rows), default=1)
            columns = [_cells_column(sheet.cells, n) for n in range(1, width + 1)]
        headers = fixed + [c.header for c in columns]
        heads = [self._fixed(sheet, row) for row in rows]
        table = [self._values(sheet, row, columns) for row in rows]
        widths = _widths(headers, heads, columns, table)
        wraps = [
            w >= MAX_TEXT_WIDTH or any(isinstance(row[i], list) and len(row[i]) > 1 for row in table)
            for i, w in enumerate(widths[len(fixed) :])
        ]
        _frame(ws, headers, widths, len(rows), freeze=_freeze(headers))
        ws.append(self.header(ws, headers))
        indent_at = _indent_column(sheet, columns)
        link_at = {i for i, h in enumerate(fixed) if h in (PARENT, sheet.parent_header) and sheet.parent_by_id}
        for line, (row, head, values) in enumerate(zip(rows, heads, table, strict=True), 2):
            height = max(
                (
                    _lines(value, widths[len(fixed) + i] - (row.depth * 2 if i == indent_at else 0))
                    for i, value in enumerate(values)
                    if wraps[i] and value is not None
                ),
                default=1,
            )
            top = height > 1
            out: list[Any] = [
                self._ref_cell(ws, v, f"{_letter(i + 1)}{line}", top)
                if i in link_at
                else self.cell(ws, _ANY, v, top=top)
                for i, v in enumerate(head)
            ]
            for position, (column, value) in enumerate(zip(columns, values, strict=True)):
                indent = min(row.depth, 15) if position == indent_at else 0
                cell = self.cell(ws, column, value, indent=indent, wrap=wraps[position], top=top)
                where = f"{_letter(len(out) + 1)}{line}"
                if column.reference and column.header != "Id" and value is not None:
                    target = self.target_of(value)
                    if target is not None:
                        cell = self.link(ws, cell, where, target)
                elif column.name == "url" and value is not None:
                    cell = self.link(ws, cell, where, value, external=True)
                out.append(cell)
            if height > 1:
                # openpyxl writes no row heights, and LibreOffice does not grow rows for wrapped text on load.
                ws.row_dimensions[line].height = LINE_HEIGHT * height
            ws.append(out)
        self._validations(ws, sheet, headers, columns, table=table, count=len(rows))

    @staticmethod
    def _fixed(sheet: Sheet, row: Row) -> list[Any]:
        out: list[Any] = [row.number]
        if sheet.parent_header:
            out.append(row.parent)
        if sheet.nested:
            out += [row.parent, row.depth]
        if sheet.type_header:
            out.append(row.kind.tag if row.kind is not None else None)
        if sheet.cells is not None:
            out.append(len(row.item))
        return out

    def _ref_cell(self, ws: WriteOnlyWorksheet, value: Any, where: str, top: bool) -> Any:
        cell = self.cell(ws, _ANY, value, top=top)
        if isinstance(value, str):
            target = self.target_of(value)
            if target is not None:
                return self.link(ws, cell, where, target)
        return cell

    def _values(self, sheet: Sheet, row: Row, columns: list[Column]) -> list[Any]:
        if sheet.cells is not None:
            cells: list[Any] = list(row.item)
            return cells + [None] * (len(columns) - len(cells))
        assert row.kind is not None
        paths = row.kind.paths
        return [get(row.item, paths[c.header]) if c.header in paths else None for c in columns]

    def _validations(
        self, ws: WriteOnlyWorksheet, sheet: Sheet, headers: list[str], columns: list[Column], *, table: Any, count: int
    ) -> None:
        fixed = len(headers) - len(columns)
        last = count + 1 + SPARE_ROWS
        for position, column in enumerate(columns):
            letter = _letter(fixed + position + 1)
            values = [row[position] for row in table]
            source = self._list_source(column, values)
            if source is not None:
                _add_list(ws, source, f"{letter}2:{letter}{last}", strict=not column.reference)
        if sheet.parent_header and sheet.parent_by_id and sheet.parent is not None:
            parents = [r.parent for r in self.rows[sheet.name]]
            source = self._id_source(parents)
            if source is not None:
                _add_list(ws, source, f"B2:B{last}", strict=False)

    def _list_source(self, column: Column, values: list[Any]) -> str | None:
        if column.multi:
            return None
        if column.enum:
            return self.list_ranges[column.enum]
        if column.reference and column.header != "Id":
            return self._id_source(values)
        return None

    def _id_source(self, values: list[Any]) -> str | None:
        """The Id column of the one sheet all of `values` point into, if there is one."""
        sheets = {self.targets[v][0] for v in values if isinstance(v, str) and v in self.targets}
        if len(sheets) != 1 or any(isinstance(v, str) and v not in self.targets for v in values):
            return None
        (name,) = sheets
        count = len(self.rows[name])
        return f"'{name}'!$B$2:$B${count + 1}"

    # --- the Record, About and Lists sheets -------------------------------------------

    def _record(self, ws: WriteOnlyWorksheet) -> None:
        headers = ["Field", "Value", "Description"]
        values = [get(self.record, path) for _, path, _ in self.layout.fields]
        labels = [label for label, _, _ in self.layout.fields]
        shown = [
            "\n".join(v) if isinstance(v, list) else v if isinstance(v, str) else "" if v is None else str(v)
            for v in values
        ]
        widths = [
            min(max(len(x) for x in [headers[0], *labels]) + 2, MAX_WIDTH),
            min(max(len(headers[1]), *(len(line) for s in shown for line in s.split("\n"))) + 2, MAX_TEXT_WIDTH),
            MAX_TEXT_WIDTH,
        ]
        _frame(ws, headers, widths, len(labels), freeze="B2")
        ws.append(self.header(ws, headers))
        last = len(labels) + 1
        for index, ((label, _, column), value) in enumerate(zip(self.layout.fields, values, strict=True)):
            line = index + 2
            cell = self.cell(ws, column, value, wrap=widths[1] >= MAX_TEXT_WIDTH or column.multi, top=True, left=True)
            if column.reference and value is not None and self.target_of(value) is not None:
                cell = self.link(ws, cell, f"B{line}", self.target_of(value) or "")
            elif column.name == "url" and value is not None:
                cell = self.link(ws, cell, f"B{line}", value, external=True)
            description = self.cell(ws, _TEXT, column.description, wrap=True)
            height = max(_lines(column.description, widths[2]), _lines(shown[index], widths[1]))
            if height > 1:
                ws.row_dimensions[line].height = LINE_HEIGHT * height
            ws.append([self.cell(ws, _TEXT, label, top=True), cell, description])
            source = self._list_source(column, [value])
            if source is not None:
                _add_list(ws, source, f"B{line}", strict=not column.reference)
        ws.auto_filter.ref = f"A1:C{last}"

    def _about(self, ws: WriteOnlyWorksheet) -> None:
        assert self.styles is not None
        from openpyxl.cell import WriteOnlyCell

        record = self.record
        ws.column_dimensions["A"].width = 24
        ws.column_dimensions["B"].width = 70
        ws.column_dimensions["C"].width = 10
        _print_setup(ws)
        title = WriteOnlyCell(ws, record["document"]["title"])
        title.data_type = "s"
        title._style = self.styles.get(title=True, quote=record["document"]["title"].startswith(_RISKY_START))
        ws.append([title])
        ws.append([])
        for label, value in (
            ("Release date", record["release"]["date"]),
            ("Issuer", record["release"]["issuer"]),
            ("Record id", record["id"]),
            ("Schema version", record["schema_version"]),
        ):
            # Left-aligned like the text around it (dates align right by default).
            column = _DATE_COLUMN if label == "Release date" else _TEXT
            ws.append([label, self.cell(ws, column, value, left=True)])
        ws.append([])
        ws.append(self.header(ws, ["Sheet", "What it holds", "Rows"]))
        described: list[tuple[str, str, int | None]] = [
            (RECORD, "The single-valued fields of the record: one field per row.", len(self.layout.fields))
        ]
        described += [(s.name, s.description, len(self.rows[s.name])) for s in self.layout.sheets]
        described.append((LISTS, "Hidden: the values the dropdown lists offer.", None))
        start = 8
        for offset, (name, text, count) in enumerate(described):
            cell = self.link(ws, name, f"A{start + offset}", f"'{name}'!A1")
            if _lines(text, 70) > 1:
                ws.row_dimensions[start + offset].height = LINE_HEIGHT * _lines(text, 70)
            ws.append([cell, self.cell(ws, _TEXT, text, wrap=True), count])
        ws.append([])
        for line in _IMPORT_NOTES:
            ws.append([self.cell(ws, _TEXT, line)])

    def _lists(self, ws: WriteOnlyWorksheet) -> None:
        ws.sheet_state = "hidden"
        ws.append(self.header(ws, [name for name, _ in self.lists]))
        longest = max((len(values) for _, values in self.lists), default=0)
        for index in range(longest):
            ws.append([values[index] if index < len(values) else None for _, values in self.lists])


_IMPORT_NOTES = (
    "Reading it back: visitexport convert THIS-FILE.xlsx --to json -o record.json",
    "Sheets and columns are found by their headers: keep the headers and sheet names as they are.",
    "The # column orders the rows: sort and filter freely; to add a row, give it a number between its neighbours.",
    "Hide columns rather than delete them; widths, colours, fonts and filters are ignored on import.",
    "Type values, not formulas; dates as dates or as YYYY-MM-DD; lists of values one per line.",
    "Nothing is written unless the whole workbook is a valid record; every problem is reported with its cell.",
)


def _cells_column(template: Column, n: int) -> Column:
    return Column(cell_header(n), template.node, False, template.description)


def _indent_column(sheet: Sheet, columns: list[Column]) -> int | None:
    if not sheet.nested:
        return None
    return next((i for i, c in enumerate(columns) if c.text), None)


def _freeze(headers: list[str]) -> str:
    # Keep the header row, and the id that names each row when it is near the left edge.
    if "Id" in headers[:3]:
        return f"{_letter(headers.index('Id') + 2)}2"
    return "B2"


def _frame(ws: WriteOnlyWorksheet, headers: list[str], widths: list[int], count: int, freeze: str) -> None:
    """What openpyxl writes before the first row: widths, frozen panes, the filter."""
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[_letter(index)].width = width
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{_letter(len(headers))}{count + 1}"
    _print_setup(ws)


def _print_setup(ws: WriteOnlyWorksheet) -> None:
    """Printed (or saved as PDF): landscape, as wide as the page, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _widths(headers: list[str], heads: list[list[Any]], columns: list[Column], table: list[list[Any]]) -> list[int]:
    widths = []
    for position, header in enumerate(headers[: len(headers) - len(columns)]):
        longest = max([len(header), *(len(str(h[position])) for h in heads if h[position] is not None)])
        widths.append(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))
    for position, column in enumerate(columns):
        longest = len(column.header)
        for row in table:
            value = row[position]
            if value is None:
                continue
            if isinstance(value, list):
                longest = max(longest, *(len(v) for v in value))
            elif column.date:
                longest = max(longest, 10)
            else:
                longest = max(longest, len(str(value)))
        cap = MAX_TEXT_WIDTH if column.text else MAX_WIDTH
        widths.append(min(max(longest + 2, MIN_WIDTH), cap))
    return widths


def _lines(value: Any, width: int) -> int:
    """About how many lines `value` takes wrapped at `width` characters."""
    parts = value if isinstance(value, list) else str(value).split("\n")
    # A width unit is one digit; ordinary text runs about a tenth narrower.
    usable = max(int((width - 1) * 1.1), 8)
    return sum(max(1, -(-len(part) // usable)) for part in parts)


def _add_list(ws: WriteOnlyWorksheet, source: str, where: str, strict: bool) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        error="Pick a value from the list." if strict else "This id is not in the list; is it defined elsewhere?",
    )
    validation.add(where)
    ws.data_validations.append(validation)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _plain_column(date: bool = False) -> Column:
    from ..xmlmodel import ScalarNode

    node = ScalarNode({"type": "string"}, "date" if date else None)
    return Column("", node, False, "")


_TEXT = _plain_column()
_ANY = _TEXT
_DATE_COLUMN = _plain_column(date=True)
