"""Rules on ids: one namespace for every thing a record names."""

from __future__ import annotations

from collections.abc import Iterator

from visitexport.problems import shown
from visitexport.rules._context import BLOCK, ENGAGEMENT, FACTS, LATER_FACTS, Context
from visitexport.rules._rule import Fault, rule


@rule(
    "id.duplicate",
    "every id in the record is unique",
    "every id in the record is unique (blocks, people, organisations, places, engagements, statements, "
    "outcomes and documents share one namespace)",
)
def duplicate(ctx: Context) -> Iterator[Fault]:
    if ctx.unique:
        return
    record = ctx.record
    # (id, kind, pointer of its thing) in the order things are defined.
    defined = [(ident, BLOCK, ctx.block_pointer(n)) for n, ident in enumerate(ctx.block_ids)]
    for key, kind in FACTS:
        defined += [(thing["id"], kind, f"/{key}/{n}") for n, thing in enumerate(record.get(key, ()))]
    defined += [(e["id"], ENGAGEMENT, ctx.engagement_pointer(n)) for n, e in enumerate(ctx.engagements)]
    for key, kind in LATER_FACTS:
        defined += [(thing["id"], kind, f"/{key}/{n}") for n, thing in enumerate(record.get(key, ()))]
    first: dict[str, tuple[str, str]] = {}
    for ident, kind, pointer in defined:
        if ident in first:
            first_kind, at = first[ident]
            yield (
                f"{pointer}/id",
                f"id '{shown(ident)}' is already used by the {first_kind} at {at}; ids must be unique",
            )
        else:
            first[ident] = kind, pointer
