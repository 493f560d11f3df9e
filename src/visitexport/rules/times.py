"""Rules on clock times: the times printed for one engagement agree with each other and with its dates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from visitexport.dates import Span, describe
from visitexport.rules._context import Context
from visitexport.rules._rule import Fault, rule

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
    if key not in a or key not in b or "utc_offset" not in a or "utc_offset" not in b:
        return True  # one does not print it: nothing to compare
    (x, x_dated), (y, y_dated) = _utc_moment(a, key, day), _utc_moment(b, key, day)
    if x_dated and y_dated:
        return x == y
    return x % _DAY == y % _DAY  # without dates, the time of day is all that can be compared


@rule(
    "time.disagree",
    "the clock times printed for one engagement name the same moment",
    "clock times printed in two time zones name the same moment (to the minute when their local dates are "
    "known, else the same time of day)",
)
def disagree(ctx: Context) -> Iterator[Fault]:
    for k, engagement in enumerate(ctx.engagements):
        if "times" not in engagement:
            continue
        day = engagement.get("date", {}).get("date")
        first, *others = engagement["times"]
        for n, clock in enumerate(others, 1):
            for key in ("start", "end"):
                if not _same_moment(first, clock, key, day):
                    on = f" on {clock['date']}" if "date" in clock else ""
                    yield (
                        f"{ctx.engagement_pointer(k)}/times/{n}/{key}",
                        f"{clock[key]}{on} at {clock['utc_offset']} is not the same moment as "
                        f"{first[key]} at {first['utc_offset']}",
                    )


def _near(day: str, span: Span) -> bool:
    """Whether `day` is within one day of `span` (a time zone can move a date by one)."""
    # Engagement spans are real days (exact dates or fuzzy bounds), never the "-31" of a month.
    ordinal = date.fromisoformat(day).toordinal()
    return date.fromisoformat(span[0]).toordinal() - 1 <= ordinal <= date.fromisoformat(span[1]).toordinal() + 1


@rule(
    "time.date",
    "a clock's local date lies within a day of its engagement's dates",
    "a clock's local `date` lies within a day of its engagement's dates",
)
def local_date(ctx: Context) -> Iterator[Fault]:
    for k, span in enumerate(ctx.engagement_spans):
        engagement = ctx.engagements[k]
        if not span or "times" not in engagement:
            continue
        for n, clock in enumerate(engagement["times"]):
            if "date" in clock and not _near(clock["date"], span):
                yield (
                    f"{ctx.engagement_pointer(k)}/times/{n}/date",
                    f"local date {clock['date']} is more than a day from the engagement ({describe(span)})",
                )


#: How far an approximate duration ("about 55 minutes") may be from its clock times.
APPROXIMATE_MINUTES = 15


def minutes(duration: str) -> int:
    """The minutes of an ISO 8601 duration in hours and minutes (PT1H30M is 90)."""
    hours, _, rest = duration[2:].rpartition("H")
    return int(hours or 0) * 60 + int(rest[:-1] or 0)


def _span_minutes(clock: dict[str, Any]) -> int:
    start = int(clock["start"][:2]) * 60 + int(clock["start"][3:5])
    end = int(clock["end"][:2]) * 60 + int(clock["end"][3:5])
    return (end - start) % _DAY  # 23:30 to 00:15 is 45 minutes


@rule(
    "time.duration",
    "a duration agrees with the start and end times printed with it",
    "a printed duration agrees with the engagement's start and end times (within "
    f"{APPROXIMATE_MINUTES} minutes when either is approximate)",
)
def duration(ctx: Context) -> Iterator[Fault]:
    for k, engagement in enumerate(ctx.engagements):
        if "duration" not in engagement or "times" not in engagement:
            continue
        clock = engagement["times"][0]
        if "end" not in clock:
            continue
        length = engagement["duration"]
        slack = APPROXIMATE_MINUTES if length.get("approximate") or clock.get("approximate") else 0
        between, stated = _span_minutes(clock), minutes(length["value"])
        if abs(between - stated) > slack:
            yield (
                f"{ctx.engagement_pointer(k)}/duration/value",
                f"{length['value']} ({stated} minutes) disagrees with {clock['start']} to {clock['end']} "
                f"({between} minutes)",
            )
