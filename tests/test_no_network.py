"""No network, ever: cleaning a page that points at remote resources opens no connection
and resolves no name, in default mode (trafilatura) and in fast mode.

Two layers: Python's socket API patched to record and refuse (what a library written in
Python would call), and, where strace can run, the whole clean in a subprocess traced at
the system-call level (what a C library such as libxml2 could do behind Python's back).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import cleaner

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPH = (
    "<p>The harbour council met on Monday evening to discuss the repairs to the old stone "
    "bridge, which has been closed to traffic since the storms of last winter.</p>"
)
PAGE = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"
  "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd" [
  <!ENTITY ext SYSTEM "http://entities.example.net/ext.ent">
]>
<html lang="en"><head>
<base href="https://base.example.net/">
<meta http-equiv="refresh" content="0; url=https://refresh.example.net/">
<meta charset="utf-8">
<title>Bridge repairs</title>
<meta property="og:image" content="https://og.example.net/a.jpg">
<link rel="stylesheet" href="https://css.example.net/site.css">
<link rel="preload" href="//preload.example.net/font.woff2" as="font">
<link rel="canonical" href="https://canonical.example.net/a">
<style>@import url("https://import.example.net/more.css");
body {{ background: url(https://bg.example.net/x.png) }}</style>
<script src="https://js.example.net/app.js"></script>
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge repairs",
  "image": ["https://ld.example.net/img.jpg"], "url": "https://ld.example.net/a",
  "author": {{"@type": "Person", "name": "A. Writer", "url": "https://ld.example.net/w"}},
  "datePublished": "2024-03-05", "publisher": {{"logo": {{"url": "https://ld.example.net/l.png"}}}}}}
</script>
</head><body>
<iframe src="https://iframe.example.net/embed"></iframe>
<article><h1>Bridge repairs</h1>
<img src="https://img.example.net/a.jpg" srcset="https://img.example.net/a2.jpg 2x" alt="The bridge">
{PARAGRAPH * 4}
<p style="background-image: url('https://inline.example.net/bg.png')">&ext; The work is
expected to take until the autumn, the council said in a statement on its website.</p>
<video src="https://video.example.net/v.mp4" poster="https://video.example.net/p.jpg"></video>
<object data="https://object.example.net/o.swf"></object>
<svg><image href="https://svg.example.net/i.png"/></svg>
<a href="https://link.example.net/next">Next story</a>
</article></body></html>"""

CLEANERS = {
    "default": cleaner.Cleaner(cleaner.Config(kind="html")),
    "html_fast": cleaner.Cleaner(cleaner.Config(kind="html", html_fast=True)),
}


@pytest.fixture
def network_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every connection attempt and name lookup through Python's socket API, refused."""
    calls: list[str] = []

    def refuse(name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
            raise OSError(f"network disabled in tests: {name}")

        return call

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.{name}"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        monkeypatch.setattr(socket, name, refuse(name))
    return calls


def test_the_guard_sees_a_connection(network_calls: list[str]) -> None:
    """The guard can fail: a real lookup and connection attempt is recorded and refused."""
    import urllib.request

    with pytest.raises(OSError):
        urllib.request.urlopen("http://example.com/", timeout=1)
    assert network_calls


@pytest.mark.parametrize("mode", list(CLEANERS))
@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_cleaning_a_page_full_of_remote_references_uses_no_network(
    network_calls: list[str], mode: str, as_bytes: bool
) -> None:
    source: str | bytes = PAGE.encode("utf-8") if as_bytes else PAGE
    result = CLEANERS[mode].clean(source, url="https://example.org/bridge")
    assert network_calls == []
    assert "stone bridge" in result.text  # the page was really processed
    assert result.metadata.get("title") == "Bridge repairs"


def test_auto_kind_and_batch_path_use_no_network(network_calls: list[str]) -> None:
    from cleaner.batch.engine import Job, clean_units

    assert "stone bridge" in cleaner.clean(PAGE).text
    line = json.dumps({"id": "p1", "url": "https://example.org/a", "html": PAGE}).encode() + b"\n"
    (outcome,) = clean_units([("jsonl", ("line", "t:1", 1, line))], (cleaner.Cleaner(), Job()))
    assert outcome[0] == "ok"
    assert network_calls == []


TRACED = textwrap.dedent(
    """
    import sys, cleaner
    page = open(sys.argv[1], encoding="utf-8").read()
    for fast in (False, True):
        r = cleaner.Cleaner(cleaner.Config(kind="html", html_fast=fast)).clean(page, url="https://example.org/a")
        assert "stone bridge" in r.text
    if len(sys.argv) > 2:  # the control: a connection strace must see
        import socket
        try:
            socket.create_connection(("127.0.0.1", 9), timeout=1)
        except OSError:
            pass
    """
)


def _strace(tmp_path: Path, *extra: str) -> str:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    log = tmp_path / "trace.txt"
    cmd = ["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log)]
    run = subprocess.run(
        [*cmd, sys.executable, "-c", TRACED, str(page), *extra], cwd=ROOT, capture_output=True, text=True
    )
    if run.returncode != 0 and "ptrace" in run.stderr:
        pytest.skip(f"strace cannot trace here: {run.stderr.strip()[:200]}")
    assert run.returncode == 0, run.stderr
    return log.read_text(encoding="utf-8")


def _inet(trace: str) -> list[str]:
    return [line for line in trace.splitlines() if "AF_INET" in line or "htons(53)" in line]


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")
def test_no_inet_system_call_while_cleaning(tmp_path: Path) -> None:
    """Below Python: no connect/sendto to an internet address in the whole process tree."""
    assert _inet(_strace(tmp_path)) == []
    assert _inet(_strace(tmp_path, "control")), "the trace must see the control connection"
