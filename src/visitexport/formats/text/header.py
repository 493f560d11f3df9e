"""The header and the footer of a release: title, qualifiers, date and issuer lines; the chrome after the body."""

from __future__ import annotations

from itertools import pairwise

from visitexport.breaks import join
from visitexport.formats.text import classify
from visitexport.formats.text.lines import Line
from visitexport.formats.text.parts import Node, quote, record_layout
from visitexport.formats.text.result import IngestWarning

__all__ = ["first_text", "footer_start", "read_header", "wrap_width"]

#: No text is wrapped narrower than this: lines shorter than it are short whatever the text.
NARROWEST = 60


def wrap_width(lines: list[Line]) -> int:
    """How wide the text was wrapped: most lines with more text right under them are about this long.

    The longest line would do for a text wrapped throughout, but a release often mixes paragraphs
    printed on one long line with others wrapped at 70 characters: the lines that have more text
    right under them say how wide it was wrapped.
    """
    wrapped = [
        len(line.indent) + len(line.content)
        for line, below in pairwise(lines)
        if not line.blank and not below.blank and classify.label_of(below.content) is None
    ]
    if len(wrapped) < 3:
        return max((len(line.indent) + len(line.content) for line in lines), default=0)
    return max(*wrapped, NARROWEST)


def read_header(lines: list[Line], warnings: list[IngestWarning]) -> tuple[list[Node], int]:
    """The header's parts and the index of the first line after them."""
    parts: list[Node] = []
    seen: set[str] = set()
    n = 0
    title = False
    while n < len(lines):
        start = n
        while n < len(lines) and lines[n].blank:
            n += 1
        if n == len(lines):
            return parts, start
        line = lines[n]
        kind = header_kind(line.content, title)
        if title and (kind is None or (kind in seen and kind != "qualifier")):
            return parts, start  # a second date line is the body's (an itinerary's day)
        group = [line]
        if kind is None:
            kind = "title"
            title = True
            group = title_lines(lines, n, warnings)
        elif kind == "issuer":
            following = lines[n + 1] if n + 1 < len(lines) else None
            if (
                following is not None
                and not following.blank
                and classify.words(following.content) <= 8
                and not classify.is_sentence(following.content)
                and header_kind(following.content, True) in (None, "issuer")
                and (n + 2 >= len(lines) or lines[n + 2].blank)
            ):
                group.append(following)
        node: Node = {"type": kind}
        text, breaks = join([g.content for g in group])
        node["text"] = text
        if breaks:
            node["breaks"] = breaks
        record_layout(node, lines[start:n], group)
        parts.append(node)
        seen.add(kind)
        n += len(group)
    if not title and parts:
        parts[0]["type"] = "title"
        warnings.append(IngestWarning(lines[0].number, "no title found: the first line is taken as the title"))
    return parts, n


def header_kind(text: str, title_seen: bool) -> str | None:
    if classify.parse_date(text) is not None:
        return "date"
    if classify.is_page_chrome(text):
        return "chrome"
    if classify.is_qualifier(text):
        return "qualifier"
    if title_seen and classify.is_issuer(text):
        return "issuer"
    return None


def title_lines(lines: list[Line], n: int, warnings: list[IngestWarning]) -> list[Line]:
    """The lines of a title: the first, and those right under it while they read as more of a title."""
    group = [lines[n]]
    end = n + 1
    while (
        end < len(lines)
        and not lines[end].blank
        and (header_kind(lines[end].content, True) is None or goes_on(lines[end - 1].content))
    ):
        end += 1
    candidates = lines[n + 1 : end]
    after_blank = end >= len(lines) or lines[end].blank or header_kind(lines[end].content, True) is not None
    if candidates and len(candidates) <= 3 and after_blank and not any(prose(c) for c in [lines[n], *candidates]):
        group += candidates
    elif candidates:
        warnings.append(
            IngestWarning(
                candidates[0].number, f"{quote(candidates[0])} read as the start of the body, not as more of the title"
            )
        )
    if prose(lines[n]):
        warnings.append(
            IngestWarning(lines[n].number, f"{quote(lines[n])} taken as the title, though it reads like a sentence")
        )
    return group


def goes_on(text: str) -> bool:
    """A title line that stops mid-phrase ("... of the Ministry of Foreign Affairs,"): the next line is more of it."""
    last = _last_word(text)
    return (
        text.endswith((",", "-", "\u2013"))
        or last in _ABBREVIATIONS
        or last
        in {
            "of",
            "by",
            "and",
            "the",
            "to",
            "on",
            "for",
            "in",
            "with",
            "at",
        }
    )


#: Words that end with a full stop without ending a sentence.
_ABBREVIATIONS = {"mr.", "mrs.", "ms.", "dr.", "h.e.", "st.", "no.", "prof.", "gen.", "lt.", "hon.", "rev."}


def _last_word(text: str) -> str:
    # A text of characters Python counts as white space (U+0085) has no words.
    words = text.split()
    return words[-1].lower() if words else ""


def prose(line: Line) -> bool:
    last = _last_word(line.content)
    ends = line.content.endswith(".") and last not in _ABBREVIATIONS
    return ends or classify.words(line.content) > 30


def footer_start(lines: list[Line], start: int) -> int:
    """Where the chrome after the body begins (len(lines) when there is none)."""
    end = len(lines)
    n = end
    while n > start and (lines[n - 1].blank or classify.is_chrome(lines[n - 1].content)):
        n -= 1
    first = first_text(lines, n, end)
    # A "Related Links" heading takes the short lines under it, then more chrome may stand above it.
    for m in range(first - 1, start, -1):
        if classify.is_related(lines[m].content):
            under = [line for line in lines[m + 1 : first] if not line.blank]
            if all(classify.is_link(line.content) or classify.words(line.content) <= 30 for line in under):
                n = m
                while n > start and (lines[n - 1].blank or classify.is_chrome(lines[n - 1].content)):
                    n -= 1
                first = first_text(lines, n, end)
            break
        if classify.is_sentence(lines[m].content) and not classify.is_link(lines[m].content):
            break
    return first


def first_text(lines: list[Line], n: int, end: int) -> int:
    while n < end and lines[n].blank:
        n += 1
    return n
