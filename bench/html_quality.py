"""HTML-mode quality: the cleaner against the main-content extractors, on the raw pages.

    .venv/bin/python -m bench.html_quality [--sets NAME...] [--systems NAME...]
        [--split all|train|val] [--limit N] [--samples K] [--seed S] [--halves]
        [--types TYPE...] [--no-report] [--gold-as-stored] [--dump FILE]

For each dev set it prints one table, every system in the same run on the same pages:
snippet scoring on dev-trafilatura (`with`/`without`), token 4-gram scoring against
`gold` on dev-dragnet-train (../shared/datasets/README.md), its golds repaired on reading
(bench/data.py: four are UTF-16 stored as Latin-1, thirteen keep a comment thread after
Dragnet's separator line; `--gold-as-stored` scores them as stored). On dev-wcxb (pages
with a `page_type`): WCXB's per-page word F1 (`score.word_f1`, averaged), overall and per
page type, and the snippet shares (`without` found in the output, `with` missed).
`--split val` keeps the validation sites only (bench/sites.py), `train` the others;
`--dump` writes one JSON line per page and system (id, type, F1) for a closer look.
Systems:

- cleaner: `cleaner.Cleaner().clean(html, kind="html").text` (default mode);
- cleaner-title: the same with `Config(keep_title=True)` (the headline in front, as
  dragnet's gold and half of dev-trafilatura's title snippets have it);
- cleaner-fast: the same with `Config(html_fast=True)` (no trafilatura);
- cleaner-oracle, cleaner-fast-oracle: the same two, told the page's gold `page_type`
  (`clean(..., page_type=...)`): each type's own extraction, without the classifier;
- cleaner-every-guess, cleaner-fast-every-guess: the same two with the classifier's
  confidence policy off (every guess picks its type's row; pagetype.trusted; the article
  model still decides what is an article);
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
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from bench.data import SETS, pages, repairs
from bench.score import Score, ngrams, removal_cost, snippet_shares, snippets, word_f1
from bench.sites import page_split

Page = dict[str, Any]
System = Callable[[Page], str]
SYSTEMS = (
    "cleaner",
    "cleaner-title",
    "cleaner-fast",
    "cleaner-oracle",
    "cleaner-fast-oracle",
    "cleaner-every-guess",
    "cleaner-fast-every-guess",
    "trafilatura-precision",
    "trafilatura",
    "readability",
    "resiliparse",
)


def make_system(name: str) -> System:
    """The system as a function `page -> text` (only the oracles read more than its HTML)."""
    if name.startswith("cleaner"):
        import cleaner

        c = cleaner.Cleaner(html_fast="-fast" in name, keep_title=name == "cleaner-title")
        if name.endswith("-oracle"):
            return lambda page: c.clean(page["html"], kind="html", page_type=page.get("page_type")).text
        if name.endswith("-every-guess"):
            return _every_guess(c)
        return lambda page: c.clean(page["html"], kind="html").text
    if name.startswith("trafilatura"):
        import trafilatura

        precision = name == "trafilatura-precision"

        def traf(page: Page) -> str:
            out = trafilatura.extract(page["html"], favor_precision=precision, include_comments=False)
            return out or ""

        return traf
    if name == "readability":
        import lxml.html
        from readability import Document

        def read(page: Page) -> str:
            summary = Document(page["html"]).summary(html_partial=True)
            return str(lxml.html.fromstring(summary).text_content()) if summary.strip() else ""

        return read
    if name == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text

        return lambda page: str(extract_plain_text(page["html"], main_content=True))
    raise ValueError(name)


def _every_guess(c: Any) -> System:
    """The cleaner with the confidence policy off: the classifier's every guess picks the
    type's row (the model without its `sure` thresholds, for this system's calls only)."""
    from cleaner.html import pagetype

    shipped = pagetype.load_model
    trusting = {**shipped(), "sure": {}}

    def run(page: Page) -> str:
        pagetype.load_model = lambda: trusting  # type: ignore[assignment]
        try:
            return str(c.clean(page["html"], kind="html").text)
        finally:
            pagetype.load_model = shipped

    return run


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
            out = fn(page)
        except Exception as exc:  # noqa: BLE001 - one page is counted, never the run
            out = ""
            crashes.append((str(page["id"]), f"{type(exc).__name__}: {exc}"[:200]))
        spent += time.perf_counter() - start
        outputs.append(out)
    return outputs, crashes, spent


TYPES = ("article", "forum", "listing", "collection", "documentation", "product", "service")


def typed_header(pages_: Sequence[Page]) -> str:
    """The per-type table's header, each type with its page count."""
    have = Counter(str(p.get("page_type")) for p in pages_)
    types = [t for t in TYPES if have[t]] + sorted(t for t in have if t not in TYPES)
    cols = " | ".join(f"{t} ({have[t]})" for t in types)
    return f"| system | F1 ({len(pages_)}) | {cols} | without found | with missed | empty | crashes | s |"


