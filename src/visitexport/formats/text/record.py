"""A record from a document layer: an id, the release's date and issuer where the header prints them.

Nothing is invented: the date is the header's date line when it names a day of
a year; the issuer is the organisation its issuer line names, as printed, read
from that line. Everything else a person adds (in JSON, XML or the workbook).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from visitexport.formats.text import classify
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


def build_record(document: Node, warnings: list[IngestWarning], lines: list[int]) -> Node:
    """The record of a document layer; `lines` gives each header part's first line, for the warnings."""
    release: Node = {}
    organisations: list[Node] = []
    title = next(part for part in document["header"] if part["type"] == "title")
    for part, line in zip(document["header"], lines, strict=True):
        if part["type"] == "date" and "date" not in release:
            found = classify.parse_date(part["text"])
            if found is not None and found.iso is not None:
                release["date"] = found.iso
            else:
                message = (
                    f'the date line "{shown(part["text"])}" names no day of a year: the release\'s date is left out'
                )
                warnings.append(IngestWarning(line, message))
        elif part["type"] == "issuer" and "issuer" not in release:
            name = _name(part["text"])
            ident = slug(name, 64) or "issuer"
            kind = "ministry" if re.search(r"\bMinistry\b", name) else "other"
            organisations.append({"id": ident, "name": name, "kind": kind, "sources": [part["id"]]})
            release["issuer"] = ident
    ident = slug(title["text"]) or "release"
    if "date" in release:
        ident = f"{ident}-{release['date']}"
    record: Node = {"schema_version": SCHEMA_VERSION, "id": ident}
    if release:
        record["release"] = release
    record["document"] = document
    if organisations:
        record["organisations"] = organisations
    ordered: Node = order_keys(record, keys())
    return ordered
