"""jsonschema's errors rewritten as problems people can act on.

The reference validator (`visitexport.schema.engines`) says what is wrong in
its own words and paths. Here each error becomes a finding (pointer, rule,
message): a `oneOf` is explained by the branch the value was meant for, a
text that breaks its pattern is told what kind of character is at fault, a
required field, an empty list or a null says how to fix it, and one mistake
is said once. Whatever a message quotes from the record goes through
`visitexport.problems.shown`, and a list of names through `listed`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from visitexport.limits import CELL_UNITS, MAX_DEPTH
from visitexport.problems import escape_pointer, pointer_of, shown
from visitexport.schema.engines import reference_validator

if TYPE_CHECKING:
    from jsonschema import ValidationError

__all__ = ["DEPTH_MESSAGE", "schema_findings"]

#: What a record nested past the limit is told, by every pass that finds it.
DEPTH_MESSAGE = f"nesting deeper than {MAX_DEPTH} levels"


def schema_findings(record: Any) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    try:
        errors = list(reference_validator().iter_errors(record))
    except RecursionError:
        return [("", "json.depth", DEPTH_MESSAGE)]
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
    # Every message is built from the keyword and the schema's value, never taken from
    # jsonschema: its messages quote the instance with repr(), whole (a 60 MB text, a
    # whole record), and keep what a terminal would act on.
    pointer = pointer_of(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    # Name the field as the record spells it ('summary'), else by the schema's title.
    last = error.absolute_path[-1] if error.absolute_path else None
    title = shown(last) if isinstance(last, str) else str(schema.get("title", "value")).lower()
    instance: Any = error.instance
    keyword = str(error.validator)
    expected: Any = error.validator_value
    description = str(schema.get("description", ""))
    if keyword == "additionalProperties":
        known = schema.get("properties", {})
        extra = sorted(key for key in instance if key not in known)
        pointer = f"{pointer}/{escape_pointer(extra[0])}"
        message = f"unknown property '{shown(extra[0])}'"
        if len(extra) > 1:
            message += f" (and {len(extra) - 1:,} more)"
        message += f"; allowed here: {', '.join(known)}"
    elif keyword == "required":
        # One error per missing property; its message names it (from the schema, not the record).
        message = f"{error.message.split(' is a required')[0]} is required in a {title}"
    elif keyword == "pattern" and instance == "" and schema.get("minLength", 0) > 0:
        return pointer, "schema.minLength", _EMPTY_TEXT
    elif keyword == "pattern":
        message = _text_message(instance, title, description, tabs=bool(re.search(str(expected), "a\tb")))
    elif keyword == "enum" and len(expected) <= _ENUM_LISTED:
        message = f"{_value(instance)} is not one of {', '.join(_value(option) for option in expected)}"
    elif keyword in ("enum", "oneOf", "anyOf"):
        message = f"{_value(instance)} is not a valid {title}: {description}"
    elif keyword == "maxLength":
        message = f"text is {len(instance):,} characters; the limit is {expected:,}"
        if expected == CELL_UNITS:
            message += " (what one spreadsheet cell holds)"
    elif keyword == "minLength":
        message = _EMPTY_TEXT if instance == "" else f"text is {len(instance):,} characters; at least {expected:,}"
    elif keyword == "minItems":
        message = _EMPTY_LIST if instance == [] else f"{_value(instance)}; at least {expected:,} needed"
    elif keyword == "type" and instance is None:
        message = "null is not allowed: give a value, or leave the field out if it is optional"
    elif keyword == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        message = f"{_kind(instance)} where {' or '.join(_TYPES.get(k, k) for k in kinds)} belongs"
    elif keyword == "uniqueItems":
        pointer, message = _repeated(instance, pointer)
    elif keyword == "const":
        message = f"{_value(instance)} is not allowed here: {title} must be {_value(expected)}"
    elif keyword == "format":
        message = f"{_value(instance)} is not a real calendar date"
    elif keyword == "minimum":
        message = f"{_value(instance)} is less than the minimum of {_value(expected)}"
    elif keyword == "maximum":
        message = f"{_value(instance)} is greater than the maximum of {_value(expected)}"
    else:  # a keyword the bundled schema does not use today: still nothing of jsonschema's
        message = f"{_value(instance)} breaks the schema's {keyword} rule: {description}"
    return pointer, f"schema.{keyword}", message


#: An enum this short is listed in full; a longer one (countries) is described.
_ENUM_LISTED = 12
_EMPTY_TEXT = "empty text: leave the field out instead"
_EMPTY_LIST = "empty list: leave the field out instead"
_TYPES = {
    "string": "text",
    "object": "an object",
    "array": "a list",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _value(value: Any) -> str:
    """Any JSON value as a message names it: a text quoted (`shown`), a list or object by its size."""
    if isinstance(value, str):
        return f"'{shown(value)}'"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        # str() of an integer of thousands of digits raises (and costs): a record built in Python can hold one.
        return (
            shown(str(value)) if value.bit_length() <= _INT_BITS else f"a whole number of {value.bit_length():,} bits"
        )
    if isinstance(value, float):
        return shown(repr(value))
    if isinstance(value, list):
        return "an empty list" if not value else f"a list of {len(value):,} item{'s' if len(value) > 1 else ''}"
    if isinstance(value, dict):
        if not value:
            return "an empty object"
        return f"an object with {len(value):,} propert{'ies' if len(value) > 1 else 'y'}"
    return shown(type(value).__name__)


def _kind(value: Any) -> str:
    """A value named by its JSON type first, for a message about a wrong type."""
    if isinstance(value, str):
        return f"text ({_value(value)})"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"a number ({_value(value)})"
    return _value(value)


#: Enough for any integer a message would quote in full (a 64-bit one needs 64).
_INT_BITS = 400


def _repeated(items: list[Any], pointer: str) -> tuple[str, str]:
    """The pointer and message of the first item that repeats an earlier one."""
    seen: list[Any] = []
    for index, item in enumerate(items):
        if item in seen:
            return f"{pointer}/{index}", f"item {index} repeats item {seen.index(item)}; list each value once"
        seen.append(item)
    return pointer, "list each value once"  # unreachable: the keyword failed


# What XML 1.0 cannot carry, searched for in C: the text may be megabytes long.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text_message(text: str, title: str, description: str, *, tabs: bool = False) -> str:
    """Why `text` does not match its pattern; `tabs` when the pattern lets tabs stand between words."""
    if found := _NOT_XML.search(text):
        return f"{title} contains U+{ord(found.group()):04X}, which XML 1.0 cannot carry"
    if "\n" in text or "\r" in text:
        return f"{title} must be one line: it contains a line break"
    if "\t" in text and not tabs:
        return f"{title} contains a tab; use spaces"
    if text != text.strip(" \t"):
        return f"{title} has leading or trailing spaces or tabs"
    if text != text.strip(" "):
        return f"{title} has leading or trailing spaces"
    return f"'{shown(text)}' is not a valid {title}: {description}"
