"""Rendering validation results for people and for machines.

The same list of `FileResult`s becomes text (``path:line:col: rule: message
(pointer)``), one versioned JSON report, or GitHub workflow annotations.

Messages quote values through `visitexport.problems.shown` where they are
made; this is the net behind that. Whatever reaches a report (a message, a
path, a pointer, a place, an error) is cut at `MAX_MESSAGE` characters with a
count, and in text and annotations what a terminal would act on (a carriage
return that rewrites the line, an escape sequence, a bidirectional mark) is
escaped; the JSON report keeps every value JSON-escaped instead, so a
program reading it gets the text itself.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from visitexport.limits import MAX_MESSAGE
from visitexport.problems import FileResult, Problem, shown
from visitexport.schema.loading import SCHEMA_ID

__all__ = ["REPORT_VERSION", "as_github", "as_json", "as_text_lines", "safe", "summary"]

#: Bumped when the JSON report changes incompatibly.
REPORT_VERSION = 1


def _cut(text: str) -> str:
    return shown(text, MAX_MESSAGE, escape=False)


def safe(text: str) -> str:
    """`text` fit for one line of a terminal or a log: cut at `MAX_MESSAGE` characters, with a count,
    and every character a terminal would act on or hide escaped as `shown` escapes it.

    Unlike a quoted value it keeps its backslashes: the text is a finished message
    whose quoted values `shown` has escaped already.
    """
    return shown(text, MAX_MESSAGE, backslash=False)


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
        return [safe(result.error)]
    path = safe(result.path)
    return [f"{path}{_where(p)}: {safe(p.rule)}: {safe(p.message)} ({_what(p)})" for p in result.problems]


def _where(problem: Problem) -> str:
    """`:12:5`, `:12` (a line without a known column), `:People!C4`, or nothing for the whole file."""
    if problem.line:
        return f":{problem.line}:{problem.column}" if problem.column else f":{problem.line}"
    return f":{safe(problem.place)}" if problem.place else ""


def _what(problem: Problem) -> str:
    """The value at fault: its JSON Pointer (the whole document has the empty one), and the XML path beside a line."""
    pointer = problem.pointer or "the document"
    return safe(f"{pointer}; at {problem.place}" if problem.line and problem.place else pointer)


def as_json(results: Sequence[FileResult], version: str, extra: Sequence[dict[str, Any]] = ()) -> str:
    """One versioned report of `results`; `extra[n]` adds fields to the nth file's entry (ingest's warnings)."""
    more = list(extra) + [{}] * (len(results) - len(extra))
    report = {
        "report_version": REPORT_VERSION,
        "tool": {"name": "visitexport", "version": version},
        "schema": SCHEMA_ID,
        "valid": all(r.valid for r in results),
        "summary": summary(results),
        "files": [
            {
                "path": _cut(r.path),
                "valid": r.valid,
                **({"error": _cut(r.error)} if r.error is not None else {}),
                "problems": [_bounded(p).as_dict() for p in r.problems],
                **{key: _cut_all(value) for key, value in fields.items()},
            }
            for r, fields in zip(results, more, strict=True)
        ],
    }
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    # json.dumps escapes only C0 controls here: DEL, C1 controls, bidirectional marks and
    # lone surrogates (a path's undecodable bytes) are escaped too, each as JSON writes it.
    if not text.replace("\n", "").isprintable():
        text = "".join(c if c.isprintable() or c == "\n" else json.dumps(c)[1:-1] for c in text)
    return text


def _cut_all(value: Any) -> Any:
    """`value` with every text in it cut at MAX_MESSAGE."""
    if isinstance(value, str):
        return _cut(value)
    if isinstance(value, list):
        return [_cut_all(v) for v in value]
    if isinstance(value, dict):
        return {k: _cut_all(v) for k, v in value.items()}
    return value


def _bounded(problem: Problem) -> Problem:
    return problem._replace(
        pointer=_cut(problem.pointer), rule=_cut(problem.rule), message=_cut(problem.message), place=_cut(problem.place)
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(result: FileResult) -> list[str]:
    """Workflow commands that GitHub Actions shows as annotations on the file."""
    path = _escape_property(safe(result.path))
    if result.error is not None:
        return [f"::error file={path},title=unreadable::{_escape_data(safe(result.error))}"]
    lines = []
    for p in result.problems:
        where = f"file={path}"
        if p.line:
            where += f",line={p.line}" + (f",col={p.column}" if p.column else "")
        text = f"{safe(p.place) + ': ' if p.place and not p.line else ''}{safe(p.message)} ({_what(p)})"
        lines.append(f"::error {where},title={_escape_property(safe(p.rule))}::{_escape_data(text)}")
    return lines
