"""Markdown report: a record as a readable brief, in CommonMark with GitHub's tables.

Mapping contract (record -> report; a rendering, not read back):

- ``# title`` (the header's title, its printed lines joined already; the
  record's id when the header has none), then the release's metadata: its
  qualifiers as printed ('(Summary)', 'Provisional Translation'), when it was
  published (the date in words, and the printed date line when it says it
  otherwise), by whom (the issuer, else its printed line, and the issuing
  country), its language, and its source: a link when the record has a
  ``release.url`` (an http(s) address: the only link made from data); what
  the record does not state is "not recorded";
- ``## At a glance``: principals, the kind, direction and status of the visit,
  countries, places, period, how many engagements, people, outcomes and
  follow-ups (`md_facts.is_follow_up`);
- ``## Release text``: the document body in reading order, every block once
  (`md_release`); the footer (navigation, related links) is left out, and so is
  all layout (line breaks, indentation, empty lines, a table's printed style);
- an engagement whose sources include a section gets that section (the first
  one not already taken) as its heading, followed by a ``*`` list of its facts:
  name and kind, date, times, duration, place, occasion, participants by side
  (the issuing country's first), and its sub-engagements that have no section
  of their own, nested; engagements with no section get a heading under
  ``## Other engagements``, with links to their source blocks;
- ``## People``, ``## Statements``, ``## Outcomes and follow-ups`` and
  ``## Referenced documents`` tables; a source column cites each row's source
  blocks by their printed labels and links to the section holding them (a
  header line to the title, a footer part to the release text).

Anchors are the ids GitHub gives headings (`md_page.Page.heading`). All record
text goes through `md_text`, so it renders as exactly that text.
"""

from __future__ import annotations

from typing import NamedTuple

from visitexport.formats.markdown import text as md_text
from visitexport.formats.markdown.facts import (
    Facts,
    Thing,
    duration_words,
    engagements,
    human_date,
    is_follow_up,
    kind_words,
    when_bounds,
    when_text,
)
from visitexport.formats.markdown.page import Page
from visitexport.formats.markdown.release import write_release

__all__ = ["FACT_MARKER", "Report", "dump_markdown", "fact", "report"]

#: The marker of the report's own lists (the release's lists use '-' and '+').
FACT_MARKER = "*"
_NESTED = " " * (len(FACT_MARKER) + 1)


class Report(NamedTuple):
    """The report's text, where its anchors point, and what the summary shares with it."""

    text: str
    #: Anchor of each section and engagement by id, of the title under each header line's id, and of the
    #: release text under "".
    anchors: dict[str, str]
    facts: Facts
    #: The lines of the "At a glance" block.
    glance: list[str]


def fact(label: str, value: str) -> str:
    """One fact line of a ``*`` list: a bold label (plain text) and an already escaped value."""
    return f"{FACT_MARKER} **{md_text.inline(label)}:** {value}"


