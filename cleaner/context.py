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

_TERMINAL = tuple(".!?…\"”»)'’:;。！？」』")
TAIL_SHARE = 0.5  # the tail rule stands down when what follows the body is this large
# A comment header that counts ("15 comments", "Comments (87)") is evidence by itself.
_COUNTED = re.compile(r"\d")
# A comment header or thread must start after this share of the text, or after this many
# characters when the thread is long: earlier, "21 comments" is a counter link by the title.
COMMENTS_START = 0.3
COMMENTS_START_CHARS = 1500
EVIDENCE_WINDOW = 40  # lines after a bare header in which a comment byline must appear
THREAD_MIN = 3  # comment bylines that make a thread without a header


def body_shaped(text: str) -> bool:
    """A line that reads as running text: a finished sentence of some length, or long."""
    if len(text) >= 160:
        return True
    if not text.endswith(_TERMINAL):
        return False
    spaces = text.count(" ")
    # Scripts written without spaces (Chinese, Japanese) count characters instead.
    return spaces >= 6 or (len(text) >= 12 and spaces * 12 < len(text) and not text.isascii())


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
        evidence = any(is_byline(b.text, rules) for b in window)
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


def _tail(blocks: list[Block], rules: RuleSet) -> None:
    """After the article's last body paragraph, short unpunctuated lines are page furniture.

    Headlines of other stories, tag lists, author boxes, footer links. Lines a pack lists
    under `keep` (sources, agency credits, "Reporting by") stay.
    """
    last = -1
    for k, b in enumerate(blocks):
        if not b.verdict and body_shaped(b.text):
            last = k
    if last < 0:
        return
    head = sum(len(b.text) for b in blocks[: last + 1] if not b.verdict)
    tail = sum(len(b.text) for b in blocks[last + 1 :] if not b.verdict)
    if tail > TAIL_SHARE * head:  # verse, lists, tables: not a footer
        return
    keep = rules.keep_tail
    for b in blocks[last + 1 :]:
        if b.verdict or (keep is not None and keep.match(b.text)):
            continue
        b.verdict, b.rule, b.weak = "navigation", "context.tail", True


def is_byline(text: str, rules: RuleSet) -> bool:
    """A comment byline or comment furniture (the `zone_only` patterns), cheaply pre-gated:
    every such pattern needs a colon (a time, "says:", "Re:") or "reply"/"permalink"."""
    if len(text) > 200 or rules.zone_match is None:
        return False
    if ":" not in text and "eply" not in text and "ermalink" not in text and "EPLY" not in text:
        return False
    return rules.zone_match.match(text) is not None


def _thread(blocks: list[Block], rules: RuleSet, offset: list[int], total: int) -> bool:
    """A comment thread with no header: comment bylines ("Ann October 3, 2012 at 9:41 am",
    "Posted by: Bob | May 2, 2012 2:00 PM") recurring in the back part of the document.
    The thread runs from the first such byline to the end."""
    if rules.zone_match is None:
        return False
    start = min(COMMENTS_START * total, COMMENTS_START_CHARS)
    metas = [k for k, b in enumerate(blocks) if offset[k] >= start and is_byline(b.text, rules)]
    if len(metas) < THREAD_MIN:
        return False
    for b in blocks[metas[0] :]:
        if b.verdict != "comments":
            b.verdict, b.rule, b.weak = "comments", "context.comment-thread", True
    return True


def revise(blocks: list[Block], rules: RuleSet, config: Config) -> None:
    """Open the zones the first pass's markers call for (not in conservative mode)."""
    if config.mode == "conservative" or not blocks:
        return
    _kickers(blocks, rules)
    _tail(blocks, rules)
    offset = []
    total = 0
    for b in blocks:
        offset.append(total)
        total += len(b.text)
    start = min(COMMENTS_START * total, COMMENTS_START_CHARS)
    for i, b in enumerate(blocks):
        rule = rules.by_id.get(b.rule) if b.verdict else None
        zone = rule.zone if rule is not None else ""
        if zone == "links":
            _links_zone(blocks, rules, i)
        elif zone == "comments" and offset[i] >= start and _comments_zone(blocks, rules, i):
            return
    _thread(blocks, rules, offset, total)
