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
- Comments: the comment threads of threads.py.
Conservative mode applies none of this: it removes only what a rule names.
"""

from __future__ import annotations

import re

from ..config import Config
from ..model import Block
from ..rules import RuleSet
from . import threads
from .features import main_region
from .segment import TERMINAL_CHARS
from .threads import drop as _drop

BULLETS = "-–•*·"  # list item marks a kept tail line can start with
# A list item that starts with a quantity or a number, then a word: "2 tsp cumin", "1/4 cup
# sugar", "3. Stir well" (not a calendar row "1 2 3 4", nor a bare "2012").
_COUNTED_ITEM = re.compile(r"(?<![\d/.,])\d[\d/.,]*\s*[^\W\d_]")
HEADLINE_WORDS = (3, 24)  # words in a headline of a links zone (fewer: a name, a list item)
_NOT_HEADLINE = re.compile(r"\d{1,3}[.)]\s|[Bb][Yy]\s")
# a date with its year ("July 24, 2012", "24.07.2012") or a clock time: a dateline, not a teaser
_DATELINE = re.compile(
    r"\b[^\W\d_]+\.? \d{1,2},? (?:19|20)\d\d\b|\b\d{1,2}[./]\d{1,2}[./](?:19|20)?\d\d\b"
    r"|\b\d{1,2}:\d\d(?:[AaPp][Mm])?\b"  # "10:05", "10:05AM"
)
# an author line under a title: "By Jane Doe", "Posted by Jane B. Doe" (two capitalised words
# at least: "By Category" is a menu); read with DATELINE_WORDS's bound on its length
_BYLINE = re.compile(r"(?:[Pp]osted |[Ww]ritten )?[Bb]y:? [A-Z][\w.'’-]* [A-Z]")
# The shapes of an article's close (context._closing): a lone name ("Jonathan"), a name
# after a dash, tilde or ellipsis ("— Jane Doe", "... Brent Butterworth"), a valediction
# ending in a comma ("Love and light,") and the line after it.
_NAME = re.compile(r"[^\W\d_][^\W\d_'’-]*")
_SIGNED = re.compile(r"(?:[-–—~]|\.\.\.|…)\s*[^\W\d_]")
# a name of two to four capitalised words ("Matt Doe", "Jane B. Doe"), and the parts of a
# date split over lines: a day, a year, a month's short name ("Jul", "Okt.")
_PERSON = re.compile(r"[A-Z][^\W\d_]*\.?(?: [A-Z][^\W\d_'’-]*\.?){1,3}")
_DATE_PART = re.compile(r"\d{1,2}\.?|(?:19|20)\d\d|[A-Z][^\W\d_]{2}\.?")
TEASER_WORDS = (4, 20)  # words in a headline of a run with no marker (context._teaser)
HEADLINE_RUN = 3  # this many headline-shaped lines between body paragraphs are a list of links
HEAD_LINES = 3  # a dateline among the text's first kept lines is the article's (context._datelines)
DATELINE_WORDS = 16  # ... when it has fewer spaces than this
BYLINE_WORDS = 6  # a byline has fewer spaces than this
HEAD_BYLINE_WORDS = 24  # ... a line the packs mark as a byline, fewer than this
_DIGIT = re.compile(r"\d")
QUESTION_WORDS = 14  # a question this short inside a links zone is a headline
_SENTENCE_BREAK = re.compile(r"[.!?] ")  # more than one sentence
CLOSING_LINES = 2  # lines after the last body paragraph that can be its close (context._closing)
LIST_ITEM_WORDS = 4  # items of a list a sentence announces have fewer words than a headline
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


def _datelines(blocks: list[Block]) -> None:
    """A dateline at the article's head ("July 24, 2012 7:07 AM", "Posted by Jane on
    November 6, 2012") or byline ("By Jane Doe"): among the first HEAD_LINES kept lines,
    right above the article's start, or under another such line, it is the article's own,
    whatever the scorer makes of its words."""
    kept = [b for b in blocks if not b.verdict]
    first = next((k for k, b in enumerate(kept) if b.body), -1)
    # the article starts at its first body paragraph, or at its main region when a short
    # body-shaped line (a title ending in "?") comes before it
    start = max(first, main_region(kept)[0]) if first >= 0 else -1
    above = False  # the line above is a dateline or byline of the head: one under it is too
    for k, b in enumerate(kept[: max(start, 0)]):
        near = k < HEAD_LINES or k == start - 1 or above
        t = b.text
        n = t.count(" ")
        # a line the packs read as a byline ("Posted ... by Jane Doe · 3 comments") is the
        # article's here, above its text: comments follow an article, they do not head it
        above = near and (
            (
                n < DATELINE_WORDS
                and (_DATELINE.search(t) is not None or (n < BYLINE_WORDS and _BYLINE.match(t) is not None))
            )
            or (b.byline and n < HEAD_BYLINE_WORDS)
        )
        if above:
            b.keep = True
    _head_parts(kept[: max(start, 0)])


def _head_parts(head: list[Block]) -> None:
    """What a dateline in the head brings with it: the name right above it ("Jane Doe" over
    "July 23, 2012"), and a date split over lines ("Jul" / "24" / "2012") among the first
    HEAD_LINES lines or under the head's datelines."""
    for k in range(len(head) - 1):
        if head[k + 1].keep and _DATELINE.search(head[k + 1].text) and _PERSON.fullmatch(head[k].text):
            head[k].keep = True
    k = 0
    while k < len(head):
        end = k
        while end < len(head) and _DATE_PART.fullmatch(head[end].text):
            end += 1
        run = head[k:end]
        near = k < HEAD_LINES or head[k - 1].keep
        if (
            len(run) >= 2
            and near
            and any(b.text[0].isdigit() for b in run)
            and not all(b.text[0].isdigit() for b in run)
        ):
            for b in run:
                b.keep = True
        k = end + 1


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
    closing = {id(b) for b in _closing(blocks, last, rules)}
    kept = [id(b) in closing or (keep is not None and keep.match(b.text) is not None) for b in after]
    # A line that introduces kept list items ("Key dates" over "- March 1: ...") stays too.
    intro = [
        k + 1 < len(after) and kept[k + 1] and after[k + 1].text[0] in BULLETS for k in range(len(after))
    ]
    listed = _announced_list(blocks, last, after)
    for k, b in enumerate(after):  # evidence the learned scorer must not overrule (score.py)
        if kept[k] or intro[k] or k in listed:
            b.keep = True
    open_ = [
        (b.text[-1] not in TERMINAL_CHARS or _ARCHIVE.fullmatch(b.text) is not None)
        and not kept[k]
        and not intro[k]
        and k not in listed
        for k, b in enumerate(after)
    ]
    # A short question or exclamation among them is one more headline ("What is Mesh WiFi?")
    taken = [
        b
        for k, b in enumerate(after)
        if open_[k]
        or (
            not kept[k]
            and _exclaimed_headline(b.text)
            and ((k > 0 and open_[k - 1]) or (k + 1 < len(after) and open_[k + 1]))
        )
    ]
    _drop(taken, "navigation", "context.tail")


