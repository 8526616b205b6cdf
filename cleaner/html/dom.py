"""The DOM pass: drop the subtrees that are clutter by structure or by name, before any
extraction looks at the page.

Why first: an extractor scores text blocks by their neighbours, so a share bar, a
"related stories" rail or a comment thread left in the tree pulls the wrong blocks in
(or the right ones out). Removing them by what the markup *says* they are is cheap and
certain, and it shrinks the tree every later stage walks.

selectolax's Lexbor parser does the heavy work in C: parsing, `strip_tags` for the tags
that never hold article text, and the CSS query that finds elements with a class, an id
or a furniture tag. Python only looks at those elements, and the verdict for a class
string is cached (sites repeat the same few hundred). What counts as clutter is data:
`rules/html_tokens.json`. Every drop is guarded by content, so a wrapper whose name
happens to say "comments-open" or "social" but that holds the article stays.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import ahocorasick_rs
from selectolax.lexbor import LexborHTMLParser, LexborNode

from cleaner.html.slug import names_its_topic

__all__ = [
    "INLINE",
    "NEVER_DROPPED",
    "Drop",
    "TokenRules",
    "forget",
    "load_tokens",
    "name_verdict",
    "parse",
    "prune",
    "soup",
    "strip_never_text",
    "verdict",
]


def soup(markup: str) -> Any:
    """beautifulsoup4's lenient parse (html.parser) of a fragment or a broken page.

    html.parser still refuses a few things (a marked section it does not know, "<![foo ");
    bs4 then raises ParserRejectedMarkup. The retry reads every "<!" as text: a page is
    never an exception."""
    from bs4 import BeautifulSoup
    from bs4.exceptions import ParserRejectedMarkup

    try:
        return BeautifulSoup(markup, "html.parser")
    except ParserRejectedMarkup:
        return BeautifulSoup(markup.replace("<!", "&lt;!"), "html.parser")


# Never dropped by name: the document's own skeleton.
NEVER_DROPPED = frozenset({"html", "body", "head", "main"})
# Inline elements are never looked at: a clutter widget is a block, and the many
# links, spans and icons with classes would cost a cache lookup each for nothing.
INLINE = frozenset(
    {"a", "span", "img", "i", "b", "em", "strong", "input", "label", "small", "svg", "use", "path",
     "picture", "source", "time", "abbr", "sup", "sub", "br", "hr", "link", "meta", "option"}
)  # fmt: skip
# The commonest inline tags, left out by the candidate query itself: a longer :not() list
# costs Lexbor more per element than it saves Python (measured).
QUERY_SKIPS = ("a", "span", "img", "i", "svg")


@dataclass(frozen=True, slots=True)
class Drop:
    """A subtree the DOM pass removed: why (a reason of model.REASONS), which rule, its text."""

    reason: str
    rule: str
    text: str


@dataclass(frozen=True)
class TokenRules:
    """The compiled `html_tokens.json` (see its `about`)."""

    drop_tags: tuple[str, ...]
    guarded_tags: dict[str, str]
    guard_share: float
    guard_links: float
    guard_prose: float
    prose_chars: int
    gallery_share: float
    nav_prose: float
    nav_prose_share: float
    nav_links: float
    nav_paragraphs: int
    tokens: dict[str, str]
    pairs: dict[tuple[str, str], str]
    names: dict[str, str]
    ignore_prefixes: tuple[str, ...]
    taxonomy_words: frozenset[str]
    state_words: frozenset[str]
    content_words: frozenset[str]
    unguarded: frozenset[str]  # reasons whose subtrees no content guard keeps
    start_words: frozenset[str]  # every word a token or pair rule starts from
    selector: str  # the CSS query for candidate elements
    drop_selector: str  # the CSS query for `drop_tags`
    # every start word and exact name, for one substring scan (name_verdict's first test)
    starts: ahocorasick_rs.BytesAhoCorasick


@lru_cache(maxsize=1)
def load_tokens() -> TokenRules:
    """Read and compile the token rules once per process."""
    raw = resources.files("cleaner.rules").joinpath("html_tokens.json").read_text(encoding="utf-8")
    d: dict[str, Any] = json.loads(raw)
    guarded = {str(k): str(v) for k, v in d["guarded_tags"].items()}
    names = {str(k).lower(): str(v) for k, v in d["names"].items()}
    pairs: dict[tuple[str, str], str] = {}
    for k, v in d["pairs"].items():
        a, b = k.split()
        pairs[a, b] = str(v)
    return TokenRules(
        drop_tags=tuple(d["drop_tags"]),
        guarded_tags=guarded,
        guard_share=float(d["guard_share"]),
        guard_links=float(d["guard_links"]),
        guard_prose=float(d["guard_prose"]),
        prose_chars=int(d["prose_chars"]),
        gallery_share=float(d["gallery_share"]),
        nav_prose=float(d["nav_prose"]),
        nav_prose_share=float(d["nav_prose_share"]),
        nav_links=float(d["nav_links"]),
        nav_paragraphs=int(d["nav_paragraphs"]),
        tokens={str(k): str(v) for k, v in d["tokens"].items()},
        pairs=pairs,
        names=names,
        ignore_prefixes=tuple(d["ignore_prefixes"]),
        taxonomy_words=frozenset(d["taxonomy_words"]),
        state_words=frozenset(d["state_words"]),
        content_words=frozenset(d["content_words"]),
        unguarded=frozenset(d["unguarded_reasons"]),
        start_words=frozenset(d["tokens"]) | {a for a, _ in pairs},
        # one :is() around the list: a plain list yields an element once for every member it
        # matches (a <nav id=...> twice), and each copy would be judged again
        selector=f":is(:is([class],[id],[hidden]):not({','.join(QUERY_SKIPS)}),{','.join(guarded)})",
        drop_selector=",".join(d["drop_tags"]),
        starts=ahocorasick_rs.BytesAhoCorasick(
            sorted({w.encode() for w in (*d["tokens"], *(a for a, _ in pairs), *names)})
        ),
    )


_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")  # articleShareBar -> article Share Bar
# A word: the letters of a maximal [a-z0-9] run that is letters then digits only.
_WORD = re.compile(r"(?<![a-z0-9])([a-z]+)[0-9]*(?![a-z0-9])")


def words(name: str) -> list[str]:
    """The lower-case words of one class name or id: 'post-shareBar_2' -> post share bar;
    'ad2' -> ad; a piece with digits inside ('6a00d8345') is an id, not a word."""
    low = name.lower()
    if low != name:  # only then can there be a hump to split
        low = _HUMP.sub(" ", name).lower()
    return _WORD.findall(low)


def _one_name(name: str, ws: list[str], rules: TokenRules) -> tuple[str, str] | None:
    """(reason, matched word(s)) for one class name or id (`ws`: its words), or None."""
    low = name.lower()
    hit = rules.names.get(low)
    if hit is not None:
        return hit, low
    if low.startswith(rules.ignore_prefixes):
        return None
    for a, b in zip(ws, ws[1:], strict=False):
        hit = rules.pairs.get((a, b))
        if hit is not None:
            return hit, f"{a}-{b}"
    if any(w in rules.taxonomy_words for w in ws[:-1]) or rules.state_words.intersection(ws):
        return None  # 'tag-social' (the post's taxonomy), 'comments-open' (a state)
    for w in ws:
        hit = rules.tokens.get(w)
        if hit is not None:
            return hit, w
    return None


# Each class name's (or id's) part of a verdict, by name: a class string never seen before
# is mostly names seen before ("widget", "sidebar-left", "entry-meta"), and their words
# and rules need not be read again. Bounded: cleared when full.
_PARTS: dict[str, tuple[bool, tuple[str, str] | None]] = {}
PARTS_MEMO = 65536


def _name_part(name: str, rules: TokenRules) -> tuple[bool, tuple[str, str] | None]:
    """Whether all of `name`'s words are content words, and its own `_one_name` verdict."""
    got = _PARTS.get(name)
    if got is None:
        ws = words(name)
        got = (bool(ws) and rules.content_words.issuperset(ws), _one_name(name, ws, rules))
        if len(_PARTS) >= PARTS_MEMO:
            _PARTS.clear()
        _PARTS[name] = got
    return got


