"""Readers and writers: discovery, JSONL records and errors, atomic mirrored output."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path, PurePath

import pytest

from cleaner.batch.sources import Fields, ReadError, Record, Source, discover, format_of, read_source
from cleaner.batch.writers import (
    DocWriter,
    StdoutWriter,
    atomic_write,
    json_line,
    jsonl_output,
    mirrored_name,
    open_writer,
    output_format,
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


def test_jsonl_writer_appears_only_on_commit_and_resumes_at_a_checkpoint(tmp_path: Path) -> None:
    dest = tmp_path / "d.jsonl"
    dest.write_text("old\n")
    w = open_writer(dest)
    w.write(b'{"n": 1}\n')
    pos = w.checkpoint()
    w.write(b'{"n": 2}\n')  # written after the checkpoint: a resumed run cuts it off
    w.close_partial()
    assert dest.read_text() == "old\n"  # nothing replaced until commit
    w = open_writer(dest, resume_at=pos)
    w.write(b'{"n": 3}\n')
    w.commit()
    assert [json.loads(x)["n"] for x in dest.read_text().splitlines()] == [1, 3]
    assert [p.name for p in tmp_path.iterdir()] == ["d.jsonl"]
    assert oct(dest.stat().st_mode & 0o777) != oct(0o600)  # the usual mode, not mkstemp's


@pytest.mark.parametrize("name", ["d.jsonl.gz", "d.jsonl.zst"])
def test_compressed_writer_survives_a_cut_at_a_checkpoint(tmp_path: Path, name: str) -> None:
    if name.endswith(".zst"):
        pytest.importorskip("zstandard")
    dest = tmp_path / name
    w = open_writer(dest)
    w.write(json_line({"text": "é", "n": 1}))
    pos = w.checkpoint()
    w.write(json_line({"n": 2}))
    w.close_partial()
    w = open_writer(dest, resume_at=pos)
    w.write(json_line({"n": 3}))
    w.commit()
    source = Source(dest, PurePath(name), "jsonl")
    recs = [r for r in read_source(source, Fields(text="text", html="none"))]
    assert len(recs) == 2 and isinstance(recs[0], Record) and recs[0].content == "é"
    assert isinstance(recs[1], ReadError) and recs[1].id is None  # {"n": 3} has no text field: an error item


def test_output_names_and_formats() -> None:
    assert output_format(PurePath("x.parquet")) == "parquet"
    assert output_format(PurePath("x.jsonl.zst")) == "jsonl"
    assert output_format(PurePath("x.txt")) == "doc"
    warc = Source(Path("c.warc.gz"), PurePath("sub/c.warc.gz"), "warc")
    assert mirrored_name(warc) == PurePath("sub/c.jsonl.gz")
    assert mirrored_name(Source(Path("p.html"), PurePath("p.html"), "html")) == PurePath("p.txt")


def test_stdout_writer_counts_what_it_writes() -> None:
    buf = io.BytesIO()
    w = StdoutWriter(buf)
    w.write(json_line({"text": "one"}))
    w.write(json_line({"text": "two"}))
    assert [json.loads(x)["text"] for x in buf.getvalue().decode().splitlines()] == ["one", "two"]
    assert w.records == 2


def test_doc_writer_never_replaces_its_document(tmp_path: Path) -> None:
    w = DocWriter(tmp_path / "one.txt")
    w.write(b"first\n")
    with pytest.raises(ValueError, match="holds one document"):
        w.write(b"second\n")
    assert (tmp_path / "one.txt").read_bytes() == b"first\n" and w.records == 1
