"""The limits hold together: a record at the edge of its budget goes through every lossless format and back.

`visitexport.limits` derives each reader's caps from the record's budget; the
derivations rest on facts about the formats (the longest XML element name,
one element per value at most) that are checked here against the real
schema and writers. Then records built at the budget's edge, one for each
way of filling it (text that grows most in XML, as many values as allowed,
a table as wide as a list may be), are converted by the command-line tool
in a child process held to 512 MiB of address space, to XML and to a
workbook and back, and must come back byte for byte. Just past the edge,
validation refuses them, naming the limit and the setting that raises it.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from visitexport import api, budget, limits
from visitexport.formats.json.canonical import canonical_bytes
from visitexport.formats.xlsx import package
from visitexport.validation import check_bytes, check_record

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "kono-russia-2000.json"
#: The bar every conversion of a valid record is held to.
ADDRESS_SPACE = 512 * 1024 * 1024


def seed() -> dict[str, Any]:
    record: dict[str, Any] = json.loads(SEED.read_text(encoding="utf-8"))
    return record


def values_in(record: Any) -> int:
    count, stack = 0, [record]
    while stack:
        value = stack.pop()
        count += 1
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return count


def paragraph(n: int, text: str) -> dict[str, Any]:
    return {"id": f"edge{n}", "type": "paragraph", "text": text}


def place(n: int) -> dict[str, Any]:
    return {"id": f"e{n}", "name": "E", "kind": "city", "sources": ["p1"]}


# --- the facts the derivations rest on -------------------------------------------------------------------------------


def test_no_xml_element_name_is_longer_than_the_derivation_allows() -> None:
    xsd = etree.fromstring(api.xsd_bytes())
    names = {element.get("name") for element in xsd.iter("{http://www.w3.org/2001/XMLSchema}element")}
    longest = max(len(f"v:{name}") for name in names if name)
    assert longest <= limits._XML_TAG


@pytest.mark.parametrize("path", [*sorted((ROOT / "tests" / "cases" / "valid").glob("*.json")), SEED], ids=str)
def test_a_record_has_no_more_xml_elements_than_values(path: Path) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    elements = sum(1 for _ in etree.fromstring(api.dump_xml(record)).iter())
    assert elements <= values_in(record)


def test_the_caps_stay_inside_what_excel_and_the_budget_allow() -> None:
    assert limits.MAX_ROWS < limits.EXCEL_ROWS
    assert limits.MAX_COLUMNS <= limits.EXCEL_COLUMNS
    assert limits.MAX_XML_CHILDREN >= limits.MAX_ITEMS
    assert limits.MAX_XML_ELEMENTS >= limits.MAX_VALUES
    assert max(limits.MAX_JSON_BYTES, limits.MAX_XML_BYTES, limits.MAX_SHEET_BYTES) <= limits.MAX_BYTES


# --- records at the edge ---------------------------------------------------------------------------------------------


@cache
def text_edge() -> bytes:
    """As much text as the budget holds, all of it characters that grow fivefold or fourfold in XML."""
    record = seed()
    body = record["document"]["body"]
    line = "&<>" * 10_000  # 30,000 characters: a cell holds 32,767
    size = len(canonical_bytes(record))
    while size + len(line) + 200 < limits.MAX_RECORD_BYTES:
        body.append(paragraph(len(body), line))
        size += len(line) + 100
    data = canonical_bytes(record)
    assert limits.MAX_RECORD_BYTES - 100_000 < len(data) <= limits.MAX_RECORD_BYTES
    return data


@cache
def values_edge() -> bytes:
    """As many values as the budget holds, spread over lists within the item limit."""
    record = seed()
    people, places = record["people"], record["places"]
    spare = limits.MAX_VALUES - values_in(record) - 10
    n = 0
    while spare >= 9:  # a person is 9 values, a place 6
        target = people if len(people) < limits.MAX_ITEMS else places
        if target is places and len(places) >= limits.MAX_ITEMS:
            break
        if target is people:
            target.append(
                {"id": f"e{n}", "name": "E", "titles": [{"printed": "A", "normalised": "B"}], "sources": ["p1"]}
            )
            spare -= 9
        else:
            target.append(place(n))
            spare -= 6
        n += 1
    data = canonical_bytes(record)
    assert limits.MAX_VALUES - 20 <= values_in(record) <= limits.MAX_VALUES
    return data


@cache
def wide_edge() -> bytes:
    """A table row of as many cells as a list may hold: the widest sheet a record can make."""
    record = seed()
    cells = [f"c{n}" for n in range(limits.MAX_ITEMS)]
    table = {"id": "wide", "type": "table", "header_rows": 1, "rows": [cells, cells]}
    record["document"]["body"].append(table)
    return canonical_bytes(record)


EDGES = {"text": text_edge, "values": values_edge, "wide": wide_edge}


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def visitexport(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "visitexport", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, preexec_fn=_cap, env=env, check=False)


@pytest.mark.parametrize("edge", sorted(EDGES))
def test_a_record_at_the_edge_is_valid(edge: str) -> None:
    record, problems = check_bytes(EDGES[edge]())
    assert record is not None
    assert problems == []


@pytest.mark.parametrize("fmt", ["xml", "xlsx"])
@pytest.mark.parametrize("edge", sorted(EDGES))
def test_a_record_at_the_edge_goes_through_every_lossless_format_within_512_mib(
    edge: str, fmt: str, tmp_path: Path
) -> None:
    source = tmp_path / "edge.json"
    source.write_bytes(EDGES[edge]())
    there, back = tmp_path / f"edge.{fmt}", tmp_path / "back.json"
    for args in (("convert", str(source), "-o", str(there)), ("convert", str(there), "-o", str(back))):
        done = visitexport(*args)
        assert done.returncode == 0, (args, done.stderr[-2000:])
    assert back.read_bytes() == source.read_bytes()


# --- just past the edge ----------------------------------------------------------------------------------------------


def refused(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(problem.rule, problem.pointer) for problem in check_record(record)]


def test_a_record_past_its_bytes_is_refused_naming_the_limit_and_the_setting() -> None:
    record = json.loads(text_edge())
    record["document"]["body"].append(paragraph(99_999, "&" * 30_000))
    problems = check_record(record)
    assert [(p.rule, p.pointer) for p in problems] == [("size.record", "")]
    assert f"{limits.MAX_RECORD_BYTES:,}" in problems[0].message
    assert limits.SCALE_SETTING in problems[0].message


def test_a_record_past_its_values_is_refused() -> None:
    record = json.loads(values_edge())
    record["places"][-1]["aliases"] = ["a"] * 30
    assert refused(record) == [("size.values", "")]


def test_a_list_past_its_items_is_refused_where_it_is() -> None:
    record = seed()
    record["places"] += [place(n) for n in range(limits.MAX_ITEMS)]
    assert refused(record) == [("size.items", "/places")]


def test_a_json_file_past_its_size_or_its_brackets_is_refused_before_parsing() -> None:
    too_large = b" " * (limits.MAX_JSON_BYTES + 1)
    assert [p.rule for p in check_bytes(too_large)[1]] == ["json.size"]
    brackets = b"[" + b"{}," * limits.MAX_VALUES + b"{}]"
    record, problems = check_bytes(brackets)
    assert record is None
    assert [(p.rule, p.line, p.column) for p in problems] == [("size.values", 1, 1)]


def test_a_sheet_past_its_rows_or_columns_is_refused_by_its_own_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    # At the default limits no record within its values can fill a sheet, so the rule is tried on smaller caps.
    monkeypatch.setattr(budget, "MAX_ROWS", 101)
    monkeypatch.setattr(budget, "MAX_COLUMNS", 20)
    record = seed()
    record["places"] += [place(n) for n in range(100)]
    record["document"]["body"].append({"id": "wide", "type": "table", "header_rows": 0, "rows": [["c"] * 30]})
    found = budget._sheet_findings(record)  # the count alone, not the walk that gates it
    assert sorted((rule, pointer) for pointer, rule, _ in found) == [
        ("size.sheet", f"/document/body/{len(record['document']['body']) - 1}/rows/0"),
        ("size.sheet", "/places/100"),
    ]
    assert all("Places" in message or "columns" in message for _, _, message in found)


# --- the setting -----------------------------------------------------------------------------------------------------


def test_the_setting_scales_every_derived_limit(tmp_path: Path) -> None:
    record = seed()
    record["places"] += [place(n) for n in range(limits.MAX_ITEMS)]
    path = tmp_path / "long.json"
    path.write_bytes(canonical_bytes(record))
    env = dict(os.environ)
    assert "size.items" in visitexport("validate", str(path), env=env).stdout
    env[limits.SCALE_SETTING] = "2"
    done = visitexport("validate", str(path), env=env)
    assert done.returncode == 0, done.stdout
    probe = "from visitexport import limits; print(limits.MAX_VALUES, limits.MAX_XML_BYTES, limits.MAX_DEPTH)"
    for given, scale in (("2", 2), ("abc", 1), ("0", 1), ("65", 1), ("", 1)):
        env[limits.SCALE_SETTING] = given
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
        values, xml_bytes, depth = map(int, out.stdout.split())
        assert values == 100_000 * scale
        assert xml_bytes > 5 * limits.MAX_RECORD_BYTES * scale
        assert depth == limits.MAX_DEPTH  # nesting never scales


# --- the README ----------------------------------------------------------------------------------------------------


def security_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("## Security") : text.index("## Dependencies")]


def test_the_readme_lists_every_size_rule_and_the_setting() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in budget.RULES:
        assert f"| `{rule}` |" in text
    assert limits.SCALE_SETTING in security_section()


@pytest.mark.parametrize(
    "name",
    [
        "MAX_RECORD_BYTES",
        "MAX_TEXT_BYTES",
        "MAX_TEXT_LINES",
        "MAX_VALUES",
        "MAX_ITEMS",
        "MAX_ROWS",
        "MAX_COLUMNS",
        "EXCEL_ROWS",
        "EXCEL_COLUMNS",
        "MAX_JSON_BYTES",
        "MAX_XML_BYTES",
        "MAX_XML_ELEMENTS",
        "MAX_XML_CHILDREN",
        "MAX_SHEET_BYTES",
        "MAX_CELLS",
        "MAX_BYTES",
        "MAX_DEPTH",
        "CELL_UNITS",
        "MAX_QUOTED",
        "MAX_REPORTED",
        "package.MAX_TOTAL_BYTES",
        "package.MAX_ELEMENTS",
        "package.MAX_PART_ROWS",
        "package.MAX_RUNS",
        "package.MAX_PART_ELEMENTS",
    ],
)
def test_the_readme_states_each_limit_as_it_is(name: str) -> None:
    assert limits.SCALE == 1, "the README states the defaults"
    value = getattr(package, name.split(".")[1]) if name.startswith("package.") else getattr(limits, name)
    assert f"{value:,}" in security_section()


@pytest.mark.parametrize("token", ['"a"', "0", "[]", '"\\u00e9"'])
def test_a_json_file_of_millions_of_tiny_values_is_refused_within_512_mib(token: str, tmp_path: Path) -> None:
    # orjson set aside 384 MB to write 2.3 million one-letter texts back and crashed (SIGSEGV) under the cap.
    count = (limits.MAX_JSON_BYTES - 64) // (len(token) + 1)
    path = tmp_path / "tiny.json"
    path.write_text('{"a": [' + ",".join([token] * count) + "]}", encoding="utf-8")
    done = visitexport("validate", str(path))
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])
    assert "size.values" in done.stdout or "size.items" in done.stdout
