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


def real_day(day: str) -> str:
    """The day itself, with the "-31" that stands for any month's end made that month's last day."""
    if day.endswith("-31"):
        year, month = int(day[:4]), int(day[5:7])
        return f"{day[:8]}{calendar.monthrange(year, month)[1]:02d}"
    return day


def describe(span: Span) -> str:
    lo, hi = span[0], real_day(span[1])
    return lo if lo == hi else f"{lo}..{hi}"


def when(value: dict[str, Any]) -> Span | None:
    """The days an exact or fuzzy date covers, or None when a bound is unknown or they are wrong (`date.bounds`)."""
    if "date" in value:
        day: str = value["date"]
        return day, day
    earliest: str | None = value.get("earliest")
    latest: str | None = value.get("latest")
    if earliest is None or latest is None:
        return None
    return (earliest, latest) if earliest < latest else None


def known_bounds(value: dict[str, Any]) -> tuple[str | None, str | None]:
    """The earliest and latest day a date can mean, each None when the record does not know it."""
    if "date" in value:
        return value["date"], value["date"]
    return value.get("earliest"), value.get("latest")


#: The months an EDTF season (21 spring to 24 winter) covers, northern hemisphere; winter runs into
#: the next year.
_SEASONS = {"21": ("03", "05"), "22": ("06", "08"), "23": ("09", "11"), "24": ("12", "02")}


def _edtf_bounds(value: str) -> tuple[str | None, str | None]:
    """First and last day of one EDTF date, or unknown ends for '..', '' and qualified dates."""
    if value in ("", ".."):
        return None, None
    if value[-1] in "~?%":  # approximate or uncertain: the bounds are not the printed ones
        return None, None
    if len(value) == 7 and value[5:] in _SEASONS:
        first, last = _SEASONS[value[5:]]
        year = int(value[:4])
        end_year = year + 1 if value[5:] == "24" else year
        return f"{year:04d}-{first}-01", f"{end_year:04d}-{last}-31"
    return bounds(value)


def edtf_span(value: str) -> tuple[str | None, str | None]:
    """The earliest and latest day an EDTF date or interval means, each None when open or unknown.

    A day of a month is compared as a string, so "-31" stands for any month's last
    day, as in `bounds`.
    """
    if "/" in value:
        start, _, end = value.partition("/")
        return _edtf_bounds(start)[0], _edtf_bounds(end)[1]
    return _edtf_bounds(value)


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
    if "date" not in engagement:
        return None
    first = when(engagement["date"])
    if first is None or "end_date" not in engagement:
        return first
    last = when(engagement["end_date"])
    if last is None:
        return first if lenient else None
    if last[1] < first[0]:
        return None
    return first[0], max(first[1], last[1])
