"""Rules on the JSON itself that JSON Schema cannot state: one spelling of numbers, bounded nesting."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from visitexport.limits import MAX_DEPTH
from visitexport.problems import escape_pointer
from visitexport.rules._context import Context
from visitexport.rules._rule import Fault, rule

_FRACTION = "write whole numbers without a fraction (2, not 2.0)"


@rule(
    "json.integer",
    "whole numbers are written without a fraction (2, not 2.0): one spelling per value",
    "whole numbers are written without a fraction (`2`, not `2.0`, which JSON Schema cannot tell apart)",
)
def integer(ctx: Context) -> Iterator[Fault]:
    # JSON Schema's "integer" accepts 2.0; Python reads it as a float. Every number of the
    # document layer is a whole one (counts, places, indents), and it holds the record's only numbers.
    stack: list[tuple[str, Any]] = [("/document", ctx.record["document"])]
    while stack:
        pointer, value = stack.pop()
        if type(value) is float:
            yield pointer, _FRACTION
        elif type(value) is dict:
            stack += ((f"{pointer}/{escape_pointer(k)}", v) for k, v in value.items() if type(v) is not str)
        elif type(value) is list:
            stack += ((f"{pointer}/{n}", v) for n, v in enumerate(value) if type(v) is not str)


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
