"""The XSD, generated from the JSON Schema through the XML model (`xmlmodel`).

Every $defs entry becomes a named type (``lineType``, ``engagementType``);
inline objects become anonymous types in place. JSON Schema patterns are
translated to XSD's dialect: XSD patterns are anchored already, know no
``(?:``, and have no ``\\x`` escapes; characters XML 1.0 cannot carry are
dropped from character classes, since no XML document can contain them.
`schemas/visit.xsd` is this module's output, committed; a test fails when it
is stale (regenerate with ``visitexport schema --xsd > schemas/visit.xsd``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from visitexport.schema.loading import SCHEMA_VERSION
from visitexport.schema.model import (
    ArrayNode,
    ChoiceNode,
    Field,
    Node,
    ObjectNode,
    ScalarNode,
    UnionNode,
    VariantNode,
    model,
)

__all__ = ["NAMESPACE", "build_xsd", "xsd_bytes", "xsd_pattern"]

#: The one namespace of every element of a record.
NAMESPACE = f"urn:visitexport:xml:visit:{SCHEMA_VERSION}"

XS = "http://www.w3.org/2001/XMLSchema"


def _xml_char(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000


def _char(code: int) -> str:
    escapes = {0x9: r"\t", 0xA: r"\n", 0xD: r"\r"}
    if code in escapes:
        return escapes[code]
    char = chr(code)
    return "\\" + char if char in "\\[]-^" else char


_ESCAPE = re.compile(r"\\x([0-9A-Fa-f]{2})|\\u([0-9A-Fa-f]{4})")


_UNSUPPORTED = re.compile(r"\(\?[=!<]|[*+?}]\?|\\[dDwWsSbB]")


def _dot_outside_class(pattern: str) -> bool:
    in_class = escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "." and not in_class:
            return True
    return False


def xsd_pattern(pattern: str) -> str:
    """The XSD form of a JSON Schema (ECMA 262) pattern of the kinds the schema uses.

    Raises ValueError for what would change meaning in XSD's dialect: a pattern
    not anchored at both ends, look-arounds, lazy quantifiers, and the
    shorthands (``.``, ``\\d``, ``\\w``, ``\\s``) whose sets differ between the two.
    """
    anchored = pattern.startswith("^") and pattern.endswith("$")
    if not anchored or _UNSUPPORTED.search(pattern) or _dot_outside_class(pattern):
        raise ValueError(f"pattern {pattern!r} cannot be carried into the XSD; write it anchored, with classes")
    body = pattern.removeprefix("^").removesuffix("$")
    body = body.replace("(?:", "(")
    out: list[str] = []
    pos = 0
    while pos < len(body):
        match = _ESCAPE.match(body, pos)
        if match is None:
            out.append(body[pos])
            if body[pos] == "\\" and pos + 1 < len(body):
                out.append(body[pos + 1])
                pos += 1
            pos += 1
            continue
        first = int(match.group(1) or match.group(2), 16)
        pos = match.end()
        last = first
        if body.startswith("-", pos) and pos + 1 < len(body) and body[pos + 1] != "]":
            upper = _ESCAPE.match(body, pos + 1)
            if upper is not None:
                last = int(upper.group(1) or upper.group(2), 16)
                pos = upper.end()
            else:  # a range up to a plain character, such as \x00-~
                last = ord(body[pos + 1])
                pos += 2
        # Keep only the characters an XML document can hold; list them one by one
        # when few survive (a range of control characters leaves tab, LF, CR).
        kept = [c for c in (first, last) if _xml_char(c)]
        if first == last:
            out.append(_char(first) if kept else "")
        elif all(_xml_char(c) for c in range(first, last + 1)):
            out.append(f"{_char(first)}-{_char(last)}")
        else:
            out.extend(_char(c) for c in range(first, last + 1) if _xml_char(c) and c < 0x20)
            inner = [c for c in range(max(first, 0x20), last + 1) if _xml_char(c)]
            if inner:
                out.append(f"{_char(inner[0])}-{_char(inner[-1])}" if len(inner) > 1 else _char(inner[0]))
    return "".join(out)


@cache
def xsd_bytes() -> bytes:
    """The XSD for the bundled schema, deterministic to the byte."""
    return build_xsd(model())


def build_xsd(record: ObjectNode) -> bytes:
    """The XSD for a record model (see `xmlmodel.build_model`)."""
    from lxml import etree

    root = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS, "v": NAMESPACE})
    root.set("targetNamespace", NAMESPACE)
    root.set("elementFormDefault", "qualified")
    root.set("version", NAMESPACE.rsplit(":", 1)[1])
    etree.SubElement(root, f"{{{XS}}}element", name="record", type="v:recordType")
    named: dict[str, Any] = {}
    pending: list[tuple[str, Node]] = []

    def type_name(node: Node) -> str | None:
        if node.name is None:
            return None
        if node.name not in named:
            named[node.name] = None
            pending.append((node.name, node))
        return f"v:{node.name}Type"

    def element(parent: Any, name: str, node: Node, min_occurs: int, max_occurs: str = "1") -> None:
        attrs = {"name": name}
        if min_occurs != 1:
            attrs["minOccurs"] = str(min_occurs)
        if max_occurs != "1":
            attrs["maxOccurs"] = max_occurs
        el = etree.SubElement(parent, f"{{{XS}}}element", attrs)
        ref = type_name(node)
        if ref is not None:
            el.set("type", ref)
        else:
            define(el, node)

    def define(parent: Any, node: Node, name: str | None = None) -> None:
        """Append the type of `node` to `parent` (named when `name` is given)."""
        attrs = {"name": f"{name}Type"} if name else {}
        if isinstance(node, ScalarNode | UnionNode):
            simple = etree.SubElement(parent, f"{{{XS}}}simpleType", attrs)
            if isinstance(node, UnionNode):
                union = etree.SubElement(simple, f"{{{XS}}}union")
                members = [type_name(m) for m in node.members]
                if all(members):
                    union.set("memberTypes", " ".join(m for m in members if m))
                else:
                    for member in node.members:
                        restrict(etree.SubElement(union, f"{{{XS}}}simpleType"), member)
            else:
                restrict(simple, node)
            return
        complex_type = etree.SubElement(parent, f"{{{XS}}}complexType", attrs)
        if isinstance(node, ObjectNode):
            sequence(complex_type, node.fields)
        elif isinstance(node, ArrayNode):
            seq = etree.SubElement(complex_type, f"{{{XS}}}sequence")
            if isinstance(node.item, ChoiceNode):
                choice = etree.SubElement(seq, f"{{{XS}}}choice", minOccurs=str(node.min_items), maxOccurs="unbounded")
                for tag, branch in node.item.branches.items():
                    element(choice, tag, branch, 1)
            else:
                element(seq, node.item_name, node.item, node.min_items, "unbounded")
        elif isinstance(node, ChoiceNode):
            choice = etree.SubElement(complex_type, f"{{{XS}}}choice")
            for tag, branch in node.branches.items():
                element(choice, tag, branch, 1)
        elif isinstance(node, VariantNode):
            choice = etree.SubElement(complex_type, f"{{{XS}}}choice")
            for branch in node.branches:
                sequence(choice, branch.fields)

    def sequence(parent: Any, fields: list[Field]) -> None:
        seq = etree.SubElement(parent, f"{{{XS}}}sequence")
        for field in fields:
            element(seq, field.key, field.node, 1 if field.required else 0)

    def restrict(simple: Any, node: ScalarNode) -> None:
        schema = node.schema
        # Booleans are strings with two values: xs:boolean would trim white space and
        # accept 1 and 0, so " true " would pass and then read as another value.
        base = {"integer": "xs:integer", "number": "xs:decimal"}.get(node.kind, "xs:string")
        if schema.get("format") == "date":
            base = "xs:date"
        restriction = etree.SubElement(simple, f"{{{XS}}}restriction", base=base)
        facets: list[tuple[str, str]] = []
        if "minimum" in schema:
            facets.append(("minInclusive", str(schema["minimum"])))
        if "maximum" in schema:
            facets.append(("maxInclusive", str(schema["maximum"])))
        if "minLength" in schema:
            facets.append(("minLength", str(schema["minLength"])))
        if "maxLength" in schema:
            facets.append(("maxLength", str(schema["maxLength"])))
        if "pattern" in schema:
            facets.append(("pattern", xsd_pattern(schema["pattern"])))
        values = schema.get("enum", [schema["const"]] if "const" in schema else [])
        if node.kind == "boolean":
            values = ["true", "false"]
        facets.extend(("enumeration", str(value)) for value in values)
        for facet, value in facets:
            etree.SubElement(restriction, f"{{{XS}}}{facet}", value=value)

    define(root, record, "record")
    while pending:
        name, node = pending.pop(0)
        define(root, node, name)
    etree.indent(root, space="  ")
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data
