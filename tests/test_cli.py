"""The command line: wiring, exact messages and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from visitexport import __version__, cli
from visitexport.cli import main
from visitexport.errors import ToolError
from visitexport.schema import schema_bytes

from .conftest import EXAMPLE, ROOT, SEED


def run(*args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def write_variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return path.read_text(encoding="utf-8").split(needle, 1)[0].count("\n") + 1


def test_version() -> None:
    result = run("--version")
    assert (result.exit_code, result.output) == (0, f"visitexport, version {__version__}\n")


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "visitexport", "--version"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (0, f"visitexport, version {__version__}\n")


def test_validate_example_is_clean() -> None:
    result = run("validate", str(EXAMPLE))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "1 file(s) checked: 1 valid, 0 invalid (0 problem(s))\n"


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (
            "dangling.json",
            '"person": "putin"',
            '"person": "putn"',
            ":{line}:21: ref.unresolved: 'putn' is not the id of a person in this record; did you mean 'putin'? "
            "(/engagements/0/participants/0/person)",
        ),
        (
            "duplicate-id.json",
            '"id": "st-mori-message"',
            '"id": "putin"',
            ":{line}:13: id.duplicate: id 'putin' is already used by the person at /people/1; ids must be unique "
            "(/statements/0/id)",
        ),
        (
            "outside.json",
            '"date": "2000-11-03",\n        "printed": "3 November"',
            '"date": "2000-10-30",\n        "printed": "30 October"',
            ":{line}:15: date.outside-visit: 2000-10-30 is outside the visit period (2000-11-01..2000-11-04) "
            "(/engagements/1/date)",
        ),
        (
            "duplicate-key.json",
            '"direction": "outbound",',
            '"direction": "outbound",\n    "direction": "outbound",',
            ":{line}:5: json.duplicate-key: duplicate key 'direction': each key may appear once per object "
            "(/visit/direction)",
        ),
        (
            "nan.json",
            '"final_newline": false',
            '"final_newline": NaN',
            ":{line}:24: json.constant: NaN and Infinity are not JSON; write a number or leave the field out "
            "(/document/layout/final_newline)",
        ),
        (
            "syntax.json",
            '"direction": "outbound",',
            '"direction": "outbound"',
            ":{line}:5: json.syntax: invalid JSON: Expecting ',' delimiter (/visit)",
        ),
    ],
)
def test_validate_reports_file_place_rule_and_pointer(
    tmp_path: Path, name: str, old: str, new: str, expected: str
) -> None:
    path = write_variant(tmp_path, name, old, new)
    needles = {
        "dangling.json": '"putn"',
        "duplicate-id.json": '"id": "putin",\n      "kind": "message"',
        "outside.json": '"date": {\n        "date": "2000-10-30"',
        "duplicate-key.json": '    "direction": "outbound",\n    "direction"',
        "nan.json": "NaN",
        "syntax.json": '"direction": "outbound"',
    }
    line = line_of(path, needles[name]) + (1 if name in ("duplicate-key.json", "syntax.json") else 0)
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout == f"{path}" + expected.format(line=line) + "\n"
    assert result.stderr == "1 file(s) checked: 0 valid, 1 invalid (1 problem(s))\n"


def test_validate_json_report(tmp_path: Path) -> None:
    bad = write_variant(tmp_path, "bad.json", '"person": "putin"', '"person": "putn"')
    result = run("validate", "--format", "json", str(EXAMPLE), str(bad))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["report_version"] == 1
    assert report["tool"] == {"name": "visitexport", "version": __version__}
    assert report["valid"] is False
    assert report["summary"] == {"files": 2, "valid": 1, "invalid": 1, "unreadable": 0, "problems": 1}
    assert report["files"][0] == {"path": str(EXAMPLE), "valid": True, "problems": []}
    problem = report["files"][1]["problems"][0]
    assert problem["rule"] == "ref.unresolved"
    assert problem["pointer"] == "/engagements/0/participants/0/person"
    assert problem["line"] == line_of(bad, '"putn"')
    assert problem["column"] == 21


def test_validate_github_annotations(tmp_path: Path) -> None:
    bad = write_variant(tmp_path, "bad.json", '"person": "putin"', '"person": "putn"')
    result = run("validate", "--format", "github", str(bad))
    assert result.exit_code == 1
    line = line_of(bad, '"putn"')
    assert result.stdout == (
        f"::error file={bad},line={line},col=21,title=ref.unresolved::'putn' is not the id of a person in this "
        "record; did you mean 'putin'? (/engagements/0/participants/0/person)\n"
    )


def test_validate_folder_recurses_and_reads_stdin(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "r.json").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "a" / "notes.txt").write_text("not a record")
    result = run("validate", str(tmp_path), "-", input=EXAMPLE.read_bytes())
    assert result.exit_code == 0
    assert result.stderr == "2 file(s) checked: 2 valid, 0 invalid (0 problem(s))\n"


def test_validate_many_files_in_parallel_keeps_order(tmp_path: Path) -> None:
    for n in range(70):
        (tmp_path / f"r{n:02d}.json").write_bytes(EXAMPLE.read_bytes())
    write_variant(tmp_path, "r50.json", '"person": "putin"', '"person": "putn"')
    result = run("validate", "--jobs", "2", "--format", "json", str(tmp_path))
    report = json.loads(result.stdout)
    assert [f["path"] for f in report["files"]] == sorted(str(p) for p in tmp_path.glob("*.json"))
    assert [f["valid"] for f in report["files"]].count(False) == 1
    assert not report["files"][50]["valid"]
    assert result.exit_code == 1


def test_progress_bar_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(cli.PROGRESS_FROM):
        (tmp_path / f"r{n:02d}.json").write_bytes(EXAMPLE.read_bytes())
    monkeypatch.setattr(cli, "_stderr_is_terminal", lambda: True)
    result = run("validate", "--jobs", "1", str(tmp_path))
    assert result.exit_code == 0
    assert "validating" in result.stderr
    assert result.stderr.endswith(
        f"{cli.PROGRESS_FROM} file(s) checked: {cli.PROGRESS_FROM} valid, 0 invalid (0 problem(s))\n"
    )


def test_a_bug_is_an_internal_error_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(data: bytes, source: str) -> Any:
        raise KeyError("oops")

    monkeypatch.setattr("visitexport.validation.check_bytes", broken)
    result = run("validate", str(EXAMPLE))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{EXAMPLE}: internal error, please report it: KeyError: 'oops'\n")

    monkeypatch.setattr("visitexport.api.format_bytes", broken)
    result = run("fmt", str(EXAMPLE))
    assert result.exit_code == 3
    assert result.stderr == (
        "visitexport: internal error, please report it: KeyError: 'oops' (set VISITEXPORT_TRACEBACK=1 to see where)\n"
    )


def test_fmt_refuses_excessive_nesting(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_bytes(b'{"a": ' + b"[" * 60 + b"]" * 60 + b"}")
    result = run("fmt", str(deep))
    assert result.exit_code == 1
    assert result.stderr == f"{deep}:1:54: json.depth: nesting deeper than 48 levels (/a{'/0' * 47})\n"


def test_missing_path_is_a_tool_error() -> None:
    result = run("validate", "no/such/file.json")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == (
        "no/such/file.json: cannot read: No such file or directory\n"
        "1 file(s) checked: 0 valid, 0 invalid, 1 unreadable (0 problem(s))\n"
    )


def test_unreadable_file_is_a_tool_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(name: str, limit: int | None = None) -> bytes:
        raise ToolError(f"{name}: cannot read: Permission denied")

    monkeypatch.setattr("visitexport.batch.read_input", refuse)
    result = run("validate", str(EXAMPLE))
    assert result.exit_code == 3
    assert result.stderr == (
        f"{EXAMPLE}: cannot read: Permission denied\n"
        "1 file(s) checked: 0 valid, 0 invalid, 1 unreadable (0 problem(s))\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate"], "Missing argument 'PATHS...'"),
        (["validate", "--format", "xml", "x.json"], "Invalid value for '--format'"),
        (["convert", str(EXAMPLE)], "say which format to write with --to"),
        (["convert", str(EXAMPLE), "--to", "pdf"], "Invalid value for '--to'"),
        (["frobnicate"], "No such command 'frobnicate'"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_fmt_rewrites_checks_and_leaves_bad_files_alone(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_bytes(EXAMPLE.read_bytes())
    messy = tmp_path / "messy.json"
    messy.write_text(json.dumps(json.loads(EXAMPLE.read_bytes()), indent=4, sort_keys=True))
    broken = tmp_path / "broken.json"
    broken.write_bytes(b'{"a": 1,}')

    result = run("fmt", "--check", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout == f"would reformat {messy}\n"
    assert (
        result.stderr == f"{broken}:1:9: json.syntax: invalid JSON: Expecting property name enclosed in double quotes"
        " (the document)\n"
    )

    result = run("fmt", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.endswith(f"reformatted {messy}\n1 file(s) reformatted\n")
    assert messy.read_bytes() == EXAMPLE.read_bytes()
    assert broken.read_bytes() == b'{"a": 1,}'

    broken.unlink()
    assert run("fmt", "--check", str(tmp_path)).exit_code == 0


def test_fmt_stdin_to_stdout() -> None:
    result = run("fmt", "-", input=json.dumps(json.loads(EXAMPLE.read_bytes())).encode())
    assert result.exit_code == 0
    assert result.stdout_bytes == EXAMPLE.read_bytes()


def test_convert_to_text(tmp_path: Path) -> None:
    result = run("convert", str(EXAMPLE), "--to", "text")
    assert (result.exit_code, result.stdout_bytes) == (0, SEED.read_bytes())
    out = tmp_path / "release.txt"
    assert run("convert", str(EXAMPLE), "-o", str(out)).exit_code == 0
    assert out.read_bytes() == SEED.read_bytes()
    stdin = run("convert", "-", "--to", "text", input=EXAMPLE.read_bytes())
    assert stdin.stdout_bytes == SEED.read_bytes()


def test_convert_writes_nothing_for_an_invalid_record(tmp_path: Path) -> None:
    bad = write_variant(tmp_path, "bad.json", '"person": "putin"', '"person": "putn"')
    fresh = tmp_path / "fresh.txt"
    existing = tmp_path / "existing.txt"
    existing.write_text("keep me")
    for out in (fresh, existing):
        result = run("convert", str(bad), "--to", "text", "-o", str(out))
        assert result.exit_code == 1
        assert "ref.unresolved" in result.stderr
    assert not fresh.exists()
    assert existing.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "existing.txt"]


def test_schema_prints_the_bundled_schema() -> None:
    result = run("schema")
    assert (result.exit_code, result.stdout_bytes) == (0, schema_bytes())


def test_colour_only_on_a_terminal(tmp_path: Path) -> None:
    bad = write_variant(tmp_path, "bad.json", '"person": "putin"', '"person": "putn"')
    assert "\x1b[" not in run("validate", str(bad)).stdout
    coloured: Any = CliRunner().invoke(main, ["validate", "--color", "always", str(bad)])
    assert "\x1b[31m\x1b[1mref.unresolved\x1b[0m" in coloured.stdout


def test_examples_in_the_quick_start_run() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "visitexport", "validate", "examples/kono-russia-2000.json"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0
