"""The `cleaner` command: `clean` for batches, `learn` for site profiles, `explain` for one document,
`report` for an HTML audit of a run.

Exit codes: 0 ok, 1 some records failed (each reported on stderr as
`cleaner: <record>: <message>`, and as a JSON line to --errors FILE), 2 usage error,
130 interrupted (run the same command again to resume). One bad record never stops the
batch: it is reported, counted, and the rest goes on.
"""

from __future__ import annotations

import argparse
import contextlib
import io as _io
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import IO, TYPE_CHECKING

from .args import build_parser
from .batch.engine import Job, default_workers
from .batch.runner import CleanRun, RunOptions
from .batch.sources import STDIN, Fields, ReadError, Record, discover, read_source
from .batch.target import Refused
from .config import Config
from .errors import CleanerError
from .explain import render
from .model import Result
from .pipeline import Cleaner, looks_like_html

if TYPE_CHECKING:
    from .batch.report import ReportOptions

PROG = "cleaner"


def _fields(args: argparse.Namespace) -> Fields:
    return Fields(
        text=args.text_field, html=args.html_field, id=args.id_field, url=args.url_field, site=args.site_field
    )


def _check_inputs(parser: argparse.ArgumentParser, inputs: Sequence[str]) -> None:
    """Missing inputs are a usage error (exit 2), found before any work starts."""
    missing = [p for p in inputs if p != STDIN and not os.path.exists(p)]
    if missing:
        parser.error(f"no such file or directory: {', '.join(missing)}")
    if list(inputs).count(STDIN) > 1:
        parser.error("'-' (stdin) can be given only once")


def _record_kind(requested: str, record: Record) -> str:
    """--kind text/html overrides; auto uses what the input says (suffix, field), else sniffs."""
    return requested if requested != "auto" else (record.kind or "auto")


def _report(stderr: IO[str], item: Record | ReadError, message: str) -> None:
    stderr.write(f"{PROG}: {item.label}: {message}\n")


def clean_stream(
    cleaner: Cleaner, items: Iterable[Record | ReadError], kind: str
) -> Iterator[tuple[Record | ReadError, Result | str]]:
    """Clean records in this process, in order, pairing each with its Result or an error
    message (explain uses it; `clean` runs through cleaner.batch.engine)."""
    for item in items:
        if isinstance(item, ReadError):
            yield item, item.message
            continue
        try:
            yield (
                item,
                cleaner.clean(item.content, url=item.url, kind=_record_kind(kind, item), site=item.site),
            )
        except CleanerError as exc:
            yield item, str(exc)
        except Exception as exc:  # a bug in one record must not take the batch down
            yield item, f"internal error: {type(exc).__name__}: {exc}"


# -- commands ------------------------------------------------------------------------


def cmd_clean(args: argparse.Namespace, config: Config) -> int:
    """Run a batch; an output that cannot hold every record is refused first (exit 2)."""
    opts = RunOptions(
        inputs=list(args.inputs),
        output=args.output,
        errors=args.errors,
        removed=args.removed,
        workers=args.workers or default_workers(),
        progress=args.progress,
        quiet=args.quiet,
        stdin_format=args.stdin_format,
        checkpoint_secs=args.checkpoint_every,
        job=Job(
            config=config,
            fields=_fields(args),
            prefer="html" if args.kind == "html" else "text",
            kind=args.kind,
            side_removed=bool(args.removed),
            profile=os.path.abspath(args.profile) if args.profile else None,
            timeout=args.timeout or None,
        ),
    )
    sys.stdout.flush()
    try:
        if args.report:
            from .batch.report import ReportingRun

            run: CleanRun = ReportingRun(opts, sys.stdout.buffer, sys.stderr, _report_options(args))
        else:
            run = CleanRun(opts, sys.stdout.buffer, sys.stderr)
    except Refused as exc:
        args.subparser.error(str(exc))
    return run.execute()


def _report_options(args: argparse.Namespace) -> ReportOptions:
    from .batch.report import ReportOptions

    settings = {"inputs": " ".join(args.inputs), "mode": args.mode, "kind": args.kind}
    if args.html_fast:
        settings["html"] = "fast"
    if args.page_types:
        settings["page types"] = ",".join(sorted(args.page_types))
    if getattr(args, "profile", None):
        settings["profile"] = args.profile
    settings.update(sample=str(args.sample), seed=str(args.seed), threshold=str(args.threshold))
    return ReportOptions(args.report, args.sample, args.seed, args.threshold, settings=settings)


def cmd_report(args: argparse.Namespace, config: Config) -> int:
    from .batch.report import run_report

    job = Job(
        config=config,
        fields=_fields(args),
        prefer="html" if args.kind == "html" else "text",
        kind=args.kind,
        profile=os.path.abspath(args.profile) if args.profile else None,
        timeout=args.timeout or None,
    )
    workers = args.workers or default_workers()
    return run_report(
        args.inputs, job, workers, _report_options(args), sys.stderr, args.quiet, args.stdin_format
    )


