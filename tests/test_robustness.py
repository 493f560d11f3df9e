"""Whatever bytes arrive, validation answers with problems, never a traceback."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visitexport import rules
from visitexport.validation import check_bytes

from .conftest import EXAMPLE
from .strategies import mutated_records

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


#: The families a problem of a JSON file can come from: reading it, the schema, and every semantic rule.
PREFIXES = {"json", "schema"} | {rule.split(".")[0] for rule in rules.RULES}


def assert_answers(data: bytes) -> None:
    _, problems = check_bytes(data, "x.json")
    for problem in problems:
        assert problem.line >= 1, problem
        assert problem.column >= 1, problem
        assert problem.rule.split(".")[0] in PREFIXES


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_random_bytes(data: bytes) -> None:
    assert_answers(data)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_random_json(value: Any) -> None:
    assert_answers(json.dumps(value).encode())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_records(), st.integers(0, 2000), st.binary(min_size=1, max_size=3))
def test_damaged_records(record: Any, at: int, junk: bytes) -> None:
    data = json.dumps(record, indent=2, ensure_ascii=False).encode()
    assert_answers(data)
    assert_answers(data[:at] + junk + data[at:])


def test_truncated_example_at_every_hundredth_byte() -> None:
    data = EXAMPLE.read_bytes()
    for end in range(0, len(data), 100):
        assert_answers(data[:end])
