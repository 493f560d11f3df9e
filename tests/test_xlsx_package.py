"""Hostile .xlsx packages are refused before openpyxl inflates anything, fast and in little memory.

Each package is built here: a clean one with openpyxl, the hostile ones by
editing its parts and writing the zip by hand (`raw_zip`), so that sizes,
flags, methods and offsets can say whatever an attacker wants them to.
Memory is measured with tracemalloc; time is not asserted (machines are noisy),
but nothing here inflates more than a few kilobytes.
"""

from __future__ import annotations

import bz2
import contextlib
import io
import random
import re
import struct
import subprocess
import sys
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from functools import cache
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from visitexport.errors import InvalidRecordError
from visitexport.formats.xlsx.package import (
    MAX_COLUMNS,
    MAX_ELEMENTS,
    MAX_ENTRIES,
    MAX_PACKAGE_BYTES,
    MAX_PART_BYTES,
    MAX_PART_ELEMENTS,
    MAX_PART_ROWS,
    MAX_ROWS,
    MAX_RUNS,
    check_package,
    read_part,
)
from visitexport.formats.xlsx.refs import letter
from visitexport.limits import MAX_CELLS, MAX_SHEET_BYTES
from visitexport.problems import Problem, shown

from .zips import Entry, pack, raw_zip, zeros_crc, zeros_deflated

MIB = 1024 * 1024
MEMORY_LIMIT = 20 * MIB
SHEET = "xl/worksheets/sheet1.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
SHEET_RELS = "xl/worksheets/_rels/sheet1.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"


# --- building packages -----------------------------------------------------------------------------------------------


