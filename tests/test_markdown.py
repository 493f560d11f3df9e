"""Markdown report and summary, proved by parsing them: markdown-it-py (CommonMark) and cmark-gfm (GitHub)."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visitexport import InvalidRecordError, dump_markdown, dump_summary, ingest
from visitexport.cli import main
from visitexport.formats.markdown import text as md_text
from visitexport.formats.markdown.facts import Facts
from visitexport.formats.text.codec import assign_ids, render_text
from visitexport.schema import load_schema
from visitexport.validation import check_record

from .markdown_tree import (
    GFM_TAGS,
    all_text,
    expected_stream,
    gfm_html,
    gfm_item_text,
    gfm_links,
    gfm_release_stream,
    gfm_tags,
    is_email_link,
    links,
    parse,
    plain,
    raw_html_or_images,
    release_stream,
)
from .strategies import BASE, GENERATED_FACTS, splice

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "kono-russia-2000.json"
REPORT = ROOT / "examples" / "kono-russia-2000.md"
SUMMARY = ROOT / "examples" / "kono-russia-2000.summary.md"
SEED = next((ROOT / "seeds").glob("*.txt"))
IGC = "Japan-Russia Inter-Governmental Committee on Trade and Economic Affairs"

LINE = re.compile(r"^[^\x00-\x20\uFFFE\uFFFF](?:[^\x00-\x1F\uFFFE\uFFFF]*[^\x00-\x20\uFFFE\uFFFF])?$")
#: Printed text (the document's texts and cells): a line of text in which tabs may stand between words.
PRINTED = re.compile(r"^[^\x00-\x20\uFFFE\uFFFF](?:[^\x00-\x08\x0A-\x1F\uFFFE\uFFFF]*[^\x00-\x20\uFFFE\uFFFF])?$")
RELEASES = sorted((ROOT / "tests" / "releases").glob("*.txt"))
HOSTILE = [
    "| a | b |",
    "a | b",
    "<script>alert(1)</script>",
    "<b>bold</b> & <i>x</i>",
    "[click](javascript:alert(1))",
    "![image](http://example.com/x.png)",
    "<http://example.com>",
    "www.example.com and http://example.com/a?b=c",
    "mail me at someone@example.com",
    "# not a heading",
    "## neither #",
    "1. not a list",
    "2000) not a list either",
    "- not a bullet",
    "+ nor this",
    "* nor this",
    "> not a quote",
    "---",
    "***",
    "===",
    "```python",
    "`code`",
    "x    four spaces inside",
    "*emphasis* and _emphasis_ and **strong**",
    "~~struck~~",
    "back\\slash\\",
    "\\*escaped\\*",
    "&amp; &#60; &copy;",
    "US$7 million and $x$",
    "{#id .class}",
    "[^1] footnote",
    "\u00a0no-break spaces\u00a0",
    "\u3000ideographic\u3000",
    "line\u2028separator",
    "emoji \U0001f600 and é",
    "trailing backslash \\",
    "[a]: http://example.com",
    "<!-- comment -->",
    "See example.com or //example.org/x for details",
    "ftp://example.com/file and xmpp:someone",
    "- [ ] task list",
]


def _seed() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def _headings(tokens: list[Any]) -> list[tuple[int, str]]:
    return [(int(t.tag[1]), plain(tokens[i + 1])) for i, t in enumerate(tokens) if t.type == "heading_open"]


def github_anchors(tokens: list[Any]) -> set[str]:
    """The ids GitHub gives these headings, written here from github-slugger's rules, not the product's code.

    Dropped: other numbers, punctuation but '-' and connectors, symbols (unless alphabetic),
    controls, format, private-use and separators but ' '; then spaces become '-'.
    """
    dropped = re.compile(r"^(No|P[edfios]|S[cmk]|C[cfon]|Z[lp])$")
    seen: dict[str, int] = {}
    out = set()
    for _, text in _headings(tokens):
        kept = []
        for char in text.lower():
            category = unicodedata.category(char)
            symbol = category == "So" and "LETTER" not in unicodedata.name(char, "")
            if char in " -" or not (dropped.match(category) or symbol or category == "Zs"):
                kept.append(char)
        base = "".join(kept).replace(" ", "-")
        anchor = base
        while anchor in seen:
            seen[base] += 1
            anchor = f"{base}-{seen[base]}"
        seen[anchor] = 0
        out.add(anchor)
    return out


def _table(tokens: list[Any], title: str) -> list[list[str]]:
    """The rows (header first) of the table under the level-2 heading `title`, as rendered text."""
    start = next(
        i for i, t in enumerate(tokens) if t.type == "inline" and t.content == title and tokens[i - 1].tag == "h2"
    )
    rows: list[list[str]] = []
    for token in tokens[start:]:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append("".join(c.content for c in token.children or [] if c.type == "text"))
        elif token.type == "table_close":
            return rows
    raise AssertionError(f"no table under {title}")


def _check_report(record: dict[str, Any]) -> list[Any]:
    """Parse the report with markdown-it-py and with GitHub's cmark-gfm: the same structure, text and links."""
    text = dump_markdown(record)
    tokens = parse(text)
    assert raw_html_or_images(tokens) == []
    expected = expected_stream(record)
    assert release_stream(tokens) == expected
    anchors = github_anchors(tokens)
    url = record.get("release", {}).get("url")
    for href in links(tokens):
        assert (href.startswith("#") and href[1:] in anchors) or href == url, href
    root = gfm_html(text)
    assert gfm_tags(root) <= GFM_TAGS
    assert gfm_release_stream(root) == expected
    for href in gfm_links(root):
        assert (href.startswith("#") and href[1:] in anchors) or href == url or is_email_link(href), href
    return tokens


# --- the seed ------------------------------------------------------------------


def test_seed_release_text_renders_block_for_block() -> None:
    tokens = _check_report(_seed())
    assert len(release_stream(tokens)) > 40


