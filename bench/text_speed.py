"""Text-mode throughput: the cleaner and the baselines on the text inputs of the dev sets.

    .venv/bin/python -m bench.text_speed [--repeats 5] [--justext-limit 200] [--kind main full]
        [--systems cleaner cleaner-rules c4 ftfy justext] [--limit N]

One process, pinned to one core; `cleaner-rules` is the cleaner without its learned scorer.
Each system cleans the same list of texts `--repeats` times; the table gives the median
pass: MB/s (UTF-8 bytes of input per wall-clock second; "MB/s (CPU time)" divides by the
process's CPU time instead, which other jobs on a shared machine disturb less), docs/s and
throughput relative to the cleaner. jusText is slow, so it runs on `--justext-limit` evenly
spaced documents only and the time for all documents is extrapolated per document.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench import baselines
from bench.data import SETS, text_inputs

Doc = tuple[str, str]  # (text, lang)
SYSTEMS = ("cleaner", "cleaner-rules", "c4", "ftfy", "justext")


@dataclass
class Timing:
    system: str
    docs: int
    mbytes: float
    seconds: float  # median of the repeats, wall clock
    cpu: float  # median of the repeats, CPU time of this process (robust to other jobs)
    errors: int = 0  # documents that raised (per pass)

    @property
    def mb_s(self) -> float:
        return self.mbytes / self.seconds

    @property
    def cpu_mb_s(self) -> float:
        return self.mbytes / self.cpu

    @property
    def docs_s(self) -> float:
        return self.docs / self.seconds


def make_system(name: str) -> Callable[[str, str], object]:
    if name in ("cleaner", "cleaner-rules"):
        import cleaner

        c = cleaner.Cleaner(scorer=name == "cleaner")  # cleaner-rules: without the learned scorer
        return lambda text, lang: c.clean(text, kind="text")
    if name == "c4":
        return lambda text, lang: baselines.c4_lines(text)
    if name == "ftfy":
        return lambda text, lang: baselines.ftfy_fix(text)
    return baselines.justext_lines


def measure(name: str, docs: Sequence[Doc], repeats: int) -> Timing:
    fn = make_system(name)
    for text, lang in docs[:20]:  # warm up: lazy imports, compiled rules, stoplists
        with contextlib.suppress(Exception):
            fn(text, lang)
    times, cpu = [], []
    errors = 0
    for _ in range(repeats):
        errors = 0
        start, cpu_start = time.perf_counter(), time.process_time()
        for text, lang in docs:
            try:
                fn(text, lang)
            except Exception:  # noqa: BLE001 - counted and reported, the pass goes on
                errors += 1
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    mbytes = sum(len(t.encode("utf-8")) for t, _ in docs) / 1e6
    return Timing(name, len(docs), mbytes, statistics.median(times), statistics.median(cpu), errors)


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to cpu {cpu}"
    return "not pinned"


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--justext-limit", type=int, default=200, help="documents jusText runs on")
    ap.add_argument("--limit", type=int, default=None, help="first N documents of each set")
    ap.add_argument("--kind", nargs="+", default=["main"], choices=("main", "full"), help="input kinds")
    args = ap.parse_args(argv)
    where = pin_one_core()
    for kind in args.kind:
        run_kind(kind, args, where)


def run_kind(kind: str, args: argparse.Namespace, where: str) -> None:
    """One table: every system over the chosen sets' inputs of one kind."""
    docs: list[Doc] = []
    for name in SETS:
        docs += [(p["text"], p.get("lang") or "en") for p in text_inputs(name, kind)[: args.limit]]
    total_mb = sum(len(t.encode("utf-8")) for t, _ in docs) / 1e6
    print(
        f"\n{len(docs)} documents, {total_mb:.1f} MB ({', '.join(SETS)}, {kind}); "
        f"median of {args.repeats}; Python {platform.python_version()}, {where}\n"
    )

    timings: list[Timing] = []
    for name in args.systems:
        subset = docs
        if name == "justext" and args.justext_limit < len(docs):  # evenly spaced, both sets
            subset = docs[:: len(docs) // args.justext_limit][: args.justext_limit]
        try:
            timings.append(measure(name, subset, args.repeats))
        except Exception as exc:  # noqa: BLE001 - a missing system costs its row only
            print(f"{name} skipped: {type(exc).__name__}: {exc}")

    ref = next((t for t in timings if t.system == "cleaner"), None)
    rows = []
    for t in timings:
        est = f"{t.seconds * len(docs) / t.docs:.1f}" + ("" if t.docs == len(docs) else " (est.)")
        ratio = f"{t.mb_s / ref.mb_s:.2f}x" if ref else "-"
        row = [t.system, str(t.docs), str(t.errors), f"{t.mb_s:.2f}", f"{t.cpu_mb_s:.2f}", f"{t.docs_s:.0f}"]
        rows.append([*row, est, ratio])
    print("| system | docs | errors | MB/s | MB/s (CPU time) | docs/s | s (all docs) | speed vs cleaner |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
