"""Writing a record as an .xlsx workbook: pleasant to read, safe to open, the same bytes every time.

The layout comes from `visitexport.formats.tabular.layout`; this module fills it in with
openpyxl's write-only mode (rows are streamed, which keeps big records cheap),
through `visitexport.formats.xlsx.cells`, which types every cell itself.

- Safety: text is always a text cell (openpyxl is never asked to guess, so
  ``=...`` is not a formula and ``#N/A`` not an error); text starting with
  ``=``, ``+``, ``-``, ``@``, tab or CR, or spelled like an error, also gets
  Excel's quote prefix, so it stays text when someone edits the cell.
- Determinism: document properties take their dates from the record, every
  zip entry gets the same timestamp and permissions, and openpyxl writes the
  parts in a fixed order.
- Layout values a bare cell would lose (an empty gap, a tab) are written in the
  notations of `visitexport.formats.tabular.notation`; a text's line breaks
  are line breaks in its cell.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from typing import TYPE_CHECKING, Any

from visitexport.dates import bounds
from visitexport.formats.tabular.layout import (
    ABOUT,
    LISTS,
    PARENT,
    RECORD,
    TEXT,
    Column,
    Layout,
    Sheet,
    cell_header,
    layout,
)
from visitexport.formats.tabular.notation import quote, split_breaks, write_entries
from visitexport.formats.tabular.rows import Row, collect, get
from visitexport.formats.xlsx.adapter import add_web_link, set_row_height, set_widths
from visitexport.formats.xlsx.cells import PLAIN, FixedZip, Out, Spec, Style, Styles
from visitexport.formats.xlsx.refs import letter

if TYPE_CHECKING:
    from visitexport.formats.xlsx.adapter import WriteOnlyWorksheet

__all__ = ["dump_xlsx"]

#: Excel's day numbers misplace dates before 1 March 1900; earlier dates stay ISO text.
FIRST_DATE_CELL = "1900-03-01"
_DATE = re.compile(r"[12][0-9]{3}-[0-9]{2}-[0-9]{2}")
# Every underscore that starts an escape-like sequence, overlapping ones too ("_x0041_x0042_").
_OOXML_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"))
MIN_WIDTH, MAX_WIDTH, MAX_TEXT_WIDTH = 6, 40, 80
#: Points per line of 11-point text, for rows of wrapped text.
LINE_HEIGHT = 15
#: Dropdowns reach this far below the data, for rows people add.
SPARE_ROWS = 200
#: The document properties' date when the record has no release date (the earliest a zip can record).
NO_DATE = datetime.datetime(1980, 1, 1)


def dump_xlsx(record: dict[str, Any]) -> bytes:
    """The workbook for a valid record, as bytes.

    The API validates every record before a writer sees it (`visitexport.api.write_record`),
    so nothing a cell cannot hold (control characters, texts over 32,767 UTF-16
    units) ever reaches openpyxl.
    """
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook(write_only=True)
    _Writer(book, layout(), record).write()
    date = record.get("release", {}).get("date")
    # A release dated only to the month or year is dated its first day: the properties need a day.
    when = datetime.datetime.fromisoformat(bounds(date)[0]) if date else NO_DATE
    book.properties.creator = "visitexport"
    book.properties.title = title_of(record)
    book.properties.created = when
    book.properties.modified = when
    out = io.BytesIO()
    with FixedZip(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return out.getvalue()


def title_of(record: dict[str, Any]) -> str:
    """The release's title as its header prints it (its title lines, joined), or else the record's id."""
    header = record["document"].get("header", [])
    titles = [line["text"] for line in header if line.get("type") == "title"]
    return " ".join(titles) if titles else str(record["id"])


def text(value: str, style: Style = PLAIN) -> Spec:
    """A text cell, quote-prefixed when a spreadsheet would read it as a formula or an error.

    OOXML reads ``_xHHHH_`` in a string as the character U+HHHH, so such text is
    written with its underscore escaped (``_x005F_``), as Excel does.
    """
    if value.startswith(_RISKY_START) or value in _ERROR_CODES:
        style = style._replace(quote=True)
    if "_x" in value:
        value = _OOXML_ESCAPE.sub("_x005F_", value)
    return Spec(value, "s", style)


def value_spec(column: Column, value: Any, style: Style = PLAIN) -> Spec | None:
    """The cell for a field's value: text, a number, TRUE/FALSE or a date, never a guess."""
    if value is None:
        return None
    if column.entries is not None:
        return text(write_entries(value, *column.entries), style)
    if column.quoted and isinstance(value, str):
        return text(quote(value), style)
    if column.multi:
        return text("\n".join(value), style)
    if isinstance(value, str):
        if column.date and _DATE.fullmatch(value) and value >= FIRST_DATE_CELL:
            return Spec(datetime.date.fromisoformat(value), "d", style._replace(date=True))
        return text(value, style)
    if isinstance(value, bool):
        return Spec(value, "b", style)
    return Spec(value, "n", style)


