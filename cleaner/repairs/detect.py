"""Where ftfy's mojibake detector can match: a pair table read from the detector itself.

ftfy changes a line's encoding only when `ftfy.badness.BADNESS_RE` matches in it, so the
repair stage asks that regex before calling ftfy. The regex costs ~7 MB/s, and German or
French text is full of the characters it looks at ("öß", "«\\xa0", "’é") in pairs it never
matches. Nearly every branch of it needs two adjacent non-ASCII characters from two small
classes ("[ÂÃÎÐ][€œ…]", "[bad][accented]"): at import the regex is parsed with the `re`
module's own parser and, for each branch, one such pair of positions is kept: the pair
table. A text holding no adjacent pair from the table cannot match those branches, and a
document whose characters cannot even form one pays one set intersection.

The few branches without such a pair (a C1 control, "Ã " at a word's end, "œ" before a
non-letter) are compiled on their own, behind the characters they cannot match without.

Derived, not copied: a newer ftfy brings its own table. Should its regex ever use a form
this reading does not know, the table is not built (`PAIRS is None`) and every candidate
window goes to BADNESS_RE, as before: slower, never wrong.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from ftfy.badness import BADNESS_RE

try:  # Python 3.11+
    _parser: Any = importlib.import_module("re._parser")
    _compiler: Any = importlib.import_module("re._compiler")
except ImportError:  # pragma: no cover - Python 3.10
    _parser = importlib.import_module("sre_parse")
    _compiler = importlib.import_module("sre_compile")

__all__ = ["HIGH", "PAIRS", "TRIGGERS", "UNPAIRED", "doc_may_pair", "run_may_pair", "unpaired_hits"]


def _chars(item: tuple[Any, Any]) -> frozenset[str] | None:
    """The characters one regex item matches, when it is a plain class of non-ASCII
    characters (literals and ranges); None for anything else (ASCII, \\w, negation, `.`)."""
    op, av = item
    if op is _parser.LITERAL:
        members = [(_parser.LITERAL, av)]
    elif op is _parser.IN:
        members = av
    else:
        return None
    out: set[str] = set()
    for mop, mav in members:
        if mop is _parser.LITERAL:
            out.add(chr(mav))
        elif mop is _parser.RANGE:
            out.update(map(chr, range(mav[0], mav[1] + 1)))
        else:
            return None
    return frozenset(out) if out and min(out) >= "\x80" else None


def _derive() -> tuple[dict[str, frozenset[str]], list[Any], frozenset[str] | None]:
    """(pair table, branches with no pair, their trigger characters or None for "any")."""
    if BADNESS_RE.flags & re.IGNORECASE:
        raise ValueError("a case-folding detector")
    tree = _parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    [(op, (_, branches))] = tree.data
    if op is not _parser.BRANCH:
        raise ValueError("not an alternation")
    pairs: dict[str, set[str]] = {}
    unpaired: list[Any] = []
    triggers: set[str] | None = set()
    for branch in branches:
        sets = [_chars(item) for item in branch.data]
        adjacent = [(a, b) for a, b in zip(sets, sets[1:], strict=False) if a is not None and b is not None]
        if adjacent:  # the most selective pair: every match of the branch holds it
            first, second = min(adjacent, key=lambda ab: len(ab[0]) * len(ab[1]))
            for c in first:
                pairs.setdefault(c, set()).update(second)
            continue
        unpaired.append(branch)
        plain: list[frozenset[str]] = [chars for chars in sets if chars is not None]
        if plain and triggers is not None:
            smallest: frozenset[str] = min(plain, key=len)
            triggers.update(smallest)
        else:
            triggers = None  # a branch every text may match: no trigger says when to look
    interned: dict[frozenset[str], frozenset[str]] = {}
    table = {c: interned.setdefault(frozenset(s), frozenset(s)) for c, s in pairs.items()}
    return table, unpaired, None if triggers is None else frozenset(triggers)


def _compile(branches: list[Any]) -> tuple[re.Pattern[str], int]:
    """The branches as one regex, and the most characters one of its matches spans. It is
    searched in whole texts while the detector sees one line: "^" is any line's start."""
    flags = BADNESS_RE.flags | re.MULTILINE
    tree = _parser.parse(BADNESS_RE.pattern, flags)
    tree.data = [(_parser.BRANCH, (None, branches))]
    pattern: re.Pattern[str] = _compiler.compile(tree, flags)
    return pattern, tree.getwidth()[1]


