"""Text-mode baselines the cleaner must beat, each a function `str -> str`.

- `identity`: the input itself.
- `c4_lines`: the C4 line filter (Raffel et al. 2020): keep lines of >= 3 words that end
  in terminal punctuation.
- `justext_lines`: jusText run on the lines (each line becomes a <p>), with the stoplist
  of the page language (English when jusText has none).
- `ftfy_fix`: `ftfy.fix_text` — not a cleaner, a yardstick for speed.
"""

from __future__ import annotations

import html
import re
from functools import cache

# Closing characters that count as the end of a sentence (C4 keeps . ! ? and a closing ").
TERMINAL = (".", "!", "?", '"', "'", "\u201d", "\u2019", "\u00bb", "\u2026", "\u3002", "\uff01", "\uff1f")

#: ISO 639-1 code -> jusText stoplist name (the languages jusText ships that we may meet).
_LANGS = """
af=Afrikaans ar=Arabic bg=Bulgarian bn=Bengali ca=Catalan cs=Czech cy=Welsh da=Danish
de=German el=Greek en=English eo=Esperanto es=Spanish et=Estonian eu=Basque fa=Persian
fi=Finnish fr=French ga=Irish gl=Galician he=Hebrew hi=Hindi hr=Croatian hu=Hungarian
hy=Armenian id=Indonesian is=Icelandic it=Italian ka=Georgian kk=Kazakh ko=Korean
la=Latin lt=Lithuanian lv=Latvian mk=Macedonian ms=Malay nb=Norwegian_Bokmal nl=Dutch
nn=Norwegian_Nynorsk no=Norwegian_Bokmal pl=Polish pt=Portuguese ro=Romanian
ru=Russian sk=Slovak sl=Slovenian sq=Albanian sr=Serbian sv=Swedish sw=Swahili
ta=Tamil te=Telugu tl=Tagalog tr=Turkish uk=Ukrainian ur=Urdu vi=Vietnamese
"""
JUSTEXT_LANGS: dict[str, str] = dict(re.findall(r"(\w+)=(\w+)", _LANGS))


def identity(text: str) -> str:
    """The input, unchanged."""
    return text


def c4_lines(text: str) -> str:
    """Keep the lines of >= 3 words that end in terminal punctuation (C4's line rule)."""
    kept = []
    for line in text.splitlines():
        line = line.strip()
        if line.endswith(TERMINAL) and len(line.split()) >= 3:
            kept.append(line)
    return "\n".join(kept)


@cache
def _stoplist(lang: str) -> frozenset[str]:
    import justext

    name = JUSTEXT_LANGS.get(lang.lower().split("-")[0], "English")
    return frozenset(justext.get_stoplist(name))


def justext_lines(text: str, lang: str = "en") -> str:
    """jusText on the lines: each non-blank line becomes a paragraph; keep the good ones."""
    import justext

    lines = [line.strip() for line in text.splitlines()]
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines if line)
    if not body:
        return ""
    doc = f'<html><head><meta charset="utf-8"></head><body>\n{body}</body></html>'
    paragraphs = justext.justext(doc, _stoplist(lang))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def ftfy_fix(text: str) -> str:
    """ftfy's mojibake repair alone (a speed yardstick, not a cleaner)."""
    import ftfy

    return str(ftfy.fix_text(text))
