from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
EXAMPLE = ROOT / "examples" / "kono-russia-2000.json"
SEED = ROOT / "seeds" / "kono-russia-2000.txt"
VALID = sorted((CASES / "valid").glob("*.json"))
INVALID = sorted((CASES / "invalid").glob("*.json"))


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def example() -> dict[str, Any]:
    record: dict[str, Any] = load_json(EXAMPLE)
    return record