def test_every_sentence_of_the_release_appears_exactly_once_in_the_report() -> None:
    rendered = all_text(parse(dump_markdown(_seed())))
    body = SEED.read_text(encoding="utf-8").split("Ministry of Foreign Affairs\n", 1)[1].rsplit("Back to Index", 1)[0]
    lines = [re.sub(r"^(\d+\.|\(\d+\)|-)\s+", "", line.strip()) for line in body.splitlines()]
    pieces = [s for line in lines for s in re.split(r"(?<=[.:])\s+(?=[A-Z\"(])", line)]
    # Sentences, not headings: they end as sentences do and have a few words.
    sentences = [s for s in pieces if re.search(r"[.:\"]$", s) and len(s.split()) >= 4]
    assert len(sentences) >= 50
    for sentence in sentences:
        assert rendered.count(sentence) == 1, sentence


def test_seed_report_layout() -> None:
    record = _seed()
    tokens = parse(dump_markdown(record))
    headings = _headings(tokens)
    assert headings[0] == (1, record["document"]["header"][0]["text"])
    assert [text for level, text in headings if level == 2] == [
        "At a glance",
        "Release text",
        "People",
        "Statements",
        "Outcomes and follow-ups",
        "Referenced documents",
    ]
    assert (3, "1. Courtesy Call on President Putin by Foreign Minister Kono (2 November)") in headings
    assert (4, "(2) Peace Treaty") in headings
    text = all_text(tokens)
    assert "Published: 4 November 2000" in text
    assert "Source: not recorded" in text
    assert "Issuer: Ministry of Foreign Affairs (JP)" in text
    assert "Principal: Yohei Kono, Minister for Foreign Affairs of Japan" in text
    assert "Period: 1 November 2000 to 4 November 2000 (as printed: From 1 to 4 November 2000)" in text
    assert "Visit: outbound (from JP), completed" in text
    assert "Engagements: 3, with 1 sub-engagement" in text
    assert "Outcomes: 27, of which 11 follow-ups (what happens next)" in text


def test_each_engagement_heading_is_followed_by_its_date_place_and_sides() -> None:
    tokens = parse(dump_markdown(_seed()))
    for heading, facts in (
        (
            "1. Courtesy Call on President Putin by Foreign Minister Kono (2 November)",
            [
                "Date: 2 November 2000 (as printed: 2 November)",
                "Place: Moscow (RU)",
                "RU side: Vladimir Putin (President, host)",
                "JP side: Yohei Kono (Foreign Minister, guest)",
            ],
        ),
        (
            "2. Foreign Ministers' Meeting(3 November)",
            [
                "Date: 3 November 2000 (as printed: 3 November)",
                "RU side: Igor Sergeyevich Ivanov (Minister of Foreign Affairs, host)",
            ],
        ),
        (
            f"3. Fourth Meeting of the {IGC} (2 November)",
            [
                "JP side: Yohei Kono (Foreign Minister, co-chair)",
                "Within it: Signing ceremony (held)",
            ],
        ),
    ):
        at = next(i for i, t in enumerate(tokens) if t.type == "inline" and plain(t) == heading)
        assert tokens[at + 2].type == "bullet_list_open"
        assert tokens[at + 2].markup == "*"
        end = next(
            i
            for i in range(at + 2, len(tokens))
            if tokens[i].type == "bullet_list_close" and tokens[i].level == tokens[at + 2].level
        )
        listed = [plain(t) for t in tokens[at + 2 : end] if t.type == "inline"]
        for fact in facts:
            assert fact in listed


def test_printed_labels_are_text_and_lists_nest() -> None:
    stream = release_stream(parse(dump_markdown(_seed())))
    items = [(depth, text.split(" ", 1)[0]) for kind, depth, text in [e for e in stream if e[0] == "item"]]
    assert (1, "1.") in items
    assert (2, "1.") in items
    assert (2, "-") in items
    assert ("paragraph", 1, "Upon the conclusion of the meeting, the co-chairs both signed the memorandum.") in stream


def test_tables_hold_people_outcomes_and_documents() -> None:
    record = _seed()
    tokens = parse(dump_markdown(record))
    people = _table(tokens, "People")
    assert people[0] == ["Name", "Title at the time", "Country"]
    assert people[1] == [
        "Yohei Kono",
        f"Minister for Foreign Affairs of Japan; Co-Chair of the {IGC}",
        "JP",
    ]
    assert len(people) == len(record["people"]) + 1
    outcomes = _table(tokens, "Outcomes and follow-ups")
    assert outcomes[0] == ["What", "Kind", "Parties", "Due (as printed)", "Due (bounds)", "Source"]
    assert [row[0] for row in outcomes[1:]] == [o["summary"] for o in record["outcomes"]]
    summit = outcomes[1 + [o["id"] for o in record["outcomes"]].index("o-leaders-summit")]
    assert summit == [
        record["outcomes"][8]["summary"],
        "planned meeting",
        "JP, RU",
        "on 15 November",
        "2000-11-15",
        "2. (2) 1.",
    ]
    invitation = outcomes[1 + [o["id"] for o in record["outcomes"]].index("o-sergeyev-invitation")]
    assert invitation[2] == "JP, to Igor Sergeyev"
    documents = _table(tokens, "Referenced documents")
    assert documents[1][:4] == [
        record["referenced_documents"][0]["title"],
        "statement",
        "in September",
        "2000-09-01 to 2000-09-30",
    ]


def test_seed_summary() -> None:
    record = _seed()
    report_tokens = parse(dump_markdown(record))
    tokens = parse(dump_summary(record))
    assert raw_html_or_images(tokens) == []
    assert [text for level, text in _headings(tokens) if level == 2] == ["At a glance", "Engagements", "Follow-ups"]
    anchors = github_anchors(report_tokens)
    hrefs = links(tokens)
    assert hrefs[0] == "kono-russia-2000.md"
    for href in hrefs[1:]:
        page, anchor = href.split("#")
        assert page == "kono-russia-2000.md", href
        assert anchor in anchors, href
    lines = all_text(tokens).splitlines()
    engagements = [line for line in lines if " side: " in line]
    assert len(engagements) == 4
    assert engagements[0].startswith(
        "Courtesy Call on President Putin by Foreign Minister Kono: 2 November 2000; Moscow (RU)"
    )
    due_at = re.compile(r"^[^(]*\((\d{4}-\d\d-\d\d)(?: to (\d{4}-\d\d-\d\d))?\):")
    bounds = [m.groups() for m in map(due_at.match, lines) if m is not None]
    assert len(bounds) == len([o for o in record["outcomes"] if "due" in o]) == 11
    latest = [(last or first, first) for first, last in bounds]
    follow_ups = [line for line in lines if due_at.match(line)]
    assert latest == sorted(latest)
    assert follow_ups[0].startswith("on 15 November (2000-11-15): A Japan-Russia Leaders Summit")
    assert follow_ups[1].startswith("mid-November (2000-11-11 to 2000-11-20): A Japan-Russia Experts' Meeting")


