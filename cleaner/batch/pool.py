"""Worker processes that outlive their documents: a time limit per document, and a worker
that dies costs its record one error record, not the run.

Why not `concurrent.futures.ProcessPoolExecutor`: when one of its workers dies, the whole
pool is broken, every batch in flight is lost, and nothing says which record did it — so
a record that segfaults a C extension (or is killed for memory) stopped every resumed run
again at the same place. Here each worker has its own pipe and a two-number shared slot
(the index of the unit it is cleaning, and since when), so the parent always knows which
record a worker holds:

- **Time limit, soft**: in the worker, a `Limiter` arms a CPU-time timer (SIGPROF) around
  each record; past `timeout` CPU seconds a `RecordTimeout` is raised in the cleaning code,
  the record becomes an error record, and the worker goes on to the next one. CPU time,
  not wall time, so that which records fail does not depend on how busy the machine is
  (a resumed or re-run job gives the same error records).
- **Time limit, hard**: code stuck in C never sees the signal, and a hang that uses no CPU
  never trips the timer. The parent checks the slots; a record still running
  `hard_deadline(timeout)` wall seconds after it started has its worker killed (SIGKILL),
  and is reported as timed out.
- **Dead worker**: the parent sees the process sentinel; the unit in the slot gets an
  error record naming the record and the signal or exit code, a new worker is started,
  and the batch is sent again without that unit (units before it are cleaned again: at
  most one batch of work per crash). A worker that dies between units, three times on
  the same batch, fails the batch's remaining units rather than loop.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

__all__ = ["DEFAULT_TIMEOUT", "Limiter", "Pool", "RecordTimeout", "hard_deadline", "time_limit"]

#: The default per-document time limit (`--timeout`, CPU seconds) in a batch run. A news
#: page cleans in milliseconds and a 30 MB one (near the size limit) in about a minute of
#: CPU in default mode, so a document still running after two minutes is pathological.
DEFAULT_TIMEOUT = 120.0
MAX_RETRIES = 3  # deaths between units on one batch before its units fail


class RecordTimeout(BaseException):
    """Raised in the cleaning code by the CPU timer. A BaseException, so that the libraries'
    own `except Exception` handlers cannot swallow it (the timer also re-fires)."""


def hard_deadline(timeout: float) -> float:
    """Wall seconds the parent lets a record run before it kills the worker: twice the CPU
    limit plus 5 s, room for a worker that shares its core with others."""
    return 2 * timeout + 5.0


class Limiter:
    """The per-record CPU limit of one worker: the SIGPROF handler is installed once (per
    batch), the timer armed and disarmed around each record (two syscalls). Signals reach
    only the main thread, so elsewhere it does nothing (the parent's hard limit stays).

    The handler raises only while a record is armed, so a signal that arrives late, after
    `stop`, is ignored instead of escaping from between two records."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds or 0.0
        self.active = bool(seconds) and threading.current_thread() is threading.main_thread()
        self.armed = False
        self.previous: Any = None

    def __enter__(self) -> Limiter:
        if self.active:
            self.previous = signal.signal(signal.SIGPROF, self._expire)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.active:
            self.stop()
            signal.signal(signal.SIGPROF, self.previous)

    def _expire(self, signum: int, frame: Any) -> None:
        if self.armed:
            raise RecordTimeout

    def start(self) -> None:
        if self.active:
            self.armed = True
            signal.setitimer(signal.ITIMER_PROF, self.seconds, 0.25)  # re-fires if swallowed

    def stop(self) -> None:
        if self.active:
            self.armed = False
            signal.setitimer(signal.ITIMER_PROF, 0)

    @contextlib.contextmanager
    def record(self) -> Iterator[None]:
        """The limit armed around one record, and disarmed however the record ends (a
        RecordTimeout raised in here leaves the block, to be caught around it)."""
        self.start()
        try:
            yield
        finally:
            self.stop()


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise RecordTimeout in this thread after `seconds` of this process's CPU time (None or
    0: no limit); one record's worth of Limiter."""
    with Limiter(seconds) as limiter, limiter.record():
        yield


# -- the worker side -------------------------------------------------------------------


def _serve(conn: Connection, slot: Any, init: Callable[[], Any], work: Callable[..., list[Any]]) -> None:
    """A worker's loop: receive a list of units, send back one outcome each."""
    state = init()

    def mark(k: int) -> None:
        slot[1] = time.monotonic()
        slot[0] = k

    while True:
        try:
            entries = conn.recv()
        except (EOFError, OSError):
            return
        if entries is None:
            return
        outcomes = work(entries, state, mark)
        slot[0] = -1
        conn.send(outcomes)


# -- the parent side -------------------------------------------------------------------


@dataclass
class _Task:
    entries: list[Any]
    future: Future[list[Any]]
    done: dict[int, Any] = field(default_factory=dict)  # unit index -> outcome settled here
    deaths: int = 0
    sent: list[int] = field(default_factory=list)  # indices sent in the current try


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    slot: Any
    task: _Task | None = None
    killed_for_time: bool = False


def _signal_name(exitcode: int | None) -> str:
    if exitcode is None:
        return "unknown cause"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


