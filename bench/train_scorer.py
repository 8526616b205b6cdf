"""Train the learned line scorer (cleaner/models/line_scorer.json) from the dev pages.

    .venv/bin/python -m bench.train_scorer [--seed 0] [--min-sites 20] [--c 0.02] [--loss 0.1] [--dry-run]

Needs the `train` extra (scikit-learn) and the text inputs of bench/data.py. Deterministic
given its seed and the data.

- Lines: the text-mode inputs (`main` and `full`) of dev-wcxb, dev-dragnet-train and
  dev-trafilatura, repaired, segmented and classified by the rule packs as the pipeline
  does; the lines no rule removed are the model's examples, with the features of
  cleaner/text/features.py computed among them.
- Labels: article text when the gold holds the line (whole, or most of its token 4-grams;
  a short line must be a gold line of its own), clutter when the gold lacks it; for
  dev-trafilatura, whose gold is snippets, only lines holding (or held by) a `with` or
  `without` snippet are labelled. Ambiguous lines are left out. dev-catalog is never used
  (its clutter was picked by patterns).
- Sites: only pages of the `train` sites of bench/sites.py are learned from; the `val`
  sites give the figures in the model card. Word features must occur on at least
  `--min-sites` training sites, so one site's boilerplate cannot become a rule.
- Thresholds are chosen on out-of-fold scores of the training sites (3 folds by site).
- The removal reason comes from a second, multinomial model fitted on the clutter lines
  the rules name (by their own features) and those the context rules take (with their
  context too); the rule's reason is the label.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.data import CACHE, text_inputs
from bench.sites import sites, split_of

SETS = ("dev-wcxb", "dev-dragnet-train", "dev-trafilatura")
KINDS = ("main", "full")
OUT = Path(__file__).resolve().parent.parent / "cleaner" / "models"
_TOKEN = re.compile(r"\w+")
# The reasons a single line can show by itself (a comment thread, a duplicate, a kicker are
# judged from other lines, by context, dedupe and the rules).
MODEL_REASONS = (
    "navigation",
    "recirculation",
    "promo",
    "prompt",
    "share",
    "ad",
    "legal",
    "disclaimer",
    "caption",
)
LOSS_LINES = 0.10  # short-line article text (length-weighted) risked at the threshold (out-of-fold)
LOSS_BODY = 0.002  # ... among body-shaped lines
STRICT = 0.25  # the strict threshold (running text, the main region) at most this share of the other
PROSE = 0.7  # zones never take a line scored at least this (without evidence on the line)


def _toks(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class Gold:
    """What a page's gold holds, for labelling its input lines."""

    def __init__(self, page: dict[str, Any]) -> None:
        gold = page.get("gold")
        self.full = isinstance(gold, str)
        if isinstance(gold, str):
            lines = [_toks(x) for x in gold.split("\n")]
            self.lines = {" ".join(t) for t in lines if t}
            self.grams = {tuple(t[i : i + 4]) for t in lines for i in range(len(t) - 3)}
            self.joined = " " + " ".join(" ".join(t) for t in lines if t) + " "
        else:
            self.with_ = [" ".join(_toks(s)) for s in page.get("with") or []]
            self.without = [" ".join(_toks(s)) for s in page.get("without") or []]

    def label(self, text: str) -> int | None:
        """1 article, 0 clutter, None when unsure."""
        t = _toks(text)
        if not t:
            return None
        line = " ".join(t)
        if not self.full:
            if any(s and (s in line or (len(t) >= 3 and line in s)) for s in self.with_):
                return 1
            if any(s and (s in line or (len(t) >= 3 and line in s)) for s in self.without):
                return 0
            return None
        if line in self.lines:
            return 1
        if len(t) >= 4:
            grams = [tuple(t[i : i + 4]) for i in range(len(t) - 3)]
            share = sum(g in self.grams for g in grams) / len(grams)
            return 1 if share >= 0.5 else 0 if share <= 0.1 else None
        return None if f" {line} " in self.joined else 0


def examples(name: str, kind: str, site_of: dict[str, str]) -> Iterator[dict[str, Any]]:
    """The labelled lines of one set and input kind: features, label, reason, site, split."""
    from cleaner.config import Config
    from cleaner.pipeline import Cleaner
    from cleaner.repairs import fix
    from cleaner.text import features, segment
    from cleaner.text.classify import classify

    base = Cleaner(Config(scorer=False))
    for page in text_inputs(name, kind):
        pid = str(page["id"])
        site = site_of.get(pid, f"page:{pid}")
        gold = Gold(page)
        text, _ = fix.repair_text(page["text"])
        blocks, _ = segment.segment(text)
        classify(blocks, text, base.rules, base.config, base.rules.pick(text))
        kept = [b for b in blocks if not b.verdict]
        if not kept:
            continue
        reasons = {r.line: r.reason for r in base.clean_text(page["text"]).removed}
        for b, ctx in zip(kept, features.contextual(kept), strict=True):
            y = gold.label(b.text)
            if y is None:
                continue
            reason = reasons.get(b.index, "")
            yield {
                "f": features.static(b) + ctx,
                "y": y,
                "w": 0.5 + min(len(b.text), 400) / 100,
                "reason": reason if reason in MODEL_REASONS else "",
                "site": site,
                "split": split_of(site),
                "body": b.body,
                "set": name,
                "kind": kind,
            }
        for b in blocks:  # what the rules named: examples for the reason model only
            if b.verdict in MODEL_REASONS:
                yield {
                    "f": features.static(b),
                    "y": None,
                    "w": 1.0,
                    "reason": b.verdict,
                    "site": site,
                    "split": split_of(site),
                    "body": b.body,
                    "set": name,
                    "kind": kind,
                }


