"""What the rules read: one record's index, built once per record.

A record's semantic check reads the same things many times (which kind of
thing an id names, the texts of a block, the engagements at every level, the
visit's days), so they are gathered here once. Nothing here builds a pointer
for a clean record: the pointers of blocks and engagements are worked out on
the first call of `block_pointer` or `engagement_pointer`, by the same walk
run again.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from visitexport.dates import Span, bounds, engagement_span, period_span
from visitexport.limits import MAX_DEPTH

# Kinds of things an id can name.
BLOCK, PERSON, ORG, PLACE, ENGAGEMENT, EVENT, STATEMENT, OUTCOME, DOCUMENT = (
    "block",
    "person",
    "organisation",
    "place",
    "engagement",
    "mentioned event",
    "statement",
    "outcome",
    "referenced document",
)

_ID = itemgetter("id")

#: Record keys of the top-level things with ids, and the kind each holds.
FACTS = (("people", PERSON), ("organisations", ORG), ("places", PLACE))
#: The dates of the top-level facts other than engagements: (record key, the keys of its dates).
DATED_FACTS = (("events", ("date", "end_date")), ("outcomes", ("due",)), ("referenced_documents", ("date",)))
LATER_FACTS = (("events", EVENT), ("statements", STATEMENT), ("outcomes", OUTCOME), ("referenced_documents", DOCUMENT))


def table_row(source: str) -> tuple[str, int] | None:
    """The table id and row number (from 1) a source such as 't1.r3' names, or None when it names no row."""
    table, dot, row = source.rpartition(".r")
    if not dot or not table or not row.isdigit() or row.startswith("0"):
        return None
    return table, int(row)


class _Blocks:
    """The document's parts (header lines, blocks, list items), flattened in reading order."""

    __slots__ = ("ids", "nodes", "pointers", "spans", "tables", "texts", "too_deep")

    def __init__(self) -> None:
        self.ids: list[str] = []  # header part, block and item ids
        self.nodes: list[dict[str, Any]] = []  # in step with `ids`: the part itself
        self.pointers: list[str] = []  # in step with `ids`, only when asked for
        self.texts: list[str] = []  # every text of the document
        self.spans: dict[str, tuple[int, int]] = {}  # a block's texts are texts[start:end]
        self.tables: list[tuple[int, dict[str, Any]]] = []  # (index in `ids`, table block)
        self.too_deep: list[int] = []  # index in `ids` of the section or item whose blocks nest too deep


def _walk_blocks(document: dict[str, Any], with_pointers: bool) -> _Blocks:
    tree = _Blocks()
    ids, nodes, pointers, texts, spans = tree.ids, tree.nodes, tree.pointers, tree.texts, tree.spans

    # Without pointers the walk builds no strings: a clean record never needs them.
    def walk(blocks: list[dict[str, Any]], pointer: str, parent: int, depth: int) -> None:
        # A block object sits `depth` containers deep; its own arrays go two further.
        if depth + 2 > MAX_DEPTH:
            tree.too_deep.append(parent)  # the body itself is never this deep
            return
        for n, block in enumerate(blocks):
            ident = block["id"]
            ids.append(ident)
            nodes.append(block)
            here = ""
            if with_pointers:
                here = f"{pointer}/{n}"
                pointers.append(here)
            start = len(texts)
            kind = block.get("type")
            if kind == "paragraph" or "text" in block:  # most blocks, and header lines: the shortest way
                texts.append(block["text"])
                spans[ident] = (start, start + 1)
                continue
            index = len(ids) - 1
            if kind == "section":
                texts.append(block["heading"])
                if "blocks" in block:
                    walk(block["blocks"], here and f"{here}/blocks", index, depth + 2)
            elif kind == "field":
                texts.extend((block["key"], block["value"]))
            elif kind == "list":
                for i, item in enumerate(block["items"]):
                    item_index = len(ids)
                    ids.append(item["id"])
                    nodes.append(item)
                    item_pointer = ""
                    if with_pointers:
                        item_pointer = f"{here}/items/{i}"
                        pointers.append(item_pointer)
                    item_start = len(texts)
                    if "blocks" in item:
                        walk(item["blocks"], item_pointer and f"{item_pointer}/blocks", item_index, depth + 4)
                    spans[item["id"]] = (item_start, len(texts))
            else:
                texts.extend(cell for row in block["rows"] for cell in row if cell)
                tree.tables.append((index, block))
            spans[ident] = (start, len(texts))

    for key in ("header", "body", "footer"):
        if key in document:
            walk(document[key], f"/document/{key}", -1, 3)
    return tree


