"""Render a `Result` for people: the whole document, removed lines marked with their reason.

`cleaner explain` exists so a user can check a removal before trusting a batch: every
line of the (repaired) document is shown in place, kept lines plain and removed ones
marked "- ... [reason/rule]", then the repairs and the metadata.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .model import Removal, Repair, Result

__all__ = ["render", "document_rows"]

_DIM_RED = "\x1b[2;31m"
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"

Row = tuple[str, Removal | None]


def document_rows(result: Result, repaired_text: str | None) -> tuple[list[Row], bool]:
    """The document as (line, removal-or-None) rows in order, and whether positions are exact.

    Removal.line indexes the lines of the repaired text. When that text is given and its
    non-empty, non-removed lines are as many as the result's lines, rows take their
    positions from it and their content from the result (so what is shown as kept is
    exactly what the output holds). Otherwise (HTML, or a text the core reshaped) the
    result's lines and the removals are merged by index: order approximate.
    """
    kept = kept_lines(result)
    by_line: dict[int, list[Removal]] = {}
    for r in result.removed:
        by_line.setdefault(r.line, []).append(r)

    if repaired_text is not None:
        slots: list[int | Removal] = []  # int: index into `kept`
        n_kept = 0
        for i, line in enumerate(repaired_text.split("\n")):
            if i in by_line:
                slots.extend(by_line[i])
            elif line.strip():
                slots.append(n_kept)
                n_kept += 1
        if n_kept == len(kept):
            rows: list[Row] = [(kept[s], None) if isinstance(s, int) else (s.text, s) for s in slots]
            n_lines = repaired_text.count("\n") + 1
            rows.extend((r.text, r) for i in sorted(by_line) if i >= n_lines for r in by_line[i])
            return rows, True

    return _merge(kept, sorted(result.removed, key=lambda r: r.line)), False


def _merge(kept: list[str], removed: list[Removal]) -> list[Row]:
    """Merge kept lines and removals assuming block indices count both (gaps tolerated)."""
    rows: list[Row] = []
    k = 0
    for n, r in enumerate(removed):
        kept_before = max(0, min(len(kept), r.line - n))
        while k < kept_before:
            rows.append((kept[k], None))
            k += 1
        rows.append((r.text, r))
    rows.extend((line, None) for line in kept[k:])
    return rows


def _model_note(removal: Removal) -> str:
    """For a removal the learned scorer made: its score and the features that decided it."""
    if removal.score is None:
        return ""
    why = f"; {', '.join(removal.evidence)}" if removal.evidence else ""
    return f" p={removal.score:.2f}{why}"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


def _shown(text: str) -> str:
    """A removed line as shown: itself, or its repr when it is only whitespace."""
    return text if text.strip() else repr(text)


def _repair_lines(repairs: Iterable[Repair]) -> list[str]:
    return [f"  {r.before!r} -> {r.after!r}  [{r.rule}] x{r.count}" for r in repairs]


def render(result: Result, repaired_text: str | None, color: bool = False) -> str:
    """The explanation of one result as text (ANSI colours when `color`).

    Kept lines are indented by two spaces, removed lines start with "- " and end with
    "  [reason/rule]"; then the repairs (before -> after, rule, count), the metadata and
    a one-line summary. `repaired_text` is the repair stage's output for text input (the
    text Removal.line indexes); pass None for HTML input.
    """
    rows, exact = document_rows(result, repaired_text)
    out: list[str] = []
    for text, removal in rows:
        if removal is None:
            out.append(f"  {text}")
        else:
            line = f"- {_shown(text)}  [{removal.reason}/{removal.rule}{_model_note(removal)}]"
            out.append(_paint(line, _DIM_RED, color))
    if not exact and result.removed:
        out.append("(positions of removed lines are approximate)")

    out.append("")
    if result.repairs:
        out.append(_paint("repairs:", _BOLD, color))
        out.extend(_repair_lines(result.repairs))
    else:
        out.append(_paint("repairs:", _BOLD, color) + " none")

    meta = {k: v for k, v in result.metadata.items() if v not in (None, "", [], {})}
    if meta:
        out.append(_paint("metadata:", _BOLD, color))
        out.extend(f"  {k}: {v}" for k, v in meta.items())

    reasons = Counter(r.reason for r in result.removed)
    total = len(kept_lines(result)) + len(result.removed)
    detail = ", ".join(f"{reason} {n}" for reason, n in reasons.most_common())
    summary = f"removed {len(result.removed)} of {total} lines"
    if detail:
        summary += f" ({detail})"
    n_repairs = sum(r.count for r in result.repairs)
    summary += f"; {n_repairs} repair{'s' if n_repairs != 1 else ''}"
    out.append(summary)
    return "\n".join(out) + "\n"


def kept_lines(result: Result) -> list[str]:
    """The result's kept lines (none for an empty text)."""
    return result.text.split("\n") if result.text else []
