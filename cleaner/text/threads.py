"""Comment threads, the context rule that takes the most text (run from context.revise).

A comment header ("15 comments", "Leave a reply") in the back part of the document opens a
thread that runs to the end, once the thread shows evidence (a comment byline) or the
header counts comments; recurring comment bylines with no header make a thread too,
unless they only name two speakers ("Obama says:" over "Romney says:"): a transcript.
Bounded by content: the article's own byline (with the article under it) opens no thread,
a header above the article (a counter by the title) does not take the article, and a page
whose replies repeat its title ("Re: <title>": a forum thread) keeps its posts.
"""

from __future__ import annotations

import re

from ..model import Block
from ..rules import RuleSet
from .features import main_region

# A comment header that counts ("15 comments", "Comments (87)") is evidence by itself.
_COUNTED = re.compile(r"\d")
# A comment header or thread needs this many kept body paragraphs before it: earlier,
# "21 comments" is a counter link by the title. (A count, not a share of the text, so a
# second run, with less text, decides the same way.)
COMMENTS_AFTER_BODY = 2
COUNTED_AFTER_BODY = 3
ARTICLE_CHARS = 1000  # running text under a comment byline or header that is an article, no comment
EVIDENCE_WINDOW = 40  # lines after a bare header in which a comment byline must appear
THREAD_MIN = 3  # comment bylines that make a thread without a header
THREAD_VOICES = 3  # ... distinct ones, when they only name a speaker ("Jane says:")
_REPLY = re.compile(r"Re: ?(.+)")  # a forum reply's subject line (threads._forum_thread)
# (the bylines en.comments.byline-says marks: "Jane says:", "Jane wrote:", "Jane said...")
_SPEAKER = re.compile(r"\b(?:(?:says|wrote)\s*:|said(?:\.\.\.|…))\s*$")


def drop(blocks: list[Block], reason: str, rule: str, *, keep_reason: str = "") -> None:
    """Take the zone's lines, except those the learned scorer reads as article text (a zone
    is evidence about its lines as a group, not about each line). Lines are scored after
    `revise` (score.py), so only the menu and tail rules of `trim_tail` meet that bound."""
    for b in blocks:
        if b.prose and not b.verdict:
            continue
        if not b.verdict or (keep_reason and b.verdict != keep_reason):
            b.verdict, b.rule, b.weak = reason, rule, True


def _header_thread(blocks: list[Block], rules: RuleSet, k: int, bodies: int) -> bool:
    # A count ("3 Kommentare") is evidence enough once the article is well behind us.
    evidence = bodies >= COUNTED_AFTER_BODY and bool(_COUNTED.search(blocks[k].text))
    if not evidence:
        evidence = any(b.byline for b in blocks[k + 1 : k + 1 + EVIDENCE_WINDOW])
    if evidence:
        # A header by the title ("80 Comments" over the article, in whole-page text): the
        # article under it is no comment; the thread starts at the first byline after it.
        start = k + 1
        first = next((j for j in range(start, len(blocks)) if blocks[j].byline), len(blocks))
        if _running(blocks, start, first) >= ARTICLE_CHARS and _above_article(blocks, k):
            start = first
        drop(blocks[start:], "comments", "context.comments-zone", keep_reason="comments")
    return evidence


def _above_article(blocks: list[Block], k: int) -> bool:
    """Whether blocks[k] stands above the article (the main region of the kept lines)."""
    kept = [b for b in blocks if not b.verdict]
    return sum(1 for b in blocks[:k] if not b.verdict) <= main_region(kept)[0]


def _running(blocks: list[Block], start: int, stop: int) -> int:
    """Characters of kept running text in blocks[start:stop]."""
    return sum(len(b.text) for b in blocks[start:stop] if b.body and not b.verdict)


def _byline_thread(blocks: list[Block], bodies: list[int]) -> None:
    """Comment bylines recurring after the body, each pair with comment text between them
    (consecutive bylines are a schedule or a list of dates, not a thread)."""
    metas = [k for k, b in enumerate(blocks) if b.byline and bodies[k] >= COMMENTS_AFTER_BODY]
    # The article's own byline ("by Jane Doe on October 31, 2012") has the article under
    # it, not a comment: the thread starts at the next one.
    if len(metas) > 1 and _running(blocks, metas[0] + 1, metas[1]) >= ARTICLE_CHARS:
        metas = metas[1:]
    gaps = sum(
        1 for a, b in zip(metas, metas[1:], strict=False) if not all(x.byline for x in blocks[a + 1 : b])
    )
    if len(metas) < THREAD_MIN or gaps < THREAD_MIN - 1:
        return
    # Bylines that only name a speaker ("Jane says:") are a transcript's as much as a
    # thread's; a thread has more voices than a dialogue (dates, "Reply" links: a thread).
    speakers = [blocks[k].text.lower() for k in metas]
    if all(_SPEAKER.search(t) for t in speakers) and len(set(speakers)) < THREAD_VOICES:
        return
    drop(blocks[metas[0] :], "comments", "context.comment-thread", keep_reason="comments")


def _forum_thread(blocks: list[Block]) -> bool:
    """A page that is itself a thread of posts: a reply repeats the thread's title ("Re:
    <title>", a line above the first comment byline). Its posts are the content; a news page's comments
    answer each other ("Re: <a comment's subject>"), not its title. The reply line is kept
    from the scorer, so a second run sees it too (dedupe takes only its copies)."""
    seen: set[str] = set()  # the lines above the first comment byline: the page's own
    above = True
    for b in blocks:
        if b.verdict:
            continue
        m = _REPLY.match(b.text)
        if m is not None and m.group(1) in seen:
            b.keep = True
            return True
        above = above and not b.byline
        if above:
            seen.add(b.text)
    return False


def comment_zones(blocks: list[Block], rules: RuleSet, flagged: list[int]) -> None:
    """The comment threads of a document, from the lines a rule named or that hold a
    comment byline (`flagged`, indices into `blocks`)."""
    comment_rules = rules.comment_rules
    headers = [k for k in flagged if blocks[k].rule in comment_rules]
    if not headers and not any(blocks[k].byline for k in flagged):
        return
    if _forum_thread(blocks):
        return
    bodies = []  # kept body paragraphs before each block
    n = 0
    for b in blocks:
        bodies.append(n)
        n += b.body and not b.verdict
    # Bylines before headers: a header zone removes bylines a second run would not see.
    _byline_thread(blocks, bodies)
    for k in headers:
        # (the byline thread may have taken the header)
        opens = blocks[k].rule in comment_rules and bodies[k] >= COMMENTS_AFTER_BODY
        if opens and _header_thread(blocks, rules, k, bodies[k]):
            break
