"""A document layer as the outline `tests/releases/*.tree` files give: type, label and first words per node."""

from __future__ import annotations

from typing import Any

Node = dict[str, Any]


def _words(text: str, count: int) -> str:
    return " ".join(text.split()[:count])


def outline(document: Node, expected: str) -> str:
    """`document` in the .tree format, with as many first words per node as `expected` gives on that line."""
    counts = [len(line.split(" | ", 1)[1].split()) if " | " in line else 0 for line in expected.splitlines()]
    out: list[tuple[int, str, str | None]] = []

    def node(depth: int, head: str, text: str | None) -> None:
        out.append((depth, head, text))

    def blocks(items: list[Node], depth: int) -> None:
        for block in items:
            kind = block["type"]
            if kind == "paragraph":
                node(depth, "paragraph", block["text"])
            elif kind == "field":
                node(depth, f"field {block['key']}", block["value"])
            elif kind == "section":
                head = f"section {block['label']}" if "label" in block else "section"
                node(depth, head, block["heading"])
                blocks(block.get("blocks", []), depth + 1)
            elif kind == "table":
                rows = block["rows"]
                node(depth, f"table rows={len(rows)} header={block.get('header_rows', 0)}", rows[0][0])
            else:
                node(depth, "list", None)
                for item in block["items"]:
                    inner = item.get("blocks", [])
                    inline = bool(inner) and inner[0]["type"] == "paragraph" and not item.get("label_alone")
                    node(depth + 1, f"item {item['label']}", inner[0]["text"] if inline else None)
                    blocks(inner[1:] if inline else inner, depth + 2)

    node(0, "header", None)
    for part in document["header"]:
        node(1, part["type"], part["text"])
    if "body" in document:
        node(0, "body", None)
        blocks(document["body"], 1)
    if "footer" in document:
        node(0, "footer", None)
        blocks(document["footer"], 1)
    lines = []
    for n, (depth, head, text) in enumerate(out):
        count = counts[n] if n < len(counts) and counts[n] else 4
        lines.append("  " * depth + head + (f" | {_words(text, count)}" if text is not None else ""))
    return "\n".join(lines) + "\n"
