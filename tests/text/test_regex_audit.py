"""Regex audit: no pattern takes super-linear time on adversarial input.

Every `match`/`search` regex of every rule pack, every `keep` pattern, and every compiled
regex at module level in cleaner/*.py (fix, segment, context, dedupe, html, meta, dom, ...)
is run on hostile inputs at two sizes, SMALL and 10x SMALL characters: its own literal
parts repeated (so a partial match starts everywhere), near misses (the literals with the
last character cut), and long runs of spaces, letters, digits, punctuation and words.
The time must grow about linearly: the ratio between the sizes must stay under MAX_RATIO
(a quadratic pattern gives ~100, a linear one ~10). CPU time, best of REPEATS, and inputs
too fast to time reliably (under FLOOR seconds at the large size) pass: super-linear
behaviour at 100,000 characters is never that fast.

Rule regexes run as the packs run them (`match` anchored at the line start, `search`
anywhere), though in production a line longer than the rule's `max_len` never reaches
them; module regexes run with `finditer`, the work of `sub`/`findall`.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import cleaner

try:  # Python 3.11+
    import re._parser as sre_parse
except ImportError:  # pragma: no cover - 3.10
    import sre_parse  # type: ignore[no-redef]

SMALL = 10_000
LARGE = 100_000
MAX_RATIO = 30.0
REPEATS = 3
FLOOR = 0.004  # seconds at LARGE below which nothing is judged

RULES = Path(cleaner.__file__).parent / "rules"
RUNS = ["a", " ", "1", ".", "a ", "1 ", "\t", "€", "<"]  # letters, spaces, digits, punctuation, words


def _literals(src: str | bytes) -> list[str]:
    """The literal runs in a regex ("also read", "comment"), for inputs that partly match."""
    pattern = src.decode("latin-1") if isinstance(src, bytes) else src
    out: list[str] = []

    def walk(items: Any) -> None:
        run = ""
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                run += chr(arg)
                continue
            if run:
                out.append(run)
                run = ""
            if name in ("SUBPATTERN",):
                walk(arg[-1])
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                walk(arg[2])
            elif name == "BRANCH":
                for b in arg[1]:
                    walk(b)
            elif name in ("ASSERT", "ASSERT_NOT"):
                walk(arg[1])
            elif name == "IN":
                chars = [chr(a) for o, a in arg if str(o) == "LITERAL"]
                if chars:
                    out.append(chars[0])
        if run:
            out.append(run)

    with contextlib.suppress(Exception):  # an unusual construct: the generic runs still apply
        walk(sre_parse.parse(pattern))
    return sorted(set(out), key=len, reverse=True)[:6]


def adversarial(src: str | bytes) -> Iterator[tuple[str, Callable[[int], str]]]:
    """(name, size -> input) pairs for a pattern."""
    lits = _literals(src)[:4]
    whole = " ".join(lits)
    for name, unit in [(f"run {r!r}", r) for r in RUNS] + [(f"literal {lit!r}", lit) for lit in lits]:
        yield name, lambda n, u=unit: (u * (n // len(u) + 1))[:n]
    if whole:
        yield "literals", lambda n: ((whole + " ") * (n // (len(whole) + 1) + 1))[:n]
    for lit in lits[:2]:
        if len(lit) > 1:
            yield f"near miss {lit[:-1]!r}", lambda n, u=lit[:-1] + " ": (u * (n // len(u) + 1))[:n]
        yield f"{lit!r} then spaces", lambda n, u=lit: (u + " " * n)[:n]
        yield f"{lit!r} then letters", lambda n, u=lit: (u + "ab" * n)[:n]


def _cpu(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def _op(regex: re.Pattern[Any], how: str) -> Callable[[Any], object]:
    if how == "match":
        return regex.match
    if how == "search":
        return regex.search
    return lambda s: sum(1 for _ in regex.finditer(s))


def _rule_patterns() -> list[Any]:
    params = []
    for path in sorted(RULES.glob("*.json")):
        pack = json.loads(path.read_text(encoding="utf-8"))
        for rule in pack.get("rules", ()):
            for how in ("match", "search"):
                for k, src in enumerate(rule.get(how, ())):
                    params.append(pytest.param(src, how, id=f"{rule['id']}.{how}{k}"))
        for k, src in enumerate(pack.get("keep", ())):
            params.append(pytest.param(src, "match", id=f"{path.stem}.keep{k}"))
    return params


def _module_patterns() -> list[Any]:
    """Every compiled regex held at module level in cleaner/, directly or in a list/tuple."""
    found: dict[int, Any] = {}

    def collect(obj: Any, name: str) -> None:
        if isinstance(obj, re.Pattern):
            found.setdefault(id(obj), pytest.param(obj, id=name))
        elif isinstance(obj, list | tuple):
            for k, item in enumerate(obj):
                collect(item, f"{name}[{k}]")

    for info in pkgutil.walk_packages(cleaner.__path__, "cleaner."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for attr, value in vars(module).items():
            collect(value, f"{info.name}.{attr}")
    return list(found.values())


RULE_PATTERNS = _rule_patterns()
MODULE_PATTERNS = _module_patterns()


def _audit(regex: re.Pattern[Any], how: str, small_size: int = SMALL, large_size: int = LARGE) -> None:
    op = _op(regex, how)
    binary = isinstance(regex.pattern, bytes)
    slow = []
    for name, make in adversarial(regex.pattern):
        small, large = make(small_size), make(large_size)
        if binary:
            small, large = small.encode("utf-8"), large.encode("utf-8")
        start = time.process_time()
        op(large)
        if time.process_time() - start < FLOOR:  # one run says it is fast: done
            continue
        t_large = _cpu(lambda s=large: op(s))
        t_small = max(_cpu(lambda s=small: op(s)), FLOOR / 10)
        if t_large / t_small > MAX_RATIO:
            times = (
                f"{t_small * 1e3:.2f} ms at {small_size:,} chars, {t_large * 1e3:.1f} ms at {large_size:,}"
            )
            slow.append(f"{name}: {times}")
    assert not slow, f"super-linear: {regex.pattern!r}\n" + "\n".join(slow)


def test_there_are_patterns() -> None:
    assert len(RULE_PATTERNS) > 300
    assert len(MODULE_PATTERNS) > 20


@pytest.mark.parametrize(("src", "how"), RULE_PATTERNS)
def test_rule_pattern_is_linear(src: str, how: str) -> None:
    _audit(re.compile(src, re.I), how)


@pytest.mark.parametrize("regex", MODULE_PATTERNS)
def test_module_pattern_is_linear(regex: re.Pattern[Any]) -> None:
    _audit(regex, "finditer")


def test_the_audit_catches_a_quadratic_pattern() -> None:
    """The check itself can fail: a search that backtracks over every start position
    (smaller sizes, or the quadratic case alone would take minutes)."""
    with pytest.raises(AssertionError, match="super-linear"):
        _audit(re.compile(r"(?:a|b)*c"), "search", 1_000, 10_000)
