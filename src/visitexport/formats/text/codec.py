"""Plain text: the release rendered from the document layer, and read back into one.

Mapping contract (document layer <-> text):

- the title line, an empty line, the date line and issuer line (each only if
  present), an empty line, then the body;
- top-level blocks, and the blocks of a section, are separated by one empty line;
- a section is ``label heading`` (or just the heading) on its own line;
- a paragraph is one line; a table is one line per row, cells joined by a tab;
- list items at nesting level n are indented by ``n * list_indent`` spaces and
  printed as ``label text``, the text being the item's first paragraph; the rest
  of an item (nested lists, continuation paragraphs) is indented one level
  deeper; a nested list follows its item's line directly, any other block
  follows an empty line; items of one list follow each other directly;
- the footer follows ``blank_lines_before`` empty lines; lines end as
  ``layout.line_ending`` says, the last one only if ``layout.final_newline``.

`render_text` is exact: for the seed it gives back the original bytes.
`parse_text` reads text laid out this way (the seed's layout); block ids are
computed from each block's place in the tree (`assign_ids`), printed labels are
kept verbatim.
"""

from __future__ import annotations

import re
from typing import Any

from visitexport.schema.model import keys, order_keys

__all__ = ["assign_ids", "parse_text", "render_text"]

Block = dict[str, Any]


def _join_blank(chunks: list[list[str]]) -> list[str]:
    out: list[str] = []
    for i, chunk in enumerate(chunks):
        if i:
            out.append("")
        out.extend(chunk)
    return out


def _render(block: Block, level: int, indent: int) -> list[str]:
    """Lines of one block inside an item of list level `level` (0: not in a list)."""
    pad = " " * (indent * (level + 1)) if level else ""
    kind = block["type"]
    if kind == "paragraph":
        return [pad + block["text"]]
    if kind == "table":
        return [pad + "\t".join(row) for row in block["rows"]]
    if kind == "section":
        heading = f"{block['label']} {block['heading']}" if "label" in block else block["heading"]
        children = [_render(b, level, indent) for b in block.get("blocks", [])]
        return [pad + heading] + (["", *_join_blank(children)] if children else [])
    lines: list[str] = []
    item_pad = " " * (indent * (level + 1))
    for item in block["items"]:
        blocks = item["blocks"]
        first = blocks[0]
        if first["type"] == "paragraph":
            lines.append(f"{item_pad}{item['label']} {first['text']}")
            blocks = blocks[1:]
        else:
            lines.append(item_pad + item["label"])
        for i, child in enumerate(blocks):
            follows_label = i == 0 and first["type"] == "paragraph"
            if not (child["type"] == "list" and follows_label):
                lines.append("")
            lines.extend(_render(child, level + 1, indent))
    return lines


def render_text(record: dict[str, Any]) -> str:
    """The release's plain text, rendered from the record's document layer."""
    doc = record["document"]
    layout = doc["layout"]
    lines = [doc["title"], ""]
    head = [doc[k] for k in ("date_line", "issuer_line") if k in doc]
    if head:
        lines += [*head, ""]
    lines += _join_blank([_render(b, 0, layout["list_indent"]) for b in doc["body"]])
    if "footer" in doc:
        lines += [""] * doc["footer"]["blank_lines_before"] + [doc["footer"]["text"]]
    newline = "\r\n" if layout["line_ending"] == "crlf" else "\n"
    return newline.join(lines) + (newline if layout["final_newline"] else "")


# --- reading ----------------------------------------------------------------

_HEADING = re.compile(r"^(\d+\.|\(\d+\)|\([a-z]\)|[A-Z]\.)\s+(\S.*)$")
_ITEM = re.compile(r"^(\d+\.|\(\d+\)|\([a-z]+\)|[a-z]\.|[-\u2022*\u30fb])(?:\s+(\S.*))?$")
_DATE_LINE = re.compile(r"\b\d{4}\b")


def _style(label: str) -> str:
    return re.sub(r"[a-z]+", "a", re.sub(r"\d+", "1", label))


_LETTER = {"section": "s", "paragraph": "p", "list": "l", "table": "t"}


def assign_ids(blocks: list[Block], parent: str = "") -> None:
    """Give every block an id from its place: ``s1``, ``s1.s2``, ``s1.s2.l1.i3.p1``."""
    counts: dict[str, int] = {}
    for block in blocks:
        letter = _LETTER[block["type"]]
        counts[letter] = counts.get(letter, 0) + 1
        block["id"] = f"{parent}{letter}{counts[letter]}"
        if block["type"] == "section" and "blocks" in block:
            assign_ids(block["blocks"], block["id"] + ".")
        elif block["type"] == "list":
            for n, item in enumerate(block["items"], 1):
                item["id"] = f"{block['id']}.i{n}"
                assign_ids(item["blocks"], item["id"] + ".")


