"""The documentation stays usable: a short README whose commands are the ones CI runs, and
links that lead somewhere (a moved or renamed doc breaks a reader's path silently otherwise)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
CHECKED = [README, *DOCS, ROOT / "CHANGELOG.md", ROOT / "bench" / "README.md"]
README_MAX_LINES = 300

_FENCE = re.compile(r"^(```|~~~).*?^\1\s*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+).+?\1", re.S)
_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def _prose(text: str) -> str:
    """The text without fenced code blocks and code spans, where `[x](y)` is not a link."""
    return _CODE_SPAN.sub("", _FENCE.sub("", text))


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation but '-' and '_'
    dropped, spaces as '-'."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings (repeated headings get -1, -2, ...)."""
    seen: dict[str, int] = {}
    out = set()
    for m in _HEADING.finditer(_FENCE.sub("", path.read_text(encoding="utf-8"))):
        base = slug(m.group(1))
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def broken_links(path: Path) -> list[str]:
    """Relative links in `path` whose file, or whose heading anchor, does not exist."""
    bad = []
    for m in _LINK.finditer(_prose(path.read_text(encoding="utf-8"))):
        target = m.group(1)
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto:, file:
            continue
        where, _, anchor = target.partition("#")
        dest = (path.parent / where).resolve() if where else path
        if not dest.exists():
            bad.append(f"{target} (no such file)")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            bad.append(f"{target} (no heading with that anchor in {dest.name})")
    return bad


def linked_files(path: Path) -> set[Path]:
    """The existing local files `path` links to."""
    out = set()
    for m in _LINK.finditer(_prose(path.read_text(encoding="utf-8"))):
        where = m.group(1).partition("#")[0]
        if where and not re.match(r"[a-z][a-z0-9+.-]*:", where, re.I):
            dest = (path.parent / where).resolve()
            if dest.is_file():
                out.add(dest)
    return out


def readme_commands() -> list[str]:
    """The README's shell commands in order: its code lines indented by four spaces."""
    lines = _FENCE.sub("", README.read_text(encoding="utf-8")).splitlines()
    return [line.strip() for line in lines if line.startswith("    ") and line.strip()]


def test_readme_is_short() -> None:
    n = len(README.read_text(encoding="utf-8").splitlines())
    assert n <= README_MAX_LINES, f"README.md has {n} lines, over {README_MAX_LINES}: move detail to docs/"


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path: Path) -> None:
    assert broken_links(path) == []


def test_link_check_can_fail(tmp_path: Path) -> None:
    (tmp_path / "there.md").write_text("# A heading\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](there.md) [ok](there.md#a-heading) [web](https://example.org/x) `[code](nowhere.md)`\n"
        "[gone](missing.md) [bad anchor](there.md#no-such) ![img](missing.png)\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "missing.md (no such file)",
        "there.md#no-such (no heading with that anchor in there.md)",
        "missing.png (no such file)",
    ]


def test_every_doc_is_reachable_from_the_readme() -> None:
    seen: set[Path] = set()
    todo = [README.resolve()]
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        todo.extend(p for p in linked_files(page) if p.suffix == ".md")
    unreachable = [str(p.relative_to(ROOT)) for p in DOCS if p.resolve() not in seen]
    assert unreachable == []


def _ci_commands() -> list[str]:
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_readme_test_command_is_what_ci_runs() -> None:
    """The second command (install the test extra, run the suite) is a line .ci/run runs."""
    commands = readme_commands()
    assert len(commands) >= 2, "the README must open with its two commands"
    assert commands[1] in _ci_commands(), f"README: {commands[1]!r} is not a command of .ci/run"
    assert "pytest" in commands[1] and "'.[test]'" in commands[1]


def test_readme_first_command_installs_as_ci_and_runs_the_fixtures(tmp_path: Path) -> None:
    """The first command makes the venv and installs as CI does (without the test extra),
    then runs `cleaner clean` on bundled fixtures; that run must work and give the seeds'
    expected output."""
    first, second = readme_commands()[:2]
    steps = [s.strip() for s in first.split("&&")]
    ci_steps = [s.strip() for s in second.split("&&")]
    assert steps[0] == ci_steps[0], "both commands make the same virtual environment"
    assert steps[1] == ci_steps[1].replace(" '.[test]'", " ."), "the same install, core package only"
    run = shlex.split(steps[-1])
    assert run[0] == ".venv/bin/cleaner" and run[1] == "clean", steps[-1]
    out = run.index("-o")
    inputs = [ROOT / p for p in run[2:out]]
    assert inputs and all(p.exists() for p in inputs), f"the README's inputs must be bundled: {inputs}"
    target = tmp_path / "out"
    args = [sys.executable, "-m", "cleaner", *run[1:out], "-o", f"{target}/", *run[out + 2 :]]
    args += ["-w", "1", "-q"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(inputs) == 1 and inputs[0].is_dir(), "one bundled directory of inputs"
    written = sorted(p.name for p in target.iterdir())
    assert written == sorted(p.name for p in inputs[0].iterdir())
    expected = inputs[0].parent / "expected"  # fixtures/seeds/input beside fixtures/seeds/expected
    assert expected.is_dir(), f"no expected outputs beside {inputs[0]}"
    for name in written:
        assert (target / name).read_text(encoding="utf-8") == (expected / name).read_text(encoding="utf-8")
