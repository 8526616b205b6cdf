"""The audit report as one self-contained HTML page: totals, charts, sites, a sample.

Self-contained because a report is mailed, archived and opened from disk: the styles and
the small script (cleaner/assets) are inlined, the charts are inline SVG drawn here, and a
Content-Security-Policy forbids every fetch, so a page that names a URL never loads it.
Everything from the corpus is escaped. The page reads without the script; the script
only filters the sample by reason and by a search string.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from importlib import resources

from ..model import REASONS, Removal
from .audit import HIST_BINS, Audit, Sample

__all__ = ["render", "REASON_COLOURS"]

#: One colour a reason, readable on white (as text) and as a bar.
REASON_COLOURS: dict[str, str] = dict(
    zip(
        REASONS,
        (
            "#c0392b", "#d35400", "#8e44ad", "#2c3e50", "#16a085", "#b7950b", "#7f8c8d",
            "#5d6d7e", "#2471a3", "#a04000", "#1e8449", "#884ea0", "#17202a", "#909497", "#6e2c00", "#0e6655",
        ),
        strict=False,
    )
)  # fmt: skip
OTHER_COLOUR = "#555555"
#: A sampled document shows at most this many lines and characters (a 30 MB page would
#: otherwise make the report as large as the corpus).
MAX_LINES = 600
MAX_CHARS = 200_000
TOP_SITES = 100
TOP_RULES = 60
FOLD = 15  # rows of a table shown before "N more"
SCORER_RULES = "model."  # the learned scorer's rule ids (score.remove)
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _asset(name: str) -> str:
    return resources.files("cleaner").joinpath("assets").joinpath(name).read_text(encoding="utf-8")


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _colour(reason: str) -> str:
    return REASON_COLOURS.get(reason, OTHER_COLOUR)


# -- charts ----------------------------------------------------------------------------------


def _bars(items: Sequence[tuple[str, int, str]], total: int, unit: str) -> str:
    """A horizontal bar chart: (label, value, colour) per row, values as share of total."""
    if not items:
        return '<p class="none">Nothing was removed.</p>'
    top = max(v for _, v, _ in items) or 1
    row, width, left = 22, 540, 120
    out = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {row * len(items) + 4}" '
        f'width="{width}" height="{row * len(items) + 4}">'
    ]
    for i, (label, value, colour) in enumerate(items):
        y = i * row + 2
        w = max(1, round((width - left - 170) * value / top))
        share = f" ({_pct(value / total)})" if total else ""
        out.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{_e(label)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w}" height="{row - 6}" fill="{colour}">'
            f"<title>{_e(label)}: {value:,} {unit}{share}</title></rect>"
            f'<text x="{left + w + 6}" y="{y + 15}">{value:,}{_e(share)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _histogram(hist: Sequence[int]) -> str:
    """Documents by share of their text removed: 0 %, then tenths."""
    labels = ["0", *(f"≤{10 * i}" for i in range(1, HIST_BINS))]
    top = max(hist) or 1
    col, height, base = 46, 220, 190
    width = col * len(hist) + 10
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">']
    for i, (label, n) in enumerate(zip(labels, hist, strict=True)):
        h = round(160 * n / top)
        x = 5 + i * col
        out.append(
            f'<rect x="{x + 6}" y="{base - h}" width="{col - 12}" height="{h}" class="bar">'
            f"<title>{n:,} documents with {label}% removed</title></rect>"
            f'<text x="{x + col / 2}" y="{base - h - 4}" text-anchor="middle">{n:,}</text>'
            f'<text x="{x + col / 2}" y="{base + 16}" text-anchor="middle">{_e(label)}%</text>'
        )
    out.append("</svg>")
    return "".join(out)


# -- sections ----------------------------------------------------------------------------------


def _totals(a: Audit) -> str:
    cards = [
        ("documents", f"{a.docs:,}"),
        ("errors", f"{a.errors:,}"),
        ("characters of text", f"{a.kept_chars + a.removed_chars:,}"),
        ("characters removed", f"{a.removed_chars:,} ({_pct(a.share)})"),
        ("repairs", f"{sum(a.repairs.values()):,}"),
        *_scorer_card(a),
        (f"documents over {_pct(a.threshold)} removed", f"{a.heavy:,}"),
    ]
    body = "".join(f'<div class="card"><b>{v}</b><span>{_e(k)}</span></div>' for k, v in cards)
    return f'<section id="totals"><h2>Totals</h2><div class="cards">{body}</div></section>'


def _scorer_card(a: Audit) -> list[tuple[str, str]]:
    """Lines the learned scorer removed (rules model.*, each also in the rules table), when
    it removed any: how much of a run rests on a probability rather than a rule."""
    lines = sum(slot[1] for rule, slot in a.by_rule.items() if rule.startswith(SCORER_RULES))
    return [("lines removed by the scorer", f"{lines:,}")] if lines else []


def _charts(a: Audit) -> str:
    reasons = [(r, n, _colour(r)) for r, n in a.by_reason.most_common()]
    total = a.kept_chars + a.removed_chars
    return (
        '<section id="charts"><h2>Where the removed text went</h2><div class="row">'
        f"<figure><figcaption>Characters removed per reason</figcaption>{_bars(reasons, total, 'chars')}"
        "</figure><figure><figcaption>Documents by share of their text removed (%)</figcaption>"
        f"{_histogram(a.hist)}</figure></div></section>"
    )


def _table(head: Iterable[str], rows: Sequence[Iterable[str]], cls: str = "", fold: int = FOLD) -> str:
    """A table; past `fold` rows the rest waits behind a <details> (no script needed)."""
    th = "<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead>"

    def body(part: Sequence[Iterable[str]]) -> str:
        trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in part)
        return f'<table class="{cls}">{th}<tbody>{trs}</tbody></table>'

    if len(rows) <= fold + 2:
        return body(rows)
    return (
        f"{body(rows[:fold])}<details><summary>{len(rows) - fold} more</summary>{body(rows[fold:])}</details>"
    )


def _meter(share: float, colour: str = "#2471a3") -> str:
    width = max(0.0, min(100.0, 100 * share))
    return f'<span class="meter"><i style="width:{width:.1f}%;background:{colour}"></i></span>'


def _reason_tag(reason: str) -> str:
    return f'<span class="tag" style="--c:{_colour(reason)}">{_e(reason)}</span>'


def _rules(a: Audit) -> str:
    ranked = sorted(a.by_rule.items(), key=lambda kv: (-kv[1][2], kv[0]))
    top = ranked[0][1][2] if ranked else 1
    rows = [
        [f"<code>{_e(rule)}</code>", _reason_tag(reason), f"{lines:,}", f"{chars:,}",
         _meter(chars / top, _colour(reason))]
        for rule, (reason, lines, chars) in ranked[:TOP_RULES]
    ]  # fmt: skip
    more = f"<p>and {len(ranked) - TOP_RULES} more rules.</p>" if len(ranked) > TOP_RULES else ""
    removals = _table(("rule", "reason", "lines", "characters", ""), rows, "rules") if rows else ""
    reps = [
        [f"<code>{_e(rule)}</code>", f"{n:,}", _repair_pair(*a.repair_examples.get(rule, ("", "")))]
        for rule, n in a.repairs.most_common()
    ]
    repairs = _table(("rule", "repairs", "example"), reps) if reps else '<p class="none">No repairs.</p>'
    return (
        f'<section id="rules"><h2>Removals per rule</h2>{removals or "<p class=none>None.</p>"}{more}'
        f"<h2>Repairs per rule</h2>{repairs}</section>"
    )


def _repair_pair(before: str, after: str) -> str:
    return f'<code class="before">{_e(repr(before))}</code> → <code class="after">{_e(repr(after))}</code>'


def _sites(a: Audit) -> str:
    ranked = sorted(a.sites.items(), key=lambda kv: (-kv[1].docs, kv[0]))
    rows = []
    for site, s in ranked[:TOP_SITES]:
        rules = ", ".join(f"<code>{_e(r)}</code> {n:,}" for r, n in s.rules.most_common(3))
        rows.append([_e(site), f"{s.docs:,}", f"{_pct(s.share)} {_meter(s.share)}", rules or "—"])
    more = (
        f"<p>The {TOP_SITES} sites with most documents, of {len(ranked):,}:</p>"
        if len(ranked) > TOP_SITES
        else ""
    )
    head = ("site", "documents", "share removed", "top rules (characters)")
    return f'<section id="sites"><h2>Sites</h2>{more}{_table(head, rows, "sites")}</section>'


def _heavy(a: Audit, anchors: dict[str, str]) -> str:
    listed = a.heavy_sorted()
    rows = []
    for share, label, site, top in listed:
        name = f'<a href="#{anchors[label]}">{_e(label)}</a>' if label in anchors else _e(label)
        rows.append([_pct(share), name, _e(site), _reason_tag(top) if top else ""])
    most = f"The {len(listed)} most cut:" if a.heavy > len(listed) else ""
    intro = (
        f"<p>{a.heavy:,} documents lost more than {_pct(a.threshold)} of their text — where a "
        f"cleaner most likely erred. {most}</p>"
    )
    table = _table(("removed", "document", "site", "main reason"), rows) if rows else ""
    return f'<section id="heavy"><h2>Most cut documents</h2>{intro}{table}</section>'


def _errors(a: Audit) -> str:
    if not a.errors:
        return '<section id="errors"><h2>Errors</h2><p class="none">No record failed.</p></section>'
    items = "".join(f"<li><b>{_e(label)}</b>: {_e(msg)}</li>" for label, msg in a.error_list)
    more = f"<p>and {a.errors - len(a.error_list):,} more.</p>" if a.errors > len(a.error_list) else ""
    head = f"<h2>Errors ({a.errors:,})</h2>"
    return f'<section id="errors">{head}<ul class="errors">{items}</ul>{more}</section>'


def _score_note(removal: Removal) -> str:
    """For a removal by the learned scorer: its probability of article text and the features
    that pushed it out, as `cleaner explain` shows them; "" for a rule's removal."""
    if removal.score is None:
        return ""
    evidence = f" · evidence: {', '.join(removal.evidence)}" if removal.evidence else ""
    return f" · p={removal.score:.2f}{evidence}"


