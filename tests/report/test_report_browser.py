"""The report in a real browser: headless Chromium renders it with no console error, the
script runs, the sample's documents are on the page, and the reason filter works.

Chromium is Debian's `chromium` package; .ci/run installs it when it is missing. Console
messages (errors, Content-Security-Policy violations, uncaught exceptions) are read from
Chromium's log on stderr; the page also writes uncaught errors into #js-errors, which
the dumped DOM shows.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cleaner import cli

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "fixtures" / "seeds" / "input"
PAGES = ROOT / "fixtures" / "html"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed here (Debian: apt-get install chromium; .ci/run installs it)",
)


def open_page(url: str, tmp: Path, *extra: str) -> tuple[BeautifulSoup, list[str]]:
    """The page's DOM after its scripts ran, and Chromium's console lines."""
    assert CHROMIUM is not None
    profile = tmp / "chromium-profile"
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
        f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *extra, "--dump-dom", url,
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return BeautifulSoup(done.stdout, "html.parser"), console


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert cli.main(["report", str(SEEDS), str(PAGES), "-o", str(out), "-w", "1", "-q"]) == 0
    return out


def test_report_renders_without_console_errors(report: Path, tmp_path: Path) -> None:
    written = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    labels = [d.h3.get_text() for d in written.select("article.doc") if d.h3]
    assert labels

    dom, console = open_page(report.as_uri(), tmp_path)
    assert console == []
    errors = dom.find(id="js-errors")
    assert errors is not None and errors.has_attr("hidden") and errors.get_text() == ""
    assert dom.body is not None and dom.body.get("data-ready") == str(len(labels))  # the script ran
    shown = [d for d in dom.select("article.doc") if "hidden" not in (d.get("class") or [])]
    assert [d.h3.get_text() for d in shown if d.h3] == labels
    assert dom.select_one("#shown").get_text() == f"{len(labels)} of {len(labels)} documents shown"
    assert dom.select("#charts svg rect")


def test_reason_filter_from_the_address(report: Path, tmp_path: Path) -> None:
    written = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    reasons = {d.h3.get_text(): d["data-reasons"].split() for d in written.select("article.doc") if d.h3}
    # a reason some documents have and others do not
    reason = next(r for rs in reasons.values() for r in rs if not all(r in x for x in reasons.values()))
    dom, console = open_page(f"{report.as_uri()}?reason={reason}", tmp_path)
    assert console == []
    shown = {
        d.h3.get_text() for d in dom.select("article.doc") if d.h3 and "hidden" not in (d.get("class") or [])
    }
    assert shown == {label for label, rs in reasons.items() if reason in rs}
    assert 0 < len(shown) < len(reasons)


def test_a_broken_page_is_caught(report: Path, tmp_path: Path) -> None:
    """The checks above can fail: a page whose script throws shows it in both places."""
    broken = tmp_path / "broken.html"
    html = report.read_text(encoding="utf-8").replace("apply();\n", "apply(); undefinedThing();\n", 1)
    broken.write_text(html, encoding="utf-8")
    dom, console = open_page(broken.as_uri(), tmp_path)
    assert any("undefinedThing" in line for line in console)
    errors = dom.find(id="js-errors")
    assert errors is not None and not errors.has_attr("hidden") and "undefinedThing" in errors.get_text()
