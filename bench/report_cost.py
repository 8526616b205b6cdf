"""What the HTML audit report costs: `cleaner report` and `cleaner clean --report` beside a
plain `cleaner clean` of the same documents, in the same run, on one worker.

    .venv/bin/python -m bench.report_cost [--docs 10000] [--runs 3] [--workers 1]

The documents are the dev sets' text inputs (bench.data: resiliparse `main` and html_text
`full` of dev-trafilatura, dev-dragnet-train and dev-wcxb), repeated under new ids until
there are --docs of them, as one JSONL file. Each command runs --runs times, the three
interleaved so that a noisy neighbour hurts all of them alike; the table gives medians of
wall time and of CPU time (user + system, workers included), the peak memory of the
largest process, and the report's size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.data import text_inputs

SETS = ("dev-trafilatura", "dev-dragnet-train", "dev-wcxb")
CLEANER = [sys.executable, "-m", "cleaner"]


def corpus(path: Path, n: int) -> int:
    docs = [
        {"id": f"{s}/{k}/{p['id']}", "url": p.get("url"), "text": p["text"]}
        for s in SETS
        for k in ("main", "full")
        for p in text_inputs(s, k)
    ]
    size = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            d = docs[i % len(docs)]
            line = json.dumps({**d, "id": f"{d['id']}#{i // len(docs)}"}, ensure_ascii=False) + "\n"
            size += len(line.encode("utf-8"))
            out.write(line)
    return size


# Runs the command and prints its tree's peak RSS: RUSAGE_CHILDREN of this process would
# keep the largest of every command run so far.
_WRAP = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def run(argv: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of the command and its workers, peak RSS (KB) of the largest."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAP, *argv], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, int(done.stderr.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        data = t / "docs.jsonl"
        size = corpus(data, args.docs)
        w = ["-w", str(args.workers), "-q", "--no-progress"]
        commands = {
            "clean -o out.jsonl": [*CLEANER, "clean", str(data), "-o", str(t / "out.jsonl"), *w],
            "clean -o out.jsonl --report r.html": [
                *CLEANER, "clean", str(data), "-o", str(t / "out.jsonl"), "--report", str(t / "c.html"), *w,
            ],
            "report -o r.html": [
                *CLEANER, "report", str(data), "-o", str(t / "r.html"), "-w", str(args.workers), "-q",
            ],
        }  # fmt: skip
        times: dict[str, list[tuple[float, float, int]]] = {k: [] for k in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                for old in t.glob("out.jsonl*"):
                    os.unlink(old)
                times[name].append(run(argv))
        report_size = (t / "r.html").stat().st_size
    print(
        f"{args.docs:,} documents, {size / 1e6:.1f} MB of JSONL, {args.workers} worker(s), {args.runs} runs\n"
    )
    print("| command | wall (median) | CPU (median) | CPU vs clean | peak RSS |")
    print("|---|---|---|---|---|")
    base = statistics.median(c for _, c, _ in times["clean -o out.jsonl"])
    for name, rows in times.items():
        wall = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        rss = max(r[2] for r in rows) / 1024
        print(f"| `cleaner {name}` | {wall:.1f} s | {cpu:.1f} s | {cpu / base:.2f}x | {rss:.0f} MB |")
    print(f"\nreport size: {report_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
