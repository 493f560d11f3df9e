"""Hostile XML: entities, DTDs, inclusion, stylesheets, compression, encodings, markup that hides text, size.

README ("XML"): the reader reads the bytes itself (never the parser), refuses
compressed data, XML 1.1 and encodings other than UTF-8 and UTF-16, and any
DOCTYPE, entity reference, comment, processing instruction or attribute,
then a root other than ``v:record``; nothing is fetched or loaded. Each case
edits the golden document (examples/kono-russia-2000.xml), and every case
that reaches out points at the listener's port or at the secret file.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
from collections.abc import Iterator

from tests.hostile.builders import golden_xml, replaced, xml_edited, xml_with_prolog
from tests.hostile.harness import Case, Env, accepted, refused

#: The size limit of an XML file, as its message spells it (README, Limits).
XML_LIMIT = "57,991,616"
NAMESPACE = "urn:visitexport:xml:visit:2.0"
DATE_LINE = "<v:text>4 November 2000</v:text>"
TITLE = "<v:text>Visit to the Russian Federation by Minister for Foreign Affairs Yohei Kono</v:text>"
XINCLUDE = "http://www.w3.org/2001/XInclude"


def golden() -> bytes:
    return golden_xml().encode()


def doctype(internal: str, name: str = "v:record") -> str:
    return f"<!DOCTYPE {name} [\n{internal}\n]>"


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">']
    entities += [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    return replaced(
        xml_with_prolog(doctype("\n".join(entities))).decode(), "Yohei Kono</v:text>", "&lol9;</v:text>"
    ).encode()


def quadratic() -> bytes:
    entity = '<!ENTITY big "' + "k" * 50_000 + '">'
    uses = "&big;" * 10_000
    return replaced(xml_with_prolog(doctype(entity)).decode(), "Yohei Kono</v:text>", uses + "</v:text>").encode()


def external_entity(target: str) -> bytes:
    entity = f'<!ENTITY xxe SYSTEM "{target}">'
    return replaced(xml_with_prolog(doctype(entity)).decode(), "Yohei Kono</v:text>", "&xxe;</v:text>").encode()


def parameter_entity(target: str) -> bytes:
    return xml_with_prolog(doctype(f'<!ENTITY % remote SYSTEM "{target}">\n%remote;'))


def external_dtd(target: str) -> bytes:
    return xml_with_prolog(f'<!DOCTYPE v:record SYSTEM "{target}">')


def xinclude(target: str) -> bytes:
    include = f'<v:text><xi:include xmlns:xi="{XINCLUDE}" href="{target}" parse="text"/></v:text>'
    return xml_edited(DATE_LINE, include)


def compressed(kind: str) -> bytes:
    data = golden()
    if kind == "gzip":
        return gzip.compress(data)
    if kind == "bzip2":
        return bz2.compress(data)
    if kind == "xz":
        return lzma.compress(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("kono.xml", data)
    return buffer.getvalue()


def declared(encoding: str, body_encoding: str = "utf-8") -> bytes:
    """A declaration of `encoding` over bytes in `body_encoding`, with a name that differs between the two."""
    text = golden_xml().replace("encoding='UTF-8'", f"encoding='{encoding}'", 1)
    assert f"encoding='{encoding}'" in text
    return replaced(text, "Yohei Kono</v:text>", "Yöhei Kono</v:text>").encode(body_encoding)


def utf7_doctype() -> bytes:
    # In UTF-7, "+ADw-" is "<": a DOCTYPE no byte-level look would see.
    head = "<?xml version='1.0' encoding='UTF-7'?>\n+ADw-!DOCTYPE v:record +AFs-+ADw-!ENTITY x 'y'+AD4-+AF0-+AD4-\n"
    return head.encode() + golden_xml().partition("\n")[2].encode()


def deep_sections(depth: int) -> bytes:
    """`depth` sections, each inside the one before: valid to the XSD, deeper than a record may nest."""
    opening = "".join(f"<v:section><v:id>n{n}</v:id><v:heading>H</v:heading><v:blocks>" for n in range(depth))
    inner = "<v:paragraph><v:id>n-p</v:id><v:text>deep</v:text></v:paragraph>"
    closing = "</v:blocks></v:section>" * depth
    return replaced(golden_xml(), "\n    </v:body>", opening + inner + closing + "\n    </v:body>").encode()


def deep_elements(depth: int) -> bytes:
    return xml_edited(DATE_LINE, "<v:text>" + "<v:x>" * depth + "</v:x>" * depth + "</v:text>")


def many_sources(count: int) -> bytes:
    return xml_edited("<v:source>p1</v:source>", "<v:source>p1</v:source>" * count)


def huge(size: int) -> Iterator[bytes]:
    """The golden document with a paragraph of `size` characters, written a mebibyte at a time."""
    head, tail = golden_xml().split("From 1 to 4 November 2000", 1)
    yield head.encode()
    chunk = b"x" * (1024 * 1024)
    for _ in range(size // len(chunk)):
        yield chunk
    yield ("From 1 to 4 November 2000" + tail).encode()


def stylesheet(env: Env) -> bytes:
    return xml_with_prolog(f'<?xml-stylesheet type="text/xsl" href="{env.url}style.xsl"?>')


def schema_location(env: Env) -> bytes:
    instance = "http://www.w3.org/2001/XMLSchema-instance"
    return xml_edited(
        f'<v:record xmlns:v="{NAMESPACE}">',
        f'<v:record xmlns:v="{NAMESPACE}" xmlns:xsi="{instance}" xsi:schemaLocation="{NAMESPACE} {env.url}visit.xsd">',
    )


#: Refusals that the parser's own errors may accompany (an entity it met, the element it was in).
_ENTITY = frozenset({"xml.entity"})

CASES: list[Case] = [
    accepted("seed", "xml", lambda env: golden(), why="the control: the golden document goes through everything"),
    accepted(
        "utf16",
        "xml",
        lambda env: golden_xml().replace("encoding='UTF-8'", "encoding='UTF-16'", 1).encode("utf-16"),
        contains=("Yohei Kono",),
        why="UTF-16 with its byte order mark is an encoding the README accepts",
    ),
    refused("billion-laughs", "xml", lambda env: billion_laughs(), "xml.doctype", also=_ENTITY, max_seconds=5),
    refused("quadratic-blowup", "xml", lambda env: quadratic(), "xml.doctype", also=_ENTITY, max_seconds=5),
    refused(
        "external-entity-to-a-local-file",
        "xml",
        lambda env: external_entity(env.secret_url),
        "xml.doctype",
        also=_ENTITY,
    ),
    refused(
        "external-entity-to-the-port", "xml", lambda env: external_entity(f"{env.url}xxe"), "xml.doctype", also=_ENTITY
    ),
    refused(
        "external-entity-by-path", "xml", lambda env: external_entity(str(env.secret)), "xml.doctype", also=_ENTITY
    ),
    refused(
        "parameter-entity-to-the-port",
        "xml",
        lambda env: parameter_entity(f"{env.url}remote.dtd"),
        "xml.doctype",
        also=_ENTITY,
    ),
    refused("external-dtd-to-a-local-file", "xml", lambda env: external_dtd(env.secret_url), "xml.doctype"),
    refused("external-dtd-to-the-port", "xml", lambda env: external_dtd(f"{env.url}visit.dtd"), "xml.doctype"),
    refused(
        "xinclude-of-a-local-file",
        "xml",
        lambda env: xinclude(env.secret_url),
        "xml.attribute",
        also=frozenset({"xml.schema", "xml.namespace"}),
    ),
    refused(
        "xinclude-from-the-port",
        "xml",
        lambda env: xinclude(f"{env.url}include.txt"),
        "xml.attribute",
        also=frozenset({"xml.schema", "xml.namespace"}),
    ),
    refused("schema-location-at-the-port", "xml", schema_location, "xml.attribute"),
    refused("xslt-stylesheet-at-the-port", "xml", stylesheet, "xml.pi"),
    refused("gzip", "xml", lambda env: compressed("gzip"), "xml.compressed"),
    refused("bzip2", "xml", lambda env: compressed("bzip2"), "xml.compressed"),
    refused("xz", "xml", lambda env: compressed("xz"), "xml.compressed"),
    refused("zip", "xml", lambda env: compressed("zip"), "xml.compressed"),
    refused(
        "declared-latin1",
        "xml",
        lambda env: declared("ISO-8859-1"),
        "xml.encoding",
        why="a false declaration: the bytes are UTF-8",
    ),
    refused(
        "declared-utf16-but-utf8",
        "xml",
        lambda env: declared("UTF-16"),
        also=frozenset({"xml.encoding", "xml.syntax"}),
        why="a false declaration; either rule is honest",
    ),
    refused(
        "declared-utf8-but-latin1",
        "xml",
        lambda env: declared("UTF-8", "latin-1"),
        also=frozenset({"xml.encoding", "xml.syntax"}),
        why="the ö is one Latin-1 byte, 0xF6, which is not UTF-8",
    ),
    refused(
        "utf7-hiding-a-doctype", "xml", lambda env: utf7_doctype(), "xml.encoding", also=frozenset({"xml.doctype"})
    ),
    refused(
        "comment-splitting-a-text",
        "xml",
        lambda env: xml_edited("Russian Federation", "Russian<!-- not part of it --> Federation"),
        "xml.comment",
    ),
    refused(
        "pi-splitting-a-text",
        "xml",
        lambda env: xml_edited("Russian Federation", "Russian<?keep this?> Federation"),
        "xml.pi",
    ),
    refused("comment-beside-the-record", "xml", lambda env: xml_with_prolog("<!-- a comment -->"), "xml.comment"),
    refused(
        "wrong-namespace",
        "xml",
        lambda env: xml_edited(f'xmlns:v="{NAMESPACE}"', 'xmlns:v="urn:visitexport:xml:visit:9.9"'),
        "xml.namespace",
    ),
    refused(
        "no-namespace",
        "xml",
        lambda env: golden_xml().replace("v:", "").replace(f' xmlns:v="{NAMESPACE}"', "").encode(),
        "xml.namespace",
    ),
    refused(
        "wrong-root",
        "xml",
        lambda env: (
            golden_xml().replace("<v:record ", "<v:recording ").replace("</v:record>", "</v:recording>").encode()
        ),
        "xml.root",
    ),
    refused(
        "xml-1.1", "xml", lambda env: golden_xml().replace("version='1.0'", "version='1.1'", 1).encode(), "xml.version"
    ),
    refused(
        "undefined-entity",
        "xml",
        lambda env: xml_edited("Yohei Kono</v:text>", "&kono;</v:text>"),
        "xml.entity",
        also=frozenset({"xml.syntax"}),
    ),
    refused("attribute", "xml", lambda env: xml_edited("<v:title>", '<v:title xml:lang="en">'), "xml.attribute"),
    refused(
        "control-character-reference",
        "xml",
        lambda env: xml_edited("Yohei Kono</v:text>", "Yohei&#1;Kono</v:text>"),
        "xml.syntax",
    ),
    refused("trailing-garbage", "xml", lambda env: golden() + b"<v:record/>", "xml.syntax"),
    refused(
        "deep-sections",
        "xml",
        lambda env: deep_sections(60),
        "json.depth",
        why="valid to the XSD, but the record would nest deeper than 48 levels",
    ),
    refused(
        "deep-elements",
        "xml",
        lambda env: deep_elements(50_000),
        also=frozenset({"xml.syntax", "xml.schema", "xml.size", "json.depth"}),
        max_seconds=5,
        why="50,000 nested elements the XSD does not know; the README names no depth rule for XML",
    ),
    refused("too-many-elements", "xml", lambda env: many_sources(150_000), "xml.size", max_seconds=5),
    refused(
        "250mb-document",
        "xml",
        lambda env: huge(250 * 1024 * 1024),
        "xml.size",
        mentions=(XML_LIMIT,),
        max_seconds=5,
        why="refused by its size, quickly, before the parser sees it",
    ),
]
