"""Ingest's facts: every fact it writes is right (precision 100%), and the share it finds is reported.

Each `tests/ingest_facts/NAME.txt` is a release written for this test, with
`NAME.expected.json`: the facts a careful reader takes from it, by content (a
person by name, an engagement by kind and day). The hand records
`tests/releases/NAME.facts.json` are held to the same standard as they appear.
Facts are compared as atoms ("Kono is titled 'Foreign Minister'", "the courtesy
call of 2000-11-02 is named ..."): every atom ingest writes must be among the
expected ones; the share of expected atoms found (recall) is printed (`pytest -s`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import visitexport

from .conftest import ROOT

Node = dict[str, Any]
Atom = tuple[Any, ...]

HERE = ROOT / "tests" / "ingest_facts"
RELEASES = sorted(HERE.glob("*.txt"))
CORPUS = sorted((ROOT / "tests" / "releases").glob("*.txt"))
HAND = sorted((ROOT / "tests" / "releases").glob("*.facts.json"))


def _ingest(path: Path) -> Node:
    record: Node = visitexport.ingest(path.read_bytes(), str(path)).record
    return record


def _compact(record: Node) -> Node:
    """A record's facts by content, ids resolved to names: the form of the expected files."""
    names = {p["id"]: p.get("name", p.get("designation", p["id"])) for p in record.get("people", ())}
    # A body or place may be only referred to ('the two Foreign Ministries'): its words stand for its name.
    places = {p["id"]: p.get("name", p.get("designation", p["id"])) for p in record.get("places", ())}
    organisations = {o["id"]: o.get("name", o.get("designation", o["id"])) for o in record.get("organisations", ())}
    parents = {o["id"]: o["parent"] for o in record.get("organisations", ()) if "parent" in o}
    out: Node = {}
    release = dict(record.get("release", {}))
    release.pop("sources", None)
    release.pop("inferred", None)
    if "issuer" in release:
        # An issuer line "Office of the Press Secretary, Ministry of Foreign Affairs of Japan" is one name
        # as printed to ingest, an office within a ministry to a hand record: both read the same line.
        ident = release["issuer"]
        chain = [organisations.get(ident, ident)]
        while ident in parents and len(chain) < 4:
            ident = parents[ident]
            chain.append(organisations.get(ident, ident))
        release["issuer"] = ", ".join(chain)
    out["release"] = release
    if "visit" in record:
        v = record["visit"]
        visit: Node = {"principal": names[v["principals"][0]]}
        for key in ("countries", "status", "kind"):
            if key in v:
                visit[key] = v[key]
        if "places" in v:
            visit["places"] = [places[p] for p in v["places"]]
        if "period" in v:
            visit["period"] = {"start": v["period"]["start"], "end": v["period"]["end"]}
        out["visit"] = visit
    out["people"] = [
        {
            "name": p.get("name", p.get("designation")),
            "aliases": p.get("aliases", []),
            "titles": [t["printed"] for t in p.get("titles", ())],
            **({"honorific": p["honorific"]} if "honorific" in p else {}),
        }
        for p in record.get("people", ())
    ]
    out["engagements"] = [_engagement(e) for e in record.get("engagements", ())]
    return out


def _engagement(e: Node) -> Node:
    out: Node = {"kind": e["kind"], "sources": e["sources"]}
    if "date" in e and "date" in e["date"]:
        out["date"] = e["date"]["date"]
    for key in ("name", "status"):
        if key in e:
            out[key] = e[key]
    if "times" in e:
        out["times"] = [{k: c[k] for k in ("start", "end", "zone") if k in c} for c in e["times"]]
    if "duration" in e:
        out["duration"] = e["duration"]["value"]
    return out


def _visit_atoms(visit: Node) -> set[Atom]:
    return {("visit", k, json.dumps(x, sort_keys=True)) for k, x in visit.items()}


