"""Does a speed change keep the page-type classifier's features? Every page's feature dict,
recorded, then compared key by key and value by value (exact floats).

    .venv/bin/python -m bench.same_features --write before.json [--sets dev-wcxb] [--limit N]
    .venv/bin/python -m bench.same_features --compare before.json [--show 5]

The model (models/page_type.json) was trained on these values: a faster `features()` must
give every page the same dict, not nearly the same one. The features are computed as the
pipeline does (parse, strip, metadata, then pagetype.features, as bench/page_types.py).
`--compare` lists the pages whose dict differs, with the first differing features; exit
status 1 when any page differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.data import pages


def page_features(sets: Sequence[str], limit: int | None) -> dict[str, dict[str, float]]:
    """Each page's feature dict, keyed "set/id"."""
    from bench.page_types import page_features as of

    out: dict[str, dict[str, float]] = {}
    for name in sets:
        for k, page in enumerate(pages(name, repair=False)):
            if limit is not None and k >= limit:
                break
            out[f"{name}/{page['id']}"] = of(page)
    return out


def differences(old: dict[str, float], new: dict[str, float]) -> list[str]:
    """The features whose value differs (or that one side lacks), as "name: old -> new"."""
    return [
        f"{n}: {old.get(n)} -> {new.get(n)}"
        for n in sorted(old.keys() | new.keys())
        if old.get(n) != new.get(n)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--write", type=Path, help="record every page's features here")
    what.add_argument("--compare", type=Path, help="compare with a recording")
    ap.add_argument("--sets", nargs="+", default=["dev-wcxb"])
    ap.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    ap.add_argument("--show", type=int, default=5, help="differing pages to print")
    args = ap.parse_args(argv)
    if args.write:
        found = page_features(args.sets, args.limit)
        args.write.write_text(json.dumps(found, sort_keys=True), encoding="utf-8")
        print(f"{len(found)} pages' features written to {args.write}")
        return 0
    before: dict[str, dict[str, float]] = json.loads(args.compare.read_text(encoding="utf-8"))
    sets = sorted({k.split("/", 1)[0] for k in before})
    now = page_features(sets, args.limit)
    missing = before.keys() - now.keys() if args.limit is None else set()
    differ = [k for k in before.keys() & now.keys() if before[k] != now[k]]
    for k in sorted(differ)[: args.show]:
        print(f"{k}: " + "; ".join(differences(before[k], now[k])[:5]))
    print(f"{len(now)} pages: {len(differ)} with different features, {len(missing)} not computed")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
