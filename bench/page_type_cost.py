"""What the page-type classifier costs: bench.html_speed with "-untyped" twins of the cleaner
(the same cleaner with `pagetype.classify` stubbed out), in the same run.

    .venv/bin/python -m bench.page_type_cost [html_speed options], e.g.
    .venv/bin/python -m bench.page_type_cost --limit 100 --slow-limit 150 --repeats 3 \\
        --systems cleaner cleaner-untyped cleaner-fast cleaner-fast-untyped trafilatura-precision trafilatura

The twins differ from the cleaner only in `metadata["page_type"]` (always "article"), so
the docs/s gap between a system and its twin is the classifier's cost in that mode.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import bench.html_speed as speed
from bench.html_quality import SYSTEMS

UNTYPED = ("cleaner-untyped", "cleaner-fast-untyped")
_make = speed.make_system


def make_system(name: str) -> Callable[[dict[str, Any]], str]:
    """html_speed's systems, plus the untyped twins (each takes a page record, as
    html_quality's systems do: {"html": ..., "page_type": ...})."""
    if name not in UNTYPED:
        return _make(name)
    import cleaner
    from cleaner import html

    c = cleaner.Cleaner(html_fast=name == "cleaner-fast-untyped")

    def untyped(*_: Any, **__: Any) -> str:
        return "article"

    def run(page: dict[str, Any]) -> str:
        real = html.classify
        html.classify = untyped
        try:
            return c.clean(page["html"], kind="html").text
        finally:
            html.classify = real

    return run


def main(argv: Sequence[str] | None = None) -> None:
    speed.make_system = make_system
    setattr(speed, "SYSTEMS", (*SYSTEMS, *UNTYPED))  # noqa: B010 - widens --systems choices
    speed.FAST = frozenset({*speed.FAST, "cleaner-fast-untyped"})
    speed.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
