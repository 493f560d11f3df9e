"""The registry: what each format is, and where its reader and writer live.

Every format converts to and from the canonical record, never to another
format (hub and spokes). A `Format` says everything the command line and the
API need to know about one: its name and other spellings, its file
extensions, whether its bytes are text or binary, whether it is lossless (a
round trip gives the record back) or a rendering for people, how to
recognise its bytes, and the dotted paths of its reader and writer, which are
imported only when used (the workbook and Markdown code would otherwise cost
every command its start-up time).

The contract every format keeps:

- a reader takes ``(data: bytes, source: str)`` and returns a fully
  validated record, or raises `InvalidRecordError` with every problem placed
  where the format can place it (a line, a cell);
- a writer takes a valid record (the API validates it first, for every
  format) and the format's options, and returns its bytes or text;
- a sniffer takes the first bytes of a file and answers whether they are this
  format; it imports nothing heavy.

To add a format: a folder ``formats/NAME/`` with its reader and writer side
by side and its mapping contract at the top, a sniffer in its ``__init__``,
and one entry in `FORMATS` below.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from pathlib import PurePath
from typing import Any, NamedTuple

__all__ = [
    "FORMATS",
    "Format",
    "by_extension",
    "detect",
    "get",
    "is_html",
    "names",
    "readable",
    "unknown_content",
    "writable",
]


class Format(NamedTuple):
    name: str
    #: What people call it, for messages and help.
    title: str
    extensions: tuple[str, ...]
    #: Binary bytes (a zip package) must not be written to a terminal.
    binary: bool
    #: Lossless formats give the record back exactly; the others are renderings for people.
    lossless: bool
    #: "module:function" of the reader, or None for a format that is not read back.
    reader: str | None
    #: "module:function" of the writer.
    writer: str
    #: "module:function" of the sniffer, or None for a format that is never recognised by content.
    sniffer: str | None = None
    #: Other names `--to` and `write_record` accept.
    aliases: tuple[str, ...] = ()
    #: Keyword options the writer takes, and the "module:function" that checks their values.
    options: tuple[str, ...] = ()
    option_checker: str | None = None
    #: Folders are searched for its files (records are; a release's plain text, read by ingest, is not).
    searched: bool = True

    @property
    def readable(self) -> bool:
        return self.reader is not None

    def read(self, data: bytes, source: str) -> dict[str, Any]:
        """The fully validated record in `data` (`ValueError` for a format that is not read back)."""
        if self.reader is None:
            raise ValueError(f"{self.title} is a rendering for people: it cannot be read back into a record")
        record: dict[str, Any] = _load(self.reader)(data, source)
        return record

    def write(self, record: dict[str, Any], **options: Any) -> bytes:
        """The bytes of a record that is already known to be valid."""
        out = _load(self.writer)(record, **_given(options))
        return out.encode("utf-8") if isinstance(out, str) else bytes(out)

    def check_options(self, **options: Any) -> None:
        """Refuse options this format's writer does not take, or values it cannot use (`OptionError`)."""
        from visitexport.errors import OptionError

        given = _given(options)
        unknown = sorted(name for name in given if name not in self.options)
        if unknown:
            takers = [f.name for f in FORMATS.values() if unknown[0] in f.options]
            hint = f"; it goes with {' or '.join(takers)}" if takers else ""
            raise OptionError(unknown[0], f"{self.name} does not take it{hint}")
        if self.option_checker is not None:
            _load(self.option_checker)(**given)

    def sniff(self, data: bytes) -> bool:
        return self.sniffer is not None and bool(_load(self.sniffer)(data))


def _given(options: dict[str, Any]) -> dict[str, Any]:
    """The options actually given: None and False (an option left out) are not."""
    return {name: value for name, value in options.items() if value is not None and value is not False}


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "json",
            "JSON",
            (".json",),
            binary=False,
            lossless=True,
            reader="visitexport.formats.json.codec:load_json",
            writer="visitexport.formats.json.codec:dump_json",
            sniffer="visitexport.formats.json:sniff",
        ),
        Format(
            "xml",
            "XML",
            (".xml",),
            binary=False,
            lossless=True,
            reader="visitexport.formats.xml.codec:load_xml",
            writer="visitexport.formats.xml.codec:dump_xml",
            sniffer="visitexport.formats.xml:sniff",
        ),
        Format(
            "xlsx",
            "an Excel workbook",
            (".xlsx",),
            binary=True,
            lossless=True,
            reader="visitexport.formats.xlsx.read:load_xlsx",
            writer="visitexport.formats.xlsx.write:dump_xlsx",
            sniffer="visitexport.formats.xlsx:sniff",
        ),
        Format(
            "text",
            "plain text",
            (".txt", ".text"),
            binary=False,
            lossless=False,
            reader="visitexport.formats.text.codec:load_text",
            writer="visitexport.formats.text.codec:render_text",
            searched=False,
        ),
        Format(
            "md",
            "Markdown",
            (".md", ".markdown"),
            binary=False,
            lossless=False,
            reader=None,
            writer="visitexport.formats.markdown:write",
            aliases=("markdown",),
            options=("summary", "report_link"),
            option_checker="visitexport.formats.markdown:check_options",
        ),
    )
}


def get(name: str) -> Format:
    """The format called `name` (or one of its aliases); `ValueError` listing the known ones otherwise."""
    found = FORMATS.get(name) or next((f for f in FORMATS.values() if name in f.aliases), None)
    if found is None:
        raise ValueError(f"unknown format {name!r}; the formats are {', '.join(names())}")
    return found


def names(*, readable_only: bool = False) -> list[str]:
    """Every name a format answers to (aliases too), sorted."""
    return sorted(
        name
        for f in FORMATS.values()
        if f.readable or not readable_only
        for name in (f.name, *(() if readable_only else f.aliases))
    )


def readable() -> list[Format]:
    return [f for f in FORMATS.values() if f.readable]


def writable() -> list[Format]:
    return list(FORMATS.values())


def by_extension(path: str) -> Format | None:
    """The format a file name's extension names, if any."""
    suffix = PurePath(path).suffix.lower()
    return next((f for f in FORMATS.values() if suffix in f.extensions), None)


def detect(data: bytes, source: str, name: str | None = None) -> Format | None:
    """The format to read `data` as: `name`, else `source`'s extension, else recognised by its bytes."""
    if name is not None:
        return get(name)
    return by_extension(source) or next((f for f in readable() if f.sniff(data)), None)


def is_html(data: bytes) -> bool:
    """Whether the bytes begin like an HTML page (a saved web page is no record, whatever its name)."""
    head = data[:2048].removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").lower()
    if head.startswith(b"<?xml") and b"?>" in head:  # XHTML: a declaration, then the page
        head = head.split(b"?>", 1)[1].lstrip(b" \t\r\n")
    # Only how the bytes begin counts: a record may well mention "<html" in a text.
    return head.startswith((b"<!doctype html", b"<html"))


def unknown_content(data: bytes) -> str:
    """What bytes no format recognised look like, for the message that refuses them."""
    if not data:
        return "the file is empty"
    if is_html(data):
        return "it looks like an HTML page (save the record as JSON, XML or a workbook)"
    if data.startswith(b"PK\x03\x04"):
        return "it is a zip archive, but not an Excel workbook (it has no [Content_Types].xml)"
    if data.startswith(b"%PDF"):
        return "it looks like a PDF document"
    if b"\x00" in data[:2048]:
        return "it looks like binary data"
    return "it is not JSON, XML or an Excel workbook"


@cache
def _load(dotted: str) -> Callable[..., Any]:
    module, _, function = dotted.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), function)
    return found
