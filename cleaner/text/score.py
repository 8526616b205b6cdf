"""Score: a learned line scorer gives each kept line a probability of being article text.

A logistic model over the features of features.py, trained by `python -m bench.train_scorer`
from the dev pages of some sites and validated on others (its card, models/line_scorer.card.json,
says which, when, and how well). Inference is a sum of weights from a dict per line: no
dependency beyond the standard library.

How the pipeline uses it (pipeline.py), after the rules, the context zones and dedupe:
- `refresh` scores the lines left, so the tail and menu rules are bounded by content: they
  never take a line scored `prose` or more (context.py);
- `remove` then: a kept line scored below `threshold` is removed with rule
  `model.<reason>` (the reason from a second, multinomial model over the same features).
  Lines are re-scored among the lines still kept until nothing changes, so a second run
  on the output scores every line as the last round did (idempotence).
The rules stay in charge of what they name: the model only judges lines no rule removed,
and never a line a rule kept on evidence (the tail rule's sources, credits, announced lists).
Conservative mode does not run it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import repeat
from operator import add
from typing import Any

from ..model import Block
from .features import SENTENCES, Context, Shape, context_keys, main_region, names, shape, shape_names, static
from .segment import TERMINAL_CHARS

MODEL = "line_scorer.json"
Scored = tuple[list[Context], tuple[int, int]]  # each kept line's context, and the main region
ROUNDS = 20  # re-scoring rounds after removals; the model settles in one or two
EVIDENCE = 3  # features named in a removal's explanation
PROSE_CHARS = 200  # a finished paragraph this long is article text to the model ...
PROSE_SUM = 12.0  # ... scored as this sum (a probability of 1 - 6e-6)
MIN_LINES = 4  # the model judges texts of at least this many kept lines
MEMO_CHARS = 80  # lines this short have their feature sums remembered ...
MEMO_LINES = 100_000  # ... this many at most
SENTENCE_ENDS = ".!?"  # a line ending so, next to a body paragraph, is not judged (_article_evidence)
SENTENCES_CHARS = 64  # ... nor a line this long of several sentences, inside the main region
TAIL_SHARE = 0.5  # below the main region, this much text (against the region's) is the article's


@dataclass(frozen=True)
class LineScorer:
    """The trained weights and the thresholds chosen on the training sites."""

    weights: dict[str, float]
    bias: float
    threshold: float  # remove a line scored below this
    body_threshold: float  # ... a body-shaped (running text) line only below this
    prose: float  # zones leave lines scored at least this alone
    classes: tuple[str, ...] = ()
    reason_bias: tuple[float, ...] = ()
    reason_weights: dict[str, list[float]] = field(default_factory=dict)
    # the summed weights of each context seen (features.context_keys): a page has a few dozen
    _context: dict[Context, float] = field(default_factory=dict, compare=False, repr=False)
    _lines: dict[tuple[str, bool], float] = field(default_factory=dict, compare=False, repr=False)
    # the summed weights of each line shape seen (features.shape), and the word features'
    # weights by word (w0=, w=, wl=): a line's sum without making its feature names
    _shapes: dict[Shape, float] = field(default_factory=dict, compare=False, repr=False)
    _words: tuple[dict[str, float], ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        tables: tuple[dict[str, float], ...] = ({}, {}, {})
        for name, w in self.weights.items():
            kind, _, word = name.partition("=")
            k = ("w0", "w", "wl").index(kind) if kind in ("w0", "w", "wl") else -1
            if k >= 0:
                tables[k][word] = w
        object.__setattr__(self, "_words", tables)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LineScorer:
        reasons = data.get("reasons") or {}
        return cls(
            weights={k: float(v) for k, v in data["weights"].items()},
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            body_threshold=float(data["body_threshold"]),
            prose=float(data["prose"]),
            classes=tuple(reasons.get("classes", ())),
            reason_bias=tuple(reasons.get("bias", ())),
            reason_weights=dict(reasons.get("weights", {})),
        )

    def static_sum(self, b: Block) -> float:
        """The bias plus the weights of the line's own features. Short lines are remembered
        (a site's menus and footers recur on every page of a corpus); a long finished
        paragraph is not judged at all (no threshold the model is used at removes one)."""
        t = b.text
        if b.body and len(t) >= PROSE_CHARS and t[-1] in TERMINAL_CHARS:
            return PROSE_SUM
        key = (b.text, b.byline) if len(b.text) <= MEMO_CHARS else None
        if key is not None:
            got = self._lines.get(key)
            if got is not None:
                return got
        # the same sum, in the same order, as over static(b)'s names (a float sum's value
        # depends on its order): the shape's part is remembered, the words' added to it
        kind, words, whole = shape(b)
        part = self._shapes.get(kind)
        if part is None:
            if len(self._shapes) >= MEMO_LINES:
                self._shapes.clear()
            get = self.weights.get
            part = self._shapes[kind] = sum([get(f, 0.0) for f in shape_names(kind)])
        if words:
            first, each, last = self._words
            parts = [part, first.get(words[0], 0.0), *map(each.get, words, repeat(0.0))]
            if whole:
                parts.append(last.get(words[-1], 0.0))
            part = sum(parts)
        total = self.bias + part
        if key is not None:
            if len(self._lines) >= MEMO_LINES:
                self._lines.clear()  # bounded: a long run's memory does not grow with it
            self._lines[key] = total
        return total

    def probability(self, z: float) -> float:
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def rescore(self, kept: list[Block], statics: dict[int, float]) -> Scored:
        """Set `score` on every kept block, from its static sum and its context among `kept`;
        return the contexts and the main region, which `remove` judges by."""
        memo = self._context
        region = main_region(kept)
        keys = context_keys(kept, region)
        sums = list(map(memo.get, keys))
        if None in sums:
            get = self.weights.get
            for k, c in enumerate(sums):
                if c is None:
                    key = keys[k]
                    sums[k] = memo[key] = sum([get(f, 0.0) for f in names(key)])
        zs = list(map(add, map(statics.__getitem__, [b.index for b in kept]), sums))
        if zs and min(zs) > -30.0 and max(zs) < 30.0:
            exp = math.exp
            ps = [1.0 / (1.0 + exp(-z)) for z in zs]
        else:
            ps = list(map(self.probability, zs))
        # (map and setattr: the attributes are set in C, not by a Python step per line)
        list(map(setattr, kept, repeat("score"), ps))
        list(map(setattr, kept, repeat("prose"), map(self.prose.__le__, ps)))
        return keys, region

    def reason(self, feats: list[str]) -> str:
        """The likeliest removal reason for a line the model removes."""
        if not self.classes:
            return "navigation"
        get = self.reason_weights.get
        rows = [ws for f in feats if (ws := get(f))]
        # each class's total summed in feature order, as a running total would be
        totals = (
            [sum([b, *col]) for b, col in zip(self.reason_bias, zip(*rows, strict=True), strict=True)]
            if rows
            else list(self.reason_bias)
        )
        return self.classes[max(range(len(totals)), key=totals.__getitem__)]

    def evidence(self, feats: list[str]) -> tuple[str, ...]:
        """The features that pushed a line hardest towards removal (for `cleaner explain`)."""
        get = self.weights.get
        pushed = sorted((get(f, 0.0), f) for f in feats if get(f, 0.0) < 0)
        return tuple(f"{f} ({w:+.2f})" for w, f in pushed[:EVIDENCE])


@cache
def load(name: str = MODEL) -> LineScorer | None:
    """The shipped scorer, loaded once per process (None when the package has none)."""
    try:
        raw = resources.files("cleaner.models").joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return None
    return LineScorer.from_dict(json.loads(raw))


def _judged(kept: list[Block], region: tuple[int, int]) -> tuple[range, range]:
    """The lines judged by the strict threshold, and those not judged at all.

    Strict: the article's main region and the line on either side of it (a last short
    quote, a credit line); every line of a text with no running text at all. Not judged:
    everything below the region when it is long beside the region (verse, a list: the
    article's, not a footer; the tail rule's weighing too).
    """
    lo, hi = region
    if hi < 0:  # no running text at all (a post of short lines): nothing to judge lines against
        return range(len(kept)), range(0)
    inside = sum(len(b.text) for b in kept[lo : hi + 1])
    below = sum(len(b.text) for b in kept[hi + 1 :])
    exempt = range(hi + 1, len(kept)) if below > TAIL_SHARE * inside else range(0)
    return range(max(lo - 1, 0), hi + 2), exempt


def _article_evidence(kept: list[Block], k: int, region: tuple[int, int]) -> bool:
    """Evidence of article text that the model's position and word features cannot outweigh:
    a finished sentence next to a body paragraph ("Happy practicing!", an article's last line
    as often as a footer's), or a line of several sentences inside the main region (a
    paragraph whose last sentence lost its full stop)."""
    t = kept[k].text
    if (
        t[-1] in SENTENCE_ENDS
        and t[0].isupper()
        and " " in t
        and ((k > 0 and kept[k - 1].body) or (k + 1 < len(kept) and kept[k + 1].body))
    ):
        return True
    lo, hi = region
    return lo <= k <= hi and len(t) >= SENTENCES_CHARS and SENTENCES.search(t) is not None


def refresh(blocks: list[Block], scorer: LineScorer, statics: dict[int, float]) -> Scored:
    """Score the kept lines among themselves (after other stages removed lines); `statics`
    keeps each line's own sum from one call to the next."""
    kept = [b for b in blocks if not b.verdict]
    for b in kept:
        if b.index not in statics:
            statics[b.index] = scorer.static_sum(b)
    return scorer.rescore(kept, statics)


