"""People a release names with an office: "President Vladimir Putin", "Mr. Igor Ivanov, Minister of
Foreign Affairs of the Russian Federation", "His Majesty King Abdullah II".

A mention is read only when the office is one of a known list (`OFFICES`, which
a caller can extend) and the name right after it (or right before ", <office>")
is a run of capitalised words that plainly ends there: a name followed by a
particle ("bin", "van") or by another capitalised word may be cut short, so it
is no mention at all. An office after "former" or "late" is not held at the
time of the release, so that mention is left out too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from visitexport.wording import MONTHS, WEEKDAYS

__all__ = ["OFFICES", "PORTFOLIOS", "Mention", "mentions"]

#: Offices printed before or after a name, as releases print them.
OFFICES: tuple[str, ...] = (
    "President",
    "Vice President",
    "Vice-President",
    "Prime Minister",
    "Deputy Prime Minister",
    "First Deputy Prime Minister",
    "Foreign Minister",
    "Deputy Foreign Minister",
    "Vice Foreign Minister",
    "Minister",
    "State Minister",
    "Senior Vice-Minister for Foreign Affairs",
    "Parliamentary Vice-Minister for Foreign Affairs",
    "Vice-Minister for Foreign Affairs",
    "Secretary of State",
    "Deputy Secretary of State",
    "Secretary-General",
    "Secretary General",
    "Chief Cabinet Secretary",
    "Deputy Chief Cabinet Secretary",
    "Secretary",
    "Ambassador",
    "Chancellor",
    "Federal Chancellor",
    "King",
    "Queen",
    "Crown Prince",
    "Crown Princess",
    "Emir",
    "Sultan",
    "Marshal",
    "Governor",
    "Mayor",
    "Chairman",
    "Speaker",
    "Premier",
    "Vice Premier",
    "Senator",
    "Director-General",
    "Director",
    "Special Envoy",
)

#: What a "Minister for …" or "Minister of …" printed before a name is minister of: without a known
#: portfolio, where the office ends and the name starts is a guess.
PORTFOLIOS: tuple[str, ...] = (
    "Foreign Affairs",
    "Economy, Trade and Industry",
    "Economy",
    "Economics",
    "Finance",
    "Defence",
    "Defense",
    "Trade",
    "Industry",
    "Trade and Industry",
    "Foreign Trade",
    "Transport",
    "Justice",
    "Education",
    "Health",
    "Agriculture",
    "Energy",
    "Environment",
    "the Environment",
    "Internal Affairs",
    "Home Affairs",
    "Interior",
    "Culture",
    "Labour",
    "Labor",
    "Foreign Affairs and Trade",
    "External Affairs",
    "Trade Negotiations",
)

_HONORIFICS = r"(?:His|Her) (?:Majesty|Excellency|Royal Highness|Imperial Highness)|H\.E\."
#: Letters of Latin names ("José Manuel Durão Barroso", "Radosław Sikorski"): Latin-1 and Latin Extended-A.
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f"
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u017f"
_NAME_WORD = rf"(?:[{_UPPER}][{_LOWER}]+(?:[-'][{_UPPER}{_LOWER}][{_LOWER}]+)*|[A-Z]\.|[IVX]{{2,5}}\b)"
#: Capitalised words that follow an office but are no name ("Minister Assembly" never is).
_NOT_NAMES = frozenset(
    [
        "The",
        "A",
        "An",
        "And",
        "Of",
        "For",
        "To",
        "In",
        "On",
        "At",
        "By",
        "With",
        "From",
        "Japan",
        "Japanese",
        "Government",
        "Cabinet",
        "Administration",
        "Office",
        "Residence",
        "Ministry",
        "Meeting",
        "Summit",
        "Conference",
        "Committee",
        "Council",
        "Secretariat",
        "Agreement",
        "Declaration",
        "Statement",
        "Visit",
        "Talks",
        "Assembly",
        "Extraordinary",
        "Plenipotentiary",
        "Mr",
        "Ms",
        "Mrs",
        "Dr",
        "His",
        "Her",
        "Foreign",
        "Affairs",
        "Minister",
        "President",
        "Prime",
        "Deputy",
        "Ambassador",
        "Secretary",
        "General",
        "Emperor",
        "Empress",
        "Republic",
        "Kingdom",
        "State",
        "States",
        "Federation",
        "Union",
        "Prince",
        "Princess",
        "Sheikh",
        "Sir",
        "Lord",
        "Dame",
        "Crown",
        # Offices and parts of offices printed after one read ("Minister Counsellor Taro Yamada").
        "Counsellor",
        "Counselor",
        "Delegate",
        "Representative",
        "Envoy",
        "Adviser",
        "Advisor",
        "Spokesman",
        "Spokesperson",
        "Press",
        "Chief",
        "Senior",
        "Vice",
        "Parliamentary",
        "Acting",
        # Honorifics printed before a name ("Prime Minister Shri Manmohan Singh", "Dato' Seri ...").
        "Shri",
        "Sri",
        "Smt",
        "Tun",
        "Datuk",
        "Dato",
        "Seri",
    ]
)
#: Month and weekday names (from the shared calendar words), which never go on a name.
_MONTHS_AND_DAYS = frozenset(word.capitalize() for word in (*MONTHS, *WEEKDAYS))
_PARTICLES = frozenset(["bin", "bint", "ibn", "al", "el", "van", "von", "de", "da", "di", "du", "le", "la"])


@dataclass(frozen=True)
class Mention:
    """A person named in a text with an office: the name, the office as printed, an honorific."""

    name: str
    title: str
    honorific: str | None
    start: int
    end: int  # where the mention ends in the text (the name, or the office printed after it)


def _alternation(texts: tuple[str, ...]) -> str:
    return "|".join(re.escape(t) for t in sorted(set(texts), key=len, reverse=True))


@lru_cache(maxsize=8)
def _patterns(extra: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    offices = OFFICES + extra
    ministers = tuple(f"Minister {w} {p}" for w in ("for", "of") for p in PORTFOLIOS)
    before_office = _alternation(offices + ministers)
    before = re.compile(
        # "\b(?=[A-Z])" first: most positions of a text fail there, before the long alternation is tried.
        rf"\b(?=[A-Z])(?:(?P<honorific>{_HONORIFICS})\s+)?\b(?P<title>(?:Deputy\s+)?(?:{before_office}))\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})"
    )
    after_office = _alternation(offices)
    after = re.compile(
        rf"\b(?:Mr|Ms|Mrs|Dr|Prof|Rt\.\s+Hon|Hon)\.?\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}),\s+"
        rf"(?P<title>(?:Deputy\s+)?(?:{after_office})\b(?:\s+(?:of|for|to|the|and|on|(?!(?:Mr|Ms|Mrs|Dr|Prof|H)\b)[A-Z][\w'-]*))*)"
    )
    return before, after


def _trim_name(words: list[str]) -> list[str]:
    """The name's words up to the first that is no name word (a month, 'Government', ...)."""
    out = []
    for word in words:
        if word.rstrip(".") in _NOT_NAMES or word in _MONTHS_AND_DAYS:
            break
        out.append(word)
    return out


