"""Rendering validation results for people and for machines.

The same list of `FileResult`s becomes text (``path:line:col: rule: message
(pointer)``), one versioned JSON report, or GitHub workflow annotations.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from visitexport.problems import FileResult, Problem
from visitexport.schema.loading import SCHEMA_ID

__all__ = ["REPORT_VERSION", "as_github", "as_json", "as_text_lines", "summary"]

#: Bumped when the JSON report changes incompatibly.
REPORT_VERSION = 1


def summary(results: Sequence[FileResult]) -> dict[str, int]:
    return {
        "files": len(results),
        "valid": sum(r.valid for r in results),
        "invalid": sum(bool(r.problems) for r in results),
        "unreadable": sum(r.error is not None for r in results),
        "problems": sum(len(r.problems) for r in results),
    }


def as_text_lines(result: FileResult) -> list[str]:
    if result.error is not None:
        return [f"{result.error}"]
    return [f"{result.path}{_where(p)}: {p.rule}: {p.message} ({_what(p)})" for p in result.problems]


def _where(problem: Problem) -> str:
    """`:12:5`, `:12` (a line without a known column), `:People!C4`, or nothing for the whole file."""
    if problem.line:
        return f":{problem.line}:{problem.column}" if problem.column else f":{problem.line}"
    return f":{problem.place}" if problem.place else ""


def _what(problem: Problem) -> str:
    """The value at fault: its JSON Pointer (the whole document has the empty one), and the XML path beside a line."""
    pointer = problem.pointer or "the document"
    return f"{pointer}; at {problem.place}" if problem.line and problem.place else pointer


def as_json(results: Sequence[FileResult], version: str) -> str:
    report = {
        "report_version": REPORT_VERSION,
        "tool": {"name": "visitexport", "version": version},
        "schema": SCHEMA_ID,
        "valid": all(r.valid for r in results),
        "summary": summary(results),
        "files": [
            {
                "path": r.path,
                "valid": r.valid,
                **({"error": r.error} if r.error is not None else {}),
                "problems": [p.as_dict() for p in r.problems],
            }
            for r in results
        ],
    }
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(result: FileResult) -> list[str]:
    """Workflow commands that GitHub Actions shows as annotations on the file."""
    if result.error is not None:
        return [f"::error file={_escape_property(result.path)},title=unreadable::{_escape_data(result.error)}"]
    lines = []
    for p in result.problems:
        where = f"file={_escape_property(result.path)}"
        if p.line:
            where += f",line={p.line}" + (f",col={p.column}" if p.column else "")
        text = f"{p.place + ': ' if p.place and not p.line else ''}{p.message} ({_what(p)})"
        lines.append(f"::error {where},title={_escape_property(p.rule)}::{_escape_data(text)}")
    return lines
