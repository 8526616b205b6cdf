"""Issue 16: a `cleaner clean` run checks its books (records read = written + errors, per
input; the outputs hold what was written) in every mode, and a run that lost a record
says so and exits non-zero. The losses here are injected where a bug would put them: an
outcome that never reaches the writer, a writer that drops what it is given."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cleaner import cli
from cleaner.batch import engine as batch
from cleaner.batch import writers
from cleaner.batch.runner import CleanRun

STORY = "The council approved the new budget for schools and roads on Tuesday, officials said."
BOOKS = re.compile(r"books: ([\d,]+) records read = ([\d,]+) written \+ ([\d,]+) errors")


def _jsonl(path: Path, n: int, bad_every: int = 0, prefix: str = "r") -> Path:
    lines = [
        "{broken" if bad_every and i % bad_every == bad_every - 1
        else json.dumps({"id": f"{prefix}{i}", "text": f"{STORY} {i}"})
        for i in range(n)
    ]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _books(err: str) -> tuple[int, int, int]:
    (found,) = BOOKS.findall(err)
    read, written, failed = (int(x.replace(",", "")) for x in found)
    return read, written, failed


def _garble_first_batch(monkeypatch: pytest.MonkeyPatch, change: Callable[[list[Any]], list[Any]]) -> None:
    real = batch.run_batches

    def run(planned: Any, job: Any, workers: int, handle: Callable[..., None], stop: Any) -> bool:
        first = [True]

        def garbled(items: list[Any], outcomes: list[Any]) -> None:
            if first[0] and len(outcomes) > 1:
                first[0] = False
                outcomes = change(outcomes)
            handle(items, outcomes)

        return real(planned, job, workers, garbled, stop)

    monkeypatch.setattr(batch, "run_batches", run)


def _lose_one_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batching bug: the first batch's last outcome never reaches the writer."""
    _garble_first_batch(monkeypatch, lambda outcomes: outcomes[:-1])


def _one_outcome_too_many(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batching bug: an outcome comes back twice."""
    _garble_first_batch(monkeypatch, lambda outcomes: [*outcomes, outcomes[-1]])


def _writer_drops_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer bug: the second record given to any writer is never written (nor counted)."""
    for cls in (writers.JsonlWriter, writers.StdoutWriter):
        real = cls.write
        calls = [0]

        def write(self: Any, payload: Any, real: Any = real, calls: list[int] = calls) -> None:
            calls[0] += 1
            if calls[0] != 2:
                real(self, payload)

        monkeypatch.setattr(cls, "write", write)


def _profile(tmp_path: Path) -> str:
    prof = tmp_path / "site.profile.json"
    src = _jsonl(tmp_path / "learn.jsonl", 50)
    assert cli.main(["learn", str(src), "-o", str(prof), "-w", "1"]) == 0
    return str(prof)


def _interrupt_after_first_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """What Ctrl-C does, at a known point: the stop flag, after the first batch."""
    real = CleanRun.handle

    def handle(self: CleanRun, planned: Any, outcomes: Any) -> None:
        real(self, planned, outcomes)
        self.stop = True

    monkeypatch.setattr(CleanRun, "handle", handle)


MODES = ["workers", "profile", "stdout", "merged", "resume"]


def _argv(mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], int]:
    """The command for a mode, and how many records its (last) run handles."""
    src = _jsonl(tmp_path / "in.jsonl", 600, bad_every=50)
    out = ["-o", str(tmp_path / "out.jsonl")]
    if mode == "workers":
        return ["clean", str(src), *out, "-w", "2"], 600
    if mode == "profile":
        return ["clean", str(src), *out, "-w", "1", "--profile", _profile(tmp_path)], 600
    if mode == "stdout":
        return ["clean", str(src), "-w", "1"], 600
    if mode == "merged":
        (tmp_path / "d").mkdir()
        _jsonl(tmp_path / "d" / "a.jsonl", 300, bad_every=50, prefix="a")
        _jsonl(tmp_path / "d" / "b.jsonl", 300, prefix="b")
        return ["clean", str(tmp_path / "d"), *out, "-w", "2"], 600
    argv = ["clean", str(src), *out, "-w", "1", "--checkpoint-every", "0"]
    with monkeypatch.context() as m:
        _interrupt_after_first_batch(m)
        assert cli.main(argv) == 130
    return argv, 600 - batch.BATCH_UNITS


@pytest.mark.parametrize("mode", MODES)
def test_books_balance_in_every_mode(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, n = _argv(mode, tmp_path, monkeypatch)
    capsys.readouterr()
    assert cli.main(argv) == 1  # some records were malformed: reported, the rest written
    captured = capsys.readouterr()
    read, written, failed = _books(captured.err)
    assert read == n and written + failed == n and failed > 0
    assert "records lost or doubled" not in captured.err
    if mode == "resume":
        assert "resuming an interrupted run" in captured.err
    records = captured.out if mode == "stdout" else (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    ids = [json.loads(line)["id"] for line in records.splitlines()]
    assert len(ids) == len(set(ids)) == 600 - 600 // 50 + (6 if mode == "merged" else 0)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "bug", [_lose_one_outcome, _one_outcome_too_many, _writer_drops_one], ids=["lost", "extra", "writer"]
)
def test_a_lost_record_is_reported_and_fails_the_run(
    mode: str,
    bug: Callable[[pytest.MonkeyPatch], None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv, _ = _argv(mode, tmp_path, monkeypatch)
    argv = [*argv, "-q"]
    bug(monkeypatch)
    capsys.readouterr()
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "records lost or doubled (a bug, please report it)" in err
    if bug is _lose_one_outcome:
        assert re.search(r"in\.jsonl: 600 record\(s\) read, but \d+ written|a\.jsonl: 300 record", err) or (
            mode == "resume" and "record(s) read, but" in err
        ), err
    elif bug is _one_outcome_too_many:
        assert "1 outcome(s) came back for no unit" in err
    else:
        assert re.search(r"the outputs hold ([\d,]+) record\(s\), but ([\d,]+) were written", err), err


def test_dash_is_stdout(tmp_path: Path) -> None:
    """`-o -` writes what no -o writes, and creates no file named '-'."""
    src = _jsonl(tmp_path / "in.jsonl", 3)
    cmd = [sys.executable, "-m", "cleaner", "clean", str(src), "-w", "1", "-q"]
    plain = subprocess.run(cmd, capture_output=True, cwd=tmp_path, check=True)
    dash = subprocess.run([*cmd, "-o", "-"], capture_output=True, cwd=tmp_path, check=True)
    assert dash.stdout == plain.stdout and len(plain.stdout.splitlines()) == 3
    assert not (tmp_path / "-").exists()
