"""decode_bytes: BOM, declared charset, in-document declaration, UTF-8, guess, never raise."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.decode import decode_bytes, normalize_charset

FRENCH = "Le café – « cité » naïve façade, déjà vu, où l’on dîne à l’hôtel. " * 3


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_bom_wins_and_is_stripped(bom: bytes, codec: str) -> None:
    text = "Grüße — “quoted”"
    assert decode_bytes(bom + text.encode(codec), declared="iso-8859-7") == text


def test_declared_charset_is_used() -> None:
    text = "Привет, мир: новости дня."
    assert decode_bytes(text.encode("cp1251"), declared="windows-1251") == text
    assert decode_bytes(text.encode("koi8-r"), declared="KOI8-R") == text


def test_declared_charset_that_cannot_decode_falls_through() -> None:
    # Declared UTF-8, but the bytes are cp1252: the strict decode fails, the guess follows.
    assert decode_bytes(FRENCH.encode("cp1252"), declared="utf-8") == FRENCH


def test_weak_latin1_label_loses_to_valid_utf8() -> None:
    # A server default "ISO-8859-1" on a UTF-8 page must not produce mojibake.
    assert decode_bytes(FRENCH.encode("utf-8"), declared="ISO-8859-1") == FRENCH


def test_latin1_label_means_windows_1252() -> None:
    # Browsers read latin-1 pages as windows-1252: 0x93/0x94 are curly quotes, not C1 controls.
    assert decode_bytes(b"\x93quoted\x94 caf\xe9", declared="latin-1") == "“quoted” café"


def test_meta_charset() -> None:
    html = '<html><head><meta charset="windows-1251"></head><body>Привет мир</body></html>'
    assert decode_bytes(html.encode("cp1251")) == html


def test_meta_http_equiv_content_charset() -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-7">'
        "</head><body>Καλημέρα κόσμε</body></html>"
    )
    assert decode_bytes(html.encode("iso-8859-7")) == html


def test_xml_declaration() -> None:
    doc = '<?xml version="1.0" encoding="iso-8859-2"?><p>Zażółć gęślą jaźń</p>'
    assert decode_bytes(doc.encode("iso-8859-2")) == doc


def test_declared_header_beats_meta() -> None:
    html = '<meta charset="iso-8859-7"><p>Привет</p>'
    assert decode_bytes(html.encode("cp1251"), declared="cp1251") == html


def test_utf8_without_declaration() -> None:
    text = "Plain UTF-8 — with “quotes” and ünïcödé."
    assert decode_bytes(text.encode("utf-8")) == text


def test_cp1252_bytes_without_declaration() -> None:
    assert decode_bytes(FRENCH.encode("cp1252")) == FRENCH


@pytest.mark.parametrize("label", ["no-such-codec", "utf8mb5", "x-user-defined-garbage", "", "  ", "\x00"])
def test_garbage_codec_name_does_not_crash(label: str) -> None:
    assert decode_bytes("héllo wörld".encode(), declared=label) == "héllo wörld"
    html = f'<meta charset="{label}"><p>héllo wörld</p>'
    assert decode_bytes(html.encode()) == html


def test_normalize_charset() -> None:
    assert normalize_charset("UTF8") == "utf-8"
    assert normalize_charset("utf8mb4") == "utf-8"
    assert normalize_charset("latin1") == "cp1252"
    assert normalize_charset('"windows-1251"') == "cp1251"
    assert normalize_charset("bogus") is None
    assert normalize_charset(None) is None


def test_empty() -> None:
    assert decode_bytes(b"") == ""


@given(st.binary(max_size=300), st.sampled_from([None, "utf-8", "latin-1", "bogus", "utf-16", "shift_jis"]))
def test_never_raises(data: bytes, declared: str | None) -> None:
    assert isinstance(decode_bytes(data, declared), str)


@given(st.text(max_size=200))
def test_utf8_roundtrip(text: str) -> None:
    data = text.encode("utf-8")
    if data.startswith(codecs.BOM_UTF8):
        return  # a leading U+FEFF is a BOM by definition
    assert decode_bytes(data) == text
