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
- ``time.date``: a clock's local date lies within a day of its engagement's
  dates.
- ``visit.leg-country``: each leg's country is one of the visit's countries.
- ``table.shape``: a table's rows have one number of cells, and there are no
  more header rows than rows.
- ``json.integer``: whole numbers are written without a fraction (``2``, not
  ``2.0``), which JSON Schema cannot tell apart.
- ``json.depth``: nesting within the limit the tool can process safely.
"""

from __future__ import annotations

import calendar
import difflib
from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from .json_ import MAX_DEPTH
from .schema import load_schema

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
    "time.date": "a clock's local date lies within a day of its engagement's dates",
    "visit.leg-country": "each leg's country is one of the visit's countries",
    "table.shape": "a table's rows have one number of cells, and no more header rows than rows",
    "json.integer": "whole numbers are written without a fraction (2, not 2.0): one spelling per value",
    "json.depth": f"nesting stays within {MAX_DEPTH} levels",
}


class Finding(NamedTuple):
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
_PARTY = (_PERSON, _ORG)

# Dates are compared as ISO strings, which order like the days they name. A
# month or year is widened to its first and last day; "-31" serves as the last
# day of any month, since it sorts after every real day of that month and
# before the first day of the next.
Span = tuple[str, str]


def _bounds(value: str) -> Span:
    if len(value) == 10:
        return value, value
    if len(value) == 7:
        return f"{value}-01", f"{value}-31"
    return f"{value}-01-01", f"{value}-12-31"


def _describe(span: Span) -> str:
    lo, hi = span
    if hi.endswith("-31"):  # "-31" stands for a month's end: name the real day
        year, month = int(hi[:4]), int(hi[5:7])
        hi = f"{hi[:8]}{calendar.monthrange(year, month)[1]:02d}"
    return lo if lo == hi else f"{lo}..{hi}"


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


@cache
def _countries() -> frozenset[str]:
    return frozenset(load_schema()["$defs"]["country"]["enum"])


def _join(*parts: object) -> str:
    return "/".join(map(str, parts))


class _Tree(NamedTuple):
    """The document's blocks, flattened in reading order."""

    ids: list[str]  # block and item ids
    pointers: list[str]  # the JSON Pointer of each, in step with `ids` (only when asked for)
    texts: list[str]  # every text of the document
    spans: dict[str, tuple[int, int]]  # a block's texts are texts[start:end]
    too_deep: list[str]  # pointers of block lists nested past MAX_DEPTH (not entered)
    bad_tables: list[tuple[str, str]]  # (pointer, message) of tables whose rows do not line up
    fractions: list[str]  # pointers of whole numbers written with a fraction (2.0)


def _walk_blocks(body: list[dict[str, Any]], with_pointers: bool = True) -> _Tree:
    # Without pointers the walk builds no strings: the pre-check of a clean
    # record does not need them.
    tree = _Tree([], [], [], {}, [], [], [])
    ids, pointers, texts, spans = tree.ids, tree.pointers, tree.texts, tree.spans

    def walk(blocks: list[dict[str, Any]], pointer: str, depth: int) -> None:
        # A block object sits `depth` containers deep; its own arrays go two further.
        if depth + 2 > MAX_DEPTH:
            tree.too_deep.append(pointer)
            return
        for n, block in enumerate(blocks):
            ident = block["id"]
            ids.append(ident)
            here = ""
            if with_pointers:
                here = f"{pointer}/{n}"
                pointers.append(here)
            start = len(texts)
            kind = block["type"]
            if kind == "paragraph":
                texts.append(block["text"])
            elif kind == "section":
                texts.append(block["heading"])
                if "blocks" in block:
                    walk(block["blocks"], here and f"{here}/blocks", depth + 2)
            elif kind == "list":
                for i, item in enumerate(block["items"]):
                    ids.append(item["id"])
                    item_pointer = ""
                    if with_pointers:
                        item_pointer = f"{here}/items/{i}"
                        pointers.append(item_pointer)
                    item_start = len(texts)
                    walk(item["blocks"], item_pointer and f"{item_pointer}/blocks", depth + 4)
                    spans[item["id"]] = (item_start, len(texts))
            else:
                rows = block["rows"]
                texts.extend(cell for row in rows for cell in row if cell)
                widths = {len(row) for row in rows}
                if len(widths) > 1:
                    tree.bad_tables.append((here, f"rows have {sorted(widths)} cells; every row needs the same number"))
                if block["header_rows"] > len(rows):
                    tree.bad_tables.append((here, f"{block['header_rows']} header rows, but only {len(rows)} rows"))
                if type(block["header_rows"]) is not int:
                    tree.fractions.append(f"{here}/header_rows")
            spans[ident] = (start, len(texts))

    walk(body, "/document/body", 3)
    return tree


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


