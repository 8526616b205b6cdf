"""`cleaner report` / `clean --report`: the page's structure, its numbers, errors, self-containment."""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from cleaner import cli
from cleaner.batch import report
from cleaner.model import Removal, Result
from cleaner.pipeline import Cleaner
from cleaner.report import audit
from cleaner.report.audit import Audit, Entry, Sample
from cleaner.report.page import MAX_LINES, render

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "fixtures" / "seeds" / "input"
PAGES = ROOT / "fixtures" / "html"


def page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def docs(soup: BeautifulSoup) -> list[Tag]:
    return soup.select("article.doc")


def card(soup: BeautifulSoup, name: str) -> str:
    for c in soup.select("#totals .card"):
        if c.span is not None and c.span.get_text() == name and c.b is not None:
            return c.b.get_text()
    raise AssertionError(f"no card {name!r}")


def assert_self_contained(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("link") is None and soup.find("iframe") is None and soup.find("img") is None
    assert not soup.select("[src]"), "nothing is loaded from anywhere"
    assert all(a["href"].startswith("#") for a in soup.select("a[href]")), "links stay in the page"
    for style in soup.find_all("style"):
        assert "url(" not in style.get_text() and "@import" not in style.get_text()
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert csp is not None and "default-src 'none'" in csp["content"]


def test_report_of_the_fixtures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    assert cli.main(["report", str(SEEDS), str(PAGES), "-o", str(out), "-w", "1"]) == 0
    inputs = sorted(SEEDS.glob("*.txt")) + sorted(PAGES.glob("*.htm*"))
    html = out.read_text(encoding="utf-8")
    assert_self_contained(html)
    soup = BeautifulSoup(html, "html.parser")
    for section in ("totals", "charts", "rules", "sites", "heavy", "errors", "sample"):
        assert soup.find(id=section) is not None, section
    assert card(soup, "documents") == str(len(inputs)) and card(soup, "errors") == "0"
    assert len(soup.select("#charts svg")) == 2 and soup.select("#charts svg rect")
    assert len(docs(soup)) == len(inputs)  # fewer documents than the sample size: all of them
    assert {d.h3.get_text() for d in docs(soup) if d.h3} == {str(p) for p in inputs}
    assert "report of" in capsys.readouterr().err

    # Each seed document is shown whole: its kept lines are the output, its struck lines the removals.
    cleaner = Cleaner()
    for doc in docs(soup):
        assert doc.h3 is not None
        path = Path(doc.h3.get_text())
        if path.suffix != ".txt":
            continue
        result = cleaner.clean(path.read_text(encoding="utf-8"))
        kept = [p.get_text() for p in doc.select(".lines p.k")]
        struck = [(p["data-reason"], p.s.get_text() if p.s else "") for p in doc.select(".lines p.r")]
        assert kept == result.text.split("\n")
        assert struck == [(r.reason, r.text if r.text.strip() else repr(r.text)) for r in result.removed]
        assert len(doc.select(".repairs li:not(.h)")) == len(result.repairs)
        titles = [p["title"] for p in doc.select(".lines p.r")]
        pairs = zip(result.removed, titles, strict=True)
        assert all(f"rule {r.rule}" in t and r.reason in t for r, t in pairs)

    # The rules table adds up to the characters-removed card.
    rows = soup.select("table.rules tbody tr")
    total = sum(int(row.select("td")[3].get_text().replace(",", "")) for row in rows)
    assert card(soup, "characters removed").startswith(f"{total:,} ")
    sites = {row.td.get_text() for row in soup.select("table.sites tbody tr") if row.td}
    assert "(no site)" in sites  # the seeds are bare text files


def test_sample_size_and_seed(tmp_path: Path) -> None:
    a, b, c = (tmp_path / f"{n}.html" for n in "abc")
    for out, seed in ((a, "1"), (b, "1"), (c, "2")):
        argv = ["report", str(PAGES), "-o", str(out), "--sample", "4", "--seed", seed, "-w", "1", "-q"]
        assert cli.main(argv) == 0
    assert len(docs(page(a))) == 4
    assert a.read_bytes() == b.read_bytes()  # reproducible
    picks = [{d.h3.get_text() for d in docs(page(p)) if d.h3} for p in (a, c)]
    assert len(picks[0] & picks[1]) >= 2  # the most and least changed are in both samples


def test_bad_records_are_reported_and_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "d.jsonl"
    body = "Officials met on Tuesday to discuss the new budget for the coming year.\nAlso read\n"
    lines = [
        json.dumps({"id": "r1", "text": body, "url": "https://www.news.example/a"}),
        "{not json",
        json.dumps({"id": "<img src=x onerror=alert(1)>", "text": "A record whose id is markup & more."}),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "r.html"
    assert cli.main(["report", str(src), "-o", str(out), "-w", "1"]) == 1
    assert f"{src}:2: malformed JSON" in capsys.readouterr().err
    html = out.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert card(soup, "documents") == "2" and card(soup, "errors") == "1"
    assert f"{src}:2" in soup.select_one("#errors").get_text()
    assert_self_contained(html)  # the id's <img> is text, not markup
    assert "[&lt;img src=x onerror=alert(1)&gt;]" in html
    sites = {row.td.get_text() for row in soup.select("table.sites tbody tr") if row.td}
    assert "news.example" in sites


def test_clean_with_report_writes_both(tmp_path: Path) -> None:
    out, report = tmp_path / "out", tmp_path / "r.html"
    assert cli.main(["clean", str(SEEDS), "-o", str(out), "--report", str(report), "-w", "1", "-q"]) == 0
    assert len(list(out.glob("*.txt"))) == len(list(SEEDS.glob("*.txt")))
    assert len(docs(page(report))) == len(list(SEEDS.glob("*.txt")))


def test_report_usage_errors(tmp_path: Path) -> None:
    for argv in (
        ["report", str(SEEDS)],  # no -o
        ["report", str(SEEDS), "-o", str(tmp_path / "no" / "such" / "dir.html")],
        ["report", str(SEEDS), "-o", str(tmp_path / "r.html"), "--threshold", "2"],
        ["report", str(SEEDS), "-o", str(tmp_path / "r.html"), "--sample", "-1"],
    ):
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 2


def entry(label: str, kept: int, gone: int, reason: str = "promo") -> Entry:
    removed = (("x" * gone, reason, f"{reason}.rule", 1),) if gone else ()
    return Entry(label, "s.org", "k" * kept, removed, (("Ã©", "é", "mojibake", 2),))


def test_heavily_cut_documents_come_first() -> None:
    a = Audit(threshold=0.5)
    samples = []
    for label, kept, gone in (("light", 90, 10), ("heavy", 10, 90), ("middle", 50, 40), ("heavier", 5, 95)):
        e = entry(label, kept, gone)
        a.add(e)
        samples.append(Sample(e, "random", 0))
    soup = BeautifulSoup(render(a, samples), "html.parser")
    assert [d.h3.get_text() for d in docs(soup) if d.h3] == ["heavier", "heavy", "middle", "light"]
    groups = [h.get_text() for h in soup.select("h3.group")]
    assert groups[0].startswith("Lost more than 50.0%") and "(2)" in groups[0]
    heavy_rows = [row.select("td")[1].get_text() for row in soup.select("#heavy tbody tr")]
    assert heavy_rows == ["heavier", "heavy"]
    assert soup.select_one("#heavy a[href]")["href"] == "#" + docs(soup)[0]["id"]
    assert soup.select(".repairs .before")[0].get_text() == repr("Ã©")


def test_model_removals_show_their_score_and_evidence_on_hover() -> None:
    evidence = ("w=subscribe (-0.90)", "short (-0.40)")
    removed = [
        Removal("Subscribe now", "promo", "model.promo", 1, 0.031, evidence),
        Removal("Also read", "recirculation", "en.recirc.exact", 3),
    ]
    result = Result("Body one.\nBody two.", removed, [])
    e = audit.entry("f.txt", "Body one.\nSubscribe now\nBody two.\nAlso read", "text", result, None, None)
    a = Audit()
    a.add(e)
    soup = BeautifulSoup(render(a, [Sample(e, "random", 0)]), "html.parser")
    model, rule = soup.select(".lines p.r")
    assert model["title"] == (
        "removed: promo · rule model.promo · p=0.03 · evidence: w=subscribe (-0.90), short (-0.40)"
        " · 13 chars · line 2"
    )
    assert model["data-score"] == "0.031"
    assert rule["title"] == "removed: recirculation · rule en.recirc.exact · 9 chars · line 4"
    assert not rule.has_attr("data-score")
    assert card(soup, "lines removed by the scorer") == "1"
    rules = {row.td.get_text(): row.select("td")[2].get_text() for row in soup.select("table.rules tbody tr")}
    assert rules == {"model.promo": "1", "en.recirc.exact": "1"}


def test_no_scorer_card_without_model_removals() -> None:
    a = Audit()
    a.add(entry("d", 50, 10))
    soup = BeautifulSoup(render(a, []), "html.parser")
    with pytest.raises(AssertionError, match="no card"):
        card(soup, "lines removed by the scorer")


def test_long_documents_are_cut_and_partial_runs_say_so() -> None:
    e = Entry("long", "s.org", "\n".join(f"line {i}" for i in range(MAX_LINES * 2)), (), ())
    a = Audit()
    a.add(e)
    html = render(a, [Sample(e, "random", 0)], complete=False)
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select(".lines p.k")) == MAX_LINES
    assert re.search(rf"{MAX_LINES} more lines not shown", soup.select_one(".lines p.cut").get_text())
    assert "interrupted" in soup.select_one(".partial").get_text()
    assert_self_contained(html)


def test_interrupted_report_is_written_and_marked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = report.batch.run_batches

    def interrupted(planned: Any, job: Any, workers: int, handle: Any, should_stop: Any) -> bool:
        # the first batch is cleaned, then Ctrl-C arrives
        first = itertools.islice(planned, 2)
        real(iter(list(first)), job, workers, handle, lambda: False)
        os.kill(os.getpid(), signal.SIGINT)
        assert should_stop()
        return False

    monkeypatch.setattr(report.batch, "run_batches", interrupted)
    out = tmp_path / "r.html"
    assert cli.main(["report", str(SEEDS), "-o", str(out), "-w", "1", "-q"]) == 130
    soup = page(out)
    assert "interrupted" in soup.select_one(".partial").get_text()
    assert card(soup, "documents") == "1" and len(docs(soup)) == 1


def test_report_from_stdin_jsonl() -> None:
    body = "Officials met on Tuesday to discuss the new budget for the coming year.\nAlso read\n"
    lines = [json.dumps({"id": f"r{i}", "text": body, "site": "example"}) for i in range(3)]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.html"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "cleaner",
                "report",
                "-",
                "--stdin-format",
                "jsonl",
                "-o",
                str(out),
                "-w",
                "1",
            ],
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert done.returncode == 0, done.stderr
        soup = page(out)
    assert card(soup, "documents") == "3"
    assert [row.td.get_text() for row in soup.select("table.sites tbody tr") if row.td] == ["example"]
    assert {p.s.get_text() for p in soup.select(".lines p.r") if p.s} == {"Also read"}


