"""What the fuzzers found (fuzz/README.md), each case the smallest input that shows it, built here.

A case the library does not yet handle is marked xfail(strict=True) with what
goes wrong; when the reader is fixed the case passes, strict xfail fails, and
the marker is removed so the case guards the fix. Each case runs its input
through its fuzz target (the fuzzer's own oracle: nothing but the library's
error escapes, nothing is printed, an accepted record round-trips) and states
the refusal it expects.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from fuzz.targets import TARGETS
from visitexport.api import read_record, write_record
from visitexport.errors import InvalidRecordError

from .conftest import CASES


def workbook_with(name: str, content: bytes) -> bytes:
    """The workbook of the minimal valid case, with one part's content replaced."""
    record = read_record((CASES / "valid" / "minimal.json").read_bytes(), "minimal.json")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(write_record(record, "xlsx"))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info))
    return out.getvalue()


def test_a_zip_with_no_entries_is_not_a_workbook() -> None:
    # An end-of-central-directory record and nothing else.
    data = b"PK\x05\x06" + bytes(18)
    TARGETS["xlsx"].check(data)
    with pytest.raises(InvalidRecordError) as caught:
        read_record(data, "empty.xlsx", "xlsx")
    assert "xlsx.zip" in {problem.rule for problem in caught.value.problems}


def test_a_named_style_without_its_format_is_refused_in_silence(capsys: pytest.CaptureFixture[str]) -> None:
    # A cell style pointing at cellStyleXfs[0] in a stylesheet that has no cellStyleXfs.
    styles = (
        b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )
    data = workbook_with("xl/styles.xml", styles)
    with pytest.raises(InvalidRecordError) as caught:
        read_record(data, "styles.xlsx", "xlsx")
    assert capsys.readouterr() == ("", "")
    assert "xl/styles.xml" in str(caught.value)
    TARGETS["xlsx"].check(data)


def test_a_sheet_whose_deflate_data_is_damaged_is_named() -> None:
    # Found by CI's ten seconds of fuzzing: openpyxl fails on the sheet, and the search for the
    # part to name met zlib's own error, which escaped as an internal error.
    data = (Path(__file__).parent / "fuzz_findings" / "damaged-deflate-in-a-sheet.xlsx").read_bytes()
    TARGETS["xlsx"].check(data)
    with pytest.raises(InvalidRecordError) as caught:
        read_record(data, "damaged.xlsx", "xlsx")
    (problem,) = caught.value.problems
    assert (problem.rule, "part xl/worksheets/sheet3.xml" in problem.message) == ("xlsx.zip", True)
