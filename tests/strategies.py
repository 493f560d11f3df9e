"""Hypothesis strategies: records mutated from the valid cases.

Generating whole records from a schema this size is slow and rarely produces
references that resolve; mutating real records reaches the interesting places
(a reference, a date, a text) while keeping most of the record valid.
"""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from visitexport.schema import load_schema

with warnings.catch_warnings():
    # hypothesis-jsonschema imports a jsonschema API that now warns about deprecation.
    warnings.simplefilter("ignore", DeprecationWarning)
    from hypothesis_jsonschema import from_schema

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


KINDS = ["people", "organisations", "places", "events", "referenced_documents", "statements", "outcomes"]
BASE: Any = json.loads((ROOT / "examples" / "kono-russia-2000.json").read_text(encoding="utf-8"))
PARAGRAPH = BASE["document"]["body"][0]


def items_of(key: str) -> st.SearchStrategy[Any]:
    # A copy: hypothesis-jsonschema rewrites the schema it is given, and the bundled one is shared.
    schema = copy.deepcopy(load_schema())
    return from_schema({"$defs": schema["$defs"], **schema["properties"][key]["items"]})


def _plain_when(value: dict[str, Any]) -> dict[str, Any]:
    """A generated date whose words, EDTF form and bounds cannot disagree (the rules compare them)."""
    if "date" in value:
        return {
            "date": value["date"],
            "printed": "on that day",
            **({"inferred": value["inferred"]} if "inferred" in value else {}),
        }
    return {"printed": value["printed"], "earliest": "2000-11-05", "latest": "2000-12-31"}


def resolve(key: str, n: int, thing: dict[str, Any]) -> dict[str, Any]:
    """Make a generated fact's references point at things the example has."""
    thing["id"] = f"gen-{key}-{n}"
    thing["sources"] = [PARAGRAPH["id"]]
    if key in ("people", "organisations") and "name" not in thing and "designation" not in thing:
        thing["designation"] = "the Minister" if key == "people" else "the two Foreign Ministries"
    if key == "people":
        if "members" in thing:
            thing["members"] = ["kono"]
        if "memberships" in thing:  # one: every membership now names the same organisation
            membership = thing["memberships"][0]
            membership["organisation"] = "mofa-jp"
            if "sources" in membership:
                membership["sources"] = [PARAGRAPH["id"]]
            thing["memberships"] = [membership]
    if key == "events":
        thing["quote"] = PARAGRAPH["text"]
        for field, ids in (("places", ["moscow"]), ("parties", ["JP"])):
            if field in thing:
                thing[field] = ids
        thing.pop("status", None)  # a status is checked against the dates: not what this test is about
        thing.pop("end_date", None)
        if "date" in thing:
            thing["date"] = _plain_when(thing["date"])
    if key == "organisations":
        for field, value in (("parent", "mofa-jp"), ("members", ["mofa-jp"])):
            if field in thing:
                thing[field] = value
    if key == "statements":
        thing["speaker"] = "JP"
        thing["attribution"] = PARAGRAPH["text"]
        for field, value in (("delivered_by", "kono"), ("addressees", ["RU"]), ("engagement", "fm-meeting")):
            if field in thing:
                thing[field] = value
    if key == "outcomes":
        thing["parties"] = ["JP"]
        thing["quote"] = PARAGRAPH["text"]
        for field, value in (("addressees", ["RU"]), ("actors", ["RU"]), ("engagement", "igc-4"), ("place", "moscow")):
            if field in thing:
                thing[field] = value
        if "documents" in thing:
            thing["documents"] = ["doc-memorandum"]
        if "due" in thing:
            printed = thing["due"].get("printed", "by the end of the year")
            thing["due"] = {"printed": printed, "earliest": "2000-11-05", "latest": "2000-12-31"}
    if key == "referenced_documents":
        if "parties" in thing:
            thing["parties"] = ["JP"]
        if "date" in thing:
            thing["date"] = _plain_when(thing["date"])
    if "inferred" in thing:  # only fields that are there can be marked worked out
        thing["inferred"] = {field: how for field, how in thing["inferred"].items() if field in thing}
        if not thing["inferred"]:
            del thing["inferred"]
    return thing


#: Lists of generated facts of every non-recursive kind, by record key.
GENERATED_FACTS = st.fixed_dictionaries({key: st.lists(items_of(key), max_size=2) for key in KINDS})


def splice(generated: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The seed example with generated facts added, their references resolved."""
    record = copy.deepcopy(BASE)
    for key, things in generated.items():
        if things:  # an empty list is not a valid record's: the key is left out
            record[key] = record.get(key, []) + [resolve(key, n, thing) for n, thing in enumerate(things)]
    spliced: dict[str, Any] = record
    return spliced
