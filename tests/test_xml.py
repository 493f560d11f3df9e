"""XML: the XSD and golden file stay current, round trips are exact, hostile input is refused."""

from __future__ import annotations

import copy
import gzip
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

import visitexport
from visitexport.cli import main
from visitexport.errors import InvalidRecordError
from visitexport.formats.xml.codec import dump_xml, element_to_record, load_xml, record_to_element
from visitexport.formats.xml.xsd import NAMESPACE, build_xsd, xsd_bytes, xsd_pattern
from visitexport.limits import RAISE_HINT
from visitexport.schema import load_schema, reference_class
from visitexport.schema.model import build_model

from .conftest import EXAMPLE, ROOT, VALID, load_json

XSD = ROOT / "schemas" / "visit.xsd"
GOLDEN = ROOT / "examples" / "kono-russia-2000.xml"
RECORDS = [EXAMPLE, *VALID]


def test_committed_xsd_is_current() -> None:
    assert XSD.read_bytes() == xsd_bytes(), "run: visitexport schema --xsd > schemas/visit.xsd"


def test_golden_xml_is_current() -> None:
    assert GOLDEN.read_bytes() == dump_xml(load_json(EXAMPLE)), (
        "run: visitexport convert examples/kono-russia-2000.json -o examples/kono-russia-2000.xml"
    )


def test_golden_xml_is_valid_for_an_independent_validator() -> None:
    schema = xmlschema.XMLSchema(str(XSD))
    schema.validate(str(GOLDEN))


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.name)
def test_json_to_xml_to_json_is_identical(path: Path) -> None:
    record = load_json(path)
    data = dump_xml(record)
    assert json.dumps(load_xml(data, "x.xml")) == json.dumps(record)


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.name)
def test_xml_to_json_to_xml_is_byte_identical(path: Path) -> None:
    data = dump_xml(load_json(path))
    assert dump_xml(load_xml(data, "x.xml")) == data


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.name)
def test_every_written_document_is_valid_against_the_committed_xsd(path: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(etree.fromstring(dump_xml(load_json(path))))


def test_output_is_deterministic() -> None:
    record = load_json(EXAMPLE)
    assert dump_xml(record) == dump_xml(json.loads(json.dumps(record)))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("^[a-z0-9]+(?:[-_.][a-z0-9]+)*$", "[a-z0-9]+([-_.][a-z0-9]+)*"),
        ("^[^\\x00-\\x1F\\uFFFE\\uFFFF]+$", "[^\\t\\n\\r]+"),
        ("^[^\\x00-\\x20\\x7F-\\x9F]+$", "[^\\t\\n\\r \x7f-\x9f]+"),
    ],
)
def test_pattern_translation(pattern: str, expected: str) -> None:
    assert xsd_pattern(pattern) == expected


# --- edits by a person ------------------------------------------------------------


def golden_text() -> str:
    return GOLDEN.read_text(encoding="utf-8")


def test_a_changed_text_comes_back_as_exactly_that_change() -> None:
    text = golden_text().replace("<v:name>Vladimir Putin</v:name>", "<v:name>Vladimir V. Putin</v:name>")
    record = load_xml(text.encode(), "edited.xml")
    expected = load_json(EXAMPLE)
    expected["people"][1]["name"] = "Vladimir V. Putin"
    assert record == expected


def test_an_added_participant_comes_back() -> None:
    added = (
        "<v:participant>\n            <v:person>mori</v:person>\n            <v:side>JP</v:side>\n"
        "            <v:role>attendee</v:role>\n          </v:participant>\n        </v:participants>"
    )
    text = golden_text().replace("</v:participants>", added, 1)
    record = load_xml(text.encode(), "edited.xml")
    expected = load_json(EXAMPLE)
    expected["engagements"][0]["participants"].append({"person": "mori", "side": "JP", "role": "attendee"})
    assert record == expected


