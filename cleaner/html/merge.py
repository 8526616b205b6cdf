"""Default mode's recall pass: trafilatura's blocks, plus what it skipped of the same article.

trafilatura is precise but drops article text that our density extractor keeps: a
standfirst just above the first paragraph, a paragraph in a <div> between two <p>s, a
short list its scoring found thin. Where both extractors read the same article (nearly
all of trafilatura's running text is found, in order, in the density result; its link
lines, another page's headlines that the text rules drop anyway, are not asked for), two
kinds of skipped density blocks are put back, in page order:

- **gaps**: a short run (at most GAP_RUN blocks) of skipped blocks between two of
  trafilatura's, when it is mostly running text and not a link;
- **lead**: running-text blocks among the LEAD_BLOCKS above trafilatura's first (a
  standfirst, even marked up as a heading), stopping at a link or at a heading that is
  not running text (the headline: above it is the page's header, such as a blog's
  description of itself); the date, byline or caption between a standfirst and
  the body is passed over, not taken (their place is metadata, and the gold of one dev
  set counts dates as clutter).

Long skipped runs are left out (an author box, a "more from" rail, another post on a
blog's front page), as is everything after trafilatura's last block: that is where
comment threads and related stories live. What is put back goes through the text
rules like any other line. Why not trafilatura's own fallbacks (readability, jusText):
they cost more than the extraction itself and, on the dev sets, help it no more.
"""

from __future__ import annotations

from bisect import bisect_right

from ..text.segment import body_shaped
from .density import PageBlocks
from .extract import HtmlBlock

__all__ = ["link_densities", "merge"]

AGREE = 0.8  # share of trafilatura's unlinked characters that must be found in the density result
LINKED = 0.5  # a skipped block at least this much link stays out (a teaser, a menu)
GAP_RUN = 3  # a run of skipped blocks longer than this is a widget, not a lost paragraph
GAP_BODY = 0.5  # ... and at least this share of its characters must be running text
LEAD_BLOCKS = 4  # blocks above trafilatura's first looked at for a standfirst
MAX_MISSES = 64  # trafilatura blocks not found in page order before link_densities stops searching


def _norm(text: str) -> str:
    return " ".join(text.split())


def _align(traf: list[HtmlBlock], dense: list[HtmlBlock]) -> tuple[list[int], set[int]]:
    """Where trafilatura's blocks are in the density blocks, found left to right: for each,
    the first density block it overlaps (-1: not found), and the density blocks overlapped."""
    joined, starts = _joined([b.text for b in dense], " ")
    anchors: list[int] = []
    covered: set[int] = set()
    cursor = 0
    for b in traf:
        text = _norm(b.text)
        at = joined.find(text, cursor) if text else -1
        if at < 0:
            anchors.append(-1)
            continue
        k = bisect_right(starts, at) - 1
        anchors.append(k)
        cursor = at + len(text)
        while k < len(dense) and starts[k] < cursor:
            covered.add(k)
            k += 1
    return anchors, covered


def _joined(texts: list[str], sep: str) -> tuple[str, list[int]]:
    """The texts joined by `sep`, and where each starts in the joined text (one more entry
    at the end: where a next one would start)."""
    starts: list[int] = []
    pos = 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + len(sep)
    starts.append(pos)
    return sep.join(texts), starts


def link_densities(traf: list[HtmlBlock], page: PageBlocks) -> None:
    """Give trafilatura's blocks (extracted without links) the link density of the page
    text they are: each is found in the page's blocks (spaces aside, left to right; a
    table row cell by cell) and takes the link share of the blocks it covers, weighted by
    the characters covered. Text not found counts as no link (the rules that drop linked
    lines leave it alone)."""
    dense = page.blocks
    joined, starts = _joined([b.text.replace(" ", "") for b in dense], "")
    cursor = 0
    misses = 0  # each miss scans the page text: past MAX_MISSES, no more searching (a huge page
    # whose text trafilatura rewrote would cost blocks x page characters)
    for b in traf:
        pieces = b.text.strip("| ").split(" | ") if b.tag == "td" else [b.text]
        link = 0.0
        chars = 0
        for piece in pieces:
            text = piece.replace(" ", "")
            if not text:
                continue
            chars += len(text)
            if misses >= MAX_MISSES:
                continue
            at = joined.find(text, cursor)
            if at >= 0:
                cursor = at + len(text)
            else:
                misses += 1
                at = joined.find(text)  # out of page order (a heading trafilatura moved up)
                if at < 0:
                    continue
            end = at + len(text)
            k = bisect_right(starts, at) - 1
            while k < len(dense) and starts[k] < end:
                covered = min(end, starts[k + 1]) - max(at, starts[k])
                if covered > 0:
                    link += covered * dense[k].link_density
                k += 1
        b.link_density = min(1.0, link / chars) if chars else 0.0


def _runs(ks: list[int]) -> list[list[int]]:
    """Consecutive indices grouped: [1, 2, 5] -> [[1, 2], [5]]."""
    out: list[list[int]] = []
    for k in ks:
        if out and out[-1][-1] == k - 1:
            out[-1].append(k)
        else:
            out.append([k])
    return out


def _skipped(dense: list[HtmlBlock], covered: set[int], have: str) -> dict[int, HtmlBlock]:
    """The gap and lead blocks to put back (see the module doc)."""
    first, last = min(covered), max(covered)
    extra: dict[int, HtmlBlock] = {}
    gaps = [k for k in range(first, last) if k not in covered and dense[k].text not in have]
    for run in _runs(gaps):
        blocks = [dense[k] for k in run]
        chars = sum(len(b.text) for b in blocks)
        body = sum(len(b.text) for b in blocks if body_shaped(b.text))
        if len(run) <= GAP_RUN and body >= GAP_BODY * chars:
            extra.update((k, b) for k, b in zip(run, blocks, strict=True) if b.link_density < LINKED)
    for k in range(first - 1, max(-1, first - 1 - LEAD_BLOCKS), -1):
        b = dense[k]
        if b.link_density >= LINKED:
            break  # a menu, a teaser: the page's furniture, not the article's head
        if body_shaped(b.text):
            if b.text not in have:
                extra[k] = b  # (a date or byline in between is passed over, not taken)
        elif b.heading:
            break  # the headline: above it is the page's header (a blog's description)
    return extra


def merge(traf: list[HtmlBlock], page: PageBlocks, chosen: list[int]) -> list[HtmlBlock]:
    """trafilatura's blocks with the article blocks it skipped put back (see the module
    doc); `chosen`: the density extractor's blocks of `page`."""
    dense = [page.blocks[k] for k in chosen]
    if not traf or not dense:
        return traf
    anchors, covered = _align(traf, dense)
    pairs = zip(traf, anchors, strict=True)
    prose = [(len(_norm(b.text)), a >= 0) for b, a in pairs if b.link_density < LINKED]
    if not covered or sum(n for n, found in prose if found) < AGREE * sum(n for n, _ in prose):
        return traf  # not the same article: trust trafilatura
    extra = _skipped(dense, covered, " ".join(_norm(b.text) for b in traf))
    if not extra:
        return traf
    out: list[HtmlBlock] = []
    pending = sorted(extra)
    j = 0
    for b, a in zip(traf, anchors, strict=True):
        while a >= 0 and j < len(pending) and pending[j] < a:
            out.append(extra[pending[j]])
            j += 1
        out.append(b)
    out.extend(extra[k] for k in pending[j:])
    return out
