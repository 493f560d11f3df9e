"""Validation: strict JSON, then the schema, then the semantic rules.

A clean record costs one C-level parse, one compiled schema check and one
pass of the semantic rules. Everything that explains a failure (the reference
validator's messages, the scan that finds lines and columns) runs only when
something is wrong.
"""

from __future__ import annotations

from typing import Any

from visitexport import budget, rules
from visitexport.errors import InvalidRecordError
from visitexport.formats.json import strict as json_
from visitexport.limits import MAX_JSON_BYTES
from visitexport.problems import Problem, capped, nearest, shown
from visitexport.rules.text import file_fits_cells
from visitexport.schema.engines import fast_check
from visitexport.schema.messages import DEPTH_MESSAGE, schema_findings

__all__ = ["check_bytes", "check_record"]


def check_bytes(data: bytes, source: str = "<input>") -> tuple[Any, list[Problem]]:
    """Parse and check one file's bytes; return the record (None if unreadable) and its problems."""
    # Refused before parsing: a parser builds every value at once, at many times the bytes' size
    # (a file over MAX_JSON_BYTES is refused by the parser itself, first).
    if len(data) <= MAX_JSON_BYTES and (found := budget.text_findings(data)):
        return None, [Problem(1, 1, pointer, rule, message) for pointer, rule, message in found]
    try:
        value, text = json_.parse(data, source)
    except InvalidRecordError as exc:
        return None, list(exc.problems)
    return value, check_record(value, text, fits_cells=file_fits_cells(data))


def check_record(
    record: Any, text: str | None = None, *, from_parser: bool = False, fits_cells: bool = False
) -> list[Problem]:
    """Every problem of a parsed record, sorted by place.

    `text`, the JSON the record was parsed from, lets problems carry a line and
    column; without it both are 0. `from_parser` says the values came from a
    parser (JSON or XML) rather than from Python code, so they cannot hold
    what no file can (lone surrogates, NaN, integers too long to write).
    `fits_cells` says the file was seen to hold no text too long for a
    spreadsheet cell (`rules.text.file_fits_cells`), sparing that check.
    At most MAX_REPORTED problems are listed, the last saying how many more there are.
    """
    return capped(_problems(record, text, from_parser=from_parser, fits_cells=fits_cells))


def _problems(record: Any, text: str | None, *, from_parser: bool, fits_cells: bool) -> list[Problem]:
    scan: json_.Scan | None = None
    if over := budget.findings(record, text):
        # Past its budget a record is not explained further: every pass that would costs as much as the record.
        return sorted(Problem(0, 0, pointer, rule, message) for pointer, rule, message in over)
    if text is None and not from_parser and (problems := json_.python_problems(record)):
        return problems  # a record built in Python, holding what no JSON file can
    try:
        fast_valid = fast_check()(record)
    except (ValueError, TypeError) as exc:
        # Only from Python too: a value JSON has no form for (a date object, bytes, a number key).
        return [Problem(0, 0, "", "json.value", f"the record holds a value JSON cannot represent: {shown(str(exc))}")]
    if fast_valid:
        findings = [(f.pointer, f.rule, f.message) for f in rules.check(record, fits_cells=fits_cells)]
    else:
        # The reference validator recurses: refuse excessive nesting before it runs.
        scan = json_.scan(text) if text is not None else None
        deep = scan.too_deep[0] if scan is not None and scan.too_deep else json_.too_deep(record)
        if deep is not None:
            findings = [(deep, "json.depth", DEPTH_MESSAGE)]
        else:
            findings = schema_findings(record) or [("", "schema.engines", _DISAGREE)]
    if not findings:
        return []
    if text is None:
        return sorted(Problem(0, 0, pointer, rule, message) for pointer, rule, message in findings)
    scan = scan or json_.scan(text)
    locator = json_.Locator(text)
    problems = []
    for pointer, rule, message in findings:
        # An unknown property is pointed at by its key; anything else by its value.
        key_first = rule == "schema.additionalProperties" and pointer in scan.key_positions
        offset = scan.key_positions[pointer] if key_first else _offset(scan, pointer)
        problems.append(Problem(*locator.at(offset), pointer, rule, message))
    return sorted(problems)


# Never call a record valid that the deciding engine refused, even when the
# reference finds nothing to say; tests/test_engines.py keeps this unreachable.
_DISAGREE = "the compiled schema engine refuses this record but the reference finds no error; please report this"


def _offset(scan: json_.Scan, pointer: str) -> int:
    """Where the value at `pointer` starts, or its nearest ancestor that exists."""
    return scan.positions.get(nearest(pointer, scan.positions), 0)
