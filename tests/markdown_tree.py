"""What a CommonMark parser makes of our Markdown, and what it should make of a record.

`release_stream` reads the parsed report's release text as a flat stream of
headings, list items, paragraphs, key/value lines and tables with their nesting
depth; `expected_stream` computes the same stream from a record's document
layer. The two must be equal: that proves headings, nesting, printed labels,
key/value lines (a bold key, the only bold in release text), table cells and
every block's text (once, in order) at the same time.
`gfm_release_stream` reads the same stream from the HTML of cmark-gfm, the
library GitHub renders Markdown with, as a second, independent parser.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple
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


def split_field(token: Token) -> tuple[str, tuple[str, str] | None]:
    """An inline token's text, or the text before our bold key and the (key, value) of a key/value line.

    Release text is escaped, so the only bold in it is a key/value line's key:
    ``**Key:** value``, the colon inside the bold, one space before the value.
    """
    children = token.children or []
    kinds = [child.type for child in children]
    if "strong_open" not in kinds:
        return plain(token), None
    start, end = kinds.index("strong_open"), kinds.index("strong_close")
    before, key, value = (
        _texts(part, token) for part in (children[:start], children[start + 1 : end], children[end + 1 :])
    )
    assert key.endswith(":"), token.content
    assert value.startswith(" "), token.content
    return before, (key[:-1], value[1:])


def _texts(children: list[Token], token: Token) -> str:
    if any(child.type != "text" for child in children):
        raise AssertionError(f"unexpected {[c.type for c in children]} in {token.content!r}")
    return "".join(child.content for child in children)


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
            text, field = split_field(tokens[i + 1])
            if first_in_item:
                out.append(("item", depth, text.removesuffix(" ") if field else text))
            elif field is None:
                out.append(("paragraph", depth, text))
            else:
                assert text == "", tokens[i + 1].content
            if field is not None:
                out.append(("field", depth, *field))
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


class FactItem(NamedTuple):
    """One item of the report's own ``*`` lists: the heading it is written under, how deep it is among
    ``*`` lists (1 for an item of its own, 2 for its facts), its bold label and the text after it."""

    heading: str
    depth: int
    label: str
    value: str


def fact_items(tokens: list[Token]) -> list[FactItem]:
    """Every item of a ``*`` list (the report's own: the release's lists use '-' and '+'), in order."""
    out: list[FactItem] = []
    heading = ""
    markers: list[str] = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = plain(tokens[i + 1])
        elif token.type == "bullet_list_open":
            markers.append(token.markup)
        elif token.type == "bullet_list_close":
            markers.pop()
        elif token.type == "list_item_open" and markers[-1] == "*":
            inline = next(t for t in tokens[i:] if t.type == "inline")
            children = [c for c in inline.children or [] if c.type != "text" or c.content]
            kinds = [c.type for c in children]
            assert kinds[:1] == ["strong_open"], inline.content  # each begins with its bold label
            end = kinds.index("strong_close")
            label = "".join(c.content for c in children[1:end]).removesuffix(":")
            value = "".join(c.content for c in children[end + 1 :] if c.type == "text").removeprefix(" ")
            out.append(FactItem(heading, markers.count("*"), label, value))
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
            elif kind == "field":
                out.append(("field", depth, block["key"], block["value"]))
            elif kind == "table":
                # Ragged rows padded to the widest; no header row: an empty one.
                width = max(len(r) for r in block["rows"])
                rows = [[*r, *[""] * (width - len(r))] for r in block["rows"]]
                if not block.get("header_rows", 0):
                    rows.insert(0, [""] * width)
                out.append(("table", depth, rows))
            else:
                for item in block["items"]:
                    children = item.get("blocks", [])
                    if children and children[0]["type"] == "paragraph":
                        out.append(("item", depth + 1, f"{item['label']} {children[0]['text']}"))
                        children = children[1:]
                    else:
                        # A label alone, or a label and a key/value line, which the loop below adds.
                        out.append(("item", depth + 1, item["label"]))
                    blocks(children, level, depth + 1)

    blocks(record["document"].get("body", []), 3, 0)
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


# --- GitHub's own renderer (cmark-gfm) ---------------------------------------------------

GFM_TAGS = frozenset(
    [
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "ul",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "strong",
        "a",
    ]
)


def is_email_link(href: str) -> bool:
    """A link GitHub makes from text shaped like an e-mail address, whatever the escaping (README:
    Markdown). cmark-gfm keeps local-part characters before the scheme ('+xmpp:a@b.co',
    '1.xmpp:a@b.co'), and after one such link in 'mailto:a@b.coa@b.co' links the rest as a bare
    address ('b.coa@b.co')."""
    return _EMAIL_LINK.match(href) is not None or _BARE_ADDRESS.fullmatch(href) is not None


_EMAIL_LINK = re.compile(r"[\w.+-]*(?:mailto|xmpp):")
_BARE_ADDRESS = re.compile(r"[\w.+-]+@[\w.-]+")


def gfm_html(text: str) -> Any:
    """The HTML GitHub's cmark-gfm makes of `text` (raw HTML let through, so any would show), as an lxml tree."""
    import cmarkgfm
    import lxml.html
    from cmarkgfm.cmark import Options

    html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    return lxml.html.fragment_fromstring(html, create_parent="div")


