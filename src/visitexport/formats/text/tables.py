"""Table rows as the reader finds them: rows under the first row's indentation, aligned columns, header rows."""

from __future__ import annotations

from dataclasses import replace

from visitexport.formats.text import classify
from visitexport.formats.text.lines import Line

__all__ = ["aligned", "cell_starts", "columns_of", "looks_like_header", "row_under", "short_cell", "space_cells"]


def row_under(line: Line, indent: str) -> Line:
    """A table row as printed under the first row's `indent`: deeper indentation is empty cells before its text."""
    if len(line.indent) > len(indent) and line.indent.startswith(indent):
        return replace(line, indent=indent, content=line.indent[len(indent) :] + line.content)
    return line


def short_cell(text: str) -> bool:
    """A name or a date alone on a row of an aligned table, not a sentence under it."""
    return classify.words(text) <= 6 and not classify.ends_paragraph(text) and "  " not in text


def cell_starts(line: Line) -> list[int]:
    out = []
    column = len(line.indent)
    found = classify.cells_of(line.content, "space")
    if found is None:
        return [column]  # one cell
    cells, gaps = found
    at = column
    for cell, gap in zip(cells, gaps, strict=False):
        at += len(gap)
        out.append(at)
        at += len(cell)
    return out


def aligned(lines: list[Line]) -> bool:
    """Whether rows split by runs of spaces keep their cells in shared columns."""
    rows = [cell_starts(line) for line in lines if not classify.is_rule(line.content)]
    columns = sorted({start for row in rows for start in row})
    widest = max(len(row) for row in rows)
    # A row of one cell is a row whose first cells are empty, under a later column.
    full = sum(len(row) >= 2 for row in rows)
    return len(columns) == widest and full >= 2


def columns_of(lines: list[Line]) -> list[int]:
    return sorted({start for line in lines if not classify.is_rule(line.content) for start in cell_starts(line)})


def space_cells(line: Line, columns: list[int]) -> tuple[list[str], list[str]]:
    """A row of a space-aligned table, an empty cell standing in each column the row leaves blank."""
    cells, gaps = classify.cells_of(line.content, "space") or ([line.content], ["", ""])
    starts = cell_starts(line)
    out_cells: list[str] = []
    out_gaps: list[str] = [gaps[0]]
    at = len(line.indent) + len(gaps[0])
    for n, (cell, start) in enumerate(zip(cells, starts, strict=True)):
        while columns[len(out_cells)] < start:
            # An empty cell: the whitespace before this cell is split at the empty column's start.
            gap = out_gaps[-1]
            missing = columns[len(out_cells)]
            before = at - len(gap)
            cut = max(0, min(len(gap), missing - before))
            out_gaps[-1] = gap[:cut]
            out_cells.append("")
            out_gaps.append(gap[cut:])
        out_cells.append(cell)
        at = start + len(cell)
        following = gaps[n + 1]
        out_gaps.append(following)
        at += len(following)
    return out_cells, out_gaps


def looks_like_header(rows: list[list[str]]) -> bool:
    """A first row of short words without figures over rows that have figures: a header, probably."""
    if len(rows) < 3:
        return False
    first = rows[0]
    if not all(first) or any(any(ch.isdigit() for ch in cell) for cell in first):
        return False
    return any(any(ch.isdigit() for ch in cell) for row in rows[1:] for cell in row)
