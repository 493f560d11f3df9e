"""Markdown summary: one page for people who need only who, when and what next.

Mapping contract (record -> summary; a rendering, not read back):

- ``# title``, the publication line and a link to the full report;
- ``## At a glance``: the same block as the report's;
- ``## Engagements``: one line per engagement, in date order (sub-engagements
  nested under theirs): its name linking to its heading in the report, date,
  place and the people on each side;
- ``## Follow-ups``: the outcomes with a due date, and those of kind follow-up
  or planned meeting without one, sorted by due date (latest bound, then
  earliest, then record order; undated last): the due date as printed and as
  bounds, what, who, and a link to the report's section holding its source.

Links point into the report (`report_link`, by default ``<record id>.md``) at
the anchors the report's headings get on GitHub.
"""

from __future__ import annotations

from typing import Any

from . import md_text
from .md_facts import engagements, human_date, when_bounds, when_words
from .md_report import FACT_MARKER, Report, report

__all__ = ["dump_summary"]

Thing = dict[str, Any]
FOLLOW_UP_KINDS = ("follow_up", "planned_meeting")


def _start(when: Thing) -> tuple[str, str]:
    return (when["date"], when["date"]) if "date" in when else (when["earliest"], when["latest"])


def _deadline(when: Thing) -> tuple[str, str]:
    return (when["date"], when["date"]) if "date" in when else (when["latest"], when["earliest"])


def _engagement_line(full: Report, engagement: Thing, target: str) -> str:
    facts = full.facts
    title = md_text.inline(facts.engagement_title(engagement))
    when = engagement["date"]
    parts = [human_date(when["date"]) if "date" in when else f"{when['printed']} ({when_bounds(when)})"]
    if "place" in engagement:
        parts.append(facts.place_words(engagement["place"]))
    sides: dict[str, list[str]] = {}
    for participant in engagement.get("participants", []):
        sides.setdefault(participant["side"], []).append(facts.name(participant["person"]))
    parts += [f"{facts.party(side)} side: {', '.join(people)}" for side, people in sides.items()]
    anchor = md_text.destination(f"{target}#{full.anchors[engagement['id']]}")
    return f"[{title}]({anchor}): {md_text.inline('; '.join(parts))}"


def dump_summary(record: Thing, *, report_link: str | None = None) -> str:
    """The one-page Markdown summary of a valid record, linking into its report at `report_link`."""
    full = report(record)
    facts = full.facts
    target = f"{record['id']}.md" if report_link is None else report_link
    release = record["release"]
    lines = [f"# {md_text.block(record['document']['title'])}", ""]
    published = f"{human_date(release['date'])}, {facts.party(release['issuer'])} ({release['country']})"
    lines.append(f"{md_text.block(published)}. Full report: [{md_text.inline(target)}]({md_text.destination(target)})")
    lines += ["", "## At a glance", ""]
    lines += full.glance

    lines += ["", "## Engagements", ""]
    order = {id(e): n for n, (e, _) in enumerate(engagements(record))}

    def by_date(group: list[Thing]) -> list[Thing]:
        return sorted(group, key=lambda e: (_start(e["date"]), order[id(e)]))

    stack = [(e, "") for e in reversed(by_date(record.get("engagements", [])))]
    while stack:
        engagement, pad = stack.pop()
        lines.append(f"{pad}{FACT_MARKER} {_engagement_line(full, engagement, target)}")
        inner = pad + " " * (len(FACT_MARKER) + 1)
        stack.extend((sub, inner) for sub in reversed(by_date(engagement.get("engagements", []))))

    outcomes = [(n, o) for n, o in enumerate(record.get("outcomes", [])) if "due" in o or o["kind"] in FOLLOW_UP_KINDS]
    outcomes.sort(
        key=lambda pair: (0, _deadline(pair[1]["due"]), pair[0]) if "due" in pair[1] else (1, ("", ""), pair[0])
    )
    if outcomes:
        lines += ["", "## Follow-ups", ""]
    for _, outcome in outcomes:
        due = outcome.get("due")
        when = f"{when_words(due)} ({when_bounds(due)})" if due is not None else "no date given"
        who = facts.parties(outcome["parties"])
        if "addressees" in outcome:
            who += f" to {facts.parties(outcome['addressees'])}"
        links = []
        for source in facts.outermost(outcome["sources"]):
            destination = md_text.destination(f"{target}#{full.anchors[facts.section_of(source)]}")
            links.append(f"[{md_text.inline(facts.cite(source))}]({destination})")
        what = f"{md_text.inline(outcome['summary'])} ({md_text.inline(who)}; {', '.join(links)})"
        lines.append(f"{FACT_MARKER} **{md_text.inline(when)}:** {what}")
    lines.append("")
    return "\n".join(lines)
