"""What one line of a release looks like: a label, a date, an issuer, a key/value line, a table row, chrome.

Each test looks at one line's text (indentation and trailing spaces already
set apart) and is deliberately narrow: whatever no test claims stays a
paragraph, exactly as printed, so a narrow test costs structure, never text.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace

__all__ = [
    "Label",
    "cells_of",
    "ends_paragraph",
    "is_chrome",
    "is_field",
    "is_issuer",
    "is_link",
    "is_page_chrome",
    "is_qualifier",
    "is_rule",
    "is_sentence",
    "is_title_case",
    "label_of",
    "parse_date",
    "words",
]

_BULLETS = "-\u2022\u25cf\u25cb\u25a0\u25a1\u25c6\u25c7\u30fb*\u2013\u2014\u00b7\u2023\u25e6\u2219"
_LABEL = re.compile(
    r"""(?x)
    (?P<label>
        \(\d{1,3}\) | \d{1,3}\) | \d{1,3}(?:\.\d{1,3})+\.? | \d{1,3}\.(?!\d)
      | \([ivxlcdm]{1,6}\) | \([a-z]\) | [a-z]\)
      | \([IVXLCDM]{1,6}\) | \([A-Z]\)
      | [IVXLCDM]{1,6}\.(?=[ \t]) | [ivxlcdm]{1,6}\.(?=[ \t]) | [A-Za-z]\.(?=[ \t]|[A-Z][a-z])
      | --(?!-) | [BULLETS](?![BULLETS])
    )
    (?P<gap>[ \t\u00a0\u3000]*)
    (?P<text>.*)
    """.replace("BULLETS", re.escape(_BULLETS)),
    re.DOTALL,
)
_ROMAN = re.compile(r"^[ivxlcdm]+$", re.IGNORECASE)
_FIRST = {"1", "a", "A", "i", "I"}


@dataclass
class Label:
    """A printed label at the start of a line, the whitespace after it and the text after that."""

    label: str
    gap: str
    text: str
    style: str  # the label with its number spelled generically: "1.", "(a)", "I.", "-"
    number: str  # its number or letter ("iv" for "(iv)"), empty for a bullet
    bullet: bool

    def follows(self, before: str) -> bool:
        """Whether this label comes right after the label `before` in its sequence ("(c)" after "(b)")."""
        found = label_of(before + " x")
        if found is None or not self.number or not found.number:
            return False
        return _ordinal(self.number, self.style) == _ordinal(found.number, self.style) + 1

    @property
    def first(self) -> bool:
        """The first of its sequence ("1.", "(a)", "i."): where a numbering starts again."""
        if self.number in ("i", "I"):
            return "i" in self.style or "I" in self.style  # the letter i comes after h
        return self.number in _FIRST

    def as_letter(self) -> Label:
        """The same label read as a letter (the "(i)" after "(h)")."""
        style = self.label.replace(self.number, "a" if self.number.islower() else "A")
        return replace(self, style=style)

    def as_roman(self) -> Label:
        """The same label read as a roman number (the "V." after "IV.")."""
        style = self.label.replace(self.number, "i" if self.number.islower() else "I")
        return replace(self, style=style)


_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def _ordinal(number: str, style: str) -> int:
    """The place of a label's number in its sequence: 3 for "3", "c" or "iii"."""
    if number.isdigit():
        return int(number)
    if ("i" in style or "I" in style) and _ROMAN.match(number):
        values = [_ROMAN_VALUES[ch] for ch in number.lower()]
        return sum(-v if n + 1 < len(values) and v < values[n + 1] else v for n, v in enumerate(values))
    return ord(number.lower()[0]) - ord("a") + 1 if number.isalpha() else -1


def _style(label: str) -> tuple[str, str]:
    """A label's style and its number or letter ("(iv)" -> ("(i)", "iv"))."""
    core = label.strip("().")
    core = core.rstrip(")")
    if label[0] in _BULLETS or label == "--":
        return label, ""
    if re.fullmatch(r"\d+(?:\.\d+)*", core):
        depth = core.count(".")
        return re.sub(r"\d+(?:\.\d+)*", "1" + ".1" * depth, label, count=1), core.rsplit(".", 1)[-1]
    if _ROMAN.match(core) and (len(core) > 1 or core in "iI"):
        return label.replace(core, "i" if core.islower() else "I"), core
    return label.replace(core, "a" if core.islower() else "A"), core


