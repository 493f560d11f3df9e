"""Markdown summary: one page for people who need only who, when and what next.

Mapping contract (record -> summary; a rendering, not read back):

- ``# Summary: title``, the publication line (the qualifiers as printed, then
  when, where and by whom, as the report's metadata says it; what the record
  does not state is left out) and a link to the full report;
- ``## At a glance``: the same block as the report's (the visit, its status,
  itinerary and period; how many engagements, outcomes, statements, mentioned
  events, people, organisations, places and documents);
- ``## Engagements``: one line per engagement, in date order (sub-engagements
  nested under theirs; undated ones last): its name linking to where the report
  writes it, date, status, place and the people on each side (the issuing
  country's first);
- ``## Mentioned events``, when the record has any: one line each, in record
  order: its name linking into the report, kind, status, date, places, parties;
- ``## Follow-ups`` (`md_facts.is_follow_up`): sorted by due date (latest
  bound, then earliest, then record order; those whose bounds the record does
  not know, then the undated, last), each with its due date as printed and the
  bounds the record knows, what, who, its status, condition and who is to act,
  and links to the report's sections holding its sources.

Links point into the report (`report_link`, by default ``<record id>.md``) at
the anchors the report's headings get on GitHub.
"""

from __future__ import annotations

from visitexport import dates
from visitexport.formats.markdown import text as md_text
from visitexport.formats.markdown.facts import (
    Thing,
    bounds_words,
    day_words,
    engagements,
    how_words,
    is_follow_up,
    kind_words,
    when_text,
    when_words,
)
from visitexport.formats.markdown.page import Page
from visitexport.formats.markdown.report import FACT_MARKER, Report, report

__all__ = ["dump_summary"]

_UNKNOWN = "9999-99-99"  # sorts after every day


def _start(when: Thing | None) -> tuple[str, str]:
    """Earliest day first, then latest: the order of engagements; what the record does not know, last."""
    if when is None:
        return _UNKNOWN, _UNKNOWN
    earliest, latest = dates.known_bounds(when)
    return earliest or latest or _UNKNOWN, latest or _UNKNOWN


def _deadline(when: Thing) -> tuple[str, str]:
    """Latest day first, then earliest: follow-ups by the day they are due at the latest."""
    earliest, latest = dates.known_bounds(when)
    return latest or _UNKNOWN, earliest or _UNKNOWN


def _status_words(thing: Thing) -> str:
    """A status, and how it was worked out when it was: never a worked-out status as if printed."""
    words = kind_words(thing["status"])
    how = thing.get("inferred", {}).get("status")
    return words if how is None else f"{words} ({how_words(how)})"


def _link(full: Report, target: str, text: str, ident: str) -> str:
    return f"[{md_text.inline(text)}]({md_text.destination(f'{target}#{full.anchors[ident]}')})"


def _engagement_line(full: Report, engagement: Thing, target: str) -> str:
    facts = full.facts
    parts = []
    if "date" in engagement:
        when = engagement["date"]
        bounds = bounds_words(when) if "date" not in when else ""
        parts.append(f"{day_words(when)} ({bounds})" if bounds else day_words(when))
    if "status" in engagement:
        parts.append(_status_words(engagement))
    if "place" in engagement:
        parts.append(facts.place_words(engagement["place"]))
    for side, participants in facts.sides(engagement):
        label = "participants" if side is None else f"{facts.party(side)} side"
        parts.append(f"{label}: {', '.join(facts.name(p['person']) for p in participants)}")
    title = _link(full, target, facts.engagement_title(engagement, with_date=False), engagement["id"])
    return f"{title}: {md_text.inline('; '.join(parts))}" if parts else title


