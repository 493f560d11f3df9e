"""Every use of openpyxl's private API, behind small named functions: an upgrade breaks here or nowhere.

The writer (`cells`, `write`) and the reader (`source`) of this package call
these functions; nothing else in the package names an underscore of
openpyxl's or counts on how its internals behave. `check_openpyxl` lists what
has moved, and ``tests/test_xlsx_adapter.py`` exercises each name below.

Private names relied on, and what for (openpyxl 3.1):

- ``openpyxl.worksheet._write_only.WriteOnlyWorksheet``: the write-only sheet
  type, named in signatures only.
- ``WriteOnlyWorksheet._values_to_row(values, row_idx)``: replaced per sheet
  (`prepare_row_cells`) so that appended rows of ready cells are written as
  they are, without openpyxl's value guessing and its exception per cell.
- ``WriteOnlyWorksheet._get_writer()`` and ``._writer`` (a
  ``WorksheetWriter``): started early (`start_writing`), since widths, panes
  and print setup are written when the writer starts.
- ``WorksheetWriter.write_hyperlinks`` (replaced per writer), ``.ws``,
  ``._rels`` and ``.xf`` (the stream of the sheet's XML elements): links to
  places in the workbook written as plain XML, and web links with their
  relationships, in `start_writing`.
- ``WriteOnlyWorksheet._hyperlinks``: the web links (`add_web_link`).
- ``Cell._value`` (a slot), ``Cell.data_type``, ``Cell.row``: a pooled cell
  refilled for each row without the ``value`` setter's guessing (`fill_row`).
- ``StyleableObject._style`` (a slot, the cell's ``StyleArray``) and
  ``style_id``/``has_style``: read once per style (`registered_style`) and
  answered by a ``Cell`` subclass that knows them (`pooled_cell`), since
  openpyxl hashes a cell's style again for every cell it writes.
- ``WorksheetWriter.write_row``: takes a row's attributes from
  ``ws.row_dimensions.get(row)`` as pairs, so a plain dict is a row height
  (`set_row_height`); ``write_format``/``write_cols`` ask
  ``ws.column_dimensions`` only for ``max_outline`` and ``to_tree()``, so a
  small object of ours writes ``<cols>`` (`set_widths`).
- ``ReadOnlyWorksheet._get_source()``, ``openpyxl.worksheet._reader.WorkSheetParser``
  (its ``parse()`` yields ``(row number, [cell dicts with row, column, value,
  data_type])``) and ``Workbook._date_formats``/``._timedelta_formats`` (the
  style ids that make a number a date or a duration): a sheet's cells
  straight from the parser (`sheet_rows`). An inline string with no text
  comes out with data type ``inlineStr`` and no value.
- ``ExcelReader.archive`` and ``.package`` (the zip and its manifest): the
  shared strings part, read as written (`shared_strings_part`); the parts
  of the worksheets, opened to name one that is broken (`sheet_parts`,
  `open_part`).
- ``ExcelReader.read``'s steps (``read_manifest`` ... ``read_worksheets``,
  ``apply_stylesheet(archive, wb)``, ``parser.assign_names``), taken one by
  one so a failure names the part being read (`read_steps`).

Not a private name, but counted on all the same and tested with the rest:
``ExcelWriter`` copies a write-only sheet into the zip with
``archive.write(its temporary file, its name)`` and writes every other part
with ``archive.writestr(name, data)``, which `cells.FixedZip` overrides.

openpyxl is imported only when one of these functions runs, so importing
this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "WriteOnlyWorksheet",
    "add_web_link",
    "check_openpyxl",
    "fill_row",
    "open_part",
    "pooled_cell",
    "prepare_row_cells",
    "read_steps",
    "registered_style",
    "set_row_height",
    "set_widths",
    "shared_strings_part",
    "sheet_parts",
    "sheet_rows",
    "start_writing",
]

#: (cell reference, place in the workbook) of a link within the workbook.
Link = tuple[str, str]
#: One cell from openpyxl's worksheet parser: row, column, value, data_type (and style_id).
ParsedCell = dict[str, Any]


# --- writing -------------------------------------------------------------------------------


def prepare_row_cells(sheet: WriteOnlyWorksheet) -> None:
    """Make `sheet` take appended rows as lists of ready cells (from `pooled_cell`), as they are."""
    sheet._values_to_row = _ready


def _ready(values: list[Any], row_idx: int) -> list[Any]:
    del row_idx  # the cells already carry their row
    return values


def start_writing(sheet: WriteOnlyWorksheet, links: list[Link]) -> None:
    """Start `sheet`'s XML now; its <hyperlinks> will hold `links` as they stand when the sheet closes."""
    sheet._get_writer()
    writer = sheet._writer
    writer.write_hyperlinks = lambda: _write_links(writer, links)


