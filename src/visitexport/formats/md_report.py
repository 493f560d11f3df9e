"""Markdown report: a record as a readable brief, in CommonMark with GitHub's tables.

Mapping contract (record -> report; a rendering, not read back):

- ``# title`` (the document's title line), then the release's metadata
  (publication date, issuer, language, source link when the record has an
  http(s) ``release.url``: the only link made from data);
- ``## At a glance``: principals, direction and status, countries, places,
  period, how many engagements, people, outcomes and follow-ups;
- ``## Release text``: the document body in reading order, every block once.
  Sections are headings (``###`` for top-level sections, one level deeper per
  nesting, ``######`` at most) with their printed label kept in the text. Lists
  are bullet lists whose items begin with their printed label as literal text
  (``1.``, ``(a)``, ``-``, ``•``), so no renderer renumbers them; an item's
  first paragraph shares the label's line, nested lists follow it directly and
  continuation paragraphs follow, indented, inside the item. Adjacent lists
  alternate ``-`` and ``+`` so they stay apart; tables are GFM tables (an empty
  header row when the table has none; header rows after the first become body
  rows). The document's footer (a navigation line) is left out;
- an engagement whose sources include a section gets that section (the first
  one not already taken) as its heading, followed by a ``*`` list of its facts:
  name and kind, date, times, place, occasion, participants by side, and its
  sub-engagements that have no section of their own; engagements with no
  section get a heading under ``## Other engagements``;
- ``## People``, ``## Statements``, ``## Outcomes and follow-ups`` and
  ``## Referenced documents`` tables; a source column links each row to the
  section that holds its source blocks.

Anchors are the ids GitHub gives headings (`md_text.slug`, made unique with
``-1``, ``-2`` as GitHub does). All record text goes through `md_text`, so it
renders as exactly that text. `report` also returns the anchors, for the
summary.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..errors import InvalidRecordError
from ..validate import check_record
from . import md_text
from .md_facts import Facts, engagements, human_date, kind_words, when_bounds, when_words

__all__ = ["Report", "dump_markdown", "report"]

Thing = dict[str, Any]
FACT_MARKER = "*"
LIST_MARKERS = ("-", "+")


class Report(NamedTuple):
    """The report's text and where its anchors point."""

    text: str
    #: Anchor of each section and engagement by id, and of the release text under "".
    anchors: dict[str, str]
    facts: Facts
    #: The lines of the "At a glance" block.
    glance: list[str]


def _fact(label: str, value: str) -> str:
    """One fact line's text: a bold label and an already escaped value."""
    return f"**{label}:** {value}"


