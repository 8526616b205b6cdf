"""Rule packs: phrases and patterns as data (JSON, one file a language), compiled once.

A pack lists rules; each rule has an id, a reason and one or more matchers:
  exact   whole-line phrases, compared after lower-casing and trimming bullets/punctuation
  match   case-insensitive regexes anchored at the start of the line
  search  regexes found anywhere in the line, tried only when a `triggers` literal occurs
and optional flags: `zone` (the line opens a context zone), `weak` (a guess from shape,
skipped in conservative mode), `position: first` (only the document's first line),
`zone_only` (evidence inside a zone, never a verdict on its own), `max_len`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..errors import ConfigError
from ..model import REASONS

PACKS = ("common", "en", "de", "es", "fr")
# Trimmed from both ends of a line before an `exact` lookup.
KEY_STRIP = " \t:;.,!?…|•·*#>»«›‹<-–—_=~+()[]{}\"'“”‘’/\\"
EXACT_MAX = 90  # longer lines are never looked up as whole-line phrases


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    reason: str
    zone: str = ""
    weak: bool = False
    first_only: bool = False
    zone_only: bool = False
    max_len: int = 200


@dataclass
class RuleSet:
    """Compiled rules: what `classify` and `context` consult for every line."""

    by_id: dict[str, Rule] = field(default_factory=dict)
    exact: dict[str, Rule] = field(default_factory=dict)
    match: re.Pattern[str] | None = None
    match_rules: list[Rule] = field(default_factory=list)
    match_each: list[re.Pattern[str]] = field(default_factory=list)
    match_max: int = 0
    zone_match: re.Pattern[str] | None = None
    triggers: re.Pattern[str] | None = None
    search: dict[str, list[tuple[re.Pattern[str], Rule]]] = field(default_factory=dict)
    search_max: int = 0

    def match_line(self, line: str) -> Rule | None:
        """The `match` rule for a line: one combined regex, per-rule length limits."""
        if self.match is None or len(line) > self.match_max:
            return None
        m = self.match.match(line)
        if m is None:
            return None
        rule = self.match_rules[int(m.lastgroup[1:])]  # type: ignore[index]
        if len(line) <= rule.max_len:
            return rule
        # Rare: the first rule that matched is too short-ranged; try the others in order.
        for pattern, other in zip(self.match_each, self.match_rules, strict=True):
            if len(line) <= other.max_len and pattern.match(line):
                return other
        return None

    def search_line(self, line: str, low: str) -> Rule | None:
        """The first `search` rule whose trigger occurs in the line and whose regex matches."""
        if self.triggers is None or len(line) > self.search_max:
            return None
        for t in self.triggers.findall(low):
            for pattern, rule in self.search.get(t, ()):
                if len(line) <= rule.max_len and pattern.search(line):
                    return rule
        return None


def exact_key(line: str) -> str:
    """The normalised form of a short line for whole-line phrase lookup."""
    return " ".join(line.lower().split()).strip(KEY_STRIP)


def _read_pack(name: str) -> dict[str, object]:
    data = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    pack: dict[str, object] = json.loads(data)
    return pack


@lru_cache(maxsize=8)
def load_rules(langs: tuple[str, ...] | str = "auto") -> RuleSet:
    """Compile the packs for `langs` ("auto": every pack) into one `RuleSet` (cached)."""
    names = PACKS if langs == "auto" else ("common", *[lang for lang in langs if lang != "common"])
    for n in names:
        if n not in PACKS:
            raise ConfigError(f"no rule pack for language {n!r}; have {', '.join(PACKS[1:])}")
    rs = RuleSet()
    match_src: list[str] = []
    zone_src: list[str] = []
    search_src: dict[str, list[tuple[re.Pattern[str], Rule]]] = {}
    seen: set[str] = set()
    for name in names:
        for spec in _read_pack(name)["rules"]:  # type: ignore[attr-defined]
            rule = _rule(spec)
            if rule.id in seen:
                raise ConfigError(f"rule id {rule.id} is defined twice")
            seen.add(rule.id)
            rs.by_id[rule.id] = rule
            for phrase in spec.get("exact", ()):
                rs.exact.setdefault(exact_key(phrase), rule)
            for src in spec.get("match", ()):
                if rule.zone_only:
                    zone_src.append(src)
                    continue
                match_src.append(f"(?P<g{len(rs.match_rules)}>{src})")
                rs.match_rules.append(rule)
                rs.match_each.append(re.compile(src, re.I))
                rs.match_max = max(rs.match_max, rule.max_len)
            if spec.get("search"):
                pattern = re.compile("|".join(f"(?:{s})" for s in spec["search"]), re.I)
                for trig in spec["triggers"]:
                    search_src.setdefault(trig, []).append((pattern, rule))
                rs.search_max = max(rs.search_max, rule.max_len)
    if match_src:
        rs.match = re.compile("|".join(match_src), re.I)
    if zone_src:
        rs.zone_match = re.compile("|".join(f"(?:{s})" for s in zone_src), re.I)
    if search_src:
        # Longest first, so a trigger that contains another still wins its own rules.
        trig = sorted(search_src, key=len, reverse=True)
        rs.triggers = re.compile("|".join(re.escape(t) for t in trig))
        rs.search = search_src
    return rs


def _rule(spec: dict[str, object]) -> Rule:
    reason = str(spec["reason"])
    if reason not in REASONS:
        raise ConfigError(f"rule {spec.get('id')}: unknown reason {reason!r}")
    if spec.get("search") and not spec.get("triggers"):
        raise ConfigError(f"rule {spec['id']}: a search rule needs triggers")
    return Rule(
        id=str(spec["id"]),
        reason=reason,
        zone=str(spec.get("zone", "")),
        weak=bool(spec.get("weak", False)),
        first_only=spec.get("position") == "first",
        zone_only=bool(spec.get("zone_only", False)),
        max_len=int(spec.get("max_len", 200)),  # type: ignore[call-overload]
    )
