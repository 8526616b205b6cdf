"""Batch throughput: the CLI with 1 and 2 workers, and the same job through datatrove's
LocalPipelineExecutor, on the same corpus in one run.

    python bench/batch_data.py --size 1GB --shards 8
    python bench/batch_throughput.py bench/.cache/corpus-1GB

Each run reads the corpus folder (JSONL shards built from the dev sets' text inputs),
cleans in text mode and writes JSONL with the removals added; outputs go under
bench/.cache/out-* and are deleted after each run. MB/s is input megabytes per wall
second. CPU s/GB is the tree's CPU time per input gigabyte (how much work, whatever the
neighbours do); "others" is the CPU other processes on this shared machine used during
the run, in cores (0 = we had the machine to ourselves).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from batch_common import Measured, corpus_bytes, run

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"


def datatrove_job(corpus: str, out: str, logs: str, workers: int) -> None:
    """The datatrove pipeline (run in a child process so it is measured like the CLI)."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from cleaner.config import Config
    from cleaner.integrations.datatrove import CleanerStep

    tasks = len(list(Path(corpus).glob("*.jsonl")))
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(corpus, glob_pattern="*.jsonl"),
            CleanerStep(Config(kind="text"), kind="text"),
            JsonlWriter(out, output_filename="${rank}.jsonl", compression=None),
        ],
        tasks=tasks,
        workers=workers,
        logging_dir=logs,
    ).run()


def _row(name: str, m: Measured, size: int, base: float | None) -> str:
    mbps = size / 1e6 / m.wall
    speedup = f"{mbps / base:.2f}x" if base else "-"
    return (
        f"| {name} | {m.wall:.1f} | {mbps:.1f} | {speedup} | {m.cpu / (size / 1e9):.0f} | "
        f"{m.others_cpu / m.wall:.2f} | {m.peak_pss_mb:.0f} | {m.peak_rss_mb:.0f} | {m.returncode} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path, nargs="?")
    ap.add_argument("--skip-datatrove", action="store_true")
    ap.add_argument("--workers", nargs="+", default=["1", "2"], help="CLI runs, in this order (default: 1 2)")
    ap.add_argument(
        "--datatrove-job", nargs=4, metavar=("CORPUS", "OUT", "LOGS", "WORKERS"), help=argparse.SUPPRESS
    )
    args = ap.parse_args()
    if args.datatrove_job:
        corpus, out, logs, workers = args.datatrove_job
        datatrove_job(corpus, out, logs, int(workers))
        return
    args.corpus = args.corpus.resolve()
    size = corpus_bytes(args.corpus)
    exe = [sys.executable, "-m", "cleaner", "clean", str(args.corpus)]
    runs: list[tuple[str, list[str]]] = [
        (f"cleaner clean -w {w}", [*exe, "-o", str(CACHE / f"out-w{w}"), "-w", w, "--kind", "text"])
        for w in args.workers
    ]
    if not args.skip_datatrove:
        job = [str(args.corpus), str(CACHE / "out-dt"), str(CACHE / "out-dt-logs"), "2"]
        runs.append(
            (
                "datatrove Local, 2 workers",
                [sys.executable, str(Path(__file__).resolve()), "--datatrove-job", *job],
            )
        )
    print(f"corpus: {args.corpus} ({size / 1e9:.2f} GB, {len(list(args.corpus.glob('*.jsonl')))} shards)\n")
    print("| run | wall s | MB/s | vs -w 1 | CPU s/GB | others (cores) | peak PSS MB | max RSS MB | exit |")
    print("|---|---|---|---|---|---|---|---|---|")
    results: list[tuple[str, Measured, str]] = []
    for name, cmd in runs:
        for out in (*(f"out-w{w}" for w in args.workers), "out-dt", "out-dt-logs"):
            shutil.rmtree(CACHE / out, ignore_errors=True)
        m = run(cmd, cwd=str(ROOT))
        if m.returncode != 0:
            print(m.stderr[-2000:], file=sys.stderr)
        summary = [
            line for line in m.stderr.splitlines() if line.startswith("cleaner: ") and "documents" in line
        ]
        results.append((name, m, summary[-1] if summary else ""))
    base = next((size / 1e6 / m.wall for name, m, _ in results if name.endswith("-w 1")), None)
    for name, m, last in results:
        print(_row(name, m, size, base))
        if last:
            print(f"|   {last} |")
    for out in (*(f"out-w{w}" for w in args.workers), "out-dt", "out-dt-logs"):
        shutil.rmtree(CACHE / out, ignore_errors=True)


if __name__ == "__main__":
    main()
