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
from ftfy.badness import BADNESS_RE, badness
from ftfy.chardata import LIGATURES

from ..model import Repair
from . import detect, lossy

# The gate in front of ftfy is ftfy's own detector: ftfy changes a line's encoding only
# when `ftfy.badness.BADNESS_RE` matches in it (`is_bad`), so a line it cannot match is a
# line ftfy would leave alone. The regex costs ~7 MB/s, so it runs on a few windows only:
# around the adjacent pairs of characters that its own branches need (`detect`).
_WINDOW = 32  # bytes each side of a run: a BADNESS_RE match is at most 7 characters
_PLAIN_ASCII = bytes(b for b in range(0x80) if 0x20 <= b < 0x7F or b in b"\t\n")
_RUN = b"\x01\x01\x01\x01"  # two adjacent characters of the table: four bytes or more

_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, normalization=None)

# Lossy mojibake ftfy cannot undo: a byte was dropped or a quote was straightened, so the
# sequence no longer decodes. (pattern, replacement, rule id) applied before ftfy.
_LOSSY_LATIN = [
    # before a space, punctuation, the end, or the next mojibake ("â€â€”": ” then —)
    (re.compile(r"â\(TM\)"), "\u2019", "lossy-cp1252-rsquo-tm"),  # ™ spelled out as (TM)
    (re.compile(r"(?<=\s)â\"(?=\s)"), "\u2014", "lossy-cp1252-dash-quote"),  # € dropped, ” uncurled
]
_LOSSY_LATIN_GATE = re.compile(r"â(?:\(TM\)|\")")

# Characters that carry nothing: zero-width space, word joiner, BOM, soft hyphen, C0/C1
# controls (tab and newline excepted). ZWJ/ZWNJ stay: emoji and Indic/Persian need them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INVISIBLE_SET = frozenset(
    "\u200b\u2060\ufeff\u00ad\x0b\x0c\x7f" + "".join(map(chr, [*range(9), *range(0x0E, 0x20)]))
)
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
_ENTITY_HEAD = re.compile(r"&(?:#|[a-zA-Z][a-zA-Z0-9]{1,31};)")  # where _ENTITY or _AMP_CHAIN can match


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


def _unusual(data: bytes) -> str:
    """The characters of a text (`data`: its UTF-8) that are not printable ASCII, tab or
    newline, in order: the other ASCII bytes are deleted in one C pass and the few left
    decoded. Every gate of the stage is a set lookup on them."""
    return data.translate(None, _PLAIN_ASCII).decode("utf-8", "surrogatepass")


def _suspect_lines(text: str, data: bytes, chars: frozenset[str]) -> list[int]:
    """The indexes of the lines ftfy's detector flags, exactly (every line ftfy would fix
    is among them); `data` is the text in UTF-8, `chars` its non-ASCII characters."""
    found: set[int] = set()
    line_no, counted = 0, 0
    for i in detect.unpaired_hits(text, chars):  # "Ã " at a word's end, C1 controls …
        if i < counted:
            continue  # on a line already looked at
        start = text.rfind("\n", 0, i) + 1
        stop = text.find("\n", i)
        stop = len(text) if stop < 0 else stop
        line_no += text.count("\n", counted, start)
        counted = stop
        if BADNESS_RE.search(text[start:stop]):
            found.add(line_no)
    if detect.doc_may_pair(chars):  # else a clean document: no two of its characters make a pair
        found.update(_paired_lines(data))
    return sorted(found)


def _paired_lines(data: bytes) -> list[int]:
    """The lines where BADNESS_RE matches with a pair of the table: looked for in windows
    around the runs of adjacent non-ASCII characters that hold such a pair."""
    high = data.translate(detect.HIGH)
    pos = high.find(_RUN)
    found: list[int] = []
    line_no, counted = 0, 0
    verdicts = detect.RUN_VERDICTS
    while pos >= 0:
        end = high.find(b"\x00", pos)
        end = len(high) if end < 0 else end
        run = data[pos:end]
        if not verdicts.get(run, True) or not detect.run_may_pair(run):
            pos = high.find(_RUN, end)
            continue
        start = data.rfind(b"\n", 0, pos) + 1
        stop = data.find(b"\n", end)
        stop = len(data) if stop < 0 else stop
        left, right = max(start, pos - _WINDOW), min(stop, end + _WINDOW)
        while 0x80 <= data[left] < 0xC0:  # whole characters: a decoder that dropped a part
            left -= 1  # (or a lone surrogate) would make two characters adjacent that are not
        while right < stop and 0x80 <= data[right] < 0xC0:
            right += 1
        window = data[left:right].decode("utf-8", "surrogatepass")
        if BADNESS_RE.search(window, 0 if left == start else 1):  # "^" is the line's start only
            line_no += data.count(b"\n", counted, start)
            counted = start
            found.append(line_no)
            pos = high.find(_RUN, stop)  # the line is flagged: on to the next one
        else:
            pos = high.find(_RUN, end)
    return found


