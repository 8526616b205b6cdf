"""Segment: the repaired text becomes one block per non-blank line.

Blank lines carry nothing and vanish silently; lines of only whitespace (tab runs) or
only the bullets and separators a flattened list leaves behind ("-", "•", "|") are
removed here with reason `whitespace`, so later stages see only lines with words.
Each block records whether it is body-shaped (running text), the feature the context
pass leans on.
"""

from __future__ import annotations

import re

from .model import Block, Removal

# A line with no letter or digit in it: separators, bullets, stray punctuation.
_NO_WORD = re.compile(r"[^\w]*")
TERMINAL = tuple(".!?…\"”»)]'’:;。！？」』")


def body_shaped(text: str) -> bool:
    """A line that reads as running text: a finished sentence of some length, or long."""
    if len(text) >= 160:
        return True
    if not text.endswith(TERMINAL):
        return False
    spaces = text.count(" ")
    # Scripts written without spaces (Chinese, Japanese) count characters instead.
    return spaces >= 6 or (len(text) >= 12 and spaces * 12 < len(text) and not text.isascii())


def segment(text: str) -> tuple[list[Block], list[Removal]]:
    """Split into stripped, non-blank lines; report whitespace-only and punctuation-only lines."""
    blocks: list[Block] = []
    removed: list[Removal] = []
    for i, line in enumerate(text.split("\n")):
        if not line:  # most common in extracted text: the blank line between paragraphs
            continue
        s = line.strip()
        if not s:
            removed.append(Removal(line, "whitespace", "blank-line", i))
        elif len(s) < 12 and _NO_WORD.fullmatch(s):
            removed.append(Removal(line, "whitespace", "separator-line", i))
        else:
            blocks.append(Block(i, s, body_shaped(s)))  # positional: this loop is hot
    return blocks, removed
