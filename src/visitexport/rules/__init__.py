"""The rules a JSON Schema cannot express, each defined once with a stable rule id.

They run only on records that already satisfy the schema, so they can rely on
its shapes. One module per family of rules, named after the ids' prefix
(``date.status`` is in `dates`, ``ref.unresolved`` in `references`,
``json.depth`` in `json_`); each rule is a `Rule`: its id, a title, the
description the README's table shows, and one check. A check reads a
`Context` built once per record and yields the pointer and message of each
fault, building them only once it has found one.

The same checks serve both questions: `is_clean` stops at the first fault,
and `check` lists them all in the order found. On a clean record the two do
the same work, since nothing is built until something is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from visitexport.rules import dates, dates_printed, facts, ids, json_, layout, references, tables, text, times, visit
from visitexport.rules._context import Context
from visitexport.rules._rule import Finding, Rule

__all__ = ["DEFINITIONS", "RULES", "Finding", "Rule", "check", "is_clean"]

#: The rule modules, in the order their rules run (and the README lists them).
MODULES = (ids, references, facts, text, dates, dates_printed, times, visit, tables, layout, json_)

#: Every rule, each module's in the order it defines them.
DEFINITIONS: tuple[Rule, ...] = tuple(
    value for module in MODULES for value in vars(module).values() if isinstance(value, Rule)
)

#: Rule id -> its one-line title.
RULES: dict[str, str] = {r.id: r.title for r in DEFINITIONS}


def _findings(ctx: Context) -> Iterator[Finding]:
    for definition in DEFINITIONS:
        for pointer, message in definition.check(ctx):
            yield Finding(pointer, definition.id, message)


def is_clean(record: dict[str, Any], *, fits_cells: bool = False) -> bool:
    """Whether a schema-valid record breaks no rule: the fast path, stopping at the first finding.

    `fits_cells` says the file was seen to hold no text too long for a
    spreadsheet cell (`text.file_fits_cells`), sparing that check.
    """
    return next(_findings(Context(record, fits_cells)), None) is None


def check(record: dict[str, Any], *, fits_cells: bool = False) -> list[Finding]:
    """Every semantic problem of a schema-valid record, in the order found."""
    return list(_findings(Context(record, fits_cells)))
