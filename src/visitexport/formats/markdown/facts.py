"""Facts of a record as a reader sees them: names for ids, dates in words, where a block sits.

Shared by the Markdown report and summary. Everything returned here is plain
text; escaping is the caller's job (`md_text`).

What the record worked out rather than read (`inferred`) is said so in words
("2 November 2000 (as printed: 2 November; year from the release date)"), and
never as printed; a fuzzy date shows its printed words and only the bounds the
record knows ("by 31 December 2000", "from 4 November 2000", or none).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from visitexport.wording import MONTHS

__all__ = [
    "FOLLOW_UP_KINDS",
    "Facts",
    "Place",
    "Thing",
    "bounds_words",
    "day_words",
    "engagements",
    "how_words",
    "human_date",
    "is_follow_up",
    "kind_words",
    "length_words",
    "span_words",
    "title_words",
    "when_text",
    "when_words",
]

Thing = dict[str, Any]

# Month names by number, from the shared calendar words: the first name each number gets is the
# full one ("january" before "jan").
_MONTHS: dict[int, str] = {}
for _name, _number in MONTHS.items():
    _MONTHS.setdefault(_number, _name.capitalize())

#: A table row cited as a source: the table's id, '.r' and the row's number from 1 ('b12.r3').
_ROW = re.compile(r"^(?P<table>.+)\.r(?P<row>[1-9][0-9]*)$")


def _spaced(text: str) -> str:
    """Text with each run of spaces and tabs as one space, to compare what was printed with a name."""
    return " ".join(text.split())


def human_date(value: str) -> str:
    """'2000-11-02' as '2 November 2000'; month and year precision as 'November 2000', '2000'."""
    parts = value.split("-")
    if len(parts) == 1:
        return value
    month = _MONTHS[int(parts[1])]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    day = datetime.date.fromisoformat(value).day
    return f"{day} {month} {parts[0]}"


def span_words(start: str, end: str) -> str:
    """Two days (or months, or years) as one span in few words: '1 to 4 November 2000', 'February 2001'.

    The same value twice is said once; a shared month and year, or a shared year, is said at the end.
    """
    if start == end:
        return human_date(start)
    first, last = human_date(start).split(" "), human_date(end).split(" ")
    if len(first) == len(last) == 3 and first[1:] == last[1:]:
        return f"{first[0]} to {' '.join(last)}"
    if len(first) == len(last) and len(first) > 1 and first[-1] == last[-1]:
        return f"{' '.join(first[:-1])} to {' '.join(last)}"
    return f"{' '.join(first)} to {' '.join(last)}"


_HYPHENATED = {"co_chair": "co-chair", "follow_up": "follow-up"}

#: Outcome kinds that are follow-ups even without a due date.
FOLLOW_UP_KINDS = ("follow_up", "planned_meeting")

#: What a worked-out value rests on, in words (`$defs/basis`).
_BASIS = {
    "release_date": "from the release date",
    "header": "from the header",
    "text": "from the text",
    "person": "by the editor, not from the text",
}


def kind_words(kind: str) -> str:
    """An enumerated value in words: 'courtesy_call' as 'courtesy call', 'co_chair' as 'co-chair'."""
    return _HYPHENATED.get(kind, kind.replace("_", " "))


def is_follow_up(outcome: Thing) -> bool:
    """What happens next: an outcome with a due date, or a follow-up or planned meeting without one."""
    return "due" in outcome or outcome["kind"] in FOLLOW_UP_KINDS


def how_words(how: Thing, what: str = "worked out") -> str:
    """How a value was worked out: 'worked out from the header', 'year from the release date; <note>'."""
    words = f"{what} {_BASIS[how['basis']]}"
    return f"{words}: {how['note']}" if "note" in how else words


def title_words(title: Thing) -> str:
    """A title as printed, then its normalised form when it has one that says it otherwise: 'Foreign Minister
    (normalised: Minister for Foreign Affairs of Japan)'. A normalised form is an editor's, never shown as
    printed."""
    printed = str(title["printed"])
    normalised = title.get("normalised")
    if normalised is None or _spaced(normalised) == _spaced(printed):
        return printed
    return f"{printed} (normalised: {normalised})"


def _duration_words(duration: str) -> str:
    """'PT2H30M' as '2 hours 30 minutes' (the schema allows hours and minutes only)."""
    hours, _, minutes = duration[2:].rpartition("H")
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("s" if hours != "1" else ""))
    if minutes:
        number = minutes.rstrip("M")
        parts.append(f"{number} minute" + ("s" if number != "1" else ""))
    return " ".join(parts)


def length_words(length: Thing) -> str:
    """A length of time: 'about 55 minutes (as printed: some 55 minutes)', the printed words when they differ."""
    words = ("about " if length.get("approximate") else "") + _duration_words(length["value"])
    printed = length.get("printed")
    return f"{words} (as printed: {printed})" if printed is not None and _spaced(printed) != words else words


def _how_part(when: Thing) -> list[str]:
    """How a date was worked out, in words, when it was: a printed date without a year ('2 November', 'by the
    end of the year') that got it from the release says 'year from the release date'."""
    how: Thing | None = when.get("inferred")
    if how is None:
        return []
    year_only = how["basis"] == "release_date" and "printed" in when and not re.search(r"\d{4}", when["printed"])
    return [how_words(how, "year" if year_only else "worked out")]


def _exact_words(when: Thing) -> str:
    """An exact date with what was printed and what was worked out: never a worked-out day as printed."""
    words = human_date(when["date"])
    about = [f"as printed: {when['printed']}"] if "printed" in when else []
    about += _how_part(when)
    return f"{words} ({'; '.join(about)})" if about else words


def bounds_words(when: Thing) -> str:
    """The days a fuzzy date can mean, as far as the record knows: '4 November to 31 December 2000',
    'by 31 December 2000', 'from 4 November 2000', or '' when it knows neither."""
    earliest, latest = when.get("earliest"), when.get("latest")
    if earliest is not None and latest is not None:
        return span_words(earliest, latest)
    if latest is not None:
        return f"by {human_date(latest)}"
    if earliest is not None:
        return f"from {human_date(earliest)}"
    return ""


def when_words(when: Thing) -> str:
    """A date printed words first: 'on 15 November (15 November 2000; year from the release date)', 'mid-December
    (11 to 20 December 2000)'; a date the release does not print, in words."""
    if "printed" not in when:
        return _exact_words(when)
    about = [human_date(when["date"])] if "date" in when else [bounds] if (bounds := bounds_words(when)) else []
    about += _how_part(when)
    return f"{when['printed']} ({'; '.join(about)})" if about else str(when["printed"])


def day_words(when: Thing) -> str:
    """A date in few words: the day, or a fuzzy date as printed ('2 November 2000', 'mid-December')."""
    return human_date(when["date"]) if "date" in when else str(when["printed"])


def when_text(when: Thing) -> str:
    """A date for a reader: '2 November 2000 (as printed: 2 November)', 'mid-December (11 to 20 December 2000)',
    'by the end of the year (by 31 December 2000)', or a fuzzy date's words alone when it has no bounds."""
    return _exact_words(when) if "date" in when else when_words(when)


def engagements(record: Thing) -> Iterator[tuple[Thing, Thing | None]]:
    """Every engagement with its parent (None at the top), depth first in record order."""
    stack: list[tuple[Thing, Thing | None]] = [(e, None) for e in reversed(record.get("engagements", []))]
    while stack:
        engagement, parent = stack.pop()
        yield engagement, parent
        stack.extend((sub, engagement) for sub in reversed(engagement.get("engagements", [])))


class Place(NamedTuple):
    """Where a block sits: its enclosing sections (outermost first), its printed labels, and a fallback name."""

    sections: tuple[Thing, ...]
    labels: tuple[str, ...]
    #: 'paragraph 2': the block's kind and its number among its siblings of that kind.
    name: str


def _item_labels(items: list[Thing]) -> list[str]:
    """Items' labels, told apart where a label repeats: '-[2]' is the second '-'.

    Should a numbered label meet a printed one ('-', '-', '-[2]'), numbering goes on
    until every item's citation is distinct.
    """
    labels = [str(item["label"]) for item in items]
    while len(set(labels)) < len(labels):
        counts: dict[str, int] = {}
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
        seen: dict[str, int] = {}
        numbered = []
        for label in labels:
            seen[label] = seen.get(label, 0) + 1
            numbered.append(f"{label}[{seen[label]}]" if counts[label] > 1 else label)
        labels = numbered
    return labels


#: Where a fact goes when it cites the header alone: the release's own part, under the title.
RELEASE_PART = None


class Facts:
    """Look-ups over one valid record."""

    def __init__(self, record: Thing) -> None:
        self.record = record
        self.by_id: dict[str, Thing] = {}
        for key in ("people", "organisations", "places", "referenced_documents"):
            for thing in record.get(key, []):
                self.by_id[thing["id"]] = thing
        #: Every header line, block and list item by id (the parts a fact may cite as its source).
        self.blocks: dict[str, Thing] = {}
        self.places: dict[str, Place] = {}
        self.parent: dict[str, str] = {}
        #: Each header line, block and item's position in reading order (header, body, footer).
        self.order: dict[str, int] = {}
        document = record["document"]
        #: The ids of the header's lines: the report's title and metadata stand for them.
        self.header: set[str] = set()
        kinds: dict[str, int] = {}
        for line in document["header"]:
            kinds[line["type"]] = n = kinds.get(line["type"], 0) + 1
            self.blocks[line["id"]] = line
            self.order[line["id"]] = len(self.order)
            self.header.add(line["id"])
            name = line["type"] if line["type"] in ("title", "qualifier") else f"{line['type']} line"
            self.places[line["id"]] = Place((), (), name if n == 1 else f"{name} {n}")
        self._index(document.get("body", []), "")
        before = set(self.blocks)
        self._index(document.get("footer", []), "footer ")
        #: The ids of the footer's parts, which the report leaves out.
        self.footer: set[str] = set(self.blocks) - before

    def _index(self, body: list[Thing], prefix: str) -> None:
        # Iterative, because block trees may be deep; children are pushed in reverse so that blocks are
        # met in reading order, which `order` records.
        stack: list[tuple[Thing, tuple[Thing, ...], tuple[str, ...], str, str]] = []

        def push(group: list[Thing], outer: tuple[Thing, ...], cited: tuple[str, ...], parent: str) -> None:
            kinds: dict[str, int] = {}
            named = []
            for block in group:
                kinds[block["type"]] = kinds.get(block["type"], 0) + 1
                named.append((block, f"{prefix}{block['type']} {kinds[block['type']]}"))
            stack.extend((block, outer, cited, parent, name) for block, name in reversed(named))

        push(body, (), (), "")
        while stack:
            block, outer, cited, parent, name = stack.pop()
            self.blocks[block["id"]] = block
            self.order[block["id"]] = len(self.order)
            if parent:
                self.parent[block["id"]] = parent
            own = (*cited, block["label"]) if block["type"] == "section" and "label" in block else cited
            self.places[block["id"]] = Place(outer, own, name)
            if block["type"] == "section":
                push(block.get("blocks", []), (*outer, block), own, block["id"])
            elif block["type"] == "list":
                item_labels = _item_labels(block["items"])
                entries = list(enumerate(zip(block["items"], item_labels, strict=True), 1))
                for n, (item, label) in reversed(entries):
                    self.parent[item["id"]] = block["id"]
                    self.places[item["id"]] = Place(outer, (*cited, label), f"{prefix}item {n}")
                    # An item is met before its blocks: a marker entry stands for it on the stack.
                    stack.append(
                        (
                            {"id": item["id"], "type": "item", "blocks": item.get("blocks", [])},
                            outer,
                            (*cited, label),
                            block["id"],
                            f"{prefix}item {n}",
                        )
                    )
            elif block["type"] == "item":
                item_id = block["id"]
                self.blocks[item_id] = self._item(item_id, parent)
                push(block["blocks"], outer, cited, item_id)

    def _item(self, item_id: str, list_id: str) -> Thing:
        items: list[Thing] = self.blocks[list_id]["items"]
        return next(item for item in items if item["id"] == item_id)

    def block_of(self, source: str) -> tuple[str, int | None]:
        """The block a source names, and the row it names in that block (a table's, from 1), if any."""
        if source in self.blocks:
            return source, None
        match = _ROW.match(source)
        # A valid record's sources resolve (`ref.source`): anything else names a table's row.
        assert match is not None, source
        return match["table"], int(match["row"])

    def position(self, source: str) -> tuple[int, int]:
        """Where a source is in reading order (a table's rows in their order)."""
        block, row = self.block_of(source)
        return self.order[block], row or 0

    def outermost(self, sources: list[str]) -> list[str]:
        """`sources` without those inside another of them (an item's paragraph when the item is cited, a
        row when its table is)."""
        cited = set(sources)

        def inside(source: str) -> bool:
            block, row = self.block_of(source)
            if row is not None and block in cited:
                return True
            parent = self.parent.get(block)
            while parent is not None:
                if parent in cited:
                    return True
                parent = self.parent.get(parent)
            return False

        return [s for s in sources if not inside(s)]

    def section_of(self, source: str) -> str:
        """The id of the section a source is or sits in; "" for blocks outside every section and the footer's.

        A header line is its own "section": the report's title stands for it.
        """
        block_id, _ = self.block_of(source)
        if block_id in self.header:
            return block_id
        if block_id in self.footer:
            return ""
        if self.blocks[block_id].get("type") == "section":
            return block_id
        sections = self.places[block_id].sections
        return str(sections[-1]["id"]) if sections else ""

    def home(self, sources: list[str]) -> str | None:
        """Where a fact belongs in the report: the section its sources lie in (the first in reading order
        when they lie in several); "" for the release text's top when they lie outside every section (or
        in the footer); `RELEASE_PART` when they cite the header alone."""
        body = sorted((s for s in sources if self.block_of(s)[0] not in self.header), key=self.position)
        if not body:
            return RELEASE_PART
        sections = [self.section_of(s) for s in body]
        return next((s for s in sections if s), "")

    def name(self, ident: str) -> str:
        """The name of a person (else the words the release refers to them by), organisation, place or
        document; a country code stays a code."""
        thing = self.by_id.get(ident)
        if thing is None:
            return ident
        return str(thing.get("name") or thing.get("designation") or thing.get("title"))

    def party(self, party: str) -> str:
        """A party in words: 'JP', 'Yohei Kono', 'Japan Bank for International Cooperation (JBIC)'."""
        thing = self.by_id.get(party)
        if thing is not None and "abbreviation" in thing and "name" in thing:
            return f"{thing['name']} ({thing['abbreviation']})"
        return self.name(party)

    def parties(self, parties: list[str]) -> str:
        return ", ".join(self.party(p) for p in parties)

    def place_words(self, ident: str, how: Thing | None = None) -> str:
        """A place and its country: 'Moscow (RU)', 'Kagoshima (JP, country worked out by the editor, not from the
        text)': a worked-out country says so, as in the places table, so it never reads as printed.

        `how`: how the fact naming the place worked the place out, said in the same parentheses ('Hanoi (VN;
        place worked out from the text: ...)'), not in a second pair after them.
        """
        place = self.by_id[ident]
        about = []
        if "country" in place:
            country_how = place.get("inferred", {}).get("country")
            about.append(
                place["country"]
                if country_how is None
                else f"{place['country']}, {how_words(country_how, 'country worked out')}"
            )
        if how is not None:
            about.append(how_words(how, "place worked out" if about else "worked out"))
        return f"{place['name']} ({'; '.join(about)})" if about else str(place["name"])

    def person_with_title(self, ident: str) -> str:
        """A person and the first title the release gives them, as printed: 'Yohei Kono, Minister for Foreign
        Affairs (normalised: Minister for Foreign Affairs of Japan)'."""
        person = self.by_id[ident]
        titles = person.get("titles", [])
        name = self.name(ident)
        if not titles:
            return name
        return f"{name}, {title_words(titles[0])}"

    def engagement_title(self, engagement: Thing, *, with_date: bool = True) -> str:
        """An engagement's name, else its kind and date: 'Meeting on 3 November 2000', 'Meeting, later in the
        month' (a fuzzy date's words), 'Meeting' (no date)."""
        name: str | None = engagement.get("name")
        if name is not None:
            return name
        kind = kind_words(engagement["kind"]).capitalize()
        if not with_date or "date" not in engagement:
            return kind
        when = engagement["date"]
        return f"{kind} on {human_date(when['date'])}" if "date" in when else f"{kind}, {when['printed']}"

    def sides(self, engagement: Thing) -> list[tuple[str | None, list[Thing]]]:
        """Participants by side: the issuing country's side first, then in the order they appear; those
        without a side last (None)."""
        sides: dict[str | None, list[Thing]] = {}
        for participant in engagement.get("participants", []):
            sides.setdefault(participant.get("side"), []).append(participant)
        home = self.home_country()
        return sorted(sides.items(), key=lambda pair: (pair[0] is None, pair[0] != home))

    def header_lines(self, kind: str) -> list[str]:
        """The texts of the header's lines of one kind ('title', 'qualifier', 'date', 'issuer'), in printed order."""
        return [str(line["text"]) for line in self.record["document"]["header"] if line["type"] == kind]

    def title(self) -> str:
        """The release's title as printed (several title parts joined), else the record's, else its id."""
        return " ".join(self.header_lines("title")) or str(
            self.record.get("release", {}).get("title", self.record["id"])
        )

    def _how(self, field: str) -> str | None:
        how = self.record.get("release", {}).get("inferred", {}).get(field)
        return None if how is None else how_words(how)

    def published(self) -> str | None:
        """When the release was published: '5 September 2000 (as printed: September 5, 2000)'; None if unknown.

        The date in words, with the printed date line when it says it otherwise, and how
        it was worked out when it was; the printed line alone when the record has no
        date; None when there is neither.
        """
        printed = self.header_lines("date")
        date: str | None = self.record.get("release", {}).get("date")
        if date is None:
            return f"{'; '.join(printed)} (as printed)" if printed else None
        words = human_date(date)
        about = [f"as printed: {'; '.join(other)}"] if (other := [p for p in printed if _spaced(p) != words]) else []
        how = self._how("date")
        if how is not None:
            about.append(how)
        return f"{words} ({'; '.join(about)})" if about else words

    def issuer(self) -> str | None:
        """Who issued the release: 'Ministry of Foreign Affairs (JP)'; None if the record does not say.

        The issuer's name, else its printed line; the issuing country, the printed line
        when it names the issuer otherwise, and how either was worked out, in brackets.
        """
        release = self.record.get("release", {})
        printed = self.header_lines("issuer")
        name = self.party(release["issuer"]) if "issuer" in release else None
        about = [release["country"]] if "country" in release else []
        if "country" in release and (how := self._how("country")) is not None:
            about[0] += f", {how}"
        other = [line for line in printed if _spaced(line) != _spaced(name or "")]
        if name is None:
            name, other = ("; ".join(printed) or None), []
        elif (how := self._how("issuer")) is not None:
            about.insert(0, f"issuer {how}")
        if other:
            about.append(f"as printed: {'; '.join(other)}")
        if name is None:
            return "; ".join(about) or None
        return f"{name} ({', '.join(about)})" if about else name

    def home_country(self) -> str | None:
        """The issuing country, when the record states it."""
        country: str | None = self.record.get("release", {}).get("country")
        return country

    def parties_to(self, thing: Thing) -> str:
        """Parties, and whom they address: 'JP, to Igor Sergeyev'; '' when the record names neither."""
        who = self.parties(thing.get("parties", []))
        if "addressees" not in thing:
            return who
        to = f"to {self.parties(thing['addressees'])}"
        return f"{who}, {to}" if who else to

    def cite(self, source: str) -> str:
        """A source cited by its printed labels ('2. (1) 2. 1.'), else its section's heading, else 'paragraph 1';
        a table row as its table's citation and the row: 'paragraph 1, table 1, row 2'."""
        block_id, row = self.block_of(source)
        place = self.places[block_id]
        if row is not None:
            return f"{self._cite_block(block_id, place)}, row {row}"
        return self._cite_block(block_id, place)

    def _cite_block(self, block_id: str, place: Place) -> str:
        if place.labels:
            return " ".join(place.labels)
        block = self.blocks[block_id]
        if block.get("type") == "section":
            return str(block["heading"])
        return str(place.sections[-1]["heading"]) if place.sections else place.name

    def citations(self, sources: list[str]) -> list[tuple[str, str]]:
        """Each distinct citation of `sources` (outermost first, in the record's order) with the id of the
        first source cited so: two paragraphs of one item cite alike and are named once."""
        seen: dict[str, str] = {}
        for source in self.outermost(sources):
            seen.setdefault(self.cite(source), source)
        return list(seen.items())