class _Writer:
    def __init__(self, record: Thing) -> None:
        self.record = record
        self.facts = Facts(record)
        self.lines: list[str] = []
        self.occurrences: dict[str, int] = {}
        self.anchors: dict[str, str] = {}
        self.owner: dict[str, Thing] = {}
        self.homeless: list[Thing] = []
        self.subs: dict[str, list[Thing]] = {}
        for engagement, parent in engagements(record):
            section = next(
                (
                    s
                    for s in engagement["sources"]
                    if self.facts.blocks.get(s, {}).get("type") == "section" and s not in self.owner
                ),
                None,
            )
            if section is not None:
                self.owner[section] = engagement
            elif parent is None:
                self.homeless.append(engagement)
            else:
                self.subs.setdefault(parent["id"], []).append(engagement)

    # --- building blocks -------------------------------------------------

    def heading(self, level: int, text: str, pad: str = "") -> str:
        """Write a heading of plain `text`; its anchor, unique as GitHub makes it."""
        self.lines.append(f"{pad}{'#' * min(level, 6)} {md_text.block(text)}")
        base = md_text.slug(text)
        anchor = base
        while anchor in self.occurrences:
            self.occurrences[base] += 1
            anchor = f"{base}-{self.occurrences[base]}"
        self.occurrences[anchor] = 0
        return anchor

    def blank(self) -> None:
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def table(self, header: list[str], rows: list[list[str]], pad: str = "") -> None:
        """A GFM table of already escaped cells."""
        self.lines.append(f"{pad}| {' | '.join(header)} |")
        self.lines.append(f"{pad}|{'|'.join(' --- ' for _ in header)}|")
        self.lines.extend(f"{pad}| {' | '.join(row)} |" for row in rows)

    def source_links(self, sources: list[str]) -> str:
        links = []
        for source in self.facts.outermost(sources):
            anchor = self.anchors[self.facts.section_of(source)]
            links.append(f"[{md_text.inline(self.facts.cite(source))}](#{anchor})")
        return ", ".join(links)

    # --- the release text ------------------------------------------------

    def blocks(self, blocks: list[Thing], level: int, pad: str, *, after_line: bool = False) -> None:
        """Blocks in reading order; `after_line`: the first follows an item's label line."""
        marker = ""
        for index, block in enumerate(blocks):
            kind = block["type"]
            if not (after_line and index == 0 and kind == "list"):
                self.blank()
            if kind == "section":
                self.section(block, level, pad)
            elif kind == "paragraph":
                self.lines.append(pad + md_text.block(block["text"]))
            elif kind == "table":
                rows = [[md_text.block(cell) for cell in row] for row in block["rows"]]
                header = rows[0] if block["header_rows"] else [""] * len(rows[0])
                self.table(header, rows[1:] if block["header_rows"] else rows, pad)
            else:
                marker = LIST_MARKERS[1] if marker == LIST_MARKERS[0] else LIST_MARKERS[0]
                self.items(block, marker, level, pad)
            if kind != "list":
                marker = ""

    def section(self, block: Thing, level: int, pad: str) -> None:
        text = f"{block['label']} {block['heading']}" if "label" in block else block["heading"]
        self.anchors[block["id"]] = self.heading(level, text, pad)
        engagement = self.owner.get(block["id"])
        if engagement is not None:
            self.anchors[engagement["id"]] = self.anchors[block["id"]]
            self.blank()
            self.engagement_facts(engagement, pad)
        if "blocks" in block:
            self.blocks(block["blocks"], level + 1, pad)

    def items(self, block: Thing, marker: str, level: int, pad: str) -> None:
        inner = pad + " " * (len(marker) + 1)
        for item in block["items"]:
            children = item["blocks"]
            if children[0]["type"] == "paragraph":
                self.lines.append(f"{pad}{marker} {md_text.block(item['label'] + ' ' + children[0]['text'])}")
                children = children[1:]
            else:
                self.lines.append(f"{pad}{marker} {md_text.block(item['label'])}")
            if children:
                self.blocks(children, level, inner, after_line=True)
                if children[-1]["type"] not in ("paragraph", "list"):
                    self.blank()

    # --- engagements -----------------------------------------------------

    def engagement_facts(self, engagement: Thing, pad: str, label: str = "Engagement") -> None:
        """The `*` list of an engagement's facts, its section-less sub-engagements nested in it."""
        facts = self.facts
        title = facts.engagement_title(engagement)
        kind = f"{kind_words(engagement['kind'])}, {engagement['status']}"
        self.lines.append(f"{pad}{FACT_MARKER} {_fact(label, f'{md_text.inline(title)} ({md_text.inline(kind)})')}")
        pad += " " * (len(FACT_MARKER) + 1) if label != "Engagement" else ""
        lines = []
        when = (
            human_date(engagement["date"]["date"]) if "date" in engagement["date"] else when_bounds(engagement["date"])
        )
        day = f"{md_text.inline(when)} (as printed: {md_text.inline(when_words(engagement['date']))})"
        if "end_date" in engagement:
            day += f" to {md_text.inline(when_words(engagement['end_date']))}"
        lines.append(_fact("Date", day))
        for clock in engagement.get("times", []):
            span = clock["start"] + (f"-{clock['end']}" if "end" in clock else "")
            local = f" on {human_date(clock['date'])}" if "date" in clock else ""
            zone = f", {clock['time_zone']}" if "time_zone" in clock else ""
            lines.append(_fact("Time", md_text.inline(f"{span} UTC{clock['utc_offset']}{local}{zone}")))
        for key, words in (("duration", "Duration"), ("scheduled_duration", "Scheduled duration")):
            if key in engagement:
                lines.append(_fact(words, md_text.inline(engagement[key])))
        if "place" in engagement:
            lines.append(_fact("Place", md_text.inline(facts.place_words(engagement["place"]))))
        if "occasion" in engagement:
            lines.append(_fact("Occasion", md_text.inline(engagement["occasion"])))
        sides: dict[str, list[str]] = {}
        for participant in engagement.get("participants", []):
            person = facts.name(participant["person"])
            about = [participant["title"]["printed"]] if "title" in participant else []
            about.append(kind_words(participant["role"]))
            sides.setdefault(participant["side"], []).append(f"{person} ({', '.join(about)})")
        for side, people in sides.items():
            lines.append(_fact(f"{facts.party(side)} side", md_text.inline("; ".join(people))))
        self.lines.extend(f"{pad}{FACT_MARKER} {line}" for line in lines)
        for sub in self.subs.get(engagement["id"], []):
            self.anchors[sub["id"]] = self.anchors[engagement["id"]]
            self.engagement_facts(sub, pad, "Part of it")

    # --- the whole report ------------------------------------------------

    def write(self) -> Report:
        record, facts = self.record, self.facts
        release = record["release"]
        self.heading(1, record["document"]["title"])
        self.blank()
        about = [
            _fact("Published", md_text.inline(f"{human_date(release['date'])} ({release['date']})")),
            _fact("Issuer", md_text.inline(f"{facts.party(release['issuer'])} ({release['country']})")),
            _fact("Language", md_text.inline(release["language"])),
        ]
        if "url" in release:
            about.append(_fact("Source", md_text.link(release["url"], release["url"])))
        self.lines.extend(f"{FACT_MARKER} {line}" for line in about)
        self.blank()
        self.heading(2, "At a glance")
        self.blank()
        glance = [f"{FACT_MARKER} {line}" for line in self.glance()]
        self.lines.extend(glance)
        self.blank()
        self.anchors[""] = self.heading(2, "Release text")
        self.blocks(record["document"]["body"], 3, "")
        if self.homeless:
            self.blank()
            self.heading(2, "Other engagements")
            for engagement in self.homeless:
                self.blank()
                self.anchors[engagement["id"]] = self.heading(3, facts.engagement_title(engagement))
                self.blank()
                self.engagement_facts(engagement, "")
                self.lines.append(f"{FACT_MARKER} **Release text:** {self.source_links(engagement['sources'])}")
        self.tables()
        self.lines.append("")
        return Report("\n".join(self.lines), dict(self.anchors), facts, glance)

    def glance(self) -> list[str]:
        record, facts = self.record, self.facts
        lines = []
        visit = record.get("visit")
        if visit is not None:
            who = "; ".join(facts.person_with_title(p) if p in facts.by_id else p for p in visit["principals"])
            lines.append(_fact("Principal" if len(visit["principals"]) == 1 else "Principals", md_text.inline(who)))
            kind = [kind_words(visit["kind"])] if "kind" in visit else []
            lines.append(_fact("Visit", md_text.inline(", ".join([*kind, visit["direction"], visit["status"]]))))
            lines.append(_fact("Countries", md_text.inline(", ".join(visit["countries"]))))
            if "places" in visit:
                lines.append(_fact("Places", md_text.inline(", ".join(facts.place_words(p) for p in visit["places"]))))
            if "period" in visit:
                period = visit["period"]
                span = f"{human_date(period['start'])} to {human_date(period['end'])}"
                if "printed" in period:
                    span += f" (as printed: {period['printed']})"
                lines.append(_fact("Period", md_text.inline(span)))
        every = list(engagements(record))
        top = len(record.get("engagements", []))
        count = f"{top}" + (f" (and {len(every) - top} within them)" if len(every) > top else "")
        lines.append(_fact("Engagements", count))
        lines.append(_fact("People", str(len(record.get("people", [])))))
        outcomes = record.get("outcomes", [])
        due = sum(1 for o in outcomes if "due" in o)
        lines.append(_fact("Outcomes", f"{len(outcomes)}, of which {due} with a due date (follow-ups)"))
        return lines

    def tables(self) -> None:
        record, facts = self.record, self.facts
        cell = md_text.block
        people = [
            [
                cell(p["name"]),
                cell("; ".join(dict.fromkeys(t["normalised"] for t in p.get("titles", [])))),
                cell(p.get("country", "")),
            ]
            for p in record.get("people", [])
        ]
        statements = [
            [
                cell(facts.party(s["speaker"])),
                cell(kind_words(s["kind"])),
                cell(s["summary"]),
                self.source_links(s["sources"]),
            ]
            for s in record.get("statements", [])
        ]
        outcomes = [
            [
                cell(o["summary"]),
                cell(kind_words(o["kind"])),
                cell(facts.parties(o["parties"])),
                cell(facts.parties(o["addressees"])) if "addressees" in o else "",
                cell(when_words(o["due"])) if "due" in o else "",
                cell(when_bounds(o["due"])) if "due" in o else "",
                self.source_links(o["sources"]),
            ]
            for o in record.get("outcomes", [])
        ]
        documents = [
            [
                cell(d["title"]),
                cell(kind_words(d["kind"])),
                cell(d["date"]["printed"]) if "printed" in d.get("date", {}) else "",
                cell(when_bounds(d["date"])) if "date" in d else "",
                cell(facts.parties(d["parties"])) if "parties" in d else "",
                self.source_links(d["sources"]),
            ]
            for d in record.get("referenced_documents", [])
        ]
        for title, header, rows in (
            ("People", ["Name", "Title at the time", "Country"], people),
            ("Statements", ["Speaker", "Kind", "What was said", "Source"], statements),
            (
                "Outcomes and follow-ups",
                ["What", "Kind", "Parties", "Addressed to", "Due (as printed)", "Due (bounds)", "Source"],
                outcomes,
            ),
            (
                "Referenced documents",
                ["Title", "Kind", "Date (as printed)", "Date (bounds)", "Parties", "Source"],
                documents,
            ),
        ):
            if rows:
                self.blank()
                self.heading(2, title)
                self.blank()
                self.table(header, rows)


def report(record: Thing) -> Report:
    """The report for a record and its anchors; `InvalidRecordError` if the record is not valid."""
    problems = check_record(record)
    if problems:
        raise InvalidRecordError("<record>", problems)
    return _Writer(record).write()


def dump_markdown(record: Thing) -> str:
    """The Markdown report for a valid record."""
    return report(record).text
