"""What an audit report of a cleaning run is made of: per-document entries, totals, a sample.

A report has to work on a corpus of any size, so nothing here keeps a record per
document: `Audit` adds each document into fixed-size counters (per reason, per rule, per
site, a histogram of the share removed), and `Sampler` keeps at most a few dozen whole
documents. The sample is a bottom-k sample on a seeded hash of each document's id (its
label where it has none), so it is uniform, reproducible, and independent of the input
order, the input's path and the cleaner's settings: two reports of the same corpus before
and after a rule change show the same documents. The most and least changed documents
join it, because those are where a cleaner most likely erred (or did nothing).

Workers build an `Entry` per document (`entry`); the main process feeds entries and
error records to `Audit.add` / `Audit.add_error` in input order.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..explain import document_rows
from ..model import Removal, Repair, Result

__all__ = ["Audit", "Change", "Entry", "Line", "Sample", "Sampler", "SiteStats", "entry", "site_of"]

#: Bins of the share-removed histogram: "0" alone, then tenths (0-10 % ... 90-100 %].
HIST_BINS = 11
#: Sites counted one by one; past this many, new sites are counted together as OTHER_SITES
#: (a crawl can hold millions of hosts, and the report must not grow with the corpus).
MAX_SITES = 5000
OTHER_SITES = "(other sites)"
#: How many heavily cut documents and errors the report names (all are counted).
MAX_LISTED = 200
NO_SITE = "(no site)"


#: A removed line as (text, reason, rule, line) and a repair as (before, after, rule, count):
#: plain tuples, because every document's entry is pickled to the main process and tuples
#: pickle four times faster than the model's dataclasses. A removal by the learned scorer
#: (rule model.*) adds its score and evidence, (text, reason, rule, line, score, evidence);
#: only those, so a rules-only run sends no more than before.
Line = tuple[str, str, str, int] | tuple[str, str, str, int, float, tuple[str, ...]]
Change = tuple[str, str, str, int]


@dataclass(frozen=True, slots=True)
class Entry:
    """One cleaned document, as a worker sends it to the report.

    layout: the document's lines in order, -1 for the next kept line and k for removed[k],
    when the input was text and the positions are exact; None for HTML, whose removed
    lines are placed by their block index (approximately). Workers compute it, because
    the main process would need the whole input for it, twice the data to send.
    """

    label: str
    site: str
    text: str
    removed: tuple[Line, ...]
    repairs: tuple[Change, ...]
    layout: tuple[int, ...] | None = None
    key: str = ""  # what the sample hashes: the record's own id if it has one, else the label
    # computed once, in the worker: the main process reads them for every document
    removed_chars: int = field(init=False, repr=False, compare=False)
    share: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        gone = sum(len(r[0]) for r in self.removed)
        total = gone + len(self.text)
        object.__setattr__(self, "removed_chars", gone)
        # the share of the document's text (kept + removed lines) that was removed
        object.__setattr__(self, "share", gone / total if total else 0.0)

    @property
    def kept_chars(self) -> int:
        return len(self.text)

    def result(self) -> Result:
        return Result(self.text, [Removal(*r) for r in self.removed], [Repair(*r) for r in self.repairs])

    def rows(self) -> tuple[list[tuple[str, Removal | None]], bool]:
        """The document's lines in order, each with its removal or None, and whether the
        positions are exact."""
        if self.layout is None:
            return document_rows(self.result(), None)
        lines = self.text.split("\n") if self.text else []
        if not self.layout:  # nothing removed
            return [(line, None) for line in lines], True
        kept = iter(lines)
        gone = self.result().removed
        return [(next(kept), None) if k < 0 else (gone[k].text, gone[k]) for k in self.layout], True


def site_of(site: str | None, url: str | None, meta_url: Any = None) -> str:
    """The record's site field, else its URL's host, else the host of the page's own
    (canonical / og:) URL; a bare 'www.' is dropped so both spellings count together."""
    if site:
        return site
    for candidate in (url, meta_url):
        if isinstance(candidate, str) and candidate:
            try:
                host = urlsplit(candidate.strip()).hostname
            except ValueError:
                host = None
            if host:
                return host.removeprefix("www.")
    return NO_SITE


def entry(
    label: str,
    content: Any,
    kind: str,
    result: Result,
    site: str | None,
    url: str | None,
    key: str | None = None,
) -> Entry:
    """The worker's summary of one document. `kind` is what was cleaned ("text" or "html");
    `key` the record's own id, when it has one (the sample then does not depend on where
    the record is read from)."""
    return Entry(
        key=key or label,
        label=label,
        site=site_of(site, url, result.metadata.get("url")),
        text=result.text,
        removed=tuple(
            (r.text, r.reason, r.rule, r.line)
            if r.score is None
            else (r.text, r.reason, r.rule, r.line, r.score, r.evidence)
            for r in result.removed
        ),
        repairs=tuple((r.before, r.after, r.rule, r.count) for r in result.repairs),
        layout=layout(result, content) if kind == "text" and isinstance(content, str) else None,
    )


def layout(result: Result, source: str) -> tuple[int, ...] | None:
    """Where each removed line sits among the kept ones (see Entry), from the text input;
    the placement of explain.document_rows without building the rows (this runs for every
    document of a report, not only the sampled ones).

    Removal.line indexes the repaired text, which has the input's lines unless a repair
    split or emptied one (a lone "\\r", a line of invisible characters): the lines then
    fail to add up, and only then does the repair stage run again to place them."""
    if not result.removed:
        return ()
    kept = result.text.count("\n") + 1 if result.text else 0
    found = _layout(result.removed, kept, source)
    if found is None and result.repairs:
        from ..repairs.fix import repair_text

        found = _layout(result.removed, kept, repair_text(source)[0])
    return found


def _layout(removed: list[Removal], kept: int, text: str) -> tuple[int, ...] | None:
    by_line: dict[int, list[int]] = {}
    for k, r in enumerate(removed):
        by_line.setdefault(r.line, []).append(k)
    out: list[int] = []
    n = 0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        ks = by_line.get(i)
        if ks is not None:
            out += ks
        elif line.strip():
            out.append(-1)
            n += 1
    if n != kept:
        return None
    out += [k for i in sorted(by_line) if i >= len(lines) for k in by_line[i]]
    return tuple(out)


def hist_bin(share: float) -> int:
    """0 for nothing removed, then 1..10 for (0, 10 %], ..., (90 %, 100 %]."""
    if share <= 0:
        return 0
    return min(10, max(1, -int(-share * 10 // 1)))  # ceil(share * 10), clamped


@dataclass
class SiteStats:
    docs: int = 0
    kept: int = 0
    removed: int = 0
    rules: Counter[str] = field(default_factory=Counter)

    @property
    def share(self) -> float:
        total = self.kept + self.removed
        return self.removed / total if total else 0.0


@dataclass
class Audit:
    """Totals of a run, in memory that does not grow with the number of documents."""

    threshold: float = 0.5
    docs: int = 0
    errors: int = 0
    kept_chars: int = 0
    removed_chars: int = 0
    by_reason: Counter[str] = field(default_factory=Counter)
    #: rule -> [reason, lines, chars]
    by_rule: dict[str, list[Any]] = field(default_factory=dict)
    repairs: Counter[str] = field(default_factory=Counter)
    #: rule -> one example (before, after)
    repair_examples: dict[str, tuple[str, str]] = field(default_factory=dict)
    hist: list[int] = field(default_factory=lambda: [0] * HIST_BINS)
    sites: dict[str, SiteStats] = field(default_factory=dict)
    heavy: int = 0
    #: (share, -order, label, site, top reason): the MAX_LISTED most cut past the threshold
    heavy_list: list[tuple[float, int, str, str, str]] = field(default_factory=list)
    error_list: list[tuple[str, str]] = field(default_factory=list)

    def add(self, e: Entry) -> None:
        self.docs += 1
        self.kept_chars += e.kept_chars
        reasons: dict[str, int] = {}
        rules: dict[str, int] = {}
        for r in e.removed:
            reason, rule = r[1], r[2]
            n = len(r[0])
            reasons[reason] = reasons.get(reason, 0) + n
            rules[rule] = rules.get(rule, 0) + n
            slot = self.by_rule.get(rule)
            if slot is None:
                self.by_rule[rule] = [reason, 1, n]
            else:
                slot[1] += 1
                slot[2] += n
        gone = e.removed_chars
        self.removed_chars += gone
        self.by_reason.update(reasons)
        for before, after, rule, count in e.repairs:
            self.repairs[rule] += count
            self.repair_examples.setdefault(rule, (before, after))
        share = e.share
        self.hist[hist_bin(share)] += 1
        self._site(e.site, e.kept_chars, gone, rules)
        if share > self.threshold:
            self.heavy += 1
            top = max(reasons, key=reasons.__getitem__) if reasons else ""
            item = (share, -self.docs, e.label, e.site, top)
            if len(self.heavy_list) < MAX_LISTED:
                heapq.heappush(self.heavy_list, item)
            else:
                heapq.heappushpop(self.heavy_list, item)

    def _site(self, site: str, kept: int, removed: int, rules: dict[str, int]) -> None:
        stats = self.sites.get(site)
        if stats is None:
            if len(self.sites) >= MAX_SITES:
                site = OTHER_SITES
            stats = self.sites.setdefault(site, SiteStats())
        stats.docs += 1
        stats.kept += kept
        stats.removed += removed
        stats.rules.update(rules)

    def add_error(self, label: str, message: str) -> None:
        self.errors += 1
        if len(self.error_list) < MAX_LISTED:
            self.error_list.append((label, message))

    @property
    def share(self) -> float:
        total = self.kept_chars + self.removed_chars
        return self.removed_chars / total if total else 0.0

    def heavy_sorted(self) -> list[tuple[float, str, str, str]]:
        """The listed heavily cut documents, most cut first (input order among equals)."""
        ranked = sorted(self.heavy_list, key=lambda h: (-h[0], -h[1]))
        return [(share, label, site, top) for share, _, label, site, top in ranked]


def _key(seed: int, label: str) -> int:
    digest = hashlib.blake2b(f"{seed}\0{label}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass(frozen=True)
class Sample:
    """A document chosen for the report, with why: "random", "most" or "least" changed."""

    entry: Entry
    why: str
    key: int


class Sampler:
    """Keeps the n documents of the sample: the `extremes` most and least changed (by share
    removed) and a uniform bottom-k sample by seeded hash for the rest. Holds at most
    n + 2 * extremes entries whatever the corpus size."""

    def __init__(self, n: int = 50, seed: int = 0, extremes: int | None = None) -> None:
        self.n = max(0, n)
        self.seed = seed
        self.extremes = min(self.n // 2, max(1, self.n // 10)) if extremes is None else extremes
        self._random: list[tuple[int, int, Entry]] = []  # max-heap on key: (-key, order, entry)
        self._most: list[tuple[float, int, int, Entry]] = []  # min-heap: (share, -key, order, e)
        self._least: list[tuple[float, int, int, Entry]] = []  # min-heap: (-share, -key, order, e)
        self._order = 0

    def add(self, e: Entry) -> None:
        if not self.n:
            return
        self._order += 1
        key, share, order = _key(self.seed, e.key or e.label), e.share, self._order
        _bounded(self._random, (-key, order, e), self.n)
        if self.extremes:
            _bounded(self._most, (share, -key, order, e), self.extremes)
            _bounded(self._least, (-share, -key, order, e), self.extremes)

    def sample(self) -> list[Sample]:
        """The chosen documents: most changed, least changed, then the random ones by key;
        each document once, n at most."""
        out: list[Sample] = []
        seen: set[int] = set()

        def take(e: Entry, why: str, key: int, order: int) -> None:
            if order not in seen and len(out) < self.n:
                seen.add(order)
                out.append(Sample(e, why, key))

        for _share, negkey, order, e in sorted(self._most, key=lambda t: (-t[0], -t[1])):
            take(e, "most", -negkey, order)
        for _negshare, negkey, order, e in sorted(self._least, key=lambda t: (-t[0], -t[1])):
            take(e, "least", -negkey, order)
        for negkey, order, e in sorted(self._random, key=lambda t: -t[0]):
            take(e, "random", -negkey, order)
        return out


def _bounded(heap: list[Any], item: tuple[Any, ...], size: int) -> None:
    """Keep the `size` largest items of a stream in a min-heap. Items compare on their first
    two fields (share and/or seeded hash), never on input order, so the choice does not
    depend on the order of the inputs; the third field (a running number) only keeps two
    equal items from being compared further."""
    if len(heap) < size:
        heapq.heappush(heap, item)
    elif item[:2] > heap[0][:2]:
        heapq.heapreplace(heap, item)
