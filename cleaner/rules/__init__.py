"""Rule packs: phrases and patterns as data (JSON, one file a language), compiled once.

A pack lists rules; each rule has an id, a reason and one or more matchers:
  exact    whole-line phrases, compared after lower-casing and trimming bullets/punctuation
  match    case-insensitive regexes anchored at the start of the line
  search   case-insensitive regexes found anywhere in the line
  triggers words (lower case) one of which a line must contain for the rule's regexes to
           run: "app" is the whole word, "kommentar*" any word that starts so, "#time"
           a clock time ("9:41", "13:22"), "#has:/" any line holding that literal. One
           Aho-Corasick pass over the document finds every trigger, so a line with none
           costs no regex at all; that is what keeps classify fast.
and optional flags: `zone` (the line opens a context zone), `weak` (a guess from shape,
skipped in conservative mode), `position: first` (a kicker: only the first kept line),
`zone_only` (evidence inside a zone, never a verdict on its own), `max_len`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from typing import Any

import ahocorasick_rs

from ..errors import ConfigError
from ..model import REASONS

PACKS = ("common", "en", "de", "es", "fr")
# Trimmed from both ends of a line before an `exact` lookup.
KEY_STRIP = " \t:;.,!?…|•·*#>»«›‹<-–—_=~+()[]{}\"'“”‘’/\\"
EXACT_MAX = 90  # longer lines are never looked up as whole-line phrases
# Document bytes for trigger search: ASCII lower-cased, ASCII punctuation as spaces,
# newlines kept (so a hit maps to its line), non-ASCII bytes untouched.
WORD_TABLE = bytes(b if chr(b).isalnum() or b >= 0x80 or b == 10 else 0x20 for b in range(256)).lower()
# Non-ASCII white space (what str.strip() strips: NBSP, U+2000-200A, narrow NBSP before a
# French colon, ideographic space, ...) as spaces of the same byte length, so a trigger
# next to it is found (and found the same way once the line is stripped: idempotence).
_UNICODE_SPACE = re.compile("[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_SPACE_2 = re.compile(b"\xc2[\x85\xa0]")
_SPACE_3 = re.compile(b"\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    reason: str
    lang: str = "common"
    zone: str = ""
    weak: bool = False
    first_only: bool = False
    zone_only: bool = False
    max_len: int = 200


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: hashing a regex is dear
class Pattern:
    """One rule's regex: `anchored` ones must match at the line start."""

    order: int  # position in the packs: the first rule in pack order wins
    regex: re.Pattern[str]
    anchored: bool
    rule: Rule

    def fires(self, line: str) -> bool:
        if len(line) > self.rule.max_len:
            return False
        return bool(self.regex.match(line) if self.anchored else self.regex.search(line))


