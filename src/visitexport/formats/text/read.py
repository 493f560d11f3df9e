"""A release's plain text read into a document layer, every byte kept; guesses are warnings.

The reader never fails on text it could decode: it sorts the lines into a
header (title, qualifiers, date and issuer lines), a body (sections,
paragraphs, lists and their items, tables, key/value lines) and a footer
(navigation chrome), recording every line's exact layout as it goes. The
renderer then prunes what equals its defaults (`render.render_document`
with ``prune=True``), and the result is rendered once more and compared with
the input: should any construct ever fail to come back byte for byte, the
body is read again as plain paragraphs, which always do, with a warning.

Decisions that were a guess (a sentence with a heading's label read as an
item, a short line read as a heading, a first row read as a table's header,
a sub-item printed on its parent's line...) are warnings naming the line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from visitexport.breaks import join
from visitexport.formats.text import classify
from visitexport.formats.text.classify import Label
from visitexport.formats.text.header import first_text, footer_start, read_header, wrap_width
from visitexport.formats.text.lines import Line, Text
from visitexport.formats.text.parts import Node, quote, record_layout
from visitexport.formats.text.render import INLINE, render_document
from visitexport.formats.text.result import IngestWarning
from visitexport.formats.text.tables import (
    aligned,
    columns_of,
    looks_like_header,
    row_under,
    short_cell,
    space_cells,
)
from visitexport.problems import shown

__all__ = ["Reading", "assign_ids", "read_document"]


@dataclass
class _Text:
    """A part whose text may go on over the lines that follow it (a hard-wrapped paragraph)."""

    layout: Node  # where the layout goes (the item, for an item's first paragraph)
    holder: Node  # where the text goes
    key: str
    blanks: list[Line]
    lines: list[Line]
    pieces: list[str]
    joined: bool = False

    def close(self) -> None:
        text, breaks = join(self.pieces)
        self.holder[self.key] = text
        if breaks:
            self.holder["breaks"] = breaks
        record_layout(self.layout, self.blanks, self.lines, self.joined)


@dataclass
class _List:
    column: int
    style: str
    node: Node
    parent: list[Node]
    floating: bool = False  # its first item was printed on its parent's line: its column is not known yet
    text_column: int = -1  # where its first item's text starts


@dataclass
class _Body:
    """The blocks of the body or the footer, built line by line."""

    lines: list[Line]
    warnings: list[IngestWarning]
    wrap: int  # the longest line: a line this long was broken by the wrapping, not by the author
    root: list[Node] = field(default_factory=list)
    sections: list[tuple[str, Node]] = field(default_factory=list)
    lists: list[_List] = field(default_factory=list)
    open: _Text | None = None
    blanks: list[Line] = field(default_factory=list)
    heading_styles: set[str] = field(default_factory=set)
    #: For each line index, the index of the first line at or after it that is not empty (one
    #: pass, so that looking ahead costs nothing however long the release).
    texts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.texts = [len(self.lines)] * (len(self.lines) + 1)
        for n in range(len(self.lines) - 1, -1, -1):
            self.texts[n] = n if not self.lines[n].blank else self.texts[n + 1]

    def warn(self, line: Line, message: str) -> None:
        self.warnings.append(IngestWarning(line.number, message))

    # --- where a block goes --------------------------------------------------------------

    def container(self) -> list[Node]:
        if not self.sections:
            return self.root
        blocks: list[Node] = self.sections[-1][1].setdefault("blocks", [])
        return blocks

    def place(self, column: int) -> list[Node]:
        """Where a block starting at `column` goes: the deepest open item it is indented under, else the section."""
        while self.lists and self.lists[-1].column >= column and not self.lists[-1].floating:
            self.lists.pop()
        while self.lists and self.lists[-1].floating:
            self.lists.pop()
        if self.lists:
            item = self.lists[-1].node["items"][-1]
            blocks: list[Node] = item.setdefault("blocks", [])
            return blocks
        return self.container()

    def close(self) -> None:
        if self.open is not None:
            self.open.close()
            self.open = None

    def take_blanks(self) -> list[Line]:
        blanks, self.blanks = self.blanks, []
        return blanks

    # --- reading -------------------------------------------------------------------------

    def read(self) -> list[Node]:
        lines = self.lines
        n = 0
        while n < len(lines):
            line = lines[n]
            if line.blank:
                self.close()
                self.blanks.append(line)
                n += 1
                continue
            n = self.line(n)
        self.close()
        return self.root

    def _later(self, n: int) -> bool:
        """Whether anything but empty lines follows line index `n`."""
        return self.texts[n + 1] < len(self.lines)

    def _next_blank(self, n: int) -> bool:
        return n + 1 < len(self.lines) and self.lines[n + 1].blank

    def line(self, n: int) -> int:
        """Read the block that starts at line index `n`; return the index after it."""
        line = self.lines[n]
        label = classify.label_of(line.content)
        table = self.table_at(n)
        if self.open is not None and not self.blanks and self.continues(line, label, table):
            item = self.open.layout
            head, sub = self.split_sub_item(line.content) if "label" in item else (line.content, None)
            if sub is None:
                self.open.lines.append(line)
                self.open.pieces.append(line.content)
                return n + 1
            # "... the following steps: -- Draw up": a first sub-item on a later line of its item.
            self.open.lines.append(replace(line, trailing="", content=head))
            self.open.pieces.append(head)
            self.close()
            holder = next((o for o in reversed(self.lists) if o.node["items"][-1] is item), None)
            column = holder.column if holder is not None else line.column
            self.sub_item(line, item, item["blocks"], sub[0], sub[1], column=column)
            self.warn(line, _on_parents_line(sub[1].label, head[-1]))
            return n + 1
        self.close()
        chrome = classify.is_chrome(line.content)
        if table is not None and not chrome:
            return self.table(n, *table)
        if label is not None and not chrome:  # "- End -" is no list item
            return self.labelled(n, line, label)
        fields = None if self.in_related() else classify.is_field(line.content)
        if fields is not None:
            key, gap, value = fields
            block: Node = {"type": "field", "key": key, "gap": gap}
            self.place(line.column).append(block)
            self.open = _Text(block, block, "value", self.take_blanks(), [line], [value])
            return n + 1
        span = self.plain_heading(n, line)
        if span:
            self.close_plain_sections(n, line.content)
            section: Node = {"type": "section"}
            self.container().append(section)
            self.sections.append(("", section))
            text, breaks = join([x.content for x in self.lines[n : n + span]])
            section["heading"] = text
            if breaks:
                section["breaks"] = breaks
            record_layout(section, self.take_blanks(), self.lines[n : n + span])
            self.warn(line, f"{quote(line)} read as a heading without a label")
            return n + span
        paragraph: Node = {"type": "paragraph"}
        if classify.is_chrome(line.content):
            self.sections.clear()  # "Back to Index" belongs to no section
        self.place(line.column).append(paragraph)
        self.open = _Text(paragraph, paragraph, "text", self.take_blanks(), [line], [line.content])
        return n + 1

    def continues(self, line: Line, label: Label | None, table: tuple[int, str | None] | None) -> bool:
        """Whether `line`, right under an open text, goes on with it (a hard-wrapped line)."""
        if label is not None or table is not None or classify.is_field(line.content):
            return False
        assert self.open is not None
        if self.in_related():
            return False  # under "Related Links" each line is a link's title
        last = self.open.lines[-1]
        printed = len(last.indent) + len(last.content)
        # A short line that ends a sentence ended its paragraph; the line under it starts another.
        return not (classify.ends_paragraph(last.content) and printed < 0.6 * self.wrap)

    def in_related(self) -> bool:
        return bool(self.sections) and classify.is_related(self.sections[-1][1]["heading"])

    # --- labelled lines ------------------------------------------------------------------

    def labelled(self, n: int, line: Line, label: Label) -> int:
        label = self.restyle(label)
        span = self.heading_span(n, line, label)
        if span:
            self.heading(self.lines[n : n + span], label)
            return n + span
        if self.heading_position(n, line, label) and label.style in self.heading_styles:
            self.warn(line, f"{quote(line)} read as a labelled paragraph, not a heading")
        self.item(line, label)
        return n + 1

    def heading_span(self, n: int, line: Line, label: Label) -> int:
        """How many lines the heading starting at `n` takes (a heading may wrap), or 0 if it is no heading."""
        if not self.heading_position(n, line, label, blank_after=False) or classify.is_sentence(label.text):
            return 0
        span = self.wrapped(n, label.text, 25)
        if span:
            return span if self.heads_something(n + span - 1, line, label) else 0
        if self.heads_directly(n, line, label):
            return 1 if self.heads_something(n, line, label) else 0
        return 0

    def wrapped(self, n: int, first: str, most: int) -> int:
        """The lines (up to three) of a text that starts at `n` and ends before an empty line, when it
        reads as a heading (no sentence, at most `most` words, something below it); else 0."""
        span = 1
        texts = [first]
        while n + span < len(self.lines) and span < 3:
            below = self.lines[n + span]
            if below.blank or not self.wraps_into(below):
                break
            texts.append(below.content)
            span += 1
        after = n + span
        if after >= len(self.lines) or not self._later(after - 1):
            return 0
        if not self.lines[after].blank and not (span > 1 and self.labelled_under(n, after)):
            return 0
        joined = " ".join(texts)
        if classify.is_sentence(joined) or (span > 1 and classify.words(joined) > most):
            return 0
        return span

    def labelled_under(self, n: int, after: int) -> bool:
        """Whether line `after` is labelled in another style than line `n` (a heading's first sub-heading or item)."""
        mine, under = classify.label_of(self.lines[n].content), classify.label_of(self.lines[after].content)
        return mine is not None and under is not None and self.restyle(under).style != self.restyle(mine).style

    def wraps_into(self, below: Line) -> bool:
        """Whether `below` can go on with the text above it: no label, no key/value line, no table row."""
        return classify.label_of(below.content) is None and not classify.is_field(below.content)

    def heads_directly(self, n: int, line: Line, label: Label | None = None) -> bool:
        """A short heading with what it heads right under it, no empty line between: its first paragraph,
        or (for a labelled heading) a line labelled in another style."""
        if n + 1 >= len(self.lines) or self.lines[n + 1].blank:
            return False
        below = self.lines[n + 1]
        # Short beside what is under it: a line as long as the text's lines is wrapped text instead.
        if len(line.indent) + len(line.content) >= 0.6 * max(len(below.indent) + len(below.content), self.wrap):
            return False
        if label is not None:
            # A heading reads like a title; a line of running text that breaks under it is a wrapped item.
            if not (classify.is_title_case(label.text, 20) or classify.words(label.text) <= 5):
                return False
            inner = classify.label_of(below.content)
            if inner is not None:
                other = self.restyle(inner).style != label.style and below.column >= line.column
                # Bullets right under a short labelled line: a heading only where its style heads elsewhere.
                return other and (not inner.bullet or label.style in self.heading_styles)
        return self.wraps_into(below) and below.content[:1].isupper() and below.column <= line.column

    def restyle(self, label: Label) -> Label:
        """A label read in the sequence around it: "(i)" after "(h)" is a letter, "V." after "IV." roman."""
        if len(label.number) != 1 or not label.number.isalpha():
            return label
        letter, roman = label.as_letter(), label.as_roman()
        last = {s: node.get("label", "") for s, node in self.sections}
        last.update({o.style: o.node["items"][-1]["label"] for o in self.lists if o.node["items"]})
        before = chr(ord(label.number) - 1)
        if letter.style in last and before in last[letter.style]:
            return letter
        if roman.style in last and roman.style != label.style and letter.style not in last:
            return roman
        return label

    def heading_position(self, n: int, line: Line, label: Label, *, blank_after: bool = True) -> bool:
        """A line where a heading could stand: not inside an item, more below (and a blank line after it)."""
        if label.bullet or not label.text or (line.column and self.lists):
            return False
        if any(o.column < line.column and not o.floating for o in self.lists):
            return False
        if not self.blanks and any(o.style == label.style and o.column == line.column for o in self.lists):
            return False  # the last of a run of items, right under the one before it
        return (self._next_blank(n) or not blank_after) and self._later(n)

    def heads_something(self, n: int, line: Line, label: Label) -> bool:
        """A heading heads something: a sibling with its label right under it makes both items."""
        below = self.lines[self.texts[n + 1]]
        sibling = classify.label_of(below.content)
        return not (sibling is not None and below.column == line.column and self.restyle(sibling).style == label.style)

    def close_plain_sections(self, n: int, heading: str) -> None:
        """Make room for a heading without a label: "Itinerary" between "1. Outline" and "2. Talks" is
        part of 1.; one after the numbered sections, and "(Reference)" or "[Reference]", stand at the top."""
        styles = [s for s, _ in self.sections]
        labelled = {s for s in styles if s}
        resumes = any(
            (found := classify.label_of(later.content)) is not None
            and later.column == 0
            and self.restyle(found).style in labelled
            and not classify.is_sentence(found.text)
            for later in self.lines[n + 1 :]
        )
        if heading[:1] in "([" or classify.is_related(heading) or not resumes:
            self.sections.clear()
        elif "" in styles:
            del self.sections[styles.index("") :]
        self.lists.clear()

    def close_sections_for(self, style: str) -> None:
        styles = [s for s, _ in self.sections]
        if style == "":
            self.sections.clear()
        elif style in styles:
            del self.sections[styles.index(style) :]
        else:
            while self.sections and self.sections[-1][0] == "":
                self.sections.pop()  # "1. Ethiopia" after "Itinerary": a numbered section is none of its
        self.lists.clear()

    def heading(self, lines: list[Line], label: Label) -> None:
        self.close_sections_for(label.style)
        section: Node = {"type": "section", "label": label.label, "gap": label.gap}
        self.container().append(section)
        self.sections.append((label.style, section))
        self.heading_styles.add(label.style)
        text, breaks = join([label.text, *(line.content for line in lines[1:])])
        section["heading"] = text
        if breaks:
            section["breaks"] = breaks
        record_layout(section, self.take_blanks(), lines)

    def item(self, line: Line, label: Label) -> None:
        column = line.column
        if any(style == label.style for style, _ in self.sections) and not any(
            o.style == label.style for o in self.lists
        ):
            self.lists.clear()  # "3. A sentence." among the headings 1., 2., 4.: a paragraph of the section
        parent, found = self.list_for(column, label, line)
        if found is None:
            text_column = column + len(label.label) + len(label.gap)
            found = _List(column, label.style, {"type": "list", "items": []}, parent, text_column=text_column)
            parent.append(found.node)
            self.lists.append(found)
        item: Node = {"label": label.label}
        found.node["items"].append(item)
        if not label.text:
            item["label_alone"] = True
            record_layout(item, self.take_blanks(), [line])
            return
        inner = classify.label_of(label.text)
        if inner is not None and inner.first and not inner.bullet and inner.text:
            # "2. 1. Text": the item's first sub-item printed on its label's line.
            item["label_alone"] = True
            own = replace(line, trailing="", content=label.label)
            record_layout(item, self.take_blanks(), [own])
            self.sub_item(line, item, [], label.gap, inner, column=column)
            self.warn(line, _on_parents_line(inner.label, label.label))
            return
        item["gap"] = label.gap
        head, sub = self.split_sub_item(label.text)
        paragraph: Node = {"type": "paragraph"}
        item["blocks"] = [paragraph]
        if sub is None:
            self.open = _Text(item, paragraph, "text", self.take_blanks(), [line], [head])
            return
        # "... the following steps: -- Draw up a plan": the first sub-item on its parent's line.
        gap, sub_label = sub
        own = replace(line, trailing="", content=label.label + label.gap + head)
        _Text(item, paragraph, "text", self.take_blanks(), [own], [head]).close()
        self.sub_item(line, item, item["blocks"], gap, sub_label, column=column)
        self.warn(line, _on_parents_line(sub_label.label, head[-1]))

    def sub_item(self, line: Line, item: Node, blocks: list[Node], gap: str, label: Label, *, column: int) -> None:
        """A list inside `item` whose first item, `label`, is printed at the end of `line`, after `gap`."""
        child: Node = {"label": label.label, "gap": label.gap, "joined": gap}
        paragraph: Node = {"type": "paragraph"}
        child["blocks"] = [paragraph]
        nested: Node = {"type": "list", "items": [child]}
        blocks.append(nested)
        item["blocks"] = blocks
        self.lists.append(_List(column + 1, label.style, nested, blocks, floating=True))
        rest = replace(line, indent="", content=label.label + label.gap + label.text)
        self.open = _Text(child, paragraph, "text", [], [rest], [label.text], joined=True)

    def split_sub_item(self, text: str) -> tuple[str, tuple[str, Label] | None]:
        """An item's text, and a first sub-item printed after its colon, if there is one."""
        for mark in (": ", ":\t", "; "):
            at = text.find(mark)
            while at != -1:
                rest = text[at + 1 :]
                stripped = rest.lstrip(" \t")
                sub = classify.label_of(stripped)
                if sub is not None and sub.bullet and sub.gap and sub.text:
                    return text[: at + 1], (rest[: len(rest) - len(stripped)], sub)
                at = text.find(mark, at + 1)
        return text, None

    def list_for(self, column: int, label: Label, line: Line) -> tuple[list[Node], _List | None]:
        """Where an item goes: the open list it continues (or None), and the blocks a new list would join."""
        lists = self.lists
        if lists and lists[-1].floating and lists[-1].style == label.style:
            lists[-1].floating = False
            lists[-1].column = column
            return lists[-1].parent, lists[-1]
        while lists and lists[-1].floating:
            lists.pop()
        text_column = column + len(label.label) + len(label.gap)
        # "(c)" right after "(b)", however its indentation was typed: the same list (when no list
        # stands at this very column, and the nearest of those it could continue).
        near = [
            depth
            for depth, same in enumerate(lists)
            if same.style == label.style
            and abs(same.column - column) <= _SLOPPY
            and same.node["items"]
            and label.follows(same.node["items"][-1]["label"])
        ]
        if near and all(o.column != column for o in lists):
            depth = min(near, key=lambda d: abs(lists[d].column - column))
            del lists[depth + 1 :]
            return lists[depth].parent, lists[depth]
        for depth in range(len(lists) - 1, -1, -1):
            # Right-aligned labels (" I.", "II.", "XIV."): the text lines up, the labels do not.
            same = lists[depth]
            if (
                same.style == label.style
                and same.text_column == text_column
                and same.column != column
                and not label.first
            ):
                del lists[depth + 1 :]
                return lists[depth].parent, lists[depth]
        while lists and lists[-1].column > column:
            lists.pop()
        if lists and lists[-1].column == column:
            for depth in range(len(lists) - 1, -1, -1):
                open_list = lists[depth]
                if open_list.column != column:
                    break
                if open_list.style == label.style:
                    del lists[depth + 1 :]
                    if label.first and not label.bullet and open_list.node["items"]:
                        lists.pop()
                        self.warn(line, f'"{shown(label.label)}": the numbering starts again, read as a new list')
                        return open_list.parent, None
                    return open_list.parent, open_list
            # Another style at the same column nests, unless an empty line parts it from an item
            # that ended its sentence or its deeper sub-items: then it is a list of its own beside
            # it (a note after the list).
            last = lists[-1].node["items"][-1].get("blocks", [])
            ended = bool(last) and (
                last[-1]["type"] == "list"  # its own sub-items, indented deeper, are done
                or (last[-1]["type"] == "paragraph" and not last[-1]["text"].endswith(":"))
            )
            if self.blanks and ended and len(lists) == 1:
                return lists.pop().parent, None
        if lists:
            item = lists[-1].node["items"][-1]
            blocks: list[Node] = item.setdefault("blocks", [])
            return blocks, None
        return self.container(), None

    # --- headings without a label --------------------------------------------------------

    def plain_heading(self, n: int, line: Line) -> int:
        """How many lines an unlabelled heading starting at `n` takes (it may wrap once), or 0."""
        text = line.content
        if not self._later(n) or self.in_related():
            return 0
        if not (n == 0 or self.lines[n - 1].blank) or any(o.column < line.column for o in self.lists):
            return 0
        two = self.lines[n : n + 3]
        if len(two) >= 2 and not two[1].blank and self.wraps_into(two[1]) and self.table_at(n + 1) is None:
            joined = f"{text} {two[1].content}"
            # Over two lines: an empty line under it, or its first paragraph right under it.
            under = two[2] if len(two) == 3 else None
            if classify.is_title_case(joined, 20) and (
                self.wrapped(n, text, 20) == 2
                or (under is not None and not under.blank and not classify.is_title_case(under.content, 20))
            ):
                return 2
        return 1 if self.plain_heading_line(n, line) else 0

    def heads_structure(self, n: int, text: str) -> bool:
        """A short line in sentence case ("Hardware shop") over a list, a table or key/value lines, or
        one of a few words over a paragraph; "(Reference) Economic Partnership ..." too."""
        if _NOTE_HEADING.match(text) and classify.words(text) <= 12 and not classify.ends_paragraph(text):
            return True
        if classify.words(text) > 5 or classify.ends_paragraph(text) or not text[:1].isupper():
            return False
        below = self.texts[n + 1]
        if below >= len(self.lines) or below == n + 1:
            return False
        under = self.lines[below].content
        structure = (
            classify.label_of(under) is not None
            or classify.is_field(under) is not None
            or self.table_at(below) is not None
        )
        few = classify.words(text) <= 4 and not any(ch.isdigit() for ch in text) and "," not in text
        return structure or (few and classify.ends_paragraph(under))

    def plain_heading_line(self, n: int, line: Line) -> bool:
        text = line.content
        if not classify.is_title_case(text) and not self.heads_structure(n, text):
            return False
        if classify.is_chrome(text) and not classify.is_related(text):
            return False  # "(End)" heads nothing
        if any(o.column < line.column for o in self.lists):
            return False
        before = n == 0 or self.lines[n - 1].blank
        below = self.lines[n + 1] if n + 1 < len(self.lines) else None
        after = below is not None and (
            below.blank
            or classify.label_of(below.content) is not None
            or self.table_at(n + 1) is not None
            or classify.is_field(below.content) is not None
            or (classify.words(text) <= 6 and self.heads_directly(n, line))
        )
        return before and after

    # --- tables --------------------------------------------------------------------------

    def table_at(self, n: int) -> tuple[int, str | None] | None:
        """The end (exclusive) and style of a table starting at line index `n`, if one does."""
        lines = self.lines
        first = lines[n]
        if first.blank:
            return None
        for style in ("pipe", "bar", None, "space"):
            end = n
            rows = 0
            shapes: list[tuple[list[str], list[str]]] = []
            while end < len(lines) and not lines[end].blank:
                content = row_under(lines[end], first.indent).content
                if classify.is_rule(content) and style is not None:
                    end += 1
                    continue
                found = classify.cells_of(content, style)
                one_cell = found is None and style == "space" and rows > 0 and short_cell(content)
                if one_cell:
                    found = ([content], ["", ""])  # a row whose last cells are empty
                # Cells between tabs or bars may run long; cells told apart by spaces alone are short.
                longest = 10 if style == "space" else 20
                if (
                    found is None
                    or (len(found[0]) < 2 and not found[1][0] and not one_cell)
                    or any(classify.words(c) > longest for c in found[0])
                ):
                    break
                shapes.append(found)
                rows += 1
                end += 1
            needed = 1 if style == "pipe" else 2
            if rows < needed:
                continue
            if style == "bar" and len({len(s[0]) for s in shapes}) != 1:
                continue
            if style == "space" and not aligned([row_under(line, first.indent) for line in lines[n:end]]):
                continue
            return end, style
        return None

    def table(self, n: int, end: int, style: str | None) -> int:
        lines = [row_under(line, self.lines[n].indent) for line in self.lines[n:end]]
        rows: list[list[str]] = []
        gaps: list[Node] = []
        rules: list[Node] = []
        columns = columns_of(lines) if style == "space" else []
        for line in lines:
            if classify.is_rule(line.content) and style is not None:
                rules.append({"before": len(rows), "text": line.content})
                continue
            if style == "space":
                cells, row_gaps = space_cells(line, columns)
            else:
                found = classify.cells_of(line.content, style)
                assert found is not None
                cells, row_gaps = found
            gaps.append({"row": len(rows), "gaps": row_gaps})
            rows.append(cells)
        block: Node = {"type": "table"}
        if style is not None:
            block["style"] = style
        header = rules[0]["before"] if rules and rules[0]["before"] > 0 else 0
        if not header and looks_like_header(rows):
            header = 1
            self.warn(lines[0], "the first row read as the table's header")
        if header:
            block["header_rows"] = header
        block["rows"] = rows
        block["gaps"] = gaps
        if rules:
            block["rules"] = rules
        self.place(lines[0].column).append(block)
        record_layout(block, self.take_blanks(), lines)
        return end


_NOTE_HEADING = re.compile(r"^[(\[](?:Reference|References|Note|Notes|Attachment|Annex|Appendix)[)\]]\s")
#: How far an item's indentation may stray from its list's and still continue its numbering.
_SLOPPY = 8


def _on_parents_line(label: str, after: str) -> str:
    return f'"{shown(label)}" after "{shown(after)}" read as a first sub-item printed on its parent\'s line'


# --- ids -----------------------------------------------------------------------------------

_LETTER = {"section": "s", "paragraph": "p", "list": "l", "table": "t", "field": "k"}


def assign_ids(blocks: list[Node], parent: str = "") -> None:
    """Give every block an id from its place: ``s1``, ``s1.s2``, ``s1.s2.l1.i3.p1``."""
    counts: dict[str, int] = {}
    for block in blocks:
        letter = _LETTER[block["type"]]
        counts[letter] = counts.get(letter, 0) + 1
        block["id"] = f"{parent}{letter}{counts[letter]}"
        if block["type"] == "section" and "blocks" in block:
            assign_ids(block["blocks"], block["id"] + ".")
        elif block["type"] == "list":
            for n, item in enumerate(block["items"], 1):
                item["id"] = f"{block['id']}.i{n}"
                if "blocks" in item:
                    assign_ids(item["blocks"], item["id"] + ".")


# --- the whole document --------------------------------------------------------------------


def _choose_layout(doc: Node, text: Text) -> Node:
    endings = Counter(line.ending for line in text.lines if line.ending)
    layout: Node = {}
    if text.bom:
        layout["bom"] = True
    layout["line_ending"] = max(endings, key=lambda e: (endings[e], e == "lf")) if endings else "lf"
    firsts: Counter[int] = Counter()
    steps: Counter[int] = Counter()

    def visit(blocks: list[Node], top: bool, parent: int | None) -> None:
        for block in blocks:
            if block["type"] == "section":
                visit(block.get("blocks", []), True, None)
            elif block["type"] == "list":
                items = block["items"]
                column = _indent_of(items[0])
                if column is not None:
                    if top:
                        firsts[column] += 1
                    elif parent is not None:
                        steps[column - parent] += 1
                for item in items:
                    mine = _indent_of(item)
                    if mine is not None:
                        for child in item.get("blocks", [])[1:] if _inline(item) else item.get("blocks", []):
                            if child["type"] != "list" and (at := _indent_of(child)) is not None:
                                steps[at - mine] += 1
                        visit(item.get("blocks", []), False, mine)

    visit(doc.get("body", []), True, None)
    step = max(steps, key=lambda s: (steps[s], s == 2)) if steps else 2
    layout["list_indent"] = min(max(step, 0), 16)
    if firsts:
        first = max(firsts, key=lambda f: (firsts[f], f == layout["list_indent"]))
        if 0 <= first <= 16:
            layout["first_indent"] = first
    layout["final_newline"] = text.final_newline
    if text.controls:
        layout["controls"] = True
    return layout


def _inline(item: Node) -> bool:
    blocks = item.get("blocks", [])
    return bool(blocks) and blocks[0]["type"] in INLINE and not item.get("label_alone")


def _indent_of(node: Node) -> int | None:
    """The indentation the reader recorded for a part's first line (before pruning)."""
    if "joined" in node:
        return None
    target = node
    if node.get("type") == "list":
        target = node["items"][0]
    for over in target.get("lines", ()):
        if over["at"] == target.get("blank_lines", 0):
            indent = over.get("indent")
            return None if indent is None or "\t" in indent else len(indent)
    return None


@dataclass
class Reading:
    """A text's document layer, the warnings about its structure, and the line each header part starts on."""

    document: Node
    warnings: list[IngestWarning]
    header_lines: list[int]


def read_document(text: Text) -> Reading:
    """The document layer of a decoded text, and the warnings about its structure."""
    warnings: list[IngestWarning] = []
    lines, end_blanks = _trailing_blanks(text.lines)
    header, start = read_header(lines, warnings)
    header_lines = _header_lines(header, lines)
    wrap = wrap_width(lines)
    footer_at = footer_start(lines, start)
    body_lines, footer_lines = lines[start:footer_at], lines[footer_at:]
    # The footer's first empty lines stand before its first block: they are read with it.
    body_lines, moved = _trailing_blanks(body_lines)
    footer_lines = moved + footer_lines
    doc: Node = {"header": header}
    body = _Body(body_lines, warnings, wrap).read()
    if body:
        doc["body"] = body
    if footer_lines:
        doc["footer"] = _Body(footer_lines, warnings, wrap).read()
    doc["layout"] = _choose_layout(doc, text)
    record_layout(doc["layout"], end_blanks, [])
    if _finish(doc) == text.original:
        return Reading(_ordered(doc), warnings, header_lines)
    doc = _plain(text)
    if _finish(doc) != text.original:
        raise AssertionError("even as plain paragraphs the text did not render back exactly")
    message = "the layout could not be kept as structure: every line is kept as a paragraph"
    first = next(line.number for line in text.lines if not line.blank)
    return Reading(_ordered(doc), [IngestWarning(first, message)], [first])


def _header_lines(header: list[Node], lines: list[Line]) -> list[int]:
    """The line each header part's text starts on (read before pruning, while every count is recorded)."""
    out = []
    at = 0
    for part in header:
        at += part["blank_lines"]
        out.append(lines[at].number)
        at += len(part.get("breaks", ())) + 1
    return out


def _finish(doc: Node) -> str:
    """Give the blocks their ids, prune what equals the defaults, and render the document."""
    assign_ids(doc.get("body", []))
    assign_ids(doc.get("footer", []), "f.")
    for n, part in enumerate(doc["header"], 1):
        part["id"] = f"h{n}"
    rendered = render_document(doc, prune=True)
    if not doc["layout"]:
        del doc["layout"]
    return rendered


def _trailing_blanks(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """`lines` without the empty lines that end them, and those empty lines."""
    end = len(lines)
    while end and lines[end - 1].blank:
        end -= 1
    return lines[:end], lines[end:]


def _plain(text: Text) -> Node:
    """The safe reading: the first line the title, every other line a paragraph of its own."""
    lines, end_blanks = _trailing_blanks(text.lines)
    start = first_text(lines, 0, len(lines))
    title: Node = {"type": "title", "text": lines[start].content}
    record_layout(title, lines[:start], [lines[start]])
    body: list[Node] = []
    blanks: list[Line] = []
    for line in lines[start + 1 :]:
        if line.blank:
            blanks.append(line)
            continue
        paragraph: Node = {"type": "paragraph", "text": line.content}
        record_layout(paragraph, blanks, [line])
        body.append(paragraph)
        blanks = []
    doc: Node = {"header": [title]}
    if body:
        doc["body"] = body
    layout = _choose_layout(doc, text)
    record_layout(layout, end_blanks, [])
    doc["layout"] = layout
    return doc


def _ordered(doc: Node) -> Node:
    from visitexport.schema.model import keys, order_keys

    ordered: Node = order_keys(doc, keys().properties["document"])
    return ordered
