"""JSON: the canonical record itself, read strictly and written in its one spelling.

Mapping contract: none; JSON is the hub every other format converts to and
from. Reading (`visitexport.formats.json.strict`) refuses duplicate keys,
NaN and Infinity, numbers that would change, lone surrogates, invalid UTF-8
and a byte order mark, each with its line and column; then the record is
validated (schema and rules) with every problem at its line and column.
Writing (`visitexport.formats.json.canonical`) gives the canonical bytes.
"""

from __future__ import annotations

from typing import Any

from visitexport.errors import InvalidRecordError
from visitexport.formats.json.canonical import canonical_bytes

__all__ = ["dump_json", "load_json"]


def load_json(data: bytes, source: str = "<input>") -> dict[str, Any]:
    """A fully validated record from JSON bytes; `InvalidRecordError` lists every problem with its place."""
    from visitexport.validation import check_bytes

    record, problems = check_bytes(data, source)
    if problems:
        raise InvalidRecordError(source, problems)
    result: dict[str, Any] = record
    return result


def dump_json(record: dict[str, Any]) -> bytes:
    """The canonical bytes of a record."""
    return canonical_bytes(record)
