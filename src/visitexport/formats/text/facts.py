"""The facts a release states plainly, read from its document layer; what is unsure is a warning.

What is read, and from where (nothing else is):

- engagements: a heading (or a short heading-like list item) that names a kind
  of engagement and ends with one day in parentheses, "1. Courtesy Call on
  President Putin (2 November)": kind from the words, name as printed without
  the label and the day, the day with its year from the release's date; or,
  when no heading is one, the lead's "X held a summit meeting with Y ... on
  5 June" (held: the text says so). Clock times, zones and a length only when
  the sentence that says them prints one time and one length;
- the visit: the lead's "From 1 to 4 November 2000, <office> <name> paid a visit
  to Moscow" or "<office> <name> will visit India from 28 September to
  2 October", and the title's "Visit to <country> by <office> <name>":
  principal, period, countries (from country names only), places, kind (when
  printed), status from the tense (paid: held; will: scheduled);
- people named with an office (see `facts_people`), the titles as printed,
  their shorter names as aliases.

Events mentioned in passing ("the President's visit from 3 to 5 September",
"the summit held in June") are none of these: a visit needs its principal as
the subject of the verb of the lead's first sentence, an engagement a heading
(not one under "Reference" or "Background", nor one dated with a year far from
the release, nor one outside the visit's period) or the lead's verb.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from visitexport.formats.text import facts_when as when
from visitexport.formats.text.facts_people import Mention, mentions
from visitexport.formats.text.lines import Line
from visitexport.formats.text.result import IngestWarning
from visitexport.wording import DAY_MONTH, day_months, weekdays

__all__ = ["COUNTRIES", "country_code", "read_facts"]

Node = dict[str, Any]

#: Country names as releases print them, to ISO 3166-1 codes; "the Republic of", "the Kingdom of" ...
#: before a name are read by `country_code`.
COUNTRIES: dict[str, str] = {
    "Japan": "JP",
    "Russia": "RU",
    "Russian Federation": "RU",
    "India": "IN",
    "China": "CN",
    "People's Republic of China": "CN",
    "Korea": "KR",
    "Republic of Korea": "KR",
    "United States": "US",
    "United States of America": "US",
    "United Kingdom": "GB",
    "United Kingdom of Great Britain and Northern Ireland": "GB",
    "France": "FR",
    "Germany": "DE",
    "Italy": "IT",
    "Canada": "CA",
    "Australia": "AU",
    "New Zealand": "NZ",
    "Indonesia": "ID",
    "Viet Nam": "VN",
    "Vietnam": "VN",
    "Thailand": "TH",
    "Philippines": "PH",
    "Malaysia": "MY",
    "Singapore": "SG",
    "Brunei Darussalam": "BN",
    "Cambodia": "KH",
    "Myanmar": "MM",
    "Mongolia": "MN",
    "Kazakhstan": "KZ",
    "Uzbekistan": "UZ",
    "Pakistan": "PK",
    "Bangladesh": "BD",
    "Sri Lanka": "LK",
    "Nepal": "NP",
    "Iran": "IR",
    "Saudi Arabia": "SA",
    "Jordan": "JO",
    "Israel": "IL",
    "Egypt": "EG",
    "Turkey": "TR",
    "Poland": "PL",
    "Hungary": "HU",
    "Czech Republic": "CZ",
    "Spain": "ES",
    "Portugal": "PT",
    "Netherlands": "NL",
    "Belgium": "BE",
    "Sweden": "SE",
    "Norway": "NO",
    "Finland": "FI",
    "Denmark": "DK",
    "Switzerland": "CH",
    "Austria": "AT",
    "Greece": "GR",
    "Ukraine": "UA",
    "Latvia": "LV",
    "Lithuania": "LT",
    "Estonia": "EE",
    "South Africa": "ZA",
    "Kenya": "KE",
    "Ghana": "GH",
    "Nigeria": "NG",
    "Brazil": "BR",
    "Mexico": "MX",
    "Argentina": "AR",
    "Chile": "CL",
    "Peru": "PE",
    "Ireland": "IE",
    "Ethiopia": "ET",
    "Laos": "LA",
    "Lao People's Democratic Republic": "LA",
    "Tanzania": "TZ",
    "Fiji": "FJ",
    "Honduras": "HN",
    "Slovenia": "SI",
    "Slovakia": "SK",
    "Romania": "RO",
    "Bulgaria": "BG",
    "Croatia": "HR",
    "Serbia": "RS",
    "Afghanistan": "AF",
    "Iraq": "IQ",
    "Kuwait": "KW",
    "Qatar": "QA",
    "United Arab Emirates": "AE",
    "Oman": "OM",
    "Bahrain": "BH",
    "Syria": "SY",
    "Syrian Arab Republic": "SY",
    "Lebanon": "LB",
    "Morocco": "MA",
    "Algeria": "DZ",
    "Tunisia": "TN",
    "Libya": "LY",
    "Sudan": "SD",
    "Senegal": "SN",
    "Uganda": "UG",
    "Mozambique": "MZ",
    "Angola": "AO",
    "Zambia": "ZM",
    "Botswana": "BW",
    "Colombia": "CO",
    "Venezuela": "VE",
    "Cuba": "CU",
    "Guatemala": "GT",
    "Costa Rica": "CR",
    "Panama": "PA",
    "Uruguay": "UY",
    "Paraguay": "PY",
    "Bolivia": "BO",
    "Ecuador": "EC",
    "Kyrgyz Republic": "KG",
    "Kyrgyzstan": "KG",
    "Tajikistan": "TJ",
    "Turkmenistan": "TM",
    "Azerbaijan": "AZ",
    "Georgia": "GE",
    "Armenia": "AM",
    "Belarus": "BY",
    "Moldova": "MD",
    "Luxembourg": "LU",
    "Iceland": "IS",
    "Maldives": "MV",
    "Bhutan": "BT",
    "Timor-Leste": "TL",
    "Papua New Guinea": "PG",
    "Samoa": "WS",
    "Tonga": "TO",
}
_STATE = re.compile(
    r"^(?:the\s+)?(?:(?:Republic|Kingdom|Federal Republic|Socialist Republic|Islamic Republic|"
    r"Democratic Republic|Federal Democratic Republic|Democratic Socialist Republic|Commonwealth|State|"
    r"Hashemite Kingdom|Sultanate|Federation|United Republic|Grand Duchy|Principality|Federative Republic|"
    r"Arab Republic|Bolivarian Republic|Oriental Republic|Plurinational State)"
    r"\s+of\s+(?:the\s+)?)?"
)


def country_code(name: str) -> str | None:
    """The ISO code of a country name as printed ("the Russian Federation", "the Kingdom of Norway")."""
    name = name.strip()
    if re.fullmatch(r"(?:the\s+)?Republic\s+of\s+China", name):
        return None  # not the People's Republic
    if name.removeprefix("the ") in COUNTRIES:
        return COUNTRIES[name.removeprefix("the ")]
    return COUNTRIES.get(name[_STATE.match(name).end() :]) if _STATE.match(name) else None  # type: ignore[union-attr]


#: The kind of an engagement from the words of its heading, the first that matches.
_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), k)
    for p, k in (
        (r"\btelephone (?:talks?|conversation|call|conference)\b", "telephone_call"),
        (r"\bvideo ?conference\b", "video_conference"),
        (r"\bcourtesy call\b", "courtesy_call"),
        (r"\bworking lunch(?:eon)?\b", "working_lunch"),
        (r"\blunch(?:eon)?\b", "luncheon"),
        (r"\b(?:dinner|banquet)\b", "dinner"),
        (r"\breception\b", "reception"),
        (r"\bpress conference\b", "press_conference"),
        (r"\binterview\b", "interview"),
        (r"\bsigning ceremony\b", "signing_ceremony"),
        (r"\bsummit\b", "summit"),
        (r"\b(?:meeting|session) of the\b.*\b(?:committee|commission|council)\b", "committee_meeting"),
        (r"\b(?:committee|commission|council) (?:meeting|session)\b", "committee_meeting"),
        (r"\bmeetings?\b", "meeting"),
        (r"\btalks\b", "talks"),
        (r"\b(?:policy speech|speech|lecture)\b", "speech"),
    )
)
#: Headings about something other than one engagement, whatever words they hold.
_NOT_ENGAGEMENT = re.compile(r"^(?:\(?(?:Outline|Overview|Background|Reference|Summary|Schedule|Itinerary)\b)", re.I)
#: Words that make a heading's engagement one it only refers to ("Follow-up to the Summit Held in June").
_IN_PASSING = re.compile(
    r"\b(?:held|planned|scheduled|follow-up|preparations?\s+for|results?\s+of|outcomes?\s+of|towards?|ahead\s+of|"
    r"previous|last|next|upcoming|forthcoming)\b",
    re.IGNORECASE,
)
#: Sections that list what happened before or around the release, not its engagements: "(Reference)
#: Previous Visits", "2. Background (as of 3 May)". Their headings and items are never engagements.
_ASIDE = re.compile(
    r"^\(?(?:Reference|References|Background|History|Previous|Past|Record|Recent|Chronology|Notes?)\b", re.IGNORECASE
)


#: Words for what else a heading may name beside an engagement ("... and Signing of the Joint Statement").
_OTHER_THINGS = re.compile(r"\b(?:audience|signing|ceremony|wreath|tour|visit|arrival|departure)\b", re.IGNORECASE)


#: The words of a kind that read as another kind as well ("Working Lunch" holds "Lunch").
_IMPLIED = {"working_lunch": {"luncheon"}}


def kind_of(name: str) -> str | None:
    """The kind of engagement a heading names, when it names one kind only."""
    if _NOT_ENGAGEMENT.match(name) or _IN_PASSING.search(name):
        return None
    kind = next((k for p, k in _KINDS if p.search(name)), None)
    if kind is None:
        return None
    # "Audience with Their Majesties ... and Court Luncheon": two things under one heading, which the
    # kind would give only half of.
    found = {k for p, k in _KINDS if p.search(name)} - {"meeting", "talks", kind} - _IMPLIED.get(kind, set())
    # "Foreign Ministers' Meeting and Working Dinner", "Talks and Signing Ceremony": each side of "and"
    # names an engagement of its own, and one kind would be half the heading.
    sides = [side for side in re.split(r"\s+and\s+|,\s+|\s+followed\s+by\s+", name) if side]
    if sum(1 for side in sides if any(p.search(side) for p, _ in _KINDS)) > 1:
        return None
    if found or (" and " in name and _OTHER_THINGS.search(name) and kind != "signing_ceremony"):
        return None
    return kind


class _LineFinder:
    """The line a block starts on, found by its first words, going forward through the body once."""

    def __init__(self, lines: list[Line], fallback: int) -> None:
        self.lines = lines
        self.at = 0
        self.fallback = fallback

    def find(self, text: str, breaks: list[int] | None = None) -> int:
        # The block's first printed line is its text up to its first break (the nth space).
        first = text
        if breaks:
            at = -1
            for _ in range(breaks[0]):
                at = text.find(" ", at + 1)
            first = text[:at] if at > 0 else text
        needle = first[:40]
        # Look a bounded way ahead: a block is never far below the one before it.
        for n in range(self.at, min(len(self.lines), self.at + 400)):
            if needle and needle in self.lines[n].content:
                self.at = n
                return self.lines[n].number
        return self.lines[self.at].number if self.lines else self.fallback


@dataclass
class _Unit:
    """A text the facts are read from: a header title, a heading, a paragraph, a key/value line."""

    source: str
    text: str
    line: int
    node: Node
    kind: str  # "title", "heading", "paragraph", "item", "field"
    aside: bool = False  # under a "Reference" or "Background" heading: what it lists is no engagement


def _units(document: Node, finder: _LineFinder, title_line: int) -> Iterator[_Unit]:
    for part in document["header"]:
        if part["type"] == "title":
            yield _Unit(part["id"], part["text"], title_line, part, "title")

    def walk(blocks: list[Node], aside: bool) -> Iterator[_Unit]:
        # "(Reference)" standing alone, then unlabelled headings: what follows it, up to the next labelled
        # heading, is what it heads.
        carry = False
        for block in blocks:
            kind = block["type"]
            if kind == "section":
                line = finder.find(block["heading"], block.get("breaks"))
                carry = carry and "label" not in block
                heads_aside = bool(_ASIDE.match(_unlabelled(block["heading"])))
                within = aside or carry or heads_aside
                yield _Unit(block["id"], block["heading"], line, block, "heading", within)
                yield from walk(block.get("blocks", []), within)
                carry = carry or (heads_aside and not block.get("blocks"))
            elif kind == "paragraph":
                line = finder.find(block["text"], block.get("breaks"))
                yield _Unit(block["id"], block["text"], line, block, "paragraph", aside or carry)
                carry = carry or bool(_ALONE_ASIDE.fullmatch(block["text"].strip()))
            elif kind == "field":
                text = f"{block['key']}: {block.get('value', '')}"
                yield _Unit(block["id"], text, finder.find(block["key"]), block, "field", aside)
            elif kind == "list":
                for item in block["items"]:
                    inner = item.get("blocks", [])
                    first = inner[0] if inner and inner[0]["type"] == "paragraph" else None
                    within = aside
                    if first is not None:
                        line = finder.find(first["text"], first.get("breaks"))
                        within = aside or bool(_ASIDE.match(first["text"]))
                        yield _Unit(item["id"], first["text"], line, item, "item", within)
                        yield _Unit(first["id"], first["text"], line, first, "paragraph", within)
                        inner = inner[1:]
                    yield from walk(inner, within)

    yield from walk(document.get("body", []), False)


_ALONE_ASIDE = re.compile(r"\(?(?:Reference|References|Background|Notes?)\)?:?", re.IGNORECASE)


def _unlabelled(heading: str) -> str:
    """A heading without a label the document layer kept ("3. Reference" → "Reference")."""
    return re.sub(r"^(?:\(?[0-9]{1,3}[.)]|\(?[A-Za-z][.)]|[IVX]{1,5}\.)\s+", "", heading)


@dataclass
class _Person:
    name: str
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    honorific: str | None = None
    sources: dict[str, None] = field(default_factory=dict)  # ordered, and cheap to test
    first: int = 0


@dataclass
class _Reader:
    release: date | None
    warnings: list[IngestWarning]
    slug: Callable[[str, int], str]
    offices: tuple[str, ...]
    people: list[_Person] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)
    mentioned: list[tuple[Mention, str, int]] = field(default_factory=list)

    def ident(self, text: str, fallback: str) -> str:
        base = self.slug(text, 56) or fallback
        ident, n = base, 1
        while ident in self.taken:
            n += 1
            ident = f"{base}-{n}"
        self.taken.add(ident)
        return ident

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(IngestWarning(line, message))

    # --- people ----------------------------------------------------------------------------

    def collect(self, unit: _Unit, order: int) -> None:
        for mention in mentions(unit.text, self.offices):
            self.mentioned.append((mention, unit.source, order * 100_000 + mention.start))

    def gather_people(self, lines: dict[str, int]) -> None:
        full = [m for m in self.mentioned if len(m[0].name.split()) > 1]
        short = [m for m in self.mentioned if len(m[0].name.split()) == 1]
        by_name: dict[str, _Person] = {}
        for mention, source, order in full:
            person = by_name.get(mention.name)
            if person is None:
                person = by_name[mention.name] = _Person(mention.name, first=order)
            self._add(person, mention, source)
        # "President Arroyo" is Gloria Macapagal-Arroyo, "President Fox" Vicente Fox Quesada: any word of
        # one full name, when it is of one only (an index, so that many people cost no more than few).
        holders: dict[str, list[_Person]] = {}
        for person in by_name.values():
            for word in _words(person.name):
                holders.setdefault(word, []).append(person)
        for mention, source, order in short:
            word = mention.name
            matches = holders.get(word, [])
            if len(matches) > 1:
                self.warn(lines.get(source, 1), f'"{mention.title} {word}" may be any of several people: left out')
                continue
            if matches and not _may_hold(matches[0], mention.title):
                # "Ambassador Kim Hang-kyung ... a message from President Kim": the office is not one the
                # full name was printed with, so the short name may be someone else.
                self.warn(
                    lines.get(source, 1),
                    f'"{mention.title} {word}" may be someone else than {matches[0].name}: left out',
                )
                continue
            if matches:
                person = matches[0]
                if word != person.name and word not in person.aliases:
                    person.aliases.append(word)
            else:
                person = by_name.get(word) or _Person(word, first=order)
                by_name[word] = person
            person.first = min(person.first, order)
            self._add(person, mention, source)
        self.people = sorted({id(p): p for p in by_name.values()}.values(), key=lambda p: p.first)

    @staticmethod
    def _add(person: _Person, mention: Mention, source: str) -> None:
        if mention.title not in person.titles:
            person.titles.append(mention.title)
        if mention.honorific and person.honorific is None:
            person.honorific = mention.honorific
        person.sources.setdefault(source)

    def person_of(self, name: str) -> _Person | None:
        for person in self.people:
            if name == person.name or name in person.aliases:
                return person
        return None


def _may_hold(person: _Person, title: str) -> bool:
    """Whether a short mention's office is one of the person's printed ones, or shorter ("Minister" of
    "Minister for Foreign Affairs", "Foreign Minister" of "Minister for Foreign Affairs")."""
    words = set(title.split())
    return any(words <= set(held.split()) for held in person.titles)


def _words(name: str) -> set[str]:
    """A name's words, and the parts of its hyphenated ones ("Macapagal-Arroyo": also "Arroyo")."""
    words = name.split()
    return {*words, *(part for word in words for part in word.split("-"))}


