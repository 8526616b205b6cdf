"""The package's shape: subpackages that follow the data flow, no import cycles, small modules,
and the public names users import staying where they are."""

from __future__ import annotations

import argparse
import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "cleaner"
MAX_LINES = 450
# The subpackages, each a stage group; the top level is the API, its config and data model.
SUBPACKAGES = {"repairs", "text", "html", "batch", "report", "rules", "models", "integrations"}
TOP = {"__init__", "__main__", "pipeline", "config", "model", "errors", "limits", "decode"}
TOP |= {"cli", "args", "explain"}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module(p): p for p in PKG.rglob("*.py")}


def _imports(path: Path, mods: dict[str, Path]) -> set[str]:
    """Every cleaner module this file imports, at any depth (lazy and TYPE_CHECKING ones too)."""
    me = _module(path)
    pkg = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            bases = [a.name for a in node.names]
            names: list[str] = []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                up = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                bases = [".".join(up + ([node.module] if node.module else []))]
            else:
                bases = [node.module or ""]
            names = [a.name for a in node.names]
        else:
            continue
        for base in bases:
            if not base.startswith("cleaner"):
                continue
            subs = [f"{base}.{n}" for n in names if f"{base}.{n}" in mods]
            found.update(subs or ([base] if base in mods else []))
    found.discard(me)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan), or with a self-loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {m: _imports(p, mods) for m, p in mods.items()}


def _package_graph() -> dict[str, set[str]]:
    """Imports between subpackages (the top-level modules left out: every stage may use the
    config, the data model and the errors, and the API imports every stage)."""

    def group(m: str) -> str | None:
        parts = m.split(".")
        return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in SUBPACKAGES) else None

    out: dict[str, set[str]] = {}
    for m, deps in _graph().items():
        g = group(m)
        if g is None:
            continue
        out.setdefault(g, set()).update(d for d in map(group, deps) if d is not None and d != g)
    return out


def test_no_import_cycles_between_modules() -> None:
    assert _cycles(_graph()) == []


def test_no_import_cycles_between_subpackages() -> None:
    assert _cycles(_package_graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_top_level_is_thin_and_every_module_has_a_place() -> None:
    top = {p.stem for p in PKG.glob("*.py")}
    assert top == TOP
    assert {p.name for p in PKG.iterdir() if (p / "__init__.py").exists()} == SUBPACKAGES


def test_no_module_is_over_the_size_limit() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for p in PKG.rglob("*.py")}
    big = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert big == {}


def test_tests_mirror_the_layout() -> None:
    """Each test folder is named for a subpackage."""
    folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    assert folders <= SUBPACKAGES and folders


PUBLIC = {
    "cleaner": [
        "clean",
        "repair",
        "Cleaner",
        "Config",
        "Result",
        "Removal",
        "Repair",
        "REASONS",
        "CleanerError",
        "ConfigError",
        "InputError",
        "errors",
        "__version__",
    ],
    "cleaner.integrations.scrapy": ["CleanerPipeline", "PipelineSettings", "ON_ERROR"],
    "cleaner.integrations.datatrove": ["CleanerStep", "LearnProfileMap", "LearnProfileReduce"],
    "cleaner.cli": ["main"],
}


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_public_names_stay_importable(module: str) -> None:
    if module == "cleaner.integrations.datatrove":
        pytest.importorskip("datatrove")
    if module == "cleaner.integrations.scrapy":
        pytest.importorskip("scrapy")
    mod = importlib.import_module(module)
    missing = [n for n in PUBLIC[module] if not hasattr(mod, n)]
    assert missing == []


def test_the_public_functions_are_the_documented_ones() -> None:
    import cleaner

    assert callable(cleaner.clean) and callable(cleaner.repair)
    assert cleaner.repair("caf\u00c3\u00a9") == "caf\u00e9"
    assert cleaner.clean("One line.").text == "One line."


_COMMON = "--help --html-fast --html-field --id-field --kind --max-size --mode --page-types --site-field "
_COMMON += "--stdin-format "
_COMMON += "--text-field --url-field -h"
COMMANDS = {
    "clean": f"{_COMMON} --checkpoint-every --errors --no-progress --output --profile --progress --quiet "
    "--removed --report --sample --seed --threshold --timeout --workers -o -q -w",
    "learn": f"{_COMMON} --budget --max-sites --min-docs --min-share --output --show --timeout "
    "--workers -o -w",
    "explain": f"{_COMMON} --color --profile",
    "report": f"{_COMMON} --output --profile --quiet --sample --seed --threshold --timeout --workers "
    "-o -q -w",
}


def test_every_cli_command_and_option_stays() -> None:
    """Removing or renaming an option breaks users' scripts: this list changes only on purpose."""
    from cleaner.args import build_parser

    found: dict[str, str] = {}
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = " ".join(sorted(o for a in sub._actions for o in a.option_strings))
    assert found == {name: " ".join(sorted(opts.split())) for name, opts in COMMANDS.items()}
