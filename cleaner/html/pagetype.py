"""What kind of page this is: article, forum, listing, collection, product, documentation,
service or other — from the page's structure, its declared types and its URL.

Why a learned model over a few dozen shallow features and not rules alone: declared
types are rare and often wrong (a shop's home page says "WebSite", a forum thread says
"Article"), and no single cue decides; weighing many weak, site-independent cues (how
many cards repeat, how many <time>s and <pre>s, prices, reply markers, the URL's words)
generalises across sites where a rule list fits the sites it was written from
(rs-trafilatura's page-type classifier does the same beside its rules). A second model,
article or not, also learned from old news and blog posts (which the type model, trained on
2026 pages, reads as listings), may overrule a non-article guess. Both are data
(`models/page_type.json`, trained by `python -m bench.train_page_type`, card beside it);
inference is a dot product per type in pure Python.

Must run after `dom.strip_never_text` (its JSON-LD blocks are passed in) and before
`dom.prune`, which removes the comment threads, cards and forms this module counts.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from typing import Any
from urllib.parse import urlsplit

import ahocorasick_rs
from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..config import PAGE_TYPES

__all__ = [
    "PAGE_TYPES",
    "URL_FEATURES",
    "classify",
    "decide",
    "decide_scored",
    "features",
    "guess",
    "load_model",
    "predict",
    "probabilities",
    "trusted",
    "windowed_count",
]


def _vocabularies() -> dict[str, Any]:
    raw = resources.files("cleaner.rules").joinpath("page_type_features.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


_VOCAB = _vocabularies()  # rules/page_type_features.json: read once per process
_SCHEMA = frozenset(_VOCAB["schema"])
_URL_WORDS = {k: frozenset(v) for k, v in _VOCAB["url_words"].items()}
_WORDS = frozenset(w for v in _URL_WORDS.values() for w in v)
_TITLE_WORDS = _WORDS | frozenset(_VOCAB["title_words"])
# Declared types that decide by themselves (a rule beside the model): on the training
# sites every page declaring one was a forum thread.
_FORUM_TYPES = ("DiscussionForumPosting", "QAPage")
_TYPE_KEY = re.compile(r'"@type"\s*:\s*(\[[^\]]{0,400}\]|"[^"]{0,200}")')  # bounded: linear
_QUOTED = re.compile(r'"([^"]*)"')
_SPLIT = re.compile(r"[^a-z0-9]+")
_YEAR = re.compile(r"^(19|20)\d\d$")
_DIGITS = re.compile(r"\d{4,}")
URL_FEATURES = ("url.", "host.")  # the features a page without a URL lacks

# Text signals over the page's visible text in lower case: phrases counted as str.count
# counts them (an re.I alternation of them cost ~5 ms on a 16k-character page, ~50
# str.count scans ~0.4 ms; one Aho-Corasick pass, below, ~0.04 ms), and a few patterns
# that start with a character class or a literal. All linear (tests/text/test_regex_audit.py).
_PHRASES: dict[str, tuple[str, ...]] = {
    "cart": ("add to cart", "add to bag", "add to basket", "add to wishlist", "buy now", "in stock",
             "out of stock", "free shipping", "free returns", "checkout", "quantity", "size guide"),
    "forum": ("reply", "replies", "joined", "posts:", "quote", "upvote", "votes", "answered", "asked",
              "thread", "member", "moderator", "reputation"),
    "service": ("contact us", "get a quote", "get started", "get a demo", "book a", "request a", "free trial",
                "sign up", "schedule", "our services", "our team", "our clients", "our solutions", "pricing",
                "trusted by", "customer", "call us", "call now"),
    "read_more": ("read more", "continue reading", "learn more", "view all", "see all", "load more",
                  "show more"),
}  # fmt: skip
# (each led by one character class, so the engine skips ahead to it: a top-level
# alternation is tried branch by branch at every position, 2-3x slower; same matches)
_PRICE = re.compile(r"[$€£¥\d](?:(?<=[$€£¥])\s?\d|(?<=\d)\s?(?:€|usd\b|eur\b|gbp\b))")
_AGO = re.compile(r"\d\s(?:min(?:ute)?s?|hours?|days?|weeks?|months?|years?)\sago\b")
_DATES = re.compile(r"\d(?:\d?,? (?:19|20)\d\d\b|\d{3}-\d\d-\d\d)")  # "4, 2025", "2025-03-04"
_POST_NO = re.compile(r"#\d")  # "#12": a thread's post numbers
_PATTERNS = {"price": _PRICE, "ago": _AGO, "dates": _DATES, "post_no": _POST_NO}

# The phrases in one automaton over the text's UTF-8 (ASCII phrases match the same places
# in it), every occurrence reported (overlapping): str.count's non-overlapping count for a
# phrase that cannot overlap itself. The rest ("read more": "re…re") keep str.count.
_PHRASE_LIST = [p for v in _PHRASES.values() for p in v]
_SELF_OVERLAPPING = frozenset(p for p in _PHRASE_LIST if any(p[:k] == p[-k:] for k in range(1, len(p))))
_AUTOMATON_PHRASES = [p for p in _PHRASE_LIST if p not in _SELF_OVERLAPPING]
_AUTOMATON = ahocorasick_rs.BytesAhoCorasick([p.encode() for p in _AUTOMATON_PHRASES])
_GROUP = [next(k for k, v in _PHRASES.items() if p in v) for p in _AUTOMATON_PHRASES]
_FIRST = itemgetter(0)  # a match's phrase index
# Where a pattern can match: every match contains one of its needles, within `before`
# characters before the needle and `after` after it (one more than the match can reach,
# so that a final \b sees the character that follows). findall then runs only on those
# windows (merged where they touch): the same matches, in a fraction of the page, where a
# findall over the whole page tries the pattern at every digit.
_WINDOWS: dict[str, tuple[tuple[str, ...], int, int]] = {
    "price": (("$", "€", "£", "¥", "usd", "eur", "gbp"), 2, 3),  # "$ 5", "5 usd"
    "ago": (("ago",), 10, 1),  # "5 minutes ago": "ago" 10 characters after the digit
    "dates": ((" 19", " 20", "-"), 4, 6),  # "12, 2025"; "2025-03-04" (its first hyphen)
    "post_no": (("#",), 0, 2),
}

# One CSS walk finds every element the counts need; Python then tallies them by tag id (an
# int: cheaper than the tag's name, a new string each time).
_TAGS = ("article", "time", "h1", "h2", "h3", "h4", "p", "pre", "code", "table", "form", "input", "li", "a",
         "img", "blockquote", "nav", "aside")  # fmt: skip
_QUERY = f":is({', '.join(_TAGS)})"  # one selector: Lexbor tries a list's members one by one


def _tag_ids() -> dict[int, str]:
    """Lexbor's id of each of _TAGS (fixed by the engine), read from a parsed sample."""
    sample = LexborHTMLParser("<body>" + "".join(f"<{t}></{t}>" for t in _TAGS))
    body = sample.body
    return {n.tag_id: n.tag or "" for n in body.css(_QUERY)} if body is not None else {}


