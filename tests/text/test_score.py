"""The learned line scorer (cleaner/text/score.py, features.py) and how the pipeline uses it."""

from __future__ import annotations

import bisect
import json
import re
from importlib import resources
from pathlib import Path

import pytest

import cleaner
from cleaner.model import REASONS, Block
from cleaner.text import context, features, score, segment

SEEDS = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "seeds" / "input").glob("*.txt"))
# A page's text as a whole-page extractor gives it: menus, the article, a footer.
PAGE = "\n".join(
    [
        "Home",
        "World",
        "Business",
        "Sport",
        "Weather",
        "Sign in",
        "Council approves new budget for the harbour district",
        "The city council approved on Tuesday a budget that doubles the money for the harbour"
        " district, after a debate that lasted well into the night.",
        "Opponents said the plan would raise rents for the small businesses that line the quay,"
        " and asked for a study of its effects before any work begins.",
        "The mayor said the first contracts would be signed in the spring.",
        "Contact us",
        "Privacy policy",
        "Terms of use",
        "Careers",
        "Advertise with us",
    ]
)


def scorer() -> score.LineScorer:
    loaded = score.load()
    assert loaded is not None, "the package ships its model"
    return loaded


def test_the_model_ships_with_its_card() -> None:
    s = scorer()
    assert 0.0 < s.body_threshold <= s.threshold < s.prose < 1.0
    assert len(s.weights) > 100
    assert set(s.classes) <= set(REASONS)
    card = json.loads(resources.files("cleaner.models").joinpath("line_scorer.card.json").read_text())
    assert card["trained"] and card["command"].startswith("python -m bench.train_scorer")
    assert {"train (out-of-fold)", "val"} <= set(card["figures"])


def test_model_removals_are_explained() -> None:
    result = cleaner.clean(PAGE, kind="text")
    s = scorer()
    model = [r for r in result.removed if r.rule.startswith("model.")]
    for r in model:
        assert r.rule == f"model.{r.reason}" and r.reason in REASONS
        assert r.score is not None and r.score < s.threshold
        assert r.evidence and all("(" in e for e in r.evidence)
        assert r.to_dict()["score"] == round(r.score, 3)
    for r in result.removed:
        if not r.rule.startswith("model."):
            assert r.score is None and "score" not in r.to_dict()


def test_the_article_of_a_page_survives() -> None:
    text = cleaner.clean(PAGE, kind="text").text
    for line in PAGE.split("\n")[6:10]:
        assert line in text


@pytest.mark.parametrize("options", [{"mode": "conservative"}, {"scorer": False}])
def test_conservative_mode_and_scorer_off_run_rules_only(options: dict[str, object]) -> None:
    c = cleaner.Cleaner(**options)
    assert c.scorer is None
    for path in SEEDS:
        result = c.clean(path.read_text(encoding="utf-8"), kind="text")
        assert not [r for r in result.removed if r.rule.startswith("model.")]


def test_html_output_cleaned_again_as_text_is_unchanged() -> None:
    paragraphs = "".join(f"<p>{x}</p>" for x in PAGE.split("\n"))
    once = cleaner.clean(f"<html><body><article>{paragraphs}</article></body></html>", kind="html").text
    assert once and cleaner.clean(once, kind="text").text == once


def test_the_model_never_empties_a_text_nor_judges_a_short_one() -> None:
    menu = "\n".join(["Home", "News", "Sport", "Weather", "Contact"])
    assert cleaner.clean(menu, kind="text").text  # every line reads as clutter: not all go
    short = "Home\nA single line of text that is the article itself, and nothing more."
    assert not [r for r in cleaner.clean(short, kind="text").removed if r.rule.startswith("model.")]


def test_scores_are_deterministic_and_in_range() -> None:
    s = scorer()
    blocks = [Block(k, line, body=len(line) > 60) for k, line in enumerate(PAGE.split("\n"))]
    statics: dict[int, float] = {}
    score.refresh(blocks, s, statics)
    a = [b.score for b in blocks]
    score.refresh(blocks, s, {})
    assert [b.score for b in blocks] == a and all(0.0 <= p <= 1.0 for p in a)
    assert set(statics) == {b.index for b in blocks}


def test_the_context_table_gives_the_sums_of_the_named_features() -> None:
    s = scorer()
    blocks = [Block(k, line, body=len(line) > 60) for k, line in enumerate(PAGE.split("\n"))]
    for key, named in zip(features.context_keys(blocks), features.contextual(blocks), strict=True):
        assert features.names(key) == named
    statics: dict[int, float] = {}
    score.refresh(blocks, s, statics)
    for b, named in zip(blocks, features.contextual(blocks), strict=True):
        z = statics[b.index] + sum(s.weights.get(f, 0.0) for f in named)
        assert abs(b.score - s.probability(z)) < 1e-12


