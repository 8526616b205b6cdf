"""Word lists choose the letter a dropped byte stood for, where letter rules cannot."""

from __future__ import annotations

import pytest

import cleaner
from cleaner.repairs import lexicon


def _dropped_byte(text: str) -> str:
    """UTF-8 read as Windows-1252 with its undefined bytes (81 8D 8F 90 9D) dropped."""
    return text.encode("utf-8").decode("cp1252", "ignore")


def _fake_lists(monkeypatch: pytest.MonkeyPatch, words: dict[str, dict[str, float]]) -> None:
    monkeypatch.setattr(lexicon, "_table", lambda lang: words.get(lang, {}))


def test_the_word_the_list_knows_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_lists(monkeypatch, {"en": {"the": 0.05}, "cs": {"buď": 1e-4, "buč": 1e-7}})
    pieces = ["a vybranou bu", "č", " stáhnout"]
    lexicon.choose_words(pieces, {1: ("ā", "č", "ď", "Đ", "ĝ")}, "cs")
    assert pieces[1] == "ď"


def test_an_undecided_letter_is_filled_and_keeps_its_case(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_lists(monkeypatch, {"en": {"the": 0.05}, "cs": {"maďarsko": 1e-5}})
    pieces = ["na Ma", "\x00", "arsko"]
    lexicon.choose_words(pieces, {1: ("Ā", "ā", "Č", "č", "Ď", "ď")}, "en")
    assert pieces[1] == "ď"  # a Czech word in a document read as English: its letters say Czech


def test_short_words_and_unknown_words_stay_with_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_lists(monkeypatch, {"en": {"the": 0.05}, "cs": {"ďa": 1e-3, "zzďzz": 1e-3}})
    short = [" ", "č", "a "]
    lexicon.choose_words(short, {1: ("č", "ď")}, "cs")
    assert short[1] == "č"  # two letters: some list holds it by chance
    unknown = [" xy", "č", "wq "]
    lexicon.choose_words(unknown, {1: ("č", "ď")}, "cs")
    assert unknown[1] == "č"


def test_without_lists_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_lists(monkeypatch, {})
    pieces = ["bu", "č", " "]
    lexicon.choose_words(pieces, {1: ("č", "ď")}, "cs")
    assert pieces == ["bu", "č", " "]


@pytest.mark.parametrize(
    "original",
    [
        "Kvůli tlaku na Maďarsko byla hlasování odložena.",  # ď lost its 8F, č its 8D
        "Ale vybranou buď stáhnout své vojáky, nebo se stát nepřítelem.",
        "Το γειτονικό Μαυροβούνιο, το οποίο έχει βυθιστεί στο χιόνι.",  # ρ (81) and ύ (8D)
    ],
)
def test_dropped_byte_chain_with_real_lists(original: str) -> None:
    pytest.importorskip("wordfreq")
    corrupted = _dropped_byte(original)
    assert corrupted != original
    assert cleaner.repair(corrupted) == original


def test_the_words_say_which_language_when_letters_cannot(monkeypatch: pytest.MonkeyPatch) -> None:
    lists = {"en": {"the": 0.05, "de": 1e-4}, "fr": {"les": 0.01, "de": 0.04, "des": 0.01, "the": 1e-5}}
    _fake_lists(monkeypatch, lists)
    words = ["Article", "Libération", "Les", "syndicats", "ont", "des", "réserves", "de", "salaire"]
    assert lexicon.language_of(words, ["en", "fr"]) == "fr"
    assert lexicon.language_of(["the", "café", "of", "the", "town"], ["en", "fr"]) == "en"
    assert lexicon.language_of(["xyz"], ["en", "fr"]) is None
