"""Rule packs: phrases and patterns as data (JSON, one file a language), compiled once.

A pack lists rules; each rule has an id, a reason and one or more matchers:
  exact    whole-line phrases, compared after lower-casing and trimming bullets/punctuation
  match    case-insensitive regexes anchored at the start of the line
  search   case-insensitive regexes found anywhere in the line
  triggers words (lower case) one of which a line must contain for the rule's regexes to
           run. One Aho-Corasick pass over the document finds every trigger, so a line
           with none costs no regex at all; that is what keeps classify fast.
and optional flags: `zone` (the line opens a context zone), `weak` (a guess from shape,
skipped in conservative mode), `position: first` (a kicker: only the first kept line),
`zone_only` (evidence inside a zone, never a verdict on its own), `max_len`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
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


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    reason: str
    zone: str = ""
    weak: bool = False
    first_only: bool = False
    zone_only: bool = False
    max_len: int = 200


@dataclass(frozen=True, slots=True)
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
    zone_match: re.Pattern[str] | None = None
    keep_tail: re.Pattern[str] | None = None  # lines after the body that still belong to it
    gated: list[list[Pattern]] = field(default_factory=list)  # trigger index -> patterns
    automaton: Any = None  # ahocorasick_rs.BytesAhoCorasick over " word" and "\nword"
    pattern_owner: list[int] = field(default_factory=list)  # automaton pattern -> trigger index
    max_len: int = 0

    def candidates(self, text: str) -> dict[int, list[Pattern]]:
        """Line number -> the patterns whose triggers occur on that line (one pass)."""
        if self.automaton is None:
            return {}
        buf = b"\n" + text.encode("utf-8", "surrogatepass").translate(WORD_TABLE)
        hits = self.automaton.find_matches_as_indexes(buf, overlapping=True)
        if not hits:
            return {}
        out: dict[int, list[Pattern]] = {}
        newline_at = buf.find
        line, line_end = -1, 0  # text line j spans [newline j, newline j+1) of buf
        for pat, start, _end in sorted(hits, key=lambda h: h[1]):
            while start >= line_end:  # advance to the line holding this hit
                line += 1
                nxt = newline_at(b"\n", line_end + 1)
                line_end = nxt if nxt >= 0 else len(buf) + 1
            out.setdefault(line, []).extend(self.gated[self.pattern_owner[pat]])
        return out


def exact_key(line: str) -> str:
    """The normalised form of a short line for whole-line phrase lookup."""
    return " ".join(line.lower().split()).strip(KEY_STRIP)


def _read_pack(name: str) -> dict[str, Any]:
    data = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    pack: dict[str, Any] = json.loads(data)
    return pack


def _trigger_forms(trigger: str, rule_id: str) -> list[bytes]:
    t = trigger.lower()
    if not t.strip() or t != t.strip() or any(c.isascii() and not c.isalnum() and c != " " for c in t):
        raise ConfigError(f"rule {rule_id}: trigger {trigger!r} must be words (letters, digits, spaces)")
    forms = {t, t[0].upper() + t[1:]}  # non-ASCII capitals survive the ASCII lower-casing
    return [f.encode("utf-8") for f in sorted(forms)]


@lru_cache(maxsize=8)
def load_rules(langs: tuple[str, ...] | str = "auto") -> RuleSet:
    """Compile the packs for `langs` ("auto": every pack) into one `RuleSet` (cached)."""
    names = PACKS if langs == "auto" else ("common", *[lang for lang in langs if lang != "common"])
    for n in names:
        if n not in PACKS:
            raise ConfigError(f"no rule pack for language {n!r}; have {', '.join(PACKS[1:])}")
    rs = RuleSet()
    zone_src: list[str] = []
    keep_src: list[str] = []
    trigger_index: dict[bytes, int] = {}
    for name in names:
        pack = _read_pack(name)
        keep_src.extend(pack.get("keep", ()))
        for spec in pack["rules"]:
            rule = _rule(spec)
            if rule.id in rs.by_id:
                raise ConfigError(f"rule id {rule.id} is defined twice")
            rs.by_id[rule.id] = rule
            for phrase in spec.get("exact", ()):
                rs.exact.setdefault(exact_key(phrase), rule)
            if rule.zone_only:
                zone_src.extend(spec.get("match", ()))
                continue
            for kind in ("match", "search"):
                if not spec.get(kind):
                    continue
                regex = re.compile("|".join(f"(?:{s})" for s in spec[kind]), re.I)
                pat = Pattern(len(rs.by_id), regex, kind == "match", rule)
                rs.max_len = max(rs.max_len, rule.max_len)
                for trig in spec["triggers"]:
                    for form in _trigger_forms(trig, rule.id):
                        k = trigger_index.setdefault(form, len(trigger_index))
                        if k == len(rs.gated):
                            rs.gated.append([])
                        if pat not in rs.gated[k]:
                            rs.gated[k].append(pat)
    if zone_src:
        rs.zone_match = re.compile("|".join(f"(?:{s})" for s in zone_src), re.I)
    if keep_src:
        rs.keep_tail = re.compile("|".join(f"(?:{s})" for s in keep_src), re.I)
    if trigger_index:
        words = list(trigger_index)
        patterns = [p + w for w in words for p in (b" ", b"\n")]
        rs.pattern_owner = [trigger_index[w] for w in words for _ in (0, 1)]
        rs.automaton = ahocorasick_rs.BytesAhoCorasick(patterns)
    return rs


def _rule(spec: dict[str, Any]) -> Rule:
    reason = str(spec["reason"])
    if reason not in REASONS:
        raise ConfigError(f"rule {spec.get('id')}: unknown reason {reason!r}")
    if (spec.get("search") or spec.get("match")) and not spec.get("zone_only") and not spec.get("triggers"):
        raise ConfigError(f"rule {spec['id']}: a regex rule needs triggers (the words that gate it)")
    return Rule(
        id=str(spec["id"]),
        reason=reason,
        zone=str(spec.get("zone", "")),
        weak=bool(spec.get("weak", False)),
        first_only=spec.get("position") == "first",
        zone_only=bool(spec.get("zone_only", False)),
        max_len=int(spec.get("max_len", 200)),
    )
