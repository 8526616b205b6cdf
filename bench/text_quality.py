"""Text-mode quality: the cleaner against the baselines on the dev sets, plus sanity checks.

    .venv/bin/python -m bench.text_quality [--sets NAME...] [--kind main full]
        [--systems cleaner identity c4 justext] [--limit N] [--seed S] [--samples K]
        [--gold-as-stored]

For each dev set and input kind it prints: a score table (snippet scoring where pages have
`with`/`without`, token 4-gram scoring where they have `gold`); the cleaner's crashes,
idempotence and line-provenance violations; which removal reasons and rules take out the
most characters; and a seeded random sample of removals for a person to judge.
"""

from __future__ import annotations

import argparse
import random
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bench import baselines
from bench.data import SETS, repairs, text_inputs
from bench.score import Score, grams, ngrams, snippets
from bench.sites import page_split

Page = dict[str, Any]


@cache
def _rules_only() -> Any:
    """The cleaner without its learned scorer (to show what the scorer adds)."""
    import cleaner

    return cleaner.Cleaner(scorer=False)


BASELINES: dict[str, Callable[[Page], str]] = {
    "identity": lambda p: baselines.identity(p["text"]),
    "c4": lambda p: baselines.c4_lines(p["text"]),
    "justext": lambda p: baselines.justext_lines(p["text"], p.get("lang") or "en"),
    "ftfy": lambda p: baselines.ftfy_fix(p["text"]),
    "cleaner-rules": lambda p: _rules_only().clean(p["text"], kind="text").text,
}
SYSTEMS = ("cleaner", *BASELINES)

DEFAULT_SYSTEMS = ("identity", "c4", "justext", "cleaner")


@dataclass
class CleanerRun:
    """The cleaner's outputs on one set, and what the checks found."""

    outputs: list[str] = field(default_factory=list)
    removed: list[tuple[str, Any]] = field(default_factory=list)  # (page id, Removal)
    crashes: list[tuple[str, str]] = field(default_factory=list)  # (page id, error)
    not_idempotent: list[tuple[str, str]] = field(default_factory=list)
    not_from_input: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0  # in the first `clean` call of each page (not the checks)


