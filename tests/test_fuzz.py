"""Every reader fuzzed for a short, fixed budget: coverage-guided with atheris, or a Hypothesis fallback.

Where pyproject's test extra installs atheris (its marker says where wheels
exist), each target runs as a child process (libFuzzer ends its process) for
`FUZZ_SECONDS`, and any input it saves fails the test with its bytes. Where
it does not, the same targets and mutators are driven by Hypothesis instead:
weaker (no coverage feedback) but never nothing. The fallback also runs
briefly everywhere, so it cannot rot unseen on the machines that have atheris.

Long runs: fuzz/README.md.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import io
import json
import random
import re
import sys
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from packaging.requirements import Requirement

from fuzz.corpus import dictionary, seeds, write_dictionary
from fuzz.mutators import Mutator, byte_mutator, mutate_json, mutate_xlsx, mutate_xml
from fuzz.run import Stats, report, run
from fuzz.targets import TARGETS, Finding
from visitexport import formats
from visitexport.api import read_record

from .conftest import EXAMPLE, ROOT

#: Each target's budget in CI: three targets and their start-up stay within a minute on a shared machine.
FUZZ_SECONDS = 10
#: Mutants per target when Hypothesis drives the targets instead of atheris.
FALLBACK_EXAMPLES = 400
#: Mutants per target for the fallback's own check, everywhere.
FALLBACK_SMOKE = 12


def atheris_requirement() -> Requirement:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (line,) = re.findall(r'^\s*"(atheris[^"]*)",', text, re.MULTILINE)
    return Requirement(line)


HAVE_ATHERIS = importlib.util.find_spec("atheris") is not None


@cache
def seeds_of(name: str) -> list[bytes]:
    return seeds(name)


def fallback(name: str, examples: int, saved: Path) -> None:
    """Hypothesis picks a seed input and a random seed; the target's mutator damages the input; the target judges."""
    target = TARGETS[name]
    starts = seeds_of(name)
    words = dictionary(name)
    max_size = 2 * max(len(seed) for seed in starts)

    # Hypothesis picks the seed of a Random, not each of its draws: its own randoms start from their
    # simplest values (every draw 0), which makes mutants that all fail at the first byte.
    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    # The seed input by its index: a falsifying example of 60 KB of bytes would be a useless repr.
    @given(st.integers(0, len(starts) - 1), st.integers(1, 4), st.integers(0, 2**64 - 1))
    def mutants(start: int, rounds: int, seed: int) -> None:
        rng = random.Random(seed)
        data = starts[start]
        for _ in range(rounds):
            data = target.mutate(data, max_size, rng, byte_mutator(rng, words))
        try:
            target.check(data)
        except Exception as exc:
            saved.write_bytes(data)
            raise Finding(f"{name}: {exc!r}; the input is saved in {saved}") from exc

    mutants()


def test_atheris_is_installed_wherever_it_has_wheels() -> None:
    requirement = atheris_requirement()
    assert requirement.marker is not None, "without a marker, installing '.[test]' fails where atheris has no wheel"
    if requirement.marker.evaluate():
        assert HAVE_ATHERIS, f"pip install '.[test]' should have installed {requirement}"


def test_every_readable_format_has_a_target() -> None:
    assert {f.name for f in formats.FORMATS.values() if f.readable} == set(TARGETS)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_seed_is_accepted_and_round_trips(name: str) -> None:
    """The fuzzer starts inside each reader: every seed in the target's own format is a valid record."""
    starts = seeds_of(name)
    assert len(starts) >= 8
    accepted = 0
    for seed in starts:
        TARGETS[name].check(seed)
        try:
            read_record(seed, f"seed.{name}", name)
            accepted += 1
        except ValueError:
            assert name == "json"  # the near misses of tests/cases/invalid
    assert accepted >= 8


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_reader_survives_fuzzing(name: str, tmp_path: Path) -> None:
    if not HAVE_ATHERIS:
        fallback(name, FALLBACK_EXAMPLES, tmp_path / "finding")
        return
    status, stats, found = run(name, tmp_path / "corpus", tmp_path / "artifacts", [f"-max_total_time={FUZZ_SECONDS}"])
    code, text = report(name, status, stats, found)
    assert code == 0, text
    # A run that never got going would also find nothing.
    assert stats.runs > 20, text
    assert stats.cov > 500, text


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fallback_engine_runs(name: str, tmp_path: Path) -> None:
    fallback(name, FALLBACK_SMOKE, tmp_path / "finding")


#: An engine whose JSON target fails on any input that is not a seed, as a reader's bug would.
PLANTED = """
import sys
import fuzz.engine, fuzz.targets
from fuzz.corpus import seeds
known = set(seeds("json"))
def check(data):
    if data not in known:
        raise KeyError("planted")
fuzz.targets.TARGETS["json"] = fuzz.targets.TARGETS["json"]._replace(check=check)
fuzz.engine.main(sys.argv)
"""