def _subject(text: str, start: int, reader: _Reader) -> Mention | None:
    """The person named with an office right before `start` (a verb), as the subject of its clause."""
    found = [m for m in mentions(text, reader.offices) if m.start < start]
    if not found:
        return None
    last = found[-1]
    between = text[last.end : start]
    # "President Vaira Vike-Freiberga of the Republic of Latvia will make ...": the country may follow.
    # "..., who is visiting Turkey, held a meeting": a clause about the subject may stand between.
    who = r"(?:,\s+who\s+(?:is|was)\s+[^,.;()]{1,60},)?"
    of = r"(?:\s+of\s+(?:the\s+)?(?:[A-Z][\w'-]*)(?:\s+(?:of|and|the|[A-Z][\w'-]*))*)?"
    if not re.fullmatch(rf"{of}{who},?\s*", between):
        return None
    lead_in = text[: last.start]
    sentence_start = max(lead_in.rfind(". "), -2) + 2 if ". " in lead_in else 0
    before = lead_in[sentence_start:].strip()
    # "On 22 July, from 18:30 to 19:30 (local time; 20:30 to 21:30 Japan time), Minister ...": a
    # parenthesis may hold a semicolon.
    if before and not re.fullmatch(r"(?:From|On)\s(?:[^.;()]|\([^()]{0,80}\)){1,120},", before):
        return None
    return last


