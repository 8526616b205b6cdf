"""Score: a learned line scorer gives each kept line a probability of being article text.

A logistic model over the features of features.py, trained by `python -m bench.train_scorer`
from the dev pages of some sites and validated on others (its card, models/line_scorer.md,
says which, when, and how well). Inference is a sum of weights from a dict per line: no
dependency beyond the standard library.

How the pipeline uses it (pipeline.py):
- `prior` scores the lines the rules left, before the context pass, so a zone can be bounded
  by content: context.py never lets a zone take a line scored `prose` or more without
  evidence on or beside it;
- `remove` runs last: a kept line scored below `threshold` is removed with rule
  `model.<reason>` (the reason from a second, multinomial model over the same features).
  Lines are re-scored among the lines still kept until nothing changes, so a second run
  on the output scores every line as the last round did (idempotence).
The rules stay in charge of what they name: the model only judges lines no rule removed.
Conservative mode does not run it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from .features import contextual, main_region, static
from .model import Block

MODEL = "line_scorer.json"
ROUNDS = 20  # re-scoring rounds after removals; the model settles in one or two
EVIDENCE = 3  # features named in a removal's explanation
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
        get = self.weights.get
        return self.bias + sum([get(f, 0.0) for f in static(b)])

    def probability(self, z: float) -> float:
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def rescore(self, kept: list[Block], statics: dict[int, float]) -> None:
        """Set `score` on every kept block, from its static sum and its context among `kept`."""
        get = self.weights.get
        prose = self.prose
        for b, ctx in zip(kept, contextual(kept), strict=True):
            b.score = p = self.probability(statics[b.index] + sum([get(f, 0.0) for f in ctx]))
            b.prose = p >= prose

    def reason(self, feats: list[str]) -> str:
        """The likeliest removal reason for a line the model removes."""
        if not self.classes:
            return "navigation"
        totals = list(self.reason_bias)
        for f in feats:
            ws = self.reason_weights.get(f)
            if ws:
                totals = [t + w for t, w in zip(totals, ws, strict=True)]
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


def prior(blocks: list[Block], scorer: LineScorer) -> dict[int, float]:
    """Score the lines no rule removed; return each one's static sum for later rounds."""
    kept = [b for b in blocks if not b.verdict]
    statics = {b.index: scorer.static_sum(b) for b in kept}
    scorer.rescore(kept, statics)
    return statics


def _judged(kept: list[Block]) -> tuple[range, range]:
    """The lines judged by the strict threshold, and those not judged at all.

    Strict: the article's main region and the line on either side of it (a last short
    quote, a credit line). Not judged: everything below the region when it is long beside
    the region (verse, a list: the article's, not a footer; the tail rule's weighing too).
    """
    lo, hi = main_region(kept)
    if hi < 0:
        return range(0), range(0)
    region = sum(len(b.text) for b in kept[lo : hi + 1])
    below = sum(len(b.text) for b in kept[hi + 1 :])
    exempt = range(hi + 1, len(kept)) if below > TAIL_SHARE * region else range(0)
    return range(max(lo - 1, 0), hi + 2), exempt


def refresh(blocks: list[Block], scorer: LineScorer, statics: dict[int, float]) -> None:
    """Score the kept lines among themselves (after other stages removed lines)."""
    kept = [b for b in blocks if not b.verdict]
    for b in kept:
        if b.index not in statics:
            statics[b.index] = scorer.static_sum(b)
    scorer.rescore(kept, statics)


def remove(blocks: list[Block], scorer: LineScorer, statics: dict[int, float]) -> bool:
    """Remove the kept lines the model scores as clutter, re-scoring until nothing changes;
    True when it removed any. The kept lines are left scored among themselves, so the tail
    rule after it, and a second run on the output, see the scores this run ends with."""
    kept = [b for b in blocks if not b.verdict]
    for b in kept:
        if b.index not in statics:
            statics[b.index] = scorer.static_sum(b)
    took = False
    for _ in range(ROUNDS):
        scorer.rescore(kept, statics)
        ctx = None
        gone = []
        strict, exempt = _judged(kept)
        for k, b in enumerate(kept):
            if k in exempt:
                continue
            if b.score < (scorer.body_threshold if b.body or k in strict else scorer.threshold):
                if ctx is None:
                    ctx = contextual(kept)
                feats = static(b) + ctx[k]
                reason = scorer.reason(feats)
                b.verdict, b.rule, b.weak = reason, f"model.{reason}", True
                b.evidence = scorer.evidence(feats)
                gone.append(b)
        if not gone:
            return took
        took = True
        kept = [b for b in kept if not b.verdict]
    return took
