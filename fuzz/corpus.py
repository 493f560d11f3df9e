"""Seeds and dictionaries: where each target starts, and the words its byte mutator may insert.

Seeds are the project's own records: the examples in every readable format
they exist in, and every valid case of tests/cases written to the target's
format with the library (so each seed is accepted and the fuzzer starts
inside the reader, not at its door). The JSON target also starts from the
invalid cases, each a near miss of one rule.

The dictionary is the schema's property names and enumerated values, spelled
as the format spells them, and the tokens of the attacks the readers refuse
(DOCTYPE, entities, XInclude, formulas, Excel's escapes, NaN).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from visitexport.api import read_record, write_record
from visitexport.schema.loading import bundled_schema

__all__ = ["ROOT", "dictionary", "iter_seeds", "seeds", "write_dictionary", "write_seeds"]

ROOT = Path(__file__).resolve().parent.parent
_EXAMPLES = ROOT / "examples"
_CASES = ROOT / "tests" / "cases"
#: The seed release and the corpus of releases in many layouts: the text target's starting inputs.
_RELEASES_DIRS = (ROOT / "seeds", ROOT / "tests" / "releases")

_HOSTILE: dict[str, tuple[bytes, ...]] = {
    "text": (
        b"\r\n",
        b"\r",
        b"\t",
        b"\xef\xbb\xbf",
        b"\x0c",
        b"\xe2\x90\x8c",
        b"\x00",
        b"| ",
        b"|---|",
        b"1. ",
        b"(a) ",
        b": -- ",
        b"Back to Index",
        b"Related Links",
        b"(End)",
        b"Time: ",
        b"<html>",
    ),
    "json": (b"NaN", b"Infinity", b"-Infinity", b"1e400", b"\\ud800", b"\\u0000", b"\xef\xbb\xbf", b'"":', b"[[[["),
    "xml": (
        b"<!DOCTYPE r [",
        b'<!ENTITY e "x">',
        b'<!ENTITY e SYSTEM "file:///etc/passwd">',
        b"&e;",
        b"&#13;",
        b"&#0;",
        b"<![CDATA[",
        b"]]>",
        b"<!--",
        b"-->",
        b'<?xml-stylesheet href="x.xsl"?>',
        b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="x"/>',
        b"<?xml version='1.0' encoding='UTF-16'?>",
        b"<?xml version='1.0' encoding='latin-1'?>",
        b'xmlns="urn:x"',
        b'xml:space="preserve"',
        b'xsi:nil="true"',
    ),
    "xlsx": (
        b'<c r="A1" t="s"><v>0</v></c>',
        b't="inlineStr"',
        b't="str"',
        b't="b"',
        b't="e"',
        b't="n"',
        b't="d"',
        b"<f>1+1</f>",
        b"<v>#N/A</v>",
        b'r="XFD1048576"',
        b'<dimension ref="A1:XFD1048576"/>',
        b"_x000D_",
        b"_x0000_",
        b'state="hidden"',
        b"<!DOCTYPE worksheet [",
        b"vbaProject.bin",
        b"externalLink",
        b'TargetMode="External"',
    ),
}


def _record_cases() -> list[Path]:
    return sorted(_EXAMPLES.glob("*.json")) + sorted((_CASES / "valid").glob("*.json"))


def iter_seeds(fmt: str) -> Iterator[bytes]:
    """The target's starting inputs, each a record the reader accepts (and, for JSON, the near misses)."""
    found: set[bytes] = set()
    for path in sorted(_EXAMPLES.glob(f"*.{fmt}")):
        found.add(path.read_bytes())
        yield path.read_bytes()
    for path in _record_cases():
        written = write_record(read_record(path.read_bytes(), str(path)), fmt)
        if written not in found:
            found.add(written)
            yield written
    if fmt == "json":
        yield from (path.read_bytes() for path in sorted((_CASES / "invalid").glob("*.json")))
    if fmt == "text":
        for path in sorted(p for folder in _RELEASES_DIRS for p in folder.glob("*.txt")):
            if path.read_bytes() not in found:
                found.add(path.read_bytes())
                yield path.read_bytes()


def seeds(fmt: str) -> list[bytes]:
    """Every seed of the target (writing the workbooks takes a second)."""
    return list(iter_seeds(fmt))


def dictionary(fmt: str) -> list[bytes]:
    """The words the byte mutator may insert for this format, shortest first, each once."""
    names: set[str] = set()
    values: set[str] = set()
    _words(bundled_schema(), names, values)
    words = set(_HOSTILE.get(fmt, ()))
    for name in names:
        if fmt == "json":
            words.add(f'"{name}":'.encode())
        elif fmt == "xml":
            words |= {f"<v:{name}>".encode(), f"</v:{name}>".encode()}
        else:
            words.add(name.encode())
    for value in values:
        words.add(json.dumps(value).encode() if fmt == "json" else value.encode())
    # libFuzzer takes words of at most 64 bytes.
    return sorted((w for w in words if 0 < len(w) <= 64), key=lambda w: (len(w), w))


def _words(schema: Any, names: set[str], values: set[str]) -> None:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "properties" and isinstance(value, dict):
                names.update(value)
            if key in ("enum", "const"):
                values.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
            _words(value, names, values)
    elif isinstance(schema, list):
        for item in schema:
            _words(item, names, values)


def write_seeds(fmt: str, directory: Path) -> list[bytes]:
    """Add the seeds to a corpus folder (named by content, so a kept corpus gains nothing twice); the seeds."""
    directory.mkdir(parents=True, exist_ok=True)
    found = seeds(fmt)
    for data in found:
        (directory / f"seed-{hashlib.sha1(data).hexdigest()}").write_bytes(data)
    return found


def write_dictionary(fmt: str, path: Path) -> int:
    """The dictionary in libFuzzer's format: one quoted word a line, other than printable ASCII as \\xNN."""

    def quoted(word: bytes) -> str:
        inner = "".join(chr(b) if 0x20 <= b < 0x7F and b not in b'"\\' else f"\\x{b:02X}" for b in word)
        return f'"{inner}"'

    words = dictionary(fmt)
    path.write_text("".join(quoted(w) + "\n" for w in words), encoding="ascii")
    return len(words)