def label_of(content: str) -> Label | None:
    """The label a line starts with, if it starts with one that is not part of its text."""
    match = _LABEL.match(content)
    if match is None:
        return None
    label, gap, text = match.group("label"), match.group("gap"), match.group("text")
    bullet = label[0] in _BULLETS
    if bullet and (is_rule(content) or (not gap and text[:1].isdigit())):
        return None  # "-----" is a rule; "-5" a number
    if not gap and text and not bullet and not label.endswith((")", ".")):
        return None
    if not gap and text and label.endswith(".") and not text[:1].isalpha():
        return None  # "1.5", "2.)"
    if not gap and text and label[0].isalpha() and not (text[:1].isupper() and text[1:2].islower()):
        return None  # "U.S.", "e.g." (but "A.Opening Session" is labelled)
    if not gap and text and text[:1].islower() and not bullet:
        return None  # "1.text" is prose; "-the" is a dash item
    style, number = _style(label)
    return Label(label, gap, text, style, number, bullet)


def words(text: str) -> int:
    return len(text.split())


_SENTENCE_END = re.compile(r"[.!?:;,\u3002](?:[\"'\u201d\u2019)\]]*)$")


_PARAGRAPH_END = re.compile(r"[.!?:\u3002](?:[\"'\u201d\u2019)\]]*)$")


def ends_paragraph(text: str) -> bool:
    """Whether a line ends like the last line of a paragraph (a comma does not)."""
    return bool(_PARAGRAPH_END.search(text))


def is_sentence(text: str) -> bool:
    """Whether a line reads as running text rather than a heading: it ends like a sentence, or runs long."""
    return bool(_SENTENCE_END.search(text)) or words(text) > 20


_SMALL = {
    "a",
    "about",
    "after",
    "against",
    "among",
    "an",
    "and",
    "as",
    "at",
    "before",
    "between",
    "by",
    "de",
    "during",
    "for",
    "from",
    "in",
    "into",
    "of",
    "on",
    "or",
    "over",
    "the",
    "through",
    "to",
    "towards",
    "under",
    "upon",
    "vs",
    "with",
    "within",
}


def is_title_case(text: str, most: int = 8) -> bool:
    """A short heading without a label: `Itinerary`, `Main Points of the Talks`, `(Reference)`, `Outline:`."""
    if words(text) <= 3 and text.endswith(":") and "," not in text:
        text = text[:-1]
    if words(text) > most or (most <= 20 and _SENTENCE_END.search(text)):
        return False
    if text.startswith("(") and text.endswith(")") and words(text) <= 4:
        return text[1:2].isupper()
    # A closing remark in brackets may be lower case: "Korean Participants (expected)".
    tokens = re.findall(r"[A-Za-z][\w'\u2019-]*", re.sub(r"\s*\([^()]*\)$", "", text))
    if not tokens or not tokens[0][0].isupper():
        return False
    return all(t[0].isupper() or t.lower() in _SMALL for t in tokens)


_MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_MONTH = r"(?P<month>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?)"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\.?)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>[12]\d{3})"
_DATES = [
    re.compile(rf"{_DAY}\s+{_MONTH},?\s+{_YEAR}"),
    re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}"),
    re.compile(rf"{_MONTH},?\s+{_YEAR}"),
    re.compile(rf"{_MONTH}\s+{_DAY}"),
    re.compile(rf"{_DAY}\s+{_MONTH}"),
    re.compile(r"(?P<year>[12]\d{3})[/.-](?P<month>\d{1,2})[/.-](?P<day>\d{1,2})"),
]
_DATE_LINE = re.compile(
    rf"^[(\[]?(?:{_WEEKDAY},?\s+)?(?P<date>.+?)(?:,?\s+\(?{_WEEKDAY}\)?)?[)\]]?$",
)


@dataclass
class PrintedDate:
    """A date line: its ISO date when it names a day of a year, else None."""

    iso: str | None


def parse_date(text: str) -> PrintedDate | None:
    """The date a whole line prints (`4 November 2000`, `September 5, 2000`, `May 2001`, `Tuesday, September 25`)."""
    if words(text) > 6:
        return None
    outer = _DATE_LINE.match(text)
    if outer is None:
        return None
    core = outer.group("date")
    for pattern in _DATES:
        match = pattern.fullmatch(core)
        if match is None:
            continue
        parts = match.groupdict()
        month_text = parts["month"]
        if month_text.isdigit():
            month = int(month_text)
        else:
            month = _MONTHS.get(month_text.rstrip(".").lower(), 0)
            if not month:
                return None
        if parts.get("year") is None or parts.get("day") is None:
            return PrintedDate(None)
        try:
            day = datetime.date(int(parts["year"]), month, int(parts["day"]))
        except ValueError:
            return PrintedDate(None)
        return PrintedDate(day.isoformat())
    return None


_ISSUER = re.compile(
    r"^(?:The )?(?:[A-Z][\w'-]*,? ){0,3}(?:Ministry|Embassy|Office|Division|Bureau|Department|Secretariat|"
    r"Cabinet|Government|Mission|Consulate|Agency|Spokesman|Spokesperson|Press Secretary|Council)\b"
)


