"""The calendar words of English releases: month and weekday names, and the dates they print.

One definition for the rules that compare a printed date with its value
(`date.printed`, `date.weekday`) and for ingest, which reads dates from the
text: both must read "2 November (Thu)" the same way.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

#: Month names and the abbreviations releases print ("Sept." included), lower case, to 1-12.
MONTHS: dict[str, int] = {}
for _number, _name in enumerate(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    1,
):
    MONTHS[_name] = _number
    MONTHS[_name[:3]] = _number
MONTHS["sept"] = 9

#: Weekday names and abbreviations, lower case, to Python's weekday numbers (Monday is 0).
WEEKDAYS: dict[str, int] = {}
for _number, _name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")):
    WEEKDAYS[_name] = _number
    WEEKDAYS[_name[:3]] = _number
WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>[12][0-9]{3})"
#: "2 November", "2nd November 2000", "November 2", "November 2, 2000".
DAY_MONTH = re.compile(
    rf"\b(?:{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?|{_MONTH.replace('month', 'month2')}\s+"
    rf"{_DAY.replace('day', 'day2')}(?:,?\s+{_YEAR.replace('year', 'year2')})?)\b",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(r"\b(" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\b\.?", re.IGNORECASE)


class DayMonth(NamedTuple):
    """A day and month as printed, with the year when printed."""

    day: int
    month: int
    year: int | None
    start: int  # where the words start in the text
    end: int


def day_months(text: str) -> list[DayMonth]:
    """Every day-and-month the text prints, in order ("2 November", "November 2, 2000")."""
    found = []
    for match in DAY_MONTH.finditer(text):
        groups = match.groupdict()
        day = groups["day"] or groups["day2"]
        month = groups["month"] or groups["month2"]
        year = groups["year"] or groups["year2"]
        found.append(DayMonth(int(day), MONTHS[month.lower()], int(year) if year else None, *match.span()))
    return found


def weekdays(text: str) -> list[int]:
    """The weekdays the text names, in order (Monday is 0)."""
    return [WEEKDAYS[m.group(1).lower()] for m in _WEEKDAY.finditer(text)]


def real_day(year: int, month: int, day: int) -> date | None:
    """The calendar day, or None when it does not exist (30 February)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def nearest_year(day: int, month: int, release: date) -> int | None:
    """The year a day and month printed without one most likely mean: the one nearest the release.

    A release of 14 October 2002 that mentions "9 January" means January 2003; one
    of 10 January 2003 that mentions "28 December" means December 2002. None when
    the day exists in no year near the release (29 February far from a leap year).
    """
    best: tuple[int, int] | None = None
    for year in (release.year - 1, release.year, release.year + 1):
        candidate = real_day(year, month, day)
        if candidate is None:
            continue
        distance = abs((candidate - release).days)
        if best is None or distance < best[0]:
            best = distance, year
    return None if best is None else best[1]
