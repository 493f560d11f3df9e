"""The child process of the hostile-input suite: it forks one process per command, and runs none itself.

Started once per test session by `tests.hostile.harness` as ``python child.py``,
it reads the path of a spec from each line of standard input (a JSON file
naming the commands of one case, the caps and where to write what happened),
runs the commands and answers ``done``. The audit hook is installed before
anything of visitexport is imported, so that it sees every file the tool opens
and every socket or process it asks for.

Starting an interpreter and importing the converters costs about 0.3 s, and a
case runs four commands; so this process imports once and forks one process
per command, each with its own caps (address space, CPU time) and a wall
clock, its standard streams redirected to files, standard input empty, its own
TMPDIR. A fork inherits the imports and nothing else that matters: no command
ever runs in this process, so every command starts as cold as a fresh
``python -m visitexport`` (its caches empty, its schema not yet loaded).
What the hook saw is written beside the streams; the results file records the
exit status (negative for a signal), whether the wall clock ran out, and seconds.

Only the standard library is imported before the hook: this module must not
import the test package (whose modules import visitexport).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

#: Audit events besides ``open`` that the tool has no business raising on any input.
WATCHED = (
    "socket.",
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "urllib.Request",
    "http.client.",
    "ftplib.",
    "smtplib.",
    "webbrowser.open",
    "ctypes.dlopen",
)
#: Exit status of a command whose exception escaped the command line (it catches everything itself).
ESCAPED = 70

_events: list[list[str]] = []
_recording = [False]


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _recording[0]:
        return
    if event == "open":
        path = args[0]
        if isinstance(path, bytes | str):
            _events.append(["open", str(Path(os.fsdecode(path)).absolute())])
    elif event.startswith(WATCHED):
        _events.append([event, repr(args)[:300]])


sys.addaudithook(_hook)

# The converters visitexport imports lazily, imported here once rather than in every fork.
import jsonschema  # noqa: E402, F401
import lxml.etree  # noqa: E402, F401
import openpyxl  # noqa: E402, F401

from visitexport.cli import main  # noqa: E402  (after the hook, on purpose)


def _redirect(fd: int, path: str, flags: int) -> None:
    opened = os.open(path, flags, 0o600)
    os.dup2(opened, fd)
    os.close(opened)


def _command(spec: dict[str, Any], command: dict[str, Any]) -> None:
    """In the forked process: cap, redirect, run one command, write what the hook saw, exit."""
    code = ESCAPED
    try:
        address_space, cpu = spec["address_space"], spec["cpu_seconds"]
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        os.chdir(command["cwd"])
        os.environ["TMPDIR"] = spec["tmpdir"]
        tempfile.tempdir = None  # gettempdir() looks again, and finds TMPDIR
        _redirect(0, os.devnull, os.O_RDONLY)
        _redirect(1, command["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        _redirect(2, command["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        events = os.open(command["events"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        _events.clear()
        _recording[0] = True
        try:
            main(args=command["args"], prog_name="visitexport")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            traceback.print_exc()
            code = ESCAPED
        _recording[0] = False
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(events, json.dumps(_events).encode())
        os.close(events)
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def _status(status: int) -> int:
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def run(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Run the spec's commands, at most ``jobs`` at a time, each within its wall clock."""
    waiting = list(enumerate(spec["commands"]))
    running: dict[int, tuple[int, float]] = {}
    results: list[dict[str, Any]] = [{} for _ in spec["commands"]]
    while waiting or running:
        while waiting and len(running) < spec["jobs"]:
            index, command = waiting.pop(0)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _command(spec, command)
            running[pid] = (index, time.monotonic())
        time.sleep(0.005)
        for pid, (index, started) in list(running.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            elapsed = time.monotonic() - started
            timed_out = False
            if not done and elapsed > spec["wall_seconds"]:
                os.kill(pid, signal.SIGKILL)
                done, status = os.waitpid(pid, 0)
                timed_out = True
            if done:
                results[index] = {"returncode": _status(status), "timed_out": timed_out, "seconds": elapsed}
                del running[pid]
    return results


def serve() -> None:
    """One spec per line of standard input; ``done`` on standard output once its results are written."""
    for line in sys.stdin:
        spec = json.loads(Path(line.strip()).read_text(encoding="utf-8"))
        Path(spec["results"]).write_text(json.dumps(run(spec)), encoding="utf-8")
        sys.stdout.write("done\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
