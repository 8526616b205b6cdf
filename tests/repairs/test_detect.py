"""The gate in front of ftfy flags exactly the lines ftfy's own detector flags.

The pair table (cleaner/repairs/detect.py) is read from `ftfy.badness.BADNESS_RE`; these tests hold
the gate to the regex itself on text built from the regex's own branches, so a table that
missed a pair, or a window that cut a match, fails here.
"""

from __future__ import annotations

import importlib

from ftfy.badness import BADNESS_RE
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.repairs import detect, fix

try:
    _parser = importlib.import_module("re._parser")
except ImportError:  # Python 3.10
    _parser = importlib.import_module("sre_parse")

# Characters for the positions of a branch that are not a plain class ("\s", "[a-z]", ".").
_FILLERS = " \xa0aZz.1é’\n\udce9😀"


def _branch_positions() -> list[list[str]]:
    """For each branch of BADNESS_RE, the characters each of its positions may take."""
    tree = _parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    branches = tree.data[0][1][1]
    out = []
    for branch in branches:
        positions = []
        for item in branch.data:
            chars = detect._chars(item)
            if chars is not None:
                positions.append(sorted(chars))
            elif item[0] is _parser.AT:
                continue
            else:
                positions.append(list(_FILLERS))
        out.append(positions)
    return out


_BRANCHES = _branch_positions()


@st.composite
def _near_mojibake(draw: st.DrawFn) -> str:
    """Fragments of the detector's branches (whole, cut short, or spliced) among ASCII words,
    spaces, newlines and clean accented text."""
    pieces = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.integers(0, 4))
        if kind == 0:
            words = ["the", "Ab", "x", "1", "café", "Straße", "«\xa0oui\xa0»", "l’été", "\udce9", "😀", "한"]
            pieces.append(draw(st.sampled_from(words)))
        elif kind == 1:
            pieces.append(draw(st.sampled_from([" ", "\n", "", "  ", "\xa0"])))
        else:
            positions = draw(st.sampled_from(_BRANCHES))
            lo = draw(st.integers(0, len(positions) - 1))
            hi = draw(st.integers(lo + 1, len(positions)))
            pieces.append("".join(draw(st.sampled_from(p)) for p in positions[lo:hi]))
    return "".join(pieces)


def _gate(text: str) -> list[int]:
    data = text.encode("utf-8", "surrogatepass")
    return fix._suspect_lines(text, data, frozenset(fix._unusual(data)))


def _detector(text: str) -> list[int]:
    return [i for i, line in enumerate(text.split("\n")) if BADNESS_RE.search(line)]


def test_table_is_derived() -> None:
    assert detect.PAIRS is not None and detect.TRIGGERS is not None


@settings(max_examples=1500, deadline=None)
@given(_near_mojibake())
def test_gate_flags_what_the_detector_flags(text: str) -> None:
    assert _gate(text) == _detector(text)


def test_gate_on_known_lines() -> None:
    text = "Straße öß «\xa0oui\xa0» l’été\nCafÃ©\nok\nâ€œquoteâ€\nMÃ \nx Ã y\n1Ã \nœ1 cœur"
    assert _gate(text) == _detector(text) == [1, 3, 5, 7]  # "MÃ ": no lowercase before it


def test_clean_pairs_are_dismissed_without_the_regex() -> None:
    for clean in ("öß", "«\xa0", "\xa0»", "’é", "äß", "çã"):
        assert not detect.run_may_pair(clean.encode())
    for bad in ("Ã©", "â€™", "Ã¼"):
        assert detect.run_may_pair(bad.encode())
    assert not detect.doc_may_pair(frozenset("öüßä’"))


def test_window_does_not_see_a_line_start_inside_the_line() -> None:
    # "Ã " matches BADNESS_RE's "^[ÃÂ][ ]" only at a line's start. Here it opens the window
    # (32 bytes) around "α¤", a pair of the table that the regex then needs a letter before.
    text = "1" * 40 + "Ã " + "y" * 28 + " α¤"
    assert detect.run_may_pair("α¤".encode())
    assert BADNESS_RE.search(text.encode()[40:].decode())  # what the window would see from its start
    assert _gate(text) == _detector(text) == []
