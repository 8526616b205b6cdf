"""Context: a second pass that revises verdicts by their neighbours (as jusText does).

- A recirculation marker ("Also read", "Lesen Sie auch") opens a zone in which
  headline-shaped lines are links; the zone closes when body-shaped text resumes.
- A comment header ("15 comments", "Leave a reply") in the back part of a document
  opens a user-comment thread that runs to the end, once the thread shows evidence
  (a comment byline or timestamp) or the header counts comments.
Conservative mode applies no zones: it removes only what a rule names.
"""

from __future__ import annotations

import re

from .config import Config
from .model import Block
from .rules import EXACT_MAX, RuleSet, exact_key

_TERMINAL = tuple(".!?…\"”»)'’:;")
# A comment header that counts ("15 comments", "Comments (87)") is evidence by itself.
_COUNTED = re.compile(r"\d")
COMMENTS_START = 0.3  # a comment header earlier than this share of the text is a counter link
EVIDENCE_WINDOW = 40  # lines after a bare header in which a comment byline must appear


def body_shaped(text: str) -> bool:
    """A line that reads as running text: a finished sentence of some length, or long."""
    if len(text) >= 160:
        return True
    return text.endswith(_TERMINAL) and text.count(" ") >= 6


def _links_zone(blocks: list[Block], rules: RuleSet, start: int) -> None:
    for b in blocks[start + 1 :]:
        if b.verdict:
            continue  # a timestamp, a share count: the zone goes on
        if body_shaped(b.text):
            return
        b.verdict, b.rule, b.weak = "recirculation", "context.links-zone", True


def _comments_zone(blocks: list[Block], rules: RuleSet, start: int) -> bool:
    header = blocks[start]
    evidence = bool(_COUNTED.search(header.text))
    if not evidence and rules.zone_match is not None:
        window = blocks[start + 1 : start + 1 + EVIDENCE_WINDOW]
        evidence = any(rules.zone_match.match(b.text) for b in window if len(b.text) <= 200)
    if not evidence:
        return False
    for b in blocks[start + 1 :]:
        if b.verdict != "comments":
            b.verdict, b.rule, b.weak = "comments", "context.comments-zone", True
    return True


def _kickers(blocks: list[Block], rules: RuleSet) -> None:
    """Section labels ("Politics") before the title: the first kept lines, when a title follows.

    Judged on the first *kept* line, not the first line, so a second run (after "Skip to
    content" is gone) decides the same way: idempotence.
    """
    kept = [b for b in blocks if not b.verdict]
    for b in kept[:-1]:  # a kicker needs a title after it
        rule = rules.exact.get(exact_key(b.text)) if len(b.text) <= EXACT_MAX else None
        if rule is None or not rule.first_only:
            return
        b.verdict, b.rule, b.weak = rule.reason, rule.id, rule.weak


def revise(blocks: list[Block], rules: RuleSet, config: Config) -> None:
    """Open the zones the first pass's markers call for (not in conservative mode)."""
    if config.mode == "conservative" or not blocks:
        return
    _kickers(blocks, rules)
    total = sum(len(b.text) for b in blocks)
    seen = 0
    for i, b in enumerate(blocks):
        rule = rules.by_id.get(b.rule) if b.verdict else None
        zone = rule.zone if rule is not None else ""
        if zone == "links":
            _links_zone(blocks, rules, i)
        elif zone == "comments" and seen >= COMMENTS_START * total and _comments_zone(blocks, rules, i):
            return
        seen += len(b.text)
