"""The page-type classifier (cleaner/html/pagetype.py) on small hand-written pages, and
`Config(page_types=...)` / `--page-types` on every surface that takes it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import cleaner
from cleaner.config import PAGE_TYPES, Config
from cleaner.errors import ConfigError
from cleaner.html import dom
from cleaner.html.meta import read_metadata
from cleaner.html.pagetype import classify, decide, features, load_model

PARA = (
    "The committee spent most of the afternoon on the budget, and the chair said the figures would "
    "be published in full before the next meeting, along with the minutes of the two sessions."
)


def product_page() -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Trail Kettle 1L",
        "offers": {"@type": "Offer", "price": "39.00", "priceCurrency": "USD"},
    }
    return f"""<html><head><title>Trail Kettle 1L | Outdoor Shop</title>
<meta property="og:type" content="product"><meta property="product:price:amount" content="39.00">
<script type="application/ld+json">{json.dumps(ld)}</script></head><body>
<nav class="breadcrumb"><a href="/">Home</a> / <a href="/c/camping">Camping</a></nav>
<h1>Trail Kettle 1L</h1><div class="price">$39.00</div><p class="stock">In stock. Free shipping over $50.</p>
<form class="add-to-cart"><input type="number" name="quantity" value="1">
<a href="/cart">Add to cart</a></form>
<h2>Description</h2><p>A light aluminium kettle for one or two people, with a folding handle and a lid
that doubles as a cup. It boils a litre of water in about four minutes on a small stove.</p>
<h2>Specifications</h2><table><tr><td>Weight</td><td>210 g</td></tr>
<tr><td>Volume</td><td>1 L</td></tr></table>
</body></html>"""


def forum_page() -> str:
    posts = "".join(
        f"""<div class="post" id="post-{k}"><div class="userinfo">
<a class="username" href="/members/u{k}">user{k}</a>
<span>Joined: Mar 2021</span><span>Posts: {10 * k}</span></div>
<div class="message"><time datetime="2025-01-0{k}">Jan {k}, 2025</time>
<blockquote>Quote from user{k - 1}</blockquote><p>Reply #{k}: I had the same trouble with the router after the
update, and what fixed it for me was a factory reset and then restoring the settings by hand.</p></div>
<a class="reply" href="#">Reply</a></div>"""
        for k in range(1, 7)
    )
    return f"""<html><head><title>Router drops the connection after update - Networking Forum</title></head>
<body><h1>Router drops the connection after update</h1><div class="thread">{posts}</div>
<div class="pagination"><a href="?page=2">Next</a></div></body></html>"""


def listing_page() -> str:
    cards = "".join(
        f"""<article class="card"><a href="/news/story-{k}"><img src="/i/{k}.jpg" alt=""></a>
<h2><a href="/news/story-{k}">Headline number {k} about the town's new plans</a></h2>
<time datetime="2025-02-{k:02d}">Feb {k}, 2025</time><p>A short teaser for story {k}.</p>
<a href="/news/story-{k}">Read more</a></article>"""
        for k in range(1, 13)
    )
    return f"""<html><head><title>Tag: Transport | The Daily Town</title></head><body>
<h1>Transport</h1><div class="feed">{cards}</div>
<nav class="pagination"><a href="/tag/transport/page/2">Next page</a></nav></body></html>"""


def article_page() -> str:
    return f"""<html><head><title>Council approves the budget | The Daily Town</title>
