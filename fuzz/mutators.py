"""Structure-aware mutators: each changes what its format means, not only its bytes.

Flipping bytes of a workbook almost never gets past the zip's CRC, and
flipping bytes of JSON or XML mostly gets past nothing but the parser. So
each mutator first parses what it is given and changes the structure: a JSON
value replaced by another found elsewhere in the record (ids and references
meet each other that way), an XML element removed, repeated, renamed or given
another's text, a part of a workbook mutated inside the zip, renamed (a
worksheet stored as ``sheet1.bin``), dropped or stored differently, then the
whole written again. Some of the time, and whenever the input does not parse,
it mutates bytes instead, with the engine's own byte mutator
(`atheris.Mutate`, which uses the dictionary and libFuzzer's tricks) or, under
the Hypothesis fallback, `byte_mutator`.

Every mutator takes ``(data, max_size, rng, byte_mutate)`` and returns at most
``max_size`` bytes; it never raises, whatever it is given (a mutant is never a
finding: only what the reader does with it is). Nothing here imports visitexport.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import random
import warnings
import zipfile
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from lxml import etree

__all__ = ["ByteMutator", "Mutator", "byte_mutator", "mutate_json", "mutate_xlsx", "mutate_xml"]

#: ``(data, max_size) -> bytes``: atheris.Mutate, or `byte_mutator` under the fallback.
ByteMutator = Callable[[bytes, int], bytes]
#: ``(data, max_size, rng, byte_mutate) -> bytes``.
Mutator = Callable[[bytes, int, random.Random, ByteMutator], bytes]

#: Of every call, the share left to the byte mutator, so both kinds of damage are tried.
_BYTES_SHARE = 0.25

#: Texts each reader must refuse or carry exactly: controls, invisible characters, a lone surrogate,
#: what a spreadsheet would take for a formula, XML's own syntax, Excel's escape, dates and codes
#: just inside and outside their rules.
STRINGS: tuple[str, ...] = (
    "",
    " ",
    "x",
    "\u0000",
    "\r",
    "\r\n",
    "\t",
    "=1+1",
    "+1",
    "-1",
    "@x",
    "\ud800",
    "\u202e",
    "\ufeff",
    "\u200b",
    "\x7f\u009f",
    "\uffff",
    "\U0001f600",
    "&amp;",
    "]]>",
    "<!--",
    "_x000D_",
    "_x0041_",
    "2000-11-04",
    "2000-02-30",
    "2000-11",
    "2000",
    "2000-11-04T10:00:00+09:00",
    "P1D",
    "PT55M",
    "ru",
    "JP",
    "XX",
    "en-GB",
    "TRUE",
    "#N/A",
    "1",
    "1.0",
    "x" * 200,
)
NUMBERS: tuple[int | float, ...] = (0, 1, -1, 2, 255, 2**31, 2**53 + 1, 10**30, 1.5, -0.0, 1e-7, 1e308)


def byte_mutator(rng: random.Random, tokens: Sequence[bytes] = ()) -> ByteMutator:
    """A pure-Python byte mutator in libFuzzer's manner, for engines without atheris: it draws from `rng`."""

    def mutate(data: bytes, max_size: int) -> bytes:
        out = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            op = rng.randrange(7)
            at = rng.randint(0, len(out))
            if op == 0 and out:
                out[min(at, len(out) - 1)] ^= 1 << rng.randrange(8)
            elif op == 1 and out:
                out[min(at, len(out) - 1)] = rng.choice((0, 0x7F, 0x80, 0xFF, 0x22, 0x3C, 0x26, 0x5C, 0x0D))
            elif op == 2:
                out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
            elif op == 3 and out:
                del out[at : at + rng.randint(1, 64)]
            elif op == 4 and out:
                start = rng.randrange(len(out))
                out[at:at] = out[start : start + rng.randint(1, 128)]
            elif op == 5 and tokens:
                out[at:at] = rng.choice(tokens)
            elif op == 6 and tokens:
                token = rng.choice(tokens)
                out[at : at + len(token)] = token
        return bytes(out[:max_size])

    return mutate


