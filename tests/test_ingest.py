"""Ingest: every text comes back byte for byte, releases get the structure a careful reader sees.

The releases in tests/releases/ were written, with their expected trees, by
someone who had not seen the reader; the property tests hold exactness for
texts built from the pieces releases are made of, and for any Unicode text.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import visitexport
from visitexport import InvalidRecordError, render_text
from visitexport.formats.text.render import render_document

from .conftest import ROOT, SEED, VALID, load_json
from .release_tree import outline

RELEASES = sorted((ROOT / "tests" / "releases").glob("*.txt"))


def _ingest(data: bytes, source: str = "<test>") -> visitexport.Ingested:
    return visitexport.ingest(data, source)


def test_the_corpus_is_there() -> None:
    assert len(RELEASES) >= 30


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_a_release_ingests_to_the_tree_a_reader_sees_and_renders_back_exactly(path: Path) -> None:
    data = path.read_bytes()
    ingested = _ingest(data, str(path))
    assert visitexport.check(ingested.record) == []
    assert render_text(ingested.record).encode("utf-8") == data
    expected = path.with_suffix(".tree").read_text(encoding="utf-8")
    assert outline(ingested.record["document"], expected) == expected


def test_the_seed_ingests_to_the_example_document_layer(example: dict[str, Any]) -> None:
    ingested = _ingest(SEED.read_bytes(), str(SEED))
    assert ingested.record["document"] == example["document"]
    assert ingested.warnings == ()
    assert ingested.record["release"] == {
        "issuer": "ministry-of-foreign-affairs",
        "date": "2000-11-04",
        "title": "Visit to the Russian Federation by Minister for Foreign Affairs Yohei Kono",
        "sources": ["h1", "h2", "h3"],
    }
    assert ingested.record["organisations"] == [
        {
            "id": "ministry-of-foreign-affairs",
            "name": "Ministry of Foreign Affairs",
            "kind": "ministry",
            "sources": ["h3"],
        }
    ]


def test_the_seed_renders_back_byte_identical(example: dict[str, Any]) -> None:
    assert render_text(example).encode("utf-8") == SEED.read_bytes()


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_a_record_text_reads_back_to_a_text_that_renders_the_same(path: Path) -> None:
    text = render_text(load_json(path))
    again = _ingest(text.encode("utf-8")).record
    assert render_text(again) == text


def test_what_equals_the_default_is_not_stored() -> None:
    document = _ingest(b"Title\n\n1 May 2001\n\nA paragraph.\n\n  1. First item.\n  2. Second item.\n").record[
        "document"
    ]
    assert "layout" not in document
    assert all(set(part) == {"id", "type", "text"} for part in document["header"])
    assert document["body"][1]["items"][1] == {
        "id": "l1.i2",
        "label": "2.",
        "blocks": [{"id": "l1.i2.p1", "type": "paragraph", "text": "Second item."}],
    }


# --- layouts, each in its own words -------------------------------------------------------


def _outline(text: str) -> list[tuple[str, ...]]:
    """(depth, type, label, first two words) of every block of a text's body."""
    out: list[tuple[str, ...]] = []

    def walk(blocks: list[dict[str, Any]], depth: int) -> None:
        for block in blocks:
            kind = block["type"]
            words = " ".join(str(block.get("text", block.get("heading", block.get("value", "")))).split()[:2])
            out.append((str(depth), kind, block.get("label", block.get("key", "")), words))
            if kind == "section":
                walk(block.get("blocks", []), depth + 1)
            elif kind == "list":
                for item in block["items"]:
                    inner = item.get("blocks", [])
                    first = " ".join(inner[0].get("text", "").split()[:2]) if inner else ""
                    out.append((str(depth + 1), "item", item["label"], first))
                    walk(inner[1:] if inner and inner[0]["type"] == "paragraph" else inner, depth + 2)

    record = _ingest(text.encode("utf-8")).record
    assert render_text(record) == text
    walk(record["document"].get("body", []), 0)
    return out


def test_a_sentence_with_a_heading_label_is_an_item_and_says_so() -> None:
    text = (
        "Talks\n\n(1) Trade\n\nThe ministers met.\n\n"
        "(2) The ministers hoped to meet again soon.\n\n(3) Energy\n\nThey spoke of gas.\n"
    )
    ingested = _ingest(text.encode())
    assert _outline(text) == [
        ("0", "section", "(1)", "Trade"),
        ("1", "paragraph", "", "The ministers"),
        ("1", "list", "", ""),
        ("2", "item", "(2)", "The ministers"),
        ("0", "section", "(3)", "Energy"),
        ("1", "paragraph", "", "They spoke"),
    ]
    assert [str(w) for w in ingested.warnings] == [
        'line 7: "(2) The ministers hoped to meet again soon." read as a labelled paragraph, not a heading'
    ]