def cmd_learn(args: argparse.Namespace, config: Config, stdout: IO[str]) -> int:
    from .batch.learning import learnable_texts
    from .text.profile import Learner

    fields, failed = _fields(args), 0
    learner = Learner(args.min_docs, args.min_share, args.max_sites, args.budget)
    items = (
        item
        for source in discover(args.inputs, stdin_format=args.stdin_format)
        for item in read_source(source, fields, "html" if args.kind == "html" else "text", args.max_size)
    )
    workers = args.workers or default_workers()
    kind_of = partial(_record_kind, args.kind)
    for item, text, error in learnable_texts(items, kind_of, config, workers, args.timeout or None):
        if text is None:
            _report(sys.stderr, item, error or "failed")
            failed += 1
        elif not isinstance(item, ReadError):
            learner.add(text, item.site or item.url)
    profile = learner.profile()
    try:
        profile.save(args.output)
    except OSError as exc:
        sys.stderr.write(f"{PROG}: cannot write {args.output}: {exc.strerror or exc}\n")
        return 1
    st = profile.stats
    stdout.write(
        f"{st['docs']:,} documents from {st['sites']:,} sites ({st['unsited']:,} without a site); "
        f"{len(profile):,} lines kept for {len(profile.sites):,} sites; "
        f"{st['shared_dropped']:,} lines dropped as shared by {args.max_sites}+ sites -> {args.output}\n"
    )
    ranked = sorted(profile.sites.items(), key=lambda kv: -len(kv[1]["lines"]))[: max(0, args.show)]
    for site, entry in ranked:
        stdout.write(f"  {site}: {len(entry['lines'])} lines over {entry['docs']} documents\n")
        for h, count in list(entry["lines"].items())[:3]:
            stdout.write(f"    {count:>5}x  {entry['examples'].get(h, '')[:100]}\n")
    return 1 if failed else 0


def _repaired(cleaner: Cleaner, text: str) -> str:
    """The text Removal.line indexes: the repair stage's output (or the input, if off)."""
    if not cleaner.config.repair:
        return text
    from .repairs.fix import repair

    return repair(text)


def _use_color(choice: str, stream: IO[str]) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def cmd_explain(args: argparse.Namespace, cleaner: Cleaner, stdout: IO[str]) -> int:
    fields, failed = _fields(args), 0
    prefer = "html" if args.kind == "html" else "text"
    color = _use_color(args.color, stdout)
    sources = list(discover([args.file], stdin_format=args.stdin_format))
    headers = len(sources) > 1 or any(s.many for s in sources)
    for source in sources:
        records = read_source(source, fields, prefer, args.max_size)
        for item, outcome in clean_stream(cleaner, records, args.kind):
            if isinstance(outcome, str):
                _report(sys.stderr, item, outcome)
                failed += 1
                continue
            assert isinstance(item, Record)
            kind = _record_kind(args.kind, item)
            if kind == "auto":
                kind = "html" if looks_like_html(item.content) else "text"
            repaired = _repaired(cleaner, item.content) if kind == "text" else None
            if headers:
                stdout.write(f"==> {item.label} <==\n")
            stdout.write(render(outcome, repaired, color))
            if headers:
                stdout.write("\n")
            stdout.flush()
    if failed:
        sys.stderr.write(f"{PROG}: {failed} record(s) failed\n")
    return 1 if failed else 0


# -- main ----------------------------------------------------------------------------


def _utf8(stream: IO[str]) -> IO[str]:
    """Corpora are UTF-8 whatever the locale says: reconfigure a real stdout to UTF-8."""
    if isinstance(stream, _io.TextIOWrapper) and (stream.encoding or "").lower().replace("-", "") != "utf8":
        with contextlib.suppress(ValueError, OSError):
            stream.reconfigure(encoding="utf-8")
    return stream


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and of `python -m cleaner`; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    parser = args.subparser  # usage errors name the subcommand's usage
    inputs = [args.file] if args.command == "explain" else args.inputs
    _check_inputs(parser, inputs)
    stdout = _utf8(sys.stdout)

    try:
        config = Config(
            mode=args.mode, html_fast=args.html_fast, max_size=args.max_size, page_types=args.page_types
        )
    except CleanerError as exc:
        parser.error(str(exc))
    profile = None
    if getattr(args, "profile", None):
        from .text.profile import Profile

        try:
            profile = Profile.load(args.profile)
        except ValueError as exc:
            parser.error(str(exc))
    for flag in ("errors", "removed", "report"):
        path = getattr(args, flag, None)
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            parser.error(f"cannot write --{flag} {path}: no such directory")

    try:
        if args.command == "clean":
            return cmd_clean(args, config)
        if args.command == "learn":
            return cmd_learn(args, config, stdout)
        if args.command == "report":
            return cmd_report(args, config)
        return cmd_explain(args, Cleaner(config, profile=profile), stdout)
    except BrokenPipeError:
        # `cleaner clean big/ | head`: the reader left; stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