@cache
def base_package() -> bytes:
    """A clean workbook as openpyxl writes it, with an external hyperlink (which is allowed)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "visits"
    sheet.append(["date", "place", "release"])
    sheet.append(["2000-11-03", "Moscow", "see the release"])
    sheet["C2"].hyperlink = "https://www.mofa.go.jp/announce/2000/11/1103.html"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def base_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(base_package())) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def edited(name: str, edit: Callable[[str], str]) -> bytes:
    parts = base_parts()
    parts[name] = edit(parts[name].decode()).encode()
    return pack(parts)


def with_relationship(name: str, relationship: str) -> bytes:
    return edited(name, lambda text: text.replace("</Relationships>", relationship + "</Relationships>"))


def with_dimension(ref: str) -> bytes:
    return edited(SHEET, lambda text: re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>', text))


# --- asserting -------------------------------------------------------------------------------------------------------


def problems_of(data: bytes) -> list[Problem]:
    with pytest.raises(InvalidRecordError) as caught:
        check_package(data, "in.xlsx")
    assert caught.value.source == "in.xlsx"
    problems = list(caught.value.problems)
    assert problems
    for problem in problems:
        assert (problem.line, problem.column, problem.pointer) == (0, 0, "")
        assert problem.message == problem.message.strip()
        assert problem.message[0].islower() or problem.message.startswith("[")
    return problems


def assert_refused(data: bytes, rule: str, part: str | None = None) -> list[Problem]:
    """Refused under `rule` alone, with a message naming `part`."""
    problems = problems_of(data)
    assert {problem.rule for problem in problems} == {rule}, problems
    if part is not None:
        assert any(f"part {shown(part)}" in problem.message for problem in problems), problems
    return problems


def traced_peak(action: Callable[[], Any]) -> int:
    """The peak of memory traced while `action` runs (it may raise InvalidRecordError)."""
    tracemalloc.start()
    try:
        with contextlib.suppress(InvalidRecordError):
            action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- a clean workbook ------------------------------------------------------------------------------------------------


def test_a_workbook_written_by_openpyxl_passes() -> None:
    check_package(base_package(), "in.xlsx")


def test_an_external_hyperlink_is_allowed() -> None:
    rels = base_parts()[SHEET_RELS].decode()
    assert 'TargetMode="External"' in rels
    assert HYPERLINK in rels
    check_package(base_package(), "in.xlsx")


def test_the_repacked_base_passes() -> None:
    # The hand-written zips below differ from it only in what each test changes.
    check_package(pack(base_parts()), "in.xlsx")


def test_the_module_imports_neither_lxml_nor_openpyxl() -> None:
    code = (
        "import sys, visitexport.formats.xlsx.package\n"
        "print(sorted(m for m in ('lxml', 'openpyxl') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- not a package ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"date,place\n2000-11-03,Moscow\n", b"PK\x03\x04" + bytes(100)])
def test_not_a_zip(data: bytes) -> None:
    assert_refused(data, "xlsx.zip")


def test_a_truncated_zip_is_refused_wherever_it_is_cut() -> None:
    data = base_package()
    for end in range(0, len(data), 97):
        assert_refused(data[:end], "xlsx.zip")


def test_an_ole2_file_is_named_as_encrypted_or_legacy() -> None:
    (problem,) = assert_refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "xlsx.zip")
    assert "password-protected" in problem.message
    assert ".xls" in problem.message


@pytest.mark.parametrize("missing", [CONTENT_TYPES, "xl/workbook.xml"])
def test_a_zip_without_the_package_parts_is_refused(missing: str) -> None:
    parts = base_parts()
    del parts[missing]
    assert_refused(pack(parts), "xlsx.zip", missing)


def test_an_encrypted_entry_is_refused() -> None:
    parts = base_parts()
    sheet = parts.pop(SHEET)
    assert_refused(pack(parts, Entry(SHEET, sheet, flags=0x1)), "xlsx.zip", SHEET)


def test_damaged_deflate_data_is_refused() -> None:
    parts = base_parts()
    sheet = parts.pop(SHEET)
    assert_refused(pack(parts, Entry(SHEET, sheet, payload=b"\xff" * 64)), "xlsx.zip", SHEET)


def test_entries_sharing_data_are_refused() -> None:
    # The overlapping zip bomb: many directory entries, one local header and one stream.
    alias = Entry("xl/media/copy.xml", base_parts()[SHEET], alias_of=SHEET)
    problems = assert_refused(pack(base_parts(), alias), "xlsx.zip")
    assert any("overlap" in problem.message for problem in problems)


# --- sizes and compression -------------------------------------------------------------------------------------------


def test_a_package_over_the_limit_is_refused_unread() -> None:
    (problem,) = assert_refused(b"PK\x03\x04" + bytes(MAX_PACKAGE_BYTES), "xlsx.size")
    assert f"{MAX_PACKAGE_BYTES:,}" in problem.message


def test_too_many_entries() -> None:
    extra = [Entry(f"xl/media/n{i}.txt", method=zipfile.ZIP_STORED) for i in range(MAX_ENTRIES)]
    (problem,) = assert_refused(pack(base_parts(), *extra), "xlsx.size")
    assert f"{MAX_ENTRIES:,} entries" in problem.message


def test_a_forged_directory_of_many_entries_costs_no_memory() -> None:
    record = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0) + b"a"
    directory = record * 300_000
    data = directory + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, len(directory), 0, 0)
    assert traced_peak(lambda: check_package(data, "in.xlsx")) < MEMORY_LIMIT
    assert_refused(data, "xlsx.size")


def test_a_zip_bomb_is_refused_without_inflating_it() -> None:
    size = 200 * 1000 * 1000
    parts = base_parts()
    del parts[SHEET]
    bomb = Entry(SHEET, payload=zeros_deflated(size), size=size, crc=zeros_crc(size))
    data = pack(parts, bomb)
    assert len(data) < 1 * MIB
    assert traced_peak(lambda: check_package(data, "in.xlsx")) < MEMORY_LIMIT
    problems = problems_of(data)
    assert {problem.rule for problem in problems} == {"xlsx.size"}
    assert any(f"part {SHEET}:" in problem.message for problem in problems)


def test_a_part_compressed_as_far_as_a_bomb_passes_when_it_is_within_its_limit() -> None:
    # A valid record's text of "&<>" makes a sheet that deflates over 300 to 1, as far as a bomb:
    # no ratio is refused, the inflated size is (and the reader counts what it inflates).
    parts = base_parts()
    sheet = parts.pop(SHEET)
    cell = b'<c r="A2" t="inlineStr"><is><t>' + b"&amp;&lt;&gt;" * 100_000 + b"</t></is></c>"
    sheet = sheet.replace(b"</sheetData>", b'<row r="2">' + cell + b"</row></sheetData>")
    entry = Entry(SHEET, sheet)
    data = pack(parts, entry)
    assert len(sheet) > 300 * len(zlib.compress(sheet))
    check_package(data, "in.xlsx")


def test_parts_too_large_together() -> None:
    # Each part is under the limit and compresses modestly (60 to 1); together they declare 300 MiB.
    payload = bytes(range(256)) * (4 * 1024)
    extra = [Entry(f"xl/media/image{i}.bin", payload=payload, size=60 * MIB) for i in range(5)]
    (problem,) = assert_refused(pack(base_parts(), *extra), "xlsx.size")
    assert "all parts together" in problem.message


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, 9, 99])
def test_compression_methods_other_than_deflate_are_refused(method: int) -> None:
    parts = base_parts()
    sheet = parts.pop(SHEET)
    payload = bz2.compress(sheet) if method == zipfile.ZIP_BZIP2 else b"\x00" * 64
    (problem,) = assert_refused(pack(parts, Entry(SHEET, sheet, method=method, payload=payload)), "xlsx.compression")
    assert f"part {SHEET}: compression method {method}" in problem.message


def test_a_stored_package_passes() -> None:
    parts = base_parts()
    check_package(raw_zip([Entry(name, data, method=zipfile.ZIP_STORED) for name, data in parts.items()]), "in.xlsx")


def test_a_relationship_part_over_its_limit_is_refused() -> None:
    parts = base_parts()
    rels = parts.pop(WORKBOOK_RELS)
    padded = rels.replace(b"</Relationships>", b" " * (MIB + 1) + b"</Relationships>")
    # Stored, so its ratio is 1 and it is read, and the reading stops at the limit.
    assert_refused(pack(parts, Entry(WORKBOOK_RELS, padded, method=zipfile.ZIP_STORED)), "xlsx.size", WORKBOOK_RELS)


# --- read_part -------------------------------------------------------------------------------------------------------


def lying_archive(declared: int, crc: int) -> zipfile.ZipFile:
    """A part whose directory entry says `declared` bytes, whose data inflate to 200 MB of zeros."""
    payload = zeros_deflated(200 * MIB)
    return zipfile.ZipFile(io.BytesIO(raw_zip([Entry(SHEET, payload=payload, size=declared, crc=crc)])))


def test_read_part_stops_at_its_limit_whatever_the_directory_says() -> None:
    with lying_archive(1024, zlib.crc32(bytes(1024))) as archive:
        with pytest.raises(InvalidRecordError) as caught:
            read_part(archive, SHEET, 512)
        (problem,) = caught.value.problems
        assert problem.rule == "xlsx.size"
        assert f"part {SHEET}:" in problem.message


def test_zipfile_stops_a_part_at_its_declared_size() -> None:
    # zipfile never returns more than the declared size (and checks the CRC there),
    # which is why declared sizes bound what openpyxl can inflate.
    with lying_archive(1024, zlib.crc32(bytes(1024))) as archive:
        assert read_part(archive, SHEET, MIB) == bytes(1024)
    with lying_archive(1024, 0) as archive, pytest.raises(InvalidRecordError) as caught:
        read_part(archive, SHEET, MIB)
    assert [problem.rule for problem in caught.value.problems] == ["xlsx.zip"]


def test_read_part_of_a_bomb_stays_small() -> None:
    with lying_archive(200 * MIB, zeros_crc(200 * MIB)) as archive:
        assert traced_peak(lambda: read_part(archive, SHEET, MIB)) < MEMORY_LIMIT
        with pytest.raises(InvalidRecordError) as caught:
            read_part(archive, SHEET, MIB)
    assert [problem.rule for problem in caught.value.problems] == ["xlsx.size"]


def test_read_part_refuses_decoders_without_an_output_bound() -> None:
    data = raw_zip([Entry(SHEET, bytes(1000), method=zipfile.ZIP_BZIP2)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive, pytest.raises(InvalidRecordError) as caught:
        read_part(archive, SHEET, MIB)
    assert [problem.rule for problem in caught.value.problems] == ["xlsx.compression"]


def test_read_part_of_a_clean_part_and_of_a_missing_one() -> None:
    with zipfile.ZipFile(io.BytesIO(base_package())) as archive:
        assert read_part(archive, "xl/workbook.xml", MIB) == archive.read("xl/workbook.xml")
        with pytest.raises(InvalidRecordError) as caught:
            read_part(archive, "xl/missing.xml", MIB)
    assert [problem.rule for problem in caught.value.problems] == ["xlsx.zip"]


# --- names -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../evil.xml",
        "xl/../../evil.xml",
        "xl\\..\\evil.xml",
        "./xl/evil.xml",
        "xl//evil.xml",
        "/xl/evil.xml",
        "C:/evil.xml",
        "xl/evil\x00.xml",
        "xl/\x1b[2Jevil.xml",
        "xl/worksheets/sheet6.xml/",
    ],
)
def test_unsafe_names(name: str) -> None:
    data = pack(base_parts(), Entry(name, b"<a/>"))
    (problem,) = assert_refused(data, "xlsx.names", name)  # named as shown() quotes it: escaped
    assert problem.message.isprintable()


@pytest.mark.parametrize("duplicate", ["xl/styles.xml", "XL/Styles.XML", "xl\\styles.xml"])
def test_duplicate_names(duplicate: str) -> None:
    problems = assert_refused(pack(base_parts(), Entry(duplicate, b"<a/>")), "xlsx.names", duplicate)
    assert any("same name as part xl/styles.xml" in problem.message for problem in problems)


# --- macros ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "xl/vbaProject.bin",
        "xl/elsewhere/VBAPROJECT.BIN",
        "xl/vbaProjectSignature.bin",
        "xl/activeX/activeX1.xml",
        "xl/macrosheets/sheet1.xml",
    ],
)
def test_macro_parts(name: str) -> None:
    assert_refused(pack(base_parts(), Entry(name, b"<a/>")), "xlsx.macro", name)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        "application/vnd.ms-excel.template.macroEnabled.main+xml",
        "application/vnd.ms-excel.addin.macroEnabled.main+xml",
    ],
)
def test_macro_enabled_workbook_content_types(content_type: str) -> None:
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    data = edited(CONTENT_TYPES, lambda text: text.replace(main, content_type))
    (problem,) = assert_refused(data, "xlsx.macro", "xl/workbook.xml")
    assert content_type in problem.message


def test_a_vba_project_content_type_by_extension() -> None:
    default = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    data = edited(CONTENT_TYPES, lambda text: text.replace("<Default ", default + "<Default ", 1))
    (problem,) = assert_refused(data, "xlsx.macro", CONTENT_TYPES)
    assert "extension bin" in problem.message


def test_a_content_type_hidden_behind_character_references_is_still_read() -> None:
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    hidden = "application/vnd.ms-excel.sheet.m&#97;croEnabled.main+xml"
    assert_refused(edited(CONTENT_TYPES, lambda text: text.replace(main, hidden)), "xlsx.macro", "xl/workbook.xml")


def test_a_vba_project_relationship() -> None:
    relationship = (
        '<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
        ' Target="misc.bin"/>'
    )
    assert_refused(with_relationship(WORKBOOK_RELS, relationship), "xlsx.macro", WORKBOOK_RELS)


# --- external links --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["xl/externalLinks/externalLink1.xml", "xl/connections.xml", "xl/queryTables/queryTable1.xml"]
)
def test_external_data_parts(name: str) -> None:
    assert_refused(pack(base_parts(), Entry(name, b"<a/>")), "xlsx.external", name)


def test_an_external_link_content_type() -> None:
    override = (
        '<Override PartName="/xl/links/one.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
    )
    data = edited(CONTENT_TYPES, lambda text: text.replace("</Types>", override + "</Types>"))
    assert_refused(data, "xlsx.external", "xl/links/one.xml")


@pytest.mark.parametrize(
    ("part", "kind", "target"),
    [
        (SHEET_RELS, "oleObject", "file:///C:/Windows/System32/calc.exe"),
        (WORKBOOK_RELS, "attachedTemplate", "https://attacker.example/template.dotm"),
        (WORKBOOK_RELS, "externalLinkPath", "\\\\attacker.example\\share\\book.xlsx"),
    ],
)
def test_external_relationships_other_than_hyperlinks(part: str, kind: str, target: str) -> None:
    relationship = f'<Relationship Id="rId9" Type="{RELATIONSHIPS}/{kind}" Target="{target}" TargetMode="External"/>'
    (problem,) = assert_refused(with_relationship(part, relationship), "xlsx.external", part)
    assert kind in problem.message


def test_an_internal_external_link_relationship() -> None:
    relationship = f'<Relationship Id="rId9" Type="{RELATIONSHIPS}/externalLink" Target="links/one.xml"/>'
    assert_refused(with_relationship(WORKBOOK_RELS, relationship), "xlsx.external", WORKBOOK_RELS)


# --- XML -------------------------------------------------------------------------------------------------------------

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
)


def test_a_doctype_in_the_content_types_is_refused() -> None:
    data = edited(CONTENT_TYPES, lambda text: LAUGHS + text.replace("application/xml", "&lol2;"))
    (problem,) = assert_refused(data, "xlsx.zip", CONTENT_TYPES)
    assert "DOCTYPE" in problem.message


def test_a_doctype_in_utf16_is_refused() -> None:
    parts = base_parts()
    parts[CONTENT_TYPES] = (LAUGHS + parts[CONTENT_TYPES].decode()).encode("utf-16")
    assert_refused(pack(parts), "xlsx.zip", CONTENT_TYPES)


@pytest.mark.parametrize("name", [SHEET, "xl/styles.xml", WORKBOOK_RELS])
def test_a_doctype_in_other_xml_parts_is_refused(name: str) -> None:
    assert_refused(edited(name, lambda text: LAUGHS + text), "xlsx.zip", name)


def test_a_doctype_pushed_past_the_first_kilobytes_is_refused() -> None:
    padding = "<!-- " + "x" * 8000 + " -->"
    (problem,) = assert_refused(edited(SHEET, lambda text: padding + LAUGHS + text), "xlsx.zip", SHEET)
    assert "no root element" in problem.message


@pytest.mark.parametrize("encoding", ["UTF-8", "utf-8", "UTF-16"])
def test_excel_style_declarations_pass(encoding: str) -> None:
    declaration = f'<?xml version="1.0" encoding="{encoding}" standalone="yes"?>\r\n'
    parts = base_parts()
    parts["xl/styles.xml"] = (declaration + parts["xl/styles.xml"].decode()).encode(encoding)
    check_package(pack(parts), "in.xlsx")


def test_an_encoding_that_can_hide_markup_is_refused() -> None:
    # In UTF-7, "+ADw-" is "<": a DOCTYPE no byte-level look would see.
    declaration = '<?xml version="1.0" encoding="UTF-7"?>'
    (problem,) = assert_refused(edited("xl/styles.xml", lambda text: declaration + text), "xlsx.zip", "xl/styles.xml")
    assert "UTF-7" in problem.message


def test_relationships_that_are_not_xml_are_refused() -> None:
    assert_refused(edited(WORKBOOK_RELS, lambda text: text[:-20]), "xlsx.zip", WORKBOOK_RELS)


# --- worksheet dimensions --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref",
    [
        "A1:XFD1048576",
        f"A1:B{MAX_ROWS + 1}",
        f"A1:{letter(MAX_COLUMNS + 1)}1",
        "XFD1",
        "1:1048576",
        "A:XFD",
        "$A$1:$XFD$1",
        "A1:B99999999999999999999",
    ],
)
def test_dimensions_beyond_the_limits(ref: str) -> None:
    (problem,) = assert_refused(with_dimension(ref), "xlsx.range", SHEET)
    assert ref in problem.message


@pytest.mark.parametrize("ref", [f"A1:{letter(MAX_COLUMNS)}{MAX_ROWS}", "$A$1:$C$2", "A1", "", "c2:a1"])
def test_dimensions_within_the_limits(ref: str) -> None:
    check_package(with_dimension(ref), "in.xlsx")


@pytest.mark.parametrize("ref", ["nonsense", "A1:B", "A1:B2:C3", "A1 ", "A1:$"])
def test_dimensions_openpyxl_cannot_read(ref: str) -> None:
    (problem,) = assert_refused(with_dimension(ref), "xlsx.range", SHEET)
    assert "not a cell range" in problem.message


def test_limits_are_the_ones_derived_from_the_budget() -> None:
    # What a valid record's workbook can hold (visitexport.limits says why), read back whatever it is.
    assert (MAX_ROWS, MAX_COLUMNS) == (50_001, 10_008)
    assert MAX_ELEMENTS >= MAX_CELLS
    assert MAX_PART_BYTES == MAX_SHEET_BYTES


def test_a_dimension_is_found_as_openpyxl_finds_it() -> None:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def prefixed(text: str) -> str:
        # A decoy in a comment, and the real one under another prefix for the same namespace.
        real = f'<!-- <dimension ref="A1"/> --><x:dimension xmlns:x="{main}" ref="A1:XFD1048576"/>'
        return re.sub(r'<dimension ref="[^"]*"/>', real, text)

    assert_refused(edited(SHEET, prefixed), "xlsx.range", SHEET)


def test_a_dimension_in_another_namespace_is_not_a_dimension() -> None:
    def foreign(text: str) -> str:
        return text.replace("<dimension ", '<other:dimension xmlns:other="urn:other" ref="A1:XFD1048576"/><dimension ')

    check_package(edited(SHEET, foreign), "in.xlsx")


def test_a_dimension_past_the_first_kilobytes_is_left_to_the_reader() -> None:
    # Only the head of a sheet is read; openpyxl takes the first dimension anywhere before </sheetData>.
    padding = "<!-- " + "x" * 5000 + " -->"
    data = edited(SHEET, lambda text: text.replace("<dimension ", padding + "<dimension ").replace("A1:C2", "A1:XFD1"))
    check_package(data, "in.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        assert workbook.active.max_column == 16384
    finally:
        workbook.close()


def test_openpyxl_read_only_pads_rows_to_the_declared_dimension() -> None:
    # Why the dimension is checked at all: openpyxl trusts it, and pads every row to its width
    # (though not the sheet to its height). reset_dimensions() makes it read the rows as they are.
    workbook = openpyxl.load_workbook(io.BytesIO(with_dimension("A1:ALL100000")), read_only=True)
    try:
        sheet = workbook.active
        assert (sheet.max_row, sheet.max_column) == (100_000, 1_000)
        assert [len(row) for row in sheet.iter_rows(values_only=True)] == [1_000] * 2
        sheet.reset_dimensions()
        assert [len(row) for row in sheet.iter_rows(values_only=True)] == [3, 3]
    finally:
        workbook.close()


# --- all problems at once, and robustness ----------------------------------------------------------------------------


def test_every_problem_is_reported_at_once() -> None:
    extra = [Entry("xl/vbaProject.bin", b"x"), Entry("xl/externalLinks/externalLink1.xml", b"<a/>"), Entry("../x", b"")]
    problems = problems_of(pack(base_parts(), *extra))
    assert {problem.rule for problem in problems} == {"xlsx.macro", "xlsx.external", "xlsx.names"}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0), st.binary(min_size=1, max_size=8), st.booleans())
def test_damaged_packages_are_answered_with_problems(at: int, junk: bytes, overwrite: bool) -> None:
    data = base_package()
    at %= len(data)
    damaged = data[:at] + junk + data[at + (len(junk) if overwrite else 0) :]
    problems: tuple[Problem, ...] = ()
    try:
        check_package(damaged, "in.xlsx")
    except InvalidRecordError as exc:
        problems = exc.problems
    assert all(problem.rule.startswith("xlsx.") for problem in problems)


@pytest.mark.parametrize("name", [SHEET, "xl/sharedStrings.xml", "xl/media/image1.png", "xl/worksheets/sheet6.bin"])
def test_a_part_declaring_more_than_its_limit_is_refused_whatever_its_name(name: str) -> None:
    parts = base_parts()
    parts.pop(name, None)
    part = Entry(name, payload=b"\x03\x00", size=MAX_PART_BYTES + 1, crc=0)
    assert_refused(pack(parts, part), "xlsx.size", name)


@pytest.mark.parametrize(("name", "size"), [("xl/styles.xml", 2 * MIB)])
def test_parts_openpyxl_turns_into_many_objects_have_tighter_limits(name: str, size: int) -> None:
    parts = base_parts()
    parts.pop(name, None)
    payload = random.Random(size).randbytes(size)  # does not compress: only the size is wrong
    part = Entry(name, payload=zlib.compress(payload)[2:-4], size=len(payload), crc=zlib.crc32(payload))
    assert_refused(pack(parts, part), "xlsx.size", name)


# --- parts found as openpyxl finds them, whatever their names --------------------------------------------------------

ENTITY = b'<!DOCTYPE worksheet [<!ENTITY kono "Yohei Kono">]>'


def renamed(parts: dict[str, bytes], old: str, new: str) -> dict[str, bytes]:
    """`parts` with part `old` stored as `new`, and every content type and relationship pointing at it moved too."""
    moved = {new if name == old else name: data for name, data in parts.items()}
    short_old, short_new = old.removeprefix("xl/").encode(), new.removeprefix("xl/").encode()
    for name in list(moved):
        if name == CONTENT_TYPES or name.endswith(".rels"):
            moved[name] = moved[name].replace(b"/" + old.encode(), b"/" + new.encode()).replace(short_old, short_new)
    return moved


def with_doctype(data: bytes, doctype: bytes = ENTITY) -> bytes:
    head, _, rest = data.partition(b"?>")
    return head + b"?>" + doctype + rest if rest else doctype + data


def test_openpyxl_really_reads_a_worksheet_stored_under_another_name() -> None:
    # The premise of the checks below: a worksheet as sheet6.bin is read as any other.
    data = pack(renamed(base_parts(), SHEET, "xl/worksheets/sheet6.bin"))
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        assert list(workbook.active.iter_rows(values_only=True))
    finally:
        workbook.close()


@pytest.mark.parametrize("new", ["xl/worksheets/sheet6.bin", "xl/worksheets/SHEET6.XML", "xl/data/strings.dat"])
@pytest.mark.parametrize("doctype", [ENTITY, b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'])
def test_a_doctype_in_a_renamed_worksheet_is_refused_naming_the_part(new: str, doctype: bytes) -> None:
    parts = base_parts()
    parts[SHEET] = with_doctype(parts[SHEET], doctype)
    (problem,) = assert_refused(pack(renamed(parts, SHEET, new)), "xlsx.zip", new)
    assert "DOCTYPE" in problem.message


def test_a_doctype_in_shared_strings_stored_as_dat_is_refused() -> None:
    strings = (
        b'<?xml version="1.0"?>'
        + ENTITY
        + (
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
            b"<si><t>&kono;</t></si></sst>"
        )
    )
    parts = base_parts()
    parts["xl/strings.dat"] = strings
    parts[CONTENT_TYPES] = parts[CONTENT_TYPES].replace(
        b"</Types>",
        b'<Override PartName="/xl/strings.dat" ContentType="application/vnd.openxmlformats-officedocument'
        b'.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    assert_refused(pack(parts), "xlsx.zip", "xl/strings.dat")


def test_a_worksheet_as_a_folder_entry_is_refused() -> None:
    parts = renamed(base_parts(), SHEET, "xl/worksheets/sheet6.xml/")
    assert_refused(pack(parts), "xlsx.names", "xl/worksheets/sheet6.xml/")


def test_a_sheet_of_millions_of_cells_under_any_name_is_refused_before_parsing() -> None:
    cells = b"".join(b'<c r="A%d"/>' % n for n in range(1, 2_000_001))
    parts = base_parts()
    parts[SHEET] = parts[SHEET].replace(b"</sheetData>", b'<row r="3">' + cells + b"</row></sheetData>")
    data = pack(renamed(parts, SHEET, "xl/worksheets/sheet6.bin"))
    assert len(cells) > 20 * MIB
    peak = traced_peak(lambda: problems_of(data))
    (problem,) = assert_refused(data, "xlsx.range", "xl/worksheets/sheet6.bin")
    assert "2,000,0" in problem.message
    assert peak < MEMORY_LIMIT  # counted a chunk at a time; nothing parsed, nothing kept


def test_a_zip_of_no_entries_is_not_a_workbook() -> None:
    problems = assert_refused(b"PK\x05\x06" + bytes(18), "xlsx.zip")
    assert any("[Content_Types].xml" in problem.message for problem in problems)


@pytest.mark.parametrize("junk", [bytes(4 * MIB), b"\x89PNG\r\n\x1a\n" + bytes(100), b"not xml at all"])
def test_a_part_declared_as_xml_that_is_not_xml_is_refused_naming_it(junk: bytes) -> None:
    parts = base_parts()
    parts[SHEET] = junk
    (problem,) = assert_refused(pack(parts), "xlsx.zip", SHEET)
    assert "it is read as a worksheet, but it does not begin as XML does" in problem.message


def test_a_part_not_declared_as_xml_may_hold_anything() -> None:
    parts = base_parts()
    parts["xl/media/image1.png"] = b"\x89PNG\r\n\x1a\n" + bytes(100)
    check_package(pack(parts), "in.xlsx")


# --- parts found as openpyxl finds them: the workbook, its sheets, the shared strings --------------------------------

OCTET = "application/octet-stream"
WORKSHEET_TYPE = f"{RELATIONSHIPS}/worksheet"


def with_content_type(parts: dict[str, bytes], name: str, content_type: str) -> dict[str, bytes]:
    """`parts` with the Override for part `name` replaced (or added) to say `content_type`."""
    types = re.sub(rf'<Override PartName="/{re.escape(name)}"[^>]*/>'.encode(), b"", parts[CONTENT_TYPES])
    override = f'<Override PartName="/{name}" ContentType="{content_type}"/>'.encode()
    return {**parts, CONTENT_TYPES: types.replace(b"</Types>", override + b"</Types>")}


def sheet_at(target: str, stored: str, content: bytes | None = None) -> bytes:
    """The base package with its worksheet stored as `stored`, the workbook's relationship saying `target`,
    its content type not XML (so only the relationship says what it is), holding `content` if given."""
    parts = base_parts()
    sheet = parts.pop(SHEET) if content is None else content
    del parts[SHEET_RELS]  # its hyperlink would need moving too
    parts[stored] = sheet.replace(b'<hyperlinks><hyperlink ref="C2" r:id="rId1"/></hyperlinks>', b"")
    parts[WORKBOOK_RELS] = parts[WORKBOOK_RELS].replace(
        b'Target="/xl/worksheets/sheet1.xml"', f'Target="{target}"'.encode()
    )
    return pack(with_content_type(parts, stored, OCTET))


def openpyxl_rows(data: bytes) -> list[tuple[Any, ...]]:
    """What openpyxl reads from the first worksheet of `data`, unchecked: the premise of a test."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [] if not workbook.worksheets else list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


