"""Context: a second pass that revises verdicts by their neighbours (as jusText does).

- Kickers: a section label ("Politics") as the first kept line, before the title.
- Tail: after the article's last body paragraph, short unpunctuated lines are page
  furniture (other headlines, tag lists, footer links); `keep` lines (sources, agency
  credits) stay, a list that the article announces with a colon and whose items mostly
  start with a quantity or a number ("Ingredients:" over "2 tsp cumin") stays, and the
  rule stands down when the "tail" is most of the text (verse).
- Menus: runs of four or more short capitalised names ("Politik", "Sport", "Über uns")
  or blog-archive entries ("► April (3)"), on a page with two or more such runs and one of
  them outside the body paragraphs, are its menus and link columns; those above the first
  body paragraph go, and long ones between body paragraphs (run last, just before the tail
  rule, which judges those below the last).
- Links zone: a recirculation marker ("Also read", "Lesen Sie auch") opens a zone in
  which headline-shaped lines are links; it closes when body-shaped text resumes.
- Comments: a comment header ("15 comments", "Leave a reply") in the back part of the
  document opens a thread that runs to the end, once the thread shows evidence (a
  comment byline) or the header counts comments; recurring comment bylines with no
  header make a thread too, unless they only name two speakers ("Obama says:" over
  "Romney says:"): a transcript.
Conservative mode applies none of this: it removes only what a rule names.
"""

from __future__ import annotations

import re

from .config import Config
from .features import main_region
from .model import Block
from .rules import RuleSet
from .segment import TERMINAL_CHARS

BULLETS = "-–•*·"  # list item marks a kept tail line can start with
# A list item that starts with a quantity or a number, then a word: "2 tsp cumin", "1/4 cup
# sugar", "3. Stir well" (not a calendar row "1 2 3 4", nor a bare "2012").
_COUNTED_ITEM = re.compile(r"(?<![\d/.,])\d[\d/.,]*\s*[^\W\d_]")
HEADLINE_WORDS = (3, 24)  # words in a headline of a links zone (fewer: a name, a list item)
_NOT_HEADLINE = re.compile(r"\d{1,3}[.)]\s|[Bb][Yy]\s")
# a date with its year ("July 24, 2012", "24.07.2012") or a clock time: a dateline, not a teaser
_DATELINE = re.compile(
    r"\b[^\W\d_]+\.? \d{1,2}, (?:19|20)\d\d\b|\b\d{1,2}[./]\d{1,2}[./](?:19|20)?\d\d\b|\b\d{1,2}:\d\d\b"
)
QUESTION_WORDS = 14  # a question this short inside a links zone is a headline
TAIL_SHARE = 0.5  # the tail rule stands down when what follows the body is this large
MENU_RUN = 4  # this many menu-shaped lines in a row are a menu (context._menus) ...
MENU_WORDS = 3  # ... each of at most this many words
MENU_CHARS = 60  # ... and this many characters (no archive entry is longer either)
MENU_RUNS = 2  # ... and only on a page with at least this many such runs (one run is a list)
MENU_MID = 8  # ... a run between body paragraphs goes only when it is this long
MENU_SHARE = 1.0  # ... unless they hold more than this share of the body paragraphs' text
_NOT_MENU = re.compile(r"[\d\t:,;]")  # a count, a label, a list: not a menu entry
# ... but a blog archive's entries are: "► April (3)", "November 2012", "2011 (36)" (used
# with fullmatch; the "^" keeps a scan over a long line linear)
_ARCHIVE = re.compile(r"^[►▼▸▾]?\s*(?:[^\W\d_]+ \d{4}(?: \(\d+\))?|(?:\d{4}|[^\W\d_]+) \(\d+\))")
_ARCHIVE_MARKS = "►▼▸▾"  # Blogger's expand/collapse marks (the first character _ARCHIVE allows)
# A comment header that counts ("15 comments", "Comments (87)") is evidence by itself.
_COUNTED = re.compile(r"\d")
# A comment header or thread needs this many kept body paragraphs before it: earlier,
# "21 comments" is a counter link by the title. (A count, not a share of the text, so a
# second run, with less text, decides the same way.)
COMMENTS_AFTER_BODY = 2
COUNTED_AFTER_BODY = 3
EVIDENCE_WINDOW = 40  # lines after a bare header in which a comment byline must appear
THREAD_MIN = 3  # comment bylines that make a thread without a header
THREAD_VOICES = 3  # ... distinct ones, when they only name a speaker ("Jane says:")
# (the bylines en.comments.byline-says marks: "Jane says:", "Jane wrote:", "Jane said...")
_SPEAKER = re.compile(r"\b(?:(?:says|wrote)\s*:|said(?:\.\.\.|…))\s*$")


def _drop(blocks: list[Block], reason: str, rule: str, *, keep_reason: str = "") -> None:
    """Take the zone's lines, except those the learned scorer reads as article text (a zone
    is evidence about its lines as a group, not about each line). Lines are scored after
    `revise` (score.py), so only the menu and tail rules of `trim_tail` meet that bound."""
    for b in blocks:
        if b.prose and not b.verdict:
            continue
        if not b.verdict or (keep_reason and b.verdict != keep_reason):
            b.verdict, b.rule, b.weak = reason, rule, True


