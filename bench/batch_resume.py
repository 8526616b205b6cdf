"""The kill-and-resume check at benchmark scale: kill -9 a real `cleaner clean` several
times at random moments, rerun the same command each time, and compare with an
uninterrupted run.

    python bench/batch_resume.py bench/.cache/corpus-100MB --kills 4

The corpus is copied with one line in 500 made bad (malformed JSON, or no text field),
into a gzip-compressed JSONL (so the gzip member cut at a checkpoint is exercised) plus
the plain shards. Reported: records in, records out, error records, duplicates, and
whether output and error files are byte-identical to the uninterrupted run. All runs use
a frozen copy of the package (other people's edits to the rules mid-check would otherwise
change the output between the reference and the resumed runs).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"


def _prepare(corpus: Path, work: Path) -> tuple[Path, int]:
    src = work / "in"
    src.mkdir(parents=True)
    n = 0
    for k, shard in enumerate(sorted(corpus.glob("*.jsonl"))):
        lines = shard.read_text(encoding="utf-8").rstrip("\n").split("\n")  # not splitlines: U+2028 in JSON
        for i in range(0, len(lines), 500):
            lines[i] = "{broken" if (i // 500) % 2 else json.dumps({"id": f"bad-{k}-{i}", "body": "x"})
        data = ("\n".join(lines) + "\n").encode()
        if k == 0:
            (src / f"{shard.stem}.jsonl.gz").write_bytes(gzip.compress(data, compresslevel=1))
        else:
            (src / shard.name).write_bytes(data)
        n += len(lines)
    return src, n


def _read(path: Path) -> list[str]:
    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.name.endswith(".gz") else raw).decode().rstrip("\n").split("\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--kills", type=int, default=4)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = CACHE / "resume-check"
    shutil.rmtree(work, ignore_errors=True)
    src, n_in = _prepare(args.corpus.resolve(), work)
    # Freeze the code for the whole check: in a shared work tree the rules can change
    # between the reference run and a resumed run, which would look like lost records.
    frozen = work / "src"
    shutil.copytree(ROOT / "cleaner", frozen / "cleaner", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(frozen)}

    def cmd(out: str) -> list[str]:
        return [sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(work / out),
                "--errors", str(work / f"{out}.errors.jsonl"), "-w", "2", "-q"]  # fmt: skip

    t0 = time.monotonic()
    ref = subprocess.run(cmd("ref"), env=env, capture_output=True, text=True, check=False)
    full = time.monotonic() - t0
    print(f"uninterrupted run: {full:.1f} s, exit {ref.returncode}")

    kills, runs, t0 = 0, 0, time.monotonic()
    while True:
        runs += 1
        proc = subprocess.Popen(
            cmd("out"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        if kills < args.kills:
            time.sleep(rng.uniform(1.0, 0.6 * full))  # resumed runs have less left to do
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
        proc.wait()
        if proc.returncode != -signal.SIGKILL:
            break
    total = time.monotonic() - t0
    out_files = sorted(p for p in (work / "out").rglob("*") if p.is_file() and not p.name.startswith("."))
    ref_files = sorted(p for p in (work / "ref").rglob("*") if p.is_file() and not p.name.startswith("."))
    records = [json.loads(x) for p in out_files for x in _read(p)]
    errors = [json.loads(x) for x in (work / "out.errors.jsonl").read_text().rstrip("\n").split("\n")]
    keys = [r["id"] for r in records] + [e["where"] for e in errors]
    same = [p.relative_to(work / "out") for p in out_files] == [
        p.relative_to(work / "ref") for p in ref_files
    ]
    same = same and all(_read(a) == _read(b) for a, b in zip(out_files, ref_files, strict=True))
    same_err = (work / "out.errors.jsonl").read_bytes() == (work / "ref.errors.jsonl").read_bytes()
    leftovers = [p.name for p in (work / "out").rglob(".*")]
    print(f"kill -9 x{kills} over {runs} runs, {total:.1f} s in all (uninterrupted: {full:.1f} s)")
    print("| records in | records out | error records | out + errors | duplicates | "
          "outputs identical | errors identical | leftover temp files |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {n_in:,} | {len(records):,} | {len(errors):,} | {len(records) + len(errors):,} | "
          f"{len(keys) - len(set(keys))} | {same} | {same_err} | {len(leftovers)} |")  # fmt: skip
    ok = n_in == len(records) + len(errors) == len(set(keys)) and same and same_err and not leftovers
    print("PASS" if ok else "FAIL")
    if not same:
        for a, b in zip(out_files, ref_files, strict=False):
            la, lb = _read(a), _read(b)
            if la != lb:
                i = next(
                    (i for i, (x, y) in enumerate(zip(la, lb, strict=False)) if x != y), min(len(la), len(lb))
                )
                print(f"first difference: {a.name} line {i + 1} of {len(la)} (reference: {len(lb)} lines)")
                print(f"  got:      {la[i][:300] if i < len(la) else '<end>'}")
                print(f"  expected: {lb[i][:300] if i < len(lb) else '<end>'}")
                break
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
