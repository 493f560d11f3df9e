"""Rules on printed words: a date's value says what its printed words say."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from typing import Any

from visitexport.rules._context import DATED_FACTS, Context
from visitexport.rules._rule import Fault, rule
from visitexport.wording import day_months, nearest_year, weekdays

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: Words that place a date against the release's own day.
_RELATIVE = {"today": 0, "yesterday": -1, "tomorrow": 1}

Pointer = Callable[[], str]


def _engagement_at(ctx: Context, index: int, key: str) -> str:
    return f"{ctx.engagement_pointer(index)}/{key}"


def _exact_dates(ctx: Context) -> Iterator[tuple[Pointer, dict[str, Any]]]:
    """Every exact date that prints its words, with a way to its pointer (built only for a fault)."""
    for k, engagement in enumerate(ctx.engagements):
        for key in ("date", "end_date"):
            if "date" in (value := engagement.get(key, {})) and "printed" in value:
                yield partial(_engagement_at, ctx, k, key), value
    for top, keys in DATED_FACTS:
        for n, thing in enumerate(ctx.record.get(top, ())):
            for key in keys:
                if "date" in (value := thing.get(key, {})) and "printed" in value:
                    yield partial("/{}/{}/{}".format, top, n, key), value


def _release_day(ctx: Context) -> date | None:
    span = ctx.release_span
    return date.fromisoformat(span[0]) if span and span[0] == span[1] else None


@rule(
    "date.printed",
    "a date says what its printed words say",
    "an exact date is a day its `printed` words name (one end of a range such as '21 and 22 January'), in the "
    "year printed; one whose "
    "year was worked out from the release's date is the nearest such day to it, and 'today', 'yesterday' or "
    "'tomorrow' is the release's day, the day before or the day after",
)
def printed(ctx: Context) -> Iterator[Fault]:
    release = _release_day(ctx)
    for pointer, value in _exact_dates(ctx):
        day = date.fromisoformat(value["date"])
        words = value["printed"]
        if named := day_months(words):
            same = [d for d in named if (d.day, d.month) == (day.day, day.month) and d.year in (None, day.year)]
            if not same:
                first = named[0]
                yield f"{pointer()}/date", f"{value['date']} is not the day printed, '{words[first.start : first.end]}'"
            elif (
                same[0].year is None
                and release is not None
                and value.get("inferred", {}).get("basis") == "release_date"
                and (year := nearest_year(day.day, day.month, release)) != day.year
            ):
                yield (
                    f"{pointer()}/date",
                    f"'{words[same[0].start : same[0].end]}' in a release of {release.isoformat()} is in {year}, "
                    f"not {day.year}",
                )
            continue
        lowered = words.lower()
        for word, offset in _RELATIVE.items():
            if re.search(rf"\b{word}\b", lowered) and release is not None and (day - release).days != offset:
                yield f"{pointer()}/date", f"'{word}' in a release of {release.isoformat()} is not {value['date']}"
                break


def _weekday_fault(day: date, words: str) -> str | None:
    for weekday in weekdays(words):
        if weekday != day.weekday():
            return f"{day.isoformat()} is a {_WEEKDAY_NAMES[day.weekday()]}, not a {_WEEKDAY_NAMES[weekday]}"
    return None


@rule(
    "date.weekday",
    "a weekday printed with a date is that date's weekday",
    "a weekday printed with a date ('2 November (Thu)') is that date's weekday: in an exact date's `printed` "
    "words, and on the header's date line against the release's date",
)
def weekday(ctx: Context) -> Iterator[Fault]:
    for pointer, value in _exact_dates(ctx):
        if message := _weekday_fault(date.fromisoformat(value["date"]), value["printed"]):
            yield f"{pointer()}/printed", message
    release = _release_day(ctx)
    if release is None:
        return
    for part in ctx.record["document"].get("header", ()):
        if part["type"] == "date" and (message := _weekday_fault(release, part["text"])):
            yield "/release/date", f"{message} (the header's date line: '{part['text']}')"
            return
