"""Does a change keep the text path's output? A digest per validation page, compared.

    .venv/bin/python -m bench.same_output --write before.json [--kind main full] [--limit N]
    .venv/bin/python -m bench.same_output --compare before.json [--show 5]
    .venv/bin/python -m bench.same_output --html fast --write before.json [--limit N]


Cleans the validation-site pages (bench/sites.py) of every dev set, `main` and `full`
inputs, with the default cleaner (learned scorer on) and records, per page, a digest of
what a user sees: the clean text and every removal (text, reason, rule, line, score to 4
places, evidence). `--compare` re-runs and lists the pages whose digest differs, with
their first differing removal, so a speed change can show it changes nothing (or exactly
what it changes). Exit status 1 when any page differs.

`--html fast` (or `default`): HTML mode instead, on every page of every dev set (all
sites: an HTML speed change must change no page), and the digest covers the metadata too
(page type and its score, title, date, ...).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.data import SETS, pages, text_inputs
from bench.sites import page_split


def digest(result: Any, metadata: bool = False) -> str:
    """sha1 over the clean text and the removals (score rounded: float noise is not a change);
    with `metadata`, over the metadata too."""
    h = hashlib.sha1(result.text.encode("utf-8", "surrogatepass"))
    if metadata:
        h.update(json.dumps(result.metadata, sort_keys=True, default=str).encode("utf-8", "surrogatepass"))
    for r in result.removed:
        score = "" if r.score is None else f"{r.score:.4f}"
        h.update(f"\0{r.line}\0{r.reason}\0{r.rule}\0{score}\0{'|'.join(r.evidence)}\0".encode())
        h.update(r.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def removals(result: Any) -> list[str]:
    return [f"{r.line}:{r.rule}:{r.text[:60]!r}" for r in result.removed]


def run(kinds: Sequence[str], limit: int | None) -> dict[str, dict[str, Any]]:
    import cleaner

    c = cleaner.Cleaner()
    out: dict[str, dict[str, Any]] = {}
    for name in SETS:
        split = page_split(name)
        for kind in kinds:
            pages = [p for p in text_inputs(name, kind) if split.get(str(p["id"])) == "val"][:limit]
            for p in pages:
                r = c.clean(p["text"], kind="text")
                out[f"{name}/{kind}/{p['id']}"] = {"digest": digest(r), "removed": removals(r)}
    return out


def run_html(mode: str, limit: int | None) -> dict[str, dict[str, Any]]:
    """Digests of HTML mode (`fast` or `default`) on the first `limit` pages of each dev set."""
    import cleaner

    c = cleaner.Cleaner(html_fast=mode == "fast")
    out: dict[str, dict[str, Any]] = {}
    for name in SETS:
        for _, p in zip(range(limit or 10**9), pages(name), strict=False):
            key = f"{name}/html-{mode}/{p['id']}"
            try:
                r = c.clean(p["html"], kind="html")
            except cleaner.InputError as exc:  # a refused page: the refusal must stay the same
                out[key] = {"digest": f"refused: {exc}", "removed": []}
                continue
            out[key] = {"digest": digest(r, metadata=True), "removed": removals(r)}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--write", type=Path, help="record the digests in this file")
    what.add_argument("--compare", type=Path, help="compare with digests recorded earlier")
    ap.add_argument("--kind", nargs="+", default=["main", "full"], choices=("main", "full"))
    ap.add_argument("--limit", type=int, default=None, help="first N validation pages of each set")
    ap.add_argument("--html", choices=("fast", "default"), help="HTML mode on every dev page")
    ap.add_argument("--show", type=int, default=5, help="differing pages to print in detail")
    args = ap.parse_args(argv)
    now = run_html(args.html, args.limit) if args.html else run(args.kind, args.limit)
    if args.write:
        args.write.write_text(json.dumps(now), encoding="utf-8")
        print(f"{len(now)} pages recorded in {args.write}")
        return 0
    before = json.loads(args.compare.read_text(encoding="utf-8"))
    common = [k for k in now if k in before]
    differ = [k for k in common if now[k]["digest"] != before[k]["digest"]]
    new = len(now) - len(common)
    print(f"{len(common)} pages compared ({new} not recorded before); {len(differ)} differ")
    for k in differ[: args.show]:
        was, got = set(before[k]["removed"]), set(now[k]["removed"])
        gone, came = sorted(was - got)[:3], sorted(got - was)[:3]
        print(f"- {k}: removals only before {gone}, only now {came}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
