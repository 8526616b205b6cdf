"""Coverage-guided fuzzing of the three ways a document gets in: text, HTML, a JSONL record.

    python -m bench.fuzz text --seconds 300        # or: html, jsonl; --runs N instead of a time
    python -m bench.fuzz all --seconds 300          # each target in turn, then one summary table

Needs the `fuzz` extra (atheris, libFuzzer for Python). Each target runs in a child process
(libFuzzer ends with exit(), which skips Python's own exit handlers), seeded from
fixtures/ (seeds, case files, HTML pages) and with the rule packs' phrases as a libFuzzer
dictionary, so mutations reach the rule engine. The corpus, crash inputs and logs go under
bench/.fuzz/<target>/ (not committed).

An exception from `cleaner.errors` is expected (a documented refusal); any other exception
is a crash. Crashes are recorded, not fatal: the input is saved, the crash is counted by its
type and place (file:line of the innermost cleaner frame), and fuzzing goes on, so one budget
finds more than the first bug. The text target also checks two contract properties on each
input (idempotence, and output lines being repaired input lines in order); a violation is
recorded the same way, as an "invariant" failure. An input slower than
SLOW seconds is recorded as "slow".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".fuzz"
TARGETS = ("text", "html", "jsonl")
MAX_LEN = {"text": 16384, "html": 32768, "jsonl": 16384}
SLOW = 5.0  # seconds for one input before it is recorded as slow
FLUSH_EVERY = 1.0  # seconds between stats writes (the child may be killed at any time)


# -- the child: one libFuzzer run -------------------------------------------------------


class Recorder:
    """Counts inputs and keeps one entry per distinct failure, flushed to stats.json."""

    def __init__(self, target: str) -> None:
        self.dir = WORK / target
        (self.dir / "crashes").mkdir(parents=True, exist_ok=True)
        self.stats: dict[str, Any] = {"target": target, "inputs": 0, "expected": 0, "failures": {}}
        self.last = 0.0

    def failure(self, kind: str, data: bytes, exc: BaseException | None, detail: str = "") -> None:
        where = _place(exc) if exc is not None else detail
        key = f"{kind}: {type(exc).__name__ if exc else ''} at {where}"
        entry = self.stats["failures"].setdefault(key, {"count": 0, "input": "", "message": ""})
        entry["count"] += 1
        if not entry["input"]:  # keep the first (libFuzzer inputs only grow more complex)
            name = hashlib.sha1(data).hexdigest()[:16]
            (self.dir / "crashes" / name).write_bytes(data)
            entry["input"] = str((self.dir / "crashes" / name).relative_to(ROOT))
            text = "".join(traceback.format_exception(exc)) if exc else detail
            entry["message"] = text[-2000:]
        self.flush(force=True)

    def flush(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last >= FLUSH_EVERY:
            self.last = now
            tmp = self.dir / "stats.json.tmp"
            tmp.write_text(json.dumps(self.stats, indent=1, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.dir / "stats.json")


def _place(exc: BaseException) -> str:
    """The innermost frame in cleaner/ (else the innermost frame): where a crash happened."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/cleaner/" in f.filename] or frames
    f = ours[-1] if ours else None
    return f"{Path(f.filename).name}:{f.lineno}" if f else "?"


def _lines(text: str) -> list[str]:
    return [s for s in (line.strip() for line in text.split("\n")) if s]


def _subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(x == y for y in it) for x in needle)


