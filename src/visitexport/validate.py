"""Validation: strict JSON, then the schema, then the semantic rules.

A clean record costs one C-level parse, one compiled schema check and one
pass of the semantic rules. Everything that explains a failure (the reference
validator's messages, the scan that finds lines and columns) runs only when
something is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import json_, semantic
from .errors import InvalidRecordError
from .problems import Problem
from .schema import fast_check, reference_validator
from .semantic._shared import file_fits_cells

if TYPE_CHECKING:
    from jsonschema import ValidationError

__all__ = ["check_bytes", "check_record"]


def check_bytes(data: bytes, source: str = "<input>") -> tuple[Any, list[Problem]]:
    """Parse and check one file's bytes; return the record (None if unreadable) and its problems."""
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
    spreadsheet cell (`semantic._shared.file_fits_cells`), sparing that check.
    """
    scan: json_.Scan | None = None
    if text is None and not from_parser and (problems := json_.python_problems(record)):
        return problems  # a record built in Python, holding what no JSON file can
    try:
        fast_valid = fast_check()(record)
    except (ValueError, TypeError) as exc:
        # Only from Python too: a value JSON has no form for (a date object, bytes, a number key).
        return [Problem(0, 0, "", "json.value", f"the record holds a value JSON cannot represent: {exc}")]
    if fast_valid:
        findings = [(f.pointer, f.rule, f.message) for f in semantic.check(record, fits_cells=fits_cells)]
    else:
        # The reference validator recurses: refuse excessive nesting before it runs.
        scan = json_.scan(text) if text is not None else None
        deep = scan.too_deep[0] if scan is not None and scan.too_deep else json_.too_deep(record)
        if deep is not None:
            findings = [(deep, "json.depth", f"nesting deeper than {json_.MAX_DEPTH} levels")]
        else:
            findings = _schema_findings(record) or [("", "schema.engines", _DISAGREE)]
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
    while pointer not in scan.positions and pointer:
        pointer = pointer.rsplit("/", 1)[0]
    return scan.positions.get(pointer, 0)


# --- schema messages -----------------------------------------------------------


def _pointer(path: Iterable[Any]) -> str:
    return "".join(f"/{json_.escape_pointer(str(p))}" for p in path)


def _schema_findings(record: Any) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    try:
        errors = list(reference_validator().iter_errors(record))
    except RecursionError:
        return [("", "json.depth", f"nesting deeper than {json_.MAX_DEPTH} levels")]
    for error in errors:
        for leaf in _closest(error):
            found.append(_explain(leaf))
    # A value of the wrong JSON type fails its other keywords too, and a text
    # that breaks its pattern needs no second word on its format: say it once.
    mistyped = {pointer for pointer, rule, _ in found if rule == "schema.type"}
    misspelt = {pointer for pointer, rule, _ in found if rule == "schema.pattern"}
    return sorted(
        {
            f
            for f in set(found)
            if (f[1] == "schema.type" or f[0] not in mistyped) and not (f[1] == "schema.format" and f[0] in misspelt)
        }
    )


def _closest(error: ValidationError) -> list[ValidationError]:
    """For oneOf/anyOf, the errors of the branch the value was most likely meant for."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)

    def distance(errors: list[ValidationError]) -> tuple[int, int, int]:
        depth = len(error.relative_path)
        # A wrong discriminator ('type': 'list' against the paragraph branch) or
        # a wrong JSON type at the value itself rules a branch out first.
        wrong_kind = any(
            (e.validator == "const" and len(e.absolute_path) == depth + 1)
            or (e.validator in ("type", "enum", "pattern", "const") and len(e.absolute_path) == depth)
            for e in errors
        )
        shallow = sum(1 for e in errors if len(e.absolute_path) == len(error.absolute_path))
        return int(wrong_kind), shallow, len(errors)

    ranked = sorted(branches.values(), key=distance)
    best = ranked[0]
    if distance(best)[0] and all(distance(b)[0] for b in ranked):
        return [error]  # no branch fits at all: say so once, in the oneOf's own words
    return [leaf for sub in best for leaf in _closest(sub)]


def _explain(error: ValidationError) -> tuple[str, str, str]:
    pointer = _pointer(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    # Name the field as the record spells it ('summary'), else by the schema's title.
    last = error.absolute_path[-1] if error.absolute_path else None
    title = last if isinstance(last, str) else str(schema.get("title", "value")).lower()
    instance: Any = error.instance
    keyword = str(error.validator)
    message = error.message
    if keyword == "additionalProperties":
        extra = sorted(set(instance) - set(schema.get("properties", {})))
        if extra:
            pointer = f"{pointer}/{json_.escape_pointer(extra[0])}"
            allowed = ", ".join(schema.get("properties", {}))
            message = f"unknown property {extra[0]!r}" + (f" (and {len(extra) - 1} more)" if len(extra) > 1 else "")
            message += f"; allowed here: {allowed}"
    elif keyword == "required":
        message = f"{message.split(' is a required')[0]} is required in a {title}"
    elif keyword == "pattern" and instance == "" and schema.get("minLength", 0) > 0:
        return pointer, "schema.minLength", "empty text: leave the field out instead"
    elif keyword == "pattern" and isinstance(instance, str):
        message = _text_message(instance, title, str(schema.get("description", "")))
    elif (keyword == "enum" and len(schema.get("enum", [])) > 12) or keyword in ("oneOf", "anyOf"):
        message = f"{instance!r} is not a valid {title}: {schema.get('description', '')}"
    elif keyword == "maxLength" and isinstance(instance, str):
        message = f"text is {len(instance):,} characters; the limit is {schema['maxLength']:,}"
        if schema["maxLength"] == 32767:
            message += " (what one spreadsheet cell holds)"
    elif keyword == "minLength" and instance == "":
        message = "empty text: leave the field out instead"
    elif keyword == "minItems" and instance == []:
        message = "empty list: leave the field out instead"
    elif keyword == "type" and instance is None:
        message = "null is not allowed: give a value, or leave the field out if it is optional"
    elif keyword == "uniqueItems" and isinstance(instance, list):
        seen: list[Any] = []
        for index, item in enumerate(instance):
            if item in seen:
                pointer = f"{pointer}/{index}"
                message = f"item {index} repeats item {seen.index(item)}; list each value once"
                break
            seen.append(item)
    elif keyword == "const":
        message = f"{instance!r} is not allowed here: {title} must be {schema['const']!r}"
    elif keyword == "format":
        message = f"{instance!r} is not a real calendar date"
    return pointer, f"schema.{keyword}", message


def _text_message(text: str, title: str, description: str) -> str:
    for char in text:
        code = ord(char)
        if code in (0xFFFE, 0xFFFF) or (code < 0x20 and char not in "\t\n\r"):
            return f"{title} contains U+{code:04X}, which XML 1.0 cannot carry"
    if "\n" in text or "\r" in text:
        return f"{title} must be one line: it contains a line break"
    if "\t" in text:
        return f"{title} contains a tab; use spaces"
    if text != text.strip(" "):
        return f"{title} has leading or trailing spaces"
    return f"{text!r} is not a valid {title}: {description}"