def _atoms(found: Node, expected: Node) -> tuple[set[Atom], set[Atom], list[str]]:
    """The atoms ingest wrote, the atoms expected, and what ingest wrote that is wrong (in words)."""
    wrong: list[str] = []
    mine: set[Atom] = set()
    theirs: set[Atom] = set()
    for key, value in expected.get("release", {}).items():
        theirs.add(("release", key, json.dumps(value, sort_keys=True)))
    for key, value in found["release"].items():
        mine.add(("release", key, json.dumps(value, sort_keys=True)))
    theirs |= _visit_atoms(expected.get("visit", {}))
    mine |= _visit_atoms(found.get("visit", {}))
    hand_people = expected.get("people", [])
    for person in hand_people:
        theirs.add(("person", person["name"]))
        theirs |= {("title", person["name"], t) for t in person.get("titles", ())}
        theirs |= {("alias", person["name"], a) for a in person.get("aliases", ())}
    for person in found.get("people", []):
        hand = next((h for h in hand_people if person["name"] in (h["name"], *h.get("aliases", ()))), None)
        if hand is None:
            wrong.append(f"person {person['name']!r} is no one the release names with an office")
            continue
        canon = hand["name"]
        if person["name"] == canon:
            mine.add(("person", canon))
        mine |= {("title", canon, t) for t in person["titles"]}
        mine |= {("alias", canon, a) for a in person["aliases"]}
        if "honorific" in person and person["honorific"] != hand.get("honorific"):
            wrong.append(f"{canon}'s honorific {person['honorific']!r}")
    hand_engagements = expected.get("engagements", [])
    for n, e in enumerate(hand_engagements):
        theirs |= {("engagement", n, k, json.dumps(v, sort_keys=True)) for k, v in e.items() if k != "sources"}
    for e in found.get("engagements", []):
        match = next(
            (
                n
                for n, h in enumerate(hand_engagements)
                if h["kind"] == e["kind"]
                and h.get("date") == e.get("date")
                and ("sources" not in h or set(e["sources"]) <= set(h["sources"]))
            ),
            None,
        )
        if match is None:
            wrong.append(f"engagement {e['kind']} on {e.get('date')} from {e['sources']} is not in the release")
            continue
        mine |= {("engagement", match, k, json.dumps(v, sort_keys=True)) for k, v in e.items() if k != "sources"}
    wrong += [f"{atom} is not so" for atom in sorted(mine - theirs, key=str)]
    return mine, theirs, wrong


def _score(path: Path, found: Node, expected: Node) -> tuple[float, list[str]]:
    mine, theirs, wrong = _atoms(found, expected)
    recall = len(mine & theirs) / len(theirs) if theirs else 1.0
    share = f"{recall:.0%} ({len(mine & theirs)}/{len(theirs)})"
    line = f"{path.stem}: precision {'100%' if not wrong else 'NOT 100%'}, recall {share}"
    print(line)  # shown with `pytest -s`: the share found, release by release
    return recall, wrong


def test_there_are_test_releases() -> None:
    assert len(RELEASES) >= 30
    assert all(p.with_suffix(".expected.json").exists() for p in RELEASES)


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_every_fact_ingest_writes_is_right(path: Path) -> None:
    record = _ingest(path)
    assert visitexport.check(record) == []
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    _, wrong = _score(path, _compact(record), expected)
    assert wrong == []


def test_the_seed_facts_are_right_against_the_example(example: Node) -> None:
    from .conftest import SEED

    record = visitexport.ingest(SEED.read_bytes(), str(SEED)).record
    expected = _compact(example)
    found = _compact(record)
    # The example's ids differ from ingest's: engagements are matched by kind and day, not sources.
    for e in expected["engagements"]:
        del e["sources"]
    expected["release"] = {"date": example["release"]["date"]}
    found["release"] = {"date": found["release"]["date"]}
    recall, wrong = _score(SEED, found, expected)
    assert wrong == []
    assert recall > 0.5


@pytest.mark.parametrize("path", HAND, ids=lambda p: p.name.removesuffix(".facts.json"))
def test_every_fact_ingest_writes_is_right_against_the_hand_record(path: Path) -> None:
    facts = json.loads(path.read_text(encoding="utf-8"))
    text = path.with_name(path.name.removesuffix(".facts.json") + ".txt")
    record = _ingest(text)
    hand = {"schema_version": record["schema_version"], "id": text.stem, "document": record["document"], **facts}
    expected = _compact(hand)
    found = _compact(record)
    # The release facts a hand record leaves out are not held against ingest: it may state fewer.
    found["release"] = {k: v for k, v in found["release"].items() if k in expected["release"]}
    _, wrong = _score(path, found, expected)
    assert wrong == []


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_every_corpus_release_ingests_to_a_record_without_problems(path: Path) -> None:
    ingested = visitexport.ingest(path.read_bytes(), str(path))
    assert visitexport.check(ingested.record) == []
    # The facts were kept, not dropped for breaking a rule.
    assert not any("facts read from the body were left out" in w.message for w in ingested.warnings)


