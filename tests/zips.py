"""Zip archives written by hand, so that sizes, flags, methods and offsets say whatever a test wants.

Shared by the workbook package tests and the hostile-input suite: a hostile
workbook is a real one whose parts are edited and packed again here.
"""

from __future__ import annotations

import bz2
import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache

MIB = 1024 * 1024


@dataclass
class Entry:
    """One zip entry, written exactly as described: nothing is checked or made consistent."""

    name: str
    data: bytes = b""
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0
    payload: bytes | None = None  # the bytes after the local header; by default `data` compressed by `method`
    size: int | None = None  # declared uncompressed size; by default len(data)
    crc: int | None = None  # by default the CRC of `data`
    alias_of: str | None = None  # no data of its own: the directory points at that entry's local header


def deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def payload_of(entry: Entry) -> bytes:
    if entry.payload is not None:
        return entry.payload
    if entry.method == zipfile.ZIP_DEFLATED:
        return deflated(entry.data)
    if entry.method == zipfile.ZIP_BZIP2:
        return bz2.compress(entry.data)
    if entry.method == zipfile.ZIP_LZMA:
        # zipfile's own LZMA framing: a version, the properties' length, the properties, then raw LZMA.
        compressor = zipfile.LZMACompressor()  # type: ignore[attr-defined]
        framed: bytes = compressor.compress(entry.data) + compressor.flush()
        return framed
    return entry.data


def raw_zip(entries: list[Entry]) -> bytes:
    out = bytearray()
    directory = bytearray()
    offsets: dict[str, int] = {}
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = entry.flags | (0x800 if not entry.name.isascii() else 0)
        payload = payload_of(entry)
        size = len(entry.data) if entry.size is None else entry.size
        crc = zlib.crc32(entry.data) if entry.crc is None else entry.crc
        fields = (flags, entry.method, 0, 0x21, crc, len(payload), size, len(name), 0)
        if entry.alias_of is None:
            offsets[entry.name] = len(out)
            out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, *fields) + name + payload
        offset = offsets[entry.alias_of or entry.name]
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, *fields, 0, 0, 0, 0, offset) + name
    count = len(entries)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(out), 0)
    return bytes(out + directory + end)


def pack(parts: dict[str, bytes], *extra: Entry) -> bytes:
    return raw_zip([Entry(name, data) for name, data in parts.items()] + list(extra))


@cache
def zeros_deflated(size: int) -> bytes:
    """`size` zero bytes deflated (about 1000 to 1), built a mebibyte at a time so a test stays cheap."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    chunk = bytes(MIB)
    out = [compressor.compress(chunk) for _ in range(size // MIB)]
    return b"".join([*out, compressor.flush()])


def zeros_crc(size: int) -> int:
    crc = 0
    for _ in range(size // MIB):
        crc = zlib.crc32(bytes(MIB), crc)
    return crc