def test_a_record_without_engagements_or_visit() -> None:
    record = _seed()
    del record["engagements"], record["visit"]
    for thing in record["statements"] + record["outcomes"]:
        thing.pop("engagement", None)
    assert check_record(record) == []
    text = all_text(_check_report(record))
    assert "Engagements: 0" in text
    assert "Principal" not in text
    summary = parse(dump_summary(record))
    lines = all_text(summary).splitlines()
    assert lines[lines.index("Engagements") + 1] == "None recorded."


def _ingested(path: Path) -> dict[str, Any]:
    record: dict[str, Any] = ingest(path.read_bytes(), str(path)).record
    return record


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _body_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every text of a document's blocks: headings, labels, paragraphs, keys and values, cells."""
    texts: list[str] = []
    stack = list(reversed(blocks))
    while stack:
        block = stack.pop()
        if "type" not in block:  # a list item
            texts.append(block["label"])
            stack.extend(reversed(block.get("blocks", [])))
        elif block["type"] == "section":
            texts += [block.get("label", ""), block["heading"]]
            stack.extend(reversed(block.get("blocks", [])))
        elif block["type"] == "paragraph":
            texts.append(block["text"])
        elif block["type"] == "field":
            texts += [block["key"], block["value"]]
        elif block["type"] == "table":
            texts += [cell for row in block["rows"] for cell in row]
        else:
            stack.extend(reversed(block["items"]))
    return [text for text in texts if text]


@pytest.mark.parametrize("path", RELEASES, ids=lambda path: path.stem)
def test_every_ingested_release_renders_as_commonmark_with_all_its_text(path: Path) -> None:
    record = _ingested(path)
    tokens = _check_report(record)  # the release text: every block once, in order, in both parsers
    _check_summary(record)
    text = all_text(tokens)
    for piece in _body_texts(record["document"].get("body", [])):
        assert piece in text, piece
    headings = _headings(tokens)
    titles = [line["text"] for line in record["document"]["header"] if line["type"] == "title"]
    assert headings[0] == (1, " ".join(titles))
    for line in record["document"]["header"]:  # the title, else in the metadata; page chrome left out
        if line["type"] != "chrome":
            assert _spaced(line["text"]) in _spaced(text), line
    rendered = dump_markdown(record)
    for block in record["document"].get("footer", []):  # chrome is left out
        if block["type"] == "paragraph" and block["text"] not in _body_texts(record["document"].get("body", [])):
            assert md_text.block(block["text"]) not in rendered, block


def test_ingested_header_lines_in_the_metadata() -> None:
    def metadata(name: str) -> list[str]:
        tokens = parse(dump_markdown(_ingested(ROOT / "tests" / "releases" / f"{name}.txt")))
        lines = all_text(tokens).splitlines()
        return lines[1 : lines.index("At a glance")]

    three_lines = metadata("header-three-line-title-summary")
    assert three_lines == [
        "Qualifier: (Summary)",
        "Published: 5 September 2000 (as printed: September 5, 2000)",
        "Issuer: not recorded",
        "Language: not recorded",
        "Source: not recorded",
    ]
    assert metadata("header-weekday-date")[0] == "Published: Tuesday, September 25 (as printed)"
    assert metadata("header-lead-starts-with-date")[:2] == ["Published: not recorded", "Issuer: not recorded"]
    two_line_issuer = metadata("header-tentative-issuer-two-lines")
    assert two_line_issuer[0] == "Qualifier: (Tentative Translation)"
    assert "Issuer: Office of the Press Secretary, Ministry of Foreign Affairs of Japan" in two_line_issuer
    record = _ingested(ROOT / "tests" / "releases" / "header-three-line-title-summary.txt")
    summary = all_text(parse(dump_summary(record))).splitlines()
    assert summary[1] == (
        f"(Summary). 5 September 2000 (as printed: September 5, 2000). Full report: {record['id']}.md"
    )


def test_ingested_key_value_lines_render_as_bold_keys() -> None:
    record = _ingested(ROOT / "tests" / "releases" / "fields-adjacent.txt")
    text = dump_markdown(record)
    fields = [e for e in release_stream(parse(text)) if e[0] == "field"]
    assert fields == [("field", 0, "Date", "12 March 2010"), ("field", 0, "Time", "18:00-20:00"), fields[2]]
    assert fields[2][2] == "Venue"
    assert "\n\n**Time:** 18:00-20:00\n\n" in text


@pytest.mark.parametrize("name", ["table-aligned-spaces", "table-pipes", "table-pipes-no-outer", "table-tabs"])
def test_ingested_tables_of_every_style_render_as_tables(name: str) -> None:
    record = _ingested(ROOT / "tests" / "releases" / f"{name}.txt")
    tokens = parse(dump_markdown(record))
    tables = [e for e in release_stream(tokens) if e[0] == "table"]
    assert tables
    assert tables == [e for e in expected_stream(record) if e[0] == "table"]
    for _, _, rows in tables:
        assert len({len(row) for row in rows}) == 1  # ragged rows padded


def test_the_corpus_has_every_table_style_ragged_rows_and_fields() -> None:
    """What the tests over the corpus cover, so that they keep covering it (labels alone it has not: the
    hostile record and the generated documents have them)."""
    styles, kinds = set(), set()
    ragged = 0
    for path in RELEASES:
        stack = list(_ingested(path)["document"].get("body", []))
        while stack:
            block = stack.pop()
            kinds.add(block["type"])
            if block["type"] == "table":
                styles.add(block.get("style"))
                ragged += len({len(row) for row in block["rows"]}) > 1
            stack += block.get("blocks", [])
            for item in block.get("items", []):
                stack += item.get("blocks", [])
    assert styles == {None, "pipe", "bar", "space"}
    assert kinds == {"section", "paragraph", "list", "table", "field"}
    assert ragged


