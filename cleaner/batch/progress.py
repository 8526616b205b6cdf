"""What a `cleaner clean` run shows on stderr: the progress bar while it runs, the summary
at its end (counts and speed, what was removed, and the books of cleaner.batch.books)."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from . import engine as batch

if TYPE_CHECKING:
    from .books import Books
    from .engine import Stats
    from .sources import Source

__all__ = ["open_bar", "show_progress", "summary"]

PROG = "cleaner"


def open_bar(stderr: IO[str], sources: Callable[[], list[Source]], progress: bool | None, quiet: bool) -> Any:
    """A tqdm bar over the inputs' bytes: on a terminal (unless quiet) or when asked; else None."""
    show = progress
    if show is None:
        show = hasattr(stderr, "isatty") and stderr.isatty() and not quiet
    if not show:
        return None
    from tqdm import tqdm

    total = batch.sizes(sources())
    return tqdm(
        total=total or None, unit="B", unit_scale=True, unit_divisor=1000,
        desc=PROG, file=stderr, smoothing=0.05, mininterval=0.5, dynamic_ncols=True,
    )  # fmt: skip


def show_progress(bar: Any, stats: Stats, elapsed: float) -> None:
    done = stats.docs + stats.errors
    bar.set_postfix_str(
        f"{done:,} docs, {done / max(elapsed, 1e-9):,.0f} docs/s, {stats.errors} errors", refresh=False
    )


def summary(stats: Stats, books: Books, workers: int, resumed: int, elapsed: float) -> str:
    """The end-of-run lines: counts and speed, what was removed, the books."""
    s = stats
    secs = max(elapsed, 1e-9)
    lines = [
        f"{s.docs:,} documents, {s.errors:,} errors in {elapsed:.1f} s "
        f"({s.chars_in / 1e6 / secs:.1f} M chars/s, {(s.docs + s.errors) / secs:,.0f} docs/s, "
        f"{workers} worker{'s' if workers != 1 else ''})"
    ]
    if resumed:
        lines.append(f"resumed: {resumed:,} records were done by the interrupted run")
    removed = sum(s.removed.values())
    share = f" ({100 * removed / s.chars_in:.1f}% of {s.chars_in:,})" if s.chars_in else ""
    detail = ", ".join(f"{k} {v:,}" for k, v in sorted(s.removed.items(), key=lambda kv: -kv[1]))
    lines.append(f"removed {removed:,} chars{share}" + (f": {detail}" if detail else ""))
    lines.append(f"repairs: {s.repairs:,}")
    lines.append(books.summary() + (" (this run)" if resumed else ""))
    return "".join(f"{PROG}: {line}\n" for line in lines)
