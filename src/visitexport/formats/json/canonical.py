"""The canonical bytes of a record: one spelling, so records diff cleanly in git.

- keys in the schema's property order, at every level (keys the schema does
  not know keep their order, after the known ones);
- UTF-8, no ASCII escaping, two-space indent, ``": "`` and ``","`` separators,
  one trailing newline.

Formatting never changes a value, only how it is written.
"""

from __future__ import annotations

import json
from typing import Any

from visitexport.schema.model import order_keys

__all__ = ["canonical_bytes", "canonical_text"]


def canonical_text(value: Any) -> str:
    return json.dumps(order_keys(value), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def canonical_bytes(value: Any) -> bytes:
    """The canonical file content for a parsed record."""
    return canonical_text(value).encode("utf-8")
