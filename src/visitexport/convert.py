"""Converting records between formats: every format reads into and writes from the canonical record.

| format | reads | writes | extensions |
|---|---|---|---|
| json | yes (strict, fully validated) | canonical bytes | .json |
| xml | yes (safe, XSD then full validation) | XSD-valid document | .xml |
| xlsx | yes (safe package, cells by header, then full validation) | styled, deterministic workbook | .xlsx |
| text | no | the release's plain text | .txt, .text |
| md | no | a readable report (or, with `dump_summary`, a one-page summary) | .md, .markdown |
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from . import api
from .api import Record
from .canonical import canonical_bytes
from .formats import xml_
from .formats.text_ import render_text

__all__ = [
    "ALIASES",
    "FORMATS",
    "Format",
    "dump_markdown",
    "dump_summary",
    "dump_xlsx",
    "format_for_path",
    "input_format",
    "load_xlsx",
    "read_record",
    "sniff",
    "write_record",
]


def dump_xlsx(record: Record) -> bytes:
    """The workbook for a record, as bytes (see `visitexport.formats.xlsx_write`)."""
    # Imported on use: the workbook code is not needed to validate, and costs start-up time.
    from .formats.xlsx_write import dump_xlsx as dump

    return dump(record)


def load_xlsx(data: bytes, source: str = "<input>") -> Record:
    """A fully validated record from a workbook's bytes (see `visitexport.formats.xlsx_read`)."""
    from .formats.xlsx_read import load_xlsx as load

    return load(data, source)


def dump_markdown(record: Record) -> str:
    """The Markdown report for a valid record (see `visitexport.formats.md_report`)."""
    # Imported on use, like the workbook code: every command would otherwise pay for it at start-up.
    from .formats.md_report import dump_markdown as dump

    return dump(record)


def dump_summary(record: Record, *, report_link: str | None = None) -> str:
    """The one-page Markdown summary of a valid record (see `visitexport.formats.md_summary`)."""
    from .formats.md_summary import dump_summary as dump

    return dump(record, report_link=report_link)


class Format(NamedTuple):
    name: str
    extensions: tuple[str, ...]
    read: Callable[[bytes, str], Record] | None
    write: Callable[[Record], bytes]


FORMATS: dict[str, Format] = {
    "json": Format("json", (".json",), api.loads, canonical_bytes),
    "xml": Format("xml", (".xml",), xml_.load_xml, xml_.dump_xml),
    "xlsx": Format("xlsx", (".xlsx",), load_xlsx, dump_xlsx),
    "text": Format("text", (".txt", ".text"), None, lambda record: render_text(record).encode("utf-8")),
    "md": Format("md", (".md", ".markdown"), None, lambda record: dump_markdown(record).encode("utf-8")),
}

#: Other names `--to` accepts for a format.
ALIASES = {"markdown": "md"}


def format_for_path(path: str) -> str | None:
    """The format a file name's extension implies, if any."""
    suffix = Path(path).suffix.lower()
    return next((f.name for f in FORMATS.values() if suffix in f.extensions), None)


def sniff(data: bytes) -> str:
    """xlsx for a zip package; else json or xml, from the first character that is not white space (or a BOM)."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"))
    return "xml" if head.startswith(b"<") or utf16 else "json"


def input_format(data: bytes, source: str, fmt: str | None = None) -> str:
    """The format to read: `fmt`, else `source`'s extension, else sniffed from `data`."""
    return fmt or format_for_path(source) or sniff(data)


def read_record(data: bytes, source: str = "<input>", fmt: str | None = None) -> Record:
    """A fully validated record from bytes in `fmt` (from `source`'s extension, else sniffed)."""
    name = input_format(data, source, fmt)
    reader = FORMATS[name].read
    if reader is None:
        raise ValueError(f"{name} cannot be read back into a record")
    return reader(data, source)


def write_record(record: Record, fmt: str) -> bytes:
    """A valid record in `fmt`."""
    return FORMATS[fmt].write(record)