_WHY = {"most": "most changed", "least": "least changed", "random": "random pick"}


def _document(s: Sample, anchor: str, heavy: bool) -> str:
    e = s.entry
    rows, exact = e.rows()
    reasons = sorted({r[1] for r in e.removed})
    lines: list[str] = []
    chars = 0
    for text, removal in rows:
        if len(lines) >= MAX_LINES or chars >= MAX_CHARS:
            lines.append(f'<p class="cut">… {len(rows) - len(lines)} more lines not shown</p>')
            break
        chars += len(text)
        if removal is None:
            lines.append(f'<p class="k">{_e(text)}</p>')
        else:
            shown = text if text.strip() else repr(text)
            hover = (
                f"removed: {removal.reason} · rule {removal.rule}{_score_note(removal)} · {len(text)} chars"
                f" · line {removal.line + 1}"
            )
            score = "" if removal.score is None else f' data-score="{removal.score:.3f}"'
            lines.append(
                f'<p class="r" data-reason="{_e(removal.reason)}"{score} '
                f'style="--c:{_colour(removal.reason)}" '
                f'title="{_e(hover)}"><span class="why">{_e(removal.reason)}</span><s>{_e(shown)}</s></p>'
            )
    if not exact and e.removed:
        lines.append('<p class="note">Positions of removed lines are approximate (HTML input).</p>')
    reps = "".join(
        f"<li>{_repair_pair(before, after)} <code>{_e(rule)}</code> ×{count}</li>"
        for before, after, rule, count in e.repairs
    )
    badges = "".join(_reason_tag(r) for r in reasons)
    flag = ' <span class="flag">over threshold</span>' if heavy else ""
    return (
        f'<article class="doc" id="{anchor}" data-reasons="{_e(" ".join(reasons))}" '
        f'data-share="{e.share:.4f}"><header><h3>{_e(e.label)}</h3>'
        f'<span class="site">{_e(e.site)}</span> <b>{_pct(e.share)} removed</b> '
        f"({e.removed_chars:,} of {e.removed_chars + e.kept_chars:,} chars) "
        f'<span class="pick">{_WHY.get(s.why, s.why)}</span>{flag} {badges}</header>'
        f'<div class="lines">{"".join(lines)}</div>'
        + (f'<ul class="repairs"><li class="h">repairs</li>{reps}</ul>' if reps else "")
        + "</article>"
    )


