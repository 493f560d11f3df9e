"""The contract scripts and CI rely on: the registry, one writer contract, files found, errors reported, colour."""

from __future__ import annotations

import copy
import errno
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import visitexport
from visitexport import formats
from visitexport.cli import main

from .conftest import EXAMPLE, ROOT


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


# --- the registry -------------------------------------------------------------------------


def test_every_format_is_known_by_every_name(example: dict[str, Any]) -> None:
    for fmt in formats.FORMATS.values():
        for name in (fmt.name, *fmt.aliases):
            assert formats.get(name) is fmt
            assert visitexport.write_record(example, name) == visitexport.write_record(example, fmt.name)


def test_an_unknown_format_is_a_value_error_listing_the_known_ones(example: dict[str, Any]) -> None:
    known = "unknown format 'pdf'; the formats are json, markdown, md, text, xlsx, xml"
    with pytest.raises(ValueError, match=known):
        visitexport.write_record(example, "pdf")
    with pytest.raises(ValueError, match=known):
        visitexport.read_record(EXAMPLE.read_bytes(), "x.json", "pdf")


def test_each_readable_format_recognises_its_own_bytes_and_no_other(example: dict[str, Any]) -> None:
    # A release's plain text is no record: it is read by name (or --from text), never recognised.
    assert [f.name for f in formats.readable() if f.sniffer is None] == ["text"]
    for fmt in [f for f in formats.readable() if f.sniffer is not None]:
        data = visitexport.write_record(example, fmt.name)
        assert [f.name for f in formats.readable() if f.sniff(data)] == [fmt.name]
        # Under a name that says nothing, the content decides, and the record comes back.
        assert visitexport.read_record(data, "record.bin") == example


def test_binary_formats_are_the_ones_that_are_not_text(example: dict[str, Any]) -> None:
    for fmt in formats.FORMATS.values():
        data = visitexport.write_record(example, fmt.name)
        try:
            data.decode("utf-8")
            is_text = True
        except UnicodeDecodeError:
            is_text = False
        assert fmt.binary is not is_text, fmt.name


def test_lossless_formats_give_the_record_back_and_renderings_are_not_read(example: dict[str, Any]) -> None:
    for fmt in formats.FORMATS.values():
        data = visitexport.write_record(example, fmt.name)
        if fmt.lossless:
            assert visitexport.read_record(data, f"x{fmt.extensions[0]}") == example
        elif fmt.readable:  # plain text: read as a release, whose text it renders again
            assert visitexport.render_text(visitexport.read_record(data, f"x{fmt.extensions[0]}")).encode() == data
        else:
            with pytest.raises(visitexport.InvalidRecordError, match="cannot be read back"):
                visitexport.read_record(data, f"x{fmt.extensions[0]}")


@pytest.mark.parametrize("name", sorted(formats.FORMATS))
def test_every_writer_refuses_an_invalid_record(name: str, example: dict[str, Any]) -> None:
    record = copy.deepcopy(example)
    record["people"][0]["name"] = "two\nlines"
    with pytest.raises(visitexport.InvalidRecordError) as caught:
        visitexport.write_record(record, name)
    assert [(p.rule, p.pointer) for p in caught.value.problems] == [("schema.pattern", "/people/0/name")]


def test_the_per_format_verbs_validate_too(example: dict[str, Any]) -> None:
    record = copy.deepcopy(example)
    record["engagements"][0]["participants"][0]["person"] = "nobody"
    verbs = (
        visitexport.dump_xml,
        visitexport.dump_xlsx,
        visitexport.render_text,
        visitexport.dump_markdown,
        visitexport.dump_summary,
    )
    for verb in verbs:
        with pytest.raises(visitexport.InvalidRecordError, match=r"ref\.unresolved"):
            verb(record)


def test_writer_options_are_checked_by_the_registry(example: dict[str, Any]) -> None:
    with pytest.raises(visitexport.OptionError, match="summary: json does not take it; it goes with md") as caught:
        visitexport.write_record(example, "json", summary=True)
    assert caught.value.option == "summary"
    with pytest.raises(visitexport.OptionError, match="report_link"):
        visitexport.write_record(example, "md", summary=True, report_link="javascript:alert(1)")


# --- content that is no record -----------------------------------------------------------

NOT_RECORDS = {
    "page.html": (b"<!DOCTYPE html>\n<html><body>Press release</body></html>\n", "an HTML page"),
    "page.htm": (b"\n  <html lang='en'><head><title>x</title></head></html>", "an HTML page"),
    "data.csv": (b"name,title\nKono,Minister\n", "not JSON, XML or an Excel workbook"),
    "empty": (b"", "the file is empty"),
    "blob.bin": (bytes(range(256)) * 4, "binary data"),
    "doc.pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
}