class _Writer:
    def __init__(self, book: Any, lay: Layout, record: dict[str, Any]) -> None:
        self.book = book
        self.layout = lay
        self.record = record
        self.rows = collect(lay, record)
        self.styles = Styles()
        #: id -> (sheet name, row number on that sheet) of the row it names.
        self.targets: dict[str, tuple[str, int]] = {}
        #: sheet name -> the letter of its Id column.
        self.id_letters: dict[str, str] = {}
        #: enumeration -> the range on Lists holding its values.
        self.list_ranges: dict[tuple[str, ...], str] = {}
        self.lists: list[tuple[str, tuple[str, ...]]] = []

    def write(self) -> None:
        names = [ABOUT, RECORD] + [s.name for s in self.layout.sheets] + [LISTS]
        sheets = {name: self.book.create_sheet(name) for name in names}
        for sheet in self.layout.sheets:
            if sheet.cells is not None and sheet.parent_header is not None:
                # A table's rows: a source may name one ('t1.r3'), so it links to the row, by its table column.
                self.id_letters[sheet.name] = letter(sheet.fixed_headers.index(sheet.parent_header) + 1)
                for row in self.rows[sheet.name]:
                    index = int(row.pointer.rpartition("/")[2]) + 1
                    self.targets.setdefault(f"{row.parent}.r{index}", (sheet.name, row.number + 1))
                continue
            if sheet.column("Id") is None:
                continue
            position = [c.header for c in sheet.columns].index("Id")
            self.id_letters[sheet.name] = letter(len(sheet.fixed_headers) + position + 1)
            for row in self.rows[sheet.name]:
                own = get(row.item, ("id",)) if row.kind is not None else None
                if isinstance(own, str):
                    self.targets.setdefault(own, (sheet.name, row.number + 1))
        self._plan_lists()
        self._about(sheets[ABOUT])
        self._record(sheets[RECORD])
        for sheet in self.layout.sheets:
            self._sheet(sheets[sheet.name], sheet)
        self._lists(sheets[LISTS])

    def _plan_lists(self) -> None:
        columns = [c for _, _, c in self.layout.fields] + [c for s in self.layout.sheets for c in s.columns]
        for column in columns:
            if column.enum and not column.multi and column.enum not in self.list_ranges:
                at = letter(len(self.lists) + 1)
                self.list_ranges[column.enum] = f"'{LISTS}'!${at}$2:${at}${len(column.enum) + 1}"
                self.lists.append((column.name or column.header, column.enum))

    # --- links -------------------------------------------------------------------

    def target_of(self, value: Any) -> str | None:
        """The cell an id (or the first of a list of ids) names, as a link target."""
        first = value[0] if isinstance(value, list) and value else value
        found = self.targets.get(first) if isinstance(first, str) else None
        if found is None:
            return None
        sheet, row = found
        return f"'{sheet}'!{self.id_letters[sheet]}{row}"

    def linked(self, out: Out, spec: Spec | None, where: str, column: Column | None, value: Any) -> Spec | None:
        """`spec` as a link when `value` refers to a row of the workbook (or is a web address)."""
        if spec is None or value is None:
            return spec
        if column is not None and column.name == "url":
            add_web_link(out.sheet, where, value)
            return spec._replace(style=spec.style._replace(link=True))
        if column is not None and (not column.reference or column.header == "Id"):
            return spec
        target = self.target_of(value)
        if target is None:
            return spec
        out.links.append((where, target))
        return spec._replace(style=spec.style._replace(link=True))

    # --- sheets --------------------------------------------------------------------

    def header(self, out: Out, headers: list[str]) -> None:
        out.append([Spec(h, "s", Style(header=True)) for h in headers])

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
        count = len(fixed)
        wraps = [
            w >= MAX_TEXT_WIDTH or any(_several_lines(row[i]) for row in table) for i, w in enumerate(widths[count:])
        ]
        _frame(ws, headers, widths, len(rows), freeze=_freeze(headers))
        out = Out(ws, self.styles)
        self.header(out, headers)
        indent_at = _indent_column(sheet, columns)
        links_at = {i for i, h in enumerate(fixed) if h in (PARENT, sheet.parent_header) and sheet.parent_by_id}
        letters = [letter(i + 1) for i in range(len(headers))]
        # Per column, worked out once: the style, and whether its values may link elsewhere.
        plain = [Style(wrap=wrap) for wrap in wraps]
        linking = [(c.reference and c.header != "Id") or c.name == "url" for c in columns]
        for line, (row, head, values) in enumerate(zip(rows, heads, table, strict=True), 2):
            specs: list[Spec | None] = []
            for i, value in enumerate(head):
                spec = value_spec(_ANY, value)
                specs.append(self.linked(out, spec, f"{letters[i]}{line}", None, value) if i in links_at else spec)
            height = 1
            for i, (column, value) in enumerate(zip(columns, values, strict=True)):
                if value is None:
                    specs.append(None)
                    continue
                indent = min(row.depth, 15) if i == indent_at else 0
                spec = value_spec(column, value, plain[i]._replace(indent=indent) if indent else plain[i])
                specs.append(
                    self.linked(out, spec, f"{letters[count + i]}{line}", column, value) if linking[i] else spec
                )
                if wraps[i] and spec is not None:
                    height = max(
                        height, _lines(spec.value if spec.kind == "s" else value, widths[count + i] - indent * 2)
                    )
            if height > 1:
                _row_height(ws, line, height)
            out.append(specs)
        self._validations(ws, sheet, columns, table=table, count=len(rows))

    @staticmethod
    def _fixed(sheet: Sheet, row: Row) -> list[Any]:
        out: list[Any] = [row.number]
        if sheet.parts:
            out.append(row.part)
        if sheet.parent_header:
            out.append(row.parent)
        if sheet.nested:
            out += [row.parent, row.depth]
        if sheet.type_header:
            out.append(row.kind.tag if row.kind is not None else None)
        if sheet.cells is not None:
            out.append(len(row.item))
        return out

    def _values(self, sheet: Sheet, row: Row, columns: list[Column]) -> list[Any]:
        if sheet.cells is not None:
            cells: list[Any] = list(row.item)
            return cells + [None] * (len(columns) - len(cells))
        assert row.kind is not None
        paths = row.kind.paths
        values = [get(row.item, paths[c.header]) if c.header in paths else None for c in columns]
        breaks = get(row.item, row.kind.breaks) if row.kind.breaks is not None else None
        if breaks:
            at = [c.header for c in columns].index(TEXT)
            values[at] = split_breaks(str(values[at]), breaks)
        return values

    def _validations(
        self, ws: WriteOnlyWorksheet, sheet: Sheet, columns: list[Column], *, table: Any, count: int
    ) -> None:
        fixed = len(sheet.fixed_headers)
        last = count + 1 + SPARE_ROWS
        for position, column in enumerate(columns):
            at = letter(fixed + position + 1)
            source = self._list_source(column, [row[position] for row in table])
            if source is not None:
                _add_list(ws, source, f"{at}2:{at}{last}", strict=not column.reference)
        if sheet.parent_header and sheet.parent_by_id and sheet.parent is not None:
            source = self._id_source([r.parent for r in self.rows[sheet.name]])
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
        at = self.id_letters[name]
        return f"'{name}'!${at}$2:${at}${len(self.rows[name]) + 1}"

    # --- the Record, About and Lists sheets -------------------------------------------

    def _record(self, ws: WriteOnlyWorksheet) -> None:
        headers = ["Field", "Value", "Description"]
        values = [get(self.record, path) for _, path, _ in self.layout.fields]
        labels = [label for label, _, _ in self.layout.fields]
        specs = [value_spec(column, value) for (_, _, column), value in zip(self.layout.fields, values, strict=True)]
        shown = ["" if spec is None else str(spec.value) for spec in specs]
        widths = [
            min(max(len(x) for x in [headers[0], *labels]) + 2, MAX_WIDTH),
            min(max(len(headers[1]), *(len(line) for s in shown for line in s.split("\n"))) + 2, MAX_TEXT_WIDTH),
            MAX_TEXT_WIDTH,
        ]
        _frame(ws, headers, widths, len(labels), freeze="B2")
        out = Out(ws, self.styles)
        self.header(out, headers)
        for line, ((label, _, column), value) in enumerate(zip(self.layout.fields, values, strict=True), 2):
            wrap = widths[1] >= MAX_TEXT_WIDTH or column.multi or "\n" in shown[line - 2]
            spec = self.linked(out, value_spec(column, value, Style(wrap=wrap, left=True)), f"B{line}", column, value)
            height = max(_lines(column.description, widths[2]), _lines(shown[line - 2], widths[1]))
            if height > 1:
                _row_height(ws, line, height)
            out.append([text(label), spec, text(column.description, Style(wrap=True))])
            source = self._list_source(column, [value])
            if source is not None:
                _add_list(ws, source, f"B{line}", strict=not column.reference)

    def _about(self, ws: WriteOnlyWorksheet) -> None:
        record = self.record
        set_widths(ws, [24, 70, 10])
        _print_setup(ws)
        out = Out(ws, self.styles)
        release = record.get("release", {})
        out.append([text(title_of(record), Style(title=True))])
        out.append([])
        for label, value in (
            ("Release date", release.get("date")),
            ("Issuer", release.get("issuer")),
            ("Record id", record["id"]),
            ("Schema version", record["schema_version"]),
        ):
            # Left-aligned like the text around it (dates align right by default).
            column = _DATE_COLUMN if label == "Release date" else _ANY
            out.append([text(label), value_spec(column, value, Style(left=True))])
        out.append([])
        self.header(out, ["Sheet", "What it holds", "Rows"])
        described: list[tuple[str, str, int | None]] = [
            (RECORD, "The single-valued fields of the record: one field per row.", len(self.layout.fields))
        ]
        described += [(s.name, s.description, len(self.rows[s.name])) for s in self.layout.sheets]
        described.append((LISTS, "Hidden: the values the dropdown lists offer.", None))
        for name, holds, count in described:
            line = out.line + 1
            out.links.append((f"A{line}", f"'{name}'!A1"))
            if _lines(holds, 70) > 1:
                _row_height(ws, line, _lines(holds, 70))
            number = Spec(count, "n") if count is not None else None
            out.append([text(name, Style(link=True)), text(holds, Style(wrap=True)), number])
        out.append([])
        for note in _IMPORT_NOTES:
            out.append([text(note)])

    def _lists(self, ws: WriteOnlyWorksheet) -> None:
        ws.sheet_state = "hidden"
        out = Out(ws, self.styles)
        self.header(out, [name for name, _ in self.lists])
        longest = max((len(values) for _, values in self.lists), default=0)
        for index in range(longest):
            out.append([text(values[index]) if index < len(values) else None for _, values in self.lists])


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
    headers = [c.header for c in columns]
    if TEXT in headers:
        return headers.index(TEXT)
    return next((i for i, c in enumerate(columns) if c.text), None)


