"""Streaming input: files, directories and stdin become `Source`s, and sources become records.

Reading happens in two steps so that a parallel run can split the work where it is cheap:
`read_units` (in the main process) only frames the input — a JSONL line as bytes, a file
path, a Parquet row, a WARC record's payload — and `unit_record` (in a worker) parses and
decodes one unit into a `Record`. Neither step raises for a bad record: a malformed line,
a missing field or an unreadable file becomes a `ReadError` item in the stream, so one bad
record is reported and counted while the batch goes on. Memory never grows with the
corpus: every reader holds one line, row batch or WARC record at a time.

Writers are in `cleaner.batch.writers`; the formats that need optional packages (zstd, Parquet,
WARC) are in `cleaner.batch.formats`.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePath
from typing import IO, Any, cast

from ..decode import decode_bytes
from .formats import DecompressionError, MissingExtra, parquet_units, warc_record, warc_units, zstd_reader
from .records import Fields, ReadError, Record, Source, Unit, binary_error, too_big

__all__ = [
    "DOC_SUFFIXES",
    "STDIN",
    "Fields",
    "ReadError",
    "Record",
    "Source",
    "Unit",
    "discover",
    "format_of",
    "read_source",
    "read_units",
    "unit_record",
]

#: Single-document suffixes and the kind hint they carry.
DOC_SUFFIXES: dict[str, str] = {".txt": "text", ".html": "html", ".htm": "html"}
JSONL_SUFFIXES: tuple[str, ...] = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".ndjson.gz")
PARQUET_SUFFIXES: tuple[str, ...] = (".parquet",)
WARC_SUFFIXES: tuple[str, ...] = (".warc", ".warc.gz", ".warc.zst")
STDIN = "-"


def format_of(path: PurePath) -> str | None:
    """The input format a file name says, or None (not ours)."""
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(WARC_SUFFIXES):
        return "warc"
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


# -- step 1: framing (main process) ----------------------------------------------------


def read_units(source: Source, limit: int | None = None) -> Iterator[tuple[Unit | ReadError, int]]:
    """The units of one source, in order, each with how many bytes of the source (as
    stored on disk) have been consumed so far — the progress bar's measure.

    limit: the most bytes one record may have (Config.max_size). A longer JSONL line, WARC
    payload or stdin document is never held whole: it is skipped as it is read, and
    becomes a ReadError — which is also what caps a decompression bomb's expansion."""
    if source.format == "jsonl":
        yield from _jsonl_units(source, limit or 0)
    elif source.format == "parquet":
        yield from parquet_units(source)
    elif source.format == "warc":
        yield from warc_units(source, limit or 0)
    elif source.path is None:
        data = sys.stdin.buffer.read(limit + 1) if limit else sys.stdin.buffer.read()
        if limit and len(data) > limit:
            size = len(data) + _drain(sys.stdin.buffer)
            yield ReadError(source.name, too_big(size, limit)), size
        else:
            yield ("bytes", source.name, data, None), len(data)
    else:
        kind = "html" if source.format == "html" else "text"
        try:
            size = source.path.stat().st_size
        except OSError as exc:
            yield ReadError(source.name, f"cannot read: {exc.strerror or exc}"), 0
            return
        yield ("file", str(source.path), kind), size


def _drain(handle: IO[bytes], line: bool = False) -> int:
    """Read and discard the rest of a record (to the end of the line, or of the stream)."""
    n = 0
    while True:
        chunk = handle.readline(1 << 20) if line else handle.read(1 << 20)
        if not chunk:
            return n
        n += len(chunk)
        if line and chunk.endswith(b"\n"):
            return n


def bounded_lines(handle: IO[bytes], limit: int) -> Iterator[bytes | int]:
    """The lines of a stream; a line over `limit` bytes (0: no limit) is skipped as it is
    read and yields its length instead, so memory holds at most `limit` bytes of it."""
    if not limit:
        yield from handle
        return
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            yield len(line) + _drain(handle, line=True)
        else:
            yield line