def _sample(a: Audit, samples: Sequence[Sample], anchors: dict[str, str]) -> str:
    heavy = sorted((s for s in samples if s.entry.share > a.threshold), key=lambda s: -s.entry.share)
    rest = sorted((s for s in samples if s.entry.share <= a.threshold), key=lambda s: -s.entry.share)
    reasons = sorted({r[1] for s in samples for r in s.entry.removed})
    options = "".join(f'<option value="{_e(r)}">{_e(r)}</option>' for r in reasons)
    controls = (
        '<div class="controls"><label>Reason <select id="reason"><option value="">all</option>'
        f'{options}</select></label> <label>Search <input id="q" type="search" '
        'placeholder="words in the documents"></label> <label><input id="only" type="checkbox"> '
        'only removed lines</label> <span id="shown"></span></div>'
    )
    parts = [f'<section id="sample"><h2>Sample of {len(samples)} documents</h2>{controls}']
    if heavy:
        title = f"Lost more than {_pct(a.threshold)} of their text ({len(heavy)})"
        parts.append(f'<h3 class="group">{title}</h3>')
        parts.extend(_document(s, anchors[s.entry.label], True) for s in heavy)
    if rest:
        parts.append(f'<h3 class="group">The rest, most cut first ({len(rest)})</h3>')
        parts.extend(_document(s, anchors[s.entry.label], False) for s in rest)
    parts.append("</section>")
    return "".join(parts)


