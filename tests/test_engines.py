"""jsonschema-rs decides validity, jsonschema explains it: they must always agree.

If they ever disagreed, a record could pass in CI yet have no explanation, or
fail with an empty list of problems.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visitexport.formats.json import strict as json_
from visitexport.schema import fast_check, load_schema, reference_class, reference_validator

from .conftest import EXAMPLE, INVALID, VALID
from .strategies import mutated_records

REFERENCE = reference_validator()


def agree(value: Any) -> None:
    assert fast_check()(value) == REFERENCE.is_valid(value)


# Cases refused by strict JSON reading never reach a schema engine.
PARSED = [p for p in INVALID if not json.loads(p.with_suffix(".expect").read_text())["rule"].startswith("json.")]


@pytest.mark.parametrize("path", [EXAMPLE, *VALID, *PARSED], ids=lambda p: p.name)
def test_engines_agree_on_every_case(path: Any) -> None:
    value, _ = json_.parse(path.read_bytes())
    agree(value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_records())
def test_engines_agree_on_mutated_records(record: Any) -> None:
    agree(record)


def sub_validators(name: str) -> tuple[Any, Any]:
    import jsonschema_rs

    full = load_schema()
    schema = {"$schema": full["$schema"], "$defs": full["$defs"], "$ref": f"#/$defs/{name}"}
    return (
        jsonschema_rs.validator_for(schema, validate_formats=True),
        reference_class()(schema, format_checker=jsonschema.FormatChecker(formats=("date",))),
    )


TEXTY = [
    "line",
    "cell",
    "label",
    "id",
    "date",
    "partial_date",
    "time",
    "utc_offset",
    "time_zone",
    "duration",
    "url",
    "language",
    "country",
    "party",
]


@pytest.mark.parametrize("name", TEXTY)
@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.from_regex(r"[0-9A-Za-z:+\-.PTHM/ ]{0,12}")
)
def test_engines_agree_on_any_text(name: str, text: str) -> None:
    fast, reference = sub_validators(name)
    assert fast.is_valid(text) == reference.is_valid(text), repr(text)


SAMPLES = {
    "line": "Moscow",
    "cell": "",
    "label": "(1)",
    "id": "s1.l1",
    "date": "2000-11-04",
    "partial_date": "2001-02",
    "time": "10:00",
    "utc_offset": "+03:00",
    "time_zone": "Europe/Moscow",
    "duration": "PT1H30M",
    "url": "https://example.org/x",
    "language": "en-GB",
    "country": "JP",
    "party": "kono",
}


@pytest.mark.parametrize("name", TEXTY)
@pytest.mark.parametrize("suffix", ["", "\n", "\r\n", " ", "\t", "\u2028", "\x00"])
def test_engines_agree_on_trailing_characters(name: str, suffix: str) -> None:
    # Python's "$" matches before a final newline; ECMA 262 and Rust's do not.
    fast, reference = sub_validators(name)
    text = SAMPLES[name] + suffix
    assert fast.is_valid(text) == reference.is_valid(text), repr(text)
    if suffix == "":
        assert fast.is_valid(text), name
