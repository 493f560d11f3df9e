"""The full pass: every rule, with the pointer and message of each finding."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from datetime import date
from typing import Any

from visitexport.limits import CELL_UNITS, MAX_DEPTH
from visitexport.rules._shared import (
    _BLOCK,
    _DOCUMENT,
    _ENGAGEMENT,
    _ORG,
    _OUTCOME,
    _PARTY,
    _PERSON,
    _PLACE,
    _STATEMENT,
    Finding,
    Span,
    _a,
    _bounds,
    _countries,
    _describe,
    _engagement_span,
    _exact_day,
    _join,
    _layout_fractions,
    _near,
    _same_moment,
    _walk_blocks,
    may_overflow_cell,
    overflowing_texts,
)


class _Checker:
    """One pass over a schema-valid record.

    Pointers are built only when a rule fails: a clean record, the common case
    in CI, should cost little more than the walk itself.
    """

    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record
        self.kinds: dict[str, str] = {}
        self.first: dict[str, tuple[object, ...]] = {}
        self.block_ids: set[str] = set()
        # The texts of the document in reading order; a block's texts are the
        # slice `spans[id]` of this list, so nothing is copied per level.
        self.all_texts: list[str] = []
        self.spans: dict[str, tuple[int, int]] = {}
        self.findings: list[Finding] = []

    def add(self, pointer: str, rule: str, message: str) -> None:
        self.findings.append(Finding(pointer, rule, message))

    # --- ids -------------------------------------------------------------
    def define(self, ident: str, kind: str, base: str, *parts: object) -> None:
        if ident in self.kinds:
            self.add(
                _join(base, *parts, "id"),
                "id.duplicate",
                f"id {ident!r} is already used by the {self.kinds[ident]} at {_join(*self.first[ident])}; "
                "ids must be unique",
            )
            return
        self.kinds[ident] = kind
        self.first[ident] = (base, *parts)

    def engagements(
        self, items: list[dict[str, Any]], pointer: str, depth: int
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        for n, engagement in enumerate(items):
            here = f"{pointer}/{n}"
            if depth + 3 > MAX_DEPTH:
                self.add(here, "json.depth", f"nesting deeper than {MAX_DEPTH} levels")
                continue
            self.define(engagement["id"], _ENGAGEMENT, here)
            yield here, engagement
            if "engagements" in engagement:
                yield from self.engagements(engagement["engagements"], f"{here}/engagements", depth + 2)

    def collect(self) -> list[tuple[str, dict[str, Any]]]:
        record = self.record
        tree = _walk_blocks(record["document"]["body"])
        self.all_texts, self.spans, self.block_ids = tree.texts, tree.spans, set(tree.ids)
        for ident, pointer in zip(tree.ids, tree.pointers, strict=True):
            self.define(ident, _BLOCK, pointer)
        for pointer in tree.too_deep:
            self.add(pointer, "json.depth", f"nesting deeper than {MAX_DEPTH} levels")
        for pointer, message in tree.bad_tables:
            self.add(pointer, "table.shape", message)
        for pointer in tree.fractions + _layout_fractions(record["document"]):
            self.add(pointer, "json.integer", "write whole numbers without a fraction (2, not 2.0)")
        for key, kind in (("people", _PERSON), ("organisations", _ORG), ("places", _PLACE)):
            for n, thing in enumerate(record.get(key, ())):
                self.define(thing["id"], kind, f"/{key}", n)
        engagements = list(self.engagements(record.get("engagements", []), "/engagements", 2))
        for key, kind in (
            ("statements", _STATEMENT),
            ("outcomes", _OUTCOME),
            ("referenced_documents", _DOCUMENT),
        ):
            for n, thing in enumerate(record.get(key, ())):
                self.define(thing["id"], kind, f"/{key}", n)
        return engagements

    # --- references ----------------------------------------------------------
    def ref(self, ident: str, kinds: tuple[str, ...], base: str, *parts: object) -> bool:
        found = self.kinds.get(ident)
        if found in kinds:
            return True
        wanted = " or ".join(kinds)
        if found is not None:
            message = f"{ident!r} is {_a(found)}, not {_a(wanted)}"
        else:
            message = f"{ident!r} is not the id of {_a(wanted)} in this record"
            near = difflib.get_close_matches(ident, [i for i, k in self.kinds.items() if k in kinds], n=1)
            if near:
                message += f"; did you mean {near[0]!r}?"
            elif ident.upper() in _countries():
                message += f"; for a side, write the country code in capitals ({ident.upper()!r})"
        self.add(_join(base, *parts), "ref.unresolved", message)
        return False

    def parties(self, values: list[str], base: str) -> None:
        for n, value in enumerate(values):
            # Upper case means a country code, which the schema has already checked.
            if not value.isupper():
                self.ref(value, _PARTY, base, n)

    def sources(self, pointer: str, thing: dict[str, Any]) -> None:
        if self.block_ids.issuperset(thing["sources"]):
            return
        for n, ident in enumerate(thing["sources"]):
            if ident in self.block_ids:
                continue
            found = self.kinds.get(ident)
            if found:
                message = f"source {ident!r} is {_a(found)}, not a block of the document"
            else:
                message = f"source {ident!r} is not a block of the document"
                near = difflib.get_close_matches(ident, sorted(self.block_ids), n=1)
                if near:
                    message += f"; did you mean {near[0]!r}?"
            self.add(f"{pointer}/sources/{n}", "ref.source-block", message)

    def verbatim(self, words: str, thing: dict[str, Any], pointer: str, what: str) -> None:
        texts = self.all_texts
        spans = [self.spans[i] for i in thing["sources"] if i in self.spans]
        if spans and not any(words in text for a, b in spans for text in texts[a:b]):
            self.add(
                pointer,
                "text.not-in-source",
                f"the {what} does not occur verbatim in its source blocks ({', '.join(thing['sources'])})",
            )

    # --- the rules -----------------------------------------------------------
    def run(self) -> list[Finding]:
        record = self.record
        engagements = self.collect()
        if may_overflow_cell(record):
            for pointer, units in overflowing_texts(record):
                message = f"text of {units:,} UTF-16 code units; a spreadsheet cell holds at most {CELL_UNITS:,}"
                self.add(pointer, "text.cell-length", message)
        release_day: str = record["release"]["date"]
        self.ref(record["release"]["issuer"], (_ORG,), "/release/issuer")

        visit_span: Span | None = None
        visit = record.get("visit")
        if visit:
            visit_span = self.visit(visit, release_day)

        for key in ("people", "organisations", "places"):
            for n, thing in enumerate(record.get(key, ())):
                if "parent" in thing:
                    self.ref(thing["parent"], (_ORG,), "/organisations", n, "parent")
                self.sources(f"/{key}/{n}", thing)

        for here, engagement in engagements:
            self.engagement(here, engagement, visit_span, release_day)

        for n, statement in enumerate(record.get("statements", ())):
            here = f"/statements/{n}"
            speaker = statement["speaker"]
            if not speaker.isupper():
                self.ref(speaker, _PARTY, here, "speaker")
            if "delivered_by" in statement:
                self.ref(statement["delivered_by"], (_PERSON,), here, "delivered_by")
            if "addressees" in statement:
                self.parties(statement["addressees"], f"{here}/addressees")
            if "engagement" in statement:
                self.ref(statement["engagement"], (_ENGAGEMENT,), here, "engagement")
            self.sources(here, statement)
            self.verbatim(statement["attribution"], statement, f"{here}/attribution", "attribution")

        for n, outcome in enumerate(record.get("outcomes", ())):
            here = f"/outcomes/{n}"
            self.parties(outcome["parties"], f"{here}/parties")
            if "addressees" in outcome:
                self.parties(outcome["addressees"], f"{here}/addressees")
            if "engagement" in outcome:
                self.ref(outcome["engagement"], (_ENGAGEMENT,), here, "engagement")
            if "place" in outcome:
                self.ref(outcome["place"], (_PLACE,), here, "place")
            for i, doc in enumerate(outcome.get("documents", ())):
                self.ref(doc, (_DOCUMENT,), here, "documents", i)
            if "due" in outcome and (span := self.when(f"{here}/due", outcome["due"])) and span[1] < release_day:
                self.add(
                    f"{here}/due",
                    "date.due-before-release",
                    f"due {_describe(span)} is before the release date {release_day}",
                )
            self.sources(here, outcome)
            self.verbatim(outcome["quote"], outcome, f"{here}/quote", "quote")

        for n, doc in enumerate(record.get("referenced_documents", ())):
            here = f"/referenced_documents/{n}"
            if "parties" in doc:
                self.parties(doc["parties"], f"{here}/parties")
            if "date" in doc:
                self.when(f"{here}/date", doc["date"])
            self.sources(here, doc)
        return self.findings

    def visit(self, visit: dict[str, Any], release_day: str) -> Span | None:
        for n, person in enumerate(visit["principals"]):
            self.ref(person, (_PERSON,), "/visit/principals", n)
        for n, place in enumerate(visit.get("places", ())):
            self.ref(place, (_PLACE,), "/visit/places", n)
        span = self.period("/visit/period", visit["period"]) if "period" in visit else None
        if span:
            if visit["status"] == "completed" and span[0] > release_day:
                self.add(
                    "/visit/status",
                    "date.status",
                    f"a completed visit cannot start after the release ({release_day})",
                )
            if visit["status"] == "announced" and span[1] < release_day:
                self.add(
                    "/visit/status",
                    "date.status",
                    f"an announced visit cannot end before the release ({release_day})",
                )
        self.sources("/visit", visit)
        for n, leg in enumerate(visit.get("legs", ())):
            here = f"/visit/legs/{n}"
            if leg["country"] not in visit["countries"]:
                self.add(
                    f"{here}/country",
                    "visit.leg-country",
                    f"{leg['country']} is not one of the visit's countries",
                )
            for i, place in enumerate(leg.get("places", ())):
                self.ref(place, (_PLACE,), here, "places", i)
            if "period" in leg and (leg_span := self.period(f"{here}/period", leg["period"])) and span:
                self.within(f"{here}/period", leg_span, span, "the visit period")
            self.sources(here, leg)
        return span

    def engagement(self, here: str, engagement: dict[str, Any], visit_span: Span | None, release_day: str) -> None:
        span = self.when(f"{here}/date", engagement["date"])
        if span and "end_date" in engagement and (last := self.when(f"{here}/end_date", engagement["end_date"])):
            if last[1] < span[0]:
                self.add(
                    f"{here}/end_date",
                    "date.end-before-start",
                    f"the last day ({_describe(last)}) is before the first ({_describe(span)})",
                )
                span = None
            else:
                span = span[0], max(span[1], last[1])
        if span:
            self.status(f"{here}/status", engagement["status"], span, release_day)
            if visit_span and here.count("/") == 2:
                self.within(f"{here}/date", span, visit_span, "the visit period")
            for i, child in enumerate(engagement.get("engagements", ())):
                child_span = _engagement_span(child)
                if child_span:
                    self.within(f"{here}/engagements/{i}/date", child_span, span, "its engagement's dates")
        if "place" in engagement:
            self.ref(engagement["place"], (_PLACE,), here, "place")
        if "times" in engagement:
            self.times(here, engagement["times"], _exact_day(engagement["date"]))
            if span:
                for n, clock in enumerate(engagement["times"]):
                    if "date" in clock and not _near(clock["date"], span):
                        self.add(
                            f"{here}/times/{n}/date",
                            "time.date",
                            f"local date {clock['date']} is more than a day from the engagement ({_describe(span)})",
                        )
        if "participants" in engagement:
            seen: set[str] = set()
            for i, participant in enumerate(engagement["participants"]):
                person = participant["person"]
                if self.ref(person, (_PERSON,), here, "participants", i, "person") and person in seen:
                    self.add(
                        f"{here}/participants/{i}/person",
                        "ref.duplicate-participant",
                        f"{person!r} is already a participant of this engagement",
                    )
                seen.add(person)
                if "organisation" in participant:
                    self.ref(participant["organisation"], (_ORG,), here, "participants", i, "organisation")
                if not participant["side"].isupper():
                    self.ref(participant["side"], (_ORG,), here, "participants", i, "side")
        self.sources(here, engagement)

    # --- date helpers ---------------------------------------------------------
    def when(self, pointer: str, value: dict[str, Any]) -> Span | None:
        if "date" in value:
            day: str = value["date"]
            return day, day
        earliest, latest = value["earliest"], value["latest"]
        if earliest < latest:
            return earliest, latest
        self.add(
            pointer,
            "date.bounds",
            "earliest and latest are the same day; write it as an exact date ('date', with 'printed')"
            if earliest == latest
            else f"earliest {earliest} is after latest {latest}",
        )
        return None

    def period(self, pointer: str, value: dict[str, Any]) -> Span | None:
        for key in ("start", "end"):
            day = value[key]
            if len(day) == 10:  # to the day: the pattern allows 2000-02-31, the calendar does not
                try:
                    date.fromisoformat(day)
                except ValueError:
                    self.add(f"{pointer}/{key}", "date.calendar", f"{day} is not a day of the calendar")
                    return None
        start, end = _bounds(value["start"]), _bounds(value["end"])
        if end[1] < start[0]:
            self.add(
                f"{pointer}/end",
                "date.end-before-start",
                f"the period ends ({value['end']}) before it starts ({value['start']})",
            )
            return None
        return start[0], end[1]

    def within(self, pointer: str, span: Span, outer: Span, what: str) -> None:
        if span[0] < outer[0] or span[1] > outer[1]:
            self.add(pointer, "date.outside-visit", f"{_describe(span)} is outside {what} ({_describe(outer)})")

    def status(self, pointer: str, status: str, span: Span, release_day: str) -> None:
        if status == "held" and span[0] > release_day:
            self.add(
                pointer,
                "date.status",
                f"marked held but dated {_describe(span)}, after the release ({release_day})",
            )
        elif status == "planned" and span[1] < release_day:
            self.add(
                pointer,
                "date.status",
                f"marked planned but dated {_describe(span)}, before the release ({release_day})",
            )

    def times(self, pointer: str, clocks: list[dict[str, Any]], day: str | None) -> None:
        first = clocks[0]
        for n, clock in enumerate(clocks[1:], 1):
            for key in ("start", "end"):
                if not _same_moment(first, clock, key, day):
                    when = f" on {clock['date']}" if "date" in clock else ""
                    self.add(
                        f"{pointer}/times/{n}/{key}",
                        "time.disagree",
                        f"{clock[key]}{when} at {clock['utc_offset']} is not the same moment as "
                        f"{first[key]} at {first['utc_offset']}",
                    )
