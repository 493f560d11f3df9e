"""What dates mean: EDTF forms as spans of days, and the calendar words releases print."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from visitexport.dates import edtf_span, known_bounds, real_day
from visitexport.schema import load_schema
from visitexport.wording import day_months, nearest_year, weekdays

EDTF = re.compile(load_schema()["$defs"]["edtf"]["pattern"])


@pytest.mark.parametrize(
    ("value", "span"),
    [
        ("2000", ("2000-01-01", "2000-12-31")),
        ("2000-11", ("2000-11-01", "2000-11-31")),
        ("2000-11-02", ("2000-11-02", "2000-11-02")),
        ("2000-21", ("2000-03-01", "2000-05-31")),  # spring
        ("2000-23", ("2000-09-01", "2000-11-31")),  # autumn
        ("2000-24", ("2000-12-01", "2001-02-31")),  # winter runs into the next year
        ("../2000-12-31", (None, "2000-12-31")),
        ("2000-11-05/..", ("2000-11-05", None)),
        ("/2001-01", (None, "2001-01-31")),
        ("2000-11/2001-02", ("2000-11-01", "2001-02-31")),
        ("2000-06~", (None, None)),  # approximate: the printed month is no bound
        ("2000?/2001", (None, "2001-12-31")),
    ],
)
def test_an_edtf_date_is_a_span_with_open_ends(value: str, span: tuple[str | None, str | None]) -> None:
    assert EDTF.match(value), value
    assert edtf_span(value) == span


@pytest.mark.parametrize("value", ["2000-25", "2000-13", "/", "..", "2000-21-01", "2000/2001/2002", "00-11", "2000-1"])
def test_the_schema_refuses_what_is_not_edtf_level_1(value: str) -> None:
    assert not EDTF.match(value)


def test_a_month_end_is_named_as_its_real_day() -> None:
    assert [real_day(d) for d in ("2001-02-31", "2000-02-31", "2000-11-31", "2000-11-02")] == [
        "2001-02-28",
        "2000-02-29",
        "2000-11-30",
        "2000-11-02",
    ]


def test_known_bounds_leave_what_the_record_does_not_know_open() -> None:
    assert known_bounds({"date": "2000-11-02"}) == ("2000-11-02", "2000-11-02")
    assert known_bounds({"printed": "by the end of the year", "latest": "2000-12-31"}) == (None, "2000-12-31")
    assert known_bounds({"printed": "at an early date"}) == (None, None)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("1. Courtesy Call on President Putin (2 November)", [(2, 11, None)]),
        ("From 1 to 4 November 2000", [(1, 11, 2000), (4, 11, 2000)]),
        ("on 21 and 22 January, and from 28 to 30 May", [(21, 1, None), (22, 1, None), (28, 5, None), (30, 5, None)]),
        ("November 1-4, 2000 and December 2 to 3", [(1, 11, 2000), (4, 11, 2000), (2, 12, None), (3, 12, None)]),
        ("2\u20133 December 2001", [(2, 12, 2001), (3, 12, 2001)]),
        ("on November 2, 2000, and on Sept. 9", [(2, 11, 2000), (9, 9, None)]),
        ("the 21st March and 3rd May 2001", [(21, 3, None), (3, 5, 2001)]),
        ("They may meet in May. 32 May is no day, and the two sides 2 may not.", []),
    ],
)
def test_printed_days_and_months_are_read(text: str, found: list[tuple[int, int, int | None]]) -> None:
    assert [(d.day, d.month, d.year) for d in day_months(text)] == found


def test_weekdays_are_read_in_full_and_abbreviated_but_not_inside_words() -> None:
    assert weekdays("Tuesday, 25 September (Wed.) and Sun") == [1, 2, 6]
    assert weekdays("a wedding on the sunny monday-ish") == [0]


@pytest.mark.parametrize(
    ("day", "month", "release", "year"),
    [
        (9, 1, date(2002, 10, 14), 2003),  # a January after an October release: the next year
        (28, 12, date(2003, 1, 10), 2002),  # a December before a January release: the year before
        (2, 11, date(2000, 11, 4), 2000),
        (29, 2, date(2003, 6, 1), 2004),  # only 2004 has the day
        (29, 2, date(2002, 6, 1), None),  # no year near has it
    ],
)
def test_a_day_without_a_year_is_the_one_nearest_the_release(
    day: int, month: int, release: date, year: int | None
) -> None:
    assert nearest_year(day, month, release) == year


@given(st.dates(date(1000, 1, 1), date(2999, 12, 31)), st.booleans())
def test_any_day_printed_is_read_back(day: date, american: bool) -> None:
    month = day.strftime("%B")
    text = f"on {month} {day.day}, {day.year}" if american else f"on {day.day} {month} {day.year}"
    assert [(d.day, d.month, d.year) for d in day_months(text)] == [(day.day, day.month, day.year)]
