"""Shared by the batch benchmarks: run a command and measure it as a process tree.

Peak memory is sampled every 0.1 s over the whole tree (the main process and its
workers): the sum of PSS (proportional set size: pages shared after fork are split
between the processes that share them, so the sum is what the run really holds) and
the largest single RSS. CPU time is the tree's user+system time. The machine is
shared, so the run also reports how much CPU *other* processes used meanwhile
(from /proc/stat, minus ours): a busy neighbour makes wall-clock numbers noisy.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Measured:
    wall: float
    cpu: float  # our tree's user+sys seconds (every process, sampled)
    others_cpu: float  # other processes' busy CPU seconds during the run
    peak_pss_mb: float
    peak_rss_mb: float  # the largest single process
    returncode: int
    stderr: str


def _children(pid: int) -> list[int]:
    out = [pid]
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for k in kids:
        out += _children(int(k))
    return out


def _mem(pid: int) -> tuple[int, int]:
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


def _cpu(pid: int) -> float:
    """utime+stime of one process, in seconds (its own, not its children's)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _busy() -> float:
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / TICK


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None) -> Measured:
    busy0, t0 = _busy(), time.monotonic()
    cpu_seen: dict[int, float] = {}
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    peak_pss = peak_rss = 0
    while proc.poll() is None:
        pss = rss = 0
        for pid in _children(proc.pid):
            c = _cpu(pid)
            if c >= 0:
                cpu_seen[pid] = max(cpu_seen.get(pid, 0.0), c)
            p, r = _mem(pid)
            pss += p
            rss = max(rss, r)
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.1)
    stderr = proc.stderr.read() if proc.stderr else ""
    wall = time.monotonic() - t0
    cpu = sum(cpu_seen.values())  # sampled every 0.1 s: may miss a process's last tenth of a second
    others = max(0.0, _busy() - busy0 - cpu)
    return Measured(wall, cpu, others, peak_pss / 1024, peak_rss / 1024, proc.returncode, stderr)


def corpus_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.jsonl"))
