"""Our own main-content extractor: text and link density over the cleaned Lexbor tree.

It is the whole extractor of fast mode and default mode's fallback, so it must cost a
fraction of a millisecond past parsing. One walk over the text nodes (C iteration; a
few parent steps per node in Python) cuts the page into blocks: runs of text under
the same block-level element, split at <br>, each with its characters inside links.

Which blocks are the article? Each block scores its non-link characters, minus a
penalty for its link characters and a small one for being a block at all (menus and
headline lists are many short, linked blocks); every element accumulates the scores of
the blocks below it. The element with the highest total is the article's container:
it holds most of the running text and little of the linked furniture around it (the
maximum-sum subtree, in the spirit of boilerpipe's and readability's text density
scores, without their per-site tuning). Inside it, every block is kept with its link
density: the HTML context rules (htmlctx.py) remove the linked ones, each with a reason.

`rescue` reads markup with beautifulsoup4 when Lexbor finds no text at all: documents
broken in ways a browser's parser (which Lexbor follows to the letter) swallows whole,
such as an unclosed <title> or <textarea>.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .extract import HtmlBlock

__all__ = ["PageBlocks", "choose", "extract", "needs_rescue", "page_blocks", "rescue", "run_blocks"]

# Elements that start a block of their own; text under anything else is inline.
# fmt: off
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
# fmt: on
_KIND = {"li": "li", "td": "td", "th": "td", "pre": "pre", "blockquote": "quote", "dd": "li", "dt": "li"}
_HEADING = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}

LINK_PENALTY = 2.0  # a linked character costs this many article characters
BLOCK_PENALTY = 20  # every block costs this many characters (many short blocks = furniture)
FLOOR = 30  # ... but no block costs more than this: a related list inside the article must
# not outweigh the article, while a menu of fifty links still sinks its container
MIN_CHARS = 25  # the extract must have at least this much text
# A page where no element scores MIN_CHARS is read again at this block penalty: a post of
# short lines (an invitation, an address, a poem, each line its own <div>) scores below zero
# line by line, and an empty text is the worst answer for it.
SHORT_LINES_PENALTY = 5


class _Run:
    """Text under one block element, being collected."""

    __slots__ = ("elem", "parts", "link")

    def __init__(self, elem: LexborNode) -> None:
        self.elem = elem
        self.parts: list[str] = []
        self.link = 0


def _tag_id(name: str) -> int:
    """Lexbor's number for a standard tag name (the same in every document)."""
    return int(LexborHTMLParser("").create_node(name).tag_id)


def _text_id() -> int:
    """Lexbor's number for a text node."""
    text = LexborHTMLParser("<p>x</p>").body
    text = text.child.child if text is not None and text.child is not None else None
    assert text is not None and text.is_text_node
    return int(text.tag_id)


# The walk compares Lexbor's tag numbers: reading `.tag` builds a string for every node.
_TEXT, _BR, _A = _text_id(), _tag_id("br"), _tag_id("a")
_BLOCK_IDS = frozenset(_tag_id(t) for t in BLOCK_TAGS)


def _runs(body: LexborNode) -> list[_Run]:
    """The page's text, cut into runs under the same block element (split at <br>)."""
    runs: list[_Run] = []
    cur: _Run | None = None
    cur_id = -1
    block_ids, text_id, br_id, a_id = _BLOCK_IDS, _TEXT, _BR, _A
    for node in body.traverse(include_text=True, skip_empty=True):
        tag = node.tag_id
        if tag == text_id:
            parent = node.parent
            in_link = False
            while parent is not None:
                ptag = parent.tag_id
                if ptag in block_ids:
                    break
                if ptag == a_id:
                    in_link = True
                parent = parent.parent
            if parent is None:
                continue
            owner = parent
            pid = owner.mem_id
            if cur is None or pid != cur_id:
                cur = _Run(owner)
                cur_id = pid
                runs.append(cur)
            text = node.text_content or ""
            cur.parts.append(text)
            if in_link:
                cur.link += len(text)
        elif tag == br_id:
            cur = None
    return runs


def _climb(node: LexborNode, parent_of: dict[int, int], order: list[int], linked: set[int]) -> None:
    """Learn the ancestors of `node` (element ids up to <body>) not yet in `parent_of`;
    `order` gets them shallowest first, after the ancestor they hang from, and `linked`
    those inside an <a> (a teaser card: <a href><h3>Headline</h3><p>Standfirst</p></a>)."""
    cid = node.mem_id
    tag = node.tag
    path: list[tuple[int, bool]] = []
    while cid not in parent_of:
        parent = node.parent
        ptag = parent.tag if parent is not None else None
        pid = parent.mem_id if parent is not None and ptag != "html" else 0
        parent_of[cid] = pid
        path.append((cid, tag == "a"))
        if not pid or parent is None:
            break
        node, cid, tag = parent, pid, ptag
    for c, is_link in reversed(path):
        if is_link or parent_of[c] in linked:
            linked.add(c)
        order.append(c)


def run_blocks(tag: str, raw: str, text: str, link: int) -> list[HtmlBlock]:
    """The block(s) of one run: one, or one per line for <pre> (code and verse keep lines)."""
    if tag == "pre":
        return [
            HtmlBlock(line, "pre", link / len(text)) for line in (x.strip() for x in raw.split("\n")) if line
        ]
    kind = "h" if tag in _HEADING else _KIND.get(tag, "p")
    return [HtmlBlock(text, kind, link / len(text), _HEADING.get(tag, 0))]


@dataclass(slots=True)
class PageBlocks:
    """Every text block of a page with its block element and the element tree above it."""

    blocks: list[HtmlBlock]
    owners: list[int]  # the block element (mem_id) of each block
    parent_of: dict[int, int]  # element -> its parent element (0: none)
    order: list[int]  # parent_of's elements, each after its parent


