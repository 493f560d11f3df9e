"""Checking many files: finding them, reading each in its format, sharing them among processes.

A batch never stops for one file: every file gets a `FileResult`, with its
problems or the reason it could not be read, in the order the files were
named.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator, Sequence

from visitexport import api, formats
from visitexport.errors import InvalidRecordError, ToolError
from visitexport.files import STDIO, expand, read_input
from visitexport.limits import MAX_BYTES, SCALE_SETTING
from visitexport.problems import FileResult, shown
from visitexport.schema.engines import fast_check

__all__ = ["PARALLEL_FROM", "check_file", "check_files", "check_many", "default_jobs", "find"]

#: Fewer files than this are not worth starting worker processes for.
PARALLEL_FROM = 64
#: What a file that ran the machine out of memory is told.
OUT_OF_MEMORY = (
    f"out of memory: visitexport's limits keep any input within 512 MiB; with less free, lower {SCALE_SETTING}"
    " if it was raised, or split the record"
)


def find(paths: Iterable[str | os.PathLike[str]], exclude: Sequence[str] = ()) -> list[str]:
    """The files `paths` name: files as given, folders searched for every extension a readable format has."""
    extensions = [e for f in formats.readable() if f.searched for e in f.extensions]
    return list(expand(paths, extensions, exclude))


def check_file(path: str | os.PathLike[str]) -> FileResult:
    """Check one file of any readable format (`-` for standard input); never raises for bad data or files."""
    name = os.fspath(path)
    try:
        data = read_input(name, MAX_BYTES)
        api.read_record(data, name)
    except InvalidRecordError as exc:
        return FileResult(name, exc.problems)
    except ToolError as exc:
        return FileResult(name, error=str(exc))
    except MemoryError:
        # The limits keep any input within 512 MiB; a machine with less cannot check this file, but the batch goes on.
        return FileResult(name, error=f"{name}: {OUT_OF_MEMORY}")
    except Exception as exc:  # a bug of ours must not stop a batch of thousands
        return FileResult(
            name, error=f"{name}: internal error, please report it: {type(exc).__name__}: {shown(str(exc))}"
        )
    return FileResult(name)


def check_files(
    paths: Iterable[str | os.PathLike[str]], jobs: int = 1, exclude: Sequence[str] = ()
) -> Iterator[FileResult]:
    """Check files and folders (searched as `find` says), in order; the validator is built once.

    With ``jobs`` above 1 the files are shared among that many worker
    processes (on Linux; elsewhere one process does it all); results still
    come back in order. A path that does not exist gets a result with its error.
    """
    yield from check_many(find(paths, exclude), jobs)


def default_jobs(count: int) -> int:
    """How many processes to use for `count` files when the user did not say."""
    if count < PARALLEL_FROM:
        return 1
    # The CPUs this process may run on, which a container or taskset can limit.
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cpus, 8))


def check_many(files: list[str], jobs: int = 1) -> Iterator[FileResult]:
    """Check already expanded file names, in order, in `jobs` processes."""
    # Workers are forked so they inherit the compiled validator; fork is only
    # dependable on Linux (macOS frameworks may crash after it, Windows lacks it).
    if jobs <= 1 or len(files) < 2 or STDIO in files or not sys.platform.startswith("linux"):
        for path in files:
            yield check_file(path)
        return
    # Build the compiled validator before forking, so every worker inherits it
    # instead of compiling the schema again.
    fast_check()
    context = multiprocessing.get_context("fork")
    chunk = max(1, min(64, len(files) // (jobs * 8)))
    with context.Pool(jobs) as pool:
        yield from pool.imap(check_file, files, chunksize=chunk)
