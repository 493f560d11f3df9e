"""Reading a record back from an .xlsx workbook, without trusting it.

In this order, every problem named by its cell (``People!C4``) and, once the
record is assembled, by its JSON Pointer:

1. the package (`xlsx_package.check_package`): zip structure, sizes,
   compression, macros, external links, used range, before openpyxl
   decompresses anything;
2. the sheets and columns, found by their headers (order and cosmetics do
   not matter; an unknown or missing sheet or column is a problem);
3. every cell: formulas and error values are refused, numbers where text
   belongs and text where numbers belong are refused, dates must be whole
   days; rows are put back in order by ``#`` and attached to their parents;
4. the full canonical validation of the assembled record.

Nothing is returned unless all of it passes; all problems are reported at once.
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any, NamedTuple

from ..canonical import order_keys
from ..errors import InvalidRecordError
from ..problems import Problem
from ..validate import check_record
from ..xlsxmodel import ABOUT, CELLS, LISTS, ORDER, PARENT, RECORD, Column, Kind, Layout, Sheet, cell_header, layout

__all__ = ["load_xlsx"]

_CELL_HEADER = re.compile(r"Cell ([1-9][0-9]*)")
_LOOSE = re.compile(r"[,\s]+")
_MAX_REPORTED = 200
_CONSTANT_BOOLEANS = {"=TRUE()": True, "=FALSE()": False, "=TRUE": True, "=FALSE": False}


class _Cell(NamedTuple):
    """One cell as read: where it is, what openpyxl says it holds."""

    place: str
    value: Any
    kind: str  # openpyxl's data_type: s, n, b, d, f, e


class _Row:
    """One data row as read: its place, its order, and the object it becomes."""

    __slots__ = ("cells", "first", "item", "kind", "line", "order", "parent", "sheet")

    def __init__(self, sheet: Sheet, line: int, order: float, *, kind: Kind | None, parent: Any, first: str) -> None:
        self.sheet = sheet
        self.line = line
        self.order = order
        self.kind = kind
        self.parent = parent
        self.item: Any = None
        #: path inside the row's object -> the cell its value came from.
        self.cells: dict[tuple[str, ...], _Cell] = {}
        self.first = first


class _Reader:
    def __init__(self, lay: Layout, source: str) -> None:
        self.layout = lay
        self.source = source
        #: (place, rule, message, row or None, path inside the row's object)
        self.problems: list[tuple[str, str, str, _Row | None, tuple[str, ...]]] = []
        self.places: dict[str, str] = {}
        #: id(row) -> the row's JSON Pointer, once it is placed in the record.
        self._pointers: dict[int, str] = {}
        #: The headers found on each sheet (for the Cell n columns, which the layout cannot list).
        self._cell_headers: dict[str, set[str]] = {}

    def problem(self, place: str, rule: str, message: str, row: _Row | None = None, path: tuple[str, ...] = ()) -> None:
        self.problems.append((place, rule, message, row, path))

    # --- sheets ----------------------------------------------------------------------

    def read(self, book: Any) -> dict[str, Any]:
        record: dict[str, Any] = {}
        field_places: dict[str, str] = {}
        rows: dict[str, list[_Row]] = {}
        sheets = {s.name: s for s in self.layout.sheets}
        found = set()
        for ws in book.worksheets:
            name = ws.title
            found.add(name)
            if name in (ABOUT, LISTS):
                continue
            if name == RECORD:
                self._fields(ws, record, field_places)
            elif name in sheets:
                rows[name] = self._sheet(ws, sheets[name])
            else:
                self.problem(f"{_quote(name)}!A1", "xlsx.sheet", f"unknown sheet {name!r}")
        for name in [RECORD, *sheets]:
            if name not in found:
                self.problem(f"{_quote(name)}!A1", "xlsx.sheet", f"sheet {name!r} is missing")
        self.places.update(field_places)
        self._assemble(record, rows)
        return record

    def _grid(self, ws: Any) -> tuple[list[tuple[int, str]], list[list[Any]]]:
        """The header row and the data rows of a sheet, within the limits."""
        from .xlsx_package import MAX_COLUMNS, MAX_ROWS

        ws.reset_dimensions()  # a wrong <dimension> would otherwise cut rows off silently
        header: list[tuple[int, str]] = []
        data: list[list[Any]] = []
        for index, row in enumerate(ws.iter_rows(), 1):
            if index > MAX_ROWS + 1:
                self.problem(f"{_quote(ws.title)}!A{index}", "xlsx.range", f"more than {MAX_ROWS:,} rows")
                break
            cells = [c for c in row if c.value is not None]
            if any(c.column > MAX_COLUMNS for c in cells):
                self.problem(f"{_quote(ws.title)}!A{index}", "xlsx.range", f"more than {MAX_COLUMNS:,} columns")
                break
            if index == 1:
                header = [(c.column, c.value) for c in cells]
            else:
                data.append(cells)
        return header, data

    def _headers(
        self, ws: Any, header: list[tuple[int, Any]], expected: list[str], extra: re.Pattern[str] | None
    ) -> dict[int, str]:
        title = _quote(ws.title)
        by_column: dict[int, str] = {}
        for column, text in header:
            where = f"{title}!{_letter(column)}1"
            if not isinstance(text, str):
                self.problem(where, "xlsx.column", f"a header must be text, not {text!r}")
            elif text in by_column.values():
                self.problem(where, "xlsx.column", f"column {text!r} appears twice")
            elif text in expected or (extra is not None and extra.fullmatch(text)):
                by_column[column] = text
            else:
                self.problem(where, "xlsx.column", f"unknown column {text!r}")
        for text in expected:
            if text not in by_column.values():
                self.problem(
                    f"{title}!A1", "xlsx.column", f"column {text!r} is missing (hide columns rather than delete them)"
                )
        return by_column

    def _fields(self, ws: Any, record: dict[str, Any], places: dict[str, str]) -> None:
        header, data = self._grid(ws)
        columns = self._headers(ws, header, ["Field", "Value", "Description"], None)
        where_field = next((c for c, h in columns.items() if h == "Field"), None)
        where_value = next((c for c, h in columns.items() if h == "Value"), None)
        if where_field is None or where_value is None:
            return
        fields = {label: (path, column) for label, path, column in self.layout.fields}
        seen: set[str] = set()
        title = _quote(ws.title)
        for cells in data:
            by_column = {c.column: c for c in cells}
            label_cell = by_column.get(where_field)
            value_cell = by_column.get(where_value)
            line = cells[0].row if cells else 0
            if label_cell is None:
                if value_cell is not None:
                    self.problem(f"{title}!{value_cell.coordinate}", "xlsx.field", "a value without a field name")
                continue
            label = label_cell.value
            if not isinstance(label, str) or label not in fields:
                self.problem(f"{title}!{label_cell.coordinate}", "xlsx.field", f"unknown field {label!r}")
                continue
            if label in seen:
                self.problem(f"{title}!{label_cell.coordinate}", "xlsx.field", f"field {label!r} appears twice")
                continue
            seen.add(label)
            path, column = fields[label]
            place = f"{title}!{_letter(where_value)}{line}"
            pointer = "/" + "/".join(path)
            places[pointer] = place
            if value_cell is None:
                continue
            value = self._convert(_Cell(place, value_cell.value, value_cell.data_type), column, None, path)
            if value is not None:
                _put(record, path, value)
        for label in fields:
            if label not in seen:
                self.problem(f"{title}!A1", "xlsx.field", f"field {label!r} is missing")

    def _sheet(self, ws: Any, sheet: Sheet) -> list[_Row]:
        header, data = self._grid(ws)
        fixed = sheet.fixed_headers
        expected = fixed + [c.header for c in sheet.columns]
        by_column = self._headers(ws, header, expected, _CELL_HEADER if sheet.cells is not None else None)
        self._cell_headers[sheet.name] = set(by_column.values())
        title = _quote(ws.title)
        headed = {column for column, _ in header}
        columns = {c.header: c for c in sheet.columns}
        rows: list[_Row] = []
        orders: dict[float, str] = {}
        for cells in data:
            values = {
                by_column[c.column]: _Cell(f"{title}!{c.coordinate}", c.value, c.data_type)
                for c in cells
                if c.column in by_column
            }
            for cell in cells:
                if cell.column not in headed:
                    # Under an unknown header the header itself was reported; here there is none at all.
                    self.problem(f"{title}!{cell.coordinate}", "xlsx.column", "a value in a column without a header")
            if not values:
                continue
            line = cells[0].row
            first = f"{title}!A{line}"
            order = self._order(values.get(ORDER), first, orders)
            kind = self._kind(sheet, values, first)
            parent = self._parent(sheet, values)
            row = _Row(sheet, line, order, kind=kind, parent=parent, first=first)
            if sheet.cells is not None:
                row.item = self._cells(sheet, values, row)
            elif kind is not None:
                item: dict[str, Any] = dict([kind.constant]) if kind.constant else {}
                for header_, cell in values.items():
                    if header_ in fixed:
                        continue
                    path = kind.paths.get(header_)
                    if path is None:
                        what = f"a {kind.tag}" if kind.tag else "this row"
                        self.problem(cell.place, "xlsx.column", f"{what} has no {header_!r}")
                        continue
                    row.cells[path] = cell
                    value = self._convert(cell, columns[header_], row, path)
                    if value is not None:
                        _put(item, path, value)
                row.item = item
            rows.append(row)
        return rows

    def _order(self, cell: _Cell | None, first: str, orders: dict[float, str]) -> float:
        if cell is None:
            self.problem(first, "xlsx.order", "the row has no # (its place in the record)")
            return float("inf")
        if cell.kind in ("f", "e") or isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
            self.problem(cell.place, "xlsx.order", f"# must be a number, not {cell.value!r}")
            return float("inf")
        order = float(cell.value)
        if order in orders:
            self.problem(cell.place, "xlsx.order", f"# {cell.value} is also the # of {orders[order]}")
        orders[order] = cell.place
        return order

    def _kind(self, sheet: Sheet, values: dict[str, _Cell], first: str) -> Kind | None:
        if sheet.cells is not None:
            return None
        if sheet.type_header is None:
            return sheet.kinds[""]
        cell = values.get(sheet.type_header)
        if cell is None or cell.value not in sheet.kinds or cell.kind != "s":
            where = cell.place if cell is not None else first
            allowed = ", ".join(sheet.kinds)
            self.problem(where, "xlsx.type", f"{sheet.type_header} must be one of {allowed}")
            return None
        return sheet.kinds[cell.value]

    def _parent(self, sheet: Sheet, values: dict[str, _Cell]) -> Any:
        header = PARENT if sheet.nested else sheet.parent_header
        if header is None:
            return None
        cell = values.get(header)
        if cell is None:
            if not sheet.nested:
                self.problem(f"{sheet.name}!B1", "xlsx.parent", f"a row without its {header}")
            return None
        if cell.kind in ("f", "e"):
            self._refuse_kind(cell)
            return None
        by_id = sheet.nested or sheet.parent_by_id
        if by_id and not isinstance(cell.value, str):
            self.problem(cell.place, "xlsx.parent", f"{header} must be an id (text), not {cell.value!r}")
            return None
        if not by_id and (isinstance(cell.value, bool) or not isinstance(cell.value, int | float)):
            self.problem(cell.place, "xlsx.parent", f"{header} must be a number, not {cell.value!r}")
            return None
        return cell.value if by_id else float(cell.value)

    def _cells(self, sheet: Sheet, values: dict[str, _Cell], row: _Row) -> list[str]:
        count_cell = values.get(CELLS)
        count = count_cell.value if count_cell is not None else None
        if isinstance(count, float) and count.is_integer():
            count = int(count)
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            self.problem(count_cell.place if count_cell else row.first, "xlsx.cells", "Cells must be a whole number")
            return []
        assert sheet.cells is not None
        out: list[str] = []
        for header_, cell in values.items():
            match = _CELL_HEADER.fullmatch(header_)
            if match and int(match.group(1)) > count:
                self.problem(cell.place, "xlsx.cells", f"a value beyond the row's {count} cells")
        for n in range(1, count + 1):
            if cell_header(n) not in self._cell_headers[sheet.name]:
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

    def _refuse_kind(self, cell: _Cell, row: _Row | None = None, path: tuple[str, ...] = ()) -> None:
        if cell.kind == "f":
            self.problem(cell.place, "xlsx.formula", f"a formula ({cell.value}); type the value itself", row, path)
        else:
            self.problem(cell.place, "xlsx.error", f"an error value ({cell.value})", row, path)

    def _convert(self, cell: _Cell, column: Column, row: _Row | None, path: tuple[str, ...]) -> Any:
        value, kind = cell.value, cell.kind
        if column.boolean and kind == "f" and isinstance(value, str) and value.upper() in _CONSTANT_BOOLEANS:
            # LibreOffice saves a TRUE/FALSE cell as the formula =TRUE() or =FALSE(): a constant, not a calculation.
            return _CONSTANT_BOOLEANS[value.upper()]
        if kind in ("f", "e"):
            self._refuse_kind(cell, row, path)
            return None
        if isinstance(value, str) and value == "":
            return None
        if column.boolean:
            if isinstance(value, bool):
                return value
            return self._wrong(cell, "TRUE or FALSE", row, path)
        if column.integer or column.number:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return self._wrong(cell, "a number", row, path)
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if column.integer and not isinstance(value, int):
                return self._wrong(cell, "a whole number", row, path)
            return value
        if isinstance(value, datetime.datetime):
            if column.date and value.time() == datetime.time():
                return value.date().isoformat()
            if column.name == "time" and value.date() == datetime.date(1899, 12, 30):
                return _clock(value.time())
            return self._wrong(cell, "text" if not column.date else "a whole day", row, path)
        if isinstance(value, datetime.time) and column.name == "time":
            return _clock(value)
        if not isinstance(value, str):
            return self._wrong(cell, "text", row, path)
        if column.multi:
            if column.loose_split:
                return [part for part in _LOOSE.split(value) if part]
            return [part.rstrip("\r") for part in value.split("\n")]
        return value

    def _wrong(self, cell: _Cell, expected: str, row: _Row | None, path: tuple[str, ...]) -> None:
        found = _describe(cell.value)
        self.problem(cell.place, "xlsx.type", f"{found} where {expected} belongs", row, path)

    # --- assembling --------------------------------------------------------------------

    def _assemble(self, record: dict[str, Any], rows: dict[str, list[_Row]]) -> None:
        """Put every row under its parent, in # order, and note where each value came from."""
        by_sheet = {name: sorted(sheet_rows, key=lambda r: r.order) for name, sheet_rows in rows.items()}
        children: dict[tuple[str, Any], list[_Row]] = {}
        ids: dict[str, dict[Any, _Row]] = {}
        for name, sheet_rows in by_sheet.items():
            keyed = ids.setdefault(name, {})
            for row in sheet_rows:
                if row.kind is not None and isinstance(row.item, dict) and isinstance(row.item.get("id"), str):
                    keyed.setdefault(row.item["id"], row)
                keyed.setdefault(row.order, row)
                children.setdefault((name, row.parent), []).append(row)
        placed: set[int] = set()

        def attach(row: _Row, pointer: str) -> None:
            placed.add(id(row))
            self._note(row, pointer)
            kind = row.kind
            if kind is None:
                return
            sheet = row.sheet
            own = row.item.get("id") if isinstance(row.item, dict) else None
            for path, tags in kind.holds.items():
                nested = [r for r in children.get((sheet.name, own), []) if r.kind is not None and r.kind.tag in tags]
                if own is not None and nested:
                    place(nested, row.item, path, pointer)
            for path, child in kind.children:
                if child is None:
                    continue
                key = own if child.parent_by_id else row.order
                found = children.get((child.name, key), [])
                if found:
                    place(found, row.item, path, pointer)

        def place(items: list[_Row], target: dict[str, Any], path: tuple[str, ...], pointer: str) -> None:
            base = pointer + "".join(f"/{k}" for k in path)
            _put(target, path, [r.item for r in items])
            for index, row in enumerate(items):
                attach(row, f"{base}/{index}")

        for sheet in self.layout.sheets:
            if sheet.parent is None and sheet.name in by_sheet:
                top = [
                    r for r in children.get((sheet.name, None), []) if r.kind is None or r.kind.tag in sheet.top_tags
                ]
                if top:
                    place(top, record, sheet.path, "")
        for sheet_rows in by_sheet.values():
            for row in sheet_rows:
                if id(row) not in placed:
                    self._unplaced(row, ids)

    def _unplaced(self, row: _Row, ids: dict[str, dict[Any, _Row]]) -> None:
        sheet = row.sheet
        if row.kind is None and sheet.cells is None:
            return  # its Type was already reported
        if sheet.nested and row.parent is not None:
            parent = ids[sheet.name].get(row.parent)
            if parent is None:
                message = f"Parent {row.parent!r} is not the id of a row on this sheet"
            elif parent.kind is not None and row.kind is not None and not _holds(parent.kind, row.kind.tag):
                message = f"a {parent.kind.tag or 'row'} cannot hold a {row.kind.tag or 'row'}"
            else:
                message = f"Parent {row.parent!r} does not lead back to the top (a loop?)"
            self.problem(row.first, "xlsx.parent", message)
        elif sheet.parent is not None:
            header = sheet.parent_header
            self.problem(row.first, "xlsx.parent", f"{header} {row.parent!r} is not on sheet {sheet.parent.name!r}")
        elif row.kind is not None and row.kind.tag not in sheet.top_tags:
            self.problem(row.first, "xlsx.parent", f"a {row.kind.tag} must have a Parent")

    def _note(self, row: _Row, pointer: str) -> None:
        self.places[pointer] = row.first
        for path, cell in row.cells.items():
            self.places[pointer + "".join(f"/{k}" for k in path)] = cell.place
        self._pointers[id(row)] = pointer

    def finish(self) -> list[Problem]:
        problems = []
        for place, rule, message, row, path in self.problems[:_MAX_REPORTED]:
            pointer = ""
            if row is not None and id(row) in self._pointers:
                pointer = self._pointers[id(row)] + "".join(f"/{k}" for k in path)
            elif row is None and path:  # a field of the Record sheet: its path is from the record
                pointer = "".join(f"/{k}" for k in path)
            problems.append(Problem(0, 0, pointer, rule, message, place))
        return problems

    def located(self, found: list[Problem]) -> list[Problem]:
        out = []
        for problem in found:
            pointer = problem.pointer
            while pointer not in self.places and pointer:
                pointer = pointer.rsplit("/", 1)[0]
            out.append(problem._replace(line=0, column=0, place=self.places.get(pointer, f"{RECORD}!A1")))
        return out


def load_xlsx(data: bytes, source: str = "<input>") -> dict[str, Any]:
    """A fully validated record from the bytes of an .xlsx workbook written by `dump_xlsx` (and edited)."""
    from openpyxl import load_workbook

    from .xlsx_package import check_package

    check_package(data, source)

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as exc:  # openpyxl raises many kinds of error on a broken package
        raise InvalidRecordError(source, [Problem(0, 0, "", "xlsx.zip", f"not a workbook: {exc}")]) from None
    reader = _Reader(layout(), source)
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


def _holds(parent: Kind, tag: str) -> bool:
    return any(tag in tags for tags in parent.holds.values())


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


def _quote(name: str) -> str:
    return f"'{name}'" if re.search(r"[^A-Za-z0-9_]", name) else name


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))
