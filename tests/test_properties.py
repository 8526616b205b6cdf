"""Property tests (hypothesis): the contract of tests/test_invariants.py on generated hostile
input, not only on the fixtures.

- nothing escapes but the documented errors (cleaner.errors), for text and HTML, str and bytes
- repair is idempotent; clean is idempotent in text mode, and HTML mode's text is a fixed
  point of text mode (the README's claim for the dev pages)
- output lines are repaired input lines, in order, and every removal is explained
- a document of ordinary prose comes out unchanged, in text and HTML mode

The strategies mix what real scraped text holds: the rule packs' own phrases and lines
generated from their regexes (so the rule engine fires), mojibake, zero-width characters,
NBSP, tabs, lone surrogates, characters of every Unicode category, very long lines, tags
and entities; HTML documents nest random tags (with clutter class names) around that text.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

import pytest
from casefiles import is_subsequence, lines
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.config import MODES
from cleaner.errors import CleanerError, InputError

RULES = Path(cleaner.__file__).parent / "rules"
# Example counts keep this file under a minute on two shared cores; CLEANER_PROPERTY_SCALE=20
# runs a longer hunt (what was done before committing).
SCALE = int(os.environ.get("CLEANER_PROPERTY_SCALE", "1"))
# Derandomized, so the suite gives the same verdict on every run; a hunt (SCALE > 1) explores.
SETTINGS = settings(
    deadline=None,
    derandomize=SCALE == 1,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TEXT = cleaner.Cleaner(cleaner.Config(kind="text"))
CONSERVATIVE = cleaner.Cleaner(cleaner.Config(kind="text", mode="conservative"))
HTML = cleaner.Cleaner(cleaner.Config(kind="html"))
HTML_FAST = cleaner.Cleaner(cleaner.Config(kind="html", html_fast=True))


def _packs() -> list[dict[str, object]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(RULES.glob("*.json"))]


def _rule_phrases() -> list[str]:
    return sorted({p for pack in _packs() for r in pack.get("rules", ()) for p in r.get("exact", ())})


@cache
def _regex_lines(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(re.compile(pattern, re.I), fullmatch=True, alphabet=st.characters(codec="utf-8"))


def _rule_regexes() -> list[str]:
    """The packs' `match`/`search` regexes that hypothesis can generate lines from."""
    out = []
    for pack in _packs():
        for rule in pack.get("rules", ()):
            for src in [*rule.get("match", ()), *rule.get("search", ())]:
                try:
                    _regex_lines(src).validate()
                except Exception:  # a construct from_regex cannot draw from
                    continue
                out.append(src)
    return out


