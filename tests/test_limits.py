"""Hostile and broken input: each limit gives a clear error naming the record, or a documented
degradation, and the batch goes on (every record in gives one output or one error record).

Full-size inputs (100 MB documents, 100,000 levels of nesting, bombs) run in bench/limits.py;
here they are scaled down where size does not change the behaviour under test. The time
limit and dead workers are in test_pool.py."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path, PurePath

import pytest

from cleaner import Cleaner, Config, cli
from cleaner.batch.sources import ReadError, Record, Source, read_source
from cleaner.errors import ConfigError, InputError
from cleaner.limits import MAX_DEPTH

ROOT = Path(__file__).resolve().parent.parent
BODY = "The council approved the budget on Tuesday after a long debate about the schools."
PAGE = "<html><head><title>T</title></head><body><article><p>{body}</p><p>{body}</p></article></body></html>"


def _png() -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    raw = b"".join(b"\x00" + os.urandom(60) for _ in range(20))
    ihdr = struct.pack(">IIBBBBB", 20, 20, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", os.urandom(5000))
    return buf.getvalue()


def _errors(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text().splitlines()]


# -- size ------------------------------------------------------------------------------------


def test_max_size_refuses_and_says_how_to_lift_it() -> None:
    small = Cleaner(max_size=1000)
    with pytest.raises(InputError, match=r"2,000 characters, over the 1,000 limit .*--max-size"):
        small.clean("a" * 2000)
    with pytest.raises(InputError, match=r"2,000 bytes"):
        small.clean(b"a" * 2000)
    assert Cleaner(max_size=0).clean(BODY * 30).text  # 0: no limit
    assert Config().max_size == 32_000_000
    with pytest.raises(ConfigError):
        Config(max_size=-1)


def test_oversized_records_are_error_records_and_the_rest_is_written(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(BODY)
    (src / "big.txt").write_text(BODY * 30_000)  # 2.5 MB
    lines = [json.dumps({"id": f"r{i}", "text": BODY * (30_000 if i == 1 else 1)}) for i in range(3)]
    (src / "c.jsonl").write_text("\n".join(lines) + "\n")
    out, err = tmp_path / "out", tmp_path / "errors.jsonl"
    code = cli.main(
        ["clean", str(src), "-o", str(out), "--errors", str(err), "--max-size", "1M", "-w", "1", "-q"]
    )
    assert code == 1
    errors = _errors(err)
    assert [(Path(str(e["where"])).name, e["id"]) for e in errors] == [("big.txt", None), ("c.jsonl:2", None)]
    assert all("over the 1,000,000 limit (--max-size" in str(e["error"]) for e in errors)
    assert (out / "a.txt").read_text().strip() == BODY and not (out / "big.txt").exists()
    assert [json.loads(x)["id"] for x in (out / "c.jsonl").read_text().splitlines()] == ["r0", "r2"]


def test_oversized_stdin_is_an_error_not_a_traceback() -> None:
    cmd = [sys.executable, "-m", "cleaner", "clean", "-", "--max-size", "1K", "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(cmd, input=(BODY + "\n").encode() * 60, env=env, capture_output=True, timeout=60)
    assert done.returncode == 1 and done.stdout == b""
    assert b"cleaner: <stdin>: record is 4,920 bytes, over the 1,000 limit (--max-size" in done.stderr
    assert b"Traceback" not in done.stderr


def test_ten_megabyte_line_is_cleaned(tmp_path: Path) -> None:
    line = ("word " * 2_000_000).strip()  # one 10 MB line, no newline anywhere
    start = time.perf_counter()
    r = Cleaner().clean(line)
    assert r.text == line and time.perf_counter() - start < 30
    src = tmp_path / "one.jsonl"
    src.write_text(
        json.dumps({"id": "big", "text": line}) + "\n" + json.dumps({"id": "b", "text": BODY}) + "\n"
    )
    assert cli.main(["clean", str(src), "-o", str(tmp_path / "o.jsonl"), "-w", "1", "-q"]) == 0
    assert [len(json.loads(x)["text"]) for x in (tmp_path / "o.jsonl").read_text().splitlines()] == [
        len(line),
        len(BODY),
    ]


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_decompression_bomb_is_capped_per_record_in_flat_memory(tmp_path: Path, suffix: str) -> None:
    bomb = b'{"id": "bomb", "text": "' + b"a" * 60_000_000 + b'"}\n'
    good = [json.dumps({"id": f"r{i}", "text": BODY}).encode() + b"\n" for i in range(2)]
    data = good[0] + bomb + good[1]
    if suffix.endswith(".gz"):
        packed = gzip.compress(data, compresslevel=1)
    else:
        zstd = pytest.importorskip("zstandard")
        packed = zstd.ZstdCompressor(level=1).compress(data)
    assert len(packed) < len(data) / 100  # a bomb: 60 MB from well under 1 MB
    path = tmp_path / f"bomb{suffix}"
    path.write_bytes(packed)
    tracemalloc.start()
    items = list(read_source(Source(path, PurePath(path.name), "jsonl"), limit=1_000_000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [type(x).__name__ for x in items] == ["Record", "ReadError", "Record"]
    assert isinstance(items[1], ReadError) and items[1].where.endswith(":2")
    assert "record is 60,000,027 bytes, over the 1,000,000 limit" in items[1].message
    assert peak < 20_000_000, peak  # never the whole 60 MB line


# -- nesting, entities -----------------------------------------------------------------------


@pytest.mark.parametrize("fast", [False, True])
def test_html_nested_100000_levels_is_refused_quickly(fast: bool) -> None:
    deep = "<html><body>" + "<div>" * 100_000 + BODY + "</div>" * 100_000 + "</body></html>"
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"HTML nested 100,000 levels deep, over the 5,000 limit"):
        Cleaner(html_fast=fast).clean(deep)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize(
    ("open_", "close"),
    [("<div><p>Words {i} here and there.</p>", "</div>"), ("<span>", "</span>"), ("<b>", ""),
     ("<table><tr><td>cell {i}", "</td></tr></table>"), ("<blockquote>", "</blockquote>")],
)  # fmt: skip
def test_nesting_just_under_the_limit_parses_on_every_path(fast: bool, open_: str, close: str) -> None:
    n = MAX_DEPTH - 100  # deeper than Python's recursion limit: no parser may recurse per level
    html = "<html><body><article>" + "".join(open_.format(i=i) for i in range(n))
    html += f"<p>{BODY}</p>" + close * n + "</article></body></html>"
    r = Cleaner(html_fast=fast).clean(html)
    assert isinstance(r.text, str)


@pytest.mark.parametrize("fast", [False, True])
def test_json_ld_nested_past_the_stack_is_ignored(fast: bool) -> None:
    deep_ld = "[" * 100_000 + "]" * 100_000
    author = '{"@type": "NewsArticle", "headline": "H", "author": ' + "[" * 900 + '"A"' + "]" * 900 + "}"
    for ld in (deep_ld, author):
        html = f'<html><head><script type="application/ld+json">{ld}</script></head>'
        html += f"<body><article><p>{BODY}</p></article></body></html>"
        assert Cleaner(html_fast=fast).clean(html).text == BODY


def test_huge_page_goes_to_the_density_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.html import page as html

    called: list[int] = []
    monkeypatch.setattr(html, "trafilatura_blocks", lambda *a, **k: called.append(1) or [])
    page = (
        "<html><body><article>"
        + "".join(f"<p>{i}: {BODY}</p>" for i in range(300))
        + "</article></body></html>"
    )
    assert "299: " + BODY in Cleaner().clean(page).text and called == [1]  # under the limit: trafilatura
    monkeypatch.setattr(html, "TRAFILATURA_MAX", 10_000)
    assert "299: " + BODY in Cleaner().clean(page).text and called == [1]  # over it: not asked again


def test_rescue_path_is_linear_in_depth() -> None:
    # Lexbor reads almost no text here, so the bs4 rescue runs: it was quadratic in depth
    deep = "<html><body>" + "<div>" * 4000 + "tiny" + "</div>" * 4000 + "</body></html>"
    start = time.perf_counter()
    Cleaner(html_fast=True).clean(deep)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("fast", [False, True])
def test_entity_bombs_do_not_expand(fast: bool) -> None:
    ents = "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "lol") * 10}">' for i in range(1, 10))
    laughs = f'<?xml version="1.0"?><!DOCTYPE html [{ents}]><html xmlns="http://www.w3.org/1999/xhtml">'
    laughs += f"<body><article><p>&lol9;</p><p>{BODY}</p></article></body></html>"
    r = Cleaner(html_fast=fast).clean(laughs)
    assert len(r.text) < 1000 and "lollollol" not in r.text  # 10^9 "lol"s if it were expanded
    numeric = "<html><body><article><p>" + "&#65;" * 500_000 + f"</p><p>{BODY}</p></article></body></html>"
    start = time.perf_counter()
    r = Cleaner(html_fast=fast).clean(numeric)
    assert time.perf_counter() - start < 30 and "A" * 1000 in r.text


# -- bytes that are not (UTF-8) text ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "what"),
    [(_png(), "a PNG image"), (_zip(), "a ZIP archive"), (b"%PDF-1.4\n" + os.urandom(2000), "a PDF document"),
     (os.urandom(100_000), None)],
)  # fmt: skip
def test_binary_data_is_refused(data: bytes, what: str | None) -> None:
    with pytest.raises(InputError, match=f"binary data \\({what}\\)" if what else "binary data, not text"):
        Cleaner().clean(data)


def test_binary_files_in_a_batch_are_error_records(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(BODY)
    (src / "image.html").write_bytes(_png())
    (src / "noise.txt").write_bytes(os.urandom(50_000))
    err = tmp_path / "e.jsonl"
    assert (
        cli.main(["clean", str(src), "-o", str(tmp_path / "out"), "--errors", str(err), "-q", "-w", "1"]) == 1
    )
    got = {Path(str(e["where"])).name: str(e["error"]) for e in _errors(err)}
    assert got == {
        "image.html": "binary data (a PNG image), not a text document",
        "noise.txt": got["noise.txt"],  # the share varies with the random bytes
    }
    assert re.fullmatch(r"binary data, not text \(\d+% control characters\); skipped", got["noise.txt"])
    assert (tmp_path / "out" / "a.txt").exists()


def test_invalid_utf8_utf16_without_bom_and_nul_bytes_are_text() -> None:
    broken = (BODY.encode() + b" \xff\xfe\xc3\x28 ") * 20
    assert BODY in Cleaner().clean(broken).text  # decoded by a guess, never an error
    assert (
        Cleaner()
        .clean(("Ελληνικά κείμενα. " + BODY + "\n").encode("utf-16-le") * 5)
        .text.startswith("Ελληνικά")
    )
    page = PAGE.format(body=BODY).encode("utf-16-le")  # no BOM: NULs in every other byte
    r = Cleaner().clean(page)
    assert r.text == BODY and "<" not in r.text
    nul = (BODY + "\x00\n").encode() * 3
    assert Cleaner().clean(nul).text == BODY  # NULs repaired away, duplicates dropped
    word_breaks = "Short line\x0bAnother one\x0b" * 200  # Word's manual line breaks are not binary
    assert "Short line" in Cleaner().clean(word_breaks).text


# -- records and files that are malformed --------------------------------------------------------


def test_malformed_jsonl_records_each_give_one_error(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "ok1", "text": BODY}), "{not json", "[1, 2]", '"a string"',
             json.dumps({"id": "n", "text": 42}), json.dumps({"id": "l", "text": ["a"]}),
             json.dumps({"id": "none"}), '{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}",
             json.dumps({"id": "ok2", "text": BODY})]  # fmt: skip
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n")
    out, err = tmp_path / "o.jsonl", tmp_path / "e.jsonl"
    assert cli.main(["clean", str(src), "-o", str(out), "--errors", str(err), "-q", "-w", "2"]) == 1
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["ok1", "ok2"]
    errors = [(str(e["where"]).rsplit(":", 1)[1], e["id"], str(e["error"])[:30]) for e in _errors(err)]
    assert errors == [
        ("2", None, "malformed JSON: Expecting prop"),
        ("3", None, "expected a JSON object, got li"),
        ("4", None, "expected a JSON object, got st"),
        ("5", "n", "field 'text' is int, not a str"),
        ("6", "l", "field 'text' is list, not a st"),
        ("7", "none", "no 'text' or 'html' field (key"),
        ("8", None, "malformed JSON: nested too dee"),
    ]


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_truncated_compressed_file_keeps_the_records_before(tmp_path: Path, suffix: str) -> None:
    data = "".join(
        json.dumps({"id": f"r{i}", "text": f"{BODY} {os.urandom(200).hex()}"}) + "\n" for i in range(2000)
    )
    if suffix.endswith(".gz"):
        packed = gzip.compress(data.encode())
    else:
        packed = pytest.importorskip("zstandard").ZstdCompressor().compress(data.encode())
    src = tmp_path / f"in{suffix}"
    src.write_bytes(packed[: len(packed) // 2])
    items = list(read_source(Source(src, PurePath(src.name), "jsonl")))
    *records, last = items
    assert records and all(isinstance(r, Record) for r in records)
    assert [r.id for r in records if isinstance(r, Record)] == [f"r{i}" for i in range(len(records))]
    assert isinstance(last, ReadError) and "cannot read further" in last.message


def test_parquet_with_the_wrong_schema(tmp_path: Path) -> None:
    pa, pq = pytest.importorskip("pyarrow"), pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"id": ["a", "b"], "body": [BODY, BODY]}), tmp_path / "missing.parquet")
    pq.write_table(pa.table({"id": ["c"], "text": [12]}), tmp_path / "number.parquet")
    pq.write_table(pa.table({"id": ["d"], "text": [BODY.encode()]}), tmp_path / "binary.parquet")
    err = tmp_path / "e.jsonl"
    code = cli.main(
        ["clean", str(tmp_path), "-o", str(tmp_path / "out"), "--errors", str(err), "-q", "-w", "1"]
    )
    assert code == 1
    errors = {(Path(str(e["where"])).name, e["id"]): str(e["error"]) for e in _errors(err)}
    assert errors == {
        ("missing.parquet:1", "a"): "no 'text' or 'html' field (keys: id, body)",
        ("missing.parquet:2", "b"): "no 'text' or 'html' field (keys: id, body)",
        ("number.parquet:1", "c"): "field 'text' is int, not a string",
    }
    assert pq.read_table(tmp_path / "out" / "binary.parquet").column("text").to_pylist() == [BODY]


def _warc(i: int, lie: int = 0) -> bytes:
    body = PAGE.format(body=f"{BODY} Record {i}.").encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{i}>\r\n"
        f"WARC-Target-URI: https://x.example/{i}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http) + lie}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


@pytest.mark.parametrize(
    ("lies", "errors", "kept"),
    [
        ({1: 150}, {"<urn:uuid:1>": "runs into the next record"}, ["0", "3"]),  # 2 swallowed by 1
        ({1: -100}, {"<urn:uuid:1>": "ends 100 bytes before the next record"}, ["0", "2", "3"]),
        ({3: 5000}, {"<urn:uuid:3>": "past the end of the file (truncated)"}, ["0", "1", "2"]),
    ],
)
def test_warc_record_with_a_lying_content_length(
    tmp_path: Path, lies: dict[int, int], errors: dict[str, str], kept: list[str]
) -> None:
    pytest.importorskip("fastwarc")
    src = tmp_path / "crawl.warc"
    src.write_bytes(b"".join(_warc(i, lies.get(i, 0)) for i in range(4)))
    items = list(read_source(Source(src, PurePath(src.name), "warc")))
    got = {x.id: x.message for x in items if isinstance(x, ReadError)}
    assert got.keys() == errors.keys() and all(errors[k] in got[k] for k in errors)
    assert [x.id.strip("<>").rsplit(":", 1)[1] for x in items if isinstance(x, Record)] == kept
