"""A release's bytes as lines: decoded strictly, refused when they are no text, split keeping every byte.

Each line keeps its indentation (spaces and tabs), its text, its trailing
spaces and tabs, and its line ending (``\\n``, ``\\r\\n`` or ``\\r``), so the
lines give back the text exactly. Control characters that XML and spreadsheet
cells cannot carry are replaced by their Unicode control pictures (the layout
says so); a text that already holds such a picture as well cannot be kept
that way and is refused.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass

from visitexport.errors import InvalidRecordError
from visitexport.formats import is_html
from visitexport.formats.text.render import CONTROL_PICTURES
from visitexport.limits import MAX_TEXT_BYTES, MAX_TEXT_LINES, RAISE_HINT
from visitexport.problems import Problem, shown

__all__ = ["MAX_LINE", "WHITE", "Line", "Text", "decode", "no_release", "split"]

#: The longest line kept: one spreadsheet cell.
MAX_LINE = 32_767
_ENDING = re.compile(r"\r\n|\n|\r")
#: What indents a line, ends it, or stands between a label and its text: spaces and tabs, and the
#: no-break and ideographic spaces that text pasted from web pages and Japanese editors carries.
WHITE = " \t\u00a0\u3000"
_EDGE = re.compile(f"^([{WHITE}]*)(.*?)([{WHITE}]*)$", re.DOTALL)
_CONTROLS = re.compile("[" + "".join(CONTROL_PICTURES) + "]")
_PICTURES = re.compile("[\u2400-\u241f]")
_NONCHARACTERS = re.compile("[\ufffe\uffff]")
_ENDING_NAME = {"\n": "lf", "\r\n": "crlf", "\r": "cr", "": ""}
RULE = "text.input"


@dataclass
class Line:
    """One printed line: ``indent + content + trailing + ending``."""

    number: int  # from 1
    indent: str
    content: str
    trailing: str
    ending: str  # "lf", "crlf", "cr", or "" for a last line without one

    @property
    def blank(self) -> bool:
        return not self.content

    @property
    def column(self) -> int:
        """Where the text starts, a tab counting to the next multiple of four."""
        return len(self.indent.expandtabs(4))


@dataclass
class Text:
    """A release's text, decoded: its lines and what the layout must say to restore its bytes."""

    lines: list[Line]
    original: str  # the text as decoded, a byte order mark included
    bom: bool
    controls: bool
    final_newline: bool


def _refuse(source: str, message: str, line: int = 0, column: int = 0) -> InvalidRecordError:
    return InvalidRecordError(source, [Problem(line, column, "", RULE, message)])


