"""Golden tests: each seed document cleans to its expected text, line for line."""

from __future__ import annotations

from pathlib import Path

import pytest
from casefiles import SEEDS, seed_inputs

import cleaner

INPUTS = seed_inputs()


def _lines(text: str) -> list[str]:
    """Lines with trailing whitespace trimmed, blank lines dropped."""
    return [line.rstrip() for line in text.split("\n") if line.strip()]


def test_there_are_seeds_with_expectations() -> None:
    assert INPUTS
    assert [p.name for p in INPUTS] == sorted(p.name for p in (SEEDS / "expected").glob("*.txt"))


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_seed(path: Path) -> None:
    expected = (SEEDS / "expected" / path.name).read_text(encoding="utf-8")
    result = cleaner.clean(path.read_text(encoding="utf-8"), kind="text")
    assert _lines(result.text) == _lines(expected)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_seed_bytes_give_the_same_result(path: Path) -> None:
    """The bytes path (decode, then clean) agrees with the str path on UTF-8 files."""
    raw = path.read_bytes()
    assert cleaner.clean(raw, kind="text").text == cleaner.clean(raw.decode("utf-8"), kind="text").text


def _first_line(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n", 1)[0].strip()


def _is_section_label(path: Path) -> bool:
    """A seed whose first line is a short label the expected output leaves out."""
    first = _first_line(path)
    expected = _lines((SEEDS / "expected" / path.name).read_text(encoding="utf-8"))
    return 0 < len(first.split()) <= 3 and not first.endswith((".", "!", "?")) and first not in expected


LABELLED = [p for p in INPUTS if _is_section_label(p)]


def test_some_seed_starts_with_a_section_label() -> None:
    assert LABELLED, "no seed has a section label on its first line"


@pytest.mark.parametrize("path", LABELLED, ids=lambda p: p.stem)
def test_section_label_goes_to_metadata(path: Path) -> None:
    result = cleaner.clean(path.read_text(encoding="utf-8"), kind="text")
    label = _first_line(path)
    assert result.metadata.get("section") == label
    assert [(r.text, r.reason) for r in result.removed if r.line == 0] == [(label, "kicker")]


@pytest.mark.parametrize("path", [p for p in INPUTS if p not in LABELLED], ids=lambda p: p.stem)
def test_no_section_without_a_label(path: Path) -> None:
    result = cleaner.clean(path.read_text(encoding="utf-8"), kind="text")
    assert "section" not in result.metadata
