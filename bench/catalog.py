"""dev-catalog scored on the documents of one side of the site split (bench/sites.py).

    .venv/bin/python -m bench.catalog [--split val|train|all] [--baseline identity|c4_lines] [--show N]

Writes the chosen documents to a temporary file and runs the dataset's own scorer
(../shared/datasets/score_catalog.py) on them with this interpreter, so the figures are the
scorer's, on pages whose sites the model and the rules added with it did not learn from.
"""

from __future__ import annotations

import argparse
import json
import lzma
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.data import DATASETS
from bench.sites import catalog_split


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="val", choices=("val", "train", "all"))
    ap.add_argument("--baseline", choices=("identity", "c4_lines"), help="score a baseline instead")
    ap.add_argument("--show", type=int, default=0, help="print the wrong lines of N documents")
    ap.add_argument("--no-scorer", action="store_true", help="the cleaner with its rules only")
    args = ap.parse_args(argv)
    with lzma.open(DATASETS / "dev-catalog.jsonl.xz", "rt", encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh if line.strip()]
    if args.split != "all":
        docs = [d for d in docs if catalog_split(d["source"]) == args.split]
    with tempfile.TemporaryDirectory() as tmp:
        cases = Path(tmp, "catalog.jsonl")
        cases.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        cmd = [sys.executable, str(DATASETS / "score_catalog.py"), "--cases", str(cases)]
        if args.baseline:
            cmd += ["--baseline", args.baseline]
        else:
            import cleaner

            c = cleaner.Cleaner(scorer=not args.no_scorer)
            outputs = Path(tmp, "outputs.json")
            cleaned = {d["id"]: c.clean(d["input"]).text for d in docs}
            outputs.write_text(json.dumps(cleaned), encoding="utf-8")
            cmd += ["--outputs", str(outputs)]
        if args.show:
            cmd += ["--show", str(args.show)]
        print(f"dev-catalog, {args.split} sites: {len(docs)} documents", flush=True)
        return subprocess.run(cmd, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
