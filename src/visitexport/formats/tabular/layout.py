"""The workbook layout of a record, derived from the JSON Schema (through `visitexport.schema.model`).

Layout contract (the README describes it for people):

- ``About``: a cover sheet for people; never read back.
- ``Record``: one row per single-valued field reachable from the root through
  objects (``Release: Issuer``, ``Visit: Period: Start``), with its value and
  the schema's description.
- One sheet per array of objects, named by the array's title (``People``,
  ``Participants``...), one row per item. Columns are headed by the schema's
  titles; a nested object's fields are columns headed ``Outer: Inner``; a
  date that is exact or fuzzy is the union of both forms' columns; a list of
  plain values is one cell, one value per line.
- Every such sheet starts with ``#``: the row's place in the record, so any
  sort can be undone. Rows of a nested array carry their parent's id (or its
  ``#`` when it has no id) in a column named after the parent.
- An array holding items of its own kind (sub-engagements) stays on its
  sheet: ``Parent`` holds the enclosing row's id and ``Depth`` its nesting.
- An array of blocks (a ``oneOf`` told apart by ``type``) is a tree sheet:
  sections, paragraphs, lists, their items and tables in reading order, with
  ``Parent``, ``Depth`` and ``Type``; a branch's one required line of text is
  the ``Text`` column.
- An object outside any row holding several arrays of rows, one of them a
  tree of blocks (the document: ``header``, ``body``, ``footer``), puts them
  all on one tree sheet named after the tree (``Body``), in the
  object's order, so the release reads top to bottom on one sheet; ``Part``
  names the array a row belongs to (``Header``, ``Body``, ``Footer``). Items
  of such an array that are plain objects with an enumerated property of the
  blocks' discriminator (a header line's ``type``) are told apart by it too:
  ``Type`` is ``title``, ``date``... as it is ``section``, ``paragraph``...
- On a tree sheet the one required text of a kind of block is ``Text`` (of
  several, the last: a key/value line's value; the key keeps its column);
  ``Text`` comes after the other content columns. Its ``breaks`` (the spaces
  printed as line breaks) are line breaks in the ``Text`` cell itself, so the
  text reads as printed.
- Layout trivia (`LAYOUT_KEYS`: what the plain text rendering needs beyond
  the content, see `visitexport.formats.text.render`) are columns headed
  ``Layout: ...`` after the content columns, so a reader can ignore them;
  layout texts are quoted (``""``, ``"  "``), and a list of small objects
  (a part's line layouts, a table's gaps and rule lines) is one cell, an
  entry per line (`visitexport.formats.tabular.notation`).
- An array of arrays (table rows) is a sheet of ``Cells`` (the row's length)
  and ``Cell 1``, ``Cell 2``...
- ``Lists`` (hidden): the values behind the dropdowns; never read back.

A new property in the schema needs no change here: it becomes a row of
``Record``, a column, or a sheet of its own, by the rules above.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

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

__all__ = [
    "ABOUT",
    "CELLS",
    "DEPTH",
    "LAYOUT_KEYS",
    "LAYOUT_PREFIX",
    "LISTS",
    "ORDER",
    "PARENT",
    "PART",
    "RECORD",
    "TEXT",
    "Column",
    "Kind",
    "Layout",
    "Part",
    "Sheet",
    "build_layout",
    "cell_header",
    "cell_number",
    "layout",
]

ABOUT, RECORD, LISTS = "About", "Record", "Lists"
ORDER, PARENT, DEPTH, CELLS, PART = "#", "Parent", "Depth", "Cells", "Part"
TEXT = "Text"
SEPARATOR = ": "
#: The document layer's layout trivia: how a part is printed, not what it says (the text format's contract).
LAYOUT_KEYS = frozenset(("blank_lines", "lines", "joined", "gap", "breaks", "label_alone", "style", "gaps", "rules"))
LAYOUT_PREFIX = "Layout: "
_TEXT_NAMES = ("line", "printed")
#: Excel refuses these in sheet names; "History" is reserved by Excel.
_BAD_NAME = re.compile(r"[\[\]:*?/\\]")
_RESERVED = {"history"}
_CELL_HEADER = re.compile(r"Cell ([1-9][0-9]*)")


def cell_header(n: int) -> str:
    """The header of a table's `n`th cell (from 1)."""
    return f"Cell {n}"


