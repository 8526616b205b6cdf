"""The `cleaner` command: mirrored output, JSONL round trip, errors, stdin, explain, exit codes."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cleaner import cli
from cleaner.model import Result
from cleaner.pipeline import Cleaner

ROOT = Path(__file__).resolve().parent.parent

ARTICLE = (
    "Officials met on Tuesday to discuss the new budget for the coming year.\n"
    "Also read\n"
    "The plan includes funding for schools, roads and the regional hospital network.\n"
)
BODY = [
    "Officials met on Tuesday to discuss the new budget for the coming year.",
    "The plan includes funding for schools, roads and the regional hospital network.",
]


def run_module(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m cleaner ...` in a child process (output piped, so not a terminal)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "sub" / "b.txt").write_text("Just one article line that should stay as it is.\n", encoding="utf-8")
    (src / "sub" / "page.html").write_text(
        "A page body line that is kept by the text path.\n", encoding="utf-8"
    )
    (src / "skip.md").write_text("not read from a directory\n", encoding="utf-8")
    return src


def test_clean_directory_mirrors_input(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    # --kind text: the HTML file goes through the text path, so this tests naming, not extraction.
    assert cli.main(["clean", str(tree), "-o", str(out), "--kind", "text"]) == 0
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == ["a.txt", "sub/b.txt", "sub/page.txt"]
    assert (out / "a.txt").read_text(encoding="utf-8").splitlines() == BODY
    assert (out / "sub" / "b.txt").read_text(
        encoding="utf-8"
    ) == "Just one article line that should stay as it is.\n"
    assert capsys.readouterr().out == ""


def test_clean_to_stdout_without_output(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["clean", str(tree / "a.txt")]) == 0
    assert capsys.readouterr().out.splitlines() == BODY


def test_single_file_output_name(tree: Path, tmp_path: Path) -> None:
    dest = tmp_path / "result.txt"
    assert cli.main(["clean", str(tree / "a.txt"), "-o", str(dest)]) == 0
    assert dest.read_text(encoding="utf-8").splitlines() == BODY
    outdir = tmp_path / "dir"
    outdir.mkdir()
    assert cli.main(["clean", str(tree / "a.txt"), "-o", str(outdir)]) == 0
    assert (outdir / "a.txt").exists()


def test_refuses_to_overwrite_input(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.name for p in (tree / "sub").iterdir())
    with pytest.raises(SystemExit) as exc:  # refused before anything is written: a usage error
        cli.main(["clean", str(tree / "sub"), "-o", str(tree / "sub"), "--kind", "text"])
    assert exc.value.code == 2
    assert "is the input directory" in capsys.readouterr().err
    assert sorted(p.name for p in (tree / "sub").iterdir()) == before
    assert (tree / "sub" / "b.txt").read_text(encoding="utf-8").startswith("Just one")


JSONL_LINES = [
    json.dumps({"id": "r1", "text": ARTICLE, "lang": "en", "meta": {"n": 1}, "url": "https://e.com/1"}),
    '{"id": "r2", "text": "unterminated',
    json.dumps({"id": "r3", "title": "no text field"}),
    json.dumps({"id": "r4", "text": "A short but complete article sentence stays here."}),
]


def _write_jsonl(path: Path) -> None:
    data = ("\n".join(JSONL_LINES) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)


@pytest.mark.parametrize("name", ["d.jsonl", "d.jsonl.gz"])
def test_jsonl_round_trip_with_bad_lines(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src, out, errors = tmp_path / "in", tmp_path / "out", tmp_path / "errors.jsonl"
    src.mkdir()
    _write_jsonl(src / name)
    assert cli.main(["clean", str(src), "-o", str(out), "--errors", str(errors)]) == 1

    raw = (out / name).read_bytes()
    lines = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == ["r1", "r4"]  # the bad ones are reported, the rest written
    r1 = records[0]
    assert list(r1) == ["id", "text", "lang", "meta", "url", "removed", "repairs"]
    assert (r1["lang"], r1["meta"], r1["url"]) == ("en", {"n": 1}, "https://e.com/1")
    assert r1["text"].split("\n") == BODY
    assert [(r["text"], r["line"]) for r in r1["removed"]] == [("Also read", 1)]
    assert {"reason", "rule"} <= set(r1["removed"][0]) and r1["repairs"] == []

    err = capsys.readouterr().err
    assert f"cleaner: {src / name}:2: malformed JSON" in err
    assert f"cleaner: {src / name}:3 [r3]: no 'text'" in err
    logged = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert [(e["where"], e["id"]) for e in logged] == [(f"{src / name}:2", None), (f"{src / name}:3", "r3")]


def test_custom_jsonl_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"key": "k", "body": ARTICLE, "text": "untouched?"}) + "\n", encoding="utf-8")
    assert cli.main(["clean", str(path), "--text-field", "body", "--id-field", "key"]) == 0
    (rec,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rec["body"].split("\n") == BODY and rec["text"] == "untouched?" and rec["key"] == "k"


def test_failing_record_does_not_stop_the_batch(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = Cleaner.clean

    def flaky(
        self: Cleaner, source: str | bytes, url: str | None = None, kind: str | None = None, **kw: Any
    ) -> Result:
        if isinstance(source, str) and source.startswith("Just one"):
            raise RuntimeError("boom")
        return real(self, source, url=url, kind=kind, **kw)

    monkeypatch.setattr(Cleaner, "clean", flaky)
    out = tmp_path / "out"
    assert cli.main(["clean", str(tree), "-o", str(out), "--kind", "text"]) == 1
    assert (out / "a.txt").exists() and (out / "sub" / "page.txt").exists()
    assert not (out / "sub" / "b.txt").exists()
    err = capsys.readouterr().err
    assert f"cleaner: {tree / 'sub' / 'b.txt'}: internal error: RuntimeError: boom" in err
    assert not [p for p in out.rglob("*.tmp")]


def test_usage_errors_exit_2(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["clean", str(tree / "missing.txt")], ["clean", str(tree), "--mode", "wild"], []):
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_stdin_via_module() -> None:
    proc = run_module("clean", "-", stdin=ARTICLE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == BODY


def test_stdin_jsonl_via_module() -> None:
    proc = run_module("clean", "-", "--stdin-format", "jsonl", stdin="\n".join(JSONL_LINES) + "\n")
    assert proc.returncode == 1
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == ["r1", "r4"]
    assert "cleaner: <stdin>:2: malformed JSON" in proc.stderr


def test_missing_input_via_module_exits_2(tmp_path: Path) -> None:
    proc = run_module("clean", str(tmp_path / "nope.txt"))
    assert proc.returncode == 2 and "nope.txt" in proc.stderr


def test_explain_plain_when_piped(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE.replace("new budget", "new\u00a0budget"), encoding="utf-8")
    proc = run_module("explain", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "\x1b[" not in proc.stdout
    lines = proc.stdout.splitlines()
    assert lines[0] == "  " + BODY[0]
    assert lines[1].startswith("- Also read  [recirculation/")
    assert lines[2] == "  " + BODY[1]
    assert "repairs:" in lines and "  '\\xa0' -> ' '  [nbsp] x1" in lines


def test_explain_color_always(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    assert cli.main(["explain", str(path), "--color", "always"]) == 0
    out = capsys.readouterr().out
    assert "\x1b[2;31m- Also read" in out
    assert cli.main(["explain", str(path), "--color", "never"]) == 0
    assert "\x1b[" not in capsys.readouterr().out
