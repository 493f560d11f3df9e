"""Excel workbooks: written (`write`) and read back (`read`) in the layout of `visitexport.formats.tabular`.

The package is checked before anything is decompressed (`package`), cells are
read within limits (`source`), and every use of openpyxl's private API sits in
one adapter (`adapter`).
"""

from __future__ import annotations

__all__ = ["sniff"]


def sniff(data: bytes) -> bool:
    """A zip package that names a ``[Content_Types].xml`` part, as every Office Open XML file does."""
    # Part names are stored uncompressed in the zip's headers, so a byte search finds them.
    return data.startswith(b"PK\x03\x04") and b"[Content_Types].xml" in data
