"""Lossy mojibake ftfy cannot undo: UTF-8 that lost bytes on the way through a wrong decoding.

Two chains are common on the web and leave text that no longer re-encodes to valid UTF-8:

- UTF-8 read as ISO-8859-7 with the C1 controls then stripped: the lead byte E2 of "—",
  "’", "“" … survives as a lone "β" and its two other bytes (0x80-0x9F) are gone; "é"
  survives as "Γ©", but "ß" (C3 9F) as a lone "Γ".
- UTF-8 read as Windows-1252 with its five undefined bytes (81 8D 8F 90 9D) dropped:
  "”" (E2 80 9D) becomes "â€", "č" (C4 8D) a lone "Ä".

The method is general decoding, not a table of words: re-encode each suspect span through
the chain, put back the bytes the chain can have dropped (only those), keep the completions
that decode to one plausible character, and pick among them from the context (the
characters around, the open quotes of the line, the document's language). A line is only
touched when every suspect span in it is explained; one unexplained Greek letter means
the line is real Greek.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..model import Repair
from . import lexicon
from .lexicon import ALPHABETS

__all__ = ["decode_complete", "decode_cp1252_lossy", "doc_language", "repair_cp1253_punct", "repair_greek_c1"]


def _byte_map(codec: str) -> dict[str, int]:
    out = {}
    for b in range(0x80, 0x100):
        with contextlib.suppress(UnicodeDecodeError):
            out[bytes([b]).decode(codec)] = b
    return out


_G7 = _byte_map("iso8859_7")
_W = _byte_map("cp1252")
_C1_LOST = bytes(range(0x80, 0xA0))
_W_LOST = b"\x81\x8d\x8f\x90\x9d"
# ISO-8859-7 leaves 0xAE, 0xD2 and 0xFF undefined: a decoder that replaces them leaves U+FFFD.
_G7_FFFD = b"\xae\xd2\xff"


def _need(lead: int) -> int:
    """Continuation bytes a UTF-8 lead byte asks for (0: not a lead)."""
    return 1 if 0xC2 <= lead <= 0xDF else 2 if 0xE0 <= lead <= 0xEF else 3 if 0xF0 <= lead <= 0xF4 else 0


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    choices: tuple[str, ...]  # decoded characters the completions give (plausible only)
    missing: int  # bytes that were put back


# What a completion may decode to: letters, punctuation, symbols, emoji, the joiner.
_PLAUSIBLE = frozenset({"Lu", "Ll", "Pd", "Pi", "Pf", "Po", "Ps", "Pe", "Sm", "Sc", "So", "No"})


def _plausible(ch: str) -> bool:
    return ch in "\u200dªº" or unicodedata.category(ch) in _PLAUSIBLE  # (ª º are "other letters")


@lru_cache(maxsize=4096)
def _completions(
    lead: int, present: tuple[int | None, ...], lost: bytes, wild: bytes
) -> tuple[tuple[str, ...], int]:
    """The characters `lead` + `present` decode to once the dropped bytes are put back
    (in any slot: the survivors keep their order), and how many were put back."""
    need = _need(lead)
    missing = need - len(present)
    out: list[str] = []
    for slots in itertools.combinations(range(need), missing):
        for fill in itertools.product(lost, repeat=missing):
            seq: list[int | None] = [lead]
            it_p, it_f = iter(present), iter(fill)
            for k in range(need):
                seq.append(next(it_f) if k in slots else next(it_p))  # a put-back byte or a survivor
            options = [[b] if b is not None else list(wild) for b in seq]
            for combo in itertools.product(*options):
                try:
                    ch = bytes(combo).decode("utf-8")
                except UnicodeDecodeError:
                    continue
                if len(ch) == 1 and _plausible(ch) and ch not in out:
                    out.append(ch)
    return tuple(out), missing


def _spans(line: str, bmap: dict[str, int], lost: bytes, max_missing: int, wild: bytes) -> list[Span]:
    """The UTF-8 sequences the line holds through the chain, complete or with dropped bytes."""
    spans: list[Span] = []
    i, n = 0, len(line)
    while i < n:
        lead = bmap.get(line[i], 0)
        need = _need(lead)
        if not need:
            i += 1
            continue
        j, present = i + 1, list[int | None]()
        while j < n and len(present) < need:
            b = bmap.get(line[j])
            if b is not None and 0x80 <= b <= 0xBF:
                present.append(b)
            elif line[j] == "\ufffd" and wild:
                present.append(None)
            else:
                break
            j += 1
        if need - len(present) <= max_missing:
            choices, missing = _completions(lead, tuple(present), lost, wild)
            if choices:
                spans.append(Span(i, j, choices, missing))
                i = j
                continue
        i += 1
    return spans


# ---------------------------------------------------------------- choosing from context

# Quotes by language (typographic convention): opening and closing double quote.
_QUOTES = {"de": "„“", "cs": "„“", "sk": "„“", "pl": "„”", "hu": "„”", "ro": "„”", "fi": "””", "sv": "””"}
# The order in which decoded letters are likeliest when the context leaves several
# (commonness in the languages that use them; a letter missing here is never guessed).
_LETTER_ORDER = "ßěčřňťďłńśąęćőűÁÉÍÓÚÝÄÖÜČĚŘŠŽŁŚŐŰŃÀÈÌÒÙÂÊÎÔÛÇÑÅÆØĞŞăāēīūρύ"
_ACCENTED_GREEK = frozenset("άέήίόύώΐΰ")
_GREEK_VOWELS = frozenset("αεηιουωάέήίόύώϊϋΐΰ")
# Words after which a dash cannot come: an article or preposition never ends a clause.
# ("the β coefficient" keeps its β; English only, where the lone-β chain is commonest.)
_NO_DASH_AFTER = frozenset(
    ("a", "an", "the", "of", "in", "on", "at", "to", "by", "for", "with", "from", "into", "as")
    + ("is", "are", "was", "were", "and", "or")
)
_CONTRACTION = re.compile(r"(?:s|t|d|m|ll|re|ve)(?![^\W\d_])")
# l’ d’ c’ qu’ (French, Italian), O’Neil
_ELISION = frozenset(["l", "d", "c", "j", "n", "s", "m", "t", "qu", "o"])


_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
_WORD = re.compile(r"[^\W\d_]{2,}")


def doc_language(text: str) -> str:
    """The language whose alphabet best covers the document's non-ASCII letters ("en"
    when it has none): enough to pick quotes and letters. A capital Greek letter or a "β"
    is no evidence: they are what the ISO-8859-7 chain leaves of lost Latin letters
    ("siΔ" for "się"). Where letters leave a tie, the word lists decide (function words)."""
    head = text[:5000]
    found = _NON_ASCII_LETTER.findall(head)
    letters = {c.lower() for c in found if not ("Ͱ" <= c <= "Ͽ" and not c.islower())} - {"β"}
    latin = {c for c in letters if c < "ɐ"}
    scores = {
        lang: sum(1 for c in letters if c in alphabet) - sum(1 for c in latin if c not in alphabet)
        for lang, alphabet in ALPHABETS.items()
    }
    top = max(scores.values())
    if top > 1:  # one letter (a "café" in English) is no evidence
        tied = [lang for lang, score in scores.items() if score == top]
    else:
        tied = ["en"] + [lang for lang, alphabet in ALPHABETS.items() if latin and latin <= set(alphabet)]
    if len(tied) > 1:
        return lexicon.language_of(_WORD.findall(head), tied) or tied[0]
    return tied[0]


def _word_before(line: str, i: int) -> str:
    j = i
    while j > 0 and line[j - 1] == " ":
        j -= 1
    k = j
    while k > 0 and line[k - 1].isalpha():
        k -= 1
    return line[k:j]


def _punct(line: str, s: Span, lang: str, open_quotes: int) -> str | None:
    """The punctuation a lost three-byte sequence stood for, from the characters around."""
    prev = line[s.start - 1] if s.start else " "
    nxt = line[s.end] if s.end < len(line) else " "
    opening, closing = _QUOTES.get(lang, "“”")[0], _QUOTES.get(lang, "“”")[1]
    if prev.isalnum() and nxt.isalnum():
        if prev.isdigit() and nxt.isdigit():
            return "–"
        if _CONTRACTION.match(line, s.end) or _word_before(line, s.start).lower() in _ELISION:
            return "’"
        return "—"
    if (prev.isspace() or prev in "([") and (nxt.isalnum() or nxt in "¿¡"):
        return opening
    if (prev.isalnum() or prev in ".,!?;:)…") and (nxt.isspace() or nxt in ".,;:!?)"):
        if open_quotes <= 0 and prev == "s" and nxt.isspace():
            return "’"  # the plural possessive ("the Times’ designers")
        return closing
    if prev.isspace() and nxt.isspace():
        if _word_before(line, s.start).lower() in _NO_DASH_AFTER:
            return None
        return "—" if lang == "en" else "–"
    return None


def _letter(line: str, s: Span, lang: str) -> str | None:
    """A lost letter: the case of its word, the document's alphabet, then commonness."""
    prev = line[s.start - 1] if s.start else " "
    nxt = line[s.end] if s.end < len(line) else " "
    cands = [c for c in s.choices if c.isalpha()]
    if prev.islower() or (nxt.islower() and prev.isalpha()):
        cands = [c for c in cands if c.islower()]
    elif prev.isupper() or nxt.isupper():
        cands = [c for c in cands if c.isupper()]
    alphabet = ALPHABETS.get(lang, "")
    native = [c for c in cands if c.lower() in alphabet]
    cands = native or cands
    if lang == "el" or any("\u0370" <= c <= "\u03ff" for c in cands):
        cands = _greek_accent(line, s, cands)
    ranked = sorted((c for c in cands if c in _LETTER_ORDER), key=_LETTER_ORDER.index)
    return ranked[0] if ranked else None


