"""A text's line breaks as the record keeps them: each number n says the text's nth space (from 1)
was printed as a line break (the schema's ``breaks``).

One definition for the plain text (which prints and reads the breaks) and the workbook (which
shows them as line breaks in a cell), so both count spaces the same way.
"""

from __future__ import annotations

__all__ = ["join", "split"]


def split(text: str, breaks: list[int] | None) -> list[str]:
    """The lines of `text` when its spaces numbered in `breaks` are line breaks."""
    if not breaks:
        return [text]
    wanted = set(breaks)
    out: list[str] = []
    start = 0
    count = 0
    at = text.find(" ")
    while at != -1:
        count += 1
        if count in wanted:
            out.append(text[start:at])
            start = at + 1
        at = text.find(" ", at + 1)
    out.append(text[start:])
    return out


def join(lines: list[str]) -> tuple[str, list[int]]:
    """One text from its lines, joined by single spaces, and which of its spaces were the breaks."""
    breaks: list[int] = []
    spaces = 0
    for line in lines[:-1]:
        spaces += line.count(" ") + 1
        breaks.append(spaces)
    return " ".join(lines), breaks