_TAG_IDS = _tag_ids()
_ID = {name: tid for tid, name in _TAG_IDS.items()}
_A, _P = _ID["a"], _ID["p"]
_HEADS = frozenset(_ID[t] for t in ("h2", "h3", "h4"))
_REPEATS = frozenset(_ID[t] for t in ("article", "li"))


def _log(n: float) -> float:
    return math.log1p(max(n, 0.0))


def _schema_types(ld: list[str], tree: LexborHTMLParser) -> Counter[str]:
    """Declared schema.org types (JSON-LD @type values, microdata itemtype), by group."""
    found: Counter[str] = Counter()
    names: list[str] = []
    for text in ld:
        if '"@type"' not in text:  # every match starts with it; str's search is the faster
            continue
        for m in _TYPE_KEY.finditer(text):
            names.extend(_QUOTED.findall(m.group(1)))
    for node in tree.css("[itemtype]"):
        names.extend(str(node.attributes.get("itemtype") or "").split())
    for name in names:
        name = name.rstrip("/").rsplit("/", 1)[-1]
        if name not in _SCHEMA and name.endswith("Article"):
            name = "Article"
        if name in _SCHEMA:
            found[name] += 1
    return found


def _url_words(url: str) -> tuple[list[str], str, str]:
    try:
        parts = urlsplit(url)
    except ValueError:
        return [], "", ""
    path = parts.path.lower()
    host = (parts.hostname or "").lower()
    return [w for w in _SPLIT.split(path) if w], host, path


