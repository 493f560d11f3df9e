"""What the record's dates mean as spans of days: for the rules, and for any format that orders or describes them.

Dates are compared as ISO strings, which order like the days they name. A
month or year is widened to its first and last day; "-31" serves as the last
day of any month, since it sorts after every real day of that month and
before the first day of the next.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

Span = tuple[str, str]


def bounds(value: str) -> Span:
    """First and last day of a year, month or day."""
    if len(value) == 10:
        return value, value
    if len(value) == 7:
        return f"{value}-01", f"{value}-31"
    return f"{value}-01-01", f"{value}-12-31"


def describe(span: Span) -> str:
    lo, hi = span
    if hi.endswith("-31"):  # "-31" stands for a month's end: name the real day
        year, month = int(hi[:4]), int(hi[5:7])
        hi = f"{hi[:8]}{calendar.monthrange(year, month)[1]:02d}"
    return lo if lo == hi else f"{lo}..{hi}"


def when(value: dict[str, Any]) -> Span | None:
    """The days an exact or fuzzy date covers, or None when its bounds are wrong (`date.bounds`)."""
    if "date" in value:
        day: str = value["date"]
        return day, day
    earliest: str = value["earliest"]
    latest: str = value["latest"]
    return (earliest, latest) if earliest < latest else None


def not_a_day(period: dict[str, Any]) -> str | None:
    """The first of "start" and "end" given to a day the calendar lacks (the pattern allows 2000-02-31)."""
    for key in ("start", "end"):
        day = period[key]
        if len(day) == 10:
            try:
                date.fromisoformat(day)
            except ValueError:
                return key
    return None


def period_span(period: dict[str, Any]) -> Span | None:
    """The days a period covers, or None when it names a missing day or ends before it starts."""
    if not_a_day(period) is not None:
        return None
    start, end = bounds(period["start"])[0], bounds(period["end"])[1]
    return (start, end) if start <= end else None


def engagement_span(engagement: dict[str, Any], *, lenient: bool = False) -> Span | None:
    """First and last day of an engagement, or None when its dates are themselves wrong.

    `lenient` keeps the first date's span when only `end_date` has wrong bounds:
    the engagement's own checks still compare that date with the release and
    the visit, while `date.bounds` reports the end date.
    """
    first = when(engagement["date"])
    if first is None or "end_date" not in engagement:
        return first
    last = when(engagement["end_date"])
    if last is None:
        return first if lenient else None
    if last[1] < first[0]:
        return None
    return first[0], max(first[1], last[1])