#: (relationship target, the part openpyxl reads for it): how get_dependents resolves a target, exactly.
TARGETS = [
    ("/xl/worksheets/sheet6.bin", "xl/worksheets/sheet6.bin"),
    ("worksheets/sheet6.bin", "xl/worksheets/sheet6.bin"),
    ("../xl/worksheets/sheet6.bin", "xl/worksheets/sheet6.bin"),
    ("worksheets/../worksheets/./sheet6.bin", "xl/worksheets/sheet6.bin"),
    ("worksheets/sheet%206.bin", "xl/worksheets/sheet%206.bin"),  # no escape decoded
    ("worksheets\\sheet6.bin", "xl/worksheets\\sheet6.bin"),  # a backslash is a character of the name
    ("WORKSHEETS/SHEET6.BIN", "xl/WORKSHEETS/SHEET6.BIN"),
]


@pytest.mark.parametrize(("target", "stored"), TARGETS)
def test_openpyxl_reads_a_worksheet_wherever_its_relationship_points(target: str, stored: str) -> None:
    check_package(sheet_at(target, stored), "in.xlsx")
    assert ("2000-11-03", "Moscow", "see the release") in openpyxl_rows(sheet_at(target, stored))


@pytest.mark.parametrize(("target", "stored"), TARGETS)
def test_a_worksheet_that_is_not_xml_is_refused_wherever_its_relationship_points(target: str, stored: str) -> None:
    (problem,) = assert_refused(sheet_at(target, stored, b"PK\x03\x04 not xml"), "xlsx.zip", stored)
    assert "it is read as a worksheet, but it does not begin as XML does" in problem.message