def test_what_ingest_is_unsure_of_is_a_warning_at_its_line() -> None:
    path = HERE / "tricky-passing.txt"
    ingested = visitexport.ingest(path.read_bytes(), str(path))
    warnings = {(w.line, w.message.split(":")[0]) for w in ingested.warnings}
    assert (
        12,
        '"Follow-up to the Summit Held in June" is dated but names no one kind of engagement (or one in passing)',
    ) in warnings
    assert (16, '"Dinner and Reception" is dated but names no one kind of engagement (or one in passing)') in warnings
    assert (22, "the text prints several clock times or a zone not read") in warnings
    # None of the three is a fact.
    assert [e["name"] for e in ingested.record["engagements"]] == ["Meeting with Trade Minister Ivan Petrov"]
    assert "times" not in ingested.record["engagements"][0]


def test_a_weekday_that_is_not_the_days_leaves_the_engagement_out_with_a_warning() -> None:
    path = HERE / "weekday-mismatch.txt"
    ingested = visitexport.ingest(path.read_bytes(), str(path))
    assert [e["kind"] for e in ingested.record["engagements"]] == ["courtesy_call"]
    assert any(w.line == 6 and "weekday" in w.message for w in ingested.warnings)


def test_the_list_of_offices_can_be_extended() -> None:
    from visitexport.formats.text.codec import ingest

    text = (
        "Meeting\n\n4 November 2000\nMinistry of Foreign Affairs\n\n"
        "Governor-General Peter Hollingworth met the delegation.\n"
    )
    assert "people" not in ingest(text).record
    people = ingest(text, offices=("Governor-General",)).record["people"]
    assert people == [
        {
            "id": "peter-hollingworth",
            "name": "Peter Hollingworth",
            "titles": [{"printed": "Governor-General"}],
            "sources": ["p1"],
        }
    ]


def test_facts_that_break_a_rule_are_left_out_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from visitexport.formats.text import record

    def broken(*args: object, **kwargs: object) -> Node:
        # A held engagement a century after the release: the date.status rule refuses it.
        return {
            "engagements": [
                {"id": "e", "kind": "meeting", "status": "held", "date": {"date": "2100-01-01"}, "sources": ["p1"]}
            ]
        }

    monkeypatch.setattr(record, "read_facts", broken)
    from .conftest import SEED

    ingested = visitexport.ingest(SEED.read_bytes(), str(SEED))
    assert "engagements" not in ingested.record
    assert visitexport.check(ingested.record) == []
    assert any("facts read from the body were left out" in w.message for w in ingested.warnings)


def _warnings(name: str) -> tuple[Node, set[tuple[int, str]]]:
    path = HERE / f"{name}.txt"
    ingested = visitexport.ingest(path.read_bytes(), str(path))
    return ingested.record, {(w.line, w.message) for w in ingested.warnings}


def test_what_a_reference_section_lists_is_no_engagement() -> None:
    record, warnings = _warnings("reference-past")
    # "3. Reference" then "(1) Summit Meeting (5 December 2004)": an earlier meeting, said at its line.
    assert [e["date"]["date"] for e in record["engagements"]] == ["2005-04-03"]
    assert (18, '"Summit Meeting" is listed under a reference or background heading: it is not read as one') in warnings
    # "(Reference)" standing alone heads the unlabelled headings after it too.
    record, warnings = _warnings("flat-reference")
    assert [e["kind"] for e in record["engagements"]] == ["meeting"]


def test_a_lead_whose_weekday_is_not_its_days_gives_no_engagement() -> None:
    record, warnings = _warnings("weekday-us")
    assert "engagements" not in record
    assert (6, "the lead prints a weekday that is not the day's: its engagement is left out") in warnings


def test_a_visit_the_lead_recalls_after_its_first_sentence_is_not_the_releases() -> None:
    record, _ = _warnings("visited-in-passing")
    assert "visit" not in record  # "President Hu visited Japan in May 1998 as Vice President."


def test_a_short_name_printed_with_another_office_is_left_out() -> None:
    record, warnings = _warnings("ambassador-kim")
    kim = next(p for p in record["people"] if p["name"] == "Kim Hang-kyung")
    assert [t["printed"] for t in kim["titles"]] == ["Ambassador of the Republic of Korea to Japan", "Ambassador"]
    assert (8, '"President Kim" may be someone else than Kim Hang-kyung: left out') in warnings


def test_times_another_event_is_given_are_not_the_engagements() -> None:
    record, warnings = _warnings("clock-formats")
    summit = next(e for e in record["engagements"] if e["kind"] == "summit")
    assert "times" not in summit  # "A welcome ceremony was held at 9:30 before the summit meeting."
    assert (10, "the times printed may be another event's: the engagement's times are left out") in warnings
    lunch = next(e for e in record["engagements"] if e["kind"] == "working_lunch")
    assert "times" not in lunch
    assert "duration" not in lunch
    record, _ = _warnings("ceremony-lead")
    assert all("times" not in e for e in record["engagements"])


