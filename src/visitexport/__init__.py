"""visitexport: diplomatic press releases as canonical JSON records.

The public API mirrors the command line: `ingest` reads a release's plain text
into a record (with warnings where its structure was a guess); `load`/`loads` read and validate a
record of any readable format, `check`/`check_file`/`check_files` report
problems without raising, `format_bytes` gives canonical bytes,
`read_record`/`write_record` convert from and to any format by name, and one
verb per format does the same for that format (`render_text`,
`dump_xml`/`load_xml`, `dump_xlsx`/`load_xlsx`, `dump_markdown`/`dump_summary`).
Every writer validates the record first.
"""

from __future__ import annotations

from visitexport.api import (
    Record,
    check,
    convert,
    dump_markdown,
    dump_summary,
    dump_xlsx,
    dump_xml,
    format_bytes,
    ingest,
    load,
    load_xlsx,
    load_xml,
    loads,
    read_record,
    render_text,
    validate,
    write_record,
    xsd_bytes,
)
from visitexport.batch import check_file, check_files
from visitexport.errors import InvalidRecordError, MissingFileError, OptionError, ToolError, VisitExportError
from visitexport.formats.json.canonical import canonical_bytes
from visitexport.formats.text.result import Ingested, IngestWarning
from visitexport.problems import FileResult, Problem
from visitexport.schema.loading import SCHEMA_ID, SCHEMA_VERSION, load_schema, schema_bytes

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "FileResult",
    "IngestWarning",
    "Ingested",
    "InvalidRecordError",
    "MissingFileError",
    "OptionError",
    "Problem",
    "Record",
    "ToolError",
    "VisitExportError",
    "__version__",
    "canonical_bytes",
    "check",
    "check_file",
    "check_files",
    "convert",
    "dump_markdown",
    "dump_summary",
    "dump_xlsx",
    "dump_xml",
    "format_bytes",
    "ingest",
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
    "xsd_bytes",
]