# --- JSON --------------------------------------------------------------------------------


def mutate_json(data: bytes, max_size: int, rng: random.Random, byte_mutate: ByteMutator) -> bytes:
    """A record with one to three of its values replaced, removed, repeated, moved or retyped."""
    if rng.random() < _BYTES_SHARE:
        return byte_mutate(data, max_size)
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return byte_mutate(data, max_size)
    for _ in range(rng.randint(1, 3)):
        value = _mutate_value(value, rng)
    try:
        text = json.dumps(value, ensure_ascii=rng.random() < 0.2, indent=rng.choice((2, 2, 2, None, 0)))
    except (ValueError, RecursionError):
        return byte_mutate(data, max_size)
    # surrogatepass: a lone surrogate becomes the bytes a careless writer would emit, which must be refused.
    out = text.encode("utf-8", "surrogatepass")
    return out if len(out) <= max_size else byte_mutate(data, max_size)


def _slots(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) below `value`, in document order."""
    found: list[tuple[Any, Any]] = []
    stack = [value]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in items:
            found.append((node, key))
            if isinstance(child, dict | list):
                stack.append(child)
    return found


def _interesting(rng: random.Random) -> Any:
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice(STRINGS)
    if kind == 1:
        return rng.choice(NUMBERS)
    if kind == 2:
        return rng.choice((True, False, None))
    if kind == 3:
        return []
    if kind == 4:
        return {}
    return rng.choice(STRINGS) + rng.choice(STRINGS)


def _mutate_value(value: Any, rng: random.Random) -> Any:
    slots = _slots(value)
    if not slots:
        return _interesting(rng)
    parent, key = rng.choice(slots)
    old = parent[key]
    op = rng.randrange(9)
    if op == 0:
        parent[key] = _interesting(rng)
    elif op == 1:
        # A value of the same type from elsewhere: an id where another id was, a date for a date.
        same = [p[k] for p, k in slots if type(p[k]) is type(old)] or [p[k] for p, k in slots]
        parent[key] = copy.deepcopy(rng.choice(same))
    elif op == 2:
        del parent[key]
    elif op == 3 and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(old))
    elif op == 4 and isinstance(parent, list) and len(parent) > 1:
        other = rng.randrange(len(parent))
        parent[key], parent[other] = parent[other], parent[key]
    elif op == 4 and isinstance(parent, dict):
        names = [k for p, k in slots if isinstance(p, dict)]
        _rename(parent, key, rng.choice([*names, key + "_", key.upper()]))
    elif op == 5 and isinstance(old, str):
        parent[key] = _mutate_text(old, rng)
    elif op == 6 and isinstance(old, int | float) and not isinstance(old, bool):
        parent[key] = rng.choice((old + 1, old - 1, -old, old * 10, old / 2, int(old)))
    elif op == 7:
        parent[key] = [old] if rng.random() < 0.5 else {"value": old}
    elif op == 8 and isinstance(old, dict | list):
        # Hoist a grandchild: a level of nesting goes missing.
        inner = _slots(old)
        if inner:
            p, k = rng.choice(inner)
            parent[key] = p[k]
    return value


def _rename(parent: dict[str, Any], key: str, new: str) -> None:
    """Rename a key in place, keeping its position (the order of keys is part of what is read)."""
    items = [(new if k == key else k, v) for k, v in parent.items()]
    parent.clear()
    parent.update(items)


def _mutate_text(text: str, rng: random.Random) -> str:
    at = rng.randint(0, len(text))
    op = rng.randrange(5)
    if op == 0:
        return text[:at] + rng.choice(STRINGS) + text[at:]
    if op == 1:
        return text[:at]
    if op == 2:
        return text + text
    if op == 3:
        return text.upper() if text.islower() else text.lower()
    return text[:at] + chr(rng.choice((0x0A, 0x0D, 0x20, 0xA0, 0x7F, 0x85, 0xD7FF, 0xE000, 0x10FFFF))) + text[at:]


# --- XML ---------------------------------------------------------------------------------

# The mutator parses its own mutants, never the reader's way: no entities, no DTD, no network.
_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, remove_comments=False)


def mutate_xml(data: bytes, max_size: int, rng: random.Random, byte_mutate: ByteMutator) -> bytes:
    """An XML document with one to three elements removed, repeated, swapped, renamed, retexted or moved."""
    if rng.random() < _BYTES_SHARE:
        return byte_mutate(data, max_size)
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.LxmlError, ValueError):
        return byte_mutate(data, max_size)
    if root is None:
        return byte_mutate(data, max_size)
    for _ in range(rng.randint(1, 3)):
        # lxml refuses a name or a text XML cannot hold; the byte mutator makes those.
        with contextlib.suppress(ValueError, TypeError):
            _mutate_element(root, rng)
    out: bytes = etree.tostring(root, xml_declaration=rng.random() < 0.8, encoding="UTF-8")
    return out if len(out) <= max_size else byte_mutate(data, max_size)


def _mutate_element(root: Any, rng: random.Random) -> None:
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    element = rng.choice(elements)
    parent = element.getparent()
    donor = rng.choice(elements)
    op = rng.randrange(8)
    if op == 0 and parent is not None:
        parent.remove(element)
    elif op == 1 and parent is not None:
        parent.insert(parent.index(element) + 1, copy.deepcopy(element))
    elif op == 2 and parent is not None and len(parent) > 1:
        sibling = parent[rng.randrange(len(parent))]
        if sibling is not element:
            index = parent.index(sibling)
            parent.replace(element, copy.deepcopy(sibling))
            parent[index] = element
    elif op == 3:
        texts = [e.text for e in elements if e.text and e.text.strip()]
        element.text = rng.choice(texts) if texts and rng.random() < 0.5 else rng.choice(STRINGS)
    elif op == 4:
        element.tag = donor.tag
    elif op == 5 and donor is not root and element not in donor.iterancestors():
        element.append(copy.deepcopy(donor))
    elif op == 6:
        name = rng.choice(("id", "{http://www.w3.org/XML/1998/namespace}space", "t", "r", "s", "x"))
        element.set(name, rng.choice(STRINGS[:20]))
    elif op == 7:
        kind = rng.randrange(3)
        if kind == 0:
            element.insert(0, etree.Comment("c"))
        elif kind == 1:
            element.insert(0, etree.ProcessingInstruction("xml-stylesheet", 'href="x.xsl"'))
        else:
            element.text = etree.CDATA(element.text or "x")


# --- XLSX --------------------------------------------------------------------------------


class _Part(NamedTuple):
    name: str
    data: bytes
    method: int


#: What the mutator unpacks at most: more would be the mutator's own zip bomb.
_MAX_PART = 8 * 1024 * 1024
_MAX_TOTAL = 32 * 1024 * 1024
_SUFFIXES = (".bin", ".dat", ".xml/", ".XML", "", ".xml")


def mutate_xlsx(data: bytes, max_size: int, rng: random.Random, byte_mutate: ByteMutator) -> bytes:
    """A workbook with one part mutated inside the zip, or renamed, dropped, repeated, swapped or restored."""
    parts = _unzip(data)
    if not parts or rng.random() < 0.1:
        return byte_mutate(data, max_size)
    op = rng.random()
    if op < 0.7:
        index = _pick_part(parts, rng)
        part = parts[index]
        xml = part.name.endswith((".xml", ".rels")) and rng.random() < 0.8
        mutated = mutate_xml(part.data, max_size, rng, byte_mutate) if xml else byte_mutate(part.data, max_size)
        parts[index] = part._replace(data=mutated)
    elif op < 0.8:
        _rename_part(parts, _pick_part(parts, rng), rng)
    elif op < 0.85:
        del parts[_pick_part(parts, rng)]
    elif op < 0.9:
        part = parts[_pick_part(parts, rng)]
        parts.append(part._replace(name=part.name if rng.random() < 0.5 else part.name.upper()))
    elif op < 0.95:
        a, b = _pick_part(parts, rng), _pick_part(parts, rng)
        parts[a], parts[b] = parts[a]._replace(data=parts[b].data), parts[b]._replace(data=parts[a].data)
    else:
        index = rng.randrange(len(parts))
        methods = (zipfile.ZIP_STORED,) * 8 + (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
        parts[index] = parts[index]._replace(method=rng.choice(methods))
    out = _zip(parts)
    return out if len(out) <= max_size else byte_mutate(data, max_size)


def _unzip(data: bytes) -> list[_Part] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > _MAX_TOTAL or any(i.file_size > _MAX_PART for i in infos):
                return None
            return [_Part(i.filename, archive.read(i), i.compress_type) for i in infos]
    except Exception:  # zipfile raises a dozen kinds on a damaged archive; this one is mutated as bytes
        return None


def _zip(parts: Sequence[_Part]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": a repeated part is the point
        with zipfile.ZipFile(out, "w") as archive:
            for part in parts:
                info = zipfile.ZipInfo(part.name, date_time=(2000, 11, 4, 0, 0, 0))
                info.compress_type = part.method
                archive.writestr(info, part.data, compresslevel=1 if part.method == zipfile.ZIP_DEFLATED else None)
    return out.getvalue()


def _pick_part(parts: Sequence[_Part], rng: random.Random) -> int:
    """A part, the ones the reader's checks and cells come from most often."""

    def weight(name: str) -> int:
        if name.startswith("xl/worksheets/") or "sharedStrings" in name:
            return 6
        if name in ("xl/workbook.xml", "[Content_Types].xml") or name.endswith(".rels"):
            return 3
        return 1

    return rng.choices(range(len(parts)), weights=[weight(p.name) for p in parts])[0]


