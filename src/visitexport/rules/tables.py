"""Rules on the document's tables."""

from __future__ import annotations

from collections.abc import Iterator

from visitexport.rules._context import Context
from visitexport.rules._rule import Fault, rule


@rule(
    "table.shape",
    "a table has no more header rows than rows",
    "a table has no more header rows than rows (rows may have different numbers of cells, as printed)",
)
def shape(ctx: Context) -> Iterator[Fault]:
    for index, table in ctx.tables:
        rows = table["rows"]
        if table.get("header_rows", 0) > len(rows):
            yield ctx.block_pointer(index), f"{table['header_rows']} header rows, but only {len(rows)} rows"