<meta property="og:type" content="article"><meta name="author" content="Ann Writer">
<meta property="article:published_time" content="2025-03-04T10:00:00Z"></head><body>
<article><h1>Council approves the budget</h1><p class="byline">By Ann Writer</p>
<time datetime="2025-03-04">March 4, 2025</time>{"".join(f"<p>{PARA}</p>" for _ in range(6))}</article>
</body></html>"""


def _type(html: str, url: str | None) -> str:
    tree = dom.parse(html)
    ld = dom.strip_never_text(tree)
    return classify(tree, read_metadata(tree, ld), url, ld)


@pytest.mark.parametrize(
    ("make", "url", "kind"),
    [
        (product_page, "https://shop.example/products/trail-kettle-1l", "product"),
        (forum_page, "https://example.net/threads/router-drops-the-connection.1234/", "forum"),
        (listing_page, "https://www.example.com/tag/transport/", "listing"),
        (article_page, "https://www.example.com/2025/03/04/council-approves-the-budget", "article"),
    ],
)
def test_hand_written_pages_get_their_type(make: object, url: str, kind: str) -> None:
    assert callable(make)
    assert _type(make(), url) == kind


def test_the_type_does_not_hang_on_the_url_alone() -> None:
    """Without a URL the structure still tells a thread and a card listing from an article."""
    assert _type(forum_page(), None) == "forum"
    assert _type(article_page(), None) == "article"


def test_declared_thread_markup_is_a_forum_and_an_empty_page_is_other() -> None:
    ld = '<script type="application/ld+json">{"@type": "DiscussionForumPosting", "headline": "Q"}</script>'
    html = f"<html><head>{ld}</head><body>{article_page()}</body></html>"
    assert _type(html, None) == "forum"
    assert _type("<html><body></body></html>", "https://example.com/a") == "other"


def test_features_are_site_independent_and_the_model_is_data() -> None:
    model = load_model()
    assert set(model["classes"]) <= set(PAGE_TYPES)
    assert len(model["weights"]) == len(model["classes"])
    assert all(len(w) == len(model["features"]) for w in model["weights"])
    tree = dom.parse(product_page())
    ld = dom.strip_never_text(tree)
    f = features(tree, read_metadata(tree, ld), "https://shop.example/products/x", ld)
    assert f["schema.Product"] == 1 and f["og.product"] == 1 and f["meta.price"] == 1
    assert f["t.price"] > 0 and f["url.product"] == 1
    assert not any("example" in name for name in model["features"])  # no site's name is a feature
    assert decide(f, model) == "product"


def test_metadata_has_the_page_type_in_both_html_modes() -> None:
    url = "https://shop.example/products/trail-kettle-1l"
    assert cleaner.clean(product_page(), url=url).metadata["page_type"] == "product"
    fast = cleaner.Cleaner(html_fast=True).clean(product_page(), url=url)
    assert fast.metadata["page_type"] == "product"
    assert "page_type" not in cleaner.clean(PARA).metadata  # text has no page type


def test_unwanted_types_come_out_empty_with_one_page_type_removal() -> None:
    keep = cleaner.Cleaner(page_types=frozenset({"article"}))
    url = "https://shop.example/products/trail-kettle-1l"
    r = keep.clean(product_page(), url=url)
    assert r.text == "" and r.metadata["page_type"] == "product"
    assert [(x.reason, x.rule) for x in r.removed] == [("page-type", "html.page-type.product")]
    kept = keep.clean(article_page(), url="https://www.example.com/2025/03/04/council-approves")
    assert "committee" in kept.text and not any(x.reason == "page-type" for x in kept.removed)
    assert keep.clean(PARA).text == PARA  # text input passes: it has no page type


def test_an_unwanted_page_is_not_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A filtered crawl pays for the classifier only: no DOM pass, no extractor."""
    from cleaner.html import page as html_page

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("extraction ran for a page that is dropped")

    monkeypatch.setattr(html_page.dom, "prune", refuse)
    url = "https://shop.example/products/trail-kettle-1l"
    for fast in (False, True):
        r = cleaner.Cleaner(page_types=frozenset({"article"}), html_fast=fast).clean(product_page(), url=url)
        assert r.text == "" and r.removed[0].reason == "page-type"


