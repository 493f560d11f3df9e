"""The record's size budget: what every lossless format can write and read back.

A record past its budget is refused before anything else looks at it: the
schema's reference validator, the scan that finds lines and columns and the
semantic rules all cost time and memory in proportion to the record, and a
record this large is refused whatever else is wrong with it. The limits are
`visitexport.limits`'s; each reader's caps are derived from them, so a record
within its budget is written to and read back from JSON, XML and a workbook.

Rule ids:

``size.record``
    more than `MAX_RECORD_BYTES` of canonical JSON.
``size.values``
    more than `MAX_VALUES` values, or, in a JSON file, more than that many
    ``{`` and ``[``, counted before the file is parsed.
``size.items``
    a list of more than `MAX_ITEMS` items.
``size.sheet``
    a sheet of the record's workbook would pass `MAX_ROWS` rows or
    `MAX_COLUMNS` columns, or Excel's 1,048,576 rows or 16,384 columns.

A record read from JSON text of few commas and brackets (the seed's has
1,400) is not walked, nor measured when the text is short enough that no
spelling of it could pass the budget: the seed costs counting its text's
commas, about 35 us. Other records are walked, counting stops past
`MAX_VALUES` (the seed's record is counted in 120 us), and only then is the
canonical JSON measured, with orjson.
"""

from __future__ import annotations

from typing import Any

from visitexport.limits import (
    EXCEL_COLUMNS,
    EXCEL_ROWS,
    MAX_COLUMNS,
    MAX_DEPTH,
    MAX_ITEMS,
    MAX_RECORD_BYTES,
    MAX_ROWS,
    MAX_VALUES,
    RAISE_HINT,
)
from visitexport.problems import escape_pointer

__all__ = ["RULES", "findings", "text_findings"]

#: Rule id -> what must hold, for the README.
RULES: dict[str, str] = {
    "size.record": f"the record takes at most {MAX_RECORD_BYTES:,} bytes as canonical JSON",
    "size.values": f"the record holds at most {MAX_VALUES:,} values",
    "size.items": f"no list holds more than {MAX_ITEMS:,} items",
    "size.sheet": (
        f"every sheet of the record's workbook fits in {min(MAX_ROWS, EXCEL_ROWS):,} rows"
        f" and {min(MAX_COLUMNS, EXCEL_COLUMNS):,} columns"
    ),
}

Finding = tuple[str, str, str]  # pointer, rule, message

# What canonical JSON can add to a value beyond its characters in any other
# spelling (each of which is at most 4 bytes of UTF-8): a newline, two spaces
# per level, the space after a colon, and a number spelt longer (1E2 is 100.0).
_CANONICAL_PER_VALUE = 2 * MAX_DEPTH + 2 + 24


def text_findings(data: bytes) -> list[Finding]:
    """What can be told from a JSON file's bytes before they are parsed.

    Parsing builds every object and list at once: two bytes of ``{}`` become 64 in
    memory. Counting the brackets first (inside texts too, which only a
    record of 100,000 brackets in its texts would notice) keeps that bounded.
    """
    containers = data.count(b"{") + data.count(b"[")
    if containers <= MAX_VALUES:
        return []
    message = f"more than {MAX_VALUES:,} objects and lists ({containers:,} '{{' and '['); {RAISE_HINT}"
    return [("", "size.values", message)]


def findings(record: Any, text: str | None = None) -> list[Finding]:
    """The budget `record` breaks; [] for most records.

    `text`, the JSON the record was read from (in any spelling), spares the
    walk that counts values when its commas and brackets are few enough.
    """
    # Bounds from the text, erring high (texts' commas count too): a list of n
    # items holds n - 1 commas; every value but the first follows a comma or is
    # a container's first, and a container takes at least two characters.
    commas = MAX_VALUES if text is None else text.count(",")
    values = MAX_VALUES + 1 if text is None else 1 + commas + len(text) // 2
    if values > MAX_VALUES or commas >= MAX_ITEMS:
        values, longest = _count(record)
        if values > MAX_VALUES or longest is not None:
            return _count_findings(values, longest)
    # No spelling of a short text's values could pass the budget; otherwise it is
    # measured, only now that the values are counted: orjson sets aside memory by
    # the value (400 MB to write 2.3 million one-letter texts) and cannot survive a refusal.
    if text is None or 4 * len(text) + values * _CANONICAL_PER_VALUE > MAX_RECORD_BYTES:
        canonical = _canonical(record)
        if canonical is not None and len(canonical) > MAX_RECORD_BYTES:
            size = len(canonical)
            message = f"{size:,} bytes as canonical JSON, more than the limit of {MAX_RECORD_BYTES:,}; {RAISE_HINT}"
            return [("", "size.record", message)]
    if values >= min(MAX_ROWS, EXCEL_ROWS):
        return _sheet_findings(record)
    return []


