"""Segment: the repaired text becomes one block per non-blank line.

Blank lines carry nothing and vanish silently; lines of only whitespace (tab runs) or
only the bullets and separators a flattened list leaves behind ("-", "•", "|") are
removed here with reason `whitespace`, so later stages see only lines with words.
"""

from __future__ import annotations

import re

from .model import Block, Removal

# A line with no letter or digit in it: separators, bullets, stray punctuation.
_NO_WORD = re.compile(r"[^\w]*")


def segment(text: str) -> tuple[list[Block], list[Removal]]:
    """Split into stripped, non-blank lines; report whitespace-only and punctuation-only lines."""
    blocks: list[Block] = []
    removed: list[Removal] = []
    start = 0
    for i, line in enumerate(text.split("\n")):
        s = line.strip()
        if not s:
            if line:
                removed.append(Removal(line, "whitespace", "blank-line", i))
        elif len(s) < 12 and _NO_WORD.fullmatch(s):
            removed.append(Removal(line, "whitespace", "separator-line", i))
        else:
            blocks.append(Block(i, s, start=start))
        start += len(line) + 1
    return blocks, removed
