"""The batch runner behind `cleaner clean`: parallel, ordered, resumable, never losing a record.

The main process frames the input into units (cheap: a JSONL line as bytes, a path),
groups them into batches of about half a megabyte, and hands the batches to worker
processes; the workers parse, clean and render each record to its output bytes and
return one outcome per unit — an output or an error, never an exception. The main
process takes the outcomes back *in input order* and is the only writer, so outputs
are deterministic and the resume journal (cleaner.journal) can describe progress as
"the first N units of source X". At most a few batches are in flight, so memory stays
flat however large the corpus is.

Ctrl-C and SIGTERM set a flag that is checked between batches: the run writes a last
checkpoint and exits with 130, and the same command resumes it. kill -9 gives no such
chance; the journal's last complete line is then the resume point (see cleaner.journal).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config
from .errors import CleanerError
from .io import Fields, ReadError, Record, Source, Unit, unit_record
from .model import Result
from .pipeline import Cleaner
from .writers import doc_text, json_line, jsonl_output

__all__ = ["Job", "Outcome", "Stats", "clean_units", "default_workers", "run_batches"]

BATCH_BYTES = 512 * 1024
BATCH_UNITS = 256

#: ("ok", payload, removed-line or None, (chars in, chars removed by reason, repairs))
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


def init_worker(job: Job) -> None:
    """Build this process's Cleaner once; Ctrl-C is the main process's to handle."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the main process's stop-flag handler
    _die_with_parent()
    _WORKER = (make_cleaner(job), job)


def make_cleaner(job: Job) -> Cleaner:
    profile = None
    if job.profile is not None:
        from .profile import Profile

        profile = Profile.load(job.profile)
    return Cleaner(job.config, profile=profile)


def _render(record: Record, result: Result, out: str, job: Job) -> Any:
    if out == "parquet":
        return jsonl_output(record, result, job.fields, not job.side_removed)
    if out == "doc":
        return doc_text(result).encode("utf-8")
    if out == "jsonl":
        return json_line(jsonl_output(record, result, job.fields, not job.side_removed))
    if record.original is None:  # stdout
        return ("doc", doc_text(result).encode("utf-8"))
    return ("rec", json_line(jsonl_output(record, result, job.fields, not job.side_removed)))


def clean_units(
    entries: list[tuple[str, Unit | ReadError]], state: tuple[Cleaner, Job] | None = None
) -> list[Outcome]:
    """Turn (output format, unit) entries into outcomes, one each, in order."""
    state = state or _WORKER
    if state is None:
        raise RuntimeError("clean_units runs in a worker started by init_worker, or with a state")
    cleaner, job = state
    outcomes: list[Outcome] = []
    for out, unit in entries:
        item = unit_record(unit, job.fields, job.prefer)
        if isinstance(item, ReadError):
            outcomes.append(_error(item.where, item.id, item.message, item.label))
            continue
        kind = job.kind if job.kind != "auto" else (item.kind or "auto")
        try:
            result = cleaner.clean(item.content, url=item.url, kind=kind, site=item.site)
            payload = _render(item, result, out, job)
        except CleanerError as exc:
            outcomes.append(_error(item.where, _rid(item), str(exc), item.label))
            continue
        except Exception as exc:  # a bug in one record must not take the batch down
            outcomes.append(
                _error(item.where, _rid(item), f"internal error: {type(exc).__name__}: {exc}", item.label)
            )
            continue
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
        outcomes.append(("ok", payload, side, stats))
    return outcomes


def _rid(record: Record) -> str | None:
    return record.id if record.explicit_id else None


def _error(where: str, rid: str | None, message: str, label: str) -> Outcome:
    return ("err", {"where": where, "id": rid, "error": message}, label)


# -- the main side ---------------------------------------------------------------------

#: One planned item: the source's state object, and the unit (None marks the source's end).
Planned = tuple[Any, "Unit | ReadError | None", int]


class _Serial:
    """An executor that runs batches in this process (one worker, or a tiny input)."""

    def __init__(self, job: Job) -> None:
        self.state = (make_cleaner(job), job)

    def submit(self, fn: Callable[..., list[Outcome]], entries: list[Any]) -> Future[list[Outcome]]:
        fut: Future[list[Outcome]] = Future()
        fut.set_result(clean_units(entries, self.state))
        return fut

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def _pool(job: Job, workers: int) -> ProcessPoolExecutor:
    import multiprocessing as mp

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return ProcessPoolExecutor(
        workers, mp_context=mp.get_context(method), initializer=init_worker, initargs=(job,)
    )


def batches(planned: Iterator[Planned]) -> Iterator[list[Planned]]:
    """Group planned items into batches of about BATCH_BYTES or BATCH_UNITS units."""
    batch: list[Planned] = []
    size = 0
    for item in planned:
        batch.append(item)
        unit = item[1]
        if isinstance(unit, tuple):
            size += sum(len(x) for x in unit if isinstance(x, bytes)) + 64
        if size >= BATCH_BYTES or len(batch) >= BATCH_UNITS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def run_batches(
    planned: Iterator[Planned],
    job: Job,
    workers: int,
    handle: Callable[[list[Planned], list[Outcome]], None],
    should_stop: Callable[[], bool],
) -> bool:
    """Clean planned items on `workers` processes, calling `handle(batch, outcomes)` for
    each batch in input order. Returns False when stopped early by `should_stop`."""
    stream = batches(planned)
    first = next(stream, None)
    if first is None:
        return True
    second = next(stream, None)
    if second is None or workers <= 1:  # one batch is not worth starting processes for
        executor: Any = _Serial(job)
    else:
        executor = _pool(job, workers)
    window: deque[tuple[list[Planned], Future[list[Outcome]], int]] = deque()
    pending = iter([first] + ([second] if second is not None else []))
    limit = max(2, workers * 3)

    def submit(batch: list[Planned], tries: int = 0) -> None:
        entries = [(state.out, unit) for state, unit, _ in batch if unit is not None]
        window.append((batch, executor.submit(clean_units, entries), tries))

    try:
        for batch in _chain(pending, stream):
            submit(batch)
            while len(window) >= limit or (window and window[0][1].done()):
                if not _take(window, handle, should_stop, submit):
                    return False
        while window:
            if not _take(window, handle, should_stop, submit):
                return False
        return True
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def _chain(*its: Iterator[list[Planned]]) -> Iterator[list[Planned]]:
    for it in its:
        yield from it


def _take(
    window: deque[tuple[list[Planned], Future[list[Outcome]], int]],
    handle: Callable[[list[Planned], list[Outcome]], None],
    should_stop: Callable[[], bool],
    submit: Callable[..., None],
) -> bool:
    """Wait for the oldest batch and hand its outcomes on; False when asked to stop."""
    batch, fut, tries = window[0]
    while True:
        if should_stop():
            return False
        try:
            outcomes = fut.result(timeout=0.2)
            break
        except FutureTimeout:
            continue
        except BrokenProcessPool as exc:
            raise WorkerCrash(str(exc)) from exc
    window.popleft()
    handle(batch, outcomes)
    return not should_stop()


class WorkerCrash(RuntimeError):
    """A worker process died (out of memory, a crash in a C extension): the run stops
    at its last checkpoint, and the same command resumes it."""


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