@lru_cache(maxsize=65536)
def name_verdict(classes: str, ident: str) -> tuple[str, str] | None:
    """(reason, rule id) for an element's class and id attributes, or None (cached: sites
    repeat their class strings on every page).

    Most strings name no clutter at all: one substring scan for every word a rule could
    start from and every exact name (a word or a name is a piece of the lower-cased string),
    then one pass over their words, settle those before any per-name work."""
    rules = load_tokens()
    both = f"{classes} {ident}"
    low = both.lower()
    if not rules.starts.find_matches_as_indexes(low.encode("utf-8", "surrogatepass")):
        return None
    if rules.start_words.isdisjoint(words(both)) and rules.names.keys().isdisjoint(low.split()):
        return None
    parts = [_name_part(n, rules) for n in classes.split()]
    if any([content for content, _ in parts]):
        return None  # the article's own container, whatever else it is called
    if ident:
        hit = _name_part(ident, rules)[1]
        if hit is not None:
            return hit[0], f"dom.id.{hit[1]}"
    for _, hit in parts:
        if hit is not None:
            return hit[0], f"dom.class.{hit[1]}"
    return None


def forget() -> None:
    """Forget every class name seen (name_verdict's caches), as a fresh process would."""
    name_verdict.cache_clear()
    _PARTS.clear()


