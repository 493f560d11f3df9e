"""Facts of a record as a reader sees them: names for ids, dates in words, where a block sits.

Shared by the Markdown report and summary. Everything returned here is plain
text; escaping is the caller's job (`md_text`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any, NamedTuple

__all__ = [
    "FOLLOW_UP_KINDS",
    "Facts",
    "Place",
    "Thing",
    "day_words",
    "duration_words",
    "engagements",
    "human_date",
    "is_follow_up",
    "kind_words",
    "when_bounds",
    "when_text",
    "when_words",
]

Thing = dict[str, Any]

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _spaced(text: str) -> str:
    """Text with each run of spaces and tabs as one space, to compare what was printed with a name."""
    return " ".join(text.split())


def human_date(value: str) -> str:
    """'2000-11-02' as '2 November 2000'; month and year precision as 'November 2000', '2000'."""
    parts = value.split("-")
    if len(parts) == 1:
        return value
    month = _MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    day = datetime.date.fromisoformat(value).day
    return f"{day} {month} {parts[0]}"


_HYPHENATED = {"co_chair": "co-chair", "follow_up": "follow-up"}

#: Outcome kinds that are follow-ups even without a due date.
FOLLOW_UP_KINDS = ("follow_up", "planned_meeting")


def kind_words(kind: str) -> str:
    """An enumerated value in words: 'courtesy_call' as 'courtesy call', 'co_chair' as 'co-chair'."""
    return _HYPHENATED.get(kind, kind.replace("_", " "))


def is_follow_up(outcome: Thing) -> bool:
    """What happens next: an outcome with a due date, or a follow-up or planned meeting without one."""
    return "due" in outcome or outcome["kind"] in FOLLOW_UP_KINDS


def duration_words(duration: str) -> str:
    """'PT2H30M' as '2 hours 30 minutes' (the schema allows hours and minutes only)."""
    hours, _, minutes = duration[2:].rpartition("H")
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("s" if hours != "1" else ""))
    if minutes:
        number = minutes.rstrip("M")
        parts.append(f"{number} minute" + ("s" if number != "1" else ""))
    return " ".join(parts)


def when_words(when: Thing) -> str:
    """A date as printed, else in words."""
    printed: str | None = when.get("printed")
    if printed is not None:
        return printed
    return human_date(when["date"])


def day_words(when: Thing) -> str:
    """A date in few words: the day, or a fuzzy date as printed ('2 November 2000', 'mid-December')."""
    return human_date(when["date"]) if "date" in when else str(when["printed"])


def when_text(when: Thing) -> str:
    """A date for a reader: '2 November 2000 (as printed: 2 November)', or 'mid-December (2000-12-11 to 2000-12-20)'."""
    if "date" not in when:
        return f"{when['printed']} ({when_bounds(when)})"
    words = human_date(when["date"])
    return f"{words} (as printed: {when['printed']})" if "printed" in when else words


def when_bounds(when: Thing) -> str:
    """A date as machine bounds: '2000-11-15', or '2000-11-04 to 2000-12-31'."""
    if "date" in when:
        return str(when["date"])
    return f"{when['earliest']} to {when['latest']}"


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
        document = record["document"]
        #: The ids of the header's lines: the report's title and metadata stand for them.
        self.header: set[str] = set()
        kinds: dict[str, int] = {}
        for line in document["header"]:
            kinds[line["type"]] = n = kinds.get(line["type"], 0) + 1
            self.blocks[line["id"]] = line
            self.header.add(line["id"])
            name = line["type"] if line["type"] in ("title", "qualifier") else f"{line['type']} line"
            self.places[line["id"]] = Place((), (), name if n == 1 else f"{name} {n}")
        self._index(document.get("body", []), "")
        before = set(self.blocks)
        self._index(document.get("footer", []), "footer ")
        #: The ids of the footer's parts, which the report leaves out.
        self.footer: set[str] = set(self.blocks) - before

    def _index(self, body: list[Thing], prefix: str) -> None:
        # Iterative, because block trees may be deep.
        stack: list[tuple[list[Thing], tuple[Thing, ...], tuple[str, ...], str]] = [(body, (), (), "")]
        while stack:
            group, outer, cited, parent = stack.pop()
            kinds: dict[str, int] = {}
            for block in group:
                self.blocks[block["id"]] = block
                if parent:
                    self.parent[block["id"]] = parent
                kinds[block["type"]] = kinds.get(block["type"], 0) + 1
                own = (*cited, block["label"]) if block["type"] == "section" and "label" in block else cited
                self.places[block["id"]] = Place(outer, own, f"{prefix}{block['type']} {kinds[block['type']]}")
                if block["type"] == "section":
                    stack.append((block.get("blocks", []), (*outer, block), own, block["id"]))
                elif block["type"] == "list":
                    item_labels = _item_labels(block["items"])
                    for n, (item, label) in enumerate(zip(block["items"], item_labels, strict=True), 1):
                        self.blocks[item["id"]] = item
                        self.parent[item["id"]] = block["id"]
                        self.places[item["id"]] = Place(outer, (*cited, label), f"{prefix}item {n}")
                        stack.append((item.get("blocks", []), outer, (*cited, label), item["id"]))

    def outermost(self, sources: list[str]) -> list[str]:
        """`sources` without those inside another of them (an item's paragraph when the item is cited)."""
        cited = set(sources)

        def inside(block_id: str) -> bool:
            parent = self.parent.get(block_id)
            while parent is not None:
                if parent in cited:
                    return True
                parent = self.parent.get(parent)
            return False

        return [s for s in sources if not inside(s)]

    def section_of(self, block_id: str) -> str:
        """The id of the section a block is or sits in; "" for blocks outside every section and the footer's.

        A header line is its own "section": the report's title stands for it.
        """
        if block_id in self.header:
            return block_id
        if block_id in self.footer:
            return ""
        if self.blocks[block_id].get("type") == "section":
            return block_id
        sections = self.places[block_id].sections
        return str(sections[-1]["id"]) if sections else ""

    def name(self, ident: str) -> str:
        """The name of a person, organisation, place or document; a country code stays a code."""
        thing = self.by_id.get(ident)
        if thing is None:
            return ident
        return str(thing.get("name") or thing.get("title"))

    def party(self, party: str) -> str:
        """A party in words: 'JP', 'Yohei Kono', 'Japan Bank for International Cooperation (JBIC)'."""
        thing = self.by_id.get(party)
        if thing is not None and "abbreviation" in thing:
            return f"{thing['name']} ({thing['abbreviation']})"
        return self.name(party)

    def parties(self, parties: list[str]) -> str:
        return ", ".join(self.party(p) for p in parties)

    def place_words(self, ident: str) -> str:
        place = self.by_id[ident]
        return f"{place['name']} ({place['country']})" if "country" in place else str(place["name"])

    def person_with_title(self, ident: str) -> str:
        """A person and the first title the release gives them: 'Yohei Kono, Minister for Foreign Affairs of Japan'."""
        person = self.by_id[ident]
        titles = person.get("titles", [])
        return f"{person['name']}, {titles[0]['normalised']}" if titles else str(person["name"])

    def engagement_title(self, engagement: Thing, *, with_date: bool = True) -> str:
        """An engagement's name, else its kind (and date): 'Meeting on 3 November 2000'."""
        name: str | None = engagement.get("name")
        if name is not None:
            return name
        kind = kind_words(engagement["kind"]).capitalize()
        if not with_date:
            return kind
        return f"{kind} on {day_words(engagement['date'])}"

    def sides(self, engagement: Thing) -> list[tuple[str, list[Thing]]]:
        """Participants by side: the issuing country's side first, then in the order they appear."""
        sides: dict[str, list[Thing]] = {}
        for participant in engagement.get("participants", []):
            sides.setdefault(participant["side"], []).append(participant)
        home = self.home()
        return sorted(sides.items(), key=lambda pair: pair[0] != home)

    def header_lines(self, kind: str) -> list[str]:
        """The texts of the header's lines of one kind ('title', 'qualifier', 'date', 'issuer'), in printed order."""
        return [str(line["text"]) for line in self.record["document"]["header"] if line["type"] == kind]

    def title(self) -> str:
        """The release's title as printed (several title parts joined), else the record's id."""
        return " ".join(self.header_lines("title")) or str(self.record["id"])

    def published(self) -> str | None:
        """When the release was published: '5 September 2000 (as printed: September 5, 2000)'; None if unknown.

        The date in words, with the printed date line when it says it otherwise; the
        printed line alone when the record has no date; None when there is neither.
        """
        printed = self.header_lines("date")
        date: str | None = self.record.get("release", {}).get("date")
        if date is None:
            return f"{'; '.join(printed)} (as printed)" if printed else None
        words = human_date(date)
        other = [line for line in printed if _spaced(line) != words]
        return f"{words} (as printed: {'; '.join(other)})" if other else words

    def issuer(self) -> str | None:
        """Who issued the release: 'Ministry of Foreign Affairs (JP)'; None if the record does not say.

        The issuer's name, else its printed line; the issuing country, and the printed
        line when it names the issuer otherwise, in brackets.
        """
        release = self.record.get("release", {})
        printed = self.header_lines("issuer")
        name = self.party(release["issuer"]) if "issuer" in release else None
        about = [release["country"]] if "country" in release else []
        other = [line for line in printed if _spaced(line) != _spaced(name or "")]
        if name is None:
            name, other = ("; ".join(printed) or None), []
        if other:
            about.append(f"as printed: {'; '.join(other)}")
        if name is None:
            return "; ".join(about) or None
        return f"{name} ({', '.join(about)})" if about else name

    def home(self) -> str | None:
        """The issuing country, when the record states it."""
        country: str | None = self.record.get("release", {}).get("country")
        return country

    def parties_to(self, thing: Thing) -> str:
        """Parties, and whom they address: 'JP, to Igor Sergeyev'."""
        who = self.parties(thing["parties"])
        return f"{who}, to {self.parties(thing['addressees'])}" if "addressees" in thing else who

    def cite(self, block_id: str) -> str:
        """A block cited by its printed labels ('2. (1) 2. 1.'), else its section's heading, else 'paragraph 1'."""
        place = self.places[block_id]
        if place.labels:
            return " ".join(place.labels)
        block = self.blocks[block_id]
        if block.get("type") == "section":
            return str(block["heading"])
        return str(place.sections[-1]["heading"]) if place.sections else place.name