def make_target(target: str, rec: Recorder) -> Callable[[bytes], None]:
    import cleaner
    from cleaner.batch.engine import Job, clean_units
    from cleaner.errors import CleanerError

    default = cleaner.Cleaner(cleaner.Config(kind="text"))

    fast = cleaner.Cleaner(cleaner.Config(kind="html", html_fast=True))
    state = (cleaner.Cleaner(), Job())

    def text(data: bytes) -> None:
        cleaner.clean(data, kind="text")  # the bytes path: decoding first
        doc = data.decode("utf-8", "replace")
        first = default.clean(doc)
        once = first.text
        second = default.clean(once)
        if second.text != once:  # told apart by the rules that acted on the second run
            rules = ", ".join(sorted({r.rule for r in second.removed} | {r.rule for r in second.repairs}))
            rec.failure("invariant", data, None, f"idempotence: the second run changes more ({rules})")
        if not _subsequence(_lines(once), _lines(cleaner.repair(doc))):
            rec.failure("invariant", data, None, "provenance: an output line is not a repaired input line")

    def html(data: bytes) -> None:
        doc = data.decode("utf-8", "replace")
        cleaner.clean(data, kind="html")
        cleaner.clean(doc, kind="html", url="https://example.org/a")
        fast.clean(doc)

    def jsonl(data: bytes) -> None:
        # The first byte picks the shape: a raw line (malformed JSON reaches the reader), or
        # a well-formed record around the rest, so mutations reach the cleaner too; invalid
        # UTF-8 becomes lone surrogates, written as "\udcXX" escapes, as a buggy producer would.
        shape, body = (data[0] % 4, data[1:]) if data else (0, b"")
        if shape == 0:
            line = body.split(b"\n", 1)[0]
        else:
            value = body.decode("utf-8", "surrogateescape")
            obj: dict[str, Any] = {"id": "r1", "url": "https://example.org/a"}
            if shape == 3:  # odd types and both fields
                obj = {"id": 7, "url": 5, "site": [], "text": value, "html": value}
            obj["text" if shape == 1 else "html"] = value
            line = json.dumps(obj).encode("ascii")
        for out in ("jsonl", "doc"):
            (outcome,) = clean_units([(out, ("line", "fuzz:1", 1, line + b"\n"))], state)
            # clean_units turns every exception into an error record (a batch must go on);
            # an "internal error" there is a crash, and the direct run gives its traceback.
            if outcome[0] == "err" and outcome[1]["error"].startswith("internal error"):
                _direct(line, out, state)
                rec.failure("crash", data, None, f"internal error ({out}): {outcome[1]['error'][:200]}")
            elif outcome[0] == "err":
                rec.stats["expected"] += 1

    run = {"text": text, "html": html, "jsonl": jsonl}[target]

    def one_input(data: bytes) -> None:
        rec.stats["inputs"] += 1
        start = time.monotonic()
        try:
            run(data)
        except CleanerError:
            rec.stats["expected"] += 1
        except Exception as exc:
            rec.failure("crash", data, exc)
        spent = time.monotonic() - start
        if spent > SLOW:
            rec.failure("slow", data, None, f"{spent:.1f} s for {len(data)} bytes")
        rec.flush()

    return one_input


def _direct(line: bytes, out: str, state: Any) -> None:
    """The body of clean_units without its catch-all, so a crash raises with its traceback."""
    from cleaner.batch.engine import _render
    from cleaner.batch.sources import ReadError, unit_record

    cl, job = state
    item = unit_record(("line", "fuzz:1", 1, line), job.fields, job.prefer)
    if not isinstance(item, ReadError):
        result = cl.clean(item.content, url=item.url, kind=item.kind or "auto", site=item.site)
        _render(item, result, out, job)


def child(target: str, libfuzzer_args: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["cleaner"]):
        import cleaner  # noqa: F401
        import cleaner.batch.engine  # noqa: F401
        import cleaner.html.page  # noqa: F401
    rec = Recorder(target)
    rec.flush(force=True)
    atheris.Setup([sys.argv[0], *libfuzzer_args], make_target(target, rec))
    atheris.Fuzz()


# -- seeds and dictionaries ---------------------------------------------------------------


def seeds(target: str) -> list[bytes]:
    """Starting inputs from fixtures/: text documents, HTML pages, or JSONL records of both."""
    fixtures = ROOT / "fixtures"
    texts = [p.read_bytes() for p in sorted((fixtures / "seeds" / "input").glob("*.txt"))]
    for path in sorted((fixtures / "cases").glob("*.json")):
        texts += [c["input"].encode("utf-8") for c in json.loads(path.read_text(encoding="utf-8"))]
    pages = [p.read_bytes() for p in sorted((fixtures / "html").glob("*.html"))]
    if target == "text":
        return texts
    if target == "html":  # real pages, and small ones made of the case texts (fast to mutate)
        small = [
            b"<html><head><title>t</title></head><body><article>"
            + b"".join(b"<p>" + line + b"</p>" for line in t.split(b"\n"))
            + b"</article></body></html>"
            for t in texts[::4]
        ]
        return pages + small
    records: list[dict[str, object]] = [
        {"id": f"t{k}", "text": t.decode("utf-8")} for k, t in enumerate(texts[:40])
    ]
    limit = MAX_LEN["jsonl"] - 200
    records += [{"id": k, "html": p.decode("utf-8", "replace")[:limit]} for k, p in enumerate(pages)]
    lines = [b"\x00" + json.dumps(r, ensure_ascii=k % 2 == 0).encode() for k, r in enumerate(records)]
    return lines + [b"\x01" + t for t in texts[:40]] + [b"\x02" + p[:limit] for p in pages]


