"""The rules a JSON Schema cannot express, each with a stable rule id.

They run only on records that already satisfy the schema, so they can rely on
its shapes. Each rule yields `Finding`s with the JSON Pointer of the value at
fault; `validate` turns pointers into lines and columns.

Two passes apply the same rules: `_precheck` answers "is anything wrong?" in
bulk, without building pointers, and `_full` runs only when it is, to say what
and where. `_shared` holds what both need.

Rule ids (also listed in the README):

- ``id.duplicate``: every id in the record is unique (one namespace for blocks,
  people, organisations, places, engagements, statements, outcomes, documents).
- ``ref.unresolved``: every reference names an id of the right kind.
- ``ref.source-block``: every ``sources`` entry is the id of a document block.
- ``ref.duplicate-participant``: a person takes part in an engagement once.
- ``text.not-in-source``: an outcome's quote and a statement's attribution
  occur verbatim in one of its source blocks.
- ``date.bounds``: a fuzzy date's earliest day is before its latest day.
- ``date.calendar``: a period's start and end, when given to the day, exist in the calendar.
- ``date.end-before-start``: no period ends before it starts.
- ``date.outside-visit``: engagements and legs fall within the visit period;
  sub-engagements within their engagement's date.
- ``date.due-before-release``: due dates are not before the release date.
- ``date.status``: a held engagement or completed visit is not dated after the
  release; a planned one is not wholly before it.
- ``time.disagree``: the clock times of one engagement name the same moment.
- ``time.date``: a clock's local date lies within a day of its engagement's
  dates.
- ``text.cell-length``: every text fits in one spreadsheet cell, 32,767 UTF-16
  code units (the schema's limit counts characters; one outside the Basic
  Multilingual Plane takes two units).
- ``visit.leg-country``: each leg's country is one of the visit's countries.
- ``table.shape``: a table's rows have one number of cells, and there are no
  more header rows than rows.
- ``json.integer``: whole numbers are written without a fraction (``2``, not
  ``2.0``), which JSON Schema cannot tell apart.
- ``json.depth``: nesting within the limit the tool can process safely.
"""

from __future__ import annotations

from typing import Any

from visitexport.limits import MAX_DEPTH
from visitexport.rules._full import _Checker
from visitexport.rules._precheck import _clean
from visitexport.rules._shared import Finding

__all__ = ["RULES", "Finding", "check"]


RULES: dict[str, str] = {
    "id.duplicate": "every id in the record is unique",
    "ref.unresolved": "every reference names an id of the right kind",
    "ref.source-block": "every source is the id of a document block",
    "ref.duplicate-participant": "a person takes part in an engagement once",
    "text.not-in-source": "quotes and attributions occur verbatim in a source block",
    "date.bounds": "a fuzzy date's earliest day comes before its latest day",
    "date.calendar": "a period's start and end, when given to the day, are days of the calendar",
    "date.end-before-start": "no period ends before it starts",
    "date.outside-visit": "engagements and legs fall within the visit period (sub-engagements within their parent)",
    "date.due-before-release": "due dates are not before the release date",
    "date.status": "held and completed things are not dated after the release; planned ones not wholly before it",
    "time.disagree": "the clock times printed for one engagement name the same moment",
    "time.date": "a clock's local date lies within a day of its engagement's dates",
    "text.cell-length": "every text fits in one spreadsheet cell: at most 32,767 UTF-16 code units",
    "visit.leg-country": "each leg's country is one of the visit's countries",
    "table.shape": "a table's rows have one number of cells, and no more header rows than rows",
    "json.integer": "whole numbers are written without a fraction (2, not 2.0): one spelling per value",
    "json.depth": f"nesting stays within {MAX_DEPTH} levels",
}


def check(record: dict[str, Any], *, fits_cells: bool = False) -> list[Finding]:
    """Every semantic problem of a schema-valid record, in the order found."""
    if _clean(record, fits_cells):
        return []
    return _Checker(record).run()
