"""The command line's options: `clean`, `learn`, `explain` and `report`, and the parsers of their values."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

from .batch.pool import DEFAULT_TIMEOUT
from .config import KINDS, MAX_SIZE, MODES, PAGE_TYPES

T = TypeVar("T", int, float)

__all__ = ["build_parser"]

PROG = "cleaner"


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mode", choices=MODES, default="default", help="how much to remove (default: %(default)s)"
    )
    p.add_argument(
        "--kind",
        choices=KINDS,
        default="auto",
        help="input kind; auto: from the suffix, field or first bytes",
    )
    for name, default in (("text", "text"), ("html", "html"), ("id", "id"), ("url", "url"), ("site", "site")):
        p.add_argument(
            f"--{name}-field",
            default=default,
            metavar="F",
            help=f"JSONL/Parquet {name} field (default: %(default)s)",
        )
    p.add_argument(
        "--html-fast",
        action="store_true",
        help="HTML without trafilatura: our own density extractor, ~3x the default mode's pages per second",
    )
    p.add_argument(
        "--page-types",
        type=_page_types,
        default=None,
        metavar="T[,T...]",
        help="HTML: keep only pages of these types (" + ",".join(PAGE_TYPES) + "); the others come "
        "out as records with empty text and a page-type removal; text input always passes",
    )
    p.add_argument(
        "--max-size",
        type=_size,
        default=MAX_SIZE,
        metavar="BYTES",
        help="refuse a document (file, JSONL line, WARC payload) larger than this, as an error "
        "record; suffixes K, M, G; 0: no limit (default: 32M)",
    )
    p.add_argument(
        "--stdin-format",
        choices=("text", "jsonl"),
        default="text",
        help="what '-' reads: one document, or JSONL records (default: %(default)s)",
    )


def _page_types(value: str) -> frozenset[str]:
    """'article,listing' -> frozenset({'article', 'listing'}); an unknown type is a usage error."""
    kinds = frozenset(k.strip().lower() for k in value.split(",") if k.strip())
    unknown = sorted(kinds - set(PAGE_TYPES))
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"unknown page type {', '.join(unknown) or '(none)'}; choose from {','.join(PAGE_TYPES)}"
        )
    return kinds


def _size(value: str) -> int:
    """'32M' -> 32_000_000 (decimal units, as the progress bar shows); '0' is no limit."""
    units = {"K": 10**3, "M": 10**6, "G": 10**9}
    text = value.strip().upper().removesuffix("B")
    scale = units.get(text[-1:], 1)
    try:
        n = float(text[:-1] if scale > 1 else text) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (e.g. 32M, 500K, 0)") from None
    if n < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return int(n)


def _bounded(convert: Callable[[str], T], low: T, high: T | None, message: str) -> Callable[[str], T]:
    """An argparse type: `convert`, then refuse values outside [low, high] with `message`.
    (A value `convert` cannot read gets argparse's "invalid <type> value".)"""

    def check(value: str) -> T:
        n = convert(value)
        if n < low or (high is not None and n > high):
            raise argparse.ArgumentTypeError(message)
        return n

    check.__name__ = convert.__name__
    return check


_seconds = _bounded(float, 0.0, None, "must be >= 0 (0: no limit)")
_positive = _bounded(int, 1, None, "must be at least 1")
_count = _bounded(int, 0, None, "must be >= 0")
_share = _bounded(float, 0.0, 1.0, "must be between 0 and 1")


def _add_workers(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("-w", "--workers", type=_positive, default=None, help=help_text)


def _add_timeout(parser: argparse.ArgumentParser, past_it: str) -> None:
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"the most CPU time one document may take; {past_it} (0: no limit; default: %(default)s)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Strip boilerplate from scraped news text and explain every removal."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    clean = sub.add_parser(
        "clean",
        help="clean files, directories or stdin",
        description="Clean documents. Output mirrors input: `clean a/ -o b/` writes b/<same relative "
        "name> (HTML input as <name>.txt, WARC as JSONL); JSONL and Parquet keep every field, with "
        "the text field replaced and `removed` and `repairs` added. Without -o (or with -o -), "
        "results go to stdout: one document as its clean text, anything more as JSON lines. "
        "Every record read is written once or reported as an error, and the run checks these "
        "books before it exits. "
        "An interrupted run (Ctrl-C, kill) resumes when the same command is run again.",
    )
    clean.add_argument("inputs", nargs="+", metavar="INPUT", help="file, directory, or '-' for stdin")
    clean.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="where the results go: a directory (ends with '/' or exists) mirrors the inputs; "
        "a file named .jsonl, .jsonl.gz, .jsonl.zst, .parquet, .warc or .warc.gz gets every record "
        "of every input, in that format; any other name is one document's clean text, so records "
        "(JSONL, Parquet, WARC input) or several inputs into out or out.txt are refused (exit 2, "
        "nothing written): write out.jsonl or out/ (a new name without a suffix, given a directory "
        "or several inputs, is a directory); .json is refused: write .jsonl; '-': stdout",
    )
    clean.add_argument("--errors", metavar="FILE", help="also write failed records here as JSON lines")
    clean.add_argument(
        "--removed",
        metavar="FILE",
        help="write removals and repairs here (JSON lines) instead of into each record",
    )
    clean.add_argument(
        "--profile", metavar="PROFILE", help="remove the site boilerplate learned by `cleaner learn`"
    )
    _add_workers(clean, "worker processes (default: the cores available)")
    bar = clean.add_mutually_exclusive_group()
    bar.add_argument(
        "--progress", action="store_true", default=None, help="show a progress bar even when piped"
    )
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")
    clean.add_argument(
        "--checkpoint-every",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="how often the resume journal is brought up to date (default: %(default)s)",
    )
    _add_timeout(clean, "past it the document is an error record and the run goes on")
    clean.add_argument(
        "-q", "--quiet", action="store_true", help="no summary at the end (errors still shown)"
    )
    clean.add_argument(
        "--report",
        metavar="HTML",
        help="also write an HTML audit report of this run (see `cleaner report`)",
    )
    _add_report_options(clean)
    _add_common(clean)
    clean.set_defaults(subparser=clean)

    learn = sub.add_parser(
        "learn",
        help="learn the lines each site repeats, for `clean --profile`",
        description="Count, per site (the site field, else the URL's host), in how many documents "
        "each normalised line occurs; write the lines above the thresholds as hashes to PROFILE.",
    )
    learn.add_argument("inputs", nargs="+", metavar="INPUT", help="file, directory, or '-' for stdin")
    learn.add_argument("-o", "--output", required=True, metavar="PROFILE", help="the profile file to write")
    learn.add_argument(
        "--min-docs", type=_positive, default=3, help="documents a line must be in (default: 3)"
    )
    learn.add_argument(
        "--min-share",
        type=float,
        default=0.05,
        help="share of its site's documents it must be in (default: 0.05)",
    )
    learn.add_argument(
        "--max-sites",
        type=_positive,
        default=3,
        help="a line in this many sites is shared text, not boilerplate",
    )
    learn.add_argument(
        "--budget", type=_positive, default=2_000_000, help="line counts held in memory at once"
    )
    learn.add_argument("--show", type=int, default=10, metavar="N", help="print the N sites with most lines")
    _add_workers(
        learn, "worker processes extracting the articles of HTML records (default: the cores available)"
    )
    _add_timeout(learn, "past it the document is skipped")
    _add_common(learn)
    learn.set_defaults(subparser=learn)

    explain = sub.add_parser(
        "explain",
        help="show what would be removed or repaired, and why",
        description="Print the document with every line: kept lines plain, removed lines marked "
        "'- ...  [reason/rule]'; then the repairs and the metadata.",
    )
    explain.add_argument("file", metavar="FILE", help="a .txt/.html/.jsonl file, or '-' for stdin")
    explain.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour removed lines (auto: on a terminal)",
    )
    explain.add_argument("--profile", metavar="PROFILE", help="also mark the learned site boilerplate")
    _add_common(explain)
    explain.set_defaults(subparser=explain)

    report = sub.add_parser(
        "report",
        help="write an HTML audit report: what was removed, why, where, and a sample",
        description="Clean the inputs (writing no output) and write one self-contained HTML page: "
        "totals, characters removed per reason and rule, repairs, the share removed per document, "
        "sites, the most cut documents, errors, and a reproducible sample of whole documents with "
        "every removed line marked.",
    )
    report.add_argument("inputs", nargs="+", metavar="INPUT", help="file, directory, or '-' for stdin")
    report.add_argument(
        "-o", "--output", dest="report", required=True, metavar="HTML", help="the page to write"
    )
    report.add_argument("--profile", metavar="PROFILE", help="also remove the learned site boilerplate")
    _add_report_options(report)
    _add_workers(report, "worker processes (default: the cores available)")
    _add_timeout(report, "past it the document is an error record and the run goes on")
    report.add_argument("-q", "--quiet", action="store_true", help="no summary line at the end")
    _add_common(report)
    report.set_defaults(subparser=report)
    return parser


def _add_report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sample",
        type=_count,
        default=50,
        metavar="N",
        help="documents shown whole in the report, the most and least changed among them (default: 50)",
    )
    p.add_argument(
        "--seed", type=int, default=0, help="picks the sample; the same seed, the same documents (default: 0)"
    )
    p.add_argument(
        "--threshold",
        type=_share,
        default=0.5,
        metavar="SHARE",
        help="documents that lost more than this share of their text are listed first (default: 0.5)",
    )
