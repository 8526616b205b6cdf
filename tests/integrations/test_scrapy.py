"""The Scrapy item pipeline: item by item through `process_item`, and end to end in a real
crawl (`scrapy runspider` in a subprocess, over file:// pages: no network)."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("scrapy")

import scrapy  # noqa: E402
from scrapy.exceptions import DropItem  # noqa: E402
from scrapy.statscollectors import MemoryStatsCollector  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

import cleaner  # noqa: E402
from cleaner.errors import ConfigError  # noqa: E402
from cleaner.integrations.scrapy import CleanerPipeline, PipelineSettings  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "fixtures" / "html"
CASES = json.loads((PAGES / "cases.json").read_text(encoding="utf-8"))["cases"]
STORY = (
    "The harbour council met on Monday evening to discuss the repairs to the old stone bridge, "
    "which has been closed to traffic since the storms of last winter."
)
TEXT = f"Bridge repairs agreed\n{STORY}\nAlso read\nEngineers said the work would take a year."


def _pipeline(**settings: Any) -> CleanerPipeline:
    crawler = get_crawler(settings_dict=settings)
    pipe = CleanerPipeline.from_crawler(crawler)
    pipe.stats = MemoryStatsCollector(crawler)
    return pipe


def _page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_a_page_item_gets_the_clean_text_its_removals_and_metadata() -> None:
    pipe = _pipeline()
    case = CASES[0]
    html = _page(case["file"])
    url = f"https://example.org/{case['file']}"
    item = pipe.process_item({"url": url, "html": html, "kept": 7})
    expected = cleaner.clean(html, url=url, kind="html")
    assert item["text"] == expected.text and item["text"]
    assert item["removed"] == [r.to_dict() for r in expected.removed]
    assert item["repairs"] == [r.to_dict() for r in expected.repairs]
    assert item["metadata"]["title"] == expected.metadata["title"]
    assert item["html"] == html and item["kept"] == 7  # every other field passes through
    stats = pipe.stats.get_stats()
    assert stats["cleaner/items"] == 1
    for reason, chars in expected.removed_chars().items():
        assert stats[f"cleaner/removed_chars/{reason}"] == chars


def test_an_item_without_markup_is_cleaned_as_text() -> None:
    item = _pipeline().process_item({"url": "https://example.org/a", "text": TEXT})
    assert "Also read" not in item["text"].splitlines()
    assert STORY in item["text"]
    assert any(r["reason"] == "recirculation" for r in item["removed"])


def test_bytes_are_decoded_by_the_declared_encoding() -> None:
    html = f"<html><body><article><h1>Brücke</h1><p>{STORY} Größere Schäden.</p></article></body></html>"
    body = html.encode("cp1252")
    pipe = _pipeline()
    item = pipe.process_item({"url": "https://example.org/b", "html": body, "encoding": "cp1252"})
    assert "Größere Schäden." in item["text"]


def test_bad_items_are_dropped_with_their_url_and_the_problem_and_counted() -> None:
    pipe = _pipeline()
    with pytest.raises(DropItem, match=r"https://example.org/x: field 'html' holds int"):
        pipe.process_item({"url": "https://example.org/x", "html": 42})
    with pytest.raises(DropItem, match=r"cleaner: item: the item has no 'html' or 'text' field"):
        pipe.process_item({"title": "no page"})
    with pytest.raises(DropItem, match=r"binary data"):
        pipe.process_item({"url": "https://example.org/z", "html": b"\x89PNG\r\n\x1a\n" + bytes(64)})
    assert pipe.stats.get_value("cleaner/errors") == 3
    # the pipeline goes on with the next item
    assert pipe.process_item({"text": TEXT})["text"]


def test_on_error_keep_passes_the_item_on_uncleaned() -> None:
    pipe = _pipeline(CLEANER_ON_ERROR="keep")
    item = pipe.process_item({"url": "u", "html": ["not", "markup"], "text": "as scraped"})
    assert item["text"] == "as scraped"
    assert "holds list" in item["cleaner_error"]


def test_a_page_with_no_article_goes_on_empty_unless_asked_to_drop_it() -> None:
    empty = "<html><body><nav><a href='/'>Home</a></nav></body></html>"
    item = _pipeline().process_item({"url": "u", "html": empty})
    assert item["text"] == ""
    assert any(r["reason"] == "no-content" for r in item["removed"])
    pipe = _pipeline(CLEANER_DROP_EMPTY=True)
    with pytest.raises(DropItem, match="no article text") as info:
        pipe.process_item({"url": "u", "html": empty})
    assert getattr(info.value, "log_level", "INFO") == "INFO"
    assert pipe.stats.get_value("cleaner/empty") == 1


def test_settings_reach_the_cleaner_and_the_fields() -> None:
    html = _page(CASES[1]["file"])
    pipe = _pipeline(
        CLEANER_CONFIG={"html_fast": True, "keep_title": True},
        CLEANER_HTML_FIELD="body",
        CLEANER_TEXT_FIELD="clean",
        CLEANER_REMOVED_FIELD="",
        CLEANER_KEEP_HTML="false",
    )
    item = pipe.process_item({"url": "u", "body": html})
    fast = cleaner.Cleaner(html_fast=True, keep_title=True).clean(html, url="u", kind="html")
    assert item["clean"] == fast.text
    assert "removed" not in item and "body" not in item


def test_a_typo_in_the_settings_stops_the_crawl_at_its_start() -> None:
    with pytest.raises(ConfigError, match="unknown option"):
        PipelineSettings({"CLEANER_CONFIG": {"html_fats": True}})
    with pytest.raises(ConfigError, match="CLEANER_ON_ERROR"):
        PipelineSettings({"CLEANER_ON_ERROR": "ignore"})
    with pytest.raises(ConfigError, match="CLEANER_DROP_EMPTY"):
        PipelineSettings({"CLEANER_DROP_EMPTY": "sometimes"})
    for timeout in ("soon", -1, "nan"):
        with pytest.raises(ConfigError, match="CLEANER_TIMEOUT"):
            PipelineSettings({"CLEANER_TIMEOUT": timeout})


class PageItem(scrapy.Item):
    url = scrapy.Field()
    html = scrapy.Field()
    text = scrapy.Field()


@dataclasses.dataclass
class PageRecord:
    url: str
    html: str | None
    text: str = ""
    removed: list[Any] = dataclasses.field(default_factory=list)


def test_declared_items_get_the_fields_they_declare(caplog: pytest.LogCaptureFixture) -> None:
    html = _page(CASES[0]["file"])
    pipe = _pipeline(CLEANER_KEEP_HTML=False)
    for _ in range(2):
        item = pipe.process_item(PageItem(url="u", html=html))
        assert item["text"] and "removed" not in item
    warned = [r.getMessage() for r in caplog.records if "has no field" in r.getMessage()]
    assert len(warned) == 3  # once for each of removed, repairs, metadata; not once an item
    record = pipe.process_item(PageRecord(url="u", html=html))
    assert record.text and record.removed and record.html is None


def test_an_item_that_cannot_hold_the_text_is_dropped_with_the_reason() -> None:
    class Bare(scrapy.Item):
        html = scrapy.Field()

    with pytest.raises(DropItem, match="Bare has no field 'text'"):
        _pipeline().process_item(Bare(html=_page(CASES[0]["file"])))


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """No garbage collection while a time limit runs out: a signal that lands in a GC
    callback (hypothesis installs one) or a weakref callback is reported by pytest as
    unraisable, and only the limit's re-fire a quarter second later ends the item."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_an_item_over_the_time_limit_is_dropped_and_the_next_one_cleaned() -> None:
    pipe = _pipeline(CLEANER_TIMEOUT=0.01)
    huge = "<html><body>" + f"<div><p>{STORY}</p><a href='/'>more</a></div>" * 20_000 + "</body></html>"
    with _no_gc(), pytest.raises(DropItem, match="timeout"):
        pipe.process_item({"url": "u", "html": huge})
    assert pipe.process_item({"text": TEXT})["text"]


