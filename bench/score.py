"""The two scorers of ../shared/datasets/README.md, so numbers compare with published ones."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    empty: int = 0

    def row(self) -> list[str]:
        return [f"{self.precision:.3f}", f"{self.recall:.3f}", f"{self.f1:.3f}", str(self.empty)]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


def snippets(pages: Sequence[dict[str, Any]], outputs: Sequence[str]) -> Score:
    """`with` snippets found are true positives; `without` snippets found are false positives."""
    tp = fn = fp = tn = empty = 0
    for page, out in zip(pages, outputs, strict=True):
        text = _norm(out)
        empty += not text
        for s in page.get("with") or []:
            if _norm(s) in text:
                tp += 1
            else:
                fn += 1
        for s in page.get("without") or []:
            if _norm(s) in text:
                fp += 1
            else:
                tn += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return Score(p, r, _f1(p, r), empty)


def grams(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    toks = _TOKEN.findall(text)
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def ngrams(golds: Iterable[str], outputs: Iterable[str]) -> Score:
    """Token 4-gram overlap per page; precision and recall are means over pages."""
    ps: list[float] = []
    rs: list[float] = []
    empty = 0
    for gold, out in zip(golds, outputs, strict=True):
        g, o = grams(gold), grams(out)
        tp = sum((g & o).values())
        if o:
            ps.append(tp / sum(o.values()))
        else:
            empty += 1
        if g:
            rs.append(tp / sum(g.values()))
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return Score(p, r, _f1(p, r), empty)


def removal_cost(page: dict[str, Any], output: str, removed: Sequence[str]) -> list[tuple[int, int]]:
    """For each removed text of one page, (wrong, right): what the removal took that the
    gold wants and the output lacks, and what it took that the gold does not want.

    Pages with `gold` count token 4-grams (a 4-gram the output still holds elsewhere
    costs nothing); pages with `with`/`without` count snippets found in the removal
    (a `with` snippet the output lacks; a `without` snippet). What the gold wants counts
    once, for the first removal that took it (a line repeated fifteen times and dropped
    fifteen times cost the gold one line). A rule whose removals are often wrong on a dev
    set does not generalise."""
    out: list[tuple[int, int]] = []
    if "gold" in page:
        missing = grams(page["gold"]) - grams(output)
        for text in removed:
            taken = grams(text)
            lost = taken & missing
            missing -= lost
            wrong = sum(lost.values())
            out.append((wrong, sum(taken.values()) - wrong))
        return out
    kept = _norm(output)
    wanted = {s for s in map(_norm, page.get("with") or []) if s and s not in kept}
    unwanted = [s for s in map(_norm, page.get("without") or []) if s]
    for text in map(_norm, removed):
        took = {s for s in wanted if s in text}
        wanted -= took
        out.append((len(took), sum(s in text for s in unwanted)))
    return out


def word_f1(gold: str, output: str) -> float:
    """WCXB's per-page metric: F1 of the bags of lower-cased `\\w+` tokens of output and
    gold; a page with an empty gold scores 1 only when the output is empty too."""
    g = Counter(_TOKEN.findall(gold.lower()))
    o = Counter(_TOKEN.findall(output.lower()))
    if not g or not o:
        return 1.0 if not g and not o else 0.0
    tp = sum((g & o).values())
    return _f1(tp / sum(o.values()), tp / sum(g.values()))


def snippet_shares(pages: Sequence[dict[str, Any]], outputs: Sequence[str]) -> tuple[float, float]:
    """(share of `without` snippets found in the output, share of `with` snippets missed),
    pooled over the pages (whitespace normalised, as `snippets` does)."""
    found = without = missed = with_ = 0
    for page, out in zip(pages, outputs, strict=True):
        text = _norm(out)
        for s in page.get("without") or []:
            without += 1
            found += _norm(s) in text
        for s in page.get("with") or []:
            with_ += 1
            missed += _norm(s) not in text
    return (found / without if without else 0.0, missed / with_ if with_ else 0.0)
