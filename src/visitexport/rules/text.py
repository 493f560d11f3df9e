"""Rules on texts: quotes occur in their sources, and every text fits a spreadsheet cell."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from visitexport.limits import CELL_UNITS
from visitexport.problems import escape_pointer, listed
from visitexport.rules._context import Context
from visitexport.rules._rule import Fault, rule


def _occurs(words: str, text: str) -> bool:
    # A line of the record cannot hold a tab; a printed text can: its tabs read as spaces.
    return words in text or ("\t" in text and words in text.replace("\t", " "))


def _verbatim(ctx: Context, words: str, sources: list[str]) -> bool:
    """Whether `words` occur in one of the `sources` (true when none is a part of the document)."""
    # Plain loops, stopping at the first text that holds the words: this runs on every quote.
    texts, spans = ctx.texts, ctx.spans
    known = False
    for ident in sources:
        span = spans.get(ident)
        if span is not None:
            known = True
            for text in texts[span[0] : span[1]]:
                if _occurs(words, text):
                    return True
        elif (cells := ctx.row_cells(ident)) is not None:
            known = True
            if any(_occurs(words, cell) for cell in cells):
                return True
    return not known


@rule(
    "text.not-in-source",
    "quotes and attributions occur verbatim in a source",
    "an outcome's or mentioned event's `quote` and a statement's `attribution` occur verbatim in one of their "
    "sources (a block, a list item, a header line or a table row; a tab printed in the text reads as a space)",
)
def not_in_source(ctx: Context) -> Iterator[Fault]:
    for key, field in (("events", "quote"), ("statements", "attribution"), ("outcomes", "quote")):
        for n, thing in enumerate(ctx.record.get(key, ())):
            if field in thing and not _verbatim(ctx, thing[field], thing["sources"]):
                yield (
                    f"/{key}/{n}/{field}",
                    f"the {field} does not occur verbatim in its sources ({listed(thing['sources'])})",
                )


# UTF-8 lead bytes of characters outside the Basic Multilingual Plane (two UTF-16 units each).
_ASTRAL_LEADS = (b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4")


def may_overflow_cell(record: Any) -> bool:
    """False when no text of `record` can exceed `CELL_UNITS` UTF-16 units.

    The schema caps texts at 32,767 code points; only characters outside the
    BMP make UTF-16 longer than that, so a record without any (or too short to
    hold such a text) is cleared by one serialisation and a byte search.
    """
    import orjson

    try:
        data = orjson.dumps(record)
    except (TypeError, orjson.JSONEncodeError):
        return True
    return len(data) > CELL_UNITS and any(lead in data for lead in _ASTRAL_LEADS)


def file_fits_cells(data: bytes) -> bool:
    """True when no text of the JSON file `data` can exceed `CELL_UNITS`: cheaper than `may_overflow_cell`.

    Such a text needs a character outside the BMP, which a UTF-8 file holds
    either raw (a lead byte F0-F4) or escaped as a surrogate pair (``\\uD83D``).
    """
    if len(data) <= CELL_UNITS:
        return True
    if not data.isascii() and any(lead in data for lead in _ASTRAL_LEADS):
        return False
    # Backslash by backslash (single bytes are found fast; "\\ud" as a pattern costs far more),
    # stepping over each escape so that an escaped backslash is not read as the start of one.
    at = data.find(b"\\")
    while at != -1:
        if data[at + 1 : at + 3] in (b"ud", b"uD"):
            return False
        at = data.find(b"\\", at + 2)
    return True


def overflowing_texts(value: Any, pointer: str = "") -> list[tuple[str, int]]:
    """(pointer, UTF-16 length) of every text in `value` longer than one cell holds."""
    found: list[tuple[str, int]] = []
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        here, item = stack.pop()
        if isinstance(item, dict):
            stack.extend((f"{here}/{escape_pointer(str(k))}", v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((f"{here}/{n}", v) for n, v in enumerate(item))
        elif isinstance(item, str) and len(item) > CELL_UNITS // 2:
            units = len(item.encode("utf-16-le")) // 2
            if units > CELL_UNITS:
                found.append((here, units))
    return sorted(found)


@rule(
    "text.cell-length",
    f"every text fits in one spreadsheet cell: at most {CELL_UNITS:,} UTF-16 code units",
    f"every text fits in one spreadsheet cell: at most {CELL_UNITS:,} UTF-16 code units (the schema's `maxLength` "
    "counts characters; one outside the Basic Multilingual Plane, such as an emoji, takes two units), so "
    "every valid record converts to a workbook",
)
def cell_length(ctx: Context) -> Iterator[Fault]:
    if ctx.fits_cells or not may_overflow_cell(ctx.record):
        return
    for pointer, units in overflowing_texts(ctx.record):
        yield pointer, f"text of {units:,} UTF-16 code units; a spreadsheet cell holds at most {CELL_UNITS:,}"