def _kickers(blocks: list[Block], rules: RuleSet) -> None:
    """Judged on the first *kept* line, not the first line, so that a second run (after
    "Skip to content" is gone) decides the same way: idempotence."""
    kept = (b for b in blocks if not b.verdict)  # lazily: only the first few are looked at
    b = next(kept, None)
    while b is not None:
        nxt = next(kept, None)
        rule = rules.phrase(b.text)
        # a kicker needs a title after it, not text
        if nxt is None or rule is None or not rule.first_only or nxt.body:
            return
        b.verdict, b.rule, b.weak = rule.reason, rule.id, rule.weak
        b = nxt


def _tail(blocks: list[Block], rules: RuleSet) -> None:
    last = next((k for k in range(len(blocks) - 1, -1, -1) if blocks[k].body and not blocks[k].verdict), -1)
    if last < 0:
        return
    after = [b for b in blocks[last + 1 :] if not b.verdict]
    if not after:
        return
    tail = sum(len(b.text) for b in after)
    head = sum(len(b.text) for b in blocks[: last + 1] if not b.verdict)
    if tail > TAIL_SHARE * head:  # verse, lists, tables: not a footer
        return
    keep = rules.keep_tail
    kept = [keep is not None and keep.match(b.text) is not None for b in after]
    # A line that introduces kept list items ("Key dates" over "- March 1: ...") stays too.
    intro = [
        k + 1 < len(after) and kept[k + 1] and after[k + 1].text[0] in BULLETS for k in range(len(after))
    ]
    listed = _announced_list(blocks[last], after)
    for k, b in enumerate(after):  # evidence the learned scorer must not overrule (score.py)
        if kept[k] or intro[k] or k in listed:
            b.keep = True
    _drop(
        [
            b
            for k, (b, keep_it, heads) in enumerate(zip(after, kept, intro, strict=True))
            if (b.text[-1] not in TERMINAL_CHARS or _ARCHIVE.fullmatch(b.text))
            and not keep_it
            and not heads
            and k not in listed
        ],
        "navigation",
        "context.tail",
    )


def _announced_list(body: Block, after: list[Block]) -> range:
    """The lines (indices into `after`) of a list the article announces with a colon, in
    the last body paragraph or the line after it ("Ingredients for 4 portions:"), when
    most of its items start with a quantity or a number. A footer's link list ("Follow
    us:" over "Facebook", "Twitter") has no numbers, so it still goes."""
    start = 0 if body.text.endswith(":") else 1 if after[0].text.endswith(":") else -1
    if start < 0:
        return range(0)
    end = start
    while end < len(after) and after[end].text[-1] not in TERMINAL_CHARS:
        end += 1
    items = after[start:end]
    counted = sum(1 for b in items if _COUNTED_ITEM.match(b.text))
    return range(start, end) if len(items) >= 2 and 2 * counted >= len(items) else range(0)


def _menu_item(b: Block) -> bool:
    """A line that could be a menu entry: a capitalised name of at most MENU_WORDS words with
    no number, colon, comma, tab or closing punctuation ("Politik", "Über uns", "Contact
    Us"), or a blog-archive entry ("► April (3)"). A list inside an article has bullets,
    counts or sentences; a sentence cut by inline markup ("by" / "Jane Doe" / "on") has
    lower-case pieces."""
    t = b.text
    if b.body or len(t) > MENU_CHARS:
        return False  # (runs must hold no body paragraph: the rule is judged around them)
    first = t[0]
    if first.isupper():
        if len(t.split()) <= MENU_WORDS and t[-1] not in TERMINAL_CHARS and _NOT_MENU.search(t) is None:
            return True
    elif not first.isdigit() and first not in _ARCHIVE_MARKS:
        return False
    return _ARCHIVE.fullmatch(t) is not None


def _menus(blocks: list[Block]) -> None:
    """Runs of MENU_RUN or more menu-shaped lines in a row, among the lines still kept: a
    site's menus, section lists and footer link columns (whole-page text, such as a WET
    record, has them above the article, beside it and below it). A page needs MENU_RUNS of
    them, one of them above the first body paragraph or below the last: an article's own
    list of short names ("Aphids", "Spider Mites", ...) is one run, and sits between its
    paragraphs. Takes the runs above the first body paragraph, and the long ones between
    body paragraphs (MENU_MID: a sidebar, where an article's list is short); the tail rule
    judges those below the last. Stands down when they outweigh the page's running text (a
    list page, a poem). Judged on kept lines only, after every other rule, so a second run
    sees the same runs."""
    kept = [b for b in blocks if not b.verdict]
    runs: list[range] = []  # indices into `kept`
    start = 0
    for k, b in enumerate([*kept, None]):
        if b is not None and _menu_item(b):
            continue
        if k - start >= MENU_RUN:
            runs.append(range(start, k))
        start = k + 1
    if len(runs) < MENU_RUNS:
        return
    bodies = [k for k, b in enumerate(kept) if b.body]
    if not bodies or not any(r.start < bodies[0] or r.stop > bodies[-1] for r in runs):
        return
    # Runs below the last body paragraph are the tail rule's (it has its own weighing), so
    # a second run, after the tail rule took them, sees the same runs here. Between body
    # paragraphs only a long run goes: a sidebar, not the article's own list of names.
    taken = [r for r in runs if r.start < bodies[0] or (r.start < bodies[-1] and len(r) >= MENU_MID)]
    lines = [kept[k] for r in taken for k in r]
    if sum(len(b.text) for b in lines) <= MENU_SHARE * sum(len(kept[k].text) for k in bodies):
        _drop(lines, "navigation", "context.menu")


