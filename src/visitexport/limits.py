"""Every cap visitexport enforces, in one place, per format.

Each limit is named once here and imported where it is enforced, so the
README, the messages and the checks cannot drift apart. The numbers are far
above what a press release needs (the seed's record is 10 KB of text and
about 2,000 values) and far below what would exhaust a machine.
"""

from __future__ import annotations

__all__ = [
    "CELL_UNITS",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_DEPTH",
    "MAX_QUOTED",
    "MAX_REPORTED",
    "MAX_ROWS",
    "MAX_XML_CHILDREN",
    "MAX_XML_ELEMENTS",
    "MIB",
]

MIB = 1024 * 1024

# --- every input ---------------------------------------------------------------------

#: Larger files are refused before parsing, whatever their format: a release is tens of kilobytes.
MAX_BYTES = 64 * MIB
#: Deeper nesting is refused. The seed needs 16 levels; 48 leaves room for
#: lists nested five deep and stays far from Python's recursion limit in the
#: reference validator, which recurses several frames per level.
MAX_DEPTH = 48
#: At most this many problems are listed for one file: past it, a person fixes the first ones first.
MAX_REPORTED = 200
#: The most characters of a value a message quotes; the rest is counted, not shown.
MAX_QUOTED = 120

# --- XML -----------------------------------------------------------------------------

#: A record has a few thousand elements; far more can only be an attack on the
#: validator, whose error paths cost time proportional to the siblings before them.
MAX_XML_ELEMENTS = 200_000
MAX_XML_CHILDREN = 10_000

# --- spreadsheets (the workbook format, and the text limit every format shares) ---------

#: The most text one spreadsheet cell holds, in UTF-16 code units (what Excel counts).
CELL_UNITS = 32767
#: Cells with a value, in the whole workbook: the seed's has about 3,000.
MAX_CELLS = 250_000
#: The largest worksheet read, in rows and columns: a release's tables are far smaller.
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