def test_a_target_with_a_fragment_is_no_part_to_openpyxl() -> None:
    # openpyxl cuts no '#': the sheet is not found, so it is not read, and what it holds is not checked as XML.
    data = sheet_at("worksheets/sheet6.bin#top", "xl/worksheets/sheet6.bin", b"not xml")
    check_package(data, "in.xlsx")
    assert openpyxl_rows(data) == []


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("space", [" ", "\n", "\r\n\t"])
def test_utf16_without_a_byte_order_mark_after_whitespace_is_seen_through(encoding: str, space: str) -> None:
    # expat reads a NUL in the first two bytes as UTF-16, even before whitespace, and expands the entity.
    sheet = base_parts()[SHEET].decode().split("?>", 1)[-1].replace("Moscow", "&kono;")
    content = (space + ENTITY.decode() + sheet).encode(encoding)
    data = sheet_at("worksheets/sheet6.bin", "xl/worksheets/sheet6.bin", content)
    assert ("2000-11-03", "Yohei Kono", "see the release") in openpyxl_rows(data)
    (problem,) = assert_refused(data, "xlsx.zip", "xl/worksheets/sheet6.bin")
    assert "DOCTYPE" in problem.message


def relocated_workbook(new: str = "xl/book.bin", content: bytes | None = None) -> dict[str, bytes]:
    """The base parts with the workbook part stored as `new` (holding `content` if given), found by its content type."""
    parts = renamed(base_parts(), "xl/workbook.xml", new)
    parts[f"xl/_rels/{new.rsplit('/', 1)[-1]}.rels"] = parts.pop(WORKBOOK_RELS)
    if content is not None:
        parts[new] = content
    return parts