def features(
    tree: LexborHTMLParser, meta: dict[str, Any], url: str | None, ld: list[str] | None = None
) -> dict[str, float]:
    """The page's features by name (see the model card for what each means)."""
    f: dict[str, float] = {}
    schema = _schema_types(ld or [], tree)
    for kind, n in schema.items():
        f[f"schema.{kind}"] = float(min(n, 3))
    og, priced = _head_tags(tree)
    for kind in ("article", "product", "website", "video", "profile", "book"):
        f[f"og.{kind}"] = float(og.startswith(kind) or og.endswith("." + kind))

    address = url or str(meta.get("url") or "")
    if address:  # no URL: no URL features (not "a home page"); the model reads them as average
        _url_features(f, address)
    for w in set(_SPLIT.split(str(meta.get("title", "")).lower())) & _TITLE_WORDS:
        f[f"title.w.{w}"] = 1.0

    body = tree.body
    if body is None:
        return f
    counts, link_chars, heading_links, p_lens, parents, top = _structure(body)
    tags = {name: counts[tid] for tid, name in _TAG_IDS.items()}
    long_p = [n for n in p_lens if n >= 150]
    text = body.text(deep=True, separator=" ", strip=True) or ""
    chars = max(len(text), 1)
    for tag in _TAGS:
        f[f"n.{tag}"] = _log(tags[tag])
    f["chars"] = _log(chars)
    f["link_density"] = min(link_chars / chars, 1.0)
    f["p_share"] = min(sum(p_lens) / chars, 1.0)
    f["p_one_share"] = top / sum(p_lens) if p_lens and sum(p_lens) else 0.0  # one article's body
    f["p_one_k"] = _log(top / 1000.0)
    f["long_p"] = _log(len(long_p))
    f["prose_share"] = min(sum(long_p) / chars, 1.0)
    f["heading_links"] = _log(heading_links)
    headings = tags["h2"] + tags["h3"] + tags["h4"]
    f["heading_link_share"] = heading_links / headings if headings else 0.0
    f["chars_per_heading"] = _log(chars / (headings + 1))
    f["links_per_k"] = min(tags["a"] * 1000.0 / chars, 50.0)
    f["many_articles"] = float(tags["article"] >= 3)
    f["many_times"] = float(tags["time"] >= 3)
    f["one_h1"] = float(tags["h1"] == 1)
    f["repeat_max"] = _log(max(parents.values(), default=0))
    f["repeat_groups"] = _log(sum(1 for n in parents.values() if n >= 4))
    per_k = 1000.0 / chars
    text = text.lower()
    said = _said(text)
    for name, n in said.items():
        f[f"t.{name}"] = _log(n)
    f["t.price_k"] = min(said["price"] * per_k, 5.0)
    f["t.forum_k"] = min(said["forum"] * per_k, 10.0)  # a thread says "reply", "joined" in every post
    f["meta.date"] = float("date" in meta)
    f["meta.author"] = float("author" in meta)
    f["meta.price"] = float(priced)
    return f


def _url_features(f: dict[str, float], address: str) -> None:
    """The URL's features into f: its first path words by group, the host's first label,
    depth, home page, a year, an id, the last segment's words and extension."""
    words, host, path = _url_words(address)
    label = host.split(".")[0] if host.count(".") >= 2 else ""
    for group, vocab in _URL_WORDS.items():
        f[f"url.{group}"] = float(sum(w in vocab for w in words[:4]))
        f[f"host.{group}"] = float(label in vocab)
    for w in set(words[:4]) & _WORDS:
        f[f"url.w.{w}"] = 1.0
    if label in _WORDS:
        f[f"host.w.{label}"] = 1.0
    segments = [s for s in path.split("/") if s]
    f["url.depth"] = float(min(len(segments), 6))
    f["url.home"] = float(not segments)
    f["url.year"] = float(any(_YEAR.match(s) for s in segments))
    f["url.id"] = float(bool(_DIGITS.search(path)))
    last = segments[-1] if segments else ""
    f["url.slug_words"] = float(min(len([w for w in _SPLIT.split(last) if w]), 15))
    f["url.html"] = float(last.endswith((".html", ".htm", ".php")))