def _write_links(writer: Any, links: list[Link]) -> None:
    """The sheet's <hyperlinks>: links to places in the workbook, and openpyxl's own (web addresses)."""
    from openpyxl.worksheet.hyperlink import Hyperlink, HyperlinkList
    from openpyxl.xml.functions import Element, SubElement

    external = writer.ws._hyperlinks
    if external:
        # Web addresses need relationships; let openpyxl write them all, ours included.
        external += [Hyperlink(ref=ref, location=location) for ref, location in links]
        for link in external:
            if link.target:
                from openpyxl.packaging.relationship import Relationship

                rel = Relationship(type="hyperlink", TargetMode="External", Target=link.target)
                writer._rels.append(rel)
                link.id = rel.id
        writer.xf.send(HyperlinkList(external).to_tree())
        return
    if links:
        root = Element("hyperlinks")
        for ref, location in links:
            SubElement(root, "hyperlink", {"ref": ref, "location": location})
        writer.xf.send(root)


def add_web_link(sheet: WriteOnlyWorksheet, ref: str, target: str) -> None:
    """A link from cell `ref` to the web address `target` (after `start_writing`, which clears them)."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    sheet._hyperlinks.append(Hyperlink(ref=ref, target=target))


def registered_style(cell: Any) -> tuple[Any, int]:
    """The style array of a styled cell, and its id in the workbook's cell styles (added if new)."""
    style_id: int = cell.style_id
    return cell._style, style_id


def pooled_cell(sheet: WriteOnlyWorksheet, column: int, style_array: Any, style_id: int) -> Any:
    """A cell of `column` in `style_array` (whose id is `style_id`), to refill row after row (`fill_row`)."""
    cell = _pooled_cell_class()(sheet, row=1, column=column)
    cell._style = style_array
    cell.sid = style_id
    cell.styled = any(style_array)
    return cell


@cache
def _pooled_cell_class() -> type:
    """The pooled-cell class, made on first use so that importing this module does not import openpyxl."""
    from openpyxl.cell.cell import Cell

    class PooledCell(Cell):  # type: ignore[misc]
        """A cell whose style id is known: openpyxl would otherwise hash its style for every row."""

        __slots__ = ("sid", "styled")

        @property
        def style_id(self) -> int:
            sid: int = self.sid
            return sid

        @property
        def has_style(self) -> bool:
            styled: bool = self.styled
            return styled

    return PooledCell


def fill_row(sheet: WriteOnlyWorksheet, row: int, cells: list[tuple[Any, Any, str]]) -> None:
    """Write row `row` of (pooled cell, value, openpyxl data type); each cell is free again afterwards."""
    ready = []
    for cell, value, kind in cells:
        cell._value = value
        cell.data_type = kind
        cell.row = row
        ready.append(cell)
    # openpyxl writes an appended row at once, so the same cells can carry the next row.
    sheet.append(ready)


def set_row_height(sheet: WriteOnlyWorksheet, row: int, points: int) -> None:
    """Row `row` `points` tall: a plain mapping of its attributes, which costs less than a RowDimension."""
    sheet.row_dimensions[row] = {"ht": str(points), "customHeight": "1"}


def set_widths(sheet: WriteOnlyWorksheet, widths: list[float]) -> None:
    """Column widths, written as plain XML: openpyxl's column objects cost more than a small sheet's cells."""
    sheet.column_dimensions = _Columns(widths)


class _Columns:
    """What openpyxl's write-only sheet asks of its column dimensions: the <cols> element."""

    max_outline = None  # no grouped (outlined) columns

    def __init__(self, widths: list[float]) -> None:
        self._widths = widths

    def to_tree(self) -> Any:
        from openpyxl.xml.functions import Element, SubElement

        cols = Element("cols")
        for index, width in enumerate(self._widths, 1):
            number = str(index)
            SubElement(cols, "col", {"width": f"{width:g}", "customWidth": "1", "min": number, "max": number})
        return cols


# --- reading -------------------------------------------------------------------------------


def read_steps(reader: Any) -> tuple[tuple[str, Callable[[], object]], ...]:
    """What `ExcelReader.read` does, step by step, each with the part it reads."""
    from openpyxl.styles.stylesheet import apply_stylesheet

    return (
        ("[Content_Types].xml", reader.read_manifest),
        ("the shared strings", reader.read_strings),
        ("the workbook part", reader.read_workbook),
        ("docProps/core.xml", reader.read_properties),
        ("docProps/custom.xml", reader.read_custom),
        ("xl/theme/theme1.xml", reader.read_theme),
        ("xl/styles.xml", lambda: apply_stylesheet(reader.archive, reader.wb)),
        ("a worksheet", reader.read_worksheets),
        # reader.parser exists only once the workbook part is read.
        ("the defined names", lambda: reader.parser.assign_names()),  # noqa: PLW0108
    )


def sheet_parts(reader: Any) -> list[str]:
    """The part names of the worksheets the workbook part lists."""
    return [str(rel.target) for _sheet, rel in reader.parser.find_sheets()]


def open_part(reader: Any, name: str) -> IO[bytes]:
    opened: IO[bytes] = reader.archive.open(name)
    return opened


