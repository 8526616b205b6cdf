"""HTML mode (first cut): trafilatura extracts the article and its metadata, then the
text path cleans the result with the same rules.

Issue 3 grows this into the full design (a selectolax DOM pass before trafilatura,
HTML features for the rules, a fast mode); until then this is honest and complete for
what it does: no network (trafilatura is given the markup, never a URL to fetch), and a
page with no article gives an empty text with a `no-content` removal, not an exception.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import Removal, Result

if TYPE_CHECKING:
    from .pipeline import Cleaner

_META_FIELDS = ("title", "author", "date", "sitename", "description", "language", "categories", "url")
_META_NAMES = {"sitename": "site", "language": "lang", "categories": "section"}


def extract(html: str, url: str | None) -> tuple[str, dict[str, Any]]:
    """Main text and metadata of a page with trafilatura (precision-leaning, comments off)."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        as_dict=True,
    )
    if not isinstance(doc, dict):
        return "", {}
    meta: dict[str, Any] = {}
    for key in _META_FIELDS:
        value = doc.get(key)
        if value:
            meta[_META_NAMES.get(key, key)] = ", ".join(value) if isinstance(value, list) else value
    return str(doc.get("text") or ""), meta


def clean_html(cleaner: Cleaner, html: str, url: str | None) -> Result:
    """Extract, then clean the extracted text; the title goes to metadata (or in front)."""
    text, meta = extract(html, url)
    if not text.strip():
        r = Result("", metadata=meta)
        r.removed.append(Removal("", "no-content", "html.no-article", 0))
        if url:
            r.metadata.setdefault("url", url)
        return r
    if cleaner.config.keep_title and meta.get("title"):
        text = f"{meta['title']}\n{text}"
    return cleaner.clean_text(text, url=url, metadata=meta)