def _rename_part(parts: list[_Part], index: int, rng: random.Random) -> None:
    """Rename a part and every mention of it in the others, so openpyxl still finds it by its new name."""
    old = parts[index].name
    stem = old.rsplit(".", 1)[0] if "." in old.rsplit("/", 1)[-1] else old
    new = stem + rng.choice(_SUFFIXES)
    if new == old:
        new = stem + "_" + old[len(stem) :]
    old_base, new_base = old.rsplit("/", 1)[-1].encode(), new.rsplit("/", 1)[-1].encode()
    for i, part in enumerate(parts):
        parts[i] = part._replace(name=new if i == index else part.name, data=part.data.replace(old_base, new_base))


# --- plain text ----------------------------------------------------------------------------

_TEXT_LABELS = (
    "1. ",
    "(1) ",
    "1) ",
    "(a) ",
    "a. ",
    "I. ",
    "XIV. ",
    "(i) ",
    "- ",
    "\u2022 ",
    "-- ",
    "* ",
    "1.",
    "2. 1. ",
)
_TEXT_LINES = (
    "",
    " ",
    "\t",
    "Itinerary",
    "(Reference)",
    "Related Links",
    "Back to Index",
    "(End)",
    "| a | b |",
    "a\tb",
)


def mutate_text(data: bytes, max_size: int, rng: random.Random, byte_mutate: ByteMutator) -> bytes:
    """A release with lines moved, repeated, dropped, indented, labelled, or given other endings."""
    if rng.random() < _BYTES_SHARE:
        return byte_mutate(data, max_size)
    lines = data.decode("utf-8", "surrogateescape").splitlines(keepends=True) or [""]
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(lines))
        op = rng.randrange(7)
        if op == 0:
            lines.insert(at, lines[rng.randrange(len(lines))])
        elif op == 1 and len(lines) > 1:
            del lines[at]
        elif op == 2:
            lines[at] = rng.choice(("  ", "   ", "\t", "    ")) + lines[at]
        elif op == 3:
            lines[at] = rng.choice(_TEXT_LABELS) + lines[at].lstrip(" \t")
        elif op == 4:
            lines.insert(at, rng.choice(_TEXT_LINES) + "\n")
        elif op == 5:
            lines[at] = lines[at].rstrip("\r\n") + rng.choice(("\n", "\r\n", "\r", "", "  \n"))
        else:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
    return "".join(lines).encode("utf-8", "surrogateescape")[:max_size]
