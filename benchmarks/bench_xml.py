"""Benchmark: XML export and import per record, next to their floors.

Run from the repository root after installing the test extra::

    pip install '.[test]' && python benchmarks/bench_xml.py

Two sets of records: the seed example, and 10,000 synthetic records made from
the valid test cases (each copy with its own id and texts). In one process,
interleaved rounds, the median of the per-record means:

- export: ``visitexport.dump_xml`` (the canonical validation every writer
  starts with since issue 10, then the model walk, indentation, serialisation
  and the XSD check of every document written) against the floor of building
  the same element tree with bare lxml from the dict and serialising it, and
  against that floor plus the canonical validation of the record (what the
  writer contract requires);
- import: ``load_xml`` (byte checks, safe parse, document checks, XSD, mapping,
  full canonical validation) against the sum of its unavoidable parts: a bare
  ``lxml.etree.fromstring``, the XSD validation, and the canonical validation
  of the resulting record.

Targets (issue 3): export within 2x its floor, import within 2x its floor.
Results go to ``benchmarks/RESULTS.md`` (this script's section only).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree
from results import synthetic, write_section

from visitexport import dump_xml, load_xml, xsd_bytes
from visitexport.formats.xml.xsd import NAMESPACE
from visitexport.validation import check_record

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC = 10_000
ROUNDS = 5
NS = f"{{{NAMESPACE}}}"


def bare_tree(value: Any, parent: Any, name: str) -> None:
    """The same elements, built from the dict with no model and no checks."""
    element = etree.SubElement(parent, NS + name)
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "type":
                bare_tree(item, element, key)
    elif isinstance(value, list):
        for item in value:
            bare_tree(item, element, item.get("type", "item") if isinstance(item, dict) else "item")
    else:
        element.text = "true" if value is True else "false" if value is False else str(value)


def floor_export(record: dict[str, Any]) -> bytes:
    root = etree.Element(NS + "record", nsmap={"v": NAMESPACE})
    for key, item in record.items():
        bare_tree(item, root, key)
    etree.indent(root, space="  ")
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def per_record(step: Callable[[Any], object], items: list[Any]) -> float:
    start = time.perf_counter()
    for item in items:
        step(item)
    return (time.perf_counter() - start) / len(items) * 1e6


def measure(records: list[dict[str, Any]]) -> dict[str, float]:
    documents = [dump_xml(r) for r in records]
    schema = etree.XMLSchema(etree.fromstring(xsd_bytes()))

    def floor_import(data: bytes) -> None:
        root = etree.fromstring(data)
        schema.validate(root)

    parsed = [load_xml(d) for d in documents]
    steps: dict[str, tuple[Callable[[Any], object], list[Any]]] = {
        "export": (dump_xml, records),
        "export floor": (floor_export, records),
        "export floor: canonical validation": (check_record, records),
        "import": (load_xml, documents),
        "import floor: parse + XSD": (floor_import, documents),
        "import floor: canonical validation": (lambda r: check_record(r, from_parser=True), parsed),
    }
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(ROUNDS):
        for name, (step, items) in steps.items():
            samples[name].append(per_record(step, items))
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=SYNTHETIC, help="how many synthetic records")
    count = parser.parse_args().synthetic
    example = [json.loads((ROOT / "examples" / "kono-russia-2000.json").read_text())] * 200
    sets = {"seed example": measure(example), f"{count:,} synthetic records": measure(synthetic(count))}
    lines = [
        "## XML export and import",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, lxml {etree.__version__}. "
        f"Microseconds per record, median of {ROUNDS} interleaved rounds, one process.",
        "",
        "| records | export | export floor | ratio | export floor + validation | ratio "
        "| import | import floor (parse + XSD + validation) | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for name, m in sets.items():
        import_floor = m["import floor: parse + XSD"] + m["import floor: canonical validation"]
        export_ratio = m["export"] / m["export floor"]
        validated_floor = m["export floor"] + m["export floor: canonical validation"]
        import_ratio = m["import"] / import_floor
        verdicts.append((name, export_ratio, import_ratio))
        lines.append(
            f"| {name} | {m['export']:.0f} | {m['export floor']:.0f} | {export_ratio:.2f}x "
            f"| {validated_floor:.0f} | {m['export'] / validated_floor:.2f}x "
            f"| {m['import']:.0f} | {import_floor:.0f} | {import_ratio:.2f}x |"
        )
    lines.append("")
    for name, export_ratio, import_ratio in verdicts:
        lines.append(
            f"- {name}: export {export_ratio:.2f}x its floor ({'met' if export_ratio <= 2 else 'NOT met'}, "
            f"target 2x); import {import_ratio:.2f}x ({'met' if import_ratio <= 2 else 'NOT met'}, target 2x)"
        )
    lines.append(
        "- the export floor builds the same elements from the dict and serialises them, without the XSD check "
        "that every export makes; since issue 10 every writer validates the record first, which the second "
        "export floor adds; the import floor is the bare parse, the XSD validation and the canonical "
        "validation of the result"
    )
    print(write_section("bench_xml", lines))


if __name__ == "__main__":
    main()