def cell_number(header: str) -> int | None:
    """The `n` of a `cell_header`, or None when `header` is not one."""
    match = _CELL_HEADER.fullmatch(header)
    return int(match.group(1)) if match else None


Scalar = ScalarNode | UnionNode


class Column:
    """One column of a sheet (or one row of ``Record``): a scalar, or a list of scalars in one cell.

    A layout column's texts are quoted; a column of an array of small objects
    (`entries`) holds them one per line (see `visitexport.formats.tabular.notation`).
    """

    def __init__(
        self, header: str, node: Scalar | ObjectNode, multi: bool, description: str, *, layout: bool = False
    ) -> None:
        self.header = header
        self.node = node
        self.multi = multi
        self.description = description
        self.layout = layout
        self.name = node.name
        #: Dates are written as real date cells (when Excel can hold them).
        self.date = node.name == "date"
        #: Takes ISO days (exact or partial dates): a whole-day date cell typed here reads as YYYY-MM-DD.
        self.day_text = _takes_days(node)
        self.integer = isinstance(node, ScalarNode) and node.kind == "integer"
        self.number = isinstance(node, ScalarNode) and node.kind == "number"
        self.boolean = isinstance(node, ScalarNode) and node.kind == "boolean"
        self.enum: tuple[str, ...] = tuple(node.schema.get("enum", ())) if isinstance(node, ScalarNode) else ()
        #: An id in a column other than the row's own id refers to something else in the record (a source
        #: to a part of the document, or one row of a table).
        self.reference = node.name in ("id", "source")
        #: Free text: wrapped, and the column indented by depth on nested sheets.
        self.text = node.name in _TEXT_NAMES
        #: Values that can hold neither commas nor spaces may also be typed "a, b" on import.
        self.loose_split = multi and isinstance(node, ScalarNode | UnionNode) and _no_comma_or_space(node)
        #: A layout text (spaces, tabs, or nothing at all): written between quotes to be seen and kept.
        self.quoted = layout and not multi and isinstance(node, ScalarNode) and node.kind == "string" and not self.enum
        #: An array of small objects in one cell, one per line: (its keys in order, the keys written bare).
        self.entries: tuple[list[str], set[str]] | None = _entry_keys(node) if isinstance(node, ObjectNode) else None


class Kind:
    """One kind of row on a sheet: which object it is and where its columns' values live in it."""

    def __init__(self, tag: str, node: ObjectNode) -> None:
        self.tag = tag
        self.node = node
        #: header -> path of keys from the row's object to the value.
        self.paths: dict[str, tuple[str, ...]] = {}
        #: Arrays of this object that are other rows: (path, target sheet or None for this sheet).
        self.children: list[tuple[tuple[str, ...], Sheet | None]] = []
        #: For tree sheets: the kinds each nested array of this kind holds (path -> tags).
        self.holds: dict[tuple[str, ...], tuple[str, ...]] = {}
        #: The constant property that tells this kind apart (("type", "section")), if any.
        self.constant: tuple[str, str] | None = None
        #: Where the text's line breaks are kept (("breaks",)): they are line breaks in its Text cell.
        self.breaks: tuple[str, ...] | None = None


class Part(NamedTuple):
    """One array of rows of a sheet that holds several (the document's header, body and footer)."""

    title: str
    path: tuple[str, ...]
    tags: tuple[str, ...]