#: A full stop that ends a sentence: not after "St", "Mr", "Ms", "Dr", an initial ("George W. Bush"),
#: "H.E." or "U.S." ("H.E. Mr. Ban Ki-moon", "U.S. President").
_SENTENCE_END = r"(?<!\bSt)(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\s[A-Z])(?<!H\.E)(?<!U\.S)(?<!U\.K)\."


def _sentence(text: str, at: int) -> tuple[int, int]:
    """The sentence of `text` around position `at`."""
    starts = [m.end() for m in re.finditer(_SENTENCE_END + r"\s+(?=[A-Z])", text[:at])]
    start = starts[-1] if starts else 0
    after = re.search(_SENTENCE_END + r"(?:\s+(?=[A-Z])|\s*$)", text[at:])
    end = at + after.end() if after else len(text)
    return start, end


_VISIT_VERB = re.compile(
    r"\b(?P<verb>paid|made|will pay|will make|is to pay|is to make)\s+(?:a|an)\s+"
    r"(?:(?P<kind>state|official working|official|working|private)\s+)?visit\s+to\s+"
    r"|\b(?P<verb2>visited|will visit|is to visit)\s+(?=[A-Z]|the\s+[A-Z])"
)
_DEST_END = re.compile(r",|;|(?<!\bSt)\.(?:\s|$)|\s(?:from|on|at|for|as|where|in order|to|with|between)\s")
_PLACE = re.compile(r"^(?:the\s+)?[A-Z][\w.'-]*(?:\s+(?:of|the|[A-Z][\w.'-]*)){0,5}$")
_VISIT_KINDS = {
    "state": "state_visit",
    "official working": "official_working_visit",
    "official": "official_visit",
    "working": "working_visit",
    "private": "private_visit",
}
_TITLE_VISIT = re.compile(
    r"^(?:(?P<kind>State|Official Working|Official|Working|Private)\s+)?Visit\s+"
    r"(?:to\s+(?P<dest>.+?)\s+by\s+(?P<who>.+)|by\s+(?P<who2>.+?)\s+to\s+(?P<dest2>.+))$"
)


