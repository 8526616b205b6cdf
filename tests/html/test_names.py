"""name_verdict's shortcuts (a substring scan, then a word scan) must settle only strings
that no rule can name, and its per-name memo must give what the names' rules give: its
verdict stays the rules' verdict over the whole strings, whatever names were seen before."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.html import dom


def _rules_verdict(classes: str, ident: str) -> tuple[str, str] | None:
    """The verdict as html_tokens.json's `about` states it, without shortcuts: content
    names veto, then the id, then each class name, by their words."""
    rules = dom.load_tokens()
    per_name = [(n, dom.words(n)) for n in classes.split()]
    if any(ws and rules.content_words.issuperset(ws) for _, ws in per_name):
        return None
    if ident:
        hit = dom._one_name(ident, dom.words(ident), rules)
        if hit is not None:
            return hit[0], f"dom.id.{hit[1]}"
    for name, ws in per_name:
        hit = dom._one_name(name, ws, rules)
        if hit is not None:
            return hit[0], f"dom.class.{hit[1]}"
    return None


_RULES = dom.load_tokens()
# pieces of every kind of rule, so that the strings hit them, their vetoes and their mixes
_PIECES = sorted(
    {*list(_RULES.tokens)[:40], *(f"{a}-{b}" for a, b in list(_RULES.pairs)[:20]), *_RULES.names}
    | set(list(_RULES.content_words)[:15])
    | set(list(_RULES.state_words)[:10])
    | set(list(_RULES.taxonomy_words)[:10])
    | {p + "share" for p in _RULES.ignore_prefixes}
    | {"header", "row", "col-md-8", "relatedPosts", "SR-ONLY", "Share", "ad2", "6a00d83", "İd", "\u212aey"}
)
_PIECE = st.sampled_from(_PIECES) | st.text(alphabet="abAB1-_ é", max_size=8)
_NAME = st.lists(_PIECE, max_size=3).map("-".join)
_STRING = st.lists(_NAME, max_size=4).map(" ".join)


@given(_STRING, _STRING | st.just(""))
@settings(max_examples=800, derandomize=True)
def test_the_shortcuts_never_change_a_verdict(classes: str, ident: str) -> None:
    assert dom.name_verdict.__wrapped__(classes, ident) == _rules_verdict(classes, ident)


def test_a_clutter_word_found_past_the_substring_scan() -> None:
    assert dom.name_verdict.__wrapped__("box articleShareBar", "") == ("share", "dom.class.share")
    assert dom.name_verdict.__wrapped__("header", "") is None  # "ad" inside a word: scanned, no word
    assert dom.name_verdict.__wrapped__("x", "sr-only") == ("navigation", "dom.id.sr-only")
