"""Markdown text: escaping any record text so that it renders as exactly that text.

Every character that could start markup is escaped, whatever its place, so the
escaping does not depend on context except where CommonMark itself does:

- ASCII punctuation with a meaning in CommonMark, GitHub Flavored Markdown
  (tables, strikethrough, autolinks) or GitHub's math (``$``) gets a backslash;
  ``&`` only where it could start a character reference;
- at the start of a block, a ``-``, ``+`` or ``=`` (list item, setext
  underline) and the ``.`` or ``)`` after leading digits (ordered list item)
  get a backslash;
- white space that renderers trim from the ends of a paragraph, heading or
  table cell (no-break space, ideographic space, ...) becomes a numeric
  character reference at either end, so it survives;
- ``://``, ``www.`` and ``@`` get a backslash so GitHub's extended autolinks do
  not turn text into a link: links come only from URL fields (`link`).

Text with line breaks or other control characters below U+0020 is refused: the
schema forbids it in every field, and no Markdown construct could keep it in a
table cell.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["block", "destination", "inline", "link", "slug"]

# Backslash-escaped: markup characters wherever they occur, '&' where it could start a character
# reference, and the ':' of '://', the '.' of 'www.' and '@', which GitHub's autolinks look for.
_ESCAPE = re.compile(r"[\\`*_\[\]<>|~#${}@]|&(?=[#A-Za-z0-9])|(?<=[A-Za-z0-9]):(?=//)|(?i:(?<=www))\.")
# Stripped from both ends of paragraphs, headings and cells by some renderers
# (markdown-it trims JavaScript's white space; U+FEFF too, for safety).
_EDGE_SPACE = frozenset(
    "\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_LIST_NUMBER = re.compile(r"^([0-9]+)([.)])")
_CONTROL = re.compile(r"[\x00-\x1f]")


def _reference(char: str) -> str:
    return f"&#x{ord(char):X};"


def inline(text: str) -> str:
    """`text` escaped for any place inside a line (not at the start of a block)."""
    if _CONTROL.search(text):
        raise ValueError(f"text with a control character cannot be written as Markdown: {text!r}")
    out = _ESCAPE.sub(r"\\\g<0>", text)
    start = 0
    while start < len(out) and out[start] in _EDGE_SPACE:
        start += 1
    end = len(out)
    while end > start and out[end - 1] in _EDGE_SPACE:
        end -= 1
    head = "".join(_reference(c) for c in out[:start])
    tail = "".join(_reference(c) for c in out[end:])
    return head + out[start:end] + tail


def block(text: str) -> str:
    """`text` escaped to begin a block: a paragraph, a heading's text, a list item's text or a table cell."""
    out = inline(text)
    if out[:1] in ("-", "+", "="):
        return "\\" + out
    return _LIST_NUMBER.sub(r"\1\\\2", out, count=1)


def link(text: str, url: str) -> str:
    """A link to an http(s) `url` (already validated as one), showing `text`."""
    if not re.fullmatch(r"https?://[^\x00-\x20\x7f<>\\]+", url):
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"[{inline(text)}]({_angled(url)})"


def slug(text: str) -> str:
    """The anchor GitHub gives a heading with this rendered text (before making duplicates unique)."""
    kept = "".join(c for c in text.lower() if c in " -_" or unicodedata.category(c)[0] in "LMN")
    return kept.replace(" ", "-")


def destination(target: str) -> str:
    """A link destination for a relative path or an http(s) URL given by the user (not by data)."""
    scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", target)
    if _CONTROL.search(target) or "<" in target or ">" in target or "\x7f" in target:
        raise ValueError(f"a link target cannot hold control characters or angle brackets: {target!r}")
    if scheme is not None and scheme.group(0).lower() not in ("http:", "https:"):
        raise ValueError(f"a link target must be a relative path or an http(s) URL: {target!r}")
    return _angled(target)


def _angled(target: str) -> str:
    # In <...> a destination may hold parentheses and spaces. '&' becomes '&amp;', not '\&':
    # cmark-gfm decodes character references before backslash escapes there, markdown-it after.
    return "<" + target.replace("\\", "\\\\").replace("&", "&amp;") + ">"
