"""Run a hostile case through the command line in a capped child process and judge what it did.

A `Case` names one attack: how to build the file (from an `Env`, which gives the
port of a listener and a secret file the file may try to reach), and what must
happen: the exit code and the rule ids, or "accepted". `run_case` writes the
file, then runs ``validate FILE``, ``convert FILE -o OUT.EXT`` for each other
lossless format and ``convert FILE --to markdown`` in one child
(`tests/hostile/child.py`), each command in a process of its own held to
`ADDRESS_SPACE` of address space, `CPU_SECONDS` of CPU and `WALL_SECONDS` on
the clock. The first ``-o`` target exists beforehand with `PRECIOUS` in it.

`judge` returns every way the run fell short, so one failing case says all it
got wrong at once:

- each command exited with the expected code, was not killed by a signal and
  did not run out of time;
- a refusal names the file and a place (line and column, a cell, a part, a
  JSON Pointer) on every problem line, with exactly the expected rule ids (an
  optional set may also appear), and converts print nothing on standard output;
- no line of any output holds a character a terminal would act on or hide,
  none is longer than `LONGEST`, every output is UTF-8;
- the secret's token is in no output and no written file, the listener counted
  no connection, and the audit hook saw no file opened but the input, the
  output's temporary file and folder, and the interpreter's and package's own
  files, and no socket or process;
- after a refusal the output folder is exactly as before (no new file, the
  existing one byte for byte); after an acceptance each ``-o`` target holds the
  new output, and nothing else was left there.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import select
import site
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import visitexport

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).resolve().parent / "child.py"
MIB = 1024 * 1024
#: The bar the owners check every conversion against.
ADDRESS_SPACE = 512 * MIB
CPU_SECONDS = 20
WALL_SECONDS = 20.0
#: No line of output is longer.
LONGEST = 2_000
#: What the first -o target holds before the command; it must hold it after a refusal.
PRECIOUS = b"an existing output that a refused conversion must leave alone\n"
#: Commands run at once in a case's child; VISITEXPORT_HOSTILE_JOBS=1 measures one at a time.
JOBS = int(os.environ.get("VISITEXPORT_HOSTILE_JOBS", "2"))
LOSSLESS = ("json", "xml", "xlsx")
#: The exit codes the README documents.
EXIT_OK, EXIT_INVALID = 0, 1

_RULE = re.compile(r": ([a-z][a-z0-9-]*(?:\.[A-Za-z0-9-]+)+): ")


@dataclass(frozen=True)
class Env:
    """What a case's builder may point the file at: everything it reaches for is watched."""

    folder: Path  # the case's own folder (the input lives in folder / "in")
    port: int  # the listener on 127.0.0.1
    secret: Path  # a file holding `token`, never to be read
    token: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def secret_url(self) -> str:
        return self.secret.as_uri()


Build = Callable[[Env], bytes | Iterable[bytes]]


@dataclass(frozen=True)
class Case:
    """One attack and its expected outcome; `rules` empty and `exit` 0 mean "accepted"."""

    name: str
    fmt: str  # json, xml or xlsx: the input's format, and its extension unless `filename` says otherwise
    build: Build
    rules: frozenset[str] = frozenset()  # every one of these must be reported
    exit: int = EXIT_INVALID
    also: frozenset[str] = frozenset()  # these may be reported beside `rules`
    mentions: tuple[str, ...] = ()  # each must appear in every refused command's problem lines
    contains: tuple[str, ...] = ()  # for an accepted case: each must appear in the JSON output
    max_seconds: float = WALL_SECONDS  # no command may take longer
    whole_file: bool = False  # the refusal is of the file as a whole (not a zip at all): no place to name
    filename: str = ""
    why: str = ""  # what the attack is, for the reader of a failure

    @property
    def accepted(self) -> bool:
        return self.exit == EXIT_OK

    @property
    def input_name(self) -> str:
        return self.filename or f"{self.name}.{self.fmt}"


def refused(name: str, fmt: str, build: Build, *rules: str, **more: Any) -> Case:
    return Case(name, fmt, build, frozenset(rules), **more)


def accepted(name: str, fmt: str, build: Build, **more: Any) -> Case:
    return Case(name, fmt, build, exit=EXIT_OK, **more)


@dataclass
class Run:
    """What one command did."""

    args: list[str]
    returncode: int
    timed_out: bool
    seconds: float
    stdout: bytes
    stderr: bytes
    events: list[list[str]]
    output: Path | None  # the -o target
    target: str  # json, xml, xlsx, markdown; "" for validate