def labelled_lines(rebuild: bool = False) -> list[dict[str, Any]]:
    """Every set's labelled lines, cached in bench/.cache (keyed by the source of the modules
    and rule packs that make them: a change there rebuilds them)."""
    import hashlib
    import pickle

    from cleaner import rules
    from cleaner.text import classify, context, features, segment

    mods = (features, segment, classify, context, rules)
    source = b"".join(Path(str(m.__file__)).read_bytes() for m in mods) + Path(__file__).read_bytes()
    source += b"".join(p.read_bytes() for p in sorted(Path(str(rules.__file__)).parent.glob("*.json")))
    path = CACHE / f"scorer-lines-{hashlib.sha1(source).hexdigest()[:10]}.pickle"
    if path.exists() and not rebuild:
        return list(pickle.loads(path.read_bytes()))
    rows: list[dict[str, Any]] = []
    for name in SETS:
        site_of = sites(name)
        for kind in KINDS:
            got = list(examples(name, kind, site_of))
            rows.extend(got)
            print(f"{name} {kind}: {len(got)} labelled lines")
    path.write_bytes(pickle.dumps(rows))
    return rows


def _vocab(rows: list[dict[str, Any]], min_sites: int, min_count: int) -> list[str]:
    seen: dict[str, set[str]] = defaultdict(set)
    count: Counter[str] = Counter()
    for r in rows:
        for f in r["f"]:
            count[f] += 1
            if f.startswith(("w=", "w0=", "wl=")):
                seen[f].add(r["site"])
    return sorted(
        f for f, n in count.items() if n >= min_count and (f not in seen or len(seen[f]) >= min_sites)
    )


def _matrix(rows: list[dict[str, Any]], index: dict[str, int]) -> Any:
    from scipy.sparse import csr_matrix

    data, cols, ptr = [], [], [0]
    for r in rows:
        fs = sorted({index[f] for f in r["f"] if f in index})
        cols.extend(fs)
        data.extend([1.0] * len(fs))
        ptr.append(len(cols))
    return csr_matrix((data, cols, ptr), shape=(len(rows), len(index)))


def _threshold(scores: list[tuple[float, int, float]], loss: float) -> float:
    """The highest threshold at which the article lines (weighted) scored below it stay
    within `loss` of all article lines."""
    pos = sorted((p, w) for p, y, w in scores if y == 1)
    total = sum(w for _, w in pos)
    lost = 0.0
    for p, w in pos:
        if lost + w > loss * total:
            return p
        lost += w
    return 0.5


def _fit(x: Any, y: list[int], w: list[float] | None, c: float, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=2000, random_state=seed)
    model.fit(x, y, sample_weight=w)
    return model


