"""Load the dev sets and build the text-mode inputs (cached under bench/.cache).

The dev sets live in ../shared/datasets (evaluation data, never shipped). Text mode
needs already-extracted text: `main` is resiliparse's main-content extraction (the
article plus the widgets around it), `full` is html_text's whole-page text.
"""

from __future__ import annotations

import json
import lzma
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
DATASETS = Path(os.environ.get("CLEANER_DATASETS", ROOT.parent.parent / "shared" / "datasets"))
CACHE = ROOT / ".cache"
SETS = ("dev-trafilatura", "dev-dragnet-train")


def pages(name: str) -> Iterator[dict[str, Any]]:
    """Yield the pages of one dev set (with their HTML)."""
    with lzma.open(DATASETS / f"{name}.jsonl.xz", "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _extract(kind: str, html: str) -> str:
    if kind == "main":
        from resiliparse.extract.html2text import extract_plain_text

        return str(extract_plain_text(html, main_content=True))
    import html_text

    return str(html_text.extract_text(html))


def text_inputs(name: str, kind: str = "main") -> list[dict[str, Any]]:
    """Pages of a dev set with `text` = the extracted text (built once, then cached)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{name}.{kind}.jsonl"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            for page in pages(name):
                html = page.pop("html")
                page["text"] = _extract(kind, html)
                out.write(json.dumps(page, ensure_ascii=False) + "\n")
        tmp.replace(path)
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


if __name__ == "__main__":
    for s in SETS:
        for k in ("main", "full"):
            print(s, k, len(text_inputs(s, k)))
