"""The library's exceptions: one base class, subclasses that also inherit the builtin they mean.

Callers can catch `VisitExportError` for anything this library raises on
purpose, or the builtin (`ValueError`, `OSError`) they would catch anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

from visitexport.problems import Problem, shown

__all__ = [
    "InvalidRecordError",
    "MissingFileError",
    "OptionError",
    "ToolError",
    "VisitExportError",
    "os_error",
]


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


class OptionError(VisitExportError, ValueError):
    """An option a format's writer does not take, or a value it cannot use; `option` names it.

    A refused `value` is quoted at the end of `message`, escaped and cut (`shown`): it may
    come from a command line or a script, and a message is one line of a terminal.
    """

    def __init__(self, option: str, message: str, value: str | None = None) -> None:
        self.option = option
        self.message = message if value is None else f"{message}: '{shown(value)}'"
        super().__init__(f"{option}: {self.message}")


class ToolError(VisitExportError, OSError):
    """The tool itself could not do its job: an unreadable file, a broken installation.

    Where an operating-system error is the cause, `errno`, `strerror` and
    `filename` are set as on any `OSError`; `str()` is the whole message.
    """

    def __init__(self, message: str, *, errno: int | None = None, filename: str | None = None) -> None:
        if errno is None:
            super().__init__(message)
        else:
            super().__init__(errno, message, filename)
        self.message = message

    def __str__(self) -> str:
        return self.message


class MissingFileError(ToolError, FileNotFoundError):
    """A file or folder that does not exist: a `ToolError` callers can also catch as `FileNotFoundError`."""


def os_error(exc: OSError, filename: str, doing: str) -> ToolError:
    """The `ToolError` for an operating-system error met while `doing` something ("read", "write") to `filename`."""
    kind = MissingFileError if isinstance(exc, FileNotFoundError) else ToolError
    return kind(f"{filename}: cannot {doing}: {exc.strerror or exc}", errno=exc.errno, filename=filename)
