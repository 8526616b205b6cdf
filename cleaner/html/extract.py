"""Main content with trafilatura, as blocks that remember their tag and link density.

trafilatura returns its result as a small XML tree (`p`, `head`, `list`/`item`, `quote`,
`table`/`row`/`cell`, `code`, inline `ref` for links when `include_links` is on). We walk
that tree ourselves instead of taking its plain text, because the text core's rules do
better with each line's HTML features: a heading is not a paragraph, and a line that is
all link is a headline pointing elsewhere.

It is called with the markup (never a URL, so it cannot fetch), `fast=True` (no
readability/jusText fallback: our own density extractor is the fallback, at a fraction
of the cost) and `with_metadata=False` (meta.py reads metadata from the tree we already
parsed, ~100x cheaper than trafilatura's date search).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["HtmlBlock", "trafilatura_blocks", "xml_blocks"]


@dataclass(slots=True)
class HtmlBlock:
    """One line of extracted text and the HTML it came from."""

    text: str
    tag: str = "p"  # p, h, li, td (a table row), pre, quote
    link_density: float = 0.0  # characters inside links / characters
    heading: int = 0  # 1-6 for headings, else 0


# trafilatura's XML element -> our block tag (None: a container, walk its children).
_LINE_TAGS = {"p": "p", "head": "h", "item": "li", "row": "td", "code": "pre", "quote": "quote"}
# trafilatura sometimes leaves HTML names in its tree (a table inside a paragraph).
_ALIASES = {
    "tr": "row", "td": "cell", "th": "cell", "ul": "list", "ol": "list", "li": "item",
    "blockquote": "quote", "pre": "code", "br": "lb", "a": "ref", "tbody": "div", "thead": "div",
    "h1": "head", "h2": "head", "h3": "head", "h4": "head", "h5": "head", "h6": "head",
}  # fmt: skip
_SPACED = frozenset({"p", "head", "item", "cell", "quote", "code", "div"})  # blocks flattened in a line
_NESTED = frozenset({"list", "table"})  # blocks inside a line element get lines of their own
_BLOCKS = frozenset({"p", "head", "list", "item", "table", "row", "quote", "code", "div", "section"})


def _tag(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""  # comments, processing instructions
    return _ALIASES.get(tag, tag)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _lines_of(el: Any) -> tuple[list[str], list[int]]:
    """The text of a line element split at its <lb/>s, and the link characters of each piece."""
    pieces: list[str] = [""]
    links: list[int] = [0]

    def walk(node: Any, in_link: bool) -> None:
        if node.text:
            pieces[-1] += node.text
            if in_link:
                links[-1] += len(node.text)
        for child in node:
            tag = _tag(child)
            if tag == "lb":
                pieces.append("")
                links.append(0)
            elif tag in _NESTED:
                pass  # a nested list or table: its own lines follow
            else:
                if tag in _SPACED:
                    pieces[-1] += " "
                walk(child, in_link or tag == "ref")
                if tag in _SPACED:
                    pieces[-1] += " "
            if child.tail:
                pieces[-1] += child.tail
                if in_link:
                    links[-1] += len(child.tail)

    walk(el, False)
    return pieces, links


def _row_text(row: Any) -> tuple[str, int]:
    cells = []
    link = 0
    for cell in row:
        parts, links = _lines_of(cell)
        text = _collapse(" ".join(parts))
        if text:
            cells.append(text)
            link += sum(links)
    return ("| " + " | ".join(cells) + " |" if cells else ""), link


def xml_blocks(body: Any) -> Iterator[HtmlBlock]:
    """Blocks of trafilatura's result tree, in document order."""
    for el in body:
        yield from _element_blocks(el)
        if el.tail and el.tail.strip():  # loose text between blocks is a paragraph of its own
            yield HtmlBlock(_collapse(el.tail), "p")


def _element_blocks(el: Any) -> Iterator[HtmlBlock]:
    tag = _tag(el)
    if not tag:
        return
    kind = _LINE_TAGS.get(tag)
    if tag == "row":
        text, link = _row_text(el)
        if text:
            yield HtmlBlock(text, "td", min(1.0, link / max(1, len(text) - 4)))
        return
    if kind is None or tag == "quote":
        if any(_tag(child) in _BLOCKS for child in el):  # a container: its children are the lines
            if el.text and el.text.strip():
                yield HtmlBlock(_collapse(el.text), kind or "p")
            yield from xml_blocks(el)
            return
        if tag in ("graphic", "lb"):
            return
        kind = kind or "p"
    heading = 0
    if tag == "head":
        rend = el.get("rend") or "h2"
        heading = int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else 2
    pieces, links = _lines_of(el)
    for piece, link in zip(pieces, links, strict=True):
        density = min(1.0, link / len(piece.strip() or "x"))
        for line in piece.split("\n") if kind == "pre" else (piece,):  # code keeps its lines
            text = _collapse(line)
            if text:
                yield HtmlBlock(text, kind, density, heading)
    for child in el:  # lists and tables nested in an item or a paragraph
        if _tag(child) in _NESTED:
            yield from _element_blocks(child)


def trafilatura_blocks(
    html: str, *, precision: bool = False, fast: bool = True, comments: bool = False
) -> list[HtmlBlock]:
    """Main-content blocks of a page by trafilatura (markup in, never a URL).

    Without links: with `include_links` trafilatura cuts paragraphs at links and drops the
    space after them ("Google Earth 7on your desktop", its issue #476), which costs the
    text words; html.py takes each block's link density from the density blocks instead
    (merge.link_densities). `comments`: what trafilatura reads as user comments follows the
    main text (a forum's posts, typed.py)."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        fast=fast,
        favor_precision=precision,
        include_comments=comments,
        include_tables=True,
        include_links=False,
        with_metadata=False,
    )
    body = getattr(doc, "body", None)
    if body is None:
        return []
    posts = getattr(doc, "commentsbody", None) if comments else None
    if posts is not None and len(posts):
        return [*_body_blocks(body), *xml_blocks(posts)]
    return _body_blocks(body)


def _body_blocks(body: Any) -> list[HtmlBlock]:
    if len(body) == 1 and body[0].tag == "p" and not len(body[0]) and "\n" in (body[0].text or "").strip():
        # trafilatura's whole-page fallback: the page's lines, newline-separated, in one <p>
        return [HtmlBlock(line) for line in (_collapse(x) for x in body[0].text.split("\n")) if line]
    return list(xml_blocks(body))
