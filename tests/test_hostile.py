"""Regression cases for hostile input found by fuzzing (bench/fuzz.py) and property tests
(tests/test_properties.py): each was a crash or a broken contract once."""

from __future__ import annotations

import json

import pytest

import cleaner
from cleaner import pipeline
from cleaner.batch.engine import Job, clean_units

STATE = (cleaner.Cleaner(), Job())


def _one(line: bytes, out: str = "jsonl") -> tuple[object, ...]:
    (outcome,) = clean_units([(out, ("line", "t:1", 1, line))], STATE)
    return outcome


@pytest.mark.parametrize("field", ["text", "html"])
def test_jsonl_record_with_a_lone_surrogate_escape_is_cleaned_and_written(field: str) -> None:
    """fuzz (jsonl): '{"text": "…\\udc80…"}' is valid JSON whose string UTF-8 cannot
    encode; writing the record raised UnicodeEncodeError, reported as an internal error."""
    line = json.dumps({"id": "a", "title": "t\udc80", field: "<p>Caf\udce9 opens at nine every day.</p>"})
    outcome = _one(line.encode("ascii") + b"\n")
    assert outcome[0] == "ok", outcome
    written = json.loads(outcome[1])
    assert written["title"] == "t\udc80"  # a field passed through comes back as it was read
    assert "opens at nine" in written["text"]
    written["text"].encode("utf-8")  # the clean text itself is encodable


def test_repair_replaces_lone_surrogates() -> None:
    """A lone surrogate is not a character: repair makes it U+FFFD and says so."""
    text, repairs = cleaner.repairs.fix.repair_text("Caf\udce9 au lait \ud83d.")
    assert text == "Caf\ufffd au lait \ufffd."
    assert [(r.rule, r.count) for r in repairs] == [("lone-surrogate", 1), ("lone-surrogate", 1)]
    assert cleaner.repair(text) == text


BROKEN_MARKED_SECTION = "<html><head><title>Broken <![enurl x]> page" + (
    "<p>The council met on Monday to discuss the new bridge over the river and its budget.</p>" * 5
)


@pytest.mark.parametrize("fast", [False, True])
def test_page_that_html_parser_rejects_is_still_cleaned(fast: bool) -> None:
    """fuzz (jsonl, html field): a page Lexbor reads as empty goes to beautifulsoup4's
    html.parser, which rejects an unknown marked section ("<![enurl"): bs4 raised
    ParserRejectedMarkup out of clean()."""
    result = cleaner.Cleaner(html_fast=fast).clean(BROKEN_MARKED_SECTION, kind="html")
    assert "discuss the new bridge" in result.text


def test_metadata_value_that_html_parser_rejects() -> None:
    """The same refusal in a metadata value with markup in it (meta.strip_markup)."""
    page = (
        '<html><head><meta property="og:title" content="A &lt;![enurl x]&gt; title"></head>'
        "<body><p>The council met on Monday to discuss the new bridge.</p></body></html>"
    )
    assert "title" in cleaner.clean(page, kind="html").metadata["title"]


def test_repair_reaches_a_fixed_point_when_one_repair_reveals_another() -> None:
    """property (repair idempotence): Greek mojibake ("β€”") on a line of Latin-1 mojibake
    ("â€™") stopped ftfy; the lossy Greek rule then fixed the dash, and only a second
    repair fixed the apostrophe."""
    once = cleaner.repair("The river\u00e2\u20ac\u2122s bank \u03b2\u20ac\u201d and more")
    assert once == "The river\u2019s bank \u2014 and more"
    assert cleaner.repair(once) == once


def test_idempotent_when_removals_change_the_detected_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """fuzz (text, idempotence): found as a mix of German navigation in an English page.
    A document's packs are picked by its stopwords, and removing lines can change the pick
    (here, below the minimum count: every pack); the cleaner then runs once more on its own
    output, so a second call has nothing left to do."""
    doc = (
        "Zum Inhalt springen\n"
        "The council said that the old bridge would open again in the spring, after two years of repairs.\n"
        "Also read\n"
        "Why the mayor is proud that the town has been rebuilt and that it was done with care\n"
    )
    r = cleaner.clean(doc, kind="text")
    assert cleaner.clean(r.text, kind="text").text == r.text
    # what the extra round removed is reported, at the line it had in the input
    lines = doc.splitlines()
    for x in r.removed:
        assert lines[x.line] == x.text
    assert "\n".join(x for k, x in enumerate(lines) if k not in {x.line for x in r.removed}) == r.text
    # it is the extra round that does it: without one, a second call still has work to do
    monkeypatch.setattr(pipeline, "EXTRA_ROUNDS", 0)
    once = cleaner.Cleaner(cleaner.Config(kind="text")).clean(doc).text
    assert once != r.text and cleaner.clean(once, kind="text").text != once


def test_lone_beta_between_no_break_spaces_is_repaired_in_one_run() -> None:
    """NBSP became a space only after the lossy Greek rules had looked for a lone "β"
    between spaces, so a second repair changed "met β and" again."""
    once = cleaner.repair("The two sides met\u00a0\u03b2\u00a0and talked for an hour.")
    assert once == "The two sides met \u2014 and talked for an hour."
    assert cleaner.repair(once) == once


