"""UTF-8 read as ISO-8859-7 with its C1 bytes dropped: the decisions this chain needs beyond
ftfy (built here from clean text with Python's own codecs, not from the dev set)."""

from __future__ import annotations

import cleaner
from cleaner.repairs import lossy


def _iso8859_7_c1_dropped(text: str) -> str:
    raw = text.encode("utf-8")
    kept = bytes(b for b in raw if not 0x80 <= b <= 0x9F)
    return kept.decode("iso8859_7", "replace")


def test_iso8859_7_is_read_as_such_where_ftfy_reads_windows_1253() -> None:
    # "ä" is C3 A4: ISO-8859-7 gives "Γ€", which ftfy takes for Windows-1253 ("À")
    original = "Toinen hyvä apu on säännöllinen kuntoliikunta, joka nostaa sykettä."
    corrupted = _iso8859_7_c1_dropped(original)
    assert "Γ€" in corrupted
    assert cleaner.repair(corrupted) == original


def test_a_quote_inside_a_decoded_sequence_is_not_intact_punctuation() -> None:
    # "á" is C3 A1: ISO-8859-7 gives "Γ‘", a real "‘" after the lead; "ě" lost its 9B
    original = "V době bronzové byla zbudována astronomická observatoř."
    corrupted = _iso8859_7_c1_dropped(original)
    assert "‘" in corrupted
    assert cleaner.repair(corrupted) == original


def test_an_undefined_byte_read_as_a_replacement_character() -> None:
    # "®" is C2 AE; AE is undefined in ISO-8859-7, so a decoder writes U+FFFD after "Β"
    original = "Our PMBOK® Guide defines ten knowledge areas."  # ftfy leaves a lone "�"
    corrupted = _iso8859_7_c1_dropped(original)
    assert "Β\ufffd" in corrupted
    assert cleaner.repair(corrupted) == original


def test_leftover_capital_greek_leads_are_no_evidence_of_greek() -> None:
    # "ę" and "ł" lose their second byte and leave "Δ" and "Ε"; the document is Polish
    text = "Wódki siΔ nie sączy, tu nie ma po troszeczku, gorzaΕki też nie"
    assert lossy.doc_language(text) != "el"
    assert lossy.doc_language("Η αγορά της πόλης είναι ανοιχτή") == "el"
