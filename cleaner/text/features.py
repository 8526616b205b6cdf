"""Line features for the learned scorer (score.py): what a line looks like and where it sits.

The features are meant to carry over to sites the model never saw, so they describe a line
by shape (length, ending, capitals, digits, separators), by its first words (the words of
clutter — "subscribe", "related", "newsletter" — recur across sites, a site's own
boilerplate does not; training keeps only words seen on many sites), by where it sits
relative to the body paragraphs, by its neighbours, and by the rule packs' verdicts on it
and beside it (the rules are the model's strongest evidence).

Two kinds, so a re-score after removals is cheap:
- `static`: the line's own features (computed once per line);
- `contextual`: its position and neighbours among the lines still kept (recomputed each
  round; see score.py).
Feature names are strings ("w=subscribe", "end=.", "zone=tail|len=3") so the model file can
be read and its decisions explained.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from itertools import compress, repeat

from ..model import Block

WORDS = 8  # the first this many words of a line are features
SHORT_HEAD = 64  # the words are read from this many when they hold more than WORDS words
HEAD = 160  # shape is read from the line's first this many characters (a long line is prose)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_DIGIT = re.compile(r"\d")
_HANDLE = re.compile(r"(?:^|\s)@\w")
# Marks a line can carry, each a feature (each search starts with a literal or a class, which
# the regex engine skips to quickly).
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d\d\b")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|de|fr|es|pl|co\.uk)\b")
_SEP = re.compile(r"[|»›•►«]| / | · ")  # (shape tests the same with `in`s, and _SEP_CHARS)
_SEP_CHARS = re.compile(r"[|»›•►«]")
# _WORD on ASCII text: a letter class sre tests by a bitmap, not by Unicode category
_ASCII_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_LETTERS = bytes(c if 97 <= c <= 122 else 32 for c in range(256))  # a-z kept, the rest spaces
# Letters to "A" or "a", str.split's ASCII whitespace to a space, the rest to ".".
_CASE_MARKS = bytes(
    65 if 65 <= c <= 90 else 97 if 97 <= c <= 122 else 32 if chr(c).isspace() else 46 for c in range(256)
)
_DIGITS = b"0123456789"
SENTENCES = re.compile(r"[.!?] [A-ZÀ-Ý]")
_QUOTES = "\"'”’»“„«"
_BULLETS = "-–—•*·►▸"
SHORT_COST = 40  # what a line that is not running text costs the main region (main_region)
_LEN_EDGES = (8, 16, 32, 64, 128, 256, 512)
_WORD_EDGES = (1, 2, 3, 6, 12, 25)


def _end(text: str) -> str:
    c = text[-1]
    if c in ".!?:;":
        return c
    if c in _QUOTES:
        return "q"
    if c in ")]":
        return ")"
    if c == "…":
        return "."
    if c.isdigit():
        return "9"
    if c.isalpha():
        return "a"
    return "o"


#: A line's own features as numbers (see `shape`, spelled out by `shape_names`): length,
#: words, ending, body, first character, title case, lower-case share, all capitals, digits,
#: year, clock, (c), @handle, tab, URL, separator, sentences, commas, byline.
Shape = tuple[
    int, int, str, bool, int, bool, int, bool, int, bool, bool, bool, bool, bool, bool, bool, bool, bool, bool
]
_FIRSTS = ("", "first=A", "first=a", "first=9", "first=bullet")


def shape(b: Block) -> tuple[Shape, list[str], bool]:
    """The line's own features (no neighbours, no position), as numbers: its shape, its
    first WORDS words lower-cased, and whether those are all of its words. The scorer sums
    a shape's weights once (a corpus has a few thousand shapes) and the words' on top."""
    t = b.text
    n = len(t)
    head = t[:HEAD]
    first = t[0]
    fk = 1 if first.isupper() else 2 if first.islower() else 3 if first.isdigit() else 4 * (first in _BULLETS)
    ascii = head.isascii()
    if ascii:  # (most lines) bytes.translate and count do what a split and loops would:
        data = head.encode()  # letters become "A"/"a", whitespace " ", the rest "."; a word
        marks = b" " + data.translate(_CASE_MARKS)  # starts where a space meets another mark
        caps, lows = marks.count(b" A"), marks.count(b" a")
        nwh = caps + lows + marks.count(b" .")  # str.split's words of the head
        digits = len(data) - len(data.translate(None, _DIGITS))
    else:
        words = head.split()
        nwh = len(words)
        initials = [w[0] for w in words]
        caps, lows = sum(map(str.isupper, initials)), sum(map(str.islower, initials))
        digits = len(_DIGIT.findall(head))
    nw = nwh if n <= HEAD else t.count(" ") + 1
    title, lower = False, 0  # lower: 0 absent, else 1 + the feature's value
    if nwh >= 2:
        title = caps * 10 >= nwh * 7
        lower = 1 + lows * 4 // (nwh + 1)  # running text: lower-case initials
    year = clock = False
    if digits:
        year = _YEAR.search(head) is not None
        clock = _CLOCK.search(head) is not None
    key: Shape = (
        bisect_left(_LEN_EDGES, n), bisect_left(_WORD_EDGES, nw), _end(t), b.body, fk, title, lower,
        n >= 3 and t.isupper(), 0 if not digits else 2 if digits * 5 > len(head) else 1, year, clock,
        "©" in head or "(c)" in head or "(C)" in head, "@" in head and _HANDLE.search(head) is not None,
        "\t" in head, ("." in head or ":" in head) and _URL.search(head) is not None,
        " / " in head or ("|" in head if ascii else " · " in head or _SEP_CHARS.search(head) is not None),
        (". " in head or "! " in head or "? " in head) and SENTENCES.search(head) is not None,
        head.count(",") >= 2, b.byline,
    )  # fmt: skip
    # The first WORDS words; a short prefix of the line holds them when it holds one more.
    lowered = _words(t[:SHORT_HEAD])
    if len(lowered) <= WORDS and n > SHORT_HEAD:
        lowered = _words(t[:120])
    return key, lowered[:WORDS], nw <= WORDS


def _words(prefix: str) -> list[str]:
    """`_WORD`'s words of the lower-cased prefix. On ASCII text they are its runs of
    letters, joined by an apostrophe: without one, a split of the letters does."""
    low = prefix.lower()
    if not low.isascii():
        return _WORD.findall(low)
    if "'" in low:
        return _ASCII_WORD.findall(low)
    return low.encode().translate(_LETTERS).decode().split()


def shape_names(key: Shape) -> list[str]:
    """The feature names of a line's shape, in the order the scorer sums them."""
    lb, nwb, end, body, fk, title, lower, caps, digits, year, clock, *flags = key
    f = [f"len={lb}", f"nw={nwb}", f"end={end}", f"len={lb}|end={end}"]
    if body:
        f.append("body")
    if fk:
        f.append(_FIRSTS[fk])
    if title:
        f.append("titlecase")
    if lower:
        f.append(f"lower={lower - 1}")
    if caps:
        f.append("allcaps")
    if digits:
        f.append("digits=hi" if digits == 2 else "digits=lo")
        if year:
            f.append("year")
        if clock:
            f.append("clock")
    f.extend([name for name, on in zip(_FLAGS, flags, strict=True) if on])
    return f


