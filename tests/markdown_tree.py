"""What a CommonMark parser makes of our Markdown, and what it should make of a record.

`release_stream` reads the parsed report's release text as a flat stream of
headings, list items, paragraphs and tables with their nesting depth;
`expected_stream` computes the same stream from a record's document layer.
The two must be equal: that proves headings, nesting, printed labels, table
cells and every block's text (once, in order) at the same time.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

# CommonMark plus GitHub's tables, and linkify (GitHub's extended autolinks, near enough),
# so that text which a GitHub-like renderer would turn into a link is caught too.
MD = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "linkify"])

Entry = tuple[Any, ...]
RELEASE_LISTS = ("-", "+")


def parse(text: str) -> list[Token]:
    return MD.parse(text)


def plain(token: Token) -> str:
    """The text an inline token renders, which must hold nothing but text (and our own strong labels)."""
    out = []
    for child in token.children or []:
        if child.type == "text":
            out.append(child.content)
        elif child.type not in ("strong_open", "strong_close"):
            raise AssertionError(f"unexpected {child.type} in {token.content!r}")
    return "".join(out)


def all_text(tokens: list[Token]) -> str:
    """Every inline token's text (links' text included), one per line."""
    lines = []
    for token in tokens:
        if token.type == "inline":
            lines.append("".join(c.content for c in token.children or [] if c.type == "text"))
    return "\n".join(lines)


def release_stream(tokens: list[Token]) -> list[Entry]:
    """Headings, items, paragraphs and tables between the "Release text" heading and the next level-2 heading.

    Lists with the ``*`` marker are the engagements' facts, ours rather than the
    release's, and are left out with everything inside them.
    """
    start = next(
        i
        for i, t in enumerate(tokens)
        if t.type == "inline" and t.content == "Release text" and tokens[i - 1].tag == "h2"
    )
    out: list[Entry] = []
    depth = 0  # release lists open around the current token
    skip = 0  # fact lists open around it
    first_in_item = False
    table: list[list[str]] | None = None
    row: list[str] = []
    i = start + 2
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open" and token.tag == "h2":
            break
        if token.type == "bullet_list_open":
            if skip or token.markup not in RELEASE_LISTS:
                skip += 1
            else:
                depth += 1
        elif token.type == "bullet_list_close":
            if skip:
                skip -= 1
            else:
                depth -= 1
        elif token.type == "ordered_list_open":
            raise AssertionError("the renderer would number this list itself")
        elif skip:
            pass
        elif token.type == "list_item_open":
            first_in_item = True
        elif token.type == "heading_open":
            out.append(("heading", int(token.tag[1]), plain(tokens[i + 1])))
            first_in_item = False
            i += 2
        elif token.type == "paragraph_open":
            text = plain(tokens[i + 1])
            out.append(("item", depth, text) if first_in_item else ("paragraph", depth, text))
            first_in_item = False
            i += 2
        elif token.type == "table_open":
            table = []
            first_in_item = False
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            row.append(plain(tokens[i + 1]))
            i += 1
        elif token.type == "tr_close" and table is not None:
            table.append(row)
        elif token.type == "table_close" and table is not None:
            out.append(("table", depth, table))
            table = None
        i += 1
    return out


def expected_stream(record: dict[str, Any]) -> list[Entry]:
    """The stream `release_stream` must find for a record's document body."""
    out: list[Entry] = []

    def blocks(group: list[dict[str, Any]], level: int, depth: int) -> None:
        for block in group:
            kind = block["type"]
            if kind == "section":
                text = f"{block['label']} {block['heading']}" if "label" in block else block["heading"]
                out.append(("heading", min(level, 6), text))
                blocks(block.get("blocks", []), level + 1, depth)
            elif kind == "paragraph":
                out.append(("paragraph", depth, block["text"]))
            elif kind == "table":
                rows = [list(r) for r in block["rows"]]
                if not block["header_rows"]:
                    rows.insert(0, [""] * len(rows[0]))
                out.append(("table", depth, rows))
            else:
                for item in block["items"]:
                    children = item["blocks"]
                    if children[0]["type"] == "paragraph":
                        out.append(("item", depth + 1, f"{item['label']} {children[0]['text']}"))
                        children = children[1:]
                    else:
                        out.append(("item", depth + 1, item["label"]))
                    blocks(children, level, depth + 1)

    blocks(record["document"]["body"], 3, 0)
    return out


def links(tokens: list[Token]) -> list[str]:
    """The href of every link, anywhere, percent-decoded (the parser encodes what is not ASCII)."""
    found = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "link_open":
                found.append(unquote(str(child.attrs["href"])))
    return found


def raw_html_or_images(tokens: list[Token]) -> list[str]:
    bad = [t.type for t in tokens if t.type.startswith("html")]
    for token in tokens:
        bad += [c.type for c in token.children or [] if c.type.startswith("html") or c.type == "image"]
    return bad
