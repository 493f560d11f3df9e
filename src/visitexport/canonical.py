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

from .schema import Shape, record_shape

__all__ = ["canonical_bytes", "canonical_text", "order_keys"]


def order_keys(value: Any, shape: Shape | None = None) -> Any:
    """A copy of `value` with every object's keys in canonical order."""
    if shape is None:
        shape = record_shape()
    if isinstance(value, dict):
        known = [k for k in shape.order if k in value]
        rest = [k for k in value if k not in shape.properties]
        return {k: order_keys(value[k], shape.properties.get(k, _EMPTY)) for k in known + rest}
    if isinstance(value, list):
        items = shape.items or _EMPTY
        return [order_keys(v, items) for v in value]
    return value


_EMPTY = Shape()


def canonical_text(value: Any) -> str:
    return json.dumps(order_keys(value), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def canonical_bytes(value: Any) -> bytes:
    """The canonical file content for a parsed record."""
    return canonical_text(value).encode("utf-8")
