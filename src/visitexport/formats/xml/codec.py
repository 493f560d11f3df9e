"""XML: a record as a namespaced, XSD-valid document, and back, without trusting the input.

Mapping contract, derived from the schema model (`visitexport.schema.model`),
so a new property in the schema needs no change here:

- one namespace, `NAMESPACE`, prefix ``v``; the root element is ``record``;
- an object is an element whose children are its properties, in the schema's
  property order, each named as its JSON key; absent properties are absent;
- an array is a wrapper element named as its key, holding one element per item;
  the item element is the key made singular (``people`` holds ``person``,
  ``sources`` holds ``source``); an array of arrays (table rows) names its
  items after the inner definition (``row`` holds ``cell``);
- a ``oneOf`` whose branches are told apart by a constant ``type`` (blocks) is
  one element named by that constant, without a ``type`` child;
- a ``oneOf`` of objects told apart by their properties (exact or fuzzy dates)
  is the children of whichever branch applies;
- a ``oneOf`` of texts (a country code or an id) is a union of simple types;
- text is element content exactly as in JSON; integers are decimal; booleans
  are ``true`` or ``false``; an empty text is an empty element.

Writing: UTF-8 with an XML declaration, two-space indentation, the same bytes
for the same record; the document is validated against the XSD before it is
returned.

Reading, in this order, every step reporting problems with a line and, where
possible, a path (``/record/visit/period/start``):

1. the bytes: a size limit, no compressed data (libxml2 would silently
   inflate gzip), XML 1.0 in UTF-8 or UTF-16 only;
2. parsing with entities left unresolved, no DTD loaded, no network; then any
   DOCTYPE, entity reference, processing instruction or comment is refused,
   and the root must be ``record`` in `NAMESPACE`;
3. the XSD;
4. the mapping to a record, then the full canonical validation (schema and
   semantic rules), whose problems are reported at the XML element they
   concern.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from visitexport.errors import InvalidRecordError, ToolError
from visitexport.formats.xml.xsd import NAMESPACE
from visitexport.limits import MAX_QUOTED, MAX_REPORTED, MAX_XML_BYTES, MAX_XML_CHILDREN, MAX_XML_ELEMENTS, RAISE_HINT
from visitexport.problems import Problem, listed, nearest, pointer_of, shown
from visitexport.schema.model import (
    ArrayNode,
    ChoiceNode,
    Node,
    ObjectNode,
    ScalarNode,
    UnionNode,
    VariantNode,
    model,
)
from visitexport.validation import check_record

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["dump_xml", "element_to_record", "load_xml", "record_to_element"]

_NS = f"{{{NAMESPACE}}}"


@cache
def _xsd() -> etree.XMLSchema:
    """The compiled XSD, built once (lxml is imported only when XML is used)."""
    from lxml import etree

    from visitexport.formats.xml.xsd import xsd_bytes

    return etree.XMLSchema(etree.fromstring(xsd_bytes()))


# --- writing -------------------------------------------------------------------


def dump_xml(record: dict[str, Any]) -> bytes:
    """The XML document for a valid record."""
    from lxml import etree

    root = record_to_element(record, model())
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    schema = _xsd()
    if not schema.validate(root):
        # The record passed validation, so this is a bug of ours, not bad data.
        raise ToolError(f"internal error: the XML written does not match the XSD: {schema.error_log.last_error}")
    return data


def record_to_element(record: dict[str, Any], node: ObjectNode) -> Any:
    """The indented `record` element for a record under the model `node`."""
    from lxml import etree

    sub = etree.SubElement  # looked up once: this walk makes an element per value

    def fill(element: Any, value: dict[str, Any], node: ObjectNode) -> None:
        for field in node.fields:
            if field.key in value:
                put(sub(element, _NS + field.key), value[field.key], field.node)

    def put(element: Any, value: Any, node: Node) -> None:
        if isinstance(node, ScalarNode | UnionNode):
            element.text = _text(value)
        elif isinstance(node, ObjectNode):
            fill(element, value, node)
        elif isinstance(node, ArrayNode):
            item = node.item
            if isinstance(item, ChoiceNode):
                for value_item in value:
                    tag = value_item[item.discriminator]
                    fill(sub(element, _NS + tag), value_item, item.branches[tag])
            else:
                name = _NS + node.item_name
                for value_item in value:
                    put(sub(element, name), value_item, item)
        elif isinstance(node, VariantNode):
            fill(element, value, _branch_for(value, node))
        elif isinstance(node, ChoiceNode):
            tag = value[node.discriminator]
            fill(sub(element, _NS + tag), value, node.branches[tag])

    root = etree.Element(f"{_NS}record", nsmap={"v": NAMESPACE})
    fill(root, record, node)
    etree.indent(root, space="  ")
    return root


def element_to_record(root: Any, node: ObjectNode, places: dict[str, int] | None = None) -> dict[str, Any]:
    """The record an XSD-valid `record` element holds; `places` collects each pointer's line."""
    return _object(root, node, "", {} if places is None else places)


