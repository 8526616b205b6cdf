"""Each page type's own main content (typed.py, rules/page_types.json, html.extract_blocks)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

import cleaner
from cleaner.html import page as html_mode
from cleaner.html import typed
from cleaner.model import REASONS

MODES = {"default": cleaner.Cleaner(), "fast": cleaner.Cleaner(html_fast=True)}


def page(body: str, title: str = "Thread") -> str:
    return f'<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body>{body}</body></html>'


OPENING = (
    "<p>I have been restoring an old oak table and the finish keeps turning cloudy after I apply it.</p>"
    "<p>The room is cold and damp in the evenings, so I wonder whether the varnish cures too slowly.</p>"
)
REPLIES = [
    ("Anna", "Cold rooms slow the cure a lot, so bring the table into a warm room for the first two days."),
    ("Tomas", "Blushing is moisture trapped in the film; a thin coat of retarder usually clears it out."),
    ("Priya", "Sand lightly with fine paper between coats and keep each coat thin, it dries more evenly."),
]
THREAD = page(
    "<main><h1>Cloudy varnish on an oak table</h1><div class='post'>" + OPENING + "</div>"
    "<div class='comments'>"
    + "".join(f"<div class='comment'><p>{who} says:</p><p>{text}</p></div>" for who, text in REPLIES)
    + "</div></main>"
)
HEADLINES = [
    ("Council backs the new bus plan for the eastern districts", "The vote ends a year of debate."),
    ("Library opens its doors again after a two-year repair", "Readers queued before dawn."),
    ("Storm closes schools along the coast for a second day", "Ferries stay in port until Friday."),
    ("Harbour festival returns with a longer programme this summer", "Tickets go on sale in May."),
    ("New cycle lanes planned for the old town centre next spring", "Traders fear for deliveries."),
]
INTRO = "<p>Everything our reporters filed from the city and the coast this week, newest first.</p>"
LISTING = page(
    f"<main><h1>Local news</h1>{INTRO}<ul>"
    + "".join(f"<li><h3><a href='/n/{k}'>{h}</a></h3><p>{t}</p></li>" for k, (h, t) in enumerate(HEADLINES))
    + "</ul></main>",
    "Local news",
)
LINKS = page(
    f"<main><h1>Local news</h1>{INTRO}<ul>"
    + "".join(f"<li><a href='/n/{k}'>{h}</a></li>" for k, (h, _) in enumerate(HEADLINES))
    + "</ul></main>",
    "Local news",
)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_forums_posts_are_its_content_and_an_articles_comments_are_not(mode: str) -> None:
    c = MODES[mode]
    forum = c.clean(THREAD, kind="html", page_type="forum").text
    for _, reply in REPLIES:
        assert reply in forum
    assert "restoring an old oak table" in forum
    article = c.clean(THREAD, kind="html").text
    assert "restoring an old oak table" in article
    assert not any(reply in article for _, reply in REPLIES)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_listings_linked_headlines_are_its_items(mode: str) -> None:
    c = MODES[mode]
    out = c.clean(LISTING, kind="html", page_type="listing").text
    for headline, teaser in HEADLINES:
        assert headline in out and teaser in out
    out = c.clean(LINKS, kind="html", page_type="listing").text
    assert all(headline in out for headline, _ in HEADLINES)
    article = c.clean(LINKS, kind="html", page_type="article").text  # under an article: furniture
    assert not any(headline in article for headline, _ in HEADLINES)


@pytest.mark.parametrize("kind", [None, "article", "no-such-type", ""])
def test_no_type_or_an_unknown_one_is_read_as_an_article(kind: str | None) -> None:
    c = MODES["default"]
    assert typed.knobs(kind) == typed.knobs("article")
    assert c.clean(THREAD, kind="html", page_type=kind).text == c.clean(THREAD, kind="html").text


def test_the_type_passed_is_in_metadata_and_a_sure_guess_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    _, meta, _ = html_mode.extract_blocks(THREAD, page_type="forum")
    assert meta["page_type"] == "forum"

    def sure(*_: Any) -> tuple[str, float]:
        return "forum", 1.0

    monkeypatch.setattr(html_mode, "guess", sure)
    blocks, meta, _ = html_mode.extract_blocks(THREAD)
    assert any(REPLIES[0][1] in b.text for b in blocks)  # the posts the forum row keeps
    assert meta["page_type"] == "forum" and meta["page_type_score"] == 1.0

    def unsure(*_: Any) -> tuple[str, float]:
        return "forum", 0.0  # below any threshold but 0: the article's row

    monkeypatch.setattr(html_mode, "guess", unsure)
    monkeypatch.setattr(html_mode, "trusted", lambda kind, score: kind if score >= 0.5 else "article")
    blocks, meta, _ = html_mode.extract_blocks(THREAD)
    assert not any(REPLIES[0][1] in b.text for b in blocks)
    assert meta["page_type"] == "forum"  # the best guess is still reported


def test_the_type_table_is_complete_and_names_known_reasons_and_extractors() -> None:
    raw = resources.files("cleaner.rules").joinpath("page_types.json").read_text(encoding="utf-8")
    rows: dict[str, dict[str, Any]] = json.loads(raw)["types"]
    assert rows["article"] == {**rows["article"], "dom_keep": [], "comment_rules": True, "link_rules": True}
    keys = set(rows["article"])
    for name, row in rows.items():
        assert set(row) == keys, name
        assert {row["extractor"], row["fast_extractor"]} <= {"article", "page"}, name
        assert set(row["dom_keep"]) <= set(REASONS), name
        assert typed.knobs(name).extractor == row["extractor"]


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize(("doc", "kind"), [(THREAD, "forum"), (LISTING, "listing"), (LINKS, "collection")])
def test_a_typed_pages_text_cleaned_again_as_the_same_type_stays_as_it_is(
    mode: str, doc: str, kind: str
) -> None:
    c = MODES[mode]
    out = c.clean(doc, kind="html", page_type=kind).text
    assert out and c.clean(out, kind="text", page_type=kind).text == out


CODE = [
    "import logging\nlogging.warning('Watch out!')",
    "import logging\nlogging.basicConfig(filename='example.log')\nlogging.info('So should this')",
    "\n".join(f"2010-12-12 11:41:4{k},612 is when this event was logged." for k in range(4)),
]
ROWS = [
    ("DEBUG", "Detailed information, when diagnosing problems."),
    ("INFO", "Confirmation that all is well."),
]
DOCS = page(
    "<main><h1>Logging HOWTO</h1>"
    "<p>Logging is a means of tracking events that happen when some software runs, as shown here.</p>"
    f"<pre>{CODE[0]}</pre>"
    "<p>If you type these lines into a script and run it, you will see the message on the console.</p>"
    f"<pre>{CODE[1]}</pre>"
    "<p>The output of a run with the time of each event in front looks like the lines below.</p>"
    f"<pre>{CODE[2]}</pre>"
    "<table><tr><th>Level</th><th>When it is used</th></tr>"
    + "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in ROWS)
    + "</table></main>",
    "Logging HOWTO",
)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_documentation_keeps_its_code_and_tables(mode: str) -> None:
    c = MODES[mode]
    out = c.clean(DOCS, kind="html", page_type="documentation").text
    for block in CODE:
        for line in block.split("\n"):
            assert line in out
    assert out.count("import logging") == 2  # a code line repeated on purpose
    assert all(cell in out for row in ROWS for cell in row)
    article = c.clean(DOCS, kind="html").text
    assert not all(cell in article for row in ROWS for cell in row)  # under an article: furniture