def test_each_pipeline_keeps_its_own_time_limit() -> None:
    """Two crawlers in one process (CrawlerProcess) have a pipeline each: the one built
    last must not take over the other's limit."""
    strict = _pipeline(CLEANER_TIMEOUT=0.01)
    _pipeline(CLEANER_TIMEOUT=0)  # built after it, no limit
    huge = "<html><body>" + f"<div><p>{STORY}</p><a href='/'>more</a></div>" * 20_000 + "</body></html>"
    with _no_gc(), pytest.raises(DropItem, match="timeout"):
        strict.process_item({"url": "u", "html": huge})


SPIDER = """
import pathlib, scrapy

class Pages(scrapy.Spider):
    name = "pages"
    start_urls = [p.as_uri() for p in sorted(pathlib.Path({pages!r}).glob("*.html"))]

    def parse(self, response):
        yield {{"url": response.url, "html": response.body, "encoding": response.encoding}}
        yield {{"url": response.url + "#broken", "html": 42}}
"""


def test_a_real_crawl_cleans_every_page_and_reports_the_bad_items(tmp_path: Path) -> None:
    spider = tmp_path / "spider.py"
    spider.write_text(textwrap.dedent(SPIDER.format(pages=str(PAGES))))
    out = tmp_path / "items.jsonl"
    settings = {
        "ITEM_PIPELINES": json.dumps({"cleaner.integrations.scrapy.CleanerPipeline": 500}),
        "CLEANER_KEEP_HTML": "0",
        "TELNETCONSOLE_ENABLED": "0",
        "LOG_LEVEL": "INFO",
    }
    cmd = [sys.executable, "-m", "scrapy", "runspider", str(spider), "-o", str(out)]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    items = {d["url"]: d for d in map(json.loads, out.read_text().splitlines())}
    assert len(items) == len(CASES)
    for case in CASES:
        item = items[(PAGES / case["file"]).as_uri()]
        assert "html" not in item
        text = " ".join(item["text"].split())
        for snippet in case["with"]:
            assert " ".join(snippet.split()) in text, (case["file"], snippet)
        for snippet in case["without"]:
            assert " ".join(snippet.split()) not in text, (case["file"], snippet)
    dropped = [line for line in done.stderr.splitlines() if "Dropped: cleaner:" in line]
    assert len(dropped) == len(CASES) and all("#broken: field 'html' holds int" in x for x in dropped)
    assert f"'cleaner/items': {2 * len(CASES)}" in done.stderr
    assert "Traceback" not in done.stderr


