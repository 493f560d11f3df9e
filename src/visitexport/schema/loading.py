"""The bundled JSON Schema, loaded once.

The schema ships inside the package (``visitexport/schemas``) and is read with
importlib.resources, so the installed tool never depends on the source tree.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from visitexport.errors import ToolError

__all__ = ["SCHEMA_ID", "SCHEMA_VERSION", "bundled_schema", "load_schema", "schema_bytes"]

SCHEMA_VERSION = "2.0"
SCHEMA_ID = "urn:visitexport:schema:visit:2.0"


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
