"""Context rules that need HTML features: what the text core cannot see in plain lines.

Text alone cannot tell a headline that links to another story from a subheading, nor a
short list item of the article from a line of page furniture. With each block's tag and
link density (set by the HTML path) it can:

- **teasers**: "Also read: <a>Another story</a>" inside the body. A mostly-linked block
  whose first words are a recirculation marker of the rule packs is recirculation, even
  when it is long and ends in a full stop (the packs' whole-line markers miss it).
- **links zone**: after a recirculation marker ("Top stories", "Lesen Sie auch"), the
  text core drops headline-shaped lines until body text resumes; here, mostly-linked
  blocks go too, even when they are body-shaped (a teaser with its standfirst), and an
  unlinked block closes the zone.
- **link lists**: a run of fully-linked short blocks (other headlines, tag lists) with no
  marker in front is recirculation when it follows the article body.
- **linked lines**: any other short line that is nearly all link ("Next post »", a lone
  headline) points away from the article: navigation; but not a linked subheading or list
  item between the article's unlinked paragraphs (a product it reviews, a source it
  lists). A sentence with a link in it, or a long linked paragraph, stays; but a short
  block that is all link next to such a
  linked line is one more headline of the same list, even when it reads as a sentence
  ("Why X? Let's talk this out.").

Markers are looked up in the core's rule packs (`RuleSet.exact`), so this module holds
no phrases of its own. Conservative mode applies none of it, as it applies no context.
"""

from __future__ import annotations

from ..config import Config
from ..model import Block
from ..rules import RuleSet

LINKED = 0.5  # a block at least this much link is "mostly a link"
ALL_LINK = 0.9  # a block this much link is a link and nothing else
RUN_MIN = 3  # linked blocks in a row that make a link list
LINKED_LINE = 0.8  # a short line this much link points elsewhere ("Next post", a headline)
TEASER_WORDS = 5  # words of a block's start tried as a marker
HEADLINE_CHARS = 120  # an all-link block this short beside linked lines is one more headline
# A linked line of these tags between two unlinked body paragraphs is the article's own (a
# subheading naming a product, a list of the sources or pull requests it cites); the rule takes
# the linked lines around and after the article, where other pages' headlines are
OWN_TAGS = frozenset({"h", "li"})
_LIST_RULES = frozenset({"html.linked-line", "html.link-list", "html.links-zone"})


def _is_marker(text: str, rules: RuleSet) -> bool:
    rule = rules.phrase(text)
    return rule is not None and rule.zone == "links"


def _teaser(b: Block, rules: RuleSet) -> bool:
    """A mostly-linked block that opens with a marker: "Also read: …", "Lesen Sie auch …"."""
    head, sep, _ = b.text.partition(":")
    if sep and len(head) <= 40 and _is_marker(head, rules):
        return True
    words = b.text.split(maxsplit=TEASER_WORDS)
    return any(
        _is_marker(" ".join(words[:k]), rules) for k in range(1, min(TEASER_WORDS, len(words) - 1) + 1)
    )


def _drop(b: Block, reason: str, rule: str) -> None:
    b.verdict, b.rule, b.weak = reason, rule, True


def revise(blocks: list[Block], rules: RuleSet, config: Config, *, links: bool = True) -> bool:
    """Teasers, link zones after markers, link lists and linked lines (see the module doc);
    True when a verdict was set. `links=False`: none of it (a listing, whose items are
    linked headlines: typed.py)."""
    if config.mode == "conservative" or not blocks or not links:
        return False
    before = sum(1 for b in blocks if b.verdict)
    for b in blocks:
        if not b.verdict and b.link_density >= LINKED and _teaser(b, rules):
            _drop(b, "recirculation", "html.teaser")
    for k, b in enumerate(blocks):
        zone = b.verdict == "recirculation" and (
            b.rule == "html.teaser" or (rule := rules.by_id.get(b.rule)) is not None and rule.zone == "links"
        )
        if zone or (not b.verdict and b.heading and _is_marker(b.text, rules)):
            if not b.verdict:
                _drop(b, "recirculation", "html.marker-heading")
            for nxt in blocks[k + 1 :]:
                if nxt.verdict == "recirculation" or (nxt.verdict and nxt.link_density >= LINKED):
                    continue
                if nxt.verdict or nxt.link_density < LINKED:
                    break
                _drop(nxt, "recirculation", "html.links-zone")
    _link_lists(blocks)
    bodies = [k for k, b in enumerate(blocks) if b.body and not b.verdict and b.link_density < LINKED]
    first, last = (bodies[0], bodies[-1]) if bodies else (0, -1)
    for k, b in enumerate(blocks):
        if not b.verdict and not b.body and b.link_density >= LINKED_LINE:
            if first < k < last and b.tag in OWN_TAGS:
                continue  # a linked subheading or list item between the article's paragraphs
            _drop(b, "navigation", "html.linked-line")
    _linked_neighbours(blocks)
    return sum(1 for b in blocks if b.verdict) != before


def _linked_neighbours(blocks: list[Block]) -> None:
    """A headline that is all link and reads as a sentence ("Why X? Let's talk this out.")
    goes with the linked lines next to it: one headline list, whatever its punctuation.
    A run of such headlines goes whole when a dropped list line touches either end (one
    pass: a run of 50,000 links must not take 50,000 passes)."""

    def candidate(b: Block) -> bool:
        return not b.verdict and b.link_density >= ALL_LINK and len(b.text) <= HEADLINE_CHARS

    k, n = 0, len(blocks)
    while k < n:
        if not candidate(blocks[k]):
            k += 1
            continue
        end = k
        while end + 1 < n and candidate(blocks[end + 1]):
            end += 1
        ends = [blocks[j] for j in (k - 1, end + 1) if 0 <= j < n]
        if any(b.rule in _LIST_RULES for b in ends):
            for b in blocks[k : end + 1]:
                _drop(b, "navigation", "html.linked-line")
        k = end + 1


def _link_lists(blocks: list[Block]) -> None:
    """Runs of all-link, non-body blocks after the first body paragraph."""
    seen_body = False
    run: list[Block] = []
    for b in [*blocks, Block(-1, "")]:  # a sentinel closes the last run
        if b.verdict:
            continue
        if b.link_density >= ALL_LINK and not b.body and seen_body:
            run.append(b)
            continue
        if len(run) >= RUN_MIN:
            for r in run:
                _drop(r, "recirculation", "html.link-list")
        run = []
        seen_body = seen_body or b.body