@dataclass
class Outcome:
    """A case's runs and what the world looked like around them."""

    case: Case
    env: Env
    input: Path
    runs: list[Run]
    connections: int
    before: dict[str, bytes]
    after: dict[str, bytes]
    out: Path
    problems: list[str] = field(default_factory=list)


# --- the listener ----------------------------------------------------------------------------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections and answers each with the secret token.

    Answering, rather than holding the connection open, keeps a fetching reader
    from hanging until its wall clock runs out, and puts the token where a leak
    of what was fetched would show.
    """

    def __init__(self, token: str) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.1)
        self.port: int = self._socket.getsockname()[1]
        self.count = 0
        self._answer = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + token.encode() + b"\n"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.count += 1
            with connection:
                connection.settimeout(1)
                try:
                    connection.recv(4096)
                    connection.sendall(self._answer)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._socket.close()


def make_env(folder: Path, port: int, token: str) -> Env:
    secrets = folder / "secret"
    secrets.mkdir(parents=True)
    secret = secrets / "secret.txt"
    secret.write_text(token + "\n", encoding="utf-8")
    return Env(folder, port, secret, token)


# --- running ---------------------------------------------------------------------------------------------------------


def write_input(path: Path, built: bytes | Iterable[bytes]) -> None:
    with path.open("wb") as out:
        if isinstance(built, bytes):
            out.write(built)
        else:
            for chunk in built:
                out.write(chunk)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def scratch_of(folder: Path) -> Path:
    """The temporary folder the child's commands are given (TMPDIR).

    openpyxl's writer keeps each worksheet in a temporary file while it writes
    a workbook; giving the commands a folder of their own lets the audit tell
    those files (made by the tool, then removed) from any other file in /tmp.
    """
    return folder / "scratch"


def child_environment() -> dict[str, str]:
    """The parent's environment without any visitexport setting: the defaults are what is checked."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("VISITEXPORT_")}
    env["NO_COLOR"] = "1"
    return env


class Server:
    """The child (tests/hostile/child.py), started once and kept: it forks a process per command."""

    def __init__(self) -> None:
        # What the child says on standard error, should it fail; kept open for as long as it runs.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            [sys.executable, str(CHILD)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=child_environment(),
        )

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def run(self, spec: Path, timeout: float) -> None:
        process = self._process
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(f"{spec}\n".encode())
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], timeout)
        answer = process.stdout.readline() if ready else b""
        if answer != b"done\n":
            self.close()
            self._log.seek(0)
            raise AssertionError(f"the child did not answer: {answer!r}; {self._log.read()[-3_000:]!r}")

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._log.close()


_servers: list[Server] = []


def server() -> Server:
    if not _servers or not _servers[0].alive:
        _servers[:] = [Server()]
        atexit.register(_servers[0].close)
    return _servers[0]


def run_commands(
    commands: list[dict[str, Any]], folder: Path, wall_seconds: float = WALL_SECONDS
) -> list[dict[str, Any]]:
    """Run `commands` (args, cwd, stdout, stderr, events) through the child; the per-command results."""
    spec_path, results_path = folder / "spec.json", folder / "results.json"
    scratch_of(folder).mkdir(exist_ok=True)
    spec = {
        "commands": commands,
        "address_space": ADDRESS_SPACE,
        "cpu_seconds": CPU_SECONDS,
        "wall_seconds": wall_seconds,
        "jobs": max(1, JOBS),
        "tmpdir": str(scratch_of(folder)),
        "results": str(results_path),
    }
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    server().run(spec_path, timeout=wall_seconds * len(commands) + 30)
    results: list[dict[str, Any]] = json.loads(results_path.read_text(encoding="utf-8"))
    return results


def command(folder: Path, index: int, args: list[str]) -> dict[str, Any]:
    runs = folder / "runs"
    runs.mkdir(exist_ok=True)
    return {
        "args": args,
        "cwd": str(folder),
        "stdout": str(runs / f"{index}.out"),
        "stderr": str(runs / f"{index}.err"),
        "events": str(runs / f"{index}.events"),
    }


def collect(spec: dict[str, Any], result: dict[str, Any], output: Path | None, target: str) -> Run:
    written = Path(spec["events"]).read_text(encoding="utf-8") if Path(spec["events"]).exists() else ""
    # A process killed before its end never wrote what the hook saw: that is a finding of its own.
    events = json.loads(written) if written else [["audit-unwritten", "the command did not finish"]]
    return Run(
        args=spec["args"],
        returncode=result["returncode"],
        timed_out=result["timed_out"],
        seconds=result["seconds"],
        stdout=Path(spec["stdout"]).read_bytes(),
        stderr=Path(spec["stderr"]).read_bytes(),
        events=events,
        output=output,
        target=target,
    )