def test_whitespace_and_prefixes_do_not_matter() -> None:
    text = golden_text().replace("v:", "visit:").replace("xmlns:v=", "xmlns:visit=")
    text = text.replace("\n  ", "\n\t\t").replace("><visit:id>", ">\n<visit:id>")
    assert load_xml(text.encode(), "reformatted.xml") == load_json(EXAMPLE)
    default_ns = golden_text().replace("v:", "").replace("xmlns:v=", "xmlns=")
    assert load_xml(default_ns.encode(), "default.xml") == load_json(EXAMPLE)


def test_an_invalid_edit_is_reported_at_its_line() -> None:
    text = golden_text().replace("<v:person>putin</v:person>", "<v:person>putn</v:person>", 1)
    with pytest.raises(InvalidRecordError) as caught:
        load_xml(text.encode(), "edited.xml")
    (problem,) = caught.value.problems
    line = text.split("<v:person>putn</v:person>")[0].count("\n") + 1
    assert (problem.rule, problem.pointer, problem.line) == (
        "ref.unresolved",
        "/engagements/0/participants/0/person",
        line,
    )


def test_an_xsd_problem_names_line_and_path() -> None:
    text = golden_text().replace("<v:date>2000-11-03</v:date>", "<v:date>3 November</v:date>", 1)
    with pytest.raises(InvalidRecordError) as caught:
        load_xml(text.encode(), "edited.xml")
    problem = caught.value.problems[0]
    assert problem.rule == "xml.schema"
    assert problem.line == text.split("<v:date>3 November")[0].count("\n") + 1
    assert (problem.pointer, problem.place) == (
        "/engagements/1/date/date",
        "/record/engagements/engagement[2]/date/date",
    )


def test_an_xsd_problem_in_a_block_points_into_the_record() -> None:
    # A block is named by its type and sits in a wrapper: the pointer counts it among its siblings.
    text = golden_text()
    marker = "<v:label>1.</v:label>\n                    <v:blocks>"
    assert marker in text
    edited = text.replace(marker, marker.replace("1.", " 1."), 1)
    with pytest.raises(InvalidRecordError) as caught:
        load_xml(edited.encode(), "edited.xml")
    (problem,) = caught.value.problems
    expected = "/document/body/1/blocks/0/blocks/0/items/0/label"
    place = "/record/document/body/section[1]/blocks/section[1]/blocks/list/items/item[1]/label"
    assert (problem.rule, problem.pointer, problem.place) == ("xml.schema", expected, place)


def test_an_unknown_element_points_at_its_nearest_known_value() -> None:
    text = golden_text().replace("<v:summary>", "<v:remark>x</v:remark><v:summary>", 1)
    with pytest.raises(InvalidRecordError) as caught:
        load_xml(text.encode(), "edited.xml")
    problem = caught.value.problems[0]
    assert problem.rule == "xml.schema"
    assert problem.pointer.startswith("/")
    assert "remark" not in problem.pointer
    assert problem.place.endswith("/remark")