def render(
    audit: Audit,
    samples: Sequence[Sample],
    *,
    title: str = "",
    settings: dict[str, str] | None = None,
    complete: bool = True,
) -> str:
    """The whole page. `complete`: False when the run was interrupted (the page says so)."""
    anchors = {s.entry.label: f"doc-{i}" for i, s in enumerate(samples)}
    facts = " · ".join(f"{_e(k)}: <code>{_e(v)}</code>" for k, v in (settings or {}).items())
    partial = (
        '<p class="partial">The run was interrupted: this report covers only the records read until then.</p>'
        if not complete
        else ""
    )
    nav = "".join(
        f'<a href="#{i}">{t}</a>'
        for i, t in (("totals", "Totals"), ("charts", "Charts"), ("rules", "Rules"), ("sites", "Sites"),
                     ("heavy", "Most cut"), ("errors", "Errors"), ("sample", "Sample"))
    )  # fmt: skip
    body = "".join(
        (
            _totals(audit), _charts(audit), _rules(audit), _sites(audit), _heavy(audit, anchors),
            _errors(audit), _sample(audit, samples, anchors),
        )
    )  # fmt: skip
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title or 'cleaner report')}</title><style>{_asset('report.css')}</style></head>"
        '<body><script>window.onerror=function(m,s,l){var d=document.getElementById("js-errors");'
        'if(d){d.hidden=false;d.textContent+=m+" (line "+l+")\\n";}};</script>'
        '<pre id="js-errors" hidden></pre>'
        f'<header class="top"><h1>{_e(title or "Cleaning report")}</h1><p>{facts}</p>{partial}'
        f"<nav>{nav}</nav></header><main>{body}</main><script>{_asset('report.js')}</script></body></html>\n"
    )
