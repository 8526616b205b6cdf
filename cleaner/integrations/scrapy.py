"""cleaner as a Scrapy item pipeline: pages cleaned as the crawl scrapes them.

A spider yields the page it fetched, `{"url": response.url, "html": response.text}`;
`CleanerPipeline` puts the article's clean text in the item's `text` field, what it
removed and repaired (each with its reason and rule) in `removed` and `repairs`, as
`cleaner clean` does for a JSONL record, and the page's title, author, date and site
in `metadata`. An item with no
markup but a `text` field is cleaned as already-extracted text. Any item type Scrapy
takes works (dict, `scrapy.Item`, dataclass, attrs), through itemadapter.

    ITEM_PIPELINES = {"cleaner.integrations.scrapy.CleanerPipeline": 500}

Settings (all optional; the defaults in brackets):

- `CLEANER_CONFIG` [{}]: `cleaner.Config` options, e.g. `{"html_fast": True}`.
- `CLEANER_HTML_FIELD` ["html"]: the page's markup; str, or bytes (`response.body`),
  decoded as `cleaner clean` decodes files: by `CLEANER_ENCODING_FIELD` ["encoding"]
  when the item has it (`response.encoding`, the HTTP header's charset), else by
  the page's `<meta charset>`, else by detection.
- `CLEANER_TEXT_FIELD` ["text"]: where the clean text goes (and the input, for text).
- `CLEANER_URL_FIELD` ["url"]: the page's URL, for metadata and a learned profile.
- `CLEANER_REMOVED_FIELD` ["removed"], `CLEANER_REPAIRS_FIELD` ["repairs"],
  `CLEANER_METADATA_FIELD` ["metadata"]: "" leaves them out. A `scrapy.Item` or a
  dataclass that does not declare one is warned about once, and goes on without it.
- `CLEANER_KEEP_HTML` [True]: False empties the markup field once it is cleaned (a feed
  of clean text is a tenth of the size).
- `CLEANER_PAGE_TYPES` [None]: keep only pages of these types (a list, or "article,listing";
  see `Config.page_types`); a page of another type goes on with an empty text and a
  `page-type` removal (or is dropped, with CLEANER_DROP_EMPTY), counted in
  `cleaner/page_type_dropped/<type>`. Items of text have no page type and always pass.
- `CLEANER_DROP_EMPTY` [False]: True drops items in which no article was found
  (`DropItem`, logged at INFO); by default they go on with an empty text and a
  `no-content` removal saying why.
- `CLEANER_ON_ERROR` ["drop"]: an item that cannot be cleaned (no markup and no text, a
  binary body, over the size or time limit) is dropped with a message naming its URL and
  the problem, and the crawl goes on; "keep" passes it on uncleaned with the message in
  `cleaner_error` instead (as the datatrove step does).
- `CLEANER_PROFILE` [None]: a profile from `cleaner learn` (lines the site repeats).
- `CLEANER_TIMEOUT` [120]: CPU seconds one item may take (0: no limit).

Counts go to the crawl's stats: `cleaner/items`, `cleaner/errors`, `cleaner/empty`,
`cleaner/repairs` and `cleaner/removed_chars/<reason>`, and the pipeline's books:
every item in is passed on (`cleaner/items_out`) or dropped with a reason
(`cleaner/dropped`), whatever it holds — also an object itemadapter cannot take, which
would otherwise be an uncounted traceback. When the spider closes, `cleaner/items` =
`cleaner/items_out` + `cleaner/dropped` is checked; a mismatch is logged as an error.

Cleaning runs in the reactor's thread, as every item pipeline does: a crawl that fetches
more pages a second than the cleaner takes (about 100 in default mode, 400 with
`html_fast`, on one core here) is CPU-bound, and runs several Scrapy processes.

Install with `pip install 'cleaner[scrapy]'`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, MutableMapping
from typing import Any

from ..batch.pool import DEFAULT_TIMEOUT, Limiter, RecordTimeout
from ..config import Config
from ..errors import CleanerError, ConfigError
from ..model import Result
from ..text.profile import Profile

try:
    from itemadapter import ItemAdapter
    from scrapy.exceptions import DropItem
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("cleaner.integrations.scrapy needs Scrapy: pip install 'cleaner[scrapy]'") from exc

__all__ = ["ON_ERROR", "CleanerPipeline", "PipelineSettings"]

log = logging.getLogger(__name__)
ON_ERROR = ("drop", "keep")
ERROR_FIELD = "cleaner_error"


class PipelineSettings:
    """The pipeline's settings, read and checked once, when the crawl starts: a typo in
    CLEANER_CONFIG stops it there, not at every item."""

    def __init__(self, settings: Mapping[str, Any] | Any | None = None) -> None:
        get = settings.get if settings is not None else (lambda key, default=None: default)
        raw_config = get("CLEANER_CONFIG") or {}
        if not isinstance(raw_config, Mapping):
            raise ConfigError(f"CLEANER_CONFIG must be a dict of cleaner.Config options, not {raw_config!r}")
        self.config = Config().with_(**dict(raw_config))
        kinds = get("CLEANER_PAGE_TYPES") or None
        if kinds is not None:
            listed = kinds.split(",") if isinstance(kinds, str) else kinds
            self.config = self.config.with_(page_types=frozenset(str(k).strip() for k in listed))
        self.html_field = str(get("CLEANER_HTML_FIELD", "html") or "")
        self.text_field = str(get("CLEANER_TEXT_FIELD", "text") or "")
        if not self.text_field:
            raise ConfigError("CLEANER_TEXT_FIELD must name a field: the clean text goes there")
        self.url_field = str(get("CLEANER_URL_FIELD", "url") or "")
        self.encoding_field = str(get("CLEANER_ENCODING_FIELD", "encoding") or "")
        self.removed_field = str(get("CLEANER_REMOVED_FIELD", "removed") or "")
        self.repairs_field = str(get("CLEANER_REPAIRS_FIELD", "repairs") or "")
        self.metadata_field = str(get("CLEANER_METADATA_FIELD", "metadata") or "")
        self.keep_html = _flag(get("CLEANER_KEEP_HTML", True), "CLEANER_KEEP_HTML")
        self.drop_empty = _flag(get("CLEANER_DROP_EMPTY", False), "CLEANER_DROP_EMPTY")
        self.on_error = str(get("CLEANER_ON_ERROR", "drop"))
        if self.on_error not in ON_ERROR:
            raise ConfigError(f"CLEANER_ON_ERROR must be one of {ON_ERROR}, not {self.on_error!r}")
        self.profile = get("CLEANER_PROFILE") or None
        timeout = get("CLEANER_TIMEOUT", DEFAULT_TIMEOUT)
        try:
            self.timeout = float(timeout) if timeout is not None else 0.0
        except (TypeError, ValueError):
            self.timeout = -1.0
        if not self.timeout >= 0:  # (a NaN fails this too)
            raise ConfigError(f"CLEANER_TIMEOUT must be a number of seconds >= 0, not {timeout!r}")


def _flag(value: Any, name: str) -> bool:
    """A boolean setting as Scrapy accepts them (True, "1", "true", "False", ...)."""
    if isinstance(value, bool | int):
        return bool(value)
    low = str(value).strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{name} must be true or false, not {value!r}")


class _ItemError(Exception):
    """An item this pipeline cannot clean; the message names the problem."""


class CleanerPipeline:
    """Clean each item's page (see the module doc for the fields and settings)."""

    def __init__(self, settings: PipelineSettings | None = None, stats: Any = None) -> None:
        from ..pipeline import Cleaner

        self.settings = settings or PipelineSettings()
        profile = Profile.load(self.settings.profile) if self.settings.profile else None
        self.cleaner = Cleaner(self.settings.config, profile=profile)
        self.stats = stats
        self._warned: set[tuple[str, str]] = set()
        self.books = [0, 0, 0]  # items in, passed on, dropped (this pipeline's own count)

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanerPipeline:
        return cls(PipelineSettings(crawler.settings), crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """The item with its clean text; DropItem for an empty page (if asked) or a bad item.
        Either way the item is counted: one in, one out or one dropped."""
        self._count("cleaner/items")
        self.books[0] += 1
        try:
            out = self._process(item)
        except DropItem:
            self._dropped()
            raise
        except Exception as exc:  # noqa: BLE001 - not even an item: dropped, never a traceback
            self._count("cleaner/errors")
            self._dropped()
            raise _drop(f"cleaner: item: {type(exc).__name__}: {exc}", "WARNING") from exc
        self._count("cleaner/items_out")
        self.books[1] += 1
        return out

    def _dropped(self) -> None:
        self._count("cleaner/dropped")
        self.books[2] += 1

    def close_spider(self, spider: Any = None) -> None:
        """Check the books: every item that came in went out or was dropped."""
        items, out, dropped = self.books
        if items != out + dropped:
            log.error(
                "cleaner: the pipeline's books do not balance (a bug, please report it): "
                "%d items in, %d passed on + %d dropped",
                items, out, dropped,
            )  # fmt: skip

    def _process(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url = self._url(adapter)
        try:
            # The limit's SIGPROF handler is set around each item, not for the crawl: crawlers
            # sharing a process (CrawlerProcess) each have a pipeline, and one handler.
            with Limiter(self.settings.timeout or None) as limiter, limiter.record():
                result = self._clean(adapter, url)
        except RecordTimeout:
            return self._failed(adapter, url, f"timeout: over {self.settings.timeout:g} CPU seconds")
        except (_ItemError, CleanerError) as exc:  # the item's fault: the message says what
            return self._failed(adapter, url, str(exc))
        except Exception as exc:  # noqa: BLE001 - one bad item never stops a crawl
            return self._failed(adapter, url, f"{type(exc).__name__}: {exc}")
        if not result.text:
            self._count("cleaner/empty")
            unwanted = next((r.rule for r in result.removed if r.reason == "page-type"), "")
            if unwanted:
                self._count(f"cleaner/page_type_dropped/{result.metadata.get('page_type')}")
            if self.settings.drop_empty:
                why = f"a page of type {result.metadata.get('page_type')}" if unwanted else "no article text"
                raise _drop(f"cleaner: {url or 'item'}: {why}", "INFO")
        try:
            adapter[self.settings.text_field] = result.text
        except KeyError:
            problem = f"{type(item).__name__} has no field '{self.settings.text_field}' for the clean text"
            return self._failed(adapter, url, f"{problem} (declare it, or set CLEANER_TEXT_FIELD)")
        self._store(adapter, result)
        return item

    def _url(self, adapter: Any) -> str | None:
        url = adapter.get(self.settings.url_field) if self.settings.url_field else None
        return url if isinstance(url, str) and url else None

    def _clean(self, adapter: Any, url: str | None) -> Result:
        s = self.settings
        markup = adapter.get(s.html_field) if s.html_field else None
        if markup is None or markup in ("", b""):
            text = adapter.get(s.text_field)
            if text is None:
                fields = f"'{s.html_field}' or '{s.text_field}'" if s.html_field else f"'{s.text_field}'"
                raise _ItemError(f"the item has no {fields} field to clean")
            if not isinstance(text, str):
                raise _ItemError(f"field '{s.text_field}' holds {type(text).__name__}, not text")
            return self.cleaner.clean(text, url=url, kind="text")
        encoding = None
        if isinstance(markup, bytes | bytearray):
            declared = adapter.get(s.encoding_field) if s.encoding_field else None
            encoding = declared if isinstance(declared, str) and declared else None
            markup = bytes(markup)
        elif not isinstance(markup, str):
            raise _ItemError(f"field '{s.html_field}' holds {type(markup).__name__}, not markup")
        return self.cleaner.clean(markup, url=url, kind="html", encoding=encoding)

    def _store(self, adapter: Any, result: Result) -> None:
        s = self.settings
        if s.removed_field:
            self._set(adapter, s.removed_field, [r.to_dict() for r in result.removed])
        if s.repairs_field:
            self._set(adapter, s.repairs_field, [r.to_dict() for r in result.repairs])
        if s.metadata_field:
            self._set(adapter, s.metadata_field, dict(result.metadata))
        if not s.keep_html and s.html_field and s.html_field in adapter:
            if isinstance(adapter.item, MutableMapping):
                del adapter[s.html_field]
            else:
                adapter[s.html_field] = None
        for reason, chars in result.removed_chars().items():
            self._count(f"cleaner/removed_chars/{reason}", chars)
        self._count("cleaner/repairs", sum(r.count for r in result.repairs))

    def _set(self, adapter: Any, field: str, value: Any) -> None:
        """Set an optional output field; an item class without it is warned about once."""
        try:
            adapter[field] = value
        except KeyError:
            key = (type(adapter.item).__name__, field)
            if key not in self._warned:
                self._warned.add(key)
                log.warning(
                    "cleaner: %s has no field %r; declare it, or set the pipeline's setting for it to ''",
                    *key,
                )

    def _failed(self, adapter: Any, url: str | None, problem: str) -> Any:
        """An item that could not be cleaned: dropped with the reason, or passed on uncleaned."""
        self._count("cleaner/errors")
        message = f"cleaner: {url or 'item'}: {problem}"
        if self.settings.on_error == "keep":
            self._set(adapter, ERROR_FIELD, problem)
            return adapter.item
        raise _drop(message, "WARNING")

    def _count(self, key: str, value: int = 1) -> None:
        if self.stats is not None and value:
            self.stats.inc_value(key, value)


def _drop(message: str, level: str) -> DropItem:
    """DropItem at a log level (Scrapy 2.13+ takes one; older ones log every drop at WARNING)."""
    try:
        return DropItem(message, log_level=level)  # type: ignore[call-arg,unused-ignore]
    except TypeError:  # pragma: no cover - Scrapy before 2.13
        return DropItem(message)
