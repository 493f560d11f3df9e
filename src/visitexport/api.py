"""The public Python API: the same verbs as the command line.

>>> import visitexport
>>> record = visitexport.load("examples/kono-russia-2000.json")
>>> visitexport.check(record)
[]
>>> visitexport.render_text(record)[:20]
'Visit to the Russian'

One contract for every format (`visitexport.formats`): a reader gives a fully
validated record or raises `InvalidRecordError` with every problem in its
place; every writer is handed a record only once it is known to be valid.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from visitexport import formats
from visitexport.errors import InvalidRecordError
from visitexport.files import read_input
from visitexport.formats.json import strict
from visitexport.formats.json.canonical import canonical_bytes
from visitexport.formats.text.result import Ingested, IngestWarning
from visitexport.limits import MAX_BYTES
from visitexport.problems import Problem
from visitexport.schema.messages import DEPTH_MESSAGE
from visitexport.validation import check_record

__all__ = [
    "IngestWarning",
    "Ingested",
    "Record",
    "check",
    "convert",
    "dump_markdown",
    "dump_summary",
    "dump_xlsx",
    "dump_xml",
    "format_bytes",
    "ingest",
    "load",
    "load_xlsx",
    "load_xml",
    "loads",
    "read_record",
    "render_text",
    "validate",
    "write_record",
    "xsd_bytes",
]

#: A canonical record, as parsed from JSON.
Record = dict[str, Any]


def read_record(data: bytes | str, source: str = "<input>", fmt: str | None = None) -> Record:
    """A fully validated record from the bytes of any readable format.

    The format is `fmt`, else the one `source`'s extension names, else the one
    the bytes look like. Raises `InvalidRecordError` listing every problem,
    also for content that is no format visitexport reads; `ValueError` for an
    unknown `fmt`.
    """
    # surrogatepass: a lone surrogate in a str becomes bytes that strict reading reports.
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    # A saved web page is refused as such even under a .xml name, rather than for its DOCTYPE.
    found = None if formats.is_html(raw) else formats.detect(raw, source, fmt)
    if found is None:
        message = f"not a format visitexport reads: {formats.unknown_content(raw)}"
        raise InvalidRecordError(source, [Problem(0, 0, "", "format.unknown", message)])
    if not found.readable:
        message = f"{found.title} is a rendering of a record; it cannot be read back (read the .json, .xml or .xlsx)"
        raise InvalidRecordError(source, [Problem(0, 0, "", "format.unknown", message)])
    return found.read(raw, source)


def loads(data: bytes | str, source: str = "<input>") -> Record:
    """Parse and fully validate a record (JSON, XML or a workbook, by `source`'s extension or the content)."""
    return read_record(data, source)


def load(path: str | os.PathLike[str]) -> Record:
    """Read, parse and fully validate the record in a file of any readable format (`-` for standard input)."""
    name = os.fspath(path)
    return read_record(read_input(name, MAX_BYTES), name)


def check(record: Record) -> list[Problem]:
    """Every problem of an already parsed record (without lines and columns)."""
    return check_record(record)


def validate(record: Record, source: str = "<record>") -> None:
    """Raise `InvalidRecordError` unless the record is valid."""
    problems = check_record(record)
    if problems:
        raise InvalidRecordError(source, problems)


def write_record(record: Record, fmt: str, **options: Any) -> bytes:
    """A valid record as the bytes of `fmt` (any format, by name or alias).

    The record is validated first, whatever the format (`InvalidRecordError`);
    an unknown format is a `ValueError` listing the known ones, an option the
    format does not take an `OptionError`.
    """
    target = formats.get(fmt)
    target.check_options(**options)
    validate(record)
    return target.write(record, **options)


def convert(data: bytes, source: str, to: str, *, origin: str | None = None, **options: Any) -> bytes:
    """Read a record from `data` (in `origin`, else detected) and write it as `to`, checking it once."""
    target = formats.get(to)
    target.check_options(**options)
    return target.write(read_record(data, source, origin), **options)


def format_bytes(data: bytes, source: str = "<input>") -> bytes:
    """The canonical bytes of a JSON record; only strict JSON reading must succeed."""
    value, text = strict.parse(data, source)
    if strict.too_deep(value) is not None and (deep := strict.scan(text, places=False).too_deep):
        line, column = strict.Locator(text).at(deep[1])
        raise InvalidRecordError(source, [Problem(line, column, deep[0], "json.depth", DEPTH_MESSAGE)])
    return canonical_bytes(value)


def ingest(
    text: bytes | str, source: str = "<text>", *, encoding: str = "utf-8", offices: Sequence[str] = ()
) -> Ingested:
    """A release's plain text read into a valid record, and where its structure or a fact was a guess.

    `text` is the release as bytes (decoded with `encoding`) or as a string.
    The record holds the whole document layer (rendering it back gives `text`
    byte for byte), an id, and the facts the layout states plainly (the
    release's date, issuer and title, the visit from its lead, one engagement
    per dated heading, people named with an office); `offices` adds to the
    built-in list of offices people are named with. Raises
    `InvalidRecordError` for bytes that are no release's text (empty, binary,
    not in `encoding`, a line too long), naming the line.
    """
    from visitexport.formats.text.codec import ingest as read

    return read(text, source, encoding, offices=tuple(offices))


def xsd_bytes() -> bytes:
    """The XSD generated from the bundled schema, which every XML record follows."""
    from visitexport.formats.xml.xsd import xsd_bytes as generated

    return generated()


# --- one verb per format, for convenience: each is read_record or write_record -------------


def render_text(record: Record) -> str:
    """The release's plain text, rendered from a valid record's document layer."""
    return write_record(record, "text").decode("utf-8")


def dump_xml(record: Record) -> bytes:
    """The XSD-valid XML document of a valid record."""
    return write_record(record, "xml")


def load_xml(data: bytes | str, source: str = "<input>") -> Record:
    """A fully validated record from XML, read without trusting it."""
    return read_record(data, source, "xml")


def dump_xlsx(record: Record) -> bytes:
    """The workbook of a valid record, as bytes: the same on every run."""
    return write_record(record, "xlsx")


def load_xlsx(data: bytes, source: str = "<input>") -> Record:
    """A fully validated record from a workbook's bytes, read without trusting them."""
    return read_record(data, source, "xlsx")


def dump_markdown(record: Record) -> str:
    """The Markdown report of a valid record."""
    return write_record(record, "md").decode("utf-8")


def dump_summary(record: Record, *, report_link: str | None = None) -> str:
    """The one-page Markdown summary of a valid record, linking into `report_link` (default RECORD_ID.md)."""
    return write_record(record, "md", summary=True, report_link=report_link).decode("utf-8")