def run_case(case: Case, folder: Path) -> Outcome:
    token = f"SECRET-{uuid.uuid4().hex}"
    listener = Listener(token)
    try:
        env = make_env(folder, listener.port, token)
        source = folder / "in" / case.input_name
        source.parent.mkdir()
        write_input(source, case.build(env))
        out = folder / "out"
        out.mkdir()
        plans: list[tuple[list[str], Path | None, str]] = [(["validate", str(source)], None, "")]
        for n, target in enumerate(t for t in LOSSLESS if t != case.fmt):
            output = out / f"{'existing' if n == 0 else 'converted'}.{target}"
            if n == 0:
                output.write_bytes(PRECIOUS)
            plans.append((["convert", str(source), "-o", str(output)], output, target))
        plans.append((["convert", str(source), "--to", "markdown"], None, "markdown"))
        before = snapshot(out)
        specs = [command(folder, n, args) for n, (args, _, _) in enumerate(plans)]
        results = run_commands(specs, folder)
        after = snapshot(out)
    finally:
        listener.close()
    runs = [collect(s, r, o, t) for s, r, (_, o, t) in zip(specs, results, plans, strict=True)]
    return Outcome(case, env, source, runs, listener.count, before, after, out)


# --- judging ---------------------------------------------------------------------------------------------------------


def allowed_roots() -> tuple[str, ...]:
    """Where the interpreter and the package keep their own files: opening these is loading code."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, *site.getsitepackages()}
    roots.add(str(Path(visitexport.__file__).resolve().parent))
    roots.add(str(ROOT / "schemas"))
    return tuple(sorted(os.path.realpath(root) + os.sep for root in roots))


def opened_unexpectedly(run: Run, sources: Iterable[Path], out: Path, scratch: Path) -> list[str]:
    """What the command opened besides its inputs, its output, its scratch files and the interpreter's own files;
    any socket or process it asked for."""
    roots = (*allowed_roots(), os.path.realpath(scratch) + os.sep)
    inputs = {os.path.realpath(source) for source in sources}
    wrong = []
    for event, detail in run.events:
        if event != "open":
            wrong.append(f"{event} {detail}")
            continue
        real = os.path.realpath(detail)
        if real in inputs or real in {os.path.realpath(out), os.path.realpath(scratch)}:
            continue
        if run.output is not None and Path(real).parent == out.resolve():
            name = Path(real).name
            if name == run.output.name or (name.startswith(f".{run.output.name}.") and name.endswith(".tmp")):
                continue
        if real.startswith(roots):
            continue
        wrong.append(f"open {detail}")
    return wrong


def problem_lines(text: str, source: str) -> list[tuple[str, str, str]]:
    """(where, rule, message) of every line that reports a problem of `source`."""
    found = []
    for line in text.splitlines():
        if not line.startswith(source):
            continue
        rest = line[len(source) :]
        match = _RULE.search(rest)
        if match is None:
            continue
        found.append((rest[: match.start()], match.group(1), rest[match.end() :]))
    return found


def has_place(where: str, message: str) -> bool:
    """A line, a cell or an element's path before the rule; or a part, or a JSON Pointer, in the message."""
    if where.startswith(":") and len(where) > 1:
        return True
    if re.search(r"\bparts?\b", message):  # a part, or all parts together
        return True
    pointer = message.rsplit(" (", 1)[-1]
    return pointer.startswith("/")


def check_lines(label: str, data: bytes, problems: list[str], *, strict: bool) -> str:
    """`data` decoded; every line printable (`strict`) or free of control characters, and short."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"{label}: not UTF-8: {exc}")
        return data.decode("utf-8", errors="replace")
    for number, line in enumerate(text.split("\n"), 1):
        bad = not line.isprintable() if strict else any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in line)
        if bad:
            problems.append(f"{label} line {number} holds a raw control or invisible character: {line[:200]!a}")
        if len(line) > LONGEST:
            problems.append(f"{label} line {number} is {len(line):,} characters long: {line[:200]!a}")
    return text


def texts_of(data: bytes) -> list[bytes]:
    """A file's bytes, and every part of it when it is a zip package (a leak would hide in a deflated part)."""
    found = [data]
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                found += [archive.read(info) for info in archive.infolist()]
        except zipfile.BadZipFile:
            pass
    return found