def _clean_end(text: str, end: int) -> bool:
    """Whether a name that ends at `end` plainly ends there (no particle, no capitalised word after it)."""
    rest = text[end:]
    if rest[:1].isalnum() or rest[:1] in ("'", "\u2019", "-"):
        return False  # the name was cut inside a word ("Dato' Seri ...": an apostrophe the words stop at)
    following = re.match(r"\s+(\S+)", rest)
    if following is None:
        return True
    word = following.group(1).strip(",.;:()'\"")
    if word.lower() in _PARTICLES:
        return False
    # Another capitalised word right after it: the name may go on ("Chairman Nguyen Van An").
    return not (rest[:1] == " " and word[:1].isupper())


def _held(text: str, start: int) -> bool:
    """Whether the office at `start` is held at the time (not 'former President', 'the late King')."""
    return not re.search(
        r"\b(?:former|late|then|ex-|outgoing|incoming|future|next|acting|interim)\s*$",
        text[max(0, start - 12) : start],
        re.IGNORECASE,
    )


#: What may follow an office printed after a name: the end of its clause.
_TITLE_END = re.compile(r"\s*(?:$|[,;.)]|and\s|(?:will|who|was|is|has|had|held|met|paid|visited|said|made|called)\b)")


def _preceded_by_word(text: str, start: int) -> bool:
    """Whether a capitalised word stands right before `start`: "Trade Minister X" holds an office longer
    than the one read, "Japanese Prime Minister X" an adjective the title may include."""
    if start > 0 and text[start - 1] in "-/":
        return True  # "Vice-Minister Sasae", "Press Secretary/Director-General Chiba": the office goes on
    if re.search(r"[A-Z][\w'-]*\s+(?:of|to|for)\s+(?:the\s+)?$", text[max(0, start - 60) : start]):
        return True  # "Special Envoy of the Prime Minister Taro Aso": the office read is part of a longer one
    match = re.search(r"(\S+)\s+$", text[max(0, start - 40) : start])
    return match is not None and match.group(1)[:1].isupper() and match.group(1)[-1].isalpha()


