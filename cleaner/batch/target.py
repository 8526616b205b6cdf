"""Where `cleaner clean -o OUT` puts its records, decided before anything is written.

Every combination of inputs and `-o` either has a place for each record (stdout, one
file, or a directory mirroring the inputs) or is refused here, before the first byte is
written, with a message that says what to write instead (the CLI turns it into exit 2).
The rules (docs/batch-output.md has the whole matrix):

- no `-o`, or `-o -`: stdout. One document (a .txt/.html file, `-` as text) is written
  as its clean text; anything else (records, several files, a directory) as JSON lines,
  because documents run together in one stream could never be told apart again.
- `-o DIR/`, or an existing directory: one output per input file, mirrored names.
- `-o FILE` whose suffix names a record format (.jsonl[.gz|.zst], .ndjson[.gz],
  .parquet, .warc[.gz]): every record of every input, in input order, in that file.
- `-o FILE` with any other suffix, or none, holds one document: given a record input
  (JSONL, Parquet, WARC, `--stdin-format jsonl`) it is refused, since a text file cannot
  hold many records (each would overwrite the last). With a
  directory or several inputs, a new name without a suffix is a directory;
  with a suffix (`out.txt`) or an existing file it is refused.
- `.json` is refused: what cleaner writes is JSON *lines* (`.jsonl`).

The check walks the inputs once (as the progress bar does) to refuse an output that is
also an input, two inputs that would be written to the same mirrored name, and a Parquet
output without pyarrow.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePath

from . import formats
from .sources import STDIN, Source, discover, format_of
from .writers import mirrored_name, output_format

__all__ = ["Refused", "Target", "plan_target", "same_file"]

#: Input formats that hold one document (a file named with another suffix is read as text).
DOC_FORMATS = (None, "text", "html")
RECORD_SUFFIXES = ".jsonl, .jsonl.gz, .jsonl.zst, .parquet or .warc"


class Refused(ValueError):
    """This input/output combination cannot deliver every record; the message says what to
    write instead. Raised before anything is written (exit 2)."""


@dataclass(frozen=True)
class Target:
    """Where a run's records go.

    kind: "stdout", "file" or "dir". path: the file or directory (None for stdout).
    fmt: for stdout and a file, how records are written ("doc": the one document's clean
    text; "jsonl", "parquet", "warc", "warc.gz"); "" for a directory (each output's name
    says). merged: a file fed by more than one input (no resume journal).
    """

    kind: str
    path: Path | None = None
    fmt: str = ""
    merged: bool = False


def _many_sources(inputs: list[str]) -> bool:
    """Several inputs, or a directory: the run has no single source to name a file after."""
    return len(inputs) > 1 or any(p != STDIN and os.path.isdir(p) for p in inputs)


def _stem(output: str) -> str:
    name = PurePath(output).name
    for ext in (".txt", ".html", ".htm", ".json", ".md", ".text"):
        if name.lower().endswith(ext):
            return str(PurePath(output).with_name(name[: -len(ext)]))
    return output


def _hint(output: str) -> str:
    stem = _stem(output.rstrip("/" + os.sep)) or "out"
    return (
        f"write -o {stem}.jsonl for one JSONL file ({RECORD_SUFFIXES} also work), "
        f"or -o {stem}/ for a directory"
    )


def _decide(output: str | None, inputs: list[str], stdin_format: str) -> Target:
    """The target named by -o, before looking at the files the inputs hold."""
    single_doc = (
        len(inputs) == 1
        and not _many_sources(inputs)
        and (stdin_format == "text" if inputs[0] == STDIN else format_of(PurePath(inputs[0])) in DOC_FORMATS)
    )
    if output is None or output == STDIN:
        return Target("stdout", None, "doc" if single_doc else "jsonl")
    if not output:
        raise Refused("-o needs a name: a file, a directory ending in '/', or '-' for stdout")
    path = Path(output)
    if output.endswith(("/", os.sep)) or path.is_dir():
        if path.exists() and not path.is_dir():
            raise Refused(f"-o {output}: {output.rstrip('/' + os.sep)} is a file, not a directory")
        return Target("dir", path)
    if path.name.lower().endswith(".json"):
        raise Refused(f"-o {output}: cleaner writes JSON lines, one record a line: name it {output}l")
    fmt = output_format(path)
    if fmt != "doc":
        return Target("file", path, fmt, merged=_many_sources(inputs))
    if single_doc:
        return Target("file", path, "doc")
    if _many_sources(inputs):
        if not path.suffix and not path.exists():
            return Target("dir", path)
        what = "several inputs" if len(inputs) > 1 else f"{inputs[0]} is a directory"
        raise Refused(f"-o {output} names one text file, but {what} (many documents); {_hint(output)}")
    source = "stdin (--stdin-format jsonl)" if inputs[0] == STDIN else inputs[0]
    raise Refused(
        f"-o {output} names one text file, but {source} holds many records, "
        f"which it cannot hold apart; {_hint(output)}"
    )


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (False when either cannot be resolved)."""
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _check_sources(target: Target, inputs: list[str], stdin_format: str) -> None:
    """Refuse outputs that are inputs, and two inputs mirrored to one name."""
    if target.kind == "stdout" or target.path is None:
        return
    out = target.path
    if target.kind == "file":
        ident = _ident(out)
        if ident is None:  # not there yet: written under a hidden name, renamed at the end
            return
        for src in discover(inputs, stdin_format=stdin_format):
            if src.path is not None and _ident(src.path) == ident:
                raise Refused(f"-o {out} is also an input ({src.path}); write the output elsewhere")
        return
    resolved_out = out.resolve()
    if any(p != STDIN and same_file(Path(p), out) for p in inputs):
        raise Refused(
            f"-o {out} is the input directory: its files would be overwritten; name another directory"
        )
    seen: set[int] = set()  # hashes of output paths: small even for millions of files
    for src in discover(inputs, stdin_format=stdin_format, exclude=resolved_out):
        dest = out / mirrored_name(src)
        if src.path is not None and dest.exists() and same_file(src.path, dest):
            raise Refused(f"{src.name} would be overwritten by its own output; name another -o directory")
        key = _key(resolved_out, src)
        if key in seen:
            first = next(
                s.name
                for s in discover(inputs, stdin_format=stdin_format, exclude=resolved_out)
                if _key(resolved_out, s) == key
            )
            raise Refused(
                f"{first} and {src.name} would both be written to {dest}; "
                f"clean them in separate runs into different directories, or all into one file "
                f"with -o {out}.jsonl"
            )
        seen.add(key)
        if output_format(dest) == "parquet":
            _need_parquet()


def _ident(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _key(resolved_out: Path, src: Source) -> int:
    """The output's path, hashed (a mirrored name is relative, without '..': no syscall)."""
    return hash(str(resolved_out / mirrored_name(src)))


def _need_parquet() -> None:
    try:
        formats.need("pyarrow.parquet", "parquet", "writing Parquet")
    except formats.MissingExtra as exc:
        raise Refused(str(exc)) from None


def plan_target(output: str | None, inputs: list[str], stdin_format: str = "text") -> Target:
    """Decide where the run's records go, or raise Refused (before anything is written)."""
    target = _decide(output, inputs, stdin_format)
    if target.kind == "file" and target.fmt == "parquet":
        _need_parquet()
    _check_sources(target, inputs, stdin_format)
    return target
