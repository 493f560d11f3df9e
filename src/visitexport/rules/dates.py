"""Rules on dates: bounds in order, days that exist, and dates consistent with each other and the release."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from visitexport.dates import (
    Span,
    bounds,
    describe,
    edtf_span,
    engagement_span,
    known_bounds,
    not_a_day,
    period_span,
    real_day,
    when,
)
from visitexport.rules._context import DATED_FACTS, Context
from visitexport.rules._rule import Fault, rule


def _bad_bounds(value: dict[str, Any]) -> str | None:
    """What is wrong with a fuzzy date's bounds, if anything."""
    if "date" in value or "earliest" not in value or "latest" not in value:
        return None  # an exact date, or a bound the text leaves open
    if value["earliest"] < value["latest"]:
        return None
    if value["earliest"] == value["latest"]:
        return "earliest and latest are the same day; write it as an exact date ('date', with 'printed')"
    return f"earliest {value['earliest']} is after latest {value['latest']}"


@rule(
    "date.bounds",
    "a fuzzy date's earliest day comes before its latest day",
    "a fuzzy date's earliest day comes before its latest day (one day is an exact date)",
)
def date_bounds(ctx: Context) -> Iterator[Fault]:
    for k, engagement in enumerate(ctx.engagements):
        if "date" in engagement and (message := _bad_bounds(engagement["date"])):
            yield f"{ctx.engagement_pointer(k)}/date", message
        elif "end_date" in engagement and (message := _bad_bounds(engagement["end_date"])):
            yield f"{ctx.engagement_pointer(k)}/end_date", message
    for top, keys in DATED_FACTS:
        for n, thing in enumerate(ctx.record.get(top, ())):
            for key in keys:
                if key in thing and (message := _bad_bounds(thing[key])):
                    yield f"/{top}/{n}/{key}", message


def _edtf_fault(value: dict[str, Any]) -> str | None:
    """Where a fuzzy date's bounds and its EDTF form disagree, if they do."""
    if "edtf" not in value:
        return None
    earliest, latest = edtf_span(value["edtf"])
    for key, bound in (("earliest", earliest), ("latest", latest)):
        if bound is not None and key in value and value[key] != real_day(bound):
            return f"{key} {value[key]} is not the {key} day of {value['edtf']} ({real_day(bound)})"
    return None


@rule(
    "date.edtf",
    "a fuzzy date's bounds agree with its EDTF form",
    "a fuzzy date's `earliest` and `latest`, when given, are the first and last day its `edtf` means, where that "
    "is known (an open, unknown, approximate or uncertain end bounds nothing)",
)
def date_edtf(ctx: Context) -> Iterator[Fault]:
    for k, engagement in enumerate(ctx.engagements):
        for key in ("date", "end_date"):
            if key in engagement and (message := _edtf_fault(engagement[key])):
                yield f"{ctx.engagement_pointer(k)}/{key}", message
    for top, keys in DATED_FACTS:
        for n, thing in enumerate(ctx.record.get(top, ())):
            for key in keys:
                if key in thing and (message := _edtf_fault(thing[key])):
                    yield f"/{top}/{n}/{key}", message


def _period_pointer(leg: int) -> str:
    return "/visit/period" if leg < 0 else f"/visit/legs/{leg}/period"


@rule(
    "date.calendar",
    "a period's start and end, when given to the day, are days of the calendar",
    "a period's start and end, when given to the day, are days of the calendar (the schema's pattern lets "
    "`2000-02-31` through)",
)
def calendar(ctx: Context) -> Iterator[Fault]:
    for leg, period in ctx.periods:
        if key := not_a_day(period):
            yield f"{_period_pointer(leg)}/{key}", f"{period[key]} is not a day of the calendar"


