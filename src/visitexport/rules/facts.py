"""Rules on facts themselves: each is someone or something, and what was worked out is there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from visitexport.rules._context import Context
from visitexport.rules._rule import Fault, rule


@rule(
    "fact.named",
    "a person has a name or the words that refer to them",
    "a person has a `name`, or a `designation` (the words the release refers to them by, such as 'the Emperor')",
)
def named(ctx: Context) -> Iterator[Fault]:
    for n, person in enumerate(ctx.record.get("people", ())):
        if "name" not in person and "designation" not in person:
            yield f"/people/{n}", "a person needs a name or a designation (the words the release refers to them by)"


def _inferred(record: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, object) of everything that can carry `inferred` for its fields."""
    if "release" in record:
        yield "/release", record["release"]
    if "visit" in record:
        yield "/visit", record["visit"]
    for key in ("people", "organisations", "places"):
        for n, thing in enumerate(record.get(key, ())):
            yield f"/{key}/{n}", thing


@rule(
    "fact.inferred",
    "what is marked worked out is there",
    "every field an `inferred` object names is present beside it (a worked-out issuer needs an `issuer`)",
)
def inferred(ctx: Context) -> Iterator[Fault]:
    for pointer, thing in _inferred(ctx.record):
        for field in thing.get("inferred", ()):
            if field not in thing:
                yield f"{pointer}/inferred/{field}", f"'{field}' is marked worked out but has no value"