def dictionary(target: str) -> list[str]:
    """libFuzzer dictionary entries: rule phrases and literals, mojibake, invisible characters,
    markup; mutations that insert whole tokens reach deeper than byte flips."""
    tokens: set[str] = set()
    for path in sorted((ROOT / "cleaner" / "rules").glob("*.json")):
        pack = json.loads(path.read_text(encoding="utf-8"))
        for rule in pack.get("rules", ()):
            tokens.update(p for p in rule.get("exact", ()) if len(p) <= 40)
            tokens.update(t.rstrip("*") for t in rule.get("triggers", ()) if not t.startswith("#"))
            tokens.update(t[5:] for t in rule.get("triggers", ()) if t.startswith("#has:"))
    tokens.update(
        ["â€™", "â€", "Ã©", "β", "β€”", "вЂ™", "\u200b", "\u00ad", "\ufeff", "\u00a0", "\t", "\r\n"]
    )
    tokens.update(["<p>", "</p>", "<br>", "&amp;", "&#x2014;", "&nbsp;", '<div class="related">', "</div>"])
    tokens.update(["<script>", "</script>", "<!--", "-->", '<a href="/x">', "</a>", "<h2>", "<li>"])
    if target == "jsonl":
        tokens.update(
            ['"text"', '"html"', '"id"', '"url"', '"site"', "\\u0000", "\\ud800", "null", "[]", "{}"]
        )
    return sorted(tokens)


def _dict_line(token: str) -> str:
    """A libFuzzer dictionary line: the token's UTF-8 bytes, non-printables as \\xNN."""
    out = []
    for b in token.encode("utf-8"):
        out.append(chr(b) if 0x20 <= b < 0x7F and b not in (0x22, 0x5C) else f"\\x{b:02X}")
    return '"' + "".join(out) + '"'


def prepare(target: str) -> tuple[Path, Path]:
    corpus = WORK / target / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for data in seeds(target):
        data = data[: MAX_LEN[target]]
        (corpus / hashlib.sha1(data).hexdigest()).write_bytes(data)
    dict_path = WORK / target / "tokens.dict"
    dict_path.write_text("\n".join(_dict_line(t) for t in dictionary(target)) + "\n", encoding="utf-8")
    return corpus, dict_path


# -- the driver ---------------------------------------------------------------------------


def run(target: str, seconds: int | None, runs: int | None) -> dict[str, Any]:
    corpus, dict_path = prepare(target)
    stats_path = WORK / target / "stats.json"
    stats_path.unlink(missing_ok=True)
    args = [
        f"-max_len={MAX_LEN[target]}",
        f"-dict={dict_path}",
        "-timeout=60",
        "-rss_limit_mb=3072",
        "-print_final_stats=1",
    ]
    if seconds is not None:
        args.append(f"-max_total_time={seconds}")
    if runs is not None:
        args.append(f"-runs={runs}")
    cmd = [sys.executable, "-m", "bench.fuzz", "--child", target, "--", *args, str(corpus)]
    log = WORK / target / "log.txt"
    start = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=False)
    stats: dict[str, Any] = {"inputs": 0}
    if stats_path.exists():
        stats = json.loads(stats_path.read_text(encoding="utf-8"))
    # libFuzzer's own count is exact; stats.json may lag by up to FLUSH_EVERY seconds
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("stat::number_of_executed_units:"):
            stats["inputs"] = max(stats["inputs"], int(line.split(":")[-1]))
    stats.update(
        seconds=round(time.monotonic() - start), exit=proc.returncode, log=str(log.relative_to(ROOT))
    )
    if proc.returncode != 0:  # libFuzzer itself stopped: a timeout, out of memory, a C-level crash
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        stats.setdefault("failures", {})[f"libfuzzer exit {proc.returncode}"] = {
            "count": 1,
            "input": "",
            "message": "\n".join(tail),
        }
    return stats


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        target, rest = sys.argv[2], sys.argv[3:]
        child(target, rest[1:] if rest[:1] == ["--"] else rest)
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("target", choices=[*TARGETS, "all"])
    ap.add_argument("--seconds", type=int, help="budget per target (libFuzzer -max_total_time)")
    ap.add_argument("--runs", type=int, help="inputs per target (libFuzzer -runs)")
    ns = ap.parse_args()
    if ns.seconds is None and ns.runs is None:
        ap.error("give a budget: --seconds N or --runs N")
    results = [run(t, ns.seconds, ns.runs) for t in (TARGETS if ns.target == "all" else (ns.target,))]
    print("| target | seconds | inputs tried | expected errors | distinct failures |")
    print("|---|---|---|---|---|")
    for r in results:
        n = len(r.get("failures", {}))
        cells = [r.get("target"), r["seconds"], f"{r['inputs']:,}", f"{r.get('expected', 0):,}", n]
        print("| " + " | ".join(map(str, cells)) + " |")
    for r in results:
        for key, f in r.get("failures", {}).items():
            print(f"\n[{r.get('target')}] {key}  x{f['count']}  input: {f['input']}\n{f['message']}")
    print("\nlogs:", ", ".join(r["log"] for r in results))


if __name__ == "__main__":
    main()
