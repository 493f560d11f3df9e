"""The rules a JSON Schema cannot express, each with a stable rule id.

They run only on records that already satisfy the schema, so they can rely on
its shapes. Each rule yields `Finding`s with the JSON Pointer of the value at
fault; `validate` turns pointers into lines and columns.

Rule ids (also listed in the README):

- ``id.duplicate``: every id in the record is unique (one namespace for blocks,
  people, organisations, places, engagements, statements, outcomes, documents).
- ``ref.unresolved``: every reference names an id of the right kind.
- ``ref.source-block``: every ``sources`` entry is the id of a document block.
- ``ref.duplicate-participant``: a person takes part in an engagement once.
- ``text.not-in-source``: an outcome's quote and a statement's attribution
  occur verbatim in one of its source blocks.
- ``date.bounds``: a fuzzy date's earliest day is before its latest day.
- ``date.end-before-start``: no period ends before it starts.
- ``date.outside-visit``: engagements and legs fall within the visit period;
  sub-engagements within their engagement's date.
- ``date.due-before-release``: due dates are not before the release date.
- ``date.status``: a held engagement or completed visit is not dated after the
  release; a planned one is not wholly before it.
- ``time.disagree``: the clock times of one engagement name the same moment.
- ``visit.leg-country``: each leg's country is one of the visit's countries.
- ``json.depth``: nesting within the limit the tool can process safely.
"""

from __future__ import annotations

import calendar
import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from .json_ import MAX_DEPTH

__all__ = ["RULES", "Finding", "check"]

RULES: dict[str, str] = {
    "id.duplicate": "every id in the record is unique",
    "ref.unresolved": "every reference names an id of the right kind",
    "ref.source-block": "every source is the id of a document block",
    "ref.duplicate-participant": "a person takes part in an engagement once",
    "text.not-in-source": "quotes and attributions occur verbatim in a source block",
    "date.bounds": "a fuzzy date's earliest day comes before its latest day",
    "date.end-before-start": "no period ends before it starts",
    "date.outside-visit": "engagements and legs fall within the visit period (sub-engagements within their parent)",
    "date.due-before-release": "due dates are not before the release date",
    "date.status": "held and completed things are not dated after the release; planned ones not wholly before it",
    "time.disagree": "the clock times printed for one engagement name the same moment",
    "visit.leg-country": "each leg's country is one of the visit's countries",
    "json.depth": f"nesting stays within {MAX_DEPTH} levels",
}


@dataclass(frozen=True)
class Finding:
    pointer: str
    rule: str
    message: str


# Kinds of things an id can name.
_BLOCK, _PERSON, _ORG, _PLACE, _ENGAGEMENT, _STATEMENT, _OUTCOME, _DOCUMENT = (
    "block",
    "person",
    "organisation",
    "place",
    "engagement",
    "statement",
    "outcome",
    "referenced document",
)


