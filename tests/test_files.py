"""Writing outputs: all at once or not at all, never through a link or onto the input."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from visitexport import files
from visitexport.cli import main
from visitexport.errors import ToolError

from .conftest import EXAMPLE, SEED


def test_new_file_gets_the_usual_mode(tmp_path: Path) -> None:
    out = tmp_path / "new.txt"
    files.write_atomic(str(out), b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["new.txt"]


def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "old.txt"
    out.write_bytes(b"old")
    out.chmod(0o640)
    files.write_atomic(str(out), b"new")
    assert (out.read_bytes(), stat.S_IMODE(out.stat().st_mode)) == (b"new", 0o640)


def test_a_link_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text(json.dumps(json.loads(EXAMPLE.read_bytes())))
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = CliRunner().invoke(main, ["fmt", str(link)])
    assert result.exit_code == 0
    assert link.is_symlink()
    assert real.read_bytes() == EXAMPLE.read_bytes()


def test_interrupted_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.txt"
    out.write_bytes(b"old")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(str(out), b"new")
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_missing_folder_is_a_tool_error(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="cannot write"):
        files.write_atomic(str(tmp_path / "no" / "such" / "out.txt"), b"x")
    result = CliRunner().invoke(main, ["convert", str(EXAMPLE), "--to", "text", "-o", str(tmp_path / "no" / "x.txt")])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"visitexport: error: {tmp_path / 'no' / 'x.txt'}: cannot write: ")


def test_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        files.write_atomic(str(fifo), b"through")
        assert os.read(reader, 100) == b"through"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_convert_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    record = tmp_path / "r.json"
    record.write_bytes(EXAMPLE.read_bytes())
    result = CliRunner().invoke(main, ["convert", str(record), "--to", "text", "-o", str(record)])
    assert result.exit_code == 2
    assert f"-o {record} is the input file itself" in result.stderr
    assert record.read_bytes() == EXAMPLE.read_bytes()


def test_fmt_checks_every_path_before_rewriting_any(tmp_path: Path) -> None:
    messy = tmp_path / "messy.json"
    messy.write_text(json.dumps(json.loads(EXAMPLE.read_bytes())))
    before = messy.read_bytes()
    result = CliRunner().invoke(main, ["fmt", str(messy), str(tmp_path / "missing.json")])
    assert result.exit_code == 3
    assert messy.read_bytes() == before


def test_a_file_named_twice_is_checked_once(tmp_path: Path) -> None:
    # The folder holds the example as JSON, XML and a workbook: three records, the JSON one once.
    result = CliRunner().invoke(main, ["validate", str(EXAMPLE), str(EXAMPLE.parent)])
    assert result.stderr == "3 file(s) checked: 3 valid, 0 invalid (0 problem(s))\n"


def test_oversized_input_is_read_only_up_to_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("visitexport.formats.json.strict.MAX_JSON_BYTES", 100)
    assert len(files.read_input(str(SEED), 100)) == 101
    result = CliRunner().invoke(main, ["validate", str(EXAMPLE)])
    assert result.exit_code == 1
    assert "json.size: file is larger than the limit of 100 bytes" in result.stdout


def test_read_only_file_is_refused_even_for_root(tmp_path: Path) -> None:
    out = tmp_path / "ro.txt"
    out.write_bytes(b"keep")
    out.chmod(0o444)
    with pytest.raises(ToolError, match="read-only"):
        files.write_atomic(str(out), b"new")
    assert out.read_bytes() == b"keep"


def test_an_anonymous_pipe_is_written_to(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    try:
        files.write_atomic(f"/proc/self/fd/{write_end}", b"through")
        assert os.read(read_end, 100) == b"through"
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_link_loop_is_a_tool_error(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(ToolError, match="cannot write"):
        files.write_atomic(str(loop), b"x")


def test_the_same_file_under_two_names_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "r.json").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "link").symlink_to(tmp_path / "real")
    names = [str(tmp_path / "real" / "r.json"), str(tmp_path / "link" / "r.json"), "-", "-"]
    assert list(files.expand(names, [".json"])) == [names[0], "-"]


def test_fmt_rewrites_nothing_when_a_later_file_cannot_be_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    messy = tmp_path / "a.json"
    messy.write_text(json.dumps(json.loads(EXAMPLE.read_bytes())))
    later = tmp_path / "b.json"
    later.write_bytes(EXAMPLE.read_bytes())
    before = messy.read_bytes()
    real = files.read_input

    def failing(name: str, limit: int | None = None) -> bytes:
        if name.endswith("b.json"):
            raise ToolError(f"{name}: cannot read: Input/output error")
        return real(name, limit)

    monkeypatch.setattr("visitexport.cli.read_input", failing)
    result = CliRunner().invoke(main, ["fmt", str(messy), str(later)])
    assert result.exit_code == 3
    assert messy.read_bytes() == before


def test_fmt_check_on_standard_input_writes_nothing() -> None:
    messy = json.dumps(json.loads(EXAMPLE.read_bytes())).encode()
    result = CliRunner().invoke(main, ["fmt", "--check", "-"], input=messy)
    assert (result.exit_code, result.stdout) == (1, "would reformat -\n")