def _closing(blocks: list[Block], last: int, rules: RuleSet) -> list[Block]:
    """The article's closing lines: at most CLOSING_LINES kept lines right after its last
    body paragraph that stand alone, followed by the end of the text or by a line a pack
    rule names (a signature "Jane", a credit "Posted by Jane at 5:00 AM", a "Hat tip: ..."
    line before the page's share bar). A run of short lines is a list (the tail rule's);
    a lone line between the article and named furniture is the article's own. Only pack
    rules count as the edge: they judge a line by itself, so a second run sees the same;
    the lines other rules took are not there for a second run, so they do not count."""
    run: list[Block] = []
    for b in blocks[last + 1 :]:
        if not b.verdict:
            if len(run) == CLOSING_LINES:
                return []
            run.append(b)
        elif b.rule in rules.by_id:
            break
        # (a line a zone, the scorer or this rule took is not there for a second run)
    # ... and shaped like a close: a dateline, a signature, a line after a valediction
    texts = [blocks[last].text] + [b.text for b in run]
    return [b for b, prev in zip(run, texts, strict=False) if _closes(prev, b.text)]


def _closes(prev: str, t: str) -> bool:
    """Shaped like an article's close (a dateline, a signature, an address, a valediction
    or the name after one)."""
    if prev.endswith(",") or t.endswith(",") or "@" in t:
        return True
    if _SIGNED.match(t) or _DATELINE.search(t):
        return True
    return t[0].isupper() and _NAME.fullmatch(t) is not None