def _greek_accent(line: str, s: Span, cands: list[str]) -> list[str]:
    """Greek writes one accent on every word of two syllables or more: an unaccented
    letter where the word has its accent, an accented one where it has none."""
    a, b = s.start, s.end
    while a > 0 and ("\u0370" <= line[a - 1] <= "\u03ff" or line[a - 1] in "ΟΞ"):
        a -= 1
    while b < len(line) and "\u0370" <= line[b] <= "\u03ff":
        b += 1
    word = line[a : s.start] + line[s.end : b]
    has_accent = any(c in _ACCENTED_GREEK for c in word)
    vowels = sum(1 for c in word if c in _GREEK_VOWELS)
    keep = [c for c in cands if (c in _ACCENTED_GREEK) == (not has_accent and vowels >= 1)]
    return keep or cands


def _choose(line: str, s: Span, lang: str, open_quotes: int) -> str | None:
    if len(s.choices) == 1 or s.missing == 0:
        return s.choices[0]
    if "’" in s.choices and "—" in s.choices:  # a lone punctuation lead (β, â€)
        return _punct(line, s, lang, open_quotes)
    for pick in ("…", "€", "®"):  # "β¦", "β¬", "Β�": one common character among rare ones
        if pick in s.choices:
            return pick
    if "•" in s.choices and "™" in s.choices:  # "β’": a mark glued to a word, a bullet elsewhere
        return "™" if s.start and line[s.start - 1].isalnum() else "•"
    if "👍" in s.choices:
        return "👍"
    if "”" in s.choices:  # "â€" + a dropped 9D: the closing quote, or a joiner between emoji
        return "\u200d" if s.end < len(line) and line[s.end] == "ð" else "”"
    return _letter(line, s, lang)


