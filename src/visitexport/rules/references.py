"""Rules on references: every id a record mentions names a thing of the right kind."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from functools import cache
from typing import Any

from visitexport.problems import shown
from visitexport.rules._context import DOCUMENT, ENGAGEMENT, ORG, PERSON, PLACE, Context, table_row
from visitexport.rules._rule import Fault, rule
from visitexport.schema.loading import bundled_schema

# What a reference may name. A party (a speaker, a side, an outcome's party)
# may also be a country code, in capitals, which the schema has already checked.
_PERSON, _ORG, _PLACE, _ENGAGEMENT, _DOCUMENT = (PERSON,), (ORG,), (PLACE,), (ENGAGEMENT,), (DOCUMENT,)
_PARTY = (PERSON, ORG)


@cache
def _countries() -> frozenset[str]:
    return frozenset(bundled_schema()["$defs"]["country"]["enum"])


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _unresolved(ctx: Context, ident: str, wanted: tuple[str, ...]) -> str:
    found = ctx.kinds.get(ident)
    kinds = " or ".join(wanted)
    if found is not None:
        return f"'{shown(ident)}' is {_a(found)}, not {_a(kinds)}"
    message = f"'{shown(ident)}' is not the id of {_a(kinds)} in this record"
    near = difflib.get_close_matches(ident, [i for i, k in ctx.kinds.items() if k in wanted], n=1)
    if near:
        message += f"; did you mean '{shown(near[0])}'?"
    elif ident.upper() in _countries():
        message += f"; for a side, write the country code in capitals ('{shown(ident.upper())}')"
    return message


def _each(ctx: Context, values: list[str], known: set[str], wanted: tuple[str, ...], pointer: str) -> Iterator[Fault]:
    """The faults of a list of references that failed the bulk test."""
    for n, ident in enumerate(values):
        if ident not in known and not (wanted is _PARTY and ident.isupper()):
            yield f"{pointer}/{n}", _unresolved(ctx, ident, wanted)


# References are tested against sets, lists in bulk, and only a list that
# fails is gone through to say where: a record holds hundreds of references.
@rule(
    "ref.unresolved",
    "every reference names an id of the right kind",
    "every reference names an id of the right kind (a participant is a person, an outcome's place is a place, …)",
)
def unresolved(ctx: Context) -> Iterator[Fault]:
    record, people, organisations, places = ctx.record, ctx.people, ctx.organisations, ctx.places
    engagements, parties = ctx.engagement_ids, ctx.parties
    issuer = record.get("release", {}).get("issuer")
    if issuer is not None and issuer not in organisations:
        yield "/release/issuer", _unresolved(ctx, issuer, _ORG)
    issued_at = record.get("release", {}).get("place")
    if issued_at is not None and issued_at not in places:
        yield "/release/place", _unresolved(ctx, issued_at, _PLACE)
    if visit := record.get("visit"):
        if not people.issuperset(visit["principals"]):
            yield from _each(ctx, visit["principals"], people, _PERSON, "/visit/principals")
        if "accompanying" in visit and not people.issuperset(visit["accompanying"]):
            yield from _each(ctx, visit["accompanying"], people, _PERSON, "/visit/accompanying")
        for party in visit.get("hosts", ()):
            if party not in parties and not party.isupper():
                yield from _each(ctx, visit["hosts"], parties, _PARTY, "/visit/hosts")
                break
        if "places" in visit and not places.issuperset(visit["places"]):
            yield from _each(ctx, visit["places"], places, _PLACE, "/visit/places")
        for n, leg in enumerate(visit.get("legs", ())):
            if "places" in leg and not places.issuperset(leg["places"]):
                yield from _each(ctx, leg["places"], places, _PLACE, f"/visit/legs/{n}/places")
    for n, person in enumerate(record.get("people", ())):
        if "members" in person and not people.issuperset(person["members"]):
            yield from _each(ctx, person["members"], people, _PERSON, f"/people/{n}/members")
        for i, membership in enumerate(person.get("memberships", ())):
            if (org := membership["organisation"]) not in organisations:
                yield f"/people/{n}/memberships/{i}/organisation", _unresolved(ctx, org, _ORG)
    for n, organisation in enumerate(record.get("organisations", ())):
        if "members" in organisation and not organisations.issuperset(organisation["members"]):
            yield from _each(ctx, organisation["members"], organisations, _ORG, f"/organisations/{n}/members")
        if "parent" in organisation and (parent := organisation["parent"]) not in organisations:
            yield f"/organisations/{n}/parent", _unresolved(ctx, parent, _ORG)
    for k, engagement in enumerate(ctx.engagements):
        if "place" in engagement and (place := engagement["place"]) not in places:
            yield f"{ctx.engagement_pointer(k)}/place", _unresolved(ctx, place, _PLACE)
        for i, participant in enumerate(engagement.get("participants", ())):
            if (person := participant["person"]) not in people:
                yield f"{ctx.engagement_pointer(k)}/participants/{i}/person", _unresolved(ctx, person, _PERSON)
            if "organisation" in participant and (org := participant["organisation"]) not in organisations:
                yield f"{ctx.engagement_pointer(k)}/participants/{i}/organisation", _unresolved(ctx, org, _ORG)
            # Upper case means a country code, which the schema has already checked.
            side = participant.get("side")
            if side is not None and side not in organisations and not side.isupper():
                yield f"{ctx.engagement_pointer(k)}/participants/{i}/side", _unresolved(ctx, side, _ORG)
    for n, event in enumerate(record.get("events", ())):
        if "places" in event and not places.issuperset(event["places"]):
            yield from _each(ctx, event["places"], places, _PLACE, f"/events/{n}/places")
        for party in event.get("parties", ()):
            if party not in parties and not party.isupper():
                yield from _each(ctx, event["parties"], parties, _PARTY, f"/events/{n}/parties")
                break
    for n, statement in enumerate(record.get("statements", ())):
        if (speaker := statement["speaker"]) not in parties and not speaker.isupper():
            yield f"/statements/{n}/speaker", _unresolved(ctx, speaker, _PARTY)
        if "delivered_by" in statement and (person := statement["delivered_by"]) not in people:
            yield f"/statements/{n}/delivered_by", _unresolved(ctx, person, _PERSON)
        for party in statement.get("addressees", ()):
            if party not in parties and not party.isupper():
                yield from _each(ctx, statement["addressees"], parties, _PARTY, f"/statements/{n}/addressees")
                break
        if "engagement" in statement and (engaged := statement["engagement"]) not in engagements:
            yield f"/statements/{n}/engagement", _unresolved(ctx, engaged, _ENGAGEMENT)
    for n, outcome in enumerate(record.get("outcomes", ())):
        for key in ("parties", "addressees", "actors"):
            for party in outcome.get(key, ()):
                if party not in parties and not party.isupper():
                    yield from _each(ctx, outcome[key], parties, _PARTY, f"/outcomes/{n}/{key}")
                    break
        if "engagement" in outcome and (engaged := outcome["engagement"]) not in engagements:
            yield f"/outcomes/{n}/engagement", _unresolved(ctx, engaged, _ENGAGEMENT)
        if "place" in outcome and (place := outcome["place"]) not in places:
            yield f"/outcomes/{n}/place", _unresolved(ctx, place, _PLACE)
        if "documents" in outcome and not ctx.documents.issuperset(outcome["documents"]):
            yield from _each(ctx, outcome["documents"], ctx.documents, _DOCUMENT, f"/outcomes/{n}/documents")
    for n, doc in enumerate(record.get("referenced_documents", ())):
        for party in doc.get("parties", ()):
            if party not in parties and not party.isupper():
                yield from _each(ctx, doc["parties"], parties, _PARTY, f"/referenced_documents/{n}/parties")
                break


def _row(ctx: Context, source: str) -> str | None:
    """What is wrong with a source naming one row of a table ('t1.r3'), or None when it names one."""
    if (named := table_row(source)) is None:
        return f"source '{shown(source)}' is not a block of the document"
    table, row = named
    rows = ctx.table_rows.get(table)
    if rows is None:
        return f"source '{shown(source)}' names a row of '{shown(table)}', which is not a table of the document"
    if row > rows:
        return f"source '{shown(source)}' names row {row} of '{shown(table)}', which has {rows} row(s)"
    return None


def _sources(ctx: Context, pointer: str, thing: dict[str, Any]) -> Iterator[Fault]:
    for n, ident in enumerate(thing["sources"]):
        if ident in ctx.block_set or (message := _row(ctx, ident)) is None:
            continue
        if found := ctx.kinds.get(ident):
            message = f"source '{shown(ident)}' is {_a(found)}, not a block of the document"
        elif message.endswith("not a block of the document"):
            near = difflib.get_close_matches(ident, sorted(ctx.block_set), n=1)
            if near:
                message += f"; did you mean '{shown(near[0])}'?"
        yield f"{pointer}/sources/{n}", message


@rule(
    "ref.source-block",
    "every source is the id of a header line, block or list item, or a row of a table",
    "every `sources` entry is the id of a header line, block or list item of the document, or names a row of "
    "one of its tables (`t1.r3`)",
)
def source_block(ctx: Context) -> Iterator[Fault]:
    record, blocks = ctx.record, ctx.block_set
    if "sources" in (release := record.get("release", {})) and not blocks.issuperset(release["sources"]):
        yield from _sources(ctx, "/release", release)
    for n, person in enumerate(record.get("people", ())):
        for i, membership in enumerate(person.get("memberships", ())):
            if "sources" in membership and not blocks.issuperset(membership["sources"]):
                yield from _sources(ctx, f"/people/{n}/memberships/{i}", membership)
    if visit := record.get("visit"):
        if not blocks.issuperset(visit["sources"]):
            yield from _sources(ctx, "/visit", visit)
        for n, leg in enumerate(visit.get("legs", ())):
            if not blocks.issuperset(leg["sources"]):
                yield from _sources(ctx, f"/visit/legs/{n}", leg)
    for key in ("people", "organisations", "places"):
        for n, thing in enumerate(record.get(key, ())):
            if not blocks.issuperset(thing["sources"]):
                yield from _sources(ctx, f"/{key}/{n}", thing)
    for k, engagement in enumerate(ctx.engagements):
        if not blocks.issuperset(engagement["sources"]):
            yield from _sources(ctx, ctx.engagement_pointer(k), engagement)
    for key in ("events", "statements", "outcomes", "referenced_documents"):
        for n, thing in enumerate(record.get(key, ())):
            if not blocks.issuperset(thing["sources"]):
                yield from _sources(ctx, f"/{key}/{n}", thing)


@rule(
    "ref.duplicate-participant",
    "a person takes part in an engagement once",
    "a person takes part in an engagement once",
)
def duplicate_participant(ctx: Context) -> Iterator[Fault]:
    people = ctx.people
    for k, engagement in enumerate(ctx.engagements):
        seen: set[str] = set()
        for i, participant in enumerate(engagement.get("participants", ())):
            person = participant["person"]
            # A person who is not one is `ref.unresolved`'s to report.
            if person in seen and person in people:
                yield (
                    f"{ctx.engagement_pointer(k)}/participants/{i}/person",
                    f"'{shown(person)}' is already a participant of this engagement",
                )
            seen.add(person)