# A Windows-1252 lead ("â", "Ã", "Ä", "Ï", "ð" …) with fewer continuation characters than
# its UTF-8 byte asks for: where an undefined byte (81 8D 8F 90 9D) may have been dropped.
_W_CONT = "\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_LOST_BYTE = re.compile(
    f"[\u00c2-\u00df](?![{_W_CONT}])|[\u00e0-\u00ef][{_W_CONT}]?(?![{_W_CONT}])|[ð-ô][{_W_CONT}]{{0,2}}(?![{_W_CONT}])"
)


def _guessed_a0(fixed: str, line: str) -> bool:
    """ftfy read a space after a cut-short sequence as a lost NBSP byte (A0): "â€ " (a "”"
    that lost 9D) became "†" (E2 80 A0). Its answer is then a guess from a lost byte too."""
    return any(ord(c) > 0x7FF and c.encode("utf-8")[-1] == 0xA0 and c not in line for c in set(fixed))


def _ftfy(text: str, data: bytes, chars: frozenset[str], out: list[Repair]) -> tuple[str, bool]:
    """ftfy on the lines its own detector flags; where it cannot decode a line because a
    byte was dropped (Windows-1252's undefined bytes), the byte is put back first."""
    flagged = _suspect_lines(text, data, chars)
    if not flagged:
        return text, False
    lines = text.split("\n")
    lang = ""
    for i in flagged:
        line = lines[i]
        fixed: str = ftfy.fix_text(line, _FTFY_CONFIG)
        rule = "ftfy"
        if _LOST_BYTE.search(line):  # a sequence cut short: ftfy would read it as something else
            lang = lang or lossy.doc_language(text)
            ours = lossy.decode_cp1252_lossy(line, lang)
            if ours is not None and (_worse(fixed, ours) or _guessed_a0(fixed, line)):
                fixed, rule = ours, "lossy-cp1252-dropped-byte"
        if _G7_LEADS.search(line):  # ftfy reads ISO-8859-7 as Windows-1253 ("Γ€" as "À", not "ä")
            greek: list[Repair] = []
            ours = lossy.repair_greek_c1(line, lambda: _greek_language(text), greek)
            if ours != line and _worse(fixed, ours, fffd=True):
                out.extend(greek)
                lines[i] = ours
                continue
        if fixed != line and "\n" not in fixed:
            out.append(Repair(line, fixed, rule))
            lines[i] = fixed
    return "\n".join(lines), True


def _worse(theirs: str, ours: str, fffd: bool = False) -> bool:
    """Whether ftfy's reading of a line is worse than ours: by ftfy's own measure, then (with
    `fffd`: ISO-8859-7, whose undefined bytes a decoder turns into U+FFFD, "Β�" is "®") by
    replacement characters left, then by lowercase letters followed by an uppercase one
    ("hyvÀ", "buÄ"): of readings as good, the one that writes each word in one case is the text."""
    if theirs == ours:
        return False
    mine = (badness(ours), ours.count("\ufffd") if fffd else 0, _case_breaks(ours))
    return mine < (badness(theirs), theirs.count("\ufffd") if fffd else 0, _case_breaks(theirs))


def _case_breaks(text: str) -> int:
    return sum(1 for a, b in zip(text, text[1:], strict=False) if b.isupper() and a.islower())


def _greek_language(text: str) -> str:
    """The document's language, read through the ISO-8859-7 chain ("Γ©" is "é")."""
    return lossy.doc_language(lossy.decode_complete(text))


# Latin ligatures and digraph characters ("ﬁ", "ŉ", "ǌ") that ftfy takes apart on every
# line, mojibake or not: its table, so the output stays the same as ftfy's.
_LIGATURES = {chr(cp): s for cp, s in LIGATURES.items()}
_LIGATURE = re.compile("[" + "".join(_LIGATURES) + "]")
_LIGATURE_SET = frozenset(_LIGATURES)

# A character ISO-8859-7 gives a UTF-8 lead byte (C2-F4): where the Greek-C1 chain can be.
_G7_LEADS = re.compile("[\u0392-\u03a1\u03a3-\u03af\u03b0-\u03c4]")
_G7_SET = frozenset(map(chr, [*range(0x392, 0x3A2), *range(0x3A3, 0x3C5)]))


def _greek_c1(text: str, out: list[Repair]) -> str:
    """UTF-8 read as ISO-8859-7, C1 bytes dropped, line by line (see `lossy`)."""
    lines = text.split("\n")
    known: list[str] = []

    def lang() -> str:
        if not known:
            known.append(_greek_language(text))
        return known[0]

    for i, line in enumerate(lines):
        if _G7_LEADS.search(line):
            line = lossy.repair_cp1253_punct(line, out)
            lines[i] = lossy.repair_greek_c1(line, lang, out) if _G7_LEADS.search(line) else line
    return "\n".join(lines)


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
    entity = "&" in text and _ENTITY_HEAD.search(text) is not None  # a literal head scans fastest
    if not entity and not ("<" in text and _TAG.search(text)):
        return text
    if entity and _AMP_CHAIN.search(text):
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


