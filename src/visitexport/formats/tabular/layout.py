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

from visitexport.schema.model import ArrayNode, ChoiceNode, Node, ObjectNode, ScalarNode, UnionNode, VariantNode, model

__all__ = [
    "ABOUT",
    "CELLS",
    "DEPTH",
    "LISTS",
    "ORDER",
    "PARENT",
    "RECORD",
    "Column",
    "Kind",
    "Layout",
    "Sheet",
    "build_layout",
    "cell_header",
    "cell_number",
    "layout",
]

ABOUT, RECORD, LISTS = "About", "Record", "Lists"
ORDER, PARENT, DEPTH, CELLS = "#", "Parent", "Depth", "Cells"
TEXT = "Text"
SEPARATOR = ": "
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
    """One column of a sheet (or one row of ``Record``): a scalar, or a list of scalars in one cell."""

    def __init__(self, header: str, node: Scalar, multi: bool, description: str) -> None:
        self.header = header
        self.node = node
        self.multi = multi
        self.description = description
        self.name = node.name
        #: Dates are written as real date cells (when Excel can hold them).
        self.date = node.name == "date"
        #: Takes ISO days (exact or partial dates): a whole-day date cell typed here reads as YYYY-MM-DD.
        self.day_text = _takes_days(node)
        self.integer = isinstance(node, ScalarNode) and node.kind == "integer"
        self.number = isinstance(node, ScalarNode) and node.kind == "number"
        self.boolean = isinstance(node, ScalarNode) and node.kind == "boolean"
        self.enum: tuple[str, ...] = tuple(node.schema.get("enum", ())) if isinstance(node, ScalarNode) else ()
        #: An id in a column other than the row's own id refers to something else in the record.
        self.reference = node.name == "id"
        #: Free text: wrapped, and the column indented by depth on nested sheets.
        self.text = node.name == "line"
        #: Values that can hold neither commas nor spaces may also be typed "a, b" on import.
        self.loose_split = multi and _no_comma_or_space(node)


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

    @property
    def fixed_headers(self) -> list[str]:
        """The columns before the fields, in order."""
        headers = [ORDER]
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
            sheet.nested = True
            sheet.discriminator = item.discriminator
            sheet.type_header = item.discriminator_title
            sheet.top_tags = tuple(item.branches)
            pending: list[tuple[str, ObjectNode]] = list(item.branches.items())
            while pending:
                tag, node = pending.pop(0)
                if tag in sheet.kinds:
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

    def child_sheet(array: ArrayNode, path: tuple[str, ...], parent: Sheet, kind: Kind) -> Sheet:
        title, description = titles_of(kind.node, path)
        if parent.discriminator is not None and kind.node.title:
            # "Rows" alone says nothing on a tab; "Table rows" does.
            title = f"{kind.node.title} {title.lower()}"
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

    def add_kind(sheet: Sheet, tag: str, node: ObjectNode, text_merge: bool) -> Kind:
        kind = Kind(tag, node)
        sheet.kinds[tag] = kind
        text_key = _text_key(node) if text_merge else None
        for flat_header, path, flat_column in flatten(node, (), ()):
            header, column = flat_header, flat_column
            if text_key is not None and path == (text_key,):
                header, column = TEXT, Column(TEXT, flat_column.node, flat_column.multi, flat_column.description)
            existing = sheet.column(header)
            if existing is None:
                sheet.columns.append(column)
            elif (existing.node is not column.node and existing.name != column.name) or existing.multi != column.multi:
                raise ValueError(f"sheet {sheet.name}: column {header!r} would hold two kinds of value")
            if header in kind.paths:
                raise ValueError(f"sheet {sheet.name}: two fields would share the column {header!r}")
            kind.paths[header] = path
        return kind

    def flatten(
        node: ObjectNode, path: tuple[str, ...], titles: tuple[str, ...], on_array: Callable[..., object] | None = None
    ) -> list[tuple[str, tuple[str, ...], Column]]:
        """The scalar fields of `node` (through nested objects) as (header, path, column).

        Arrays of anything else go to `on_array`, if given.
        """
        out: list[tuple[str, tuple[str, ...], Column]] = []
        for field in node.fields:
            here, named, inner = (*path, field.key), _join(titles, field.title), (*titles, field.title)
            sub = field.node
            if isinstance(sub, ScalarNode | UnionNode):
                out.append((named, here, Column(named, sub, False, field.description)))
            elif isinstance(sub, ArrayNode) and isinstance(sub.item, ScalarNode | UnionNode):
                out.append((named, here, Column(named, sub.item, True, field.description)))
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
                out.append(((*path, field.key), sub))
            elif isinstance(sub, ObjectNode):
                out += object_arrays(sub, (*path, field.key))
        return out

    # The record's single values go to Record; its arrays of objects become sheets.
    result.fields = flatten(root, (), (), on_array=new_sheet)
    for sheet in result.sheets:
        headers = sheet.fixed_headers + [c.header for c in sheet.columns]
        if len(set(headers)) != len(headers):
            raise ValueError(f"sheet {sheet.name}: duplicate column headers {headers}")
    return result


def _clean_name(title: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\, no quote at either end, at most 31 characters."""
    return _BAD_NAME.sub("-", title)[:31].strip(" '")


def _join(titles: tuple[str, ...], title: str) -> str:
    # "Date: Date" says nothing more than "Date".
    if titles and titles[-1] == title:
        return SEPARATOR.join(titles)
    return SEPARATOR.join((*titles, title))


def _text_key(node: ObjectNode) -> str | None:
    """The one required line of text of a kind of block, shown in the shared Text column."""
    keys = [f.key for f in node.fields if f.required and f.node.name == "line"]
    return keys[0] if len(keys) == 1 else None


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
