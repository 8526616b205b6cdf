"""The public contract (DESIGN.md): names, Config, Cleaner, clean() on str/bytes/HTML, Result."""

from __future__ import annotations

import ast
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import cleaner

INIT = Path(cleaner.__file__)

ARTICLE = (
    "Council backs bus plan\n"
    "The city council approved a revised budget on Tuesday after a four-hour session that ran late.\n"
    "Advertisement\n"
    "The plan shifts about 12 million dollars from road repairs to public transport, officials said.\n"
)


# ---------------------------------------------------------------- __all__


def _public_names_defined_in_init() -> set[str]:
    """Names bound at the top level of cleaner/__init__.py (imports, defs, assignments)."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            names.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not n.startswith("_") or n == "__version__"} - {"annotations"}


def test_all_names_exist() -> None:
    missing = [name for name in cleaner.__all__ if not hasattr(cleaner, name)]
    assert missing == []
    assert len(set(cleaner.__all__)) == len(cleaner.__all__)


def test_all_lists_every_public_name_of_init() -> None:
    assert _public_names_defined_in_init() - set(cleaner.__all__) == set()


def test_contract_names_are_public() -> None:
    for name in ("clean", "repair", "Cleaner", "Config", "Result", "Removal", "Repair", "REASONS"):
        assert name in cleaner.__all__


def test_exception_tree() -> None:
    assert issubclass(cleaner.ConfigError, cleaner.CleanerError)
    assert issubclass(cleaner.InputError, cleaner.CleanerError)
    assert issubclass(cleaner.CleanerError, Exception)


def test_reasons_are_the_designed_closed_set() -> None:
    designed = {
        "recirculation", "promo", "prompt", "comments", "share", "ad", "disclaimer", "legal",
        "navigation", "caption", "kicker", "duplicate", "site-repeated", "whitespace",
    }  # fmt: skip
    assert designed <= set(cleaner.REASONS)
    assert len(set(cleaner.REASONS)) == len(cleaner.REASONS)


# ---------------------------------------------------------------- Config


def test_config_is_frozen() -> None:
    config = cleaner.Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.mode = "aggressive"  # type: ignore[misc]


@pytest.mark.parametrize("options", [{"mode": "strict"}, {"mode": ""}, {"kind": "pdf"}, {"kind": "TEXT"}])
def test_config_validates_mode_and_kind(options: dict[str, str]) -> None:
    with pytest.raises(cleaner.ConfigError):
        cleaner.Config(**options)  # type: ignore[arg-type]


def test_config_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        cleaner.Config(mode="nope")


@pytest.mark.parametrize("mode", ["conservative", "default"])
def test_config_accepts_known_modes(mode: str) -> None:
    assert cleaner.Config(mode=mode).mode == mode


def test_config_with_returns_a_changed_copy() -> None:
    base = cleaner.Config()
    changed = base.with_(mode="conservative")
    assert changed.mode == "conservative" and base.mode == "default"
    with pytest.raises(cleaner.ConfigError):
        base.with_(no_such_option=True)
    with pytest.raises(cleaner.ConfigError):
        base.with_(mode="bogus")


def test_config_langs_string_means_one_language() -> None:
    config = cleaner.Config(langs="en")
    assert config.langs == ("en",)
    result = cleaner.Cleaner(config).clean(ARTICLE, kind="text")
    assert "Advertisement" not in result.text.split("\n")


def test_unknown_language_pack_is_a_config_error() -> None:
    with pytest.raises(cleaner.ConfigError):
        cleaner.Cleaner(cleaner.Config(langs=("xx",)))


def test_cleaner_keyword_options() -> None:
    c = cleaner.Cleaner(mode="conservative")
    assert c.config.mode == "conservative"
    with pytest.raises(cleaner.ConfigError):
        cleaner.Cleaner(bogus=1)


# ---------------------------------------------------------------- Cleaner.clean_many


def test_clean_many_is_lazy_and_yields_one_result_per_input() -> None:
    consumed: list[int] = []

    def source() -> Iterator[str]:
        for k in range(3):
            consumed.append(k)
            yield ARTICLE.replace("Tuesday", f"day {k}")

    results = cleaner.Cleaner(kind="text").clean_many(source())
    assert consumed == []  # nothing read before the first result is asked for
    first = next(results)
    assert consumed == [0]
    assert isinstance(first, cleaner.Result) and "day 0" in first.text
    rest = list(results)
    assert consumed == [0, 1, 2]
    assert [("day 1" in r.text, "day 2" in r.text) for r in rest] == [(True, False), (False, True)]


def test_clean_many_matches_clean() -> None:
    docs: list[str | bytes] = [ARTICLE, ARTICLE.encode("utf-8"), "Just one line of text that is quite short."]
    c = cleaner.Cleaner(kind="text")
    assert [r.text for r in c.clean_many(docs)] == [c.clean(d).text for d in docs]


def test_clean_many_of_nothing() -> None:
    assert list(cleaner.Cleaner().clean_many([])) == []


# ---------------------------------------------------------------- clean() inputs


def test_clean_str_removes_and_explains() -> None:
    result = cleaner.clean(ARTICLE, kind="text")
    assert result.text.split("\n") == [
        line for line in ARTICLE.split("\n") if line and line != "Advertisement"
    ]
    assert [(r.text, r.reason, r.line) for r in result.removed] == [("Advertisement", "ad", 2)]


def test_clean_utf8_bytes() -> None:
    text = "Die Bürgermeisterin eröffnete am Dienstag die Brücke.\nSie sagte: „Das ist ein guter Tag.“\n"
    assert cleaner.clean(text.encode("utf-8"), kind="text").text == cleaner.clean(text, kind="text").text
    assert "Bürgermeisterin" in cleaner.clean(text.encode("utf-8"), kind="text").text


def test_clean_cp1252_bytes() -> None:
    text = (
        "Die Bürgermeisterin eröffnete am Dienstag die neue Brücke über den Fluss.\n"
        "„Das ist ein großer Tag für die Stadt“, sagte sie vor rund 300 Gästen.\n"
        "Die Bauarbeiten hatten fast drei Jahre gedauert und kosteten 14 Millionen Euro.\n"
    )
    raw = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    result = cleaner.clean(raw, kind="text")
    assert result.text == text.strip()


def test_clean_bytes_with_a_declared_encoding() -> None:
    """The charset an HTTP header declares decodes the bytes (a short KOI8-R text, which
    detection alone misreads with charset-normalizer 3.5)."""
    text = "Мэр открыл мост."
    raw = text.encode("koi8_r")
    assert cleaner.Cleaner().clean(raw, kind="text", encoding="koi8-r").text == text
    assert cleaner.Cleaner().clean(raw, kind="text", encoding="no-such-charset").text  # skipped, not raised


def test_clean_bytearray() -> None:
    raw = bytearray(ARTICLE.encode("utf-8"))
    assert cleaner.clean(raw, kind="text").text == cleaner.clean(ARTICLE).text  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [None, 42, 3.5, ["a list", "of lines"], {"text": "a dict"}, object()])
def test_non_text_input_raises_input_error(bad: object) -> None:
    with pytest.raises(cleaner.InputError):
        cleaner.clean(bad)  # type: ignore[arg-type]


def test_unknown_kind_at_call_time_raises() -> None:
    with pytest.raises(cleaner.CleanerError):
        cleaner.clean(ARTICLE, kind="pdf")


def test_empty_input() -> None:
    result = cleaner.clean("", kind="text")
    assert result.text == "" and result.removed == []


def test_url_goes_to_metadata() -> None:
    result = cleaner.clean(ARTICLE, url="https://news.example.org/a/1", kind="text")
    assert result.metadata["url"] == "https://news.example.org/a/1"


def test_auto_kind_treats_plain_text_as_text() -> None:
    assert cleaner.clean(ARTICLE).text == cleaner.clean(ARTICLE, kind="text").text


# ---------------------------------------------------------------- Result


def test_result_to_dict_round_trips_through_json() -> None:
    doc = "Kultur\nDie Brücke β das Wahrzeichen der Stadt β wird saniert.\n" + ARTICLE
    result = cleaner.clean(doc, url="https://news.example.org/b", kind="text")
    assert result.removed and result.repairs  # the round trip covers every field
    data = result.to_dict()
    again = json.loads(json.dumps(data, ensure_ascii=False))
    assert again == data
    rebuilt = cleaner.Result(
        text=again["text"],
        removed=[cleaner.Removal(**r) for r in again["removed"]],
        repairs=[cleaner.Repair(**r) for r in again["repairs"]],
        metadata=again["metadata"],
    )
    assert rebuilt == result


def test_removal_and_repair_are_immutable() -> None:
    removal = cleaner.Removal("Advertisement", "ad", "en.ad.label", 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        removal.reason = "promo"  # type: ignore[misc]
    repair = cleaner.Repair("β", "—", "lossy-greek-lone-beta")
    with pytest.raises(dataclasses.FrozenInstanceError):
        repair.after = "-"  # type: ignore[misc]


def test_repairs_are_reported() -> None:
    result = cleaner.clean("The plan β approved on Tuesday β takes effect in May.\n", kind="text")
    assert result.text == "The plan — approved on Tuesday — takes effect in May."
    assert result.repairs and all(r.rule for r in result.repairs)
    assert any(r.before == "β" and r.after == "—" for r in result.repairs)


# ---------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Council backs bus plan</title></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/local">Local</a></li></ul></nav>
<article>
<h1>Council backs bus plan</h1>
<p>The city council approved a revised budget on Tuesday after a four-hour session that ran late.</p>
<p>The plan shifts about 12 million dollars from road repairs to public transport, a move called overdue.</p>
<p>Opponents argued that the cuts would leave the eastern districts with crumbling streets all winter.</p>
</article>
<script>var tracking = "do not keep this";</script>
</body></html>"""


