"""XML: the record as one namespaced document (`codec`), valid against the XSD generated from the schema (`xsd`)."""

from __future__ import annotations

__all__ = ["sniff"]

_UTF16 = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


def sniff(data: bytes) -> bool:
    """Markup comes first (UTF-8 or UTF-16); an HTML page is refused before any sniffing (`formats.is_html`)."""
    if data.startswith(_UTF16):
        return True
    return data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<")
