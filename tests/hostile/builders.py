"""What the hostile cases are made from: the seed record, its XML and its workbook, and a zip writer that lies.

Every hostile file starts from the seed (examples/kono-russia-2000.json), so a
refusal is the attack's doing and not some other flaw. The workbook is the
seed converted by the tool in this process, once; its parts are edited as
text and packed again by `raw_zip`, which writes each entry exactly as
described (method, sizes, CRC, flags, a payload of its own), so a case can
make the zip say whatever an attacker would.
"""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from visitexport import api

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "kono-russia-2000.json"
GOLDEN_XML = ROOT / "examples" / "kono-russia-2000.xml"
MIB = 1024 * 1024

CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def replaced(text: str, old: str, new: str, count: int = 1) -> str:
    """`text` with `old` replaced; `old` must be there, so a changed seed breaks the case loudly."""
    assert old in text, f"{old[:80]!r} is not in the text the case edits"
    return text.replace(old, new, count)


# --- JSON ------------------------------------------------------------------------------------------------------------


@cache
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def seed_record() -> dict[str, Any]:
    record: dict[str, Any] = json.loads(seed_text())
    return record


def seed_bytes() -> bytes:
    return SEED.read_bytes()


def dumped(record: Any) -> bytes:
    return json.dumps(record, indent=2, ensure_ascii=False).encode()


def pointers(value: Any, at: str = "") -> Iterator[tuple[str, Any]]:
    """Every (JSON Pointer, value) in `value`, the whole document first."""
    yield at, value
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from pointers(inner, f"{at}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from pointers(inner, f"{at}/{index}")


def set_at(record: Any, pointer: str, value: Any) -> Any:
    """A copy of `record` with the value at `pointer` replaced (the whole record for "")."""
    if not pointer:
        return value
    record = copy.deepcopy(record)
    *steps, last = [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]
    target = record
    for step in steps:
        target = target[int(step)] if isinstance(target, list) else target[step]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return record


def another_type(value: Any) -> Any:
    """A value of another JSON type than `value`, one the schema cannot take where `value` stood."""
    if isinstance(value, bool):
        return "true"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return 7
    if isinstance(value, list):
        return {"items": value[:1]}
    return [value] if value else "object"


# --- XML -------------------------------------------------------------------------------------------------------------


@cache
def golden_xml() -> str:
    return GOLDEN_XML.read_text(encoding="utf-8")


def xml_edited(old: str, new: str) -> bytes:
    return replaced(golden_xml(), old, new).encode()


def xml_with_prolog(prolog: str) -> bytes:
    """The golden document with `prolog` (a DOCTYPE, a PI) after its XML declaration."""
    text = golden_xml()
    declaration, newline, rest = text.partition("\n")
    assert declaration.startswith("<?xml "), declaration
    return f"{declaration}{newline}{prolog}\n{rest}".encode()


# --- workbooks -------------------------------------------------------------------------------------------------------


@cache
def seed_workbook() -> bytes:
    return api.convert(seed_bytes(), str(SEED), "xlsx")


@cache
def _seed_parts() -> tuple[tuple[str, bytes], ...]:
    with zipfile.ZipFile(io.BytesIO(seed_workbook())) as archive:
        return tuple((info.filename, archive.read(info)) for info in archive.infolist())


def seed_parts() -> dict[str, bytes]:
    """The seed workbook's parts, in order, to edit freely."""
    return dict(_seed_parts())


def sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    """The part holding the sheet named `sheet`, found through the workbook and its relationships."""
    workbook = parts[WORKBOOK].decode()
    match = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="(rId\d+)"', workbook)
    assert match, sheet
    rels = parts[WORKBOOK_RELS].decode()
    target = re.search(rf'Target="([^"]+)" Id="{match.group(1)}"', rels)
    assert target, match.group(1)
    return target.group(1).lstrip("/")


def edit(parts: dict[str, bytes], name: str, old: str, new: str, count: int = 1) -> dict[str, bytes]:
    parts[name] = replaced(parts[name].decode(), old, new, count).encode()
    return parts


def move(parts: dict[str, bytes], old: str, new: str, content_type: str | None = None) -> dict[str, bytes]:
    """Part `old` renamed `new`, the relationship and content type that named it following it."""
    moved = {}
    for name, data in parts.items():
        moved[new if name == old else name] = data
    for rels in [n for n in moved if n.endswith(".rels")]:
        text = moved[rels].decode()
        text = text.replace(f'Target="/{old}"', f'Target="/{new}"')
        if rels == WORKBOOK_RELS and old.startswith("xl/"):
            text = text.replace(f'Target="{old[3:]}"', f'Target="{new[3:]}"')
        moved[rels] = text.encode()
    types = moved[CONTENT_TYPES].decode()
    override = re.search(rf'<Override PartName="/{re.escape(old)}" ContentType="([^"]+)"/>', types)
    kind = content_type or (override.group(1) if override else f"{SPREADSHEET}.worksheet+xml")
    types = re.sub(rf'<Override PartName="/{re.escape(old)}" ContentType="[^"]+"/>', "", types)
    types = replaced(types, "</Types>", f'<Override PartName="/{new}" ContentType="{kind}"/></Types>')
    moved[CONTENT_TYPES] = types.encode()
    return moved


def add_relationship(parts: dict[str, bytes], rels: str, kind: str, target: str, external: bool = False) -> None:
    mode = ' TargetMode="External"' if external else ""
    relationship = f'<Relationship Type="{kind}" Target="{target}" Id="rId99"{mode}/>'
    if rels not in parts:
        parts[rels] = (
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
        )
    edit(parts, rels, "</Relationships>", relationship + "</Relationships>")


def add_override(parts: dict[str, bytes], name: str, content_type: str) -> None:
    edit(parts, CONTENT_TYPES, "</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>')


def add_sheet(parts: dict[str, bytes], title: str, state: str = "visible") -> str:
    """A new worksheet named `title` (one header cell), listed in the workbook; its part's name."""
    name = "xl/worksheets/sheet99.xml"  # past every sheet the layout has
    parts[name] = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Notes</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>an extra sheet</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    sheet = f'<sheet xmlns:r="{RELATIONSHIPS}" name="{title}" sheetId="99" state="{state}" r:id="rId99"/>'
    edit(parts, WORKBOOK, "</sheets>", sheet + "</sheets>")
    add_relationship(parts, WORKBOOK_RELS, f"{RELATIONSHIPS}/worksheet", f"/{name}")
    add_override(parts, name, f"{SPREADSHEET}.worksheet+xml")
    return name