def test_a_record_without_release_facts() -> None:
    record = _seed()
    del record["release"]
    assert check_record(record) == []
    tokens = _check_report(record)
    lines = all_text(tokens).splitlines()
    assert lines[1:6] == [
        "Published: 4 November 2000 (as printed)",
        "Issuer: Ministry of Foreign Affairs",
        "Language: not recorded",
        "Source: not recorded",
        "At a glance",
    ]
    assert "Visit: outbound, completed" in lines
    _check_summary(record)
    summary = all_text(parse(dump_summary(record))).splitlines()
    assert summary[1] == "4 November 2000 (as printed), Ministry of Foreign Affairs. Full report: kono-russia-2000.md"
    record["document"]["header"] = record["document"]["header"][:1]
    assert check_record(record) == []
    lines = all_text(_check_report(record)).splitlines()
    assert lines[1:3] == ["Published: not recorded", "Issuer: not recorded"]
    summary = all_text(parse(dump_summary(record))).splitlines()
    assert summary[1] == "Full report: kono-russia-2000.md"


def test_a_record_of_a_header_alone() -> None:
    record = {
        "schema_version": "2.0",
        "id": "bare",
        "release": {"country": "JP"},
        "document": {"header": [{"id": "h1", "type": "qualifier", "text": "(Summary)"}]},
    }
    assert check_record(record) == []
    tokens = _check_report(record)
    assert _headings(tokens)[:2] == [(1, "bare"), (2, "At a glance")]
    lines = all_text(tokens).splitlines()
    assert lines[1:4] == ["Qualifier: (Summary)", "Published: not recorded", "Issuer: JP"]
    _check_summary(record)
    assert all_text(parse(dump_summary(record))).splitlines()[1] == "(Summary). JP. Full report: bare.md"


def test_facts_may_cite_the_header_and_the_footer() -> None:
    record = _seed()
    record["document"]["footer"].append(
        {
            "id": "f.s1",
            "type": "section",
            "heading": "Related Links",
            "blocks": [{"id": "f.s1.p1", "type": "paragraph", "text": "Japan-Russia Relations"}],
        }
    )
    record["referenced_documents"][0]["sources"] = ["h1", "f.p1", "f.s1.p1"]
    record["engagements"].append(
        {
            "id": "related",
            "kind": "meeting",
            "status": "held",
            "date": {"date": "2000-11-03"},
            "sources": ["f.s1", "h3"],
        }
    )
    assert check_record(record) == []
    tokens = _check_report(record)
    title = "visit-to-the-russian-federation-by-minister-for-foreign-affairs-yohei-kono"
    assert _table(tokens, "Referenced documents")[1][-1] == "title, footer paragraph 1, Related Links"
    text = dump_markdown(record)
    assert f"| [title](#{title}), [footer paragraph 1](#release-text), [Related Links](#release-text) |" in text
    assert f"* **Release text:** [Related Links](#release-text), [issuer line](#{title})" in text
    assert "Release text: Related Links, issuer line" in all_text(tokens)
    assert "Related Links" not in [text for _, text in _headings(tokens)]
    _check_summary(record)


def test_summary_and_report_share_the_at_a_glance_block() -> None:
    record = _seed()

    def glance(text: str) -> str:
        return text.split("## At a glance\n\n", 1)[1].split("\n\n", 1)[0]

    assert glance(dump_summary(record)) == glance(dump_markdown(record))


def test_golden_files_are_current() -> None:
    record = _seed()
    assert REPORT.read_text(encoding="utf-8") == dump_markdown(record), (
        "examples/kono-russia-2000.md is stale; regenerate it with the command in the README"
    )
    assert SUMMARY.read_text(encoding="utf-8") == dump_summary(record), (
        "examples/kono-russia-2000.summary.md is stale; regenerate it with the command in the README"
    )


def test_output_is_the_same_bytes_in_another_process() -> None:
    script = (
        "import json, sys; from visitexport import dump_markdown, dump_summary;"
        "r = json.load(open(sys.argv[1])); sys.stdout.buffer.write((dump_markdown(r) + dump_summary(r)).encode())"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(EXAMPLE)],
            capture_output=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "LC_ALL": "C"},
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] == (dump_markdown(_seed()) + dump_summary(_seed())).encode()


# --- hostile text ----------------------------------------------------------------


def hostile_record() -> dict[str, Any]:
    """The seed with our hostile texts in the header, headings, labels, paragraphs, key/value lines, table cells
    and facts."""
    record = _seed()
    body = record["document"]["body"]
    header = record["document"]["header"]
    header[0]["text"] = "<h1>Title</h1> | # [x](javascript:alert(1))"
    header.insert(1, {"id": "h4", "type": "qualifier", "text": "(*Summary*) | <b>"})
    header[2]["text"] = "[4 November](javascript:alert(1)) 2000"
    header[3]["text"] = "Ministry of **Foreign** Affairs\t| x"
    body[1]["heading"] = "| Courtesy Call | <img src=x onerror=alert(1)> #"
    body[1]["blocks"][0]["label"] = "<b>"
    listing = body[1]["blocks"][0]["blocks"][0]
    for n, item in enumerate(listing["items"]):
        item["label"] = ["*", "#"][n % 2]
    nested = listing["items"][0]["blocks"][1]
    for item, text in zip(nested["items"], HOSTILE, strict=False):
        item["blocks"][0]["text"] = text
        item["label"] = "1)"
    body.append(
        {
            "type": "table",
            "header_rows": 1,
            "rows": [HOSTILE[:3], HOSTILE[3:6], ["", "|", "\\|"]],
        }
    )
    body.append(
        {
            "type": "list",
            "items": [
                {"label": label, "blocks": [{"type": "paragraph", "text": text}]}
                for label, text in zip(
                    ["-", "+", "1.", "(a)", ">", "[x]", "`", "\\", "|", "•"] * 4, HOSTILE, strict=False
                )
            ],
        }
    )
    body.append(
        {
            "type": "list",
            "items": [{"label": "-", "blocks": [{"type": "paragraph", "text": "a list right after a list"}]}],
        }
    )
    body.extend({"type": "paragraph", "text": text} for text in HOSTILE)
    body.extend(
        {"type": "field", "key": key, "value": value} for key, value in zip(HOSTILE, HOSTILE[::-1], strict=True)
    )
    body.append({"type": "table", "style": "space", "rows": [HOSTILE[:1], HOSTILE[1:4], ["", "\\"]]})
    body.append(
        {
            "type": "list",
            "items": [
                {"label": "**"},
                {"label": "#", "blocks": [{"type": "field", "key": "**Time**", "value": "*18:00* | x"}]},
                {"label": "1.", "blocks": [{"type": "table", "rows": [["a", "b"], ["c"]]}]},
                {"label": "-"},
            ],
        }
    )
    assign_ids(body)
    record["people"][0]["name"] = "Yohei | Kono <script>"
    record["people"][1]["titles"][0]["normalised"] = "[President](javascript:alert(1))"
    record["places"][0]["name"] = "![Moscow](http://example.com/x.png)"
    record["engagements"][0]["name"] = "# Courtesy | call *"
    igc = next(o for o in record["organisations"] if o["id"] == "igc")
    igc["name"] = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) *em*"
    igc["abbreviation"] = "| x |"
    record["engagements"][2]["participants"][0]["side"] = "igc"
    record["outcomes"][1]["summary"] = "| col | col | <a href='javascript:alert(1)'>x</a>"
    record["outcomes"][1]["due"]["printed"] = "before **the end** | of the year"
    record["statements"][0]["summary"] = "`code` and <!-- html --> and [link][1]"
    record["referenced_documents"][1]["title"] = "[Krasnoyarsk](http://evil.example) | Agreement"
    return record