@pytest.mark.parametrize("name", sorted(NOT_RECORDS))
def test_content_no_format_reads_is_said_so(name: str, tmp_path: Path) -> None:
    data, words = NOT_RECORDS[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(visitexport.InvalidRecordError) as caught:
        visitexport.load(path)
    (problem,) = caught.value.problems
    assert problem.rule == "format.unknown"
    assert problem.message.startswith("not a format visitexport reads: ")
    assert words in problem.message
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert "format.unknown: not a format visitexport reads" in result.stdout
    out = tmp_path / "out.json"
    out.write_text("keep", encoding="utf-8")
    result = run("convert", str(path), "-o", str(out))
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize("name", ["page.xml", "page.json", "page"])
def test_an_html_page_is_no_record_whatever_its_name(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf<!DOCTYPE html>\n<html><body>x</body></html>\n")
    with pytest.raises(visitexport.InvalidRecordError, match="not a format visitexport reads: it looks like an HTML"):
        visitexport.load(path)


def test_a_record_that_mentions_html_is_still_a_record(example: dict[str, Any], tmp_path: Path) -> None:
    record = copy.deepcopy(example)
    record["document"]["header"][0]["text"] = "On the <html> tag"
    record["document"]["body"][0]["text"] = record["document"]["body"][0]["text"] + " <html>"
    for fmt in ("json", "xml"):
        path = tmp_path / f"r.{fmt}"
        path.write_bytes(visitexport.write_record(record, fmt))
        assert visitexport.load(path) == record


def test_a_zip_that_is_no_workbook(tmp_path: Path) -> None:
    path = tmp_path / "bundle"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(visitexport.InvalidRecordError, match="a zip archive, but not an Excel workbook"):
        visitexport.load(path)


def test_a_workbook_without_its_extension_is_still_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "book"
    path.write_bytes((ROOT / "examples" / "kono-russia-2000.xlsx").read_bytes())
    assert visitexport.load(path) == visitexport.load(EXAMPLE)
    assert run("validate", str(path)).exit_code == 0


# --- files and folders -------------------------------------------------------------------


def tree(tmp_path: Path) -> Path:
    """A checkout: a record in each readable format, and folders that must not be searched."""
    root = tmp_path / "repo"
    for sub in ("records", ".venv/lib/site-packages/pkg", ".git/objects", "build"):
        (root / sub).mkdir(parents=True)
    (root / "records" / "a.json").write_bytes(EXAMPLE.read_bytes())
    (root / "records" / "b.xml").write_bytes((ROOT / "examples" / "kono-russia-2000.xml").read_bytes())
    (root / "records" / "c.xlsx").write_bytes((ROOT / "examples" / "kono-russia-2000.xlsx").read_bytes())
    (root / "records" / "notes.md").write_text("# not a record\n", encoding="utf-8")
    (root / "records" / ".hidden.json").write_text("{", encoding="utf-8")
    (root / ".venv" / "lib" / "site-packages" / "pkg" / "package.json").write_text("{}", encoding="utf-8")
    (root / ".git" / "objects" / "x.xml").write_text("<x/>", encoding="utf-8")
    (root / "build" / "stale.json").write_text("[", encoding="utf-8")
    return root


def test_a_folder_is_searched_for_every_readable_format_and_nothing_hidden(tmp_path: Path) -> None:
    root = tree(tmp_path)
    result = run("validate", "--format", "json", "--exclude", "build", str(root))
    report = json.loads(result.stdout)
    assert [Path(f["path"]).relative_to(root).as_posix() for f in report["files"]] == [
        "records/a.json",
        "records/b.xml",
        "records/c.xlsx",
    ]
    assert (result.exit_code, report["valid"]) == (0, True)
    # Without the exclusion the broken build output is found, and is invalid.
    result = run("validate", str(root))
    assert result.exit_code == 1
    assert "build/stale.json:1:2: json.syntax" in result.stdout


def test_exclude_matches_relative_paths_and_names(tmp_path: Path) -> None:
    root = tree(tmp_path)
    found = visitexport.check_files([root], exclude=["records/*.x*", "stale.json"])
    assert [Path(r.path).name for r in found] == ["a.json"]


def test_a_hidden_file_named_directly_is_read(tmp_path: Path) -> None:
    root = tree(tmp_path)
    result = run("validate", str(root / "records" / ".hidden.json"))
    assert result.exit_code == 1


@pytest.mark.parametrize("output_format", ["json", "github", "text"])
def test_a_missing_path_is_reported_in_every_format(output_format: str) -> None:
    result = run("validate", "--format", output_format, str(EXAMPLE), "no/such.json")
    assert result.exit_code == 3
    if output_format == "json":
        report = json.loads(result.stdout)
        assert [f["valid"] for f in report["files"]] == [True, False]
        assert report["files"][1]["error"] == "no/such.json: cannot read: No such file or directory"
        assert report["summary"]["unreadable"] == 1
    elif output_format == "github":
        assert result.stdout == (
            "::error file=no/such.json,title=unreadable::no/such.json: cannot read: No such file or directory\n"
        )
    else:
        assert "no/such.json: cannot read: No such file or directory" in result.stderr


def test_paths_may_be_path_objects(tmp_path: Path) -> None:
    assert visitexport.load(EXAMPLE) == visitexport.load(str(EXAMPLE))
    assert visitexport.check_file(EXAMPLE).valid
    assert [r.valid for r in visitexport.check_files([EXAMPLE.parent])] == [True, True, True]


def test_a_missing_file_is_a_file_not_found_error_with_its_errno(tmp_path: Path) -> None:
    missing = tmp_path / "gone.json"
    with pytest.raises(FileNotFoundError) as caught:
        visitexport.load(missing)
    error = caught.value
    assert isinstance(error, visitexport.ToolError)
    assert isinstance(error, visitexport.MissingFileError)
    assert (error.errno, error.filename) == (errno.ENOENT, str(missing))
    assert str(error) == f"{missing}: cannot read: No such file or directory"


def test_a_folder_read_as_a_file_is_a_tool_error_with_its_errno(tmp_path: Path) -> None:
    with pytest.raises(visitexport.ToolError) as caught:
        visitexport.load(tmp_path)
    assert not isinstance(caught.value, FileNotFoundError)
    assert (caught.value.errno, caught.value.filename) == (errno.EISDIR, str(tmp_path))


# --- what the report says ---------------------------------------------------------------


def test_the_whole_document_is_named_not_slashed(tmp_path: Path) -> None:
    bad = tmp_path / "list.json"
    bad.write_text("[]\n", encoding="utf-8")
    result = run("validate", str(bad))
    assert result.stdout.rstrip().endswith("(the document)")
    assert "(/)" not in result.stdout
    result = run("validate", "--format", "json", str(bad))
    assert json.loads(result.stdout)["files"][0]["problems"][0]["pointer"] == ""


def test_an_xsd_problem_has_a_line_a_record_pointer_and_its_xml_path(tmp_path: Path) -> None:
    text = (ROOT / "examples" / "kono-russia-2000.xml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.xml"
    bad.write_text(text.replace("<v:date>2000-11-03</v:date>", "<v:date>3 November</v:date>", 1), encoding="utf-8")
    result = run("validate", "--format", "json", str(bad))
    (problem,) = json.loads(result.stdout)["files"][0]["problems"]
    assert problem["pointer"] == "/engagements/1/date/date"
    assert problem["place"] == "/record/engagements/engagement[2]/date/date"
    assert problem["line"] > 0
    line = run("validate", str(bad)).stdout.strip()
    column = f":{problem['column']}" if problem["column"] else ""
    assert line.startswith(f"{bad}:{problem['line']}{column}: xml.schema: ")
    assert line.endswith("(/engagements/1/date/date; at /record/engagements/engagement[2]/date/date)")


# --- colour ------------------------------------------------------------------------------


def on_a_terminal(*args: str, env: dict[str, str]) -> str:
    """What `visitexport ARGS` prints on a pseudo-terminal (standard output and error both)."""
    import pty

    primary, secondary = pty.openpty()
    try:
        subprocess.run(
            [sys.executable, "-m", "visitexport", *args],
            stdout=secondary,
            stderr=secondary,
            env={**{k: v for k, v in os.environ.items() if k != "NO_COLOR"}, **env},
            check=False,
        )
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the terminal is closed once everything is read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(primary)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    bad = tmp_path / "bad.json"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace('"person": "putin"', '"person": "putn"'), "utf-8")
    return bad


def test_colour_on_a_terminal_unless_no_color(bad_file: Path) -> None:
    assert "\x1b[31m\x1b[1mref.unresolved" in on_a_terminal("validate", str(bad_file), env={})
    assert "ref.unresolved" in on_a_terminal("validate", str(bad_file), env={"NO_COLOR": "1"})
    assert "\x1b[" not in on_a_terminal("validate", str(bad_file), env={"NO_COLOR": "1"})
    assert "\x1b[" not in on_a_terminal("validate", "--color", "never", str(bad_file), env={})
    assert "\x1b[" not in on_a_terminal("fmt", "--check", str(bad_file), env={"NO_COLOR": "1"})


def test_color_always_colours_a_pipe_and_never_does_not(bad_file: Path) -> None:
    assert "\x1b[31m\x1b[1mref.unresolved\x1b[0m" in run("validate", "--color", "always", str(bad_file)).stdout
    assert "\x1b[" not in run("validate", "--color", "never", str(bad_file)).stdout
    assert "\x1b[" not in run("validate", str(bad_file)).stdout