# --- hostile input -------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[int, list[str]]]:
    """A local HTTP server that records every request it gets."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY x "fetched">')

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY a "lol">\n'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
    + f']>\n<record xmlns="{NAMESPACE}">&j;</record>'
)
QUADRATIC = (
    f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "{"x" * 50000}">]>\n'
    f'<record xmlns="{NAMESPACE}">{"&a;" * 5000}</record>'
)


def hostile(port: int, secret: Path) -> dict[str, tuple[bytes, str]]:
    minimal = GOLDEN.read_bytes()
    return {
        "billion-laughs": (LAUGHS.encode(), "xml.doctype"),
        "quadratic-blowup": (QUADRATIC.encode(), "xml.doctype"),
        "external-entity-file": (
            f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY s SYSTEM "file://{secret}">]>\n'
            f'<record xmlns="{NAMESPACE}">&s;</record>'.encode(),
            "xml.doctype",
        ),
        "external-dtd-local-port": (
            f'<?xml version="1.0"?>\n<!DOCTYPE record SYSTEM "http://127.0.0.1:{port}/evil.dtd">\n'
            f'<record xmlns="{NAMESPACE}">&x;</record>'.encode(),
            "xml.doctype",
        ),
        "parameter-entity-local-port": (
            f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;]>\n'
            f'<record xmlns="{NAMESPACE}"/>'.encode(),
            "xml.doctype",
        ),
        "xinclude": (
            minimal.replace(
                b"<v:schema_version>",
                f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{secret}" parse="text"/>'
                "<v:schema_version>".encode(),
                1,
            ),
            "xml.attribute",
        ),
        "gzip": (gzip.compress(minimal, mtime=0), "xml.compressed"),
        "wrong-namespace": (minimal.replace(NAMESPACE.encode(), b"urn:example:other"), "xml.namespace"),
        "wrong-root": (b'<?xml version="1.0"?>\n<visit xmlns="urn:visitexport:xml:visit:2.0"/>', "xml.root"),
        "comment": (minimal.replace(b"<v:schema_version>", b"<!-- note --><v:schema_version>", 1), "xml.comment"),
        "processing-instruction": (minimal.replace(b"<v:schema_version>", b"<?php x?><v:schema_version>", 1), "xml.pi"),
        "xml-1.1": (minimal.replace(b"version='1.0'", b"version='1.1'", 1), "xml.version"),
        "latin-1": (minimal.replace(b"encoding='UTF-8'", b"encoding='ISO-8859-1'", 1), "xml.encoding"),
        "not-xml": (b"<record", "xml.syntax"),
    }


CASES = [
    "billion-laughs",
    "quadratic-blowup",
    "external-entity-file",
    "external-dtd-local-port",
    "parameter-entity-local-port",
    "xinclude",
    "gzip",
    "wrong-namespace",
    "wrong-root",
    "comment",
    "processing-instruction",
    "xml-1.1",
    "latin-1",
    "not-xml",
]


@pytest.mark.parametrize("name", CASES)
def test_hostile_xml_is_refused_with_nothing_written_or_fetched(
    name: str, tmp_path: Path, listener: tuple[int, list[str]]
) -> None:
    port, seen = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    data, rule = hostile(port, secret)[name]
    source = tmp_path / f"{name}.xml"
    source.write_bytes(data)
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["convert", str(source), "--to", "json", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert f": {rule}: " in result.stderr
    assert "SECRET" not in result.stderr + result.stdout
    assert not out.exists()
    assert seen == []


def test_utf16_is_read() -> None:
    text = GOLDEN.read_text(encoding="utf-8").replace("encoding='UTF-8'", "encoding='UTF-16'")
    assert load_xml(text.encode("utf-16"), "x.xml") == load_json(EXAMPLE)


def test_cli_converts_both_ways(tmp_path: Path) -> None:
    out = tmp_path / "r.xml"
    assert CliRunner().invoke(main, ["convert", str(EXAMPLE), "-o", str(out)]).exit_code == 0
    assert out.read_bytes() == GOLDEN.read_bytes()
    back = CliRunner().invoke(main, ["convert", "-", "--to", "json"], input=GOLDEN.read_bytes())
    assert (back.exit_code, back.stdout_bytes) == (0, EXAMPLE.read_bytes())


# --- any text survives ------------------------------------------------------------

FREE_TEXT = {"summary", "name", "normalised", "normalised_name", "abbreviation", "occasion", "heading", "text"}
LINE = reference_class()({"$defs": load_schema()["$defs"], "$ref": "#/$defs/line"}, format_checker=None)
TEXTS = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40).filter(LINE.is_valid)


def free_slots(value: Any, out: list[tuple[dict[str, Any], str]]) -> list[tuple[dict[str, Any], str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in FREE_TEXT and isinstance(item, str):
                out.append((value, key))
            free_slots(item, out)
    elif isinstance(value, list):
        for item in value:
            free_slots(item, out)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(RECORDS), st.data())
def test_any_text_round_trips_through_xml(path: Path, data: st.DataObject) -> None:
    record = load_json(path)
    slots = free_slots(record, [])
    for _ in range(data.draw(st.integers(1, 5))):
        container, key = data.draw(st.sampled_from(slots))
        container[key] = data.draw(TEXTS)
    problems = visitexport.check(record)
    # A paragraph's text may hold a quote; changing it can break text.not-in-source, nothing else.
    assume(all(p.rule == "text.not-in-source" for p in problems))
    if problems:
        return
    xml = dump_xml(record)
    assert load_xml(xml, "x.xml") == record
    assert dump_xml(load_xml(xml, "x.xml")) == xml


def test_a_new_optional_property_needs_only_the_schema() -> None:
    schema = copy.deepcopy(load_schema())
    release = schema["properties"]["release"]
    release["properties"]["headline_summary"] = {
        "title": "Headline summary",
        "description": "A one-line summary, added to prove the XML follows the schema.",
        "$ref": "#/$defs/line",
    }
    node = build_model(schema)
    xsd = etree.XMLSchema(etree.fromstring(build_xsd(node)))
    assert b'name="headline_summary"' in build_xsd(node)
    record = load_json(EXAMPLE)
    record["release"]["headline_summary"] = "Kono in Moscow & <Putin>"
    element = record_to_element(record, node)
    assert xsd.validate(element), xsd.error_log
    back = element_to_record(etree.fromstring(etree.tostring(element)), node)
    assert back == record
    assert not etree.XMLSchema(etree.fromstring(xsd_bytes())).validate(element)  # the bundled XSD does not know it


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_doctype_in_utf16_without_a_byte_order_mark_is_refused_before_parsing(codec: str) -> None:
    text = f'<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE r [<!ENTITY a "x">]>\n<record xmlns="{NAMESPACE}"/>'
    with pytest.raises(InvalidRecordError) as caught:
        load_xml(text.encode(codec), "x.xml")
    assert [p.rule for p in caught.value.problems] == ["xml.doctype"]


def test_utf32_is_refused() -> None:
    with pytest.raises(InvalidRecordError) as caught:
        load_xml(GOLDEN.read_text(encoding="utf-8").encode("utf-32"), "x.xml")
    assert [p.rule for p in caught.value.problems] == ["xml.encoding"]


def test_an_xsd_problem_path_does_not_depend_on_prefixes() -> None:
    text = golden_text().replace("<v:date>2000-11-03</v:date>", "<v:date>3 November</v:date>", 1)
    default_ns = text.replace("v:", "").replace("xmlns:v=", "xmlns=")
    with pytest.raises(InvalidRecordError) as caught:
        load_xml(default_ns.encode(), "edited.xml")
    assert caught.value.problems[0].place == "/record/engagements/engagement[2]/date/date"
    assert caught.value.problems[0].pointer == "/engagements/1/date/date"


DECL = "<?xml version='1.0' encoding='UTF-8'?>\n"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (("<v:final_newline>false</v:final_newline>", "<v:final_newline> false </v:final_newline>"), "xml.schema"),
        (
            ("<v:record ", '<v:record xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="x" '),
            "xml.attribute",
        ),
        (
            (
                "<?xml version='1.0' encoding='UTF-8'?>\n",
                "<?xml version='1.0' encoding='UTF-8'?>\n<!-- <x> -->\n<!DOCTYPE r>",
            ),
            "xml.doctype",
        ),
        (
            (
                "<?xml version='1.0' encoding='UTF-8'?>\n",
                "<?xml version='1.0' encoding='UTF-8'?>\n<?pi <x?>\n<!doctype r>",
            ),
            "xml.doctype",
        ),
        (
            ("<?xml version='1.0' encoding='UTF-8'?>\n", "<?xml version='1.0' encoding='UTF-8'?>\n<!-- note -->\n"),
            "xml.comment",
        ),
    ],
)
def test_more_refusals(change: tuple[str, str], rule: str) -> None:
    text = golden_text()
    assert change[0] in text
    with pytest.raises(InvalidRecordError) as caught:
        load_xml(text.replace(change[0], change[1], 1).encode(), "x.xml")
    assert rule in [p.rule for p in caught.value.problems]


def test_utf16_with_a_bom_must_still_be_xml_1_0() -> None:
    text = golden_text().replace("encoding='UTF-8'", "encoding='UTF-16'").replace("version='1.0'", "version='1.1'")
    with pytest.raises(InvalidRecordError) as caught:
        load_xml(text.encode("utf-16"), "x.xml")
    assert [p.rule for p in caught.value.problems] == ["xml.version"]


def test_many_siblings_are_refused_before_the_xsd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("visitexport.formats.xml.codec.MAX_CHILDREN", 50)
    text = golden_text().replace("<v:alias>Kono</v:alias>", "<v:alias>K</v:alias>" * 60, 1)
    with pytest.raises(InvalidRecordError) as caught:
        load_xml(text.encode(), "x.xml")
    assert [p.rule for p in caught.value.problems] == ["xml.size"]


@pytest.mark.parametrize(
    ("pattern", "why"),
    [("abc", "unanchored"), ("^a.b$", "dot"), ("^\\d+$", "shorthand"), ("^(?=a)a$", "lookahead"), ("^a+?$", "lazy")],
)
def test_patterns_xsd_cannot_carry_are_refused(pattern: str, why: str) -> None:
    with pytest.raises(ValueError, match="cannot be carried"):
        xsd_pattern(pattern)


def test_a_range_up_to_a_plain_character() -> None:
    assert xsd_pattern("^[^\\x00-~]+$") == "[^\\t\\n\\r -~]+"


@pytest.mark.parametrize("prolog", ["<!-- a -->", "<!-- <x> -->\n<?pi x?>", "<?pi <x?>", "\ufeff<!--c-->"])
def test_the_prolog_scan_finds_a_doctype_after_anything(prolog: str) -> None:
    from visitexport.formats.xml.codec import _prolog_doctype

    text = f"<?xml version='1.0'?>\n{prolog}\n<!DOCTYPE r [<!ENTITY a 'x'>]><record/>"
    assert _prolog_doctype(text) == text.index("<!DOCTYPE")
    assert _prolog_doctype(text.replace("<!DOCTYPE r [<!ENTITY a 'x'>]>", "")) is None


def test_millions_of_tiny_elements_are_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("visitexport.formats.xml.codec.MAX_ELEMENTS", 1000)
    data = f'<?xml version="1.0"?><record xmlns="{NAMESPACE}">'.encode() + b"<a/>" * 5000 + b"</record>"
    with pytest.raises(InvalidRecordError) as caught:
        load_xml(data, "x.xml")
    assert [(p.rule, p.message) for p in caught.value.problems] == [
        ("xml.size", f"more than 1,000 elements; {RAISE_HINT}")
    ]


@pytest.mark.parametrize("reference", ["&kono;", "&amp2;", "&lt;&unknown;"])
def test_an_entity_reference_without_a_doctype_is_refused_as_one(reference: str) -> None:
    # With no DTD every named entity but XML's five is undeclared; the rule is the reference, not the syntax.
    data = f'<?xml version="1.0"?>\n<record xmlns="{NAMESPACE}"><id>{reference}</id></record>'.encode()
    with pytest.raises(InvalidRecordError) as caught:
        load_xml(data, "x.xml")
    assert [(p.rule, p.line) for p in caught.value.problems] == [("xml.entity", 2)]
