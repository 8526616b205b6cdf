"""The page-type features' shortcuts give the values the model was trained on: the windowed
pattern counts equal a findall over the whole text, the one-pass phrase counts equal
str.count summed, and one hand-written page's counts come out as counted by hand.
(bench/same_features.py checks every dev-wcxb page.)"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.html import dom, pagetype
from cleaner.html.meta import read_metadata
from cleaner.html.pagetype import features, windowed_count

# the pieces the patterns read, so that random strings of them often come near a match
# (or just miss one): digits (one not ASCII), spaces of several kinds, needles, units
PIECES = ["1", "5", "12", "١", "19", "20", "2025", "03", " ", "\xa0", "\n", ",", ", ", "-", "#", "$", "€",
          "£", "¥", "usd", "eur", "gbp", "euro", "ago", "agot", "min", "minutes", "hour", "days", "s", "x",
          "é", " minutes ago", "5 days ", "2025-03", "-04", "4, 20", " 2025"]  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_windowed_counts_equal_a_findall_over_the_whole_text(text: str) -> None:
    for kind, rx in pagetype._PATTERNS.items():
        assert windowed_count(rx, text, *pagetype._WINDOWS[kind]) == len(rx.findall(text)), kind


def test_windowed_counts_on_the_shapes_each_pattern_reads() -> None:
    text = "$5, 5 usd, 7€ and £ 3; 5 minutes ago, 12 days ago; 4, 2025 and 2025-03-04; post #12 #3"
    for kind, rx in pagetype._PATTERNS.items():
        n = windowed_count(rx, text, *pagetype._WINDOWS[kind])
        assert n == len(rx.findall(text)) and n >= 2, kind


def page_features(html: str, url: str = "https://example.org/shop/kettle") -> dict[str, float]:
    tree = dom.parse(html)
    ld = dom.strip_never_text(tree)
    return features(tree, read_metadata(tree, ld), url, ld)


def test_structure_counts_and_phrases_as_counted_by_hand() -> None:
    para = "A long paragraph about the kettle and how it boils water on a small stove. " * 3
    html = (
        "<html><body><h1>Kettle</h1>"
        "<h2><a href='/a'>First story</a></h2><h3><a href='/b'>Second</a></h3><p><a href='/c'>inline</a></p>"
        f"<p>{para}</p><p>short</p>"
        "<ul>" + "".join(f"<li class='card'>Item {k}</li>" for k in range(5)) + "<li>other</li></ul>"
        "<article>One</article><time>today</time>"
        "<div>Add to cart. Add to bag. Free shipping. One reply, two replies.</div>"
        "</body></html>"
    )
    f = page_features(html)
    assert f["n.a"] == math.log1p(3)
    assert f["n.p"] == math.log1p(3)
    assert f["n.li"] == math.log1p(6)
    assert f["n.h1"] == f["n.h2"] == f["n.h3"] == f["n.article"] == f["n.time"] == math.log1p(1)
    assert f["n.h4"] == f["n.pre"] == 0.0
    assert f["one_h1"] == 1.0
    assert f["heading_links"] == math.log1p(2)  # the linked <h2> and <h3>, not the link in a <p>
    assert f["heading_link_share"] == 1.0
    assert f["long_p"] == math.log1p(1)
    assert f["repeat_max"] == math.log1p(5)  # five <li class="card"> under one <ul>
    assert f["repeat_groups"] == math.log1p(1)
    assert f["t.cart"] == math.log1p(3)  # add to cart, add to bag, free shipping
    assert f["t.forum"] == math.log1p(2)  # reply, replies
    assert f["t.service"] == 0.0


WORDS = ["add to ", "cart", "bag", "reply", "replies", "repl", "get a quote", "quote", "read more", "read mo",
         "re", "ad more", "sign up", "upvote", "book a", "asked", "member", "our team", " ", "  ", "\n", "é",
         "’", "x", "posts:", "in stock", "out of stock", "stock"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30).map("".join))
def test_phrase_counts_equal_str_count_summed(text: str) -> None:
    # overlapping phrases ("get a quote" holds "quote"; "read moread more" two overlapping
    # "read more"s) and non-ASCII text around them
    said = pagetype._said(text)
    for kind, phrases in pagetype._PHRASES.items():
        assert said[kind] == sum(text.count(p) for p in phrases), kind
