"""Records generated from the schema itself round-trip through XML.

hypothesis-jsonschema cannot generate whole records (the block tree and
engagements are recursive, and references must resolve), so it generates the
facts of every non-recursive kind from their schema definitions; the strategy
then makes their references resolve against the seed example and splices them
in. Every text, enumeration, date, code and length the generator reaches thus
goes through XML and back.
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import visitexport
from visitexport.formats.xml_ import dump_xml, load_xml
from visitexport.schema import load_schema

from .conftest import EXAMPLE, load_json

with warnings.catch_warnings():
    # hypothesis-jsonschema imports a jsonschema API that now warns about deprecation.
    warnings.simplefilter("ignore", DeprecationWarning)
    from hypothesis_jsonschema import from_schema

KINDS = ["people", "organisations", "places", "referenced_documents", "statements", "outcomes"]
BASE = load_json(EXAMPLE)
PARAGRAPH = BASE["document"]["body"][0]


def items_of(key: str) -> st.SearchStrategy[Any]:
    # A copy: hypothesis-jsonschema rewrites the schema it is given, and the bundled one is shared.
    schema = copy.deepcopy(load_schema())
    return from_schema({"$defs": schema["$defs"], **schema["properties"][key]["items"]})


def resolve(key: str, n: int, thing: dict[str, Any]) -> dict[str, Any]:
    """Make a generated fact's references point at things the example has."""
    thing["id"] = f"gen-{key}-{n}"
    thing["sources"] = [PARAGRAPH["id"]]
    if key == "organisations" and "parent" in thing:
        thing["parent"] = "mofa-jp"
    if key == "statements":
        thing["speaker"] = "JP"
        thing["attribution"] = PARAGRAPH["text"]
        for field, value in (("delivered_by", "kono"), ("addressees", ["RU"]), ("engagement", "fm-meeting")):
            if field in thing:
                thing[field] = value
    if key == "outcomes":
        thing["parties"] = ["JP"]
        thing["quote"] = PARAGRAPH["text"]
        for field, value in (("addressees", ["RU"]), ("engagement", "igc-4"), ("place", "moscow")):
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
        date = thing.get("date", {})
        if "earliest" in date and date["earliest"] >= date["latest"]:
            del thing["date"]
    return thing


RECORDS = st.fixed_dictionaries({key: st.lists(items_of(key), max_size=2) for key in KINDS})


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(RECORDS)
def test_generated_facts_round_trip_through_xml(generated: dict[str, list[dict[str, Any]]]) -> None:
    record = copy.deepcopy(BASE)
    for key, things in generated.items():
        record[key] = record.get(key, []) + [resolve(key, n, thing) for n, thing in enumerate(things)]
    record = visitexport.loads(visitexport.canonical_bytes(record))  # canonical order, fully validated
    xml = dump_xml(record)
    assert load_xml(xml, "generated.xml") == record
    assert dump_xml(load_xml(xml, "generated.xml")) == xml