def typed_row(pages_: Sequence[Page], outputs: Sequence[str]) -> tuple[list[str], list[float]]:
    """Mean word F1 overall and per type (the header's order), the snippet shares and the
    empty outputs; and each page's F1."""
    f1s = [word_f1(p.get("gold") or "", out) for p, out in zip(pages_, outputs, strict=True)]
    have = Counter(str(p.get("page_type")) for p in pages_)
    types = [t for t in TYPES if have[t]] + sorted(t for t in have if t not in TYPES)
    cells = [f"{sum(f1s) / len(f1s):.3f}" if f1s else "-"]
    for t in types:
        got = [f for p, f in zip(pages_, f1s, strict=True) if str(p.get("page_type")) == t]
        cells.append(f"{sum(got) / len(got):.3f}")
    without, missed = snippet_shares(pages_, outputs)
    cells += [f"{without:.3f}", f"{missed:.3f}", str(sum(not o.strip() for o in outputs))]
    return cells, f1s


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
    ap.add_argument("--split", choices=("all", "train", "val"), default="all", help="sites (bench/sites.py)")
    ap.add_argument("--types", nargs="+", default=None, help="only pages of these page types (dev-wcxb)")
    ap.add_argument("--dump", default=None, help="per-page F1 as JSON lines (dev-wcxb)")
    args = ap.parse_args(argv)
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None  # noqa: SIM115

    for name in args.sets:
        read = pages(name, repair=not args.gold_as_stored)
        if args.split != "all":
            split = page_split(name)
            read = (p for p in read if split.get(str(p["id"])) == args.split)
        if args.types:
            read = (p for p in read if p.get("page_type") in args.types)
        pages_ = [p for _, p in zip(range(args.limit or 10**9), read, strict=False)]
        typed = bool(pages_) and "page_type" in pages_[0]
        print(f"\n## {name}: {len(pages_)} pages ({args.split} sites)\n")
        if note := repairs(pages_):
            print(f"{note}\n")
        header = typed_header(pages_) if typed else "| system | P | R | F1 | empty | crashes | s |"
        print(header)
        print("|---" * header.count(" | ") + "|---|")
        for system in args.systems:
            try:
                outputs, crashes, spent = run_system(system, pages_)
            except Exception as exc:  # noqa: BLE001 - a missing system costs its row only
                print(f"| {system} | skipped: {type(exc).__name__}: {exc} |")
                continue
            if typed:
                row, f1s = typed_row(pages_, outputs)
                if dump is not None:
                    for p, f in zip(pages_, f1s, strict=True):
                        rec = {"system": system, "id": p["id"], "type": p.get("page_type"), "f1": f}
                        dump.write(json.dumps(rec) + "\n")
            else:
                row = score(pages_, outputs).row()
            print(f"| {system} | {' | '.join(row)} | {len(crashes)} | {spent:.1f} |", flush=True)
            if args.halves and not typed:
                for half, start in (("even", 0), ("odd", 1)):
                    part = score(pages_[start::2], outputs[start::2]).row()
                    print(f"| {system} ({half}) | {' | '.join(part)} | | |")
            for pid, err in crashes[:3]:
                print(f"|  crash {pid}: {err} |")
        if not args.no_report and "cleaner" in args.systems:
            cleaner_report(pages_, args.samples, args.seed)


if __name__ == "__main__":
    main()