@pytest.mark.parametrize("kind", ["html", "auto"])
def test_html_page_gives_text_and_title(kind: str) -> None:
    result = cleaner.clean(PAGE, kind=kind)
    assert "<" not in result.text and ">" not in result.text
    assert "do not keep this" not in result.text
    assert "The city council approved a revised budget on Tuesday" in result.text
    assert "Opponents argued that the cuts" in result.text
    assert result.metadata.get("title") == "Council backs bus plan"


def test_html_bytes() -> None:
    result = cleaner.clean(PAGE.encode("utf-8"), kind="html")
    assert result.metadata.get("title") == "Council backs bus plan"
    assert "public transport" in result.text


def test_empty_html_page_is_no_content_not_an_error() -> None:
    result = cleaner.clean("<html><head><title>Empty</title></head><body></body></html>", kind="html")
    assert result.text == ""
    assert [r.reason for r in result.removed] == ["no-content"]


def test_html_page_with_only_navigation_is_no_content() -> None:
    result = cleaner.clean("<html><body><nav><a href='/'>Home</a></nav></body></html>", kind="html")
    assert result.text == ""
    # the DOM pass reports the <nav> it dropped, then the page has no article
    assert [(r.reason, r.rule) for r in result.removed] == [
        ("navigation", "dom.tag.nav"),
        ("no-content", "html.no-article"),
    ]