@rule(
    "date.end-before-start",
    "no period ends before it starts",
    "no period ends before it starts, and no engagement's `end_date` comes before its `date`",
)
def end_before_start(ctx: Context) -> Iterator[Fault]:
    for leg, period in ctx.periods:
        if not_a_day(period) is None and bounds(period["end"])[1] < bounds(period["start"])[0]:
            yield (
                f"{_period_pointer(leg)}/end",
                f"the period ends ({period['end']}) before it starts ({period['start']})",
            )
    for k, engagement in enumerate(ctx.engagements):
        if "end_date" not in engagement or "date" not in engagement:
            continue
        first, last = when(engagement["date"]), when(engagement["end_date"])
        if first and last and last[1] < first[0]:
            yield (
                f"{ctx.engagement_pointer(k)}/end_date",
                f"the last day ({describe(last)}) is before the first ({describe(first)})",
            )


def _outside(span: Span, outer: Span, what: str) -> str | None:
    if span[0] < outer[0] or span[1] > outer[1]:
        return f"{describe(span)} is outside {what} ({describe(outer)})"
    return None


@rule(
    "date.outside-visit",
    "engagements and legs fall within the visit period (sub-engagements within their parent)",
    "engagements and legs fall within the visit period; sub-engagements within their engagement's date",
)
def outside_visit(ctx: Context) -> Iterator[Fault]:
    visit_span = ctx.visit_span
    if visit_span:
        for n, leg in enumerate(ctx.record["visit"].get("legs", ())):
            span = period_span(leg["period"]) if "period" in leg else None
            if span and (message := _outside(span, visit_span, "the visit period")):
                yield f"/visit/legs/{n}/period", message
    parents = ctx.engagement_parents
    for k, span in enumerate(ctx.engagement_spans):
        if not span:
            continue
        if visit_span and parents[k] < 0 and (message := _outside(span, visit_span, "the visit period")):
            yield f"{ctx.engagement_pointer(k)}/date", message
        # Every sub-engagement, even one nested past the limit that `json.depth` reports.
        for i, child in enumerate(ctx.engagements[k].get("engagements", ())):
            child_span = engagement_span(child)
            if child_span and (message := _outside(child_span, span, "its engagement's dates")):
                yield f"{ctx.engagement_pointer(k)}/engagements/{i}/date", message


@rule(
    "date.due-before-release",
    "due dates are not before the release date",
    "due dates are not before the release date",
)
def due_before_release(ctx: Context) -> Iterator[Fault]:
    release = ctx.release_span
    if release is None:
        return
    for n, outcome in enumerate(ctx.record.get("outcomes", ())):
        if "due" in outcome and (latest := known_bounds(outcome["due"])[1]) and latest < release[0]:
            yield (
                f"/outcomes/{n}/due",
                f"due by {describe((latest, latest))} is before the release date {describe(release)}",
            )


def _against_release(status: str | None, span: Span, release: Span, what: str) -> str | None:
    """What is wrong with a status, given the days of the event and of the release."""
    if status in ("held", "ongoing") and span[0] > release[1]:
        return f"{what} marked {status} but dated {describe(span)}, after the release ({describe(release)})"
    if status == "scheduled" and span[1] < release[0]:
        return f"{what} marked scheduled but dated {describe(span)}, before the release ({describe(release)})"
    return None


@rule(
    "date.status",
    "held things are not dated after the release; scheduled ones not wholly before it",
    "a held or ongoing visit, engagement or mentioned event does not start after the release; a scheduled one "
    "does not end before it",
)
def status(ctx: Context) -> Iterator[Fault]:
    release = ctx.release_span
    if release is None:
        return
    visit = ctx.record.get("visit", {})
    if (span := ctx.visit_span) and (message := _against_release(visit.get("status"), span, release, "the visit")):
        yield "/visit/status", message
    for k, span in enumerate(ctx.engagement_spans):
        engagement = ctx.engagements[k]
        if span and (message := _against_release(engagement.get("status"), span, release, "the engagement")):
            yield f"{ctx.engagement_pointer(k)}/status", message
    for n, event in enumerate(ctx.record.get("events", ())):
        span = engagement_span(event)
        if span and (message := _against_release(event.get("status"), span, release, "the event")):
            yield f"/events/{n}/status", message
