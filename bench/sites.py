"""Which site each dev page comes from, and the fixed split of sites into train and validation.

Rules and models are fitted on the `train` sites; figures that claim generalisation are
reported on the `val` sites only (DESIGN.md: "measure generalisation, not fit"). The split
is a hash of the site, so it is stable across runs and machines, and a page's copies in
several sets (and the catalog's documents built from them) fall on the same side.

A site is the registered domain of the page's URL (`blogs.nfl.com` -> `nfl.com`; an archived
page's original host, not web.archive.org). Pages without a URL (dev-dragnet-train) take it
from their HTML: the canonical link or og:url, else the host most of their absolute links
point to, else the page id (a site of its own).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from bench.data import CACHE, pages

VAL_SHARE = 5  # one site in this many is held back for validation
_CANONICAL = re.compile(
    r"""<link[^>]+rel=["']canonical["'][^>]*href=["'](https?://[^"']+)"""
    r"""|property=["']og:url["'][^>]*content=["'](https?://[^"']+)""",
    re.I,
)
_HREF = re.compile(r"""href=["']https?://([^/"':?#]+)""", re.I)
_ARCHIVED = re.compile(r"^https?://web\.archive\.org/web/\w+/(https?://.+)$")
# Hosts that pages link to whatever site they are (share buttons, CDNs, ad networks).
_ELSEWHERE = re.compile(
    r"(facebook|twitter|google|doubleclick|youtube|linkedin|pinterest|digg|reddit|stumbleupon|"
    r"delicious|addthis|feedburner|w3\.org|adobe|macromedia|yahoo|wordpress\.org|creativecommons)"
)
_SLD = {"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "gv"}


def domain(host: str) -> str:
    """The registered domain of a host, near enough: the last two labels, three under a
    country's second-level domain (`bbc.co.uk`)."""
    labels = host.lower().strip(".").split(".")
    if labels and labels[0] == "www":
        labels = labels[1:]
    if len(labels) >= 3 and labels[-2] in _SLD and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def site_of(page: dict[str, Any]) -> str:
    """The site of one page (see the module docstring)."""
    url = page.get("url") or ""
    archived = _ARCHIVED.match(url)
    if archived:
        url = archived.group(1)
    host = urlsplit(url).hostname if url else None
    if host:
        return domain(host)
    html = page.get("html") or ""
    m = _CANONICAL.search(html)
    if m:
        host = urlsplit(m.group(1) or m.group(2)).hostname
        if host:
            return domain(host)
    hosts = Counter(domain(h) for h in _HREF.findall(html) if not _ELSEWHERE.search(h))
    if hosts:
        return hosts.most_common(1)[0][0]
    return f"page:{page.get('id')}"


def split_of(site: str) -> str:
    """'val' for the held-back sites, 'train' for the rest."""
    h = int(hashlib.sha1(site.encode("utf-8")).hexdigest()[:8], 16)
    return "val" if h % VAL_SHARE == 0 else "train"


def sites(name: str) -> dict[str, str]:
    """{page id: site} for a dev set (cached: reading the HTML takes a while)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"sites-{name}.json"
    if path.exists():
        return dict(json.loads(path.read_text(encoding="utf-8")))
    found = {str(p["id"]): site_of(p) for p in pages(name, repair=False)}
    path.write_text(json.dumps(found), encoding="utf-8")
    return found


def page_split(name: str) -> dict[str, str]:
    """{page id: 'train' | 'val'} for a dev set."""
    return {k: split_of(s) for k, s in sites(name).items()}


# The catalog's documents name their source page as "<set>/<id>".
CATALOG_SOURCES = {"wcxb_dev": "dev-wcxb", "dragnet_train": "dev-dragnet-train"}


def catalog_split(source: str) -> str:
    """'train' or 'val' for a catalog document, from its source page's site."""
    prefix, _, pid = source.partition("/")
    return page_split(CATALOG_SOURCES[prefix]).get(pid, "train")


if __name__ == "__main__":
    for name in ("dev-wcxb", "dev-dragnet-train", "dev-trafilatura"):
        s = sites(name)
        split = Counter(split_of(v) for v in s.values())
        print(f"{name}: {len(s)} pages, {len(set(s.values()))} sites; pages {dict(split)}")