def _freeze(headers: list[str]) -> str:
    # Keep the header row, and the id that names each row when it is near the left edge.
    if "Id" in headers[:3]:
        return f"{letter(headers.index('Id') + 2)}2"
    return "B2"


def _frame(ws: WriteOnlyWorksheet, headers: list[str], widths: list[int], count: int, freeze: str) -> None:
    """What openpyxl writes before the first row: widths, frozen panes, the filter."""
    set_widths(ws, list(widths))
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{letter(len(headers))}{count + 1}"
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
            if column.entries is not None:
                longest = max(longest, *(len(line) for line in write_entries(value, *column.entries).split("\n")))
            elif isinstance(value, list):
                longest = max(longest, *(len(str(v)) for v in value))
            elif column.date:
                longest = max(longest, 10)
            elif column.quoted:
                longest = max(longest, len(quote(value)))
            else:
                longest = max(longest, *(len(line) for line in str(value).split("\n")))
        cap = MAX_TEXT_WIDTH if column.text else MAX_WIDTH
        widths.append(min(max(longest + 2, MIN_WIDTH), cap))
    return widths


def _several_lines(value: Any) -> bool:
    """A value shown over several lines of its cell: a list of values, a text with line breaks."""
    return (isinstance(value, list) and len(value) > 1) or (isinstance(value, str) and "\n" in value)


def _row_height(ws: WriteOnlyWorksheet, line: int, lines: int) -> None:
    """A row tall enough for `lines` of wrapped text.

    openpyxl writes no row heights, and LibreOffice does not grow rows for
    wrapped text when it opens a file.
    """
    set_row_height(ws, line, LINE_HEIGHT * lines)


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


def _plain_column(date: bool = False) -> Column:
    from visitexport.schema.model import ScalarNode

    node = ScalarNode({"type": "string"}, "date" if date else None)
    return Column("", node, False, "")


_ANY = _plain_column()
_DATE_COLUMN = _plain_column(date=True)
