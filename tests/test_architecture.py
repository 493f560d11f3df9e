"""The house keeps its design: each room imports only what its place in the flow allows.

The rooms, and the flow bytes -> record -> bytes, are described in
docs/architecture.md; this test holds the code to it, so a shortcut between
rooms fails here rather than in a reviewer's reading.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "src" / "visitexport"

#: room -> the rooms it may import (its own room always). A room is a module or a package prefix.
ALLOWED: dict[str, set[str]] = {
    "visitexport.problems": {"visitexport.limits"},
    "visitexport.limits": set(),
    "visitexport.budget": {"visitexport.formats.tabular", "visitexport.limits", "visitexport.problems"},
    "visitexport.errors": {"visitexport.problems"},
    "visitexport.files": {"visitexport.errors"},
    "visitexport.schema": {"visitexport.errors", "visitexport.limits", "visitexport.problems"},
    "visitexport.dates": set(),
    # The calendar words of English releases: for the rules that compare dates with their words, for
    # ingest, which reads them, and for Markdown, which writes them.
    "visitexport.wording": set(),
    "visitexport.breaks": set(),
    "visitexport.rules": {
        "visitexport.dates",
        "visitexport.limits",
        "visitexport.problems",
        "visitexport.schema",
        "visitexport.wording",
    },
    # JSON is the hub: the record is JSON, so validation knows how JSON text is read and located.
    "visitexport.validation": {
        "visitexport.budget",
        "visitexport.errors",
        "visitexport.formats.json.strict",
        "visitexport.limits",
        "visitexport.problems",
        "visitexport.rules",
        "visitexport.schema",
    },
    "visitexport.formats": {"visitexport.errors"},  # the registry: it names modules by dotted path only
    "visitexport.formats.json": {"visitexport.errors", "visitexport.limits", "visitexport.problems"},
    "visitexport.formats.xml": {"visitexport.errors", "visitexport.limits", "visitexport.problems"},
    # The text format reads a release: it asks the registry what a web page looks like.
    "visitexport.formats.text": {
        "visitexport.breaks",
        "visitexport.errors",
        "visitexport.limits",
        "visitexport.problems",
        "visitexport.wording",
    },
    "visitexport.formats.tabular": {"visitexport.breaks", "visitexport.problems"},
    "visitexport.formats.xlsx": {
        "visitexport.dates",  # a release dated to the month is dated its first day in the properties
        "visitexport.errors",
        "visitexport.formats.tabular",
        "visitexport.limits",
        "visitexport.problems",
    },
    "visitexport.formats.markdown": {"visitexport.dates", "visitexport.errors", "visitexport.wording"},
    "visitexport.report": {"visitexport.limits", "visitexport.problems", "visitexport.schema"},
    "visitexport.api": {
        "visitexport.errors",
        "visitexport.files",
        "visitexport.formats",  # the registry, and the one JSON verb (format_bytes) and the XSD
        "visitexport.limits",
        "visitexport.problems",
        "visitexport.schema",
        "visitexport.validation",
    },
    "visitexport.batch": {
        "visitexport.api",
        "visitexport.errors",
        "visitexport.files",
        "visitexport.formats",
        "visitexport.limits",
        "visitexport.problems",
        "visitexport.schema",
    },
    "visitexport.ingesting": {
        "visitexport.api",
        "visitexport.errors",
        "visitexport.files",
        "visitexport.limits",
        "visitexport.problems",
        "visitexport.report",
    },
    "visitexport.cli": {
        "visitexport.api",
        "visitexport.batch",
        "visitexport.ingesting",
        "visitexport.errors",
        "visitexport.files",
        "visitexport.formats",
        "visitexport.limits",
        "visitexport.problems",
        "visitexport.report",
        "visitexport.schema",
    },
}
#: Every format folder may read the schema model and validate what it read.
FORMAT_BASE = {"visitexport.schema", "visitexport.validation"}
#: The registry itself (not the formats below it), which a format may ask what other bytes look like.
REGISTRY = "visitexport.formats"
#: What the cli may take from the registry: nothing below it (no format by module).
REGISTRY_ONLY = {"visitexport.cli", "visitexport.batch"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                pytest.fail(f"{path}:{node.lineno}: relative import; the package imports absolutely")
            for alias in node.names:
                # `from visitexport.formats.json import strict` imports the module visitexport.formats.json.strict.
                sub = f"{node.module}.{alias.name}"
                found.append((node.lineno, sub if is_module(sub) else node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def room_of(module: str) -> str:
    return max((room for room in ALLOWED if module == room or module.startswith(room + ".")), key=len)


def inside(module: str, rooms: set[str]) -> bool:
    return any(module == r or module.startswith(r + ".") for r in rooms)


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if module_name(p) not in ("visitexport", "visitexport.__main__"))


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_each_room_imports_only_what_it_may(path: Path) -> None:
    module = module_name(path)
    room = room_of(module)
    allowed = ALLOWED[room] | {room}
    if room.startswith("visitexport.formats."):
        allowed |= FORMAT_BASE
    for line, target in imports(path):
        if not target.startswith("visitexport") or target == "visitexport":
            continue  # the package itself: its version
        if target == REGISTRY and room.startswith("visitexport.formats."):
            continue
        assert inside(target, allowed), f"{module}:{line} imports {target}; {room} may import {sorted(allowed)}"
        if module in REGISTRY_ONLY and target.startswith("visitexport.formats."):
            pytest.fail(f"{module}:{line} imports {target}: it names formats only through the registry")


def test_every_module_has_a_room() -> None:
    for path in MODULES:
        assert room_of(module_name(path)), path


def test_openpyxl_private_api_is_used_in_one_place_only() -> None:
    private_import = re.compile(r"\bopenpyxl(?:\.\w+)*\._\w+")
    for path in PACKAGE.rglob("*.py"):
        if path.name == "adapter.py" and path.parent.name == "xlsx":
            continue
        text = path.read_text(encoding="utf-8")
        assert not private_import.search(text), f"{path}: imports a private openpyxl module"