def test_clean_report_counts_bad_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "d.jsonl"
    good = json.dumps({"id": "ok", "text": "A line of article text that stays in the output."})
    src.write_text(good + "\n{broken\n", encoding="utf-8")
    out, rep = tmp_path / "out.jsonl", tmp_path / "r.html"
    assert cli.main(["clean", str(src), "-o", str(out), "--report", str(rep), "-w", "1", "-q"]) == 1
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    soup = page(rep)
    assert card(soup, "documents") == "1" and card(soup, "errors") == "1"
    assert f"{src}:2" in soup.select_one("#errors").get_text()


def _warc_record(url: str, i: int) -> bytes:
    body = (
        "<html><head><meta charset='utf-8'><title>T</title></head><body><article><p>The harbour "
        f"council met on Monday evening to discuss the repairs to the old stone bridge number {i}.</p>"
        "</article></body></html>"
    ).encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:0000-{i}>\r\n"
        f"WARC-Target-URI: {url}\r\n"
        "WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def test_every_batch_format(tmp_path: Path) -> None:
    pytest.importorskip("fastwarc")
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    zstd = pytest.importorskip("zstandard")
    import gzip

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.warc.gz").write_bytes(
        b"".join(gzip.compress(_warc_record(f"https://w.example/{i}", i)) for i in range(3))
    )
    text = "Officials met on Tuesday to discuss the new budget for the coming year.\nAlso read\n"
    pq.write_table(pa.Table.from_pylist([{"id": f"p{i}", "text": text} for i in range(2)]), src / "b.parquet")
    lines = "".join(
        json.dumps({"id": f"z{i}", "text": text, "url": "https://z.example/"}) + "\n" for i in range(2)
    )
    (src / "c.jsonl.zst").write_bytes(zstd.ZstdCompressor().compress(lines.encode()))
    out = tmp_path / "r.html"
    assert cli.main(["report", str(src), "-o", str(out), "-w", "1", "-q"]) == 0
    soup = page(out)
    assert card(soup, "documents") == "7" and len(docs(soup)) == 7
    sites = {
        row.td.get_text(): row.select("td")[1].get_text()
        for row in soup.select("table.sites tbody tr")
        if row.td
    }
    assert sites == {"w.example": "3", "z.example": "2", "(no site)": "2"}
