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


#: The first day of a range printed before its day and month: "21 and" or "28 to" in "28 to 30 May".
_DAY_BEFORE = re.compile(r"\b([1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?\s*(?:and|to|-|\u2013|\u2014)\s*$", re.IGNORECASE)
#: The last day of a range printed after a month and day: "-4" or " to 4" in "November 1-4".
_DAY_AFTER = re.compile(r"\s*(?:and|to|-|\u2013|\u2014)\s*([1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?\b", re.IGNORECASE)

#: The longest a range's first day and joiner can be ("31st  and  "), with room for spaces.
_RANGE_REACH = 24
_YEAR_AFTER = re.compile(r",?\s+([12][0-9]{3})\b")


def day_months(text: str) -> list[DayMonth]:
    """Every day-and-month the text prints, in order ("2 November", "November 2, 2000").

    A range of days in one month gives each end ("21 and 22 January", "from 28 to 30 May",
    "November 1-4"): the first end shares the month and year printed after it.
    """
    found = []
    for match in DAY_MONTH.finditer(text):
        groups = match.groupdict()
        if (groups["month"] or groups["month2"]) == "may":
            continue  # "the two sides 2 may" is a verb: month names are printed with a capital
        month = MONTHS[(groups["month"] or groups["month2"]).lower()]
        printed_year = groups["year"] or groups["year2"]
        year = int(printed_year) if printed_year else None
        if groups["day"]:
            # Only the few characters before the day can hold a range's first day: search no further back,
            # or a text of many days is searched again and again (quadratic).
            if before := _DAY_BEFORE.search(text, max(0, match.start() - _RANGE_REACH), match.start()):
                found.append(DayMonth(int(before.group(1)), month, year, before.start(), match.end()))
            found.append(DayMonth(int(groups["day"]), month, year, *match.span()))
        else:
            first = DayMonth(int(groups["day2"]), month, year, *match.span())
            if not printed_year and (after := _DAY_AFTER.match(text, match.end())):
                end = after.end()
                if late_year := _YEAR_AFTER.match(text, end):  # "November 1-4, 2000"
                    year, end = int(late_year.group(1)), late_year.end()
                found.append(first._replace(year=year))
                found.append(DayMonth(int(after.group(1)), month, year, match.start(), end))
            else:
                found.append(first)
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
