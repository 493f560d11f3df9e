"""visitexport: diplomatic press releases as canonical JSON records.

The public API mirrors the command line: `load`/`loads` read and validate a
record, `check`/`check_file`/`check_files` report problems without raising,
`format_bytes` gives canonical bytes, `render_text` gives the release's text,
`dump_xml`/`load_xml` convert to and from XML, `dump_xlsx`/`load_xlsx` to and
from Excel workbooks, `dump_markdown`/`dump_summary` render Markdown, and
`read_record`/`write_record` do any format by name.
"""

from __future__ import annotations

from .api import (
    FileResult,
    Record,
    check,
    check_file,
    check_files,
    format_bytes,
    load,
    loads,
    render_text,
    validate,
)
from .canonical import canonical_bytes
from .convert import dump_markdown, dump_summary, dump_xlsx, load_xlsx, read_record, write_record
from .errors import InvalidRecordError, ToolError, VisitExportError
from .formats.xml_ import dump_xml, load_xml
from .problems import Problem
from .schema import SCHEMA_ID, SCHEMA_VERSION, load_schema, schema_bytes

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "FileResult",
    "InvalidRecordError",
    "Problem",
    "Record",
    "ToolError",
    "VisitExportError",
    "__version__",
    "canonical_bytes",
    "check",
    "check_file",
    "check_files",
    "dump_markdown",
    "dump_summary",
    "dump_xlsx",
    "dump_xml",
    "format_bytes",
    "load",
    "load_schema",
    "load_xlsx",
    "load_xml",
    "loads",
    "read_record",
    "render_text",
    "schema_bytes",
    "validate",
    "write_record",
]
