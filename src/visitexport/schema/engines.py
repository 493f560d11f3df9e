"""The two engines that apply the bundled schema.

jsonschema-rs (compiled) decides validity: on a record the size of the seed it
is two orders of magnitude faster than the pure-Python reference, which
matters when CI validates thousands of files. jsonschema (the reference) runs
only once a record is known to be invalid, to explain why with the messages
and paths people read (`visitexport.schema.messages`); it is imported only
then, which keeps the start-up of a clean run short. `tests/test_engines.py`
shows both engines give the same verdict on every test case.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from visitexport.errors import ToolError
from visitexport.schema.loading import bundled_schema

__all__ = ["fast_check", "reference_class", "reference_validator"]


@cache
def fast_check() -> Callable[[Any], bool]:
    """A compiled `is_valid` for the bundled schema, built once per process."""
    try:
        import jsonschema_rs
    except ImportError as exc:  # pragma: no cover - a broken installation
        raise ToolError(f"jsonschema-rs is not installed ({exc}); reinstall visitexport") from exc
    validator = jsonschema_rs.validator_for(bundled_schema(), validate_formats=True)
    is_valid: Callable[[Any], bool] = validator.is_valid
    return is_valid


@cache
def reference_class() -> Any:
    """The reference validator class (jsonschema, Draft 2020-12), imported on first use.

    Python's `$` also matches just before a final newline, where ECMA 262 and
    Rust (jsonschema-rs) match only at the very end: "a\\n" would pass
    ``^a$`` here and fail there. This class reads a final `$` as the very end,
    so both engines give every pattern the same meaning.
    """
    import re

    from jsonschema import Draft202012Validator, ValidationError, validators

    compiled: dict[str, re.Pattern[str]] = {}

    def pattern(validator: Any, expected: str, instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "string"):
            return
        regex = compiled.get(expected)
        if regex is None:
            anchored = expected[:-1] + r"\Z" if expected.endswith("$") and not expected.endswith("\\$") else expected
            regex = compiled[expected] = re.compile(anchored)
        if not regex.search(instance):
            yield ValidationError(f"{instance!r} does not match {expected!r}")

    return validators.extend(Draft202012Validator, {"pattern": pattern})  # type: ignore[no-untyped-call]


@cache
def reference_validator() -> Any:
    """The reference validator for the bundled schema, built once."""
    from jsonschema import FormatChecker

    return reference_class()(bundled_schema(), format_checker=FormatChecker(formats=("date",)))