class _Engagements:
    """Engagements and sub-engagements in document order (each before its own), within the nesting limit."""

    __slots__ = ("items", "parents", "pointers", "too_deep")

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.parents: list[int] = []  # index in `items` of each one's parent; -1 at the top
        self.pointers: list[str] = []  # in step with `items`, only when asked for
        self.too_deep: list[tuple[int, int]] = []  # (parent's index, position) of those past the limit


def _walk_engagements(top: list[dict[str, Any]], with_pointers: bool) -> _Engagements:
    found = _Engagements()
    items, parents, pointers = found.items, found.parents, found.pointers

    def walk(engagements: list[dict[str, Any]], pointer: str, parent: int, depth: int) -> None:
        for n, engagement in enumerate(engagements):
            if depth + 3 > MAX_DEPTH:
                found.too_deep.append((parent, n))  # never at the top
                continue
            index = len(items)
            items.append(engagement)
            parents.append(parent)
            here = ""
            if with_pointers:
                here = f"{pointer}/{n}"
                pointers.append(here)
            if "engagements" in engagement:
                walk(engagement["engagements"], here and f"{here}/engagements", index, depth + 2)

    walk(top, "/engagements", -1, 2)
    return found


class Context:
    """One schema-valid record, indexed for the rules."""

    __slots__ = (
        "_blocks",
        "_engagements",
        "_groups",
        "_kinds",
        "block_ids",
        "block_set",
        "documents",
        "engagement_ids",
        "engagement_spans",
        "engagements",
        "fits_cells",
        "organisations",
        "parties",
        "people",
        "periods",
        "places",
        "record",
        "release_span",
        "unique",
        "visit_span",
    )

    def __init__(self, record: dict[str, Any], fits_cells: bool = False) -> None:
        self.record = record
        #: The file was seen to hold no text too long for a spreadsheet cell.
        self.fits_cells = fits_cells
        #: The days of the release's date (one, or a month's or year's), when the record has one.
        release_date = record.get("release", {}).get("date")
        self.release_span: Span | None = bounds(release_date) if release_date else None
        self._blocks = blocks = _walk_blocks(record["document"], with_pointers=False)
        self._engagements = engagements = _walk_engagements(record.get("engagements", []), with_pointers=False)
        self.block_ids = blocks.ids
        self.block_set = set(blocks.ids)
        self.engagements = engagements.items
        #: Each engagement's days, or None when its dates are wrong.
        self.engagement_spans = [engagement_span(e, lenient=True) for e in engagements.items]
        visit = record.get("visit")
        self.visit_span: Span | None = period_span(visit["period"]) if visit and "period" in visit else None
        #: (leg's position, or -1 for the visit's own, period) of every period of the visit.
        self.periods: list[tuple[int, dict[str, Any]]] = []
        if visit:
            if "period" in visit:
                self.periods.append((-1, visit["period"]))
            if "legs" in visit:
                self.periods += [(n, leg["period"]) for n, leg in enumerate(visit["legs"]) if "period" in leg]

        # Ids are read with `map` and `itemgetter`, the sets of each kind that references may name
        # are built at once, and the ordered index of every id only when a message needs it.
        get = record.get
        self._groups: list[tuple[str, list[dict[str, Any]]]] = [
            (PERSON, get("people", [])),
            (ORG, get("organisations", [])),
            (PLACE, get("places", [])),
            (ENGAGEMENT, engagements.items),
            (EVENT, get("events", [])),
            (STATEMENT, get("statements", [])),
            (OUTCOME, get("outcomes", [])),
            (DOCUMENT, get("referenced_documents", [])),
        ]
        self._kinds: dict[str, str] | None = None
        sets = [set(map(_ID, things)) for _, things in self._groups]
        #: No id is defined twice.
        self.unique = len(self.block_set.union(*sets)) == len(blocks.ids) + sum(
            [len(things) for _, things in self._groups]
        )
        if not self.unique:  # each id counts as the kind it was first defined as
            sets = [set() for _ in self._groups]
            index = {kind: n for n, (kind, _) in enumerate(self._groups)}
            for ident, kind in self.kinds.items():
                if kind != BLOCK:
                    sets[index[kind]].add(ident)
        self.people, self.organisations, self.places, self.engagement_ids, _, _, _, self.documents = sets
        self.parties = self.people | self.organisations

    @property
    def kinds(self) -> dict[str, str]:
        """The kind of thing each id names, as first defined (for messages: built on first use)."""
        if self._kinds is None:
            kinds = dict.fromkeys(self.block_ids, BLOCK)
            for kind, things in self._groups:
                for ident in map(_ID, things):
                    kinds.setdefault(ident, kind)
            self._kinds = kinds
        return self._kinds

    @property
    def texts(self) -> list[str]:
        """Every text of the document, in reading order."""
        return self._blocks.texts

    @property
    def spans(self) -> dict[str, tuple[int, int]]:
        """A block's or list item's texts are `texts[start:end]`."""
        return self._blocks.spans

    @property
    def parts(self) -> list[dict[str, Any]]:
        """Every header line, block and list item, in step with `block_ids`."""
        return self._blocks.nodes

    @property
    def table_rows(self) -> dict[str, int]:
        """How many rows each table has, by the table's id (a source may name one row)."""
        return {self.block_ids[index]: len(table["rows"]) for index, table in self._blocks.tables}

    def row_cells(self, source: str) -> list[str] | None:
        """The cells of the table row a source names ('t1.r3', from 1), or None when it names none."""
        if (named := table_row(source)) is None:
            return None
        table, row = named
        for index, block in self._blocks.tables:
            if self.block_ids[index] == table:
                rows: list[list[str]] = block["rows"]
                return rows[row - 1] if row <= len(rows) else None
        return None

    @property
    def tables(self) -> list[tuple[int, dict[str, Any]]]:
        """(index in `block_ids`, block) of every table."""
        return self._blocks.tables

    @property
    def too_deep_blocks(self) -> list[int]:
        """Index in `block_ids` of each section or item whose blocks nest past the limit (not entered)."""
        return self._blocks.too_deep

    @property
    def engagement_parents(self) -> list[int]:
        """Index in `engagements` of each one's parent, -1 for a top-level engagement."""
        return self._engagements.parents

    @property
    def too_deep_engagements(self) -> list[tuple[int, int]]:
        """(parent's index in `engagements`, position among its sub-engagements) of those past the limit."""
        return self._engagements.too_deep

    def block_pointer(self, index: int) -> str:
        """The pointer of `block_ids[index]`'s block or item."""
        if not self._blocks.pointers:
            self._blocks.pointers = _walk_blocks(self.record["document"], with_pointers=True).pointers
        return self._blocks.pointers[index]

    def engagement_pointer(self, index: int) -> str:
        """The pointer of `engagements[index]`."""
        if not self._engagements.pointers:
            walked = _walk_engagements(self.record.get("engagements", []), with_pointers=True)
            self._engagements.pointers = walked.pointers
        return self._engagements.pointers[index]
