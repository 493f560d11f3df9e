"""The schema itself: well-formed, documented, versioned, and fit for every format."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema

from visitexport.schema import SCHEMA_ID, SCHEMA_VERSION, load_schema, schema_bytes
from visitexport.schema.model import keys

from .conftest import ROOT


def properties(node: Any, path: str = "#") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{path}/properties/{name}", sub
        for key, sub in node.items():
            yield from properties(sub, f"{path}/{key}")
    elif isinstance(node, list):
        for n, sub in enumerate(node):
            yield from properties(sub, f"{path}/{n}")


def test_schema_is_valid_2020_12() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_bundled_schema_is_the_top_level_file() -> None:
    assert schema_bytes() == (ROOT / "schemas" / "visit.schema.json").read_bytes()


def test_id_and_version_agree() -> None:
    schema = load_schema()
    assert schema["$id"] == SCHEMA_ID
    assert SCHEMA_ID.endswith(":" + SCHEMA_VERSION)
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_every_property_has_a_title_and_a_description() -> None:
    missing = [path for path, sub in properties(load_schema()) if not (sub.get("title") and sub.get("description"))]
    assert missing == []


def test_no_nulls_and_no_empty_lists_or_texts_anywhere() -> None:
    text = schema_bytes().decode()
    assert '"null"' not in text
    for path, sub in properties(load_schema()):
        if sub.get("type") == "array":
            assert sub.get("minItems", 0) >= 1, path
    for name in ("line", "id", "label"):
        assert not re.fullmatch(load_schema()["$defs"][name]["pattern"], "")


def test_text_types_refuse_what_xml_and_spreadsheets_cannot_hold() -> None:
    line = load_schema()["$defs"]["line"]
    assert line["maxLength"] == 32767
    validator = jsonschema.Draft202012Validator(line)
    for bad in ["\u0000", "a\u0008b", "\ufffe", "\uffff", "a\nb", " lead", "trail "]:
        assert not validator.is_valid(bad), repr(bad)
    for good in ["\u00e9\u4e2d\U0001f600", "a\u0085b", "x"]:
        assert validator.is_valid(good), repr(good)


def test_objects_forbid_unknown_properties() -> None:
    def objects(node: Any) -> Iterator[Any]:
        if isinstance(node, dict):
            if node.get("type") == "object":
                yield node
            for sub in node.values():
                yield from objects(sub)
        elif isinstance(node, list):
            for sub in node:
                yield from objects(sub)

    assert all(o.get("additionalProperties") is False for o in objects(load_schema()))


def test_one_of_branches_agree_on_key_order() -> None:
    # Canonical key order merges the branches of a oneOf; that is only sound when
    # the merge keeps every branch's own order, each of its objects printed as the schema lists it.
    schema = load_schema()
    defs = schema["$defs"]
    shape = keys()
    engagements = shape.properties["engagements"].items
    merges = {
        "block": shape.properties["document"].properties["body"].items,
        "when": engagements.properties["date"] if engagements else None,
    }
    for name, merged in merges.items():
        assert merged is not None
        for branch in defs[name]["oneOf"]:
            branch_keys = list(defs[branch["$ref"].split("/")[-1]]["properties"])
            assert [k for k in merged.order if k in branch_keys] == branch_keys, (name, branch)


def test_key_order_follows_the_schema_order() -> None:
    shape = keys()
    assert shape.order == list(load_schema()["properties"])
    body = shape.properties["document"].properties["body"].items
    assert body is not None
    assert body.order[:2] == ["id", "type"]


def test_schema_file_is_canonical_json() -> None:
    data = schema_bytes()
    assert data == (json.dumps(json.loads(data), indent=2, ensure_ascii=False) + "\n").encode()


def test_load_schema_gives_a_copy_the_validators_do_not_see() -> None:
    import visitexport

    from .conftest import EXAMPLE, load_json

    mine = load_schema()
    mine["$defs"]["id"]["pattern"] = "^x$"
    del mine["properties"]
    assert visitexport.check(load_json(EXAMPLE)) == []
    assert load_schema()["$defs"]["id"]["pattern"] != "^x$"