def _invisible(text: str, out: list[Repair], odd: frozenset[str] | None = None) -> str:
    """Newlines to "\\n" and invisible characters out (NBSP waits: mojibake needs it).
    `odd` is which `_ODD` characters the text holds (read here when not given): each one
    present goes with `str.replace`, no class scan, recorded in order of first occurrence."""
    if odd is None:
        odd = _odd_of(text)
    if "\r" in odd:
        text = _sub_counted(_CR, "\n", text, "newline", out)
    gone = [(c, "", "invisible") for c in odd if c in _INVISIBLE_SET]
    gone += [(c, "\ufffd", "lone-surrogate") for c in odd if "\ud800" <= c <= "\udfff"]
    for rule in ("invisible", "lone-surrogate"):
        found = sorted((text.find(c), c, after) for c, after, r in gone if r == rule)
        for at, c, after in found:
            if at >= 0:
                out.append(Repair(c, after, rule, text.count(c)))
                text = text.replace(c, after)
    return text


def _odd_of(text: str) -> frozenset[str]:
    """Which `_ODD` characters `text` holds (two C passes and a scan of the few left)."""
    unusual = _unusual(text.encode("utf-8", "surrogatepass"))
    return frozenset(_ODD.findall(unusual)) if unusual else _NONE


def _nbsp(text: str, out: list[Repair], n: int = -1) -> str:
    """NBSP to a space; `n` is how many the text holds, when known."""
    n = text.count(_NBSP) if n < 0 else n
    if n:
        out.append(Repair(_NBSP, " ", "nbsp", n))
        text = text.replace(_NBSP, " ")
    return text


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
    them; NBSP only on a line ftfy looked at. Most repaired documents need one pass.)

    Order: ftfy sees the text as it came (soft hyphens, NBSP and C1 controls are parts of
    mojibake: "Ã\xad" is "í"), then what it leaves of them goes."""
    data = text.encode("utf-8", "surrogatepass")
    unusual = _unusual(data)
    odd = frozenset(_ODD.findall(unusual)) if unusual else _NONE
    if "\r" in odd:
        text = _sub_counted(_CR, "\n", text, "newline", out)
        data = text.encode("utf-8", "surrogatepass")
    scanned = text  # the text `odd` was read from (but for "\r")
    settled = text
    changed = False
    if not text.isascii():
        chars = frozenset(unusual)  # every gate below is a set lookup on it
        if "â" in chars and _LOSSY_LATIN_GATE.search(text):
            before = text
            for pattern, repl, rule in _LOSSY_LATIN:
                text = _sub_counted(pattern, repl, text, rule, out)
            if text != before:
                data = text.encode("utf-8", "surrogatepass")
                chars = frozenset(_unusual(data))
        c1 = any("\x80" <= c <= "\x9f" for c in odd)
        before_ftfy = text
        text, consulted = _ftfy(text, data, chars, out)
        if text != before_ftfy:
            chars = frozenset(_unusual(text.encode("utf-8", "surrogatepass")))
        # Greek letters: before NBSP and soft hyphens go, they are its bytes A0, AD
        if not _G7_SET.isdisjoint(chars):
            before_greek = text
            text = _greek_c1(text, out)
            if text != before_greek:
                chars = frozenset(_unusual(text.encode("utf-8", "surrogatepass")))
        consulted = consulted or text != before_ftfy
        if not _LIGATURE_SET.isdisjoint(chars):
            text = _sub_counted(_LIGATURE, lambda m: _LIGATURES[m.group()], text, "ligature", out)
        if odd - _NBSP_ONLY:
            text = _invisible(text, out, odd if text == scanned else None)
            if c1:
                text = _sub_counted(_C1, "", text, "invisible", out)
        # NBSP after ftfy ("à" read as cp1252 is "Ã" + NBSP, which ftfy must see intact).
        changed = text != settled
        with_nbsp = text
        if _NBSP in chars:  # `chars` is kept current; `unusual` holds every NBSP of `scanned`
            text = _nbsp(text, out, unusual.count(_NBSP) if text == scanned else -1)
        settled = text
        changed = changed or (consulted and text != with_nbsp)
        if text != with_nbsp and not _G7_SET.isdisjoint(chars):  # "met\xa0β\xa0and": NBSP is a byte (A0) too
            text = _greek_c1(text, out)
            changed = changed or text != settled
    elif odd - _NBSP_ONLY:
        text = _invisible(text, out, odd)
    if "&" in text or "<" in text:
        before = text
        text = _markup(text, out)
        changed = changed or text != before
    return text, changed


def repair(text: str) -> str:
    """Only the repair stage: the repaired text (see `repair_text` for the explanation)."""
    return repair_text(text)[0]
