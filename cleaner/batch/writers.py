"""Output: where results go, in which format, written so that no crash loses or doubles one.

Every output file is written under a hidden temporary name in its own directory and
renamed into place only when complete (`os.replace` is atomic), so a reader never sees
a half-written file and a finished file is never clobbered by a crashed run. Stream
outputs (JSONL, Parquet) can also *checkpoint*: they return a position that, written
to the run's journal, lets a resumed run cut the temporary file back to exactly the
records the journal vouches for and continue from there. Compressed streams end a gzip
member or zstd frame at each checkpoint, because a file cut after a complete member or
frame still decompresses as one stream.
"""

from __future__ import annotations

import contextlib
import datetime
import gzip
import json
import os
import shutil
import uuid
from pathlib import Path, PurePath
from typing import IO, Any

from ..model import Result
from . import formats
from .sources import Fields, Record, Source

__all__ = [
    "DocWriter",
    "JsonlWriter",
    "ParquetWriter",
    "StdoutWriter",
    "Writer",
    "atomic_write",
    "complete_commit",
    "doc_text",
    "jsonl_output",
    "mirrored_name",
    "open_writer",
    "output_format",
]

_FIELDS = Fields()

#: Parquet rows buffered before a part file is written (bounds memory per output).
PARQUET_PART_ROWS = 2048  # rows a part file holds at most ...
PARQUET_PART_BYTES = 64 << 20  # ... and about this much text: rows of 20 MB pages are many


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _umask_mode()


def partial_path(dest: Path, suffix: str = "cleaner-partial") -> Path:
    """The hidden temporary name of `dest` while it is written (fixed, so resume finds it)."""
    return dest.parent / f".{dest.name}.{suffix}"


