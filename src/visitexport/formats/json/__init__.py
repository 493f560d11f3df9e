"""JSON, the canonical record: strict reading (`strict`), canonical writing (`canonical`), both ways (`codec`)."""

from __future__ import annotations

__all__ = ["sniff"]


def sniff(data: bytes) -> bool:
    """An object or array comes first (after white space, or a byte order mark the reader will refuse)."""
    return data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")[:1] in (b"{", b"[")
