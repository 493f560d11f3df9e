"""Benchmark: reading a release's plain text into a record (`visitexport.ingest`), by size, next to its floor.

Run from the repository root after installing the bench extra::

    pip install '.[test,bench]' && python benchmarks/bench_ingest.py

Three releases: the seed (``seeds/kono-russia-2000.txt``) and releases 10 and
100 times its size built from it: the header and the opening paragraph once,
the body's numbered sections repeated with their labels renumbered (``1.`` to
``30.``, ``1.`` to ``300.``), the footer once. They are written to
``benchmarks/.work/ingest/`` and every step starts from the file.

In one process, interleaved (each round runs every step of every release, the
order of the steps turned round by one each round), repeated ``--rounds``
times; each sample is the mean of enough calls to take ``--sample`` seconds:

- floor: reading the file and splitting it into lines,
  ``path.read_bytes().decode("utf-8").splitlines(keepends=True)``;
- ingest: ``visitexport.ingest(path.read_bytes(), name)``, which validates the
  record it builds (``check_record``) before returning it;
- validation: ``check_record`` on the record ingest gave for that release,
  alone, so the reader's own share (ingest less validation) is visible.

Reported per release: the median and the spread (lowest to highest sample) of
each step, ingest / floor, and the cost per byte; linearity is the per-byte
cost at 100x over that at 1x. After the timing, cProfile runs 100 ingests of
the seed and one of the 100x release (the same bytes in all) and lists the
functions that gained the most own time, so a non-linear cost is found where it is.
Then a second process, with ``VISITEXPORT_LIMIT_SCALE`` raised (330x is past the
default budget), times 1x, 200x and 330x the same way (``--beyond``; ``--beyond ''``
skips it) and profiles 330x against 330 seeds: a cost that grows with the square
of the size shows there first. Results go to ``benchmarks/results/ingest.json`` (every sample) and to this
script's section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import math
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from results import write_section

from visitexport import __version__, ingest
from visitexport.limits import MAX_VALUES
from visitexport.validation import check_record

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "kono-russia-2000.txt"
WORK = ROOT / "benchmarks" / ".work" / "ingest"
OUT = ROOT / "benchmarks" / "results" / "ingest.json"
SIZES = (1, 10, 100)
ROUNDS = 15
SAMPLE = 0.1  # seconds of calls per sample, at least one call
STEPS = ("floor", "ingest", "validation")
_SECTION = re.compile(r"\d+\. ")
#: Releases larger than 100x, read in a process of their own with the limits raised (--beyond): 330x is
#: past the default budget.
#: At most 333 copies: the reader takes a label of one to three digits ("2000." is a year), so 999 sections.
BEYOND = (200, 330)
PROBE_SCALE = "16"
PROBE_ROUNDS = 3
LINEAR = 2.0  # per-byte cost at 100x above this many times that at 1x counts as non-linear


def releases(seed: bytes, sizes: tuple[int, ...]) -> dict[int, bytes]:
    """The seed's text with its numbered sections repeated n times, renumbered; header and footer once."""
    lines = seed.decode("utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if _SECTION.match(line)]
    end = max(i for i, line in enumerate(lines) if line.strip())  # the footer's line, "Back to Index"
    while end > 0 and not lines[end - 1].strip():
        end -= 1  # and the blank lines before it
    head, footer = lines[: starts[0]], lines[end:]
    sections = [lines[a:b] for a, b in zip(starts, [*starts[1:], end], strict=True)]
    out: dict[int, bytes] = {}
    for n in sizes:
        if n * len(sections) > 999:
            raise SystemExit(f"{n}x would number sections past 999, which the reader takes for no label")
        body: list[str] = []
        for copy in range(n):
            for k, section in enumerate(sections, start=copy * len(sections) + 1):
                body += [_SECTION.sub(f"{k}. ", section[0], count=1), *section[1:]]
        out[n] = "".join(head + body + footer).encode("utf-8")
    if out.get(1, seed) != seed:
        raise SystemExit("the releases' builder no longer gives the seed back at 1x")
    return out


def _sample(step: Callable[[], object], calls: int) -> float:
    """Microseconds per call, the mean of `calls` back to back, starting from a collected heap."""
    gc.collect()
    start = time.perf_counter()
    for _ in range(calls):
        step()
    return (time.perf_counter() - start) / calls * 1e6


def _steps(path: Path) -> dict[str, Callable[[], object]]:
    record = ingest(path.read_bytes(), path.name).record
    return {
        "floor": lambda: path.read_bytes().decode("utf-8").splitlines(keepends=True),
        "ingest": lambda: ingest(path.read_bytes(), path.name),
        "validation": lambda: check_record(record),
    }


def measure(paths: dict[int, Path], rounds: int, sample: float) -> dict[int, dict[str, list[float]]]:
    """Every sample, in microseconds per call, by size and step."""
    steps = {n: _steps(path) for n, path in paths.items()}
    calls: dict[tuple[int, str], int] = {}
    for n, by_name in steps.items():
        for name, step in by_name.items():
            step()  # warm up
            once = _sample(step, 1) / 1e6
            calls[n, name] = max(1, math.ceil(sample / max(once, 1e-9)))
    samples: dict[int, dict[str, list[float]]] = {n: {name: [] for name in STEPS} for n in paths}
    for r in range(rounds):
        for n in paths:
            order = STEPS[r % len(STEPS) :] + STEPS[: r % len(STEPS)]
            for name in order:
                samples[n][name].append(_sample(steps[n][name], calls[n, name]))
    return samples


def _spread(values: list[float]) -> float:
    """Lowest to highest sample, as a share of the median."""
    return (max(values) - min(values)) / statistics.median(values)


def _deviation(values: list[float]) -> float:
    """The median absolute deviation, as a share of the median: how far a typical sample strays."""
    middle = statistics.median(values)
    return statistics.median(abs(v - middle) for v in values) / middle


def _paired(tops: list[float], bottoms: list[float]) -> tuple[float, float, float]:
    """Lowest, median and highest of the ratios taken round by round."""
    ratios = [t / b for t, b in zip(tops, bottoms, strict=True)]
    return min(ratios), statistics.median(ratios), max(ratios)


def profile(paths: dict[int, Path], small: int, large: int, top: int = 12) -> list[dict[str, Any]]:
    """Functions by how much own time they gained: `large` ingested once against `large / small` ingests of `small`.

    The same bytes pass through both, so a linear function's own time stays (growth about 1, within the
    profile's noise); each side is profiled twice and the lower own time kept. Ranked by seconds gained.
    """

    def own_times(path: Path, times: int) -> dict[str, tuple[float, int]]:
        data = path.read_bytes()
        ingest(data, path.name)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(times):
            ingest(data, path.name)
        profiler.disable()
        stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
        out: dict[str, tuple[float, int]] = {}
        for (file, line, function), (_, calls, tottime, *_rest) in stats.items():
            where = f"{_short(file)}:{line} {function}"
            seconds, count = out.get(where, (0.0, 0))
            out[where] = (seconds + tottime, count + calls)
        return out

    def least(path: Path, times: int, repeats: int = 2) -> dict[str, tuple[float, int]]:
        """The lowest own time of each function over `repeats` profiles: a preempted one counts less."""
        runs = [own_times(path, times) for _ in range(repeats)]
        return {where: min((run.get(where, (math.inf, 0)) for run in runs), key=lambda v: v[0]) for where in runs[0]}

    base = least(paths[small], large // small)
    grown = least(paths[large], 1)

    def row(where: str, now: tuple[float, int], then: tuple[float, int]) -> dict[str, Any]:
        return {
            "function": where,
            "seconds_large": round(now[0], 4),
            "seconds_small_same_bytes": round(then[0], 4),
            "growth": round(now[0] / then[0], 2) if then[0] else None,
            "calls_large": now[1],
            "calls_small_same_bytes": then[1],
        }

    total = tuple((sum(v[0] for v in d.values()), sum(v[1] for v in d.values())) for d in (grown, base))
    ranked = sorted(grown, key=lambda where: grown[where][0] - base.get(where, (0.0, 0))[0], reverse=True)
    return [row("(all)", *total)] + [row(where, grown[where], base.get(where, (0.0, 0))) for where in ranked[:top]]


def probe(sizes: tuple[int, ...], rounds: int) -> dict[str, Any]:
    """Ingest per byte at 1x and at `sizes`, interleaved in this process, and the profile of the largest against 1x.

    Meant for a process started with the limits raised: the records of these releases are past the default budget.
    """
    paths: dict[int, Path] = {}
    for n, data in releases(SEED.read_bytes(), (1, *sizes)).items():
        paths[n] = WORK / f"kono-russia-2000-x{n}.txt"
        paths[n].write_bytes(data)
    steps: dict[int, Callable[[], object]] = {n: partial(_ingest_file, path) for n, path in paths.items()}
    warnings = {n: len(ingest(path.read_bytes(), path.name).warnings) for n, path in paths.items()}  # warm up
    per_byte: dict[int, list[float]] = {n: [] for n in paths}
    for _ in range(rounds):
        for n, path in paths.items():
            per_byte[n].append(_sample(steps[n], max(1, 100 // n)) * 1e3 / path.stat().st_size)
    base = statistics.median(per_byte[1])
    return {
        "limit_scale": os.environ.get("VISITEXPORT_LIMIT_SCALE", ""),
        "rounds": rounds,
        "bytes": {n: path.stat().st_size for n, path in paths.items()},
        "warnings": warnings,
        "ingest_ns_per_byte": {n: round(statistics.median(v), 1) for n, v in per_byte.items()},
        "per_byte_growth_over_1x": {n: round(statistics.median(v) / base, 3) for n, v in per_byte.items()},
        "per_round_min_median_max": {n: [round(x, 3) for x in _paired(v, per_byte[1])] for n, v in per_byte.items()},
        "profile": profile(paths, 1, max(sizes), top=6),
    }


def _values(value: Any) -> int:
    """Objects, lists, texts, numbers and booleans, each one value (as the budget counts them)."""
    if isinstance(value, dict):
        return 1 + sum(_values(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(_values(v) for v in value)
    return 1


def _gained(rows: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"`{row['function']}` {row['seconds_small_same_bytes']:.3f} to {row['seconds_large']:.3f} s "
        f"({row['calls_small_same_bytes']:,} and {row['calls_large']:,} calls)"
        for row in rows
    )


def _ingest_file(path: Path) -> object:
    return ingest(path.read_bytes(), path.name)


def _short(file: str) -> str:
    """src/visitexport/... for the project's files, the bare name for the rest (built-ins stay as they are)."""
    marker = f"{os.sep}visitexport{os.sep}"
    if marker in file:
        return "src" + file[file.rindex(marker) :]
    return Path(file).name if os.sep in file else file


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="interleaved rounds")
    parser.add_argument("--sample", type=float, default=SAMPLE, help="seconds of calls per sample")
    parser.add_argument(
        "--beyond",
        default=",".join(map(str, BEYOND)),
        help="sizes past the default budget, read in a second process with the limits raised ('' for none)",
    )
    parser.add_argument("--probe", help=argparse.SUPPRESS)  # the second process: these sizes, JSON to stdout
    options = parser.parse_args()
    if options.probe:
        print(json.dumps(probe(tuple(int(n) for n in options.probe.split(",")), PROBE_ROUNDS)))
        return
    WORK.mkdir(parents=True, exist_ok=True)
    paths: dict[int, Path] = {}
    for n, data in releases(SEED.read_bytes(), SIZES).items():
        paths[n] = WORK / f"kono-russia-2000-x{n}.txt"
        paths[n].write_bytes(data)
    sizes = {n: path.stat().st_size for n, path in paths.items()}
    shape: dict[int, dict[str, int]] = {}
    for n, path in paths.items():
        done = ingest(path.read_bytes(), path.name)
        body = done.record["document"]["body"]
        shape[n] = {
            "sections": sum(b["type"] == "section" for b in body),
            "warnings": len(done.warnings),
            "values": _values(done.record),
        }
    del done, body  # nothing of a release's record outlives its steps: the collector would walk it
    load_before = os.getloadavg()
    started = time.perf_counter()
    samples = measure(paths, options.rounds, options.sample)
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()
    gc.collect()
    hot = profile(paths, SIZES[0], SIZES[-1])
    beyond: dict[str, Any] | None = None
    if options.beyond:
        env = {**os.environ, "VISITEXPORT_LIMIT_SCALE": PROBE_SCALE}
        command = [sys.executable, str(Path(__file__).resolve()), "--probe", options.beyond]
        done_probe = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done_probe.returncode:
            raise SystemExit(f"the probe past the budget failed: {done_probe.stderr[-2000:]}")
        beyond = json.loads(done_probe.stdout)

    table: dict[int, dict[str, float]] = {}
    for n, by_step in samples.items():
        m = {name: statistics.median(values) for name, values in by_step.items()}
        # The reader's share: ingest less validation, round by round (the two were timed moments apart).
        reader = statistics.median(i - v for i, v in zip(by_step["ingest"], by_step["validation"], strict=True))
        table[n] = {
            **m,
            "reader": reader,
            "ratio": m["ingest"] / m["floor"],
            **{f"{name} ns/byte": m[name] * 1e3 / sizes[n] for name in STEPS},
            "reader ns/byte": reader * 1e3 / sizes[n],
            **{f"{name} spread": _spread(by_step[name]) for name in STEPS},
            **{f"{name} deviation": _deviation(by_step[name]) for name in STEPS},
        }
    small, large = SIZES[0], SIZES[-1]
    linearity = {
        name: table[large][f"{name} ns/byte"] / table[small][f"{name} ns/byte"]
        for name in ("ingest", "reader", "validation", "floor")
    }
    # The same ratios round by round (the two sizes timed seconds apart), so their noise shows.
    per_round = {
        "ingest / floor, 1x": _paired(samples[small]["ingest"], samples[small]["floor"]),
        f"ingest / floor, {large}x": _paired(samples[large]["ingest"], samples[large]["floor"]),
        f"ingest per byte, {large}x / 1x": _paired(
            [v / sizes[large] for v in samples[large]["ingest"]], [v / sizes[small] for v in samples[small]["ingest"]]
        ),
        f"validation per byte, {large}x / 1x": _paired(
            [v / sizes[large] for v in samples[large]["validation"]],
            [v / sizes[small] for v in samples[small]["validation"]],
        ),
    }
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = [line.strip() for line in _git("status", "--porcelain", "--", "src/visitexport").splitlines()]
    machine = (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"visitexport {__version__} at {commit}"
        + (f" with {len(dirty)} uncommitted file{'s' * (len(dirty) != 1)} in src/" if dirty else "")
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "measured": time.strftime("%Y-%m-%d %H:%M"),
                "machine": machine,
                "uncommitted": dirty,
                "rounds": options.rounds,
                "sample_seconds": options.sample,
                "load_average_before_after": [load_before, load_after],
                "seconds": round(elapsed, 1),
                "releases": {
                    f"{n}x": {"bytes": sizes[n], "file": str(paths[n].relative_to(ROOT)), **shape[n]} for n in SIZES
                },
                "samples_us": {
                    f"{n}x": {k: [round(v, 1) for v in vs] for k, vs in s.items()} for n, s in samples.items()
                },
                "summary": {f"{n}x": {k: round(v, 3) for k, v in t.items()} for n, t in table.items()},
                "per_byte_growth_100x_over_1x": {k: round(v, 3) for k, v in linearity.items()},
                "per_round_min_median_max": {k: [round(x, 3) for x in v] for k, v in per_round.items()},
                "profile": hot,
                "beyond_the_budget": beyond,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )

    worst = max(max(table[n][f"{name} spread"] for name in STEPS) for n in SIZES)
    typical = max(max(table[n][f"{name} deviation"] for name in STEPS) for n in SIZES)
    lines = [
        "## Ingest: a release's plain text read into a record, by size",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {machine}. Microseconds per call, median of "
        f"{options.rounds} interleaved rounds in one process (each sample the mean of enough calls to take "
        f"{options.sample:g} s); spread is lowest to highest sample over the median. Every sample: "
        f"`benchmarks/results/ingest.json`.",
        "",
        "| release | bytes | floor | ingest | ingest / floor | validation | reader (ingest - validation) "
        "| ingest ns/byte | reader ns/byte | validation ns/byte | spread floor / ingest / validation |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for n in SIZES:
        t = table[n]
        name = "seed" if n == 1 else f"{n}x the seed"
        lines.append(
            f"| {name} | {sizes[n]:,} | {t['floor']:.0f} | {t['ingest']:.0f} | {t['ratio']:.0f}x "
            f"| {t['validation']:.0f} | {t['reader']:.0f} | {t['ingest ns/byte']:.0f} | {t['reader ns/byte']:.0f} "
            f"| {t['validation ns/byte']:.1f} | {t['floor spread']:.0%} / {t['ingest spread']:.0%} / "
            f"{t['validation spread']:.0%} |"
        )
    ratios = ", ".join(f"{table[n]['ratio']:.0f}x" for n in SIZES)
    shares = ", ".join(f"{table[n]['validation'] / table[n]['ingest']:.0%}" for n in SIZES)
    verdict = "linear" if linearity["ingest"] <= LINEAR else "NOT linear"
    lines += [
        "",
        f"- per-byte cost at 100x over that at 1x: ingest **{linearity['ingest']:.2f}x** ({verdict}: at most "
        f"{LINEAR:g}x counts as linear), the reader alone {linearity['reader']:.2f}x, validation "
        f"{linearity['validation']:.2f}x, the floor {linearity['floor']:.2f}x",
        f"- ingest / floor: {ratios} (1x, 10x, 100x); validation is {shares} of ingest",
        "- round by round (lowest, median, highest): "
        + "; ".join(f"{name} {low:.2f}x, {mid:.2f}x, {high:.2f}x" for name, (low, mid, high) in per_round.items()),
        f"- noise: the widest spread of any step was {worst:.0%}; a typical sample strayed at most {typical:.0%} from "
        f"its median (median absolute deviation, worst step); load average {load_before[0]:.2f} before and "
        f"{load_after[0]:.2f} after the {elapsed:.0f} s of timing, on {os.cpu_count()} CPUs shared with other work",
        "- the releases: the seed, and the seed with its body's numbered sections repeated and renumbered "
        f"({', '.join(str(shape[n]['sections']) for n in SIZES)} top-level sections; header, opening paragraph "
        f"and footer once); warnings from ingest: {', '.join(str(shape[n]['warnings']) for n in SIZES)}",
        "- the floor reads the file and splits it into lines; ingest reads the same file, decodes it strictly, "
        "keeps every byte of every line, classifies the lines, builds the document and the record and validates it",
    ]
    lines.append(
        f"- cProfile, one ingest of the 100x release against 100 of the seed (the same bytes): own time "
        f"{hot[0]['growth']:.2f}x; most seconds gained: " + _gained(hot[1:4])
    )
    if beyond is not None:
        growth, top = beyond["per_byte_growth_over_1x"], beyond["profile"]
        sizes_past = [n for n in growth if n != "1"]
        lines.append(
            "- larger still, in a second process with the limits raised (the default budget of "
            f"{MAX_VALUES:,} values takes a release of about {MAX_VALUES * large // shape[large]['values']}x, the "
            f"{large}x record holding {shape[large]['values']:,}; `VISITEXPORT_LIMIT_SCALE={beyond['limit_scale']}`), "
            f"{beyond['rounds']} rounds, the releases built the same way (at most 333x: a label has three digits), "
            "warnings "
            f"{', '.join(str(beyond['warnings'][n]) for n in growth if n != '1')}): ingest per byte over 1x "
            + ", ".join(f"**{growth[n]:.2f}x** at {n}x ({beyond['bytes'][n]:,} bytes)" for n in sizes_past)
            + f"; cProfile at {sizes_past[-1]}x against {sizes_past[-1]} seeds: own time {top[0]['growth']:.2f}x, "
            "most seconds gained: " + _gained(top[1:4])
        )
    print(write_section("bench_ingest", lines))


if __name__ == "__main__":
    main()