_SEEN = 256  # characters each side of a lossy span that its choice may look at


def _decode(
    line: str, spans: list[Span], lang: str, pairs: list[tuple[str, str]] | None = None
) -> str | None:
    """The line with every span decoded: complete ones first, then each lossy one chosen
    from its decoded neighbours (a lost "č" sits between letters, not between "Ã" and "Â").
    None when one of them has no answer."""
    pieces: list[str] = []
    lossy: list[tuple[int, Span]] = []
    pos = 0
    for s in spans:
        pieces.append(line[pos : s.start])
        if s.missing:
            lossy.append((len(pieces), s))
            pieces.append("\x00")
        else:
            pieces.append(s.choices[0])
        pos = s.end
    pieces.append(line[pos:])
    opening, closing = _QUOTES.get(lang, "“”")[0], _QUOTES.get(lang, "“”")[1]
    opened = 0
    letters: dict[int, tuple[str, ...]] = {}  # lost letters, for the word lists to check
    starts = list(itertools.accumulate((len(p) for p in pieces), initial=0))  # lossy pieces: 1 char
    chars = list("".join(pieces))
    for k, s in lossy:
        at = starts[k]
        lo = max(0, at - _SEEN)  # what a choice looks at: the word and the characters around
        window = "".join(chars[lo : at + _SEEN])
        ch = _choose(window, Span(at - lo, at - lo + 1, s.choices, s.missing), lang, opened)
        if sum(c.isalpha() for c in s.choices) > 1 and "’" not in s.choices:
            letters[k] = s.choices
            ch = ch or "\x00"  # undecided: the word lists may know
        if ch is None:
            return None
        opened += (ch == opening) - (ch == closing and opening != closing)
        pieces[k] = chars[at] = ch
    lexicon.choose_words(pieces, letters, lang)
    if any(pieces[k] == "\x00" for k in letters):
        return None
    if pairs is not None:
        pairs.extend((line[s.start : s.end], pieces[2 * i + 1]) for i, s in enumerate(spans))
    return "".join(pieces)


# ---------------------------------------------------------------- ISO-8859-7, C1 stripped

_GREEK_BLOCK = re.compile("[\u0370-\u03ff]")
_INTACT_PUNCT = re.compile("[\u2010-\u201f\u2026\u2022\u2122]")
_REAL_BETA = re.compile(r"-β|β-|β\d|(?<![^\W\d_])[A-Z]{1,3}β(?![^\W\d_])")