def test_a_finding_fails_the_run_with_its_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not HAVE_ATHERIS:

        def planted(data: bytes) -> None:
            raise KeyError("planted")

        monkeypatch.setitem(TARGETS, "json", TARGETS["json"]._replace(check=planted))
        with pytest.raises(Finding, match="planted"):
            fallback("json", 5, tmp_path / "finding")
        assert (tmp_path / "finding").is_file()
        return
    artifacts = tmp_path / "artifacts"
    engine = (sys.executable, "-c", PLANTED)
    status, stats, found = run("json", tmp_path / "corpus", artifacts, ["-runs=500"], engine=engine)
    code, text = report("json", status, stats, found)
    assert status != 0
    assert code == 1, text
    (crash,) = found
    assert crash.parent == artifacts
    assert crash.name.startswith("crash-")
    assert crash.read_bytes() not in seeds_of("json")
    assert f"FINDING {crash}" in text
    assert base64.b64encode(crash.read_bytes()).decode()[:100] in text
    assert f"--reproduce {crash}" in text


# --- the mutators ---------------------------------------------------------------------------


def mutants(mutate: Mutator, data: bytes, count: int = 60, max_size: int = 1 << 20) -> list[bytes]:
    out = []
    for seed in range(count):
        rng = random.Random(seed)
        out.append(mutate(data, max_size, rng, byte_mutator(rng)))
    return out


def test_xlsx_mutator_changes_the_workbook_inside_the_zip() -> None:
    data = (ROOT / "examples" / "kono-russia-2000.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        parts = {name: archive.read(name) for name in names}
    valid = renamed = changed = 0
    out = mutants(mutate_xlsx, data, 80)
    # A mutation can come back to the same bytes (a part swapped with itself), rarely.
    assert sum(mutant == data for mutant in out) <= 8
    for mutant in out:
        try:
            with zipfile.ZipFile(io.BytesIO(mutant)) as archive:
                sound = archive.testzip() is None
                mutated = {n: archive.read(n) for n in archive.namelist()}
        except Exception:  # the mutants damaged as bytes: zipfile raises a dozen kinds
            continue
        valid += sound
        renamed += not set(mutated) <= names
        changed += any(parts.get(n) not in (None, d) for n, d in mutated.items())
    # Most mutants are sound zips (so the reader goes past the CRC), most of those with a part's content changed.
    assert valid >= 60
    assert changed >= 35
    assert renamed >= 1


def test_json_mutator_changes_values_and_keeps_json() -> None:
    data = EXAMPLE.read_bytes()
    out = mutants(mutate_json, data)
    parsed = 0
    for mutant in out:
        with contextlib.suppress(ValueError):
            parsed += json.loads(mutant) != json.loads(data)
    assert parsed >= 30
    assert len(set(out)) >= 45


def test_xml_mutator_changes_elements_and_keeps_xml() -> None:
    data = (ROOT / "examples" / "kono-russia-2000.xml").read_bytes()
    out = mutants(mutate_xml, data)
    parsed = 0
    for mutant in out:
        try:
            etree.fromstring(mutant, etree.XMLParser(resolve_entities=False, no_network=True))
            parsed += mutant != data
        except etree.XMLSyntaxError:
            pass
    assert parsed >= 30
    assert len(set(out)) >= 55


@pytest.mark.parametrize("mutate", [mutate_json, mutate_xml, mutate_xlsx])
@pytest.mark.parametrize("data", [b"", b"\x00", b"{", b"<a>", b"PK\x03\x04", b"PK\x05\x06" + bytes(18)])
def test_mutators_take_anything_and_respect_max_size(mutate: Mutator, data: bytes) -> None:
    for mutant in mutants(mutate, data, 20, max_size=64):
        assert len(mutant) <= 64


def test_byte_mutator_inserts_dictionary_words() -> None:
    rng = random.Random(0)
    mutate = byte_mutator(rng, [b"<!DOCTYPE"])
    out = [mutate(b"<a>x</a>", 100) for _ in range(100)]
    assert any(b"<!DOCTYPE" in m for m in out)
    assert all(len(m) <= 100 for m in out)


def test_dictionary_is_in_libfuzzer_format(tmp_path: Path) -> None:
    path = tmp_path / "xml.dict"
    count = write_dictionary("xml", path)
    lines = path.read_text(encoding="ascii").splitlines()
    assert len(lines) == count > 100
    assert all(re.fullmatch(r'"(?:[ !#-\[\]-~]|\\x[0-9A-F]{2})+"', line) for line in lines), lines
    assert '"<v:people>"' in lines
    assert '"<!DOCTYPE r ["' in lines
    assert b'"people":' in dictionary("json")
    write_dictionary("json", path)
    assert r'"\x22people\x22:"' in path.read_text(encoding="ascii").splitlines()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("#3111\tDONE   cov: 976 ft: 3000 corp: 180/1476Kb lim: 125192 exec/s: 148 rss: 76Mb", (3111, 976, 148)),
        ("#64\tpulse  cov: 2484 ft: 4784 corp: 61/1417Kb exec/s: 32 rss: 74Mb", (64, 2484, 32)),
        ("#1817: cov: 3199 ft: 4020 corp: 169 exec/s 147 oom/timeout/crash: 0/0/0 time: 24s job: 4", (1817, 3199, 147)),
    ],
)
def test_stats_read_libfuzzer_progress_lines(line: str, expected: tuple[int, int, int]) -> None:
    stats = Stats()
    stats.read("INFO: Seed: 2546640013")
    assert (stats.runs, stats.cov, stats.per_second) == (0, 0, 0)
    stats.read(line)
    assert (stats.runs, stats.cov, stats.per_second) == expected
