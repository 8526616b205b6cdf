"""One `cleaner clean` run: sources to outputs, with the journal, the progress bar and the summary.

Where the records go is settled (or refused) by `cleaner.batch.target` before anything is
written; the runner plans the units to clean (skipping what an earlier run of the same
command finished), and applies the outcomes that `cleaner.batch.engine` returns in input order:
each unit gives exactly one output record or one error record (stderr, and --errors FILE
as JSON lines), and `cleaner.batch.books` checks that per input before the run exits. Every
couple of seconds it checkpoints the open output and the side files into the journal.
"""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from . import engine as batch
from . import formats
from .books import Books, Ledger
from .engine import Job, Outcome, Planned, Stats
from .journal import Journal, ResumeState, SideFile, journal_path
from .progress import open_bar, show_progress, summary
from .sources import STDIN, ReadError, Source, discover, read_units
from .target import Target, plan_target, same_file
from .writers import StdoutWriter, Writer, complete_commit, mirrored_name, open_writer, output_format

__all__ = ["CleanRun", "RunOptions"]

PROG = "cleaner"


@dataclass
class RunOptions:
    """What `cleaner clean` was asked to do."""

    inputs: list[str]
    output: str | None = None
    errors: str | None = None
    removed: str | None = None
    workers: int = 1
    progress: bool | None = None  # None: on a terminal
    quiet: bool = False
    stdin_format: str = "text"
    job: Job = field(default_factory=Job)
    checkpoint_secs: float = 2.0


@dataclass
class _SourceState:
    source: Source
    out: str  # "doc" | "jsonl" | "parquet" | "warc" | "warc.gz"
    dest: Path | None  # None: stdout
    skip: int = 0  # units finished by an earlier run
    resume_at: int | None = None
    units: int = 0
    pos: int = 0
    writer: Writer | None = None
    books: Ledger = field(default_factory=Ledger)  # this run's records of this source


