"""Each page type's own main content: the knobs that differ by type, read from data.

What is clutter depends on what the page is. Under an article, user comments and lists of
linked headlines are furniture; on a forum thread the posts are the content, on a listing
the linked headlines are. The extraction (html.py, dom.py) and the text core's context
rules (context.py, htmlctx.py) ask `knobs(page_type)` instead of testing the type
themselves, so a type's behaviour is one row of `rules/page_types.json`, and an unknown or
missing type gets the article's row (the behaviour every page had before types).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["ARTICLE", "Knobs", "knobs", "resolve"]

ARTICLE = "article"


@dataclass(frozen=True, slots=True)
class Knobs:
    """One row of `page_types.json` (see its `about`)."""

    extractor: str
    fast_extractor: str
    dom_keep: frozenset[str]
    comment_rules: bool
    link_rules: bool
    tail: bool
    dedupe: bool
    scorer: bool
    fallback_below: float
    keep_tags: frozenset[str]


@lru_cache(maxsize=1)
def _table() -> dict[str, Knobs]:
    raw = resources.files("cleaner.rules").joinpath("page_types.json").read_text(encoding="utf-8")
    rows = json.loads(raw)["types"]
    return {
        str(name): Knobs(
            extractor=str(row["extractor"]),
            fast_extractor=str(row["fast_extractor"]),
            dom_keep=frozenset(row["dom_keep"]),
            comment_rules=bool(row["comment_rules"]),
            link_rules=bool(row["link_rules"]),
            tail=bool(row["tail"]),
            dedupe=bool(row["dedupe"]),
            scorer=bool(row["scorer"]),
            fallback_below=float(row["fallback_below"]),
            keep_tags=frozenset(row["keep_tags"]),
        )
        for name, row in rows.items()
    }


def resolve(page_type: object) -> str:
    """The type whose row applies: `page_type` when the table has it, else "article"."""
    return page_type if isinstance(page_type, str) and page_type in _table() else ARTICLE


def knobs(page_type: object = None) -> Knobs:
    """The knobs of a page type (the article's for None or an unknown type)."""
    return _table()[resolve(page_type)]
