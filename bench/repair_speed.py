"""Speed of the repair stage: `cleaner.repair` beside ftfy, and its share of `clean()`.

    .venv/bin/python -m bench.repair_speed [--repeats 5] [--limit N]

One process, pinned to one core. Three measurements, each the median of `--repeats`
passes (the systems take turns within a pass, so a slow minute of this shared machine
falls on all of them):

1. clean text: the `main` inputs of the dev sets (mostly clean, like a real corpus) through
   `cleaner.repair` and through `ftfy.fix_text(s, uncurl_quotes=False)`: MB/s of UTF-8 input;
2. corrupted text: the corrupted paragraphs of dev-mojibake.json.xz, the same two systems;
3. the repair stage's share of `Cleaner().clean(text, kind="text")` on the `main` inputs:
   the time in `repair_text` (called on its own, on the same documents) over the time in
   `clean` (which runs it too). The share, not seconds, is what compares across runs.
"""

from __future__ import annotations

import argparse
import json
import lzma
import statistics
import time
from collections.abc import Callable, Sequence

from bench.data import DATASETS, SETS, text_inputs
from bench.text_speed import pin_one_core


def _time(fn: Callable[[str], object], texts: Sequence[str]) -> float:
    start = time.process_time()
    for text in texts:
        fn(text)
    return time.process_time() - start


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--limit", type=int, default=None, help="first N documents of each set")
    args = ap.parse_args(argv)

    import ftfy

    import cleaner
    from cleaner.repairs.fix import repair_text

    clean_docs: list[str] = []
    for name in SETS:
        clean_docs += [p["text"] for p in text_inputs(name, "main")[: args.limit]]
    with lzma.open(DATASETS / "dev-mojibake.json.xz", "rt", encoding="utf-8") as fh:
        corrupt = [it["corrupted"] for it in json.load(fh)["corrupt"]]
    c = cleaner.Cleaner()

    def ftfy_fix(text: str) -> str:
        return ftfy.fix_text(text, uncurl_quotes=False)

    systems: dict[str, Callable[[str], object]] = {"cleaner.repair": cleaner.repair, "ftfy": ftfy_fix}
    sets = {"clean (dev main)": clean_docs, "corrupted (dev-mojibake)": corrupt}
    mb = {k: sum(len(t.encode("utf-8")) for t in v) / 1e6 for k, v in sets.items()}
    from cleaner.repairs import lexicon

    print(
        f"clean: {len(clean_docs)} documents, {mb['clean (dev main)']:.1f} MB; corrupted: {len(corrupt)} "
        f"paragraphs, {mb['corrupted (dev-mojibake)']:.2f} MB; median of {args.repeats}; {pin_one_core()}; "
        f"word lists: {'wordfreq' if lexicon.available() else 'none'}\n"
    )
    for fn in (*systems.values(), lambda t: c.clean(t, kind="text")):  # warm up
        for text in clean_docs[:20] + corrupt[:20]:
            fn(text)

    times: dict[tuple[str, str], list[float]] = {}
    shares: list[float] = []
    for _ in range(args.repeats):
        for sname, texts in sets.items():
            for name, fn in systems.items():
                times.setdefault((sname, name), []).append(_time(fn, texts))
        stage = _time(repair_text, clean_docs)
        whole = _time(lambda t: c.clean(t, kind="text"), clean_docs)
        shares.append(stage / whole)

    print("| text | system | MB/s (CPU time) | vs ftfy |")
    print("|---|---|---|---|")
    for sname in sets:
        ref = mb[sname] / statistics.median(times[(sname, "ftfy")])
        for name in systems:
            rate = mb[sname] / statistics.median(times[(sname, name)])
            print(f"| {sname} | {name} | {rate:.1f} | {rate / ref:.2f}x |")
    print(
        f"\nrepair stage share of clean() on the dev main inputs: {100 * statistics.median(shares):.1f} % "
        f"(per pass: {', '.join(f'{100 * s:.1f}' for s in shares)})"
    )


if __name__ == "__main__":
    main()
