"""Load the dev sets and build the text-mode inputs (cached under bench/.cache).

The dev sets live in ../shared/datasets (evaluation data, never shipped). Text mode
needs already-extracted text: `main` is resiliparse's main-content extraction (the
article plus the widgets around it), `full` is html_text's whole-page text.
"""

from __future__ import annotations

import json
import lzma
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
DATASETS = Path(os.environ.get("CLEANER_DATASETS", ROOT.parent.parent / "shared" / "datasets"))
CACHE = ROOT / ".cache"
SETS = ("dev-trafilatura", "dev-dragnet-train", "dev-wcxb")


# Two slips of the set's builder in dev-dragnet-train's `gold`, mended on reading (every
# system is scored against the same mended gold; `repair=False` reads it as stored):
# - golds that are UTF-16 files read as Latin-1 ("\xff\xfe", then a NUL after every letter):
#   no output can match them, so they score 0 for every system and only dilute the set;
# - golds that keep their comment thread after Dragnet's own separator line
#   ("!@#$%^&*() COMMENTS"), though the set's README puts comments under `without`.
_UTF16_READ_AS_LATIN1 = "\xff\xfe"
_COMMENTS_LINE = re.compile(r"^!@#[^\n]*COMMENTS[^\n]*$", re.MULTILINE)


def repair_gold(gold: str) -> tuple[str, list[str]]:
    """The gold as its people wrote it, and which repairs it took ("utf-16", "comments")."""
    done: list[str] = []
    if gold.startswith(_UTF16_READ_AS_LATIN1) and "\x00" in gold:
        try:
            gold = gold.encode("latin-1").decode("utf-16")
            done.append("utf-16")
        except UnicodeError:
            pass  # not that slip after all: scored as stored
    cut = _COMMENTS_LINE.search(gold)
    if cut is not None:
        gold = gold[: cut.start()]
        done.append("comments")
    return gold, done


def _mend(page: dict[str, Any], repair: bool) -> dict[str, Any]:
    if repair and isinstance(page.get("gold"), str):
        page["gold"], page["gold_repairs"] = repair_gold(page["gold"])
    return page


def repairs(pages_: list[dict[str, Any]]) -> str:
    """One line for a table's header: how many golds were mended, and how."""
    done = Counter(r for p in pages_ for r in p.get("gold_repairs") or [])
    if not done:
        return ""
    what = {
        "utf-16": "decoded from UTF-16 (stored as Latin-1)",
        "comments": "cut at Dragnet's comment separator",
    }
    parts = [f"{n} {what.get(r, r)}" for r, n in sorted(done.items())]
    return "gold repaired on reading: " + "; ".join(parts) + " (`--gold-as-stored` scores them as stored)"


def pages(name: str, repair: bool = True) -> Iterator[dict[str, Any]]:
    """Yield the pages of one dev set (with their HTML), golds repaired (see repair_gold)."""
    with lzma.open(DATASETS / f"{name}.jsonl.xz", "rt", encoding="utf-8") as fh:
        for line in fh:
            yield _mend(json.loads(line), repair)


def _extract(kind: str, html: str) -> str:
    if kind == "main":
        from resiliparse.extract.html2text import extract_plain_text

        return str(extract_plain_text(html, main_content=True))
    import html_text

    return str(html_text.extract_text(html))


def text_inputs(name: str, kind: str = "main", repair: bool = True) -> list[dict[str, Any]]:
    """Pages of a dev set with `text` = the extracted text (built once, then cached; the
    cache holds the gold as stored, repaired on reading)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{name}.{kind}.jsonl"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            for page in pages(name, repair=False):
                html = page.pop("html")
                page["text"] = _extract(kind, html)
                out.write(json.dumps(page, ensure_ascii=False) + "\n")
        tmp.replace(path)
    with path.open(encoding="utf-8") as fh:
        return [_mend(json.loads(line), repair) for line in fh]


if __name__ == "__main__":
    for s in SETS:
        for k in ("main", "full"):
            print(s, k, len(text_inputs(s, k)))