def _canonical(record: Any) -> bytes | None:
    import orjson

    try:
        # orjson's two-space indent is the canonical spelling's length (a number's
        # spelling can differ by a byte; MAX_JSON_BYTES leaves room for that).
        return orjson.dumps(record, option=orjson.OPT_INDENT_2)
    except (TypeError, orjson.JSONEncodeError):
        return None  # a value JSON has no form for: the schema check says so


def _count_findings(values: int, longest: tuple[str, int] | None) -> list[Finding]:
    found: list[Finding] = []
    if values > MAX_VALUES:
        found.append(("", "size.values", f"more than {MAX_VALUES:,} values; {RAISE_HINT}"))
    if longest is not None:
        pointer, length = longest
        message = f"a list of {length:,} items, more than the limit of {MAX_ITEMS:,}; {RAISE_HINT}"
        found.append((pointer, "size.items", message))
    return found


def _count(record: Any) -> tuple[int, tuple[str, int] | None]:
    """How many values `record` holds (counting stops past MAX_VALUES), and where its first list past MAX_ITEMS is.

    No pointer is built until a long list is found: the seed is counted in about 100 us.
    """
    values = 0
    stack: list[Any] = [record]
    while stack and values <= MAX_VALUES:
        value = stack.pop()
        values += 1
        if type(value) is dict:
            stack.extend(value.values())
        elif type(value) is list:
            if len(value) > MAX_ITEMS:
                return values, (_pointer_to(record, value), len(value))
            stack.extend(value)
    return values, None


def _pointer_to(record: Any, target: list[Any]) -> str:
    """The pointer of the list `target` (found by identity) inside `record`."""
    stack: list[tuple[str, Any]] = [("", record)]
    while stack:
        pointer, value = stack.pop()
        if value is target:
            return pointer
        if type(value) is dict:
            stack.extend((f"{pointer}/{escape_pointer(key)}", item) for key, item in value.items())
        elif type(value) is list:
            stack.extend((f"{pointer}/{index}", item) for index, item in enumerate(value))
    return ""


def _sheet_findings(record: Any) -> list[Finding]:
    """Sheets the workbook could not hold, counted row by row as the writer lays them out."""
    from visitexport.formats.tabular.layout import layout
    from visitexport.formats.tabular.rows import collect

    rows_limit, columns_limit = min(MAX_ROWS, EXCEL_ROWS) - 1, min(MAX_COLUMNS, EXCEL_COLUMNS)
    lay = layout()
    found: list[Finding] = []
    try:
        rows = collect(lay, record)
    except (KeyError, IndexError, TypeError, AttributeError, RecursionError):
        return []  # not the schema's shape, or nested past its depth: the checks after this say what is wrong
    for sheet in lay.sheets:
        sheet_rows = rows[sheet.name]
        if len(sheet_rows) > rows_limit:
            message = f"sheet {sheet.name!r} would have {len(sheet_rows):,} rows, more than {rows_limit:,}"
            found.append((sheet_rows[rows_limit].pointer, "size.sheet", message))
        if sheet.cells is not None and sheet_rows:
            widest = max(sheet_rows, key=lambda row: len(row.item))
            columns = len(sheet.fixed_headers) + len(widest.item)
            if columns > columns_limit:
                message = f"sheet {sheet.name!r} would have {columns:,} columns, more than {columns_limit:,}"
                found.append((widest.pointer, "size.sheet", message))
    return found
