"""Records generated from the schema itself round-trip through XML.

hypothesis-jsonschema cannot generate whole records (the block tree and
engagements are recursive, and references must resolve), so it generates the
facts of every non-recursive kind from their schema definitions; the strategy
then makes their references resolve against the seed example and splices them
in. Every text, enumeration, date, code and length the generator reaches thus
goes through XML and back.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

import visitexport
from visitexport.formats.xml.codec import dump_xml, load_xml

from .strategies import GENERATED_FACTS, splice


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(GENERATED_FACTS)
def test_generated_facts_round_trip_through_xml(generated: dict[str, list[dict[str, Any]]]) -> None:
    record = splice(generated)
    record = visitexport.loads(visitexport.canonical_bytes(record))  # canonical order, fully validated
    xml = dump_xml(record)
    assert load_xml(xml, "generated.xml") == record
    assert dump_xml(load_xml(xml, "generated.xml")) == xml