def is_issuer(text: str) -> bool:
    """An issuer line: a short name that starts with a ministry, an office or a press secretary."""
    return words(text) <= 12 and not re.search(r"[.!?:;]$", text) and bool(_ISSUER.match(text))


_QUALIFIER = re.compile(
    r"^(?:\((?:[^()]{1,40})\)|\[(?:[^\[\]]{1,40})\]|(?:Provisional|Tentative|Unofficial|Informal) "
    r"(?:English )?Translation|Press Releases?|Press Statement|"
    r"(?:Press Release )?No\.\s?\d[\w/-]*)$",
    re.IGNORECASE,
)


_BREADCRUMB = re.compile(r"^[^>\n]{1,40}(?: > [^>\n]{1,80})+$")


def is_page_chrome(text: str) -> bool:
    """What a web page printed around a title: `Home > Press Releases > 2004`, `Japanese | Other Languages`."""
    return bool(_BREADCRUMB.match(text)) or is_chrome(text)


def is_qualifier(text: str) -> bool:
    """A header line such as `(Summary)`, `(Outline)`, `Provisional Translation`, `[Press Release]`."""
    return words(text) <= 5 and bool(_QUALIFIER.match(text)) and parse_date(text.strip("()[]")) is None


_CHROME = re.compile(
    r"^[\[(<\-\u2013\u2014\s]*(?:back to (?:index|top|the top|contents|list)|page top|top of (?:the )?page|"
    r"return to (?:index|top)|go to top|end|the end|related links?|related information|links|print|close|"
    r"japanese|english|other languages|home)"
    r"[\])>\-\u2013\u2014\s]*$",
    re.IGNORECASE,
)
_RELATED = re.compile(r"^[\[(]?related (?:links?|information)[\])]?:?$", re.IGNORECASE)
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def is_chrome(text: str) -> bool:
    """A navigation line printed around a release: `Back to Index`, `Page Top`, `(End)`, `Back to Index | Top`."""
    return all(_CHROME.match(part.strip()) for part in text.split("|"))


def is_related(text: str) -> bool:
    """The heading of a footer's list of links."""
    return bool(_RELATED.match(text))


def is_link(text: str) -> bool:
    return bool(_LINK.search(text))


_FIELD = re.compile(r"^(?P<key>[A-Z][^:\t]{1,40}?)(?P<gap>[ \t]*:[ \t]+)(?P<value>\S.*)$", re.DOTALL)


def is_field(text: str) -> tuple[str, str, str] | None:
    """A key/value line (`Time: 18:00`): its key, the gap with the colon, its value."""
    match = _FIELD.match(text)
    if match is None:
        return None
    key, value = match.group("key"), match.group("value")
    if words(key) > 4 or _SENTENCE_END.search(key) or key.startswith(("http", "Https")) or "(" in key:
        return None
    if value[:1] in "\"\u201c\u2018'" or re.search(r"\b(?:said|stated|noted|added|replied|says)$", key):
        return None  # 'President Barroso said: "Europe ..."' is a sentence quoting someone
    return key, match.group("gap"), value


_RULE = re.compile(r"^[|+:\- =_]*[-=_]{3,}[|+:\- =_]*$")


def is_rule(text: str) -> bool:
    """A separator line under a table's header or around it: `|---|---|`, `-----  -----`, `=====`."""
    return bool(_RULE.match(text))


def cells_of(text: str, style: str | None) -> tuple[list[str], list[str]] | None:
    """The cells of a table row in `style` and the gaps around them (one more than the cells)."""
    if style in ("pipe", "bar"):
        parts = text.split("|")
        if style == "pipe":
            if len(parts) < 3 or parts[0] or parts[-1]:
                return None
            parts = parts[1:-1]
        elif len(parts) < 2:
            return None
        cells: list[str] = []
        gaps = ["|" if style == "pipe" else ""]
        for part in parts:
            stripped = part.strip(" \t")
            lead = part[: len(part) - len(part.lstrip(" \t"))] if stripped else part
            trail = part[len(lead) + len(stripped) :]
            gaps[-1] += lead
            cells.append(stripped)
            gaps.append(trail + "|")
        gaps[-1] = gaps[-1][:-1] + ("|" if style == "pipe" else "")
        return cells, gaps
    # Tab-separated cells: each tab ends a cell (two tabs hold an empty one); aligned ones: runs of spaces.
    separator = r"[ ]*\t[ ]*" if style is None else r"[ \t]{2,}|[ ]*\t[ \t]*"
    body = text.lstrip(" ") if style is None else text.lstrip(" \t")
    lead = text[: len(text) - len(body)]
    pieces = re.split(f"({separator})", body)
    if len(pieces) == 1 and style == "space" and lead:
        return [body], [lead, ""]  # a row of one cell under a later column: the cells before it are empty
    if len(pieces) < 3:
        return None
    return pieces[0::2], [lead, *pieces[1::2], ""]
