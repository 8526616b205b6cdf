"""Build the batch benchmark corpora from the dev sets' text inputs (under bench/.cache).

The dev sets' `main` text inputs (bench/data.py) are repeated with new ids until the
corpus reaches the asked size: each record is {"id", "url", "lang", "text"} (the gold
fields are dropped, so the bytes measured are the bytes cleaned). Copies are exact
repeats, which is fine for throughput and memory (cleaning has no cross-record state)
but would be wrong for learning a profile. `--shards N` splits the corpus into N files,
which is how datatrove parallelises (one task per file) and how the CLI is fed the same
input in the same run.

    python bench/batch_data.py --size 1GB --shards 8     # -> bench/.cache/corpus-1GB/
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from data import CACHE, SETS, text_inputs


def _size(text: str) -> int:
    units = {"KB": 10**3, "MB": 10**6, "GB": 10**9}
    for unit, factor in units.items():
        if text.upper().endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def build(size: int, shards: int, name: str) -> Path:
    """Write the corpus (once; an existing complete one is reused) and return its folder."""
    folder = Path(CACHE) / name
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    base = [
        {"url": p.get("url") or "", "lang": p.get("lang"), "text": p["text"], "src": p["id"]}
        for s in SETS
        for p in text_inputs(s, "main")
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in base]
    per_shard = size // shards
    n = 0
    for k in range(shards):
        with (folder / f"part-{k:03d}.jsonl").open("w", encoding="utf-8") as out:
            written = 0
            while written < per_shard:
                i = n % len(lines)
                line = f'{{"id": "{n}", ' + lines[i][1:] + "\n"
                out.write(line)
                written += len(line.encode("utf-8"))
                n += 1
    done.write_text(f"{n} records\n")
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", default="1GB")
    ap.add_argument("--shards", type=int, default=8)
    args = ap.parse_args()
    folder = build(_size(args.size), args.shards, f"corpus-{args.size}")
    total = sum(p.stat().st_size for p in folder.glob("*.jsonl"))
    print(f"{folder}: {total / 1e9:.2f} GB, {(folder / '.complete').read_text().strip()}")


if __name__ == "__main__":
    main()
