"""The parts of a document the reader builds: each records the exact layout of its printed lines.

`record_layout` stores every line's indentation, trailing whitespace and ending (and the empty
lines before the part) on the part; the renderer prunes what equals its defaults afterwards.
"""

from __future__ import annotations

from typing import Any

from visitexport.formats.text.lines import Line
from visitexport.problems import shown

__all__ = ["QUOTE_LENGTH", "Node", "quote", "record_layout"]

Node = dict[str, Any]

QUOTE_LENGTH = 60


def quote(line: Line) -> str:
    text = line.content
    return '"' + shown(text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1].rstrip() + "\u2026") + '"'


def record_layout(node: Node, blanks: list[Line], lines: list[Line], joined: bool = False) -> None:
    """Record every line's layout on `node` (its empty lines first); pruning keeps only what differs."""
    node["blank_lines"] = len(blanks)
    overrides: list[Node] = []
    for at, line in enumerate([*blanks, *lines]):
        over: Node = {"at": at}
        first_joined = joined and at == len(blanks)
        if not first_joined:
            over["indent"] = line.indent
        if line.trailing:
            over["trailing"] = line.trailing
        if line.ending and not first_joined:
            over["ending"] = line.ending
        overrides.append(over)
    if overrides:
        node["lines"] = overrides
