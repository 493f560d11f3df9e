"""When, as a release prints it: a day in a heading, a period in a lead, clock times with zones, durations.

Each reader returns the value only when the words leave no doubt, else None:
a day printed without its year takes the year nearest the release's date (and
says so with ``inferred``), a weekday printed with a day must be that day's,
and a sentence that prints two clock times gives none (which engagement each
belongs to would be a guess).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from visitexport.wording import MONTHS, WEEKDAYS, day_months, nearest_year, real_day, weekdays

__all__ = ["Resolved", "clocks", "day_in_parentheses", "length", "period", "resolve"]

Node = dict[str, Any]

_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?"
#: A day printed more than this far from the release (either way) is not given a year: which year
#: it means is a guess.
_FARTHEST = 150
_INFERRED = {"basis": "release_date"}


@dataclass(frozen=True)
class Resolved:
    """A day with its year, and whether the year came from the release's date."""

    day: date
    inferred: bool


def resolve(day: int, month: int, year: int | None, release: date | None) -> Resolved | None:
    """The calendar day of a printed day and month, its year printed or the nearest to the release's."""
    if year is not None:
        found = real_day(year, month, day)
        return None if found is None else Resolved(found, False)
    if release is None:
        return None
    nearest = nearest_year(day, month, release)
    if nearest is None:
        return None
    found = real_day(nearest, month, day)
    if found is None or abs((found - release).days) > _FARTHEST:
        return None
    return Resolved(found, True)


def exact(resolved: Resolved, printed: str) -> Node:
    """An exact date of the schema, with the words printed and how its year was reached."""
    out: Node = {"date": resolved.day.isoformat(), "printed": printed}
    if resolved.inferred:
        out["inferred"] = dict(_INFERRED)
    return out


_PARENTHESES = re.compile(r"\(([^()]{1,40})\)\s*$")
_WEEKDAY_ONLY = re.compile(rf"^[\s,]*(?:\(?{_WEEKDAY}\)?)?[\s,]*$", re.IGNORECASE)


def day_in_parentheses(heading: str, release: date | None) -> tuple[str, Node] | str | None:
    """The heading without the day it ends with in parentheses ("... (2 November)"), and that day.

    None when the heading ends with no single day; a message (str) when it does
    but the day cannot be known (no year near the release, a weekday that is not
    the day's).
    """
    match = _PARENTHESES.search(heading)
    if match is None:
        return None
    inside = match.group(1).strip()
    found = day_months(inside)
    if len(found) != 1:
        return None
    one = found[0]
    rest = inside[: one.start] + inside[one.end :]
    if not _WEEKDAY_ONLY.match(rest):
        return None  # "(2 November, in Moscow)": more than a day
    resolved = resolve(one.day, one.month, one.year, release)
    if resolved is None:
        return f"the day \"{inside}\" has no year near the release's date: the engagement's date is left out"
    if any(w != resolved.day.weekday() for w in weekdays(inside)):
        return f"\"{inside}\" prints a weekday that is not the day's: the engagement's date is left out"
    name = heading[: match.start()].rstrip()
    return name, exact(resolved, inside)


_PERIOD = re.compile(
    rf"\b[Ff]rom\s+(?:(?P<w1>{_WEEKDAY}),?\s+)?(?P<d1>[1-9]|[12][0-9]|3[01])"
    rf"(?:\s+(?P<m1>{_MONTH})(?:,?\s+(?P<y1>[12][0-9]{{3}}))?)?"
    rf"\s+(?:to|until|till)\s+(?:(?P<w2>{_WEEKDAY}),?\s+)?(?P<d2>[1-9]|[12][0-9]|3[01])\s+(?P<m2>{_MONTH})"
    rf"(?:,?\s+(?P<y2>[12][0-9]{{3}}))?\b",
    re.IGNORECASE,
)


def period(text: str, release: date | None) -> tuple[Node, int, int] | str | None:
    """The one period ("From 1 to 4 November 2000", "from 28 September to 2 October") a text prints,
    with where it stands; a message when it prints one that cannot be known; None when it prints none
    or several."""
    found = list(_PERIOD.finditer(text))
    if len(found) != 1:
        return None
    match = found[0]
    g = match.groupdict()
    m2 = MONTHS[g["m2"].rstrip(".").lower()]
    m1 = MONTHS[g["m1"].rstrip(".").lower()] if g["m1"] else m2
    d1, d2 = int(g["d1"]), int(g["d2"])
    y2 = int(g["y2"]) if g["y2"] else None
    printed = match.group(0)
    end = resolve(d2, m2, y2, release)
    if end is None:
        return f"the period \"{printed}\" has no year near the release's date: the visit's period is left out"
    # "from 29 December to 2 January 2003": a start month after the end's is the year before.
    later = (m1, d1) > (m2, d2)
    y1 = int(g["y1"]) if g["y1"] else end.day.year - later
    start = real_day(y1, m1, d1)
    if start is None or start > end.day or (end.day - start).days > 60:
        return f'the period "{printed}" is no span of days: the visit\'s period is left out'
    for key, day in (("w1", start), ("w2", end.day)):
        if g[key] and WEEKDAYS[g[key].rstrip(".").lower()] != day.weekday():
            return f"\"{printed}\" prints a weekday that is not the day's: the visit's period is left out"
    out: Node = {"start": start.isoformat(), "end": end.day.isoformat(), "printed": printed}
    if end.inferred:
        out["inferred"] = dict(_INFERRED)
    return out, match.start(), match.end()