_W3 = _byte_map("cp1253")


def _chars_of(bmap: dict[str, int], test: Callable[[int], object]) -> str:
    return "".join(re.escape(c) for c, b in bmap.items() if test(b))


# What the chains' evidence needs, searched before the spans are (a Python loop): a "β",
# or a lead with a continuation after it; a letter no sequence can hold means real Greek.
_G7_CONT = _chars_of(_G7, lambda b: 0x80 <= b <= 0xBF)
_G7_EVIDENCE = re.compile(f"β|[{_chars_of(_G7, _need)}][{_G7_CONT}\ufffd]")
_G7_NEVER = re.compile(f"[^{_G7_CONT}{_chars_of(_G7, _need)}\x00-\u036f\u0400-\U0010ffff]")
_W3_EVIDENCE = re.compile(f"[βΒ][{_chars_of(_W3, lambda b: 0x80 <= b <= 0xBF)}]")


def repair_cp1253_punct(line: str, out: list[Repair]) -> str:
    """UTF-8 read as Windows-1253, where ftfy's detector does not look ("β€”" for "—",
    "Β£" for "£"): the complete sequences that start with "β"/"Β" and hold no Greek
    letter after it (real Greek never writes "β€" or "Β£")."""
    if ("β" not in line and "Β" not in line) or not _W3_EVIDENCE.search(line):
        return line
    spans = [
        s
        for s in _spans(line, _W3, b"", 0, b"")
        if line[s.start] in "βΒ" and not _GREEK_BLOCK.search(line, s.start + 1, s.end)
    ]
    if not spans:
        return line
    pieces, pos = [], 0
    for s in spans:
        pieces += [line[pos : s.start], s.choices[0]]
        pos = s.end
    _record([(line[s.start : s.end], s.choices[0]) for s in spans], "mojibake-cp1253", out)
    return "".join(pieces) + line[pos:]


def repair_greek_c1(line: str, lang: Callable[[], str], out: list[Repair]) -> str:
    """UTF-8 read as ISO-8859-7 with the C1 bytes dropped, on one line: every span put
    back and decoded, or the line left as it is. (`lang` gives the document's language,
    asked only when a line gets that far: guessing it costs more than most lines.)"""
    if not _G7_EVIDENCE.search(line) or _G7_NEVER.search(line):
        return line  # no "β" and no complete sequence (see "lost letters alone" below), or Greek
    spans = _spans(line, _G7, _C1_LOST, 2, _G7_FFFD)
    if not spans:
        return line
    covered: set[int] = set()
    for s in spans:
        covered.update(range(s.start, s.end))
    if any(i not in covered for i in (m.start() for m in _GREEK_BLOCK.finditer(line))):
        return line  # a Greek letter no sequence explains: the line is Greek
    lone = [s for s in spans if s.missing]
    if all(s.missing and line[s.start] != "β" for s in spans):
        return line  # lost letters alone ("Δt", "Ο Πάπας") are no evidence: real Greek looks so
    intact = any(m.start() not in covered for m in _INTACT_PUNCT.finditer(line))  # "Γ‘" is "á"
    if lone and (intact or _REAL_BETA.search(line)):
        return line  # the chain leaves no ’ – … intact; "β-blocker", "Aβ42", "ERβ" are real
    pairs: list[tuple[str, str]] = []
    fixed = _decode(line, spans, lang(), pairs)
    if fixed is None:
        return line
    _record(pairs, "lossy-iso8859-7-c1" if lone else "mojibake-iso8859-7", out)
    return fixed


def _record(pairs: list[tuple[str, str]], rule: str, out: list[Repair]) -> None:
    """One Repair per distinct (before, after), with its count ("β" -> "—", 2)."""
    out.extend(Repair(before, after, rule, n) for (before, after), n in Counter(pairs).items())


# ---------------------------------------------------------------- Windows-1252, byte dropped


def decode_cp1252_lossy(line: str, lang: str) -> str | None:
    """UTF-8 read as Windows-1252 with undefined bytes dropped, decoded span by span (the
    rest of the line, clean or not, stays): None when the line has no dropped byte or a
    span has no answer."""
    spans = _spans(line, _W, _W_LOST, 1, b"")
    if not any(s.missing for s in spans):
        return None
    return _decode(line, spans, lang)


def decode_complete(text: str) -> str:
    """The text with its complete ISO-8859-7 sequences decoded ("Γ©" -> "é"): what the
    language is guessed from (the first 5,000 characters are plenty)."""
    head = text[:5000]
    pieces, pos = [], 0
    for s in _spans(head, _G7, _C1_LOST, 0, _G7_FFFD):
        pieces += [head[pos : s.start], s.choices[0]]
        pos = s.end
    return "".join(pieces) + head[pos:]
