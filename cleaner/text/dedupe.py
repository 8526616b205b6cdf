"""Dedupe: a second copy of a paragraph (or of the whole article) goes; the first stays.

Exact copies are found after whitespace normalisation; near-exact ones after reducing a
line to its lower-cased words, so a copy that differs only in quotes, dashes, spacing or
case is caught. Short lines never count: "Advertisement" or a dateline may repeat.
"""

from __future__ import annotations

import re

from ..config import Config
from ..model import Block

# ASCII punctuation and whitespace vanish from the near-duplicate key and ASCII capitals
# are lower-cased, in one bytes.translate (a C loop; str.lower on non-ASCII text costs
# ~100 instructions a character, more than the rest of the stage). Non-ASCII capitals
# keep their case: a copy that differs only in the case of "Ä" or "É" is not caught.
# Newlines stay: the keys of a document are made in one pass over all its lines.
_DROP = bytes(b for b in range(128) if not chr(b).isalnum() and b != 10)
_LOWER = bytes(range(256)).lower()
# Typographic punctuation vanishes too, so "quoted" and “quoted” copies match: the General
# Punctuation block (U+2000-U+203F: dashes, curly quotes, ellipsis, odd spaces, bullets)
# and NBSP, « and ». Deleted as UTF-8 byte sequences, each pattern with a literal prefix
# that sre finds fast (str.translate is slow on non-ASCII text).
_GENERAL_PUNCTUATION = re.compile(b"\xe2\x80[\x80-\xbf]")
_LATIN1_PUNCTUATION = re.compile(b"\xc2[\xa0\xab\xbb]")


def near_keys(texts: list[str]) -> list[bytes]:
    """The near-duplicate key of each line: lower-cased ASCII, words only."""
    buf = "\n".join(texts).encode("utf-8", "surrogatepass").translate(_LOWER, _DROP)
    if b"\xe2\x80" in buf:
        buf = _GENERAL_PUNCTUATION.sub(b"", buf)
    if b"\xc2" in buf:
        buf = _LATIN1_PUNCTUATION.sub(b"", buf)
    return buf.split(b"\n")


def dedupe(blocks: list[Block], config: Config) -> None:
    """Mark later copies of kept paragraphs as `duplicate`."""
    shortest = config.min_dup_chars
    candidates = [b for b in blocks if not b.verdict and len(b.text) >= shortest]
    keys = near_keys([b.text for b in candidates]) if config.near_duplicate else None
    exact: set[str] = set()
    near: set[bytes] = set()
    for i, b in enumerate(candidates):
        key = b.text  # already stripped; internal whitespace differences are the near test's
        if key in exact:
            b.verdict, b.rule = "duplicate", "dedupe.exact"
            continue
        exact.add(key)
        if keys is not None:
            loose = keys[i]
            if loose in near:
                b.verdict, b.rule = "duplicate", "dedupe.near"
                continue
            near.add(loose)
