"""Markdown text: escaping any record text so that it renders as exactly that text.

Every character that could start markup is escaped, whatever its place, so the
escaping does not depend on context except where CommonMark itself does:

- ASCII punctuation with a meaning in CommonMark, GitHub Flavored Markdown
  (tables, strikethrough), GitHub's math (``$``) or attribute syntax (``{}``)
  gets a backslash, and ``&`` where it could start a character reference;
- at the start of a block, a ``-``, ``+`` or ``=`` (list item, setext
  underline) and the ``.`` or ``)`` after leading digits (ordered list item)
  get a backslash;
- white space that renderers trim from the ends of a paragraph, heading or
  table cell (no-break space, ideographic space, a tab, ...) becomes a numeric
  character reference at either end, so it survives; a tab between words
  (which the schema allows in printed text) stays a tab;
- what automatic links look for gets a backslash: the ``:`` of ``://``, ``@``,
  a ``.`` between a character and a letter (``www.``, ``example.com``) and the
  second ``/`` of ``//``, so GitHub's and markdown-it's autolinkers leave text
  alone (GitHub still links e-mail addresses: it resolves escapes first). Links
  come only from URL fields (`link`).

Text with line breaks or other control characters below U+0020 but the tab is
refused: the schema forbids them in every field, and no Markdown construct could
keep them in a table cell.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

__all__ = ["block", "check_link_target", "destination", "inline", "link", "slug"]

# Backslash-escaped: markup characters wherever they occur, '&' where it could start a character
# reference, and what automatic links look for: the ':' of '://', '@', the '.' of 'www.' (GitHub
# links 'www.' followed by almost anything), a '.' between a character and a letter ('example.com',
# 'пример.рф': markdown-it's linkify links any domain it knows) and the second '/' of '//'.
_ESCAPE = re.compile(
    r"[\\`*_\[\]<>|~#${}@]|&(?=[#A-Za-z0-9])|(?<=[A-Za-z0-9]):(?=//)|(?i:(?<=www))\.|(?<=\S)\.(?=[^\W\d_])|(?<=/)/"
)
# Stripped from both ends of paragraphs, headings and cells by some renderers
# (markdown-it trims JavaScript's white space; U+FEFF too, for safety), and the tab.
_EDGE_SPACE = frozenset(
    "\t\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_LIST_NUMBER = re.compile(r"^([0-9]+)([.)])")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f]")
# What a link target given by the user may not hold: any control character, the tab too.
_TARGET_CONTROL = re.compile(r"[\x00-\x1f]")


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
    return f"[{inline(text)}]({destination(url)})"


def _in_slug(char: str) -> bool:
    # GitHub (and github-slugger, which copies it) drops other numbers, punctuation but '-' and
    # connectors, symbols, controls, format and private-use characters, and separators but ' ';
    # it keeps alphabetic symbols (circled letters), which Python knows only by their names.
    category = unicodedata.category(char)
    if char in " -" or category[0] in "LM" or category in ("Nd", "Nl", "Pc"):
        return True
    return category == "So" and "LETTER" in unicodedata.name(char, "")


def slug(text: str) -> str:
    """The anchor GitHub gives a heading with this rendered text (before making duplicates unique)."""
    return "".join(c for c in text.lower() if _in_slug(c)).replace(" ", "-")


def check_link_target(target: str) -> None:
    """Refuse a report link (given by the user, not by data) other than a relative path or an http(s) URL."""
    if not target or target != target.strip() or _TARGET_CONTROL.search(target) or any(c in target for c in "<>#\x7f"):
        raise ValueError("a link target must be a path or URL without surrounding space, control characters, <, > or #")
    scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", target)
    if (scheme is not None and scheme.group(0).lower() not in ("http:", "https:")) or target.startswith("//"):
        raise ValueError("a link target must be a relative path or an http(s) URL")


def destination(target: str) -> str:
    """A link destination for a URL or a checked link target (`check_link_target`), with any anchor."""
    # In <...> a destination may hold parentheses and spaces. '&' becomes '&amp;', not '\&':
    # cmark-gfm decodes character references before backslash escapes there, markdown-it after.
    # White space markdown-it would trim from the ends is percent-encoded, as a browser would.
    escaped = target.replace("\\", "\\\\").replace("&", "&amp;")
    return "<" + "".join(quote(c) if c in _EDGE_SPACE else c for c in escaped) + ">"
