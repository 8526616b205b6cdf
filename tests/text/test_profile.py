"""Learned site boilerplate: same-site repeats are learned, shared text is not, and
`clean --profile` removes them as `site-repeated`."""

from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path

import pytest

from cleaner import Cleaner, cli
from cleaner.text.profile import Learner, Profile, line_hash, normalise, site_key

FOOTER = "The Daily Bugle is printed on recycled paper, 3 times a week!"  # no rule knows it
WIRE = "The central bank raised its key rate by a quarter point on Wednesday, citing persistent inflation."


WORDS = [
    "harbour",
    "ferry",
    "market",
    "council",
    "school",
    "bridge",
    "river",
    "festival",
    "library",
    "station",
    "orchard",
    "quarry",
]


def _doc(i: int, site: str, extra: str = "") -> str:
    topic = f"{WORDS[i % 12]} {WORDS[(i // 12) % 12]} {WORDS[(i // 144) % 12]}"  # digits normalise to 0
    body = f"This article from {site} tells a long story about the {topic} and the people there."
    return "\n".join(x for x in (body, extra, FOOTER if site == "bugle.example" else "") if x)


def test_normalise_and_site_key() -> None:
    assert normalise("  Read 5 MORE stories — now!! ") == "read 0 more stories now"
    assert line_hash(normalise("A b.")) == line_hash(normalise("a   B"))
    assert site_key("https://www.Example.com/x?y") == "example.com"
    assert site_key("https://web.archive.org/web/2019/https://news.example.org/a") == "news.example.org"
    assert site_key("Example.com") == "example.com" and site_key(None) is None


def test_learns_same_site_repeats_not_shared_lines() -> None:
    learner = Learner(min_docs=3, min_share=0.05, max_sites=3)
    for i in range(10):
        learner.add(_doc(i, "bugle.example", WIRE if i < 4 else ""), "https://bugle.example/a")
    for site in ("herald.example", "post.example", "times.example"):
        for i in range(5):
            learner.add(_doc(i, site, WIRE if i < 3 else ""), f"https://{site}/{i}")
    profile = learner.profile()
    assert list(profile.sites) == ["bugle.example"]
    entry = profile.sites["bugle.example"]
    assert list(entry["examples"].values()) == [FOOTER] and entry["docs"] == 10
    assert profile.stats["shared_dropped"] >= 3  # the wire sentence: in 4 sites, not anyone's boilerplate


def test_memory_budget_prunes_rare_lines_first() -> None:
    learner = Learner(min_docs=2, budget=100)
    for i in range(144):
        learner.add(f"a unique line about the {WORDS[i % 12]} {WORDS[i // 12]}\n{FOOTER}", "bugle.example")
    assert learner.entries <= 100
    assert [v for v in learner.profile().sites["bugle.example"]["examples"].values()] == [FOOTER]


def test_map_reduce_equals_one_pass() -> None:
    docs = [(_doc(i, s), s) for i in range(6) for s in ("bugle.example", "herald.example")]
    one = Learner(min_docs=2)
    a, b = Learner(min_docs=2), Learner(min_docs=2)
    for n, (text, site) in enumerate(docs):
        one.add(text, site)
        (a if n % 2 else b).add(text, site)
    merged = Learner.loads(a.dumps(), min_docs=2)
    merged.merge(Learner.loads(b.dumps(), min_docs=2))
    assert merged.profile().sites == one.profile().sites


def test_profile_removes_site_repeated_lines() -> None:
    learner = Learner()
    for i in range(5):
        learner.add(_doc(i, "bugle.example"), "bugle.example")
    cleaner = Cleaner(profile=Profile.loads(learner.profile().dumps()))
    text = _doc(99, "bugle.example")
    r = cleaner.clean(text, url="https://www.bugle.example/story")
    assert r.text == text.split("\n")[0]
    (removal,) = r.removed
    assert (removal.reason, removal.rule, removal.line) == ("site-repeated", "profile.site", 1)
    assert cleaner.clean(text, url="https://other.example/").text == text  # other sites untouched
    assert cleaner.clean(r.text, url="https://bugle.example/").text == r.text  # idempotent


def test_learn_and_clean_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    rows = [
        {"id": i, "text": _doc(i, "bugle.example"), "url": f"https://bugle.example/{i}"} for i in range(6)
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    prof = tmp_path / "site.profile.json"
    assert cli.main(["learn", str(src), "-o", str(prof)]) == 0
    out = capsys.readouterr().out
    assert "1 lines kept for 1 sites" in out and "bugle.example" in out and FOOTER[:40] in out
    assert (
        cli.main(["clean", str(src), "--profile", str(prof), "-o", str(tmp_path / "o.jsonl"), "-w", "1"]) == 0
    )
    cleaned = [json.loads(x) for x in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert all(FOOTER not in c["text"] for c in cleaned)
    assert {r["reason"] for c in cleaned for r in c["removed"]} == {"site-repeated"}
    assert "site-repeated" in capsys.readouterr().err


def test_bad_profile_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "p.json"
    bad.write_text('{"format": "something else"}')
    with pytest.raises(SystemExit) as exc:
        cli.main(["clean", str(bad), "--profile", str(bad)])
    assert exc.value.code == 2 and "not a cleaner profile" in capsys.readouterr().err


def _learn_corpus(path: Path, n: int = 150) -> None:
    rows = []
    for i in range(n):
        site = ("bugle.example", "herald.example", "post.example")[i % 3]
        row: dict[str, object] = {"id": i, "url": f"https://{site}/{i}"}
        if i % 4 == 0:  # some records are pages: their article is what is learned from
            paras = "".join(f"<p>{line}</p>" for line in _doc(i, site).split("\n"))
            row["html"] = f"<html><body><nav><a href='/'>Home</a></nav><main>{paras}</main></body></html>"
        else:
            row["text"] = _doc(i, site)
        rows.append(row)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_learn_gives_the_same_profile_on_any_number_of_workers(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    _learn_corpus(src)  # more than one batch of records
    profiles = []
    for workers in ("1", "2", "3"):
        out = tmp_path / f"p{workers}.json"
        assert cli.main(["learn", str(src), "-o", str(out), "-w", workers]) == 0
        profiles.append(out.read_bytes())
    assert profiles[0] == profiles[1] == profiles[2]
    assert FOOTER in profiles[0].decode()


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="the patch reaches forked workers only")
def test_learn_skips_a_record_over_the_time_limit_and_learns_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    real = Cleaner.clean

    def slow(self: Cleaner, source: str | bytes, *args: object, **kwargs: object) -> object:
        if "spin" in str(source):
            end = time.process_time() + 30
            while time.process_time() < end:  # CPU time, so the SIGPROF limit sees it
                pass
        return real(self, source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Cleaner, "clean", slow)  # the workers are forked: they see it too
    src = tmp_path / "in.jsonl"
    _learn_corpus(src, 12)
    with src.open("a", encoding="utf-8") as fh:
        page = "<html><body><p>spin forever</p></body></html>"
        fh.write(json.dumps({"id": "slow", "html": page, "url": "https://bugle.example/s"}) + "\n")
    out = tmp_path / "p.json"
    assert cli.main(["learn", str(src), "-o", str(out), "-w", "2", "--timeout", "0.5"]) == 1
    err = capsys.readouterr().err
    assert "slow" in err and "time limit" in err
    assert FOOTER in out.read_text(encoding="utf-8")
