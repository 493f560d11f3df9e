"""The fuzz targets: one per reader, each an oracle any engine can drive (atheris, or Hypothesis).

A target takes any bytes and fails (raises `Finding`, or whatever escaped)
unless the reader either

- refuses them with the library's own error (`VisitExportError`), whose
  message can be rendered, or
- accepts a record that round-trips: its canonical JSON is stable
  (``fmt(fmt(x)) == fmt(x)``), and written to each lossless format the
  target checks and read back it gives the same canonical bytes. The JSON
  target checks JSON and XML (a workbook per accepted JSON costs a hundred
  times a JSON read, and the workbook target covers that path); the XML and
  workbook targets check every lossless format.

The text target (a release read by ingest) holds the reader to its promise
instead: whatever it accepts renders back to the very bytes it read, and the
record survives XML.

A warning that escapes a reader is a finding too, and so is anything a
reader prints to standard output (openpyxl prints some of its complaints):
the command line would mix it into its JSON report there.

Comparing canonical bytes rather than dicts keeps ``1``, ``1.0`` and ``True``
apart, which ``==`` does not.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import warnings
from collections.abc import Callable
from typing import NamedTuple

from fuzz.mutators import Mutator, mutate_json, mutate_text, mutate_xlsx, mutate_xml
from visitexport import formats
from visitexport.api import format_bytes, read_record, write_record
from visitexport.errors import VisitExportError
from visitexport.formats.json.canonical import canonical_bytes

__all__ = ["TARGETS", "Finding", "Target", "lossless"]


class Finding(AssertionError):
    """What a reader did that it must not: the message says what, for which format."""


class Target(NamedTuple):
    #: The format read, a name in the registry.
    name: str
    check: Callable[[bytes], None]
    mutate: Mutator


def lossless() -> list[str]:
    """Every format a record is written to and read back from unchanged."""
    return [f.name for f in formats.FORMATS.values() if f.lossless and f.readable]


#: Digests of canonical records already carried through every format: mutants that read as the same
#: record (a space in XML, a compression level in a zip) need not pay for the workbook again.
_CARRIED: set[bytes] = set()
_MAX_CARRIED = 100_000


def _oracle(fmt: str, others: Callable[[], list[str]]) -> Callable[[bytes], None]:
    source = f"fuzz.{fmt}"

    def check(data: bytes) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            # Recognising content runs on every input of every command, before any reader.
            formats.is_html(data)
            formats.detect(data, "<input>", None)
            printed = io.StringIO()
            try:
                # Standard output only: atheris reports each module it instruments on standard error.
                with contextlib.redirect_stdout(printed):
                    record = read_record(data, source, fmt)
            except VisitExportError as error:
                str(error)  # what the command line prints must render, whatever was refused
                record = None
            if printed.getvalue():
                raise Finding(f"{fmt}: the reader printed {printed.getvalue()[:200]!r} to standard output")
            if record is None:
                return
            canonical = canonical_bytes(record)
            if fmt == "json" and format_bytes(data) != canonical:
                raise Finding("json: fmt of the input is not the canonical bytes of the record read from it")
            if format_bytes(canonical) != canonical:
                raise Finding(f"{fmt}: canonical bytes are not stable, fmt(fmt(x)) != fmt(x)")
            digest = hashlib.blake2b(canonical, digest_size=16).digest()
            if digest in _CARRIED:
                return
            for other in [fmt, *(o for o in others() if o != fmt)]:
                written = write_record(record, other)
                again = read_record(written, f"again.{other}", other)
                if canonical_bytes(again) != canonical:
                    raise Finding(f"{fmt}: an accepted record written as {other} reads back different")
            if len(_CARRIED) >= _MAX_CARRIED:
                _CARRIED.clear()
            _CARRIED.add(digest)

    return check


def _check_text(data: bytes) -> None:
    """A release's text: refused with the library's error, or read into a record that renders it back exactly."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                record = read_record(data, "fuzz.txt", "text")
        except VisitExportError as error:
            str(error)
            record = None
        if printed.getvalue():
            raise Finding(f"text: the reader printed {printed.getvalue()[:200]!r} to standard output")
        if record is None:
            return
        if write_record(record, "text") != data:
            raise Finding("text: the record read from a text does not render the same bytes")
        canonical = canonical_bytes(record)
        if canonical_bytes(read_record(write_record(record, "xml"), "again.xml", "xml")) != canonical:
            raise Finding("text: the record read from a text, written as xml, reads back different")


TARGETS: dict[str, Target] = {
    "json": Target("json", _oracle("json", lambda: ["xml"]), mutate_json),
    "xml": Target("xml", _oracle("xml", lossless), mutate_xml),
    "xlsx": Target("xlsx", _oracle("xlsx", lossless), mutate_xlsx),
    "text": Target("text", _check_text, mutate_text),
}
