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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from typing import Any

import ahocorasick_rs

from ..errors import ConfigError
from ..model import REASONS

PACKS = ("common", "en", "de", "es", "fr", "pl")
# Trimmed from both ends of a line before an `exact` lookup.
KEY_STRIP = " \t:;.,!?…|•·*#>»«›‹<-–—_=~+()[]{}\"'“”‘’/\\"
EXACT_MAX = 90  # longer lines are never looked up as whole-line phrases
# Document bytes for trigger search: ASCII lower-cased, ASCII punctuation as spaces,
# newlines kept (so a hit maps to its line), non-ASCII bytes untouched.
WORD_TABLE = bytes(b if chr(b).isalnum() or b >= 0x80 or b == 10 else 0x20 for b in range(256)).lower()


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
    """One rule's regex: `anchored` ones must match at the line start. A `caseless` one
    runs, without IGNORECASE, on the lower-cased line (see `_caseless`)."""

    order: int  # position in the packs: the first rule in pack order wins
    regex: re.Pattern[str]
    anchored: bool
    rule: Rule
    caseless: bool = False
    # regex.match or regex.search, and the rule's max_len: what classify's loop needs,
    # one attribute away
    test: Callable[[str], re.Match[str] | None] = field(init=False)
    max_len: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", self.regex.match if self.anchored else self.regex.search)
        object.__setattr__(self, "max_len", self.rule.max_len)


@dataclass
class RuleSet:
    """Compiled rules: what `classify` and `context` consult for every line."""

    by_id: dict[str, Rule] = field(default_factory=dict)
    exact: dict[str, Rule] = field(default_factory=dict)
    # The first word of every `exact` key (trimmed as keys are): a line whose first word
    # is not among them needs no key at all (classify's cheap pre-test).
    first_words: frozenset[str] = frozenset()
    link_rules: frozenset[str] = frozenset()  # ids of rules that open a links zone
    comment_rules: frozenset[str] = frozenset()  # ... a comments zone
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
    live: dict[frozenset[str], dict[int, tuple[list[Pattern], int]]] = field(default_factory=dict)

    def languages(self, buf: bytes) -> frozenset[str]:
        """The packs worth running on a document: its languages, guessed from stopwords in
        the first few KB. Unknown languages get every pack (principle: when unsure, look)."""
        if self.stopwords is None:
            return self.packs
        counts: dict[str, int] = {}
        for pat, n in Counter(map(_FIRST, self.stopwords.find_matches_as_indexes(buf[:LANG_SAMPLE]))).items():
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

    def pick(self, document: str) -> frozenset[str]:
        """The packs for a document (`languages` on its first LANG_SAMPLE characters)."""
        head = b"\n" + document[:LANG_SAMPLE].encode("utf-8", "surrogatepass")
        return self.languages(head.translate(WORD_TABLE))

    def candidates(
        self, lines: Sequence[str], sample: str, langs: frozenset[str] | None = None
    ) -> dict[int, list[Pattern]]:
        """Position in `lines` -> the patterns whose triggers occur on that line (one pass).

        `lines` are the lines worth a look: callers leave out those longer than
        `max_len`, which no pattern fires on, so long paragraphs cost no scan at all.
        `sample` is the document's start, for the language guess (`langs`, when the caller
        has made it already).
        """
        if self.automaton is None or not lines:
            return {}
        text = "\n".join(lines)
        buf = b"\n" + text.encode("utf-8", "surrogatepass").translate(WORD_TABLE) + b"\n"
        # Newlines read as spaces: one pattern a word instead of four (" w ", "\\nw\\n", ...);
        # offsets are unchanged, so a hit still maps to its line through `buf`.
        hits = self.automaton.find_matches_as_indexes(buf.replace(b"\n", b" "), overlapping=True)
        if langs is None:
            langs = self.pick(sample)
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
        # trigger -> (its patterns in this document's packs, the longest line they fire on),
        # made once for each set of packs (documents come in a few languages)
        live = self.live.get(langs)
        if live is None:
            live = self.live[langs] = {}
        owner, gated = self.owner, self.gated
        # Overlapping hits arrive in order of their end. A hit's last word byte (end - 2:
        # a whole-word pattern ends with the space after the word) fixes its line: line j
        # spans [newline j, newline j + 1) of buf; newlines are counted only between lines
        # that have hits.
        line, line_end, seen, width = -1, 0, 0, 0
        for pat, _start, end in hits:
            pos = end - 2
            if pos >= line_end:
                line += buf.count(b"\n", seen, pos + 1)
                seen = pos + 1
                line_end = buf.find(b"\n", seen)
                if line_end < 0:
                    line_end = len(buf)
                width = len(lines[line])
            k = owner[pat]
            entry = live.get(k)
            if entry is None:
                patterns = [p for pack, ps in gated[k].items() if pack in langs for p in ps]
                entry = live[k] = (patterns, max((p.rule.max_len for p in patterns), default=0))
            if width <= entry[1]:  # a long line only for the triggers of long-line rules
                out.setdefault(line, []).extend(entry[0])
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
# Every pattern starts with a space, so the automaton would use a start-byte prefilter:
# memchr to the next space, then the DFA, then memchr again, every few bytes of text, which
# costs more than it saves. Patterns with four more start bytes (control bytes, which the
# WORD_TABLE buffer never holds, so they never match) switch it off: a third faster scan.
_NO_PREFILTER = [b"\x01\x01", b"\x02\x02", b"\x03\x03", b"\x04\x04"]