def shared_strings_part(reader: Any) -> IO[bytes] | None:
    """The shared strings part of an `openpyxl.reader.excel.ExcelReader`'s package, opened; None if there is none."""
    from openpyxl.xml.constants import SHARED_STRINGS

    part = reader.package.find(SHARED_STRINGS)
    if part is None:
        return None
    opened: IO[bytes] = reader.archive.open(part.PartName[1:])
    return opened


@contextmanager
def sheet_rows(book: Any, index: int, shared: list[str]) -> Iterator[Iterator[tuple[int, list[ParsedCell]]]]:
    """The rows of sheet `index` of a read-only workbook, as openpyxl's parser yields them, in file order.

    Each row is (its number, its cells), each cell a dict with ``row``,
    ``column``, ``value`` and ``data_type``; text of shared strings is taken
    from `shared`. Formulas stay formulas (``data_only=False``).
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    ws = book.worksheets[index]
    with ws._get_source() as source:
        parser = WorkSheetParser(
            source,
            shared,
            data_only=False,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        yield parser.parse()


# --- what has moved ------------------------------------------------------------------------


def check_openpyxl() -> list[str]:
    """What this module relies on and the installed openpyxl lacks, each said with what it is for."""
    import openpyxl
    from openpyxl.cell.cell import Cell
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    missing: list[str] = []

    def need(found: bool, name: str, use: str) -> None:
        if not found:
            missing.append(f"{name} is gone: {use}")

    try:
        from openpyxl.worksheet import _write_only
        from openpyxl.worksheet import _writer as _sheet_writer
    except ImportError:
        return ["openpyxl.worksheet._write_only or ._writer is gone: the writer streams write-only sheets"]
    try:
        from openpyxl.worksheet._reader import WorkSheetParser
    except ImportError:
        return ["openpyxl.worksheet._reader.WorkSheetParser is gone: the reader takes cells from it"]
    sheet_class = "openpyxl.worksheet._write_only.WriteOnlyWorksheet"
    only = getattr(_write_only, "WriteOnlyWorksheet", None)
    writer_class = getattr(_sheet_writer, "WorksheetWriter", None)
    if only is None or writer_class is None:
        return [f"{sheet_class} or its WorksheetWriter is gone: the writer streams write-only sheets"]
    need(hasattr(only, "_values_to_row"), f"{sheet_class}._values_to_row", "the writer hands rows of ready cells to it")
    need(hasattr(only, "_get_writer"), f"{sheet_class}._get_writer", "the writer starts a sheet's XML with it")
    need(hasattr(only, "_writer"), f"{sheet_class}._writer", "the writer reaches the sheet's XML stream through it")
    need(
        hasattr(writer_class, "write_hyperlinks"),
        "openpyxl.worksheet._writer.WorksheetWriter.write_hyperlinks",
        "the writer replaces it to write links within the workbook as plain XML",
    )
    need(
        hasattr(writer_class, "write_row"),
        "openpyxl.worksheet._writer.WorksheetWriter.write_row",
        "rows of cells and their heights",
    )
    need("_value" in Cell.__slots__, "openpyxl.cell.cell.Cell._value", "pooled cells are refilled through it")
    need(hasattr(Cell, "_style"), "openpyxl.cell.cell.Cell._style", "pooled cells share a style array")
    need(
        isinstance(getattr(Cell, "style_id", None), property)
        and isinstance(getattr(Cell, "has_style", None), property),
        "the properties openpyxl.cell.cell.Cell.style_id or .has_style",
        "pooled cells answer them without hashing their style",
    )
    need(
        hasattr(ReadOnlyWorksheet, "_get_source"),
        "openpyxl.worksheet._read_only.ReadOnlyWorksheet._get_source",
        "the reader opens a sheet's XML",
    )
    need(
        hasattr(WorkSheetParser, "parse"),
        "openpyxl.worksheet._reader.WorkSheetParser.parse",
        "the reader takes a sheet's rows from it",
    )
    book = openpyxl.Workbook(write_only=True)  # writes nothing until saved
    for name in ("_date_formats", "_timedelta_formats"):
        need(
            hasattr(book, name), f"openpyxl.Workbook.{name}", "the reader tells dates and durations from numbers by it"
        )
    # Set when a writer starts, so looked for where it is set: nothing is written to check them.
    assigned = writer_class.__init__.__code__.co_names
    for name in ("xf", "_rels", "ws"):
        need(
            name in assigned,
            f"openpyxl.worksheet._writer.WorksheetWriter.{name}",
            "the writer writes a sheet's links through it",
        )
    need("_hyperlinks" in assigned, f"{sheet_class}._hyperlinks", "the writer adds web links to it")
    use = "the reader reads the shared strings part as written"
    need("archive" in ExcelReader.__init__.__code__.co_names, "openpyxl.reader.excel.ExcelReader.archive", use)
    need("package" in ExcelReader.read_manifest.__code__.co_names, "openpyxl.reader.excel.ExcelReader.package", use)
    return missing
