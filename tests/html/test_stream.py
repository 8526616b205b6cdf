"""React's streamed content (html/stream.py): in place, in order, never dropped as hidden."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

import cleaner
from cleaner.html.stream import reveal

PARAS = [
    "The city council approved a revised budget on Tuesday after a four-hour session that ran late.",
    "The plan shifts about 12 million dollars from road repairs to public transport, a move called overdue.",
    "Opponents argued that the cuts would leave the eastern districts with crumbling streets all winter.",
    "The mayor said the budget balanced the needs of drivers and riders and thanked the staff for the plan.",
]


def streamed_page() -> str:
    """The first and last paragraphs rendered in place, the middle two streamed at the end of
    the body (one inside the other's content), as React 18's server renderer sends them."""
    p = [f"<p>{t}</p>" for t in PARAS]
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Budget</title></head><body><main><article>"
        f'{p[0]}<!--$?--><template id="B:0"></template><div>Loading paragraph...</div><!--/$-->{p[3]}'
        "</article></main><footer><a href='/'>Home</a></footer>"
        f'<script>$RC("B:0","S:0")</script><div hidden id="S:0">{p[1]}<template id="P:1"></template></div>'
        f'<div hidden id="S:1">{p[2]}</div></body></html>'
    )


def test_streamed_divs_replace_their_placeholders_and_the_fallback_goes() -> None:
    tree = LexborHTMLParser(streamed_page())
    assert reveal(tree) == 2
    text = tree.body.text(separator="\n") if tree.body else ""
    assert [t for t in text.split("\n") if t.strip()][:4] == PARAS
    assert "Loading" not in text
    assert tree.css_first("div[hidden]") is None


def test_a_streamed_div_without_its_placeholder_stays_hidden() -> None:
    tree = LexborHTMLParser("<body><p>Shown.</p><div hidden id='S:4'><p>Never placed.</p></div></body>")
    assert reveal(tree) == 0
    assert tree.css_first("div[hidden]") is not None


@pytest.mark.parametrize("fast", [False, True])
def test_a_streamed_article_comes_out_whole_and_in_order(fast: bool) -> None:
    out = cleaner.Cleaner(html_fast=fast).clean(streamed_page(), kind="html").text
    assert out.split("\n") == PARAS