def _text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _branch_for(value: dict[str, Any], node: VariantNode) -> ObjectNode:
    for branch in node.branches:
        if set(value) <= set(branch.by_key) and all(f.key in value for f in branch.fields if f.required):
            return branch
    raise ValueError(f"no branch fits {sorted(value)}")


# --- reading -------------------------------------------------------------------

_SPACE = re.compile(r"[ \t\r\n\ufeff]*")


def _prolog_doctype(text: str) -> int | None:
    """Where a DOCTYPE stands before the first element, skipping comments and PIs properly."""
    pos = 0
    while True:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith("<?", pos):
            closing = "?>"
        elif text.startswith("<!--", pos):
            closing = "-->"
        elif text[pos : pos + 9].upper() == "<!DOCTYPE":
            return pos
        else:
            return None
        end = text.find(closing, pos + 2)
        if end < 0:
            return None  # unterminated: the parser will say so
        pos = end + len(closing)


MAX_ELEMENTS = MAX_XML_ELEMENTS  # module names, so a test can lower them
MAX_CHILDREN = MAX_XML_CHILDREN
_DECLARATION = re.compile(rb"^<\?xml\s+version\s*=\s*[\"']([^\"']*)[\"'](?:\s+encoding\s*=\s*[\"']([^\"']*)[\"'])?")


def load_xml(data: bytes | str, source: str = "<input>") -> dict[str, Any]:
    """A record from XML bytes; raises `InvalidRecordError` with every problem found."""
    from lxml import etree

    if isinstance(data, str):
        data = data.encode("utf-8")
    _check_bytes(data, source)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (1, 1)
        if exc.code in _UNDECLARED_ENTITY:
            # With no DOCTYPE every entity is undeclared: what is refused is the reference itself.
            problem = Problem(
                line, column, "", "xml.entity", f"an entity reference is not allowed ({_libxml_message(exc.msg)})"
            )
            raise InvalidRecordError(source, [problem]) from None
        message = f"invalid XML: {_libxml_message(exc.msg)}"
        raise InvalidRecordError(source, [Problem(line, column, "", "xml.syntax", message)]) from None
    tree = root.getroottree()
    problems = _check_tree(tree, root)
    if problems:
        raise InvalidRecordError(source, problems)
    schema = _xsd()
    if not schema.validate(tree):
        errors = list(schema.error_log)[:MAX_REPORTED]
        raise InvalidRecordError(
            source,
            [_xsd_problem(tree, e) for e in errors],
        )
    places: dict[str, int] = {}
    # XSD-valid elements come in schema order, so the record is in canonical order as built.
    record = element_to_record(root, model(), places)
    found = check_record(record, from_parser=True)
    if found:
        raise InvalidRecordError(source, [_at_element(p, places) for p in found])
    return record


# libxml2's codes for a reference to an entity no DTD declares (an error, and its warning form).
_UNDECLARED_ENTITY = frozenset({26, 27})


