"""ftfy's own test cases (fixtures/ftfy-cases, Apache-2.0): the repair stage passes every
case ftfy passes. A case passes when `cleaner.repair(original)` equals `fixed` after
folding curly quotes on both sides (ftfy's expectations assume uncurl_quotes=True) and
after the cleaner's own normalisations beyond ftfy (NBSP to a space, invisible
characters out) are applied to `fixed`. Cases ftfy itself fails are strict xfails."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import ftfy
import pytest
from ftfy.fixes import uncurl_quotes

import cleaner

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "ftfy-cases"
FILES = ("in-the-wild", "synthetic", "negative", "language-names", "known-failures")
# The cleaner's normalisations that ftfy does not make (see cleaner/repairs/fix.py).
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Cases ftfy passes and the cleaner does not (yet): each says why.
MISSED: dict[str, str] = {}


def _normalise(text: str) -> str:
    return _INVISIBLE.sub("", text).replace("\u00a0", " ")


def _ftfy_passes(case: dict[str, Any]) -> bool:
    """ftfy's own verdict (ftfy 6.3 passes one of its known failures)."""
    return bool(
        uncurl_quotes(ftfy.fix_text(case["original"], uncurl_quotes=False)) == uncurl_quotes(case["fixed"])
    )


def _params() -> list[Any]:
    out = []
    for name in FILES:
        for i, case in enumerate(json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))):
            cid = f"{name}:{i}:{case['label'][:40]}"
            marks = []
            if case["expect"] == "fail" and not _ftfy_passes(case):
                marks.append(pytest.mark.xfail(strict=True, reason="a known failure of ftfy too"))
            elif cid in MISSED:
                marks.append(pytest.mark.xfail(strict=True, reason=MISSED[cid]))
            out.append(pytest.param(case, id=cid, marks=marks))
    return out


@pytest.mark.parametrize("case", _params())
def test_ftfy_case(case: dict[str, Any]) -> None:
    got = cleaner.repair(case["original"])
    assert uncurl_quotes(got) == uncurl_quotes(_normalise(case["fixed"]))


def test_every_file_is_there() -> None:
    for name in FILES:
        assert json.loads((CASES / f"{name}.json").read_text(encoding="utf-8")), name