@dataclass
class RuleSet:
    """Compiled rules: what `classify` and `context` consult for every line."""

    by_id: dict[str, Rule] = field(default_factory=dict)
    exact: dict[str, Rule] = field(default_factory=dict)
    keep_tail: re.Pattern[str] | None = None  # lines after the body that still belong to it
    # One Aho-Corasick automaton over every pack's triggers; each trigger knows, per pack,
    # the patterns it gates, so a document only pays for its own languages' rules.
    automaton: Any = None
    owner: list[int] = field(default_factory=list)  # automaton pattern -> trigger index
    gated: list[dict[str, list[Pattern]]] = field(default_factory=list)  # trigger -> pack -> patterns
    packs: frozenset[str] = frozenset()
    time_gated: dict[str, list[Pattern]] = field(default_factory=dict)  # pack -> "#time" patterns
    # "#has:<literal>" triggers: literal -> pack -> patterns
    literal_gated: dict[str, dict[str, list[Pattern]]] = field(default_factory=dict)
    stopwords: Any = None  # automaton over " word " for each pack's `stopwords`
    stopword_lang: list[str] = field(default_factory=list)
    max_len: int = 0

    def languages(self, buf: bytes) -> frozenset[str]:
        """The packs worth running on a document: its languages, guessed from stopwords in
        the first few KB. Unknown languages get every pack (principle: when unsure, look)."""
        if self.stopwords is None:
            return self.packs
        counts: dict[str, int] = {}
        for pat, n in Counter(
            h[0] for h in self.stopwords.find_matches_as_indexes(buf[:LANG_SAMPLE])
        ).items():
            lang = self.stopword_lang[pat]
            counts[lang] = counts.get(lang, 0) + n
        top = max(counts.values(), default=0)
        if top < LANG_MIN_HITS:
            return self.packs
        return frozenset({"common", *(lang for lang, n in counts.items() if n >= LANG_SHARE * top)})

    def phrase(self, text: str) -> Rule | None:
        """The whole-line phrase rule for a line, kickers included (None if too long or
        unknown). classify.py inlines the same lookup in its hot loop."""
        return self.exact.get(exact_key(text)) if len(text) <= EXACT_MAX else None

    def candidates(self, text: str) -> dict[int, list[Pattern]]:
        """Line number -> the patterns whose triggers occur on that line (one pass)."""
        if self.automaton is None:
            return {}
        buf = b"\n" + text.encode("utf-8", "surrogatepass").translate(WORD_TABLE) + b"\n"
        if not text.isascii() and _UNICODE_SPACE.search(text):
            buf = _SPACE_3.sub(b"   ", _SPACE_2.sub(b"  ", buf))
        # Newlines read as spaces: one pattern a word instead of four (" w ", "\\nw\\n", ...);
        # offsets are unchanged, so a hit still maps to its line through `buf`.
        hits = self.automaton.find_matches_as_indexes(buf.replace(b"\n", b" "), overlapping=True)
        langs = self.languages(buf)
        out: dict[int, list[Pattern]] = {}
        timed = [p for pack, pats in self.time_gated.items() if pack in langs for p in pats]
        if timed:
            for line in _time_lines(text):
                out.setdefault(line, []).extend(timed)
        for literal, by_pack in self.literal_gated.items():
            pats = [p for pack, ps in by_pack.items() if pack in langs for p in ps]
            if pats and literal in text:
                for line in _lines_with(text, literal):
                    out.setdefault(line, []).extend(pats)
        live: dict[int, list[Pattern]] = {}  # trigger -> its patterns in this document's packs
        newline_at = buf.find
        line, line_end = -1, 0  # text line j spans [newline j, newline j+1) of buf
        for pat, start, _end in sorted(hits, key=itemgetter(1)):
            k = self.owner[pat]
            patterns = live.get(k)
            if patterns is None:
                patterns = live[k] = [p for pack, ps in self.gated[k].items() if pack in langs for p in ps]
            if not patterns:
                continue
            while start >= line_end:  # advance to the line holding this hit
                line += 1
                nxt = newline_at(b"\n", line_end + 1)
                line_end = nxt if nxt >= 0 else len(buf) + 1
            out.setdefault(line, []).extend(patterns)
        return out


def _lines_with(text: str, literal: str) -> list[int]:
    """The lines holding `literal`, by a walk over its occurrences."""
    lines: list[int] = []
    line, prev = 0, 0
    pos = text.find(literal)
    while pos >= 0:
        line += text.count("\n", prev, pos)
        prev = pos
        if not lines or lines[-1] != line:
            lines.append(line)
        pos = text.find(literal, pos + 1)
    return lines


def _time_lines(text: str) -> list[int]:
    """Lines holding a clock time ("9:41", "13:22"): a walk over the colons, which beats
    a regex scan of the whole text (colons are few)."""
    lines: list[int] = []
    line, prev = 0, 0
    pos = text.find(":")
    while pos > 0:
        after = text[pos + 1 : pos + 3]
        if text[pos - 1].isdigit() and len(after) == 2 and after.isdigit():
            line += text.count("\n", prev, pos)
            prev = pos
            if not lines or lines[-1] != line:
                lines.append(line)
        pos = text.find(":", pos + 1)
    return lines


_DFA = ahocorasick_rs.Implementation.DFA  # a few MB more memory, the fastest scan
LANG_SAMPLE = 2048  # bytes of a document read to guess its language
LANG_MIN_HITS = 8  # fewer stopword hits than this: language unknown
LANG_SHARE = 0.3  # a second language counts when it has this share of the top one's hits


def exact_key(line: str) -> str:
    """The normalised form of a short line for whole-line phrase lookup."""
    return " ".join(line.lower().split()).strip(KEY_STRIP)


def _read_pack(name: str) -> dict[str, Any]:
    data = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    pack: dict[str, Any] = json.loads(data)
    return pack