def test_a_workbook_part_relocated_by_its_content_type_is_found_and_read() -> None:
    data = pack(relocated_workbook())
    assert "xl/workbook.xml" not in zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert ("2000-11-03", "Moscow", "see the release") in openpyxl_rows(data)
    check_package(data, "in.xlsx")


def test_a_relocated_workbook_part_is_checked_as_the_workbook() -> None:
    (problem,) = assert_refused(pack(relocated_workbook(content=b"\x00\x01 not xml")), "xlsx.zip", "xl/book.bin")
    assert "it is read as the workbook, but it does not begin as XML does" in problem.message
    workbook = with_doctype(base_parts()["xl/workbook.xml"])
    (problem,) = assert_refused(pack(relocated_workbook(content=workbook)), "xlsx.zip", "xl/book.bin")
    assert "DOCTYPE" in problem.message


def test_a_workbook_part_named_but_missing_is_refused_naming_it() -> None:
    parts = relocated_workbook()
    del parts["xl/book.bin"]
    (problem,) = assert_refused(pack(parts), "xlsx.zip")
    assert problem.message == "not a spreadsheet package: part xl/book.bin is missing"


def test_content_types_naming_no_workbook_part_are_refused() -> None:
    main = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    parts = base_parts()
    parts[CONTENT_TYPES] = parts[CONTENT_TYPES].replace(main, b"application/xml")
    (problem,) = assert_refused(pack(parts), "xlsx.zip", CONTENT_TYPES)
    assert "names no workbook part" in problem.message