def parse_text(text: str, list_indent: int = 2) -> dict[str, Any]:
    """Read a release laid out like the seed into a document layer (ids computed).

    Raises ValueError naming the line it cannot place.
    """
    crlf = "\r\n" in text
    final_newline = text.endswith("\n")
    lines = text.replace("\r\n", "\n").split("\n")
    if final_newline:
        lines.pop()
    if len(lines) < 3 or lines[1] != "":
        raise ValueError("line 2: expected an empty line after the title")
    doc: dict[str, Any] = {"title": lines[0]}
    pos = 2
    head: list[str] = []
    while pos < len(lines) and lines[pos] != "":
        head.append(lines[pos])
        pos += 1
    if len(head) == 2:
        doc["date_line"], doc["issuer_line"] = head
    elif len(head) == 1:
        doc["date_line" if _DATE_LINE.search(head[0]) else "issuer_line"] = head[0]
    elif head:
        raise ValueError(f"line {pos}: expected at most a date line and an issuer line after the title")
    end = len(lines)
    footer = None
    if end - 1 > pos and lines[end - 1] and lines[end - 2] == "" and lines[end - 3] == "":
        gap = 0
        while lines[end - 2 - gap] == "":
            gap += 1
        footer = {"text": lines[end - 1], "blank_lines_before": gap}
        end -= 1 + gap
    doc["body"] = _parse_body(lines, pos + 1, end, list_indent)
    if footer:
        doc["footer"] = footer
    doc["layout"] = {
        "line_ending": "crlf" if crlf else "lf",
        "list_indent": list_indent,
        "final_newline": final_newline,
    }
    assign_ids(doc["body"])
    return _ordered_document(doc)


def _parse_body(lines: list[str], start: int, end: int, indent: int) -> list[Block]:
    body: list[Block] = []
    sections: list[tuple[str, Block]] = []  # open sections with their label style
    lists: list[tuple[int, Block]] = []  # open lists with the level of their items

    def container() -> list[Block]:
        if not sections:
            return body
        blocks: list[Block] = sections[-1][1].setdefault("blocks", [])
        return blocks

    for number in range(start, end):
        line = lines[number]
        if not line:
            continue
        spaces = len(line) - len(line.lstrip(" "))
        content = line[spaces:]
        if spaces == 0:
            lists.clear()
            heading = _HEADING.match(content)
            next_blank = number + 1 >= end or lines[number + 1] == ""
            if heading and next_blank:
                label, text = heading.groups()
                style = _style(label)
                styles = [s for s, _ in sections]
                if style in styles:
                    del sections[styles.index(style) :]
                section: Block = {"type": "section", "label": label, "heading": text}
                container().append(section)
                sections.append((style, section))
            else:
                container().append({"type": "paragraph", "text": content})
            continue
        if indent == 0 or spaces % indent:
            raise ValueError(f"line {number + 1}: indentation of {spaces} is not a multiple of {indent}")
        level = spaces // indent
        item_match = _ITEM.match(content)
        if item_match:
            while lists and lists[-1][0] > level:
                lists.pop()
            label, text = item_match.groups()
            item: Block = {"label": label, "blocks": [{"type": "paragraph", "text": text}] if text else []}
            if lists and lists[-1][0] == level:
                lists[-1][1]["items"].append(item)
                continue
            new_list: Block = {"type": "list", "items": [item]}
            if level == 1:
                container().append(new_list)
            elif lists and lists[-1][0] == level - 1:
                lists[-1][1]["items"][-1]["blocks"].append(new_list)
            else:
                raise ValueError(f"line {number + 1}: list item at level {level} has no parent item")
            lists.append((level, new_list))
            continue
        # A continuation paragraph belongs to the open item one level shallower.
        while lists and lists[-1][0] > level - 1:
            lists.pop()
        if not lists or lists[-1][0] != level - 1:
            raise ValueError(f"line {number + 1}: indented text does not belong to any list item")
        lists[-1][1]["items"][-1]["blocks"].append({"type": "paragraph", "text": content})
    return body


def _ordered_document(doc: dict[str, Any]) -> dict[str, Any]:
    shape = keys().properties["document"]
    ordered: dict[str, Any] = order_keys(doc, shape)
    return ordered
