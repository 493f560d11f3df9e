"""The XML shape of a record, derived from the JSON Schema (used by the XSD and the XML format).

Mapping contract:

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

A new property in the schema needs no change here: it gets an element of its
own name, in its place, of a type derived from its schema.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .schema import SCHEMA_VERSION, bundled_schema

__all__ = [
    "NAMESPACE",
    "ArrayNode",
    "ChoiceNode",
    "Field",
    "Node",
    "ObjectNode",
    "ScalarNode",
    "UnionNode",
    "VariantNode",
    "build_model",
    "model",
    "singular",
]

NAMESPACE = f"urn:visitexport:xml:visit:{SCHEMA_VERSION}"

_IRREGULAR = {"people": "person", "aliases": "alias", "addressees": "addressee"}


def singular(name: str) -> str:
    """The element name for one item of the array property `name`."""
    if name in _IRREGULAR:
        return _IRREGULAR[name]
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s"):
        return name[:-1]
    return "item"


class Node:
    """Base of the model's nodes; `name` is the $defs name when the node comes from one."""

    name: str | None = None
    #: The schema's title for the node (its definition's, or the inline schema's), "" if none.
    title: str = ""


class ScalarNode(Node):
    def __init__(self, schema: dict[str, Any], name: str | None) -> None:
        self.name = name
        self.schema = schema
        kind = schema.get("type")
        if kind is None:  # an enum or const alone: the type of its values
            values = schema.get("enum", [schema.get("const", "")])
            kind = "string" if all(isinstance(v, str) for v in values) else "number"
        if kind not in ("string", "integer", "number", "boolean"):
            raise ValueError(f"the XML mapping does not support type {kind!r} (schema {name or 'inline'})")
        self.kind: str = kind


class UnionNode(Node):
    def __init__(self, members: list[ScalarNode], name: str | None) -> None:
        self.name = name
        self.members = members


class Field:
    def __init__(self, key: str, node: Node, required: bool, title: str = "", description: str = "") -> None:
        self.key = key
        self.node = node
        self.required = required
        #: The property's own title and description (falling back to its definition's).
        self.title = title or key
        self.description = description


class ObjectNode(Node):
    def __init__(self, name: str | None) -> None:
        self.name = name
        self.fields: list[Field] = []
        self.by_key: dict[str, Field] = {}


class ArrayNode(Node):
    def __init__(self, item_name: str, item: Node, min_items: int, name: str | None) -> None:
        self.name = name
        self.item_name = item_name
        self.item = item
        self.min_items = min_items


class ChoiceNode(Node):
    """A oneOf of objects told apart by a constant property: one element per branch."""

    def __init__(self, discriminator: str, branches: dict[str, ObjectNode], name: str | None) -> None:
        self.name = name
        self.discriminator = discriminator
        self.branches = branches
        # The keys that come before the discriminator in each branch's property order,
        # so a record read back has its keys in canonical order without reordering.
        self.before: dict[str, frozenset[str]] = {}
        #: The discriminator property's title (it is not a field of the branches).
        self.discriminator_title = discriminator


class VariantNode(Node):
    """A oneOf of objects told apart by which properties they have."""

    def __init__(self, branches: list[ObjectNode], name: str | None) -> None:
        self.name = name
        self.branches = branches


@cache
def model() -> ObjectNode:
    """The model of the bundled schema, built once."""
    return build_model(bundled_schema())


def build_model(schema: dict[str, Any]) -> ObjectNode:
    """The model of a whole record under `schema`; recursive definitions share their node."""
    defs: dict[str, Any] = schema["$defs"]
    built: dict[str, Node] = {}

    def resolve(node: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        name = None
        while "$ref" in node:
            name = node["$ref"].removeprefix("#/$defs/")
            node = defs[name]
        return node, name

    def build(raw: dict[str, Any], key: str | None = None) -> Node:
        node, name = resolve(raw)
        if name is not None and name in built:
            return built[name]
        result = shape(node, name, key)
        result.title = node.get("title", "")
        return result

    def shape(node: dict[str, Any], name: str | None, key: str | None) -> Node:
        if "oneOf" in node:
            branches = [resolve(b) for b in node["oneOf"]]
            if all(b.get("type") == "object" for b, _ in branches):
                const_keys = {
                    k for b, _ in branches for k, v in b["properties"].items() if "const" in v and k in b["required"]
                }
                if len(const_keys) == 1:
                    (discriminator,) = const_keys
                    choice = ChoiceNode(discriminator, {}, name)
                    if name:
                        built[name] = choice
                    for branch, branch_name in branches:
                        tag = branch["properties"][discriminator]["const"]
                        choice.discriminator_title = branch["properties"][discriminator].get("title", discriminator)
                        choice.branches[tag] = obj(branch, branch_name, skip=discriminator)
                        keys = list(branch["properties"])
                        choice.before[tag] = frozenset(keys[: keys.index(discriminator)])
                    return choice
                variant = VariantNode([], name)
                if name:
                    built[name] = variant
                variant.branches = [obj(b, n) for b, n in branches]
                return variant
            union = UnionNode([], name)
            if name:
                built[name] = union
            union.members = [ScalarNode(b, n) for b, n in branches]
            return union
        if node.get("type") == "object":
            return obj(node, name)
        if node.get("type") == "array":
            items_raw = node["items"]
            _, items_def = resolve(items_raw)
            item_name = singular(key) if key else (items_def or "item")
            array = ArrayNode(item_name, ScalarNode({}, None), node.get("minItems", 0), name)
            if name:
                built[name] = array
            array.item = build(items_raw, None)
            return array
        scalar = ScalarNode(node, name)
        if name:
            built[name] = scalar
        return scalar

    def obj(node: dict[str, Any], name: str | None, skip: str | None = None) -> ObjectNode:
        if name is not None and name in built and skip is None:
            existing = built[name]
            assert isinstance(existing, ObjectNode)
            return existing
        result = ObjectNode(name)
        result.title = node.get("title", "")
        if name is not None and skip is None:
            built[name] = result
        required = set(node.get("required", []))
        for key, sub in node["properties"].items():
            if key == skip:
                continue
            target, _ = resolve(sub)
            title = sub.get("title") or target.get("title", "")
            description = sub.get("description") or target.get("description", "")
            field = Field(key, build(sub, key), key in required, title, description)
            result.fields.append(field)
            result.by_key[key] = field
        return result

    root = obj(schema, None)
    return root
