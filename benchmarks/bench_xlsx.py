"""Benchmark: Excel workbook export and import per record, next to bare openpyxl.

Run from the repository root after installing the package and the test extra::

    pip install '.[test]' && python benchmarks/bench_xlsx.py [--synthetic N]

Two sets of records: the seed example, and N (default 10,000) synthetic
records made from the valid test cases (each copy with its own id and texts).
For every record, in turn (so a noisy moment hits both sides alike):

- export: ``dump_xlsx`` (layout, cell values, styles, widths, dropdowns,
  links, and the deterministic zip) against the floor of writing the same
  cells (the same sheets, values and types, prepared beforehand) with bare
  openpyxl in write-only mode, without styles or anything else;
- import: ``load_xlsx`` (package check, read-only load, cells by header,
  typing, assembly, full canonical validation) against the floor of loading
  the same workbook with bare openpyxl in read-only mode and reading every
  cell's value on the sheets the import reads (all but About and Lists).
  The full canonical validation of the record is measured too and reported
  beside it: the import cannot skip it.

The synthetic set is shared among the CPUs (each worker measures both sides
of every record it takes), so the ratios are measured in one run.

Targets (issue 4): export within 1.5x its floor, import within 2x its floor.
Results go to ``benchmarks/RESULTS.md`` (this script's section only).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import openpyxl
from results import synthetic, write_section

from visitexport import dump_xlsx, load_xlsx
from visitexport.validation import check_record

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC = 10_000
SEED_ROUNDS = 30
#: Sheets for people only: the import skips them, and so does its floor.
UNREAD = ("About", "Lists")
STEPS = ("export", "export floor", "import", "import floor", "validation")

Grid = list[tuple[str, list[list[Any]]]]


def grid_of(data: bytes) -> Grid:
    """The cells of a workbook as plain values, sheet by sheet: what the floor writes."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    grid = [(ws.title, [list(row) for row in ws.iter_rows(values_only=True)]) for ws in book.worksheets]
    book.close()
    return grid


def floor_export(grid: Grid) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    for title, rows in grid:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def floor_import(data: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    count = 0
    for ws in book.worksheets:
        if ws.title in UNREAD:
            continue  # the import does not read these either
        for row in ws.iter_rows(values_only=True):
            count += len(row)
    book.close()
    return count


def measure_one(record: dict[str, Any]) -> dict[str, float]:
    """Microseconds for each step on one record."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    data = dump_xlsx(record)
    timings["export"] = time.perf_counter() - start
    grid = grid_of(data)
    start = time.perf_counter()
    floor_export(grid)
    timings["export floor"] = time.perf_counter() - start
    start = time.perf_counter()
    back = load_xlsx(data)
    timings["import"] = time.perf_counter() - start
    start = time.perf_counter()
    floor_import(data)
    timings["import floor"] = time.perf_counter() - start
    start = time.perf_counter()
    check_record(back, from_parser=True)
    timings["validation"] = time.perf_counter() - start
    assert back == record
    return {k: v * 1e6 for k, v in timings.items()}


def measure_chunk(bounds: tuple[int, int]) -> dict[str, float]:
    totals = dict.fromkeys(STEPS, 0.0)
    for record in synthetic(bounds[1], start=bounds[0]):
        for step, value in measure_one(record).items():
            totals[step] += value
    return totals


def measure_seed() -> dict[str, float]:
    record = json.loads((ROOT / "examples" / "kono-russia-2000.json").read_text())
    measure_one(record)  # warm-up: imports, caches
    samples = [measure_one(record) for _ in range(SEED_ROUNDS)]
    return {step: statistics.median(s[step] for s in samples) for step in STEPS}


def measure_synthetic(count: int) -> dict[str, float]:
    workers = os.cpu_count() or 1
    size = -(-count // workers)
    chunks = [(start, min(size, count - start)) for start in range(0, count, size)]
    with ProcessPoolExecutor(workers) as pool:
        parts = list(pool.map(measure_chunk, chunks))
    return {step: sum(p[step] for p in parts) / count for step in STEPS}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=SYNTHETIC)
    count = parser.parse_args().synthetic
    sets = {"seed example": measure_seed(), f"{count:,} synthetic records": measure_synthetic(count)}
    lines = [
        "## Excel workbook export and import",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, openpyxl {openpyxl.__version__}. "
        f"Microseconds per record: the seed is the median of {SEED_ROUNDS} runs; the synthetic set is the "
        "mean over every record, each record's steps measured back to back in one worker.",
        "",
        "| records | export | export floor (bare write-only) | ratio | import | import floor (bare read-only) "
        "| ratio | canonical validation | import / (floor + validation) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for name, m in sets.items():
        export_ratio = m["export"] / m["export floor"]
        import_ratio = m["import"] / m["import floor"]
        with_validation = m["import"] / (m["import floor"] + m["validation"])
        verdicts.append((name, export_ratio, import_ratio))
        lines.append(
            f"| {name} | {m['export']:.0f} | {m['export floor']:.0f} | {export_ratio:.2f}x "
            f"| {m['import']:.0f} | {m['import floor']:.0f} | {import_ratio:.2f}x | {m['validation']:.0f} "
            f"| {with_validation:.2f}x |"
        )
    lines.append("")
    for name, export_ratio, import_ratio in verdicts:
        export_verdict = "met" if export_ratio <= 1.5 else "NOT met"
        import_verdict = "met" if import_ratio <= 2 else "NOT met"
        lines.append(
            f"- {name}: export {export_ratio:.2f}x its floor (target 1.5x: {export_verdict}), "
            f"import {import_ratio:.2f}x its floor (target 2x: {import_verdict})."
        )
    print(write_section("xlsx", lines))


if __name__ == "__main__":
    main()