def _check_bytes(data: bytes, source: str) -> None:
    def refuse(rule: str, message: str) -> None:
        raise InvalidRecordError(source, [Problem(1, 1, "", rule, message)])

    if len(data) > MAX_XML_BYTES:
        refuse("xml.size", f"file is larger than the limit of {MAX_XML_BYTES:,} bytes for XML; {RAISE_HINT}")
    if data.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"PK\x03\x04")):
        refuse("xml.compressed", "compressed data; decompress it first (it is never inflated on the fly)")
    if data.startswith((b"\x00\x00\x00<", b"<\x00\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")):
        refuse("xml.encoding", "UTF-32 is not supported; use UTF-8")
    # UTF-16 with a byte order mark, or without one (libxml2 guesses it from "<").
    codec = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16", b"<\x00": "utf-16-le", b"\x00<": "utf-16-be"}.get(data[:2])
    utf16 = codec is not None
    # A DOCTYPE is refused before the parser sees it, so no entity or DTD
    # declaration is ever read, let alone expanded or fetched.
    text = data.decode(codec or "utf-8", errors="replace")
    # Every element needs a "<" (two, unless empty); counting them first keeps a
    # file of millions of tiny elements from ever being built in memory.
    if text.count("<") > 2 * MAX_ELEMENTS + 16:
        refuse("xml.size", f"more than {MAX_ELEMENTS:,} elements; {RAISE_HINT}")
    doctype = _prolog_doctype(text)
    if doctype is not None:
        line = text[:doctype].count("\n") + 1
        raise InvalidRecordError(
            source, [Problem(line, 1, "", "xml.doctype", "a DOCTYPE is not allowed (no DTD, no entities)")]
        )
    if utf16:
        return  # UTF-16 with its byte order mark; the parser checks the rest
    head = data.removeprefix(b"\xef\xbb\xbf")
    declaration = _DECLARATION.match(head)
    if declaration:
        version, encoding = declaration.group(1), declaration.group(2)
        if version != b"1.0":
            refuse("xml.version", f"XML {shown(version.decode(errors='replace'))} is not supported; write XML 1.0")
        named = encoding.decode(errors="replace") if encoding else ""
        if named and named.upper().replace("_", "-") not in ("UTF-8", "UTF8", "UTF-16"):
            refuse("xml.encoding", f"encoding {shown(named)} is not supported; use UTF-8")


