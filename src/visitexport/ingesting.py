"""Many releases read into records: where each record goes, reading each, and the report of it all.

The command line's `ingest` is this, wired to options: the targets are worked
out (and clashes refused) before anything is read, each release is read and
its record written on its own, atomically, and a release that cannot be read
writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from visitexport import api, report
from visitexport.errors import InvalidRecordError, OptionError, os_error
from visitexport.files import STDIO, read_input, write_atomic
from visitexport.limits import MAX_TEXT_BYTES
from visitexport.problems import FileResult
from visitexport.report import safe

__all__ = ["Entry", "as_json", "ingest_file", "targets", "warning_lines"]


@dataclass
class Entry:
    """One release: what became of it, where its record went, and the warnings about its structure."""

    result: FileResult
    target: str | None = None
    warnings: tuple[api.IngestWarning, ...] = field(default=())


def targets(releases: Sequence[str], out_dir: str) -> list[str]:
    """DIR/NAME.json for each release; two releases of one name are refused before anything is read."""
    out: list[str] = []
    seen: dict[str, str] = {}
    for release in releases:
        stem = "release" if release == STDIO else PurePath(release).stem
        target = str(PurePath(out_dir) / f"{stem}.json")
        if target in seen:
            raise OptionError("--out-dir", f"{seen[target]} and {release} would both be written to {target}")
        seen[target] = release
        out.append(target)
    return out


def ingest_file(release: str, target: str, encoding: str, offices: tuple[str, ...] = ()) -> Entry:
    """Read one release and write its record to `target` (`-` for standard output); never raises for bad text."""
    data = read_input(release, MAX_TEXT_BYTES)
    try:
        ingested = api.ingest(data, release, encoding=encoding, offices=offices)
    except InvalidRecordError as exc:
        return Entry(FileResult(release, tuple(exc.problems)))
    if target != STDIO:
        try:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise os_error(exc, str(Path(target).parent), "create") from exc
    write_atomic(target, api.write_record(ingested.record, "json"))
    return Entry(FileResult(release), target, ingested.warnings)


def warning_lines(entry: Entry) -> list[str]:
    """`release.txt:14: warning: ...`, one line per warning."""
    path = safe(entry.result.path)
    return [f"{path}:{w.line}: warning: {safe(w.message)}" for w in entry.warnings]


def as_json(entries: Sequence[Entry], version: str) -> str:
    """The JSON report of a run (the validator's), with each release's record file and warnings."""
    extra = [
        {
            **({"record": e.target} if e.target is not None else {}),
            "warnings": [{"line": w.line, "message": w.message} for w in e.warnings],
        }
        for e in entries
    ]
    return report.as_json([e.result for e in entries], version, extra)
