"""Canonical bytes: one spelling per record, stable, and the fast reading path sees it."""

from __future__ import annotations

import json
import random
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from visitexport import format_bytes
from visitexport.formats.json.canonical import canonical_bytes
from visitexport.schema.model import order_keys

from .conftest import EXAMPLE
from .strategies import RECORDS


def shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: shuffled(value[k], rng) for k in keys}
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


def test_key_order_is_restored_from_any_order() -> None:
    rng = random.Random(7)
    for record in RECORDS:
        mixed = json.dumps(shuffled(record, rng)).encode()
        assert format_bytes(mixed) == canonical_bytes(record)


def test_formatting_is_idempotent_and_byte_stable() -> None:
    data = EXAMPLE.read_bytes()
    once = format_bytes(json.dumps(json.loads(data), indent=4).encode())
    assert once == data
    assert format_bytes(once) == once


def test_canonical_bytes_shape() -> None:
    text = canonical_bytes({"id": "x", "schema_version": "1.0", "zzz": 1, "document": {"title": "\u00e9"}}).decode()
    assert (
        text
        == '{\n  "schema_version": "1.0",\n  "id": "x",\n  "document": {\n    "title": "\u00e9"\n  },\n  "zzz": 1\n}\n'
    )


def test_unknown_keys_keep_their_order_after_known_ones() -> None:
    assert list(order_keys({"b": 1, "id": "x", "a": 2})) == ["id", "b", "a"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=20))
def test_orjson_writes_canonical_strings_like_the_reference(text: str) -> None:
    # Reading takes its fast path only when orjson's output equals the file;
    # canonical files are written by json.dumps, so the two must agree.
    header = [{"id": "h1", "type": "title", "text": text}]
    value = {"document": {"header": header, "layout": {"list_indent": 2, "final_newline": True}}, "people": []}
    assert orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n" == canonical_bytes(value)