def _check_tree(tree: Any, root: Any) -> list[Problem]:
    from lxml import etree

    problems: list[Problem] = []
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        problems.append(Problem(1, 1, "", "xml.doctype", "a DOCTYPE is not allowed (no DTD, no entities)"))
    # Each search runs inside libxml2 (XPath, filtered iteration): a clean
    # document of thousands of elements is checked without a Python loop over them.
    elements = root.xpath("count(//*)")
    if elements > MAX_ELEMENTS:
        problems.append(Problem(1, 1, "", "xml.size", f"more than {MAX_ELEMENTS:,} elements; {RAISE_HINT}"))
    # Only a document with more elements than that can have an element with that many children.
    crowded = root.xpath(f"//*[count(*) > {MAX_CHILDREN}]") if elements > MAX_CHILDREN else []
    for element in crowded[:1]:
        message = f"an element with more than {MAX_CHILDREN:,} children; {RAISE_HINT}"
        problems.append(Problem(element.sourceline or 1, 0, "", "xml.size", message))
    attributed = root.xpath("//*[@*]") if root.xpath("count(//@*)") else []
    for item in attributed[:MAX_REPORTED]:
        names = listed(sorted(item.attrib))
        problems.append(Problem(item.sourceline or 1, 0, "", "xml.attribute", f"attributes are not used ({names})"))
    for item in root.iter(etree.Entity, etree.Comment, etree.ProcessingInstruction):
        where = item.sourceline or 1
        if isinstance(item, etree._Entity):
            problems.append(Problem(where, 0, "", "xml.entity", f"entity reference {shown(item.text)} is not allowed"))
        elif isinstance(item, etree._Comment):
            problems.append(Problem(where, 0, "", "xml.comment", "comments are not allowed inside a record"))
        else:
            problems.append(Problem(where, 0, "", "xml.pi", "processing instructions are not allowed"))
    for sibling in (*root.itersiblings(preceding=True), *root.itersiblings()):
        where = getattr(sibling, "sourceline", 1) or 1
        if isinstance(sibling, etree._Comment):
            problems.append(Problem(where, 0, "", "xml.comment", "comments are not allowed beside the record"))
        else:
            problems.append(Problem(where, 0, "", "xml.pi", "processing instructions are not allowed"))
    if info.xml_version != "1.0":
        message = f"XML {shown(info.xml_version)} is not supported; write XML 1.0"
        problems.append(Problem(1, 1, "", "xml.version", message))
    if (info.encoding or "UTF-8").upper().replace("_", "-") not in ("UTF-8", "UTF8", "UTF-16", "UTF-16LE", "UTF-16BE"):
        problems.append(
            Problem(1, 1, "", "xml.encoding", f"encoding {shown(info.encoding)} is not supported; use UTF-8")
        )
    if root.tag != f"{_NS}record":
        namespace, _, local = root.tag.rpartition("}")
        if local == "record":
            message = f"the root is in namespace {shown(namespace.lstrip('{')) or '(none)'}; expected {NAMESPACE}"
            problems.append(Problem(root.sourceline or 1, 0, "", "xml.namespace", message))
        else:
            problems.append(
                Problem(root.sourceline or 1, 0, "", "xml.root", f"the root element is {shown(local)}; expected record")
            )
    return problems


def _xsd_problem(tree: Any, error: Any) -> Problem:
    """An XSD error at its line (and column, 0 where libxml2 gives none), its element's XML path
    as the place, and the JSON Pointer of the value that element holds."""
    element = _element_at(tree, error.path)
    where = _path(element) if element is not None else ""
    at = _pointer_of(element) if element is not None else ""
    return Problem(error.line, error.column, at, "xml.schema", _libxml_message(error.message), where)


def _element_at(tree: Any, path: str | None) -> Any:
    """The element lxml's error path names, whatever prefixes the document uses."""
    from lxml import etree

    prefixes = {k: v for k, v in tree.getroot().nsmap.items() if k}
    try:
        found = tree.xpath(path, namespaces=prefixes) if path else []
    except etree.XPathError:
        return None
    return found[0] if found else None


def _pointer_of(element: Any) -> str:
    """The JSON Pointer of the value an element holds, found by walking the model from the root.

    It stops at the first element the model has no place for (an unknown element
    the XSD refused): the pointer is then that of the nearest value it knows.
    """
    chain = [element, *element.iterancestors()][::-1]
    node: Node = model()
    steps: list[str] = []
    for parent, child in itertools.pairwise(chain):
        name = _local(child)
        if isinstance(node, ObjectNode) and name in node.by_key:
            steps.append(name)
            node = node.by_key[name].node
        elif isinstance(node, ArrayNode):
            steps.append(str([e for e in parent if isinstance(e.tag, str)].index(child)))
            item = node.item
            if isinstance(item, ChoiceNode):
                if name not in item.branches:
                    break
                node = item.branches[name]
            else:
                node = item
        elif isinstance(node, ChoiceNode) and name in node.branches:
            node = node.branches[name]
        elif isinstance(node, VariantNode) and (branch := next((b for b in node.branches if name in b.by_key), None)):
            steps.append(name)
            node = branch.by_key[name].node
        else:
            break
    return pointer_of(steps)