_TIME = r"(?:[01]?[0-9]|2[0-3]):[0-5][0-9]"
_CLOCK = re.compile(
    rf"(?:\b(?P<approx>about|around|approximately|at around|at about)\s+)?(?P<start>{_TIME})"
    rf"(?:\s*(?:to|-|\u2013|until)\s*(?P<end>{_TIME}))?(?![\d:])(?:\s*\((?P<paren>[^()]{{1,80}})\))?"
)
_TWELVE_HOUR = re.compile(r"[0-9]\s*(?:[ap]\.\s?m\b|[ap]m\b)", re.IGNORECASE)
_ZONE = re.compile(r"^(?:local time|(?:[A-Z][a-z]+ )+(?:standard )?time|[A-Z]{2,4})$")
_INNER = re.compile(rf"^(?P<start>{_TIME})(?:\s*(?:to|-|\u2013|until)\s*(?P<end>{_TIME}))?\s+(?P<zone>.+)$")


def _hhmm(text: str) -> str:
    hours, minutes = text.split(":")
    return f"{int(hours):02d}:{minutes}"


def _clock(start: str, end: str | None, printed: str, zone: str | None, approximate: bool) -> Node:
    out: Node = {"start": _hhmm(start)}
    if end is not None:
        out["end"] = _hhmm(end)
    out["printed"] = printed
    if zone is not None:
        out["zone"] = zone
    if approximate:
        out["approximate"] = True
    return out


def clocks(text: str) -> list[Node] | None:
    """The clock times of the one time a text prints ("from 10:00 to 10:55 (local time; 16:00 to 16:55
    Japan time)"): the local one first, then the same time in another zone. [] for none; None when the
    text prints several times or a zone it cannot read."""
    found = list(_CLOCK.finditer(text))
    if not found:
        return []
    if len(found) > 1 or _TWELVE_HOUR.search(text):
        return None  # several times, or "3:30 p.m." (which a 24-hour reading would make 03:30)
    match = found[0]
    approximate = match.group("approx") is not None
    printed = text[match.start("start") : match.end("end") if match.group("end") else match.end("start")]
    paren = match.group("paren")
    if paren is None:
        return [_clock(match.group("start"), match.group("end"), printed, None, approximate)]
    zone: str | None = None
    others: list[Node] = []
    for part in (p.strip() for p in paren.split(";")):
        if _ZONE.match(part):
            if zone is not None:
                return None
            zone = part
            continue
        inner = _INNER.match(part)
        if inner is None or not _ZONE.match(inner.group("zone")):
            return None
        if bool(inner.group("end")) != bool(match.group("end")):
            return None
        others.append(_clock(inner.group("start"), inner.group("end"), part, inner.group("zone"), approximate))
    if len(others) > 1:
        return None
    first = _clock(match.group("start"), match.group("end"), printed, zone, approximate)
    # "from 10:00 to 10:55 (local time; 16:00 to 17:10 Japan time)": two lengths, so one time is misprinted.
    if others and minutes_between(others[0]) != minutes_between(first):
        return None
    return [first, *others]


_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "an": 1, "a": 1}
_LENGTH = re.compile(
    r"\bfor\s+(?:(?P<approx>about|approximately|around|some|roughly)\s+)?"
    r"(?P<n>[1-9][0-9]{0,2}|one|two|three|four|five|an|a)\s+(?P<unit>hours?|minutes?)"
    r"(?:\s+and\s+(?:(?P<m>[1-9][0-9]?)\s+minutes?|(?P<half>a half)))?\b",
    re.IGNORECASE,
)
#: Words after a length that make it longer than the words read ("for 1 hour 20 minutes", "for 1.5 hours").
_LENGTH_GOES_ON = re.compile(r"(?:\s*,?\s*(?:and\s+)?[0-9]|\.[0-9]|\s+(?:or|to)\s)", re.IGNORECASE)


def length(text: str) -> Node | str | None:
    """The one length a text prints ("for about 55 minutes"), None for none, a message for several."""
    found = list(_LENGTH.finditer(text))
    if not found:
        return None
    if len(found) > 1:
        return "the text prints several lengths of time: the engagement's duration is left out"
    match = found[0]
    if _LENGTH_GOES_ON.match(text, match.end()):
        return "the text prints a length not read: the engagement's duration is left out"
    word = match.group("n").lower()
    n = _NUMBERS[word] if word in _NUMBERS else int(word)
    unit = match.group("unit").lower()
    if word in ("an", "a") and not unit.startswith("hour"):
        return None
    minutes = n * 60 if unit.startswith("hour") else n
    if match.group("m"):
        if not unit.startswith("hour"):
            return None
        minutes += int(match.group("m"))
    if match.group("half"):
        if not unit.startswith("hour"):
            return None
        minutes += 30
    hours, rest = divmod(minutes, 60)
    value = "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest else "")
    out: Node = {"value": value, "printed": match.group(0)[len("for") :].strip()}
    if match.group("approx"):
        out["approximate"] = True
    return out


def minutes_between(clock: Node) -> int | None:
    if "end" not in clock:
        return None
    start = int(clock["start"][:2]) * 60 + int(clock["start"][3:])
    end = int(clock["end"][:2]) * 60 + int(clock["end"][3:])
    return (end - start) % (24 * 60)


def minutes_of(value: str) -> int:
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?", value)
    assert match is not None
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)


def month_only(text: str) -> str | None:
    """A date line that prints only a month of a year ("May 2001", "November, 2000"): YYYY-MM."""
    match = re.fullmatch(rf"\s*(?P<month>{_MONTH}),?\s+(?P<year>[12][0-9]{{3}})\s*", text, re.IGNORECASE)
    if match is None:
        return None
    return f"{match.group('year')}-{MONTHS[match.group('month').rstrip('.').lower()]:02d}"
