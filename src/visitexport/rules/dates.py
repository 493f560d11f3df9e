"""Rules on dates: bounds in order, days that exist, and dates consistent with each other and the release."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from visitexport.dates import Span, bounds, describe, engagement_span, not_a_day, period_span, when
from visitexport.rules._context import Context
from visitexport.rules._rule import Fault, rule


def _bad_bounds(value: dict[str, Any]) -> str | None:
    """What is wrong with a fuzzy date's bounds, if anything."""
    if "date" in value or value["earliest"] < value["latest"]:
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
        if message := _bad_bounds(engagement["date"]):
            yield f"{ctx.engagement_pointer(k)}/date", message
        elif "end_date" in engagement and (message := _bad_bounds(engagement["end_date"])):
            yield f"{ctx.engagement_pointer(k)}/end_date", message
    for n, outcome in enumerate(ctx.record.get("outcomes", ())):
        if "due" in outcome and (message := _bad_bounds(outcome["due"])):
            yield f"/outcomes/{n}/due", message
    for n, doc in enumerate(ctx.record.get("referenced_documents", ())):
        if "date" in doc and (message := _bad_bounds(doc["date"])):
            yield f"/referenced_documents/{n}/date", message


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
        if "end_date" not in engagement:
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
    release_day = ctx.release_day
    if release_day is None:
        return
    for n, outcome in enumerate(ctx.record.get("outcomes", ())):
        if "due" in outcome and (span := when(outcome["due"])) and span[1] < release_day:
            yield f"/outcomes/{n}/due", f"due {describe(span)} is before the release date {release_day}"


@rule(
    "date.status",
    "held and completed things are not dated after the release; planned ones not wholly before it",
    "a held engagement or completed visit is not dated after the release; a planned one not wholly before it",
)
def status(ctx: Context) -> Iterator[Fault]:
    release_day = ctx.release_day
    if release_day is None:
        return
    if span := ctx.visit_span:
        visit_status = ctx.record["visit"]["status"]
        if visit_status == "completed" and span[0] > release_day:
            yield "/visit/status", f"a completed visit cannot start after the release ({release_day})"
        if visit_status == "announced" and span[1] < release_day:
            yield "/visit/status", f"an announced visit cannot end before the release ({release_day})"
    for k, span in enumerate(ctx.engagement_spans):
        if not span:
            continue
        engagement_status = ctx.engagements[k]["status"]
        if engagement_status == "held" and span[0] > release_day:
            yield (
                f"{ctx.engagement_pointer(k)}/status",
                f"marked held but dated {describe(span)}, after the release ({release_day})",
            )
        elif engagement_status == "planned" and span[1] < release_day:
            yield (
                f"{ctx.engagement_pointer(k)}/status",
                f"marked planned but dated {describe(span)}, before the release ({release_day})",
            )