def _event_line(full: Report, event: Thing, target: str) -> str:
    facts = full.facts
    parts = [kind_words(event["kind"])] if "kind" in event else []
    parts += [_status_words(event)] if "status" in event else []
    if "date" in event:
        parts.append(when_text(event["date"]))
    if "places" in event:
        parts.append(", ".join(facts.place_words(p) for p in event["places"]))
    if "parties" in event:
        parts.append(facts.parties(event["parties"]))
    title = _link(full, target, event["name"], event["id"])
    return f"{title}: {md_text.inline('; '.join(parts))}" if parts else title


def _follow_up_line(full: Report, outcome: Thing, target: str) -> str:
    facts = full.facts
    due = outcome.get("due")
    when = "no date given" if due is None else when_words(due)
    about = [who] if (who := facts.parties_to(outcome)) else []
    about += [kind_words(outcome["status"])] if "status" in outcome else []
    about += [f"to act: {facts.parties(outcome['actors'])}"] if "actors" in outcome else []
    about += [f"condition: {outcome['condition']}"] if "condition" in outcome else []
    links = [
        f"[{md_text.inline(words)}]({md_text.destination(f'{target}#{full.anchors[facts.section_of(source)]}')})"
        for words, source in facts.citations(outcome["sources"])
    ]
    said = [md_text.inline("; ".join(about))] if about else []
    said.append(", ".join(links))
    return f"{FACT_MARKER} **{md_text.inline(when)}:** {md_text.inline(outcome['summary'])} ({'; '.join(said)})"


def dump_summary(record: Thing, *, report_link: str | None = None) -> str:
    """The one-page Markdown summary of a valid record, linking into its report at `report_link`.

    `ValueError` if `report_link` is not a relative path or an http(s) URL.
    """
    full = report(record)
    facts = full.facts
    target = f"{record['id']}.md" if report_link is None else report_link
    md_text.check_link_target(target)
    page = Page()
    page.heading(1, f"Summary: {facts.title()}")
    page.blank()
    sentences = facts.header_lines("qualifier") or list(record.get("release", {}).get("qualifiers", []))
    release = record.get("release", {})
    place = f"issued at {facts.place_words(release['place'])}" if "place" in release else None
    said = [words for words in (facts.published(), place, facts.issuer()) if words is not None]
    if said:
        sentences.append(", ".join(said))
    report_link_md = f"[{md_text.inline(target)}]({md_text.destination(target)})"
    page.lines.append(md_text.block("".join(f"{s}. " for s in sentences)) + f"Full report: {report_link_md}")
    page.blank()
    page.heading(2, "At a glance")
    page.blank()
    page.lines += full.glance

    page.blank()
    page.heading(2, "Engagements")
    page.blank()
    order = {id(e): n for n, (e, _) in enumerate(engagements(record))}

    def by_date(group: list[Thing]) -> list[Thing]:
        return sorted(group, key=lambda e: (_start(e.get("date")), order[id(e)]))

    stack = [(e, "") for e in reversed(by_date(record.get("engagements", [])))]
    if not stack:
        page.lines.append("None recorded.")
    while stack:
        engagement, pad = stack.pop()
        page.lines.append(f"{pad}{FACT_MARKER} {_engagement_line(full, engagement, target)}")
        inner = pad + " " * (len(FACT_MARKER) + 1)
        stack.extend((sub, inner) for sub in reversed(by_date(engagement.get("engagements", []))))

    if "events" in record:
        page.blank()
        page.heading(2, "Mentioned events")
        page.blank()
        page.lines += [f"{FACT_MARKER} {_event_line(full, event, target)}" for event in record["events"]]

    outcomes = [(n, o) for n, o in enumerate(record.get("outcomes", [])) if is_follow_up(o)]
    outcomes.sort(
        key=lambda pair: (0, _deadline(pair[1]["due"]), pair[0]) if "due" in pair[1] else (1, ("", ""), pair[0])
    )
    if outcomes:
        page.blank()
        page.heading(2, "Follow-ups")
        page.blank()
    page.lines += [_follow_up_line(full, outcome, target) for _, outcome in outcomes]
    return page.text()
