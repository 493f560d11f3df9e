"""The bulk pre-check: the full pass's rules, answered yes or no without pointers."""

from __future__ import annotations

from datetime import date
from typing import Any

from visitexport.limits import MAX_DEPTH
from visitexport.rules._shared import (
    Span,
    _bounds,
    _engagement_span,
    _exact_day,
    _layout_fractions,
    _near,
    _same_moment,
    _walk_blocks,
    may_overflow_cell,
)


class _Dirty(Exception):
    """Raised inside `_clean` at the first sign of a problem."""


def _clean(record: dict[str, Any], fits_cells: bool = False) -> bool:
    """True when no rule of `_Checker` would fire.

    The same rules as `_Checker`, checked in bulk with sets and without
    building a single pointer or message: validating a clean record (the
    usual case in CI) then costs a fraction of the full pass. When it says
    anything is off, `_Checker` runs to say exactly what and where.
    `tests/test_semantic.py` holds the two to the same verdict.
    """
    try:
        return _clean_or_raise(record, fits_cells)
    except _Dirty:
        return False


def _clean_or_raise(record: dict[str, Any], fits_cells: bool) -> bool:
    tree = _walk_blocks(record["document"]["body"], with_pointers=False)
    if tree.too_deep or tree.bad_tables or tree.fractions or _layout_fractions(record["document"]):
        raise _Dirty
    if not fits_cells and may_overflow_cell(record):
        raise _Dirty
    texts, spans, ids = tree.texts, tree.spans, list(tree.ids)
    blocks = set(ids)

    def flat(items: list[dict[str, Any]], depth: int) -> list[dict[str, Any]]:
        if depth + 3 > MAX_DEPTH:
            raise _Dirty
        out = []
        for item in items:
            out.append(item)
            if "engagements" in item:
                out += flat(item["engagements"], depth + 2)
        return out

    people = record.get("people", [])
    organisations = record.get("organisations", [])
    places = record.get("places", [])
    engagements = flat(record.get("engagements", []), 2)
    statements = record.get("statements", [])
    outcomes = record.get("outcomes", [])
    documents = record.get("referenced_documents", [])
    person_ids = {p["id"] for p in people}
    org_ids = {o["id"] for o in organisations}
    place_ids = {p["id"] for p in places}
    engagement_ids = {e["id"] for e in engagements}
    document_ids = {d["id"] for d in documents}
    for things in (people, organisations, places, engagements, statements, outcomes, documents):
        ids.extend(thing["id"] for thing in things)
    if len(set(ids)) != len(ids):
        raise _Dirty

    party_ids = person_ids | org_ids
    release_day: str = record["release"]["date"]
    wanted: list[tuple[set[str], list[str]]] = [
        (org_ids, [record["release"]["issuer"]]),
        (org_ids, [o["parent"] for o in organisations if "parent" in o]),
    ]
    visit_span = None
    visit = record.get("visit")
    if visit:
        wanted.append((person_ids, visit["principals"]))
        wanted.append((place_ids, visit.get("places", [])))
        if "period" in visit:
            visit_span = _clean_period(visit["period"])
            if (visit["status"] == "completed" and visit_span[0] > release_day) or (
                visit["status"] == "announced" and visit_span[1] < release_day
            ):
                raise _Dirty
        for leg in visit.get("legs", ()):
            if leg["country"] not in visit["countries"]:
                raise _Dirty
            wanted.append((place_ids, leg.get("places", [])))
            if "period" in leg:
                leg_span = _clean_period(leg["period"])
                if visit_span:
                    _clean_within(leg_span, visit_span)
            _clean_sources(blocks, leg)
        _clean_sources(blocks, visit)
    for thing in (*people, *organisations, *places):
        _clean_sources(blocks, thing)

    top = {id(e) for e in record.get("engagements", ())}
    for engagement in engagements:
        span = _engagement_span(engagement)
        if span is None:
            raise _Dirty
        status = engagement["status"]
        if (status == "held" and span[0] > release_day) or (status == "planned" and span[1] < release_day):
            raise _Dirty
        if visit_span and id(engagement) in top:
            _clean_within(span, visit_span)
        for child in engagement.get("engagements", ()):
            if (child_span := _engagement_span(child)) is not None:  # else the child's own turn refuses it
                _clean_within(child_span, span)
        if "place" in engagement:
            wanted.append((place_ids, [engagement["place"]]))
        if "times" in engagement:
            _clean_times(engagement["times"], _exact_day(engagement["date"]))
            if any("date" in clock and not _near(clock["date"], span) for clock in engagement["times"]):
                raise _Dirty
        participants = engagement.get("participants", ())
        persons = [p["person"] for p in participants]
        if len(set(persons)) != len(persons):
            raise _Dirty
        wanted.append((person_ids, persons))
        wanted.append((org_ids, [p["organisation"] for p in participants if "organisation" in p]))
        wanted.append((org_ids, [p["side"] for p in participants if not p["side"].isupper()]))
        _clean_sources(blocks, engagement)

    def parties(values: list[str]) -> list[str]:
        return [v for v in values if not v.isupper()]

    for statement in statements:
        wanted.append((party_ids, parties([statement["speaker"], *statement.get("addressees", ())])))
        if "delivered_by" in statement:
            wanted.append((person_ids, [statement["delivered_by"]]))
        if "engagement" in statement:
            wanted.append((engagement_ids, [statement["engagement"]]))
        _clean_sources(blocks, statement)
        _clean_verbatim(texts, spans, statement["attribution"], statement)
    for outcome in outcomes:
        wanted.append((party_ids, parties([*outcome["parties"], *outcome.get("addressees", ())])))
        if "engagement" in outcome:
            wanted.append((engagement_ids, [outcome["engagement"]]))
        if "place" in outcome:
            wanted.append((place_ids, [outcome["place"]]))
        wanted.append((document_ids, outcome.get("documents", [])))
        if "due" in outcome and _clean_when(outcome["due"])[1] < release_day:
            raise _Dirty
        _clean_sources(blocks, outcome)
        _clean_verbatim(texts, spans, outcome["quote"], outcome)
    for doc in documents:
        wanted.append((party_ids, parties(doc.get("parties", []))))
        if "date" in doc:
            _clean_when(doc["date"])
        _clean_sources(blocks, doc)
    return all(known.issuperset(refs) for known, refs in wanted)


