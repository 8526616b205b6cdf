"""Peak memory of `cleaner clean -w 2` as the corpus grows (1 GB and 4 GB of JSONL).

    python bench/batch_data.py --size 1GB --shards 8
    python bench/batch_data.py --size 4GB --shards 8
    python bench/batch_memory.py bench/.cache/corpus-1GB bench/.cache/corpus-4GB

Peak PSS is summed over the main process and its workers (shared pages split between
them, so the sum is the run's real footprint); max RSS is the largest single process.
Memory should not grow with the corpus: the runner holds a few batches in flight.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from batch_common import corpus_bytes, run

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / ".cache" / "out-mem"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpora", type=Path, nargs="+")
    ap.add_argument("--workers", default="2")
    args = ap.parse_args()
    print("| corpus | GB | wall s | MB/s | peak PSS (all processes) MB | max RSS (one process) MB | exit |")
    print("|---|---|---|---|---|---|---|")
    for corpus in args.corpora:
        corpus = corpus.resolve()
        shutil.rmtree(OUT, ignore_errors=True)
        size = corpus_bytes(corpus)
        cmd = [
            sys.executable,
            "-m",
            "cleaner",
            "clean",
            str(corpus),
            "-o",
            str(OUT),
            "-w",
            args.workers,
            "-q",
        ]
        m = run(cmd, cwd=str(ROOT))
        print(f"| {corpus.name} | {size / 1e9:.2f} | {m.wall:.0f} | {size / 1e6 / m.wall:.1f} | "
              f"{m.peak_pss_mb:.0f} | {m.peak_rss_mb:.0f} | {m.returncode} |", flush=True)  # fmt: skip
        shutil.rmtree(OUT, ignore_errors=True)


if __name__ == "__main__":
    main()