class Sheet:
    """A sheet of rows: items of one array (and of the arrays nested in them that stay here)."""

    def __init__(self, name: str, title: str, description: str) -> None:
        self.name = name
        self.title = title
        self.description = description
        self.columns: list[Column] = []
        self.kinds: dict[str, Kind] = {}
        #: The kinds the array that fills this sheet holds.
        self.top_tags: tuple[str, ...] = ()
        #: Where the items come from: the path from the record (top sheets) or from the parent row.
        self.path: tuple[str, ...] = ()
        self.parent: Sheet | None = None
        #: The column naming the parent row (its id, or its ``#``), for nested arrays on their own sheet.
        self.parent_header: str | None = None
        self.parent_by_id = True
        #: Rows nest within this sheet (``Parent`` and ``Depth`` columns).
        self.nested = False
        #: Several kinds of row (``Type`` column, headed by this).
        self.type_header: str | None = None
        self.discriminator: str | None = None
        #: An array of arrays of scalars: ``Cells`` and ``Cell n`` columns instead.
        self.cells: Column | None = None
        #: The arrays this sheet holds when it holds several (a ``Part`` column names each row's).
        self.parts: list[Part] = []

    @property
    def fixed_headers(self) -> list[str]:
        """The columns before the fields, in order."""
        headers = [ORDER]
        if self.parts:
            headers.append(PART)
        if self.parent_header:
            headers.append(self.parent_header)
        if self.nested:
            headers += [PARENT, DEPTH]
        if self.type_header:
            headers.append(self.type_header)
        if self.cells is not None:
            headers.append(CELLS)
        return headers

    def column(self, header: str) -> Column | None:
        return next((c for c in self.columns if c.header == header), None)


class Layout:
    def __init__(self) -> None:
        #: ``Record`` rows: (label, path from the record, column).
        self.fields: list[tuple[str, tuple[str, ...], Column]] = []
        self.sheets: list[Sheet] = []

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)


@cache
def layout() -> Layout:
    """The layout of the bundled schema, built once."""
    return build_layout(model())


