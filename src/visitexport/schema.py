"""The bundled JSON Schema: loading it, and the two engines that apply it.

The schema ships inside the package (``visitexport/schemas``) and is read with
importlib.resources, so the installed tool never depends on the source tree.

Two engines apply it. jsonschema-rs (compiled) decides validity: on a record
the size of the seed it is two orders of magnitude faster than the pure-Python
reference, which matters when CI validates thousands of files. jsonschema (the
reference) runs only once a record is known to be invalid, to explain why with
the messages and paths people read; it is imported only then, which keeps the
start-up of a clean run short. `tests/test_engines.py` shows both engines give
the same verdict on every test case.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from .errors import ToolError

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "Shape",
    "bundled_schema",
    "fast_check",
    "load_schema",
    "record_shape",
    "reference_class",
    "reference_validator",
    "schema_bytes",
]

SCHEMA_VERSION = "1.0"
SCHEMA_ID = "urn:visitexport:schema:visit:1.0"


@cache
def schema_bytes() -> bytes:
    """The bundled schema file, byte for byte."""
    try:
        return (resources.files("visitexport") / "schemas" / "visit.schema.json").read_bytes()
    except OSError as exc:
        raise ToolError(f"the bundled schema cannot be read ({exc}); reinstall visitexport") from exc


def load_schema() -> dict[str, Any]:
    """The bundled schema, parsed: a copy of your own to read or change."""
    return copy.deepcopy(bundled_schema())


@cache
def bundled_schema() -> dict[str, Any]:
    """The bundled schema, parsed once and shared by the validators: never change it."""
    schema: dict[str, Any] = json.loads(schema_bytes())
    if schema.get("$id") != SCHEMA_ID:
        raise ToolError(
            f"the bundled schema has $id {schema.get('$id')!r}, expected {SCHEMA_ID!r}; reinstall visitexport"
        )
    return schema


@cache
def fast_check() -> Callable[[Any], bool]:
    """A compiled `is_valid` for the bundled schema, built once per process."""
    try:
        import jsonschema_rs
    except ImportError as exc:  # pragma: no cover - a broken installation
        raise ToolError(f"jsonschema-rs is not installed ({exc}); reinstall visitexport") from exc
    validator = jsonschema_rs.validator_for(bundled_schema(), validate_formats=True)
    is_valid: Callable[[Any], bool] = validator.is_valid
    return is_valid


@cache
def reference_class() -> Any:
    """The reference validator class (jsonschema, Draft 2020-12), imported on first use.

    Python's `$` also matches just before a final newline, where ECMA 262 and
    Rust (jsonschema-rs) match only at the very end: "a\\n" would pass
    ``^a$`` here and fail there. This class reads a final `$` as the very end,
    so both engines give every pattern the same meaning.
    """
    import re

    from jsonschema import Draft202012Validator, ValidationError, validators

    compiled: dict[str, re.Pattern[str]] = {}

    def pattern(validator: Any, expected: str, instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "string"):
            return
        regex = compiled.get(expected)
        if regex is None:
            anchored = expected[:-1] + r"\Z" if expected.endswith("$") and not expected.endswith("\\$") else expected
            regex = compiled[expected] = re.compile(anchored)
        if not regex.search(instance):
            yield ValidationError(f"{instance!r} does not match {expected!r}")

    return validators.extend(Draft202012Validator, {"pattern": pattern})  # type: ignore[no-untyped-call]


@cache
def reference_validator() -> Any:
    """The reference validator for the bundled schema, built once."""
    from jsonschema import FormatChecker

    return reference_class()(bundled_schema(), format_checker=FormatChecker(formats=("date",)))


class Shape:
    """The object and array structure the schema gives a place in a record.

    `order` is the canonical key order (the schema's property order); for a
    `oneOf` of object shapes it is their orders merged, which works because
    the branches agree on the order of the keys they share.
    """

    def __init__(self) -> None:
        self.order: list[str] = []
        self.properties: dict[str, Shape] = {}
        self.items: Shape | None = None


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        node = schema["$defs"][name]
    return node


@cache
def record_shape() -> Shape:
    """The shape of a whole record, built once; recursive definitions share one `Shape`."""
    schema = bundled_schema()
    built: dict[int, Shape] = {}

    def build(node: dict[str, Any]) -> Shape:
        node = _resolve(schema, node)
        key = id(node)
        if key in built:
            return built[key]
        shape = built[key] = Shape()
        branches = [_resolve(schema, b) for b in node.get("oneOf", [])] or [node]
        for branch in branches:
            for name, sub in branch.get("properties", {}).items():
                if name not in shape.properties:
                    shape.order.append(name)
                    shape.properties[name] = build(sub)
            if "items" in branch:
                shape.items = build(branch["items"])
        return shape

    return build(schema)
