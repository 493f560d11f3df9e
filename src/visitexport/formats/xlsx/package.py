"""The checks an untrusted .xlsx package passes before openpyxl decompresses any of it.

An .xlsx file is a zip archive of XML parts. openpyxl trusts it: it inflates
each part to whatever size the archive declares, reads the parts the workbook's
relationships point at, and pads every row to the size a worksheet's
``<dimension>`` claims. `check_package` looks first and refuses a package with
`InvalidRecordError`, every problem found at once, under these rule ids:

``xlsx.zip``
    not a zip archive, a damaged directory, entries whose data overlap (the
    "overlapping" zip bomb), no ``[Content_Types].xml``, no workbook part
    where the content types say it is (usually ``xl/workbook.xml``), shared
    strings they name but that are missing, encrypted entries; an OLE2
    compound file, which is what Excel writes for a password-protected
    workbook and what a legacy .xls is. In any part: a DOCTYPE (the door to
    entity expansion and external entities), an encoding a byte-level look
    cannot see through, XML that is not well-formed; a part openpyxl reads as
    XML (found as it finds them, `_openpyxl_parts`), or whose content type is
    XML, that does not begin as XML does.
``xlsx.size``
    a package over `MAX_PACKAGE_BYTES`, more than `MAX_ENTRIES` entries, a part
    declaring or inflating to more than `MAX_PART_BYTES` (less for styles:
    `PART_LIMITS`), all parts together more than `MAX_TOTAL_BYTES`.
``xlsx.compression``
    a method other than stored or deflate (the others are either unbounded in
    the standard library's decoders or unknown to openpyxl). A deflate bomb
    gains nothing: no part inflates past its limit. (No ratio is refused: a
    valid record's sheet of ``&&&`` deflates 320 to 1, as far as a bomb.)
``xlsx.names``
    duplicate names (case-insensitive, ``\\`` read as ``/``), absolute names,
    ``.`` or ``..`` segments, control characters, a folder entry (a name
    ending in ``/``) holding data: the ways two tools can disagree about which
    bytes a name means.
``xlsx.macro``
    VBA projects and their signatures, ActiveX controls, Excel 4.0 macro
    sheets, by part name, content type or relationship type.
``xlsx.external``
    external links, data connections, query tables, and any relationship to a
    target outside the package except a hyperlink: opening such a workbook in
    Excel later would fetch or run something.
``xlsx.range``
    a worksheet ``<dimension>`` beyond `MAX_ROWS` rows or `MAX_COLUMNS`
    columns, or one openpyxl cannot read; a part over 1 MiB holding more than
    `MAX_ELEMENTS` cells, shared strings or cell formats, `MAX_PART_ROWS`
    rows, `MAX_RUNS` rich text runs or `MAX_PART_ELEMENTS` elements of any
    kind (what openpyxl makes objects of, or keeps, whatever they hold).

What is decompressed, to keep the check a small fraction of an openpyxl load:
nothing until the central directory shows no broken, oversized or unusual
entry; then ``[Content_Types].xml`` and the ``.rels`` parts in full (each at
most 1 MiB, together at most 8 MiB) and the first 4 KiB of every other part,
whatever its name: openpyxl reads the parts the content types and
relationships point at, named ``sheet6.bin`` or ``strings.dat`` as well as
``sheet1.xml``, so every part is looked at as XML could be (a DOCTYPE must
come before the root element, and a worksheet's ``<dimension>`` comes right
after it; bytes that are not XML pass this look unharmed, unless openpyxl
reads the part as XML). UTF-16 is recognised as expat recognises it: a
byte-order mark, or a NUL in the first two bytes, even before whitespace.
The workbook part is streamed through a parser for its sheets. Parts over
1 MiB that begin as XML are inflated once more, a chunk at a time, within
their limit, to count their elements in constant memory. A worksheet need
not declare a dimension, nor put it within those bytes (openpyxl takes the
first one before ``</sheetData>``), so the reader still enforces `MAX_ROWS`
and `MAX_COLUMNS` while it streams rows.

XML is parsed lazily with lxml (no DTD, no entities, no network); neither lxml
nor openpyxl is imported with this module.
"""

from __future__ import annotations

import codecs
import io
import itertools
import posixpath
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple, NoReturn

from visitexport.errors import InvalidRecordError
from visitexport.formats.xlsx.refs import column_number
from visitexport.limits import (
    MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_REPORTED,
    MAX_ROWS,
    MAX_SHEET_BYTES,
    MIB,
    RAISE_HINT,
)
from visitexport.problems import Problem, shown

__all__ = [
    "MAX_COLUMNS",
    "MAX_ELEMENTS",
    "MAX_ENTRIES",
    "MAX_PACKAGE_BYTES",
    "MAX_PART_BYTES",
    "MAX_PART_ELEMENTS",
    "MAX_PART_ROWS",
    "MAX_ROWS",
    "MAX_RUNS",
    "MAX_TOTAL_BYTES",
    "PART_LIMITS",
    "Parts",
    "check_package",
    "read_part",
]