def _announced_list(blocks: list[Block], last: int, after: list[Block]) -> range:
    """The lines (indices into `after`) of a list the article announces with a colon, in
    the last body paragraph or the line after it ("Ingredients for 4 portions:"), when
    most of its items start with a quantity or a number, or when the body paragraph itself
    announces it ("Here are the places we will visit:") and its items follow it directly
    (no line removed between them). A footer's link list ("Follow us:" over "Facebook",
    "Twitter") has no numbers and no sentence over it, so it still goes."""
    body = blocks[last]
    start = 0 if body.text.endswith(":") else 1 if after[0].text.endswith(":") else -1
    if start < 0:
        return range(0)
    end = start
    while end < len(after) and after[end].text[-1] not in TERMINAL_CHARS:
        end += 1
    items = after[start:end]
    counted = sum(1 for b in items if _COUNTED_ITEM.match(b.text))
    if len(items) >= 2 and 2 * counted >= len(items):
        return range(start, end)
    if start == 0:
        # short items (names, places; not another story's headline) that follow the
        # sentence directly, up to the first line removed
        near = 0
        while near < len(items) and last + 1 + near < len(blocks) and blocks[last + 1 + near] is items[near]:
            near += 1
        if near >= 2 and all(b.text.count(" ") < LIST_ITEM_WORDS for b in items[:near]):
            return range(0, near)
    return range(0)


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

    Above or inside the article (its main region, features.main_region, starts after the
    marker or runs across it), lines no headline list holds (a list item of the article's
    own, a byline or dateline, a name) stay, and they bound the zone: two of them in a row,
    or one that announces a list with a colon, mean the list of headlines is over. So a
    marker in the middle of an article takes its teasers, not the article's own short
    lines. Below the article everything short goes (link lists hold names and dates too)."""
    after = [b for b in blocks[start + 1 :] if not b.verdict]  # a timestamp, a share count: the zone goes on
    kept = [b for b in blocks if not b.verdict]
    hi = main_region(kept)[1]
    before = sum(1 for b in blocks[:start] if not b.verdict)
    strict = before <= hi
    took = 0
    for k, b in enumerate(after):
        if b.body and not _question_headline(b.text):
            return
        nxt = after[k + 1] if k + 1 < len(after) else None
        if strict and not _headline(b.text):
            if took and (b.text[-1] == ":" or nxt is None or not _headline(nxt.text)):
                return
            continue
        b.verdict, b.rule, b.weak = "recirculation", "context.links-zone", True
        took += 1


def _headline_runs(blocks: list[Block]) -> None:
    """Other stories' headlines set into the article with no marker we know: a run of
    HEADLINE_RUN or more headline-shaped lines between two body paragraphs (at most one
    other short line, first: a marker in words no pack has). An article's own subheading
    stands alone over its paragraph; a list it announces ("Here are the books I read:")
    follows a paragraph ending in a colon and stays."""
    kept = [b for b in blocks if not b.verdict]
    bodies = [k for k, b in enumerate(kept) if b.body]
    for a, z in zip(bodies, bodies[1:], strict=False):
        run = kept[a + 1 : z]
        if len(run) < HEADLINE_RUN or kept[a].text[-1] == ":":
            continue
        # (all but the first are teasers, and HEADLINE_RUN of them: short-circuits on a menu)
        if all(_teaser(b.text) for b in run[1:]) and (len(run) > HEADLINE_RUN or _teaser(run[0].text)):
            for b in run:
                b.verdict, b.rule, b.weak = "recirculation", "context.headline-run", True


def _teaser(text: str) -> bool:
    """A headline as link lists set them: capitalised, TEASER_WORDS words, no list mark,
    quantity, quote, table cell, record or label ("Price: $84")."""
    words = text.count(" ") + 1
    if not TEASER_WORDS[0] <= words <= TEASER_WORDS[1] or not text[0].isupper() or "|" in text:
        return False
    if text.count(",") >= 2:  # a record ("Roper Corp., La Fayette, GA, 2,000"), a list
        return False
    label = text.find(": ")
    return (label < 0 or text.count(" ", 0, label) >= 2) and _headline(text)


def _headline(text: str) -> bool:
    """Shaped like another story's headline: a few words (HEADLINE_WORDS), not a numbered
    list item, a byline ("By Jane Doe") or a dateline ("July 24, 2012 4:16 AM")."""
    words = text.count(" ") + 1
    if not HEADLINE_WORDS[0] <= words <= HEADLINE_WORDS[1] or text[-1] in ".:":
        return False
    if "|" in text and _DIGIT.search(text):  # "Labor | 8.2 Hours | $398": a table's row
        return False
    return _NOT_HEADLINE.match(text) is None and _DATELINE.search(text) is None


def _exclaimed_headline(text: str) -> bool:
    """A single short question or exclamation: a headline's ending, not a sentence's."""
    return text[-1] in "?!" and text.count(" ") < QUESTION_WORDS and not _SENTENCE_BREAK.search(text[:-1])


def _question_headline(text: str) -> bool:
    """A single short question ("Why are so many nurses leaving?"): body-shaped by its
    ending, but in a list after "Related" it is one more headline, not the body resuming."""
    return text.endswith("?") and text.count(" ") < QUESTION_WORDS and "? " not in text and ". " not in text


def revise(blocks: list[Block], rules: RuleSet, config: Config, *, comments: bool = True) -> None:
    """Revise first-pass verdicts by context (not in conservative mode). `comments=False`:
    no comment-thread zones (a forum page, whose posts are the content: typed.py)."""
    if config.mode == "conservative" or not blocks:
        return
    # Order matters for idempotence: each step looks only at lines still kept, and the
    # tail (trim_tail) comes after dedupe, once everything else has taken what it takes.
    _kickers(blocks, rules)
    _datelines(blocks)
    # Everything below starts from a line a rule named (or a comment byline): look at
    # those only, not at every line.
    flagged = [k for k, b in enumerate(blocks) if b.verdict or b.byline]
    link_rules = rules.link_rules
    for k in flagged:
        if blocks[k].rule in link_rules:
            _links_zone(blocks, k)
    if comments:
        threads.comment_zones(blocks, rules, flagged)


def trim_tail(blocks: list[Block], rules: RuleSet, config: Config, *, tail: bool = True) -> bool:
    """The headline-run, menu and tail rules, run last (after dedupe) and again after each
    round of the scorer, so a second run sees the same kept lines. True when they took a
    line. `tail=False`: none of them (a listing's items: typed.py)."""
    if config.mode == "conservative" or not blocks or not tail:
        return False
    before = sum(1 for b in blocks if b.verdict)
    _headline_runs(blocks)  # here, not in `revise`: removals by the scorer can join two runs
    _menus(blocks)  # first: the tail rule weighs what is left above the tail
    _tail(blocks, rules)
    return sum(1 for b in blocks if b.verdict) != before
