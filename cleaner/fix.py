"""The repair stage: mojibake, lossy mojibake, invisible characters and stray markup, gated.

(The module is `fix` so that `cleaner.repair` stays the public function.)

Every rule is cheap to skip: ASCII text never reaches ftfy, and each regex runs only
when a one-pass `in`/search gate finds something for it to do. Clean text comes out
byte-identical (ftfy runs with `uncurl_quotes=False`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.entities import html5 as html5_entities

import ftfy

from .model import Repair

# A UTF-8 lead byte read as Latin-1/cp1252 followed by a continuation byte read the same
# way ("Ã¼", "â€™", "Â£"), or UTF-8 read as cp1251 ("вЂ™"): the signatures ftfy can undo.
_CONT = "\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
# One character class pair (no alternation: sre scans a class fast, an alternation slowly);
# UTF-8 read as cp1251 ("вЂ™") has the same shape: "в" then "Ђ".
# The first character is limited to the leads real mojibake starts with (Â Ã: Latin-1,
# Ä Å: Latin Extended, Î Ï: Greek, Ð Ñ: Cyrillic, × Ø Ù: Hebrew/Arabic, â: punctuation,
# ð: emoji) and leaves out letters clean German, French or Spanish text is full of (ä é ñ),
# so the scan seldom stops: a twofold saving on non-ASCII text.
_LEADS = "ÂÃÄÅÎÏÐÑ×ØÙâðв"
_MOJIBAKE_GATE = re.compile(f"[{_LEADS}][{_CONT}Ђ]")
# The gate per lead, for whole documents: `lead in text` is a memchr-speed scan and most
# leads never occur, then a regex with a literal first character runs only for those that
# do. (A class scan costs ~90 instructions a character in sre; this ~1.)
_LEAD_GATES = tuple((lead, re.compile(f"{lead}[{_CONT}Ђ]")) for lead in _LEADS)

_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, normalization=None)

# Lossy mojibake ftfy cannot undo: a byte was dropped or a quote was straightened, so the
# sequence no longer decodes. (pattern, replacement, rule id) applied before ftfy.
_LOSSY_LATIN = [
    # before a space, punctuation, the end, or the next mojibake ("â€â€”": ” then —)
    (re.compile(r"â€(?=[\s.,;:!?)â]|$)", re.M), "\u201d", "lossy-cp1252-rdquo"),  # E2 80 9D, 9D dropped
    (re.compile(r"â\(TM\)"), "\u2019", "lossy-cp1252-rsquo-tm"),  # ™ spelled out as (TM)
    (re.compile(r"(?<=\s)â\"(?=\s)"), "\u2014", "lossy-cp1252-dash-quote"),  # € dropped, ” uncurled
]
_LOSSY_LATIN_GATE = re.compile(r"â(?:€|\(TM\)|\")")

# UTF-8 punctuation read as Greek (ISO-8859-7 / cp1253): E2 is "β". With cp1253 the
# next bytes survive as "€" + one more; with ISO-8859-7 the C1 bytes are dropped and a
# lone "β" is all that is left. Only applied to lines with no other Greek letters.
_GREEK_LETTERS = re.compile("[\u0370-\u03af\u03b1\u03b3-\u03ff\u1f00-\u1fff]")
_LOSSY_GREEK = [
    (re.compile('β€[”"]'), "\u2014", "lossy-greek-emdash"),
    (re.compile("β€[“]"), "\u2013", "lossy-greek-endash"),
    (re.compile("β€™"), "\u2019", "lossy-greek-rsquo"),
    (re.compile("β€¦"), "\u2026", "lossy-greek-ellipsis"),
    (re.compile(r"(?<=\w)β(?=(?:s|t|d|m|ll|re|ve)\b)"), "\u2019", "lossy-greek-apostrophe"),
    (re.compile(r"(?<=[\w,.;:!?)\]] )β(?= [\w(\[\"“])"), "\u2014", "lossy-greek-lone-beta"),
]

# Characters that carry nothing: zero-width space, word joiner, BOM, soft hyphen, C0/C1
# controls (tab and newline excepted). ZWJ/ZWNJ stay: emoji and Indic/Persian need them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# C1 controls are what mojibake read as Latin-1 is made of ("â\x80\x99"): ftfy needs them,
# so they go only after ftfy has had its turn.
_C1 = re.compile("[\x80-\x9f]")
# A lone surrogate is not a character (JSON "\\udc80", a "surrogateescape" decode): UTF-8
# cannot encode it, so it becomes U+FFFD, as an undecodable byte does in decode.py.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Everything `_invisible` or the C1 rule could act on: one class scan says whether to look.
_NBSP_ONLY = frozenset("\u00a0")
_NONE: frozenset[str] = frozenset()
_ODD = re.compile("[\r\u200b\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xa0\ud800-\udfff]")
_NBSP = "\u00a0"
_CR = re.compile(r"\r\n?")

# Markup left inside text by a careless extractor. Only known tag names, so "a < b > c"
# and "<3" stay; entities are unescaped only in their strict forms.
_TAGS = (
    "a|abbr|b|big|blockquote|br|center|cite|code|dd|del|div|dl|dt|em|figcaption|figure|font|"
    "h[1-6]|hr|i|iframe|img|ins|li|mark|ol|p|pre|q|s|script|small|span|strike|strong|style|"
    "sub|sup|table|tbody|td|th|thead|tr|tt|u|ul"
)
# (A tag never spans lines: whether one matched must not depend on the lines around it,
# which the cleaner may remove, or a second run would find tags the first did not.)
_TAG = re.compile(rf"</?(?:{_TAGS})(?:[^\S\n][^<>\n]{{0,500}})?/?>", re.I)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
# An ampersand escaped over and over ("&amp;amp;amp;"), undone in one step: level by level,
# hostile nesting outlasts any bounded number of passes (and a fixed point would be
# quadratic), and what a first run left, a second would undo.
_AMP_CHAIN = re.compile(r"&(?:amp;|#0*38;|#[xX]0*26;)+")


Replacement = str | Callable[[re.Match[str]], str]


def _sub_counted(pattern: re.Pattern[str], repl: Replacement, text: str, rule: str, out: list[Repair]) -> str:
    """Substitute and record one Repair per distinct (before, after) pair, with its count
    (a match replaced by itself is no repair)."""
    seen: dict[tuple[str, str], int] = {}

    def record(m: re.Match[str]) -> str:
        after = repl if isinstance(repl, str) else repl(m)
        if after != m.group(0):  # "&bogus;" unescapes to itself: nothing was repaired
            key = (m.group(0), after)
            seen[key] = seen.get(key, 0) + 1
        return after

    new = pattern.sub(record, text)
    out.extend(Repair(before, after, rule, n) for (before, after), n in seen.items())
    return new


def _ftfy(text: str, out: list[Repair]) -> str:
    """Run ftfy on the lines the gate flags only: it costs ~4 MB/s, most lines are clean."""
    lines = text.split("\n")
    changed = False
    for i, line in enumerate(lines):
        if _MOJIBAKE_GATE.search(line):
            fixed: str = ftfy.fix_text(line, _FTFY_CONFIG)
            if fixed != line and "\n" not in fixed:
                out.append(Repair(line, fixed, "ftfy"))
                lines[i] = fixed
                changed = True
    return "\n".join(lines) if changed else text


def _lossy_greek(text: str, out: list[Repair]) -> str:
    """The lossy Greek rules on the lines that hold no other Greek letters (a line that does
    is Greek, not mojibake). Judged per line, not per document, so that removing one line
    never changes how another is repaired: a second run must not repair more."""
    if not _GREEK_LETTERS.search(text):
        for pattern, repl, rule in _LOSSY_GREEK:
            text = _sub_counted(pattern, repl, text, rule, out)
        return text
    lines = text.split("\n")
    greek = [_GREEK_LETTERS.search(line) is not None for line in lines]
    masked = "\n".join(
        "" if g else line for line, g in zip(lines, greek, strict=True)
    )  # rules are line-local
    for pattern, repl, rule in _LOSSY_GREEK:
        masked = _sub_counted(pattern, repl, masked, rule, out)
    return "\n".join(
        line if g else new for line, new, g in zip(lines, masked.split("\n"), greek, strict=True)
    )


def _unescape(m: re.Match[str]) -> str:
    """The character(s) an entity in its strict form stands for; a name that is no entity
    stays. (Not `html.unescape` on a name: it also reads a legacy prefix, "&ampamp;" as
    "&" + "amp;", which makes a new entity a second run would undo.)"""
    entity = m.group(0)
    if entity[1] == "#":
        return html.unescape(entity)
    return html5_entities.get(entity[1:], entity)


def _markup(text: str, out: list[Repair]) -> str:
    """Unescape entities and drop known tags, to a fixed point so a second run changes nothing."""
    original = text
    if "&" in text:
        text = _sub_counted(_AMP_CHAIN, "&", text, "html-entity", out)
    for _ in range(4):
        before = text
        if "&" in text and _ENTITY.search(text):
            text = _sub_counted(_ENTITY, _unescape, text, "html-entity", out)
        if "<" in text and _TAG.search(text):
            text = _sub_counted(_TAG, "", text, "html-tag", out)
        if text == before:
            break
    # an entity may have spelled an invisible character or an NBSP ("&shy;", "&nbsp;")
    return text if text == original else _nbsp(_invisible(text, out), out)


def _invisible(text: str, out: list[Repair]) -> str:
    """Newlines to "\\n" and invisible characters out (NBSP waits: mojibake needs it)."""
    if "\r" in text:
        text = _sub_counted(_CR, "\n", text, "newline", out)
    if _INVISIBLE.search(text):
        text = _sub_counted(_INVISIBLE, "", text, "invisible", out)
    if _SURROGATE.search(text):
        text = _sub_counted(_SURROGATE, "\ufffd", text, "lone-surrogate", out)
    return text


def _nbsp(text: str, out: list[Repair]) -> str:
    if _NBSP in text:
        out.append(Repair(_NBSP, " ", "nbsp", text.count(_NBSP)))
        text = text.replace(_NBSP, " ")
    return text


def _odd_chars(text: str) -> frozenset[str]:
    """Which of the `_ODD` characters occur. `str.isprintable` (a C loop, ~10 instructions
    a character) clears most documents; only the rest pay for the class scan."""
    probe = text.replace("\n", " ")
    if "\t" in probe:
        probe = probe.replace("\t", " ")
    nbsp = _NBSP in probe
    if nbsp:
        probe = probe.replace(_NBSP, " ")
    if probe.isprintable():
        return _NBSP_ONLY if nbsp else _NONE
    return frozenset(_ODD.findall(text))


def _has_mojibake(text: str) -> bool:
    return any(lead in text and gate.search(text) for lead, gate in _LEAD_GATES)


REPAIR_PASSES = 4  # a repair can reveal another; hostile nesting deeper than this stays


def repair_text(text: str) -> tuple[str, list[Repair]]:
    """Repair `text`; return the new text and the repairs made, each with its rule id.

    Repeated until nothing changes (clean text: one pass), because one repair can reveal
    another: Greek mojibake inside a line of Latin mojibake stops ftfy until the lossy
    Greek rule has run; an entity can spell out mojibake or a tag. Without this a second
    run would repair more: not idempotent."""
    out: list[Repair] = []
    for _ in range(REPAIR_PASSES):
        text, again = _repair_once(text, out)
        if not again:
            break
    return text, out


def _repair_once(text: str, out: list[Repair]) -> tuple[str, bool]:
    """One pass; True when a repair that can reveal another changed the text. (Newlines
    and invisible characters cannot: every stage that could act on their result runs after
    them; NBSP only on a line ftfy looked at. Most repaired documents need one pass.)"""
    odd = _odd_chars(text)
    if odd - _NBSP_ONLY:
        text = _invisible(text, out)
    settled = text
    if not text.isascii():
        if _LOSSY_LATIN_GATE.search(text):
            for pattern, repl, rule in _LOSSY_LATIN:
                text = _sub_counted(pattern, repl, text, rule, out)
        consulted = _has_mojibake(text)
        if consulted:
            text = _ftfy(text, out)
        if any("\x80" <= c <= "\x9f" for c in odd):
            text = _sub_counted(_C1, "", text, "invisible", out)
        # NBSP after ftfy ("à" read as cp1252 is "Ã" + NBSP, which ftfy must see intact),
        # before the lossy Greek rules, which look for a lone "β" between spaces. ftfy's
        # verdict on a line can change once its NBSP is a space: then it is asked again.
        changed = text != settled
        with_nbsp = text
        text = settled = _nbsp(text, out)
        changed = changed or (consulted and text != with_nbsp)
        if "β" in text:
            text = _lossy_greek(text, out)
        changed = changed or text != settled
    else:
        changed = False
    if "&" in text or "<" in text:
        before = text
        text = _markup(text, out)
        changed = changed or text != before
    return text, changed


def repair(text: str) -> str:
    """Only the repair stage: the repaired text (see `repair_text` for the explanation)."""
    return repair_text(text)[0]
