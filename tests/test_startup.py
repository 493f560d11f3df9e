"""Start-up stays light: the common commands never import the heavy converters."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import EXAMPLE

PROBE = """
import runpy, sys
sys.argv = ["visitexport", *sys.argv[1:]]
try:
    runpy.run_module("visitexport", run_name="__main__")
except SystemExit as exit:
    code = exit.code
heavy = (
    "openpyxl",
    "lxml",
    "jsonschema",
    "visitexport.formats.xlsx.read",
    "visitexport.formats.xlsx.write",
    "visitexport.formats.markdown.report",
)
print(code, *sorted(m for m in heavy if m in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["validate", str(EXAMPLE)],
        ["fmt", "--check", str(EXAMPLE)],
        ["convert", str(EXAMPLE), "--to", "text"],
    ],
)
def test_no_heavy_imports(args: list[str]) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False)
    last = done.stderr.strip().splitlines()[-1].split()
    # exit code 0, and no openpyxl, lxml, workbook or Markdown code (jsonschema explains invalid records only)
    assert last == ["0"], done.stderr