def _automaton(patterns: list[bytes]) -> Any:
    """A DFA over `patterns` (pattern i reported as i; the sentinels never are)."""
    return ahocorasick_rs.BytesAhoCorasick(patterns + _NO_PREFILTER, implementation=_DFA)


_FIRST = itemgetter(0)  # a match's pattern index (counted in C, not in a generator)
LANG_SAMPLE = 2048  # bytes of a document read to guess its language
LANG_MIN_HITS = 8  # fewer stopword hits than this: language unknown
LANG_SHARE = 0.3  # a second language counts when it has this share of the top one's hits


def exact_key(line: str) -> str:
    """The normalised form of a short line for whole-line phrase lookup."""
    return " ".join(line.lower().split()).strip(KEY_STRIP)


def _caseless(source: str) -> bool:
    """True when a regex means the same without IGNORECASE on a lower-cased line: it
    names no capital letter (outside escapes such as \\W, \\S, \\B) and sets no inline
    flags. Such patterns run ~2x faster: sre compares literals without folding case, and
    can skip ahead to a literal first character."""
    bare = re.sub(r"\\.", "", source)
    return not any(c.isupper() for c in bare) and "(?i" not in bare and "(?-i" not in bare


def _patterns(sources: list[str], order: int, anchored: bool, rule: Rule) -> list[Pattern]:
    """A rule's regexes joined into one alternation, or two: those that can run caseless
    on the lower-cased line, and those that need IGNORECASE on the line as it is."""
    groups: dict[bool, list[str]] = {}
    for src in sources:
        groups.setdefault(_caseless(src), []).append(src)
    out = []
    for caseless, srcs in groups.items():
        regex = re.compile("|".join(f"(?:{s})" for s in srcs), 0 if caseless else re.I)
        out.append(Pattern(order, regex, anchored, rule, caseless))
    return out


def _gate(
    rs: RuleSet, pack: str, pat: Pattern, triggers: list[str], forms: list[bytes], index: dict[bytes, int]
) -> None:
    """File a pattern under each of its triggers (automaton forms, clock times, literals)."""
    for trig in triggers:
        if trig == "#time":
            rs.time_gated.setdefault(pack, []).append(pat)
        elif trig.startswith("#has:"):
            rs.literal_gated.setdefault(trig[5:], {}).setdefault(pack, []).append(pat)
    for form in forms:
        k = index.setdefault(form, len(index))
        if k == len(rs.gated):
            rs.gated.append({})
        bucket = rs.gated[k].setdefault(pack, [])
        if pat not in bucket:
            bucket.append(pat)


def _prune(forms: list[bytes]) -> list[bytes]:
    """A rule's trigger forms without those another of its forms implies: with "comment*"
    gating a rule, "comments*" or "comment" adds nothing but hits to map to lines."""
    stems = [g for g in forms if not g.endswith(b" ")]
    return [f for f in dict.fromkeys(forms) if not any(f != g and f.startswith(g) for g in stems)]


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
                rs.max_len = max(rs.max_len, rule.max_len)
                forms = _prune(
                    [f for t in spec["triggers"] if not t.startswith("#") for f in _trigger_forms(t, rule.id)]
                )
                for pat in _patterns(spec[kind], len(rs.by_id), kind == "match", rule):
                    _gate(rs, name, pat, spec["triggers"], forms, trigger_index)
    rs.packs = frozenset(names)
    rs.link_rules = frozenset(r.id for r in rs.by_id.values() if r.zone == "links")
    rs.comment_rules = frozenset(r.id for r in rs.by_id.values() if r.zone == "comments")
    rs.first_words = frozenset(k.split(" ", 1)[0].rstrip(KEY_STRIP) for k in rs.exact)
    if trigger_index:
        words = list(trigger_index)
        rs.automaton = _automaton(words)
        rs.owner = [trigger_index[w] for w in words]
    if keep_src:
        rs.keep_tail = re.compile("|".join(f"(?:{s})" for s in keep_src), re.I)
    if stop_src:
        rs.stopwords = _automaton([w for w, _ in stop_src])
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
