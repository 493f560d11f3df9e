"""Reading a record back from an .xlsx workbook, without trusting it.

In this order, every problem named by its cell (``People!C4``) and, once the
record is assembled, by its JSON Pointer:

1. the package (`visitexport.formats.xlsx.package.check_package`): zip structure, sizes,
   compression, macros, external links, used range, before openpyxl
   decompresses anything;
2. the cells (`visitexport.formats.xlsx.source`): within limits, rows in order, malformed cells
   refused;
3. the sheets and columns, found by their headers (order and cosmetics do
   not matter; an unknown, repeated or missing sheet or column is a problem);
4. every cell: formulas and error values are refused anywhere, numbers where
   text belongs and text where numbers belong are refused, dates must be
   whole days; rows are put back in order by ``#`` and attached to their
   parents, nesting no deeper than records may;
5. the full canonical validation of the assembled record.

Nothing is returned unless all of it passes; all problems are reported at once.

An empty cell is one with no value or with a text of no characters (an
empty inline string, ``<c t="inlineStr"/>``, is how openpyxl, pandas and
`dump_xlsx` write ""); spaces or a line break are not empty. `source`
drops empty cells, so each column reads one as if it were not there:

- a field of ``Record`` or a column of any other sheet (text, dates,
  numbers, TRUE/FALSE, ids, lists one per line): the property is absent.
  No schema text may be "" and no list may be empty, so absent is the only
  valid reading; a required property is then reported as missing;
- ``#``, ``Type``, ``Cells``, and the parent column of a nested array: missing
  (a problem); ``Parent`` on a sheet of its own kind: a row at the top;
- ``Cell n`` up to the row's ``Cells``: the table cell "" (the only place
  a record holds an empty text); beyond ``Cells``: nothing;
- ``Part`` (on the sheet of the document's header, body and footer): missing
  on a row at the top (a problem); on a nested row, its parent's part (a
  nested row whose ``Part`` differs from its parent's is a problem);
- a row of empty cells is no row, an empty header cell no column.

Layout columns are read in their notations (`visitexport.formats.tabular.notation`):
a layout text in quotes (``""`` is the empty text, which an empty cell is
not), a list of line layouts, gaps or rule lines an entry per line; a cell
not in its notation is a problem like a number where text belongs. Line
breaks in a ``Text`` cell are the text's ``breaks``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from visitexport.errors import InvalidRecordError
from visitexport.formats.tabular.layout import (
    ABOUT,
    CELLS,
    LISTS,
    ORDER,
    PARENT,
    PART,
    RECORD,
    TEXT,
    Column,
    Kind,
    Layout,
    Sheet,
    cell_header,
    cell_number,
    layout,
)
from visitexport.formats.tabular.notation import NotationError, join_breaks, read_entries, unquote
from visitexport.formats.xlsx.refs import letter, quote
from visitexport.formats.xlsx.source import Book, Grid, RawCell, open_book
from visitexport.limits import MAX_DEPTH, MAX_REPORTED
from visitexport.problems import Problem, nearest, pointer_of
from visitexport.schema.model import order_keys
from visitexport.validation import check_record

__all__ = ["load_xlsx"]

_LOOSE = re.compile(r"[,\s]+")
#: LibreOffice saves a TRUE/FALSE cell as the formula =TRUE() or =FALSE(): a constant, not a calculation.
_CONSTANT_BOOLEANS = {"=TRUE()": True, "=FALSE()": False, "=TRUE": True, "=FALSE": False}
_RECORD_HEADERS = ["Field", "Value", "Description"]


class _Cell(NamedTuple):
    """One cell as read: where it is, and what openpyxl says it holds."""

    place: str
    value: Any
    kind: str  # openpyxl's data type: s, n, b, d, f, e


class _Row:
    """One data row as read: its places, its order, and the object it becomes."""

    __slots__ = ("cells", "first", "item", "kind", "order", "parent", "part", "places", "sheet")

    def __init__(
        self, sheet: Sheet, places: dict[str, str], order: float, *, kind: Kind | None, parent: Any, part: str | None
    ) -> None:
        self.sheet = sheet
        #: header -> the place of this row's cell in that column (empty or not).
        self.places = places
        self.first = places[ORDER]
        self.order = order
        self.kind = kind
        self.parent = parent
        #: The sheet's part the row is in (``Body``), on a sheet of several parts; a nested row's is its parent's.
        self.part = part
        self.item: Any = None
        #: path inside the row's object -> the cell its value came from.
        self.cells: dict[tuple[str, ...], _Cell] = {}


class _Reader:
    def __init__(self, lay: Layout) -> None:
        self.layout = lay
        #: (place, rule, message, row or None, path inside the row's object, or from the record)
        self.problems: list[tuple[str, str, str, _Row | None, tuple[str, ...]]] = []
        #: JSON Pointer -> the cell (or row) it came from.
        self.places: dict[str, str] = {}
        #: id(row) -> the row's JSON Pointer, once it is placed in the record.
        self._pointers: dict[int, str] = {}

    def problem(self, place: str, rule: str, message: str, row: _Row | None = None, path: tuple[str, ...] = ()) -> None:
        self.problems.append((place, rule, message, row, path))

    def report(self, place: str, rule: str, message: str) -> None:
        self.problem(place, rule, message)

    # --- sheets ----------------------------------------------------------------------

    def read(self, book: Book) -> dict[str, Any]:
        record: dict[str, Any] = {}
        rows: dict[str, list[_Row]] = {}
        sheets = {s.name: s for s in self.layout.sheets}
        found: set[str] = set()
        for index, name in enumerate(book.titles):
            if name in found:
                self.problem(f"{quote(name)}!A1", "xlsx.sheet", f"sheet {name!r} appears twice")
                continue
            found.add(name)
            if name in (ABOUT, LISTS):
                continue
            if name == RECORD:
                self._fields(name, book.grid(index, self.report), record)
            elif name in sheets:
                rows[name] = self._sheet(name, book.grid(index, self.report), sheets[name])
            else:
                self.problem(f"{quote(name)}!A1", "xlsx.sheet", f"unknown sheet {name!r}")
        for name in [RECORD, *sheets]:
            if name not in found:
                self.problem(f"{quote(name)}!A1", "xlsx.sheet", f"sheet {name!r} is missing")
        self._assemble(record, rows)
        return record

    def _headers(
        self,
        title: str,
        header: dict[int, RawCell],
        expected: list[str],
        extra: Callable[[str], int | None] | None = None,
    ) -> dict[int, str]:
        """Column number -> header, for the headers the layout knows; the rest reported."""
        by_column: dict[int, str] = {}
        for column, cell in sorted(header.items()):
            where = f"{title}!{letter(column)}1"
            text = cell.value
            if cell.kind in ("f", "e"):
                self._refuse(_Cell(where, text, cell.kind))
            elif not isinstance(text, str):
                self.problem(where, "xlsx.column", f"a header must be text, not {text!r}")
            elif text in by_column.values():
                self.problem(where, "xlsx.column", f"column {text!r} appears twice")
            elif text in expected or (extra is not None and extra(text) is not None):
                by_column[column] = text
            else:
                self.problem(where, "xlsx.column", f"unknown column {text!r}")
        for text in expected:
            if text not in by_column.values():
                message = f"column {text!r} is missing (hide columns rather than delete them)"
                self.problem(f"{title}!A1", "xlsx.column", message)
        return by_column

    def _cells_of(
        self, title: str, row: list[RawCell], by_column: dict[int, str], header: dict[int, RawCell]
    ) -> dict[str, _Cell]:
        """A row's cells by header; formulas and errors refused, values under no header reported."""
        values: dict[str, _Cell] = {}
        for raw in row:
            cell = _Cell(f"{title}!{letter(raw.column)}{raw.row}", raw.value, raw.kind)
            name = by_column.get(raw.column)
            if name is None:
                if raw.column not in header:  # under an unknown header the header was reported
                    self.problem(cell.place, "xlsx.column", "a value in a column without a header")
                continue
            values[name] = cell
        return values

    def _fields(self, name: str, grid: Grid, record: dict[str, Any]) -> None:
        title = quote(name)
        by_column = self._headers(title, grid.header, _RECORD_HEADERS)
        letters = {h: letter(c) for c, h in by_column.items()}
        if "Field" not in letters or "Value" not in letters:
            return
        fields = {label: (path, column) for label, path, column in self.layout.fields}
        seen: set[str] = set()
        for row in grid.rows:
            values = self._cells_of(title, row, by_column, grid.header)
            for cell in values.values():
                if cell.kind in ("f", "e") and not self._constant_boolean(cell, values, fields):
                    self._refuse(cell)
            label_cell, value_cell = values.get("Field"), values.get("Value")
            if label_cell is None:
                if value_cell is not None:
                    self.problem(value_cell.place, "xlsx.field", "a value without a field name")
                continue
            label = label_cell.value
            if not isinstance(label, str) or label not in fields:
                self.problem(label_cell.place, "xlsx.field", f"unknown field {label!r}")
                continue
            if label in seen:
                self.problem(label_cell.place, "xlsx.field", f"field {label!r} appears twice")
                continue
            seen.add(label)
            path, column = fields[label]
            self.places[pointer_of(path)] = f"{title}!{letters['Value']}{row[0].row}"
            if value_cell is None:
                continue
            value = self._convert(value_cell, column, None, path)
            if value is not None:
                _put(record, path, value)
        for label in fields:
            if label not in seen:
                self.problem(f"{title}!A1", "xlsx.field", f"field {label!r} is missing")

    @staticmethod
    def _constant_boolean(cell: _Cell, values: dict[str, _Cell], fields: dict[str, Any]) -> bool:
        label = values.get("Field")
        if label is None or cell is not values.get("Value") or label.value not in fields:
            return False
        column: Column = fields[label.value][1]
        return column.boolean and _is_constant(cell)

    def _sheet(self, name: str, grid: Grid, sheet: Sheet) -> list[_Row]:
        title = quote(name)
        fixed = sheet.fixed_headers
        expected = fixed + [c.header for c in sheet.columns]
        by_column = self._headers(title, grid.header, expected, cell_number if sheet.cells is not None else None)
        letters = {h: letter(c) for c, h in by_column.items()}
        present = set(by_column.values())
        columns = {c.header: c for c in sheet.columns}
        rows: list[_Row] = []
        orders: dict[float, str] = {}
        for raw in grid.rows:
            values = self._cells_of(title, raw, by_column, grid.header)
            if not values:
                continue
            line = raw[0].row
            refused = []
            for header, cell in list(values.items()):
                column = columns.get(header)
                if cell.kind in ("f", "e") and not (column is not None and column.boolean and _is_constant(cell)):
                    refused.append((header, values.pop(header)))
            places = {h: f"{title}!{letters.get(h, 'A')}{line}" for h in fixed}
            # A refused # (a formula) was reported as such: the row is not also "without a #".
            refused_order = any(header == ORDER for header, _ in refused)
            order = float("inf") if refused_order else self._order(values.get(ORDER), places[ORDER], orders)
            kind = self._kind(sheet, values, places)
            parent = self._parent(sheet, values, places)
            part = self._part(sheet, values, places, top=parent is None)
            row = _Row(sheet, places, order, kind=kind, parent=parent, part=part)
            for header, cell in refused:
                self._refuse(cell, row, kind.paths.get(header, ()) if kind is not None else ())
            if sheet.cells is not None:
                row.item = self._cells(sheet, values, row, present)
            elif kind is not None:
                row.item = self._item(kind, values, row, columns, fixed)
            rows.append(row)
        return rows

    def _item(
        self, kind: Kind, values: dict[str, _Cell], row: _Row, columns: dict[str, Column], fixed: list[str]
    ) -> dict[str, Any]:
        item: dict[str, Any] = dict([kind.constant]) if kind.constant else {}
        for header, cell in values.items():
            if header in fixed:
                continue
            path = kind.paths.get(header)
            if path is None:
                what = f"a {kind.tag}" if kind.tag else "this row"
                self.problem(cell.place, "xlsx.column", f"{what} has no {header!r}")
                continue
            row.cells[path] = cell
            value = self._convert(cell, columns[header], row, path)
            if header == TEXT and kind.breaks is not None and isinstance(value, str):
                value, breaks = join_breaks(value)
                if breaks:
                    row.cells[kind.breaks] = cell
                    _put(item, kind.breaks, breaks)
            if value is not None:
                _put(item, path, value)
        return item

    def _order(self, cell: _Cell | None, place: str, orders: dict[float, str]) -> float:
        if cell is None:
            self.problem(place, "xlsx.order", "the row has no # (its place in the record)")
            return float("inf")
        if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
            self.problem(cell.place, "xlsx.order", f"# must be a number, not {_describe(cell.value)}")
            return float("inf")
        order = float(cell.value)
        if order in orders:
            self.problem(cell.place, "xlsx.order", f"# {cell.value} is also the # of {orders[order]}")
        orders[order] = cell.place
        return order

    def _kind(self, sheet: Sheet, values: dict[str, _Cell], places: dict[str, str]) -> Kind | None:
        if sheet.cells is not None:
            return None
        if sheet.type_header is None:
            return sheet.kinds[""]
        cell = values.get(sheet.type_header)
        if cell is None or cell.kind != "s" or cell.value not in sheet.kinds:
            where = cell.place if cell is not None else places[sheet.type_header]
            self.problem(where, "xlsx.type", f"{sheet.type_header} must be one of {', '.join(sheet.kinds)}")
            return None
        return sheet.kinds[cell.value]

    def _part(self, sheet: Sheet, values: dict[str, _Cell], places: dict[str, str], *, top: bool) -> str | None:
        if not sheet.parts:
            return None
        cell = values.get(PART)
        titles = [part.title for part in sheet.parts]
        if cell is None:
            if top:
                self.problem(places[PART], "xlsx.parent", f"the row has no {PART} (one of {', '.join(titles)})")
            return None
        if cell.kind != "s" or cell.value not in titles:
            self.problem(cell.place, "xlsx.type", f"{PART} must be one of {', '.join(titles)}")
            return None
        found: str = cell.value
        return found

    def _parent(self, sheet: Sheet, values: dict[str, _Cell], places: dict[str, str]) -> Any:
        header = PARENT if sheet.nested else sheet.parent_header
        if header is None:
            return None
        cell = values.get(header)
        if cell is None:
            if not sheet.nested:
                self.problem(places[header], "xlsx.parent", f"the row has no {header}")
            return None
        by_id = sheet.nested or sheet.parent_by_id
        if by_id and not isinstance(cell.value, str):
            self.problem(cell.place, "xlsx.parent", f"{header} must be an id (text), not {_describe(cell.value)}")
            return None
        if not by_id and (isinstance(cell.value, bool) or not isinstance(cell.value, int | float)):
            self.problem(cell.place, "xlsx.parent", f"{header} must be a number, not {_describe(cell.value)}")
            return None
        return cell.value if by_id else float(cell.value)

    def _cells(self, sheet: Sheet, values: dict[str, _Cell], row: _Row, present: set[str]) -> list[str]:
        assert sheet.cells is not None
        count_cell = values.get(CELLS)
        count = count_cell.value if count_cell is not None else None
        if isinstance(count, float) and count.is_integer():
            count = int(count)
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            where = count_cell.place if count_cell is not None else row.places[CELLS]
            self.problem(where, "xlsx.cells", "Cells must be a whole number")
            return []
        for header, cell in values.items():
            n = cell_number(header)
            if n is not None and n > count:
                self.problem(cell.place, "xlsx.cells", f"a value beyond the row's {count} cells")
        out: list[str] = []
        for n in range(1, count + 1):
            if cell_header(n) not in present:
                self.problem(
                    row.first, "xlsx.column", f"column {cell_header(n)!r} is missing (the row has {count} cells)"
                )
                return []
            found = values.get(cell_header(n))
            if found is None:
                out.append("")
                continue
            row.cells[(str(n - 1),)] = found
            value = self._convert(found, sheet.cells, row, (str(n - 1),))
            out.append(value if isinstance(value, str) else "")
        return out

    # --- cells -------------------------------------------------------------------------

    def _refuse(self, cell: _Cell, row: _Row | None = None, path: tuple[str, ...] = ()) -> None:
        if cell.kind == "f":
            self.problem(cell.place, "xlsx.formula", f"a formula ({cell.value}); type the value itself", row, path)
        else:
            self.problem(cell.place, "xlsx.error", f"an error value ({cell.value})", row, path)

    def _convert(self, cell: _Cell, column: Column, row: _Row | None, path: tuple[str, ...]) -> Any:
        value = cell.value
        if column.entries is not None or column.quoted:
            return self._notation(cell, column, row, path)
        if column.boolean and cell.kind == "f" and _is_constant(cell):
            return _CONSTANT_BOOLEANS[value.upper()]
        if column.boolean:
            return value if isinstance(value, bool) else self._wrong(cell, "TRUE or FALSE", row, path)
        if column.integer or column.number:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return self._wrong(cell, "a number", row, path)
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if column.integer and not isinstance(value, int):
                return self._wrong(cell, "a whole number", row, path)
            return value
        expected = "a date (a date cell or YYYY-MM-DD)" if column.day_text else "text"
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime) and column.day_text:
            return value.isoformat()
        if isinstance(value, datetime.datetime):
            if column.day_text and value.time() == datetime.time():
                return value.date().isoformat()
            if column.name == "time" and value.date() == datetime.date(1899, 12, 30):
                return _clock(value.time())
            return self._wrong(cell, "a whole day" if column.day_text else expected, row, path)
        if isinstance(value, datetime.time) and column.name == "time":
            return _clock(value)
        if not isinstance(value, str):
            return self._wrong(cell, expected, row, path)
        if column.multi:
            if column.loose_split:
                return [part for part in _LOOSE.split(value) if part]
            return [part.rstrip("\r") for part in value.split("\n")]
        return value

    def _notation(self, cell: _Cell, column: Column, row: _Row | None, path: tuple[str, ...]) -> Any:
        """A layout cell in its notation: a quoted text, or entries one per line."""
        if not isinstance(cell.value, str):
            expected = "entries, one per line" if column.entries is not None else "a text in double quotes"
            return self._wrong(cell, expected, row, path)
        try:
            if column.entries is not None:
                return read_entries(cell.value, column.entries[0])
            return unquote(cell.value)
        except NotationError as error:
            self.problem(cell.place, "xlsx.type", f"{column.header}: {error}", row, path)
            return None

    def _wrong(self, cell: _Cell, expected: str, row: _Row | None, path: tuple[str, ...]) -> None:
        self.problem(cell.place, "xlsx.type", f"{_describe(cell.value)} where {expected} belongs", row, path)

    # --- assembling --------------------------------------------------------------------

    def _assemble(self, record: dict[str, Any], rows: dict[str, list[_Row]]) -> None:
        """Put every row under its parent, in # order, and note where each value came from."""
        by_sheet = {name: sorted(sheet_rows, key=lambda r: r.order) for name, sheet_rows in rows.items()}
        children: dict[tuple[str, Any], list[_Row]] = {}
        ids: dict[str, dict[Any, _Row]] = {}
        for name, sheet_rows in by_sheet.items():
            keyed = ids.setdefault(name, {})
            for row in sheet_rows:
                own = _own_id(row)
                if own is not None:
                    keyed.setdefault(own, row)
                keyed.setdefault(row.order, row)
                children.setdefault((name, row.parent), []).append(row)
        placed: set[int] = set()
        too_deep: set[int] = set()

        def attach(row: _Row, pointer: str) -> None:
            placed.add(id(row))
            self._note(row, pointer)
            if pointer.count("/") > MAX_DEPTH:
                # Deeper than any record may nest: say so once, at the row, and go no deeper.
                self.problem(row.first, "json.depth", f"nesting deeper than {MAX_DEPTH} levels", row)
                too_deep.add(id(row))
                return
            kind, sheet, own = row.kind, row.sheet, _own_id(row)
            if kind is None:
                return
            for path, tags in kind.holds.items():
                nested = [r for r in children.get((sheet.name, own), []) if r.kind is not None and r.kind.tag in tags]
                if own is not None and nested:
                    for inner in nested:
                        self._same_part(inner, row)
                    place(nested, row.item, path, pointer)
            for path, child in kind.children:
                found = children.get((child.name, own if child.parent_by_id else row.order), []) if child else []
                if found:
                    place(found, row.item, path, pointer)

        def place(items: list[_Row], target: dict[str, Any], path: tuple[str, ...], pointer: str) -> None:
            base = pointer + pointer_of(path)
            _put(target, path, [r.item for r in items])
            for index, row in enumerate(items):
                attach(row, f"{base}/{index}")

        for sheet in self.layout.sheets:
            top = [r for r in children.get((sheet.name, None), []) if r.kind is None or r.kind.tag in sheet.top_tags]
            if sheet.parent is not None or not top:
                continue
            for part in sheet.parts:
                mine = [r for r in top if r.part == part.title and r.kind is not None and r.kind.tag in part.tags]
                if mine:
                    place(mine, record, part.path, "")
            if not sheet.parts:
                place(top, record, sheet.path, "")
        for sheet_rows in by_sheet.values():
            for row in sheet_rows:
                if id(row) not in placed:
                    self._unplaced(row, ids, placed, too_deep)

    def _unplaced(self, row: _Row, ids: dict[str, dict[Any, _Row]], placed: set[int], too_deep: set[int]) -> None:
        """Say why a row found no place, once, at the row where the trouble starts."""
        sheet = row.sheet
        if (row.kind is None and sheet.cells is None) or (row.parent is None and sheet.parent is not None):
            return  # its Type, or its missing parent cell, was already reported
        if sheet.nested and row.parent is not None:
            parent = ids[sheet.name].get(row.parent)
            where = row.places[PARENT]
            if parent is None:
                self.problem(where, "xlsx.parent", f"Parent {row.parent!r} is not the id of a row on this sheet")
            elif id(parent) in placed:
                if id(parent) not in too_deep and parent.kind is not None and row.kind is not None:
                    message = f"a {parent.kind.tag or 'row'} cannot hold a {row.kind.tag or 'row'}"
                    self.problem(where, "xlsx.parent", message)
            elif _in_loop(row, ids[sheet.name]):
                self.problem(where, "xlsx.parent", f"Parent {row.parent!r} leads back to this row (a loop)")
        elif sheet.parent is not None:
            parent = ids.get(sheet.parent.name, {}).get(row.parent)
            if parent is None:
                header = sheet.parent_header or PARENT
                message = f"{header} {row.parent!r} is not on sheet {sheet.parent.name!r}"
                self.problem(row.places[header], "xlsx.parent", message)
        elif row.kind is not None and row.kind.tag not in sheet.top_tags:
            self.problem(row.places.get(PARENT, row.first), "xlsx.parent", f"a {row.kind.tag} must have a Parent")
        elif row.kind is not None and row.part is not None:  # on a sheet of parts, in a part it cannot be in
            self.problem(row.places[PART], "xlsx.parent", f"a {row.kind.tag} cannot be in the {row.part}")

    def _same_part(self, row: _Row, parent: _Row) -> None:
        """A nested row is in its parent's part: an empty Part cell says so, another part is a problem."""
        if row.part is None:
            row.part = parent.part
        elif row.part != parent.part:
            message = f"{PART} {row.part!r}, but its parent {_own_id(parent)!r} is in the {parent.part}"
            self.problem(row.places[PART], "xlsx.parent", message)

    def _note(self, row: _Row, pointer: str) -> None:
        self.places[pointer] = row.first
        for path, cell in row.cells.items():
            self.places[pointer + pointer_of(path)] = cell.place
        self._pointers[id(row)] = pointer

    def finish(self) -> list[Problem]:
        problems = []
        for place, rule, message, row, path in self.problems[:MAX_REPORTED]:
            pointer = ""
            if row is not None and id(row) in self._pointers:
                pointer = self._pointers[id(row)] + pointer_of(path)
            elif row is None and path:  # a field of the Record sheet: its path is from the record
                pointer = pointer_of(path)
            problems.append(Problem(0, 0, pointer, rule, message, place))
        return problems

    def located(self, found: list[Problem]) -> list[Problem]:
        out = []
        for problem in found:
            place = self.places.get(nearest(problem.pointer, self.places), f"{RECORD}!A1")
            out.append(problem._replace(line=0, column=0, place=place))
        return out


