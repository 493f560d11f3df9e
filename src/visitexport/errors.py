"""The library's exceptions: one base class, subclasses that also inherit the builtin they mean.

Callers can catch `VisitExportError` for anything this library raises on
purpose, or the builtin (`ValueError`, `OSError`) they would catch anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

from .problems import Problem

__all__ = ["InvalidRecordError", "ToolError", "VisitExportError"]


class VisitExportError(Exception):
    """Base class of every error visitexport raises on purpose."""


class InvalidRecordError(VisitExportError, ValueError):
    """The input is not a valid record; `problems` says everything that is wrong, with places."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        first = self.problems[0] if self.problems else None
        where = f"{source}:{first.line}:{first.column}: {first.rule}: {first.message}" if first else source
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(where + more)


class ToolError(VisitExportError, OSError):
    """The tool itself could not do its job: an unreadable file, a broken installation."""
