"""Markdown: a readable report (`report`) and a one-page summary (`summary`), a rendering for people.

`text` escapes any text for CommonMark, `page` builds lines, headings and
tables, `release` writes the release's own text, `facts` says the facts in
words. Nothing here is imported until Markdown is written.
"""

from __future__ import annotations

from typing import Any

from visitexport.errors import OptionError

__all__ = ["check_options", "write"]


def check_options(*, summary: bool = False, report_link: str | None = None) -> None:
    """Refuse a report link without a summary, or one that is not a relative path or an http(s) URL."""
    if report_link is None:
        return
    if not summary:
        raise OptionError("report_link", "it goes with summary (the summary's links point into the report)")
    from visitexport.formats.markdown.text import check_link_target

    try:
        check_link_target(report_link)
    except ValueError as exc:
        raise OptionError("report_link", str(exc), report_link) from None


def write(record: dict[str, Any], *, summary: bool = False, report_link: str | None = None) -> str:
    """The report, or with `summary` the one-page summary linking into `report_link`."""
    check_options(summary=summary, report_link=report_link)
    if summary:
        from visitexport.formats.markdown.summary import dump_summary

        return dump_summary(record, report_link=report_link)
    from visitexport.formats.markdown.report import dump_markdown

    return dump_markdown(record)
