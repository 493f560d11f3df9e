"""Getting cells into openpyxl's write-only sheets cheaply, safely and the same way every time.

openpyxl's write-only mode takes plain values (and guesses their type: a
text starting with ``=`` becomes a formula, ``#N/A`` an error) or cell
objects (built one by one, with styles hashed again for every cell, and
handed over through an exception per cell). Here every cell is typed by us,
never guessed, and comes from a small pool per sheet: one cell object per
(column, style), refilled for each row, whose style id is worked out once.
openpyxl writes each row as soon as it is appended, so a pooled cell is free
again for the next row.

Also here: the links of a sheet, to places within the workbook, collected
to be written as plain XML (openpyxl's descriptor machinery costs more than
the rest of a link), and a zip file whose entries all carry one timestamp.
What touches openpyxl's internals is in `visitexport.formats.xlsx.adapter`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from visitexport.formats.xlsx.adapter import (
    fill_row,
    pooled_cell,
    prepare_row_cells,
    registered_style,
    start_writing,
)

if TYPE_CHECKING:
    from visitexport.formats.xlsx.adapter import WriteOnlyWorksheet

__all__ = ["PLAIN", "FixedZip", "Out", "Spec", "Style", "Styles"]

#: Every zip entry's timestamp: the earliest a zip file can record.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DATE_FORMAT = "yyyy-mm-dd"


class Style(NamedTuple):
    """How a cell looks; every data cell is aligned to the top of its row."""

    header: bool = False
    wrap: bool = False
    indent: int = 0
    date: bool = False
    quote: bool = False
    link: bool = False
    title: bool = False
    left: bool = False


PLAIN = Style()


class Spec(NamedTuple):
    """One cell to write: its value, openpyxl's data type for it (s, n, b, d) and its style."""

    value: Any
    kind: str
    style: Style = PLAIN


class FixedZip(zipfile.ZipFile):
    """A zip whose entries all carry `ZIP_TIME` and the same permissions, whatever the clock says."""

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


class Styles:
    """The workbook's styles, each made once: fonts, fills and alignments as openpyxl style arrays."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self._arrays: dict[Style, Any] = {}
        self._ids: dict[Style, int] = {}
        #: Pooled cells by (column, style), shared by every sheet of the workbook: a cell's
        #: sheet matters to openpyxl only for the workbook's date system, the same for all.
        self.pool: dict[tuple[int, Style], Any] = {}
        # A font without a name falls back to the program's default (a serif in LibreOffice).
        self._fonts = {
            "header": Font(name="Calibri", size=11, bold=True),
            "title": Font(name="Calibri", size=14, bold=True),
            "link": Font(name="Calibri", size=11, color="0563C1", underline="single"),
        }
        self._fill = PatternFill("solid", fgColor="DDE4EE")
        self._border = Border(bottom=Side(style="thin", color="8497B0"))
        self._alignment = Alignment

    def array(self, style: Style, sheet: WriteOnlyWorksheet) -> Any:
        found = self._arrays.get(style)
        if found is None:
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(sheet)
            if style.header:
                cell.font, cell.fill, cell.border = self._fonts["header"], self._fill, self._border
            elif style.title:
                cell.font = self._fonts["title"]
            elif style.link:
                cell.font = self._fonts["link"]
            cell.alignment = self._alignment(
                wrap_text=style.wrap or style.header,
                indent=style.indent,
                vertical="top",
                # An indent shows only with an alignment that has one: Excel assumes left, LibreOffice does not.
                horizontal="left" if style.left or style.indent else None,
            )
            if style.date:
                cell.number_format = DATE_FORMAT
            if style.quote:
                cell.quotePrefix = True
            found, self._ids[style] = registered_style(cell)
            self._arrays[style] = found
        return found

    def id(self, style: Style) -> int:
        return self._ids[style]


class Out:
    """Appends rows of `Spec`s to one write-only sheet through pooled cells."""

    def __init__(self, sheet: WriteOnlyWorksheet, styles: Styles) -> None:
        self.sheet = sheet
        self.styles = styles
        self.line = 0
        #: (cell reference, place in the workbook) of every link on this sheet.
        self.links: list[tuple[str, str]] = []
        # Rows arrive as ready cells: skip openpyxl's value guessing (and its exception per cell object).
        prepare_row_cells(sheet)

    def start(self) -> None:
        """Begin writing: openpyxl writes widths, panes and print setup now, so they must be set."""
        start_writing(self.sheet, self.links)

    def append(self, specs: list[Spec | None]) -> None:
        if self.line == 0:
            self.start()
        self.line += 1
        cells = []
        pool = self.styles.pool
        for column, spec in enumerate(specs, 1):
            if spec is None:
                continue
            key = (column, spec.style)
            cell = pool.get(key)
            if cell is None:
                style = spec.style
                cell = pool[key] = pooled_cell(
                    self.sheet, column, self.styles.array(style, self.sheet), self.styles.id(style)
                )
            cells.append((cell, spec.value, spec.kind))
        fill_row(self.sheet, self.line, cells)