def _jsonl_units(source: Source, limit: int) -> Iterator[tuple[Unit | ReadError, int]]:
    raw: IO[bytes] | None = None
    try:
        if source.path is None:
            handle: IO[bytes] = sys.stdin.buffer
        else:
            raw = source.path.open("rb")
            handle = _decompressing(source.path, raw)
    except (OSError, MissingExtra) as exc:
        if raw is not None:
            raw.close()
        yield ReadError(source.name, f"cannot read: {getattr(exc, 'strerror', None) or exc}"), 0
        return
    lineno = pos = 0
    try:
        for lineno, line in enumerate(bounded_lines(handle, limit), 1):  # noqa: B007 - used after the loop
            if isinstance(line, int):  # over the limit: already skipped
                pos = raw.tell() if raw is not None and handle is not raw else pos + line
                yield ReadError(f"{source.name}:{lineno}", too_big(line, limit)), pos
                continue
            pos = raw.tell() if raw is not None and handle is not raw else pos + len(line)
            if line.strip():
                yield ("line", f"{source.name}:{lineno}", lineno, line), pos
    except (OSError, EOFError, DecompressionError) as exc:  # truncated or corrupt file
        yield ReadError(f"{source.name}:{lineno + 1}", f"cannot read further: {exc}"), pos
    finally:
        if raw is not None:
            handle.close()
            raw.close()


def _decompressing(path: Path, raw: IO[bytes]) -> IO[bytes]:
    name = path.name.lower()
    if name.endswith(".gz"):
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    if name.endswith(".zst"):
        return zstd_reader(raw)
    return raw


# -- step 2: parsing (worker) ----------------------------------------------------------


def unit_record(
    unit: Unit | ReadError, fields: Fields = Fields(), prefer: str = "text", limit: int | None = None
) -> Record | ReadError:
    """Parse and decode one unit. prefer: which field to use when a record has both
    a text and an HTML field ("text" or "html"); limit: the most bytes a file may have
    (checked before it is read)."""
    if isinstance(unit, ReadError):
        return unit
    tag = unit[0]
    if tag == "line":
        _, where, lineno, raw = unit
        try:
            obj: Any = json.loads(raw)
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
            return ReadError(where, f"malformed JSON: {exc}")
        except RecursionError:  # [[[[...]]]] deeper than the interpreter's stack
            return ReadError(where, "malformed JSON: nested too deeply to parse")
        if not isinstance(obj, dict):
            return ReadError(where, f"expected a JSON object, got {type(obj).__name__}")
        return record_from_object(obj, where, str(lineno), fields, prefer)
    if tag == "row":
        _, where, rowno, row = unit
        return record_from_object(row, where, str(rowno), fields, prefer)
    if tag == "warc":
        return warc_record(unit)
    if tag == "file":
        _, path, kind = unit
        try:
            size = Path(path).stat().st_size
            if limit and size > limit:
                return ReadError(path, too_big(size, limit))
            data = Path(path).read_bytes()
        except OSError as exc:
            return ReadError(path, f"cannot read: {exc.strerror or exc}")
        return binary_error(data, path) or Record(id=path, content=decode_bytes(data), kind=kind, where=path)
    _, name, data, kind = unit  # "bytes": stdin
    return binary_error(data, name) or Record(id=name, content=decode_bytes(data), kind=kind, where=name)


def record_from_object(
    obj: dict[str, Any], where: str, fallback_id: str, fields: Fields = Fields(), prefer: str = "text"
) -> Record | ReadError:
    """A JSONL object or Parquet row as a Record: the text or HTML field, id, URL, site."""
    raw_id = obj.get(fields.id)
    explicit = isinstance(raw_id, str | int) and not isinstance(raw_id, bool) and str(raw_id) != ""
    rid = str(raw_id) if explicit else fallback_id
    order = (fields.html, fields.text) if prefer == "html" else (fields.text, fields.html)
    for key in order:
        value = obj.get(key)
        if value is None:
            continue
        if isinstance(value, bytes):
            value = decode_bytes(value)
        if not isinstance(value, str):
            return ReadError(
                where, f"field {key!r} is {type(value).__name__}, not a string", rid if explicit else None
            )
        url, site = obj.get(fields.url), obj.get(fields.site)
        return Record(
            id=rid,
            content=value,
            url=url if isinstance(url, str) and url else None,
            kind="html" if key == fields.html else "text",
            original=obj,
            where=where,
            explicit_id=explicit,
            site=site if isinstance(site, str) and site else None,
        )
    return ReadError(
        where,
        f"no {fields.text!r} or {fields.html!r} field (keys: {', '.join(list(obj)[:8])})",
        rid if explicit else None,
    )


def read_source(
    source: Source, fields: Fields = Fields(), prefer: str = "text", limit: int | None = None
) -> Iterator[Record | ReadError]:
    """The records of one source, in order, in this process (explain, learn, tests)."""
    for unit, _ in read_units(source, limit):
        yield unit_record(unit, fields, prefer, limit)