def _destination(rest: str) -> tuple[str, bool]:
    """Where a visit went, the words after its verb, and whether they are sure: up to a clause's end,
    but over the commas of a list of countries ("Brazil, Argentina and Chile") or a city and its
    country ("Lima, Peru"). After a comma, a capitalised word that is no country ("Washington, D.C.",
    "Memphis, Tennessee") makes them unsure: a list cut there would be a wrong list."""
    end = 0
    for _ in range(12):
        cut = _DEST_END.search(rest, end)
        if cut is None:
            return rest, True
        if not rest.startswith(",", cut.start()):
            return rest[: cut.start()], True
        following = _DEST_END.search(rest, cut.end())
        segment = rest[cut.end() : following.start() if following else len(rest)].strip()
        segment = segment.removeprefix("and ").lstrip()  # "Brazil, Mexico, Peru, and Chile"
        if not segment[:1].isupper():
            return rest[: cut.start()], True
        if not all(country_code(p) for p in re.split(r"\s+and\s+", segment) if p):
            return rest[: following.start() if following else len(rest)], False
        end = following.start() if following else len(rest)
        if following is None:
            return rest, True
    return rest[:end], False


@dataclass
class _Visit:
    principal: str | None = None
    countries: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    period: Node | None = None
    kind: str | None = None
    status: str | None = None
    sources: list[str] = field(default_factory=list)


