"""Streaming readers and writers: inputs become `Record`s, `Result`s go to mirrored outputs.

Readers never raise for a bad record: a malformed JSONL line, a missing field or an
unreadable file becomes a `ReadError` item in the stream, so one bad record is reported
and counted while the batch goes on. Writers write each output file atomically (a temp
file in the same directory, then `os.replace`), so a crash never leaves a half-written
file where a good one was, and files already finished stay finished.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, Any, cast

from .decode import decode_bytes
from .model import Result

__all__ = [
    "DOC_SUFFIXES",
    "Fields",
    "ReadError",
    "Record",
    "Sink",
    "Source",
    "StdoutSink",
    "atomic_write",
    "discover",
    "format_of",
    "jsonl_output",
    "open_file_sink",
    "read_source",
]

#: Single-document suffixes and the kind hint they carry.
DOC_SUFFIXES: dict[str, str] = {".txt": "text", ".html": "html", ".htm": "html"}
JSONL_SUFFIXES: tuple[str, ...] = (".jsonl", ".jsonl.gz")
STDIN = "-"


@dataclass(frozen=True, slots=True)
class Fields:
    """Which JSONL keys hold the text, the HTML, the record id and the URL."""

    text: str = "text"
    html: str = "html"
    id: str = "id"
    url: str = "url"


@dataclass(slots=True)
class Record:
    """One document to clean.

    id: the record's id (the id field, else the line number; the path for a file).
    content: the text or HTML, already decoded.
    kind: "text" or "html" when the input says which (suffix, JSONL field), else None.
    original: the parsed JSONL object, kept to write the same record back out.
    where: "path" or "path:line", for messages.
    """

    id: str
    content: str
    url: str | None = None
    kind: str | None = None
    original: dict[str, Any] | None = None
    where: str = ""
    explicit_id: bool = False

    @property
    def label(self) -> str:
        """How messages name this record: where it is, plus its own id when it has one."""
        return f"{self.where} [{self.id}]" if self.explicit_id else self.where


@dataclass(frozen=True, slots=True)
class ReadError:
    """A record (or a whole file) that could not be read; reported, never raised."""

    where: str
    message: str
    id: str | None = None

    @property
    def label(self) -> str:
        return f"{self.where} [{self.id}]" if self.id else self.where


@dataclass(frozen=True, slots=True)
class Source:
    """One input unit: a file or stdin, with the relative path its output mirrors."""

    path: Path | None  # None: stdin
    relpath: PurePath
    format: str  # "text" | "html" | "jsonl"

    @property
    def name(self) -> str:
        return "<stdin>" if self.path is None else str(self.path)


def format_of(path: PurePath) -> str | None:
    """The input format a file name says: "text", "html", "jsonl", or None (not ours)."""
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    return DOC_SUFFIXES.get(path.suffix.lower())


def _walk(root: Path, exclude: Path | None) -> Iterator[Path]:
    """Files under root, sorted, depth-first; hidden entries and `exclude` skipped."""
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and (exclude is None or (here / d) != exclude)
        )
        for name in sorted(filenames):
            if not name.startswith("."):
                yield here / name


def discover(
    inputs: Sequence[str], *, stdin_format: str = "text", exclude: Path | None = None
) -> Iterator[Source]:
    """Expand inputs (files, directories, '-') into sources, lazily and in a stable order.

    With one input, output paths are relative to it (`a/x/y.txt` -> `x/y.txt`); with
    several, each is prefixed by its input's name so that two inputs cannot collide.
    A directory yields only the suffixes we read; a file named explicitly is read even
    with another suffix (as text). `exclude` (resolved) keeps an output directory
    nested in an input from being read back while it is written.
    """
    prefixed = len(inputs) > 1
    for item in inputs:
        if item == STDIN:
            suffix = ".jsonl" if stdin_format == "jsonl" else ".txt"
            yield Source(None, PurePath("stdin" + suffix), stdin_format)
            continue
        path = Path(item)
        if path.is_dir():
            base = PurePath(path.resolve().name) if prefixed else PurePath()
            for file in _walk(path, exclude):
                fmt = format_of(file)
                if fmt is not None:
                    yield Source(file, base / file.relative_to(path), fmt)
        else:
            yield Source(path, PurePath(path.name), format_of(path) or "text")


# -- readers -------------------------------------------------------------------------


def read_source(
    source: Source, fields: Fields = Fields(), prefer: str = "text"
) -> Iterator[Record | ReadError]:
    """The records of one source, in order; problems come out as `ReadError` items.

    prefer: which JSONL field to use when a record has both ("text" or "html").
    """
    if source.format == "jsonl":
        yield from _read_jsonl(source, fields, prefer)
        return
    try:
        data = sys.stdin.buffer.read() if source.path is None else source.path.read_bytes()
    except OSError as exc:
        yield ReadError(source.name, f"cannot read: {exc.strerror or exc}")
        return
    kind = "html" if source.format == "html" else ("text" if source.path is not None else None)
    yield Record(id=source.name, content=decode_bytes(data), kind=kind, where=source.name)


def _open_lines(source: Source) -> IO[bytes]:
    if source.path is None:
        return sys.stdin.buffer
    if source.path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(source.path, "rb"))
    return source.path.open("rb")


def _read_jsonl(source: Source, fields: Fields, prefer: str) -> Iterator[Record | ReadError]:
    try:
        handle = _open_lines(source)
    except OSError as exc:
        yield ReadError(source.name, f"cannot read: {exc.strerror or exc}")
        return
    lineno = 0
    try:
        for lineno, raw in enumerate(handle, 1):  # noqa: B007 - lineno is used after the loop
            if raw.strip():
                yield _parse_line(raw, f"{source.name}:{lineno}", lineno, fields, prefer)
    except (OSError, EOFError) as exc:  # truncated or corrupt .gz, I/O error mid-file
        yield ReadError(f"{source.name}:{lineno + 1}", f"cannot read further: {exc}")
    finally:
        if source.path is not None:
            handle.close()


def _parse_line(raw: bytes, where: str, lineno: int, fields: Fields, prefer: str) -> Record | ReadError:
    try:
        obj = json.loads(raw)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        return ReadError(where, f"malformed JSON: {exc}")
    if not isinstance(obj, dict):
        return ReadError(where, f"expected a JSON object, got {type(obj).__name__}")
    raw_id = obj.get(fields.id)
    explicit = isinstance(raw_id, str | int) and not isinstance(raw_id, bool) and str(raw_id) != ""
    rid = str(raw_id) if explicit else str(lineno)
    order = (fields.html, fields.text) if prefer == "html" else (fields.text, fields.html)
    for key in order:
        value = obj.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            return ReadError(
                where, f"field {key!r} is {type(value).__name__}, not a string", rid if explicit else None
            )
        url = obj.get(fields.url)
        return Record(
            id=rid,
            content=value,
            url=url if isinstance(url, str) and url else None,
            kind="html" if key == fields.html else "text",
            original=obj,
            where=where,
            explicit_id=explicit,
        )
    return ReadError(
        where,
        f"no {fields.text!r} or {fields.html!r} field (keys: {', '.join(list(obj)[:8])})",
        rid if explicit else None,
    )


# -- writers -------------------------------------------------------------------------


def jsonl_output(record: Record, result: Result, fields: Fields = Fields()) -> dict[str, Any]:
    """The record as it goes out: every field kept, the text field set to the clean text,
    and `removed` / `repairs` added (the HTML field, if any, is left as it was)."""
    out = dict(record.original or {})
    out[fields.text] = result.text
    out["removed"] = [r.to_dict() for r in result.removed]
    out["repairs"] = [r.to_dict() for r in result.repairs]
    return out


def _json_line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"


def _doc_text(result: Result) -> str:
    return result.text + "\n" if result.text else ""


def atomic_write(dest: Path, data: bytes) -> None:
    """Write a whole file atomically: temp file in the same directory, then rename."""
    with _AtomicFile(dest) as fh:
        fh.write(data)
    # _AtomicFile commits on a clean exit


class _AtomicFile:
    """A binary file that appears at `dest` only when closed without an exception."""

    def __init__(self, dest: Path) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        self.dest = dest
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
        self.tmp = Path(tmp)
        self.fh: IO[bytes] = os.fdopen(fd, "wb")

    def __enter__(self) -> IO[bytes]:
        return self.fh

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def commit(self) -> None:
        self.fh.close()
        os.replace(self.tmp, self.dest)

    def abort(self) -> None:
        self.fh.close()
        self.tmp.unlink(missing_ok=True)


class Sink:
    """Where the results of one source go. Use as a context manager: an exception aborts."""

    def write(self, record: Record, result: Result) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish: the output appears (files) or is flushed (stdout)."""

    def abort(self) -> None:
        """Give up: nothing of this source's output is left behind."""

    def __enter__(self) -> Sink:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class _DocFileSink(Sink):
    """One document -> one file, written atomically when its result arrives."""

    def __init__(self, dest: Path) -> None:
        self.dest = dest

    def write(self, record: Record, result: Result) -> None:
        atomic_write(self.dest, _doc_text(result).encode("utf-8"))


