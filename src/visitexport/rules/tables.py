"""Rules on the document's tables."""

from __future__ import annotations

from collections.abc import Iterator

from visitexport.problems import listed
from visitexport.rules._context import Context
from visitexport.rules._rule import Fault, rule


@rule(
    "table.shape",
    "a table's rows have one number of cells, and no more header rows than rows",
    "a table's rows have one number of cells, and there are no more header rows than rows",
)
def shape(ctx: Context) -> Iterator[Fault]:
    for index, table in ctx.tables:
        rows = table["rows"]
        widths = {len(row) for row in rows}
        if len(widths) > 1:
            counts = listed([str(width) for width in sorted(widths)])
            message = f"rows have different numbers of cells ({counts}); every row needs the same number"
            yield ctx.block_pointer(index), message
        if table["header_rows"] > len(rows):
            yield ctx.block_pointer(index), f"{table['header_rows']} header rows, but only {len(rows)} rows"
