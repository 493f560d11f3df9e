"""Markdown report: a record as a readable brief, in CommonMark with GitHub's tables.

Mapping contract (record -> report; a rendering, not read back):

- ``# title`` (the header's title, its printed lines joined already; else the
  record's title, else its id), then the release's metadata: its qualifiers as
  printed ('(Summary)', 'Provisional Translation'), when it was published (the
  date in words, and the printed date line when it says it otherwise), where
  (the place of issue its dateline prints), by whom (the issuer, else its
  printed line, and the issuing country), its language,
  and its source: a link when the record has a ``release.url`` (an http(s)
  address: the only link made from data); what the record does not state is
  "not recorded"; what it worked out says how ("worked out from the header");
- ``## At a glance``: principals (with their first title as printed), the
  kind, direction and status of the visit, its occasion, countries, its
  itinerary leg by leg, places, period, and how many engagements,
  outcomes (and of them follow-ups, `md_facts.is_follow_up`), statements,
  mentioned events, people, organisations, places and documents;
- ``## Release text``: the document body in reading order, every block once
  (`md_release`); the footer (navigation, related links) is left out, and so is
  all layout (line breaks, indentation, empty lines, a table's printed style);
- every engagement, mentioned event, statement and outcome appears once, as a
  ``*`` list item of its facts, where its sources lie (`Facts.home`): under the
  heading of the section they lie in (the first in reading order when they lie
  in several), under ``## Release text`` when they lie outside every section or
  in the footer, and with the metadata when they cite the header alone. A
  sub-engagement placed with its parent is nested in its parent's item ("Within
  it"); one placed elsewhere names its parent ("Part of"). Each item ends with
  its sources, cited by their printed labels (a table row as "..., row 2"), each
  citation once, linking to the section holding them;
- an engagement's facts: name, kind and status (a worked-out status on a
  ``Status`` line of its own, so that parentheses never nest), dates, times (offset, zone as
  printed, time zone, roughly or not), part of the day, durations, place,
  occasion, topics, participants by side (the issuing country's first; those
  without a side last) with title, role and organisation; a statement's: kind,
  speaker, summary, addressees, who delivered it, the engagement; an outcome's:
  kind, status, summary, parties, addressees, who is to act, due date,
  condition, place, documents, PLOVER event type, the engagement; a mentioned
  event's: kind, status (a worked-out one on its own line, as an
  engagement's), name, dates, places, parties. A place is named with its
  country, marked when worked out. Quotes and attributions
  are left out: they are the release's own words, shown once in its text;
- ``## People``, ``## Organisations``, ``## Places`` and ``## Referenced
  documents`` tables: who and what the facts name; a person or body with its
  other printed names and the members a group stands for; titles as printed,
  each with its normalised form (marked "normalised:") when it says it
  otherwise; and every value the record worked out, saying how.

Dates: an exact date in words, with its printed words ("as printed: 2
November") and how it was worked out when it was ("year from the release
date"); a fuzzy date as printed, with the bounds the record knows ("4 November
to 31 December 2000", "by 31 December 2000", "from ...", or none).

Anchors are the ids GitHub gives headings (`md_page.Page.heading`). All record
text goes through `md_text`, so it renders as exactly that text.
"""

from __future__ import annotations

from typing import NamedTuple

from visitexport.formats.markdown import text as md_text
from visitexport.formats.markdown.facts import (
    RELEASE_PART,
    Facts,
    Thing,
    engagements,
    how_words,
    human_date,
    is_follow_up,
    kind_words,
    length_words,
    span_words,
    title_words,
    when_text,
)
from visitexport.formats.markdown.page import Page
from visitexport.formats.markdown.release import write_release

__all__ = ["FACT_MARKER", "Report", "dump_markdown", "fact", "period_words", "report"]

#: The marker of the report's own lists (the release's lists use '-' and '+').
FACT_MARKER = "*"
_NESTED = " " * (len(FACT_MARKER) + 1)
#: Where the facts that cite the header alone go, in the anchors: the title's.
_RELEASE_PART_KEY = "#release"


