"""Rules on the visit's own shape."""

from __future__ import annotations

from collections.abc import Iterator

from visitexport.rules._context import Context
from visitexport.rules._rule import Fault, rule


@rule(
    "visit.leg-country",
    "each leg's country is one of the visit's countries",
    "each leg's country is one of the visit's countries",
)
def leg_country(ctx: Context) -> Iterator[Fault]:
    visit = ctx.record.get("visit")
    if not visit or "countries" not in visit:
        return  # a visit whose countries the text leaves unsaid has nothing to hold its legs to
    for n, leg in enumerate(visit.get("legs", ())):
        if leg["country"] not in visit["countries"]:
            yield f"/visit/legs/{n}/country", f"{leg['country']} is not one of the visit's countries"