def _links_zone(blocks: list[Block], start: int) -> None:
    """The headlines a marker announces, up to where running text resumes.

    Inside the article (its main region, features.main_region, runs across the marker),
    lines no headline list holds (a list item of the article's own, a byline or dateline, a
    name) stay: a marker in the middle of an article takes its teasers, not the article's
    own short lines. Below the article everything short goes (link lists hold names and
    dates too)."""
    after = blocks[start + 1 :]
    kept = [b for b in blocks if not b.verdict]
    lo, hi = main_region(kept)
    before = sum(1 for b in blocks[:start] if not b.verdict)
    inside = lo < before <= hi
    for b in after:
        if b.verdict:
            continue  # a timestamp, a share count: the zone goes on
        if b.body and not _question_headline(b.text):
            return
        if inside and not _headline(b.text):
            continue
        b.verdict, b.rule, b.weak = "recirculation", "context.links-zone", True


def _headline(text: str) -> bool:
    """Shaped like another story's headline: a few words (HEADLINE_WORDS), not a numbered
    list item, a byline ("By Jane Doe") or a dateline ("July 24, 2012 4:16 AM")."""
    words = text.count(" ") + 1
    if not HEADLINE_WORDS[0] <= words <= HEADLINE_WORDS[1]:
        return False
    return _NOT_HEADLINE.match(text) is None and _DATELINE.search(text) is None


def _question_headline(text: str) -> bool:
    """A single short question ("Why are so many nurses leaving?"): body-shaped by its
    ending, but in a list after "Related" it is one more headline, not the body resuming."""
    return text.endswith("?") and text.count(" ") < QUESTION_WORDS and "? " not in text and ". " not in text


def _header_thread(blocks: list[Block], rules: RuleSet, k: int, bodies: int) -> bool:
    # A count ("3 Kommentare") is evidence enough once the article is well behind us.
    evidence = bodies >= COUNTED_AFTER_BODY and bool(_COUNTED.search(blocks[k].text))
    if not evidence:
        evidence = any(b.byline for b in blocks[k + 1 : k + 1 + EVIDENCE_WINDOW])
    if evidence:
        _drop(blocks[k + 1 :], "comments", "context.comments-zone", keep_reason="comments")
    return evidence


def _byline_thread(blocks: list[Block], bodies: list[int]) -> None:
    """Comment bylines recurring after the body, each pair with comment text between them
    (consecutive bylines are a schedule or a list of dates, not a thread)."""
    metas = [k for k, b in enumerate(blocks) if b.byline and bodies[k] >= COMMENTS_AFTER_BODY]
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
    _drop(blocks[metas[0] :], "comments", "context.comment-thread", keep_reason="comments")


def revise(blocks: list[Block], rules: RuleSet, config: Config, *, comments: bool = True) -> None:
    """Revise first-pass verdicts by context (not in conservative mode). `comments=False`:
    no comment-thread zones (a forum page, whose posts are the content: typed.py)."""
    if config.mode == "conservative" or not blocks:
        return
    # Order matters for idempotence: each step looks only at lines still kept, and the
    # tail (trim_tail) comes after dedupe, once everything else has taken what it takes.
    _kickers(blocks, rules)
    # Everything below starts from a line a rule named (or a comment byline): look at
    # those only, not at every line.
    flagged = [k for k, b in enumerate(blocks) if b.verdict or b.byline]
    link_rules = rules.link_rules
    for k in flagged:
        if blocks[k].rule in link_rules:
            _links_zone(blocks, k)
    comment_rules = rules.comment_rules
    headers = [k for k in flagged if blocks[k].rule in comment_rules]
    if not comments or (not headers and not any(blocks[k].byline for k in flagged)):
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


def trim_tail(blocks: list[Block], rules: RuleSet, config: Config, *, tail: bool = True) -> bool:
    """The menu and tail rules, run last (after dedupe), so a second run sees the same kept
    lines. True when they took a line. `tail=False`: neither (a listing's items: typed.py)."""
    if config.mode == "conservative" or not blocks or not tail:
        return False
    before = sum(1 for b in blocks if b.verdict)
    _menus(blocks)  # first: the tail rule weighs what is left above the tail
    _tail(blocks, rules)
    return sum(1 for b in blocks if b.verdict) != before
