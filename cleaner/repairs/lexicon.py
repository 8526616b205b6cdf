"""Word frequencies, to choose among the letters a lossy chain left ambiguous.

A dropped byte can leave several letters possible: "č", "ď" and "ě" all lose their second
byte the same way, so "oznaěen", "oznaďen" and "označen" are one corrupted word; "ρ" and
"ύ" likewise in Greek. Letter rules (case, the document's alphabet, commonness) cannot
tell them apart; a list of the language's words can. The lists are wordfreq's "small"
ones (words at least once a million, ~250 KB a language, read on first use). wordfreq is
an optional dependency (`pip install cleaner[words]`): without it the letter rules of
`lossy` decide alone.
"""

from __future__ import annotations

import importlib
import itertools
from functools import cache

__all__ = ["ALPHABETS", "available", "choose_words", "language_of"]

# The letters each language writes beyond ASCII (its alphabet, not words): they say which
# of several decoded letters a language can hold, and which language the document is in.
ALPHABETS = {
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "pl": "ąćęłńóśźż",
    "hu": "áéíóöőúüű",
    "de": "äöüß",
    "fi": "äöå",
    "sv": "äöå",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "es": "áéíñóúü",
    "pt": "áâãàçéêíóôõú",
    "it": "àèéìíîòóùú",
    "ro": "ăâîșț",
    "tr": "çğıöşü",
    "el": "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰς",
}

_MAX_COMBINATIONS = 4096  # letters to try in one word: beyond this, the letter rules decide
_MIN_LETTERS = 3  # a shorter word is found in some list by chance ("а", "ус")
# Lists by script, for words in a script other than the document's language.
_SCRIPTS = (("\u0370", "\u03ff", ("el",)), ("\u0400", "\u04ff", ("ru", "uk", "bg", "mk")))


@cache
def _table(lang: str) -> dict[str, float]:
    """The language's word frequencies (lowercase words), empty when unknown or uninstalled."""
    try:
        wordfreq = importlib.import_module("wordfreq")
        table: dict[str, float] = wordfreq.get_frequency_dict(lang, wordlist="small")
        return table
    except (ImportError, LookupError, ValueError, OSError):
        return {}


def available() -> bool:
    """Whether word lists are installed (the benches say which repair they measured)."""
    return bool(_table("en"))


def _frequency(word: str, lang: str, script: tuple[str, ...] | None = None) -> float:
    """How often `word` is written: in the lists of its script (Greek, Cyrillic), else in
    the document's language's and in those of every language whose alphabet holds all of
    its letters beyond ASCII ("maďarsko" is Czech or Slovak whatever the document says)."""
    key = word.casefold()  # wordfreq's own folding ("ς" is "σ", "ß" is "ss")
    langs = script or _script(word) or _holding(lang, frozenset(c for c in key if c > "\x7f"))
    return max(_table(other).get(key, 0.0) for other in langs)


def _script(word: str) -> tuple[str, ...] | None:
    for low, high, langs in _SCRIPTS:
        if any(low <= c <= high for c in word):
            return langs
    return None


@cache
def _holding(lang: str, extra: frozenset[str]) -> tuple[str, ...]:
    """`lang`, and the languages whose alphabet holds all of `extra` (if any)."""
    return (lang, *(other for other, alphabet in ALPHABETS.items() if extra and extra <= set(alphabet)))


def language_of(words: list[str], candidates: list[str]) -> str | None:
    """Of `candidates`, the language whose list covers `words` best (summed frequencies:
    the function words decide, "the" in English, "les" in French); None without lists."""
    if not available():
        return None
    keys = [w.casefold() for w in words]
    scores = {lang: sum(_table(lang).get(k, 0.0) for k in keys) for lang in candidates}
    best = max(candidates, key=lambda lang: scores[lang])  # the first of equals: "en"
    return best if scores[best] > 0 else None


def choose_words(pieces: list[str], slots: dict[int, tuple[str, ...]], lang: str) -> None:
    """Re-choose, word by word, the letters at `slots` (the index of a one-character piece ->
    the characters it may stand for; the piece holds the letter rules' pick, or "\\x00" for
    none): the combination that makes the most frequent word wins, when it is a word of the
    list and the rules' pick is not. Changes `pieces` in place."""
    if not slots or not available():
        return
    starts, at = [], 0
    for p in pieces:
        starts.append(at)
        at += len(p)
    text = "".join(pieces)
    slot_at = {starts[k]: k for k in slots}
    done: set[int] = set()
    for k in slots:
        if k in done:
            continue
        a = b = starts[k]
        while a > 0 and (text[a - 1].isalpha() or text[a - 1] == "\x00"):
            a -= 1
        while b < len(text) and (text[b].isalpha() or text[b] == "\x00"):
            b += 1
        members = [slot_at[i] for i in range(a, b) if i in slot_at]
        done.update(members)
        options = [sorted({c.lower() for c in slots[m] if c.isalpha()}) for m in members]
        if b - a < _MIN_LETTERS or not all(options) or _product(options) > _MAX_COMBINATIONS:
            continue
        word = list(text[a:b])
        script = _script(text[a:b] + "".join(o for opts in options for o in opts))
        best, best_freq = None, _frequency("".join(word), lang, script)
        for combo in itertools.product(*options):
            for m, c in zip(members, combo, strict=True):
                word[starts[m] - a] = c
            freq = _frequency("".join(word), lang, script)
            if freq > best_freq:
                best, best_freq = combo, freq
        if best is not None:
            for m, c in zip(members, best, strict=True):
                pieces[m] = _cased(c, pieces[m], slots[m])


def _product(options: list[list[str]]) -> int:
    n = 1
    for o in options:
        n *= len(o)
    return n


def _cased(letter: str, pick: str, choices: tuple[str, ...]) -> str:
    """`letter` in the case the rules gave the slot (lowercase where they gave none), as
    one of the slot's own characters."""
    upper = pick.isalpha() and pick.isupper()
    for c in choices:
        if c.lower() == letter and c.isupper() == upper:
            return c
    return next(c for c in choices if c.lower() == letter)
