"""A frozen, documented configuration: one object says how a `Cleaner` behaves."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from .errors import ConfigError

MODES = ("conservative", "default")
#: The default `max_size`: far above any real article (the largest news pages are a few
#: MB), low enough that one dumped log or data file cannot hold a worker for minutes
#: and gigabytes (a 100 MB page costs ~1 GB of memory in HTML mode).
MAX_SIZE = 32_000_000
KINDS = ("auto", "text", "html")
# The page types HTML mode tells apart (cleaner/html/pagetype.py; kept here so that checking a
# config does not load the model).
PAGE_TYPES = ("article", "forum", "listing", "collection", "product", "documentation", "service", "other")


@dataclass(frozen=True, slots=True)
class Config:
    """How to clean.

    mode: "conservative" removes only lines a rule names (markers, promos, prompts,
        disclaimers, whitespace, duplicates) and skips rules that guess from shape
        (photo credits, section kickers) and every context zone; "default" adds the
        context pass (the headlines a marker opens, comment threads, section kickers,
        page furniture after the article).
    kind: "auto" sniffs HTML from the first bytes; "text" or "html" force it.
    repair: run the repair stage (ftfy behind a gate, lossy-mojibake rules, whitespace).
    dedupe: drop a second copy of the article or of a paragraph.
    near_duplicate: also drop near-exact copies (same words, small edits).
    min_dup_chars: paragraphs shorter than this are never dropped as duplicates
        (short lines such as "Advertisement" repeat legitimately).
    keep_title: HTML mode puts metadata["title"] back in front of the text.
    html_fast: HTML mode without trafilatura: the DOM pass, then our own text- and
        link-density extractor on the cleaned tree (~3x the default's pages per second, a
        little less accurate: see the README's results); for throughput-bound corpora.
    scorer: run the learned line scorer (score.py) in default text mode: it bounds the
        context zones and removes the lines it scores as clutter (rule `model.<reason>`).
        Conservative mode and HTML mode never run it.
    langs: rule packs to load; "auto" loads them all (cheap: they are compiled once).
    page_types: HTML mode keeps only pages of these types (pagetype.PAGE_TYPES: article,
        forum, listing, collection, product, documentation, service, other); a page of
        another type comes out empty with one `page-type` removal (rule
        `html.page-type.<type>`), so a batch still writes one record per record read.
        None keeps every type. Text input has no page type and always passes.
    max_size: the largest document cleaned, in characters (bytes for undecoded input; a
        JSONL line, a file, a WARC payload in a batch run); a larger one is refused with
        an InputError (one error record in a batch), never truncated: half a document
        passed off as the whole would be silent data loss. None or 0: no limit.
    """

    mode: str = "default"
    kind: str = "auto"
    repair: bool = True
    dedupe: bool = True
    near_duplicate: bool = True
    min_dup_chars: int = 40
    keep_title: bool = False
    html_fast: bool = False
    scorer: bool = True
    langs: tuple[str, ...] | str = "auto"
    max_size: int | None = MAX_SIZE
    page_types: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"mode must be one of {MODES}, not {self.mode!r}")
        if self.kind not in KINDS:
            raise ConfigError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if isinstance(self.langs, str) and self.langs != "auto":
            object.__setattr__(self, "langs", (self.langs,))  # "en" means ("en",), not ("e", "n")
        if self.min_dup_chars < 0:
            raise ConfigError("min_dup_chars must be >= 0")
        if self.page_types is not None:
            kinds = frozenset([self.page_types] if isinstance(self.page_types, str) else self.page_types)
            unknown = sorted(kinds - set(PAGE_TYPES))
            if unknown or not kinds:
                known = ", ".join(PAGE_TYPES)
                raise ConfigError(f"page_types must be a non-empty set of {known}; not {', '.join(unknown)}")
            object.__setattr__(self, "page_types", kinds)
        if self.max_size is not None and self.max_size < 0:
            raise ConfigError("max_size must be >= 0 (0 or None: no limit)")

    def with_(self, **changes: Any) -> Config:
        """A copy with some options changed (the config itself never changes)."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ConfigError(f"unknown option(s): {', '.join(sorted(unknown))}")
        return replace(self, **changes)
