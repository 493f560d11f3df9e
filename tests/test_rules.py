"""Every semantic rule is live in both paths, and the README's table is its definitions.

For each rule in `RULES` a record breaks that rule alone: the fast path must
refuse it and the detailed pass must report that rule, at that place, and
nothing else. A rule added without a breaking case here fails
`test_every_rule_has_a_breaking_case`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from visitexport import rules
from visitexport.schema import fast_check

from .conftest import CASES, ROOT, load_json

Record = dict[str, Any]
MINIMAL: Record = load_json(CASES / "valid" / "minimal.json")


def _talks(record: Record) -> Record:
    talks: Record = record["engagements"][0]
    return talks


def _reuse_an_id(record: Record) -> None:
    record["statements"][0]["id"] = "talks"  # already the engagement's


def _unknown_place(record: Record) -> None:
    _talks(record)["place"] = "stockholm"


def _source_not_a_block(record: Record) -> None:
    record["visit"]["sources"] = ["p1", "talks"]


def _participant_twice(record: Record) -> None:
    _talks(record)["participants"][1]["person"] = "tremblay"


def _attribution_reworded(record: Record) -> None:
    record["statements"][0]["attribution"] = "Minister Lindqvist stated that"


def _text_too_long_for_a_cell(record: Record) -> None:
    # 16,384 characters, which the schema allows, but 32,768 UTF-16 units.
    record["outcomes"][0]["summary"] = "\U0001f9ca" * 16_384


def _fuzzy_date_of_one_day(record: Record) -> None:
    _talks(record)["date"] = {"printed": "11 March", "earliest": "2026-03-11", "latest": "2026-03-11"}


def _day_not_in_the_calendar(record: Record) -> None:
    record["visit"]["period"]["end"] = "2026-04-31"
    record["visit"]["period"]["start"] = "2026-03-10"


def _ends_before_it_starts(record: Record) -> None:
    _talks(record)["end_date"] = {"date": "2026-03-10"}


def _before_the_visit(record: Record) -> None:
    _talks(record)["date"] = {"date": "2026-03-09", "printed": "9 March"}


def _due_before_release(record: Record) -> None:
    record["outcomes"][0]["due"] = {
        "printed": "by the end of February",
        "earliest": "2026-02-01",
        "latest": "2026-02-28",
    }


def _planned_but_past(record: Record) -> None:
    _talks(record)["status"] = "scheduled"


def _nobody(record: Record) -> None:
    del record["people"][1]["name"]  # no name and no designation: nobody


def _inferred_but_absent(record: Record) -> None:
    record["visit"]["inferred"] = {"status": {"basis": "release_date"}}
    del record["visit"]["status"]


def _edtf_disagrees(record: Record) -> None:
    record["outcomes"][0]["due"]["edtf"] = "2026-23"  # autumn, not the spring the bounds say


def _printed_another_day(record: Record) -> None:
    _talks(record)["date"]["printed"] = "10 March"


def _wrong_weekday(record: Record) -> None:
    _talks(record)["date"]["printed"] = "11 March (Thu)"  # 11 March 2026 is a Wednesday


def _duration_against_times(record: Record) -> None:
    _talks(record)["times"] = [{"start": "10:00", "end": "10:55", "utc_offset": "-04:00"}]
    _talks(record)["duration"] = {"value": "PT1H30M"}


def _clocks_disagree(record: Record) -> None:
    # 10:00 in Ottawa is 14:00 UTC; 22:00 in Tokyo is 13:00 UTC.
    _talks(record)["times"] = [
        {"start": "10:00", "utc_offset": "-04:00"},
        {"start": "22:00", "utc_offset": "+09:00"},
    ]


def _clock_date_far_away(record: Record) -> None:
    _talks(record)["times"] = [{"date": "2026-03-01", "start": "10:00", "utc_offset": "-04:00"}]


def _leg_in_another_country(record: Record) -> None:
    record["visit"]["legs"] = [{"country": "US", "sources": ["p1"]}]


def _more_header_rows_than_rows(record: Record) -> None:
    record["document"]["body"].append(
        {"id": "t1", "type": "table", "header_rows": 3, "rows": [["Document", "Signed by"], ["Memorandum"]]}
    )


def _break_past_the_spaces(record: Record) -> None:
    record["document"]["header"][0]["breaks"] = [40]


def _layout_of_a_line_not_printed(record: Record) -> None:
    record["document"]["body"][0]["lines"] = [{"at": 5, "trailing": " "}]


def _gaps_for_a_row_of_other_cells(record: Record) -> None:
    record["document"]["body"].append(
        {"id": "t1", "type": "table", "rows": [["Document", "Signed by"]], "gaps": [{"row": 0, "gaps": ["", "\t"]}]}
    )


def _inline_paragraph_with_its_own_blank_lines(record: Record) -> None:
    record["document"]["body"][1]["blocks"][0]["items"][0]["blocks"][0]["blank_lines"] = 2


def _indent_with_a_fraction(record: Record) -> None:
    record["document"]["layout"] = {"list_indent": 2.0}


def _lists_nested_too_deep(record: Record) -> None:
    block: Record = {"id": "deep", "type": "paragraph", "text": "x"}
    for n in range(12):
        block = {"id": f"deep{n}", "type": "list", "items": [{"id": f"deep{n}.i", "label": "-", "blocks": [block]}]}
    record["document"]["body"].append(block)


_DEEP = "/document/body/2" + "/items/0/blocks/0" * 10 + "/items/0/blocks"

#: rule id -> (what breaks it alone, the pointer it must be reported at)
BREAKING: dict[str, tuple[Callable[[Record], None], str]] = {
    "id.duplicate": (_reuse_an_id, "/statements/0/id"),
    "ref.unresolved": (_unknown_place, "/engagements/0/place"),
    "ref.source-block": (_source_not_a_block, "/visit/sources/1"),
    "ref.duplicate-participant": (_participant_twice, "/engagements/0/participants/1/person"),
    "fact.named": (_nobody, "/people/1"),
    "fact.inferred": (_inferred_but_absent, "/visit/inferred/status"),
    "text.not-in-source": (_attribution_reworded, "/statements/0/attribution"),
    "text.cell-length": (_text_too_long_for_a_cell, "/outcomes/0/summary"),
    "date.bounds": (_fuzzy_date_of_one_day, "/engagements/0/date"),
    "date.edtf": (_edtf_disagrees, "/outcomes/0/due"),
    "date.calendar": (_day_not_in_the_calendar, "/visit/period/end"),
    "date.end-before-start": (_ends_before_it_starts, "/engagements/0/end_date"),
    "date.outside-visit": (_before_the_visit, "/engagements/0/date"),
    "date.due-before-release": (_due_before_release, "/outcomes/0/due"),
    "date.status": (_planned_but_past, "/engagements/0/status"),
    "date.printed": (_printed_another_day, "/engagements/0/date/date"),
    "date.weekday": (_wrong_weekday, "/engagements/0/date/printed"),
    "time.disagree": (_clocks_disagree, "/engagements/0/times/1/start"),
    "time.date": (_clock_date_far_away, "/engagements/0/times/0/date"),
    "time.duration": (_duration_against_times, "/engagements/0/duration/value"),
    "visit.leg-country": (_leg_in_another_country, "/visit/legs/0/country"),
    "table.shape": (_more_header_rows_than_rows, "/document/body/2"),
    "layout.breaks": (_break_past_the_spaces, "/document/header/0/breaks"),
    "layout.lines": (_layout_of_a_line_not_printed, "/document/body/0/lines"),
    "layout.gaps": (_gaps_for_a_row_of_other_cells, "/document/body/2/gaps/0/gaps"),
    "layout.inline": (
        _inline_paragraph_with_its_own_blank_lines,
        "/document/body/1/blocks/0/items/0/blocks/0/blank_lines",
    ),
    "json.integer": (_indent_with_a_fraction, "/document/layout/list_indent"),
    "json.depth": (_lists_nested_too_deep, _DEEP),
}


def broken(rule: str) -> Record:
    record = copy.deepcopy(MINIMAL)
    BREAKING[rule][0](record)
    return record


def test_the_base_record_is_clean() -> None:
    assert rules.is_clean(MINIMAL)
    assert rules.check(MINIMAL) == []


def test_every_rule_has_a_breaking_case() -> None:
    assert list(BREAKING) == list(rules.RULES)


@pytest.mark.parametrize("rule", list(rules.RULES))
def test_the_rule_is_live_in_both_paths(rule: str) -> None:
    record = broken(rule)
    assert fast_check()(record), "the case must pass the schema: semantic rules run only then"
    assert not rules.is_clean(record)
    assert [(f.rule, f.pointer) for f in rules.check(record)] == [(rule, BREAKING[rule][1])]


@pytest.mark.parametrize("rule", list(rules.RULES))
def test_the_rule_reaches_validation(rule: str) -> None:
    import visitexport

    assert [(p.rule, p.pointer) for p in visitexport.check(broken(rule))] == [(rule, BREAKING[rule][1])]


def test_rule_ids_are_unique_and_live_in_the_module_they_name() -> None:
    assert len(rules.DEFINITIONS) == len(rules.RULES)
    for definition in rules.DEFINITIONS:
        module = definition.check.__module__.rsplit(".", 1)[1]
        assert module.startswith(definition.id.split(".")[0]), (definition.id, module)
        assert definition.title
        assert "\n" not in definition.title
        assert "\n" not in definition.description


def test_every_rule_module_is_collected() -> None:
    folder = Path(rules.__file__).parent
    listed = {module.__name__.rsplit(".", 1)[1] for module in rules.MODULES}
    assert listed == {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")}


def test_the_readme_table_is_the_definitions() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n### Semantic rules\n", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.*) \|$", section, re.MULTILINE)
    assert rows == [(d.id, d.description) for d in rules.DEFINITIONS]
