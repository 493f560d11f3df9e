"""What a rule is: an id, a title, a description and one check, and what a check finds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from visitexport.rules._context import Context


class Finding(NamedTuple):
    pointer: str
    rule: str
    message: str


#: What a check yields: the RFC 6901 pointer of the value at fault and the message.
#: Checks build both only once they have found something, so a clean record
#: costs no strings; the fast path stops at the first one.
Fault = tuple[str, str]
Check = Callable[["Context"], Iterator[Fault]]


class Rule(NamedTuple):
    """One semantic rule, defined once: the README table and `RULES` are read from it."""

    id: str
    title: str  # one line, for `RULES`
    description: str  # what must hold, in Markdown: the README's table row
    check: Check


def rule(ident: str, title: str, description: str) -> Callable[[Check], Rule]:
    """Make the decorated check a `Rule`; the package collects every `Rule` of its rule modules."""

    def define(check: Check) -> Rule:
        return Rule(ident, title, description, check)

    return define
