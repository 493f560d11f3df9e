"""Hypothesis strategies: records mutated from the valid cases.

Generating whole records from a schema this size is slow and rarely produces
references that resolve; mutating real records reaches the interesting places
(a reference, a date, a text) while keeping most of the record valid.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "examples" / "kono-russia-2000.json",
    *sorted((ROOT / "tests" / "cases" / "valid").glob("*.json")),
]
RECORDS: list[Any] = [json.loads(p.read_text(encoding="utf-8")) for p in SOURCES]


def _slots(value: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key) that holds a scalar, and every list."""
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((value, key))
            _slots(item, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.append((value, index))
            _slots(item, out)
    return out


def _strings(value: Any) -> list[str]:
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            found.append(item)
    return sorted(set(found))


_DATES = st.dates().map(lambda d: d.isoformat())
_HOSTILE = st.sampled_from(
    ["", " x", "x ", "a\nb", "\u0007", "\ufffe", "NA", "007", "XX", "2000-02-30", "PT90M", "=1+1", "x" * 40]
)


@st.composite
def mutated_records(draw: st.DrawFn, edits: int = 3) -> Any:
    record = copy.deepcopy(draw(st.sampled_from(RECORDS)))
    pool = _strings(record)
    for _ in range(draw(st.integers(1, edits))):
        slots = _slots(record, [])
        container, key = draw(st.sampled_from(slots))
        action = draw(st.sampled_from(["swap", "date", "hostile", "delete", "number"]))
        if action == "delete":
            if isinstance(container, dict):
                del container[key]
            else:
                container.pop(key)
        elif action == "swap":
            container[key] = draw(st.sampled_from(pool))
        elif action == "date":
            container[key] = draw(_DATES)
        elif action == "number":
            container[key] = draw(st.integers(-2, 3))
        else:
            container[key] = draw(_HOSTILE)
    return record
