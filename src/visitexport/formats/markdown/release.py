"""The release text in Markdown: a document body in reading order, every block once, labels as printed.

- a section is a heading (level `level` at the top, one deeper per nesting,
  capped at 6) of its label and heading text; `on_section` then writes what
  belongs under the heading before the section's blocks (an engagement's facts);
- a paragraph is one line (its text is joined already: where the printed
  lines broke is layout, left out like the rest of it);
- a key/value line (a ``field``) is a line of its own: the key in bold with its
  colon, then the value (``**Time:** 18:00``);
- a list is a bullet list whose items begin with their printed label as text,
  so no renderer renumbers or restyles them; an item's first paragraph or
  key/value line shares the label's line, a nested list follows that line
  directly, any other block follows an empty line, indented to the item's
  content; an item without blocks is its label alone; adjacent lists
  alternate the markers ``-`` and ``+`` (same-marker lists would merge);
- a table is a GitHub table, whatever its printed style; its rows are padded
  with empty cells to the widest (GitHub would drop cells past the header's);
  one without a header row gets an empty one, and header rows after the first
  become ordinary rows (GitHub tables have one).

The document's header (title, qualifiers, date and issuer lines) is the
report's own business, and its footer (navigation) is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from visitexport.formats.markdown import text as md_text
from visitexport.formats.markdown.page import Page

__all__ = ["LIST_MARKERS", "field", "write_release"]

Block = dict[str, Any]
#: The markers of the release's lists (the report's own lists use ``*``).
LIST_MARKERS = ("-", "+")


def field(block: Block) -> str:
    """A key/value line as Markdown: ``**Key:** value``, both escaped, on a line that may begin a block."""
    return f"**{md_text.inline(block['key'])}:** {md_text.inline(block['value'])}"


class _Release:
    def __init__(self, page: Page, on_section: Callable[[Block, str], None]) -> None:
        self.page = page
        self.on_section = on_section
        self.anchors: dict[str, str] = {}

    def blocks(self, blocks: list[Block], level: int, pad: str, *, after_line: bool = False) -> None:
        """Blocks in reading order; `after_line`: the first follows an item's label line."""
        page = self.page
        marker = ""
        for index, block in enumerate(blocks):
            kind = block["type"]
            if not (after_line and index == 0 and kind == "list"):
                page.blank()
            if kind == "section":
                self.section(block, level, pad)
            elif kind == "paragraph":
                page.lines.append(pad + md_text.block(block["text"]))
            elif kind == "field":
                page.lines.append(pad + field(block))
            elif kind == "table":
                self.table(block, pad)
            else:
                marker = LIST_MARKERS[1] if marker == LIST_MARKERS[0] else LIST_MARKERS[0]
                self.items(block, marker, level, pad)
            if kind != "list":
                marker = ""

    def table(self, block: Block, pad: str) -> None:
        width = max(len(row) for row in block["rows"])
        rows = [
            [md_text.block(cell) if cell else "" for cell in row] + [""] * (width - len(row)) for row in block["rows"]
        ]
        if block.get("header_rows", 0):
            self.page.table(rows[0], rows[1:], pad)
        else:
            self.page.table([""] * width, rows, pad)

    def section(self, block: Block, level: int, pad: str) -> None:
        text = f"{block['label']} {block['heading']}" if "label" in block else block["heading"]
        self.anchors[block["id"]] = self.page.heading(level, text, pad)
        self.on_section(block, pad)
        if "blocks" in block:
            self.blocks(block["blocks"], level + 1, pad)

    def items(self, block: Block, marker: str, level: int, pad: str) -> None:
        inner = pad + " " * (len(marker) + 1)
        for item in block["items"]:
            children = item.get("blocks", [])
            first = children[0]["type"] if children else None
            if first == "paragraph":
                self.page.lines.append(f"{pad}{marker} {md_text.block(item['label'] + ' ' + children[0]['text'])}")
                children = children[1:]
            elif first == "field":
                self.page.lines.append(f"{pad}{marker} {md_text.block(item['label'])} {field(children[0])}")
                children = children[1:]
            else:
                self.page.lines.append(f"{pad}{marker} {md_text.block(item['label'])}")
            if children:
                self.blocks(children, level, inner, after_line=True)
                if children[-1]["type"] not in ("paragraph", "field", "list"):
                    self.page.blank()


def write_release(
    page: Page, body: list[Block], level: int, on_section: Callable[[Block, str], None]
) -> dict[str, str]:
    """Write `body` to `page`, sections as headings from `level`; return each section's anchor by id."""
    release = _Release(page, on_section)
    release.blocks(body, level, "")
    return release.anchors
