"""Segment: the repaired text becomes one block per non-blank line.

Blank lines carry nothing and vanish silently; lines of only whitespace (tab runs) or
only the bullets and separators a flattened list leaves behind ("-", "•", "|") are
removed here with reason `whitespace`, so later stages see only lines with words.
Each block records whether it is body-shaped (running text), the feature the context
pass leans on.
"""

from __future__ import annotations

import re
from operator import itemgetter

from ..model import Block, Removal

# A line with no letter or digit in it: separators, bullets, stray punctuation.
_NO_WORD = re.compile(r"[^\w]*")
TERMINAL = tuple(".!?…\"”»)]'’:;。！？」』")
# The same as a set, for `line[-1] in ...`: str.endswith(tuple) tries each suffix in turn.
TERMINAL_CHARS = frozenset(TERMINAL)
_LINE = itemgetter(1)
LONG = 160  # a line this long is running text whatever its end


def body_shaped(text: str) -> bool:
    """A line that reads as running text: a finished sentence of some length, or long.
    (`segment` inlines this test: it runs for every line of every document.)"""
    n = len(text)
    if n >= LONG:
        return True
    if not text or text[-1] not in TERMINAL_CHARS:
        return False
    spaces = text.count(" ")
    # Scripts written without spaces (Chinese, Japanese) count characters instead.
    return spaces >= 6 or (n >= 12 and spaces * 12 < n and not text.isascii())


def segment(text: str) -> tuple[list[Block], list[Removal]]:
    """Split into stripped, non-blank lines; report whitespace-only and punctuation-only lines."""
    blocks: list[Block] = []
    removed: list[Removal] = []
    append = blocks.append
    # filter(itemgetter(1), ...) drops the empty lines (the blank line between paragraphs,
    # most common of all in extracted text) without a bytecode run for each
    for i, line in filter(_LINE, enumerate(text.split("\n"))):
        s = line.strip()
        if not s:
            removed.append(Removal(line, "whitespace", "blank-line", i))
        elif len(s) < 12 and _NO_WORD.fullmatch(s):
            removed.append(Removal(line, "whitespace", "separator-line", i))
        else:  # body_shaped(s), inlined
            n = len(s)
            if n >= LONG:
                body = True
            elif s[-1] not in TERMINAL_CHARS:
                body = False
            else:
                spaces = s.count(" ")
                body = spaces >= 6 or (n >= 12 and spaces * 12 < n and not s.isascii())
            append(Block(i, s, body))  # positional: this loop is hot
    return blocks, removed