def judge(outcome: Outcome) -> list[str]:
    case, problems = outcome.case, outcome.problems
    token = outcome.env.token.encode()
    if outcome.connections:
        problems.append(f"{outcome.connections} connection(s) to the listener on 127.0.0.1:{outcome.env.port}")
    for run in outcome.runs:
        label = " ".join(arg.replace(str(outcome.env.folder), "…") for arg in run.args)
        if run.timed_out:
            problems.append(f"{label}: still running after {WALL_SECONDS} s, killed")
        elif run.returncode < 0:
            problems.append(f"{label}: killed by signal {-run.returncode}")
        elif run.returncode != case.exit:
            problems.append(f"{label}: exit {run.returncode}, expected {case.exit}")
        if run.seconds > case.max_seconds:
            problems.append(f"{label}: took {run.seconds:.1f} s, more than {case.max_seconds} s")
        markdown_out = case.accepted and run.target == "markdown"
        stdout = check_lines(f"{label}: stdout", run.stdout, problems, strict=not markdown_out)
        stderr = check_lines(f"{label}: stderr", run.stderr, problems, strict=True)
        for stream, data in (("stdout", run.stdout), ("stderr", run.stderr)):
            if token in data:
                problems.append(f"{label}: the secret's token is in {stream}")
        for wrong in opened_unexpectedly(run, [outcome.input], outcome.out, scratch_of(outcome.env.folder)):
            problems.append(f"{label}: {wrong}")
        seen = Seen(label, stdout, stderr)
        if case.accepted:
            judge_accepted(outcome, run, seen)
        else:
            judge_refused(outcome, run, seen)
    if left := sorted(path.name for path in scratch_of(outcome.env.folder).iterdir()):
        problems.append(f"scratch files left behind in TMPDIR: {left}")
    for name, data in outcome.after.items():
        if any(token in text for text in texts_of(data)):
            problems.append(f"the secret's token is in the output {name}")
    if case.accepted and (leftovers := sorted(name for name in outcome.after if name.startswith("."))):
        problems.append(f"temporary files left in the output folder: {leftovers}")
    if not case.accepted and outcome.after != outcome.before:
        changed = sorted(set(outcome.after.items()) ^ set(outcome.before.items()))
        problems.append(f"the output folder changed after a refusal: {sorted({name for name, _ in changed})}")
    return problems


@dataclass(frozen=True)
class Seen:
    """One command's output, decoded, and how a failure names the command."""

    label: str
    stdout: str
    stderr: str

    @property
    def shown(self) -> str:
        return f"stdout {self.stdout[-600:]!a} stderr {self.stderr[-600:]!a}"


def judge_refused(outcome: Outcome, run: Run, seen: Seen) -> None:
    case, problems = outcome.case, outcome.problems
    label, stdout, shown = seen.label, seen.stdout, seen.shown
    if run.target and stdout:
        problems.append(f"{label}: a refused conversion printed on stdout: {stdout[:300]!a}")
    lines = problem_lines(stdout + seen.stderr, str(outcome.input))
    if not lines:
        problems.append(f"{label}: no problem line names the file; {shown}")
        return
    rules = {rule for _, rule, _ in lines}
    if missing := case.rules - rules:
        problems.append(f"{label}: expected rule(s) {sorted(missing)} not reported; {shown}")
    if unexpected := rules - case.rules - case.also:
        problems.append(f"{label}: unexpected rule(s) {sorted(unexpected)}; {shown}")
    for where, rule, message in lines:
        if not case.whole_file and not has_place(where, message):
            problems.append(f"{label}: {rule} names no place: {message[:300]!a}")
    text = "\n".join(f"{where}: {rule}: {message}" for where, rule, message in lines)
    for needle in case.mentions:
        if needle not in text:
            problems.append(f"{label}: the problems do not mention {needle!r}; {shown}")


def judge_accepted(outcome: Outcome, run: Run, seen: Seen) -> None:
    case, problems = outcome.case, outcome.problems
    label, stdout, shown = seen.label, seen.stdout, seen.shown
    if run.returncode != EXIT_OK:
        problems.append(f"{label}: {shown}")
        return
    if not run.target and stdout:
        problems.append(f"{label}: a valid file printed problems: {stdout[:300]!a}")
    if run.target == "markdown" and not stdout.startswith("# "):
        problems.append(f"{label}: no Markdown report on stdout: {stdout[:300]!a}")
    if run.output is None:
        return
    written = outcome.after.get(run.output.name)
    if written is None or written == PRECIOUS:
        problems.append(f"{label}: {run.output.name} was not written")
    elif run.target == "json":
        text = written.decode("utf-8")
        for needle in case.contains:
            if needle not in text:
                problems.append(f"{label}: the JSON output does not hold {needle!r}")