def test_shared_strings_named_but_missing_are_refused_naming_them() -> None:
    strings = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    (problem,) = assert_refused(pack(with_content_type(base_parts(), "xl/strings.dat", strings)), "xlsx.zip")
    assert problem.message == "not a spreadsheet package: part xl/strings.dat is missing"


def test_a_chartsheet_its_drawing_and_its_chart_are_read_as_xml() -> None:
    parts = base_parts()
    chartsheet = f"{RELATIONSHIPS}/chartsheet"
    parts[WORKBOOK_RELS] = parts[WORKBOOK_RELS].replace(
        b"</Relationships>",
        f'<Relationship Type="{chartsheet}" Target="charts/c.bin" Id="rId9"/></Relationships>'.encode(),
    )
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>", f'<sheet xmlns:r="{RELATIONSHIPS}" name="c" sheetId="2" r:id="rId9"/></sheets>'.encode()
    )
    parts["xl/charts/c.bin"] = b"<chartsheet/>"
    parts["xl/charts/_rels/c.bin.rels"] = (
        f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Type="{RELATIONSHIPS}/drawing" Target="../d/d.bin" Id="rId1"/></Relationships>'
    ).encode()
    parts["xl/d/d.bin"] = b"not xml"
    with pytest.raises(etree.XMLSyntaxError, match="Start tag expected"):  # openpyxl reads it, in read-only too
        openpyxl.load_workbook(io.BytesIO(pack(parts)), read_only=True)
    (problem,) = assert_refused(pack(parts), "xlsx.zip", "xl/d/d.bin")
    assert "it is read as a drawing" in problem.message