def _structure(
    body: LexborNode,
) -> tuple[Counter[int], int, int, list[int], Counter[tuple[int, int, str]], int]:
    """One walk over the body's elements of _TAGS: their counts by tag id, the characters of
    link text, the links that are a heading's child, each paragraph's length, sibling
    articles/list items by (parent, tag, class): the page's repeated cards, and the most
    paragraph text one element holds in its child paragraphs."""
    nodes = body.css(_QUERY)
    ids = [n.tag_id for n in nodes]  # comprehensions, not one loop with branches: faster
    links = [n for n, t in zip(nodes, ids, strict=True) if t == _A]
    # text(deep, separator, strip) positionally: keyword parsing costs a Cython call more
    link_chars = sum([len(n.text(True, "", True) or "") for n in links])
    heading_links = sum([1 for n in links if (up := n.parent) is not None and up.tag_id in _HEADS])
    paras = [n for n, t in zip(nodes, ids, strict=True) if t == _P]
    p_lens = [len(n.text(True, "", True) or "") for n in paras]
    # the paragraphs' text by their parent: one article's body is one container's; a thread's
    # posts, a listing's teasers are one container each
    by_parent: Counter[int] = Counter()
    for n, k in zip(paras, p_lens, strict=True):
        up = n.parent
        by_parent[up.mem_id if up is not None else 0] += k
    parents = Counter(
        [
            (up.mem_id, t, str(n.attributes.get("class") or ""))
            for n, t in zip(nodes, ids, strict=True)
            if t in _REPEATS and (up := n.parent) is not None
        ]
    )
    top = max(by_parent.values(), default=0)
    return Counter(ids), link_chars, heading_links, p_lens, parents, top


def _said(text: str) -> dict[str, int]:
    """Each text signal's count in the page's lower-cased text: for a kind of phrase, the
    sum of each phrase's str.count; for a pattern, len(findall)."""
    said = {
        kind: sum(text.count(p) for p in phrases if p in _SELF_OVERLAPPING)
        for kind, phrases in _PHRASES.items()
    }
    found = _AUTOMATON.find_matches_as_indexes(text.encode("utf-8", "surrogatepass"), overlapping=True)
    for index, n in Counter(map(_FIRST, found)).items():
        said[_GROUP[index]] += n
    for kind, rx in _PATTERNS.items():
        said[kind] = windowed_count(rx, text, *_WINDOWS[kind])
    return said


def windowed_count(rx: re.Pattern[str], text: str, needles: tuple[str, ...], before: int, after: int) -> int:
    """len(rx.findall(text)) when every match of rx holds a needle, starting at most `before`
    characters ahead of it and ending at most `after` - 1 past its end: findall on the
    needles' windows, merged where they overlap or touch. Same count: no match crosses a
    window's edge, none starts outside one, and each window starts where the whole-text
    scan has no match under way (a match before it ended inside an earlier window)."""
    spans: list[tuple[int, int]] = []
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            spans.append((max(at - before, 0), at + len(needle) + after))
            at = text.find(needle, at + 1)
    if not spans:
        return 0
    spans.sort()
    n = 0
    start, end = spans[0]
    for s, e in spans[1:]:
        if s > end:
            n += len(rx.findall(text, start, end))
            start = s
        end = max(end, e)
    return n + len(rx.findall(text, start, end))


def _head_tags(tree: LexborHTMLParser) -> tuple[str, bool]:
    """og:type (lower case) and whether the head declares a price (product:price, og:price)."""
    head = tree.head
    if head is None:
        return "", False
    og = ""
    priced = False
    for node in head.css("meta[property]"):
        prop = str(node.attributes.get("property") or "").lower()
        if prop == "og:type" and not og:
            og = str(node.attributes.get("content") or "").lower().strip()
        elif prop.endswith(":price:amount") or prop == "product:price":
            priced = True
    return og, priced


