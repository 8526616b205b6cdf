"""merge.py: the density blocks trafilatura skipped inside the same article come back;
widgets, link lists, the tail and a different article do not."""

from __future__ import annotations

from cleaner.html import density, dom
from cleaner.html.extract import HtmlBlock
from cleaner.html.merge import merge

LEAD = "The council approved the revised budget late on Tuesday, after a session of four hours."
P1 = "The plan moves about twelve million dollars from road repairs to public transport this year."
GAP = "Commuter groups called the change overdue, and said they would watch how it is spent."
P2 = "Opponents said the cuts would leave the eastern districts with broken streets all winter."
P3 = "The mayor thanked the staff for their work and said the budget balanced everyone's needs."
TAIL = "Readers who liked this story also read about the new tram line and the parking fees."


def run(body: str, traf: list[str]) -> list[str]:
    tree = dom.parse(f"<html><body>{body}</body></html>")
    page = density.page_blocks(tree)
    return [b.text for b in merge([HtmlBlock(t) for t in traf], page, density.choose(page))]


def article(middle: str, lead: str = f"<div class='lead'>{LEAD}</div>") -> str:
    return f"<article>{lead}<p>{P1}</p>{middle}<p>{P2}</p><p>{P3}</p><div>{TAIL}</div></article>"


def test_a_skipped_paragraph_and_the_standfirst_come_back_in_page_order() -> None:
    out = run(article(f"<div class='x'>{GAP}</div>"), [P1, P2, P3])
    assert out == [LEAD, P1, GAP, P2, P3]  # not the tail after trafilatura's last block


def test_a_linked_block_or_a_long_run_of_short_lines_stays_out() -> None:
    linked = f"<div><a href='/a'>{GAP}</a></div>"
    assert run(article(linked), [P1, P2, P3])[1:] == [P1, P2, P3]
    widget = "".join(f"<div>Item {k}</div>" for k in range(5))
    assert run(article(widget), [P1, P2, P3])[1:] == [P1, P2, P3]


def test_the_lead_passes_over_a_dateline_and_stops_at_a_link() -> None:
    dated = f"<div>{LEAD}</div><div>12 March 2021</div><div>By A. Writer</div>"
    assert run(article("", dated), [P1, P2, P3]) == [LEAD, P1, P2, P3]  # not the date or byline
    linked = f"<div>{LEAD}</div><div><a href='/x'>Politics news and more</a></div>"
    assert run(article("", linked), [P1, P2, P3]) == [P1, P2, P3]


def test_the_lead_stops_at_the_headline_but_takes_a_standfirst_marked_up_as_a_heading() -> None:
    blurb = "Every day I write about life in the city, its council, its buses and its people."
    above = f"<div class='site'><p>{blurb}</p></div><h2>Friday, 12 March</h2><h3>Council backs bus plan</h3>"
    assert run(article("", above), [P1, P2, P3]) == [P1, P2, P3]  # not the blog's description
    standfirst = f"<h1>Council backs bus plan</h1><h2>{LEAD}</h2>"
    assert run(article("", standfirst), [P1, P2, P3]) == [LEAD, P1, P2, P3]


def test_a_different_article_is_left_alone() -> None:
    other = ["A story about something else entirely, which the density extractor never saw."]
    assert run(article(f"<div>{GAP}</div>"), other) == other
    assert run(article(""), []) == []


def test_text_under_a_link_that_wraps_blocks_is_link_text() -> None:
    card = f"<a href='/other'><h3>Tram line opens in spring</h3><p>{TAIL}</p></a>"
    tree = dom.parse(f"<html><body><article><p>{P1}</p><p>{P2}</p>{card}</article></body></html>")
    page = density.page_blocks(tree)
    density_of = {b.text: b.link_density for b in page.blocks}
    assert density_of["Tram line opens in spring"] == 1.0
    assert density_of[TAIL] == 1.0
    assert density_of[P1] == 0.0


def test_fast_mode_drops_teaser_cards_after_the_article() -> None:
    import cleaner

    cards = "".join(
        f"<div class='teaser'><a href='/s{k}'><h3>Other story number {k} of the day</h3>"
        f"<p>{TAIL} Part {k}.</p></a></div>"
        for k in range(4)
    )
    story = "".join(f"<p>{x}</p>" for x in (LEAD, P1, P2, P3))
    html = f"<html><body><main><article>{story}</article>{cards}</main></body></html>"
    text = cleaner.Cleaner(html_fast=True).clean(html, kind="html").text
    assert P3 in text and LEAD in text
    assert "Other story number" not in text and TAIL not in text


def test_link_densities_give_up_searching_after_many_misses() -> None:
    from cleaner.html.merge import MAX_MISSES, link_densities

    tree = dom.parse(f"<html><body><p>{P1}</p><p><a href='/x'>{TAIL}</a></p></body></html>")
    page = density.page_blocks(tree)

    def densities(misses: int) -> list[float]:
        traf = [HtmlBlock(f"Text trafilatura rewrote, number {k}.") for k in range(misses)]
        traf += [HtmlBlock(P1), HtmlBlock(TAIL)]
        link_densities(traf, page)
        return [b.link_density for b in traf[-2:]]

    assert densities(3) == [0.0, 1.0]
    # a page whose text trafilatura rewrote throughout: each miss would scan the whole page
    assert densities(MAX_MISSES + 1) == [0.0, 0.0]


def test_the_standfirst_comes_back_though_trafilatura_also_took_other_pages_headlines() -> None:
    # the linked headlines below the article are not in the density result; the text rules
    # drop them later, so they do not count against "the same article"
    head = "Another story's headline, number {} of the rail"
    heads = "".join(f"<p><a href='/s{k}'>{head.format(k)}</a></p>" for k in range(8))
    tree = dom.parse(f"<html><body>{article('')}<div class='rail'>{heads}</div></body></html>")
    page = density.page_blocks(tree)
    traf = [HtmlBlock(t) for t in (P1, P2, P3)]
    traf += [HtmlBlock(head.format(k), "p", 1.0) for k in range(8)]
    out = [b.text for b in merge(traf, page, density.choose(page))]
    assert out[:4] == [LEAD, P1, P2, P3]
    assert len(out) == 12
