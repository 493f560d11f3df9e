"""A Markdown page being written: lines, blank lines between blocks, headings with GitHub's anchors, tables."""

from __future__ import annotations

from visitexport.formats.markdown import text as md_text

__all__ = ["Page"]


class Page:
    """Lines of Markdown, and the anchor of every heading written so far."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._occurrences: dict[str, int] = {}

    def blank(self) -> None:
        """End the block before: one empty line (never two, never at the top)."""
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def heading(self, level: int, text: str, pad: str = "") -> str:
        """Write a heading of plain `text` (level capped at 6); return its anchor, made unique as GitHub does."""
        self.lines.append(f"{pad}{'#' * min(level, 6)} {md_text.block(text)}")
        base = md_text.slug(text)
        anchor = base
        while anchor in self._occurrences:
            self._occurrences[base] += 1
            anchor = f"{base}-{self._occurrences[base]}"
        self._occurrences[anchor] = 0
        return anchor

    def table(self, header: list[str], rows: list[list[str]], pad: str = "") -> None:
        """A GitHub table of already escaped cells."""
        self.lines.append(f"{pad}| {' | '.join(header)} |")
        self.lines.append(f"{pad}|{'|'.join(' --- ' for _ in header)}|")
        self.lines.extend(f"{pad}| {' | '.join(row)} |" for row in rows)

    def text(self) -> str:
        return "\n".join([*self.lines, ""])
