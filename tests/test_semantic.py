"""The semantic rules: the bulk pre-check and the full pass must always agree."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings

from visitexport import semantic
from visitexport.schema import fast_check

from .strategies import RECORDS, mutated_records


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_records())
def test_precheck_agrees_with_full_pass(record: Any) -> None:
    if not fast_check()(record):
        return  # semantic rules only ever run on schema-valid records
    assert semantic._clean(record) == (semantic._Checker(record).run() == [])


def test_valid_records_are_clean() -> None:
    for record in RECORDS:
        assert semantic._clean(record)
        assert semantic.check(record) == []


def test_every_rule_is_documented_and_reachable() -> None:
    from pathlib import Path

    source = Path(semantic.__file__).read_text(encoding="utf-8")
    for rule in semantic.RULES:
        assert f'"{rule}"' in source.split("RULES: dict", 1)[1], rule
        assert f"``{rule}``" in source, f"{rule} missing from the module docstring"


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