# --- counted before any parser sees them, in constant memory ---------------------------------------------------------


def sheet_with(filler: bytes, *, encoding: str | None = None, row: bool = True) -> bytes:
    """The base package with `filler` (in a row of its own, or straight in sheetData) at the end of its sheet."""
    parts = base_parts()
    added = b'<row r="3">' + filler + b"</row>" if row else filler
    sheet = parts[SHEET].replace(b"</sheetData>", added + b"</sheetData>")
    if encoding:
        sheet = sheet.decode().split("?>", 1)[-1].encode(encoding)
    parts[SHEET] = sheet
    return pack(parts)


def counted_refusal(data: bytes, what: str) -> Problem:
    assert len(data) < MAX_PART_BYTES
    peak = traced_peak(lambda: check_package(data, "in.xlsx"))
    (problem,) = assert_refused(data, "xlsx.range", SHEET)
    assert what in problem.message
    assert peak < MEMORY_LIMIT
    return problem


def test_cells_are_counted_exactly_across_chunks() -> None:
    # Five-byte tags, so the 64 KiB chunks cut them everywhere; the sheet has six cells of its own.
    at_the_limit = b"<c />" * (MAX_ELEMENTS - 6)
    check_package(sheet_with(at_the_limit), "in.xlsx")
    problem = counted_refusal(sheet_with(at_the_limit + b"<c />"), "cells, strings or formats")
    assert f"{MAX_ELEMENTS + 1:,} cells" in problem.message


