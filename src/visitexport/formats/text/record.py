"""A record from a document layer: an id, the release's facts from its header, and what its body states.

Nothing is invented: the date is the header's date line when it names a day
(or only a month) of a year; the issuer is the organisation its issuer line
names, as printed, read from that line; the title and qualifiers are the
header's. The visit, people, places and engagements the body states plainly
are read by `facts.read_facts`. Everything else a person adds (in JSON, XML or
the workbook).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from visitexport.formats.text import classify, facts_when
from visitexport.formats.text.facts import read_facts
from visitexport.formats.text.lines import Line
from visitexport.formats.text.result import IngestWarning
from visitexport.problems import shown
from visitexport.schema import SCHEMA_VERSION
from visitexport.schema.model import keys, order_keys

__all__ = ["build_record", "slug"]

Node = dict[str, Any]
#: Room for "-YYYY-MM-DD" within the 64 characters of an id.
_SLUG_WORDS = 52


def slug(text: str, limit: int = _SLUG_WORDS) -> str:
    """Lowercase ASCII words of `text` joined by '-', cut at a word within `limit` characters."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    out = ""
    for word in re.findall(r"[a-z0-9]+", folded):
        longer = f"{out}-{word}" if out else word[:limit]
        if len(longer) > limit:
            break
        out = longer
    return out


def _name(text: str) -> str:
    # A name is one line of text: a tab printed inside it reads as a space.
    return re.sub(r"[ \t]*\t[ \t]*", " ", text)


def build_record(
    document: Node,
    warnings: list[IngestWarning],
    lines: list[int],
    *,
    body: list[Line] | None = None,
    offices: tuple[str, ...] = (),
    with_facts: bool = True,
) -> Node:
    """The record of a document layer; `lines` gives each header part's first line, for the warnings.

    `body` (the text's lines) lets the warnings about the body's facts name their
    line; `offices` adds to the offices people are named with (`facts_people.OFFICES`);
    without `with_facts` only the header's facts are read.
    """
    release: Node = {}
    sources: list[str] = []
    qualifiers: list[str] = []
    organisations: list[Node] = []
    title = next(part for part in document["header"] if part["type"] == "title")
    title_line = 1
    for part, line in zip(document["header"], lines, strict=True):
        if part["type"] == "title" and part is title:
            release["title"] = _name(part["text"])
            sources.append(part["id"])
            title_line = line
        elif part["type"] == "qualifier" and _name(part["text"]) not in qualifiers:
            qualifiers.append(_name(part["text"]))
            sources.append(part["id"])
        elif part["type"] == "date" and "date" not in release:
            found = classify.parse_date(part["text"])
            month = facts_when.month_only(part["text"])
            if found is not None and found.iso is not None:
                release["date"] = found.iso
                sources.append(part["id"])
            elif month is not None:
                release["date"] = month
                sources.append(part["id"])
            else:
                message = (
                    f'the date line "{shown(part["text"])}" names no day of a year: the release\'s date is left out'
                )
                warnings.append(IngestWarning(line, message))
        elif part["type"] == "issuer" and "issuer" not in release:
            name = _name(part["text"])
            ident = slug(name, 64) or "issuer"
            organisation: Node = {"id": ident, "name": name}
            # The kind only when the name says it: "Ministry of ..." is a ministry, "Embassy ..." may be anything.
            if re.search(r"\bMinistry\b", name):
                organisation["kind"] = "ministry"
            organisation["sources"] = [part["id"]]
            organisations.append(organisation)
            release["issuer"] = ident
            sources.append(part["id"])
    if qualifiers:
        release["qualifiers"] = qualifiers
    if sources:
        release["sources"] = sources
    ident = slug(title["text"]) or "release"
    if "date" in release:
        ident = f"{ident}-{release['date']}"
    record: Node = {"schema_version": SCHEMA_VERSION, "id": ident}
    record["release"] = release
    record["document"] = document
    if organisations:
        record["organisations"] = organisations
    if with_facts:
        taken = {o["id"] for o in organisations}
        record.update(
            read_facts(
                document,
                release.get("date"),
                warnings,
                slug,
                body=body,
                title_line=title_line,
                offices=offices,
                taken=taken,
            )
        )
    ordered: Node = order_keys(record, keys())
    return ordered