@lru_cache(maxsize=1)
def load_model() -> dict[str, Any]:
    """The trained model (`models/page_type.json`): feature names, scaling, weights per type."""
    raw = resources.files("cleaner.models").joinpath("page_type.json").read_text(encoding="utf-8")
    model: dict[str, Any] = json.loads(raw)
    return model


def classify(
    tree: LexborHTMLParser, meta: dict[str, Any], url: str | None = None, ld: list[str] | None = None
) -> str:
    """The page type, one of PAGE_TYPES: the model's most probable type; "forum" for
    declared thread markup; "other" for a page with no body text at all (nothing to judge)."""
    return decide(features(tree, meta, url, ld))


def guess(
    tree: LexborHTMLParser, meta: dict[str, Any], url: str | None = None, ld: list[str] | None = None
) -> tuple[str, float]:
    """The page type (as classify) and the model's probability for it (1.0 for the rules)."""
    return decide_scored(features(tree, meta, url, ld))


def decide(f: dict[str, float], model: dict[str, Any] | None = None) -> str:
    """The page type for a page's features (see classify)."""
    return decide_scored(f, model)[0]


def decide_scored(f: dict[str, float], model: dict[str, Any] | None = None) -> tuple[str, float]:
    """The page type for a page's features and how sure the model is of it (see guess): the
    type model's best guess, unless the model's article model (`model["article"]`) finds an
    article at least as likely as its bound for that guess (`over`); the score of a non-article type is then
    its probability in two stages, p(not an article) * p(type | not an article)."""
    if f.get("chars", 0.0) <= _log(1):
        return "other", 1.0
    if any(f.get(f"schema.{k}") for k in _FORUM_TYPES):
        return "forum", 1.0  # declared thread markup: every such training page was a forum
    model = model or load_model()
    probs = probabilities(model, f)
    best = max(probs, key=probs.__getitem__)
    judge = model.get("article")
    if judge is None or best == "article":
        return best, probs[best]
    # Two stages: the article model (trained on old news and blog articles too, which the
    # type model calls listings) decides article or not; the type model, which of the rest.
    p_article = probabilities(judge, f)["article"]
    if p_article >= judge["over"].get(best, 1.01):
        return "article", p_article
    return best, (1.0 - p_article) * probs[best] / max(1.0 - probs["article"], 1e-9)


def predict(model: dict[str, Any], f: dict[str, float]) -> str:
    """The most probable type under a linear model over standardised features."""
    probs = probabilities(model, f)
    return max(probs, key=probs.__getitem__)


def probabilities(model: dict[str, Any], f: dict[str, float]) -> dict[str, float]:
    """Each type's probability: the softmax of the linear scores over standardised features
    (in the model's class order; ties go to the first). A page without a URL has none of the
    URL's features (features()): they count as the training mean, i.e. as no evidence."""
    names: list[str] = model["features"]
    mean: list[float] = model["mean"]
    scale: list[float] = model["scale"]
    x = [(f.get(n, 0.0) - m) / s for n, m, s in zip(names, mean, scale, strict=True)]
    if "url.depth" not in f:  # set for every page with a URL
        x = [0.0 if n.startswith(URL_FEATURES) else v for n, v in zip(names, x, strict=True)]
    scores = [
        bias + sum(w * v for w, v in zip(weights, x, strict=True))
        for weights, bias in zip(model["weights"], model["bias"], strict=True)
    ]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return {str(kind): e / total for kind, e in zip(model["classes"], exps, strict=True)}


def trusted(kind: str, score: float, model: dict[str, Any] | None = None) -> str:
    """The type whose extraction applies: `kind` when the model is at least as sure of it as
    the model's `sure` threshold for that type, else "article". Why: a type's own extraction
    on a misread article costs far more (an article read as a service page keeps every block
    the DOM pass leaves) than article extraction on a misread listing; the thresholds were
    chosen on the training sites' out-of-fold predictions (bench/train_page_type.py)."""
    sure: dict[str, float] = (model or load_model()).get("sure", {})
    return kind if score >= sure.get(kind, 0.0) else "article"