def test_hostile_texts_render_as_literal_text() -> None:
    record = hostile_record()
    assert check_record(record) == []
    tokens = _check_report(record)
    hrefs = links(tokens)
    assert all(h.startswith("#") for h in hrefs)
    text = all_text(tokens)
    for hostile in HOSTILE:
        assert hostile in text
    lines = text.splitlines()
    assert "Qualifier: (*Summary*) | <b>" in lines
    assert "Published: 4 November 2000 (as printed: [4 November](javascript:alert(1)) 2000)" in lines
    assert "Issuer: Ministry of Foreign Affairs (JP, as printed: Ministry of **Foreign** Affairs\t| x)" in lines
    stream = release_stream(tokens)
    assert ("field", 0, HOSTILE[0], HOSTILE[-1]) in stream
    assert [e for e in stream if e[:2] == ("item", 1) and e[2] in ("**", "#", "1.")] == [
        ("item", 1, "**"),
        ("item", 1, "#"),
        ("item", 1, "1."),
    ]
    assert ("field", 1, "**Time**", "*18:00* | x") in stream
    assert ("table", 1, [["", ""], ["a", "b"], ["c", ""]]) in stream
    people = _table(tokens, "People")
    assert all(len(row) == 3 for row in people)
    assert people[1] == [
        "Yohei | Kono <script>",
        f"Minister for Foreign Affairs of Japan; Co-Chair of the {IGC}",
        "JP",
    ]
    assert people[2][1] == "[President](javascript:alert(1)); President of the Russian Federation"
    outcomes = _table(tokens, "Outcomes and follow-ups")
    assert all(len(row) == 6 for row in outcomes)
    assert outcomes[2][0] == "| col | col | <a href='javascript:alert(1)'>x</a>"
    assert outcomes[2][3] == "before **the end** | of the year"
    documents = _table(tokens, "Referenced documents")
    assert documents[2][0] == "[Krasnoyarsk](http://evil.example) | Agreement"


def test_hostile_summary_renders_as_literal_text() -> None:
    record = hostile_record()
    tokens = parse(dump_summary(record))
    assert raw_html_or_images(tokens) == []
    assert _headings(tokens)[0] == (1, "Summary: " + record["document"]["header"][0]["text"])
    anchors = github_anchors(parse(dump_markdown(record)))
    for href in links(tokens)[1:]:
        assert href.split("#")[1] in anchors
    text = all_text(tokens)
    assert (
        "before **the end** | of the year (2000-11-04 to 2000-12-31): | col | col | <a href='javascript:alert(1)'>x</a>"
        in text
    )
    assert "# Courtesy | call *" in text


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Area km²", "area-km"),
        ("Agenda ①", "agenda-"),
        ("a‿b", "a‿b"),
        ("Ⓐ plan", "ⓐ-plan"),
        ("Caf\u00e9 \u2013 talks", "caf\u00e9--talks"),
    ],
)
def test_anchors_follow_github(heading: str, anchor: str) -> None:
    assert md_text.slug(heading) == anchor


def test_repeated_labels_are_cited_apart() -> None:
    record = _seed()
    dashes = record["document"]["body"][3]["blocks"][3]["blocks"][0]["items"][1]["blocks"][1]
    assert [item["label"] for item in dashes["items"]] == ["-", "-", "-", "-"]
    dashes["items"][2]["label"] = "-[2]"
    assert check_record(record) == []
    facts = Facts(record)
    cited = [facts.cite(item["id"]) for item in dashes["items"]]
    assert cited == ["3. (3) 2. -[1]", "3. (3) 2. -[2][1]", "3. (3) 2. -[2][2]", "3. (3) 2. -[3]"]
    assert [facts.cite(item["id"]) for item in _seed()["document"]["body"][3]["blocks"][3]["blocks"][0]["items"]] == [
        "3. (3) 1.",
        "3. (3) 2.",
    ]


def test_a_url_with_white_space_at_its_end_keeps_it() -> None:
    record = _seed()
    record["release"]["url"] = "https://example.org/page\u00a0"
    assert check_record(record) == []
    text = dump_markdown(record)
    assert [h for h in links(parse(text)) if not h.startswith("#")] == [record["release"]["url"]]
    assert [h for h in gfm_links(gfm_html(text)) if not h.startswith("#")] == [record["release"]["url"]]


