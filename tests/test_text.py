"""Plain text: the seed comes back byte for byte; the layout rules hold for other shapes."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from visitexport import render_text
from visitexport.formats.text import codec
from visitexport.formats.text.codec import assign_ids, parse_text

from .conftest import SEED, VALID, load_json


def test_seed_renders_back_byte_identical(example: dict[str, Any]) -> None:
    assert render_text(example).encode("utf-8") == SEED.read_bytes()


def test_seed_parses_to_the_example_document(example: dict[str, Any]) -> None:
    assert parse_text(SEED.read_text(encoding="utf-8")) == example["document"]


@pytest.mark.parametrize("path", [p for p in VALID if p.name != "table-and-footer.json"], ids=lambda p: p.name)
def test_render_then_parse_gives_the_document_back(path: Any) -> None:
    record = load_json(path)
    assert parse_text(render_text(record)) == record["document"]


def test_layout_switches(example: dict[str, Any]) -> None:
    record = copy.deepcopy(example)
    record["document"]["layout"] = {"line_ending": "crlf", "list_indent": 4, "final_newline": True}
    text = render_text(record)
    assert text.endswith("Back to Index\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "\r\n    1. Foreign Minister Kono transmitted" in text
    assert "\r\n        1. Japan-Russia relations" in text
    assert parse_text(text, list_indent=4) == record["document"]


def test_table_and_item_without_paragraph() -> None:
    document: dict[str, Any] = {
        "title": "T",
        "body": [
            {"type": "table", "header_rows": 1, "rows": [["Name", "Title"], ["A", ""]]},
            {
                "type": "list",
                "items": [
                    {
                        "label": "(a)",
                        "blocks": [
                            {
                                "type": "list",
                                "items": [{"label": "-", "blocks": [{"type": "paragraph", "text": "x"}]}],
                            }
                        ],
                    }
                ],
            },
        ],
        "layout": {"line_ending": "lf", "list_indent": 2, "final_newline": False},
    }
    assign_ids(document["body"])
    assert document["body"][1]["items"][0]["blocks"][0]["items"][0]["id"] == "l1.i1.l1.i1"
    # The codec itself, on a document layer alone: the API would first ask for a whole valid record.
    assert codec.render_text({"document": document}) == "T\n\nName\tTitle\nA\t\n\n  (a)\n\n    - x"


def test_parse_reports_the_line_it_cannot_place() -> None:
    with pytest.raises(ValueError, match="line 5: indentation of 3"):
        parse_text("T\n\nDate 2000\n\n   odd\n")
