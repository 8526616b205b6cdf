"""The resume journal: what an interrupted run had finished, so the same command can go on.

A run that writes files keeps an append-only journal beside its output. Each line is
written only after what it vouches for is in the output files: "source X is done", or
"source X: the first N records are in its partial file, which is P bytes long; the error
and removal side files are E and R bytes long". A run killed at any instant (Ctrl-C or
kill -9) leaves a journal whose last complete line describes a consistent state; the next
run with the same command cuts the partial files back to those offsets, skips the
records and sources already done, and continues — so nothing is lost and nothing is
written twice. A run with a different command (other inputs, outputs or options)
ignores an old journal and starts over. A finished run deletes its journal.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .writers import json_line

__all__ = ["Journal", "ResumeState", "SideFile", "journal_path"]

VERSION = 2


@dataclass
class ResumeState:
    """What the journal of an earlier run with the same command says is done."""

    done: set[str] = field(default_factory=set)
    partial: dict[str, tuple[int, int]] = field(default_factory=dict)  # source -> (units, position)
    committing: dict[str, int] = field(default_factory=dict)  # source -> final length, rename pending
    errors_at: int = 0
    removed_at: int = 0
    records: int = 0  # records finished by earlier runs (as of their last checkpoint)
    failed: int = 0  # of which error records


def journal_path(output: Path, is_dir: bool) -> Path:
    """Where a run's journal lives: inside an output directory, or beside an output file."""
    return output / ".cleaner-journal" if is_dir else output.parent / f".{output.name}.cleaner-journal"


class Journal:
    """An append-only JSON-lines journal; `open` returns it and the state to resume from."""

    def __init__(self, path: Path, fh: IO[str]) -> None:
        self.path = path
        self.fh = fh

    @classmethod
    def open(cls, path: Path, signature: dict[str, Any]) -> tuple[Journal, ResumeState | None]:
        """Open the journal for a run; resume when it holds an earlier run of the same command."""
        state = cls._load(path, signature)
        path.parent.mkdir(parents=True, exist_ok=True)
        if state is None:
            fh = path.open("w", encoding="utf-8")
            fh.write(json.dumps({"journal": VERSION, "sig": signature}) + "\n")
            fh.flush()
        else:
            fh = path.open("a", encoding="utf-8")
        return cls(path, fh), state

    @staticmethod
    def _load(path: Path, signature: dict[str, Any]) -> ResumeState | None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        try:
            head = json.loads(lines[0])
        except (ValueError, IndexError):
            return None
        if head.get("journal") != VERSION or head.get("sig") != signature:
            return None
        state = ResumeState()
        for line in lines[1:]:
            try:
                entry = json.loads(line)
            except ValueError:
                break  # the run died while writing this line: it vouches for nothing
            state.errors_at = entry.get("err", state.errors_at)
            state.removed_at = entry.get("rem", state.removed_at)
            state.records, state.failed = entry.get("n", (state.records, state.failed))
            if "done" in entry:
                state.done.add(entry["done"])
                state.partial.pop(entry["done"], None)
                state.committing.pop(entry["done"], None)
            elif "commit" in entry:
                state.committing[entry["commit"]] = entry["pos"]
                state.partial.pop(entry["commit"], None)
            elif "src" in entry:
                state.partial[entry["src"]] = (entry["units"], entry["pos"])
        return state

    def _write(self, entry: dict[str, Any], sync: bool) -> None:
        self.fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.fh.flush()
        if sync:
            os.fsync(self.fh.fileno())

    def checkpoint(
        self, source: str, units: int, pos: int, err: int, rem: int, n: tuple[int, int], sync: bool
    ) -> None:
        """Source `source` has its first `units` units in its partial file, `pos` long."""
        self._write({"src": source, "units": units, "pos": pos, "err": err, "rem": rem, "n": list(n)}, sync)

    def commit(self, source: str, pos: int, err: int, rem: int, n: tuple[int, int]) -> None:
        """Source `source` is complete in its partial file (`pos` long); the rename follows."""
        self._write({"commit": source, "pos": pos, "err": err, "rem": rem, "n": list(n)}, sync=True)

    def done(self, source: str, err: int, rem: int, n: tuple[int, int], sync: bool = False) -> None:
        """Source `source` is finished: its output is in place (or it failed as a whole)."""
        self._write({"done": source, "err": err, "rem": rem, "n": list(n)}, sync)

    def close(self, finished: bool) -> None:
        """Close; a finished run removes its journal (the next run is a new run)."""
        self.fh.close()
        if finished:
            with contextlib.suppress(OSError):
                self.path.unlink()


class SideFile:
    """A run-wide JSON-lines file (--errors, --removed), appended as the run goes and cut
    back to the journal's offset on resume, so no line is lost or written twice."""

    def __init__(self, path: Path, resume_at: int | None = None) -> None:
        self.path = path
        if resume_at is not None and path.exists() and path.stat().st_size >= resume_at:
            self.fh: IO[bytes] = path.open("r+b")
            self.fh.truncate(resume_at)
            self.fh.seek(resume_at)
        else:
            self.fh = path.open("wb")

    def write(self, obj: dict[str, Any] | bytes) -> None:
        self.fh.write(obj if isinstance(obj, bytes) else json_line(obj))

    def tell(self, sync: bool = False) -> int:
        self.fh.flush()
        if sync:
            os.fsync(self.fh.fileno())
        return self.fh.tell()

    def close(self) -> None:
        self.fh.close()