def _days(pad: str, thing: Thing) -> list[str]:
    """The Date line of an engagement or event ("2 November 2000 to 4 November 2000"), or its Last day alone."""
    if "date" in thing:
        day = when_text(thing["date"])
        if "end_date" in thing:
            day += f" to {when_text(thing['end_date'])}"
        return [pad + fact("Date", md_text.inline(day))]
    if "end_date" in thing:
        return [pad + fact("Last day", md_text.inline(when_text(thing["end_date"])))]
    return []


class Report(NamedTuple):
    """The report's text, where its anchors point, and what the summary shares with it."""

    text: str
    #: Anchor of each section by id, of the title under each header line's id, of the release text under "",
    #: and of the place each engagement, event, statement and outcome is written, under its id.
    anchors: dict[str, str]
    facts: Facts
    #: The lines of the "At a glance" block.
    glance: list[str]


def fact(label: str, value: str) -> str:
    """One fact line of a ``*`` list: a bold label (plain text) and an already escaped value."""
    return f"{FACT_MARKER} **{md_text.inline(label)}:** {value}"


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def period_words(period: Thing) -> str:
    """A period in words: '1 to 4 November 2000 (as printed: From 1 to 4 November 2000)'."""
    words = span_words(period["start"], period["end"])
    about = [f"as printed: {period['printed']}"] if "printed" in period else []
    if "inferred" in period:
        about.append(how_words(period["inferred"]))
    return f"{words} ({'; '.join(about)})" if about else words


def _worked_out(thing: Thing, field: str, words: str) -> str:
    """`words` for a field's value, with how it was worked out when the record says it was."""
    how = thing.get("inferred", {}).get(field)
    return words if how is None else f"{words} ({how_words(how)})"


def _status_fact(thing: Thing) -> tuple[list[str], str | None]:
    """A status for a heading's parentheses, or, when it was worked out, for a ``Status`` line of its own: the
    note of how it was worked out would otherwise nest parentheses in the heading's ('scheduled (worked out
    from the text: ...)')."""
    if "status" not in thing:
        return [], None
    words = kind_words(thing["status"])
    if "status" in thing.get("inferred", {}):
        return [], _worked_out(thing, "status", words)
    return [words], None


def _clock_words(facts: Facts, clock: Thing) -> str:
    """A clock time: 'about 10:00-12:30 UTC+03:00 on 2 November 2000, Europe/Moscow (as printed: ...)'."""
    words = ("about " if clock.get("approximate") else "") + clock["start"]
    words += f"-{clock['end']}" if "end" in clock else ""
    words += f" UTC{clock['utc_offset']}" if "utc_offset" in clock else ""
    words += f" on {human_date(clock['date'])}" if "date" in clock else ""
    words += f", {clock['time_zone']}" if "time_zone" in clock else ""
    about = []
    if "printed" in clock:
        about.append(f"as printed: {clock['printed']}")
    if "zone" in clock and clock["zone"] not in clock.get("printed", ""):
        about.append(f"zone as printed: {clock['zone']}")
    if "inferred" in clock:
        about.append(how_words(clock["inferred"], "time zone worked out"))
    return f"{words} ({'; '.join(about)})" if about else words