class Pool:
    """Up to `workers` processes, started as needed, each running `work(entries, state,
    mark)` after `init()`; `submit` returns a Future that `poll` completes.

    crash_outcome(unit, message) builds the outcome of a unit whose worker died or hung.
    """

    def __init__(
        self,
        workers: int,
        init: Callable[[], Any],
        work: Callable[..., list[Any]],
        crash_outcome: Callable[[Any, str], Any],
        timeout: float | None = None,
    ) -> None:
        self.size = max(1, workers)
        self.init, self.work, self.crash_outcome = init, work, crash_outcome
        self.timeout = timeout
        self.workers: list[_Worker] = []
        self.queue: deque[_Task] = deque()
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        self.ctx: Any = mp.get_context(method)

    # -- public ------------------------------------------------------------------------

    def submit(self, entries: list[Any]) -> Future[list[Any]]:
        """Queue a batch; `poll` completes the Future with one outcome per entry."""
        task = _Task(list(entries), Future())
        self.queue.append(task)
        self._dispatch()
        return task.future

    def poll(self, timeout: float = 0.0) -> None:
        """Take results, notice dead or overdue workers, hand out queued batches."""
        busy = [w for w in self.workers if w.task is not None]
        if busy:
            handles: list[Any] = [w.conn for w in busy] + [w.proc.sentinel for w in busy]
            ready = set(wait(handles, timeout))
            for w in busy:
                if w.conn in ready:
                    self._receive(w)
                elif w.proc.sentinel in ready:
                    self._died(w)
            self._check_deadlines()
        elif timeout:
            time.sleep(min(timeout, 0.01))
        self._dispatch()

    def shutdown(self, wait: bool = True) -> None:
        """Stop the workers: idle ones are asked to exit, busy ones are killed."""
        for w in self.workers:
            if w.task is None:
                with contextlib.suppress(OSError, ValueError):
                    w.conn.send(None)
            else:
                w.proc.kill()
        for w in self.workers:
            w.proc.join(timeout=2 if wait else 0.5)
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(timeout=1)
            w.conn.close()
        self.workers = []

    # -- internals ---------------------------------------------------------------------

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        slot = self.ctx.RawArray("d", 2)
        slot[0] = -1
        proc = self.ctx.Process(target=_serve, args=(child, slot, self.init, self.work), daemon=True)
        proc.start()
        child.close()
        worker = _Worker(proc, parent, slot)
        self.workers.append(worker)
        return worker

    def _dispatch(self) -> None:
        while self.queue:
            worker = next((w for w in self.workers if w.task is None), None)
            if worker is None:
                if len(self.workers) >= self.size:
                    return
                worker = self._start()
            task = self.queue.popleft()
            task.sent = [i for i in range(len(task.entries)) if i not in task.done]
            worker.task, worker.killed_for_time = task, False
            worker.slot[0] = -1
            try:
                worker.conn.send([task.entries[i] for i in task.sent])
            except (OSError, ValueError):  # it died before it could take the batch
                self._died(worker)

    def _receive(self, w: _Worker) -> None:
        task = w.task
        assert task is not None
        try:
            outcomes = w.conn.recv()
        except (EOFError, OSError):
            self._died(w)
            return
        w.task = None
        for i, outcome in zip(task.sent, outcomes, strict=True):
            task.done[i] = outcome
        task.future.set_result([task.done[i] for i in range(len(task.entries))])

    def _check_deadlines(self) -> None:
        if not self.timeout:
            return
        limit = hard_deadline(self.timeout)
        now = time.monotonic()
        for w in self.workers:
            if w.task is not None and w.slot[0] >= 0 and now - w.slot[1] > limit:
                w.killed_for_time = True
                w.proc.kill()

    def _died(self, w: _Worker) -> None:
        """Settle the unit the dead worker held, replace the worker, send the batch again."""
        w.proc.join(timeout=5)
        self.workers.remove(w)
        with contextlib.suppress(OSError):
            w.conn.close()
        task, k = w.task, int(w.slot[0])
        if task is None:
            return
        if 0 <= k < len(task.sent):
            i = task.sent[k]
            cause = _signal_name(w.proc.exitcode)
            if w.killed_for_time:
                cpu = self.timeout or 0.0
                wall = hard_deadline(cpu)
                why = f"ran {wall:g} s without stopping (--timeout {cpu:g}); skipped"
            else:
                why = f"the worker process died while cleaning this record ({cause}); skipped"
            task.done[i] = self.crash_outcome(task.entries[i], why)
        else:
            task.deaths += 1
            if task.deaths >= MAX_RETRIES:
                cause = _signal_name(w.proc.exitcode)
                why = f"a worker process died {task.deaths} times on this batch ({cause})"
                for i in task.sent:
                    task.done[i] = self.crash_outcome(task.entries[i], why)
        if len(task.done) == len(task.entries):
            task.future.set_result([task.done[i] for i in range(len(task.entries))])
        else:
            self.queue.appendleft(task)  # first in line: the writer is waiting for it


def unit_where(unit: Any, id_field: str) -> tuple[str, str | None]:
    """Where a unit is, and its record id if one is cheap to find (for an error record
    about a unit that never came back from its worker)."""
    if not isinstance(unit, tuple) or len(unit) < 2:
        return str(getattr(unit, "where", "?")), getattr(unit, "id", None)
    tag, where = unit[0], str(unit[1])
    rid: Any = None
    if tag == "warc":
        rid = unit[2].get("id")
    elif tag == "row" and isinstance(unit[3], dict):
        rid = unit[3].get(id_field)
    elif tag == "line":
        with contextlib.suppress(ValueError, RecursionError):
            obj = json.loads(unit[3])
            rid = obj.get(id_field) if isinstance(obj, dict) else None
    ok = isinstance(rid, str | int) and not isinstance(rid, bool) and str(rid) != ""
    return where, str(rid) if ok else None