def test_cells_under_a_non_ascii_prefix_are_counted() -> None:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    filler = f'<ü:row xmlns:ü="{main}">'.encode() + "<ü:c/>".encode() * MAX_ELEMENTS + "</ü:row>".encode()
    counted_refusal(sheet_with(filler, row=False), "cells, strings or formats")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_cells_in_utf16_are_counted(encoding: str) -> None:
    counted_refusal(sheet_with(b"<c/>" * MAX_ELEMENTS, encoding=encoding), "cells, strings or formats")


def test_styled_empty_rows_past_their_limit_are_refused() -> None:
    # Each holds no value, but openpyxl keeps a dictionary for every one.
    problem = counted_refusal(sheet_with(b'<row s="1" customFormat="1"/>' * MAX_PART_ROWS, row=False), "rows")
    assert f"{MAX_PART_ROWS:,}" in problem.message


def test_rich_text_runs_past_their_limit_are_refused() -> None:
    runs = b'<c r="A3" t="inlineStr"><is>' + b"<r><t>a</t></r>" * (MAX_RUNS + 1) + b"</is></c>"
    counted_refusal(sheet_with(runs), "rich text runs")


def test_elements_openpyxl_has_no_use_for_are_counted_too() -> None:
    counted_refusal(sheet_with(b"<x/>" * MAX_PART_ELEMENTS, row=False), "elements")


def test_a_large_part_that_is_not_xml_is_not_counted() -> None:
    parts = base_parts()
    parts["xl/media/image1.png"] = b"\x89PNG\r\n\x1a\n" + b"<c/>" * MAX_ELEMENTS  # markup-like bytes, not XML
    check_package(pack(parts), "in.xlsx")


def test_a_dimension_that_is_no_range_is_quoted_escaped_and_cut() -> None:
    (problem,) = assert_refused(with_dimension("\u202e" + "A1" * 300), "xlsx.range", SHEET)
    assert "'\\u202eA1A1" in problem.message
    assert "more characters)' is not a cell range" in problem.message
    assert problem.message.isprintable()