def build_layout(root: ObjectNode) -> Layout:
    result = Layout()
    names = {ABOUT.lower(), RECORD.lower(), LISTS.lower()}

    def sheet_name(title: str, parent: Sheet | None) -> str:
        base = _clean_name(title) or "Sheet"
        if base.lower() in names | _RESERVED and parent is not None:
            base = _clean_name(f"{parent.name} {title}")
        name, n = base, 2
        while name.lower() in names | _RESERVED:
            suffix = f" {n}"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        names.add(name.lower())
        return name

    def new_sheet(array: ArrayNode, title: str, description: str, parent: Sheet | None, path: tuple[str, ...]) -> Sheet:
        sheet = Sheet(sheet_name(title, parent), title, description)
        sheet.path = path
        sheet.parent = parent
        result.sheets.append(sheet)
        item = array.item
        if isinstance(item, ChoiceNode):
            sheet.top_tags = add_tree(sheet, item)
        elif isinstance(item, ObjectNode):
            sheet.top_tags = ("",)
            kind = add_kind(sheet, "", item, text_merge=False)
            for path_, array_ in object_arrays(item):
                if array_.item is item:
                    sheet.nested = True
                    kind.holds[path_] = ("",)
                else:
                    kind.children.append((path_, child_sheet(array_, path_, sheet, kind)))
        else:
            assert isinstance(item, ArrayNode)
            assert isinstance(item.item, ScalarNode | UnionNode)
            sheet.cells = Column(cell_header(1), item.item, False, item.item.title)
        return sheet

    def add_tree(sheet: Sheet, item: ChoiceNode) -> tuple[str, ...]:
        """The kinds of a tree of blocks on `sheet` (its branches, and the objects nested in them)."""
        sheet.nested = True
        sheet.discriminator = item.discriminator
        sheet.type_header = item.discriminator_title
        pending: list[tuple[str, ObjectNode]] = list(item.branches.items())
        while pending:
            tag, node = pending.pop(0)
            if tag in sheet.kinds:
                if sheet.kinds[tag].node is not node:
                    raise ValueError(f"sheet {sheet.name}: two kinds of row are both {tag!r}")
                continue
            kind = add_kind(sheet, tag, node, text_merge=True)
            if tag in item.branches:
                kind.constant = (item.discriminator, tag)
            for path_, array_ in object_arrays(node):
                if array_.item is item:
                    kind.holds[path_] = tuple(item.branches)
                elif isinstance(array_.item, ObjectNode):
                    kind.holds[path_] = (array_.item_name,)
                    pending.append((array_.item_name, array_.item))
                else:
                    kind.children.append((path_, child_sheet(array_, path_, sheet, kind)))
        return tuple(item.branches)

    def parts_sheet(title: str, description: str, path: tuple[str, ...], arrays: list[Field]) -> None:
        """One sheet for several arrays of rows of one object, a tree of blocks among them.

        It is named after the tree (the document's ``Body``): the sheet people know the release
        by keeps its name, now with the header above the body and the footer below it.
        """
        tree = next(f for f in arrays if isinstance(f.node, ArrayNode) and isinstance(f.node.item, ChoiceNode))
        sheet = Sheet(sheet_name(tree.title, None), title, description)
        result.sheets.append(sheet)
        choice = next(
            f.node.item for f in arrays if isinstance(f.node, ArrayNode) and isinstance(f.node.item, ChoiceNode)
        )
        assert isinstance(choice, ChoiceNode)
        sheet.nested = True
        sheet.discriminator = choice.discriminator
        sheet.type_header = choice.discriminator_title
        for field in arrays:
            assert isinstance(field.node, ArrayNode)
            item = field.node.item
            if isinstance(item, ChoiceNode):
                tags = add_tree(sheet, item)
            elif isinstance(item, ObjectNode):
                tags = add_plain_kinds(sheet, item, field.node.item_name)
            else:
                raise ValueError(f"sheet {sheet.name}: {field.title!r} is an array of arrays among its parts")
            sheet.parts.append(Part(field.title, (*path, field.key), tags))
        sheet.top_tags = tuple(dict.fromkeys(tag for part in sheet.parts for tag in part.tags))

    def add_plain_kinds(sheet: Sheet, item: ObjectNode, item_name: str) -> tuple[str, ...]:
        """A plain object on a tree sheet: a kind per value of its property named like the discriminator."""
        assert sheet.discriminator is not None
        told = item.by_key.get(sheet.discriminator)
        enum = told.node.schema.get("enum") if told is not None and isinstance(told.node, ScalarNode) else None
        tags: tuple[str, ...] = tuple(enum) if enum and all(isinstance(v, str) for v in enum) else (item_name,)
        for tag in tags:
            if tag in sheet.kinds:
                raise ValueError(f"sheet {sheet.name}: two kinds of row are both {tag!r}")
            skip = sheet.discriminator if enum else None
            kind = add_kind(sheet, tag, item, text_merge=True, skip=skip)
            if skip is not None:
                kind.constant = (skip, tag)
            for path_, array_ in object_arrays(item):
                kind.children.append((path_, child_sheet(array_, path_, sheet, kind)))
        return tags

    def child_sheet(array: ArrayNode, path: tuple[str, ...], parent: Sheet, kind: Kind) -> Sheet:
        title, description = titles_of(kind.node, path)
        if parent.discriminator is not None and kind.node.title:
            # "Rows" alone says nothing on a tab; "Table rows" does.
            title = f"{kind.node.title} {title.lower()}"
        existing = next((s for s in result.sheets if s.parent is parent and s.path == path and s.title == title), None)
        if existing is not None:  # the same array of a kind shown under several tags (header lines)
            return existing
        sheet = new_sheet(array, title, description, parent, path)
        own_id = kind.node.by_key.get("id")
        sheet.parent_by_id = own_id is not None and own_id.required
        parent_title = kind.node.title or kind.tag or parent.title
        sheet.parent_header = parent_title if sheet.parent_by_id else f"{parent_title} {ORDER}"
        return sheet

    def titles_of(node: ObjectNode, path: tuple[str, ...]) -> tuple[str, str]:
        field = None
        for key in path:
            field = node.by_key[key]
            if isinstance(field.node, ObjectNode):
                node = field.node
        assert field is not None
        return field.title, field.description

    def add_kind(sheet: Sheet, tag: str, node: ObjectNode, text_merge: bool, skip: str | None = None) -> Kind:
        kind = Kind(tag, node)
        sheet.kinds[tag] = kind
        text_key = _text_key(node, skip) if text_merge else None
        breaks = node.by_key.get("breaks")
        if text_key is not None and breaks is not None and isinstance(breaks.node, ArrayNode):
            kind.breaks = ("breaks",)
        for flat_header, path, flat_column in flatten(node, (), ()):
            if path[0] == skip or (kind.breaks is not None and path == kind.breaks):
                continue
            header, column = flat_header, flat_column
            if text_key is not None and path == (text_key,):
                header, column = TEXT, Column(TEXT, flat_column.node, flat_column.multi, flat_column.description)
            elif column.layout:
                header = _layout_header(header)
                column.header = header
            existing = sheet.column(header)
            if existing is None:
                sheet.columns.append(column)
            elif not _compatible(existing, column):
                raise ValueError(f"sheet {sheet.name}: column {header!r} would hold two kinds of value")
            if header in kind.paths:
                raise ValueError(f"sheet {sheet.name}: two fields would share the column {header!r}")
            kind.paths[header] = path
        return kind

    def flatten(
        node: ObjectNode, path: tuple[str, ...], titles: tuple[str, ...], on_array: Callable[..., object] | None = None
    ) -> list[tuple[str, tuple[str, ...], Column]]:
        """The scalar fields of `node` (through nested objects) as (header, path, column).

        Arrays of anything else go to `on_array`, if given; several of one
        object, a tree of blocks among them, go to one sheet together.
        """
        out: list[tuple[str, tuple[str, ...], Column]] = []
        together = _parts(node) if on_array is not None and path else []
        if together:
            parts_sheet(titles[-1], _description_of(together), path, together)
        for field in node.fields:
            if field in together:
                continue
            here, named, inner = (*path, field.key), _join(titles, field.title), (*titles, field.title)
            sub = field.node
            layout_ = field.key in LAYOUT_KEYS
            if isinstance(sub, ScalarNode | UnionNode):
                out.append((named, here, Column(named, sub, False, field.description, layout=layout_)))
            elif isinstance(sub, ArrayNode) and isinstance(sub.item, ScalarNode | UnionNode):
                out.append((named, here, Column(named, sub.item, True, field.description, layout=layout_)))
            elif isinstance(sub, ArrayNode) and _is_entries(field):
                assert isinstance(sub.item, ObjectNode)
                out.append((named, here, Column(named, sub.item, False, field.description, layout=True)))
            elif isinstance(sub, ArrayNode):
                if on_array is not None:
                    on_array(sub, field.title, field.description, None, here)
            elif isinstance(sub, ObjectNode):
                out += flatten(sub, here, inner, on_array)
            elif isinstance(sub, VariantNode):
                seen: set[str] = set()
                for branch in sub.branches:
                    for part in flatten(branch, here, inner):
                        if part[0] not in seen:
                            seen.add(part[0])
                            out.append(part)
        return out

    def object_arrays(node: ObjectNode, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], ArrayNode]]:
        """The arrays of objects, blocks or arrays inside `node` (through nested objects): other rows."""
        out: list[tuple[tuple[str, ...], ArrayNode]] = []
        for field in node.fields:
            sub = field.node
            if isinstance(sub, ArrayNode) and not isinstance(sub.item, ScalarNode | UnionNode):
                if not _is_entries(field):
                    out.append(((*path, field.key), sub))
            elif isinstance(sub, ObjectNode):
                out += object_arrays(sub, (*path, field.key))
        return out

    # The record's single values go to Record; its arrays of objects become sheets.
    result.fields = flatten(root, (), (), on_array=new_sheet)
    for sheet in result.sheets:
        # Content first, the Text last of it; then the layout's plain values, then its entries.
        sheet.columns.sort(key=lambda c: (c.layout, c.header == TEXT, c.entries is not None))
        headers = sheet.fixed_headers + [c.header for c in sheet.columns]
        if len(set(headers)) != len(headers):
            raise ValueError(f"sheet {sheet.name}: duplicate column headers {headers}")
    return result