def _trigger_forms(trigger: str, rule_id: str) -> list[bytes]:
    """The automaton patterns for a trigger: preceded by a space, and for a whole word
    followed by one too (the automaton reads the buffer with newlines as spaces)."""
    stem = trigger.endswith("*")
    t = trigger.lower().removesuffix("*")
    if not t.strip() or t != t.strip() or any(c.isascii() and not c.isalnum() and c != " " for c in t):
        raise ConfigError(f"rule {rule_id}: trigger {trigger!r} must be words (letters, digits, spaces)")
    words = {t} if t[0].isascii() else {t, t[0].upper() + t[1:]}  # "Ü" survives ASCII lower-casing
    end = b"" if stem else b" "
    return [b" " + w.encode("utf-8") + end for w in sorted(words)]


@lru_cache(maxsize=8)
def load_rules(langs: tuple[str, ...] | str = "auto") -> RuleSet:
    """Compile the packs for `langs` ("auto": every pack) into one `RuleSet` (cached)."""
    names = PACKS if langs == "auto" else ("common", *[lang for lang in langs if lang != "common"])
    for n in names:
        if n not in PACKS:
            raise ConfigError(f"no rule pack for language {n!r}; have {', '.join(PACKS[1:])}")
    rs = RuleSet()
    keep_src: list[str] = []
    stop_src: list[tuple[bytes, str]] = []
    trigger_index: dict[bytes, int] = {}
    for name in names:
        pack = _read_pack(name)
        keep_src.extend(pack.get("keep", ()))
        stop_src.extend((f" {w} ".encode(), name) for w in pack.get("stopwords", ()))
        for spec in pack["rules"]:
            rule = _rule(spec, name)
            if rule.id in rs.by_id:
                raise ConfigError(f"rule id {rule.id} is defined twice")
            rs.by_id[rule.id] = rule
            for phrase in spec.get("exact", ()):
                rs.exact.setdefault(exact_key(phrase), rule)
            for kind in ("match", "search"):
                if not spec.get(kind):
                    continue
                regex = re.compile("|".join(f"(?:{s})" for s in spec[kind]), re.I)
                pat = Pattern(len(rs.by_id), regex, kind == "match", rule)
                rs.max_len = max(rs.max_len, rule.max_len)
                for trig in spec["triggers"]:
                    if trig == "#time":
                        rs.time_gated.setdefault(name, []).append(pat)
                        continue
                    if trig.startswith("#has:"):
                        rs.literal_gated.setdefault(trig[5:], {}).setdefault(name, []).append(pat)
                        continue
                    for form in _trigger_forms(trig, rule.id):
                        k = trigger_index.setdefault(form, len(trigger_index))
                        if k == len(rs.gated):
                            rs.gated.append({})
                        bucket = rs.gated[k].setdefault(name, [])
                        if pat not in bucket:
                            bucket.append(pat)
    rs.packs = frozenset(names)
    if trigger_index:
        words = list(trigger_index)
        rs.automaton = ahocorasick_rs.BytesAhoCorasick(words, implementation=_DFA)
        rs.owner = [trigger_index[w] for w in words]
    if keep_src:
        rs.keep_tail = re.compile("|".join(f"(?:{s})" for s in keep_src), re.I)
    if stop_src:
        rs.stopwords = ahocorasick_rs.BytesAhoCorasick([w for w, _ in stop_src], implementation=_DFA)
        rs.stopword_lang = [lang for _, lang in stop_src]
    return rs


def _rule(spec: dict[str, Any], lang: str) -> Rule:
    reason = str(spec["reason"])
    if reason not in REASONS:
        raise ConfigError(f"rule {spec.get('id')}: unknown reason {reason!r}")
    if (spec.get("search") or spec.get("match")) and not spec.get("triggers"):
        raise ConfigError(f"rule {spec['id']}: a regex rule needs triggers (the words that gate it)")
    return Rule(
        id=str(spec["id"]),
        reason=reason,
        lang=lang,
        zone=str(spec.get("zone", "")),
        weak=bool(spec.get("weak", False)),
        first_only=spec.get("position") == "first",
        zone_only=bool(spec.get("zone_only", False)),
        max_len=int(spec.get("max_len", 200)),
    )
