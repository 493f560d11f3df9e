"""What both semantic passes share: id kinds, date spans, clock arithmetic, the block walk."""

from __future__ import annotations

import calendar
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from visitexport.limits import CELL_UNITS, MAX_DEPTH
from visitexport.problems import escape_pointer
from visitexport.schema.loading import bundled_schema

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


class Finding(NamedTuple):
    pointer: str
    rule: str
    message: str


# Kinds of things an id can name.
_BLOCK, _PERSON, _ORG, _PLACE, _ENGAGEMENT, _STATEMENT, _OUTCOME, _DOCUMENT = (
    "block",
    "person",
    "organisation",
    "place",
    "engagement",
    "statement",
    "outcome",
    "referenced document",
)
_PARTY = (_PERSON, _ORG)

# Dates are compared as ISO strings, which order like the days they name. A
# month or year is widened to its first and last day; "-31" serves as the last
# day of any month, since it sorts after every real day of that month and
# before the first day of the next.
Span = tuple[str, str]


def _bounds(value: str) -> Span:
    if len(value) == 10:
        return value, value
    if len(value) == 7:
        return f"{value}-01", f"{value}-31"
    return f"{value}-01-01", f"{value}-12-31"


def _describe(span: Span) -> str:
    lo, hi = span
    if hi.endswith("-31"):  # "-31" stands for a month's end: name the real day
        year, month = int(hi[:4]), int(hi[5:7])
        hi = f"{hi[:8]}{calendar.monthrange(year, month)[1]:02d}"
    return lo if lo == hi else f"{lo}..{hi}"


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


@cache
def _countries() -> frozenset[str]:
    return frozenset(bundled_schema()["$defs"]["country"]["enum"])


def _join(*parts: object) -> str:
    return "/".join(map(str, parts))


class _Tree(NamedTuple):
    """The document's blocks, flattened in reading order."""

    ids: list[str]  # block and item ids
    pointers: list[str]  # the JSON Pointer of each, in step with `ids` (only when asked for)
    texts: list[str]  # every text of the document
    spans: dict[str, tuple[int, int]]  # a block's texts are texts[start:end]
    too_deep: list[str]  # pointers of block lists nested past MAX_DEPTH (not entered)
    bad_tables: list[tuple[str, str]]  # (pointer, message) of tables whose rows do not line up
    fractions: list[str]  # pointers of whole numbers written with a fraction (2.0)


def _walk_blocks(body: list[dict[str, Any]], with_pointers: bool = True) -> _Tree:
    # Without pointers the walk builds no strings: the pre-check of a clean
    # record does not need them.
    tree = _Tree([], [], [], {}, [], [], [])
    ids, pointers, texts, spans = tree.ids, tree.pointers, tree.texts, tree.spans

    def walk(blocks: list[dict[str, Any]], pointer: str, depth: int) -> None:
        # A block object sits `depth` containers deep; its own arrays go two further.
        if depth + 2 > MAX_DEPTH:
            tree.too_deep.append(pointer)
            return
        for n, block in enumerate(blocks):
            ident = block["id"]
            ids.append(ident)
            here = ""
            if with_pointers:
                here = f"{pointer}/{n}"
                pointers.append(here)
            start = len(texts)
            kind = block["type"]
            if kind == "paragraph":
                texts.append(block["text"])
            elif kind == "section":
                texts.append(block["heading"])
                if "blocks" in block:
                    walk(block["blocks"], here and f"{here}/blocks", depth + 2)
            elif kind == "list":
                for i, item in enumerate(block["items"]):
                    ids.append(item["id"])
                    item_pointer = ""
                    if with_pointers:
                        item_pointer = f"{here}/items/{i}"
                        pointers.append(item_pointer)
                    item_start = len(texts)
                    walk(item["blocks"], item_pointer and f"{item_pointer}/blocks", depth + 4)
                    spans[item["id"]] = (item_start, len(texts))
            else:
                rows = block["rows"]
                texts.extend(cell for row in rows for cell in row if cell)
                widths = {len(row) for row in rows}
                if len(widths) > 1:
                    tree.bad_tables.append((here, f"rows have {sorted(widths)} cells; every row needs the same number"))
                if block["header_rows"] > len(rows):
                    tree.bad_tables.append((here, f"{block['header_rows']} header rows, but only {len(rows)} rows"))
                if type(block["header_rows"]) is not int:
                    tree.fractions.append(f"{here}/header_rows")
            spans[ident] = (start, len(texts))

    walk(body, "/document/body", 3)
    return tree


def _layout_fractions(document: dict[str, Any]) -> list[str]:
    """Pointers of the document's own whole numbers that are written as 2.0."""
    found = []
    if type(document["layout"]["list_indent"]) is not int:
        found.append("/document/layout/list_indent")
    if "footer" in document and type(document["footer"]["blank_lines_before"]) is not int:
        found.append("/document/footer/blank_lines_before")
    return found


def _near(day: str, span: Span) -> bool:
    """Whether `day` is within one day of `span` (a time zone can move a date by one)."""
    # Engagement spans are real days (exact dates or fuzzy bounds), never the "-31" of a month.
    ordinal = date.fromisoformat(day).toordinal()
    return date.fromisoformat(span[0]).toordinal() - 1 <= ordinal <= date.fromisoformat(span[1]).toordinal() + 1


def _exact_day(value: dict[str, Any]) -> str | None:
    return value.get("date")


_DAY = 24 * 60


def _utc_moment(clock: dict[str, Any], key: str, day: str | None) -> tuple[int, bool]:
    """A clock's start or end in UTC minutes, and whether its local date is known.

    The local date is the clock's own, else the engagement's exact date; with
    it the minutes count from the first day of the calendar, without it from
    that day's midnight.
    """
    hours, minutes = int(clock[key][:2]), int(clock[key][3:5])
    offset = clock["utc_offset"]
    sign = 1 if offset[0] == "+" else -1
    moment = hours * 60 + minutes - sign * (int(offset[1:3]) * 60 + int(offset[4:6]))
    if key == "end" and clock["end"] < clock["start"]:
        moment += _DAY  # 23:00 to 01:00 ends the next day
    local_day = clock.get("date", day)
    if local_day is None:
        return moment, False
    return date.fromisoformat(local_day).toordinal() * _DAY + moment, True


def _same_moment(a: dict[str, Any], b: dict[str, Any], key: str, day: str | None) -> bool:
    """Whether two clock entries name the same moment for `key` (true when one does not print it)."""
    if key not in a or key not in b:
        return True
    (x, x_dated), (y, y_dated) = _utc_moment(a, key, day), _utc_moment(b, key, day)
    if x_dated and y_dated:
        return x == y
    return x % _DAY == y % _DAY  # without dates, the time of day is all that can be compared


def _engagement_span(engagement: dict[str, Any]) -> Span | None:
    """First and last day of an engagement, or None when its dates are themselves wrong."""
    first = engagement["date"]
    if "date" not in first and first["earliest"] >= first["latest"]:
        return None
    span = _when(first)
    if "end_date" in engagement:
        last = engagement["end_date"]
        if "date" not in last and last["earliest"] >= last["latest"]:
            return None
        last_span = _when(last)
        if last_span[1] < span[0]:
            return None
        span = span[0], max(span[1], last_span[1])
    return span


def _when(value: dict[str, Any]) -> Span:
    if "date" in value:
        return value["date"], value["date"]
    return value["earliest"], value["latest"]