_VALUES = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=300),
    st.binary(max_size=300),
    st.lists(st.text(max_size=20), max_size=3),
    st.sampled_from(["<html><body><p>" + STORY + "</p></body></html>", TEXT, "utf-8", "no-such-charset"]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(st.sampled_from(["url", "html", "text", "encoding", "other"]), _VALUES, max_size=5),
    st.sampled_from(["drop", "keep"]),
)
def test_any_item_comes_out_cleaned_or_dropped_with_a_reason(item: dict[str, Any], on_error: str) -> None:
    """Whatever a spider yields, the pipeline returns the item or raises DropItem naming
    the problem: never another exception, which Scrapy would log as a traceback."""
    pipe = PIPES[on_error]
    try:
        out = pipe.process_item(dict(item))
    except DropItem as exc:
        assert str(exc).startswith("cleaner: ") and len(str(exc)) > len("cleaner: item: ")
        return
    finally:  # the books: one in, one out or one dropped
        stats = pipe.stats.get_stats()
        assert stats["cleaner/items"] == stats.get("cleaner/items_out", 0) + stats.get("cleaner/dropped", 0)
    assert isinstance(out.get("text"), str) or "cleaner_error" in out


def test_the_books_count_every_item_even_one_itemadapter_cannot_take(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pipe = _pipeline()
    items: list[Any] = [object(), {"text": TEXT}, {"html": 5}, 42, {"text": TEXT, "html": ""}]
    outcomes = []
    for item in items:
        try:
            pipe.process_item(item)
            outcomes.append("out")
        except DropItem as exc:
            outcomes.append(str(exc).split(":")[2].strip())
    assert outcomes == ["TypeError", "out", "field 'html' holds int, not markup", "TypeError", "out"]
    stats = pipe.stats.get_stats()
    assert (stats["cleaner/items"], stats["cleaner/items_out"], stats["cleaner/dropped"]) == (5, 2, 3)
    with caplog.at_level("ERROR"):
        pipe.close_spider()
        assert not caplog.records
        pipe.books[1] += 1  # as if an item had been passed on twice
        pipe.close_spider()
    assert "books do not balance" in caplog.text and "5 items in, 3 passed on + 3 dropped" in caplog.text


PIPES = {mode: _pipeline(CLEANER_ON_ERROR=mode) for mode in ("drop", "keep")}


def test_page_types_setting_keeps_the_wanted_types_and_counts_the_others() -> None:
    from tests.html.test_pagetype import article_page, product_page

    pipe = _pipeline(CLEANER_PAGE_TYPES="article")
    shop = pipe.process_item({"url": "https://shop.example/products/trail-kettle-1l", "html": product_page()})
    assert shop["text"] == "" and [r["reason"] for r in shop["removed"]] == ["page-type"]
    assert shop["metadata"]["page_type"] == "product"
    story = pipe.process_item({"url": "https://www.example.com/2025/03/04/budget", "html": article_page()})
    assert "committee" in story["text"]
    assert pipe.stats.get_value("cleaner/page_type_dropped/product") == 1
    dropping = _pipeline(CLEANER_PAGE_TYPES=["article"], CLEANER_DROP_EMPTY=True)
    with pytest.raises(DropItem, match="a page of type product"):
        dropping.process_item({"url": "https://shop.example/products/kettle", "html": product_page()})
    with pytest.raises(ConfigError, match="blog"):
        PipelineSettings({"CLEANER_PAGE_TYPES": "article,blog"})