def _parts(node: ObjectNode) -> list[Field]:
    """The arrays of rows of `node` that share one sheet: several, a tree of blocks among them; else none."""
    arrays = [
        f
        for f in node.fields
        if isinstance(f.node, ArrayNode) and not isinstance(f.node.item, ScalarNode | UnionNode) and not _is_entries(f)
    ]
    if len(arrays) > 1 and any(isinstance(f.node, ArrayNode) and isinstance(f.node.item, ChoiceNode) for f in arrays):
        return arrays
    return []


def _description_of(parts: list[Field]) -> str:
    return " ".join(f"{f.title}: {f.description}" for f in parts)


def _is_entries(field: Field) -> bool:
    """A layout list of small objects (line layouts, gaps, rule lines): one cell, an entry per line."""
    return field.key in LAYOUT_KEYS and isinstance(field.node, ArrayNode) and isinstance(field.node.item, ObjectNode)


def _entry_keys(node: ObjectNode) -> tuple[list[str], set[str]]:
    """The keys of an entry (the first a required whole number) and those whose values are written bare."""
    first = node.fields[0] if node.fields else None
    if first is None or not first.required or not isinstance(first.node, ScalarNode) or first.node.kind != "integer":
        raise ValueError(f"entries of {node.title or node.name!r} must start with a required whole number")
    for field in node.fields:
        sub = field.node.item if isinstance(field.node, ArrayNode) else field.node
        if not isinstance(sub, ScalarNode):
            raise ValueError(f"entries of {node.title or node.name!r}: {field.key!r} is not a plain value")
    words = {f.key for f in node.fields if isinstance(f.node, ScalarNode) and f.node.schema.get("enum")}
    return [f.key for f in node.fields], words