def atomic_write(dest: Path, data: bytes) -> None:
    """Write a whole file atomically: a temp file in the same directory, then rename.

    The temp name is fixed (`.<name>.cleaner-tmp`), so a run killed mid-write leaves at
    most one stray file per output, which the resumed run overwrites and renames."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = partial_path(dest, "cleaner-tmp")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def output_format(dest: PurePath) -> str:
    """The writer a destination name asks for: "jsonl", "parquet", "warc", "warc.gz" or "doc"."""
    name = dest.name.lower()
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(".warc.gz"):
        return "warc.gz"
    if name.endswith(".warc"):
        return "warc"
    if name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".ndjson.gz")):
        return "jsonl"
    return "doc"


def mirrored_name(source: Source) -> PurePath:
    """The output's relative path: the input's, with HTML as .txt and WARC as JSONL."""
    rel = source.relpath
    if source.format == "html":
        return rel.with_suffix(".txt")
    if source.format == "warc":
        name = rel.name
        for ext in (".warc.gz", ".warc.zst", ".warc"):
            if name.lower().endswith(ext):
                return rel.with_name(name[: -len(ext)] + ".jsonl" + ext[len(".warc") :])
    return rel


# -- what a record becomes ---------------------------------------------------------------


def jsonl_output(
    record: Record, result: Result, fields: Fields = _FIELDS, with_removed: bool = True
) -> dict[str, Any]:
    """The record as it goes out: every field kept, the text field set to the clean text,
    and `removed` / `repairs` added unless they go to a side file (the HTML field, if
    any, is left as it was)."""
    out = dict(record.original or {"id": record.id})
    out[fields.text] = result.text
    if with_removed:
        out["removed"] = [r.to_dict() for r in result.removed]
        out["repairs"] = [r.to_dict() for r in result.repairs]
    return out


def json_line(obj: dict[str, Any]) -> bytes:
    """One JSON line, UTF-8. A field the cleaner passes through untouched may hold a lone
    surrogate (read from a "\\udc80" escape), which UTF-8 cannot encode: such a record
    is written with ASCII escapes, which give back exactly what was read."""
    line = json.dumps(obj, ensure_ascii=False, default=str) + "\n"
    try:
        return line.encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(obj, ensure_ascii=True, default=str) + "\n").encode("ascii")


def warc_output(record: Record, result: Result, compress: bool) -> bytes:
    """The clean text as a WARC/1.1 `conversion` record (one gzip member of its own for
    .warc.gz, as WARC tools expect). Its id is derived from the input record's, so a
    resumed run writes the same bytes; WARC-Refers-To names the original record when the
    input was a WARC."""
    original = record.original or {}
    body = result.text.encode("utf-8", "replace")
    source_id = str(original.get("id") or record.id)
    headers = [
        "WARC/1.1",
        "WARC-Type: conversion",
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'cleaner:' + source_id)}>",
        f"WARC-Date: {original.get('date') or _now()}",
    ]
    if source_id.startswith("<urn:"):
        headers.append(f"WARC-Refers-To: {source_id}")
    if record.url:
        headers.append(f"WARC-Target-URI: {record.url}")
    headers += ["Content-Type: text/plain; charset=utf-8", f"Content-Length: {len(body)}"]
    data = ("\r\n".join(headers) + "\r\n\r\n").encode("utf-8", "replace") + body + b"\r\n\r\n"
    return gzip.compress(data, mtime=0) if compress else data


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def doc_text(result: Result) -> str:
    return result.text + "\n" if result.text else ""


# -- writers ---------------------------------------------------------------------------


class Writer:
    """One output. `write` takes what the worker rendered (bytes, or a row dict for
    Parquet); `checkpoint` makes everything written so far durable and returns the
    position a resumed run restarts from; `commit` puts the finished file in place.
    `records` counts what this writer took in this run (the run's books check it)."""

    records = 0

    def write(self, payload: Any) -> None:
        raise NotImplementedError

    def checkpoint(self, sync: bool = False) -> int:
        return 0

    def commit(self) -> None:
        """Finish: the output appears at its name."""

    def close_partial(self) -> None:
        """Stop without finishing (interrupted): the temporary file stays for resume."""


class DocWriter(Writer):
    """One document -> one file, written atomically when its result arrives. A second
    document would replace the first, so it is refused (an error record, never a loss)."""

    def __init__(self, dest: Path) -> None:
        self.dest = dest

    def write(self, payload: Any) -> None:
        if self.records:
            raise ValueError(f"{self.dest} holds one document and already has one")
        atomic_write(self.dest, payload)
        self.records = 1


class JsonlWriter(Writer):
    """Many records -> one JSONL file (gzip or zstd by its name), appended to a hidden
    partial file that is renamed into place at commit."""

    def __init__(self, dest: Path, resume_at: int | None = None) -> None:
        self.dest = dest
        self.partial = partial_path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        name = dest.name.lower()
        self.codec = "gz" if name.endswith(".gz") else ("zst" if name.endswith(".zst") else "")
        if resume_at is not None and self.partial.exists() and self.partial.stat().st_size >= resume_at:
            self.fh: IO[bytes] = self.partial.open("r+b")
            self.fh.truncate(resume_at)
            self.fh.seek(resume_at)
        else:
            self.fh = self.partial.open("wb")
        self.stream: Any = None
        self._open_stream()

    def _open_stream(self) -> None:
        if self.codec == "gz":
            self.stream = gzip.GzipFile(filename="", mode="wb", fileobj=self.fh, mtime=0)
        elif self.codec == "zst":
            self.stream = formats.zstd_writer(self.fh)
        else:
            self.stream = self.fh

    def _end_stream(self) -> None:
        if self.codec == "gz":
            self.stream.close()  # ends the member; the file stays open
        elif self.codec == "zst":
            formats.zstd_flush_frame(self.stream)
        self.fh.flush()

    def write(self, payload: Any) -> None:
        self.stream.write(payload)
        self.records += 1

    def checkpoint(self, sync: bool = False) -> int:
        self._end_stream()
        if sync:
            os.fsync(self.fh.fileno())
        pos = self.fh.tell()  # before the next gzip member's header
        if self.codec == "gz":
            self._open_stream()
        return pos

    def commit(self) -> None:
        self._end_stream()
        self.fh.close()
        os.chmod(self.partial, _FILE_MODE)
        os.replace(self.partial, self.dest)

    def close_partial(self) -> None:
        self._end_stream()
        self.fh.close()


def row_bytes(row: dict[str, Any]) -> int:
    """About how many bytes a record holds: the length of its string and bytes values."""
    return sum(len(v) for v in row.values() if isinstance(v, str | bytes))


class ParquetWriter(Writer):
    """Many records -> one Parquet file. Rows are written as part files in a hidden
    directory (a part is complete or absent, so a checkpoint is a part count); commit
    merges the parts one row group at a time into the final file."""

    def __init__(self, dest: Path, resume_at: int | None = None) -> None:
        self.pa = formats.need("pyarrow", "parquet", "writing Parquet")
        self.pq = formats.need("pyarrow.parquet", "parquet", "writing Parquet")
        self.dest = dest
        self.parts = partial_path(dest, "cleaner-parts")
        if resume_at is None:
            shutil.rmtree(self.parts, ignore_errors=True)
        self.parts.mkdir(parents=True, exist_ok=True)
        self.count = resume_at or 0
        for old in self.parts.glob("part-*.parquet"):
            if int(old.stem.split("-")[1]) >= self.count:
                old.unlink()
        self.rows: list[dict[str, Any]] = []
        self.size = 0
        self.earlier = sum(  # rows a resumed run finds in place: not this run's
            self.pq.read_metadata(self.parts / f"part-{i:06d}.parquet").num_rows for i in range(self.count)
        )

    def write(self, payload: Any) -> None:
        self.rows.append(payload)
        self.size += row_bytes(payload)
        if len(self.rows) >= PARQUET_PART_ROWS or self.size >= PARQUET_PART_BYTES:
            self._flush()

    def _flush(self) -> None:
        if not self.rows:
            return
        table = self.pa.Table.from_pylist(self.rows)
        part = self.parts / f"part-{self.count:06d}.parquet"
        tmp = part.with_suffix(".tmp")
        self.pq.write_table(table, tmp)
        os.replace(tmp, part)
        self.count += 1
        self.rows = []
        self.size = 0

    def checkpoint(self, sync: bool = False) -> int:
        self._flush()
        return self.count

    def commit(self) -> None:
        self._flush()
        parts = [self.parts / f"part-{i:06d}.parquet" for i in range(self.count)]
        schema = (
            self.pa.unify_schemas([self.pq.read_schema(p) for p in parts], promote_options="permissive")
            if parts
            else self.pa.schema([])
        )
        tmp = partial_path(self.dest, "cleaner-merge")
        rows = 0
        with self.pq.ParquetWriter(tmp, schema) as out:
            for p in parts:
                pfile = self.pq.ParquetFile(p)
                for i in range(pfile.num_row_groups):
                    table = self._align(pfile.read_row_group(i), schema)
                    out.write_table(table)
                    rows += table.num_rows
        self.records = rows - self.earlier  # counted in the file, not at write()
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, self.dest)
        shutil.rmtree(self.parts, ignore_errors=True)

    def _align(self, table: Any, schema: Any) -> Any:
        """A part's columns in the merged schema's order and types (missing ones null)."""
        cols = [
            table.column(f.name).cast(f.type)
            if f.name in table.column_names
            else self.pa.nulls(len(table), f.type)
            for f in schema
        ]
        return self.pa.Table.from_arrays(cols, schema=schema)

    def close_partial(self) -> None:
        self._flush()


