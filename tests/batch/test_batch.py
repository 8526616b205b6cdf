"""Batch runs: parallel = serial, one output or one error per record, formats, and resume
after a real kill -9 / Ctrl-C of a running `cleaner clean` subprocess."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner import cli

ROOT = Path(__file__).resolve().parents[2]

BODY = "The council approved the budget on Tuesday after a long debate about the schools."
ARTICLE = f"{BODY}\nAlso read\nThe mayor said the vote was a turning point for the city and its people.\n"


def _records(n: int, bad_every: int = 0) -> list[str]:
    lines = []
    for i in range(n):
        if bad_every and i % bad_every == bad_every - 1:
            lines.append(
                "{not json" if (i // bad_every) % 2 else json.dumps({"id": f"r{i}", "body": "no text field"})
            )
            continue
        text = f"Story {i}: " + ARTICLE * (1 + i % 5)
        lines.append(
            json.dumps({"id": f"r{i}", "text": text, "url": f"https://site{i % 7}.example/{i}", "n": i})
        )
    return lines


def _write(path: Path, lines: list[str]) -> Path:
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def _read_jsonl(path: Path) -> list[dict[str, object]]:
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return [json.loads(x) for x in raw.decode().splitlines()]


def test_parallel_output_equals_serial_and_every_record_is_accounted(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", _records(1500, bad_every=50))
    for w in ("1", "2"):
        code = cli.main(["clean", str(src), "-o", str(tmp_path / f"o{w}.jsonl"), "-w", w, "-q",
                         "--errors", str(tmp_path / f"e{w}.jsonl")])  # fmt: skip
        assert code == 1
    assert (tmp_path / "o1.jsonl").read_bytes() == (tmp_path / "o2.jsonl").read_bytes()
    assert (tmp_path / "e1.jsonl").read_bytes() == (tmp_path / "e2.jsonl").read_bytes()
    out, errs = _read_jsonl(tmp_path / "o2.jsonl"), _read_jsonl(tmp_path / "e2.jsonl")
    assert len(out) + len(errs) == 1500 and len(errs) == 30
    assert {e["error"].split(":")[0] for e in errs} == {"malformed JSON", "no 'text' or 'html' field (keys"}
    assert all(e["where"].startswith(str(src)) for e in errs)
    assert any(e["id"] == "r49" for e in errs)  # the record's own id, when it has one
    assert [r["n"] for r in out][:3] == [0, 1, 2] and "Also read" not in str(out[0]["text"])


def test_summary_and_removed_side_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "in.jsonl", _records(20))
    out, side = tmp_path / "out.jsonl", tmp_path / "removed.jsonl"
    assert cli.main(["clean", str(src), "-o", str(out), "--removed", str(side), "-w", "1"]) == 0
    records, removed = _read_jsonl(out), _read_jsonl(side)
    assert "removed" not in records[0] and records[0]["n"] == 0 and records[0]["url"]
    assert [r["id"] for r in removed] == [r["id"] for r in records]
    assert removed[0]["removed"][0]["reason"] == "recirculation"
    err = capsys.readouterr().err
    assert "cleaner: 20 documents, 0 errors" in err and "recirculation" in err and "repairs:" in err


def test_formats_zst_parquet_warc(tmp_path: Path) -> None:
    pytest.importorskip("zstandard")
    pa, pq = pytest.importorskip("pyarrow"), pytest.importorskip("pyarrow.parquet")
    pytest.importorskip("fastwarc")
    import zstandard

    src = tmp_path / "in"
    src.mkdir()
    lines = _records(30)
    (src / "a.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(("\n".join(lines) + "\n").encode()))
    rows = [json.loads(x) for x in lines]
    pq.write_table(pa.Table.from_pylist(rows), src / "b.parquet")
    (src / "c.warc.gz").write_bytes(
        b"".join(gzip.compress(_warc(f"https://w.example/{i}", i)) for i in range(3))
    )
    out = tmp_path / "out"
    assert cli.main(["clean", str(src), "-o", str(out), "-w", "2", "-q"]) == 0
    dec = zstandard.ZstdDecompressor().stream_reader((out / "a.jsonl.zst").open("rb")).read().decode()
    assert [json.loads(x)["id"] for x in dec.splitlines()] == [r["id"] for r in rows]
    table = pq.read_table(out / "b.parquet")
    assert table.column("n").to_pylist() == list(range(30)) and "removed" in table.column_names
    assert "Also read" not in table.column("text")[0].as_py()
    warc = _read_jsonl(out / "c.jsonl.gz")
    assert [r["url"] for r in warc] == [f"https://w.example/{i}" for i in range(3)]
    assert all(str(r["id"]).startswith("<urn:uuid:") for r in warc) and "Café number 0" in str(
        warc[0]["text"]
    )


def _warc(url: str, i: int) -> bytes:
    body = (
        "<html><head><meta charset='utf-8'><title>T</title></head><body><article>"
        f"<p>{BODY} Café number {i} opened its doors to the whole town on a sunny day.</p>"
        f"<p>{BODY}</p></article></body></html>"
    ).encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:0000-{i}>\r\n"
        f"WARC-Target-URI: {url}\r\n"
        f"WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def test_missing_extra_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.batch import formats

    def missing(module: str, extra: str, what: str) -> None:
        raise formats.MissingExtra(f"{what} needs the x package: pip install 'cleaner[{extra}]'")

    monkeypatch.setattr(formats, "need", missing)
    (tmp_path / "b.parquet").write_bytes(b"PAR1")
    errors = tmp_path / "e.jsonl"
    # Reading: the source is one error record naming the extra; the run goes on.
    assert cli.main(["clean", str(tmp_path / "b.parquet"), "-o", str(tmp_path / "o.jsonl"),
                     "--errors", str(errors), "-q"]) == 1  # fmt: skip
    (entry,) = _read_jsonl(errors)
    assert "pip install 'cleaner[parquet]'" in str(entry["error"])
    # Writing: known before the run, so refused before anything is written (exit 2).
    with pytest.raises(SystemExit) as exc:
        cli.main(["clean", str(tmp_path / "b.parquet"), "-o", str(tmp_path / "o.parquet"), "-q"])
    assert exc.value.code == 2 and not (tmp_path / "o.parquet").exists()


def test_progress_bar_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "in.jsonl", _records(50))
    assert cli.main(["clean", str(src), "-o", str(tmp_path / "o.jsonl"), "--progress", "-w", "1"]) == 0
    err = capsys.readouterr().err
    assert "docs/s" in err and "B/s" in err and "100%" in err


# -- kill and resume -------------------------------------------------------------------------


def _cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "cleaner", "clean", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}


def _interrupt_once(cmd: list[str], journal: Path, sig: int) -> int:
    """Start the command, wait until its journal has a checkpoint, send `sig`."""
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and journal.read_text().count("\n") >= 3:
            proc.send_signal(sig)
            break
        time.sleep(0.02)
    proc.wait(timeout=60)
    return proc.returncode


@pytest.mark.parametrize(("name", "sig"), [("in.jsonl.gz", signal.SIGKILL), ("in.jsonl", signal.SIGINT)])
def test_interrupted_run_resumes_without_loss_or_duplicates(tmp_path: Path, name: str, sig: int) -> None:
    lines = _records(10000, bad_every=97)
    lines[0] = "{a bad first record"  # an error before the first output must count for resume too
    src = _write(tmp_path / name, lines)
    ref_out, ref_err = tmp_path / "ref" / name, tmp_path / "ref-errors.jsonl"
    assert subprocess.run(_cmd(str(src), "-o", str(ref_out), "--errors", str(ref_err), "-w", "2", "-q"),
                          env=_env(), check=False).returncode == 1  # fmt: skip

    out, err = tmp_path / "out" / name, tmp_path / "errors.jsonl"
    cmd = _cmd(str(src), "-o", str(out), "--errors", str(err), "-w", "2", "-q", "--checkpoint-every", "0")
    journal = out.parent / f".{out.name}.cleaner-journal"
    code = _interrupt_once(cmd, journal, sig)
    assert code in (-signal.SIGKILL, 130), code
    assert not out.exists()  # nothing half-written in place of the output
    done = subprocess.run(cmd, env=_env(), capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr  # 1: some records failed, as in the reference
    assert "resuming an interrupted run" in done.stderr
    assert out.read_bytes() and _read_jsonl(out) == _read_jsonl(ref_out)
    assert err.read_text() == ref_err.read_text()
    records, errors = _read_jsonl(out), _read_jsonl(err)
    ids = [r["id"] for r in records] + [e["id"] or e["where"] for e in errors]
    assert len(ids) == len(set(ids)) == 10000  # records in = records out + error records
    assert not journal.exists() and sorted(p.name for p in out.parent.iterdir()) == [name]


def test_interrupted_directory_run_resumes(tmp_path: Path) -> None:
    src = tmp_path / "docs"
    src.mkdir()
    for i in range(400):
        (src / f"{i:04d}.txt").write_text(f"Story {i}\n" + ARTICLE * 20, encoding="utf-8")
    out = tmp_path / "out"
    cmd = _cmd(str(src), "-o", str(out), "-w", "2", "-q", "--checkpoint-every", "0")
    _interrupt_once(cmd, out / ".cleaner-journal", signal.SIGKILL)
    assert subprocess.run(cmd, env=_env(), check=False).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == [f"{i:04d}.txt" for i in range(400)]
    assert all("Also read" not in p.read_text() for p in out.iterdir())


class _Died(BaseException):
    """Stands for a kill between journaling a commit and renaming the file."""


def test_kill_between_commit_and_rename_completes_on_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cleaner.batch import writers

    lines = _records(300, bad_every=37)
    src = _write(tmp_path / "in.jsonl.gz", lines)
    ref, out = tmp_path / "ref.jsonl.gz", tmp_path / "out.jsonl.gz"
    argv = ["clean", str(src), "-w", "1", "-q", "--checkpoint-every", "0"]
    assert cli.main([*argv, "-o", str(ref), "--errors", str(tmp_path / "ref-err.jsonl")]) == 1

    def die(self: writers.JsonlWriter) -> None:
        raise _Died

    with monkeypatch.context() as m:
        m.setattr(writers.JsonlWriter, "commit", die)
        with pytest.raises(_Died):
            cli.main([*argv, "-o", str(out), "--errors", str(tmp_path / "err.jsonl")])
    assert not out.exists() and "commit" in (tmp_path / f".{out.name}.cleaner-journal").read_text()
    again = cli.main([*argv, "-o", str(out), "--errors", str(tmp_path / "err.jsonl")])
    assert again == 1  # nothing left to do, but the job had failed records
    assert _read_jsonl(out) == _read_jsonl(ref)
    assert (tmp_path / "err.jsonl").read_text() == (tmp_path / "ref-err.jsonl").read_text()


def test_a_record_that_kills_its_worker_is_one_error_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cleaner.pipeline import Cleaner

    src = _write(tmp_path / "in.jsonl", _records(1200))
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    argv = [
        "clean",
        str(src),
        "-o",
        str(out),
        "-w",
        "2",
        "-q",
        "--checkpoint-every",
        "0",
        "--errors",
        str(errors),
    ]
    real = Cleaner.clean

    def crash(self: Cleaner, source: str | bytes, *a: object, **kw: object) -> object:
        if isinstance(source, str) and source.startswith("Story 1000:"):
            os._exit(3)  # what an out-of-memory kill or a segfault looks like to the pool
        return real(self, source, *a, **kw)  # type: ignore[arg-type]

    with monkeypatch.context() as m:
        m.setattr(Cleaner, "clean", crash)  # the forked workers inherit it
        assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "in.jsonl:1001 [r1000]: the worker process died while cleaning this record (exit code 3)" in err
    assert [r["id"] for r in _read_jsonl(out)] == [f"r{i}" for i in range(1200) if i != 1000]
    (entry,) = _read_jsonl(errors)
    assert entry["id"] == "r1000" and entry["where"].endswith("in.jsonl:1001")
    assert not (tmp_path / ".out.jsonl.cleaner-journal").exists()  # finished: nothing to resume


def test_warc_in_warc_out(tmp_path: Path) -> None:
    """`-o x.warc.gz` writes a WARC of `conversion` records: the clean text, each record in
    a gzip member of its own, referring to the response it came from."""
    warc = pytest.importorskip("fastwarc.warc")
    src = tmp_path / "c.warc.gz"
    src.write_bytes(b"".join(gzip.compress(_warc(f"https://w.example/{i}", i)) for i in range(3)))
    ids = [r.record_id for r in warc.ArchiveIterator(src.open("rb"))]
    out = tmp_path / "clean.warc.gz"
    assert cli.main(["clean", str(src), "-o", str(out), "-w", "1", "-q"]) == 0
    got = [
        (r.record_type, r.headers.get("WARC-Refers-To"), r.headers.get("WARC-Target-URI"), r.reader.read())
        for r in warc.ArchiveIterator(out.open("rb"), parse_http=False)
    ]
    assert [g[0] for g in got] == [warc.WarcRecordType.conversion] * 3
    assert [g[1] for g in got] == ids
    assert [g[2] for g in got] == [f"https://w.example/{i}" for i in range(3)]
    text = got[0][3].decode()
    assert "Café number 0" in text and "<" not in text
    again = tmp_path / "again.warc.gz"
    assert cli.main(["clean", str(src), "-o", str(again), "-w", "2", "-q"]) == 0
    assert again.read_bytes() == out.read_bytes()  # ids derived from the input: same bytes
    assert gzip.decompress(out.read_bytes()).count(b"WARC/1.1\r\n") == 3


def test_big_parquet_rows_are_read_and_sent_a_few_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pa, pq = pytest.importorskip("pyarrow"), pytest.importorskip("pyarrow.parquet")
    from cleaner.batch import engine as batch
    from cleaner.batch import formats

    small = tmp_path / "small.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": i, "text": "short"} for i in range(1000)]), small)
    assert formats.parquet_batch_rows(pq.ParquetFile(small).metadata) == formats.PARQUET_BATCH
    # rows of 1 MB against a 4 MB budget (the real one is 64 MB: 256 pages of 20 MB would be 5 GB)
    monkeypatch.setattr(formats, "PARQUET_BATCH_BYTES", 4 << 20)
    pages = [f"{i} {BODY} " * ((1 << 20) // len(BODY)) for i in range(12)]
    big = tmp_path / "big.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": i, "text": p} for i, p in enumerate(pages)]), big)
    assert 1 <= formats.parquet_batch_rows(pq.ParquetFile(big).metadata) <= 4
    # the worker batches count a row's strings too: a few big rows make a batch
    units = [("row", f"big:{i}", i, {"id": i, "text": p}) for i, p in enumerate(pages)]
    assert batch.unit_size(units[0]) > len(pages[0])
    assert max(
        len(b) for b in batch.batches(iter([("k", u, 0) for u in units]))
    ) <= 1 + batch.BATCH_BYTES // len(pages[0])
    # the Parquet writer flushes a part file by bytes as well as by rows
    from cleaner.batch import writers

    monkeypatch.setattr(writers, "PARQUET_PART_BYTES", 4 << 20)
    w = writers.ParquetWriter(tmp_path / "parts.parquet")
    for i, p in enumerate(pages):
        w.write({"id": i, "text": p})
    assert w.checkpoint() >= 3  # 12 rows of 1 MB in parts of about 4 MB
    w.commit()
    assert pq.read_table(tmp_path / "parts.parquet").column("id").to_pylist() == list(range(12))
    # and every row still comes out once, in order
    out = tmp_path / "out.parquet"
    assert cli.main(["clean", str(big), "-o", str(out), "-q"]) == 0
    assert pq.read_table(out).column("id").to_pylist() == list(range(12))
