"""Learned per-site boilerplate: lines a site repeats across its documents (as CCNet does).

Rules catch boilerplate every site writes alike; each site also has its own — a footer,
a newsletter box, a list of its sections — that no general rule can name. `cleaner
learn` counts, per site, in how many documents each *normalised* line occurs (lower
case, digits as 0, punctuation and extra spaces dropped, as CCNet normalises
paragraphs), and keeps the lines above a threshold as 64-bit hashes, so memory holds
numbers rather than text. `cleaner clean --profile` then removes those lines with
reason `site-repeated`.

Two guards keep article text safe (principle 1): a line must occur in at least
`min_docs` documents *and* in at least `min_share` of its site's documents; and a line
that several different sites carry (syndicated wire copy, a quote every outlet ran) is
not any one site's boilerplate, so it is dropped from every site's list.

Memory is bounded by `budget` (line counts held at once, over all sites): when it is
exceeded, the rarest entries are pruned (lossy counting), which can only under-count a
line, i.e. err towards keeping it. Counting is a map (`Learner.add` per document, one
`Learner` per shard) and a reduce (`Learner.merge`, then `Learner.profile`), which is
how the datatrove integration runs it on a cluster.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..model import Block

__all__ = ["Learner", "Profile", "line_hash", "normalise", "site_key"]

FORMAT = "cleaner-profile"
VERSION = 1
RULE = "profile.site"

_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[^\w\s]|_")
_SPACE = re.compile(r"\s+")


def normalise(line: str) -> str:
    """CCNet's normalisation: lower case, every digit 0, no punctuation, single spaces."""
    return _SPACE.sub(" ", _PUNCT.sub(" ", _DIGIT.sub("0", line.lower()))).strip()


def _dated(norm: str) -> bool:
    """A short line with numbers in it ("July 23, 2012", "11:23 AM EDT", "Published: Nov
    7, 2012") is a date, time or counter: after digits become 0, different dates of one
    site collide, so such lines are never learned (the rules handle relative times and
    counters)."""
    return "0" in norm and norm.count(" ") < 4


def line_hash(normalised: str) -> int:
    """A stable 64-bit hash (the profile outlives the process: no built-in hash())."""
    return int.from_bytes(hashlib.blake2b(normalised.encode("utf-8"), digest_size=8).digest(), "big")


def site_key(site_or_url: str | None) -> str | None:
    """The site a document belongs to: a URL's host without "www." (archive.org copies
    count for the site they archive), or a site name as given, lower-cased."""
    if not site_or_url:
        return None
    value = site_or_url.strip()
    if "://" not in value:
        return value.lower().removeprefix("www.") or None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    if host == "web.archive.org":  # /web/<timestamp>/<original url>
        inner = parts.path.split("/", 3)
        if len(inner) == 4 and "://" in inner[3]:
            return site_key(inner[3])
    return host or None


@dataclass
class _Site:
    docs: int = 0
    counts: dict[int, int] = field(default_factory=dict)
    examples: dict[int, str] = field(default_factory=dict)


