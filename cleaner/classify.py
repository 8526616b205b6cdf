"""Classify: the first pass gives each line a verdict from the rule packs alone.

Order per line, cheapest first: whole-line phrase lookup (a dict), the combined
start-anchored regex, then the trigger-gated search rules. The first rule that fires
wins. Zones opened by markers are the context pass's business (context.py).
"""

from __future__ import annotations

from .config import Config
from .model import Block
from .rules import EXACT_MAX, Rule, RuleSet, exact_key


def rule_for(text: str, rules: RuleSet, first: bool) -> Rule | None:
    """The rule that fires on one line, or None (the line is kept)."""
    n = len(text)
    if n <= EXACT_MAX:
        rule = rules.exact.get(exact_key(text))
        if rule is not None and (first or not rule.first_only):
            return rule
    rule = rules.match_line(text)
    if rule is not None:
        return rule
    if n <= rules.search_max:
        return rules.search_line(text, text.lower())
    return None


def classify(blocks: list[Block], rules: RuleSet, config: Config) -> None:
    """Set `verdict`/`rule` on each block a rule names; conservative mode skips weak rules."""
    conservative = config.mode == "conservative"
    for i, b in enumerate(blocks):
        rule = rule_for(b.text, rules, first=i == 0 and len(blocks) > 1)
        if rule is None or (conservative and rule.weak):
            continue
        b.verdict = rule.reason
        b.rule = rule.id
        b.weak = rule.weak