PAIRS: dict[str, frozenset[str]] | None
UNPAIRED: re.Pattern[str]
TRIGGERS: frozenset[str] | None
_REACH = 0  # characters on each side of a trigger that an UNPAIRED match can span
try:
    PAIRS, _unpaired, TRIGGERS = _derive()
    UNPAIRED, _REACH = _compile(_unpaired) if _unpaired else (re.compile("(?!)"), 1)
except (ValueError, TypeError, AttributeError):  # pragma: no cover - an unknown detector
    PAIRS, UNPAIRED, TRIGGERS = None, BADNESS_RE, None
if _REACH > 100:  # pragma: no cover - an unbounded branch: search whole texts
    TRIGGERS = None

# The UTF-8 bytes a pair's characters can be made of: their lead bytes and every
# continuation byte. Two adjacent characters from the table are a run of four or more
# such bytes, found at memchr speed with `bytes.translate` + `find`.
if PAIRS is None:  # pragma: no cover
    _LEADS = set(range(0xC2, 0xF5))
else:
    _LEADS = {c.encode("utf-8")[0] for c in PAIRS} | {c.encode("utf-8")[0] for s in PAIRS.values() for c in s}
HIGH = bytes(1 if 0x80 <= i <= 0xBF or i in _LEADS else 0 for i in range(256))

_EMPTY: frozenset[str] = frozenset()
_MANY = 200  # trigger characters in one text beyond which one whole-text search is cheaper


def unpaired_hits(text: str, chars: set[str] | frozenset[str]) -> list[int]:
    """Where a branch with no pair may match in `text` (whose non-ASCII characters are
    `chars`): an index inside each match found around the trigger characters, ascending.
    The caller checks each hit's line with BADNESS_RE (a window may span a newline)."""
    present = TRIGGERS.intersection(chars) if TRIGGERS is not None else None
    if present is not None and not present:
        return []
    if present is None or sum(map(text.count, present)) > _MANY:
        return [m.start() for m in UNPAIRED.finditer(text)]
    search, find, reach = UNPAIRED.search, text.find, _REACH
    hits = []
    for c in present:
        i = find(c)
        while i >= 0:
            if search(text, max(0, i - reach), i + reach):
                hits.append(i)
            i = find(c, i + 1)
    return sorted(hits)


def doc_may_pair(chars: set[str] | frozenset[str]) -> bool:
    """Whether a text made of these (non-ASCII) characters can hold a pair of the table
    at all: a clean document stops here."""
    if PAIRS is None:  # pragma: no cover
        return True
    get = PAIRS.get
    return any(not get(c, _EMPTY).isdisjoint(chars) for c in chars)


RUN_VERDICTS: dict[bytes, bool] = {}  # read directly by the caller: no call for a known run


def run_may_pair(run: bytes) -> bool:
    """Whether a run of adjacent non-ASCII characters (UTF-8) holds a pair of the table.
    Runs repeat ("ü", "’s", "«\\xa0"), so each verdict is kept."""
    verdict = RUN_VERDICTS.get(run)
    if verdict is None:
        if PAIRS is None:  # pragma: no cover
            return True
        skip = 0
        while skip < len(run) and run[skip] < 0xC0:  # a run may begin inside a character
            skip += 1
        text = run[skip:].decode("utf-8", "surrogatepass")
        verdict = any(b in PAIRS.get(a, _EMPTY) for a, b in zip(text, text[1:], strict=False))
        if len(RUN_VERDICTS) > 50_000:  # hostile input: keep memory bounded
            RUN_VERDICTS.clear()
        RUN_VERDICTS[run] = verdict
    return verdict
