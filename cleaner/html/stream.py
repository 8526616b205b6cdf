"""React's streamed content, put where the browser shows it.

A page rendered by React 18+ with streaming (Next.js and others) sends the slow parts of
the article after the rest: at their place in the page a placeholder (`<template
id="B:3">` followed by a "Loading..." fallback, or `<template id="P:3">`), and at the end
of the body the content itself in `<div hidden id="S:3">`, which a script moves into the
placeholder. With no script run, the DOM pass would drop that hidden div as invisible,
and with it the article's paragraphs; left where it is, the text would come out of order.
So before anything else looks at the tree, each streamed div replaces its placeholder (the
number pairs them, as React's own `$RC("B:3","S:3")` / `$RS("S:3","P:3")` calls do), and a
boundary's fallback goes with it.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["streamed", "reveal"]

# A streamed div's id as React writes it: one substring test (a regex search, or several
# tests, over a large page cost a tenth of fast mode's time on it)
_MARK = 'id="S:'
_STREAMED = re.compile(r"S:([0-9a-z]+)")
MAX_ROUNDS = 4  # streamed content may hold the placeholder of another (filled in a later round)


def streamed(html: str) -> bool:
    """Whether the page's markup may hold streamed content (a string test, no parsing)."""
    return _MARK in html


def reveal(tree: LexborHTMLParser) -> int:
    """Move each `<div hidden id="S:n">`'s children into the placeholder template `B:n` or
    `P:n` (dropping a boundary's fallback, up to its closing `<!--/$-->`); return how many
    moved. A streamed div without its placeholder stays (hidden, as a browser leaves it)."""
    moved = 0
    for _ in range(MAX_ROUNDS):
        found = 0
        for div in tree.css('div[hidden][id^="S:"]'):
            m = _STREAMED.fullmatch(div.attributes.get("id") or "")
            if m is None:
                continue
            n = m.group(1)
            slot = tree.css_first(f'template[id="B:{n}"]') or tree.css_first(f'template[id="P:{n}"]')
            if slot is None:
                continue
            for child in list(div.iter(include_text=True)):
                slot.insert_before(child)
            if (slot.attributes.get("id") or "").startswith("B:"):
                _drop_fallback(slot)
            slot.decompose()
            div.decompose()
            found += 1
        moved += found
        if not found:
            break
    return moved


def _drop_fallback(slot: LexborNode) -> None:
    """The boundary's fallback ("Loading..."): the siblings after the template up to the
    comment that closes the boundary (none when there is no such comment)."""
    after: list[LexborNode] = []
    node = slot.next
    while node is not None:
        if node.is_comment_node:
            if (node.comment_content or "").strip() == "/$":
                for x in after:
                    x.decompose()
            return
        after.append(node)
        node = node.next