#: A larger package is refused unread, as JSON and XML files are.
MAX_PACKAGE_BYTES = MAX_BYTES
#: A workbook has a dozen parts plus a few per sheet; the cap also bounds the
#: per-entry objects zipfile builds from the directory.
MAX_ENTRIES = 1_000
#: Uncompressed size of one part, whatever its name: zipfile stops a part at its
#: declared size, and `_read` counts what it inflates, so this bounds what
#: openpyxl can inflate from it. The largest sheet a valid record makes is
#: MAX_SHEET_BYTES (see `visitexport.limits`); no other part comes near.
MAX_PART_BYTES = MAX_SHEET_BYTES
#: All parts together: a valid record's sheets together stay within one MAX_SHEET_BYTES.
MAX_TOTAL_BYTES = 2 * MAX_SHEET_BYTES
#: Styles are read by their name (openpyxl reads ``xl/styles.xml`` and nothing
#: else) and turned into many Python objects: a 1.6 MB styles.xml of 500,000
#: formats took 1.5 GB to load. visitexport writes 6 KB.
PART_LIMITS: tuple[tuple[str, int], ...] = (("xl/styles.xml", 1 * MIB),)
#: Cells in one part, empty or not, shared strings or cell formats: openpyxl makes
#: an object of each before anything can be counted (750,000 empty styled cells
#: in one row cost 461 MB). A valid record's sheets hold at most MAX_CELLS cells,
#: all with values: the writer writes no empty cell.
MAX_ELEMENTS = MAX_CELLS
#: Row elements in one part: a valid record's sheet has at most MAX_ROWS, and an
#: editor may add as many again of styled empty rows. openpyxl keeps a dictionary
#: for every styled row, value or not (1,000,000 of them took 470 MB).
MAX_PART_ROWS = 2 * MAX_ROWS
#: Rich text runs in one part: visitexport writes none, an editor a few per
#: formatted text; openpyxl makes an object of every run of a text before it
#: joins them (1,000,000 runs in one cell took 515 MB).
MAX_RUNS = MAX_CELLS
#: Elements of any kind in one part. A valid record's sheet has at most a cell,
#: its inline string, its text and a link per cell with a value, and an element
#: per row and per column width; openpyxl's parser keeps every element it has no
#: use for until the part ends (1,000,000 took 75 MB).
MAX_PART_ELEMENTS = 4 * MAX_CELLS + 2 * MAX_ROWS + MAX_COLUMNS
#: Parts smaller than this cannot hold that many elements worth worrying about, and are not counted.
_COUNT_FROM = MIB
#: The elements counted by name, under any prefix (a non-ASCII one too): cells,
#: shared strings and cell formats; rows; rich text runs.
_NAMED = re.compile(rb"<(?:[^\s<>/:!?]+:)?(c|si|xf|row|r)[\s/>]")
_COUNTED: tuple[tuple[tuple[bytes, ...], str, int], ...] = (
    ((b"c", b"si", b"xf"), "cells, strings or formats", MAX_ELEMENTS),
    ((b"row",), "rows", MAX_PART_ROWS),
    ((b"r",), "rich text runs", MAX_RUNS),
)
#: A tag cut by a chunk's end is carried into the next chunk up to this length; a
#: longer name costs more bytes than any count could gain from missing it.
_CARRY = 1024

_XML_PART_BYTES = MIB  # [Content_Types].xml and each .rels part: a few kilobytes in practice
_XML_TOTAL_BYTES = 8 * MIB
_HEAD_BYTES = 4096  # of every other XML part: its prolog, and a worksheet's dimension
_CHUNK = 64 * 1024

