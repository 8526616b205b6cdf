"""explain.render: every line in place, removals marked with reason/rule, repairs and metadata."""

from __future__ import annotations

from cleaner.explain import document_rows, render
from cleaner.model import Removal, Repair, Result

REPAIRED = "Title\n\nFirst body line.\n\t\nAlso read\nSecond body line."
RESULT = Result(
    "Title\nFirst body line.\nSecond body line.",
    [Removal("\t", "whitespace", "blank-line", 3), Removal("Also read", "recirculation", "en.marker", 4)],
    [Repair("\u03b2", "\u2014", "lossy-greek", 2)],
    {"url": "https://e.com/a", "title": "", "site": None},
)


def test_render_plain() -> None:
    assert render(RESULT, REPAIRED, color=False).splitlines() == [
        "  Title",
        "  First body line.",
        "- '\\t'  [whitespace/blank-line]",
        "- Also read  [recirculation/en.marker]",
        "  Second body line.",
        "",
        "repairs:",
        "  'β' -> '—'  [lossy-greek] x2",
        "metadata:",
        "  url: https://e.com/a",
        "removed 2 of 5 lines (whitespace 1, recirculation 1); 2 repairs",
    ]


def test_render_color_marks_only_removed_lines() -> None:
    out = render(RESULT, REPAIRED, color=True).splitlines()
    assert out[0] == "  Title"
    assert out[3] == "\x1b[2;31m- Also read  [recirculation/en.marker]\x1b[0m"


def test_rows_fall_back_to_merge_without_repaired_text() -> None:
    # HTML: no repaired text; block indices count kept and removed blocks alike.
    html = Result(
        "Title\nFirst body line.\nSecond body line.",
        [Removal("Share this", "share", "s", 2), Removal("Also read", "recirculation", "r", 3)],
    )
    rows, exact = document_rows(html, None)
    assert not exact
    assert [t for t, _ in rows] == [
        "Title",
        "First body line.",
        "Share this",
        "Also read",
        "Second body line.",
    ]
    assert "approximate" in render(html, None)


def test_rows_fall_back_when_repaired_text_does_not_match() -> None:
    rows, exact = document_rows(RESULT, "only one line")
    assert not exact and len(rows) == 5


def test_empty_result() -> None:
    out = render(Result(""), "", color=False)
    assert "repairs: none" in out and "removed 0 of 0 lines" in out
