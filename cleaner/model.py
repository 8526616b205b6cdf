"""The data that flows between stages and out of the public API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The closed set of removal reasons (DESIGN.md); every rule id sits under one of them.
REASONS: tuple[str, ...] = (
    "recirculation",
    "promo",
    "prompt",
    "comments",
    "share",
    "ad",
    "disclaimer",
    "legal",
    "navigation",
    "caption",
    "kicker",
    "duplicate",
    "site-repeated",
    "whitespace",
    "no-content",
    "page-type",
)


@dataclass(frozen=True, slots=True)
class Removal:
    """A line taken out of the document: its text, why, which rule, and its 0-based line."""

    text: str
    reason: str
    rule: str
    line: int
    score: float | None = None  # the learned scorer's probability of article text (model.* rules)
    evidence: tuple[str, ...] = ()  # the features that decided a model removal (cleaner explain)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "reason": self.reason, "rule": self.rule, "line": self.line}
        if self.score is not None:
            out["score"] = round(self.score, 3)
        if self.evidence:
            out["evidence"] = list(self.evidence)
        return out


@dataclass(frozen=True, slots=True)
class Repair:
    """A change made to the text: `before` became `after` under `rule`, `count` times."""

    before: str
    after: str
    rule: str
    count: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"before": self.before, "after": self.after, "rule": self.rule, "count": self.count}


@dataclass(slots=True)
class Block:
    """One line of the (repaired) document and what the stages learned about it.

    HTML mode fills `tag`, `link_density` and `heading`; text mode leaves the defaults.
    """

    index: int  # the line in the repaired text
    text: str
    body: bool = False  # reads as running text (segment.body_shaped)
    byline: bool = False  # a comment byline or comment furniture (a `zone_only` rule fired)
    tag: str = ""
    link_density: float = 0.0
    heading: int = 0
    verdict: str = ""  # "" keep; otherwise a reason
    rule: str = ""
    weak: bool = False  # the verdict came from shape, not from a phrase: context may revise it
    score: float = 1.0  # the learned scorer's probability that the line is article text
    prose: bool = False  # scored as confident article prose: zones need evidence to take it
    keep: bool = False  # a rule's evidence that the line is the article's (the tail rule's keeps)
    evidence: tuple[str, ...] = ()  # the scorer's strongest features, for a model removal


@dataclass(slots=True)
class Result:
    """What `clean` returns: the clean text and everything that was removed or repaired."""

    text: str
    removed: list[Removal] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    def removed_chars(self) -> dict[str, int]:
        """Characters removed per reason (for batch summaries)."""
        out: dict[str, int] = {}
        for r in self.removed:
            out[r.reason] = out.get(r.reason, 0) + len(r.text)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "removed": [r.to_dict() for r in self.removed],
            "repairs": [r.to_dict() for r in self.repairs],
            "metadata": self.metadata,
        }
