"""The worker pool (cleaner.batch.pool): a CPU-time limit per record, and a worker that dies or
hangs costs its record one error record while the run goes on — unit tests of the pool, and
a real `cleaner clean` subprocess whose records spin, hang in C and segfault."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cleaner.batch.pool import RecordTimeout, time_limit

ROOT = Path(__file__).resolve().parents[2]
BODY = "The council approved the budget on Tuesday after a long debate about the schools."


def _errors(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_time_limit_interrupts_code_that_swallows_exceptions() -> None:
    start = time.perf_counter()
    with pytest.raises(RecordTimeout), time_limit(0.2):
        while True:
            with contextlib.suppress(Exception):  # a library's broad handler must not save it
                sum(range(10_000))
    assert time.perf_counter() - start < 2
    with time_limit(0.5):
        time.sleep(1.0)  # wall time is not CPU time: nothing happens, and the timer is disarmed after
    deadline = time.process_time() + 0.7
    while time.process_time() < deadline:
        sum(range(10_000))


_HOOK = """
import ctypes, signal, time
from cleaner.pipeline import Cleaner

_real = Cleaner.clean


def clean(self, source, *args, **kwargs):
    if isinstance(source, str):
        if "SPIN-IN-PYTHON" in source:
            while True:
                pass
        if "STUCK-IN-C" in source:  # no CPU, signals blocked: only the parent's hard limit stops it
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGPROF})
            time.sleep(3600)
        if "SEGFAULT" in source:
            ctypes.string_at(0)
    return _real(self, source, *args, **kwargs)


Cleaner.clean = clean
"""


@pytest.mark.parametrize("workers", ["1", "2"])
def test_hanging_and_crashing_records_in_a_real_run(tmp_path: Path, workers: str) -> None:
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "limits_hook.py").write_text(_HOOK)
    bad = {7: "SPIN-IN-PYTHON", 300: "SEGFAULT", 555: "STUCK-IN-C"}
    lines = [json.dumps({"id": f"r{i}", "text": f"{bad.get(i, 'Story')} {i}. {BODY}"}) for i in range(600)]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n")
    out, err = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    code = "import sys, limits_hook; from cleaner.cli import main; sys.exit(main(sys.argv[1:]))"
    cmd = [sys.executable, "-c", code, "clean", str(src), "-o", str(out), "--errors", str(err),
           "--timeout", "1", "-w", workers, "-q"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path / 'hook'}"}
    start = time.monotonic()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert time.monotonic() - start < 60
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == [
        f"r{i}" for i in range(600) if i not in bad
    ]
    errors = {e["id"]: str(e["error"]) for e in _errors(err)}
    assert errors == {
        "r7": "took more than the 1 s CPU time limit (--timeout); skipped",
        "r300": "the worker process died while cleaning this record (killed by SIGSEGV); skipped",
        "r555": "ran 7 s without stopping (--timeout 1); skipped",
    }
    assert "in.jsonl:301 [r300]: the worker process died" in done.stderr


def _work(entries: list[str], state: object, mark: Callable[[int], None]) -> list[str]:
    out = []
    for k, entry in enumerate(entries):
        if entry == "die-between":
            os._exit(4)  # before marking: the pool cannot tell which record did it
        mark(k)
        if entry == "die":
            os._exit(5)
        out.append(entry.upper())
    return out


def _run_pool(batches: list[list[str]]) -> list[list[str]]:
    from cleaner.batch.pool import Pool

    pool = Pool(2, lambda: None, _work, lambda entry, why: f"ERR {entry}: {why}", timeout=None)
    try:
        futures = [pool.submit(b) for b in batches]
        deadline = time.monotonic() + 60
        while not all(f.done() for f in futures) and time.monotonic() < deadline:
            pool.poll(0.1)
        return [f.result(timeout=0) for f in futures]
    finally:
        pool.shutdown()


def test_pool_settles_the_record_a_worker_died_on_and_reruns_the_rest() -> None:
    got = _run_pool([["a", "die", "b"], ["c"], ["d", "e"]])
    assert got == [
        ["A", "ERR die: the worker process died while cleaning this record (exit code 5); skipped", "B"],
        ["C"],
        ["D", "E"],
    ]


def test_pool_gives_up_on_a_batch_that_kills_workers_between_records() -> None:
    (got,) = _run_pool([["die-between", "a"]])  # dies before its first record: no record to blame
    assert got == [
        f"ERR {x}: a worker process died 3 times on this batch (exit code 4)" for x in ("die-between", "a")
    ]