def _bounds(value: str) -> tuple[date, date]:
    """Earliest and latest day of a day, month or year date."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = date(*parts)
        return day, day
    if len(parts) == 2:
        year, month = parts
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def _when(value: dict[str, Any]) -> tuple[date, date]:
    if "date" in value:
        return _bounds(value["date"])
    return _bounds(value["earliest"])[0], _bounds(value["latest"])[1]


def _describe(lo: date, hi: date) -> str:
    return lo.isoformat() if lo == hi else f"{lo.isoformat()}..{hi.isoformat()}"


class _Checker:
    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record
        self.kinds: dict[str, str] = {}
        self.first: dict[str, str] = {}
        self.texts: dict[str, list[str]] = {}
        self.findings: list[Finding] = []

    def add(self, pointer: str, rule: str, message: str) -> None:
        self.findings.append(Finding(pointer, rule, message))

    # --- ids -------------------------------------------------------------
    def define(self, pointer: str, ident: str, kind: str) -> None:
        if ident in self.kinds:
            self.add(
                f"{pointer}/id",
                "id.duplicate",
                f"id {ident!r} is already used by the {self.kinds[ident]} at {self.first[ident]}; ids must be unique",
            )
            return
        self.kinds[ident] = kind
        self.first[ident] = pointer

    def blocks(self, blocks: list[dict[str, Any]], pointer: str, depth: int) -> list[str]:
        """Define block ids; return the texts under these blocks, in reading order."""
        under: list[str] = []
        for n, block in enumerate(blocks):
            here = f"{pointer}/{n}"
            # A block object sits `depth` containers deep; its own arrays go two further.
            if depth + 2 > MAX_DEPTH:
                self.add(here, "json.depth", f"nesting deeper than {MAX_DEPTH} levels")
                continue
            self.define(here, block["id"], _BLOCK)
            kind = block["type"]
            if kind == "paragraph":
                own = [block["text"]]
            elif kind == "section":
                own = [block["heading"], *self.blocks(block.get("blocks", []), f"{here}/blocks", depth + 2)]
            elif kind == "table":
                own = [cell for row in block["rows"] for cell in row if cell]
            else:
                own = []
                for i, item in enumerate(block["items"]):
                    item_here = f"{here}/items/{i}"
                    self.define(item_here, item["id"], _BLOCK)
                    item_texts = self.blocks(item["blocks"], f"{item_here}/blocks", depth + 4)
                    self.texts[item["id"]] = item_texts
                    own += item_texts
            self.texts[block["id"]] = own
            under += own
        return under

    def engagements(self, items: list[dict[str, Any]], pointer: str, depth: int) -> Iterator[tuple[str, dict[str, Any]]]:
        for n, engagement in enumerate(items):
            here = f"{pointer}/{n}"
            if depth + 3 > MAX_DEPTH:
                self.add(here, "json.depth", f"nesting deeper than {MAX_DEPTH} levels")
                continue
            self.define(here, engagement["id"], _ENGAGEMENT)
            yield here, engagement
            yield from self.engagements(engagement.get("engagements", []), f"{here}/engagements", depth + 2)

    def collect(self) -> list[tuple[str, dict[str, Any]]]:
        record = self.record
        self.blocks(record["document"]["body"], "/document/body", 3)
        for key, kind in (
            ("people", _PERSON),
            ("organisations", _ORG),
            ("places", _PLACE),
        ):
            for n, thing in enumerate(record.get(key, [])):
                self.define(f"/{key}/{n}", thing["id"], kind)
        engagements = list(self.engagements(record.get("engagements", []), "/engagements", 2))
        for key, kind in (("statements", _STATEMENT), ("outcomes", _OUTCOME), ("referenced_documents", _DOCUMENT)):
            for n, thing in enumerate(record.get(key, [])):
                self.define(f"/{key}/{n}", thing["id"], kind)
        return engagements

    # --- references ----------------------------------------------------------
    def ref(self, pointer: str, ident: str, *kinds: str) -> bool:
        found = self.kinds.get(ident)
        if found in kinds:
            return True
        wanted = " or ".join(kinds)
        if found is not None:
            message = f"{ident!r} is a {found}, not a {wanted}"
        else:
            message = f"{ident!r} is not the id of a {wanted} in this record"
            near = difflib.get_close_matches(ident, [i for i, k in self.kinds.items() if k in kinds], n=1)
            if near:
                message += f"; did you mean {near[0]!r}?"
            elif ident.upper() != ident and len(ident) == 2:
                message += f"; for a side, write the country code in capitals ({ident.upper()!r})"
        self.add(pointer, "ref.unresolved", message)
        return False

    def party(self, pointer: str, value: str) -> None:
        # Upper case means a country code, which the schema has already checked.
        if not value.isupper():
            self.ref(pointer, value, _PERSON, _ORG)

    def sources(self, pointer: str, thing: dict[str, Any]) -> None:
        for n, ident in enumerate(thing["sources"]):
            if self.kinds.get(ident) == _BLOCK:
                continue
            found = self.kinds.get(ident)
            if found:
                message = f"source {ident!r} is a {found}, not a block of the document"
            else:
                message = f"source {ident!r} is not a block of the document"
                near = difflib.get_close_matches(ident, [i for i, k in self.kinds.items() if k == _BLOCK], n=1)
                if near:
                    message += f"; did you mean {near[0]!r}?"
            self.add(f"{pointer}/sources/{n}", "ref.source-block", message)

    def verbatim(self, pointer: str, words: str, thing: dict[str, Any], what: str) -> None:
        texts = [t for ident in thing["sources"] for t in self.texts.get(ident, [])]
        if texts and not any(words in t for t in texts):
            self.add(pointer, "text.not-in-source", f"the {what} does not occur verbatim in any of its source blocks")

    # --- the rules -----------------------------------------------------------
    def run(self) -> list[Finding]:
        record = self.record
        engagements = self.collect()
        release_day = date.fromisoformat(record["release"]["date"])
        self.ref("/release/issuer", record["release"]["issuer"], _ORG)

        visit_span: tuple[date, date] | None = None
        visit = record.get("visit")
        if visit:
            self.ref("/visit/principal", visit["principal"], _PERSON)
            for n, place in enumerate(visit.get("places", [])):
                self.ref(f"/visit/places/{n}", place, _PLACE)
            visit_span = self.period("/visit/period", visit["period"])
            if visit_span:
                if visit["status"] == "completed" and visit_span[0] > release_day:
                    self.add("/visit/status", "date.status", f"a completed visit cannot start after the release ({release_day})")
                if visit["status"] == "announced" and visit_span[1] < release_day:
                    self.add("/visit/status", "date.status", f"an announced visit cannot end before the release ({release_day})")
            self.sources("/visit", visit)
            for n, leg in enumerate(visit.get("legs", [])):
                here = f"/visit/legs/{n}"
                if leg["country"] not in visit["countries"]:
                    self.add(f"{here}/country", "visit.leg-country", f"{leg['country']} is not one of the visit's countries")
                for i, place in enumerate(leg.get("places", [])):
                    self.ref(f"{here}/places/{i}", place, _PLACE)
                if "period" in leg and (span := self.period(f"{here}/period", leg["period"])) and visit_span:
                    self.within(f"{here}/period", span, visit_span, "the visit period")
                self.sources(here, leg)

        for key in ("people", "organisations", "places"):
            for n, thing in enumerate(record.get(key, [])):
                if key == "organisations" and "parent" in thing:
                    self.ref(f"/organisations/{n}/parent", thing["parent"], _ORG)
                self.sources(f"/{key}/{n}", thing)

        spans: dict[str, tuple[date, date]] = {}
        for here, engagement in engagements:
            span = self.when(f"{here}/date", engagement["date"])
            if span:
                spans[engagement["id"]] = span
                self.status(f"{here}/status", engagement["status"], span, release_day)
                if visit_span and here.count("/") == 2:
                    self.within(f"{here}/date", span, visit_span, "the visit period")
                for i, child in enumerate(engagement.get("engagements", [])):
                    child_span = _when(child["date"]) if "date" in child else None
                    if child_span and self.ordered(child["date"]):
                        self.within(f"{here}/engagements/{i}/date", child_span, span, "its engagement's date")
            if "place" in engagement:
                self.ref(f"{here}/place", engagement["place"], _PLACE)
            self.times(here, engagement)
            seen: set[str] = set()
            for i, participant in enumerate(engagement.get("participants", [])):
                p_here = f"{here}/participants/{i}"
                person = participant["person"]
                if self.ref(f"{p_here}/person", person, _PERSON) and person in seen:
                    self.add(f"{p_here}/person", "ref.duplicate-participant", f"{person!r} is already a participant of this engagement")
                seen.add(person)
                if "organisation" in participant:
                    self.ref(f"{p_here}/organisation", participant["organisation"], _ORG)
            self.sources(here, engagement)

        for n, statement in enumerate(record.get("statements", [])):
            here = f"/statements/{n}"
            self.party(f"{here}/speaker", statement["speaker"])
            if "delivered_by" in statement:
                self.ref(f"{here}/delivered_by", statement["delivered_by"], _PERSON)
            for i, party in enumerate(statement.get("addressees", [])):
                self.party(f"{here}/addressees/{i}", party)
            if "engagement" in statement:
                self.ref(f"{here}/engagement", statement["engagement"], _ENGAGEMENT)
            self.sources(here, statement)
            self.verbatim(f"{here}/attribution", statement["attribution"], statement, "attribution")

        for n, outcome in enumerate(record.get("outcomes", [])):
            here = f"/outcomes/{n}"
            for key in ("parties", "addressees"):
                for i, party in enumerate(outcome.get(key, [])):
                    self.party(f"{here}/{key}/{i}", party)
            if "engagement" in outcome:
                self.ref(f"{here}/engagement", outcome["engagement"], _ENGAGEMENT)
            if "place" in outcome:
                self.ref(f"{here}/place", outcome["place"], _PLACE)
            for i, doc in enumerate(outcome.get("documents", [])):
                self.ref(f"{here}/documents/{i}", doc, _DOCUMENT)
            if "due" in outcome and (span := self.when(f"{here}/due", outcome["due"])) and span[1] < release_day:
                self.add(
                    f"{here}/due",
                    "date.due-before-release",
                    f"due {_describe(*span)} is before the release date {release_day}",
                )
            self.sources(here, outcome)
            self.verbatim(f"{here}/quote", outcome["quote"], outcome, "quote")

        for n, doc in enumerate(record.get("referenced_documents", [])):
            here = f"/referenced_documents/{n}"
            for i, party in enumerate(doc.get("parties", [])):
                self.party(f"{here}/parties/{i}", party)
            if "date" in doc:
                self.when(f"{here}/date", doc["date"])
            self.sources(here, doc)
        return self.findings

    # --- date helpers ---------------------------------------------------------
    def ordered(self, value: dict[str, Any]) -> bool:
        return "date" in value or value["earliest"] < value["latest"]

    def when(self, pointer: str, value: dict[str, Any]) -> tuple[date, date] | None:
        if not self.ordered(value):
            same = value["earliest"] == value["latest"]
            self.add(
                pointer,
                "date.bounds",
                "earliest and latest are the same day; write it as an exact date ('date', with 'printed')"
                if same
                else f"earliest {value['earliest']} is after latest {value['latest']}",
            )
            return None
        return _when(value)

    def period(self, pointer: str, value: dict[str, Any]) -> tuple[date, date] | None:
        start, end = _bounds(value["start"]), _bounds(value["end"])
        if end[1] < start[0]:
            self.add(f"{pointer}/end", "date.end-before-start", f"the period ends ({value['end']}) before it starts ({value['start']})")
            return None
        return start[0], end[1]

    def within(self, pointer: str, span: tuple[date, date], outer: tuple[date, date], what: str) -> None:
        if span[0] < outer[0] or span[1] > outer[1]:
            self.add(pointer, "date.outside-visit", f"{_describe(*span)} is outside {what} ({_describe(*outer)})")

    def status(self, pointer: str, status: str, span: tuple[date, date], release_day: date) -> None:
        if status == "held" and span[0] > release_day:
            self.add(pointer, "date.status", f"marked held but dated {_describe(*span)}, after the release ({release_day})")
        elif status == "planned" and span[1] < release_day:
            self.add(pointer, "date.status", f"marked planned but dated {_describe(*span)}, before the release ({release_day})")

    def times(self, pointer: str, engagement: dict[str, Any]) -> None:
        clocks = engagement.get("times", [])
        if len(clocks) < 2:
            return

        def utc(clock: dict[str, Any], key: str) -> int | None:
            if key not in clock:
                return None
            h, m, *_ = (int(x) for x in clock[key].split(":"))
            sign = 1 if clock["utc_offset"][0] == "+" else -1
            oh, om = (int(x) for x in clock["utc_offset"][1:].split(":"))
            return (h * 60 + m - sign * (oh * 60 + om)) % (24 * 60)

        first = clocks[0]
        for n, clock in enumerate(clocks[1:], 1):
            for key in ("start", "end"):
                a, b = utc(first, key), utc(clock, key)
                if a is not None and b is not None and a != b:
                    self.add(
                        f"{pointer}/times/{n}/{key}",
                        "time.disagree",
                        f"{clock[key]} at {clock['utc_offset']} is not the same moment as "
                        f"{first[key]} at {first['utc_offset']}",
                    )


def check(record: dict[str, Any]) -> list[Finding]:
    """Every semantic problem of a schema-valid record, in the order found."""
    return _Checker(record).run()
