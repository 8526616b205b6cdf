"""Page-type accuracy on dev-wcxb: the shipped classifier beside two baselines.

    .venv/bin/python -m bench.page_types [--split val|train|all] [--limit N]

Prints accuracy, per-type precision/recall and the confusion matrix for:
- `model`: cleaner.html.pagetype.classify, as html.extract_blocks runs it (the page's URL as a
  crawler passes it to `clean(..., url=)`; the page's own canonical/og:url without one);
- `majority`: every page is the commonest training type (article);
- `rules`: a decision list over the declared types and URL words only (schema.org JSON-LD
  and microdata, og:type, URL path words): the cues a rules-only classifier has.

Sites are split as bench/sites.py does (val = held-back sites); figures that claim
generalisation are the `val` ones. The features are computed here once per page (the same
function the pipeline calls), so `bench.train_page_type` reuses `page_rows`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from bench.data import pages
from bench.sites import sites, split_of

SET = "dev-wcxb"
TYPES = ("article", "forum", "listing", "collection", "product", "documentation", "service")


def page_features(page: dict[str, Any]) -> dict[str, float]:
    """A page's classifier features as the pipeline computes them: parse, strip, metadata,
    then pagetype.features (with the page's URL, else its canonical one)."""
    from cleaner.html import dom
    from cleaner.html.meta import read_metadata
    from cleaner.html.pagetype import features

    tree = dom.parse(page["html"])
    ld = dom.strip_never_text(tree)
    meta = read_metadata(tree, ld)
    return features(tree, meta, page.get("url") or meta.get("url"), ld)


def page_rows(limit: int | None = None) -> list[dict[str, Any]]:
    """Every dev-wcxb page as {id, site, split, label, features}."""
    site = sites(SET)
    rows: list[dict[str, Any]] = []
    for k, page in enumerate(pages(SET, repair=False)):
        if limit is not None and k >= limit:
            break
        pid = str(page["id"])
        rows.append(
            {
                "id": pid,
                "url": page.get("url") or "",
                "site": site[pid],
                "split": split_of(site[pid]),
                "label": page["page_type"],
                "features": page_features(page),
            }
        )
    return rows


def rules_only(f: dict[str, float]) -> str:
    """The rules-only baseline: declared types first, then URL words, else article."""
    order = (
        ("schema.forum", "forum"),
        ("schema.product", "product"),
        ("schema.documentation", "documentation"),
        ("schema.listing", "listing"),
        ("og.product", "product"),
        ("url.forum", "forum"),
        ("host.forum", "forum"),
        ("url.docs", "documentation"),
        ("host.docs", "documentation"),
        ("url.product", "product"),
        ("url.collection", "collection"),
        ("url.listing", "listing"),
        ("url.service", "service"),
        ("url.home", "service"),
    )
    for name, kind in order:
        if f.get(name, 0.0) > 0:
            return kind
    return "article"


def report(name: str, gold: list[str], pred: list[str]) -> str:
    """Accuracy, per-type precision and recall, and the confusion matrix (rows: gold)."""
    n = len(gold)
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / n if n else 0.0
    kinds = [t for t in (*TYPES, "other") if t in gold or t in pred]
    out = [f"### {name}: accuracy {acc:.3f} ({n} pages)", ""]
    out.append("| type | pages | precision | recall |")
    out.append("|---|---:|---:|---:|")
    for t in kinds:
        tp = sum(g == p == t for g, p in zip(gold, pred, strict=True))
        said = sum(p == t for p in pred)
        have = sum(g == t for g in gold)
        prec = f"{tp / said:.2f}" if said else "-"
        rec = f"{tp / have:.2f}" if have else "-"
        out.append(f"| {t} | {have} | {prec} | {rec} |")
    out.append("")
    short = [t[:5] for t in kinds]
    out.append("| gold \\ predicted | " + " | ".join(short) + " |")
    out.append("|---|" + "---:|" * len(kinds))
    pairs = Counter(zip(gold, pred, strict=True))
    for g in kinds:
        if g in gold:
            out.append(f"| {g} | " + " | ".join(str(pairs[g, p] or ".") for p in kinds) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("val", "train", "all"), default="val")
    ap.add_argument("--limit", type=int, default=None, help="first N pages of the set only")
    ap.add_argument("--examples", type=int, default=0, help="print N misclassified pages per gold type")
    args = ap.parse_args(argv)
    from cleaner.html.pagetype import decide, load_model

    rows = [r for r in page_rows(args.limit) if args.split == "all" or r["split"] == args.split]
    if not rows:
        print("no pages in this split", file=sys.stderr)
        return 1
    model = load_model()
    gold = [r["label"] for r in rows]
    majority = str(model["majority"])  # the commonest type on the training sites
    results = {
        "model": [decide(r["features"], model) for r in rows],
        "majority": [majority] * len(rows),
        "rules": [rules_only(r["features"]) for r in rows],
    }
    print(
        f"dev-wcxb page types, {args.split} sites: {len(rows)} pages, "
        f"{len({r['site'] for r in rows})} sites\n"
    )
    print("| classifier | accuracy |\n|---|---:|")
    for name, pred in results.items():
        acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
        print(f"| {name} | {acc:.3f} |")
    print()
    for name, pred in results.items():
        print(report(name, gold, pred))
        print()
    if args.examples:
        print("### misclassified (model)")
        for t in TYPES:
            wrong = [
                (r, p) for r, p in zip(rows, results["model"], strict=True) if r["label"] == t and p != t
            ]
            for r, p in wrong[: args.examples]:
                print(f"- {t} -> {p}: {r['url']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