def test_contextual_features_name_no_page_edge() -> None:
    """Edge features made the model eat a poem from its end, one line per round."""
    blocks = [Block(k, f"Line {k}", body=False) for k in range(5)]
    names = {f for fs in features.contextual(blocks) for f in fs}
    assert not {n for n in names if "none" in n or "first-line" in n or "last-line" in n}


def test_themain_region_is_the_densest_run_of_running_text() -> None:
    lines = ["Menu", "News", "Sport", "A" * 300, "Short", "B" * 200, "Footer", "Links", "More"]
    blocks = [Block(k, t, body=len(t) > 100) for k, t in enumerate(lines)]
    assert features.main_region(blocks) == (3, 5)


def test_zones_leave_prose_alone() -> None:
    blocks = [
        Block(0, "Related stories"),
        Block(1, "A headline"),
        Block(2, "A paragraph that reads as prose."),
    ]
    blocks[2].prose = True
    context._drop(blocks[1:], "navigation", "context.tail")
    assert blocks[1].verdict == "navigation" and blocks[2].verdict == ""


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_a_second_run_changes_nothing(path: Path) -> None:
    once = cleaner.clean(path.read_text(encoding="utf-8"), kind="text").text
    assert cleaner.clean(once, kind="text").text == once


def _fixture_lines() -> list[str]:
    lines = [line.strip() for p in SEEDS for line in p.read_text(encoding="utf-8").split("\n")]
    return [*filter(None, lines), *ODD_LINES]


# Lines whose first words are read past the short prefix, or in scripts the ASCII reading
# does not cover.
ODD_LINES = [
    "ΣΟΦΟΣ ΚΑΙ ΑΛΛΑ ΠΟΛΛΑ ΛΟΓΙΑ ΕΔΩ ΚΑΙ ΕΚΕΙ ΑΛΛΑ ΚΑΙ ΑΛΛΑ ΠΟΛΛΑ ΛΟΓΙΑ ΕΔΩ ΚΑΙ ΕΚΕΙ ΟΧΙ ΝΑΙ",
    "İstanbul'da Çarşı ve Ödemiş'te hava güzel, yarın yağmur bekleniyor diyor meteoroloji",
    "Supercalifragilisticexpialidocious-and-more-hyphenated-words-here then a few short ones",
    "Don't you'll it’s ok · a / b » Read more at www.example.com on 12.05.2024 at 10:30 @handle",
    "12345 67890 12345 67890 12345 67890 12345 67890 12345 67890 12345 67890 12345 words after",
    "Rock'n'roll isn't dead, 'tis true: the dogs' bones Are Here Again And Again And Again",
    "a\x1cb\x1cc\x0bd\x0be\x1ff\x1fg\x0ch\ti j",
    "A\x1cB\x1cC\x0bD\x0bE\x1fF\x1fG\x0cH\tI J",
    "٣ Arabic-Indic digits ٤٥ beside 12 ASCII ones",
    "Home | News | Sport. Weather! Later? no https://x.org/a",
    "Accueil · Actualités / Sport. Été! Où? À bientôt sur exemple.fr",
]


def test_a_lines_sum_is_the_sum_of_its_named_features_in_order() -> None:
    """static_sum adds a remembered shape part and per-word tables; a float sum depends on
    its order, so it must equal the plain sum over static()'s names exactly."""
    raw = json.loads(resources.files("cleaner.models").joinpath(score.MODEL).read_text(encoding="utf-8"))
    s = score.LineScorer.from_dict(raw)  # its own memos, fresh
    get = s.weights.get
    for k, line in enumerate(_fixture_lines()):
        for byline in (False, True):
            b = Block(k, line, body=len(line) > 60 and line[-1] == ".", byline=byline)
            if b.body and len(line) >= score.PROSE_CHARS:
                continue  # not judged (PROSE_SUM)
            expected = s.bias + sum([get(f, 0.0) for f in features.static(b)])
            assert s.static_sum(b) == expected, line
            assert s.static_sum(b) == expected, line  # and remembered as such


def test_the_word_features_are_the_first_words_of_the_lines_head() -> None:
    for line in _fixture_lines():
        words = features._WORD.findall(line[:120].lower())[: features.WORDS]
        named = [f[2:] for f in features.static(Block(0, line)) if f.startswith("w=")]
        assert named == words, line


