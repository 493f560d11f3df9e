"""Benchmark: validating many records, and start-up time.

Run from the repository root after installing the bench extra::

    pip install '.[test,bench]' && python benchmarks/bench_validate.py

It writes 1,000 copies of the seed example to ``benchmarks/.work/`` and times,
as whole commands (process start-up included, as a CI user pays it):

- the floor: a bare Python process that reads every file and parses it with
  ``json.loads``, nothing else;
- ``visitexport validate`` on the folder (strict JSON, schema, semantic rules);
- ``check-jsonschema`` with the same schema on the same files.

Each command runs several times, interleaved, and the median counts, so the
ratios compare runs made under the same load. Targets (issue 2): visitexport
at most 2x the floor, and at least 20x faster than check-jsonschema. It also
times ``visitexport --version`` and validating one file next to
``check-jsonschema --help``, and checks that neither imports openpyxl or lxml.
Results, with the machine, go to ``benchmarks/RESULTS.md`` (the section
between this script's markers is replaced).
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from results import write_section

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work" / "validate"
EXAMPLE = ROOT / "examples" / "kono-russia-2000.json"
SCHEMA = ROOT / "schemas" / "visit.schema.json"
FILES = 1000
ROUNDS = 7


def _bin(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed; run: pip install '.[test,bench]'")
    return found


def _time(cmd: list[str], expect: int = 0) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"{' '.join(cmd[:3])}... exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


def _medians(commands: dict[str, list[str]], rounds: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, cmd in commands.items():
            times[name].append(_time(cmd))
    return {name: statistics.median(values) for name, values in times.items()}


def _imports_heavy(args: list[str]) -> list[str]:
    code = (
        "import sys, runpy; sys.argv = ['visitexport', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('visitexport', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(' '.join(m for m in ('openpyxl', 'lxml', 'jsonschema') if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    return done.stderr.strip().splitlines()[-1].split() if done.stderr.strip() else []


def _engines(data: bytes) -> dict[str, float]:
    """Mean cost per record of each step, in one process."""
    import json

    import jsonschema

    from visitexport import rules as semantic
    from visitexport.formats.json import strict as json_
    from visitexport.schema import fast_check, load_schema

    record = json.loads(data)
    reference = jsonschema.Draft202012Validator(
        load_schema(), format_checker=jsonschema.FormatChecker(formats=("date",))
    )
    compiled = fast_check()
    steps: dict[str, tuple[Callable[[], object], int]] = {
        "`json.loads` (the floor's parse)": (lambda: json.loads(data), 2000),
        "strict parse (orjson fast path)": (lambda: json_.parse(data), 2000),
        "schema, jsonschema-rs `is_valid`": (lambda: compiled(record), 2000),
        "schema, jsonschema `is_valid` (reference)": (lambda: reference.is_valid(record), 30),
        "semantic rules": (lambda: semantic.check(record), 2000),
    }
    out = {}
    for name, (step, times) in steps.items():
        step()
        start = time.perf_counter()
        for _ in range(times):
            step()
        out[name] = (time.perf_counter() - start) / times * 1e6
    return out


def main() -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    data = EXAMPLE.read_bytes()
    files = []
    for n in range(FILES):
        path = WORK / f"record-{n:04d}.json"
        path.write_bytes(data)
        files.append(str(path))
    visitexport = _bin("visitexport")
    check_jsonschema = _bin("check-jsonschema")
    floor = [
        sys.executable,
        "-c",
        "import json, pathlib, sys\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.json')):\n    json.loads(p.read_bytes())",
        str(WORK),
    ]
    ours = [visitexport, "validate", "--quiet", str(WORK)]
    single = [visitexport, "validate", "--quiet", "--jobs", "1", str(WORK)]
    reference = [check_jsonschema, "--schemafile", str(SCHEMA), *files]

    batch = _medians({"floor": floor, "visitexport": ours, "visitexport --jobs 1": single}, ROUNDS)
    # check-jsonschema takes far longer; three runs are enough for a median.
    batch.update(_medians({"check-jsonschema": reference}, 3))
    one = [visitexport, "validate", "--quiet", files[0]]
    startup = _medians(
        {
            "python -c pass": [sys.executable, "-c", "pass"],
            "visitexport --version": [visitexport, "--version"],
            "visitexport validate (one file)": one,
            "check-jsonschema --help": [check_jsonschema, "--help"],
        },
        ROUNDS,
    )
    heavy_version = _imports_heavy(["--version"])
    heavy_one = _imports_heavy(["validate", "--quiet", files[0]])

    ratio_floor = batch["visitexport"] / batch["floor"]
    ratio_single = batch["visitexport --jobs 1"] / batch["floor"]
    engines = _engines(data)
    ratio_cj = batch["check-jsonschema"] / batch["visitexport"]
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    lines = [
        "## Validation: 1,000 copies of the seed example",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.system()} {platform.machine()}, {cpu}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}. "
        f"Median of {ROUNDS} interleaved runs (3 for check-jsonschema), whole commands including start-up.",
        "",
        "| command | seconds | per file (ms) |",
        "|---|---:|---:|",
    ]
    for name, value in batch.items():
        lines.append(f"| {name} | {value:.3f} | {value / FILES * 1000:.3f} |")
    lines += [
        "",
        f"- visitexport / floor (read + `json.loads`): **{ratio_floor:.2f}x** (target: at most 2x) "
        f"{'- met' if ratio_floor <= 2 else '- NOT met'}",
        f"- check-jsonschema / visitexport: **{ratio_cj:.1f}x** (target: at least 20x) "
        f"{'- met' if ratio_cj >= 20 else '- NOT met'}",
        f"- in one process (`--jobs 1`) visitexport / floor is {ratio_single:.2f}x; by default a batch of 64 files or "
        f"more is shared among all {os.cpu_count()} CPUs, as the row `visitexport` shows",
        "",
        "Per record, in process (the seed example, mean of many runs):",
        "",
        "| step | microseconds |",
        "|---|---:|",
        *(f"| {name} | {value:.0f} |" for name, value in engines.items()),
        "",
        "## Start-up",
        "",
        "| command | seconds |",
        "|---|---:|",
    ]
    for name, value in startup.items():
        lines.append(f"| {name} | {value:.3f} |")
    lines += [
        "",
        f"- modules among openpyxl, lxml, jsonschema imported by `--version`: {heavy_version or 'none'}",
        f"- ... by validating one valid file: {heavy_one or 'none'}",
    ]
    print(write_section("bench_validate", lines))
    shutil.rmtree(WORK)


if __name__ == "__main__":
    main()