def test_links_come_only_from_the_release_url() -> None:
    record = _seed()
    record["release"]["url"] = "https://www.mofa.go.jp/region/europe/russia/fmv0011/visit_(1).html?a=1&amp;b=*x*"
    tokens = _check_report(record)
    external = [h for h in links(tokens) if not h.startswith("#")]
    assert external == ["https://www.mofa.go.jp/region/europe/russia/fmv0011/visit_(1).html?a=1&amp;b=*x*"]
    assert f"Source: {record['release']['url']}" in all_text(tokens)


def test_dates_are_as_printed_only_when_printed() -> None:
    record = _seed()
    engagement = record["engagements"][0]
    del engagement["date"]["printed"]
    engagement["end_date"] = {"printed": "the next days", "earliest": "2000-11-03", "latest": "2000-11-04"}
    summit = next(o for o in record["outcomes"] if o["id"] == "o-leaders-summit")
    del summit["due"]["printed"]
    record["outcomes"].append(
        {
            "id": "o-undated",
            "kind": "follow_up",
            "summary": "Both sides will keep in touch.",
            "quote": "Foreign Minister Kono",
            "parties": ["JP", "RU"],
            "sources": ["s1.s1.l1.i1"],
        }
    )
    assert check_record(record) == []
    tokens = _check_report(record)
    text = all_text(tokens)
    assert "Date: 2 November 2000 to the next days (2000-11-03 to 2000-11-04)" in text
    assert "as printed: 2 November)" not in text.split("Courtesy Call on President Putin by Foreign Minister Kono")[1]
    outcomes = _table(tokens, "Outcomes and follow-ups")
    row = outcomes[1 + [o["id"] for o in record["outcomes"]].index("o-leaders-summit")]
    assert row[3:5] == ["", "2000-11-15"]
    assert "Outcomes: 28, of which 12 follow-ups (what happens next)" in text
    summary = all_text(parse(dump_summary(record))).splitlines()
    follow_ups = [line for line in summary if "): " in line or line.startswith("no date given")]
    assert len(follow_ups) == 12
    assert follow_ups[0].startswith("15 November 2000 (2000-11-15): A Japan-Russia Leaders Summit")
    assert follow_ups[-1].startswith("no date given: Both sides will keep in touch. (JP, RU; 1. (1) 1.)")


def test_engagement_facts_in_words() -> None:
    record = _seed()
    engagement = record["engagements"][1]
    engagement["duration"] = "PT2H30M"
    engagement["times"] = [{"start": "10:00", "end": "12:30", "utc_offset": "+03:00", "printed": "from 10 a.m."}]
    engagement["occasion"] = "on the margins of *something*"
    assert check_record(record) == []
    text = all_text(_check_report(record))
    assert "Duration: 2 hours 30 minutes" in text
    assert "Time: 10:00-12:30 UTC+03:00 (as printed: from 10 a.m.)" in text
    assert "Occasion: on the margins of *something*" in text


def test_engagements_without_a_section_get_their_own_heading() -> None:
    record = _seed()
    record["engagements"].append(
        {
            "id": "lunch",
            "kind": "working_lunch",
            "status": "held",
            "date": {"date": "2000-11-03"},
            "participants": [{"person": "ivanov", "side": "RU", "role": "host"}],
            "sources": ["p1", "s2.s1.l1.i1"],
        }
    )
    assert check_record(record) == []
    tokens = _check_report(record)
    headings = _headings(tokens)
    assert (2, "Other engagements") in headings
    assert (3, "Working lunch on 3 November 2000") in headings
    text = all_text(tokens)
    assert "Release text: paragraph 1, 2. (1) 1." in text
    summary = parse(dump_summary(record))
    assert "kono-russia-2000.md#working-lunch-on-3-november-2000" in links(summary)


# --- escaping, for any text ----------------------------------------------------------

_PIECES = [
    *list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ aZ09"),
    *["\xa0", "\u3000", "\u2028", "\x85", "\x7f", "é", "\U0001f600", "\ufeff"],
    *["www.", "http://x.y", "&amp;", "&#60;", "1.", "1)", "<a>", "a@b.co", "    ", "***", "---", "\\|"],
    *["example.com", "//example.org/x", "a.bc", "xmpp:", "mailto:", "ftp://", "[ ]", "①", "²", "‿"],
    *["café.com", "пример.рф", "x+.com", "//localhost/x", "ё.org", "/", "."],
]
TEXTS = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12).map("".join).filter(lambda t: bool(LINE.match(t)))
#: Texts as the document prints them: tabs too, between words.
PRINTED_TEXTS = (
    st.lists(st.sampled_from([*_PIECES, "\t", "a\tb", "\t\t"]), min_size=1, max_size=12)
    .map("".join)
    .filter(lambda t: bool(PRINTED.match(t)))
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(PRINTED_TEXTS, PRINTED_TEXTS)
def test_any_line_of_text_survives_every_place(first: str, second: str) -> None:
    b = md_text.block
    source = "\n".join(
        [
            f"{b(first)}\n\n## {b(first)}\n",
            f"| {b(first)} | {b(second)} |\n| --- | --- |\n| {b(second)} | {b(first)} |\n",
            f"- {b(first)}\n  - {b(second)}\n\nx {md_text.inline(second)}\n",
        ]
    )
    tokens = parse(source)
    assert raw_html_or_images(tokens) == []
    assert links(tokens) == []
    assert [plain(t) for t in tokens if t.type == "inline"] == [
        first,
        first,
        first,
        second,
        second,
        first,
        first,
        second,
        "x " + second,
    ]
    root = gfm_html(source)
    assert gfm_tags(root) <= GFM_TAGS
    assert all(is_email_link(href) for href in gfm_links(root))
    # A tight item's own text comes before its nested list, as the element's text.
    cells = [gfm_item_text(e)[0] if e.tag == "li" else e.text_content() for e in root.iter("p", "h2", "th", "td", "li")]
    assert cells == [first, first, first, second, second, first, first, second, "x " + second]
    kinds = [t.type for t in tokens]
    assert kinds.count("bullet_list_open") == 2
    assert kinds.count("th_open") == 2
    assert kinds.count("td_open") == 2


@pytest.mark.parametrize("text", ["a\nb", "a\rb", "x\x0by", "x\x00", "\x1f"])
def test_text_with_line_breaks_or_controls_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="control character"):
        md_text.inline(text)


