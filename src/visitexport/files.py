"""Finding input files and writing output files without ever leaving a partial one."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import ToolError

__all__ = ["STDIO", "expand", "read_input", "same_file", "write_atomic"]

#: The name that means standard input or output.
STDIO = "-"


def expand(paths: Iterable[str], pattern: str = "*.json") -> Iterator[str]:
    """Files named directly, then the files under each folder matching `pattern`, sorted.

    A file reached twice (named twice, or named and found in a folder, under
    any name) is given once, and so is `-`. A path that does not exist raises
    `ToolError`.
    """
    seen: set[tuple[int, int] | str] = set()
    for name in paths:
        if name == STDIO:
            if name not in seen:
                seen.add(name)
                yield name
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(str(p) for p in path.rglob(pattern) if p.is_file())
        elif path.exists():
            found = [name]
        else:
            raise ToolError(f"{name}: no such file or folder")
        for file in found:
            try:
                info = Path(file).stat()
            except OSError as exc:
                raise ToolError(f"{file}: cannot read: {exc.strerror or exc}") from exc
            key = (info.st_dev, info.st_ino)
            if key not in seen:
                seen.add(key)
                yield file


def read_input(name: str, limit: int | None = None) -> bytes:
    """The bytes of a file, or of standard input for `-`.

    With `limit`, at most ``limit + 1`` bytes are read: enough for the caller
    to see that the input is too large without holding all of it.
    """
    try:
        if name == STDIO:
            return _read_capped(sys.stdin.buffer, limit)
        with Path(name).open("rb") as file:
            info = os.fstat(file.fileno())
            if limit is None or (stat.S_ISREG(info.st_mode) and info.st_size <= limit):
                return file.read()
            return _read_capped(file, limit)
    except OSError as exc:
        raise ToolError(f"{name}: cannot read: {exc.strerror or exc}") from exc


def _read_capped(stream: BinaryIO, limit: int | None) -> bytes:
    # read(n) would set aside n bytes at once; a limit of many megabytes is read in pieces.
    if limit is None:
        return stream.read()
    pieces: list[bytes] = []
    left = limit + 1
    while left > 0 and (piece := stream.read(min(left, 1 << 20))):
        pieces.append(piece)
        left -= len(piece)
    return b"".join(pieces)


def same_file(a: str, b: str) -> bool:
    """Whether two names (not `-`) are one existing file."""
    if STDIO in (a, b):
        return False
    try:
        return Path(a).samefile(b)
    except OSError:
        return False


def write_atomic(name: str, data: bytes) -> None:
    """Write `data` to `name` (or standard output for `-`) all at once.

    The bytes go to a temporary file beside the target, which then replaces it
    in one rename: a failure or an interruption leaves the old file untouched
    and no partial file. A symbolic link stays a link: the file it points to
    is replaced. An existing file keeps its permissions. A target that is not
    a regular file (a pipe, a device) is written to directly, since it cannot
    be replaced.
    """
    if name == STDIO:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        mode: int | None = Path(name).stat().st_mode  # follows links; a loop fails here
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ToolError(f"{name}: cannot write: {exc.strerror or exc}") from exc
    if mode is not None and not stat.S_ISREG(mode):
        _write_through(name, data)  # a pipe or device, perhaps /dev/stdout: nothing to replace
        return
    if mode is not None and not mode & 0o222:
        # Judged by the mode bits, not os.access: root may write anything.
        raise ToolError(f"{name}: cannot write: the file is read-only")
    try:
        target = Path(name).resolve() if Path(name).is_symlink() else Path(name)
    except (OSError, RuntimeError) as exc:
        raise ToolError(f"{name}: cannot write: {exc}") from exc
    try:
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
            Path(temp).chmod(0o666 & ~umask)
        else:
            Path(temp).chmod(stat.S_IMODE(mode))
        Path(temp).replace(target)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ToolError(f"{name}: cannot write: {exc.strerror or exc}") from exc
        raise
    _sync_folder(target.parent)


def _write_through(name: str, data: bytes) -> None:
    try:
        with Path(name).open("wb") as out:
            out.write(data)
    except OSError as exc:
        raise ToolError(f"{name}: cannot write: {exc.strerror or exc}") from exc


def _sync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not every system can open a folder.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
