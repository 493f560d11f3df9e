"""Plain text from the document layer: the default rendering, and every recorded difference from it.

Mapping contract (document layer -> text). Every part of the release (a header
line, a block, a list item) prints as zero or more empty lines, then its own
lines. Whatever a part records overrides the default below; what it does not
record is the default, so a record stores only where the text differs:

- parts are separated by one empty line (``blank_lines`` says otherwise);
  none between list items, between consecutive key/value lines, between the
  date and issuer lines, between lines of page chrome above the title, or before a list or block that follows its item's
  label line; the text ends with none (``layout.blank_lines``);
- a header line and a block in the body, a section or the footer start at
  column 0; a list that is not inside another at ``layout.first_indent``;
  the blocks inside an item (continuation paragraphs, nested lists) at the
  item's column plus ``layout.list_indent``; the items of a list at the
  column of its first item;
- a text over several lines (``breaks``: its nth space printed as a line
  break) continues under where its text started (a hanging indent);
- an item prints ``label gap text`` on one line when its first block is a
  paragraph or a key/value line (unless ``label_alone``), otherwise the
  label alone; a section ``label gap heading``; a key/value line
  ``key gap value`` with ``gap`` ``": "``; ``joined`` prints a part's first
  line at the end of the line before it, after that whitespace;
- a table prints a row per line, cells joined by tabs, or in its ``style``
  (``pipe``: ``| a | b |``, ``bar``: ``a | b``, ``space``: aligned by
  spaces, each column padded to its widest cell); ``gaps`` gives a row's
  exact separators, ``rules`` its separator lines;
- ``lines`` holds, per line of a part (counted from 0, its empty lines
  first), its indentation, trailing whitespace and line ending where they
  differ; every line ends with ``layout.line_ending``, the last only if
  ``layout.final_newline``; ``layout.bom`` and ``layout.controls`` restore a
  byte order mark and control characters.

`render_document` is total: whatever a valid record says, it renders. With
``prune=True`` it also removes every recorded value that equals its default
(the reader records everything, then prunes), so the defaults are defined
once, here.
"""

from __future__ import annotations

from typing import Any

from visitexport.breaks import split

__all__ = ["CONTROL_PICTURES", "ENDINGS", "INLINE", "render_document", "render_text", "table_gaps"]

Node = dict[str, Any]

ENDINGS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}
#: Control characters (other than tab, line feed and carriage return) and the pictures that stand for them.
CONTROL_PICTURES = {chr(c): chr(0x2400 + c) for c in range(0x20) if chr(c) not in "\t\n\r"}
_FROM_PICTURES = str.maketrans({v: k for k, v in CONTROL_PICTURES.items()})
#: Parts whose first line is printed on their item's label line.
INLINE = frozenset({"paragraph", "field"})
_FIELD_GAP = ": "


def table_gaps(style: str | None, rows: list[list[str]]) -> list[list[str]]:
    """The default separators of each row: before the first cell, between cells, after the last."""
    if style is None:
        return [["", *(["\t"] * (len(row) - 1)), ""] for row in rows]
    widths: list[int] = []
    for row in rows:
        for n, cell in enumerate(row):
            if n == len(widths):
                widths.append(0)
            widths[n] = max(widths[n], len(cell))
    out = []
    for row in rows:
        pads = [" " * (widths[n] - len(cell)) for n, cell in enumerate(row)]
        if style == "pipe":
            out.append(["| ", *(f"{pad} | " for pad in pads[:-1]), pads[-1] + " |"])
        elif style == "bar":
            out.append(["", *(f"{pad} | " for pad in pads[:-1]), ""])
        else:
            out.append(["", *(f"{pad}  " for pad in pads[:-1]), ""])
    return out