@pytest.mark.parametrize("width", [2, 3, 4, 0])
def test_nesting_by_indentation_of_any_width(width: int) -> None:
    pad = " " * width
    nested = " " * (2 * width) if width else ""
    label = "(a)" if not width else "a."
    second = "(b)" if not width else "b."
    text = f"T\n\n{pad}1. Outer one.\n{nested}{label} Inner one.\n{nested}{second} Inner two.\n{pad}2. Outer two.\n"
    assert _outline(text) == [
        ("0", "list", "", ""),
        ("1", "item", "1.", "Outer one."),
        ("2", "list", "", ""),
        ("3", "item", label, "Inner one."),
        ("3", "item", "(b)" if not width else "b.", "Inner two."),
        ("1", "item", "2.", "Outer two."),
    ]


def test_labels_without_a_space_and_a_restarted_numbering() -> None:
    text = "T\n\n1.Alpha.\n2.Beta.\n\nBetween them.\n\n1) Gamma.\n2) Delta.\n1) Epsilon.\n\n-Japan\n-Korea\n"
    ingested = _ingest(text.encode())
    got = _outline(text)
    assert got[0:3] == [("0", "list", "", ""), ("1", "item", "1.", "Alpha."), ("1", "item", "2.", "Beta.")]
    assert [row[1:3] for row in got if row[1] == "item"][2:] == [
        ("item", "1)"),
        ("item", "2)"),
        ("item", "1)"),
        ("item", "-"),
        ("item", "-"),
    ]
    assert sum(row[1] == "list" for row in got) == 4  # the restart starts a list of its own
    assert any("starts again" in w.message for w in ingested.warnings)


def test_a_first_sub_bullet_on_its_parents_line_and_a_continuation_paragraph() -> None:
    text = (
        "T\n\n  1. Both sides agreed on these steps: -- Draw up a plan.\n     -- Meet in May.\n\n"
        "     Both sides were pleased.\n\n  2. Next.\n"
    )
    assert _outline(text) == [
        ("0", "list", "", ""),
        ("1", "item", "1.", "Both sides"),
        ("2", "list", "", ""),
        ("3", "item", "--", "Draw up"),
        ("3", "item", "--", "Meet in"),
        ("2", "paragraph", "", "Both sides"),
        ("1", "item", "2.", "Next."),
    ]


def test_key_value_lines_and_tables() -> None:
    text = (
        "T\n\nSchedule\n\nTime: 18:00\nVenue:  Iikura House\n\n"
        "Day | Event\n1 May | Arrival\n2 May | Talks\n\n"
        "| Name | Title |\n|------|-------|\n| Aso | |\n\n"
        "Day\tEvent\n3 May\tDeparture\n\n"
        "Date      Event\n4 May     Lunch\n5 May     Dinner\n"
    )
    record = _ingest(text.encode()).record
    assert render_text(record) == text
    body = record["document"]["body"]
    section = body[0]
    assert section["heading"] == "Schedule"
    blocks = section["blocks"]
    assert [(b["type"], b.get("key"), b.get("value")) for b in blocks[:2]] == [
        ("field", "Time", "18:00"),
        ("field", "Venue", "Iikura House"),
    ]
    assert blocks[1]["gap"] == ":  "
    tables = [b for b in blocks if b["type"] == "table"]
    assert [t.get("style") for t in tables] == ["bar", "pipe", None, "space"]
    assert tables[1]["rows"] == [["Name", "Title"], ["Aso", ""]]
    assert tables[1]["header_rows"] == 1
    assert tables[3]["rows"] == [["Date", "Event"], ["4 May", "Lunch"], ["5 May", "Dinner"]]


