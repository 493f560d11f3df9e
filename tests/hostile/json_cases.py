"""Hostile JSON: what a strict reader must refuse (README, "Strict JSON" and "Size"), and what it must not.

Each case edits the seed record, so that the attack is the only thing wrong
with it. The wrong-type cases, one file per place in the record, are built by
`wrong_type_files` and checked in one batch (tests/test_hostile.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from tests.hostile.builders import another_type, dumped, pointers, replaced, seed_bytes, seed_record, seed_text, set_at
from tests.hostile.harness import Case, Env, accepted, refused

#: The size limit of a JSON file, as its message spells it (README, Limits).
JSON_LIMIT = "9,437,184"
TITLE = '"text": "Visit to the Russian Federation by Minister for Foreign Affairs Yohei Kono"'
FINAL_NEWLINE = '"final_newline": false'


def seed_with(old: str, new: str) -> bytes:
    return replaced(seed_text(), old, new).encode()


def in_title(text: str) -> bytes:
    return seed_with(TITLE, f'"text": "{text}"')


def title_bytes(raw: bytes) -> bytes:
    """The seed with `raw` as its title's text, byte for byte (bytes no str could hold)."""
    head, tail = seed_text().split(TITLE)
    return head.encode() + b'"text": "' + raw + b'"' + tail.encode()


def nested(depth: int, opening: str, inner: str, closing: str) -> bytes:
    """A file of one value nested `depth` levels deep: the seed's own brackets would count against the budget."""
    return (opening * depth + inner + closing * depth).encode()


