"""Bytes -> str: pick the charset the way a browser would, then guess, never crash.

Scraped corpora carry every kind of encoding accident: a BOM, an HTTP header that
names a charset, an HTML `<meta>` that names another, or nothing at all. The order
below follows the WHATWG encoding sniffing algorithm (BOM, transport layer, in-document
declaration) and ends with a statistical guess, so that the common cases are exact and
cheap and only undeclared, non-UTF-8 bytes pay for charset-normalizer.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_bytes", "normalize_charset"]

# Longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels that browsers treat as a superset (WHATWG "Encoding" standard): pages that say
# latin-1 or ASCII are in practice windows-1252 (curly quotes and dashes in 0x80-0x9F).
_WHATWG_ALIASES: dict[str, str] = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
}

# The in-document declaration must sit in the first 1024 bytes per WHATWG; real pages put
# long scripts and comments first, so look a little further.
_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(
    rb"""<meta\b[^<>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_\-.:]+)""",
    re.IGNORECASE,
)
_XML_DECL = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_\-.:]+)""", re.IGNORECASE)


def normalize_charset(label: str | None) -> str | None:
    """The Python codec name for a charset label, or None when Python does not know it.

    Unknown or garbage labels ("utf8mb4", "x-user-defined", "none") are common in
    headers; returning None lets the caller fall through to the next step instead of
    raising `LookupError` in the middle of a batch.
    """
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label == "utf8mb4":  # MySQL's name for real UTF-8
        label = "utf-8"
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    return _WHATWG_ALIASES.get(name, name)


# Server and template defaults that are often wrong: a page "declared" latin-1 or ASCII
# whose bytes are valid, non-ASCII UTF-8 is UTF-8 (legacy 8-bit text almost never
# validates as UTF-8 by chance), so for these labels UTF-8 validity wins.
_WEAK_DECLARATIONS = frozenset({"cp1252", "iso8859-1"})


def _try_declared(data: bytes, encoding: str | None) -> str | None:
    """Decode with a declared charset, letting valid UTF-8 overrule a weak default label."""
    if encoding in _WEAK_DECLARATIONS and not data.isascii():
        text = _try(data, "utf-8")
        if text is not None:
            return text
    return _try(data, encoding)


def _try(data: bytes, encoding: str | None) -> str | None:
    """Decode strictly: a declared charset that does not fit the bytes is a lie, not an answer."""
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        if encoding == "cp1252":
            # Five bytes are undefined in cp1252; the page still said latin-1, which maps them.
            return data.decode("latin-1")
        return None


def _declared_in_document(head: bytes) -> str | None:
    """The charset a `<meta>` tag or an XML declaration names in the first bytes, if any."""
    match = _XML_DECL.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    name = normalize_charset(match.group(1).decode("ascii", "replace"))
    # If the declaration could be read as ASCII, the document is not UTF-16/32 (WHATWG).
    if name is not None and name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


# windows-1252 is by far the most common legacy charset of Western news pages, and
# charset-normalizer's language models are weak on short texts (French cp1252 comes back
# as Baltic cp1257). When cp1252 is a near-tie with the best guess, the prior wins.
_CP1252_CHAOS_SLACK = 0.2


def _guess(data: bytes) -> str | None:
    """charset-normalizer's best guess: slow-ish, so it is the last resort before replacement."""
    try:
        from charset_normalizer import from_bytes

        matches = list(from_bytes(data))
    except Exception:  # a third-party detector must never take a batch down
        return None
    if not matches:
        return None
    best = matches[0]
    for match in matches[1:]:
        if (
            normalize_charset(match.encoding) == "cp1252"
            and match.chaos <= best.chaos + _CP1252_CHAOS_SLACK
            and match.coherence >= best.coherence
        ):
            best = match
            break
    return _try(data, normalize_charset(best.encoding))


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 that lost its BOM: ASCII-range text leaves a NUL in every other byte (even
    positions for big-endian, odd for little-endian), a pattern no 8-bit or UTF-8 text has.
    Without this check such bytes pass as valid UTF-8, NULs and all, and HTML is not seen
    as HTML."""
    if len(head) < 16:
        return None
    head = head[: len(head) - len(head) % 2]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode a document's bytes to text.

    Order: a byte-order mark (it cannot be wrong by accident); UTF-16 without a BOM (NULs
    in every other byte); the `declared` charset
    (e.g. from an HTTP Content-Type header); a charset named by `<meta>` or `<?xml?>` in
    the first 4 KB; strict UTF-8 (most of the web, and legacy 8-bit text almost never
    validates by chance); charset-normalizer's guess; finally UTF-8 with U+FFFD
    replacement, so that decoding itself never fails. A declared charset that cannot
    decode the bytes, or that Python does not know, is skipped rather than trusted, and
    a latin-1/windows-1252 label loses to bytes that are valid UTF-8 (such a label is
    usually a server default, not a fact).
    """
    if not data:
        return ""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")

    text = _try(data, _utf16_without_bom(data[:_SNIFF_BYTES]))
    if text is not None:
        return text

    text = _try_declared(data, normalize_charset(declared))
    if text is not None:
        return text

    text = _try_declared(data, _declared_in_document(data[:_SNIFF_BYTES]))
    if text is not None:
        return text

    text = _try(data, "utf-8")
    if text is not None:
        return text

    text = _guess(data)
    if text is not None:
        return text
    return data.decode("utf-8", errors="replace")
