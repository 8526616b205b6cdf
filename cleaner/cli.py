"""The `cleaner` command: `clean` for batches, `explain` for one document.

Exit codes: 0 ok, 1 some records failed (each reported on stderr as
`cleaner: <record>: <message>`, and as a JSON line to --errors FILE), 2 usage error.
One bad record never stops the batch: it is reported, counted, and the rest goes on.
"""

from __future__ import annotations

import argparse
import contextlib
import io as _io
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from .config import KINDS, MODES, Config
from .errors import CleanerError
from .explain import render
from .io import (
    STDIN,
    Fields,
    ReadError,
    Record,
    Sink,
    Source,
    StdoutSink,
    discover,
    open_file_sink,
    read_source,
)
from .model import Result
from .pipeline import Cleaner, looks_like_html

PROG = "cleaner"


# -- arguments -----------------------------------------------------------------------


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
    p.add_argument(
        "--text-field", default="text", metavar="F", help="JSONL text field (default: %(default)s)"
    )
    p.add_argument(
        "--html-field", default="html", metavar="F", help="JSONL HTML field (default: %(default)s)"
    )
    p.add_argument("--id-field", default="id", metavar="F", help="JSONL id field (default: %(default)s)")
    p.add_argument("--url-field", default="url", metavar="F", help="JSONL URL field (default: %(default)s)")
    p.add_argument(
        "--stdin-format",
        choices=("text", "jsonl"),
        default="text",
        help="what '-' reads: one document, or JSONL records (default: %(default)s)",
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
        "name> (HTML input as <name>.txt); JSONL gives JSONL with the text field replaced and "
        "`removed` and `repairs` added. Without -o, results go to stdout.",
    )
    clean.add_argument("inputs", nargs="+", metavar="INPUT", help="file, directory, or '-' for stdin")
    clean.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output directory; a file name when the only input is a file or '-' and OUT is "
        "not an existing directory (nor ends with '/')",
    )
    clean.add_argument("--errors", metavar="FILE", help="also write failed records here as JSON lines")
    _add_common(clean)
    clean.set_defaults(subparser=clean)

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
    _add_common(explain)
    explain.set_defaults(subparser=explain)
    return parser


def _fields(args: argparse.Namespace) -> Fields:
    return Fields(text=args.text_field, html=args.html_field, id=args.id_field, url=args.url_field)


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


# -- reporting -----------------------------------------------------------------------


class Reporter:
    """Counts and reports failed records: stderr always, JSON lines to --errors when given."""

    def __init__(self, stderr: IO[str], errors_file: IO[str] | None = None) -> None:
        self.stderr = stderr
        self.errors_file = errors_file
        self.failed = 0
        self.done = 0

    def fail(self, item: Record | ReadError, message: str) -> None:
        self.failed += 1
        self.stderr.write(f"{PROG}: {item.label}: {message}\n")
        if self.errors_file is not None:
            rid = item.id if isinstance(item, ReadError) else (item.id if item.explicit_id else None)
            entry = {"where": item.where, "id": rid, "error": message}
            self.errors_file.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.errors_file.flush()

    def fail_source(self, source: Source, message: str) -> None:
        """A whole source failed (cannot write its output, say)."""
        self.fail(ReadError(source.name, message), message)


def clean_stream(
    cleaner: Cleaner, items: Iterable[Record | ReadError], kind: str
) -> Iterator[tuple[Record | ReadError, Result | str]]:
    """Clean records in order, pairing each with its Result or an error message.

    This is the seam for parallel workers: anything that maps items to outcomes in
    order can replace it. A failure of one record (even a bug in a stage) is an outcome,
    not an exception, so the batch goes on.
    """
    for item in items:
        if isinstance(item, ReadError):
            yield item, item.message
            continue
        try:
            yield item, cleaner.clean(item.content, url=item.url, kind=_record_kind(kind, item))
        except CleanerError as exc:
            yield item, str(exc)
        except Exception as exc:  # a bug in one record must not take the batch down
            yield item, f"internal error: {type(exc).__name__}: {exc}"


# -- clean ---------------------------------------------------------------------------


def _output_is_file(output: str, inputs: Sequence[str]) -> bool:
    if len(inputs) != 1 or output.endswith(("/", os.sep)) or os.path.isdir(output):
        return False
    return inputs[0] == STDIN or not os.path.isdir(inputs[0])


