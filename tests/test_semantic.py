"""The semantic rules: the fast verdict and the detailed pass agree; rules behave at the edges."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from visitexport import rules as semantic
from visitexport.schema import fast_check

from .conftest import CASES, EXAMPLE, load_json
from .strategies import RECORDS, mutated_records


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_records())
def test_fast_verdict_agrees_with_detailed_pass(record: Any) -> None:
    if not fast_check()(record):
        return  # semantic rules only ever run on schema-valid records
    assert semantic.is_clean(record) == (semantic.check(record) == [])


def test_valid_records_are_clean() -> None:
    for record in RECORDS:
        assert semantic.is_clean(record)
        assert semantic.check(record) == []


def test_two_time_zones_that_agree_pass(example: dict[str, Any]) -> None:
    record = copy.deepcopy(example)
    record["engagements"][0]["times"] = [
        {"start": "10:00", "utc_offset": "+03:00", "time_zone": "Europe/Moscow"},
        {"start": "16:00", "utc_offset": "+09:00", "time_zone": "Asia/Tokyo"},
    ]
    assert semantic.check(record) == []
    record["engagements"][0]["times"][1]["start"] = "15:00"
    assert [f.rule for f in semantic.check(record)] == ["time.disagree"]


def test_month_periods_name_real_days_in_messages(example: dict[str, Any]) -> None:
    record = copy.deepcopy(example)
    record["visit"]["period"] = {"start": "2000-02", "end": "2000-02"}
    record["visit"]["status"] = "completed"
    findings = semantic.check(record)
    assert any("2000-02-01..2000-02-29" in f.message for f in findings), findings
    assert not any("-31" in f.message for f in findings)


@pytest.mark.parametrize(("start", "end"), [("2000-11-01", "2000-11-31"), ("2000-02-30", "2000-03")])
def test_period_days_must_exist(example: dict[str, Any], start: str, end: str) -> None:
    record = copy.deepcopy(example)
    record["visit"]["period"] = {"start": start, "end": end}
    assert [f.rule for f in semantic.check(record)] == ["date.calendar"]
    assert not semantic.is_clean(record)


def test_nesting_past_the_limit_in_a_valid_shape(example: dict[str, Any]) -> None:
    record = copy.deepcopy(example)
    block: dict[str, Any] = {"id": "deep", "type": "paragraph", "text": "x"}
    for n in range(12):
        block = {
            "id": f"deep{n}",
            "type": "list",
            "items": [{"id": f"deep{n}.i", "label": "-", "blocks": [block]}],
        }
    record["document"]["body"].append(block)
    assert fast_check()(record)
    assert [f.rule for f in semantic.check(record)] == ["json.depth"]


def test_lone_surrogate_in_a_python_record_is_a_problem_not_a_crash(example: dict[str, Any]) -> None:
    import visitexport

    record = copy.deepcopy(example)
    record["people"][0]["name"] = "Yohei \ud800Kono"
    assert [(p.rule, p.pointer) for p in visitexport.check(record)] == [("json.surrogate", "/people/0/name")]


def minimal() -> dict[str, Any]:
    record: dict[str, Any] = load_json(CASES / "valid" / "minimal.json")
    return record


def test_multi_day_engagement_within_the_visit() -> None:
    record = minimal()
    record["engagements"][0]["date"] = {"date": "2026-03-10"}
    record["engagements"][0]["end_date"] = {"date": "2026-03-11", "printed": "11 March"}
    assert semantic.check(record) == []
    record["engagements"][0]["end_date"] = {"date": "2026-03-13"}
    # held from the 10th (before the release on the 12th) to the 13th: outside the visit only
    assert [(f.rule, f.pointer) for f in semantic.check(record)] == [("date.outside-visit", "/engagements/0/date")]


def test_clock_times_on_either_side_of_midnight() -> None:
    # 07:00 on 12 March in Tokyo is 18:00 on 11 March in Ottawa.
    record = minimal()
    record["engagements"][0]["times"] = [
        {"start": "18:00", "utc_offset": "-04:00", "time_zone": "America/Toronto"},
        {"date": "2026-03-12", "start": "07:00", "utc_offset": "+09:00", "time_zone": "Asia/Tokyo"},
    ]
    assert semantic.check(record) == []
    record["engagements"][0]["times"][1]["date"] = "2026-03-11"
    assert [f.rule for f in semantic.check(record)] == ["time.disagree"]


def test_a_side_can_be_an_international_organisation() -> None:
    record = minimal()
    record["organisations"].append(
        {"id": "un", "name": "United Nations", "kind": "international_organisation", "sources": ["p1"]}
    )
    record["engagements"][0]["participants"][0]["side"] = "un"
    assert semantic.check(record) == []


def test_visit_without_a_period_and_with_two_principals() -> None:
    record = minimal()
    del record["visit"]["period"]
    record["visit"]["principals"] = ["lindqvist", "tremblay"]
    assert semantic.check(record) == []
    record["visit"]["principals"] = ["lindqvist", "ottawa"]
    assert [(f.rule, f.pointer) for f in semantic.check(record)] == [("ref.unresolved", "/visit/principals/1")]


def test_tables_may_be_ragged_but_not_all_header() -> None:
    record: dict[str, Any] = load_json(CASES / "valid" / "table-and-footer.json")
    blocks = [b for s in record["document"]["body"] if s["type"] == "section" for b in s.get("blocks", [])]
    found = next(b for b in blocks if b["type"] == "table")
    found["rows"][-1] = found["rows"][-1][:-1]  # a row with a cell fewer, as printed
    assert semantic.check(record) == []
    found["header_rows"] = len(found["rows"]) + 1
    assert [f.rule for f in semantic.check(record)] == ["table.shape"]


def test_python_values_json_cannot_hold_are_a_problem_not_a_crash() -> None:
    import datetime

    import visitexport

    record = minimal()
    record["release"]["date"] = datetime.date(2026, 3, 12)
    assert [p.rule for p in visitexport.check(record)] == ["json.value"]
    not_json: Any = {1: "x"}
    assert [p.rule for p in visitexport.check(not_json)] == ["json.value"]


def test_a_time_range_may_run_past_midnight() -> None:
    record = minimal()
    record["engagements"][0]["times"] = [
        {"start": "23:00", "end": "01:00", "utc_offset": "+09:00"},
        {"start": "17:00", "end": "19:00", "utc_offset": "+03:00"},
    ]
    assert semantic.check(record) == []


def test_a_clock_date_far_from_the_engagement() -> None:
    record = minimal()
    record["engagements"][0]["times"] = [{"date": "2026-03-12", "start": "01:00", "utc_offset": "+09:00"}]
    assert semantic.check(record) == []
    record["engagements"][0]["times"][0]["date"] = "1999-03-12"
    assert [(f.rule, f.pointer) for f in semantic.check(record)] == [("time.date", "/engagements/0/times/0/date")]


def test_years_outside_1000_to_2999_are_refused() -> None:
    import visitexport

    record = minimal()
    record["release"]["date"] = "0000-01-01"
    assert [p.rule for p in visitexport.check(record)] == ["schema.pattern"]


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_text_too_long_for_a_cell_is_found_in_files_escaped_or_raw(ensure_ascii: bool) -> None:
    from visitexport.rules.text import file_fits_cells
    from visitexport.validation import check_bytes

    record = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    record["outcomes"][0]["summary"] = "\U0001f600" * 16_384  # 16,384 characters, 32,768 UTF-16 units
    data = json.dumps(record, ensure_ascii=ensure_ascii).encode()
    assert not file_fits_cells(data)
    _, found = check_bytes(data)
    assert [(p.rule, p.pointer) for p in found] == [("text.cell-length", "/outcomes/0/summary")]
    record["outcomes"][0]["summary"] = "\U0001f600" * 16_383  # one unit under the limit
    assert check_bytes(json.dumps(record, ensure_ascii=ensure_ascii).encode())[1] == []
    assert file_fits_cells(EXAMPLE.read_bytes())
