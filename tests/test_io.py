"""Readers and writers: discovery, JSONL records and errors, atomic mirrored output."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path, PurePath

import pytest

from cleaner.io import (
    Fields,
    ReadError,
    Record,
    Source,
    StdoutSink,
    atomic_write,
    discover,
    format_of,
    jsonl_output,
    open_file_sink,
    read_source,
)
from cleaner.model import Removal, Repair, Result


def _jsonl(path: Path, *lines: str) -> Source:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Source(path, PurePath(path.name), "jsonl")


def _result(text: str = "kept") -> Result:
    return Result(text, [Removal("Also read", "recirculation", "r.id", 1)], [Repair("\xa0", " ", "nbsp", 2)])


def test_format_of() -> None:
    assert format_of(PurePath("a.TXT")) == "text"
    assert format_of(PurePath("a.htm")) == "html"
    assert format_of(PurePath("a.html")) == "html"
    assert format_of(PurePath("a.jsonl")) == "jsonl"
    assert format_of(PurePath("a.jsonl.gz")) == "jsonl"
    assert format_of(PurePath("a.json")) is None
    assert format_of(PurePath("a.txt.gz")) is None


def test_discover_walks_sorted_and_filters(tmp_path: Path) -> None:
    root = tmp_path / "in"
    for name in [
        "b.txt",
        "a.html",
        "z/c.jsonl",
        "z/d.jsonl.gz",
        "y/e.htm",
        "notes.md",
        ".hidden.txt",
        ".git/f.txt",
    ]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    found = [(str(s.relpath), s.format) for s in discover([str(root)])]
    assert found == [
        ("a.html", "html"),
        ("b.txt", "text"),
        ("y/e.htm", "html"),
        ("z/c.jsonl", "jsonl"),
        ("z/d.jsonl.gz", "jsonl"),
    ]


def test_discover_prefixes_when_several_inputs(tmp_path: Path) -> None:
    for d in ("one", "two"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "x.txt").write_text("x")
    (tmp_path / "notes.md").write_text("x")
    sources = list(discover([str(tmp_path / "one"), str(tmp_path / "two"), str(tmp_path / "notes.md"), "-"]))
    assert [str(s.relpath) for s in sources] == ["one/x.txt", "two/x.txt", "notes.md", "stdin.txt"]
    assert sources[2].format == "text"  # named explicitly: read whatever its suffix
    assert sources[3].path is None


def test_discover_skips_output_dir_nested_in_input(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    found = [str(s.relpath) for s in discover([str(tmp_path)], exclude=(tmp_path / "out").resolve())]
    assert found == ["a.txt"]


def test_read_text_and_html_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(
        "caf\u00e9 \u2013 na\u00efve fa\u00e7ade, d\u00e9j\u00e0 vu. ".encode("cp1252") * 3
    )
    (tmp_path / "b.html").write_text("<html><body><p>Hi</p></body></html>")
    recs = [r for s in discover([str(tmp_path)]) for r in read_source(s)]
    assert all(isinstance(r, Record) for r in recs)
    a, b = recs
    assert isinstance(a, Record) and isinstance(b, Record)
    assert a.content.startswith("café – naïve façade") and a.kind == "text"
    assert b.kind == "html" and b.id.endswith("b.html")


def test_read_jsonl_records_and_errors(tmp_path: Path) -> None:
    source = _jsonl(
        tmp_path / "d.jsonl",
        '{"id": "r1", "text": "hello", "url": "https://e.com/a", "other": [1, 2]}',
        "{broken",
        "",
        "[1, 2]",
        '{"id": 7, "body": "no text"}',
        '{"text": 42}',
        '{"html": "<p>x</p>"}',
        '{"id": "", "text": "empty id falls back to the line"}',
    )
    items = list(read_source(source))
    assert len(items) == 7  # the blank line is skipped
    r1, bad, arr, missing, nonstr, html, noid = items
    assert isinstance(r1, Record)
    assert (r1.id, r1.content, r1.url, r1.kind, r1.where) == (
        "r1",
        "hello",
        "https://e.com/a",
        "text",
        f"{source.name}:1",
    )
    assert r1.original == {"id": "r1", "text": "hello", "url": "https://e.com/a", "other": [1, 2]}
    assert isinstance(bad, ReadError) and bad.where == f"{source.name}:2" and "malformed JSON" in bad.message
    assert isinstance(arr, ReadError) and arr.where.endswith(":4") and "JSON object" in arr.message
    assert isinstance(missing, ReadError) and missing.where.endswith(":5") and missing.id == "7"
    assert "'text'" in missing.message and "'html'" in missing.message
    assert isinstance(nonstr, ReadError) and "not a string" in nonstr.message
    assert isinstance(html, Record) and html.kind == "html" and html.id == "7" and not html.explicit_id
    assert isinstance(noid, Record) and noid.id == "8"


def test_read_jsonl_custom_fields_and_preference(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "d.jsonl", '{"key": "k1", "body": "T", "page": "<p>H</p>", "link": "u"}')
    fields = Fields(text="body", html="page", id="key", url="link")
    (rec,) = read_source(source, fields)
    assert isinstance(rec, Record) and (rec.id, rec.content, rec.url, rec.kind) == ("k1", "T", "u", "text")
    (rec,) = read_source(source, fields, prefer="html")
    assert isinstance(rec, Record) and (rec.content, rec.kind) == ("<p>H</p>", "html")


def test_read_truncated_gzip_reports_and_keeps_earlier_records(tmp_path: Path) -> None:
    payload = "".join(json.dumps({"text": f"record {i} " + "x" * 200}) + "\n" for i in range(200))
    data = gzip.compress(payload.encode())
    path = tmp_path / "d.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_source(Source(path, PurePath(path.name), "jsonl")))
    assert isinstance(items[0], Record) and items[0].content.startswith("record 0 ")
    assert isinstance(items[-1], ReadError) and "cannot read further" in items[-1].message


def test_unreadable_file_is_an_error_item(tmp_path: Path) -> None:
    source = Source(tmp_path / "gone.txt", PurePath("gone.txt"), "text")
    (item,) = read_source(source)
    assert isinstance(item, ReadError) and "cannot read" in item.message


def test_jsonl_output_keeps_fields_and_order() -> None:
    rec = Record("r1", "raw", original={"id": "r1", "text": "raw", "meta": {"a": 1}, "removed": "old"})
    out = jsonl_output(rec, _result("clean"))
    assert list(out) == ["id", "text", "meta", "removed", "repairs"]
    assert out["text"] == "clean" and out["meta"] == {"a": 1}
    assert out["removed"] == [{"text": "Also read", "reason": "recirculation", "rule": "r.id", "line": 1}]
    assert out["repairs"] == [{"before": "\xa0", "after": " ", "rule": "nbsp", "count": 2}]
    assert rec.original is not None and rec.original["text"] == "raw"  # input not mutated


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    dest = tmp_path / "deep" / "out.txt"
    atomic_write(dest, b"one")
    atomic_write(dest, b"two")
    assert dest.read_bytes() == b"two"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["out.txt"]


def test_jsonl_sink_appears_only_on_close_and_abort_keeps_old(tmp_path: Path) -> None:
    dest = tmp_path / "d.jsonl"
    dest.write_text("old\n")
    source = Source(tmp_path / "in.jsonl", PurePath("in.jsonl"), "jsonl")
    rec = Record("1", "x", original={"text": "x"})
    with pytest.raises(RuntimeError), open_file_sink(source, dest) as sink:
        sink.write(rec, _result())
        raise RuntimeError("crash mid-file")
    assert dest.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["d.jsonl"]
    with open_file_sink(source, dest) as sink:
        sink.write(rec, _result())
    assert json.loads(dest.read_text())["text"] == "kept"


def test_jsonl_gz_sink_writes_gzip(tmp_path: Path) -> None:
    dest = tmp_path / "d.jsonl.gz"
    source = Source(tmp_path / "in.jsonl.gz", PurePath("in.jsonl.gz"), "jsonl")
    with open_file_sink(source, dest) as sink:
        sink.write(Record("1", "x", original={"text": "x", "n": 1}), _result("é"))
    (line,) = gzip.decompress(dest.read_bytes()).decode().splitlines()
    assert json.loads(line)["text"] == "é" and json.loads(line)["n"] == 1


def test_stdout_sink_separates_documents() -> None:
    buf = io.StringIO()
    with StdoutSink(buf) as sink:
        sink.write(Record("a", "x"), _result("one\ntwo"))
        sink.write(Record("b", "y"), _result("three"))
        sink.write(Record("c", "z", original={"text": "z"}), _result("four"))
    lines = buf.getvalue().split("\n")
    assert lines[:4] == ["one", "two", "", "three"]
    assert json.loads(lines[4])["text"] == "four"