def _layout_fractions(document: dict[str, Any]) -> list[str]:
    """Pointers of the document's own whole numbers that are written as 2.0."""
    found = []
    if type(document["layout"]["list_indent"]) is not int:
        found.append("/document/layout/list_indent")
    if "footer" in document and type(document["footer"]["blank_lines_before"]) is not int:
        found.append("/document/footer/blank_lines_before")
    return found


def _near(day: str, span: Span) -> bool:
    """Whether `day` is within one day of `span` (a time zone can move a date by one)."""
    # Engagement spans are real days (exact dates or fuzzy bounds), never the "-31" of a month.
    ordinal = date.fromisoformat(day).toordinal()
    return date.fromisoformat(span[0]).toordinal() - 1 <= ordinal <= date.fromisoformat(span[1]).toordinal() + 1


def _exact_day(value: dict[str, Any]) -> str | None:
    return value.get("date")


_DAY = 24 * 60


def _utc_moment(clock: dict[str, Any], key: str, day: str | None) -> tuple[int, bool]:
    """A clock's start or end in UTC minutes, and whether its local date is known.

    The local date is the clock's own, else the engagement's exact date; with
    it the minutes count from the first day of the calendar, without it from
    that day's midnight.
    """
    hours, minutes = int(clock[key][:2]), int(clock[key][3:5])
    offset = clock["utc_offset"]
    sign = 1 if offset[0] == "+" else -1
    moment = hours * 60 + minutes - sign * (int(offset[1:3]) * 60 + int(offset[4:6]))
    if key == "end" and clock["end"] < clock["start"]:
        moment += _DAY  # 23:00 to 01:00 ends the next day
    local_day = clock.get("date", day)
    if local_day is None:
        return moment, False
    return date.fromisoformat(local_day).toordinal() * _DAY + moment, True


def _same_moment(a: dict[str, Any], b: dict[str, Any], key: str, day: str | None) -> bool:
    """Whether two clock entries name the same moment for `key` (true when one does not print it)."""
    if key not in a or key not in b:
        return True
    (x, x_dated), (y, y_dated) = _utc_moment(a, key, day), _utc_moment(b, key, day)
    if x_dated and y_dated:
        return x == y
    return x % _DAY == y % _DAY  # without dates, the time of day is all that can be compared


def _clean_times(clocks: list[dict[str, Any]], day: str | None) -> None:
    first = clocks[0]
    for clock in clocks[1:]:
        if not (_same_moment(first, clock, "start", day) and _same_moment(first, clock, "end", day)):
            raise _Dirty


def _engagement_span(engagement: dict[str, Any]) -> Span | None:
    """First and last day of an engagement, or None when its dates are themselves wrong."""
    first = engagement["date"]
    if "date" not in first and first["earliest"] >= first["latest"]:
        return None
    span = _when(first)
    if "end_date" in engagement:
        last = engagement["end_date"]
        if "date" not in last and last["earliest"] >= last["latest"]:
            return None
        last_span = _when(last)
        if last_span[1] < span[0]:
            return None
        span = span[0], max(span[1], last_span[1])
    return span


def _when(value: dict[str, Any]) -> Span:
    if "date" in value:
        return value["date"], value["date"]
    return value["earliest"], value["latest"]


def check(record: dict[str, Any]) -> list[Finding]:
    """Every semantic problem of a schema-valid record, in the order found."""
    if _clean(record):
        return []
    return _Checker(record).run()


class _Dirty(Exception):
    """Raised inside `_clean` at the first sign of a problem."""


def _clean(record: dict[str, Any]) -> bool:
    """True when no rule of `_Checker` would fire.

    The same rules as `_Checker`, checked in bulk with sets and without
    building a single pointer or message: validating a clean record (the
    usual case in CI) then costs a fraction of the full pass. When it says
    anything is off, `_Checker` runs to say exactly what and where.
    `tests/test_semantic.py` holds the two to the same verdict.
    """
    try:
        return _clean_or_raise(record)
    except _Dirty:
        return False


def _clean_or_raise(record: dict[str, Any]) -> bool:
    tree = _walk_blocks(record["document"]["body"], with_pointers=False)
    if tree.too_deep or tree.bad_tables or tree.fractions or _layout_fractions(record["document"]):
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
    start, end = _bounds(value["start"])[0], _bounds(value["end"])[1]
    if end < start:
        raise _Dirty
    return start, end


def _clean_within(span: Span, outer: Span) -> None:
    if span[0] < outer[0] or span[1] > outer[1]:
        raise _Dirty