def _place(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _normal(encoding: str) -> str:
    return encoding.lower().replace("-", "").replace("_", "")


def _long_line(data: bytes) -> tuple[int, int] | None:
    """The first line of `data` longer than MAX_LINE characters, and its length, if any."""
    number, start = 1, 0
    while start <= len(data):
        end = data.find(b"\n", start)
        end = len(data) if end == -1 else end
        # A line of at most MAX_LINE bytes has at most MAX_LINE characters: only longer ones are decoded.
        if end - start > MAX_LINE and (size := len(data[start:end].decode("utf-8", "replace"))) > MAX_LINE:
            return number, size
        number += 1
        start = end + 1
    return None


def too_long(number: int, size: int, source: str) -> InvalidRecordError:
    message = (
        f"line {number} has {size:,} characters; a line of a release holds at most {MAX_LINE:,} (one spreadsheet cell)"
    )
    return _refuse(source, message, number, MAX_LINE + 1)


_TAG = re.compile(rb"<[A-Za-z_][\w:.-]*[\s/>]")
_CLOSING = re.compile(rb"</[A-Za-z_][\w:.-]*>\s*$")


def no_release(data: bytes) -> str | None:
    """What `data` is when it is plainly not a release's text (a record, a web page, a spreadsheet), else None."""
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if is_html(data):
        return (
            "it is an HTML page, not a release's plain text: a text export of the page is needed "
            "(save it as plain text and ingest that)"
        )
    if data.startswith(b"PK\x03\x04"):
        return "it is a zip archive (a workbook?), not a release's plain text: convert a workbook with convert"
    if data.startswith(b"%PDF"):
        return "it is a PDF document, not a release's plain text: export its text first and ingest that"
    if head.startswith(b"<?xml") or (_TAG.match(head) and _CLOSING.search(data[-4096:])):
        return "it is XML, not a release's plain text: a record in XML is read by validate and convert"
    if head[:1] in (b"{", b"["):
        try:
            json.loads(data)
        except (ValueError, RecursionError):
            pass
        else:
            return "it is JSON, not a release's plain text: a record is read by validate and convert"
    return _csv(data)


def _csv(data: bytes) -> str | None:
    """A table of comma- or semicolon-separated values: every line holds the same number (three or more) of fields."""
    text = data[:65536].decode("utf-8", "replace")
    rows = [line for line in text.splitlines() if line.strip()][:50]
    if len(rows) < 3:
        return None
    for delimiter in ",;":
        counts = {len(row) for row in csv.reader(rows, delimiter=delimiter)}
        if len(counts) == 1 and (fields := counts.pop()) >= 3:
            return (
                f"it looks like a CSV table ({len(rows)} lines of {fields} fields separated by {delimiter!r}), "
                "not a release's plain text"
            )
    return None


def decode(data: bytes, source: str, encoding: str = "utf-8") -> tuple[str, bool]:
    """The text of `data` (without a byte order mark) and whether it had one; refused when it is no text."""
    if not data:
        raise _refuse(source, "the file is empty: there is no release to read")
    if (what := no_release(data)) is not None:
        raise _refuse(source, what)
    utf8 = _normal(encoding) in {"utf8", "utf8sig"}
    if b"\x00" in data[:MAX_TEXT_BYTES] and utf8:
        at = data.find(b"\x00")
        line = data.count(b"\n", 0, at) + 1
        raise _refuse(source, "it looks like binary data (it holds a NUL byte), not the text of a release", line)
    if utf8 and (long := _long_line(data[: MAX_TEXT_BYTES + 1])):
        raise too_long(*long, source)
    if len(data) > MAX_TEXT_BYTES:
        raise _refuse(
            source, f"the file is larger than {MAX_TEXT_BYTES:,} bytes, more than a record holds ({RAISE_HINT})"
        )
    if utf8:
        bom = data.startswith(b"\xef\xbb\xbf")
        body = data[3:] if bom else data
        try:
            return body.decode("utf-8"), bom
        except UnicodeDecodeError as error:
            line = body.count(b"\n", 0, error.start) + 1
            column = len(body[body.rfind(b"\n", 0, error.start) + 1 : error.start].decode("utf-8", "replace")) + 1
            message = (
                f"byte 0x{body[error.start]:02x} is not UTF-8: the text is in another encoding "
                "(name it with --encoding, such as --encoding cp1252)"
            )
            raise _refuse(source, message, line, column) from None
    try:
        text = data.decode(encoding)
    except LookupError:
        raise _refuse(source, f"unknown encoding {shown(encoding)}") from None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise _refuse(source, f"byte 0x{data[error.start]:02x} is not {shown(encoding)}", line) from None
    if "\x00" in text:
        line, column = _place(text, text.find("\x00"))
        raise _refuse(source, "it looks like binary data (it holds a NUL character)", line, column)
    return text.removeprefix("\ufeff"), text.startswith("\ufeff")


def split(text: str, bom: bool, source: str) -> Text:
    """The lines of a decoded text, each with its layout, checked to be storable."""
    if found := _NONCHARACTERS.search(text):
        line, column = _place(text, found.start())
        raise _refuse(source, f"U+{ord(found.group()):04X} is not a character any record can hold", line, column)
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    if breaks >= MAX_TEXT_LINES:
        message = (
            f"the text has {breaks + 1:,} lines; a release's record holds at most {MAX_TEXT_LINES:,}; {RAISE_HINT}"
        )
        raise _refuse(source, message)
    original = ("\ufeff" if bom else "") + text
    controls = False
    if found := _CONTROLS.search(text):
        if picture := _PICTURES.search(text):
            line, column = _place(text, picture.start())
            raise _refuse(
                source,
                f"the text holds control characters (U+{ord(found.group()):04X}) and also control pictures "
                f"(U+{ord(picture.group()):04X} here), so the pictures cannot stand for the controls",
                line,
                column,
            )
        controls = True
        text = text.translate({ord(c): p for c, p in CONTROL_PICTURES.items()})
    lines: list[Line] = []
    number = 1
    pieces = _ENDING.split(text)
    endings = _ENDING.findall(text)
    final_newline = bool(endings) and text.endswith(("\n", "\r"))
    if final_newline:
        pieces.pop()
    for n, piece in enumerate(pieces):
        if len(piece) > MAX_LINE:
            raise too_long(number, len(piece), source)
        match = _EDGE.match(piece)
        assert match is not None
        indent, content, trailing = match.groups()
        if not content:
            indent, trailing = piece, ""
        ending = _ENDING_NAME[endings[n]] if n < len(endings) else ""
        lines.append(Line(number, indent, content, trailing, ending))
        number += 1
    if not any(line.content for line in lines):
        raise _refuse(source, "the file holds only empty lines: there is no release to read")
    return Text(lines, original, bom, controls, final_newline)
