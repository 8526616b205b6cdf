"""Regression cases for hostile input found by fuzzing (bench/fuzz.py) and property tests
(tests/test_properties.py): each was a crash or a broken contract once."""

from __future__ import annotations

import json

import pytest

import cleaner
from cleaner.batch import Job, clean_units

STATE = (cleaner.Cleaner(), Job())


def _one(line: bytes, out: str = "jsonl") -> tuple[object, ...]:
    (outcome,) = clean_units([(out, ("line", "t:1", 1, line))], STATE)
    return outcome


@pytest.mark.parametrize("field", ["text", "html"])
def test_jsonl_record_with_a_lone_surrogate_escape_is_cleaned_and_written(field: str) -> None:
    """fuzz (jsonl): '{"text": "…\\udc80…"}' is valid JSON whose string UTF-8 cannot
    encode; writing the record raised UnicodeEncodeError, reported as an internal error."""
    line = json.dumps({"id": "a", "title": "t\udc80", field: "<p>Caf\udce9 opens at nine every day.</p>"})
    outcome = _one(line.encode("ascii") + b"\n")
    assert outcome[0] == "ok", outcome
    written = json.loads(outcome[1])
    assert written["title"] == "t\udc80"  # a field passed through comes back as it was read
    assert "opens at nine" in written["text"]
    written["text"].encode("utf-8")  # the clean text itself is encodable


def test_repair_replaces_lone_surrogates() -> None:
    """A lone surrogate is not a character: repair makes it U+FFFD and says so."""
    text, repairs = cleaner.fix.repair_text("Caf\udce9 au lait \ud83d.")
    assert text == "Caf\ufffd au lait \ufffd."
    assert [(r.rule, r.count) for r in repairs] == [("lone-surrogate", 1), ("lone-surrogate", 1)]
    assert cleaner.repair(text) == text
