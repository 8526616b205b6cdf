"""Page metadata (title, author, date, site, description, language, section, url) from
the tree the DOM pass already parsed.

Why not trafilatura's metadata: on the dev pages it costs 9-14 ms a page (htmldate's
search for a date, xpath fallbacks for the author), more than trafilatura's extraction
itself, and the fields news pages actually carry sit in a few well-known places that a
handful of CSS lookups read in ~0.1 ms: OpenGraph and article:* meta tags, JSON-LD
(schema.org NewsArticle), <title>, <h1>, <html lang>. Values are cleaned of markup that
publishers leave in them ("&lt;b&gt;Breaking&lt;/b&gt;"), with beautifulsoup4, which is
the right tool for a fragment that is not a document.

Must run before the DOM pass: that pass strips <script> (JSON-LD lives there).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser

__all__ = ["json_ld_texts", "read_metadata", "strip_markup", "title_candidates"]

# (metadata key, meta names tried in order: a <meta>'s property, name or itemprop, lower case)
_META: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("title", ("og:title", "twitter:title")),
    (
        "author",
        ("author", "article:author", "byl", "dc.creator", "parsely-author", "sailthru.author"),
    ),
    (
        "date",
        (
            "article:published_time",
            "datepublished",
            "date",
            "pubdate",
            "publish-date",
            "dc.date",
            "dc.date.issued",
            "og:published_time",
            "parsely-pub-date",
        ),
    ),
    ("site", ("og:site_name", "application-name")),
    ("description", ("description", "og:description", "twitter:description")),
    ("section", ("article:section", "section")),
    ("url", ("og:url",)),
)
_LD_KEYS = {
    "headline": "title",
    "datePublished": "date",
    "description": "description",
    "articleSection": "section",
}
_ARTICLE_TYPES = ("Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "Report", "WebPage")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TAG_LIKE = re.compile(r"<[a-zA-Z/!]")
_TITLE_SPLIT = re.compile(r"(?<!\s)\s+[|–—·:»-]\s+")  # (?<!\s): one try per run of spaces
_LANG = re.compile(r"[a-zA-Z]{2,3}(?=$|[-_])")


def strip_markup(value: str) -> str:
    """A metadata value as plain text: entities decoded, tags of an HTML fragment gone."""
    if "&" in value:
        value = html.unescape(value)
    if _TAG_LIKE.search(value):
        from .dom import soup

        value = soup(value).get_text(" ")
    return " ".join(value.split())


def json_ld_texts(tree: LexborHTMLParser) -> list[str]:
    """The page's JSON-LD blocks (dom.strip collects them for free on its way)."""
    return [node.text() or "" for node in tree.css('script[type="application/ld+json"]')]


def _json_ld(texts: list[str]) -> dict[str, Any]:
    """The first schema.org article-like object of the page's JSON-LD, if any."""
    for text in texts:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # broken, or nested past the stack: no metadata
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            stack.extend(item.get("@graph") or [])
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith(_ARTICLE_TYPES) for k in kinds) and item.get("headline"):
                return item
    return {}


def _person(value: Any) -> str:
    if isinstance(value, list):  # one level only: a hostile page can nest lists past the stack
        names = [_person(v) for v in value if not isinstance(v, list)]
        return ", ".join(n for n in names if n)
    if isinstance(value, dict):
        return str(value.get("name") or "")
    return str(value or "") if isinstance(value, str) else ""


def read_metadata(tree: LexborHTMLParser, ld_texts: list[str] | None = None) -> dict[str, Any]:
    """Title, author, date (YYYY-MM-DD), site, description, section, url and lang, where found.

    ld_texts: the page's JSON-LD blocks when the caller has them (else they are looked up).
    """
    meta: dict[str, Any] = {}
    tags: dict[str, str] = {}  # one pass over the head's <meta> tags: name -> first content
    head = tree.head
    for node in head.css("meta[content]") if head is not None else ():
        attrs = node.attributes
        name = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or attrs.get("http-equiv")
        if name:
            tags.setdefault(name.lower(), attrs.get("content") or "")
    for key, names in _META:
        for name in names:
            value = strip_markup(tags.get(name, ""))
            if value and not (key == "author" and value.startswith("http")):
                meta[key] = value
                break
    canonical = head.css_first('link[rel="canonical"]') if head is not None else None
    if canonical is not None and canonical.attributes.get("href"):
        meta["url"] = str(canonical.attributes.get("href"))
    ld = _json_ld(json_ld_texts(tree) if ld_texts is None else ld_texts)
    if ld:
        for src, key in _LD_KEYS.items():
            field = ld.get(src)
            if isinstance(field, str) and field.strip() and key not in meta:
                meta[key] = strip_markup(field)
        if "author" not in meta and (who := _person(ld.get("author"))):
            meta["author"] = strip_markup(who)
        if "site" not in meta and (pub := _person(ld.get("publisher"))):
            meta["site"] = strip_markup(pub)
    if "date" not in meta:
        when = tree.css_first("time[datetime]")
        if when is not None:
            meta["date"] = str(when.attributes.get("datetime") or "")
    date = _DATE.search(str(meta.get("date", "")))
    if date:
        meta["date"] = date.group(0)
    else:
        meta.pop("date", None)
    if "title" not in meta:
        titles = title_candidates(tree)
        if titles:
            meta["title"] = titles[0]
    lang = _page_lang(tree, tags)
    if lang:
        meta["lang"] = lang
    return meta


def _page_lang(tree: LexborHTMLParser, tags: dict[str, str]) -> str:
    root = tree.root
    value = str(root.attributes.get("lang") or "") if root is not None and root.tag == "html" else ""
    value = value or tags.get("content-language") or tags.get("og:locale") or ""
    m = _LANG.match(value.strip())
    return m.group(0).lower() if m else ""


def title_candidates(tree: LexborHTMLParser) -> list[str]:
    """Ways the page names itself: the first <h1>, then <title> and its parts without the
    site name ("Headline | Site"), longest first. Used to take the title out of the body."""
    out: list[str] = []
    body = tree.body
    h1 = body.css_first("h1") if body is not None else None
    if h1 is not None:
        text = " ".join((h1.text(separator=" ") or "").split())
        if text:
            out.append(text)
    node = tree.css_first("title")
    if node is not None:
        title = strip_markup(node.text() or "")
        if title:
            parts = sorted(_TITLE_SPLIT.split(title), key=len, reverse=True)
            out.extend([title, *(p for p in parts if len(p) >= 15 and p != title)])
    return out
