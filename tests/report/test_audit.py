"""cleaner.report.audit: per-document entries, the run's totals, and the bounded reproducible sample."""

from __future__ import annotations

import pickle
import random

import pytest

from cleaner.explain import document_rows
from cleaner.model import Removal, Result
from cleaner.pipeline import Cleaner
from cleaner.report import audit
from cleaner.report.audit import NO_SITE, OTHER_SITES, Audit, Entry, Sampler, entry, hist_bin, site_of


def make(label: str, kept: int, removed: dict[str, int] | None = None, site: str = "a.com") -> Entry:
    """An entry with `kept` characters kept and, per rule "reason.x", that many removed."""
    gone = tuple(
        ("x" * n, rule.split(".")[0], rule, i) for i, (rule, n) in enumerate((removed or {}).items())
    )
    return Entry(label, site, "k" * kept, gone, ())


def test_share_counts_kept_and_removed_text() -> None:
    e = make("d", 60, {"promo.app": 30, "share.bar": 10})
    assert e.removed_chars == 40 and e.kept_chars == 60
    assert e.share == pytest.approx(0.4)
    assert make("empty", 0).share == 0.0


@pytest.mark.parametrize(
    ("site", "url", "meta_url", "expected"),
    [
        ("given", "https://www.x.org/a", None, "given"),
        (None, "https://www.x.org/a", None, "x.org"),
        (None, None, "https://news.y.com/p?q=1", "news.y.com"),
        (None, "not a url", None, NO_SITE),
        (None, "http://[bad", "https://z.net/", "z.net"),
        (None, None, None, NO_SITE),
    ],
)
def test_site_of(site: str | None, url: str | None, meta_url: str | None, expected: str) -> None:
    assert site_of(site, url, meta_url) == expected


def test_entry_places_removed_lines_exactly_for_text() -> None:
    source = "Title\n\nAlso read\nBody one.\n\t\nBody two."
    result = Result(
        "Title\nBody one.\nBody two.",
        [Removal("Also read", "recirculation", "r", 2), Removal("\t", "whitespace", "w", 4)],
        [],
        {"url": "https://m.org/x"},
    )
    text = entry("f.txt", source, "text", result, None, None)
    assert text.site == "m.org" and text.layout == (-1, 0, -1, 1, -1)
    rows, exact = text.rows()
    assert exact and [(t, r.rule if r else None) for t, r in rows] == [
        ("Title", None), ("Also read", "r"), ("Body one.", None), ("\t", "w"), ("Body two.", None)
    ]  # fmt: skip
    html = entry("f.html", "<html>", "html", result, None, None)
    assert html.layout is None and not html.rows()[1] and len(html.rows()[0]) == 5


def test_entry_layout_goes_through_the_repaired_text() -> None:
    # "\r" becomes a newline in the repair stage: every later line moves down by one, and
    # Removal.line counts the repaired lines, so the raw input would misplace the removal.
    source = (
        "The council met on Monday to discuss the bridge.\rIt has been closed since the storms.\n\n"
        "Also read\nRepairs will start in spring, officials said on Tuesday."
    )
    result = Cleaner().clean(source, kind="text")
    assert [r.rule for r in result.repairs] == ["newline"] and [r.text for r in result.removed] == [
        "Also read"
    ]
    assert not document_rows(result, source)[1]
    rows, exact = entry("f.txt", source, "text", result, None, None).rows()
    assert exact and [t for t, _ in rows] == [
        "The council met on Monday to discuss the bridge.",
        "It has been closed since the storms.",
        "Also read",
        "Repairs will start in spring, officials said on Tuesday.",
    ]


def test_model_removals_carry_score_and_evidence_through_the_entry() -> None:
    source = "Body one.\nSubscribe now\nBody two.\nAlso read"
    evidence = ("w=subscribe (-0.90)", "short (-0.40)")
    removed = [
        Removal("Subscribe now", "promo", "model.promo", 1, 0.031, evidence),
        Removal("Also read", "recirculation", "en.recirc.exact", 3),
    ]
    result = Result("Body one.\nBody two.", removed, [])
    e = pickle.loads(pickle.dumps(entry("f.txt", source, "text", result, None, None)))
    # a rule's removal stays a 4-tuple (as cheap to send as before); a model removal adds two fields
    assert e.removed == (
        ("Subscribe now", "promo", "model.promo", 1, 0.031, evidence),
        ("Also read", "recirculation", "en.recirc.exact", 3),
    )
    assert e.result().removed == removed  # score and evidence come back, None and () for rules
    assert [r for _, r in e.rows()[0] if r] == removed
    a = Audit()
    a.add(e)
    assert a.by_rule == {"model.promo": ["promo", 1, 13], "en.recirc.exact": ["recirculation", 1, 9]}
    assert a.by_reason == {"promo": 13, "recirculation": 9} and a.removed_chars == 22


@pytest.mark.parametrize(
    ("share", "expected"), [(0.0, 0), (0.001, 1), (0.1, 1), (0.1001, 2), (0.55, 6), (0.9999, 10), (1.0, 10)]
)
def test_hist_bins(share: float, expected: int) -> None:
    assert hist_bin(share) == expected


