"""Fixture-driven cases (fixtures/cases/*.json), in the style of ftfy's test cases.

Each removal case is a small document with clutter inserted: every `removed` line must be
gone from the output and reported in `result.removed` (with the stated reason/rule), every
`kept` line must stay. A case with nothing to remove is negative: the output must be the
input's lines unchanged. `repair.json` holds input/output pairs for `cleaner.repair`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from casefiles import REPAIR_FILE, TEXT_REASONS, is_subsequence, load, param, removal_cases, removal_files
from casefiles import lines as split_lines

import cleaner

REMOVAL_CASES = removal_cases()
REPAIR_CASES = load(REPAIR_FILE)


def _removal_params() -> list[Any]:
    return [param(group, case, case) for group, case in REMOVAL_CASES]


# ---------------------------------------------------------------- the fixtures themselves


def test_every_text_reason_has_a_case_file() -> None:
    names = {p.stem for p in removal_files()}
    assert set(TEXT_REASONS) <= names
    assert names <= set(cleaner.REASONS), "a case file named after a reason cleaner does not know"


@pytest.mark.parametrize("path", removal_files(), ids=lambda p: p.name)
def test_case_file_is_well_formed(path: Any) -> None:
    cases = load(path)
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "case names repeat"
    positives = [c for c in cases if c["removed"]]
    negatives = [c for c in cases if not c["removed"]]
    assert len(positives) >= 3 and len(negatives) >= 2, "each reason needs positive and negative cases"
    assert {"en", "de"} <= {c["lang"] for c in positives}
    for c in cases:
        assert set(c) <= {"name", "lang", "input", "removed", "kept", "metadata", "xfail"}, c["name"]
        assert isinstance(c["input"], str) and "\n" in c["input"], (
            f"{c['name']}: input is a multi-line document"
        )
        input_lines = split_lines(c["input"])
        for r in c["removed"]:
            assert r.get("reason", path.stem) in cleaner.REASONS, c["name"]
            assert r["text"] in c["input"], f"{c['name']}: removed line not in the input"
        for k in c.get("kept", []):
            assert k in input_lines, f"{c['name']}: kept line {k!r} is not a line of the input"
        if c["removed"] and any(r.get("reason") for r in c["removed"]):
            # a positive case in <reason>.json exercises that reason
            assert any(r.get("reason") == path.stem for r in c["removed"]), c["name"]


def test_case_names_are_unique_across_files() -> None:
    seen = Counter(f"{group}:{case['name']}" for group, case in REMOVAL_CASES)
    assert max(seen.values()) == 1


# ---------------------------------------------------------------- removal cases


def _matches(removal: cleaner.Removal, spec: dict[str, Any]) -> bool:
    if removal.text.strip() != spec["text"].strip():
        return False
    if "reason" in spec and removal.reason != spec["reason"]:
        return False
    return "rule" not in spec or removal.rule == spec["rule"]


@pytest.mark.parametrize("case", _removal_params())
def test_case(case: dict[str, Any]) -> None:
    result = cleaner.clean(case["input"], kind="text")
    out = split_lines(result.text)
    if not case["removed"]:
        assert out == split_lines(case["input"]), [(r.text, r.reason, r.rule) for r in result.removed]
        assert not [r for r in result.removed if r.text.strip()]
        return

    in_counts = Counter(split_lines(case["input"]))
    out_counts = Counter(out)
    wanted = Counter(r["text"].strip() for r in case["removed"])
    for text, n in wanted.items():
        if text:  # a whitespace-only line is never an output line; its Removal is checked below
            assert out_counts[text] == in_counts[text] - n, f"not removed: {text!r}"

    # Each removed line has its own Removal (a multiset match: a duplicate's text is also kept).
    pool = list(result.removed)
    for spec in case["removed"]:
        hit = next((r for r in pool if _matches(r, spec)), None)
        got = [(r.reason, r.rule) for r in result.removed if r.text.strip() == spec["text"].strip()]
        assert hit is not None, f"no Removal {spec} (got {got})"
        pool.remove(hit)

    kept = case.get("kept", [])
    for text in kept:
        assert out_counts[text] >= 1, f"lost: {text!r}"
    assert is_subsequence(kept, out), "kept lines out of order"

    for key, value in case.get("metadata", {}).items():
        assert result.metadata.get(key) == value, key


# ---------------------------------------------------------------- repair cases


def _repair_params() -> list[Any]:
    return [param("repair", case, case) for case in REPAIR_CASES]


def test_repair_file_is_well_formed() -> None:
    names = [c["name"] for c in REPAIR_CASES]
    assert len(names) == len(set(names))
    unchanged = [c for c in REPAIR_CASES if c["input"] == c["output"]]
    changed = [c for c in REPAIR_CASES if c["input"] != c["output"]]
    assert len(unchanged) >= 10 and len(changed) >= 10
    for c in REPAIR_CASES:
        assert set(c) <= {"name", "input", "output", "xfail"}, c["name"]


@pytest.mark.parametrize("case", _repair_params())
def test_repair(case: dict[str, Any]) -> None:
    assert cleaner.repair(case["input"]) == case["output"]


@pytest.mark.parametrize("case", [pytest.param(c, id=f"repair:{c['name']}") for c in REPAIR_CASES])
def test_repair_is_idempotent(case: dict[str, Any]) -> None:
    once = cleaner.repair(case["input"])
    assert cleaner.repair(once) == once