def test_times_in_two_zones_that_disagree_are_left_out() -> None:
    record, _ = _warnings("telephone-zones")
    (talks,) = record["engagements"]
    assert "times" not in talks  # 21:00 to 21:20 Japan time; 13:00 to 13:30 Brussels time
    assert talks["duration"]["value"] == "PT20M"


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ("Vice-Minister Kenichiro Sasae attended.", None, None),
        ("Senior Vice-Minister Tetsuro Fukuyama attended.", None, None),
        ("Press Secretary/Director-General Akira Chiba said.", None, None),
        ("Special Envoy of the Prime Minister Yoshiro Mori visited Chile.", None, None),
        ("Minister Counsellor Taro Yamada attended.", None, None),
        ("Prime Minister Shri Manmohan Singh attended.", None, None),
        ("Prime Minister Dato' Seri Abdullah Ahmad Badawi attended.", None, None),
        ("the acting President Goh attended.", None, None),
        ("Mr. Kenichiro Sasae, Director-General, Asian and Oceanian Affairs Bureau, attended.", None, None),
        ("Vice-Premier Wu Yi attended.", None, None),
        ("It was Prime Minister Shinzo Abe", "Shinzo Abe", "Prime Minister"),
        ("Mr. Taro Aso, Minister for Foreign Affairs, said.", "Taro Aso", "Minister for Foreign Affairs"),
    ],
)
def test_a_name_or_office_that_may_be_cut_is_no_mention(text: str, name: str | None, title: str | None) -> None:
    from visitexport.formats.text.facts_people import mentions

    found = [(m.name, m.title) for m in mentions(text)]
    assert found == ([] if name is None else [(name, title)])


def test_a_list_of_countries_is_read_whole_or_not_at_all() -> None:
    from visitexport.formats.text.codec import ingest

    def visit(lead: str) -> Node:
        text = f"Visit\n\n3 May 2005\nMinistry of Foreign Affairs\n\n{lead}\n"
        found: Node = ingest(text).record["visit"]
        return found

    assert visit("Minister Taro Aso will visit Brazil, Mexico, Peru, and Chile from 8 to 14 May.")["countries"] == [
        "BR",
        "MX",
        "PE",
        "CL",
    ]
    lima = visit("Minister Taro Aso will visit Lima, Peru, from 8 to 14 May.")
    assert lima["countries"] == ["PE"]
    assert len(lima["places"]) == 1
    # "Washington, D.C." and "Atlanta, Georgia" (the state, or the country?): no places, no countries.
    for lead in (
        "Minister Taro Aso will visit Washington, D.C. and Memphis.",
        "Minister Taro Aso will visit Atlanta, Georgia.",
    ):
        assert "places" not in visit(lead)
        assert "countries" not in visit(lead)


def test_lengths_and_clocks_that_go_on_past_what_is_read_are_not_read() -> None:
    from visitexport.formats.text import facts_when as when

    assert isinstance(when.length("for 1 hour 20 minutes"), str)
    assert isinstance(when.length("for 30 minutes to an hour"), str)
    assert when.length("for an hour and 20 minutes") == {"value": "PT1H20M", "printed": "an hour and 20 minutes"}
    assert when.clocks("at 3:30 p.m.") is None
    assert when.clocks("from 10:00 to 10:55 (local time; 16:00 to 17:10 Japan time)") is None


@pytest.mark.parametrize(
    "line",
    [
        "Abcd " * 6000,
        "1 " * 15000,
        "Prime Minister Taro Aso held talks with President Putin on " + "3 June, " * 3700,
        "Prime Minister Taro Aso will visit " + ", ".join(["Brazil", "Lima"] * 2000),
        "On 3 May, " + "(x) " * 7000 + "Prime Minister Taro Aso held talks on 3 May.",
        "Envoy of " * 3500 + "Prime Minister Taro Aso",
        "Mr. Abcd Efgh, Minister" + " of Abcd" * 3500,
    ],
    ids=["capitalised", "digits", "days", "places", "parentheses", "offices", "after"],
)
def test_a_long_line_is_read_quickly(line: str) -> None:
    import time

    assert len(line) <= 32_767
    for body in (line, "1. Summit Meeting (2 May)\n\n" + line):
        text = f"Title\n\n3 May 2005\nMinistry of Foreign Affairs\n\n{body}\n"
        started = time.perf_counter()
        visitexport.ingest(text.encode(), "long.txt")
        # Linear readers take some hundredths of a second; one that backtracks or rescans, seconds.
        assert time.perf_counter() - started < 1.0