def test_tabs_between_words_stay_tabs_and_at_either_end_survive() -> None:
    assert md_text.inline("a\tb") == "a\tb"
    assert md_text.inline("\ta\t") == "&#x9;a&#x9;"
    paragraph, cell = md_text.block("Time:\t18:00"), md_text.block("\tcell\t")
    source = f"{paragraph}\n\n| {cell} |\n| --- |\n"
    assert [plain(t) for t in parse(source) if t.type == "inline"] == ["Time:\t18:00", "\tcell\t"]


def test_an_invalid_record_is_refused_before_rendering() -> None:
    record = _seed()
    record["document"]["body"][0]["text"] = "two\nlines"
    with pytest.raises(InvalidRecordError):
        dump_markdown(record)
    with pytest.raises(InvalidRecordError):
        dump_summary(record)


# --- generated records ----------------------------------------------------------------

_LABELS = st.sampled_from(
    ["1.", "(1)", "-", "•", "(a)", "a.", "*", "#", "1)", "+", ">", "|", "<b>", "[x]", "\\", "`", "i.", "2000."]
)
_LINES = TEXTS | st.sampled_from(HOSTILE)
_PRINTED = PRINTED_TEXTS | st.sampled_from(HOSTILE)


@st.composite
def _blocks(draw: st.DrawFn, depth: int = 0) -> list[dict[str, Any]]:
    """Blocks of schema 2.0 without layout (which the Markdown ignores): key/value lines, tables of any
    style with ragged rows and optional header rows, items with no blocks, texts with tabs."""
    out: list[dict[str, Any]] = []
    flat = ["paragraph", "field", "table"]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from([*flat, "section", "list"] if depth < 3 else flat))
        if kind == "paragraph":
            out.append({"type": "paragraph", "text": draw(_PRINTED)})
        elif kind == "field":
            out.append({"type": "field", "key": draw(_PRINTED), "value": draw(_PRINTED)})
        elif kind == "table":
            row = st.integers(1, 3).flatmap(
                lambda width: st.lists(_PRINTED | st.just(""), min_size=width, max_size=width)
            )
            rows = draw(st.lists(row, min_size=1, max_size=3))
            table: dict[str, Any] = {"type": "table", "rows": rows}
            style = draw(st.sampled_from([None, "pipe", "bar", "space"]))
            if style is not None:
                table["style"] = style
            header_rows = draw(st.integers(0, len(rows)))
            if header_rows:
                table["header_rows"] = header_rows
            out.append(table)
        elif kind == "section":
            section: dict[str, Any] = {"type": "section", "heading": draw(_PRINTED)}
            if draw(st.booleans()):
                section["label"] = draw(_LABELS)
            if draw(st.booleans()):
                section["blocks"] = draw(_blocks(depth + 1))
            out.append(section)
        else:
            items = []
            for _ in range(draw(st.integers(1, 3))):
                item: dict[str, Any] = {"label": draw(_LABELS)}
                if draw(st.integers(0, 3)):  # now and then a label alone
                    item["blocks"] = draw(_blocks(depth + 1))
                items.append(item)
            out.append({"type": "list", "items": items})
    return out


_HEADER_KINDS = ("title", "qualifier", "date", "issuer")


