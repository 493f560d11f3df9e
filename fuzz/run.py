"""Fuzz one reader for a fixed budget, keeping the corpus between runs, and report what was found.

    python -m fuzz.run --target xml --hours 4          # from the repository's root
    python -m fuzz.run --target xlsx --seconds 15 --corpus /tmp/c --artifacts /tmp/a
    python -m fuzz.run --target json --reproduce fuzz/.artifacts/json/crash-...

It adds the seeds (fuzz/corpus.py) to the corpus folder, writes the
target's dictionary beside it, and runs the atheris engine (fuzz/engine.py)
in a child process. Exit status 0: the budget was spent and nothing was
found. 1: a finding; each input libFuzzer saved (a crash, a timeout, memory
beyond the limit) is listed with its path and its bytes in base64, the
engine's traceback above it. 2: the engine could not run.
"""

from __future__ import annotations

import argparse
import base64
import re
import subprocess
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from fuzz.corpus import ROOT, write_dictionary, write_seeds
from fuzz.targets import TARGETS

__all__ = ["ENGINE", "Stats", "main", "report", "reproduce", "run"]

#: Where kept corpora and findings go unless told otherwise (ignored by git).
DEFAULT_CORPUS = ROOT / "fuzz" / ".corpus"
DEFAULT_ARTIFACTS = ROOT / "fuzz" / ".artifacts"
#: One input taking longer than this is a finding: the readers refuse hostile files in well under a second.
TIMEOUT_SECONDS = 20
#: libFuzzer's own memory limit for the whole process, which also holds the corpus.
RSS_LIMIT_MB = 2048
#: The most base64 a report prints of one finding; the file holds all of it.
MAX_PRINTED = 16_384

#: A progress line, alone (``#3111 DONE cov: 976 ft: 3000 corp: 180/1476Kb ... exec/s: 148``) or under
#: -fork (``#1817: cov: 3199 ft: 4020 corp: 169 exec/s 147 ...``).
_STATS = re.compile(r"^#(\d+):?\s+(?:\w+\s+)?cov: (\d+) ft: (\d+) corp: (\d+)\S*.*?exec/s:? (\d+)")


class Stats:
    """The last progress line libFuzzer printed."""

    def __init__(self) -> None:
        self.runs = self.cov = self.features = self.corpus = self.per_second = 0

    def read(self, line: str) -> None:
        match = _STATS.match(line)
        if match:
            self.runs, self.cov, self.features, self.corpus, self.per_second = map(int, match.groups())

    def __str__(self) -> str:
        return (
            f"{self.runs} runs, {self.per_second} exec/s, coverage {self.cov} edges, "
            f"{self.features} features, corpus {self.corpus} inputs"
        )


#: How the engine is started: this Python, the module fuzz/engine.py, from the repository's root.
ENGINE = (sys.executable, "-m", "fuzz.engine")


def run(
    name: str,
    corpus: Path,
    artifacts: Path,
    budget: Sequence[str],
    *,
    extra: Sequence[str] = (),
    engine: Sequence[str] = ENGINE,
) -> tuple[int, Stats, list[Path]]:
    """Fuzz `name` for `budget` (libFuzzer flags); the engine's exit status, its last stats, the new findings."""
    starts = write_seeds(name, corpus)
    dictionary = corpus.parent / f"{corpus.name}.dict"
    write_dictionary(name, dictionary)
    artifacts.mkdir(parents=True, exist_ok=True)
    before = set(artifacts.iterdir())
    # Room for mutants to grow past the largest seed, not so much that inputs stop being small.
    max_len = 2 * max(len(seed) for seed in starts)
    command = [
        *engine,
        name,
        str(corpus),
        f"-dict={dictionary}",
        f"-max_len={max_len}",
        f"-artifact_prefix={artifacts}/",
        f"-timeout={TIMEOUT_SECONDS}",
        f"-rss_limit_mb={RSS_LIMIT_MB}",
        "-print_final_stats=1",
        *budget,
        *extra,
    ]
    stats = Stats()
    with subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, errors="replace") as child:
        assert child.stderr is not None
        for line in child.stderr:
            # atheris names every module it instruments: two hundred lines that say nothing about the run.
            if not line.startswith("INFO: Instrumenting "):
                sys.stderr.write(line)
            stats.read(line)
    found = sorted(set(artifacts.iterdir()) - before)
    return child.returncode, stats, found


def report(name: str, status: int, stats: Stats, found: Sequence[Path]) -> tuple[int, str]:
    """The exit status of a run (0 nothing found, 1 a finding, 2 the engine failed) and what to print."""
    lines = [f"fuzz {name}: {stats}"]
    if not found:
        lines.append(
            f"fuzz {name}: nothing found"
            if status == 0
            else f"fuzz {name}: the engine stopped with status {status} and saved no input"
        )
        return (0 if status == 0 else 2), "\n".join(lines)
    for path in found:
        data = path.read_bytes()
        printed = base64.b64encode(data).decode("ascii")
        cut = f" (first {MAX_PRINTED} of {len(printed)} characters)" if len(printed) > MAX_PRINTED else ""
        lines.append(f"fuzz {name}: FINDING {path} ({len(data)} bytes), base64{cut}:\n{printed[:MAX_PRINTED]}")
    lines.append(f"reproduce with: python -m fuzz.run --target {name} --reproduce {found[0]}")
    return 1, "\n".join(lines)


def reproduce(name: str, path: Path) -> int:
    """Run one saved input through the target in this process: 0 if it passes, 1 with the traceback if not."""
    try:
        TARGETS[name].check(path.read_bytes())
    except Exception:
        traceback.print_exc()
        return 1
    print(f"{path}: passes the {name} target")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, choices=sorted(TARGETS))
    spend = parser.add_mutually_exclusive_group()
    spend.add_argument("--seconds", type=int, help="stop after this many seconds (default 60)")
    spend.add_argument("--hours", type=float, help="stop after this many hours")
    spend.add_argument("--runs", type=int, help="stop after this many inputs")
    parser.add_argument("--corpus", type=Path, help="the corpus folder kept between runs (fuzz/.corpus/TARGET)")
    parser.add_argument("--artifacts", type=Path, help="where findings are saved (fuzz/.artifacts/TARGET)")
    parser.add_argument("--reproduce", type=Path, metavar="FILE", help="run one saved input and show its traceback")
    parser.add_argument("libfuzzer", nargs="*", help="after --: more libFuzzer flags (-jobs=4, -use_value_profile=1)")
    args = parser.parse_args(argv)
    name: str = args.target
    if args.reproduce is not None:
        return reproduce(name, args.reproduce)
    if args.runs is not None:
        budget = [f"-runs={args.runs}"]
    else:
        seconds = round(args.hours * 3600) if args.hours is not None else (args.seconds or 60)
        budget = [f"-max_total_time={seconds}"]
    corpus = args.corpus or DEFAULT_CORPUS / name
    artifacts = args.artifacts or DEFAULT_ARTIFACTS / name
    status, stats, found = run(name, corpus, artifacts, budget, extra=args.libfuzzer)
    code, text = report(name, status, stats, found)
    print(f"{text}\ncorpus kept in {corpus}")
    return code


if __name__ == "__main__":
    sys.exit(main())
