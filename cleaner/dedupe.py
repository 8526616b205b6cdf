"""Dedupe: a second copy of a paragraph (or of the whole article) goes; the first stays.

Exact copies are found after whitespace normalisation; near-exact ones after reducing a
line to its lower-cased words, so a copy that differs only in quotes, dashes, spacing or
case is caught. Short lines never count: "Advertisement" or a dateline may repeat.
"""

from __future__ import annotations

import re

from .config import Config
from .model import Block

# ASCII punctuation and whitespace vanish from the near-duplicate key and ASCII capitals
# are lower-cased, in one bytes.translate (a C loop; str.lower on non-ASCII text costs
# ~100 instructions a character, more than the rest of the stage). Non-ASCII capitals
# keep their case: a copy that differs only in the case of "Ä" or "É" is not caught.
_DROP = bytes(b for b in range(128) if not chr(b).isalnum())
_LOWER = bytes(range(256)).lower()
# Curly quotes, dashes, ellipsis and NBSP vanish too, so "quoted" and “quoted” copies match.
# (Deleted as UTF-8 byte sequences: str.translate is slow on non-ASCII text.)
_TYPOGRAPHY = re.compile(b"|".join(re.escape(c.encode()) for c in "“”„‟‘’‚‛«»‹›–—―…\u00a0\u202f"))


def dedupe(blocks: list[Block], config: Config) -> None:
    """Mark later copies of kept paragraphs as `duplicate`."""
    exact: set[str] = set()
    near: set[bytes] = set()
    for b in blocks:
        if b.verdict or len(b.text) < config.min_dup_chars:
            continue
        key = b.text  # already stripped; internal whitespace differences are the near test's
        if key in exact:
            b.verdict, b.rule = "duplicate", "dedupe.exact"
            continue
        exact.add(key)
        if config.near_duplicate:
            loose = key.encode("utf-8", "surrogatepass").translate(_LOWER, _DROP)
            if b"\xe2\x80" in loose or b"\xc2" in loose:
                loose = _TYPOGRAPHY.sub(b"", loose)
            if loose in near:
                b.verdict, b.rule = "duplicate", "dedupe.near"
                continue
            near.add(loose)
