"""Hostile inputs at full size through `cleaner clean`: time, peak memory and outcome of each.

    .venv/bin/python -m bench.limits [--only NAME ...] [--skip-slow]

Each input is generated into a temporary directory (nothing is committed), then cleaned by
a real `cleaner clean INPUT -o OUT --errors ERR -w 1` subprocess, measured as a process tree
(bench.batch_common.run: wall time, peak PSS summed over the main process and its worker).
The outcome is what a corpus user sees: records written, and the error records' messages.
tests/test_limits.py checks the same behaviours at scaled-down sizes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.batch_common import run

ROOT = Path(__file__).resolve().parent.parent
BODY = "The council approved the budget on Tuesday after a long debate about the schools.\n"
P = "<p>The council approved the budget on Tuesday after a long debate about the schools.</p>\n"
MB = 1_000_000


def _text(dir_: Path, size: int) -> Path:
    path = dir_ / "doc.txt"
    with path.open("w") as f:
        line = 0
        while f.tell() < size:
            f.write(f"Paragraph {line}: {BODY}" * 100)
            line += 1
    return path


def _html(dir_: Path, size: int) -> Path:
    path = dir_ / "doc.html"
    with path.open("w") as f:
        f.write("<html><head><title>T</title></head><body><article>")
        n = 0
        while f.tell() < size:
            f.write("".join(f"<p>Paragraph {n + i}: {P[3:]}" for i in range(1000)))
            n += 1000
        f.write("</article></body></html>")
    return path


def text_100mb(d: Path) -> tuple[Path, list[str]]:
    return _text(d, 100 * MB), []


def text_100mb_unlimited(d: Path) -> tuple[Path, list[str]]:
    return _text(d, 100 * MB), ["--max-size", "0"]


def html_100mb(d: Path) -> tuple[Path, list[str]]:
    return _html(d, 100 * MB), []


def html_100mb_fast_unlimited(d: Path) -> tuple[Path, list[str]]:
    return _html(d, 100 * MB), ["--max-size", "0", "--html-fast"]


def html_30mb(d: Path) -> tuple[Path, list[str]]:
    return _html(d, 30 * MB), []


def line_10mb(d: Path) -> tuple[Path, list[str]]:
    path = d / "line.txt"
    path.write_text("word " * (2 * MB))
    return path, []


def jsonl_line_10mb(d: Path) -> tuple[Path, list[str]]:
    path = d / "big.jsonl"
    path.write_text(
        json.dumps({"id": "big", "text": "word " * (2 * MB)})
        + "\n"
        + json.dumps({"id": "b", "text": BODY})
        + "\n"
    )
    return path, []


def nested_100k(d: Path) -> tuple[Path, list[str]]:
    path = d / "deep.html"
    path.write_text("<html><body>" + "<div>" * 100_000 + BODY + "</div>" * 100_000 + "</body></html>")
    return path, []


def nested_4900_spans(d: Path) -> tuple[Path, list[str]]:
    path = d / "deep.html"
    path.write_text(
        "<html><body><article>" + "<span>" * 4900 + P * 5 + "</span>" * 4900 + "</article></body></html>"
    )
    return path, []


def random_10mb(d: Path) -> tuple[Path, list[str]]:
    path = d / "noise.txt"
    path.write_bytes(os.urandom(10 * MB))
    return path, []


def zip_as_html(d: Path) -> tuple[Path, list[str]]:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.bin", os.urandom(5 * MB))
    path = d / "archive.html"
    path.write_bytes(buf.getvalue())
    return path, []


def _bomb(f: Any) -> None:
    """A good record, a 1 GB one of a single repeated byte (it compresses to almost
    nothing), and another good record."""
    f.write(json.dumps({"id": "r0", "text": BODY}).encode() + b"\n")
    f.write(b'{"id": "bomb", "text": "')
    chunk = b"a" * MB
    for _ in range(1000):
        f.write(chunk)
    f.write(b'"}\n' + json.dumps({"id": "r2", "text": BODY}).encode() + b"\n")


def gzip_bomb_1gb(d: Path) -> tuple[Path, list[str]]:
    path = d / "bomb.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=9) as f:
        _bomb(f)
    return path, []


def zstd_bomb_1gb(d: Path) -> tuple[Path, list[str]]:
    import zstandard

    path = d / "bomb.jsonl.zst"
    with path.open("wb") as raw, zstandard.ZstdCompressor(level=19).stream_writer(raw) as f:
        _bomb(f)
    return path, []


def billion_laughs(d: Path) -> tuple[Path, list[str]]:
    ents = "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "lol") * 10}">' for i in range(1, 10))
    path = d / "laughs.html"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE html [{ents}]><html xmlns="http://www.w3.org/1999/xhtml">'
        f"<body><article><p>&lol9;</p>{P * 3}</article></body></html>"
    )
    return path, []


def numeric_entities_30mb(d: Path) -> tuple[Path, list[str]]:
    path = d / "entities.html"
    path.write_text("<html><body><article><p>" + "&#65;" * (6 * MB) + f"</p>{P * 3}</article></body></html>")
    return path, []


CASES: dict[str, tuple[str, Callable[[Path], tuple[Path, list[str]]], bool]] = {
    # name: (what, make, slow)
    "text-100MB": ("a 100 MB text document (default limit)", text_100mb, False),
    "text-100MB-nolimit": ("the same with --max-size 0", text_100mb_unlimited, True),
    "html-100MB": ("a 100 MB HTML page (default limit)", html_100mb, False),
    "html-100MB-fast-nolimit": ("the same, --max-size 0 --html-fast", html_100mb_fast_unlimited, True),
    "html-30MB": ("a 30 MB HTML page, default mode (under the limit)", html_30mb, True),
    "line-10MB": ("one 10 MB line of text", line_10mb, False),
    "jsonl-line-10MB": ("a JSONL record of 10 MB", jsonl_line_10mb, False),
    "nested-100k": ("HTML nested 100,000 <div>s deep", nested_100k, False),
    "nested-4900-spans": ("HTML nested 4,900 <span>s deep (under the limit)", nested_4900_spans, False),
    "random-10MB": ("10 MB of random bytes as .txt", random_10mb, False),
    "zip-as-html": ("a 5 MB ZIP archive named .html", zip_as_html, False),
    "gzip-bomb-1GB": ("a 1 GB JSONL line in a .jsonl.gz", gzip_bomb_1gb, False),
    "zstd-bomb-1GB": ("a 1 GB JSONL line in a .jsonl.zst", zstd_bomb_1gb, False),
    "billion-laughs": ("XHTML with a billion-laughs DTD", billion_laughs, False),
    "numeric-entities-30MB": ("6M numeric entities (&#65;), 30 MB", numeric_entities_30mb, False),
}


def _outcome(out: Path, err: Path) -> str:
    written = 0
    if out.is_file():
        if out.name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst")):
            from cleaner.batch.sources import Source, read_source

            written = sum(1 for _ in read_source(Source(out, Path(out.name), "jsonl")))
        else:
            written = 1
    errors = [json.loads(x)["error"] for x in err.read_text().splitlines()] if err.exists() else []
    parts = [f"{written} written"]
    parts += [f"error: {e[:90]}" for e in errors]
    return "; ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="*", choices=sorted(CASES), help="run only these cases")
    ap.add_argument("--skip-slow", action="store_true", help="skip the runs past the limits (minutes each)")
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print("| input | size on disk | wall s | peak PSS MB | exit | outcome |")
    print("|---|---|---|---|---|---|")
    for name, (what, make, slow) in CASES.items():
        if (args.only and name not in args.only) or (slow and args.skip_slow):
            continue
        with tempfile.TemporaryDirectory(prefix="cleaner-limits-") as tmp:
            src, extra = make(Path(tmp))
            suffix = ".jsonl" if src.name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst")) else ".txt"
            out, err = Path(tmp) / f"out{suffix}", Path(tmp) / "errors.jsonl"
            cmd = [sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), "--errors", str(err),
                   "-w", "1", "-q", *extra]  # fmt: skip
            m = run(cmd, env=env, cwd=str(ROOT))
            size = src.stat().st_size
            print(
                f"| {what} | {size / MB:,.2f} MB | {m.wall:.1f} | {m.peak_pss_mb:,.0f} | {m.returncode} "
                f"| {_outcome(out, err)} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