class _JsonlFileSink(Sink):
    """Many records -> one JSONL file (gzip when its name ends in .gz), renamed into place at close."""

    def __init__(self, dest: Path, fields: Fields) -> None:
        self.fields = fields
        self.file = _AtomicFile(dest)
        self.gz: gzip.GzipFile | None = None
        if dest.name.lower().endswith(".gz"):
            self.gz = gzip.GzipFile(filename="", mode="wb", fileobj=self.file.fh, mtime=0)

    def write(self, record: Record, result: Result) -> None:
        data = _json_line(jsonl_output(record, result, self.fields)).encode("utf-8")
        (self.gz or self.file.fh).write(data)

    def close(self) -> None:
        if self.gz is not None:
            self.gz.close()
        self.file.commit()

    def abort(self) -> None:
        self.file.abort()


def open_file_sink(source: Source, dest: Path, fields: Fields = Fields()) -> Sink:
    """The sink that writes `source`'s results to `dest` in the source's own format."""
    if source.format == "jsonl":
        return _JsonlFileSink(dest, fields)
    return _DocFileSink(dest)


@dataclass
class StdoutSink(Sink):
    """Everything to one stream: documents as clean text (a blank line between two
    documents), JSONL records as JSON lines. One instance serves the whole run."""

    stream: IO[str]
    fields: Fields = field(default_factory=Fields)
    docs: int = 0

    def write(self, record: Record, result: Result) -> None:
        if record.original is not None:
            self.stream.write(_json_line(jsonl_output(record, result, self.fields)))
        else:
            if self.docs:
                self.stream.write("\n")
            self.stream.write(_doc_text(result))
            self.docs += 1
        self.stream.flush()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.stream.flush()
