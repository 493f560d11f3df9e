"""The built wheel on its own: the schema inside it, the console script, nothing from the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import EXAMPLE, ROOT, SEED


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip"]
    build = ["wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)]
    subprocess.run([*pip, *build], check=True)
    (wheel,) = out.glob("visitexport-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"visitexport/schemas/visit.schema.json", "visitexport/py.typed", "visitexport/cli.py"} <= names
    target = out / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
    )
    return target


def run_installed(target: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    # Run from an empty folder with only the wheel's files ahead of the dependencies,
    # so nothing can come from the source tree.
    env = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run([sys.executable, *args], env=env, cwd=target.parent, capture_output=True, check=False)


def test_installed_wheel_loads_its_own_schema(installed: Path) -> None:
    done = run_installed(
        installed,
        "-c",
        "import visitexport, sys; print(visitexport.__file__); sys.stdout.buffer.write(visitexport.schema_bytes())",
    )
    assert done.returncode == 0, done.stderr
    first, rest = done.stdout.split(b"\n", 1)
    assert first.decode().startswith(str(installed))
    assert rest == (ROOT / "schemas" / "visit.schema.json").read_bytes()


def test_installed_console_script_validates_and_renders(installed: Path) -> None:
    script = installed / "bin" / "visitexport"
    done = run_installed(installed, str(script), "validate", str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    done = run_installed(installed, str(script), "convert", str(EXAMPLE), "--to", "text")
    assert (done.returncode, done.stdout) == (0, SEED.read_bytes())