@st.composite
def _header(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A header of any printed lines in any order: no title, several, qualifiers, dates and issuers."""
    kinds = draw(st.lists(st.sampled_from(_HEADER_KINDS), min_size=1, max_size=5))
    return [{"id": f"h{n}", "type": kind, "text": draw(_PRINTED)} for n, kind in enumerate(kinds, 1)]


def _check_summary(record: dict[str, Any]) -> None:
    text = dump_summary(record)
    tokens = parse(text)
    assert raw_html_or_images(tokens) == []
    assert gfm_tags(gfm_html(text)) <= GFM_TAGS
    anchors = github_anchors(parse(dump_markdown(record)))
    for href in links(tokens)[1:]:
        assert href.split("#")[1] in anchors


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_blocks(), _LINES, _header(), st.sets(st.sampled_from(["date", "issuer", "country", "language"])))
def test_generated_documents_render_exactly(
    blocks: list[dict[str, Any]], name: str, header: list[dict[str, Any]], unstated: set[str]
) -> None:
    record = _seed()
    record["document"]["header"] = header
    for key in unstated:
        del record["release"][key]
    if not record["release"]:
        del record["release"]
    body = record["document"]["body"]
    before = [b["id"] for b in body]
    body.extend(blocks)
    assign_ids(body)
    assert [b["id"] for b in body[: len(before)]] == before
    sections = [b["id"] for b in blocks if b["type"] == "section"]
    if sections:
        record["engagements"].append(
            {
                "id": "gen-engagement",
                "kind": "meeting",
                "name": name,
                "status": "held",
                "date": {"date": "2000-11-02"},
                "sources": [sections[0]],
            }
        )
    assert check_record(record) == []
    render_text(record)  # the document layer is well formed
    _check_report(record)
    _check_summary(record)


# Generating facts from the schema is slow (hypothesis-jsonschema): few examples, each with many facts.
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(GENERATED_FACTS)
def test_facts_generated_from_the_schema_render_exactly(facts: dict[str, Any]) -> None:
    record = splice(facts)
    assert check_record(record) == []
    tokens = _check_report(record)
    _check_summary(record)
    for title, key, field in (
        ("People", "people", "name"),
        ("Statements", "statements", "summary"),
        ("Outcomes and follow-ups", "outcomes", "summary"),
        ("Referenced documents", "referenced_documents", "title"),
    ):
        rows = _table(tokens, title)
        assert len({len(row) for row in rows}) == 1
        column = 2 if key == "statements" else 0
        assert [row[column] for row in rows[1:]] == [thing[field] for thing in record[key]]


_SCHEMA = load_schema()["$defs"]
_BLOCK_IDS = sorted(Facts(BASE).blocks)
_SEED_PEOPLE = [p["id"] for p in BASE["people"]]


@st.composite
def _engagement(draw: st.DrawFn, ident: str, day: dict[str, Any] | None = None, depth: int = 0) -> dict[str, Any]:
    """An engagement built from the schema's own lists, its texts hostile, its references resolved."""
    props = _SCHEMA["engagement"]["properties"]
    if day is None:
        exact = {"date": draw(st.sampled_from(["2000-11-01", "2000-11-02", "2000-11-03"]))}
        if draw(st.booleans()):
            exact["printed"] = draw(_LINES)
        fuzzy = {"printed": draw(_LINES), "earliest": "2000-11-01", "latest": "2000-11-02"}
        day = draw(st.sampled_from([exact, fuzzy]))
    engagement: dict[str, Any] = {
        "id": ident,
        "kind": draw(st.sampled_from(props["kind"]["enum"])),
        # Every day drawn is before the release, which a planned engagement cannot be (date.status).
        "status": draw(st.sampled_from([s for s in props["status"]["enum"] if s != "planned"])),
        "date": day,
    }
    if draw(st.booleans()):
        engagement["name"] = draw(_LINES)
    if depth == 0 and draw(st.booleans()):
        engagement["end_date"] = {"date": "2000-11-04"}
    if draw(st.booleans()):
        clock = {"start": "10:00", "end": "11:30", "utc_offset": "+03:00"}
        if draw(st.booleans()):
            clock["printed"] = draw(_LINES)
        engagement["times"] = [clock]
    if draw(st.booleans()):
        engagement["duration"] = draw(st.sampled_from(["PT1M", "PT55M", "PT1H", "PT2H30M"]))
    if draw(st.booleans()):
        engagement["place"] = "moscow"
    if draw(st.booleans()):
        engagement["occasion"] = draw(_LINES)
    people = draw(st.lists(st.sampled_from(_SEED_PEOPLE), max_size=3, unique=True))
    if people:
        engagement["participants"] = []
        for person in people:
            participant: dict[str, Any] = {
                "person": person,
                "side": draw(st.sampled_from(["JP", "RU", "apec"])),
                "role": draw(st.sampled_from(_SCHEMA["participant"]["properties"]["role"]["enum"])),
            }
            if draw(st.booleans()):
                participant["title"] = {"printed": draw(_LINES), "normalised": draw(_LINES)}
            engagement["participants"].append(participant)
    engagement["sources"] = draw(st.lists(st.sampled_from(_BLOCK_IDS), min_size=1, max_size=3, unique=True))
    if depth == 0 and draw(st.booleans()):
        subs = draw(st.integers(1, 2))
        engagement["engagements"] = [draw(_engagement(f"{ident}-{n}", day, 1)) for n in range(subs)]
    return engagement


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.integers(0, 1), min_size=1, max_size=4), st.data())
def test_generated_engagements_and_hostile_facts_render_exactly(shape: list[int], data: st.DataObject) -> None:
    record = _seed()
    record["engagements"] = [data.draw(_engagement(f"gen-{n}")) for n, _ in enumerate(shape)]
    for key, field in (
        ("people", "name"),
        ("places", "name"),
        ("organisations", "name"),
        ("statements", "summary"),
        ("outcomes", "summary"),
        ("referenced_documents", "title"),
    ):
        for thing in record[key]:
            if data.draw(st.booleans()):
                thing[field] = data.draw(_LINES)
    for statement in record["statements"]:
        statement.pop("engagement", None)
    for outcome in record["outcomes"]:
        outcome.pop("engagement", None)
    assert check_record(record) == []
    tokens = _check_report(record)
    _check_summary(record)
    every = list(record["engagements"]) + [s for e in record["engagements"] for s in e.get("engagements", [])]
    summary_links = links(parse(dump_summary(record)))
    assert len([h for h in summary_links if "#" in h]) >= len(every)
    people = _table(tokens, "People")
    assert [row[0] for row in people[1:]] == [p["name"] for p in record["people"]]


# --- command line ------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--to", "md"], ["--to", "markdown"]])
def test_convert_to_markdown(args: list[str]) -> None:
    result = CliRunner().invoke(main, ["convert", str(EXAMPLE), *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == REPORT.read_text(encoding="utf-8")


def test_convert_infers_markdown_from_the_extension_and_writes_the_summary(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["convert", str(EXAMPLE), "-o", str(tmp_path / "r.md")]).exit_code == 0
    assert (tmp_path / "r.md").read_text(encoding="utf-8") == REPORT.read_text(encoding="utf-8")
    assert (
        runner.invoke(main, ["convert", str(EXAMPLE), "--summary", "-o", str(tmp_path / "s.markdown")]).exit_code == 0
    )
    assert (tmp_path / "s.markdown").read_text(encoding="utf-8") == SUMMARY.read_text(encoding="utf-8")


def test_report_link_points_the_summary_elsewhere() -> None:
    result = CliRunner().invoke(
        main, ["convert", str(EXAMPLE), "--to", "md", "--summary", "--report-link", "../reports/kono (2000).md"]
    )
    assert result.exit_code == 0, result.output
    hrefs = links(parse(result.stdout))
    assert hrefs
    assert all(h.startswith("../reports/kono (2000).md") for h in hrefs)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "json", "--summary"], "--summary: json does not take it; it goes with md"),
        (["--to", "md", "--report-link", "x.md"], "--report-link: it goes with summary"),
        (["--to", "md", "--summary", "--report-link", "javascript:alert(1)"], "relative path or an http(s) URL"),
        (["--to", "md", "--summary", "--report-link", "<x>.md"], "without surrounding space"),
        (["--to", "md", "--summary", "--report-link", " javascript:alert(1)"], "without surrounding space"),
        (["--to", "md", "--summary", "--report-link", ""], "without surrounding space"),
        (["--to", "md", "--summary", "--report-link", "r.md#top"], "without surrounding space"),
        (["--to", "md", "--summary", "--report-link", "//evil.example/x.md"], "relative path or an http(s) URL"),
    ],
)
def test_summary_options_are_checked(args: list[str], message: str, tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    out.write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(EXAMPLE), *args, "-o", str(out)])
    assert result.exit_code == 2
    assert message in result.output
    assert out.read_text(encoding="utf-8") == "keep me"


def test_invalid_input_leaves_an_existing_report_alone(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace('"2000-11-04"', '"2000-13-04"', 1), encoding="utf-8")
    out = tmp_path / "out.md"
    out.write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "keep me"