def _clean_sources(blocks: set[str], thing: dict[str, Any]) -> None:
    if not blocks.issuperset(thing["sources"]):
        raise _Dirty


def _clean_verbatim(texts: list[str], spans: dict[str, tuple[int, int]], words: str, thing: dict[str, Any]) -> None:
    for ident in thing["sources"]:
        a, b = spans[ident]
        for text in texts[a:b]:
            if words in text:
                return
    raise _Dirty


def _clean_when(value: dict[str, Any]) -> Span:
    if "date" in value:
        return value["date"], value["date"]
    if value["earliest"] < value["latest"]:
        return value["earliest"], value["latest"]
    raise _Dirty


def _clean_period(value: dict[str, Any]) -> Span:
    for day in (value["start"], value["end"]):
        if len(day) == 10:
            try:
                date.fromisoformat(day)
            except ValueError:
                raise _Dirty from None
    start, end = _bounds(value["start"])[0], _bounds(value["end"])[1]
    if end < start:
        raise _Dirty
    return start, end


def _clean_within(span: Span, outer: Span) -> None:
    if span[0] < outer[0] or span[1] > outer[1]:
        raise _Dirty


def _clean_times(clocks: list[dict[str, Any]], day: str | None) -> None:
    first = clocks[0]
    for clock in clocks[1:]:
        if not (_same_moment(first, clock, "start", day) and _same_moment(first, clock, "end", day)):
            raise _Dirty
