"""Case folders: every valid record passes, every invalid one fails exactly as its .expect says.

A new case is a new file: ``cases/valid/NAME.json``, or ``cases/invalid/NAME.json``
with ``NAME.expect`` giving the rule, JSON Pointer, line and column it must
trigger, written by ``tests/cases/generate.py`` from a marker in the text, not
by this tool (see tests/cases/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import visitexport
from visitexport.formats.json.canonical import canonical_bytes

from .conftest import EXAMPLE, INVALID, VALID


@pytest.mark.parametrize("path", [EXAMPLE, *VALID], ids=lambda p: p.name)
def test_valid_case_has_no_problems(path: Path) -> None:
    assert visitexport.check_file(str(path)).problems == ()


@pytest.mark.parametrize("path", [EXAMPLE, *VALID], ids=lambda p: p.name)
def test_valid_case_is_canonical(path: Path) -> None:
    data = path.read_bytes()
    assert canonical_bytes(json.loads(data)) == data


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_case_triggers_its_rule_at_its_place(path: Path) -> None:
    expect = json.loads(path.with_suffix(".expect").read_text(encoding="utf-8"))
    problems = visitexport.check_file(str(path)).problems
    found = {(p.rule, p.pointer, p.line, p.column) for p in problems}
    assert (expect["rule"], expect["pointer"], expect["line"], expect["column"]) in found, problems


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_case_reports_only_its_own_problem(path: Path) -> None:
    # Each case breaks one thing; a second problem would be noise or a false alarm.
    expect = json.loads(path.with_suffix(".expect").read_text(encoding="utf-8"))
    problems = visitexport.check_file(str(path)).problems
    assert [(p.rule, p.pointer) for p in problems] == [(expect["rule"], expect["pointer"])]


def test_every_invalid_case_has_an_expectation() -> None:
    folder = INVALID[0].parent
    assert sorted(p.stem for p in folder.glob("*.expect")) == sorted(p.stem for p in INVALID)
    assert len(INVALID) >= 30
