"""The hostile-input suite: one case per attack, each through every command, in a capped child process.

The cases live in tests/hostile/ (one module per format), the harness that runs
and judges them in tests/hostile/harness.py. Every case runs ``validate`` and
every ``convert`` the README promises (to each other lossless format, and to
Markdown), each in a process of its own with 512 MiB of address space, 20 s
of CPU and 20 s on the clock, beside a listener on 127.0.0.1 and a secret file
the case tries to reach. A failing case lists everything it got wrong.
"""

from __future__ import annotations

import json
import os
import signal
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.hostile import json_cases, xlsx_cases, xml_cases
from tests.hostile.harness import (
    JOBS,
    MIB,
    PRECIOUS,
    Case,
    Listener,
    Outcome,
    Run,
    check_lines,
    collect,
    command,
    judge,
    make_env,
    opened_unexpectedly,
    refused,
    run_case,
    run_commands,
    scratch_of,
)

CASES: list[Case] = [*json_cases.CASES, *xml_cases.CASES, *xlsx_cases.CASES]


def test_every_case_has_its_own_name() -> None:
    names = [(case.fmt, case.name) for case in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", CASES, ids=[f"{case.fmt}-{case.name}" for case in CASES])
def test_hostile_input(case: Case, tmp_path: Path) -> None:
    problems = judge(run_case(case, tmp_path))
    for big in (path for path in (tmp_path / "in").iterdir() if path.stat().st_size > 10 * MIB):
        big.unlink()  # pytest keeps the last runs' folders: a 250 MB input need not stay
    assert not problems, "\n".join([f"{case.name}: {case.why}" if case.why else case.name, *problems])


def places(pointer: str) -> set[str]:
    """Where a wrong type at `pointer` may be reported: there, or for a block's `type`, at the block,
    since the type is what picks the block's shape and a wrong one leaves no shape to match."""
    return {pointer, pointer.rsplit("/", 1)[0]} if pointer.endswith("/type") else {pointer}


def test_wrong_types_at_every_level(tmp_path: Path) -> None:
    """A value of another type at each place of the seed, in ``validate`` runs of many files: each refused there."""
    files = json_cases.wrong_type_files()
    folder = tmp_path / "in"
    folder.mkdir()
    for name, (_, data) in files.items():
        (folder / name).write_bytes(data)
    names = list(files)
    batches = [names[n :: max(1, JOBS)] for n in range(max(1, JOBS))]  # one batch per job, run side by side
    specs = [
        command(tmp_path, n, ["validate", "--format", "json", "-j", "1", *(str(folder / name) for name in batch)])
        for n, batch in enumerate(batches)
    ]
    problems: list[str] = []
    by_path: dict[str, Any] = {}
    for spec, batch, result in zip(specs, batches, run_commands(specs, tmp_path), strict=True):
        run = collect(spec, result, None, "")
        assert (run.timed_out, run.returncode) == (False, 1), run.stderr[-2_000:]
        check_lines("stdout", run.stdout, problems, strict=True)
        check_lines("stderr", run.stderr, problems, strict=True)
        problems += opened_unexpectedly(run, [folder / name for name in files], tmp_path / "out", scratch_of(tmp_path))
        report = json.loads(run.stdout)
        assert report["summary"]["files"] == len(batch)
        by_path.update((Path(entry["path"]).name, entry) for entry in report["files"])
    for name, (pointer, _) in files.items():
        entry = by_path.get(name)
        if entry is None:
            problems.append(f"{name} ({pointer}): not reported")
            continue
        found = {(p["rule"], p["pointer"]) for p in entry["problems"]}
        if entry["valid"] or not found:
            problems.append(f"{name} ({pointer}): accepted")
        elif not any(rule.startswith("schema.") and at in places(pointer) for rule, at in found):
            problems.append(f"{name} ({pointer}): no schema problem at the pointer: {sorted(found)[:5]}")
    assert not problems, "\n".join(problems[:100])


# --- the harness catches what it is there to catch ----------------------------------------------------------------


def _outcome(tmp_path: Path, case: Case, run: Run) -> Outcome:
    env = make_env(tmp_path, 1, "SECRET-planted")
    out = tmp_path / "out"
    out.mkdir()
    scratch_of(tmp_path).mkdir()
    source = tmp_path / "in.json"
    return Outcome(case, env, source, [run], 0, {}, {}, out)


def _run(stdout: bytes = b"", stderr: bytes = b"", **more: Any) -> Run:
    fields: dict[str, Any] = {
        "args": ["validate", "in.json"],
        "returncode": 1,
        "timed_out": False,
        "seconds": 0.1,
        "events": [],
        "output": None,
        "target": "",
    }
    fields.update(more)
    return Run(stdout=stdout, stderr=stderr, **fields)


REFUSAL = refused("planted", "json", lambda env: b"", "json.syntax")


@pytest.mark.parametrize(
    ("run", "finding"),
    [
        (_run(b"{in}:1:1: json.syntax: bad (the document)\n"), ""),
        (_run(b"{in}:1:1: json.constant: bad (the document)\n"), "unexpected rule(s) ['json.constant']"),
        (_run(b"{in}: json.syntax: bad (the document)\n"), "names no place"),
        (_run(b"{in}:1:1: json.syntax: b\x1b[2Jad (the document)\n"), "raw control or invisible character"),
        (_run(b"{in}:1:1: json.syntax: " + b"x" * 2_000 + b"\n"), "characters long"),
        (_run(b"{in}:1:1: json.syntax: SECRET-planted\n"), "the secret's token is in stdout"),
        (_run(b"{in}:1:1: json.syntax: \xff\n"), "not UTF-8"),
        (_run(b"", b"{in}:1:1: json.syntax: bad\n", returncode=-11), "killed by signal 11"),
        (_run(b"", b"", returncode=-9, timed_out=True), "still running after"),
        (_run(b"{in}:1:1: json.syntax: bad\n", returncode=3), "exit 3, expected 1"),
        (_run(b"{in}:1:1: json.syntax: bad\n", seconds=30.0), "took 30.0 s"),
        (_run(b"{in}:1:1: json.syntax: bad\n", events=[["open", "/etc/passwd"]]), "open /etc/passwd"),
        (_run(b"{in}:1:1: json.syntax: bad\n", events=[["socket.connect", "..."]]), "socket.connect"),
        (_run(b"{in}:1:1: json.syntax: bad\n", events=[["audit-unwritten", ""]]), "audit-unwritten"),
    ],
)
def test_the_judge_finds_what_is_wrong(tmp_path: Path, run: Run, finding: str) -> None:
    source = str(tmp_path / "in.json")
    run.stdout, run.stderr = (stream.replace(b"{in}", source.encode()) for stream in (run.stdout, run.stderr))
    problems = judge(_outcome(tmp_path, REFUSAL, run))
    if finding:
        assert any(finding in problem for problem in problems), problems
    else:
        assert problems == []


def test_the_judge_sees_a_changed_output_and_a_connection(tmp_path: Path) -> None:
    outcome = _outcome(tmp_path, REFUSAL, _run(f"{tmp_path / 'in.json'}:1:1: json.syntax: bad\n".encode()))
    outcome.before, outcome.after, outcome.connections = {"existing.xml": PRECIOUS}, {"existing.xml": b"<v/>"}, 1
    problems = judge(outcome)
    assert any("the output folder changed" in problem for problem in problems), problems
    assert any("1 connection(s)" in problem for problem in problems), problems


def test_the_listener_counts_and_answers_with_the_token() -> None:
    listener = Listener("SECRET-listened")
    try:
        with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as client:
            client.sendall(b"GET / HTTP/1.0\r\n\r\n")
            answer = client.recv(4096)
    finally:
        listener.close()
    assert listener.count == 1
    assert b"SECRET-listened" in answer


def test_the_child_records_what_a_command_opens(tmp_path: Path) -> None:
    # A folder given to validate: the file found inside it is opened, and is not the input named.
    folder = tmp_path / "records"
    folder.mkdir()
    found = folder / "a.json"
    found.write_bytes(b"{}")
    spec = command(tmp_path, 0, ["validate", str(folder)])
    (result,) = run_commands([spec], tmp_path)
    run = collect(spec, result, None, "")
    assert (run.returncode, run.timed_out) == (1, False), run.stderr
    assert opened_unexpectedly(run, [folder], tmp_path / "out", scratch_of(tmp_path)) == [f"open {found}"]


def test_the_child_kills_a_command_past_its_wall_clock(tmp_path: Path) -> None:
    # Opening a FIFO with no writer blocks for ever: the clock, not the command, must end it.
    fifo = tmp_path / "blocked.json"
    os.mkfifo(fifo)
    spec = command(tmp_path, 0, ["validate", str(fifo)])
    (result,) = run_commands([spec], tmp_path, wall_seconds=1.0)
    assert result["timed_out"] is True
    assert result["returncode"] == -signal.SIGKILL