class _Renderer:
    def __init__(self, doc: Node, prune: bool) -> None:
        self.layout: Node = doc.get("layout", {})
        self.prune = prune
        self.ending = ENDINGS[self._default(self.layout, "line_ending", "lf")]
        self.step: int = self._default(self.layout, "list_indent", 2)
        self.first_indent: int = self._default(self.layout, "first_indent", self.step)
        #: Printed lines as [indent, content, trailing, ending].
        self.out: list[list[str]] = []

    # --- one part: its empty lines, then its lines --------------------------------------

    def _default(self, node: Node, key: str, default: Any) -> Any:
        value = node.get(key, default)
        if self.prune and key in node and value == default:
            del node[key]
        return value

    def part(self, node: Node, contents: list[str], column: int, hang: int, blanks: int) -> int:
        """Print `node`'s lines; return the column its first line starts at."""
        overrides: dict[int, Node] = {o["at"]: o for o in node.get("lines", ())}
        joined = node.get("joined") if self.out else None
        if joined is not None and self.prune:
            node.pop("blank_lines", None)
        count = 0 if joined is not None else self._default(node, "blank_lines", blanks)
        for at in range(count):
            self.emit(overrides.get(at), "", "")
        first = column
        for n, content in enumerate(contents):
            over = overrides.get(count + n)
            if n == 0 and joined is not None:
                last = self.out[-1]
                last[1] += last[2] + joined + content
                last[2] = self._trailing(over)
                continue
            indent = " " * (column if n == 0 else first + hang)
            if over is not None and "indent" in over:
                if self.prune and over["indent"] == indent:
                    del over["indent"]
                else:
                    indent = over["indent"]
            if n == 0:
                first = len(indent)
            self.emit(over, indent, content)
        if self.prune and "lines" in node:
            node["lines"] = [o for o in node["lines"] if len(o) > 1]
            if not node["lines"]:
                del node["lines"]
        return first

    def _trailing(self, over: Node | None) -> str:
        if over is None:
            return ""
        trailing: str = over.get("trailing", "")
        return trailing

    def emit(self, over: Node | None, indent: str, content: str) -> None:
        ending = self.ending
        if over is not None:
            if "indent" in over and not content:
                if self.prune and over["indent"] == indent:
                    del over["indent"]
                else:
                    indent = over["indent"]
            if "ending" in over:
                if self.prune and ENDINGS[over["ending"]] == self.ending:
                    del over["ending"]
                else:
                    ending = ENDINGS[over["ending"]]
        self.out.append([indent, content, self._trailing(over), ending])

    # --- the tree ------------------------------------------------------------------------

    def document(self, doc: Node) -> None:
        previous = None
        for n, line in enumerate(doc["header"]):
            pair = {previous, line["type"]}
            blanks = 0 if n == 0 or pair in ({"date", "issuer"}, {"chrome"}) else 1
            self.part(line, split(line["text"], line.get("breaks")), 0, 0, blanks)
            previous = line["type"]
        self.blocks(doc.get("body", []), 0, 1)
        self.blocks(doc.get("footer", []), 0, 1)
        self.part(self.layout, [], 0, 0, 0)

    def blocks(self, blocks: list[Node], column: int, first_blanks: int) -> None:
        """The blocks of the body, the footer or a section: not inside a list item."""
        previous = None
        for n, block in enumerate(blocks):
            blanks = first_blanks if n == 0 else 0 if previous == block["type"] == "field" else 1
            self.block(block, column, blanks, top=True)
            previous = block["type"]

    def block(self, block: Node, column: int, blanks: int, top: bool = False) -> None:
        kind = block["type"]
        if kind == "paragraph":
            self.part(block, split(block["text"], block.get("breaks")), column, 0, blanks)
        elif kind == "field":
            self.part(block, *self.field_lines(block), column, blanks)
        elif kind == "section":
            lines = split(block["heading"], block.get("breaks"))
            hang = 0
            if "label" in block:
                prefix = block["label"] + self._default(block, "gap", " ")
                lines[0] = prefix + lines[0]
                hang = len(prefix)
            self.part(block, lines, column, hang, blanks)
            self.blocks(block.get("blocks", []), column, 1)
        elif kind == "list":
            self.items(block["items"], self.first_indent if top else column, blanks)
        else:
            self.table(block, column, blanks)

    def field_lines(self, block: Node) -> tuple[list[str], int]:
        lines = split(block["value"], block.get("breaks"))
        prefix = block["key"] + self._default(block, "gap", _FIELD_GAP)
        lines[0] = prefix + lines[0]
        return lines, len(prefix)

    def items(self, items: list[Node], column: int, blanks: int) -> None:
        for n, item in enumerate(items):
            start = self.item(item, column, blanks if n == 0 else 0)
            if n == 0:
                column = start

    def item(self, item: Node, column: int, blanks: int) -> int:
        blocks: list[Node] = item.get("blocks", [])
        inline = bool(blocks) and blocks[0]["type"] in INLINE
        alone = self._default(item, "label_alone", not inline)
        gap = self._default(item, "gap", " ") if inline and not alone else ""
        label = item["label"] + gap
        if inline and not alone:
            first = blocks[0]
            if first["type"] == "paragraph":
                lines, hang = split(first["text"], first.get("breaks")), 0
            else:
                lines, hang = self.field_lines(first)
            lines[0] = label + lines[0]
            start = self.part(item, lines, column, hang + len(label), blanks)
            after = 1
        else:
            start = self.part(item, [item["label"]], column, 0, blanks)
            after = 0
        for n in range(after, len(blocks)):
            block = blocks[n]
            follows_label = n == after and (after == 0 or block["type"] == "list")
            fields = n > 0 and blocks[n - 1]["type"] == block["type"] == "field"
            self.block(block, start + self.step, 0 if follows_label or fields else 1)
        return start

    def table(self, block: Node, column: int, blanks: int) -> None:
        rows: list[list[str]] = block["rows"]
        style = block.get("style")
        defaults = table_gaps(style, rows)
        given = {g["row"]: g for g in block.get("gaps", ())}
        rules: dict[int, list[str]] = {}
        for rule in block.get("rules", ()):
            rules.setdefault(rule["before"], []).append(rule["text"])
        lines: list[str] = []
        for n, row in enumerate(rows):
            lines += rules.get(n, [])
            gaps = defaults[n]
            if n in given:
                mine = given[n]["gaps"]
                if self.prune and mine == gaps:
                    given[n].clear()
                elif len(mine) == len(row) + 1:
                    gaps = mine
            lines.append("".join(gap + cell for gap, cell in zip(gaps, [*row, ""], strict=True)))
        for n in sorted(r for r in rules if r >= len(rows)):
            lines += rules[n]
        if self.prune and "gaps" in block:
            block["gaps"] = [g for g in block["gaps"] if g]
            if not block["gaps"]:
                del block["gaps"]
        self.part(block, lines, column, 0, blanks)

    def text(self) -> str:
        final = self.layout.get("final_newline", True)
        if self.prune and final:
            self.layout.pop("final_newline", None)
        lines = self.out
        if lines and not final:
            lines[-1][3] = ""
        text = "".join(part for line in lines for part in line)
        if self.layout.get("controls"):
            text = text.translate(_FROM_PICTURES)
        return ("\ufeff" if self.layout.get("bom") else "") + text


def render_document(doc: Node, prune: bool = False) -> str:
    """The plain text of a document layer (pruning, with `prune`, what equals the default)."""
    renderer = _Renderer(doc, prune)
    renderer.document(doc)
    return renderer.text()


def render_text(record: dict[str, Any]) -> str:
    """The release's plain text, rendered from the record's document layer."""
    return render_document(record["document"])
