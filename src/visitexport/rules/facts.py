"""Rules on facts themselves: each is someone or something, and what was worked out is there."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from visitexport.rules._context import Context
from visitexport.rules._rule import Fault, rule


@rule(
    "fact.named",
    "a person or organisation has a name or the words that refer to it",
    "a person or organisation has a `name`, or a `designation` (the words the release refers to it by, such as "
    "'the Emperor' or 'the two Foreign Ministries')",
)
def named(ctx: Context) -> Iterator[Fault]:
    for key, what in (("people", "person"), ("organisations", "organisation")):
        for n, thing in enumerate(ctx.record.get(key, ())):
            if "name" not in thing and "designation" not in thing:
                yield (
                    f"/{key}/{n}",
                    f"{_a(what)} needs a name or a designation (the words the release refers to it by)",
                )


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _inferred(ctx: Context) -> Iterator[tuple[Pointer, dict[str, Any]]]:
    """Everything that carries `inferred` for its fields, with a way to its pointer (built only for a fault)."""
    record = ctx.record
    for key in ("release", "visit"):
        if "inferred" in record.get(key, {}):
            yield partial(str, f"/{key}"), record[key]
    for key in ("people", "organisations", "places", "events", "referenced_documents"):
        for n, thing in enumerate(record.get(key, ())):
            if "inferred" in thing:
                yield partial("/{}/{}".format, key, n), thing
    for k, engagement in enumerate(ctx.engagements):
        if "inferred" in engagement:
            yield partial(ctx.engagement_pointer, k), engagement
        for i, participant in enumerate(engagement.get("participants", ())):
            if "inferred" in participant:
                yield partial(_participant_at, ctx, k, i), participant


Pointer = Callable[[], str]


def _participant_at(ctx: Context, engagement: int, index: int) -> str:
    return f"{ctx.engagement_pointer(engagement)}/participants/{index}"


@rule(
    "fact.inferred",
    "what is marked worked out is there",
    "every field an `inferred` object names is present beside it (a worked-out issuer needs an `issuer`)",
)
def inferred(ctx: Context) -> Iterator[Fault]:
    for pointer, thing in _inferred(ctx):
        for field in thing["inferred"]:
            if field not in thing:
                yield f"{pointer()}/inferred/{field}", f"'{field}' is marked worked out but has no value"
