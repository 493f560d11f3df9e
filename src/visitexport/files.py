"""Finding input files and writing output files without ever leaving a partial one."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import ToolError

__all__ = ["STDIO", "expand", "read_input", "write_atomic"]

#: The name that means standard input or output.
STDIO = "-"


def expand(paths: Iterable[str], pattern: str = "*.json") -> Iterator[str]:
    """Files named directly, then the files under each folder matching `pattern`, sorted.

    `-` passes through. A path that does not exist raises `ToolError`.
    """
    for name in paths:
        if name == STDIO:
            yield name
            continue
        path = Path(name)
        if path.is_dir():
            yield from sorted(str(p) for p in path.rglob(pattern) if p.is_file())
        elif path.exists():
            yield name
        else:
            raise ToolError(f"{name}: no such file or folder")


def read_input(name: str) -> bytes:
    """The bytes of a file, or of standard input for `-`."""
    try:
        if name == STDIO:
            return sys.stdin.buffer.read()
        return Path(name).read_bytes()
    except OSError as exc:
        raise ToolError(f"{name}: cannot read: {exc.strerror or exc}") from exc


def write_atomic(name: str, data: bytes) -> None:
    """Write `data` to `name` (or standard output for `-`) all at once.

    The bytes go to a temporary file beside the target, which then replaces it
    in one rename: a failure leaves the old file untouched and no partial file.
    An existing file keeps its permissions.
    """
    if name == STDIO:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(name)
    try:
        mode = target.stat().st_mode & 0o7777 if target.exists() else None
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise ToolError(f"{name}: cannot write: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is None:
            # mkstemp creates the file 0600; a new output file gets the usual mode.
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        Path(temp).chmod(mode)
        Path(temp).replace(target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise ToolError(f"{name}: cannot write: {exc.strerror or exc}") from exc
