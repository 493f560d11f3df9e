"""Plain text: a release read into a record (`ingest`), and the release rendered from one (`render_text`).

Mapping contract: see `render` (the document layer -> text, every layout
difference recorded) and `read` (text -> the document layer, exact by
construction); `record` adds the id and the release's printed title, date and issuer,
and `facts` the visit, people, places and engagements the body states plainly.
`ingest` gives back a valid record and the warnings about guessed structure and
about facts left out.
"""

from __future__ import annotations

from typing import Any

from visitexport.errors import InvalidRecordError
from visitexport.formats.text.lines import decode, split
from visitexport.formats.text.read import assign_ids, read_document
from visitexport.formats.text.record import build_record
from visitexport.formats.text.render import render_text
from visitexport.formats.text.result import Ingested, IngestWarning

__all__ = ["IngestWarning", "Ingested", "assign_ids", "ingest", "load_text", "render_text"]


def ingest(
    data: bytes | str, source: str = "<text>", encoding: str = "utf-8", *, offices: tuple[str, ...] = ()
) -> Ingested:
    """The record of a release's text; `InvalidRecordError` for bytes that are no text, or a record out of bounds.

    `offices` adds to the offices people are named with (see `facts_people.OFFICES`).
    """
    from visitexport.validation import check_record

    if isinstance(data, str):
        text, bom = data.removeprefix("\ufeff"), data.startswith("\ufeff")
    else:
        text, bom = decode(data, source, encoding)
    lines = split(text, bom, source)
    reading = read_document(lines)
    warnings = reading.warnings
    facts_warnings: list[IngestWarning] = []
    record = build_record(reading.document, facts_warnings, reading.header_lines, body=lines.lines, offices=offices)
    problems = check_record(record)
    if problems:
        # The facts read from the body broke a rule (a case the reader did not foresee): a wrong fact is
        # worse than none, so the record keeps only the header's, and says so.
        facts_warnings = []
        record = build_record(reading.document, facts_warnings, reading.header_lines, with_facts=False)
        found = problems[0]
        message = f"the facts read from the body were left out: {found.rule} at {found.pointer}: {found.message}"
        facts_warnings.append(IngestWarning(1, message))
        problems = check_record(record)
    warnings = warnings + facts_warnings
    if problems:
        raise InvalidRecordError(source, problems)
    return Ingested(record, tuple(sorted(warnings, key=lambda w: w.line)))


def load_text(data: bytes, source: str) -> dict[str, Any]:
    """The reader of the format registry: the record, its warnings left to `ingest`."""
    return ingest(data, source).record
