"""`cleaner report` and `cleaner clean --report`: an HTML audit report of a cleaning run.

The documents go through the same batch runner as `cleaner clean` (workers, time limit,
one error record per bad record, never an exception), with `Job.report` set so that each
outcome also carries an `audit.Entry`. The main process adds the entries to an `Audit`
and a `Sampler` in input order — memory bounded by the sample size, not the corpus — and
at the end `report_html.render` writes one self-contained page.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..report.audit import Audit, Entry, Sampler
from ..report.page import render
from . import engine as batch
from .engine import Job, Outcome, Planned
from .runner import CleanRun, RunOptions
from .sources import discover, read_units

__all__ = ["ReportOptions", "Reporter", "ReportingRun", "run_report"]

PROG = "cleaner"


@dataclass
class ReportOptions:
    """What the report shows: how many documents whole, which seed picks them, and past
    which share removed a document counts as heavily cut."""

    output: str
    sample: int = 50
    seed: int = 0
    threshold: float = 0.5
    title: str = ""
    settings: dict[str, str] = field(default_factory=dict)


class Reporter:
    """Collects outcomes (in input order) and writes the page."""

    def __init__(self, opts: ReportOptions) -> None:
        self.opts = opts
        self.audit = Audit(threshold=opts.threshold)
        self.sampler = Sampler(opts.sample, opts.seed)

    def add(self, outcome: Outcome) -> None:
        if outcome[0] == "ok":
            if len(outcome) > 4 and isinstance(outcome[4], Entry):
                self.audit.add(outcome[4])
                self.sampler.add(outcome[4])
        else:
            self.audit.add_error(str(outcome[2]), str(outcome[1].get("error", "")))

    def write(self, complete: bool = True) -> None:
        """Render and write the page atomically (a temporary file renamed over the target)."""
        page = render(
            self.audit,
            self.sampler.sample(),
            title=self.opts.title,
            settings=self.opts.settings,
            complete=complete,
        )
        target = Path(self.opts.output)
        fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".tmp", dir=target.parent or Path("."))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(page)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file (mkstemp makes it 0600)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


@dataclass
class _Planned:
    out: str = "none"


def _plan(inputs: Sequence[str], stdin_format: str, max_size: int | None) -> Iterator[Planned]:
    """Every unit of every input, as the batch runner wants them (no output: "none")."""
    state = _Planned()
    for source in discover(inputs, stdin_format=stdin_format):
        pos = 0
        for unit, pos in read_units(source, max_size):
            yield state, unit, pos
        yield state, None, pos


def run_report(
    inputs: Sequence[str],
    job: Job,
    workers: int,
    opts: ReportOptions,
    stderr: IO[str],
    quiet: bool = False,
    stdin_format: str = "text",
) -> int:
    """`cleaner report`: clean every record (writing nothing but the page); 0 when every
    record was cleaned, 1 when some failed (each reported on stderr and in the page), 130
    when interrupted (the page is written all the same, marked as covering only the records
    read until then)."""
    reporter = Reporter(opts)
    job = dataclasses.replace(job, report=True)
    stop = False

    def handle(planned: list[Planned], outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if outcome[0] != "ok":
                stderr.write(f"{PROG}: {outcome[2]}: {outcome[1]['error']}\n")
            reporter.add(outcome)

    def on_signal(signum: int, frame: Any) -> None:
        nonlocal stop
        stop = True

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        plan = _plan(inputs, stdin_format, job.config.max_size)
        finished = batch.run_batches(plan, job, workers, handle, lambda: stop)
    except batch.WorkerCrash as exc:
        stderr.write(f"{PROG}: a worker process died ({exc})\n")
        finished = False
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    code = _finish(reporter, job, stderr, quiet, complete=finished)
    return code if finished else (130 if stop else 1)


def _finish(reporter: Reporter, job: Job, stderr: IO[str], quiet: bool, complete: bool = True) -> int:
    """Write the page and say so; 1 when some record failed or the page cannot be written."""
    a = reporter.audit
    if a.docs + a.errors == 0 and complete:
        stderr.write(f"{PROG}: no input records found\n")
    try:
        reporter.write(complete=complete)
    except OSError as exc:
        stderr.write(f"{PROG}: cannot write {reporter.opts.output}: {exc.strerror or exc}\n")
        return 1
    if not quiet:
        stderr.write(
            f"{PROG}: report of {a.docs:,} documents ({a.errors:,} errors, "
            f"{100 * a.share:.1f}% of the text removed) -> {reporter.opts.output}\n"
        )
    return 1 if a.errors else 0


class ReportingRun(CleanRun):
    """`cleaner clean --report FILE`: the usual run, whose outcomes also feed a report.
    A resumed run reports the records it cleaned itself (the earlier run's are not read
    again)."""

    def __init__(self, opts: RunOptions, stdout: IO[bytes], stderr: IO[str], report: ReportOptions) -> None:
        opts = dataclasses.replace(opts, job=dataclasses.replace(opts.job, report=True))
        super().__init__(opts, stdout, stderr)
        self.reporter = Reporter(report)

    def handle(self, planned: list[Planned], outcomes: list[Outcome]) -> None:
        super().handle(planned, outcomes)
        for outcome in outcomes:
            self.reporter.add(outcome)

    def _close(self, finished: bool) -> None:
        self.finished = finished
        super()._close(finished)

    def execute(self) -> int:
        self.finished = False
        code = super().execute()
        written = _finish(self.reporter, self.opts.job, self.stderr, self.opts.quiet, complete=self.finished)
        return code or written