def test_chrome_goes_to_the_footer() -> None:
    text = "T\n\nBody text.\n\n(End)\n\nRelated Links\n\n- Japan-Peru Relations\n- http://example.org/\n\nBack to Top\n"
    document = _ingest(text.encode()).record["document"]
    assert [b["type"] for b in document["body"]] == ["paragraph"]
    footer = document["footer"]
    assert [(b["type"], b.get("text", b.get("heading"))) for b in footer] == [
        ("paragraph", "(End)"),
        ("section", "Related Links"),
        ("paragraph", "Back to Top"),
    ]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("Visit of the Foreign Minister\nto the Kingdom of Spain\n\n5 September 2000\n", ["title", "date"]),
        (
            "(Summary)\nTalks in Lima\n\nSeptember 5, 2000\nMinistry of Foreign Affairs\n",
            ["qualifier", "title", "date", "issuer"],
        ),
        ("Talks in Lima\nProvisional Translation\n\nMay 2001\n", ["title", "qualifier", "date"]),
        (
            "Talks in Lima\n\nTuesday, September 25\nPress Secretary\nMinistry of Foreign Affairs\n",
            ["title", "date", "issuer"],
        ),
        ("Talks in Lima\n", ["title"]),
    ],
)
def test_header_layouts(head: str, expected: list[str]) -> None:
    text = head + "\nOn 5 September 2000, the ministers met in Lima.\n"
    record = _ingest(text.encode()).record
    assert render_text(record) == text
    assert [part["type"] for part in record["document"]["header"]] == expected
    assert record["document"]["body"][0]["text"].startswith("On 5 September 2000")


def test_a_date_without_a_year_is_no_release_date_and_says_so() -> None:
    ingested = _ingest(b"Talks\n\nTuesday, September 25\n\nThey met.\n")
    assert ingested.record["release"] == {"title": "Talks", "sources": ["h1"]}  # the title alone
    assert [str(w) for w in ingested.warnings] == [
        'line 3: the date line "Tuesday, September 25" names no day of a year: the release\'s date is left out'
    ]


def test_hard_wrapped_text_keeps_its_breaks() -> None:
    text = (
        "T\n\nThe two ministers met in Lima\non 5 May and agreed to meet\nagain.\n\n"
        "1. An item that wraps\n   under its text.\n"
    )
    record = _ingest(text.encode()).record
    body = record["document"]["body"]
    assert body[0]["text"] == "The two ministers met in Lima on 5 May and agreed to meet again."
    assert body[0]["breaks"] == [6, 13]
    item = body[1]["items"][0]
    assert item["blocks"][0] == {
        "id": "l1.i1.p1",
        "type": "paragraph",
        "text": "An item that wraps under its text.",
        "breaks": [4],
    }
    assert "lines" not in item  # the hanging indent is the default


@pytest.mark.parametrize(
    "text",
    [
        "T\r\n\r\nA.\r\n",
        "T\n\nA.",
        "\ufeffT\n\nA.\n",
        "T\r\n\nA.\rB.\n",
        "T  \n \t \n\tA\tparagraph with a tab.\t\n\n\n",
        "  Centred Title  \n\n  1 May 2001\n",
        "T\n\nPage one.\f\nPage two.\x1a",
    ],
    ids=["crlf", "no-final-newline", "bom", "mixed-endings", "tabs-and-trailing", "centred", "form-feed"],
)
def test_endings_and_whitespace_come_back(text: str) -> None:
    record = _ingest(text.encode("utf-8")).record
    assert render_text(record).encode("utf-8") == text.encode("utf-8")
    assert visitexport.load_xml(visitexport.dump_xml(record)) == record


# --- properties ---------------------------------------------------------------------------

_LABELS = [
    "1.",
    "(1)",
    "1)",
    "(a)",
    "a.",
    "A.",
    "I.",
    "II.",
    "XIV.",
    "(i)",
    "-",
    "\u2022",
    "--",
    "*",
    "2.",
    "(2)",
    "1. 1.",
]
_WORDS = st.sampled_from(["Japan", "the", "talks", "were", "held", "on", "5 May", "2000.", "Minister:", "|", "agreed"])
_SENTENCE = st.lists(_WORDS, min_size=1, max_size=12).map(" ".join)
_INDENT = st.sampled_from(["", " ", "  ", "   ", "    ", "\t", " \t"])
_TRAIL = st.sampled_from(["", "", "", " ", "\t", "  "])
#: Any character a text may hold; control pictures are left out, as they cannot stand beside control characters.
_ANY = st.characters(
    blacklist_categories=["Cs"],
    blacklist_characters="\ufffe\uffff\x00" + "".join(chr(c) for c in range(0x2400, 0x2420)),
)
_ODD = st.text(alphabet=_ANY, max_size=30)