class _Writer:
    def __init__(self, record: Thing) -> None:
        self.record = record
        self.facts = facts = Facts(record)
        self.page = Page()
        self.parent: dict[str, Thing | None] = {}
        #: What goes where: the engagements, events, statements and outcomes of each home, in record order.
        self.placed: dict[str | None, list[tuple[str, Thing]]] = {}
        self.home: dict[str, str | None] = {}
        for engagement, parent in engagements(record):
            self.parent[engagement["id"]] = parent
            self.home[engagement["id"]] = home = facts.home(engagement["sources"])
            if parent is None or self.home[parent["id"]] != home:
                self.placed.setdefault(home, []).append(("engagement", engagement))
        for key, kind in (("events", "event"), ("statements", "statement"), ("outcomes", "outcome")):
            for thing in record.get(key, []):
                self.home[thing["id"]] = home = facts.home(thing["sources"])
                self.placed.setdefault(home, []).append((kind, thing))
        self.anchors = self._anchors()
        for ident, home in self.home.items():
            self.anchors[ident] = self.anchors[_RELEASE_PART_KEY if home is RELEASE_PART else home]

    def _anchors(self) -> dict[str, str]:
        """The anchors of the headings before anything is written, so that a fact may link to a later section.

        The facts add no headings, so the headings and their anchors are those of a report without them.
        """
        page = Page()
        anchors = {_RELEASE_PART_KEY: page.heading(1, self.facts.title())}
        anchors.update(dict.fromkeys(self.facts.header, anchors[_RELEASE_PART_KEY]))
        page.heading(2, "At a glance")
        anchors[""] = page.heading(2, "Release text")
        anchors.update(write_release(page, self.record["document"].get("body", []), 3, lambda _b, _p: None))
        return anchors

    def source_links(self, sources: list[str]) -> str:
        """Links to the sections holding `sources`, each citation once."""
        facts = self.facts
        return ", ".join(
            f"[{md_text.inline(words)}](#{self.anchors[facts.section_of(source)]})"
            for words, source in facts.citations(sources)
        )

    def engagement_link(self, ident: str) -> str:
        engagement = next(e for e, _ in engagements(self.record) if e["id"] == ident)
        return f"[{md_text.inline(self.facts.engagement_title(engagement))}](#{self.anchors[ident]})"

    def engagement_fact(self, label: str, thing: Thing, pad: str) -> None:
        """The engagement a statement or outcome belongs to, unless it is written under that engagement's
        section already (its heading says so)."""
        ident = thing.get("engagement")
        if ident is None:
            return
        where, home = self.home[ident], self.home[thing["id"]]
        if where and home and (where == home or where in (s["id"] for s in self.facts.places[home].sections)):
            return
        self.page.lines.append(pad + fact(label, self.engagement_link(ident)))

    def under(self, home: str | None, pad: str) -> None:
        """The items of everything that belongs at `home`, after its heading (or the metadata)."""
        things = self.placed.get(home, [])
        if not things:
            return
        if home is not RELEASE_PART:
            self.page.blank()
        for kind, thing in things:
            if kind == "engagement":
                self.engagement(thing, pad)
            elif kind == "event":
                self.event(thing, pad)
            elif kind == "statement":
                self.statement(thing, pad)
            else:
                self.outcome(thing, pad)

    def engagement(self, engagement: Thing, pad: str, *, within: bool = False) -> None:
        """An engagement's item: its facts nested, and the sub-engagements placed with it nested deeper."""
        facts, lines = self.facts, self.page.lines
        inline = md_text.inline
        title = facts.engagement_title(engagement, with_date=False)
        about = [kind_words(engagement["kind"])] if "name" in engagement else []
        status, status_line = _status_fact(engagement)
        about += status
        headline = f"{title} ({', '.join(about)})" if about else title
        lines.append(pad + fact("Within it" if within else "Engagement", inline(headline)))
        inner = pad + _NESTED
        if status_line is not None:
            lines.append(inner + fact("Status", inline(status_line)))
        parent = self.parent[engagement["id"]]
        if parent is not None and not within:
            lines.append(inner + fact("Part of", self.engagement_link(parent["id"])))
        lines += _days(inner, engagement)
        if "part_of_day" in engagement:
            part = engagement["part_of_day"]
            words = part["value"] + (f" (as printed: {part['printed']})" if "printed" in part else "")
            lines.append(inner + fact("Part of the day", inline(words)))
        for clock in engagement.get("times", []):
            lines.append(inner + fact("Time", inline(_clock_words(facts, clock))))
        for key, words in (("duration", "Duration"), ("scheduled_duration", "Scheduled duration")):
            if key in engagement:
                lines.append(inner + fact(words, inline(length_words(engagement[key]))))
        if "place" in engagement:
            how = engagement.get("inferred", {}).get("place")
            lines.append(inner + fact("Place", inline(facts.place_words(engagement["place"], how))))
        if "occasion" in engagement:
            lines.append(inner + fact("Occasion", inline(_worked_out(engagement, "occasion", engagement["occasion"]))))
        if "topics" in engagement:
            lines.append(inner + fact("Topics", inline("; ".join(engagement["topics"]))))
        for side, participants in facts.sides(engagement):
            people = []
            for participant in participants:
                about_person = [participant["title"]["printed"]] if "title" in participant else []
                about_person += [kind_words(participant["role"])] if "role" in participant else []
                if "organisation" in participant:
                    organisation = facts.by_id[participant["organisation"]]
                    about_person.append(f"for {organisation.get('abbreviation') or facts.name(organisation['id'])}")
                about_person += [
                    how_words(how, f"{kind_words(field)} worked out")
                    for field, how in participant.get("inferred", {}).items()
                ]
                name = facts.name(participant["person"])
                people.append(f"{name} ({', '.join(about_person)})" if about_person else name)
            label = "Participants" if side is None else f"{facts.party(side)} side"
            lines.append(inner + fact(label, inline("; ".join(people))))
        lines.append(inner + fact("Source", self.source_links(engagement["sources"])))
        for sub in engagement.get("engagements", []):
            if self.home[sub["id"]] == self.home[engagement["id"]]:
                self.engagement(sub, inner, within=True)

    def event(self, event: Thing, pad: str) -> None:
        facts, lines, inline = self.facts, self.page.lines, md_text.inline
        status, status_line = _status_fact(event)
        about = [kind_words(event["kind"]), *status] if "kind" in event else status
        label = f"Mentioned event ({', '.join(about)})" if about else "Mentioned event"
        lines.append(pad + fact(label, inline(event["name"])))
        inner = pad + _NESTED
        if status_line is not None:
            lines.append(inner + fact("Status", inline(status_line)))
        lines += _days(inner, event)
        if "places" in event:
            how = event.get("inferred", {}).get("places")
            if len(event["places"]) == 1:  # how it was worked out goes in the place's own parentheses
                places = facts.place_words(event["places"][0], how)
            else:
                places = _worked_out(event, "places", ", ".join(facts.place_words(p) for p in event["places"]))
            lines.append(inner + fact("Places", inline(places)))
        if "parties" in event:
            lines.append(
                inner + fact("Parties", inline(_worked_out(event, "parties", facts.parties(event["parties"]))))
            )
        if "occasion" in event:
            lines.append(inner + fact("Occasion", inline(event["occasion"])))
        lines.append(inner + fact("Source", self.source_links(event["sources"])))

    def statement(self, statement: Thing, pad: str) -> None:
        facts, lines, inline = self.facts, self.page.lines, md_text.inline
        label = f"{kind_words(statement['kind']).capitalize()} by {facts.party(statement['speaker'])}"
        lines.append(pad + fact(label, inline(statement["summary"])))
        inner = pad + _NESTED
        if "addressees" in statement:
            lines.append(inner + fact("To", inline(facts.parties(statement["addressees"]))))
        if "delivered_by" in statement:
            lines.append(inner + fact("Delivered by", inline(facts.name(statement["delivered_by"]))))
        self.engagement_fact("At", statement, inner)
        lines.append(inner + fact("Source", self.source_links(statement["sources"])))

    def outcome(self, outcome: Thing, pad: str) -> None:
        facts, lines, inline = self.facts, self.page.lines, md_text.inline
        about = [kind_words(outcome["status"])] if "status" in outcome else []
        if is_follow_up(outcome) and outcome["kind"] != "follow_up":
            about.append("follow-up")
        kind = kind_words(outcome["kind"]).capitalize()
        lines.append(pad + fact(f"{kind} ({', '.join(about)})" if about else kind, inline(outcome["summary"])))
        inner = pad + _NESTED
        for key, words in (("parties", "Parties"), ("addressees", "To"), ("actors", "To act")):
            if key in outcome:
                lines.append(inner + fact(words, inline(facts.parties(outcome[key]))))
        if "due" in outcome:
            lines.append(inner + fact("Due", inline(when_text(outcome["due"]))))
        if "condition" in outcome:
            lines.append(inner + fact("Condition", inline(outcome["condition"])))
        if "place" in outcome:
            lines.append(inner + fact("Place", inline(facts.place_words(outcome["place"]))))
        if "documents" in outcome:
            lines.append(inner + fact("Documents", inline("; ".join(facts.name(d) for d in outcome["documents"]))))
        if "event_type" in outcome:
            lines.append(inner + fact("Event type", inline(f"{outcome['event_type']} (PLOVER)")))
        self.engagement_fact("From", outcome, inner)
        lines.append(inner + fact("Source", self.source_links(outcome["sources"])))

    def under_section(self, section: Thing, pad: str) -> None:
        """After a section's heading: what its blocks are the sources of."""
        self.under(section["id"], pad)

    def write(self) -> Report:
        record, facts, page = self.record, self.facts, self.page
        release = record.get("release", {})
        inline = md_text.inline
        page.heading(1, facts.title())
        page.blank()
        qualifiers = facts.header_lines("qualifier") or release.get("qualifiers", [])
        if qualifiers:
            page.lines.append(
                fact("Qualifier" if len(qualifiers) == 1 else "Qualifiers", inline("; ".join(qualifiers)))
            )
        source = md_text.link(release["url"], release["url"]) if "url" in release else "not recorded"
        language = _worked_out(release, "language", release["language"]) if "language" in release else None
        page.lines.append(fact("Published", inline(facts.published() or "not recorded")))
        if "place" in release:
            page.lines.append(fact("Place of issue", inline(facts.place_words(release["place"]))))
        page.lines += [
            fact("Issuer", inline(facts.issuer() or "not recorded")),
            fact("Language", inline(language or "not recorded")),
            fact("Source", source),
        ]
        self.under(RELEASE_PART, "")
        page.blank()
        page.heading(2, "At a glance")
        page.blank()
        glance = self.glance()
        page.lines += glance
        page.blank()
        page.heading(2, "Release text")
        self.under("", "")
        anchors = write_release(page, record["document"].get("body", []), 3, self.under_section)
        assert all(self.anchors[k] == v for k, v in anchors.items())  # as `_anchors` foresaw
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
            about = [kind_words(visit["kind"])] if "kind" in visit else []
            if "direction" in visit:
                direction, home = kind_words(visit["direction"]), facts.home_country()
                if home is not None and visit["direction"] != "third_country":
                    direction += f" ({'from' if visit['direction'] == 'outbound' else 'to'} {home})"
                about.append(_worked_out(visit, "direction", direction))
            if "status" in visit:
                about.append(_worked_out(visit, "status", kind_words(visit["status"])))
            if about:
                lines.append(fact("Visit", inline(", ".join(about))))
            if "occasion" in visit:
                lines.append(fact("Occasion", inline(visit["occasion"])))
            if "countries" in visit:
                lines.append(fact("Countries", inline(_worked_out(visit, "countries", ", ".join(visit["countries"])))))
            if "legs" in visit:
                legs = []
                for leg in visit["legs"]:
                    words = leg["country"]
                    if "places" in leg:
                        words += f": {', '.join(facts.name(p) for p in leg['places'])}"
                    if "period" in leg:
                        words += f", {period_words(leg['period'])}"
                    legs.append(words)
                lines.append(fact("Itinerary", inline("; then ".join(legs))))
            for key, label in (("accompanying", "Accompanied by"), ("hosts", "Hosts")):
                if key in visit:
                    lines.append(fact(label, inline(_worked_out(visit, key, facts.parties(visit[key])))))
            if "places" in visit:
                places = ", ".join(facts.place_words(p) for p in visit["places"])
                lines.append(fact("Places", inline(_worked_out(visit, "places", places))))
            if "topics" in visit:
                lines.append(fact("Topics", inline("; ".join(visit["topics"]))))
            if "period" in visit:
                lines.append(fact("Period", inline(period_words(visit["period"]))))
        every = list(engagements(record))
        top = len(record.get("engagements", []))
        within = len(every) - top
        lines.append(fact("Engagements", f"{top}" + (f", with {_plural(within, 'sub-engagement')}" if within else "")))
        outcomes = record.get("outcomes", [])
        follow_ups = sum(1 for o in outcomes if is_follow_up(o))
        which = "is a follow-up" if follow_ups == 1 else "are follow-ups"
        lines.append(fact("Outcomes", f"{len(outcomes)}, of which {follow_ups} {which} (what happens next)"))
        lines.append(fact("Statements", str(len(record.get("statements", [])))))
        if "events" in record:
            lines.append(fact("Mentioned events", str(len(record["events"]))))
        named = [
            _plural(len(record.get("people", [])), "person", "people"),
            _plural(len(record.get("organisations", [])), "organisation"),
            _plural(len(record.get("places", [])), "place"),
            _plural(len(record.get("referenced_documents", [])), "document"),
        ]
        lines.append(fact("Named", ", ".join(named)))
        return lines

    def tables(self) -> None:
        record, facts = self.record, self.facts
        cell = md_text.block

        def name_cell(thing: Thing) -> str:
            """A name, else the words the release refers to a person or body by; whether it is a group, and of
            whom."""
            words = thing.get("name") or f"{thing['designation']} (not named)"
            if "aliases" in thing:
                words += f" (also printed as: {'; '.join(thing['aliases'])})"
            if "name" in thing and "designation" in thing:
                words += f" (referred to as {thing['designation']})"
            if thing.get("group"):
                words += " (a group)"
            if "members" in thing:
                words += f" (standing for {facts.parties(thing['members'])})"
            return words

        def country(thing: Thing) -> str:
            return _worked_out(thing, "country", thing["country"]) if "country" in thing else ""

        people = [
            [
                cell(name_cell(p)),
                cell(p.get("honorific", "")),
                cell("; ".join(dict.fromkeys(title_words(t) for t in p.get("titles", [])))),
                cell(country(p)),
                cell(
                    "; ".join(
                        f"{m['role']}, {facts.party(m['organisation'])}"
                        if "role" in m
                        else facts.party(m["organisation"])
                        for m in p.get("memberships", [])
                    )
                ),
            ]
            for p in record.get("people", [])
        ]
        organisations = [
            [
                cell(name_cell(o)),
                cell(o.get("abbreviation", "")),
                cell(_worked_out(o, "kind", kind_words(o["kind"])) if "kind" in o else ""),
                cell(country(o)),
                cell(_worked_out(o, "parent", facts.party(o["parent"])) if "parent" in o else ""),
            ]
            for o in record.get("organisations", [])
        ]
        places = [
            [
                cell(p["name"]),
                cell(p.get("normalised_name", "")),
                cell(kind_words(p["kind"]) if "kind" in p else ""),
                cell(country(p)),
            ]
            for p in record.get("places", [])
        ]
        documents = [
            [
                cell(d["title"]),
                cell(_worked_out(d, "kind", kind_words(d["kind"]))),
                cell(when_text(d["date"])) if "date" in d else "",
                cell(_worked_out(d, "parties", facts.parties(d["parties"]))) if "parties" in d else "",
                self.source_links(d["sources"]),
            ]
            for d in record.get("referenced_documents", [])
        ]
        for title, header, rows in (
            ("People", ["Name", "Honorific", "Titles at the time", "Country", "Memberships"], people),
            ("Organisations", ["Name", "Abbreviation", "Kind", "Country", "Part of"], organisations),
            ("Places", ["Name", "Usual spelling", "Kind", "Country"], places),
            ("Referenced documents", ["Title", "Kind", "Date", "Parties", "Source"], documents),
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
