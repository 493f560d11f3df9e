"""Rules on the document layer's layout: what it records must name lines, spaces and rows that exist.

The renderer prints whatever a valid record says; these rules keep a record
from saying what no text could have been read into (a break at a space the
text does not have, the layout of a line the part does not print).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from visitexport.rules._context import Context
from visitexport.rules._rule import Fault, rule

#: The key of each kind of part's text that may break over lines.
_TEXT = {"section": "heading", "field": "value"}
_INLINE = ("paragraph", "field")


def _ascending(values: list[int]) -> bool:
    return all(a < b for a, b in pairwise(values))


def _inline(item: dict[str, Any]) -> dict[str, Any] | None:
    """The block printed on an item's label line, if one is."""
    blocks = item.get("blocks")
    if blocks and blocks[0]["type"] in _INLINE and "label_alone" not in item:
        first: dict[str, Any] = blocks[0]
        return first
    return None


def _printed_lines(part: dict[str, Any]) -> int:
    """How many lines of its own a part prints, its empty lines not counted."""
    if "label" in part and "type" not in part:  # a list item
        inline = _inline(part)
        return 1 if inline is None else len(inline.get("breaks", ())) + 1
    if part.get("type") == "table":
        return len(part["rows"]) + len(part.get("rules", ()))
    return len(part.get("breaks", ())) + 1


@rule(
    "layout.breaks",
    "a text's line breaks name its spaces, in order",
    "a text's `breaks` name spaces it has (the nth space, from 1), each once, in order",
)
def breaks(ctx: Context) -> Iterator[Fault]:
    for index, part in enumerate(ctx.parts):
        if "breaks" not in part:
            continue
        numbers = part["breaks"]
        spaces = part[_TEXT.get(str(part.get("type")), "text")].count(" ")
        if not _ascending(numbers):
            yield f"{ctx.block_pointer(index)}/breaks", "line breaks must be given in order, each once"
        elif numbers[-1] > spaces:
            message = f"a break at space {numbers[-1]}, but the text has {spaces} spaces"
            yield f"{ctx.block_pointer(index)}/breaks", message


@rule(
    "layout.lines",
    "line layouts name lines their part prints, in order",
    "the `lines` of a part name lines it prints (from 0, its empty lines first), each once, in order",
)
def lines(ctx: Context) -> Iterator[Fault]:
    document = ctx.record["document"]
    layout = document.get("layout", {})
    # The empty lines that end the text are the document layout's lines.
    found = [("/document/layout", layout, layout.get("blank_lines", 0))] if "lines" in layout else []
    for index, part in enumerate(ctx.parts):
        if "lines" in part:
            blanks = 0 if "joined" in part else part.get("blank_lines", 1)
            found.append((ctx.block_pointer(index), part, blanks + _printed_lines(part)))
    for pointer, part, count in found:
        at = [line["at"] for line in part["lines"]]
        if not _ascending(at):
            yield f"{pointer}/lines", "line layouts must be given in order of their lines, each once"
        elif at[-1] >= count:
            yield f"{pointer}/lines", f"the layout of line {at[-1]}, but this part prints {count} lines (from 0)"


@rule(
    "layout.gaps",
    "a table's gaps and rule lines name its rows",
    "a table's `gaps` name its rows, in order, with one more gap than the row has cells; "
    "its `rules` stand before a row or after the last",
)
def gaps(ctx: Context) -> Iterator[Fault]:
    for index, table in ctx.tables:
        rows = table["rows"]
        given = table.get("gaps", ())
        numbers = [g["row"] for g in given]
        if not _ascending(numbers):
            yield f"{ctx.block_pointer(index)}/gaps", "gaps must be given in order of their rows, each once"
        for n, row_gaps in enumerate(given):
            row = row_gaps["row"]
            if row >= len(rows):
                yield (
                    f"{ctx.block_pointer(index)}/gaps/{n}/row",
                    f"row {row}, but the table has {len(rows)} rows (from 0)",
                )
            elif len(row_gaps["gaps"]) != len(rows[row]) + 1:
                cells = len(rows[row])
                message = f"row {row} has {cells} cells, so {cells + 1} gaps, not {len(row_gaps['gaps'])}"
                yield f"{ctx.block_pointer(index)}/gaps/{n}/gaps", message
        for n, line in enumerate(table.get("rules", ())):
            if line["before"] > len(rows):
                message = f"a rule before row {line['before']}, but the table has {len(rows)} rows"
                yield f"{ctx.block_pointer(index)}/rules/{n}/before", message


@rule(
    "layout.inline",
    "a block printed on its item's label line leaves its layout to the item",
    "a paragraph or key/value line printed on its item's label line has no `blank_lines`, `lines` or `joined` "
    "of its own: the item's say how that line is printed",
)
def inline(ctx: Context) -> Iterator[Fault]:
    for index, part in enumerate(ctx.parts):
        if "label" in part and "type" not in part and (first := _inline(part)) is not None:
            for key in ("blank_lines", "joined", "lines"):
                if key in first:
                    message = (
                        f"printed on the item's label line, it cannot have {key} of its own (give them to the item)"
                    )
                    yield f"{ctx.block_pointer(index)}/blocks/0/{key}", message