@st.composite
def _line(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["label", "text", "blank", "pipe", "tab", "field", "odd", "heading"]))
    indent, trail = draw(_INDENT), draw(_TRAIL)
    if kind == "blank":
        return draw(st.sampled_from(["", "", " ", "\t"]))
    if kind == "label":
        gap = draw(st.sampled_from([" ", "", "  ", "\t"]))
        body = f"{draw(st.sampled_from(_LABELS))}{gap}{draw(_SENTENCE)}"
    elif kind == "pipe":
        cells = draw(st.lists(_WORDS, min_size=1, max_size=4))
        body = draw(st.sampled_from(["| {} |", "{}"])).format(" | ".join(cells))
    elif kind == "tab":
        body = "\t".join(draw(st.lists(_WORDS, min_size=2, max_size=4)))
    elif kind == "field":
        body = f"{draw(st.sampled_from(['Time', 'Venue', 'Date']))}: {draw(_SENTENCE)}"
    elif kind == "heading":
        body = draw(st.sampled_from(["Itinerary", "(Reference)", "Related Links", "Back to Index", "(End)"]))
    elif kind == "odd":
        body = draw(_ODD)
    else:
        body = draw(_SENTENCE)
    return indent + body + trail


@st.composite
def _texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_line(), min_size=1, max_size=25))
    endings = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])
    out = "".join(line + draw(endings) for line in lines)
    if draw(st.booleans()):
        out = out.rstrip("\r\n")
    return out


def _exact(text: str) -> None:
    data = text.encode("utf-8")
    if not text.strip(" \t\r\n\ufeff\u00a0\u3000"):
        # Only texts that are no release at all are refused: nothing but white space.
        with pytest.raises(InvalidRecordError, match="empty"):
            _ingest(data)
        return
    assert render_text(_ingest(data).record).encode("utf-8") == data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts())
def test_texts_built_from_release_pieces_come_back_exactly(text: str) -> None:
    _exact(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ANY, max_size=200))
def test_any_text_comes_back_exactly(text: str) -> None:
    _exact(text)


def test_random_words_are_no_release_but_come_back_with_warnings() -> None:
    import random

    rng = random.Random(12)
    words = ["lorem", "ipsum", "1.", "(a)", "dolor", "-", "sit.", "Amet", "|", "\t"]
    lines = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 9))) for _ in range(60)]
    text = "\n".join(lines) + "\n"
    ingested = _ingest(text.encode())
    assert render_text(ingested.record) == text
    assert ingested.warnings


def test_pruning_leaves_a_document_that_renders_the_same() -> None:
    record = _ingest(SEED.read_bytes()).record
    document = copy.deepcopy(record["document"])
    assert render_document(document, prune=True) == render_document(record["document"])
    assert document == record["document"]


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words", "line"),
    [
        (b"", "empty", 0),
        (b"\n \n\t\n", "empty lines", 0),
        (b"Title\n\nSome \x00 binary", "binary data", 3),
        (b"Title\n\nCaf\xe9 au lait\n", "--encoding", 3),
        (b"name,title,country\nKono,Minister,JP\nIvanov,Minister,RU\n", "CSV", 0),
        (b"<!DOCTYPE html><html><body>Talks</body></html>", "text export", 0),
        (b'{"schema_version": "2.0"}', "JSON", 0),
        (b"T\n\n" + b"x" * 40_000 + b"\n", "32,767", 3),
        (b"T\n\nA\xef\xbf\xbeB\n", "U+FFFE", 3),
        (b"T\n\nA \xe2\x90\x8c and a \x0c\n", "control pictures", 3),
        (b"T\n" + b"- x\n" * 100_000, "100,000", 0),
    ],
    ids=[
        "empty",
        "blank",
        "binary",
        "latin-1",
        "csv",
        "html",
        "json",
        "long-line",
        "noncharacter",
        "pictures",
        "too-many-lines",
    ],
)
def test_bad_input_is_refused_naming_the_line(data: bytes, words: str, line: int) -> None:
    with pytest.raises(InvalidRecordError) as caught:
        _ingest(data, "bad.txt")
    (problem,) = caught.value.problems
    assert words in problem.message
    assert problem.line == line
    assert problem.rule == "text.input"


def test_another_encoding_is_read_when_named() -> None:
    ingested = visitexport.ingest(b"Caf\xe9 talks\n\nThey met.\n", "cp.txt", encoding="cp1252")
    assert ingested.record["document"]["header"][0]["text"] == "Caf\u00e9 talks"


# --- the command line -----------------------------------------------------------------------


def _cli(*args: str, stdin: bytes | None = None) -> Any:
    from click.testing import CliRunner

    from visitexport.cli import main

    return CliRunner().invoke(main, list(args), input=stdin)


