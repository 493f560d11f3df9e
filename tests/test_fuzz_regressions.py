"""What the fuzzers found (fuzz/README.md), each case the smallest input that shows it.

A case the library does not yet handle is marked xfail(strict=True) with what
goes wrong; when the reader is fixed the case passes, strict xfail fails, and
the marker is removed so the case guards the fix. Each case runs through its
fuzz target (the same oracle as the fuzzer: nothing but the library's own
error escapes, and an accepted record round-trips) and states the refusal
it expects.
"""

from __future__ import annotations

import pytest

from fuzz.targets import TARGETS
from visitexport.api import read_record
from visitexport.errors import InvalidRecordError

#: An end-of-central-directory record and nothing else: a zip archive with no entries.
EMPTY_ZIP = b"PK\x05\x06" + bytes(18)

#: (target, input, the rule it must be refused under)
FOUND = [
    pytest.param(
        "xlsx",
        EMPTY_ZIP,
        "xlsx.zip",
        id="zip-without-entries",
        marks=pytest.mark.xfail(
            strict=True,
            raises=ValueError,
            reason=(
                "package._layout_problems zips the entries with their stops, strict=True, and with no entry "
                "there is still one stop: ValueError 'zip() argument 2 is longer than argument 1' escapes"
            ),
        ),
    ),
]


@pytest.mark.parametrize(("name", "data", "rule"), FOUND)
def test_finding_is_refused_with_its_rule(name: str, data: bytes, rule: str) -> None:
    TARGETS[name].check(data)
    with pytest.raises(InvalidRecordError) as caught:
        read_record(data, f"found.{name}", name)
    assert rule in {problem.rule for problem in caught.value.problems}