PHRASES = _rule_phrases()
REGEXES = _rule_regexes()
MOJIBAKE = ["â€™", "â€œ", "â€\x9d", "â€”", "Ã©", "Ã¼", "Â£", "Ã\xa0", "вЂ™", "β€”", " β ", "itβs", "â(TM)"]
MOJIBAKE += [' â" ', "Ã", "â€"]
INVISIBLE = ["\u200b", "\u2060", "\ufeff", "\u00ad", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9d", "\u200d"]
SPACES = ["\u00a0", "\t", "\t\t", "  ", "\u2028", "\u2029", "\u3000", "\u202f", "\r", "\r\n", "\x0b", "\x0c"]
SURROGATES = ["\ud800", "\udc80", "\udfff", "\ud83d"]
MARKUP = ["<p>", "</p>", "<br/>", "<b>", "</div>", "<a href='x'>", "&amp;", "&lt;p&gt;", "&#8212;", "&#x27;"]
MARKUP += ["&nbsp;", "&amp;amp;", "&bogus;", "<script>", "</script>", "<!--", "-->", "< b >", "<3"]
MARKUP += ["a < b > c", "<![if x]>", "<![enurl x]>"]
# Plain words that name nothing a rule looks for: prose made of them is all content.
_WORDS = """
river bridge council water winter harvest village engineer garden teacher school market
harbour farmer station museum doctor library mountain valley forest summer family
neighbour workers train bakery islands weather planted opened repaired measured carried
painted walked visited crossed built signed reached expected slowly quietly early later
again together almost nearly every several many few old new small large quiet busy long
short green northern southern wooden stone the a of and in on at with for from after
before during under over near their its
"""
VOCABULARY = _WORDS.split()

words = st.sampled_from(VOCABULARY)
fragments = st.one_of(
    words,
    st.sampled_from(PHRASES),
    st.sampled_from(MOJIBAKE),
    st.sampled_from(INVISIBLE),
    st.sampled_from(SPACES),
    st.sampled_from(SURROGATES),
    st.sampled_from(MARKUP),
    st.text(max_size=12),  # any category but surrogates
    st.characters(categories=["Zs", "Cc", "Cf", "Mn", "Sk", "So", "Po", "Pd", "Pi", "Pf"]),
    st.integers(0, 99).map(str),
    st.sampled_from(["12:45", "3 hours ago", "Jan 5, 2021", "(2)", "•", "|", "»", "...", ":"]),
)


@st.composite
def hostile_line(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.sampled_from(PHRASES))
    if kind == 1 and REGEXES:
        return draw(st.sampled_from(REGEXES).flatmap(_regex_lines))
    if kind == 2:  # a very long line: a phrase or a word run repeated
        unit = draw(st.one_of(st.sampled_from(PHRASES), fragments)) + draw(st.sampled_from([" ", "", "\t"]))
        return unit * draw(st.integers(50, 2000))
    return draw(st.lists(fragments, max_size=25).map(lambda xs: " ".join(xs) if len(xs) % 2 else "".join(xs)))


def sentence(n_min: int = 8, n_max: int = 18) -> st.SearchStrategy[str]:
    return st.lists(words, min_size=n_min, max_size=n_max).map(lambda ws: " ".join(ws).capitalize() + ".")


paragraphs = st.lists(sentence(), min_size=1, max_size=3).map(" ".join)
hostile_text = st.lists(hostile_line(), max_size=30).map("\n".join)


def _near_key(p: str) -> str:
    return re.sub(r"\W+", "", p.lower())


# Unique paragraphs (a second copy of one is a duplicate, which dedupe rightly removes).
prose = st.tuples(
    st.lists(words, min_size=3, max_size=7).map(lambda ws: " ".join(ws).title()),
    st.lists(paragraphs, min_size=1, max_size=8, unique_by=_near_key),
)

# -- HTML: random nesting of tags around hostile text ---------------------------------------

BLOCK_TAGS = ["div", "p", "section", "article", "main", "ul", "li", "h1", "h2", "h3", "blockquote", "table"]
BLOCK_TAGS += ["tr", "td", "nav", "aside", "footer", "header", "form", "figure", "figcaption", "span", "a"]
BLOCK_TAGS += ["b", "i", "em", "script", "style", "noscript", "iframe", "svg", "button", "template", "pre"]
CLASSES = ["", "related", "share-bar", "comments", "newsletter", "promo", "entry-content", "article-body"]
CLASSES += ["ad-slot", "sidebar", "tag-social", "comments-open", "sr-only", "x" * 300, "a1b2c3d4e5", "post"]
VOID = ["<br>", "<hr>", "<img src='https://cdn.example.com/a.jpg' alt='photo'>", "<input>", "<wbr>", "<meta>"]


@st.composite
def attrs(draw: st.DrawFn) -> str:
    out = ""
    if cls := draw(st.sampled_from(CLASSES)):
        out += f' class="{cls}"'
    if draw(st.booleans()):
        out += f' id="{draw(st.sampled_from(CLASSES))}"'
    if draw(st.integers(0, 4)) == 0:
        out += ' href="https://example.com/x?a=1&b=2"'
    return out


def _wrap(children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[str]:
    @st.composite
    def element(draw: st.DrawFn) -> str:
        tag = draw(st.sampled_from(BLOCK_TAGS))
        inner = "".join(draw(children))
        # mostly closed; sometimes unclosed or misnested
        close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", f"</{tag}>", "", "</div>"]))
        return f"<{tag}{draw(attrs())}>{inner}{close}"

    return element()


html_leaf = st.one_of(hostile_line(), paragraphs, st.sampled_from(VOID), st.sampled_from(MARKUP))
html_body = st.recursive(html_leaf, lambda inner: _wrap(st.lists(inner, max_size=6)), max_leaves=40)


@st.composite
def html_doc(draw: st.DrawFn) -> str:
    body = "".join(draw(st.lists(html_body, max_size=8)))
    title = draw(st.one_of(st.just(""), hostile_line(), sentence(3, 8)))
    head = f"<head><meta charset='utf-8'><title>{title}</title></head>" if draw(st.booleans()) else ""
    doc = f"<!DOCTYPE html><html lang='en'>{head}<body>{body}</body></html>"
    if draw(st.integers(0, 5)) == 0:  # truncated mid-document
        doc = doc[: draw(st.integers(0, len(doc)))]
    return doc


# -- properties: text mode -------------------------------------------------------------------


@settings(SETTINGS, max_examples=300 * SCALE)
@given(st.one_of(hostile_text, st.text()))
def test_repair_never_raises_and_is_idempotent(doc: str) -> None:
    once = cleaner.repair(doc)
    assert cleaner.repair(once) == once
    once.encode("utf-8")  # what repair returns can be written


def _assert_fixed_point(out: str) -> None:
    """clean(out) == out for a cleaner's output `out` (also when its removals changed the
    language pick: the cleaner runs the extra round itself)."""
    assert TEXT.clean(out).text == out, "not idempotent"


def _clean(cl: cleaner.Cleaner, doc: str, url: str | None = None) -> cleaner.Result:
    """cl.clean(doc); a text with a large share of control characters is refused as binary
    data (documented, cleaner/limits.py): such an example is set aside."""
    try:
        return cl.clean(doc, url=url)
    except InputError as exc:
        assert str(exc).startswith("binary data"), exc
        assume(False)
        raise


def _check_text_contract(doc: str, result: cleaner.Result) -> None:
    out = result.text
    repaired = cleaner.repair(doc)
    _assert_fixed_point(out)
    assert is_subsequence(lines(out), lines(repaired)), "an output line is not a repaired input line"
    for r in result.removed:
        assert r.reason in cleaner.REASONS and r.rule
    positions = [r.line for r in result.removed]
    assert positions == sorted(positions)
    out.encode("utf-8")


@settings(SETTINGS, max_examples=250 * SCALE)
@given(hostile_text)
def test_clean_text_contract_on_hostile_text(doc: str) -> None:
    _check_text_contract(doc, _clean(TEXT, doc))


# Whole-page text: menus, archive lists, article paragraphs and hostile lines in any order
# (the menu rule weighs runs against the body paragraphs around them).
menu_line = st.one_of(
    st.lists(words, min_size=1, max_size=3).map(lambda ws: " ".join(ws).title()),
    st.sampled_from(["► April (3)", "▼ 2012 (36)", "November 2011", "2011 (36)", "Über uns", "Contact Us"]),
)
page_text = st.lists(
    st.one_of(menu_line, menu_line, paragraphs, sentence(2, 6), hostile_line()), max_size=60
).map("\n".join)


@settings(SETTINGS, max_examples=250 * SCALE)
@given(page_text)
def test_clean_text_contract_on_whole_page_text(doc: str) -> None:
    _check_text_contract(doc, _clean(TEXT, doc))


@settings(SETTINGS, max_examples=80 * SCALE)
@given(hostile_text, st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
def test_clean_bytes_never_raises_undocumented(doc: str, encoding: str) -> None:
    data = doc.encode(encoding, "replace" if encoding != "utf-8" else "surrogatepass")
    try:
        result = cleaner.clean(data)
    except CleanerError:
        return
    result.text.encode("utf-8")


@settings(SETTINGS, max_examples=80 * SCALE)
@given(hostile_text)
def test_conservative_removes_a_subset_of_default(doc: str) -> None:
    # Duplicates aside: dedupe keeps the first copy still kept, and when default mode has
    # removed that one for another reason (a links zone), the later copy stays there.
    strict = {(r.line, r.text) for r in _clean(TEXT, doc).removed if r.reason != "duplicate"}
    loose = {(r.line, r.text) for r in _clean(CONSERVATIVE, doc).removed if r.reason != "duplicate"}
    assert loose <= strict


@settings(SETTINGS, max_examples=100 * SCALE)
@given(prose, st.sampled_from(MODES))
def test_prose_comes_out_unchanged(doc: tuple[str, list[str]], mode: str) -> None:
    title, paras = doc
    text = "\n".join([title, *paras])
    result = cleaner.Cleaner(cleaner.Config(mode=mode, kind="text")).clean(text)
    assert result.text == text
    assert result.removed == [] and result.repairs == []


# -- properties: HTML mode -------------------------------------------------------------------


@settings(SETTINGS, max_examples=60 * SCALE)
@given(html_doc(), st.sampled_from([HTML, HTML_FAST]))
def test_clean_html_never_raises_and_its_text_is_a_fixed_point(doc: str, cl: cleaner.Cleaner) -> None:
    result = _clean(cl, doc, url="https://example.org/a")
    result.text.encode("utf-8")
    assert all(r.reason in cleaner.REASONS and r.rule for r in result.removed)
    _assert_fixed_point(result.text)


@settings(SETTINGS, max_examples=40 * SCALE)
@given(prose, st.sampled_from([HTML, HTML_FAST]))
def test_prose_page_comes_out_as_its_paragraphs(doc: tuple[str, list[str]], cl: cleaner.Cleaner) -> None:
    title, paras = doc
    assume(sum(map(len, paras)) >= 200)  # an extractor needs some text to call it an article
    body = "".join(f"<p>{p}</p>" for p in paras)
    head = f"<head><title>{title}</title></head>"
    page = f"<html>{head}<body><article><h1>{title}</h1>{body}</article></body></html>"
    result = cl.clean(page)
    assert lines(result.text) == paras
    assert result.metadata.get("title") == title


@pytest.mark.parametrize("doc", ["", "\n", "\x00", "\ud800", "<", "<html", "&", "\ufeff" * 3, " \t\n" * 50])
@pytest.mark.parametrize("kind", ["text", "html", "auto"])
def test_degenerate_documents(doc: str, kind: str) -> None:
    result = cleaner.clean(doc, kind=kind)
    result.text.encode("utf-8")