def test_ingest_writes_the_record_to_standard_output_and_warnings_to_standard_error() -> None:
    text = b"Talks\n\n(1) Trade\n\nThey met.\n\n(2) They hoped to meet again.\n\n(3) Energy\n\nGas.\n"
    result = _cli("ingest", "-", stdin=text)
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert render_text(record).encode() == text
    assert (
        result.stderr == '-:7: warning: "(2) They hoped to meet again." read as a labelled paragraph, not a heading\n'
    )


def test_ingest_then_convert_to_text_gives_the_file_back(tmp_path: Path) -> None:
    record = tmp_path / "seed.json"
    assert _cli("ingest", str(SEED), "-o", str(record)).exit_code == 0
    text = tmp_path / "seed.txt"
    assert _cli("convert", str(record), "-o", str(text)).exit_code == 0
    assert text.read_bytes() == SEED.read_bytes()


def test_convert_reads_a_release_by_its_extension(tmp_path: Path) -> None:
    result = _cli("convert", str(SEED), "--to", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == _ingest(SEED.read_bytes(), str(SEED)).record


def test_several_releases_need_an_out_dir_and_get_a_record_each(tmp_path: Path) -> None:
    first, second = RELEASES[:2]
    result = _cli("ingest", str(first), str(second))
    assert result.exit_code == 2
    assert "--out-dir" in result.stderr
    out = tmp_path / "records"
    result = _cli("ingest", str(first), str(second), "--out-dir", str(out), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [Path(f["record"]).name for f in report["files"]] == [f"{first.stem}.json", f"{second.stem}.json"]
    assert all(f["valid"] and isinstance(f["warnings"], list) for f in report["files"])
    assert visitexport.load(out / f"{first.stem}.json") == _ingest(first.read_bytes(), str(first)).record


def test_two_releases_of_one_name_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in "ab":
        (tmp_path / folder / "x.txt").write_bytes(b"T\n\nText.\n")
    out = tmp_path / "out"
    result = _cli("ingest", str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt"), "--out-dir", str(out))
    assert result.exit_code == 2
    assert "would both be written" in result.stderr
    assert not out.exists()


def test_a_bad_release_writes_nothing_and_leaves_an_old_record_alone(tmp_path: Path) -> None:
    bad = tmp_path / "page.txt"
    bad.write_bytes(b"<!DOCTYPE html>\n<html><body>Talks</body></html>\n")
    target = tmp_path / "page.json"
    target.write_bytes(b"old")
    result = _cli("ingest", str(bad), "-o", str(target))
    assert result.exit_code == 1
    assert f"{bad}: text.input: it is an HTML page" in result.stderr
    assert target.read_bytes() == b"old"
    result = _cli("ingest", str(bad), "-o", str(target), "--format", "json")
    report = json.loads(result.stdout)
    assert report["files"][0]["problems"][0]["rule"] == "text.input"


def test_a_hundred_megabyte_line_is_refused_naming_the_line(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as out:
        out.write(b"Title\n\n")
        chunk = b"word " * 200_000
        for _ in range(100):
            out.write(chunk)
    result = _cli("ingest", str(huge), "-o", str(tmp_path / "huge.json"))
    assert result.exit_code == 1
    assert f"{huge}:3:32768: text.input: line 3 has " in result.stderr
    assert not (tmp_path / "huge.json").exists()


def test_text_in_another_encoding_is_read_with_encoding(tmp_path: Path) -> None:
    release = tmp_path / "cafe.txt"
    release.write_bytes(b"Caf\xe9 talks\n\nThey met.\n")
    result = _cli("ingest", str(release))
    assert result.exit_code == 1
    assert "--encoding" in result.stderr
    result = _cli("ingest", str(release), "--encoding", "cp1252")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["document"]["header"][0]["text"] == "Caf\u00e9 talks"


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_an_ingested_release_goes_through_xml_unchanged(path: Path) -> None:
    record = _ingest(path.read_bytes(), str(path)).record
    assert visitexport.load_xml(visitexport.dump_xml(record)) == record


def test_a_structure_that_does_not_render_back_falls_back_to_one_paragraph_per_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from visitexport.formats.text import read

    original = read._Body.read

    def losing_a_block(self: Any) -> list[dict[str, Any]]:
        return original(self)[:-1]  # a reader bug: the text would not come back

    monkeypatch.setattr(read._Body, "read", losing_a_block)
    text = b"\nT\n\n1. One.\n\n  - two\n\nThree.\n"
    ingested = _ingest(text)
    assert render_text(ingested.record).encode() == text
    assert [str(w) for w in ingested.warnings] == [
        "line 2: the layout could not be kept as structure: every line is kept as a paragraph"
    ]
    assert [b["type"] for b in ingested.record["document"]["body"]] == ["paragraph"] * 3