_FLAGS = ("copy", "handle", "tab", "url", "sep", "sentences", "commas", "byline")


def word_names(words: list[str], whole: bool) -> list[str]:
    """The feature names of a line's first words (`whole`: they are all its words)."""
    if not words:
        return []
    f = [f"w0={words[0]}", *[f"w={w}" for w in words]]
    if whole:
        f.append(f"wl={words[-1]}")
    return f


def static(b: Block) -> list[str]:
    """The line's own features (no neighbours, no position), by name."""
    key, words, whole = shape(b)
    return shape_names(key) + word_names(words, whole)


def main_region(blocks: Sequence[Block]) -> tuple[int, int]:
    """The run of lines (first, last index) densest in running text: the largest sum of body
    lines' lengths less SHORT_COST for each other line (the article among a page's menus)."""
    best, lo, hi = 0, 0, -1
    total, start = 0, 0
    for k, b in enumerate(blocks):
        total += len(b.text) if b.body else -SHORT_COST
        if total <= 0:
            total, start = 0, k + 1
        elif total > best:
            best, lo, hi = total, start, k
    return lo, hi


ZONES = ("head", "mid", "tail")
_SIDES = ("none", "body", "short")
_RUN_EDGES = (1, 2, 4, 9)
_AWAY_EDGES = (0, 1, 3, 9)
#: A line's context as numbers: (zone, share of running text, length bucket, body, run,
#: distance from the main region, previous line, next line); see `names`.
Context = tuple[int, int, int, int, int, int, int, int]


