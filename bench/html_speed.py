"""HTML-mode throughput: the cleaner (default and fast) and the extractors, on the raw pages.

    .venv/bin/python -m bench.html_speed [--systems NAME...] [--repeats 3] [--limit N]
        [--slow-limit 400] [--stages] [--reference NAME] [--clock cpu|wall]

One process pinned to one core. The pages of both dev sets (1,956 pages, ~215 MB of
HTML) are read into memory first; after a warm-up on 20 pages, the systems take turns:
one pass of each over its pages, `--repeats` times, so a slow minute of a shared machine
falls on all of them. The table gives each system's median pass (docs/s, MB/s of HTML)
and the median over passes of its speed relative to trafilatura with favor_precision
(the issue's reference; `--reference trafilatura` for trafilatura's default) in the same
round. The oracle systems get each dev-wcxb page's gold type (the typed extraction's
cost). The cleaner starts every pass with an empty class-name cache, as a fresh process
would. Systems slower than ~100 docs/s run on
`--slow-limit` evenly spaced pages (marked "est."): their per-page rate is what counts.
Passes are timed in the process's CPU time by default (`--clock cpu`): every system runs
single-threaded in this one process, so CPU time is its cost, and unlike wall-clock time it
does not swing with other jobs on a shared machine (wall-clock passes of the same system
varied by 1.5x under a load average of 3-5 on two cores). `--clock wall` times them by
`perf_counter`, as a user's stopwatch would.
`--stages` adds where fast mode's time goes: CPU milliseconds a page for each stage, run
one by one over the same pages. The systems are those of bench/html_quality.py, called
the same way.
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

FAST = frozenset({"cleaner-fast", "cleaner-fast-oracle", "resiliparse"})  # fast enough for every page
REFERENCE = "trafilatura-precision"
# The gold page type of each page that has one (dev-wcxb), for the oracle systems; keyed by
# the page's HTML, which is what a pass hands a system.
PAGE_TYPES: dict[str, str] = {}
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
clock = CLOCKS["cpu"]  # set by main() from --clock


def cold_start(name: str) -> None:
    """Forget what the cleaner learnt of the pages' class names, so that every pass runs as a
    fresh process would: each of its pages is a new site. (Left alone, the second pass
    meets a cache that the first one filled and keeps evicting: slower than either.)"""
    if name.startswith("cleaner"):
        from cleaner.html import dom

        dom.forget()


def one_pass(name: str, fn: Any, docs: Sequence[str]) -> tuple[float, int]:
    """Seconds for one pass over `docs`, and the documents that raised."""
    errors = 0
    cold_start(name)
    start = clock()
    for html in docs:
        try:
            fn(html)
        except Exception:  # noqa: BLE001 - counted, the pass goes on
            errors += 1
    return clock() - start, errors


def measure(systems: dict[str, Sequence[str]], repeats: int) -> dict[str, tuple[list[float], int]]:
    """Each system's seconds per pass over its pages, and the pages that raised.

    The passes are interleaved (one of each system, `repeats` times), so that a slow minute
    of a shared machine falls on every system alike rather than on one row of the table."""
    fns: dict[str, Any] = {}
    for name, docs in systems.items():
        try:
            system = make_system(name)  # takes a page record: html_quality's oracles read its type
            fns[name] = lambda html, system=system: system({"html": html, "page_type": PAGE_TYPES.get(html)})
            for html in docs[:20]:  # warm up: imports, compiled rules, caches
                with contextlib.suppress(Exception):
                    fns[name](html)
        except Exception as exc:  # noqa: BLE001 - a missing system costs its row only
            print(f"{name} skipped: {type(exc).__name__}: {exc}")
    out: dict[str, tuple[list[float], int]] = {name: ([], 0) for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            seconds, errors = one_pass(name, fn, systems[name])
            out[name][0].append(seconds)
            out[name] = (out[name][0], errors)
        print(
            "  pass: " + ", ".join(f"{n} {len(systems[n]) / t[-1]:.1f}" for n, (t, _) in out.items()),
            flush=True,
        )
    return out


def stages(docs: Sequence[str]) -> None:
    """CPU ms a page for each stage of fast mode, in pipeline order (each stage's input is
    prepared by the stages before it, outside its timer)."""
    from cleaner import Cleaner, limits
    from cleaner.html import density, dom, meta, pagetype
    from cleaner.html import page as html

    cleaner = Cleaner(html_fast=True)
    spent: dict[str, float] = {}

    def timed(name: str, fn: Any, *args: Any) -> Any:
        start = time.process_time()
        out = fn(*args)
        spent[name] = spent.get(name, 0.0) + time.process_time() - start
        return out

    dom.forget()  # both passes start cold: each page is a new site here
    for doc in docs:
        timed("depth guard", limits.nesting_depth, doc)
        tree = timed("parse (Lexbor)", dom.parse, doc)
        ld = timed("strip script/style/...", dom.strip_never_text, tree)
        info = timed("metadata", meta.read_metadata, tree, ld)
        f = timed("page type: features", pagetype.features, tree, info, info.get("url"), ld)
        info["page_type"] = timed("page type: model", pagetype.decide, f)
        timed("title candidates", meta.title_candidates, tree)
        timed("DOM pass (prune)", partial(dom.prune, tree, strip=False))
        page = timed("density walk", density.page_blocks, tree)
        blocks = [page.blocks[k] for k in timed("density choice", density.choose, page)]
        text = "\n".join(b.text for b in blocks)
        timed("text core + HTML rules", partial(cleaner.clean_text, text, None, info, features=blocks))
        held = [tree]
        tree = page = None
        timed("free the tree", held.clear)
    dom.forget()
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
    ap.add_argument("--reference", default=REFERENCE, choices=SYSTEMS, help="the ratio column's system")
    ap.add_argument("--clock", default="cpu", choices=CLOCKS, help="time passes in CPU or wall-clock time")
    args = ap.parse_args(argv)
    global clock
    clock = CLOCKS[args.clock]

    docs: list[str] = []
    for name in SETS:
        for _, p in zip(range(args.limit or 10**9), pages(name), strict=False):
            docs.append(p["html"])
            if p.get("page_type"):
                PAGE_TYPES[p["html"]] = str(p["page_type"])
    total_mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(
        f"{len(docs)} pages, {total_mb:.0f} MB of HTML ({', '.join(SETS)}); median of {args.repeats}, "
        f"{args.clock} time; "
        f"Python {platform.python_version()}, {pin_one_core()}\n"
    )
    subsets: dict[str, Sequence[str]] = {}
    for name in args.systems:
        subsets[name] = docs
        if name not in FAST and args.slow_limit < len(docs):
            step = len(docs) / args.slow_limit
            subsets[name] = [docs[int(i * step)] for i in range(args.slow_limit)]
    timed = measure(subsets, args.repeats)
    reference = args.reference
    ref = timed.get(reference)
    print(
        f"\n| system | pages | errors | MB/s | docs/s | s (all pages) | vs {reference} |"
        "\n|---|---|---|---|---|---|---|"
    )
    for name, (times, errors) in timed.items():
        subset = subsets[name]
        seconds = statistics.median(times)
        mb = sum(len(d.encode("utf-8")) for d in subset) / 1e6
        rate = len(subset) / seconds
        note = "" if len(subset) == len(docs) else " (est.)"
        total = seconds * len(docs) / len(subset)
        ratio = "-"
        if ref:  # the median of the passes' ratios: each pass beside the reference's pass
            per_pass = [
                (len(subset) / t) / (len(subsets[reference]) / r) for t, r in zip(times, ref[0], strict=True)
            ]
            ratio = f"{statistics.median(per_pass):.2f}x"
        cells = [
            name,
            str(len(subset)),
            str(errors),
            f"{mb / seconds:.2f}",
            f"{rate:.1f}",
            f"{total:.0f}{note}",
            ratio,
        ]
        print("| " + " | ".join(cells) + " |")
    if args.stages:
        stages(docs)


if __name__ == "__main__":
    main()
