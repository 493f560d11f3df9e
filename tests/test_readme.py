"""The README stays true: every command, option, rule and exit code documented; its examples run."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from visitexport import cli
from visitexport import rules as semantic

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SOURCE = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "visitexport").rglob("*.py"))


@pytest.mark.parametrize("name", sorted(cli.main.commands))
def test_every_command_and_option_is_documented(name: str) -> None:
    assert f"### `visitexport {name}" in README
    command = cli.main.commands[name]
    for param in command.params:
        if isinstance(param, click.Option):
            assert any(f"`{opt}" in README or f"{opt} " in README for opt in param.opts), (name, param.opts)


def test_every_rule_is_documented() -> None:
    emitted = set(re.findall(r'"((?:json|xml|xlsx|format)\.[a-z-]+)"', SOURCE)) | set(semantic.RULES)
    assert {"json.duplicate-key", "xml.doctype"} <= emitted
    for rule in sorted(emitted):
        assert f"| `{rule}` |" in README, rule


def test_exit_codes_are_documented() -> None:
    for code in (cli.EXIT_OK, cli.EXIT_INVALID, cli.EXIT_USAGE, cli.EXIT_TOOL):
        assert re.search(rf"^\| {code} \| ", README, re.MULTILINE), code


def examples() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
    lines = [line for block in blocks for line in block.splitlines()]
    return [line.split("  #")[0].strip() for line in lines if line.startswith("visitexport ")]


@pytest.mark.parametrize("line", examples())
def test_readme_examples_run(line: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "tests" / "cases" / "valid", tmp_path / "tests" / "cases" / "valid")
    shutil.copytree(ROOT / "tests" / "releases", tmp_path / "tests" / "releases")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    for command in line.split(" && "):
        args = shlex.split(command)[1:]
        done = subprocess.run(
            [sys.executable, "-m", "visitexport", *args], cwd=tmp_path, capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr
    # A documented command that rewrites an example (the golden files) gives it back unchanged.
    for example in (ROOT / "examples").iterdir():
        assert (tmp_path / "examples" / example.name).read_bytes() == example.read_bytes(), example.name


def test_quick_start_commands() -> None:
    install, tests = re.findall(r"```sh\n(python3 -m venv .venv && .*?)\n```", README)[:2]
    parts = install.split(" && ")
    assert parts[:2] == ["python3 -m venv .venv", ".venv/bin/pip install ."]
    assert all(part.startswith(".venv/bin/visitexport ") for part in parts[2:])
    assert "ingest seeds/kono-russia-2000.txt -o kono.json" in install
    assert "validate examples/kono-russia-2000.json" in install
    assert "convert examples/kono-russia-2000.json --to text" in install
    assert tests == "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/python -m pytest"
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_python_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
    assert blocks
    for block in blocks:
        namespace: dict[str, object] = {}
        exec(compile(block, "README.md", "exec"), namespace)
        assert namespace["problems"] == []
