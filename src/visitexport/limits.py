"""Every cap visitexport enforces, in one place, derived from one another.

The record is the hub, so its budget is the base: at most `MAX_RECORD_BYTES`
of canonical JSON (as `visitexport fmt` writes it), `MAX_VALUES` values and `MAX_ITEMS`
items in any one list. Validation refuses a record over its budget
(`visitexport.budget`), and every reader's cap is derived from the budget
so that whatever a valid record becomes (canonical JSON, XML, a workbook)
is read back: each derivation below says why its bound holds, and
tests/test_limits.py writes records at the budget's edge to every lossless
format and reads them back.

The numbers are far above what a press release needs (the seed's record is
41 KB of JSON and 1,387 values) and keep every reader within 512 MiB. One
setting moves them all: the environment variable ``VISITEXPORT_LIMIT_SCALE``
(a whole number from 1 to 64, read once when visitexport is imported)
multiplies the budget and every cap derived from it, for machines with the
memory to match. Caps set by something else do not move: nesting depth (the
reference validator recurses), a cell's text and a sheet's size (Excel's).
"""

from __future__ import annotations

import os

__all__ = [
    "CELL_UNITS",
    "EXCEL_COLUMNS",
    "EXCEL_ROWS",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_DEPTH",
    "MAX_ITEMS",
    "MAX_JSON_BYTES",
    "MAX_LISTED",
    "MAX_MESSAGE",
    "MAX_QUOTED",
    "MAX_RECORD_BYTES",
    "MAX_REPORTED",
    "MAX_ROWS",
    "MAX_SHEET_BYTES",
    "MAX_TEXT_BYTES",
    "MAX_TEXT_LINES",
    "MAX_VALUES",
    "MAX_XML_BYTES",
    "MAX_XML_CHILDREN",
    "MAX_XML_ELEMENTS",
    "MIB",
    "RAISE_HINT",
    "SCALE",
    "SCALE_SETTING",
]

MIB = 1024 * 1024

#: The environment variable that scales every derived limit.
SCALE_SETTING = "VISITEXPORT_LIMIT_SCALE"
_MAX_SCALE = 64


def _scale() -> int:
    given = os.environ.get(SCALE_SETTING, "").strip()
    if not given:
        return 1
    # A setting that cannot be read keeps the defaults rather than stopping every command.
    return int(given) if given.isdigit() and 1 <= int(given) <= _MAX_SCALE else 1


#: The factor every derived limit is multiplied by (1 unless the setting says otherwise).
SCALE = _scale()
#: What a message about a scaled limit adds, so the way to raise it is never a search away.
RAISE_HINT = f"raise every limit with {SCALE_SETTING} (see the README's Security section)"

# --- what never scales ---------------------------------------------------------------

#: Deeper nesting is refused. The seed needs 16 levels; 48 leaves room for
#: lists nested five deep and stays far from Python's recursion limit in the
#: reference validator, which recurses several frames per level.
MAX_DEPTH = 48
#: At most this many problems are listed for one file: past it, a person fixes the first ones first.
MAX_REPORTED = 200
#: The most characters of a value a message quotes; the rest is counted, not shown.
MAX_QUOTED = 120
#: The most names (of keys, attributes, ids) one message lists before "and N more".
MAX_LISTED = 5
#: The most characters of one message, path, pointer or place a report prints: far
#: above what a message quoting values at MAX_QUOTED needs; the rest is counted.
MAX_MESSAGE = 1_000
#: The most text one spreadsheet cell holds, in UTF-16 code units (what Excel counts); every format shares it.
CELL_UNITS = 32767
#: A worksheet's size in Excel and LibreOffice.
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384

# --- the record's budget (validation refuses a record past it) ------------------------

#: The record as canonical JSON: 130 times the seed (63 KB). A JSON file is
#: parsed into Python objects at up to 25 times its size, and orjson cannot
#: survive running out of memory, so this is kept well inside 512 MiB.
MAX_RECORD_BYTES = 8 * MIB * SCALE
#: Values of every kind (objects, lists, texts, numbers, booleans): 70 times the seed.
MAX_VALUES = 100_000 * SCALE
#: Items in one list. The validators' error paths cost time in proportion to
#: the siblings before an item, so a list is held to far less than the record.
MAX_ITEMS = 10_000 * SCALE

# --- derived: the most a valid record takes in each format ---------------------------

# Text grows at most fivefold from JSON to XML or a sheet's XML (``&`` is one
# byte in JSON and ``&amp;`` in XML; ``<`` and ``>`` four; ``\r``, two bytes in
# JSON, is ``&#13;`` or ``_x000D_``; other characters take no more room), so
# 5 * MAX_RECORD_BYTES bounds the text of any rendering. The structure costs
# a fixed amount per value or cell, bounded below.
_TEXT_GROWTH = 5
#: Per element in XML: its name twice (at most 24 characters with the prefix
#: `v:`, checked by tests/test_limits.py against the XSD), the brackets and
#: slash, a newline and two spaces of indentation per level.
_XML_TAG = 24
_XML_PER_ELEMENT = 2 * _XML_TAG + 5 + 1 + 2 * MAX_DEPTH
#: Per cell in a sheet's XML: ``<c r="XFD1048576" s="99" t="inlineStr"><is><t
#: xml:space="preserve">`` and its closing tags, with room to spare.
_SHEET_PER_CELL = 96
#: The frame of a workbook: headers of every column of every sheet, the
#: ``Record``, ``About`` and ``Lists`` sheets, styles. The seed's has 3,000 cells in all.
_FRAME_CELLS = 20_000 + MAX_ITEMS

#: The JSON written for a valid record is its canonical form, measured by
#: orjson; Python spells a few numbers a byte longer (``1e+16``).
MAX_JSON_BYTES = MAX_RECORD_BYTES + MIB
#: A release's plain text: its record holds every byte of it, and more besides.
MAX_TEXT_BYTES = MAX_RECORD_BYTES
#: Lines of a release's text: a line is a part of the record, and every part several values, so
#: a text of more lines than the record holds values is refused before it is read (1,300 seeds).
MAX_TEXT_LINES = MAX_VALUES
#: Every value is at most one element (an empty list or object none).
MAX_XML_ELEMENTS = MAX_VALUES
#: An element's children: the items of a list, or an object's fields (far fewer).
MAX_XML_CHILDREN = MAX_ITEMS
MAX_XML_BYTES = _TEXT_GROWTH * MAX_RECORD_BYTES + MAX_XML_ELEMENTS * _XML_PER_ELEMENT + MIB
#: A row stands for an object or a list of cells, each holding at least one
#: more value, so a sheet has at most MAX_VALUES / 2 rows below its header.
MAX_ROWS = MAX_VALUES // 2 + 1
#: A table row of MAX_ITEMS cells, after its ``#``, parent and ``Cells`` columns.
MAX_COLUMNS = MAX_ITEMS + 8
#: Cells with a value: one per scalar value, at most five bookkeeping cells per
#: row (``#``, the parent's id, ``Parent``, ``Depth``, ``Type``), and the frame.
MAX_CELLS = MAX_VALUES + 5 * (MAX_ROWS - 1) + _FRAME_CELLS
#: One sheet's XML, or all of them together.
MAX_SHEET_BYTES = _TEXT_GROWTH * MAX_RECORD_BYTES + MAX_CELLS * _SHEET_PER_CELL + MIB

#: The largest file read, whatever its format: the largest of the bounds above,
#: so a file is never refused for its size before its own format's cap applies.
MAX_BYTES = max(MAX_JSON_BYTES, MAX_XML_BYTES, MAX_SHEET_BYTES)
