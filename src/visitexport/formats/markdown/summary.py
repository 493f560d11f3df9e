"""Markdown summary: one page for people who need only who, when and what next.

Mapping contract (record -> summary; a rendering, not read back):

- ``# Summary: title``, the publication line (the qualifiers as printed, then
  when and by whom, as the report's metadata says it; what the record does not
  state is left out) and a link to the full report;
- ``## At a glance``: the same block as the report's;
- ``## Engagements``: one line per engagement, in date order (sub-engagements
  nested under theirs): its name linking to its heading in the report, date,
  place and the people on each side (the issuing country's first);
- ``## Follow-ups`` (`md_facts.is_follow_up`): sorted by due date (latest
  bound, then earliest, then record order; undated last), each with its due
  date as printed and as bounds, what, who, and a link to the report's section
  holding its source.

Links point into the report (`report_link`, by default ``<record id>.md``) at
the anchors the report's headings get on GitHub.
"""

from __future__ import annotations

from visitexport import dates
from visitexport.dates import Span
from visitexport.formats.markdown import text as md_text
from visitexport.formats.markdown.facts import (
    Thing,
    day_words,
    engagements,
    is_follow_up,
    when_bounds,
    when_words,
)
from visitexport.formats.markdown.page import Page
from visitexport.formats.markdown.report import FACT_MARKER, Report, report

__all__ = ["dump_summary"]


def _start(when: Thing) -> Span:
    """Earliest day first: the order of engagements."""
    span = dates.when(when)
    assert span is not None  # a valid record's fuzzy dates have their bounds in order
    return span


def _deadline(when: Thing) -> Span:
    """Latest day first: follow-ups by the day they are due at the latest."""
    first, last = _start(when)
    return last, first


def _engagement_line(full: Report, engagement: Thing, target: str) -> str:
    facts = full.facts
    title = md_text.inline(facts.engagement_title(engagement, with_date=False))
    when = engagement["date"]
    parts = [day_words(when) if "date" in when else f"{day_words(when)} ({when_bounds(when)})"]
    if "place" in engagement:
        parts.append(facts.place_words(engagement["place"]))
    for side, participants in facts.sides(engagement):
        parts.append(f"{facts.party(side)} side: {', '.join(facts.name(p['person']) for p in participants)}")
    anchor = md_text.destination(f"{target}#{full.anchors[engagement['id']]}")
    return f"[{title}]({anchor}): {md_text.inline('; '.join(parts))}"


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
    sentences = facts.header_lines("qualifier")
    said = [words for words in (facts.published(), facts.issuer()) if words is not None]
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
        return sorted(group, key=lambda e: (_start(e["date"]), order[id(e)]))

    stack = [(e, "") for e in reversed(by_date(record.get("engagements", [])))]
    if not stack:
        page.lines.append("None recorded.")
    while stack:
        engagement, pad = stack.pop()
        page.lines.append(f"{pad}{FACT_MARKER} {_engagement_line(full, engagement, target)}")
        inner = pad + " " * (len(FACT_MARKER) + 1)
        stack.extend((sub, inner) for sub in reversed(by_date(engagement.get("engagements", []))))

    outcomes = [(n, o) for n, o in enumerate(record.get("outcomes", [])) if is_follow_up(o)]
    outcomes.sort(
        key=lambda pair: (0, _deadline(pair[1]["due"]), pair[0]) if "due" in pair[1] else (1, ("", ""), pair[0])
    )
    if outcomes:
        page.blank()
        page.heading(2, "Follow-ups")
        page.blank()
    for _, outcome in outcomes:
        due = outcome.get("due")
        when = f"{when_words(due)} ({when_bounds(due)})" if due is not None else "no date given"
        links = []
        for source in facts.outermost(outcome["sources"]):
            destination = md_text.destination(f"{target}#{full.anchors[facts.section_of(source)]}")
            links.append(f"[{md_text.inline(facts.cite(source))}]({destination})")
        what = f"{md_text.inline(outcome['summary'])} ({md_text.inline(facts.parties_to(outcome))}; {', '.join(links)})"
        page.lines.append(f"{FACT_MARKER} **{md_text.inline(when)}:** {what}")
    return page.text()
