"""Guards against hostile and broken documents, checked before any parser sees them.

Each guard turns a document that would cost minutes, gigabytes or garbage output into
one clear `InputError` (one error record in a batch): too large, nested too deeply for
an HTML parser, or not text at all. The README's "Limits" table lists them.
"""

from __future__ import annotations

import re

from .errors import InputError

__all__ = ["MAX_DEPTH", "binary_kind", "check_depth", "check_size", "check_text", "nesting_depth"]

#: HTML nested deeper than this is refused. The HTML tree builder's scope checks walk the
#: stack of open elements, so parse time grows with the square of the depth (Lexbor: ~2 s
#: at 30,000 levels, ~40 s at 100,000); real pages stay under a few hundred levels, and
#: browsers themselves stop nesting at 512 (Chromium) or 1,000 levels.
MAX_DEPTH = 5_000

# Tags that never nest (void) or that the parser closes by itself (optional end tags):
# counting them would make an unclosed-<p> page look deep.
_FLAT = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb",
    "rt", "rp", "thead", "tbody", "tfoot", "colgroup", "caption", "html", "head", "body",
))  # fmt: skip
_TAG = re.compile(rb"<(/?)([a-zA-Z][a-zA-Z0-9]{0,15})")


def check_size(size: int, limit: int | None, unit: str = "characters") -> None:
    """Refuse a document over the size limit with a message that says how to lift it."""
    if limit and size > limit:
        raise InputError(
            f"document is {size:,} {unit}, over the {limit:,} limit "
            "(Config.max_size, --max-size; 0 lifts it); skipped, not truncated"
        )


def nesting_depth(html: str) -> int:
    """The deepest element nesting the markup asks for (start tags minus end tags, without
    void elements and those with optional end tags). Cheap: one regex pass, and none at all
    for a page with fewer start tags than MAX_DEPTH (which cannot nest deeper than that)."""
    tags = html.count("<")  # one-character counts are memchr-fast; "</" is not
    if tags <= MAX_DEPTH or tags - html.count("</") <= MAX_DEPTH:
        return 0  # fewer start tags than MAX_DEPTH in all: cannot nest deeper than that
    depth = deepest = 0
    for slash, name in _TAG.findall(html.encode("utf-8", "surrogatepass")):
        if name.lower().decode() in _FLAT:
            continue
        if slash:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def check_depth(html: str) -> None:
    """Refuse HTML nested deeper than MAX_DEPTH (parsers take quadratic time on it)."""
    depth = nesting_depth(html)
    if depth > MAX_DEPTH:
        raise InputError(f"HTML nested {depth:,} levels deep, over the {MAX_DEPTH:,} limit; skipped")


# Magic numbers of the binary formats most often found where a document was expected.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "gzip data"),
    (b"\x28\xb5\x2f\xfd", "zstd data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\x7fELF", "an executable"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
    (b"OggS", "Ogg media"),
)
_SNIFF = 1024
#: Share of control characters (C0 except the whitespace ones: tab, newlines, vertical tab
#: and form feed, which Word exports use as line breaks; DEL) in the first 1,024 characters above which
#: a document is binary: random or compressed bytes have ~11%, text with stray NULs a few
#: per line (~1%). U+FFFD does not count: text damaged upstream is still text.
BINARY_SHARE = 0.05
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def binary_kind(data: bytes) -> str | None:
    """What binary format undecoded bytes are (by magic number), else None."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return None


def check_text(text: str) -> None:
    """Refuse decoded content that is mostly control characters: binary data, not text."""
    head = text[:_SNIFF]
    if head.replace("\n", " ").replace("\t", " ").isprintable():  # no control character at all
        return
    controls = len(_CONTROLS.findall(head))
    if len(head) >= 64 and controls > BINARY_SHARE * len(head):
        raise InputError(f"binary data, not text ({controls / len(head):.0%} control characters); skipped")