def _dest(out_dir: Path, source: Source) -> Path:
    dest = out_dir / source.relpath
    return dest.with_suffix(".txt") if source.format == "html" else dest


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def cmd_clean(args: argparse.Namespace, cleaner: Cleaner, reporter: Reporter, stdout: IO[str]) -> None:
    fields = _fields(args)
    prefer = "html" if args.kind == "html" else "text"
    out_file: Path | None = None
    out_dir: Path | None = None
    if args.output is not None:
        if _output_is_file(args.output, args.inputs):
            out_file = Path(args.output)
        else:
            out_dir = Path(args.output)
    exclude = out_dir.resolve() if out_dir is not None else None
    to_stdout = StdoutSink(stdout, fields)
    written: dict[Path, str] = {}

    for source in discover(args.inputs, stdin_format=args.stdin_format, exclude=exclude):
        sink: Sink = to_stdout
        if out_file is not None or out_dir is not None:
            dest = out_file if out_file is not None else _dest(out_dir or Path(), source)
            key = dest.resolve()
            if source.path is not None and _same_file(dest, source.path):
                reporter.fail_source(source, f"output {dest} would overwrite the input; skipped")
                continue
            if key in written:
                reporter.fail_source(source, f"output {dest} was already written from {written[key]}")
                continue
            written[key] = source.name
            try:
                sink = open_file_sink(source, dest, fields)
            except OSError as exc:
                reporter.fail_source(source, f"cannot write {dest}: {exc.strerror or exc}")
                continue
        _clean_source(cleaner, source, sink, reporter, fields, prefer, args.kind)
    if reporter.done == 0 and reporter.failed == 0:
        reporter.stderr.write(f"{PROG}: no input records found in {' '.join(args.inputs)}\n")


def _clean_source(
    cleaner: Cleaner, source: Source, sink: Sink, reporter: Reporter, fields: Fields, prefer: str, kind: str
) -> None:
    """Clean one source into its sink; the sink's file appears even if some records failed."""
    try:
        with sink:
            for item, outcome in clean_stream(cleaner, read_source(source, fields, prefer), kind):
                if isinstance(outcome, str):
                    reporter.fail(item, outcome)
                    continue
                assert isinstance(item, Record)
                try:
                    sink.write(item, outcome)
                except BrokenPipeError:
                    raise  # the reader of stdout left: stop the run, not just this record
                except OSError as exc:
                    reporter.fail(item, f"cannot write: {exc.strerror or exc}")
                    continue
                reporter.done += 1
    except BrokenPipeError:
        raise
    except OSError as exc:  # finishing the output file failed (disk full, permissions)
        reporter.fail_source(source, f"cannot write output: {exc.strerror or exc}")


# -- explain -------------------------------------------------------------------------


def _use_color(choice: str, stream: IO[str]) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _repaired(cleaner: Cleaner, text: str) -> str:
    """The text Removal.line indexes: the repair stage's output (or the input, if off)."""
    if not cleaner.config.repair:
        return text
    from .fix import repair

    return repair(text)


def cmd_explain(args: argparse.Namespace, cleaner: Cleaner, reporter: Reporter, stdout: IO[str]) -> None:
    fields = _fields(args)
    prefer = "html" if args.kind == "html" else "text"
    color = _use_color(args.color, stdout)
    sources = list(discover([args.file], stdin_format=args.stdin_format))
    headers = len(sources) > 1 or any(s.format == "jsonl" for s in sources)
    for source in sources:
        for item, outcome in clean_stream(cleaner, read_source(source, fields, prefer), args.kind):
            if isinstance(outcome, str):
                reporter.fail(item, outcome)
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
            reporter.done += 1


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
    inputs = args.inputs if args.command == "clean" else [args.file]
    _check_inputs(parser, inputs)
    stdout = _utf8(sys.stdout)

    try:
        cleaner = Cleaner(Config(mode=args.mode))
    except CleanerError as exc:
        parser.error(str(exc))

    errors_file: IO[str] | None = None
    if getattr(args, "errors", None):
        try:
            errors_file = open(args.errors, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            parser.error(f"cannot open --errors file {args.errors}: {exc.strerror or exc}")
    reporter = Reporter(sys.stderr, errors_file)
    try:
        if args.command == "clean":
            cmd_clean(args, cleaner, reporter, stdout)
        else:
            cmd_explain(args, cleaner, reporter, stdout)
    except BrokenPipeError:
        # `cleaner clean big/ | head`: the reader left; stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1 if reporter.failed else 0
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 130
    finally:
        if errors_file is not None:
            errors_file.close()

    if reporter.failed:
        sys.stderr.write(f"{PROG}: {reporter.failed} record(s) failed, {reporter.done} ok\n")
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