def load_xlsx(data: bytes, source: str = "<input>") -> dict[str, Any]:
    """A fully validated record from the bytes of an .xlsx workbook written by `dump_xlsx` (and edited)."""
    from visitexport.formats.xlsx.package import check_package

    parts = check_package(data, source)
    book = open_book(data, source, parts)
    reader = _Reader(layout())
    try:
        record = reader.read(book)
    finally:
        book.close()
    problems = reader.finish()
    if problems:
        raise InvalidRecordError(source, problems)
    ordered: dict[str, Any] = order_keys(record)
    found = check_record(ordered, from_parser=True)
    if found:
        raise InvalidRecordError(source, reader.located(found))
    return ordered


def _own_id(row: _Row) -> str | None:
    own = row.item.get("id") if row.kind is not None and isinstance(row.item, dict) else None
    return own if isinstance(own, str) else None


def _in_loop(row: _Row, rows: dict[Any, _Row]) -> bool:
    """True when following Parent from `row` comes back to it."""
    seen: set[int] = set()
    current: _Row | None = row
    while current is not None and current.parent is not None and id(current) not in seen:
        seen.add(id(current))
        current = rows.get(current.parent)
        if current is row:
            return True
    return False


def _is_constant(cell: _Cell) -> bool:
    return cell.kind == "f" and isinstance(cell.value, str) and cell.value.upper() in _CONSTANT_BOOLEANS


def _put(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def _clock(value: datetime.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"TRUE/FALSE ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return f"a date or time ({value})"
    return f"text ({value!r})"
