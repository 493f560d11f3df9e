"""What ingest gives back: a record, and the warnings about its structure (no heavy imports, for the API)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["IngestWarning", "Ingested"]


@dataclass(frozen=True)
class IngestWarning:
    """A decision about the structure that was a guess, at a line (from 1)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Ingested:
    """What ingest read: a valid record, and where its structure was a guess."""

    record: dict[str, Any]
    warnings: tuple[IngestWarning, ...]
