"""Loading the JSON cases under fixtures/cases and the seed documents (shared by the test modules).

A removal case file (`<reason>.json`) is a list of
    {"name", "lang", "input", "removed": [{"text", "reason"?, "rule"?}], "kept": [...],
     "metadata"?: {...}, "xfail"?: "why"}
where `removed: []` makes a negative case (clean text that must come out unchanged).
`repair.json` is a list of {"name", "input", "output", "xfail"?}.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cleaner.model import REASONS

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "fixtures" / "cases"
SEEDS = ROOT / "fixtures" / "seeds"
REPAIR_FILE = CASES / "repair.json"

# The reasons the text path produces (site-repeated needs a corpus, no-content needs HTML).
TEXT_REASONS = tuple(r for r in REASONS if r not in ("site-repeated", "no-content", "page-type"))


def load(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{path.name}: a case file is a JSON list"
    return data


def removal_files() -> list[Path]:
    return sorted(p for p in CASES.glob("*.json") if p != REPAIR_FILE)


def removal_cases() -> list[tuple[str, dict[str, Any]]]:
    return [(path.stem, case) for path in removal_files() for case in load(path)]


def param(group: str, case: dict[str, Any], *args: Any) -> Any:
    """A pytest.param for a case, strict-xfail when the case says so."""
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
    return pytest.param(*args, id=f"{group}:{case['name']}", marks=marks)


def seed_inputs() -> list[Path]:
    return sorted((SEEDS / "input").glob("*.txt"))


def lines(text: str) -> list[str]:
    """Stripped lines, blank ones dropped: how outputs are compared."""
    return [s for s in (line.strip() for line in text.split("\n")) if s]


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    """True when `needle` occurs in `haystack` in order (not necessarily contiguous)."""
    it = iter(haystack)
    return all(any(x == y for y in it) for x in needle)