def gfm_tags(root: Any) -> set[str]:
    return {str(element.tag) for element in root.iter() if isinstance(element.tag, str)}


def gfm_links(root: Any) -> list[str]:
    return [unquote(str(a.get("href"))) for a in root.iter("a")]


def _facts_list(ul: Any) -> bool:
    """Our fact lists: each item starts with a bold label (release text has none: it is escaped)."""
    li = ul.find("li")
    first = li[0] if len(li) else None
    if first is not None and first.tag == "p" and not first.text and len(first):
        first = first[0]  # a loose list's item
    return not (li.text or "").strip("\n") and first is not None and first.tag == "strong"


def gfm_item_text(li: Any) -> tuple[str, list[Any]]:
    """A tight list item's own text (before any nested block) and the blocks after it."""
    rest = list(li)
    head = li.text or ""
    while rest and rest[0].tag in ("a", "strong"):  # inline elements: the text goes on after them
        head += rest[0].text_content() + (rest[0].tail or "")
        rest = rest[1:]
    return head.rstrip("\n"), rest


def gfm_split_field(element: Any) -> tuple[str, tuple[str, str] | None, list[Any]]:
    """An element's own text up to its first block child, split as `split_field` does, and the blocks after.

    Inline children are links (GitHub's e-mail autolinks) and our bold key.
    """
    rest = list(element)
    text = element.text or ""
    before, key = "", None
    while rest and rest[0].tag in ("a", "strong"):
        child = rest.pop(0)
        if child.tag == "strong":
            assert key is None, element.text_content()
            before, key, text = text, child.text_content(), ""
        else:
            text += child.text_content()
        text += child.tail or ""
    text = text.rstrip("\n")
    if key is None:
        return text, None, rest
    assert key.endswith(":"), element.text_content()
    assert text.startswith(" "), element.text_content()
    return before, (key[:-1], text[1:]), rest


def gfm_release_stream(root: Any) -> list[Entry]:
    """`release_stream`, read from cmark-gfm's HTML instead of markdown-it's tokens."""
    out: list[Entry] = []
    children = list(root)
    start = next(i for i, e in enumerate(children) if e.tag == "h2" and e.text_content() == "Release text")

    def item(li: Any, depth: int) -> None:
        head, field, rest = gfm_split_field(li)
        if not head and field is None and rest and rest[0].tag == "p":  # a loose item: its first line is a p
            head, field, _ = gfm_split_field(rest[0])
            rest = rest[1:]
        out.append(("item", depth, head.removesuffix(" ") if field else head))
        if field is not None:
            out.append(("field", depth, *field))
        blocks(rest, depth)

    def blocks(elements: list[Any], depth: int) -> None:
        for element in elements:
            tag = element.tag
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                out.append(("heading", int(tag[1]), element.text_content()))
            elif tag == "p":
                text, field, _ = gfm_split_field(element)
                if field is None:
                    out.append(("paragraph", depth, element.text_content()))
                else:
                    assert text == "", element.text_content()
                    out.append(("field", depth, *field))
            elif tag == "ul" and not _facts_list(element):
                for li in element.findall("li"):
                    item(li, depth + 1)
            elif tag == "table":
                rows = [[cell.text_content() for cell in tr] for tr in element.iter("tr")]
                out.append(("table", depth, rows))

    rest = []
    for element in children[start + 1 :]:
        if element.tag == "h2":
            break
        rest.append(element)
    blocks(rest, 0)
    return out
