"""The rule packs as data: well-formed, and the gating machinery behaves as documented."""

from __future__ import annotations

import json
from importlib import resources

import pytest

import cleaner
from cleaner.errors import ConfigError
from cleaner.rules import PACKS, WORD_TABLE, _time_lines, _trigger_forms, load_rules


def _packs() -> dict[str, dict]:
    root = resources.files("cleaner.rules")
    return {name: json.loads(root.joinpath(f"{name}.json").read_text(encoding="utf-8")) for name in PACKS}


def test_every_rule_is_well_formed() -> None:
    seen: set[str] = set()
    for name, pack in _packs().items():
        for spec in pack["rules"]:
            assert spec["id"] not in seen, spec["id"]
            seen.add(spec["id"])
            assert spec["id"].startswith(f"{name}."), spec["id"]
            assert spec["reason"] in cleaner.REASONS, spec["id"]
            if spec.get("match") or spec.get("search"):
                assert spec.get("triggers"), f"{spec['id']} has regexes but no triggers"


def test_rules_compile_once_and_are_cached() -> None:
    assert load_rules("auto") is load_rules("auto")
    rs = load_rules(("en",))
    assert rs.packs == frozenset({"common", "en"})


def test_unknown_language_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        load_rules(("xx",))


def test_trigger_forms_whole_word_and_stem() -> None:
    whole = _trigger_forms("app", "t")
    stem = _trigger_forms("kommentar*", "t")
    assert whole == [b" app "]
    assert all(not f.endswith(b" ") for f in stem)
    with pytest.raises(ConfigError):
        _trigger_forms("read:", "t")


def test_whole_word_trigger_does_not_fire_inside_a_longer_word() -> None:
    rs = load_rules("auto")
    apple = "The apple harvest was good this year in the region, farmers said."
    hits = rs.candidates([apple], apple)
    assert not any(p.rule.id == "en.promo.app" for p in hits.get(0, []))
    app = "Download our app now for all the news."
    hits = rs.candidates(["A headline", app], app)
    assert any(p.rule.id == "en.promo.app" for p in hits.get(1, []))
    assert not hits.get(0)


def test_long_lines_only_get_the_triggers_of_rules_that_fire_on_them() -> None:
    rs = load_rules("auto")
    short = "Read more: the app"
    long = "Read more about the app the council approved. " + "It was a long debate in the hall. " * 8
    hits = rs.candidates([short, long], short)
    assert any(p.rule.max_len <= 200 for p in hits[0])
    assert all(p.rule.max_len >= len(long) for p in hits.get(1, [])) and hits.get(1)


def test_language_gating_picks_the_document_language() -> None:
    rs = load_rules("auto")
    german = (
        "Die Regierung hat am Montag ein neues Gesetz beschlossen, "
        "das die Mieten in den Städten begrenzen soll. "
        "Der Bundestag muss noch zustimmen, und auch die Länder sind nicht mit allen Punkten einverstanden. "
    ) * 3
    buf = b"\n" + german.encode().translate(WORD_TABLE) + b"\n"
    assert rs.languages(buf) == frozenset({"common", "de"})
    # Too little text to tell: every pack is consulted.
    assert rs.languages(b"\nok\n") == rs.packs


def test_time_lines_finds_clock_times_only() -> None:
    assert _time_lines("at 9:41 am\nratio 3:2\n13:05 Uhr\n") == [0, 2]


def test_a_rule_in_another_language_still_fires_on_its_own_language() -> None:
    text = (
        "Die Stadt plant einen neuen Radweg entlang des Flusses, der im kommenden Jahr fertig werden soll.\n"
        "Lesen Sie auch\n"
        "Neue Brücke für Radfahrer eröffnet\n"
        "Die Kosten von rund zwei Millionen Euro teilen sich Land und Kommune, "
        "wie die Verwaltung mitteilte.\n"
    )
    r = cleaner.clean(text, kind="text")
    assert "Lesen Sie auch" not in r.text.split("\n")
    assert "Neue Brücke für Radfahrer eröffnet" not in r.text.split("\n")
    assert r.text.startswith("Die Stadt plant")


def test_first_word_pretest_never_hides_a_phrase() -> None:
    """classify skips the phrase key when the line's first word starts no phrase; every
    phrase, however it is dressed (case, bullets, odd spaces, trailing colon), still hits."""
    from cleaner.config import Config
    from cleaner.model import Block
    from cleaner.text.classify import classify

    rs = load_rules("auto")
    config = Config(mode="conservative")
    missed = []
    for key, rule in rs.exact.items():
        if rule.first_only or not key:
            continue
        for line in (key.upper(), f"• {key}", f"•\u2003•{key.title()}:", f"|\t{key} »"):
            if len(line) > 90 or rs.phrase(line) is not rule:
                continue
            block = Block(0, line)
            classify([block], line, rs, config)
            if block.rule != rule.id and not (rule.weak and not block.rule):
                missed.append(line)
    assert not missed, missed[:5]


def test_caseless_patterns_are_those_without_capitals_or_flags() -> None:
    from cleaner.rules import _caseless

    assert _caseless(r"\bread more\b[^.!?]{0,40}$")
    assert _caseless(r"\W{0,3}\S+\d")  # escapes keep their meaning on a lower-cased line
    assert not _caseless(r"(?-i:[A-Z])\w+ ©")
    assert not _caseless(r"on page [A-Z]\d")


def test_prefilter_sentinels_never_match() -> None:
    """The automata carry sentinel patterns (to switch off a slow prefilter); the buffers
    they scan can never hold them, so no hit ever names one."""
    from cleaner.rules import _NO_PREFILTER

    rs = load_rules("auto")
    text = "\x01\x01 \x02\x02 \x03\x03\x04\x04 read more"
    buf = text.encode().translate(WORD_TABLE)
    assert all(s not in buf for s in _NO_PREFILTER)
    for automaton, n in ((rs.automaton, len(rs.owner)), (rs.stopwords, len(rs.stopword_lang))):
        hits = automaton.find_matches_as_indexes(b" " + buf + b" ", overlapping=True)
        assert all(pat < n for pat, _, _ in hits)


def test_segment_body_flag_is_body_shaped() -> None:
    """segment inlines body_shaped for speed; the two must not drift apart."""
    from cleaner.text.segment import body_shaped, segment

    lines = [
        "Short title",
        "A finished sentence with seven words in it.",
        "x" * 170,
        "Ends without a stop",
        "日本語の文章はスペースなしで書かれています。",
        "Quote ends here.”",
        "Only: five words here now.",
    ]
    blocks, _ = segment("\n".join(lines))
    assert [b.body for b in blocks] == [body_shaped(t) for t in lines]
    assert any(b.body for b in blocks) and not all(b.body for b in blocks)
