"""An id that is the slug of its own heading (doc tools and CMSs make them: 'more-on-lists' for
"More on Lists") says what the section is about: the DOM pass must not drop the section for a
clutter rule the slug happens to hit, and must still drop the widgets those rules are for."""

from __future__ import annotations

import pytest

from cleaner.html import dom
from cleaner.html.slug import is_slug_of, names_its_topic


@pytest.mark.parametrize(
    ("ident", "heading"),
    [
        ("more-on-lists", "5.1. More on Lists\u00b6"),  # a numbered doc heading with its anchor mark
        ("More_on_lists", "More on lists"),  # a wiki's underscores and case
        ("more-on-lists-2", "More on lists"),  # the second heading of that title
        ("toc-more-on-the-harbour-works", "Toc: more on the harbour works"),
        ("more-on-the-harbour", "More on the harbour works of the old town"),  # truncated
        ("mas-sobre-listas", "Más sobre listas"),  # accents dropped by the slugifier
        ("más-sobre-listas", "Más sobre listas"),
        ("top-10-harbour-towns", "Top 10 harbour towns"),
    ],
)
def test_slugs_of_a_heading(ident: str, heading: str) -> None:
    assert is_slug_of(ident, heading)


@pytest.mark.parametrize(
    ("ident", "heading"),
    [
        ("related", "Related"),  # one word names a widget as often as a topic
        ("related-2", "Related"),
        ("related-posts", "Related posts"),  # two words: as often a widget's name as a title
        ("more-on", "More on lists"),  # a prefix of two words is a rule's pair, not a slug
        ("more-on-this", "Other news"),
        ("more-on-lists", "More on sets"),
        ("", "More on lists"),
        ("more-on-lists", ""),
    ],
)
def test_not_slugs_of_a_heading(ident: str, heading: str) -> None:
    assert not is_slug_of(ident, heading)


def _para(topic: str, k: int) -> str:
    return (
        f"<p>The {topic} section, paragraph {k}: each method is described with an example of its "
        "use and of the value it returns, and the notes point out what happens at the edges.</p>"
    )


def _link(k: int) -> str:
    return f"<a href='/p{k}'>Another post on the ferry timetable, part {k}</a>"


def _section(ident: str, title: str, topic: str, attrs: str = "") -> str:
    body = "".join(_para(topic, k) for k in range(3))
    return f"<section id='{ident}'{attrs}><h2>{title}<a href='#{ident}'>\u00b6</a></h2>{body}</section>"


def _prune(body: str) -> tuple[str, list[dom.Drop]]:
    tree = dom.parse(f"<html><body><main>{body}</main></body></html>")
    drops = dom.prune(tree)
    return tree.html or "", drops


def test_a_section_whose_id_is_its_headings_slug_stays() -> None:
    # three sections, none with half the page's prose: only the slug guard can keep the first
    body = _section("more-on-lists", "5.1. More on Lists", "lists") + _section("sets", "5.2. Sets", "sets")
    body += _section("tuples", "5.3. Tuples", "tuples")
    html, drops = _prune(body)
    assert drops == []
    assert "The lists section, paragraph 2" in html


def test_a_heading_whose_id_is_its_own_slug_stays_over_prose_and_goes_over_links() -> None:
    links = "".join(f"<li>{_link(k)}</li>" for k in range(5))
    body = (
        "<h2 id='more-on-lists'>More on Lists</h2>" + _para("lists", 0) + _para("lists", 1)
        + f"<h2 id='more-posts-you-may-enjoy'>More posts you may enjoy</h2><ul>{links}</ul>"
    )  # fmt: skip
    html, drops = _prune(body)
    assert [d.reason for d in drops] == ["recirculation"]
    assert "More on Lists" in html and "More posts you may enjoy" not in html


def test_only_the_section_up_to_the_next_heading_is_read() -> None:
    # the prose after the next heading would outweigh the links: it is another section's
    links = "".join(f"<p>{_link(k)}</p>" for k in range(5))
    prose = "".join(_para("lists", k) for k in range(3))
    head_html = "<h3 id='more-on-the-ferry'>More on the ferry</h3>"
    tree = dom.parse(f"<body>{head_html}{links}<h3>Lists</h3>{prose}</body>")
    head = tree.css_first("h3")
    assert head is not None and not names_its_topic(head, "more-on-the-ferry", 80, 0.5)


def test_the_class_still_decides_when_the_id_is_a_slug() -> None:
    body = _section("more-on-lists", "More on Lists", "lists", " class='newsletter-box'")
    _, drops = _prune(body + _section("sets", "Sets", "sets") + _section("tuples", "Tuples", "tuples"))
    assert [d.rule for d in drops] == ["dom.class.newsletter"]


def test_widgets_under_their_headings_slug_still_go() -> None:
    links = "".join(
        f"<li><a href='/s{k}'>Story number {k} about the new ferry timetable and the harbour fees</a></li>"
        for k in range(5)
    )
    comments = "".join(
        f"<p>Reader {k} writes: I have lived by the harbour for years and the new fees seem far too "
        "high for the few services the town actually gets in return.</p>"
        for k in range(3)
    )
    article = "".join(_para("harbour", k) for k in range(3))
    body = (
        f"<article>{article}</article>"
        f"<div id='more-on-the-harbour'><h3>More on the harbour</h3><ul>{links}</ul></div>"
        f"<div id='reader-comments'><h3>Reader comments</h3>{comments}</div>"
        f"<div id='more-on-this'><h3>Elsewhere today</h3>{_para('teaser', 0)}</div>"
    )
    html, drops = _prune(body)
    assert [d.rule for d in drops] == ["dom.id.more-on", "dom.id.comments", "dom.id.more-on"]
    assert "Story number 3" not in html and "Reader 1" not in html and "teaser section" not in html
