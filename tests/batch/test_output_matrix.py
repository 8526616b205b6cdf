"""Issue 16: every input kind x every -o target, through the real `cleaner` console script.

Each cell either delivers every record exactly once, in a format that reads back (each
record's text carries a unique token; the outputs are parsed by their suffix and every
token must be there once), with the run's books in its summary; or it is refused with
exit 2, a message saying what to write instead, and nothing written. The expected outcome
comes from the rule table below (docs/batch-output.md), not from cleaner.batch.target.

The 90 runs go through a thread pool (each is a separate process, mostly start-up):
about 35 CPU-seconds in all, so ~20 s on two idle cores and about a minute when other
jobs share them. `-o -`, the books in every mode (workers, resume, profile) and
injected losses are in tests/batch/test_books.py.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

pq = pytest.importorskip("pyarrow.parquet")
pa = pytest.importorskip("pyarrow")
zstd = pytest.importorskip("zstandard")

TOKEN = re.compile(r"\btok\d{3}\b")
_counter = iter(range(100, 1000))


def _sentence() -> tuple[str, str]:
    tok = f"tok{next(_counter)}"
    return tok, (
        f"The regional council met {tok} on Tuesday and approved the new budget for schools, "
        "roads and the hospital after a long debate that lasted well into the evening."
    )


def _html(text: str) -> str:
    return (
        "<html><head><meta charset='utf-8'><title>News</title></head><body><article>"
        f"<p>{text}</p><p>Residents were invited to comment on the plan before the final vote next month."
        "</p></article></body></html>"
    )


def _warc(records: list[str]) -> bytes:
    out = b""
    for i, text in enumerate(records):
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + _html(text).encode()
        head = (
            f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{i:08d}-m>\r\n"
            f"WARC-Target-URI: https://news.example/{i}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
        ).encode()
        out += gzip.compress(head + http + b"\r\n\r\n")
    return out


@dataclass
class Input:
    args: list[str]  # relative to the inputs directory ("-" for stdin)
    tokens: set[str]
    shape: str  # "doc": one document; "records": one source of records; "many": several sources
    stdin: bytes | None = None


def _records(n: int, prefix: str) -> tuple[list[dict[str, str]], set[str]]:
    rows, toks = [], set()
    for i in range(n):
        tok, text = _sentence()
        rows.append({"id": f"{prefix}{i}", "text": text, "lang": "en"})
        toks.add(tok)
    return rows, toks


def _jsonl(rows: list[dict[str, str]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def _build_inputs(root: Path) -> dict[str, Input]:
    inputs: dict[str, Input] = {}
    (root / "tree" / "sub").mkdir(parents=True)

    tok, text = _sentence()
    (root / "one.txt").write_text(text + "\n", encoding="utf-8")
    inputs["txt"] = Input(["one.txt"], {tok}, "doc")
    tok, text = _sentence()
    (root / "one.html").write_text(_html(text), encoding="utf-8")
    inputs["html"] = Input(["one.html"], {tok}, "doc")

    rows, toks = _records(3, "j")
    (root / "recs.jsonl").write_bytes(_jsonl(rows))
    inputs["jsonl"] = Input(["recs.jsonl"], toks, "records")
    rows, toks = _records(3, "p")
    pq.write_table(pa.Table.from_pylist(rows), root / "rows.parquet")
    inputs["parquet"] = Input(["rows.parquet"], toks, "records")
    texts = [_sentence() for _ in range(2)]
    (root / "crawl.warc.gz").write_bytes(_warc([t for _, t in texts]))
    inputs["warc"] = Input(["crawl.warc.gz"], {t for t, _ in texts}, "records")

    tree_toks: set[str] = set()
    tok, text = _sentence()
    (root / "tree" / "a.txt").write_text(text + "\n", encoding="utf-8")
    tree_toks.add(tok)
    tok, text = _sentence()
    (root / "tree" / "b.html").write_text(_html(text), encoding="utf-8")
    tree_toks.add(tok)
    rows, toks = _records(2, "c")
    (root / "tree" / "sub" / "c.jsonl.gz").write_bytes(gzip.compress(_jsonl(rows)))
    tree_toks |= toks
    rows, toks = _records(2, "d")
    pq.write_table(pa.Table.from_pylist(rows), root / "tree" / "sub" / "d.parquet")
    tree_toks |= toks
    texts = [_sentence()]
    (root / "tree" / "e.warc.gz").write_bytes(_warc([t for _, t in texts]))
    tree_toks |= {t for t, _ in texts}
    inputs["dir"] = Input(["tree"], tree_toks, "many")
    inputs["two-files"] = Input(
        ["one.txt", "recs.jsonl"], inputs["txt"].tokens | inputs["jsonl"].tokens, "many"
    )

    tok, text = _sentence()
    inputs["stdin-text"] = Input(["-"], {tok}, "doc", (text + "\n").encode())
    rows, toks = _records(2, "s")
    inputs["stdin-jsonl"] = Input(["-", "--stdin-format", "jsonl"], toks, "records", _jsonl(rows))
    return inputs


#: target name -> the -o arguments; "outdir" and "old" exist before the run.
TARGETS: dict[str, list[str]] = {
    "stdout": [],
    "new-noext": ["-o", "out"],
    "txt": ["-o", "out.txt"],
    "json": ["-o", "out.json"],
    "jsonl": ["-o", "out.jsonl"],
    "parquet": ["-o", "out.parquet"],
    "warc.gz": ["-o", "out.warc.gz"],
    "slash-new": ["-o", "out/"],
    "existing-dir": ["-o", "outdir"],
    "existing-file": ["-o", "old"],
}
INPUTS = ["txt", "html", "jsonl", "parquet", "warc", "dir", "two-files", "stdin-text", "stdin-jsonl"]


def expected(shape: str, target: str) -> str:
    """The rule table (docs/batch-output.md): "text", "jsonl" (stdout), "file", "dir" or "refused"."""
    if target == "stdout":
        return "text" if shape == "doc" else "jsonl"
    if target == "json":
        return "refused"
    if target in ("jsonl", "parquet", "warc.gz"):
        return "file"
    if target in ("slash-new", "existing-dir"):
        return "dir"
    if shape == "doc":  # new-noext, txt, existing-file: one document's clean text
        return "file"
    if target == "new-noext" and shape == "many":
        return "dir"
    return "refused"


def _cleaner() -> list[str]:
    script = Path(sys.executable).with_name("cleaner")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cleaner"]


def _snapshot(root: Path) -> list[tuple[str, int, bytes]]:
    return sorted((str(p.relative_to(root)), p.stat().st_size, p.read_bytes()[:64])
                  for p in root.rglob("*") if p.is_file())  # fmt: skip


@dataclass
class Cell:
    proc: subprocess.CompletedProcess[bytes]
    work: Path
    before: list[tuple[str, int, bytes]]
    after: list[tuple[str, int, bytes]]


def _run(inputs_dir: Path, work: Path, inp: Input, target: str) -> Cell:
    work.mkdir(parents=True)
    (work / "outdir").mkdir()
    (work / "old").write_text("old content\n", encoding="utf-8")
    before = _snapshot(work)
    args = [a if a.startswith("-") or a == "jsonl" else str(inputs_dir / a) for a in inp.args]
    cmd = [*_cleaner(), "clean", *args, *TARGETS[target], "-w", "1", "--no-progress"]
    proc = subprocess.run(
        cmd, input=inp.stdin or b"", capture_output=True, cwd=work, timeout=120, check=False
    )
    return Cell(proc, work, before, _snapshot(work))


@pytest.fixture(scope="module")
def matrix(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dict[str, Input], dict[tuple[str, str], Cell]]]:
    root = tmp_path_factory.mktemp("matrix")
    inputs = _build_inputs(root / "in")
    jobs = [(i, t) for i in INPUTS for t in TARGETS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {(i, t): pool.submit(_run, root / "in", root / "work" / f"{i}--{t}", inputs[i], t)
                   for i, t in jobs}  # fmt: skip
        cells = {key: fut.result() for key, fut in futures.items()}
    yield inputs, cells
    shutil.rmtree(root, ignore_errors=True)


# -- reading outputs back ------------------------------------------------------------------


def _texts_of_file(path: Path) -> list[str]:
    """The record texts of one output file, parsed as its name says (it must parse)."""
    name = path.name
    if name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst")):
        raw = path.read_bytes()
        if name.endswith(".gz"):
            raw = gzip.decompress(raw)
        elif name.endswith(".zst"):
            raw = zstd.ZstdDecompressor().decompressobj().decompress(raw)
        records = [json.loads(line) for line in raw.decode().splitlines()]
        assert all("id" in r for r in records), name
        return [r["text"] for r in records]
    if name.endswith(".parquet"):
        return [str(t) for t in pq.read_table(path).column("text").to_pylist()]
    if name.endswith((".warc", ".warc.gz")):
        raw = path.read_bytes()
        raw = gzip.decompress(raw) if name.endswith(".gz") else raw
        parts = raw.split(b"WARC/1.1\r\n")[1:]
        return [p.split(b"\r\n\r\n", 1)[1].decode() for p in parts]
    return [path.read_text(encoding="utf-8")]  # one document's clean text


def _outputs(cell: Cell, target: str, outcome: str) -> list[str]:
    if outcome == "text":
        return [cell.proc.stdout.decode()]
    if outcome == "jsonl":
        return [json.loads(line)["text"] for line in cell.proc.stdout.decode().splitlines()]
    path = cell.work / TARGETS[target][1].rstrip("/")
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    assert not [p for p in files if p.name.startswith(".")], "temporary or journal files left behind"
    return [t for f in files for t in _texts_of_file(f)]


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("kind", INPUTS)
def test_every_record_once_or_refused(matrix: tuple[dict[str, Input], dict[tuple[str, str], Cell]],
                                      kind: str, target: str) -> None:  # fmt: skip
    inputs, cells = matrix
    inp, cell = inputs[kind], cells[(kind, target)]
    outcome = expected(inp.shape, target)
    err = cell.proc.stderr.decode()
    if outcome == "refused":
        assert cell.proc.returncode == 2, err
        assert "error: -o" in err and ("write -o" in err or "name it" in err), err
        assert cell.after == cell.before and cell.proc.stdout == b""  # nothing written
        return
    assert cell.proc.returncode == 0, err
    found = [tok for text in _outputs(cell, target, outcome) for tok in TOKEN.findall(text)]
    assert sorted(found) == sorted(inp.tokens)  # each record exactly once, none other
    n = len(inp.tokens)
    assert f"books: {n} records read = {n} written + 0 errors" in err
    if outcome in ("text", "jsonl"):
        assert cell.after == cell.before  # stdout runs write no file


#: More refusals: (files to make, arguments, what the message must say).
REFUSALS = {
    "same name twice": (
        ["a/x.txt", "b/x.txt"],
        ["a/x.txt", "b/x.txt", "-o", "out/"],
        "would both be written",
    ),
    "html beside txt": (["c/page.txt", "c/page.html"], ["c", "-o", "out/"], "all into one file"),
    "output is the input dir": (["c/page.txt"], ["c", "-o", "c"], "is the input directory"),
    "output beside its input": (["x.txt"], ["x.txt", "-o", "."], "overwritten by its own output"),
    "merged file read back": (["c/a.txt", "c/all.jsonl"], ["c", "-o", "c/all.jsonl"], "is also an input"),
    "slash on a file": (["a/x.txt", "f"], ["a", "-o", "f/"], "is a file, not a directory"),
    "empty -o": (["a/x.txt"], ["a", "-o", ""], "-o needs a name"),
    "dir into a .txt": (["a/x.txt"], ["a", "-o", "all.txt"], "write -o all.jsonl"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_more_refusals_write_nothing(case: str, tmp_path: Path) -> None:
    files, args, message = REFUSALS[case]
    for name in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"id": "j", "text": "x"}\n' if name.endswith(".jsonl") else "Some text.\n")
    before = _snapshot(tmp_path)
    proc = subprocess.run([*_cleaner(), "clean", *args, "-w", "1"], capture_output=True, cwd=tmp_path,
                          timeout=60, check=False)  # fmt: skip
    assert proc.returncode == 2 and message in proc.stderr.decode(), proc.stderr.decode()
    assert _snapshot(tmp_path) == before and proc.stdout == b""