def choose(page: PageBlocks, floor: float = FLOOR, penalty: float = BLOCK_PENALTY) -> list[int]:
    """Indices of the blocks inside the element with the best density score; [] when they
    hold less than MIN_CHARS. `penalty`: what each block costs (BLOCK_PENALTY)."""
    blocks, owners, parent_of = page.blocks, page.owners, page.parent_of
    score: dict[int, float] = {}
    for b, owner in zip(blocks, owners, strict=True):
        n = len(b.text)
        link = b.link_density * n
        gain = max((n - link) - LINK_PENALTY * link - penalty, -floor)
        score[owner] = score.get(owner, 0.0) + gain
    if not score:
        return []
    for e in reversed(page.order):  # children first: each element hands its total to its parent
        pid = parent_of[e]
        if pid:
            score[pid] = score.get(pid, 0.0) + score.get(e, 0.0)
    best = max(score, key=score.__getitem__)
    inside = {best}
    for e in page.order:  # parents first: inside the best element if its parent is
        if parent_of[e] in inside:
            inside.add(e)
    out = [k for k, owner in enumerate(owners) if owner in inside]
    return out if sum(len(blocks[k].text) for k in out) >= MIN_CHARS else []


def page_blocks(tree: LexborHTMLParser) -> PageBlocks:
    """All text blocks of the (cleaned) page, for `choose`."""
    body = tree.body
    blocks: list[HtmlBlock] = []
    owners: list[int] = []
    parent_of: dict[int, int] = {}
    order: list[int] = []
    linked: set[int] = set()  # elements inside a link: all their text is link text
    if body is None:
        return PageBlocks(blocks, owners, parent_of, order)
    for run in _runs(body):
        raw = "".join(run.parts)
        text = " ".join(raw.split())
        if not text:
            continue
        elem = run.elem
        nid = elem.mem_id
        if nid not in parent_of:
            _climb(elem, parent_of, order, linked)
        link = len(text) if nid in linked else min(run.link, len(text))
        tag = elem.tag or "p"
        if tag == "pre":
            found = run_blocks(tag, raw, text, link)
            blocks += found
            owners += [nid] * len(found)
        else:
            kind = "h" if tag in _HEADING else _KIND.get(tag, "p")
            blocks.append(HtmlBlock(text, kind, link / len(text), _HEADING.get(tag, 0)))
            owners.append(nid)
    return PageBlocks(blocks, owners, parent_of, order)


def extract(tree: LexborHTMLParser, floor: float = FLOOR) -> list[HtmlBlock]:
    """The article's blocks by text density (see the module doc); [] when there is none.

    floor: the most a block can cost; default mode's fallback passes no floor (a tighter
    container: it only stands in for trafilatura when both read the same article)."""
    page = page_blocks(tree)
    found = choose(page, floor) or choose(page, floor, SHORT_LINES_PENALTY)
    return [page.blocks[k] for k in found]


RESCUE_BELOW = 100  # rescue only pages whose cleaned <body> holds less text than this


def needs_rescue(tree: LexborHTMLParser) -> bool:
    """Whether Lexbor found (next to) no text in the body: a document broken in a way a
    browser's parser swallows whole, not a page that merely has no article."""
    body = tree.body
    return body is None or len((body.text(separator=" ") or "").strip()) < RESCUE_BELOW


_INNER = frozenset({"p", "li", "pre", "blockquote", "td"})


def _containers(found: list[Any]) -> set[int]:
    """ids of the elements in `found` that hold an inner block (p, li, pre, blockquote, td),
    in one walk up from each inner block that stops at the first element seen before
    (linear however deep the markup nests; a `find` per element would be quadratic)."""
    wanted = {id(el) for el in found}
    holders: set[int] = set()
    seen: set[int] = set()
    for el in found:
        if el.name not in _INNER:
            continue
        node = el.parent
        while node is not None and id(node) not in seen:
            seen.add(id(node))
            if id(node) in wanted:
                holders.add(id(node))
            node = node.parent
    return holders


def rescue(html: str) -> list[HtmlBlock]:
    """Blocks of a document Lexbor reads as empty, through beautifulsoup4's lenient parser
    (furniture by tag and by name goes, as in the DOM pass)."""
    from .dom import name_verdict
    from .dom import soup as lenient_soup

    soup = lenient_soup(html)
    for junk in soup(["script", "style", "noscript", "template", "nav", "aside", "footer", "form"]):
        junk.decompose()
    for el in soup.find_all(True):
        # not `el.decomposed`: on a live tag that property falls through Tag.__getattr__ to a
        # subtree search, which made this loop quadratic in the nesting depth
        if el.__dict__.get("_decomposed") or el.attrs is None:
            continue
        classes: Any = el.get("class") or []
        names = " ".join(classes) if isinstance(classes, list) else str(classes)
        if name_verdict(names, str(el.get("id") or "")) is not None:
            el.decompose()
    blocks: list[HtmlBlock] = []
    found = soup.find_all(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "td"])
    holders = _containers(found)
    for el in found:
        if id(el) in holders:
            continue  # a container: its inner blocks come on their own
        text = " ".join(el.get_text(" ").split())
        if text:
            name = str(el.name)
            blocks.append(
                HtmlBlock(text, "h" if name in _HEADING else _KIND.get(name, "p"), 0.0, _HEADING.get(name, 0))
            )
    if not blocks:
        for line in soup.get_text("\n").split("\n"):
            line = " ".join(line.split())
            if line:
                blocks.append(HtmlBlock(line))
    return blocks if sum(len(b.text) for b in blocks) >= MIN_CHARS else []
