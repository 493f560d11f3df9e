"""jsonschema's errors rewritten as problems people can act on.

The reference validator (`visitexport.schema.engines`) says what is wrong in
its own words and paths. Here each error becomes a finding (pointer, rule,
message): a `oneOf` is explained by the branch the value was meant for, a
text that breaks its pattern is told what kind of character is at fault, a
required field, an empty list or a null says how to fix it, and one mistake
is said once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visitexport.limits import MAX_DEPTH
from visitexport.problems import escape_pointer, pointer_of
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
    pointer = pointer_of(error.absolute_path)
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
            pointer = f"{pointer}/{escape_pointer(extra[0])}"
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
