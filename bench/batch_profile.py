"""What `cleaner learn` finds on the dev data, and what removing it costs and gains.

Pages are grouped by site: dev-trafilatura by its URL (or the site name its id starts
with); dev-dragnet-train has no URLs, so its site comes from the page's own
`<link rel=canonical>` / `og:url` (found on 698 of 966 pages). The profile is learned
from the `main` text inputs (bench/data.py) with the default thresholds and applied to
the same pages (in-sample, as CCNet learns and applies per shard). Reported: sites and
lines learned, example lines for the sites with most lines, characters removed as
`site-repeated` on top of the rules, how many of those lines are in the dragnet gold
article (article text lost), and the dev scores with and without the profile.

    python bench/batch_profile.py
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from typing import Any

from data import pages, text_inputs
from score import ngrams, snippets

from cleaner import Cleaner
from cleaner.repairs.fix import repair
from cleaner.text.profile import Learner, site_key

_CANON = (
    re.compile(r"""<link[^>]+rel=["']?canonical["']?[^>]*href=["']([^"']+)""", re.I),
    re.compile(r"""<meta[^>]+property=["']og:url["'][^>]*content=["']([^"']+)""", re.I),
    re.compile(r"""<meta[^>]+content=["']([^"']+)["'][^>]*property=["']og:url""", re.I),
)


def _site(page: dict[str, Any], html: str) -> str | None:
    url = page.get("url") or ""
    if "://" not in url:
        for pat in _CANON:
            m = pat.search(html)
            if m and "://" in m.group(1):
                url = m.group(1)
                break
    if "://" in url:
        return site_key(url)
    if page["id"].endswith(".html") and "." in page["id"].split("-")[0]:  # "site.tld-slug.html"
        return site_key(page["id"].split("-")[0].removesuffix(".html"))
    return None


def main() -> None:
    learner = Learner()
    data: dict[str, list[dict[str, Any]]] = {}
    for name in ("dev-trafilatura", "dev-dragnet-train"):
        sites = {p["id"]: _site(p, p["html"]) for p in pages(name)}
        data[name] = text_inputs(name, "main")
        for p in data[name]:
            p["site"] = sites.get(p["id"])
            learner.add(repair(p["text"]), p["site"])
    profile = learner.profile()
    st = profile.stats
    per_site = Counter({k: v.docs for k, v in learner.sites.items()})
    print(f"pages with a site: {st['docs']} ({st['unsited']} without); sites: {st['sites']}; "
          f"sites with >= 3 pages: {sum(1 for n in per_site.values() if n >= 3)}")  # fmt: skip
    print(f"profile: {len(profile)} lines for {len(profile.sites)} sites; "
          f"{st['shared_dropped']} candidate lines dropped as shared by >= 3 sites\n")  # fmt: skip
    for site, entry in sorted(profile.sites.items(), key=lambda kv: -len(kv[1]["lines"]))[:12]:
        print(f"{site} ({entry['docs']} pages, {len(entry['lines'])} lines):")
        for h, n in list(entry["lines"].items())[:4]:
            print(f"    {n:>3}x  {entry['examples'][h][:110]!r}")

    plain, learned = Cleaner(), Cleaner(profile=profile)
    print("\n| set | cleaner F1 | + profile F1 | site-repeated chars | of all input chars | lines in gold |")
    print("|---|---|---|---|---|---|")
    for name, recs in data.items():
        base = [plain.clean(p["text"], kind="text").text for p in recs]
        results = [learned.clean(p["text"], kind="text", site=p["site"]) for p in recs]
        extra = [r for res in results for r in res.removed if r.reason == "site-repeated"]
        chars = sum(len(r.text) for r in extra)
        total = sum(len(p["text"]) for p in recs)
        if name == "dev-dragnet-train":
            f0 = ngrams([p["gold"] for p in recs], base).f1
            f1 = ngrams([p["gold"] for p in recs], [r.text for r in results]).f1
            in_gold = sum(
                1 for p, res in zip(recs, results, strict=True) for r in res.removed
                if r.reason == "site-repeated" and len(r.text.strip()) > 0 and r.text.strip() in p["gold"]
            )  # fmt: skip
        else:
            f0 = snippets(recs, base).f1
            f1 = snippets(recs, [r.text for r in results]).f1
            in_gold = 0
        gold = in_gold if name == "dev-dragnet-train" else "n/a"
        share = 100 * chars / total
        print(f"| {name} | {f0:.4f} | {f1:.4f} | {chars:,} ({len(extra)} lines) | {share:.2f}% | {gold} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