def parse(html: str) -> LexborHTMLParser:
    """The Lexbor tree of a page (never raises on broken markup: Lexbor repairs as browsers do)."""
    return LexborHTMLParser(html)


def _paragraphs(node: LexborNode, least: int) -> list[int]:
    """The lengths of the <p> elements under `node` of at least `least` characters."""
    return [n for p in node.css("p") if (n := len(p.text().strip())) >= least]


def _prose(node: LexborNode, least: int) -> int:
    """Characters of prose under `node`: <p> elements of at least `least` characters."""
    return sum(_paragraphs(node, least))


def _item_chars(node: LexborNode, least: int) -> int:
    """Characters of the list items under `node` that hold a single paragraph of at least
    `least` characters: a slideshow's captions, a teaser list's standfirsts. They never make
    a subtree the article. (An item with several paragraphs is running text: a blog that
    lists its post as one <li>.)"""
    total = 0
    for li in node.css("li"):
        ps = li.css("p")
        if len(ps) == 1:
            n = len(ps[0].text().strip())
            if n >= least:
                total += n
    return total


def _link_chars(node: LexborNode) -> int:
    """Characters of link text under `node` (whitespace inside a link counted as it stands:
    normalising every link's text cost more than the guard's margin is worth)."""
    return sum(len(a.text(deep=True).strip()) for a in node.css("a"))


RAW_SLACK = 0.8  # raw text lengths (whitespace and all) only pre-select for the exact test


def holds_text(chars: int, links: int, page_chars: int, rules: TokenRules) -> bool:
    """More than `guard_share` of the page's text, at a link density under `guard_links`."""
    return chars > rules.guard_share * page_chars and links < rules.guard_links * chars


def holds_prose(reason: str, chars: int, prose: int, page_prose: int, rules: TokenRules) -> bool:
    """`guard_prose` of the page's prose (comment threads are prose too, and never kept)."""
    return (
        reason != "comments"
        and page_prose > 0
        and chars >= rules.prose_chars
        and prose >= rules.guard_prose * page_prose
    )


def _prose_section(node: LexborNode, raw: str, page_prose: int, rules: TokenRules) -> bool:
    """Whether a subtree named as navigation (nav, sidebar, menu, hidden) is mostly prose,
    with few links, and holds `nav_prose` of the page's prose in `nav_paragraphs` paragraphs or
    more: menus are links and a site's blurb is a paragraph or two, so that is a part of the
    article (a section of it, a layout column), not a menu."""
    paras = _paragraphs(node, rules.prose_chars)
    if len(paras) < rules.nav_paragraphs or sum(paras) < rules.nav_prose * page_prose:
        return False
    prose = sum(paras)
    chars = len(" ".join(raw.split()))  # normalised, from the text the caller read
    return prose >= rules.nav_prose_share * chars and _link_chars(node) < rules.nav_links * chars


def verdict(node: LexborNode, rules: TokenRules) -> tuple[str, str] | None:
    """Why `node` is clutter by its tag, its `hidden` flag or its class/id names; or None.
    An id that is the slug of the node's own heading is no evidence: the class alone decides."""
    tag = node.tag or ""
    if tag in NEVER_DROPPED or tag in INLINE:
        return None
    reason = rules.guarded_tags.get(tag)
    if reason is not None:
        return reason, f"dom.tag.{tag}"
    attrs = node.attributes
    if "hidden" in attrs:
        return "navigation", "dom.hidden"
    classes, ident = attrs.get("class") or "", attrs.get("id") or ""
    found = name_verdict(classes, ident)
    if found is None or not found[1].startswith("dom.id.") or found[0] == "comments":
        return found  # a comment thread is prose, and its heading is about itself
    if found[0] not in rules.unguarded and names_its_topic(node, ident, rules.prose_chars, rules.guard_links):
        return name_verdict(classes, "")
    return found