def context_keys(blocks: Sequence[Block], region: tuple[int, int] | None = None) -> list[Context]:
    """Position and neighbour of each line among `blocks` (the lines still kept), as numbers:
    the scorer sums their weights from a table (score.py), `names` spells them out.

    Zones: `head` above the first body paragraph, `tail` below the last, `mid` between.
    A line in a run of non-body lines knows the run's length (a menu, a headline list), and
    every line its distance from the main region (`main_region`). No feature names the
    page's edges or a neighbouring byline: when the model removes a line, its neighbour
    would become the new edge or neighbour, and be removed next. `region`: the main region of
    `blocks` when the caller has it already.
    """
    n = len(blocks)
    if not n:
        return []
    # Each column is made by C-level list operations, not a Python step per line: the
    # scorer makes these a few times per document.
    body = [b.body for b in blocks]
    bodies = list(compress(range(n), body))
    share = len(bodies) * 4 // n  # 0..4: how much of the page is running text
    if bodies:  # head above the first body paragraph, tail below the last
        first, last = bodies[0], bodies[-1]
        zones = [*repeat(0, first), *repeat(1, last - first + 1), *repeat(2, n - 1 - last)]
    else:
        zones = [0] * n
    run = [0] * n  # runs of consecutive non-body lines: 1 + the bucket of their length
    start = 0
    for k in [*bodies, n]:  # the gaps between body lines are the runs
        if k > start:
            run[start:k] = [bisect_left(_RUN_EDGES, k - start) + 1] * (k - start)
        start = k + 1
    lo, hi = region if region is not None else main_region(blocks)
    # distance from the main region: lo - k above it, k - hi below (every line k + 1 without one)
    away = [*range(lo, 0, -1), *repeat(0, max(0, hi - lo + 1)), *range(max(1, lo - hi), n - hi)]
    sides = [*map(_SIDE.__getitem__, body)]  # a neighbour: 1 body, 2 short
    return list(
        zip(
            zones, repeat(share), map(bisect_left, repeat(_LEN_EDGES), [len(b.text) for b in blocks]),
            map(int, body), run, map(bisect_left, repeat(_AWAY_EDGES), away), [0, *sides[:-1]],
            [*sides[1:], 0], strict=False,
        )
    )  # fmt: skip


_SIDE = (2, 1)  # indexed by `body`


def names(key: Context) -> list[str]:
    """The feature names of one line's context (what the model's weights are keyed by)."""
    zone_i, share, lb, body, run, away, prev, nxt = key
    zone = ZONES[zone_i]
    f = [f"zone={zone}", f"doc={share}", f"zone={zone}|len={lb}", f"zone={zone}|body={body}"]
    if run:
        f += [f"run={run}", f"zone={zone}|run={run}"]
    f.append(f"away={away}")
    if prev:
        f.append(f"prev={_SIDES[prev]}")
    if nxt:
        f.append(f"next={_SIDES[nxt]}")
    return f


def contextual(blocks: Sequence[Block]) -> list[list[str]]:
    """The context features of each line among `blocks`, by name (training, explanations)."""
    return [names(key) for key in context_keys(blocks)]
