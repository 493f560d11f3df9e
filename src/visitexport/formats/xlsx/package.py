"""The checks an untrusted .xlsx package passes before openpyxl decompresses any of it.

An .xlsx file is a zip archive of XML parts. openpyxl trusts it: it inflates
each part to whatever size the archive declares, reads the parts the workbook's
relationships point at, and pads every row to the size a worksheet's
``<dimension>`` claims. `check_package` looks first and refuses a package with
`InvalidRecordError`, every problem found at once, under these rule ids:

``xlsx.zip``
    not a zip archive, a damaged directory, entries whose data overlap (the
    "overlapping" zip bomb), no ``[Content_Types].xml`` or ``xl/workbook.xml``,
    encrypted entries; an OLE2 compound file, which is what Excel writes for a
    password-protected workbook and what a legacy .xls is. In the XML parts
    read: a DOCTYPE (the door to entity expansion and external entities), an
    encoding a byte-level look cannot see through, XML that is not well-formed.
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
    columns, or one openpyxl cannot read.

What is decompressed, to keep the check a small fraction of an openpyxl load:
nothing until the central directory shows no broken, oversized or unusual
entry; then ``[Content_Types].xml`` and the ``.rels`` parts in full (each at
most 1 MiB, together at most 8 MiB) and the first 4 KiB of every other part,
whatever its name: openpyxl reads the parts the content types and
relationships point at, named ``sheet6.bin`` or ``strings.dat`` as well as
``sheet1.xml``, so every part is looked at as XML could be (a DOCTYPE must
come before the root element, and a worksheet's ``<dimension>`` comes right
after it; bytes that are not XML pass this look unharmed). Parts over 1 MiB
are inflated once more, within their limit, to count their cells. A worksheet need not declare a
dimension, nor put it within those bytes (openpyxl takes the first one before
``</sheetData>``), so the reader still enforces `MAX_ROWS` and `MAX_COLUMNS`
while it streams rows.

XML is parsed lazily with lxml (no DTD, no entities, no network); neither lxml
nor openpyxl is imported with this module.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NoReturn

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
    "MAX_ROWS",
    "MAX_TOTAL_BYTES",
    "PART_LIMITS",
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
#: an object of each before anything can be counted (1.75 million empty cells
#: cost 585 MB). A valid record's sheets hold at most MAX_CELLS with values.
MAX_ELEMENTS = 2 * MAX_CELLS
#: Parts smaller than this cannot hold that many elements worth worrying about, and are not counted.
_COUNT_FROM = MIB
#: The elements openpyxl makes an object of: cells, shared strings, cell formats.
_MANY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|si|xf)[\s/>]")

_XML_PART_BYTES = MIB  # [Content_Types].xml and each .rels part: a few kilobytes in practice
_XML_TOTAL_BYTES = 8 * MIB
_HEAD_BYTES = 4096  # of every other XML part: its prolog, and a worksheet's dimension
_CHUNK = 64 * 1024

_CONTENT_TYPES = "[Content_Types].xml"
_WORKBOOK = "xl/workbook.xml"
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


def check_package(data: bytes, source: str) -> None:
    """Raise InvalidRecordError(source, problems) if the package is unsafe; return None if it is fine."""
    _check_envelope(data, source)
    archive = _open(data, source)
    with archive:
        entries = archive.infolist()
        problems = _directory_problems(entries, archive.start_dir)
        # Parts are inflated only once the directory shows nothing broken or oversized.
        if not any(problem.rule in _STRUCTURAL for problem in problems):
            problems += _part_problems(archive, entries)
    if problems:
        raise InvalidRecordError(source, problems[:MAX_REPORTED])


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
    names = {info.orig_filename for info in entries}
    for required in (_CONTENT_TYPES, _WORKBOOK):
        if required not in names:
            yield _problem("xlsx.zip", f"not a spreadsheet package: part {required} is missing")


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


def _part_problems(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> list[Problem]:
    # Every part with bytes, whatever its name: a folder entry holding data is refused, not skipped.
    files = [info for info in entries if info.file_size and not info.orig_filename.endswith("/")]
    metadata = [info for info in files if _is_metadata(info.orig_filename)]
    declared = sum(info.file_size for info in metadata)
    if declared > _XML_TOTAL_BYTES:
        message = (
            f"content types and relationships hold {declared:,} bytes, more than the limit of {_XML_TOTAL_BYTES:,}"
        )
        return [_problem("xlsx.size", message)]
    others = [info for info in files if not _is_metadata(info.orig_filename)]
    problems = _collect(archive, metadata, _metadata_problems)
    if problems:
        return problems
    xml = _declared_xml(archive, others)

    def head_problems(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[Problem]:
        return _head_problems(archive, info, declared_xml=info.orig_filename in xml)

    problems = _collect(archive, others, head_problems)
    return problems + _collect(archive, others, _count_problems)


def _declared_xml(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> set[str]:
    """The parts whose content type is XML (an Override by name, else a Default by extension): openpyxl parses them."""
    root = _parse(_CONTENT_TYPES, _read(archive, archive.getinfo(_CONTENT_TYPES), _XML_PART_BYTES))
    overrides = {
        (element.get("PartName") or "").lstrip("/"): element.get("ContentType") or ""
        for element in root.iter("{*}Override")
    }
    defaults = {
        (element.get("Extension") or "").lower(): element.get("ContentType") or ""
        for element in root.iter("{*}Default")
    }
    found = set()
    for info in entries:
        name = info.orig_filename
        kind = overrides.get(name, defaults.get(name.rsplit(".", 1)[-1].lower(), ""))
        if kind.lower().endswith("xml"):
            found.add(name)
    return found


def _count_problems(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[Problem]:
    """Refuse a large sheet or string table of more elements than a workbook may hold.

    openpyxl builds a Python object for every cell of a row and every shared
    string before anything can be counted: 1.75 million empty cells fit in one
    8 MiB sheet and cost 585 MB. Parts this large are inflated once here (bounded
    by their limit) and their elements counted in C.
    """
    if info.file_size <= _COUNT_FROM:
        return
    data = _read(archive, info, _part_limit(info.orig_filename))
    # Whatever its name, a part is counted: a sheet need not live under xl/worksheets/.
    count = sum(1 for _ in _MANY.finditer(data))
    if count > MAX_ELEMENTS:
        message = f"{count:,} cells, strings or formats, more than the limit of {MAX_ELEMENTS:,}; {RAISE_HINT}"
        yield _at("xlsx.range", info.orig_filename, message)


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


def _metadata_problems(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[Problem]:
    name = info.orig_filename
    root = _parse(name, _read(archive, info, _XML_PART_BYTES))
    if name == _CONTENT_TYPES:
        yield from _content_type_problems(root)
    else:
        yield from _relationship_problems(name, root)


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


def _head_problems(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, declared_xml: bool) -> Iterator[Problem]:
    name = info.orig_filename
    head = _head(archive, info, _HEAD_BYTES)
    text = _check_prolog(name, head, complete=len(head) >= info.file_size)
    if declared_xml and not text.lstrip(" \t\r\n").startswith("<"):
        # Said where, rather than left to openpyxl's parser, which cannot name the part.
        yield _at("xlsx.zip", name, "its content type is XML, but it does not begin as XML does")
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
    _readable(info)
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            # One byte past the limit is enough to know it is exceeded.
            while size <= limit and (chunk := stream.read(min(_CHUNK, limit + 1 - size))):
                chunks.append(chunk)
                size += len(chunk)
    except _ZIP_ERRORS as exc:
        raise _damaged(info, exc) from None
    if size > limit:
        raise _Refused(_at("xlsx.size", info.orig_filename, f"more than {limit:,} bytes uncompressed"))
    return b"".join(chunks)


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
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    if head.startswith(b"<\x00"):
        return head.decode("utf-16-le", "replace")
    if head.startswith(b"\x00<"):
        return head.decode("utf-16-be", "replace")
    return head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")


def _parser_options() -> dict[str, bool]:
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _parse(name: str, data: bytes) -> Any:
    from lxml import etree

    _check_prolog(name, data, complete=True)
    try:
        root = etree.fromstring(data, etree.XMLParser(**_parser_options()))
    except etree.XMLSyntaxError as exc:
        raise _Refused(_at("xlsx.zip", name, f"not well-formed XML ({exc.msg})")) from None
    if root.getroottree().docinfo.doctype:  # the prolog check makes this unreachable; kept as a second lock
        raise _Refused(_at("xlsx.zip", name, "a DOCTYPE is not allowed"))
    return root


def _dimension_problem(name: str, head: bytes) -> Problem | None:
    """What is wrong with the dimension openpyxl would take from `head`: the first to end before sheetData does."""
    from lxml import etree

    parser = etree.XMLPullParser(events=("end",), **_parser_options())
    try:
        parser.feed(head)
        for _event, element in parser.read_events():
            if element.tag == _SHEET_DATA:
                return None
            if element.tag == _DIMENSION:
                return _range_problem(name, element.get("ref"))
    except etree.XMLSyntaxError as exc:
        return _at("xlsx.zip", name, f"not well-formed XML ({exc.msg})")
    return None


def _range_problem(name: str, ref: str | None) -> Problem | None:
    extent = _extent(ref) if ref is not None else None
    if extent is None:
        what = "has no ref" if ref is None else f"{ref[:40]!r} is not a cell range"
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