def test_a_lines_shape_follows_the_plain_definitions() -> None:
    """shape() reads words, initials and digits of ASCII lines with bytes.translate, and
    skips regexes whose literals are absent: the same
    numbers as the plain definitions."""
    for line in _fixture_lines():
        head = line[: features.HEAD]
        words = head.split()
        key = features.shape(Block(0, line))[0]
        caps = sum(w[0].isupper() for w in words)
        lower = 1 + sum(w[0].islower() for w in words) * 4 // (len(words) + 1) if len(words) >= 2 else 0
        digits = len(re.findall(r"\d", head))
        assert key[5] == (len(words) >= 2 and caps * 10 >= len(words) * 7), line
        assert key[6] == lower, line
        assert key[8] == (0 if not digits else 2 if digits * 5 > len(head) else 1), line
        nw = len(words) if len(line) <= features.HEAD else line.count(" ") + 1
        assert key[1] == bisect.bisect_left(features._WORD_EDGES, nw), line
        marks = [features._URL.search(head), features._SEP.search(head), features.SENTENCES.search(head)]
        assert list(key[14:17]) == [m is not None for m in marks], line


def _head(lines: list[str]) -> list[Block]:
    blocks, _ = segment.segment("\n".join(lines))
    context._datelines(blocks)
    return blocks


BODY = (
    "The committee met for the third time this month and agreed on a plan for the new library,"
    " which will open next autumn on the site of the old market hall."
)


def test_a_byline_and_dateline_under_the_title_are_the_articles() -> None:
    # a title ending in "?" reads as a sentence: the head runs to the main region, and a
    # dateline stacked under a byline is the head's too, a clock time glued to "AM" included
    blocks = _head(
        [
            "Sections",
            "Can the old market hall be saved?",
            "By Ana K. Moreau",
            "Posted Tuesday July 24, @10:05AM",
            BODY,
        ]
    )
    assert [b.keep for b in blocks] == [False, False, True, True, False]
    for date in ("Nov 12 2012", "3:20am", "July 24, 2012"):
        assert _head(["A title", date, BODY])[1].keep, date


def test_a_menu_or_a_long_line_with_a_date_is_no_byline() -> None:
    teaser = (
        "Council to vote on the budget on July 24, 2012 after a long debate about the harbour and its rents"
    )
    blocks = _head(["By Category", "By date", teaser, BODY])
    assert not any(b.keep for b in blocks)


def test_a_finished_sentence_by_the_body_or_several_inside_the_article_are_not_judged() -> None:
    def evidence(lines: list[str]) -> list[bool]:
        blocks, _ = segment.segment("\n".join(lines))
        region = features.main_region(blocks)
        return [score._article_evidence(blocks, k, region) for k in range(len(blocks))]

    assert evidence(["Latest news", BODY, "Happy reading!", "Share", "Next story"]) == [
        False, False, True, False, False
    ]  # fmt: skip
    worn = "I love it!! The pages are worn from years of use and the cover came off long ago"
    assert evidence([BODY, worn, BODY])[1]
    assert not evidence([BODY, BODY, "Share", "Next story", "More news", "Sport", worn])[-1]  # far below it


def test_a_line_the_packs_read_as_a_byline_heads_the_article_when_above_it() -> None:
    meta = "Updated Mar 3 2021 - 4:10pm · Posted Mar 3 2021 - 4:00pm by River Desk Staff · 2 comments"
    for flagged, kept in ((True, True), (False, False)):
        blocks, _ = segment.segment("\n".join(["A title", meta, BODY]))
        blocks[1].byline = flagged
        context._datelines(blocks)
        assert blocks[1].keep is kept  # too long for a plain dateline
    below, _ = segment.segment("\n".join(["A title", BODY, BODY, "Share", "Next story", meta]))
    below[-1].byline = True
    context._datelines(below)
    assert not below[-1].keep  # under the article it is a comment's


def test_a_dateline_brings_the_name_above_it_and_a_split_date_its_parts() -> None:
    blocks = _head(["A title", "Ana Moreau", "March 3, 2021", BODY])
    assert [b.keep for b in blocks] == [False, True, True, False]
    blocks = _head(["12 comments", "24", "Jul", "2021", "A title", BODY])
    assert [b.keep for b in blocks] == [False, True, True, True, False, False]
    # no date, no name: page numbers, a menu, a name with nothing dated under it
    assert not any(b.keep for b in _head(["1", "2", "3", "Top Stories", "Ana Moreau", "A title", BODY]))