def remove(
    blocks: list[Block], scorer: LineScorer, statics: dict[int, float], scored: Scored | None = None
) -> tuple[bool, Scored | None]:
    """Remove the kept lines the model scores as clutter, re-scoring until nothing changes.
    The kept lines are left scored among themselves, so the tail rule after it, and a
    second run on the output, see the scores this run ends with.
    `scored`: what `refresh` returned, when no line was removed since.
    Returns whether it removed any, and what `refresh` would return now (None when
    unknown): the caller need not score the same lines again."""
    kept = [b for b in blocks if not b.verdict]
    if len(kept) < MIN_LINES:
        return False, scored  # a text this short is the article or nothing: the rules decide
    took = False
    for _ in range(ROUNDS):
        scored = scored if scored is not None else refresh(blocks, scorer, statics)
        keys, region = scored
        gone = []
        strict, exempt = _judged(kept, region)
        for k, b in enumerate(kept):
            if k in exempt or b.keep:
                continue
            threshold = scorer.body_threshold if b.body or k in strict else scorer.threshold
            if b.score < threshold and not _article_evidence(kept, k, region):
                feats = static(b) + names(keys[k])
                reason = scorer.reason(feats)
                b.verdict, b.rule, b.weak = reason, f"model.{reason}", True
                b.evidence = scorer.evidence(feats)
                gone.append(b)
        if not gone:
            return took, scored
        if len(gone) == len(kept):  # never the whole text: a page the model cannot read
            for b in gone:
                b.verdict, b.rule, b.weak, b.evidence = "", "", False, ()
            return took, scored
        took = True
        scored = None
        kept = [b for b in kept if not b.verdict]
    return took, None