_CONTENT_TYPES = "[Content_Types].xml"
_WORKBOOK = "xl/workbook.xml"
# The content types openpyxl looks for, in its order (openpyxl.xml.constants XLTM, XLTX, XLSM, XLSX).
_WORKBOOK_TYPES = (
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
# Read by name whatever the content types say (the theme too, as bytes, unparsed).
_FIXED_PARTS = (
    ("xl/styles.xml", "the styles"),
    ("docProps/core.xml", "the document properties"),
    ("docProps/custom.xml", "the custom properties"),
)
_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELATIONSHIP_ID = "{" + _RELATIONSHIPS_NS + "}id"
_DRAWING = _RELATIONSHIPS_NS + "/drawing"
_CHART = _RELATIONSHIPS_NS + "/chart"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CENTRAL_RECORD = b"PK\x01\x02"
_LOCAL_HEADER = 30  # bytes before a part's name in its local header
_ENCRYPTED = 0x01 | 0x40  # traditional and strong encryption flags
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_OTHER_METHODS = {9: "deflate64", 12: "bzip2", 14: "lzma", 93: "zstandard", 95: "xz", 98: "ppmd", 99: "aes"}
_STRUCTURAL = frozenset({"xlsx.zip", "xlsx.size", "xlsx.compression"})
# Everything zipfile and zlib raise for damaged input; struct.error for directories cut mid-record.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, struct.error, EOFError, OSError, ValueError, NotImplementedError)

_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DIMENSION = _MAIN + "dimension"
_SHEET_DATA = _MAIN + "sheetData"

# Lower-case fragments of content types, and last segments of relationship types.
_MACRO_CONTENT = ("macroenabled", "vbaproject", "activex", "macrosheet")
_EXTERNAL_CONTENT = ("externallink", "connections+xml", "querytable")
_MACRO_RELATIONSHIPS = ("xlmacrosheet", "xlintlmacrosheet", "control", "activexcontrolbinary")  # and vbaProject*
_EXTERNAL_RELATIONSHIPS = ("externallink", "connections", "querytable")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DRIVE = re.compile(r"[A-Za-z]:")
_PROLOG = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_DECLARED_ENCODING = re.compile(r"""<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
# Encodings in which "<!DOCTYPE" is the same bytes as in ASCII, or UTF-16, which is decoded first.
_ENCODINGS = frozenset({"UTF-8", "UTF8", "UTF-16", "UTF16", "UTF-16LE", "UTF-16BE", "US-ASCII", "ASCII"})
_UTF32 = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\x00<", b"<\x00\x00\x00")
# openpyxl's own pattern for a dimension ref (utils.cell.ABSOLUTE_RE), read the same way below.
_RANGE = re.compile(r"\$?([A-Za-z]{1,3})?\$?(\d+)?(:\$?([A-Za-z]{1,3})?\$?(\d+)?)?")


class Parts(NamedTuple):
    """The parts openpyxl will read, found as it finds them: to name them when it fails on one."""

    workbook: str
    #: The shared strings, if the content types name any.
    strings: str | None
    #: The worksheets, in the workbook's order (chartsheets left out, as openpyxl's ``worksheets`` leaves them).
    sheets: tuple[str, ...]


_NONE_FOUND = Parts(_WORKBOOK, None, ())


class _Refused(Exception):
    """One part cannot be read further; its problem joins the others."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _problem(rule: str, message: str) -> Problem:
    return Problem(0, 0, "", rule, message)


def _at(rule: str, part: str, message: str) -> Problem:
    """A problem with the part named `part`."""
    return _problem(rule, f"part {shown(part)}: {message}")


# --- the API -------------------------------------------------------------------------------------------------------


def check_package(data: bytes, source: str) -> Parts:
    """Raise InvalidRecordError(source, problems) if the package is unsafe; if it is fine, the parts openpyxl reads."""
    _check_envelope(data, source)
    archive = _open(data, source)
    parts = _NONE_FOUND
    with archive:
        entries = archive.infolist()
        problems = _directory_problems(entries, archive.start_dir)
        # Parts are inflated only once the directory shows nothing broken or oversized.
        if not any(problem.rule in _STRUCTURAL for problem in problems):
            found, parts = _part_problems(archive, entries)
            problems += found
    if problems:
        raise InvalidRecordError(source, problems[:MAX_REPORTED])
    return parts


def read_part(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """The part `name` decompressed, or InvalidRecordError (``xlsx.size``) once it grows past `limit` bytes.

    The count is of bytes actually produced, chunk by chunk: declared sizes can lie.
    """
    try:
        try:
            info = archive.getinfo(name)
        except KeyError:
            raise _Refused(_problem("xlsx.zip", f"part {shown(name)} is missing")) from None
        return _read(archive, info, limit)
    except _Refused as refused:
        raise InvalidRecordError(archive.filename or "<xlsx>", [refused.problem]) from None


# --- before the directory is parsed ----------------------------------------------------------------------------------


def _check_envelope(data: bytes, source: str) -> None:
    def refuse(rule: str, message: str) -> NoReturn:
        raise InvalidRecordError(source, [_problem(rule, message)])

    if len(data) > MAX_PACKAGE_BYTES:
        refuse("xlsx.size", f"package is larger than the limit of {MAX_PACKAGE_BYTES:,} bytes")
    if data.startswith(_OLE2):
        refuse("xlsx.zip", "an OLE2 compound file: a password-protected workbook or a legacy .xls; save it as .xlsx")
    # zipfile builds an object per directory record before anyone can count them;
    # every record starts with this signature, so the count bounds them for free.
    if data.count(_CENTRAL_RECORD) > MAX_ENTRIES:
        refuse("xlsx.size", f"more than {MAX_ENTRIES:,} entries")


def _open(data: bytes, source: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        message = f"not a zip archive, or its directory is damaged ({shown(str(exc))})"
        raise InvalidRecordError(source, [_problem("xlsx.zip", message)]) from None


# --- the central directory -------------------------------------------------------------------------------------------


def _directory_problems(entries: list[zipfile.ZipInfo], end: int) -> list[Problem]:
    problems = [problem for info in entries for problem in _entry_problems(info)]
    problems += _total_problems(entries)
    problems += _layout_problems(entries, end)
    problems += _name_problems(entries)
    problems += _required_problems(entries)
    problems += [problem for info in entries if (problem := _kind_problem(info.orig_filename))]
    return problems


def _entry_problems(info: zipfile.ZipInfo) -> Iterator[Problem]:
    name = info.orig_filename
    if info.flag_bits & _ENCRYPTED:
        yield _at("xlsx.zip", name, "encrypted parts are not accepted")
    if info.compress_type not in _METHODS:
        method = f"{info.compress_type} ({_OTHER_METHODS.get(info.compress_type, 'unknown')})"
        yield _at("xlsx.compression", name, f"compression method {method} is not accepted, only deflate")
    limit = _part_limit(name)
    if info.file_size > limit:
        message = f"{info.file_size:,} bytes uncompressed, more than the limit of {limit:,}; {RAISE_HINT}"
        yield _at("xlsx.size", name, message)
    if name.endswith("/") and info.file_size:
        yield _at("xlsx.names", name, "a folder entry holding data")


def _total_problems(entries: list[zipfile.ZipInfo]) -> Iterator[Problem]:
    if len(entries) > MAX_ENTRIES:
        yield _problem("xlsx.size", f"more than {MAX_ENTRIES:,} entries")
    total = sum(info.file_size for info in entries)
    if total > MAX_TOTAL_BYTES:
        message = (
            f"all parts together: {total:,} bytes uncompressed, more than the limit of {MAX_TOTAL_BYTES:,};"
            f" {RAISE_HINT}"
        )
        yield _problem("xlsx.size", message)


def _layout_problems(entries: list[zipfile.ZipInfo], end: int) -> Iterator[Problem]:
    """Each part's data must lie between its local header and the next one.

    Entries that share data let a small archive declare many large parts (the
    overlapping zip bomb), and disagree about what a part holds. The bound is
    a lower one (the local name and extra field only add to it).
    """
    if not entries:
        return  # nothing to overlap; the required parts are missing, which is said elsewhere
    ordered = sorted(entries, key=lambda info: info.header_offset)
    stops = [info.header_offset for info in ordered[1:]] + [end]
    for info, stop in zip(ordered, stops, strict=True):
        if info.header_offset < 0 or info.header_offset + _LOCAL_HEADER + info.compress_size > stop:
            yield _at("xlsx.zip", info.orig_filename, "its data overlap another part's")


def _name_problems(entries: list[zipfile.ZipInfo]) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for info in entries:
        # orig_filename: zipfile cuts `filename` at a NUL.
        name = info.orig_filename
        path = name.replace("\\", "/")
        segments = path.lstrip("/").rstrip("/").split("/")
        if _CONTROL.search(name):
            yield _at("xlsx.names", name, "control character in the name")
        if path.startswith("/") or _DRIVE.match(path):
            yield _at("xlsx.names", name, "absolute name")
        if ".." in segments or "." in segments or "" in segments:
            yield _at("xlsx.names", name, "'.', '..' or empty segment in the name")
        key = path.lower()
        if key in seen:
            yield _at("xlsx.names", name, f"same name as part {shown(seen[key])}")
        else:
            seen[key] = name


def _required_problems(entries: list[zipfile.ZipInfo]) -> Iterator[Problem]:
    # The workbook part is wherever the content types say (`_openpyxl_parts`), so only they are required here.
    if _CONTENT_TYPES not in {info.orig_filename for info in entries}:
        yield _missing(_CONTENT_TYPES)


def _missing(name: str) -> Problem:
    return _problem("xlsx.zip", f"not a spreadsheet package: part {shown(name)} is missing")


def _kind_problem(name: str) -> Problem | None:
    """A part refused for what its name says it is."""
    *folders, base = name.replace("\\", "/").lower().split("/")
    if base.startswith("vbaproject") and base.endswith(".bin"):
        return _at("xlsx.macro", name, "macros are not accepted")
    if "activex" in folders or base.startswith("activex"):
        return _at("xlsx.macro", name, "activex controls are not accepted")
    if "macrosheets" in folders:
        return _at("xlsx.macro", name, "excel 4.0 macro sheets are not accepted")
    if "externallinks" in folders:
        return _at("xlsx.external", name, "external links are not accepted")
    if base == "connections.xml":
        return _at("xlsx.external", name, "data connections are not accepted")
    if "querytables" in folders:
        return _at("xlsx.external", name, "query tables are not accepted")
    return None


# --- inside the parts ----------------------------------------------------------------------------------------------


def _part_problems(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> tuple[list[Problem], Parts]:
    # Every part with bytes, whatever its name: a folder entry holding data is refused, not skipped.
    files = [info for info in entries if info.file_size and not info.orig_filename.endswith("/")]
    # Metadata is parsed even when empty: openpyxl would fail on it, and so says the check.
    metadata = [info for info in entries if _is_metadata(info.orig_filename) and not info.orig_filename.endswith("/")]
    declared = sum(info.file_size for info in metadata)
    if declared > _XML_TOTAL_BYTES:
        message = (
            f"content types and relationships hold {declared:,} bytes, more than the limit of {_XML_TOTAL_BYTES:,}"
        )
        return [_problem("xlsx.size", message)], _NONE_FOUND
    roots: dict[str, Any] = {}

    def metadata_problems(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[Problem]:
        name = info.orig_filename
        root = roots[name] = _parse(name, _read(archive, info, _XML_PART_BYTES))
        return _content_type_problems(root) if name == _CONTENT_TYPES else _relationship_problems(name, root)

    problems = _collect(archive, metadata, metadata_problems)
    if problems:
        return problems, _NONE_FOUND
    read_as, problems, parts = _openpyxl_parts(archive, roots)
    others = [info for info in files if not _is_metadata(info.orig_filename)]
    for name, why in _declared_xml(roots[_CONTENT_TYPES], others).items():
        read_as.setdefault(name, why)

    def head_problems(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[Problem]:
        return _head_problems(archive, info, read_as.get(info.filename))

    problems += _collect(archive, others, head_problems)
    return problems + _collect(archive, others, _count_problems), parts


def _declared_xml(content_types: Any, entries: list[zipfile.ZipInfo]) -> dict[str, str]:
    """The parts whose content type is XML (an Override by name, else a Default by extension), and why they are XML."""
    overrides = {
        (element.get("PartName") or "").lstrip("/"): element.get("ContentType") or ""
        for element in content_types.iter("{*}Override")
    }
    defaults = {
        (element.get("Extension") or "").lower(): element.get("ContentType") or ""
        for element in content_types.iter("{*}Default")
    }
    found = {}
    for info in entries:
        name = info.orig_filename
        kind = overrides.get(name, defaults.get(name.rsplit(".", 1)[-1].lower(), ""))
        if kind.lower().endswith("xml"):
            found[name] = "its content type is XML"
    return found


# --- the parts openpyxl reads, found as it finds them ---------------------------------------------------------------


def _openpyxl_parts(archive: zipfile.ZipFile, roots: dict[str, Any]) -> tuple[dict[str, str], list[Problem], Parts]:
    """The parts openpyxl parses as XML (name -> what it reads them as), the missing ones it needs, and `Parts`.

    Found as ``openpyxl.reader.excel.ExcelReader`` finds them with
    ``read_only=True, keep_links=False``, whatever their names: the workbook
    and the shared strings by content type (``PartName[1:]``, as it is), the
    styles and document properties by fixed names, sheets through the
    workbook's ``<sheets>`` and relationships, resolved by
    ``packaging.relationship.get_dependents`` (a leading ``/`` dropped, else
    joined and normalised, ``..`` included; no ``%`` escape decoded, no
    ``#`` fragment cut), and, for a chartsheet, its drawings and their
    charts. A name is looked up exactly, as zipfile does: case and ``\\``
    count. The sheets themselves are parsed later, by `visitexport.formats.xlsx.source`.
    """
    names = set(archive.namelist())
    # Without a PartName openpyxl refuses the content types; with one, it takes all but its first character.
    overrides = [
        (element.get("ContentType"), element.get("PartName"))
        for element in roots[_CONTENT_TYPES]
        if _local(element) == "Override" and element.get("PartName") is not None
    ]
    read_as: dict[str, str] = {}
    problems: list[Problem] = []
    workbook = _workbook_part(roots[_CONTENT_TYPES], overrides)
    if workbook is None:
        return read_as, [_at("xlsx.zip", _CONTENT_TYPES, "names no workbook part")], _NONE_FOUND
    strings = next((part[1:] for kind, part in overrides if kind == _SHARED_STRINGS), None)
    sheets: list[str] = []
    for name, why in ((workbook, "the workbook"), (strings, "the shared strings")):
        if name is not None and name not in names:
            problems.append(_missing(name))
        elif name is not None:
            read_as[name] = f"it is read as {why}"
    for name, why in _FIXED_PARTS:
        if name in names:
            read_as[name] = f"it is read as {why}"
    if workbook not in names or _rels_of(workbook) not in roots:
        return read_as, problems, Parts(workbook, strings, ())
    try:
        sheet_ids = _sheet_ids(archive, archive.getinfo(workbook))
    except _Refused as refused:
        return read_as, [*problems, refused.problem], Parts(workbook, strings, ())
    relationships = _relationships(roots[_rels_of(workbook)], _rels_of(workbook))
    for sheet_id in sheet_ids:
        kind, target = relationships.get(sheet_id, ("", ""))
        if target not in names:
            continue  # openpyxl skips a sheet whose part is not there
        if "chartsheet" not in kind:
            read_as[target] = "it is read as a worksheet"
            sheets.append(target)
            continue
        read_as[target] = "it is read as a chartsheet"
        for drawing in _targets(roots, target, _DRAWING):
            read_as[drawing] = "it is read as a drawing"
            for chart in _targets(roots, drawing, _CHART):
                read_as[chart] = "it is read as a chart"
    present = {name: why for name, why in read_as.items() if name in names}
    return present, problems, Parts(workbook, strings, tuple(sheets))


def _workbook_part(content_types: Any, overrides: list[tuple[str | None, str]]) -> str | None:
    """The workbook part as openpyxl's reader finds it (its private ``_find_workbook_part``)."""
    for wanted in _WORKBOOK_TYPES:
        part = next((part for kind, part in overrides if kind == wanted), None)
        if part is not None:
            return part[1:]
    defaults = {element.get("ContentType") for element in content_types if _local(element) == "Default"}
    return _WORKBOOK if defaults & set(_WORKBOOK_TYPES) else None


def _sheet_ids(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[str]:
    """The relationship ids of the workbook's sheets, in order, as openpyxl reads them.

    Every element in the root's last ``<sheets>`` (any namespace) is a sheet;
    its id is the relationships namespace's ``id``. Parsed as it streams, each
    element cleared once seen.
    """
    from lxml import etree

    name = info.orig_filename
    try:
        text = _check_prolog(name, _head(archive, info, _HEAD_BYTES), complete=info.file_size <= _HEAD_BYTES)
    except _Refused:
        return []  # the look at every part's head says what is wrong, once
    if not _looks_like_xml(text):
        return []
    parser = etree.XMLPullParser(events=("start", "end"), **_parser_options())
    depth = 0
    found: list[str] = []
    current: list[str] | None = None
    try:
        for chunk in _chunks(archive, info, _part_limit(name)):
            parser.feed(chunk)
            for event, element in parser.read_events():
                if event == "start":
                    depth += 1
                    if depth == 2 and _local(element) == "sheets":
                        current = []
                    continue
                depth -= 1
                if depth == 2 and current is not None:
                    sheet_id = element.get(_RELATIONSHIP_ID)
                    if sheet_id:
                        current.append(sheet_id)
                elif depth == 1 and current is not None:
                    found, current = current, None
                if depth >= 1:
                    element.clear()
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise _Refused(_at("xlsx.zip", name, f"not well-formed XML ({shown(str(exc.msg))})")) from None
    return found


def _rels_of(name: str) -> str:
    """The relationships part of part `name` (``packaging.relationship.get_rels_path``)."""
    folder, base = posixpath.split(name)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def _relationships(root: Any, rels: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, target) of a relationships part, targets resolved as ``get_dependents`` resolves them."""
    parent = posixpath.split(posixpath.dirname(rels))[0]
    found: dict[str, tuple[str, str]] = {}
    for element in root:  # every child is a relationship to openpyxl, whatever its tag
        target = element.get("Target") if isinstance(element.tag, str) else None
        if target is None:
            continue
        if element.get("TargetMode") != "External":
            target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(parent, target))
        found[element.get("Id") or ""] = (element.get("Type") or "", target)
    return found


def _targets(roots: dict[str, Any], name: str, kind: str) -> list[str]:
    """The targets of part `name`'s relationships of type `kind`."""
    rels = _rels_of(name)
    if rels not in roots:
        return []
    return [target for found, target in _relationships(roots[rels], rels).values() if found == kind]


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# --- counting ------------------------------------------------------------------------------------------------------


def _count_problems(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[Problem]:
    """Refuse a large part of more elements than a valid record's workbook holds, before any parser sees it.

    openpyxl builds a Python object for every cell of a row, every shared
    string, every styled row and every run of a text before anything can be
    counted: 1.75 million empty cells fit in one 8 MiB sheet and cost 585 MB.
    Parts this large are inflated once more, a chunk at a time, and their
    elements counted in C, in constant memory.
    """
    if info.file_size <= _COUNT_FROM:
        return
    name = info.orig_filename
    counts = _counts(_chunks(archive, info, _part_limit(name)))
    if counts is None:
        return  # not XML: no parser makes an element of it
    named, elements = counts
    over = [(sum(named[tag] for tag in tags), what, limit) for tags, what, limit in _COUNTED]
    # The elements in all only when no kind of them says more.
    over = [found for found in over if found[0] > found[2]] or [(elements, "elements", MAX_PART_ELEMENTS)]
    for count, what, limit in over:
        if count > limit:
            yield _at("xlsx.range", name, f"{count:,} {what}, more than the limit of {limit:,}; {RAISE_HINT}")


def _counts(chunks: Iterator[bytes]) -> tuple[Counter[bytes], int] | None:
    """Elements by name (`_NAMED`) and in all, of a part that begins as XML does; None for any other part.

    UTF-16 is counted as the UTF-8 it decodes to. A tag cut by a chunk's end is
    carried into the next chunk, so nothing is counted twice or missed.
    """
    first = next(chunks, b"")
    if not _looks_like_xml(_decode(first[:_HEAD_BYTES])):
        return None
    encoding = _utf16(first)
    decoder = codecs.getincrementaldecoder(encoding)("replace") if encoding else None
    named: Counter[bytes] = Counter()
    elements = 0
    carry = b""

    def count(text: bytes) -> int:
        named.update(_NAMED.findall(text))
        return text.count(b"<") - text.count(b"</") - text.count(b"<?") - text.count(b"<!")

    for chunk in itertools.chain([first], chunks):
        text = carry + (decoder.decode(chunk).encode("utf-8") if decoder else chunk)
        cut = text.rfind(b"<")
        carry = text[cut:] if cut >= 0 and len(text) - cut <= _CARRY else b""
        elements += count(text[: len(text) - len(carry)])
    return named, elements + count(carry)


def _part_limit(name: str) -> int:
    lowered = name.lower()
    return next((size for prefix, size in PART_LIMITS if lowered.startswith(prefix)), MAX_PART_BYTES)


def _is_metadata(name: str) -> bool:
    return name == _CONTENT_TYPES or name.lower().endswith(".rels")


def _collect(
    archive: zipfile.ZipFile,
    entries: Iterable[zipfile.ZipInfo],
    check: Callable[[zipfile.ZipFile, zipfile.ZipInfo], Iterable[Problem]],
) -> list[Problem]:
    problems: list[Problem] = []
    for info in entries:
        try:
            problems.extend(check(archive, info))
        except _Refused as refused:
            problems.append(refused.problem)
    return problems


def _content_type_problems(root: Any) -> Iterator[Problem]:
    for element in root.iter("{*}Default", "{*}Override"):
        content_type = element.get("ContentType") or ""
        lowered = content_type.lower()
        if any(fragment in lowered for fragment in _MACRO_CONTENT):
            yield _content_type_problem(
                "xlsx.macro", element, f"macro content type {shown(content_type)} is not accepted"
            )
        elif any(fragment in lowered for fragment in _EXTERNAL_CONTENT):
            message = f"external data content type {shown(content_type)} is not accepted"
            yield _content_type_problem("xlsx.external", element, message)


def _content_type_problem(rule: str, element: Any, message: str) -> Problem:
    """A problem with the part an Override names, or with [Content_Types].xml for a Default."""
    part = element.get("PartName")
    if part is None:
        return _at(rule, _CONTENT_TYPES, f"extension {shown(element.get('Extension') or '')}: {message}")
    return _at(rule, part.lstrip("/"), message)


def _relationship_problems(name: str, root: Any) -> Iterator[Problem]:
    for element in root.iter("{*}Relationship"):
        kind = element.get("Type") or ""
        last = kind.rsplit("/", 1)[-1]
        lowered = last.lower()
        if lowered in _MACRO_RELATIONSHIPS or lowered.startswith("vbaproject"):
            yield _at("xlsx.macro", name, f"{shown(last)} relationship (macros) is not accepted")
        elif lowered in _EXTERNAL_RELATIONSHIPS:
            yield _at("xlsx.external", name, f"{shown(last)} relationship is not accepted")
        elif (element.get("TargetMode") or "").lower() == "external" and kind != _HYPERLINK:
            yield _at("xlsx.external", name, f"external {shown(last)} relationship is not accepted")


def _head_problems(archive: zipfile.ZipFile, info: zipfile.ZipInfo, read_as: str | None) -> Iterator[Problem]:
    """The look at a part's first bytes; `read_as` says why the part must be XML (None: it may be anything)."""
    name = info.orig_filename
    head = _head(archive, info, _HEAD_BYTES)
    text = _check_prolog(name, head, complete=len(head) >= info.file_size)
    if read_as and not _looks_like_xml(text):
        # Said where, rather than left to openpyxl's parser, which cannot name the part.
        yield _at("xlsx.zip", name, f"{read_as}, but it does not begin as XML does")
        return
    # The word cannot hide: no DOCTYPE, so no entity can spell it.
    if "dimension" in text:
        problem = _dimension_problem(name, head)
        if problem:
            yield problem


# --- reading ---------------------------------------------------------------------------------------------------------


def _readable(info: zipfile.ZipInfo) -> None:
    """Refuse what `read_part` must not hand to zipfile: its bzip2 and lzma decoders have no output bound."""
    name = info.orig_filename
    if info.compress_type not in _METHODS:
        message = f"compression method {info.compress_type} is not accepted, only deflate"
        raise _Refused(_at("xlsx.compression", name, message))
    if info.flag_bits & _ENCRYPTED:
        raise _Refused(_at("xlsx.zip", name, "encrypted parts are not accepted"))


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    return b"".join(_chunks(archive, info, limit))


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """The part inflated a chunk at a time; `_Refused` (``xlsx.size``) once it grows past `limit` bytes."""
    _readable(info)
    size = 0
    try:
        with archive.open(info) as stream:
            # One byte past the limit is enough to know it is exceeded.
            while chunk := stream.read(min(_CHUNK, limit + 1 - size)):
                size += len(chunk)
                if size > limit:
                    raise _Refused(_at("xlsx.size", info.orig_filename, f"more than {limit:,} bytes uncompressed"))
                yield chunk
    except _ZIP_ERRORS as exc:
        raise _damaged(info, exc) from None


def _head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> bytes:
    _readable(info)
    try:
        with archive.open(info) as stream:
            return stream.read(size)
    except _ZIP_ERRORS as exc:
        raise _damaged(info, exc) from None


def _damaged(info: zipfile.ZipInfo, exc: Exception) -> _Refused:
    return _Refused(_at("xlsx.zip", info.orig_filename, f"damaged data ({shown(str(exc))})"))


# --- XML -----------------------------------------------------------------------------------------------------------


def _check_prolog(name: str, head: bytes, *, complete: bool) -> str:
    """The start of an XML part as text, once it shows no DOCTYPE, before or within `head`.

    A DOCTYPE can only come before the root element, so it is enough to see
    past the declaration, comments and processing instructions to the root.
    """

    def refuse(message: str) -> NoReturn:
        raise _Refused(_at("xlsx.zip", name, message))

    if head.startswith(_UTF32):
        refuse("UTF-32 is not accepted, only UTF-8 or UTF-16")
    text = _decode(head)
    declared = _DECLARED_ENCODING.match(text)
    if declared and declared.group(1).upper().replace("_", "-") not in _ENCODINGS:
        refuse(f"encoding {shown(declared.group(1))} is not accepted, only UTF-8 or UTF-16")
    prolog = _PROLOG.match(text)  # always matches, if only the empty string
    rest = text[prolog.end() if prolog else 0 :]
    if rest.startswith("<!") and not rest.startswith("<!--"):
        refuse("a DOCTYPE is not allowed")
    if not complete and (len(rest) < 2 or rest.startswith(("<?", "<!--"))):
        refuse(f"no root element within the first {len(head):,} bytes")
    return text


def _decode(head: bytes) -> str:
    """`head` as text, in the encoding expat finds for it."""
    encoding = _utf16(head)
    return (
        head.decode(encoding, "replace") if encoding else head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    )


def _utf16(head: bytes) -> str | None:
    """The UTF-16 `head` is in, or None: expat reads a byte-order mark, or else a NUL
    in the first two bytes, as UTF-16, even before whitespace (``\x20\x00<\x00``)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head[:1] == b"\x00":
        return "utf-16-be"
    if head[1:2] == b"\x00":
        return "utf-16-le"
    return None


def _looks_like_xml(text: str) -> bool:
    """Whether a part's text begins as XML does: XML's whitespace, then markup."""
    return text.lstrip(" \t\r\n").startswith("<")


def _parser_options() -> dict[str, bool]:
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _parse(name: str, data: bytes) -> Any:
    from lxml import etree

    _check_prolog(name, data, complete=True)
    try:
        root = etree.fromstring(data, etree.XMLParser(**_parser_options()))
    except etree.XMLSyntaxError as exc:
        raise _Refused(_at("xlsx.zip", name, f"not well-formed XML ({shown(str(exc.msg))})")) from None
    if root.getroottree().docinfo.doctype:  # the prolog check makes this unreachable; kept as a second lock
        raise _Refused(_at("xlsx.zip", name, "a DOCTYPE is not allowed"))
    return root


def _dimension_problem(name: str, head: bytes) -> Problem | None:
    """What is wrong with the dimension openpyxl would take from `head`: the first to end before sheetData does."""
    from lxml import etree

    parser = etree.XMLPullParser(events=("end",), **_parser_options())
    if _utf16(head) and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # libxml2 sees UTF-16 without a byte-order mark only before "<?"; expat, which reads the sheet, always does.
        head = _decode(head).encode("utf-16")
    try:
        parser.feed(head)
        for _event, element in parser.read_events():
            if element.tag == _SHEET_DATA:
                return None
            if element.tag == _DIMENSION:
                return _range_problem(name, element.get("ref"))
    except etree.XMLSyntaxError as exc:
        return _at("xlsx.zip", name, f"not well-formed XML ({shown(str(exc.msg))})")
    return None


def _range_problem(name: str, ref: str | None) -> Problem | None:
    extent = _extent(ref) if ref is not None else None
    if extent is None:
        what = "has no ref" if ref is None else f"'{shown(ref)}' is not a cell range"
        return _at("xlsx.range", name, f"dimension {what}")
    columns, rows = extent
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        message = (
            f"dimension {ref} reaches row {rows:,} and column {columns:,};"
            f" the limits are {MAX_ROWS:,} rows and {MAX_COLUMNS:,} columns"
        )
        return _at("xlsx.range", name, message)
    return None


def _extent(ref: str) -> tuple[int, int] | None:
    """(last column, last row) of a dimension ref as openpyxl reads it; None where openpyxl raises."""
    match = _RANGE.fullmatch(ref)
    if match is None:
        return None
    first_column, first_row, separator, last_column, last_row = match.groups()
    if separator:
        columns, rows = (first_column, last_column), (first_row, last_row)
        if not (all(columns + rows) or (all(columns) and not any(rows)) or (all(rows) and not any(columns))):
            return None
    try:
        row = max((int(digits) for digits in (first_row, last_row) if digits), default=0)
    except ValueError:  # more digits than int() accepts
        return None
    column = max((column_number(letters) for letters in (first_column, last_column) if letters), default=0)
    return column, row
