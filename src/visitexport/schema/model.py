"""The one typed walk of the JSON Schema: every format's shape and the canonical key order derive from it.

`model()` resolves every ``$ref`` once and gives a graph of nodes (recursive
definitions share their node):

- `ObjectNode`: an object; its `fields` in the schema's property order, each
  with its key, node, whether it is required, its title and description;
- `ArrayNode`: an array; `item_name` is the key made singular (``people`` holds
  ``person``), the name XML gives an item and the workbook a kind of row;
- `ChoiceNode`: a ``oneOf`` of objects told apart by one constant property
  (blocks, by ``type``);
- `VariantNode`: a ``oneOf`` of objects told apart by which properties they
  have (an exact or a fuzzy date);
- `UnionNode`: a ``oneOf`` of texts (a country code or an id);
- `ScalarNode`: text, integer, number or boolean, with its schema (patterns,
  enumerations, lengths) for the formats that carry them.

`keys()` is the canonical key order derived from the same graph, and
`order_keys` applies it. The XML mapping (`visitexport.formats.xml`), the XSD,
the workbook layout (`visitexport.formats.tabular`) and canonical JSON all
read this model, so a new property in the schema reaches every format with no
other change.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from visitexport.schema.loading import bundled_schema

__all__ = [
    "ArrayNode",
    "ChoiceNode",
    "Field",
    "Node",
    "ObjectNode",
    "ScalarNode",
    "UnionNode",
    "VariantNode",
    "build_model",
    "keys",
    "model",
    "order_keys",
    "singular",
]

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


class Keys:
    """The canonical key order of a place in a record: its keys, and the order below each.

    `order` is the schema's property order; for a ``oneOf`` of objects it is
    their orders merged, each new key after the one before it in its branch,
    which keeps every branch's own order because the branches agree on the
    order of the keys they share.
    """

    __slots__ = ("items", "order", "properties")

    def __init__(self) -> None:
        self.order: list[str] = []
        self.properties: dict[str, Keys] = {}
        self.items: Keys | None = None


_NO_KEYS = Keys()


@cache
def keys() -> Keys:
    """The key order of a whole record under the bundled schema, built once."""
    return build_keys(model())


def build_keys(root: Node) -> Keys:
    """The key order of the model `root`; recursive nodes share their `Keys`."""
    built: dict[int, Keys] = {}

    def build(node: Node) -> Keys:
        found = built.get(id(node))
        if found is not None:
            return found
        out = built[id(node)] = Keys()
        if isinstance(node, ObjectNode):
            branches = [[(f.key, f.node) for f in node.fields]]
        elif isinstance(node, ChoiceNode):
            # The discriminator is no field of the branches: put it back in its place.
            branches = [
                [(f.key, f.node) for f in branch.fields if f.key in node.before[tag]]
                + [(node.discriminator, ScalarNode({"type": "string"}, None))]
                + [(f.key, f.node) for f in branch.fields if f.key not in node.before[tag]]
                for tag, branch in node.branches.items()
            ]
        elif isinstance(node, VariantNode):
            branches = [[(f.key, f.node) for f in branch.fields] for branch in node.branches]
        else:
            branches = []
            if isinstance(node, ArrayNode):
                out.items = build(node.item)
        for branch_fields in branches:
            # A key new to the merge goes right after the key before it in its branch, so that
            # every branch keeps its own order however the branches interleave.
            at = 0
            for key, sub in branch_fields:
                if key in out.properties:
                    at = out.order.index(key) + 1
                    continue
                out.order.insert(at, key)
                out.properties[key] = build(sub)
                at += 1
        return out

    return build(root)


def order_keys(value: Any, where: Keys | None = None) -> Any:
    """A copy of `value` with every object's keys in canonical order (unknown keys after the known, as they were)."""
    if where is None:
        where = keys()
    if isinstance(value, dict):
        known = [k for k in where.order if k in value]
        rest = [k for k in value if k not in where.properties]
        return {k: order_keys(value[k], where.properties.get(k, _NO_KEYS)) for k in known + rest}
    if isinstance(value, list):
        items = where.items or _NO_KEYS
        return [order_keys(v, items) for v in value]
    return value