def test_audit_totals_per_reason_rule_repair_and_site() -> None:
    a = Audit(threshold=0.5)
    a.add(make("1", 90, {"promo.app": 10}, site="a.com"))
    a.add(make("2", 20, {"promo.app": 50, "share.bar": 30}, site="b.com"))
    rep = Entry("3", "a.com", "text", (), (("β", "—", "lossy", 3), ("\u200b", "", "invisible", 1)))
    a.add(rep)
    a.add_error("bad.jsonl:4", "not JSON")

    assert (a.docs, a.errors) == (3, 1)
    assert a.removed_chars == 90 and a.kept_chars == 90 + 20 + 4
    assert a.by_reason == {"promo": 60, "share": 30}
    assert a.by_rule["promo.app"] == ["promo", 2, 60]
    assert a.by_rule["share.bar"] == ["share", 1, 30]
    assert a.repairs == {"lossy": 3, "invisible": 1}
    assert a.repair_examples["lossy"] == ("β", "—")
    assert sum(a.hist) == 3 and a.hist[0] == 1 and a.hist[1] == 1 and a.hist[8] == 1  # 0, 10 %, 80 %
    assert a.sites["a.com"].docs == 2 and a.sites["b.com"].rules == {"promo.app": 50, "share.bar": 30}
    assert a.sites["b.com"].share == pytest.approx(0.8)
    assert a.heavy == 1 and a.heavy_sorted() == [(pytest.approx(0.8), "2", "b.com", "promo")]
    assert a.error_list == [("bad.jsonl:4", "not JSON")]


def test_audit_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "MAX_SITES", 3)
    monkeypatch.setattr(audit, "MAX_LISTED", 4)
    a = Audit(threshold=0.1)
    for i in range(50):
        a.add(make(f"d{i}", 100 - i, {"ad.label": i + 20}, site=f"s{i}.com"))
        a.add_error(f"e{i}", "bad")
    assert len(a.sites) == 4 and a.sites[OTHER_SITES].docs == 47
    assert a.heavy == 50 and a.errors == 50
    assert len(a.heavy_list) == 4 and len(a.error_list) == 4
    assert [label for _, label, _, _ in a.heavy_sorted()] == ["d49", "d48", "d47", "d46"]  # most cut


def corpus(n: int = 300) -> list[Entry]:
    rng = random.Random(7)
    return [make(f"doc{i}", 100, {"promo.x": rng.randrange(0, 100)}) for i in range(n)]


def labels(sampler: Sampler, docs: list[Entry]) -> list[str]:
    for e in docs:
        sampler.add(e)
    return [s.entry.label for s in sampler.sample()]


def test_sample_has_n_documents_with_the_extremes() -> None:
    docs = corpus()
    picked = Sampler(20, seed=1)
    for e in docs:
        picked.add(e)
    sample = picked.sample()
    assert len(sample) == 20 and len({s.entry.label for s in sample}) == 20
    shares = sorted(e.share for e in docs)
    assert max(s.entry.share for s in sample) == shares[-1]
    assert min(s.entry.share for s in sample) == shares[0]
    assert [s.why for s in sample].count("most") == 2 and [s.why for s in sample].count("least") == 2


def test_sample_is_reproducible_and_independent_of_input_order() -> None:
    docs = corpus()
    first = labels(Sampler(25, seed=3), docs)
    assert labels(Sampler(25, seed=3), docs) == first
    shuffled = docs[:]
    random.Random(1).shuffle(shuffled)
    assert sorted(labels(Sampler(25, seed=3), shuffled)) == sorted(first)
    assert set(labels(Sampler(25, seed=4), docs)) != set(first)


def test_sample_follows_record_ids_not_where_they_are_read_from() -> None:
    here = [Entry(f"a.jsonl:{i} [r{i}]", "s", "t", (), (), key=f"r{i}") for i in range(200)]
    there = [Entry(f"x/b.jsonl:{i + 1} [r{i}]", "s", "t", (), (), key=f"r{i}") for i in range(200)]
    unkeyed = [Entry(f"a.jsonl:{i} [r{i}]", "s", "t", (), ()) for i in range(200)]
    assert sorted(labels(Sampler(10), here)) != sorted(labels(Sampler(10), there))  # labels differ...
    keys = [{s.entry.key for s in sampler.sample()} for sampler in map(filled, (here, there))]
    assert keys[0] == keys[1]  # ...the records are the same
    assert {s.entry.label for s in filled(unkeyed).sample()} != {f"a.jsonl:{k[1:]} [{k}]" for k in keys[0]}


def filled(docs: list[Entry]) -> Sampler:
    sampler = Sampler(10)
    for e in docs:
        sampler.add(e)
    return sampler


def test_sample_is_spread_over_the_input_not_its_start() -> None:
    docs = corpus(1000)
    picked = labels(Sampler(50, seed=0, extremes=0), docs)
    positions = sorted(int(label[3:]) for label in picked)
    assert positions[0] < 200 and positions[-1] > 800
    assert 300 < sum(positions) / len(positions) < 700


def test_sampler_memory_is_bounded_and_small_samples_work() -> None:
    s = Sampler(10, seed=0)
    for e in corpus(500):
        s.add(e)
        assert len(s._random) <= 10 and len(s._most) <= 1 and len(s._least) <= 1
    assert len(s.sample()) == 10
    assert labels(Sampler(0), corpus(5)) == []
    assert len(labels(Sampler(1), corpus(5))) == 1
    assert len(labels(Sampler(50), corpus(5))) == 5