def long_string(size: int, tail: str = "") -> Iterator[bytes]:
    """A record whose id is `size` characters of x (then `tail`), in 1 MiB chunks."""
    yield b'{"schema_version": "1.0", "id": "'
    chunk = b"x" * (1024 * 1024)
    for _ in range(size // len(chunk)):
        yield chunk
    yield b"x" * (size % len(chunk))
    yield tail.encode() + b'"}\n'


def one_string(size: int) -> Iterator[bytes]:
    """A file that is one string: valid JSON, not a record; carriage returns among its characters."""
    yield b'"'
    chunk = b"y\\r" * (1024 * 1024 // 3)
    for _ in range(size // len(chunk)):
        yield chunk
    yield b'"\n'


def with_schema_pointers(env: Env) -> bytes:
    record = seed_record()
    record = {"$schema": f"{env.url}visit.schema.json", "$ref": env.secret_url, **record}
    return dumped(record)


def with_url(env: Env) -> bytes:
    record = seed_record()
    record["release"]["url"] = f"{env.url}release.html"
    return dumped(record)


def in_utf16(encoding: str, bom: bytes) -> bytes:
    return bom + seed_text().encode(encoding)


CASES: list[Case] = [
    accepted("seed", "json", lambda env: seed_bytes(), why="the control: the seed goes through everything"),
    accepted(
        "url-to-the-listener",
        "json",
        with_url,
        contains=("release.html",),
        why="a release address at the local port is kept as text and never fetched",
    ),
    refused(
        "schema-and-ref-keys",
        "json",
        with_schema_pointers,
        "schema.additionalProperties",
        why="$schema and $ref in the record point at the port and the secret; they are data, never followed",
    ),
    refused(
        "duplicate-key",
        "json",
        lambda env: seed_with('"id": "kono-russia-2000",', '"id": "kono-russia-2000",\n  "id": "other",'),
        "json.duplicate-key",
    ),
    refused(
        "duplicate-key-nested",
        "json",
        lambda env: seed_with('"name": "Yohei Kono",', '"name": "Yohei Kono",\n      "name": "Someone else",'),
        "json.duplicate-key",
    ),
    refused("nan", "json", lambda env: seed_with(FINAL_NEWLINE, '"final_newline": NaN'), "json.constant"),
    refused("infinity", "json", lambda env: seed_with(FINAL_NEWLINE, '"final_newline": Infinity'), "json.constant"),
    refused(
        "minus-infinity", "json", lambda env: seed_with(FINAL_NEWLINE, '"final_newline": -Infinity'), "json.constant"
    ),
    refused("1e400", "json", lambda env: seed_with(FINAL_NEWLINE, '"final_newline": 1e400'), "json.constant"),
    refused(
        "5000-digits",
        "json",
        lambda env: seed_with(FINAL_NEWLINE, '"final_newline": ' + "9" * 5_000),
        "json.constant",
    ),
    refused(
        "1000000-digits",
        "json",
        lambda env: seed_with(FINAL_NEWLINE, '"final_newline": ' + "7" * 1_000_000),
        "json.constant",
        why="a million digits: refused without converting them (CPython's int() is quadratic)",
    ),
    refused("deep-arrays", "json", lambda env: nested(100_000, "[", "", "]"), "json.depth"),
    refused("deep-objects", "json", lambda env: nested(100_000, '{"a": ', "1", "}"), "json.depth"),
    refused(
        "deeper-than-the-value-budget",
        "json",
        lambda env: nested(100_001, "[", "", "]"),
        "size.values",
        why="more than 100,000 [ are counted before the parser sees them",
    ),
    refused("lone-high-surrogate", "json", lambda env: in_title("Kono \\ud800 visit"), "json.surrogate"),
    refused("lone-low-surrogate", "json", lambda env: in_title("\\udfff"), "json.surrogate"),
    refused(
        "surrogate-as-utf8-bytes",
        "json",
        lambda env: title_bytes(b"Kono \xed\xa0\x80 visit"),
        "json.encoding",
        also=frozenset({"json.syntax"}),
    ),
    refused("utf8-bom", "json", lambda env: b"\xef\xbb\xbf" + seed_bytes(), "json.encoding"),
    refused("utf16-le-bom", "json", lambda env: in_utf16("utf-16-le", b"\xff\xfe"), "json.encoding"),
    refused("utf16-be-bom", "json", lambda env: in_utf16("utf-16-be", b"\xfe\xff"), "json.encoding"),
    refused(
        "utf16-le-without-bom",
        "json",
        lambda env: in_utf16("utf-16-le", b""),
        also=frozenset({"json.encoding", "json.syntax"}),
        why="valid UTF-8 byte for byte (NULs between ASCII), so either rule is honest",
    ),
    refused("invalid-utf8", "json", lambda env: title_bytes(b"Kono\xff visit"), "json.encoding"),
    refused("overlong-utf8", "json", lambda env: title_bytes(b"Kono \xc0\xaf visit"), "json.encoding"),
    refused(
        "raw-control-character",
        "json",
        lambda env: seed_with(TITLE, '"text": "Kono\x01visit"'),
        "json.syntax",
    ),
    refused(
        "50mb-string",
        "json",
        lambda env: long_string(50 * 1024 * 1024),
        "json.size",
        mentions=(JSON_LIMIT,),
        max_seconds=5,
        why="refused by its size before it is read to the end, let alone parsed",
    ),
    refused(
        "9mb-string-in-a-broken-file",
        "json",
        lambda env: long_string(9_000_000, "\\q"),
        "json.syntax",
        max_seconds=10,
        why="the problem sits at the end of a 9 MB string: locating it must cost memory bounded by a constant",
    ),
    refused(
        "9mb-string-with-a-control-character",
        "json",
        lambda env: long_string(9_000_000, "\x01"),
        "json.syntax",
        max_seconds=10,
    ),
    refused(
        "a-file-that-is-one-4mb-string",
        "json",
        lambda env: one_string(4_000_000),
        "schema.type",
        max_seconds=10,
        why="valid JSON, not a record: the message says so without echoing 9 MB",
    ),
    refused("truncated", "json", lambda env: seed_bytes()[: len(seed_bytes()) // 2], "json.syntax"),
    refused("trailing-garbage", "json", lambda env: seed_bytes() + b"\n{}", "json.syntax"),
    refused("comment", "json", lambda env: b"// a comment\n" + seed_bytes(), "json.syntax"),
]


def wrong_type_files() -> dict[str, tuple[str, bytes]]:
    """One file per place in the seed whose schema differs, each with that value of another type.

    Places that differ only by a list index (``/people/0/name``, ``/people/1/name``)
    share their schema, so the first stands for all: 1,387 values become a few
    hundred files, every field of every kind of object at every depth.
    """
    record = seed_record()
    files: dict[str, tuple[str, bytes]] = {}
    seen: set[str] = set()
    for pointer, value in pointers(record):
        shape = "/".join("*" if part.isdigit() else part for part in pointer.split("/"))
        if shape in seen:
            continue
        seen.add(shape)
        name = f"wrong{len(files):04d}.json"
        files[name] = (pointer, dumped(set_at(record, pointer, another_type(value))))
    return files
