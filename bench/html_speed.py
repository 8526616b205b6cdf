"""HTML-mode throughput: the cleaner (default and fast) and the extractors, on the raw pages.

    .venv/bin/python -m bench.html_speed [--systems NAME...] [--repeats 3] [--limit N]
        [--slow-limit 400] [--stages]

One process pinned to one core. The pages of both dev sets (1,956 pages, ~215 MB of
HTML) are read into memory first; each system then processes the same list `--repeats`
times after a warm-up on 20 pages, and the table gives the median pass: docs/s, MB/s
of HTML, and the speed relative to trafilatura with favor_precision (the issue's
reference). Systems slower than ~100 docs/s run on `--slow-limit` evenly spaced pages
(marked "est."): their per-page rate is what counts. `--stages` adds where fast mode's time
goes: CPU milliseconds a page for each stage, run one by one over the same pages. The systems are those of
bench/html_quality.py, called the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import statistics
import time
from collections.abc import Sequence
from functools import partial
from typing import Any

from bench.data import SETS, pages
from bench.html_quality import SYSTEMS, make_system
from bench.text_speed import pin_one_core

FAST = frozenset({"cleaner-fast", "resiliparse"})  # fast enough to run on every page
REFERENCE = "trafilatura-precision"


def measure(name: str, docs: Sequence[str], repeats: int) -> tuple[float, int]:
    """Median seconds for one pass over `docs`, and the documents that raised."""
    fn = make_system(name)
    for html in docs[:20]:  # warm up: imports, compiled rules, caches
        with contextlib.suppress(Exception):
            fn(html)
    times = []
    errors = 0
    for _ in range(repeats):
        errors = 0
        start = time.perf_counter()
        for html in docs:
            try:
                fn(html)
            except Exception:  # noqa: BLE001 - counted, the pass goes on
                errors += 1
        times.append(time.perf_counter() - start)
    return statistics.median(times), errors


def stages(docs: Sequence[str]) -> None:
    """CPU ms a page for each stage of fast mode, in pipeline order (each stage's input is
    prepared by the stages before it, outside its timer)."""
    from cleaner import Cleaner, density, dom, html, limits, meta

    cleaner = Cleaner(html_fast=True)
    spent: dict[str, float] = {}

    def timed(name: str, fn: Any, *args: Any) -> Any:
        start = time.process_time()
        out = fn(*args)
        spent[name] = spent.get(name, 0.0) + time.process_time() - start
        return out

    dom.name_verdict.cache_clear()  # both passes start cold: each page is a new site here
    for doc in docs:
        timed("depth guard", limits.nesting_depth, doc)
        tree = timed("parse (Lexbor)", dom.parse, doc)
        ld = timed("strip script/style/...", dom.strip_never_text, tree)
        info = timed("metadata", meta.read_metadata, tree, ld)
        timed("title candidates", meta.title_candidates, tree)
        timed("DOM pass (prune)", partial(dom.prune, tree, strip=False))
        page = timed("density walk", density.page_blocks, tree)
        blocks = [page.blocks[k] for k in timed("density choice", density.choose, page)]
        text = "\n".join(b.text for b in blocks)
        timed("text core + HTML rules", partial(cleaner.clean_text, text, None, info, features=blocks))
        held = [tree]
        tree = page = None
        timed("free the tree", held.clear)
    dom.name_verdict.cache_clear()
    start = time.process_time()
    for doc in docs:
        html.clean_html(cleaner, doc)
    whole = (time.process_time() - start) / len(docs) * 1e3
    print(f"\nfast mode by stage, CPU ms a page ({len(docs)} pages; the whole call: {whole:.2f} ms):\n")
    print("| stage | ms | share |\n|---|---|---|")
    total = sum(spent.values())
    for name, sec in spent.items():
        print(f"| {name} | {sec / len(docs) * 1e3:.3f} | {sec / total:.0%} |")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    ap.add_argument("--slow-limit", type=int, default=400, help="pages the slower systems run on")
    ap.add_argument("--stages", action="store_true", help="also time fast mode stage by stage")
    args = ap.parse_args(argv)

    docs: list[str] = []
    for name in SETS:
        docs += [p["html"] for _, p in zip(range(args.limit or 10**9), pages(name), strict=False)]
    total_mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(
        f"{len(docs)} pages, {total_mb:.0f} MB of HTML ({', '.join(SETS)}); median of {args.repeats}; "
        f"Python {platform.python_version()}, {pin_one_core()}\n"
    )
    rates: dict[str, float] = {}
    rows = []
    for name in args.systems:
        subset = docs
        if name not in FAST and args.slow_limit < len(docs):
            step = len(docs) / args.slow_limit
            subset = [docs[int(i * step)] for i in range(args.slow_limit)]
        try:
            seconds, errors = measure(name, subset, args.repeats)
        except Exception as exc:  # noqa: BLE001 - a missing system costs its row only
            print(f"{name} skipped: {type(exc).__name__}: {exc}")
            continue
        mb = sum(len(d.encode("utf-8")) for d in subset) / 1e6
        rates[name] = len(subset) / seconds
        note = "" if len(subset) == len(docs) else " (est.)"
        total = seconds * len(docs) / len(subset)
        rows.append((name, len(subset), errors, mb / seconds, rates[name], total, note))
        print(f"  {name}: {rates[name]:.1f} docs/s", flush=True)
    ref = rates.get(REFERENCE)
    print("\n| system | pages | errors | MB/s | docs/s | s (all pages) | vs trafilatura-precision |")
    print("|---|---|---|---|---|---|---|")
    for name, n, errors, mb_s, docs_s, total, note in rows:
        ratio = f"{docs_s / ref:.2f}x" if ref else "-"
        print(f"| {name} | {n} | {errors} | {mb_s:.2f} | {docs_s:.1f} | {total:.0f}{note} | {ratio} |")
    if args.stages:
        stages(docs)


if __name__ == "__main__":
    main()