def _compatible(a: Column, b: Column) -> bool:
    """Two fields can share a column: the same kind of value, or layout texts (quoted both)."""
    if a.multi != b.multi or (a.entries is None) != (b.entries is None):
        return False
    return a.node is b.node or (a.name is not None and a.name == b.name) or (a.quoted and b.quoted)


def _layout_header(title: str) -> str:
    # "Layout: Line layout" says layout twice; "Layout: Lines" once.
    if title.endswith(" layout"):
        title = title.removesuffix(" layout") + "s"
    return LAYOUT_PREFIX + title


def _clean_name(title: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\, no quote at either end, at most 31 characters."""
    return _BAD_NAME.sub("-", title)[:31].strip(" '")


def _join(titles: tuple[str, ...], title: str) -> str:
    # "Date: Date" says nothing more than "Date".
    if titles and titles[-1] == title:
        return SEPARATOR.join(titles)
    return SEPARATOR.join((*titles, title))


def _text_key(node: ObjectNode, skip: str | None = None) -> str | None:
    """The required text of a kind of block shown in the shared Text column: of several, the last."""
    keys = [f.key for f in node.fields if f.required and f.node.name in _TEXT_NAMES and f.key != skip]
    return keys[-1] if keys else None


def _takes_days(node: Node) -> bool:
    """True when `node` is a text of dates: its pattern takes an ISO day but not ordinary text."""
    if not isinstance(node, ScalarNode) or "pattern" not in node.schema:
        return False
    pattern = re.compile(node.schema["pattern"])
    return bool(pattern.search("2000-01-31")) and not pattern.search("x")


def _no_comma_or_space(node: Node) -> bool:
    """True when no value of `node` can contain a comma or a space (ids, codes)."""
    if isinstance(node, UnionNode):
        return all(_no_comma_or_space(m) for m in node.members)
    assert isinstance(node, ScalarNode)
    if "enum" in node.schema:
        return all(isinstance(v, str) and not re.search(r"[,\s]", v) for v in node.schema["enum"])
    pattern = node.schema.get("pattern")
    if pattern is None:
        return False
    compiled = re.compile(pattern)
    return not any(compiled.search(probe) for probe in ("a,b", "a b", "a, b", "1,2", "A,B", "A B"))