class CleanRun:
    """Run `cleaner clean` once; `execute()` returns the exit code (0, 1, or 130).

    Raises cleaner.batch.target.Refused (before anything is written) for an output that cannot
    hold every record the inputs give."""

    def __init__(self, opts: RunOptions, stdout: IO[bytes], stderr: IO[str]) -> None:
        self.opts = opts
        self.target: Target = plan_target(opts.output, opts.inputs, opts.stdin_format)
        self.stdout_writer = StdoutWriter(stdout)
        self.stderr = stderr
        self.stats = Stats()
        self.books = Books()
        self.stop = False
        self.out_file = self.target.path if self.target.kind == "file" else None
        self.out_dir = self.target.path if self.target.kind == "dir" else None
        self.shared: Writer | None = None  # one file fed by several inputs
        self.failed_outputs = 0
        self.written: set[int] = set()  # hashes of output paths: small even for millions of files
        self.journal: Journal | None = None
        self.resume = ResumeState()
        self.errors: SideFile | None = None
        self.removed: SideFile | None = None
        self.current: _SourceState | None = None
        self.last_checkpoint = time.monotonic()
        self.bar: Any = None
        self.resumed_records = 0

    # -- setup -----------------------------------------------------------------------------

    def _open(self) -> None:
        opts = self.opts
        target = self.out_file or self.out_dir
        if target is not None and STDIN not in opts.inputs and not self.target.merged:
            sig = batch.signature(
                {
                    "inputs": opts.inputs,
                    "output": opts.output,
                    "errors": opts.errors,
                    "removed": opts.removed,
                    "profile": opts.job.profile,
                    "job": repr(
                        (opts.job.config, opts.job.fields, opts.job.prefer, opts.job.kind, opts.job.timeout)
                    ),
                }
            )
            self.journal, state = Journal.open(journal_path(target, self.out_dir is not None), sig)
            if state is not None:
                self.resume = state
                self.resumed_records = state.records
                self._say(
                    f"resuming an interrupted run: {len(state.done)} source(s) and "
                    f"{state.records} record(s) already done"
                )
        resuming = self.journal is not None and bool(
            self.resume.done or self.resume.partial or self.resume.records
        )
        if opts.errors:
            self.errors = SideFile(Path(opts.errors), self.resume.errors_at if resuming else None)
        if opts.removed:
            self.removed = SideFile(Path(opts.removed), self.resume.removed_at if resuming else None)

    def _say(self, message: str) -> None:
        line = f"{PROG}: {message}\n"
        if self.bar is not None:
            self.bar.write(line.rstrip("\n"), file=self.stderr)
        else:
            self.stderr.write(line)
            self.stderr.flush()

    # -- planning ----------------------------------------------------------------------------

    def _sources(self) -> Iterator[Source]:
        exclude = self.out_dir.resolve() if self.out_dir is not None else None
        return discover(self.opts.inputs, stdin_format=self.opts.stdin_format, exclude=exclude)

    def _state(self, source: Source) -> _SourceState | str:
        """Where this source's output goes, or why it cannot be written."""
        if self.target.kind == "stdout":
            return _SourceState(source, self.target.fmt, None)
        dest = (
            self.out_file if self.out_file is not None else (self.out_dir or Path()) / mirrored_name(source)
        )
        # cleaner.batch.target refused these before the run; checked again, as files can change.
        if source.path is not None and same_file(dest, source.path):
            return f"output {dest} would overwrite the input; skipped"
        key = hash(str(dest.resolve()))
        if key in self.written and not self.target.merged:
            return f"output {dest} was already written from another input; skipped"
        self.written.add(key)
        fmt = output_format(dest)
        if source.many and fmt == "doc":  # a text file holds one document: never overwrite records
            return f"output {dest} cannot hold the records of {source.name}; skipped"
        if fmt == "parquet":
            try:
                formats.need("pyarrow.parquet", "parquet", "writing Parquet")
            except formats.MissingExtra as exc:
                return str(exc)
        state = _SourceState(source, fmt, dest)
        if source.name in self.resume.partial:
            state.skip, state.resume_at = self.resume.partial[source.name]
            state.units = state.skip  # units counts every unit of the source, errors included
        return state

    def plan(self) -> Iterator[Planned]:
        for source in self._sources():
            state = self._state(source)
            if isinstance(state, str):
                dead = _SourceState(source, "jsonl", None)
                dead.books.read += 1
                yield dead, ReadError(source.name, state), 0
                yield dead, None, 0
                continue
            if source.name in self.resume.committing and state.dest is not None:
                complete_commit(state.dest, self.resume.committing[source.name])
                if self.journal is not None:
                    self.journal.done(source.name, *self._side_positions(), self._records())
                self.resume.done.add(source.name)
            if source.name in self.resume.done:
                self._advance(state, self._size(source))
                continue
            pos = 0
            for i, (unit, pos) in enumerate(read_units(source, self.opts.job.config.max_size)):
                if i < state.skip:
                    self._advance(state, pos)
                    continue
                state.books.read += 1
                yield state, unit, pos
            yield state, None, pos

    @staticmethod
    def _size(source: Source) -> int:
        try:
            return source.path.stat().st_size if source.path is not None else 0
        except OSError:
            return 0

    def _advance(self, state: _SourceState, pos: int) -> None:
        if self.bar is not None and pos > state.pos:
            self.bar.update(pos - state.pos)
        state.pos = max(state.pos, pos)

    # -- applying outcomes ---------------------------------------------------------------------

    def _writer(self, state: _SourceState) -> Writer:
        if state.writer is None:
            if state.dest is None:
                state.writer = self.stdout_writer
            elif self.target.merged:
                if self.shared is None:
                    self.shared = open_writer(state.dest)
                state.writer = self.shared
            else:
                state.writer = open_writer(state.dest, state.resume_at)
        return state.writer

    def handle(self, planned: list[Planned], outcomes: list[Outcome]) -> None:
        results = iter(outcomes)
        for state, unit, pos in planned:
            if unit is None:
                self._finish(state)
                continue
            outcome = next(results, None)
            if outcome is None:  # a unit without an outcome: the books check names the source
                state.units += 1  # the journal's count stays that of units consumed
                continue
            self.current = state if state.source.many and not self.target.merged else None
            if outcome[0] == "ok":
                try:
                    self._writer(state).write(outcome[1])
                    state.books.written += 1
                    if outcome[2] is not None and self.removed is not None:
                        self.removed.write(outcome[2])
                except (OSError, ValueError, formats.MissingExtra) as exc:
                    where = state.source.name
                    outcome = ("err", {"where": where, "id": None, "error": f"cannot write: {exc}"}, where)
            if outcome[0] == "err":
                self._report(outcome)
                state.books.failed += 1
            state.units += 1
            self.stats.add(outcome)
            self._advance(state, pos)
        extra = sum(1 for _ in results)
        if extra:
            self.books.unbalanced.append(f"{extra} outcome(s) came back for no unit")
        self._progress()
        if time.monotonic() - self.last_checkpoint >= self.opts.checkpoint_secs:
            self.checkpoint()

    def _report(self, outcome: Outcome) -> None:
        entry, label = outcome[1], outcome[2]
        self._say(f"{label}: {entry['error']}")
        if self.errors is not None:
            self.errors.write(entry)

    def _finish(self, state: _SourceState) -> None:
        if state.dest is not None and not self.target.merged:
            try:
                writer = self._writer(state)
                if self.journal is not None and state.out in ("jsonl", "parquet", "warc", "warc.gz"):
                    # Journal the final length before the rename: a run killed between the
                    # two finishes the rename on resume instead of redoing the source.
                    pos = writer.checkpoint(sync=True)
                    err, rem = self._side_positions(sync=True)
                    self.journal.commit(state.source.name, pos, err, rem, self._records())
                writer.commit()
                self.books.deliver(writer)
            except (OSError, ValueError, formats.MissingExtra) as exc:
                self._lost(state.source.name, state.books.written, exc)
                state.books.failed += state.books.written
                state.books.written = 0
        elif state.dest is not None:
            self._writer(state)  # the merged file exists even when every input is empty
        self.books.close(state.source.name, state.books)
        self.current = None
        if self.journal is not None:
            self.journal.done(state.source.name, *self._side_positions(), self._records())

    def _lost(self, name: str, n: int, exc: Exception) -> None:
        """An output that could not be put in place: its n records become error records."""
        error = f"cannot write output: {exc}; its {n:,} record(s) are not delivered"
        self._report(("err", {"where": name, "id": None, "error": error}, name))
        self.stats.docs -= n
        self.stats.errors += n
        self.failed_outputs += 1

    def _side_positions(self, sync: bool = False) -> tuple[int, int]:
        err = self.errors.tell(sync) if self.errors is not None else 0
        rem = self.removed.tell(sync) if self.removed is not None else 0
        return err, rem

    def _records(self) -> tuple[int, int]:
        """Records done and of them failed, over this run and the runs it resumes."""
        done = self.resumed_records + self.stats.docs + self.stats.errors
        return done, self.resume.failed + self.stats.errors

    def checkpoint(self) -> None:
        """Make what is written durable and record it in the journal."""
        self.last_checkpoint = time.monotonic()
        if self.journal is None:
            self.stdout_writer.checkpoint()
            return
        state = self.current
        if state is not None and state.writer is not None:
            pos = state.writer.checkpoint(sync=True)
            err, rem = self._side_positions(sync=True)
            self.journal.checkpoint(state.source.name, state.units, pos, err, rem, self._records(), sync=True)

    # -- progress and summary --------------------------------------------------------------------

    def _start_bar(self) -> None:
        self.bar = open_bar(self.stderr, lambda: list(self._sources()), self.opts.progress, self.opts.quiet)
        self.started = time.monotonic()

    def _progress(self) -> None:
        if self.bar is not None:
            show_progress(self.bar, self.stats, time.monotonic() - self.started)

    def summary(self, elapsed: float) -> str:
        return summary(self.stats, self.books, self.opts.workers, self.resumed_records, elapsed)

    # -- the run ---------------------------------------------------------------------------------

    def execute(self) -> int:
        start = time.monotonic()
        self._open()
        self._start_bar()
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        finished = crashed = False
        try:
            finished = batch.run_batches(
                self.plan(), self.opts.job, self.opts.workers, self.handle, lambda: self.stop
            )
            if finished:
                self._settle()
        except batch.WorkerCrash as exc:
            crashed = True
            self._say(f"a worker process died ({exc})")
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self._close(finished)
        problems = self.books.problems(finished)  # an interrupted run: the inputs it finished
        for problem in problems:
            self._say(f"records lost or doubled (a bug, please report it): {problem}")
        if not finished:
            what = "stopped" if crashed else "interrupted"
            again = "start over" if self.target.merged else "resume"
            self._say(f"{what} after {self._records()[0]:,} records; run the same command again to {again}")
            return 1 if crashed else 130
        if self.stats.docs + self.stats.errors == 0 and not self.resumed_records:
            self._say(f"no input records found in {' '.join(self.opts.inputs)}")
        if not self.opts.quiet:
            self.stderr.write(self.summary(time.monotonic() - start))
        # failed records of resumed runs count too
        return 1 if self._records()[1] or self.failed_outputs or problems else 0

    def _settle(self) -> None:
        """The run is complete: put a merged output in place, and count what stdout got."""
        if self.shared is not None:
            try:
                self.shared.commit()
                self.books.deliver(self.shared)
            except (OSError, ValueError, formats.MissingExtra) as exc:
                n = self.books.total.written
                self.books.lose(n)
                self._lost(str(self.out_file), n, exc)
        if self.target.kind == "stdout":
            self.books.deliver(self.stdout_writer)

    def _on_signal(self, signum: int, frame: Any) -> None:
        self.stop = True

    def _close(self, finished: bool) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if not finished:
            with contextlib.suppress(OSError):
                self.checkpoint()
            if self.current is not None and self.current.writer is not None:
                self.current.writer.close_partial()
        for side in (self.errors, self.removed):
            if side is not None:
                side.close()
        if self.journal is not None:
            self.journal.close(finished)
        with contextlib.suppress(OSError, ValueError):
            self.stdout_writer.checkpoint()
