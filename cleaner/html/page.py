"""HTML mode: a page in, the article text out, cleaned by the same rules as text mode.

    parse ──> metadata ──> DOM pass ──> extract ──────────────> text core + HTML rules
    Lexbor    meta.py      dom.py       trafilatura + merge.py    pipeline.clean_text
                                        density.py  (fast / fallback)   (features per line)

- The DOM pass runs first because what it removes (share bars, related rails, comment
  threads, cookie banners) would otherwise steer the extractor.
- Default mode hands the cleaned markup to trafilatura (never a URL: no network); when
  trafilatura finds much less text than our density extractor on the same tree and
  what it found is inside the density result (it stopped short in the same article),
  the density result is used instead; otherwise the density blocks trafilatura skipped
  inside the same article (a standfirst, a paragraph between two of its own) are put
  back (merge.py). When trafilatura's fast pass finds far less than the density extractor
  (FAR_SHORT), it runs again with its own fallbacks, and if that stays far short inside the
  density result, the density result stands in (it read only the article's start).
- React's streamed content is put in its place before anything looks at the tree (stream.py).
- `Config(html_fast=True)` skips trafilatura: the density extractor only.
- The page type (`page_type=`, else the classifier's guess when it is sure of it:
  pagetype.trusted, else article) picks its row of rules/page_types.json (typed.py): what
  the DOM pass keeps (a forum's posts), which extractor runs (a listing's items are every
  block the DOM pass leaves, not one container), and which context rules the text core runs.
- Pages whose cleaned markup is over TRAFILATURA_MAX (4 M characters) get the density
  extractor in default mode too: trafilatura's time on them is quadratic.
- Then the text core classifies, dedupes and trims the extracted lines, with each
  line's tag, link density and heading level for the HTML context rules.
- The title goes to metadata["title"] and out of the text (trafilatura's convention);
  `keep_title=True` puts it back in front.
- Nothing raises on a bad page: no article gives an empty text and a `no-content`
  removal; broken markup that Lexbor reads as nothing gets a second chance through
  beautifulsoup4's lenient parser.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

from ..config import Config
from ..model import Removal, Result
from ..text.segment import body_shaped
from . import density, dom, stream, typed
from .context import LINKED_LINE
from .extract import HtmlBlock, trafilatura_blocks
from .merge import link_densities, merge
from .meta import read_metadata, title_candidates
from .pagetype import guess, trusted

__all__ = ["applied", "clean_html", "extract_blocks"]

# Default mode falls back to the density extractor when trafilatura's text is shorter than
# this share of the density extractor's (and the latter has at least FALLBACK_MIN chars).
FALLBACK_SHARE = 0.5
FALLBACK_MIN = 500
# ... and only asked when trafilatura's is shorter than the page type's `fallback_below`
# (page_types.json: 2,000 characters for an article)
FALLBACK_AGREE = 0.5  # ... and at least this share of trafilatura's text is in the density result
# ... or when trafilatura's result is a list of links (another page's headlines) with next to
# no running text, while the density extractor found an article of at least LINKS_PROSE chars
LINKS_PROSE = 250
# ... or when trafilatura read the page's layout table as a data table: its text is mostly
# table rows and one cell holds LAYOUT_CELL chars or more (paragraphs run together in one
# line, and what it could not flatten, such as a quote, lost), while at least LAYOUT_AGREE
# of its words are in the density result (the same article, in blocks)
LAYOUT_CELL = 800
LAYOUT_AGREE = 0.5
# trafilatura's fast pass (no fallback) sometimes keeps only a standfirst, a box or the first
# section of a long article; when it finds less than this share of the density extractor's
# characters (and that is at least FALLBACK_MIN, and the density result did not stand in),
# trafilatura runs again with its own fallbacks (readability, jusText), which cost more than
# the extraction (a few pages in 20); kept when it holds RERUN_KEEPS of the fast pass's words
FAR_SHORT = 0.4
RERUN_KEEPS = 0.8
RERUN_SAME = 0.95
# ... and when even that stays far short while FAR_AGREE of its words are in the density
# result, trafilatura read only the start of the article (an intro, a first section) and the
# density result stands in, whatever its length (past `fallback_below`)
FAR_AGREE = 0.9
TITLE_LOOKAHEAD = 3  # the title is looked for among the first blocks only
# A linked block among them (one htmlctx would drop as a linked line) is the title when it
# is the page's title less the site's name: at least TITLE_PART_CHARS and TITLE_PART_SHARE of it.
TITLE_PART_CHARS = 12
TITLE_PART_SHARE = 0.5
# Default mode hands a page to trafilatura only below this many characters of markup (after
# the DOM pass); larger ones go to the density extractor, as in fast mode. trafilatura's
# XPath passes grow quadratically on huge pages (a 15 MB page of paragraphs: minutes of CPU
# inside one libxml2 call, which no time limit can interrupt), and no real article is that big.
TRAFILATURA_MAX = 4_000_000
_PUNCT = re.compile(r"[\W_]+")
_DECLARED = ",".join(f'meta[{a}="{n}:title"]' for a in ("property", "name") for n in ("og", "twitter"))


def _key(text: str) -> str:
    return _PUNCT.sub(" ", text.lower()).strip()


def _chars(blocks: list[HtmlBlock]) -> int:
    return sum(len(b.text) for b in blocks)


def extract_blocks(
    html: str,
    *,
    fast: bool = False,
    keep_title: bool = False,
    page_type: str | None = None,
    url: str | None = None,
    wanted: frozenset[str] | None = None,
) -> tuple[list[HtmlBlock], dict[str, Any], list[dom.Drop]]:
    """The main content's blocks, the page metadata (with its `page_type`) and what the DOM
    pass dropped; with `keep_title`, the title first (as the page shows it when it is among
    the first blocks). page_type: what the page is, when the caller knows (else the
    classifier's guess): its row of typed.py decides what the DOM pass keeps and which
    extractor runs. url: the page's address, for the classifier (else its canonical link).
    wanted: the page types worth extracting (None: all); a page of another type stops after
    its metadata, with no blocks, as a filtered crawl drops it anyway."""
    tree = dom.parse(html)
    if stream.streamed(html):
        stream.reveal(tree)  # React's streamed paragraphs into their places, before they look hidden
    ld = dom.strip_never_text(tree)
    meta = read_metadata(tree, ld)
    # before the DOM pass: the classifier needs the cards and threads it prunes
    if page_type:
        meta["page_type"] = page_type
    else:
        meta["page_type"], score = guess(tree, meta, url or meta.get("url"), ld)
        meta["page_type_score"] = round(score, 3)
    if wanted is not None and meta["page_type"] not in wanted:
        return [], meta, []
    knobs = typed.knobs(applied(meta, page_type))
    titles = title_candidates(tree)
    drops = dom.prune(tree, strip=False, keep=knobs.dom_keep)
    whole = (knobs.fast_extractor if fast else knobs.extractor) == "page"
    markup = "" if fast or whole else (tree.html or "")
    if whole:
        blocks = density.page_blocks(tree).blocks  # every block the DOM pass left: the items
    elif fast or len(markup) > TRAFILATURA_MAX:
        blocks = density.extract(tree)
    else:
        comments = "comments" in knobs.dom_keep
        blocks = trafilatura_blocks(markup, comments=comments)
        page = density.page_blocks(tree)
        dense = [page.blocks[k] for k in density.choose(page, math.inf)]
        link_densities(blocks, page)
        layout = _layout_cells(blocks)  # the page's layout table read as a data table
        below = knobs.fallback_below
        if layout and _words_in(blocks, dense) >= LAYOUT_AGREE:
            blocks = dense
        elif _chars(blocks) < below:
            short = _chars(dense) >= FALLBACK_MIN and _chars(blocks) < FALLBACK_SHARE * _chars(dense)
            if (short and _agree(blocks, dense)) or _links_only(blocks, dense):
                blocks = dense  # trafilatura stopped short in the same article, or took a link list
        if blocks is not dense:
            if _chars(dense) >= FALLBACK_MIN and _chars(blocks) < FAR_SHORT * _chars(dense):
                blocks = _with_fallbacks(markup, blocks, page, dense, comments)  # far short: worth their cost
                if _chars(blocks) < FAR_SHORT * _chars(dense) and _words_in(blocks, dense) >= FAR_AGREE:
                    blocks = dense  # still far short, inside the density result: it stopped early
            if blocks is not dense:
                blocks = merge(blocks, page, density.choose(page))  # what it skipped of the same article

    if not blocks and "<" in html and density.needs_rescue(tree):
        blocks = density.rescue(html)  # markup Lexbor reads as nothing (an unclosed <title>, ...)
    at = _title_at(blocks, [meta.get("title", ""), *titles])
    if at >= 0:
        title = blocks.pop(at)
        if keep_title:  # the headline, though linked to its own post: no navigation line
            blocks.insert(0, HtmlBlock(title.text, title.tag, 0.0, title.heading))
    elif keep_title and meta.get("title") and _declared(tree, ld):
        blocks.insert(0, HtmlBlock(str(meta["title"]), "h", 0.0, 1))
    return blocks, meta, drops


def _with_fallbacks(
    markup: str, blocks: list[HtmlBlock], page: density.PageBlocks, dense: list[HtmlBlock], comments: bool
) -> list[HtmlBlock]:
    """trafilatura again, with its own fallbacks (readability, jusText), when its fast pass
    found far less than the density extractor; the new result only when it is longer and
    keeps RERUN_KEEPS of what the fast pass found (a fallback that reads another part of
    the page, losing the standfirst or the article the fast pass had, is no better), or
    when it and the density extractor read the same text (RERUN_SAME of each in the other:
    two extractors agree, and merge puts a standfirst the fast pass had back)."""
    full = trafilatura_blocks(markup, comments=comments, fast=False)
    if _chars(full) <= _chars(blocks):
        return blocks
    kept = _words_in(blocks, full) >= RERUN_KEEPS
    if not kept and min(_words_in(full, dense), _words_in(dense, full)) < RERUN_SAME:
        return blocks
    link_densities(full, page)
    return full


def applied(meta: dict[str, Any], page_type: str | None = None) -> str:
    """The type whose row of page_types.json runs: the caller's `page_type`, else the
    classifier's guess (metadata["page_type"]) only when it is sure enough of it
    (pagetype.trusted), else the article's row: metadata still reports the best guess."""
    if page_type:
        return page_type
    return trusted(str(meta.get("page_type")), float(meta.get("page_type_score", 1.0)))


def _declared(tree: Any, ld: list[str]) -> bool:
    """Whether the page declares its headline (OpenGraph, Twitter card, JSON-LD): only then
    is metadata["title"] put in front of a text that lacks it. A <title> names the site as
    well ("Post | Blog name"), and an <h1> is often the blog's name, not the post's."""
    head = tree.head
    declared = head is not None and head.css_first(_DECLARED) is not None
    return declared or any('"headline"' in x for x in ld)


def _agree(short: list[HtmlBlock], long: list[HtmlBlock]) -> bool:
    """Whether most of the shorter extract's text is inside the longer one (same article)."""
    if not short:
        return True
    have = {b.text for b in long}
    inside = sum(len(b.text) for b in short if b.text in have)
    return inside >= FALLBACK_AGREE * _chars(short)


def _layout_cells(blocks: list[HtmlBlock]) -> bool:
    """Whether trafilatura's result is a layout table: mostly table rows, one of them long."""
    rows = [len(b.text) for b in blocks if b.tag == "td"]
    return bool(rows) and max(rows) >= LAYOUT_CELL and sum(rows) >= 0.5 * _chars(blocks)


def _words_in(short: list[HtmlBlock], long: list[HtmlBlock]) -> float:
    """The share of the shorter extract's words (table bars aside) found in the longer one."""
    words = Counter(w for b in short for w in b.text.lower().split() if w != "|")
    have = Counter(w for b in long for w in b.text.lower().split())
    total = sum(words.values())
    return sum((words & have).values()) / total if total else 0.0


def _prose(blocks: list[HtmlBlock]) -> int:
    """Characters of running text that is not mostly link."""
    return sum(len(b.text) for b in blocks if b.link_density < 0.5 and body_shaped(b.text))


def _links_only(traf: list[HtmlBlock], dense: list[HtmlBlock]) -> bool:
    """Whether trafilatura's result is mostly links with next to no running text (a list of
    other stories' headlines) where the density extractor found an article."""
    prose = _prose(dense)
    if prose < LINKS_PROSE or _prose(traf) > 0.1 * prose:
        return False
    return sum(len(b.text) * (1 - b.link_density) for b in traf) < 0.5 * _chars(traf)


def _title_at(blocks: list[HtmlBlock], titles: list[str]) -> int:
    """Where the title is among the first blocks (-1: not there). It lives in
    metadata["title"], so the text goes without it unless `keep_title` asks for it."""
    keys = {_key(t) for t in titles if t}
    keys.discard("")
    for k, b in enumerate(blocks[:TITLE_LOOKAHEAD]):
        key = _key(b.text)
        if key in keys or (b.link_density >= LINKED_LINE and any(_titled(key, t) for t in keys)):
            return k
    return -1


def _titled(key: str, title: str) -> bool:
    """Whether `key` is `title` without the site's name at one end ("Blog: Post",
    "Post | Blog"): a blog links its post's headline to the post, and that link is the
    title, not a navigation line."""
    return (
        len(key) >= TITLE_PART_CHARS
        and len(key) >= TITLE_PART_SHARE * len(title)
        and (title.startswith(key + " ") or title.endswith(" " + key))
    )


class TextCore(Protocol):
    """What HTML mode needs of a `Cleaner`: its config and its text core. A protocol, so this
    module does not import the pipeline that calls it."""

    config: Config

    def clean_text(
        self,
        text: str,
        url: str | None = ...,
        metadata: dict[str, Any] | None = ...,
        *,
        site: str | None = ...,
        features: Sequence[HtmlBlock] | None = ...,
        page_type: str | None = ...,
    ) -> Result: ...


def clean_html(
    cleaner: TextCore,
    html: str,
    url: str | None = None,
    *,
    site: str | None = None,
    page_type: str | None = None,
) -> Result:
    """Extract the main content, then clean it with the text core and the HTML context rules.
    page_type: what the page is (rules/page_types.json), when the caller knows it better
    than the page's metadata; the text core gets it too (which context rules run)."""
    config = cleaner.config
    blocks, meta, drops = extract_blocks(
        html,
        fast=config.html_fast,
        keep_title=config.keep_title,
        page_type=page_type,
        url=url,
        wanted=config.page_types,
    )
    if url:
        meta["url"] = url
    kind = meta["page_type"]
    if config.page_types is not None and kind not in config.page_types:
        # not wanted: one record out all the same, with why it is empty
        return Result("", [Removal("", "page-type", f"html.page-type.{kind}", 0)], [], meta)
    text = "\n".join(b.text for b in blocks)
    row = applied(meta, page_type)  # the same row as the extraction's
    result = cleaner.clean_text(text, url, meta, site=site, features=blocks, page_type=row)
    if not result.text.strip():
        result.text = ""
        result.removed.append(Removal("", "no-content", "html.no-article", len(blocks)))
    result.removed[:0] = [Removal(d.text, d.reason, d.rule, -1) for d in drops]
    return result