def _read_title_visit(unit: _Unit, reader: _Reader, visit: _Visit) -> None:
    match = _TITLE_VISIT.match(unit.text)
    if match is None:
        return
    dest = match.group("dest") or match.group("dest2")
    who = match.group("who") or match.group("who2")
    code = country_code(dest)
    named = mentions(who, reader.offices)
    # The principal is who the title names first: "by Prime Minister X", "by Mr. X, Minister ...", "by His
    # Majesty King X and Her Majesty Queen Y" (the King).
    honorific = named[0].honorific if named else None
    first_words = who.removeprefix(honorific).lstrip() if honorific else re.sub(r"^(?:Mr|Ms|Mrs|Dr)\.\s+", "", who)
    if code is None or not named or not first_words.startswith((named[0].title, named[0].name)):
        return
    visit.principal = named[0].name
    visit.countries.append(code)
    if match.group("kind"):
        visit.kind = _VISIT_KINDS[match.group("kind").lower()]
    visit.sources.append(unit.source)


def _read_lead_visit(unit: _Unit, reader: _Reader, visit: _Visit) -> None:
    # The release's visit is the lead's first sentence's: a later one ("President Hu visited Japan in
    # May 1998") recalls another.
    first_end = _sentence(unit.text, 0)[1]
    found = [m for m in _VISIT_VERB.finditer(unit.text) if m.start() < first_end]
    if len(found) != 1:
        return
    verb = found[0]
    subject = _subject(unit.text, verb.start(), reader)
    if subject is None:
        return
    if visit.principal is not None and reader_same(reader, visit.principal, subject.name) is False:
        reader.warn(
            unit.line, f"the lead's visitor \"{subject.name}\" is not the title's: the lead's visit is left out"
        )
        return
    rest = unit.text[verb.end() :]
    dest, sure = _destination(rest)
    dest_end = verb.end() + len(dest)
    pieces = [dest] if country_code(dest) else [p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", dest) if p]
    if "," in dest and "Georgia" in pieces:
        pieces.append("Georgia?")  # "Atlanta, Georgia": the state as likely as the country, so not read
    states = [
        p for p in pieces if country_code(p) is None and re.search(r"\b(?:Republic|Kingdom|State|Federation)\b", p)
    ]
    if not sure or not pieces or not all(_PLACE.match(p) for p in pieces) or states:
        reader.warn(unit.line, f'where the visit went, "{dest}", is not read: the visit\'s places are left out')
        pieces = []
    codes: list[str] = []
    for piece in pieces:
        code = country_code(piece)
        if code is None:
            visit.places.append(piece.removeprefix("the "))
        elif code not in codes:
            codes.append(code)
    # The countries in the order visited: the lead's, then any the title adds.
    visit.countries = codes + [c for c in visit.countries if c not in codes]
    start, end = _sentence(unit.text, verb.start())
    sentence = unit.text[start:end]
    got = when.period(sentence, reader.release)
    if isinstance(got, str):
        reader.warn(unit.line, got)
    elif got is not None:
        span, p_start, _ = got
        at = start + p_start
        if at == start or 0 <= at - dest_end <= 2:
            visit.period = span
    visit.principal = visit.principal or subject.name
    tense = verb.group("verb") or verb.group("verb2")
    visit.status = "scheduled" if tense.startswith(("will", "is to")) else "held"
    if verb.group("kind"):
        visit.kind = _VISIT_KINDS[verb.group("kind")]
    if unit.source not in visit.sources:
        visit.sources.append(unit.source)


def reader_same(reader: _Reader, a: str, b: str) -> bool:
    """Whether two printed names are one person (one the other's first or last word)."""
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    short, long = (wa, wb) if len(wa) < len(wb) else (wb, wa)
    return len(short) == 1 and short[0] in (long[0], long[-1])


_LEAD_ENGAGEMENT = re.compile(
    r"\b(?P<verb>held|had|paid)\s+(?:a\s+|an\s+)?(?P<what>telephone talks?|telephone conversation|telephone call|"
    r"summit meeting|summit talks|summit|meeting|talks|courtesy call|working lunch|luncheon|dinner|video conference)"
    r"\b(?!\s+(?:of|on the|in|at the)\b)"
)


def _times(engagement: Node, sentence: str, reader: _Reader, line: int) -> None:
    got = when.clocks(sentence)
    if got is None:
        reader.warn(line, "the text prints several clock times or a zone not read: the engagement's times are left out")
    elif got:
        engagement["times"] = got
    length = when.length(sentence)
    if isinstance(length, str):
        reader.warn(line, length)
    elif length is not None:
        between = when.minutes_between(got[0]) if got else None
        slack = 15 if length.get("approximate") or (got and got[0].get("approximate")) else 0
        if between is not None and abs(between - when.minutes_of(length["value"])) > slack:
            reader.warn(line, f'"{length["printed"]}" disagrees with the times printed: the duration is left out')
        else:
            engagement["duration"] = length


#: How many days from the release's date an engagement it reports may be when its year is printed (a long
#: visit, a late release); a day printed without its year is given one only within `facts_when._FARTHEST`.
_NEAR = 60


def _heading_engagement(unit: _Unit, reader: _Reader) -> Node | None:
    if unit.kind == "item" and (re.search(r"[.:;]$", unit.text) or len(unit.text.split()) > 20):
        return None
    got = when.day_in_parentheses(unit.text, reader.release)
    if got is None:
        return None
    if isinstance(got, str):
        if kind_of(unit.text):
            reader.warn(unit.line, got)
        return None
    name, day = got
    kind = kind_of(name)
    if kind is None:
        reader.warn(
            unit.line,
            f'"{name}" is dated but names no one kind of engagement (or one in passing): it is not read as one',
        )
        return None
    if unit.aside:
        reader.warn(unit.line, f'"{name}" is listed under a reference or background heading: it is not read as one')
        return None
    # "Summit Meeting (5 December 2004)" in a release of April 2005: a year printed far from the release's
    # date is an earlier (or later) meeting recalled, not one the release reports.
    far = reader.release is not None and abs((date.fromisoformat(day["date"]) - reader.release).days) > _NEAR
    if far and "inferred" not in day:
        reader.warn(unit.line, f'"{name}" is dated far from the release: it is not read as one of its engagements')
        return None
    engagement: Node = {"id": "", "kind": kind}
    if name:
        engagement["name"] = name
    engagement["date"] = day
    engagement["sources"] = [unit.source]
    return engagement


def _named_by_title(engagement: Node, title: _Unit | None) -> None:
    """A release about one engagement is titled by it ("Japan-Egypt Summit Meeting"): when the title
    names the lead's kind of engagement and no visit, it is the engagement's name."""
    if title is None or re.search(r"\bvisit", title.text, re.IGNORECASE):
        return
    if kind_of(title.text) == engagement["kind"]:
        engagement["name"] = title.text
        engagement["sources"] = [title.source, *engagement["sources"]]


#: Words of a sentence about another meeting than the heading's ("the previous meeting lasted ...").
_EARLIER_OR_LATER = re.compile(r"\b(?:previous|last|next|planned|since|scheduled|upcoming)\b", re.IGNORECASE)
#: Kinds a sentence may call "the meeting" or "the talks".
_MEETING_LIKE = {
    "summit",
    "meeting",
    "talks",
    "committee_meeting",
    "telephone_call",
    "video_conference",
    "courtesy_call",
}


def _said_of(text: str, kind: str) -> str | None:
    """The sentences of a heading's first paragraph that print times, when they speak of the heading's
    engagement and of nothing else ("The courtesy call took place from 11:00 to 11:40"); None when they
    name another kind or a ceremony, tour, arrival ... ("A welcome ceremony was held from 9:00"), or
    no kind at all."""
    # One pass over the text (not `_sentence` at each stop, which would go over it again and again).
    cuts = [0, *(m.end() for m in re.finditer(_SENTENCE_END + r"\s+(?=[A-Z])", text)), len(text)]
    sentences = [text[a:b] for a, b in itertools.pairwise(cuts) if a < b]
    timed = [x for x in sentences if when.clocks(x) != [] or when.length(x) is not None]
    if not timed:
        return ""
    for sentence in timed:
        named = {k for p, k in _KINDS if p.search(sentence)}
        named -= _IMPLIED.get(kind, set())
        if kind in named:
            named -= {kind, "meeting", "talks"}
        elif named <= {"meeting", "talks"} and named and kind in _MEETING_LIKE:
            named = set()
        else:
            return None
        if named or _OTHER_THINGS.search(sentence) or _EARLIER_OR_LATER.search(sentence):
            return None
    return " ".join(timed)


def _first_paragraph(unit: _Unit) -> Node | None:
    blocks = unit.node.get("blocks", [])
    return blocks[0] if blocks and blocks[0]["type"] == "paragraph" else None


_WHO_CLAUSE = re.compile(r",\s+who\s+[^,.;]{1,120},")


def _lead_engagement(unit: _Unit, reader: _Reader) -> Node | None:
    found = list(_LEAD_ENGAGEMENT.finditer(unit.text))
    if len(found) != 1:
        return None
    match = found[0]
    subject = _subject(unit.text, match.start(), reader)
    if subject is None:
        return None
    start, end = _sentence(unit.text, match.start())
    sentence = unit.text[start:end]
    # One day is wanted: a sentence that prints many is not read, and not handed to `day_months`,
    # whose search for a range's first day goes back over the text for each day it finds.
    if sum(1 for _ in itertools.islice(DAY_MONTH.finditer(sentence), 3)) > 2:
        return None
    days = day_months(sentence)
    if len(days) != 1 or when.period(sentence, reader.release) is not None:
        return None
    one = days[0]
    on = re.search(r"\b[Oo]n\s+(?:(?P<weekday>[A-Z][a-z]+),?\s+)?$", sentence[: one.start])
    if on is None:
        return None
    # "... held a meeting with President Hu, the first since the meeting on 2 May": a day printed after
    # another engagement or event named after the verb is that one's.
    after_verb = _WHO_CLAUSE.sub(",", unit.text[match.end() : start + on.start()])  # not "who is on a visit"
    if any(p.search(after_verb) for p, _ in _KINDS) or _OTHER_THINGS.search(after_verb):
        return None
    if _EARLIER_OR_LATER.search(after_verb):
        return None
    resolved = when.resolve(one.day, one.month, one.year, reader.release)
    if resolved is None:
        reader.warn(unit.line, "the lead's day has no year near the release's date: its engagement is left out")
        return None
    # "On Tuesday, November 3, 2004" when 3 November 2004 was a Wednesday: which of the two is meant is a guess.
    printed_weekday = weekdays(on.group("weekday") or "")
    if printed_weekday and printed_weekday[0] != resolved.day.weekday():
        reader.warn(unit.line, "the lead prints a weekday that is not the day's: its engagement is left out")
        return None
    what = match.group("what")
    kind = kind_of(what)
    if kind is None:
        return None
    printed = sentence[one.start : one.end]
    engagement: Node = {"id": "", "kind": kind, "status": "held"}
    engagement["date"] = when.exact(resolved, printed)
    # "..., after a welcome ceremony at 9:30": a time the sentence gives another event is not the engagement's.
    # What is said of the subject between its name and the verb ("who is in New York to attend the
    # Millennium Summit") is about the subject, not the engagement's time.
    aside = unit.text[subject.end : match.start()] if subject.start >= start else ""
    plain = sentence.replace(aside, " ", 1) if aside.strip(" ,") else sentence
    # So is a clause about a counterpart ("..., who is on an official working visit to Japan, ...").
    said = _said_of(_WHO_CLAUSE.sub(",", plain), kind)
    if said is None:
        reader.warn(unit.line, "the times printed may be another event's: the engagement's times are left out")
    else:
        _times(engagement, said, reader, unit.line)
    engagement["sources"] = [unit.source]
    if reader.release is not None and resolved.day > reader.release:
        del engagement["status"]
    return engagement


def read_facts(
    document: Node,
    release_date: str | None,
    warnings: list[IngestWarning],
    slug: Callable[[str, int], str],
    *,
    body: list[Line] | None = None,
    title_line: int = 1,
    offices: tuple[str, ...] = (),
    taken: set[str] | None = None,
) -> Node:
    """The visit, people, places and engagements a document states plainly (only the keys it found)."""
    release = date.fromisoformat(release_date) if release_date and len(release_date) == 10 else None
    if release_date and len(release_date) == 7:
        release = date(int(release_date[:4]), int(release_date[5:]), 15)
    reader = _Reader(release, warnings, slug, offices, taken=set(taken or ()))
    finder = _LineFinder(body or [], title_line)
    units = list(_units(document, finder, title_line))
    lines = {u.source: u.line for u in units}
    engagements: list[Node] = []
    visit = _Visit()
    lead = next((u for u in units if u.kind == "paragraph"), None)
    body_blocks = document.get("body", [])
    first_is_lead = lead is not None and bool(body_blocks) and body_blocks[0].get("id") == lead.source
    for order, unit in enumerate(units):
        reader.collect(unit, order)
        if unit.kind == "title":
            _read_title_visit(unit, reader, visit)
        elif unit.kind in ("heading", "item"):
            engagement = _heading_engagement(unit, reader)
            if engagement is not None:
                paragraph = _first_paragraph(unit) if unit.kind == "heading" else None
                if paragraph is not None:
                    said = _said_of(paragraph["text"], engagement["kind"])
                    if said is not None:
                        _times(engagement, said, reader, lines.get(paragraph["id"], unit.line))
                    elif when.clocks(paragraph["text"]) != [] or when.length(paragraph["text"]) is not None:
                        reader.warn(
                            lines.get(paragraph["id"], unit.line),
                            "the times printed may be another event's: the engagement's times are left out",
                        )
                engagements.append(engagement)
    if lead is not None and first_is_lead:
        _read_lead_visit(lead, reader, visit)
        if not engagements:
            engagement = _lead_engagement(lead, reader)
            if engagement is not None:
                _named_by_title(engagement, units[0] if units and units[0].kind == "title" else None)
                engagements.append(engagement)
    reader.gather_people(lines)
    return _assemble(reader, visit, engagements, lines)


def _assemble(reader: _Reader, visit: _Visit, engagements: list[Node], lines: dict[str, int]) -> Node:
    out: Node = {}
    people: list[Node] = []
    ids: dict[int, str] = {}
    for person in reader.people:
        node: Node = {"id": reader.ident(person.name, "person"), "name": person.name}
        ids[id(person)] = node["id"]
        if person.aliases:
            node["aliases"] = person.aliases
        if person.honorific:
            node["honorific"] = person.honorific
        node["titles"] = [{"printed": t} for t in person.titles]
        node["sources"] = list(person.sources)
        people.append(node)
    places: list[Node] = []
    principal = reader.person_of(visit.principal) if visit.principal else None
    if principal is not None and visit.sources:
        record: Node = {"principals": [ids[id(principal)]]}
        if visit.status is not None and _status_fits(visit.status, visit.period, reader.release):
            record["status"] = visit.status
        if visit.kind is not None:
            record["kind"] = visit.kind
        if visit.countries:
            record["countries"] = visit.countries
        place_ids = []
        for name in visit.places:
            ident = reader.ident(name, "place")
            places.append({"id": ident, "name": name, "sources": [visit.sources[-1]]})
            place_ids.append(ident)
        if place_ids:
            record["places"] = place_ids
        if visit.period is not None:
            record["period"] = visit.period
        record["sources"] = visit.sources
        out["visit"] = record
    if people:
        out["people"] = people
    if places:
        out["places"] = places
    kept = []
    span = (visit.period["start"], visit.period["end"]) if visit.period and "visit" in out else None
    for engagement in engagements:
        day = engagement.get("date", {}).get("date")
        if span is not None and day is not None and not span[0] <= day <= span[1]:
            # A meeting before or after the visit is recalled, or the period is misread: either way it is
            # not one of the visit's engagements as read.
            source = engagement["sources"][0]
            reader.warn(lines.get(source, 1), f"{day} is outside the visit's period: the engagement is left out")
            continue
        engagement["id"] = reader.ident(str(engagement.get("name", engagement["kind"])), "engagement")
        kept.append(engagement)
    if kept:
        out["engagements"] = kept
    return out


def _status_fits(status: str, period: Node | None, release: date | None) -> bool:
    """A held visit does not start after the release, a scheduled one does not end before it."""
    if period is None or release is None:
        return True
    start, end = str(period["start"]), str(period["end"])
    if status == "held":
        return start <= release.isoformat()
    return end >= release.isoformat()