class Learner:
    """Counts, per site, the documents each normalised line occurs in (bounded memory)."""

    def __init__(
        self, min_docs: int = 3, min_share: float = 0.05, max_sites: int = 3, budget: int = 2_000_000
    ) -> None:
        self.min_docs = min_docs
        self.min_share = min_share
        self.max_sites = max_sites
        self.budget = budget
        self.sites: dict[str, _Site] = {}
        self.entries = 0
        self.floor = 0  # counts at or below this were pruned at least once
        self.docs = 0
        self.unsited = 0

    def add(self, text: str, site: str | None) -> None:
        """Count one document's distinct lines under its site."""
        key = site_key(site)
        if key is None:
            self.unsited += 1
            return
        self.docs += 1
        s = self.sites.setdefault(key, _Site())
        s.docs += 1
        seen: dict[int, str] = {}
        for line in text.split("\n"):
            norm = normalise(line)
            if norm and not _dated(norm):
                seen.setdefault(line_hash(norm), line.strip())
        counts = s.counts
        for h, line in seen.items():
            n = counts.get(h, 0) + 1
            counts[h] = n
            if n == 1:
                self.entries += 1
            elif n == 2:
                s.examples[h] = line
        if self.entries > self.budget:
            self._prune()

    def _prune(self) -> None:
        """Drop the rarest entries until at most half the budget is used (lossy counting)."""
        while self.entries > self.budget // 2:
            self.floor += 1
            for s in self.sites.values():
                drop = [h for h, n in s.counts.items() if n <= self.floor]
                for h in drop:
                    del s.counts[h]
                    s.examples.pop(h, None)
                self.entries -= len(drop)

    def merge(self, other: Learner) -> None:
        """Add another shard's counts (the reduce step)."""
        self.docs += other.docs
        self.unsited += other.unsited
        self.floor = max(self.floor, other.floor)
        for key, o in other.sites.items():
            s = self.sites.setdefault(key, _Site())
            s.docs += o.docs
            for h, n in o.counts.items():
                if h not in s.counts:
                    self.entries += 1
                s.counts[h] = s.counts.get(h, 0) + n
            for h, line in o.examples.items():
                s.examples.setdefault(h, line)
        if self.entries > self.budget:
            self._prune()

    def profile(self) -> Profile:
        """The lines above the thresholds, minus those several sites share."""
        candidates: dict[str, list[int]] = {}
        for key, s in self.sites.items():
            need = max(self.min_docs, self.min_share * s.docs)
            kept = [h for h, n in s.counts.items() if n >= need]
            if kept:
                candidates[key] = kept
        wanted = {h for hs in candidates.values() for h in hs}
        spread: dict[int, int] = dict.fromkeys(wanted, 0)
        for s in self.sites.values():
            for h in wanted & s.counts.keys():
                spread[h] += 1
        sites: dict[str, dict[str, Any]] = {}
        shared = 0
        for key, hs in candidates.items():
            s = self.sites[key]
            own = [h for h in hs if spread[h] < self.max_sites]
            shared += len(hs) - len(own)
            if own:
                sites[key] = {
                    "docs": s.docs,
                    "lines": {f"{h:016x}": s.counts[h] for h in sorted(own, key=lambda h: -s.counts[h])},
                    "examples": {f"{h:016x}": s.examples.get(h, "") for h in own},
                }
        params = {"min_docs": self.min_docs, "min_share": self.min_share, "max_sites": self.max_sites}
        stats = {
            "docs": self.docs,
            "unsited": self.unsited,
            "sites": len(self.sites),
            "shared_dropped": shared,
        }
        return Profile(sites, params, stats)

    # -- partial counts on disk (map outputs) -------------------------------------------------

    def dump(self, path: str | Path) -> None:
        """Write the raw counts (before thresholds) for a later merge."""
        Path(path).write_text(self.dumps(), encoding="utf-8")

    def dumps(self) -> str:
        """The raw counts (before thresholds) as JSON, for a later merge."""
        sites = {
            k: {
                "docs": s.docs,
                "counts": {f"{h:x}": n for h, n in s.counts.items()},
                "ex": {f"{h:x}": t for h, t in s.examples.items()},
            }
            for k, s in self.sites.items()
        }
        data = {
            "format": FORMAT + "-counts",
            "docs": self.docs,
            "unsited": self.unsited,
            "floor": self.floor,
            "sites": sites,
        }
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def load_counts(cls, path: str | Path, **params: Any) -> Learner:
        return cls.loads(Path(path).read_text(encoding="utf-8"), **params)

    @classmethod
    def loads(cls, text: str, **params: Any) -> Learner:
        """Counts written by `dumps`, with this run's thresholds."""
        data = json.loads(text)
        learner = cls(**params)
        learner.docs, learner.unsited, learner.floor = data["docs"], data["unsited"], data["floor"]
        for key, raw in data["sites"].items():
            s = learner.sites[key] = _Site(raw["docs"])
            s.counts = {int(h, 16): n for h, n in raw["counts"].items()}
            s.examples = {int(h, 16): t for h, t in raw["ex"].items()}
            learner.entries += len(s.counts)
        return learner


class Profile:
    """Per-site lists of boilerplate line hashes; `apply` marks matching blocks."""

    def __init__(
        self,
        sites: dict[str, dict[str, Any]],
        params: dict[str, Any] | None = None,
        stats: dict[str, Any] | None = None,
    ) -> None:
        self.sites = sites
        self.params = params or {}
        self.stats = stats or {}
        self._hashes = {k: {int(h, 16) for h in v["lines"]} for k, v in sites.items()}

    def apply(self, blocks: Iterable[Block], site_or_url: str | None) -> int:
        """Mark kept blocks whose normalised line the site repeats; returns how many."""
        key = site_key(site_or_url)
        hashes = self._hashes.get(key) if key else None
        if not hashes:
            return 0
        n = 0
        for b in blocks:
            if not b.verdict:
                norm = normalise(b.text)
                if norm and line_hash(norm) in hashes:
                    b.verdict, b.rule = "site-repeated", RULE
                    n += 1
        return n

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.dumps(), encoding="utf-8")

    def dumps(self) -> str:
        data = {"format": FORMAT, "version": VERSION, "normalise": "ccnet", "hash": "blake2b-64",
                "params": self.params, "stats": self.stats, "sites": self.sites}  # fmt: skip
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def load(cls, path: str | Path) -> Profile:
        """Read a profile written by `cleaner learn`; ValueError says what is wrong with it."""
        try:
            return cls.loads(Path(path).read_text(encoding="utf-8"), str(path))
        except OSError as exc:
            raise ValueError(f"cannot read profile {path}: {exc.strerror or exc}") from exc

    @classmethod
    def loads(cls, text: str, path: str = "profile") -> Profile:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"cannot read profile {path}: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ValueError(
                f"{path} is not a cleaner profile (version {VERSION}); make one with `cleaner learn`"
            )
        return cls(data["sites"], data.get("params"), data.get("stats"))

    def __len__(self) -> int:
        return sum(len(v) for v in self._hashes.values())