@pytest.mark.parametrize("space", ["\u1680", "\u2009", "\u202f", "\u3000", "\u00a0", "\u2028"])
def test_trigger_next_to_unicode_white_space_is_found_the_same_way_twice(space: str) -> None:
    """property (idempotence): a trigger word after (or before) white space that is not
    ASCII was missed by the trigger scan, and found once the line had been stripped."""
    cl = cleaner.Cleaner(cleaner.Config(kind="text", repair=False))  # NBSP stays as it is
    for doc in [f"shareshareshareshare\n{space}shareshare", f"Facebook Twitter{space}\nEmail"]:
        once = cl.clean(doc).text
        assert cl.clean(once).text == once
        assert once == ""


def test_ftfy_is_asked_again_once_its_line_has_no_nbsp() -> None:
    """fuzz (text, idempotence): ftfy left a line with an NBSP alone, and fixed the same
    line once repair had made the NBSP a space, so a second repair changed it."""
    once = cleaner.repair("Voil\ufffd!\ufffd\u00a0, c\u00e2\u20ac\ufffd.")
    assert cleaner.repair(once) == once


def test_lossy_greek_is_judged_per_line() -> None:
    """property (idempotence): a Greek sign that ftfy made on one line ("www.Î\\x85" ->
    "www.΅") kept the lossy Greek rules off the whole document; once that line had been
    removed (a bare URL), the second run repaired "β€”" on another line."""
    doc = "www.\u00ce\x85\n\u03b2\u20ac\u201d"
    once = cleaner.clean(doc, kind="text").text
    assert cleaner.clean(once, kind="text").text == once
    mixed = "Η αγορά β€” της πόλης\nThe market β€” of the town"
    # Windows-1253 punctuation is mojibake in a Greek line too: each line on its own
    assert cleaner.repair(mixed) == "Η αγορά — της πόλης\nThe market — of the town"
    assert cleaner.repair(mixed.split("\n")[0]) == "Η αγορά — της πόλης"


def test_an_entity_that_unescapes_to_itself_is_no_repair() -> None:
    """ "&Gamble;" is entity-shaped but names nothing: recorded as a repair of itself (three
    times), so clean text came out with repairs."""
    result = cleaner.clean("Procter&Gamble; shares rose after the results were published.", kind="text")
    assert result.repairs == []


def test_menus_leave_the_runs_below_the_article_to_the_tail_rule() -> None:
    """bench (text, idempotence): whole-page text whose footer link columns outweighed the
    article. The menu rule weighed them too and stood down, the tail rule then took the
    footer, and a second run, now light enough, took the header menu. The menu rule now
    takes and weighs only the runs above the last body paragraph; those below are the tail
    rule's (which keeps them here: they outweigh the article)."""
    head = ["Local News", "Schools", "Opinion", "Weather"]
    foot = ["Careers", "Our Team", "Corrections", "Public Notices", "Obituaries", "Site Index"]
    body = "The council kept the night buses running through the winter months."
    doc = "\n".join([*head, body, *foot, "and also", *foot])
    r = cleaner.clean(doc, kind="text")
    assert [x.text for x in r.removed if x.rule == "context.menu"] == head
    assert r.text.startswith(body)
    assert cleaner.clean(r.text, kind="text").text == r.text


def test_an_ampersand_escaped_many_times_is_undone_in_one_run() -> None:
    """fuzz (text, idempotence): "&amp;amp;amp;…" nested deeper than the repair's bounded
    passes came out still escaped, and a second run unescaped more."""
    doc = "Fish " + "&" + "amp;" * 40 + " chips are sold here on Fridays until the evening."
    out = cleaner.clean(doc, kind="text").text
    assert out == "Fish & chips are sold here on Fridays until the evening."
    assert cleaner.clean(out, kind="text").text == out


def test_a_tag_never_spans_lines() -> None:
    """fuzz (text, idempotence): "<s dem Team, …" with its ">" some lines further on was
    too long to be a tag while the lines between were there; once the cleaner removed them,
    a second run found a tag and took the text inside it."""
    line = "In einer Pilotanlage gelang es <s dem Team, die Partikel zu entfernen, wie es hieß."
    assert cleaner.repair(line + "\nNoch ein Satz mit > darin.") == line + "\nNoch ein Satz mit > darin."
    assert cleaner.repair("Sie <b>sagte</b> nein.") == "Sie sagte nein."


def test_a_name_that_is_no_entity_is_not_read_by_its_legacy_prefix() -> None:
    """fuzz (text, idempotence and provenance): `html.unescape("&ampamp;")` reads the legacy
    prefix "&amp" and gives "&amp;", a new entity that a second repair undid."""
    assert cleaner.repair("salt &ampamp; pepper &amp; oil &eacute;") == "salt &ampamp; pepper & oil é"
    doc = "Salt &ampamp; pepper are on the table, as they were every evening of the summer."
    out = cleaner.clean(doc, kind="text").text
    assert cleaner.clean(out, kind="text").text == out == doc


def test_a_body_paragraph_is_never_a_menu_line() -> None:
    """fuzz (text, idempotence): a long line shaped like an archive entry ("► … (5)") was
    both a body paragraph and a menu line, so the runs above the last body paragraph
    changed once the tail rule had run."""
    from cleaner.model import Block
    from cleaner.text.context import _menu_item

    archive = "► " + "Octobre " * 25 + "(5)"
    assert not _menu_item(Block(0, archive, body=True))
    assert _menu_item(Block(0, "► October (5)"))
