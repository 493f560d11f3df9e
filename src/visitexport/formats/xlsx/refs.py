"""How a cell reference is spelled: column letters both ways, and sheet names as references quote them."""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["column_number", "letter", "quote"]

_NEEDS_QUOTES = re.compile(r"[^A-Za-z0-9_]")


@lru_cache(maxsize=4096)
def letter(column: int) -> str:
    """The letters of column `column` (1 is A, 27 is AA), as Excel and openpyxl spell them."""
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_number(letters: str) -> int:
    """The column that `letters` name, in either case (A is 1): the inverse of `letter`."""
    number = 0
    for each in letters.upper():
        number = number * 26 + ord(each) - ord("A") + 1
    return number


def quote(name: str) -> str:
    """A sheet name as a cell reference spells it."""
    return f"'{name}'" if _NEEDS_QUOTES.search(name) else name
