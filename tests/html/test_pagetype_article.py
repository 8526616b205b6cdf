"""The page-type classifier's article model (a second, article-or-not model beside the type
model: pagetype.decide_scored) and what a page without a URL is judged on."""

from __future__ import annotations

import math
from typing import Any

import pytest

from cleaner.html import dom
from cleaner.html.meta import read_metadata
from cleaner.html.pagetype import URL_FEATURES, decide_scored, features, load_model, probabilities

SENTENCE = (
    "We drove up to the lake on Saturday, and the road past the old mill was still closed, "
    "so the last stretch took us through the forest on the gravel track instead. "
)


def blog_post(comments: int = 5) -> str:
    """An old-style blog post: no OpenGraph or JSON-LD, a sidebar, a comment thread."""
    body = "".join(f"<p>{SENTENCE * 3}</p>" for _ in range(7))
    thread = "".join(
        f"""<li class="comment"><div class="comment-author">Reader {k} says:</div>
<div class="comment-meta">March {k}, 2011 at 9:1{k} pm</div><p>Lovely photos, thanks for sharing!</p>
<a class="comment-reply-link" href="#">Reply</a></li>"""
        for k in range(1, comments + 1)
    )
    sidebar = "".join(f'<li><a href="/archive/2011/{m:02d}/">Month {m}</a></li>' for m in range(1, 13))
    return f"""<html><head><title>A weekend at the lake | Ann's notebook</title></head><body>
<div id="header"><a href="/">Ann's notebook</a></div>
<div id="content"><div class="post"><h2>A weekend at the lake</h2>
<div class="date">Posted on March 1, 2011 by Ann</div><div class="entry">{body}</div></div>
<h3>{comments} Responses</h3><ol class="commentlist">{thread}</ol>
<form id="commentform"><textarea name="comment"></textarea><input type="submit" value="Post"></form></div>
<div id="sidebar"><h3>Archives</h3><ul>{sidebar}</ul></div></body></html>"""


def thread_page() -> str:
    posts = "".join(
        f"""<div class="post"><div class="userinfo"><a href="/members/u{k}">user{k}</a>
<span>Joined: Mar 2021</span><span>Posts: {10 * k}</span></div><div class="message">
<p>Reply #{k}: same trouble with the router after the update; a reset fixed it.</p></div></div>"""
        for k in range(1, 7)
    )
    return f"<html><body><h1>Router drops the connection</h1>{posts}</body></html>"


def _features(html: str, url: str | None = None) -> dict[str, float]:
    tree = dom.parse(html)
    ld = dom.strip_never_text(tree)
    return features(tree, read_metadata(tree, ld), url, ld)


def test_an_old_blog_post_with_comments_is_an_article_without_a_url() -> None:
    assert decide_scored(_features(blog_post()))[0] == "article"
    assert decide_scored(_features(blog_post(), "http://ann.example/?p=521"))[0] == "article"


def test_a_page_without_a_url_has_no_url_features_and_they_count_as_the_mean() -> None:
    f = _features(blog_post())
    assert not [n for n in f if n.startswith(URL_FEATURES)]
    with_url = _features(blog_post(), "https://ann.example/")
    assert with_url["url.home"] == 1.0  # a home page's URL says so; no URL says nothing
    model = load_model()
    at_mean = dict(f)
    for n, m in zip(model["features"], model["mean"], strict=True):
        if n.startswith(URL_FEATURES):
            at_mean[n] = m
    got, want = (
        probabilities(model, f),
        probabilities(model, {**at_mean, "url.depth": at_mean.get("url.depth", 0.0)}),
    )
    assert all(math.isclose(got[k], want[k], abs_tol=1e-9) for k in got)


def test_the_paragraphs_of_one_container_tell_one_body_from_many_posts() -> None:
    post, thread = _features(blog_post()), _features(thread_page())
    assert post["p_one_share"] > 0.9  # the entry's paragraphs; the comments' are short
    assert thread["p_one_share"] == pytest.approx(1 / 6, abs=0.01)  # one paragraph per post
    assert post["p_one_k"] > thread["p_one_k"]
    assert thread["t.forum_k"] > post["t.forum_k"]


def _judged(over: dict[str, float]) -> dict[str, Any]:
    model = load_model()
    return {**model, "article": {**model["article"], "over": over}}


def test_the_article_model_overrules_a_non_article_guess_at_its_bound() -> None:
    f = _features(thread_page(), "https://forum.example/threads/router.1234/")
    model = load_model()
    probs = probabilities(model, f)
    best = max(probs, key=probs.__getitem__)
    assert best != "article"
    p_article = probabilities(model["article"], f)["article"]
    assert decide_scored(f, _judged({best: 0.0})) == ("article", p_article)  # always overruled
    kind, score = decide_scored(f, _judged({best: 1.01}))  # never: the type, in two stages
    assert kind == best
    assert score == pytest.approx((1 - p_article) * probs[best] / (1 - probs["article"]))
    plain = {k: v for k, v in model.items() if k != "article"}  # a model without one: the type model
    assert decide_scored(f, plain) == (best, probs[best])


def test_the_shipped_article_model_reads_the_type_models_features_and_more() -> None:
    model = load_model()
    judge = model["article"]
    assert judge["classes"] == ["other", "article"]
    assert set(model["features"]) < set(judge["features"])
    assert set(judge["over"]) == set(model["classes"]) - {"article"}
    assert all(0.5 <= v <= 1.01 for v in judge["over"].values())
