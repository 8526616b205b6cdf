"""Whether an element's id is the slug of its own heading, and titles a section of prose.

Why: doc tools and CMSs (Sphinx, MediaWiki, Hugo, table-of-contents plugins) give a section
or heading the slug of its title as its id: 'more-on-lists' for "More on Lists". Such an id
says what the section is about, not what widget it is, so a clutter rule it happens to hit
('more on') is no evidence. A widget's heading is slugged too ('related-posts', 'more-
articles-you-might-enjoy'), so the id counts only over prose that is not mostly links. The
DOM pass asks this only when an id matched a rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from selectolax.lexbor import LexborNode

__all__ = ["is_slug_of", "names_its_topic", "slug_words"]

_WORD = re.compile(r"[^\W_]+")
HEADINGS = "h1,h2,h3,h4,h5,h6"
HEADING_TAGS = frozenset(HEADINGS.split(","))
HEADING_LEAD = 200  # characters of a section's text that may come before its heading
SECTION_SIBLINGS = 30  # elements after a heading read as its section, at most
SLUG_WORDS = 3  # fewer words ('related-posts', 'recent-posts') name a widget as often as a topic


def slug_words(text: str) -> list[str]:
    """The lower-case letter and digit runs of `text`, accents dropped as slugifiers drop
    them ('Más on Lists ¶' -> mas, on, lists); other scripts kept as they are."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _WORD.findall(plain.lower())


def is_slug_of(ident: str, heading: str) -> bool:
    """Whether `ident` is (near enough) the slug of `heading`: the same `SLUG_WORDS` or more
    words, with any separators or none, leaving out leading section numbers ('5.1.') and a
    repeat's suffix ('-2'); or the first `SLUG_WORDS` or more of them (a truncated slug)."""
    a, b = slug_words(ident), slug_words(heading)
    while a and a[0].isdigit():
        a.pop(0)
    while b and b[0].isdigit():
        b.pop(0)
    whole = "".join(b)
    for x in (a, a[:-1] if a and a[-1].isdigit() else a):
        if len(x) >= SLUG_WORDS and whole.startswith("".join(x)):
            return True
    return False


def _text(node: LexborNode) -> str:
    return " ".join(node.text(deep=True, separator=" ").split())


def _prose_over(nodes: Iterable[LexborNode], prose_chars: int, max_links: float) -> bool:
    """Whether `nodes` hold a paragraph of `prose_chars` or more and under `max_links` of
    their text is link text."""
    chars = links = 0
    prose = False
    for n in nodes:
        chars += len(_text(n))
        links += sum(len(a.text(deep=True).strip()) for a in n.css("a"))
        paras = [n] if n.tag == "p" else n.css("p")
        prose = prose or any(len(p.text().strip()) >= prose_chars for p in paras)
    return prose and links < max_links * chars


def _section_of(head: LexborNode) -> list[LexborNode]:
    """The elements after a heading, up to the next heading (at most `SECTION_SIBLINGS`)."""
    out: list[LexborNode] = []
    sib = head.next
    while sib is not None and len(out) < SECTION_SIBLINGS:
        if sib.tag in HEADING_TAGS:
            break
        if sib.tag and not sib.tag.startswith("-"):  # elements, not text or comment nodes
            out.append(sib)
        sib = sib.next
    return out


def names_its_topic(node: LexborNode, ident: str, prose_chars: int, max_links: float) -> bool:
    """Whether `ident` is the slug of `node`'s title (the node itself when a heading, else its
    first heading within `HEADING_LEAD` characters of its top) and the section so titled
    (the heading's following elements, or `node` itself) is prose, not mostly links."""
    if node.tag in HEADING_TAGS:
        return is_slug_of(ident, _text(node)) and _prose_over(_section_of(node), prose_chars, max_links)
    head = node.css_first(HEADINGS)
    if head is None:
        return False
    title, text = _text(head), _text(node)
    if not title or not 0 <= text.find(title) <= HEADING_LEAD or not is_slug_of(ident, title):
        return False
    return _prose_over([node], prose_chars, max_links)
