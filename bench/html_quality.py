"""HTML-mode quality: the cleaner against the main-content extractors, on the raw pages.

    .venv/bin/python -m bench.html_quality [--sets NAME...] [--systems NAME...]
        [--limit N] [--samples K] [--seed S] [--halves] [--no-report] [--gold-as-stored]

For each dev set it prints one table, every system in the same run on the same pages:
snippet scoring on dev-trafilatura (`with`/`without`), token 4-gram scoring against
`gold` on dev-dragnet-train (../shared/datasets/README.md), its golds repaired on reading
(bench/data.py: four are UTF-16 stored as Latin-1, thirteen keep a comment thread after
Dragnet's separator line; `--gold-as-stored` scores them as stored). Systems:

- cleaner: `cleaner.Cleaner().clean(html, kind="html").text` (default mode);
- cleaner-title: the same with `Config(keep_title=True)` (the headline in front, as
  dragnet's gold and half of dev-trafilatura's title snippets have it);
- cleaner-fast: the same with `Config(html_fast=True)` (no trafilatura);
- trafilatura-precision: `trafilatura.extract(html, favor_precision=True, include_comments=False)`;
- trafilatura: `trafilatura.extract(html, include_comments=False)`;
- readability: readability-lxml's `Document(html).summary()`, its text by lxml;
- resiliparse: `extract_plain_text(html, main_content=True)`.

Comments are off for trafilatura because both gold sets treat user comments as
boilerplate (dev-dragnet-train lists them under `without`). Every call is wrapped: a
crash counts as an empty output and is reported. Then, for the cleaner: crashes,
idempotence of the text it returns (`clean(text, kind="text")` changes nothing), what
the DOM pass and the text rules removed by reason, the rules whose removals took most of
what the gold wants (`score.removal_cost`), and a seeded sample of removals.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from bench.data import SETS, pages, repairs
from bench.score import Score, ngrams, removal_cost, snippets

Page = dict[str, Any]
System = Callable[[str], str]
SYSTEMS = (
    "cleaner",
    "cleaner-title",
    "cleaner-fast",
    "trafilatura-precision",
    "trafilatura",
    "readability",
    "resiliparse",
)


def make_system(name: str) -> System:
    """The system as a function `html -> text`."""
    if name.startswith("cleaner"):
        import cleaner

        c = cleaner.Cleaner(html_fast=name == "cleaner-fast", keep_title=name == "cleaner-title")
        return lambda html: c.clean(html, kind="html").text
    if name.startswith("trafilatura"):
        import trafilatura

        precision = name == "trafilatura-precision"

        def traf(html: str) -> str:
            return trafilatura.extract(html, favor_precision=precision, include_comments=False) or ""

        return traf
    if name == "readability":
        import lxml.html
        from readability import Document

        def read(html: str) -> str:
            summary = Document(html).summary(html_partial=True)
            return str(lxml.html.fromstring(summary).text_content()) if summary.strip() else ""

        return read
    if name == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text

        return lambda html: str(extract_plain_text(html, main_content=True))
    raise ValueError(name)


def score(pages_: Sequence[Page], outputs: Sequence[str]) -> Score:
    if pages_ and "gold" in pages_[0]:
        return ngrams([p["gold"] for p in pages_], outputs)
    return snippets(pages_, outputs)


def run_system(name: str, pages_: Sequence[Page]) -> tuple[list[str], list[tuple[str, str]], float]:
    """Outputs (crash -> ""), crashes (page id, error) and seconds spent in the system."""
    fn = make_system(name)
    outputs: list[str] = []
    crashes: list[tuple[str, str]] = []
    spent = 0.0
    for page in pages_:
        start = time.perf_counter()
        try:
            out = fn(page["html"])
        except Exception as exc:  # noqa: BLE001 - one page is counted, never the run
            out = ""
            crashes.append((str(page["id"]), f"{type(exc).__name__}: {exc}"[:200]))
        spent += time.perf_counter() - start
        outputs.append(out)
    return outputs, crashes, spent


def cleaner_report(pages_: Sequence[Page], samples: int, seed: int, fast: bool = False) -> None:
    """Idempotence of the returned text, removals by reason, what each rule took that the
    gold wants, and a sample to judge."""
    import cleaner

    c = cleaner.Cleaner(html_fast=fast)
    by_reason: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    right: Counter[str] = Counter()
    example: dict[str, str] = {}
    not_idem: list[str] = []
    pool: list[tuple[str, Any]] = []
    for page in pages_:
        try:
            r = c.clean(page["html"], kind="html")
        except Exception:  # noqa: BLE001 - counted in the score table already
            continue
        if c.clean(r.text, kind="text").text != r.text:
            not_idem.append(str(page["id"]))
        costs = removal_cost(page, r.text, [x.text for x in r.removed])
        for rm, (bad, good) in zip(r.removed, costs, strict=True):
            wrong[rm.rule] += bad
            right[rm.rule] += good
            if bad and rm.rule not in example:
                example[rm.rule] = f"{page['id']}: {rm.text[:100]}"
            by_reason[rm.reason] += len(rm.text)
            by_rule[rm.rule] += len(rm.text)
            if rm.text.strip() and rm.line >= 0:
                pool.append((str(page["id"]), rm))
    ok = len(pages_) - len(not_idem)
    e_g = f"; e.g. {', '.join(not_idem[:3])}" if not_idem else ""
    print(f"\nidempotence (text mode on the output changes nothing): {ok}/{len(pages_)}{e_g}")
    print("\nremoved characters by reason (DOM pass and text rules):")
    print("| reason | chars |\n|---|---|")
    for reason, n in by_reason.most_common():
        print(f"| {reason} | {n} |")
    print("\ntop rules: " + ", ".join(f"{rule} {n}" for rule, n in by_rule.most_common(12)))
    unit = "token 4-grams" if pages_ and "gold" in pages_[0] else "snippets"
    print(f"\nrules that took what the gold wants ({unit}: wrong = the gold wants it and the output")
    print("lacks it, right = the gold does not want it; the 12 with the most wrong):")
    print("| rule | wrong | right | wrong share | e.g. |\n|---|---|---|---|---|")
    for rule, n in wrong.most_common(12):
        if not n:
            break  # the rest took nothing the gold wants (and may have taken nothing countable)
        share = n / (n + right[rule])
        print(f"| {rule} | {n} | {right[rule]} | {share:.0%} | {example.get(rule, '')} |")
    rng = random.Random(seed)
    print(f"\n{samples} random removals from the extracted text (seed {seed}):")
    for pid, rm in rng.sample(pool, min(samples, len(pool))):
        print(f"- {rm.reason}/{rm.rule} {pid}: {rm.text[:160]}")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    ap.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS)
    ap.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-report", action="store_true", help="only the score tables")
    ap.add_argument("--halves", action="store_true", help="even and odd pages scored apart too")
    ap.add_argument("--gold-as-stored", action="store_true", help="score golds unrepaired (bench/data.py)")
    args = ap.parse_args(argv)

    for name in args.sets:
        read = pages(name, repair=not args.gold_as_stored)
        pages_ = [p for _, p in zip(range(args.limit or 10**9), read, strict=False)]
        print(f"\n## {name}: {len(pages_)} pages\n")
        if note := repairs(pages_):
            print(f"{note}\n")
        print("| system | P | R | F1 | empty | crashes | s |")
        print("|---|---|---|---|---|---|---|")
        for system in args.systems:
            try:
                outputs, crashes, spent = run_system(system, pages_)
            except Exception as exc:  # noqa: BLE001 - a missing system costs its row only
                print(f"| {system} | skipped: {type(exc).__name__}: {exc} |")
                continue
            row = score(pages_, outputs).row()
            print(f"| {system} | {' | '.join(row)} | {len(crashes)} | {spent:.1f} |", flush=True)
            if args.halves:
                for half, start in (("even", 0), ("odd", 1)):
                    part = score(pages_[start::2], outputs[start::2]).row()
                    print(f"| {system} ({half}) | {' | '.join(part)} | | |")
            for pid, err in crashes[:3]:
                print(f"|  crash {pid}: {err} |")
        if not args.no_report and "cleaner" in args.systems:
            cleaner_report(pages_, args.samples, args.seed)


if __name__ == "__main__":
    main()