def line_figures(rows: list[dict[str, Any]], probs: list[float], t: float, tb: float) -> dict[str, Any]:
    """Line-level figures at the chosen thresholds: article lines lost, clutter lines caught."""
    art = [(r, p) for r, p in zip(rows, probs, strict=True) if r["y"] == 1]
    clu = [(r, p) for r, p in zip(rows, probs, strict=True) if r["y"] == 0]

    def gone(r: dict[str, Any], p: float) -> bool:
        return p < (tb if r["body"] else t)

    lost_w = sum(r["w"] for r, p in art if gone(r, p)) / max(sum(r["w"] for r, _ in art), 1e-9)
    return {
        "lines": len(rows),
        "article lines": len(art),
        "clutter lines": len(clu),
        "article lines lost": round(sum(gone(r, p) for r, p in art) / max(len(art), 1), 4),
        "article text lost (length-weighted)": round(lost_w, 4),
        "clutter lines caught": round(sum(gone(r, p) for r, p in clu) / max(len(clu), 1), 4),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-sites", type=int, default=20, help="training sites a word feature must occur on")
    ap.add_argument("--min-count", type=int, default=20, help="examples any other feature must occur in")
    ap.add_argument("--c", type=float, default=0.02, help="inverse L2 strength")
    ap.add_argument("--loss", type=float, default=LOSS_LINES, help="article text (of short lines) to risk")
    ap.add_argument("--body-loss", type=float, default=LOSS_BODY, help="... of body-shaped lines")
    ap.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    ap.add_argument("--prose", type=float, default=PROSE, help="score that keeps a line out of zones")
    ap.add_argument("--rebuild", action="store_true", help="recompute the labelled lines")
    args = ap.parse_args(argv)

    import numpy as np
    from sklearn.model_selection import GroupKFold

    rows = labelled_lines(args.rebuild)
    named = [r for r in rows if r["split"] == "train" and r["y"] != 1 and r["reason"]]
    rows = [r for r in rows if r["y"] is not None]  # the lines no rule removed, with a label
    train = [r for r in rows if r["split"] == "train"]
    val = [r for r in rows if r["split"] == "val"]
    vocab = _vocab(train + [r for r in named if r["y"] is None], args.min_sites, args.min_count)
    index = {f: k for k, f in enumerate(vocab)}
    print(f"train {len(train)} lines, val {len(val)}; {len(vocab)} features")
    x, y, w = _matrix(train, index), [r["y"] for r in train], [r["w"] for r in train]

    # thresholds from out-of-fold scores on the training sites
    oof = np.zeros(len(train))
    groups = [r["site"] for r in train]
    for fit_idx, test_idx in GroupKFold(n_splits=3).split(x, y, groups):
        m = _fit(x[fit_idx], [y[k] for k in fit_idx], [w[k] for k in fit_idx], args.c, args.seed)
        oof[test_idx] = m.predict_proba(x[test_idx])[:, 1]
    short = [(float(p), r["y"], r["w"]) for p, r in zip(oof, train, strict=True) if not r["body"]]
    body = [(float(p), r["y"], r["w"]) for p, r in zip(oof, train, strict=True) if r["body"]]
    t = _threshold(short, args.loss)
    tb = min(_threshold(body, args.body_loss), t * STRICT)
    prose = max(args.prose, t)
    for loss in (0.005, 0.01, 0.02, 0.03, 0.05, 0.1):
        tl = _threshold(short, loss)
        clutter = [p for p, yy, _ in short if yy == 0]
        caught = sum(1 for p in clutter if p < tl) / max(1, len(clutter))
        print(f"  short lines: loss {loss:.3f} -> threshold {tl:.3f}, clutter caught {caught:.3f}")
    print(f"thresholds: short lines {t:.3f}, body lines {tb:.3f}, prose {prose:.3f}")

    model = _fit(x, y, w, args.c, args.seed)
    figures = {
        "train (out-of-fold)": line_figures(train, [float(p) for p in oof], t, tb),
        "val": line_figures(val, list(model.predict_proba(_matrix(val, index))[:, 1]), t, tb),
    }
    for k, v in figures.items():
        print(k, json.dumps(v))

    # the reason model, on clutter lines the rules named
    classes = sorted({r["reason"] for r in named})
    reasons: dict[str, Any] = {}
    if len(classes) >= 2:
        rm = _fit(_matrix(named, index), [classes.index(r["reason"]) for r in named], None, 1.0, args.seed)
        coef = rm.coef_ if len(classes) > 2 else np.vstack([-rm.coef_[0], rm.coef_[0]])
        bias = rm.intercept_ if len(classes) > 2 else np.array([-rm.intercept_[0], rm.intercept_[0]])
        reasons = {
            "classes": classes,
            "bias": [round(float(b), 4) for b in bias],
            "weights": {
                f: [round(float(v), 3) for v in coef[:, k]]
                for f, k in index.items()
                if np.abs(coef[:, k]).max() >= 0.02
            },
        }
    coef = model.coef_[0]
    weights = {f: round(float(coef[k]), 4) for f, k in index.items() if abs(coef[k]) >= 1e-3}
    data = {
        "format": 1,
        "bias": round(float(model.intercept_[0]), 4),
        "threshold": round(t, 4),
        "body_threshold": round(tb, 4),
        "prose": round(prose, 4),
        "weights": weights,
        "reasons": reasons,
    }
    card = {
        "trained": dt.date.today().isoformat(),
        "command": " ".join(["python -m bench.train_scorer", *(sys.argv[1:] if argv is None else argv)]),
        "data": {s: "text inputs main+full, train sites only (bench/sites.py)" for s in SETS},
        "train lines": len(train),
        "val lines": len(val),
        "features": len(weights),
        "options": vars(args),
        "figures": figures,
    }
    top = sorted(weights.items(), key=lambda kv: kv[1])
    print("most clutter-like:", ", ".join(f"{f} {v:+.2f}" for f, v in top[:25]))
    print("most article-like:", ", ".join(f"{f} {v:+.2f}" for f, v in top[-15:]))
    if args.dry_run:
        return
    (OUT / "line_scorer.json").write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n")
    (OUT / "line_scorer.card.json").write_text(json.dumps(card, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT / 'line_scorer.json'} ({(OUT / 'line_scorer.json').stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