def test_config_checks_the_page_types() -> None:
    assert Config(page_types=frozenset({"article", "forum"})).page_types == {"article", "forum"}
    assert Config(page_types="listing").page_types == {"listing"}  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="artcle"):
        Config(page_types=frozenset({"artcle"}))
    with pytest.raises(ConfigError):
        Config(page_types=frozenset())


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_cli_page_types_keeps_one_record_per_record(tmp_path: Path) -> None:
    records = [
        {"id": "p", "url": "https://shop.example/products/trail-kettle-1l", "html": product_page()},
        {"id": "a", "url": "https://www.example.com/2025/03/04/council-approves", "html": article_page()},
        {"id": "t", "text": PARA},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = _cli("clean", str(src), "-o", str(out), "--page-types", "article", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "3 records read = 3 written + 0 errors" in done.stderr
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert rows["p"]["text"] == "" and [x["reason"] for x in rows["p"]["removed"]] == ["page-type"]
    assert "committee" in rows["a"]["text"]
    assert rows["t"]["text"] == PARA


def test_cli_refuses_an_unknown_page_type(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(article_page(), encoding="utf-8")
    done = _cli("clean", str(page), "--page-types", "article,blog", cwd=tmp_path)
    assert done.returncode == 2 and "blog" in done.stderr and "documentation" in done.stderr


# --- the confidence policy: a type's own extraction only when the model is sure of it ---


def _sure(monkeypatch: pytest.MonkeyPatch, thresholds: dict[str, float]) -> None:
    """The shipped model with these confidence thresholds instead of its own."""
    from cleaner.html import pagetype

    model = {**load_model(), "sure": thresholds}
    monkeypatch.setattr(pagetype, "load_model", lambda: model)


def test_probabilities_are_a_distribution_whose_best_is_the_guess() -> None:
    from cleaner.html.pagetype import decide_scored, predict, probabilities

    model = load_model()
    for make, url in (
        (product_page, "https://shop.example/products/x"),
        (forum_page, None),
        (listing_page, None),
    ):
        tree = dom.parse(make())
        ld = dom.strip_never_text(tree)
        f = features(tree, read_metadata(tree, ld), url, ld)
        probs = probabilities(model, f)
        assert set(probs) == set(model["classes"])
        assert abs(sum(probs.values()) - 1.0) < 1e-9 and all(0.0 <= p <= 1.0 for p in probs.values())
        best = predict(model, f)
        assert probs[best] == max(probs.values())
        kind, score = decide_scored(f, model)
        assert kind == decide(f, model) and 0.0 < score <= 1.0
    # the rules beside the model are sure
    assert decide_scored({"chars": 0.0}, model) == ("other", 1.0)


def test_trusted_keeps_a_sure_guess_and_reads_an_unsure_one_as_an_article() -> None:
    from cleaner.html.pagetype import trusted

    model = {**load_model(), "sure": {"service": 0.6, "listing": 0.0}}
    assert trusted("service", 0.59, model) == "article"
    assert trusted("service", 0.6, model) == "service"
    assert trusted("listing", 0.2, model) == "listing"  # 0.0: every guess of that type is taken
    assert trusted("article", 0.2, model) == "article"
    assert trusted("forum", 0.3, {**model, "sure": {}}) == "forum"  # a model without thresholds: every guess


def test_the_shipped_model_has_a_threshold_per_type_it_can_guess() -> None:
    sure = load_model()["sure"]
    assert set(sure) <= set(PAGE_TYPES)
    assert {"service", "listing", "collection", "product", "documentation", "forum"} <= set(sure)
    assert all(0.0 <= v <= 1.01 for v in sure.values())


@pytest.mark.parametrize("fast", [False, True])
def test_an_unsure_guess_reports_its_type_but_extracts_as_an_article(
    monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    url = "https://www.example.com/tag/transport/"
    c = cleaner.Cleaner(html_fast=fast)
    as_listing = c.clean(listing_page(), url=url, page_type="listing")
    as_article = c.clean(listing_page(), url=url, page_type="article")
    assert as_listing.text != as_article.text  # the two rows differ on this page
    assert "page_type_score" not in as_article.metadata  # the caller's type: nothing guessed

    _sure(monkeypatch, {"listing": 1.01})  # never sure enough of a listing
    unsure = c.clean(listing_page(), url=url)
    assert unsure.metadata["page_type"] == "listing"  # still the best guess, for --page-types
    assert 0.0 < unsure.metadata["page_type_score"] <= 1.0
    assert unsure.text == as_article.text

    _sure(monkeypatch, {"listing": unsure.metadata["page_type_score"]})  # just sure enough
    sure = c.clean(listing_page(), url=url)
    assert sure.metadata["page_type"] == "listing" and sure.text == as_listing.text


def test_the_page_types_filter_reads_the_best_guess_even_when_unsure(monkeypatch: pytest.MonkeyPatch) -> None:
    _sure(monkeypatch, {"listing": 1.01})
    url = "https://www.example.com/tag/transport/"
    kept = cleaner.Cleaner(page_types={"listing"}).clean(listing_page(), url=url)
    assert kept.text and kept.metadata["page_type"] == "listing"
    dropped = cleaner.Cleaner(page_types={"article"}).clean(listing_page(), url=url)
    assert dropped.text == "" and [r.reason for r in dropped.removed] == ["page-type"]