def strip_never_text(tree: LexborHTMLParser, rules: TokenRules | None = None) -> list[str]:
    """Remove the subtrees that never hold article text (scripts, styles, iframes, ...);
    return the JSON-LD blocks met on the way (metadata wants them, and one query is cheaper
    than two: every CSS query is a walk over the whole tree)."""
    rules = rules or load_tokens()
    root = tree.root
    if root is None:
        return []
    ld: list[str] = []
    # Freed deepest first, so a nested one (an iframe in a noscript) is gone before its
    # ancestor and no node is freed twice.
    for node in reversed(root.css(rules.drop_selector)):
        if node.tag == "script" and node.attributes.get("type") == "application/ld+json":
            ld.append(node.text() or "")
        node.decompose()
    ld.reverse()
    return ld


def prune(
    tree: LexborHTMLParser,
    rules: TokenRules | None = None,
    *,
    keep_text: bool = True,
    strip: bool = True,
    keep: frozenset[str] = frozenset(),
) -> list[Drop]:
    """Remove clutter subtrees from `tree` in place; return what went, topmost first.

    A subtree named as clutter stays when it holds more than `guard_share` of the
    page's text at a link density under `guard_links`, or (comment threads excepted)
    `guard_prose` of the page's prose: that is the article itself in a wrapper with an
    unlucky name. Captions stay on a gallery page. `keep_text=False` skips collecting
    the dropped text; `strip=False` when `strip_never_text` has already run. `keep`: reasons
    whose subtrees stay (a forum's posts are a comment thread by their markup: typed.py).
    """
    rules = rules or load_tokens()
    if strip:
        strip_never_text(tree, rules)
    body = tree.body
    if body is None:
        return []
    page_chars = page_prose = body_chars = -1  # computed on first need
    body_raw = ""
    chosen: list[tuple[LexborNode, str, str, str]] = []
    inside: set[int] = set()  # candidates under a chosen subtree: never looked at
    for node in body.css(rules.selector):
        mid = node.mem_id
        if mid in inside:
            continue
        found = verdict(node, rules)
        if found is None or found[0] in keep:
            continue
        raw = node.text(deep=True, separator=" ")
        if page_chars < 0:
            body_raw = body.text(deep=True, separator=" ")
            page_chars = len(body_raw) or 1
            page_prose = _prose(body, rules.prose_chars)
        n = len(raw)
        guarded = found[0] not in rules.unguarded
        if guarded and n > RAW_SLACK * rules.guard_share * page_chars:  # then the exact test
            if body_chars < 0:  # normalised, from the text at hand (nothing is freed yet)
                body_chars = len(" ".join(body_raw.split()))
            chars, links = len(" ".join(raw.split())), _link_chars(node)
            # without its list items the test is stricter: count them only when it can pass
            if holds_text(chars, links, body_chars, rules) and holds_text(
                chars - _item_chars(node, 0), links, body_chars, rules
            ):
                continue  # the article in a wrapper with a clutter-like name
        # a subtree's prose is at most its raw text: most subtrees need no count
        if guarded and n >= rules.prose_chars and 0 < rules.guard_prose * page_prose <= n:
            prose = _prose(node, rules.prose_chars)
            if holds_prose(found[0], n, prose, page_prose, rules) and holds_prose(
                found[0], n, prose - _item_chars(node, rules.prose_chars), page_prose, rules
            ):
                continue  # most of the page's prose: a layout wrapper around the article
        navigation = found[0] == "navigation" and 0 < rules.nav_prose * page_prose <= n
        if navigation and _prose_section(node, raw, page_prose, rules):
            continue  # a section of the article's prose, named as if it were a menu
        # Candidates come in document order (each once: one :is() query), so the ones in
        # this subtree come next: skip them by id, with no climb.
        inside.add(mid)
        inside.update(n.mem_id for n in node.css(rules.selector))
        chosen.append((node, found[0], found[1], raw))
    if chosen:
        captions = sum(len(raw.strip()) for _, reason, _, raw in chosen if reason == "caption")
        if captions > rules.gallery_share * page_prose:  # a gallery: the captions are the story
            chosen = [c for c in chosen if c[1] != "caption"]
    out = [Drop(reason, rule, " ".join(raw.split())) for _, reason, rule, raw in chosen] if keep_text else []
    for node, *_ in chosen:  # only topmost subtrees were chosen: no node is freed twice
        node.decompose()
    return [d for d in out if d.text]