class _Writer:
    def __init__(self, record: Thing) -> None:
        self.record = record
        self.facts = Facts(record)
        self.page = Page()
        self.anchors: dict[str, str] = {}
        self.owner: dict[str, Thing] = {}
        self.homeless: list[Thing] = []
        self.subs: dict[str, list[Thing]] = {}
        for engagement, parent in engagements(record):
            sections = (
                s
                for s in engagement["sources"]
                if self.facts.blocks[s].get("type") == "section" and s not in self.facts.footer
            )
            section = next((s for s in sections if s not in self.owner), None)
            if section is not None:
                self.owner[section] = engagement
            elif parent is None:
                self.homeless.append(engagement)
            else:
                self.subs.setdefault(parent["id"], []).append(engagement)

    def source_links(self, sources: list[str]) -> str:
        links = []
        for source in self.facts.outermost(sources):
            anchor = self.anchors[self.facts.section_of(source)]
            links.append(f"[{md_text.inline(self.facts.cite(source))}](#{anchor})")
        return ", ".join(links)

    def under_section(self, section: Thing, pad: str) -> None:
        """After a section's heading: the facts of the engagement it belongs to, if any."""
        engagement = self.owner.get(section["id"])
        if engagement is not None:
            self.page.blank()
            self.engagement_facts(engagement, pad)

    def engagement_facts(self, engagement: Thing, pad: str, *, nested: bool = False) -> None:
        """The ``*`` list of an engagement's facts, its section-less sub-engagements nested in it."""
        facts, lines = self.facts, self.page.lines
        inline = md_text.inline
        title = inline(facts.engagement_title(engagement, with_date=False))
        status = engagement["status"] if nested and "name" not in engagement else None
        about = status or f"{kind_words(engagement['kind'])}, {engagement['status']}"
        lines.append(pad + fact("Within it" if nested else "Engagement", f"{title} ({inline(about)})"))
        pad += _NESTED if nested else ""
        day = when_text(engagement["date"])
        if "end_date" in engagement:
            day += f" to {when_text(engagement['end_date'])}"
        lines.append(pad + fact("Date", inline(day)))
        for clock in engagement.get("times", []):
            span = clock["start"] + (f"-{clock['end']}" if "end" in clock else "")
            local = f" on {human_date(clock['date'])}" if "date" in clock else ""
            zone = f", {clock['time_zone']}" if "time_zone" in clock else ""
            printed = f" (as printed: {clock['printed']})" if "printed" in clock else ""
            lines.append(pad + fact("Time", inline(f"{span} UTC{clock['utc_offset']}{local}{zone}{printed}")))
        for key, words in (("duration", "Duration"), ("scheduled_duration", "Scheduled duration")):
            if key in engagement:
                lines.append(pad + fact(words, inline(duration_words(engagement[key]))))
        if "place" in engagement:
            lines.append(pad + fact("Place", inline(facts.place_words(engagement["place"]))))
        if "occasion" in engagement:
            lines.append(pad + fact("Occasion", inline(engagement["occasion"])))
        for side, participants in facts.sides(engagement):
            people = []
            for participant in participants:
                about_person = [participant["title"]["printed"]] if "title" in participant else []
                about_person.append(kind_words(participant["role"]))
                people.append(f"{facts.name(participant['person'])} ({', '.join(about_person)})")
            lines.append(pad + fact(f"{facts.party(side)} side", inline("; ".join(people))))
        for sub in self.subs.get(engagement["id"], []):
            self.engagement_facts(sub, pad, nested=True)

    def write(self) -> Report:
        record, facts, page = self.record, self.facts, self.page
        release = record.get("release", {})
        inline = md_text.inline
        title = page.heading(1, facts.title())
        self.anchors.update(dict.fromkeys(facts.header, title))
        page.blank()
        qualifiers = facts.header_lines("qualifier")
        if qualifiers:
            page.lines.append(
                fact("Qualifier" if len(qualifiers) == 1 else "Qualifiers", inline("; ".join(qualifiers)))
            )
        source = md_text.link(release["url"], release["url"]) if "url" in release else "not recorded"
        page.lines += [
            fact("Published", inline(facts.published() or "not recorded")),
            fact("Issuer", inline(facts.issuer() or "not recorded")),
            fact("Language", inline(release.get("language", "not recorded"))),
            fact("Source", source),
        ]
        page.blank()
        page.heading(2, "At a glance")
        page.blank()
        glance = self.glance()
        page.lines += glance
        page.blank()
        self.anchors[""] = page.heading(2, "Release text")
        anchors = write_release(page, record["document"].get("body", []), 3, self.under_section)
        self.anchors.update(anchors)
        for section, engagement in self.owner.items():
            self.anchors[engagement["id"]] = anchors[section]
        if self.homeless:
            page.blank()
            page.heading(2, "Other engagements")
            for engagement in self.homeless:
                page.blank()
                self.anchors[engagement["id"]] = page.heading(3, facts.engagement_title(engagement))
                page.blank()
                self.engagement_facts(engagement, "")
                page.lines.append(fact("Release text", self.source_links(engagement["sources"])))
        for engagement, parent in engagements(record):
            if engagement["id"] not in self.anchors and parent is not None:  # listed within its parent's facts
                self.anchors[engagement["id"]] = self.anchors[parent["id"]]
        self.tables()
        return Report(page.text(), dict(self.anchors), facts, glance)

    def glance(self) -> list[str]:
        record, facts = self.record, self.facts
        inline = md_text.inline
        lines = []
        visit = record.get("visit")
        if visit is not None:
            who = "; ".join(facts.person_with_title(p) for p in visit["principals"])
            lines.append(fact("Principal" if len(visit["principals"]) == 1 else "Principals", inline(who)))
            home = facts.home()
            direction = visit["direction"]
            if home is not None:
                direction += f" ({'from' if direction == 'outbound' else 'to'} {home})"
            kind = [kind_words(visit["kind"])] if "kind" in visit else []
            lines.append(fact("Visit", inline(", ".join([*kind, direction, visit["status"]]))))
            lines.append(fact("Countries", inline(", ".join(visit["countries"]))))
            if "places" in visit:
                lines.append(fact("Places", inline(", ".join(facts.place_words(p) for p in visit["places"]))))
            if "period" in visit:
                period = visit["period"]
                span = f"{human_date(period['start'])} to {human_date(period['end'])}"
                if "printed" in period:
                    span += f" (as printed: {period['printed']})"
                lines.append(fact("Period", inline(span)))
        every = list(engagements(record))
        top = len(record.get("engagements", []))
        within = len(every) - top
        count = f"{top}" + (f", with {within} sub-engagement{'s' if within != 1 else ''}" if within else "")
        lines.append(fact("Engagements", count))
        lines.append(fact("People", str(len(record.get("people", [])))))
        outcomes = record.get("outcomes", [])
        follow_ups = sum(1 for o in outcomes if is_follow_up(o))
        lines.append(fact("Outcomes", f"{len(outcomes)}, of which {follow_ups} follow-ups (what happens next)"))
        return lines

    def tables(self) -> None:
        record, facts = self.record, self.facts
        cell = md_text.block

        def date_cells(when: Thing | None) -> list[str]:
            if when is None:
                return ["", ""]
            return [cell(when["printed"]) if "printed" in when else "", cell(when_bounds(when))]

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
                cell(facts.parties_to(o)),
                *date_cells(o.get("due")),
                self.source_links(o["sources"]),
            ]
            for o in record.get("outcomes", [])
        ]
        documents = [
            [
                cell(d["title"]),
                cell(kind_words(d["kind"])),
                *date_cells(d.get("date")),
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
                ["What", "Kind", "Parties", "Due (as printed)", "Due (bounds)", "Source"],
                outcomes,
            ),
            (
                "Referenced documents",
                ["Title", "Kind", "Date (as printed)", "Date (bounds)", "Parties", "Source"],
                documents,
            ),
        ):
            if rows:
                self.page.blank()
                self.page.heading(2, title)
                self.page.blank()
                self.page.table(header, rows)


def report(record: Thing) -> Report:
    """The report for a valid record, and its anchors."""
    return _Writer(record).write()


def dump_markdown(record: Thing) -> str:
    """The Markdown report for a valid record."""
    return report(record).text
