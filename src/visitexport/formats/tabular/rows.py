"""A record's rows, sheet by sheet, as the workbook lays them out (see `visitexport.formats.tabular.layout`).

Shared by the writer (which fills the cells) and the tests; the reader goes
the other way with the same layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from visitexport.formats.tabular.layout import Column, Kind, Layout, Sheet
from visitexport.formats.tabular.notation import quote, write_entries
from visitexport.problems import pointer_of

__all__ = ["Row", "collect", "get", "notation_overflows"]


class Row(NamedTuple):
    """One row of a sheet: the object it shows and where it sits."""

    number: int
    kind: Kind | None  # None on a sheet of cells
    item: Any
    pointer: str
    parent: str | int | None
    depth: int
    #: The title of the sheet's part the row belongs to (``Body``), on a sheet of several; else None.
    part: str | None = None


def get(value: Any, path: tuple[str, ...]) -> Any:
    """The value at `path` of keys inside `value`, or None."""
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def collect(layout: Layout, record: dict[str, Any]) -> dict[str, list[Row]]:
    """Every sheet's rows in record order: nested rows right after their parent, children by parent."""
    rows: dict[str, list[Row]] = {sheet.name: [] for sheet in layout.sheets}

    def emit(
        sheet: Sheet,
        items: list[Any],
        pointer: str,
        parent: str | int | None,
        *,
        depth: int,
        tags: tuple[str, ...],
        part: str | None = None,
    ) -> None:
        out = rows[sheet.name]
        for index, item in enumerate(items):
            here = f"{pointer}/{index}"
            if sheet.cells is not None:
                out.append(Row(len(out) + 1, None, item, here, parent, depth))
                continue
            tag = tags[0] if len(tags) == 1 else item[sheet.discriminator]
            kind = sheet.kinds[tag]
            row = Row(len(out) + 1, kind, item, here, parent, depth, part)
            out.append(row)
            for path, held in kind.holds.items():
                sub = get(item, path)
                if sub:
                    emit(sheet, sub, here + pointer_of(path), item["id"], depth=depth + 1, tags=held, part=part)
            for path, child in kind.children:
                sub = get(item, path)
                if sub and child is not None:
                    link = item["id"] if child.parent_by_id else row.number
                    emit(child, sub, here + pointer_of(path), link, depth=0, tags=child.top_tags)

    for sheet in layout.sheets:
        if sheet.parent is not None:
            continue
        for part in sheet.parts:
            items = get(record, part.path)
            if items:
                emit(sheet, items, pointer_of(part.path), None, depth=0, tags=part.tags, part=part.title)
        if not sheet.parts:
            items = get(record, sheet.path)
            if items:
                emit(sheet, items, pointer_of(sheet.path), None, depth=0, tags=sheet.top_tags)
    return rows


def notation_overflows(
    layout: Layout, record: dict[str, Any], rows: dict[str, list[Row]], limit: int
) -> Iterator[tuple[str, str, int]]:
    """Layout cells whose notation would be longer than `limit` UTF-16 units: (pointer, header, units).

    Every text of a record fits a cell (the ``text.cell-length`` rule), but a layout
    value is written in a notation (`visitexport.formats.tabular.notation`) that can be
    longer: quotes around a gap, ``\\t`` for each of its tabs, a table's gaps one
    entry per row in one cell. `rows` are `collect`'s. Cheap: only layout cells are written out.
    """
    for label, path, column in layout.fields:
        if column.entries is not None or column.quoted:
            found = _overflow(column, get(record, path), limit)
            if found is not None:
                yield pointer_of(path), label, found
    for sheet in layout.sheets:
        columns = [c for c in sheet.columns if c.entries is not None or c.quoted]
        for row in rows[sheet.name] if columns else ():
            if row.kind is None:
                continue
            for column in columns:
                at = row.kind.paths.get(column.header)
                found = _overflow(column, get(row.item, at), limit) if at is not None else None
                if at is not None and found is not None:
                    yield row.pointer + pointer_of(at), column.header, found


def _overflow(column: Column, value: Any, limit: int) -> int | None:
    """The UTF-16 units of `value` as its layout column writes it, when over `limit`."""
    if value is None:
        return None
    written = write_entries(value, *column.entries) if column.entries is not None else quote(str(value))
    # A text of at most half the limit in characters is within it in UTF-16 units.
    if len(written) <= limit // 2:
        return None
    units = len(written.encode("utf-16-le")) // 2
    return units if units > limit else None
