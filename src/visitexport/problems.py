"""Problems are values, not exceptions: each carries a rule id and a location.

A validation run collects every problem it can find in a file and hands them
back together, so a user fixes a file once rather than once per error.
Exceptions (see `errors`) are reserved for the moments the library must stop.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a record.

    `line` and `column` are 1-based and point at the offending value in the
    file as written; both are 0 when the problem has no place in the text
    (the file could not be read at all). `pointer` is the RFC 6901 JSON
    Pointer of the offending value ("" for the whole document). `rule` is a
    stable id such as ``json.duplicate-key``, ``schema.required`` or
    ``ref.unresolved`` that scripts can match on.
    """

    line: int
    column: int
    pointer: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "rule": self.rule,
            "message": self.message,
        }
