"""Hand-made fact records of the releases: valid, canonical, and carried exactly by every format.

Each `tests/releases/NAME.facts.json` holds only the facts a careful reader
takes from `NAME.txt` (issue 13): the release, the visit, people,
organisations, places, engagements, events, statements, outcomes and
referenced documents, each citing the ids of the document layer that `ingest`
reads from the text. The full record is composed from ingest's
`schema_version` and `document` and the file's facts, never from the facts
ingest writes itself: those are what the hand-made records measure.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import visitexport
from visitexport.schema.model import order_keys

from .conftest import ROOT

RELEASES = ROOT / "tests" / "releases"
FACTS = sorted(RELEASES.glob("*.facts.json"))

#: The record's fact keys: everything but the three that composition supplies.
FACT_KEYS = frozenset(
    {
        "release",
        "visit",
        "people",
        "organisations",
        "places",
        "engagements",
        "events",
        "statements",
        "outcomes",
        "referenced_documents",
    }
)

#: The later corpora are named `x-…`, `y-…`, `z-…`, `w-…`; the first has no prefix.
_LATER_CORPUS = re.compile(r"^[a-z]-")


def _name(path: Path) -> str:
    return path.name.removesuffix(".facts.json")


def _facts(path: Path) -> dict[str, Any]:
    facts: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return facts


@cache
def _composed(name: str) -> dict[str, Any]:
    """The full record of release `name`: ingest's version and document, and the hand-made facts."""
    ingested = visitexport.ingest((RELEASES / f"{name}.txt").read_bytes(), name).record
    # Only these two come from ingest: its own facts are what these records measure.
    return {
        "schema_version": ingested["schema_version"],
        "id": name,
        "document": ingested["document"],
        **_facts(RELEASES / f"{name}.facts.json"),
    }


def composed(path: Path) -> dict[str, Any]:
    # A copy: a converter that changed its argument must not change what the next test sees.
    return copy.deepcopy(_composed(_name(path)))


def test_there_are_facts_to_check() -> None:
    # Without files every test below would pass by checking nothing.
    assert len(FACTS) >= 18


@pytest.mark.parametrize("path", FACTS, ids=_name)
def test_a_facts_file_is_the_facts_of_a_release_in_canonical_form(path: Path) -> None:
    assert (RELEASES / f"{_name(path)}.txt").is_file(), "a facts file is named after its release's text"
    text = path.read_text(encoding="utf-8")
    facts = json.loads(text)
    assert isinstance(facts, dict)
    assert facts, "a facts file holds at least one fact"
    assert set(facts) <= FACT_KEYS, f"only fact keys: not {sorted(set(facts) - FACT_KEYS)}"
    # Schema key order at every level, two-space indent, UTF-8 unescaped, one final newline.
    assert text == json.dumps(order_keys(facts), ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("path", FACTS, ids=_name)
def test_the_composed_record_has_no_problem(path: Path) -> None:
    problems = visitexport.check(composed(path))
    assert [(p.pointer, p.rule, p.message) for p in problems] == []


@pytest.mark.parametrize("path", FACTS, ids=_name)
def test_the_composed_record_canonicalises_without_loss(path: Path) -> None:
    record = composed(path)
    raw = json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
    canonical = visitexport.format_bytes(raw, str(path))
    assert json.loads(canonical) == record
    assert visitexport.format_bytes(canonical, str(path)) == canonical
    # The facts in canonical order are the file's own order: the file needs no formatting.
    reread = json.loads(canonical)
    assert [key for key in reread if key in FACT_KEYS] == list(_facts(path))


@pytest.mark.parametrize("path", FACTS, ids=_name)
def test_the_composed_record_round_trips_through_xml(path: Path) -> None:
    record = composed(path)
    assert visitexport.load_xml(visitexport.dump_xml(record), f"{path.name}.xml") == record


@pytest.mark.parametrize("path", FACTS, ids=_name)
def test_the_composed_record_round_trips_through_the_workbook(path: Path) -> None:
    record = composed(path)
    assert visitexport.load_xlsx(visitexport.dump_xlsx(record), f"{path.name}.xlsx") == record


def test_every_release_of_the_first_corpus_has_a_facts_file() -> None:
    first = sorted(p.stem for p in RELEASES.glob("*.txt") if not _LATER_CORPUS.match(p.stem))
    assert len(first) == 35
    missing = [name for name in first if not (RELEASES / f"{name}.facts.json").is_file()]
    assert missing == []