def _error(exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _stray_line(output: str, source: str) -> str | None:
    """The first output line that is not, in order, a line of `source` (None if all are)."""
    src = (line.strip() for line in source.splitlines())
    for line in output.splitlines():
        line = line.strip()
        if line and not any(line == s for s in src):
            return line
    return None


def run_cleaner(pages: Sequence[Page]) -> CleanerRun:
    """Clean every page (a crash costs that page, never the run) and check the contract."""
    import cleaner

    run = CleanerRun()
    for page in pages:
        pid, text = str(page["id"]), page["text"]
        start = time.perf_counter()
        try:
            result = cleaner.clean(text, kind="text")
        except Exception as exc:  # noqa: BLE001 - one bad page is counted, not fatal
            run.crashes.append((pid, _error(exc)))
            run.outputs.append("")
            continue
        finally:
            run.seconds += time.perf_counter() - start
        out = result.text
        run.outputs.append(out)
        run.removed.extend((pid, r) for r in result.removed)
        try:
            again = cleaner.clean(out, kind="text").text
            if again != out:
                run.not_idempotent.append((pid, _first_diff(out, again)))
            stray = _stray_line(out, cleaner.repair(text))
            if stray is not None:
                run.not_from_input.append((pid, _clip(stray)))
        except Exception as exc:  # noqa: BLE001
            run.crashes.append((pid, "during checks: " + _error(exc)))
    return run


def _first_diff(a: str, b: str) -> str:
    """Where `b` (the second pass) first differs from `a`, with a little context."""
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    line = a.count("\n", 0, i)
    lo = max(0, i - 40)
    return f"line {line}: {a[lo : i + 40]!r} -> {b[lo : i + 40]!r}"


def _clip(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def without_share(pages: Sequence[Page], outputs: Sequence[str]) -> str:
    """The share of `without` snippets (boilerplate) still found in the outputs ("" if none)."""
    found = total = 0
    for page, out in zip(pages, outputs, strict=True):
        text = " ".join(out.split())
        for s in page.get("without") or []:
            total += 1
            found += " ".join(s.split()) in text
    return f"{found / total:.3f}" if total else ""


def context_losses(pages: Sequence[Page], run: CleanerRun, share: float = 0.2) -> list[tuple[float, str]]:
    """Pages whose gold lost more than `share` of its 4-grams to context rules (zones)."""
    by_page: dict[str, list[str]] = {}
    for pid, r in run.removed:
        if r.rule.startswith("context."):
            by_page.setdefault(pid, []).append(r.text)
    worst = []
    for page, out in zip(pages, run.outputs, strict=True):
        taken = by_page.get(str(page["id"]))
        if not taken or not page.get("gold"):
            continue
        gold = grams(page["gold"])
        lost = sum((grams("\n".join(taken)) & (gold - grams(out))).values())
        if lost > share * max(sum(gold.values()), 1):
            worst.append((lost / sum(gold.values()), str(page["id"])))
    return sorted(worst, reverse=True)


def score(pages: Sequence[Page], outputs: Sequence[str]) -> Score:
    if pages and "gold" in pages[0]:
        return ngrams([p["gold"] for p in pages], outputs)
    return snippets(pages, outputs)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def report_languages(pages: Sequence[Page], outputs: Sequence[str], least: int = 10) -> None:
    """Recall per page language, the cleaner's against the input's (a language the rules and
    the model know less of must not lose more of its text)."""
    by_lang: dict[str, list[int]] = {}
    for k, p in enumerate(pages):
        by_lang.setdefault(str(p.get("lang") or "?"), []).append(k)
    if len(by_lang) < 2:
        return
    rows = []
    for lang, ks in sorted(by_lang.items(), key=lambda kv: -len(kv[1])):
        if len(ks) < least:
            continue
        sub = [pages[k] for k in ks]
        r_in = score(sub, [p["text"] for p in sub]).recall
        r_out = score(sub, [outputs[k] for k in ks]).recall
        rows.append([lang, str(len(ks)), f"{r_in:.3f}", f"{r_out:.3f}", f"{r_out - r_in:+.3f}"])
    print(f"\nrecall by language (languages with >= {least} pages):\n")
    print(table(["lang", "pages", "input R", "cleaner R", "change"], rows))


def report_checks(run: CleanerRun, n: int) -> None:
    print(f"\ncleaner checks on {n} pages:\n")
    for label, found in (
        ("crashes", run.crashes),
        ("not idempotent", run.not_idempotent),
        ("output line not from repaired input", run.not_from_input),
    ):
        print(f"- {label}: {len(found)}")
        for pid, what in found[:3]:
            print(f"  - `{pid}`: {what}")


def report_removals(run: CleanerRun, input_chars: int, top: int) -> None:
    by_reason: Counter[str] = Counter()
    reason_n: Counter[str] = Counter()
    by_rule: Counter[tuple[str, str]] = Counter()
    rule_n: Counter[tuple[str, str]] = Counter()
    for _, r in run.removed:
        by_reason[r.reason] += len(r.text)
        reason_n[r.reason] += 1
        by_rule[(r.reason, r.rule)] += len(r.text)
        rule_n[(r.reason, r.rule)] += 1
    total = max(input_chars, 1)
    print(f"\nremovals by reason ({len(run.removed)} lines, % of input characters):\n")
    rows = [[k, str(v), f"{100 * v / total:.2f}", str(reason_n[k])] for k, v in by_reason.most_common()]
    print(table(["reason", "chars", "%", "lines"], rows))
    print(f"\ntop {top} rules by characters removed:\n")
    top_rules = by_rule.most_common(top)
    rows = [[rule, reason, str(v), str(rule_n[reason, rule])] for (reason, rule), v in top_rules]
    print(table(["rule", "reason", "chars", "lines"], rows))


def report_samples(run: CleanerRun, k: int, seed: int) -> None:
    pool = [(pid, r) for pid, r in run.removed if r.text.strip()]
    picked = random.Random(seed).sample(pool, min(k, len(pool)))
    print(f"\n{len(picked)} random non-blank removals (seed {seed}) to judge:\n")
    for pid, r in picked:
        print(f"- {r.reason}/{r.rule} `{pid}`: {_clip(r.text.strip())!r}")


def evaluate(name: str, kind: str, systems: Sequence[str], args: argparse.Namespace) -> None:
    pages = text_inputs(name, kind, repair=not args.gold_as_stored)
    if args.split != "all":
        split = page_split(name)
        pages = [p for p in pages if split.get(str(p["id"])) == args.split]
    pages = pages[: args.limit]
    input_chars = sum(len(p["text"]) for p in pages)
    where = f"{args.split} sites, " if args.split != "all" else ""
    print(f"\n## {name} ({kind}, {where}{len(pages)} pages, {input_chars / 1e6:.1f} M chars)\n")
    if note := repairs(pages):
        print(f"{note}\n")
    rows: list[list[str]] = []
    run: CleanerRun | None = None
    for system in systems:
        if system == "cleaner":
            run = run_cleaner(pages)
            outputs, seconds = run.outputs, run.seconds
        else:
            start = time.perf_counter()
            outputs = [BASELINES[system](p) for p in pages]
            seconds = time.perf_counter() - start
        kept = sum(len(o) for o in outputs) / max(input_chars, 1)
        wo = without_share(pages, outputs)
        rows.append([system, *score(pages, outputs).row(), wo, f"{100 * kept:.1f}", f"{seconds:.1f}"])
    print(table(["system", "P", "R", "F1", "empty", "without kept", "kept %", "s"], rows))
    if run is not None:
        report_languages(pages, run.outputs)
    if run is not None:
        report_checks(run, len(pages))
        lost = context_losses(pages, run)
        print(f"- pages losing > 20 % of their gold to context rules: {len(lost)}")
        for frac, pid in lost[:5]:
            print(f"  - `{pid}`: {100 * frac:.0f} %")
        report_removals(run, input_chars, args.top)
        report_samples(run, args.samples, args.seed)


def cleaner_available() -> str | None:
    """None when `cleaner.clean(..., kind="text")` works; otherwise why not."""
    try:
        import cleaner

        cleaner.clean("Ein Satz.", kind="text")
    except Exception as exc:  # noqa: BLE001
        return _error(exc)
    return None


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    ap.add_argument("--kind", nargs="+", default=["main"], choices=("main", "full"))
    ap.add_argument("--systems", nargs="+", default=list(DEFAULT_SYSTEMS), choices=SYSTEMS)
    ap.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    ap.add_argument("--seed", type=int, default=0, help="seed of the removal sample")
    ap.add_argument("--samples", type=int, default=10, help="random removals to print")
    ap.add_argument("--top", type=int, default=15, help="rules in the by-rule table")
    ap.add_argument(
        "--split", default="all", choices=("all", "train", "val"), help="these sites' pages (bench/sites.py)"
    )
    ap.add_argument("--gold-as-stored", action="store_true", help="score golds unrepaired (bench/data.py)")
    args = ap.parse_args(argv)
    systems = list(args.systems)
    if "cleaner" in systems and (why := cleaner_available()):
        print(f"cleaner skipped: not usable yet ({why})")
        systems.remove("cleaner")
    for name in args.sets:
        for kind in args.kind:
            evaluate(name, kind, systems, args)


if __name__ == "__main__":
    main()