def _path(element: Any) -> str:
    """An element's place as /record/engagements/engagement[2]/date, whatever the prefixes."""
    steps = []
    while element is not None:
        name = _local(element)
        parent = element.getparent()
        same = [e for e in parent if e.tag == element.tag] if parent is not None else [element]
        steps.append(f"{shown(name)}[{same.index(element) + 1}]" if len(same) > 1 else shown(name))
        element = parent
    return "/" + "/".join(reversed(steps))


# libxml2 quotes what it echoes, names and values alike ("Element 'title': [facet 'pattern']
# The value '…' is not accepted by the pattern '…'"), and a few messages name elements
# unquoted ("tag mismatch: title line 3 and titel"). Each quoted text and each word is
# escaped and cut on its own, so a message keeps its shape; the XSD's own patterns hold raw
# tabs, DEL and C1 controls, escaped the same way. A quote closes before a separator.
_QUOTED_OR_WORD = re.compile(r"'(.*?)'(?=[ .,:;)}\]]|\Z)|[^' ]+", re.DOTALL)
#: A libxml2 message stops growing here: one word or quote each is cut, but a text of many.
_MAX_LIBXML = 4 * MAX_QUOTED


def _libxml_message(message: str) -> str:
    """A libxml2 message, our namespace left out, every text it echoes escaped and cut (`shown`)."""
    message = message.replace(f"{{{NAMESPACE}}}", "")
    out: list[str] = []
    end = size = 0
    for match in _QUOTED_OR_WORD.finditer(message):
        if size > _MAX_LIBXML:
            return f"{''.join(out)}… ({len(message) - end:,} more characters)"
        quoted = match.group(1)
        piece = message[end : match.start()] + (shown(match.group()) if quoted is None else f"'{shown(quoted)}'")
        out.append(piece)
        size += len(piece)
        end = match.end()
    return "".join(out) + message[end:]


def _at_element(problem: Problem, places: dict[str, int]) -> Problem:
    return problem._replace(line=places.get(nearest(problem.pointer, places), 1), column=0)


def _local(element: Any) -> str:
    tag: str = element.tag
    return tag[len(_NS) :] if tag.startswith(_NS) else tag


def _object(element: Any, node: ObjectNode, pointer: str, places: dict[str, int]) -> dict[str, Any]:
    places[pointer] = element.sourceline or 1
    out: dict[str, Any] = {}
    for child in element:
        field = node.by_key[_local(child)]
        out[field.key] = _value(child, field.node, f"{pointer}/{field.key}", places)
    return out


def _value(element: Any, node: Node, pointer: str, places: dict[str, int]) -> Any:
    places[pointer] = element.sourceline or 1
    if isinstance(node, ScalarNode):
        text = element.text or ""
        if node.kind == "integer":
            return int(text)
        if node.kind == "number":
            return int(text) if re.fullmatch(r"\s*[-+]?[0-9]+\s*", text) else float(text)
        if node.kind == "boolean":
            return text == "true"
        return text
    if isinstance(node, UnionNode):
        return element.text or ""
    if isinstance(node, ObjectNode):
        return _object(element, node, pointer, places)
    if isinstance(node, VariantNode):
        names = [_local(child) for child in element]
        branch = next(b for b in node.branches if names and names[0] == b.fields[0].key)
        return _object(element, branch, pointer, places)
    if isinstance(node, ChoiceNode):
        (child,) = list(element)
        return _choice(child, node, pointer, places)
    assert isinstance(node, ArrayNode)
    items = []
    for index, child in enumerate(element):
        here = f"{pointer}/{index}"
        if isinstance(node.item, ChoiceNode):
            items.append(_choice(child, node.item, here, places))
        else:
            items.append(_value(child, node.item, here, places))
    return items


def _choice(element: Any, node: ChoiceNode, pointer: str, places: dict[str, int]) -> dict[str, Any]:
    tag = _local(element)
    fields = _object(element, node.branches[tag], pointer, places)
    before = node.before[tag]
    out = {key: value for key, value in fields.items() if key in before}
    out[node.discriminator] = tag
    out.update((key, value) for key, value in fields.items() if key not in before)
    return out
