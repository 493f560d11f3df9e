"""Finding input files and writing output files without ever leaving a partial one."""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from fnmatch import fnmatch
from pathlib import Path
from typing import BinaryIO

from visitexport.errors import ToolError, os_error

__all__ = ["STDIO", "expand", "read_input", "same_file", "write_atomic"]

#: The name that means standard input or output.
STDIO = "-"


def expand(
    paths: Iterable[str | os.PathLike[str]], extensions: Collection[str], exclude: Sequence[str] = ()
) -> Iterator[str]:
    """Files named directly, then the files under each folder with one of `extensions`, sorted.

    Inside a folder, hidden files and folders (``.git``, ``.venv``: names
    starting with ``.``) are skipped, and so is anything whose path relative
    to the folder, or whose own name, matches one of the `exclude` globs. A
    file named directly is taken whatever its name. A file reached twice
    (named twice, or named and found in a folder, under any name) is given
    once, and so is `-`. A path that does not exist is given as it is: reading
    it says so, in its place among the others.
    """
    seen: set[tuple[int, int] | str] = set()
    wanted = tuple(e.lower() for e in extensions)
    for given in paths:
        name = os.fspath(given)
        if name == STDIO:
            if name not in seen:
                seen.add(name)
                yield name
            continue
        path = Path(name)
        found = _search(path, wanted, exclude) if path.is_dir() else [name]
        for file in found:
            try:
                info = Path(file).stat()
            except OSError:
                # Missing, a link loop, no permission: reading it says so, in its place among the others.
                if file not in seen:
                    seen.add(file)
                    yield file
                continue
            key = (info.st_dev, info.st_ino)
            if key not in seen:
                seen.add(key)
                yield file


def _search(folder: Path, extensions: tuple[str, ...], exclude: Sequence[str]) -> list[str]:
    """The files under `folder` with one of `extensions`, not hidden, not excluded, sorted by path."""

    def excluded(relative: str, name: str) -> bool:
        return name.startswith(".") or any(fnmatch(relative, g) or fnmatch(name, g) for g in exclude)

    found: list[str] = []
    for top, folders, files in os.walk(folder):
        here = Path(top)
        inside = here.relative_to(folder)
        # Pruned in place, so a .venv of thousands of files is never walked.
        folders[:] = [d for d in folders if not excluded((inside / d).as_posix(), d)]
        for file in files:
            if file.lower().endswith(extensions) and not excluded((inside / file).as_posix(), file):
                found.append(str(here / file))
    return sorted(found)


def read_input(given: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of a file, or of standard input for `-`.

    With `limit`, at most ``limit + 1`` bytes are read: enough for the caller
    to see that the input is too large without holding all of it.
    """
    name = os.fspath(given)
    try:
        if name == STDIO:
            return _read_capped(sys.stdin.buffer, limit)
        with Path(name).open("rb") as file:
            info = os.fstat(file.fileno())
            if limit is None or (stat.S_ISREG(info.st_mode) and info.st_size <= limit):
                return file.read()
            return _read_capped(file, limit)
    except OSError as exc:
        raise os_error(exc, name, "read") from exc


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
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        except OSError as exc:  # a full disk behind a redirection, a closed pipe
            raise os_error(exc, "standard output", "write") from exc
        return
    try:
        mode: int | None = Path(name).stat().st_mode  # follows links; a loop fails here
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise os_error(exc, name, "write") from exc
    if mode is not None and not stat.S_ISREG(mode):
        _write_through(name, data)  # a pipe or device, perhaps /dev/stdout: nothing to replace
        return
    if mode is not None and not mode & 0o222:
        # Judged by the mode bits, not os.access: root may write anything.
        raise ToolError(f"{name}: cannot write: the file is read-only", errno=errno.EACCES, filename=name)
    try:
        target = Path(name).resolve() if Path(name).is_symlink() else Path(name)
    except (OSError, RuntimeError) as exc:
        raise ToolError(f"{name}: cannot write: {exc}") from exc
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise os_error(exc, name, "write") from exc
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
            raise os_error(exc, name, "write") from exc
        raise
    _sync_folder(target.parent)


def _write_through(name: str, data: bytes) -> None:
    try:
        with Path(name).open("wb") as out:
            out.write(data)
    except OSError as exc:
        raise os_error(exc, name, "write") from exc


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