class StdoutWriter(Writer):
    """Everything to one binary stream, as rendered: one document's clean text, or JSON
    lines (cleaner.batch.target decides which). One instance serves the whole run."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def write(self, payload: Any) -> None:
        self.stream.write(payload)
        self.records += 1

    def checkpoint(self, sync: bool = False) -> int:
        self.stream.flush()
        return 0


class WarcWriter(JsonlWriter):
    """Many records -> one WARC file: the payloads are whole records (each its own gzip
    member for .warc.gz, compressed in the worker), appended as they are, so every
    checkpoint falls between two records."""

    def _open_stream(self) -> None:
        self.codec = ""
        self.stream = self.fh


def open_writer(dest: Path, resume_at: int | None = None) -> Writer:
    """The writer for a destination, chosen by its name; resume_at from the journal."""
    fmt = output_format(dest)
    if fmt == "jsonl":
        return JsonlWriter(dest, resume_at)
    if fmt in ("warc", "warc.gz"):
        return WarcWriter(dest, resume_at)
    if fmt == "parquet":
        return ParquetWriter(dest, resume_at)
    return DocWriter(dest)


def complete_commit(dest: Path, pos: int) -> None:
    """Finish a commit a killed run journaled but may not have done: if the partial
    output is still there (the rename did not happen), put it in place now."""
    fmt = output_format(dest)
    if fmt in ("jsonl", "warc", "warc.gz") and partial_path(dest).exists():
        open_writer(dest, pos).commit()
    elif fmt == "parquet" and partial_path(dest, "cleaner-parts").exists():
        ParquetWriter(dest, pos).commit()
