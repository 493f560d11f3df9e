"""Rules on the JSON itself that JSON Schema cannot state: one spelling of numbers, bounded nesting."""

from __future__ import annotations

from collections.abc import Iterator

from visitexport.limits import MAX_DEPTH
from visitexport.rules._context import Context
from visitexport.rules._rule import Fault, rule

_FRACTION = "write whole numbers without a fraction (2, not 2.0)"


@rule(
    "json.integer",
    "whole numbers are written without a fraction (2, not 2.0): one spelling per value",
    "whole numbers are written without a fraction (`2`, not `2.0`, which JSON Schema cannot tell apart)",
)
def integer(ctx: Context) -> Iterator[Fault]:
    # JSON Schema's "integer" accepts 2.0; Python reads it as a float.
    for index, table in ctx.tables:
        if type(table["header_rows"]) is not int:
            yield f"{ctx.block_pointer(index)}/header_rows", _FRACTION
    document = ctx.record["document"]
    if type(document["layout"]["list_indent"]) is not int:
        yield "/document/layout/list_indent", _FRACTION
    if "footer" in document and type(document["footer"]["blank_lines_before"]) is not int:
        yield "/document/footer/blank_lines_before", _FRACTION


@rule(
    "json.depth",
    f"nesting stays within {MAX_DEPTH} levels",
    f"the block tree and sub-engagements nest within {MAX_DEPTH} levels",
)
def depth(ctx: Context) -> Iterator[Fault]:
    message = f"nesting deeper than {MAX_DEPTH} levels"
    for parent in ctx.too_deep_blocks:
        yield f"{ctx.block_pointer(parent)}/blocks", message
    for parent, n in ctx.too_deep_engagements:
        yield f"{ctx.engagement_pointer(parent)}/engagements/{n}", message
