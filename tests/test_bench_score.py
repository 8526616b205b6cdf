"""The benchmark's removal audit: what a removal took that the gold wants; gold repair."""

import pytest

from bench.data import repair_gold
from bench.score import removal_cost


def test_gold_pages_count_the_4grams_a_removal_cost() -> None:
    page = {"gold": "the cat sat on the mat today"}
    removed = ["the cat sat on the mat", "click here to subscribe now please"]
    (bad, good), (bad2, good2) = removal_cost(page, "today", removed)
    assert (bad, good) == (3, 0)  # every 4-gram of the first is the gold's, and missing
    assert (bad2, good2) == (0, 3)  # none of the second is


def test_a_4gram_the_output_still_holds_costs_nothing() -> None:
    page = {"gold": "the cat sat on the mat"}
    assert removal_cost(page, "the cat sat on the mat", ["the cat sat on"]) == [(0, 1)]


def test_snippet_pages_count_snippets_found_in_a_removal() -> None:
    page = {"with": ["Article  sentence.", "Kept line."], "without": ["Read more"]}
    out = removal_cost(page, "Kept line.", ["Article sentence. Read more", "Kept line.", "Read\nmore"])
    assert out == [(1, 1), (0, 0), (0, 1)]


def test_what_the_gold_wants_counts_once_for_the_first_removal() -> None:
    gold = {"gold": "one two three four"}
    assert removal_cost(gold, "", ["one two three four", "one two three four"]) == [(1, 0), (0, 1)]
    snip = {"with": ["Solution"]}
    assert removal_cost(snip, "", ["Solution", "Solution"]) == [(1, 0), (0, 0)]


def test_a_utf16_gold_read_as_latin1_is_decoded() -> None:
    stored = "Forgiving\n\nby Paulo".encode("utf-16").decode("latin-1")  # "\xff\xfe" + NULs
    assert repair_gold(stored) == ("Forgiving\n\nby Paulo", ["utf-16"])


def test_a_gold_is_cut_at_dragnets_comment_separator_in_its_variants() -> None:
    for line in ("!@#$%^&*() COMMENTS", "!@#$%^&*   COMMENTS", "!@#$%$%^&*()  \tCOMMENTS"):
        gold = f"Story line.\n{line}\nReader: great post!"
        assert repair_gold(gold) == ("Story line.\n", ["comments"])


def test_a_sound_gold_is_left_as_it_is() -> None:
    for gold in (
        "Plain story about COMMENTS sections.",
        "\xff\xfe no NUL here",
        "!@# in a line, no separator",
    ):
        assert repair_gold(gold) == (gold, [])


def test_word_f1_is_wcxbs_bag_of_lowercased_words() -> None:
    from bench.score import word_f1

    assert word_f1("The cat, the CAT.", "the cat the cat") == 1.0
    assert word_f1("one two", "one two three four") == pytest.approx(2 / 3)
    assert word_f1("a a a b", "a") == pytest.approx(0.4)  # a bag: one "a" of three
    assert word_f1("", "") == 1.0 and word_f1("", "something") == 0.0 and word_f1("gold", "") == 0.0


def test_snippet_shares_are_pooled_over_pages() -> None:
    from bench.score import snippet_shares

    pages = [{"with": ["kept  line", "lost"], "without": ["Menu"]}, {"with": ["x"], "without": ["Ad", "Foo"]}]
    assert snippet_shares(pages, ["kept line Menu", "x Ad"]) == (2 / 3, 1 / 3)
