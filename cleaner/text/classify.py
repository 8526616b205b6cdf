"""Classify: the first pass gives each line a verdict from the rule packs alone.

Per line: a whole-line phrase lookup (a dict), then the regexes of the rules whose
trigger words occur on that line, found for the whole document in one Aho-Corasick
pass (rules/__init__.py). The first rule in pack order wins. Zones opened by markers,
and section kickers, are context.py's business.
"""

from __future__ import annotations

from operator import attrgetter

from ..config import Config
from ..model import Block
from ..rules import EXACT_MAX, KEY_STRIP, Pattern, Rule, RuleSet


def pattern_rule(b: Block, patterns: list[Pattern]) -> Rule | None:
    """The first verdict pattern, in pack order, that fires on the line; `zone_only`
    patterns that fire mark the block as a comment byline instead."""
    if len(patterns) > 1:
        patterns = sorted(set(patterns), key=_ORDER)
    line = b.text
    n = len(line)
    lowered = ""
    for pat in patterns:  # this runs for every candidate line: keep it lean
        if n > pat.max_len:
            continue
        if pat.caseless:
            lowered = lowered or line.lower()
            hit = pat.test(lowered)
        else:
            hit = pat.test(line)
        if hit is not None:
            if not pat.rule.zone_only:
                return pat.rule
            b.byline = True
    return None


_ORDER = attrgetter("order")


def classify(
    blocks: list[Block], text: str, rules: RuleSet, config: Config, langs: frozenset[str] | None = None
) -> None:
    """Set `verdict`/`rule` on each block a rule names; conservative mode skips weak rules.

    `text` is the repaired document the blocks were cut from (block.index is its line);
    `langs` the packs to run (RuleSet.pick(text) when not given).
    """
    conservative = config.mode == "conservative"
    limit = max(rules.max_len, EXACT_MAX)
    short = [b for b in blocks if len(b.text) <= limit]  # no pattern fires on a longer line
    hits = rules.candidates([b.text for b in short], text, langs)
    # Pass 1, the whole-line phrase lookup (kickers excepted: they depend on position, see
    # context.py), on the lines short enough to be a phrase. The key's first word is the
    # line's first word trimmed as keys are; when it starts no phrase, the key (which
    # lower-cases the whole line) is not worth making.
    exact, first_words = rules.exact, rules.first_words
    named: set[int] = set()  # positions a phrase named: their patterns are not consulted
    for pos, b in enumerate(short):
        line = b.text
        if len(line) > EXACT_MAX:
            continue
        head = line.lstrip(KEY_STRIP)
        word = head.split(None, 1)[0].strip(KEY_STRIP).lower() if head else ""
        if word and word not in first_words:
            continue
        rule = exact.get(" ".join(line.lower().split()).strip(KEY_STRIP))
        if rule is None or rule.first_only:
            continue
        named.add(pos)
        if not (conservative and rule.weak):
            b.verdict, b.rule, b.weak = rule.reason, rule.id, rule.weak
    # Pass 2, the patterns, on the lines where a trigger of theirs occurs.
    for pos, patterns in hits.items():
        if pos in named:
            continue
        b = short[pos]
        found = pattern_rule(b, patterns)
        if found is not None and not (conservative and found.weak):
            b.verdict, b.rule, b.weak = found.reason, found.id, found.weak
