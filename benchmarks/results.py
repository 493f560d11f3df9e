"""Writing one benchmark's section of RESULTS.md, leaving the other sections as they are."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
ROOT = RESULTS.parent.parent


def synthetic(count: int, start: int = 0) -> list[dict[str, Any]]:
    """Records numbered start..start+count-1, made from the valid cases and the seed, each with its own id and texts."""
    bases = [json.loads(p.read_text()) for p in sorted((ROOT / "tests" / "cases" / "valid").glob("*.json"))]
    bases.append(json.loads((ROOT / "examples" / "kono-russia-2000.json").read_text()))
    out = []
    for n in range(start, start + count):
        record = copy.deepcopy(bases[n % len(bases)])
        record["id"] = f"{record['id']}-{n}"
        for statement in record.get("statements", []):
            statement["summary"] = f"{statement['summary']} ({n})"
        out.append(record)
    return out


def write_section(name: str, lines: list[str]) -> str:
    """Replace (or append) the section between this benchmark's markers; return the section."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = "\n".join([begin, *lines, end])
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\n"
    if begin in old and end in old:
        new = old[: old.index(begin)] + block + old[old.index(end) + len(end) :]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(new, encoding="utf-8")
    return block
