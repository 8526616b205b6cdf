"""The batch runner behind `cleaner clean`: parallel, ordered, resumable, never losing a record.

The main process frames the input into units (cheap: a JSONL line as bytes, a path),
groups them into batches of about half a megabyte, and hands the batches to worker
processes; the workers parse, clean and render each record to its output bytes and
return one outcome per unit — an output or an error, never an exception. The main
process takes the outcomes back *in input order* and is the only writer, so outputs
are deterministic and the resume journal (cleaner.batch.journal) can describe progress as
"the first N units of source X". At most a few batches are in flight, so memory stays
flat however large the corpus is.

Ctrl-C and SIGTERM set a flag that is checked between batches: the run writes a last
checkpoint and exits with 130, and the same command resumes it. kill -9 gives no such
chance; the journal's last complete line is then the resume point (see cleaner.batch.journal).
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import CleanerError
from ..model import Result
from ..pipeline import Cleaner, looks_like_html
from ..report import audit
from .pool import DEFAULT_TIMEOUT, Limiter, Pool, RecordTimeout, unit_where
from .sources import Fields, ReadError, Record, Source, Unit, unit_record
from .writers import doc_text, json_line, jsonl_output, row_bytes, warc_output

__all__ = ["DEFAULT_TIMEOUT", "Job", "Outcome", "Stats", "clean_units", "default_workers", "run_batches"]

BATCH_BYTES = 512 * 1024
BATCH_UNITS = 256

#: ("ok", payload, removed-line or None, (chars in, chars removed by reason, repairs)[, audit.Entry])
#: or ("err", {"where", "id", "error"}, label)
Outcome = tuple[Any, ...]


def default_workers() -> int:
    """The cores this process may use (the CPU affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to turn units into outcomes (picklable, sent once)."""

    config: Config = field(default_factory=Config)
    fields: Fields = field(default_factory=Fields)
    prefer: str = "text"
    kind: str = "auto"
    side_removed: bool = False  # removals go to --removed, not into the records
    profile: str | None = None
    timeout: float | None = DEFAULT_TIMEOUT  # seconds one record may take (None: no limit)
    report: bool = False  # outcomes also carry an audit.Entry (cleaner report, clean --report)


@dataclass
class Stats:
    """What the end summary reports."""

    docs: int = 0
    errors: int = 0
    chars_in: int = 0
    chars_out: int = 0
    removed: dict[str, int] = field(default_factory=dict)
    repairs: int = 0

    def add(self, outcome: Outcome) -> None:
        if outcome[0] != "ok":
            self.errors += 1
            return
        chars_in, removed, repairs = outcome[3]
        self.docs += 1
        self.chars_in += chars_in
        self.repairs += repairs
        for reason, n in removed.items():
            self.removed[reason] = self.removed.get(reason, 0) + n


# -- the worker side -------------------------------------------------------------------

_WORKER: tuple[Cleaner, Job] | None = None


def _die_with_parent() -> None:
    """Linux: a worker gets SIGKILL when the main process dies (kill -9 leaves no orphans)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def init_worker(job: Job) -> tuple[Cleaner, Job]:
    """Build this process's Cleaner once; Ctrl-C is the main process's to handle."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the main process's stop-flag handler
    _die_with_parent()
    _WORKER = (make_cleaner(job), job)
    return _WORKER


def make_cleaner(job: Job) -> Cleaner:
    profile = None
    if job.profile is not None:
        from ..text.profile import Profile

        profile = Profile.load(job.profile)
    return Cleaner(job.config, profile=profile)


def _render(record: Record, result: Result, out: str, job: Job) -> Any:
    if out == "none":  # `cleaner report`: nothing is written
        return None
    if out == "parquet":
        return jsonl_output(record, result, job.fields, not job.side_removed)
    if out == "doc":
        return doc_text(result).encode("utf-8")
    if out == "jsonl":
        return json_line(jsonl_output(record, result, job.fields, not job.side_removed))
    if out in ("warc", "warc.gz"):
        return warc_output(record, result, compress=out == "warc.gz")
    raise ValueError(f"no output format {out!r}")


def clean_units(
    entries: list[tuple[str, Unit | ReadError]],
    state: tuple[Cleaner, Job] | None = None,
    mark: Callable[[int], None] | None = None,
) -> list[Outcome]:
    """Turn (output format, unit) entries into outcomes, one each, in order. Each unit runs
    under the job's time limit; mark(k) is called before unit k (the pool's watchdog)."""
    state = state or _WORKER
    if state is None:
        raise RuntimeError("clean_units runs in a worker started by init_worker, or with a state")
    job = state[1]
    outcomes: list[Outcome] = []
    with Limiter(job.timeout) as limiter:
        for k, (out, unit) in enumerate(entries):
            if mark is not None:
                mark(k)
            try:
                with limiter.record():
                    outcome = _clean_unit(out, unit, state)
            except RecordTimeout:
                message = f"took more than the {job.timeout:g} s CPU time limit (--timeout); skipped"
                outcome = _unit_error(unit, job, message)
            except Exception as exc:  # reading or decoding failed in a way nobody foresaw
                outcome = _unit_error(unit, job, f"internal error: {type(exc).__name__}: {exc}")
            outcomes.append(outcome)
    return outcomes


def _unit_error(unit: Unit | ReadError, job: Job, message: str) -> Outcome:
    where, rid = unit_where(unit, job.fields.id)
    return _error(where, rid, message, f"{where} [{rid}]" if rid else where)


def _clean_unit(out: str, unit: Unit | ReadError, state: tuple[Cleaner, Job]) -> Outcome:
    cleaner, job = state
    item = unit_record(unit, job.fields, job.prefer, job.config.max_size)
    if isinstance(item, ReadError):
        return _error(item.where, item.id, item.message, item.label)
    kind = job.kind if job.kind != "auto" else (item.kind or "auto")
    try:
        result = cleaner.clean(item.content, url=item.url, kind=kind, site=item.site)
        payload = _render(item, result, out, job)
    except CleanerError as exc:
        return _error(item.where, _rid(item), str(exc), item.label)
    except RecursionError:
        return _error(item.where, _rid(item), "markup nested too deeply to parse; skipped", item.label)
    except Exception as exc:  # a bug in one record must not take the batch down
        return _error(item.where, _rid(item), f"internal error: {type(exc).__name__}: {exc}", item.label)
    side = None
    if job.side_removed:
        side = json_line(
            {
                "id": item.id,
                "where": item.where,
                "removed": [r.to_dict() for r in result.removed],
                "repairs": [r.to_dict() for r in result.repairs],
            }
        )
    stats = (len(item.content), result.removed_chars(), sum(r.count for r in result.repairs))
    if job.report:
        if kind == "auto":
            kind = "html" if looks_like_html(item.content) else "text"
        key = item.id if item.explicit_id else None
        report = audit.entry(item.label, item.content, kind, result, item.site, item.url, key)
        return ("ok", payload, side, stats, report)
    return ("ok", payload, side, stats)


def _rid(record: Record) -> str | None:
    return record.id if record.explicit_id else None


def _error(where: str, rid: str | None, message: str, label: str) -> Outcome:
    return ("err", {"where": where, "id": rid, "error": message}, label)


# -- the main side ---------------------------------------------------------------------

#: One planned item: the source's state object, and the unit (None marks the source's end).
Planned = tuple[Any, "Unit | ReadError | None", int]


def _pool(job: Job, workers: int) -> Pool:
    def crashed(entry: tuple[str, Unit | ReadError], message: str) -> Outcome:
        return _unit_error(entry[1], job, message)

    return Pool(workers, partial(init_worker, job), clean_units, crashed, job.timeout)


def batches(planned: Iterator[Planned]) -> Iterator[list[Planned]]:
    """Group planned items into batches of about BATCH_BYTES or BATCH_UNITS units."""
    batch: list[Planned] = []
    size = 0
    for item in planned:
        batch.append(item)
        unit = item[1]
        if isinstance(unit, tuple):
            size += unit_size(unit)
        if size >= BATCH_BYTES or len(batch) >= BATCH_UNITS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def unit_size(unit: Unit) -> int:
    """About how many bytes a unit carries to a worker: its raw bytes, or the strings of a
    Parquet row (a batch of 256 rows of 20 MB pages must not travel as one)."""
    size = 64
    for x in unit:
        if isinstance(x, bytes | str):
            size += len(x)
        elif isinstance(x, dict):
            size += row_bytes(x)
    return size


Window = deque[tuple[list[Planned], "Future[list[Outcome]]"]]


def run_batches(
    planned: Iterator[Planned],
    job: Job,
    workers: int,
    handle: Callable[[list[Planned], list[Outcome]], None],
    should_stop: Callable[[], bool],
) -> bool:
    """Clean planned items on `workers` processes, calling `handle(batch, outcomes)` for
    each batch in input order. Returns False when stopped early by `should_stop`.

    Even one worker is a separate process: a record that crashes or hangs it costs one
    error record (cleaner.batch.pool), never the run."""
    pool = _pool(job, workers)
    window: Window = deque()
    limit = max(2, workers * 3)
    try:
        for batch in batches(planned):
            entries = [(state.out, unit) for state, unit, _ in batch if unit is not None]
            window.append((batch, pool.submit(entries)))
            pool.poll(0)
            while len(window) >= limit or (window and window[0][1].done()):
                if not _take(window, pool, handle, should_stop):
                    return False
        while window:
            if not _take(window, pool, handle, should_stop):
                return False
        return True
    except OSError as exc:  # a worker could not be started (fork failed: out of memory)
        raise WorkerCrash(f"cannot start a worker process: {exc}") from exc
    finally:
        pool.shutdown(wait=False)


def _take(
    window: Window,
    pool: Pool,
    handle: Callable[[list[Planned], list[Outcome]], None],
    should_stop: Callable[[], bool],
) -> bool:
    """Wait for the oldest batch and hand its outcomes on; False when asked to stop."""
    batch, fut = window[0]
    while not fut.done():
        if should_stop():
            return False
        pool.poll(0.2)
    window.popleft()
    handle(batch, fut.result())
    return not should_stop()


class WorkerCrash(RuntimeError):
    """No worker process can be started: the run stops at its last checkpoint, and the
    same command resumes it. (A worker that dies is replaced: see cleaner.batch.pool.)"""


def sizes(sources: list[Source]) -> int:
    """Total bytes of the inputs, for the progress bar's ETA."""
    total = 0
    for s in sources:
        if s.path is not None:
            with contextlib.suppress(OSError):
                total += s.path.stat().st_size
    return total


def signature(args: dict[str, Any]) -> dict[str, Any]:
    """What makes two runs 'the same command' for resume (paths made absolute)."""
    out = dict(args)
    out["inputs"] = [str(Path(p).resolve()) if p != "-" else p for p in args["inputs"]]
    for key in ("output", "errors", "removed", "profile"):
        if out.get(key):
            out[key] = str(Path(out[key]).resolve())
    return out


def now() -> float:
    return time.monotonic()