#: A bureau, embassy ... printed after an office and a comma, which is part of the office.
_UNIT_AFTER_COMMA = re.compile(
    r",\s+(?:the\s+)?(?:[A-Z][\w'-]*\s+){0,6}?(?:(?:and|of|for|the|in|to)\s+(?:[A-Z][\w'-]*\s+){0,4}?){0,3}"
    r"(?:Bureau|Department|Division|Embassy|Consulate(?:-General)?|Mission|Office|Agency|Secretariat)\b"
)


def _after_title(title: str) -> str:
    # "Minister of Foreign Affairs and Mr. ..." or "... of the Russian Federation and": end on a name word.
    words = title.split()
    while words and words[-1] in ("of", "for", "to", "the", "and"):
        words.pop()
    return " ".join(words)


def mentions(text: str, extra: tuple[str, ...] = ()) -> list[Mention]:
    """Every person the text names with an office, in order."""
    before, after = _patterns(extra)
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for match in after.finditer(text):
        title = _after_title(match.group("title"))
        words = match.group("name").split()
        if _trim_name(words) != words or not _held(text, match.start()):
            continue
        if not _TITLE_END.match(text, match.start("title") + len(title)):
            continue  # "Chairman of the Committee on ...": where the title ends is unclear
        # "Minister for Economy, Trade and Industry": a portfolio printed with a comma goes on.
        rest = text[match.start("title") + len(title) :]
        if re.match(r",\s+[A-Z][a-z]+ and [A-Z]", rest):
            continue
        # "Director-General, Asian and Oceanian Affairs Bureau": the office goes on past the comma.
        if _UNIT_AFTER_COMMA.match(rest):
            continue
        end = match.start("title") + len(title)
        out.append(Mention(" ".join(words), title, None, match.start(), end))
        taken.append((match.start(), match.end()))
    for match in before.finditer(text):
        if any(a <= match.start("title") < b for a, b in taken):
            continue
        printed = match.group("name").split()
        words = _trim_name(printed)
        if not words or not _held(text, match.start()) or _preceded_by_word(text, match.start()):
            continue
        if words != printed and printed[len(words)] not in _MONTHS_AND_DAYS:
            continue  # a word that is no name stands inside the run of capitalised words
        name = " ".join(words)
        if len(words) == 1 and match.group("title").startswith("Minister ") and " " in match.group("title")[9:]:
            continue  # "Minister for Trade Negotiations": one word after a portfolio may be more portfolio
        # Where the kept words end in the text (a name may hold a no-break space).
        end = match.start("name") + list(re.finditer(r"\S+", match.group("name")))[len(words) - 1].end()
        if name.endswith("."):
            continue  # "President X." might end a sentence or an initial: unclear
        if text[end : end + 2] in ("'s", "\u2019s"):
            pass  # "President Putin's visit": the name ends at the possessive
        elif not _clean_end(text, end):
            continue
        out.append(Mention(name, " ".join(match.group("title").split()), match.group("honorific"), match.start(), end))
    out.sort(key=lambda m: m.start)
    return out
