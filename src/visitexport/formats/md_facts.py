"""Facts of a record as a reader sees them: names for ids, dates in words, where a block sits.

Shared by the Markdown report and summary. Everything returned here is plain
text; escaping is the caller's job (`md_text`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any, NamedTuple

__all__ = ["Facts", "Place", "engagements", "human_date", "kind_words", "when_bounds", "when_words"]

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


def kind_words(kind: str) -> str:
    """An enumerated value in words: 'courtesy_call' as 'courtesy call', 'co_chair' as 'co-chair'."""
    return "co-chair" if kind == "co_chair" else kind.replace("_", " ")


def when_words(when: Thing) -> str:
    """A date as printed, else in words."""
    printed: str | None = when.get("printed")
    if printed is not None:
        return printed
    return human_date(when["date"])


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
    """Where a block sits: its enclosing sections (outermost first) and its citation by printed labels."""

    sections: tuple[Thing, ...]
    labels: tuple[str, ...]


class Facts:
    """Look-ups over one valid record."""

    def __init__(self, record: Thing) -> None:
        self.record = record
        self.by_id: dict[str, Thing] = {}
        for key in ("people", "organisations", "places", "referenced_documents"):
            for thing in record.get(key, []):
                self.by_id[thing["id"]] = thing
        self.blocks: dict[str, Thing] = {}
        self.places: dict[str, Place] = {}
        self.parent: dict[str, str] = {}
        self._index(record["document"]["body"], (), ())

    def _index(self, blocks: list[Thing], sections: tuple[Thing, ...], labels: tuple[str, ...]) -> None:
        # Iterative, because block trees may be deep.
        stack: list[tuple[list[Thing], tuple[Thing, ...], tuple[str, ...], str]] = [(blocks, sections, labels, "")]
        while stack:
            group, outer, cited, parent = stack.pop()
            for block in group:
                self.blocks[block["id"]] = block
                if parent:
                    self.parent[block["id"]] = parent
                own = (*cited, block["label"]) if block["type"] == "section" and "label" in block else cited
                self.places[block["id"]] = Place(outer, own)
                if block["type"] == "section":
                    stack.append((block.get("blocks", []), (*outer, block), own, block["id"]))
                elif block["type"] == "list":
                    for item in block["items"]:
                        self.blocks[item["id"]] = item
                        self.parent[item["id"]] = block["id"]
                        self.places[item["id"]] = Place(outer, (*cited, item["label"]))
                        stack.append((item["blocks"], outer, (*cited, item["label"]), item["id"]))

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
        """The id of the section a block is or sits in; "" for blocks outside every section."""
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

    def engagement_title(self, engagement: Thing) -> str:
        """An engagement's name, else its kind and date: 'Meeting on 3 November 2000'."""
        name: str | None = engagement.get("name")
        if name is not None:
            return name
        when = engagement["date"]
        day = human_date(when["date"]) if "date" in when else when["printed"]
        return f"{kind_words(engagement['kind']).capitalize()} on {day}"

    def cite(self, block_id: str) -> str:
        """A block cited by the printed labels above it ('2. (1) 2. 1.'), else its section's heading, else its id."""
        place = self.places[block_id]
        if place.labels:
            return " ".join(place.labels)
        block = self.blocks[block_id]
        if block.get("type") == "section":
            return str(block["heading"])
        return str(place.sections[-1]["heading"]) if place.sections else block_id
