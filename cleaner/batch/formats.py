"""The input and output formats that need optional packages: zstd, Parquet, WARC.

The core install stays light: each format imports its package only when a
file of that format is actually read or written, and a missing package becomes a clear
per-source error that names the extra to install (`pip install 'cleaner[parquet]'`),
as datatrove does when a step is built — never an ImportError traceback mid-batch.
"""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Iterator
from typing import IO, Any, cast

from ..decode import decode_bytes
from .records import ReadError, Record, Source, Unit, binary_error, too_big

__all__ = [
    "DecompressionError",
    "MissingExtra",
    "need",
    "parquet_batch_rows",
    "parquet_units",
    "warc_record",
    "warc_units",
    "zstd_reader",
    "zstd_writer",
]

#: Rows per Parquet read batch: small enough to stay flat in memory, big enough to be fast;
#: fewer when rows are big, so that a batch holds about PARQUET_BATCH_BYTES of data.
PARQUET_BATCH = 256
PARQUET_BATCH_BYTES = 64 << 20


class MissingExtra(ImportError):
    """An optional package is needed for this format; the message says how to install it."""


class DecompressionError(Exception):
    """A compressed stream is corrupt (zstandard raises its own ZstdError)."""


def need(module: str, extra: str, what: str) -> Any:
    """Import an optional module, or raise MissingExtra naming the extra that brings it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(
            f"{what} needs the {module.split('.')[0]} package: pip install 'cleaner[{extra}]'"
        ) from exc


# -- zstd ------------------------------------------------------------------------------


#: Compressed bytes fed to the decompressor at a time. zstd can expand 4 bytes into a
#: 128 KB block, so this bounds what one call can produce (a few MB) however hostile the input.
ZSTD_FEED = 128


class _ZstdRaw(io.RawIOBase):
    """A .zst file's decompressed bytes, frame after frame, that knows a cut frame from a
    clean end: python-zstandard's stream reader returns a silent EOF for a truncated file,
    which would drop the rest without a word. Fed in small slices (see ZSTD_FEED)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.zstd = need("zstandard", "zstd", "reading .zst")
        self.raw = raw
        self.obj = self.zstd.ZstdDecompressor().decompressobj()
        self.pending = b""  # compressed bytes not fed yet
        self.out = b""  # decompressed bytes not returned yet
        self.in_frame = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.out:
            if not self.pending:
                self.pending = self.raw.read(1 << 16)
                if not self.pending:
                    if self.in_frame:
                        raise DecompressionError("truncated zstd stream (the file ends inside a frame)")
                    return 0
            self._feed()
        n = min(len(buffer), len(self.out))
        buffer[:n] = self.out[:n]
        self.out = self.out[n:]
        return n

    def _feed(self) -> None:
        chunk, self.pending = self.pending[:ZSTD_FEED], self.pending[ZSTD_FEED:]
        try:
            self.out = self.obj.decompress(chunk)
            self.in_frame = True
            if self.obj.eof:  # a frame ended: the rest starts the next one (resumed runs write several)
                self.pending = self.obj.unused_data + self.pending
                self.obj = self.zstd.ZstdDecompressor().decompressobj()
                self.in_frame = False
        except self.zstd.ZstdError as exc:
            raise DecompressionError(f"corrupt zstd stream: {exc}") from exc


def zstd_reader(raw: IO[bytes]) -> IO[bytes]:
    """Lines of a .zst file (concatenated frames, as resumed runs write them, are fine)."""
    return cast(IO[bytes], io.BufferedReader(_ZstdRaw(raw), buffer_size=1 << 16))


def zstd_writer(raw: IO[bytes]) -> Any:
    """A zstd compressor writing into `raw`; `.flush(FLUSH_FRAME)` ends a frame, so a file
    can be cut after any frame and still decompress (what resume relies on)."""
    zstd = need("zstandard", "zstd", "writing .zst")
    return zstd.ZstdCompressor(level=3).stream_writer(raw, closefd=False)


def zstd_flush_frame(writer: Any) -> None:
    zstd = need("zstandard", "zstd", "writing .zst")
    writer.flush(zstd.FLUSH_FRAME)


# -- Parquet -----------------------------------------------------------------------------


def parquet_units(source: Source) -> Iterator[tuple[Unit | ReadError, int]]:
    """Rows of a Parquet file as units, read one row batch at a time (memory stays flat).

    Progress is the row's share of the file size (Parquet has no byte offsets per row).
    """

    try:
        pq = need("pyarrow.parquet", "parquet", "reading Parquet")
        assert source.path is not None
        pfile = pq.ParquetFile(source.path)
    except Exception as exc:  # MissingExtra, not a Parquet file, unreadable
        yield ReadError(source.name, f"cannot read: {exc}"), 0
        return
    total = max(1, pfile.metadata.num_rows)
    size = source.path.stat().st_size
    rowno = 0
    try:
        for batch in pfile.iter_batches(batch_size=parquet_batch_rows(pfile.metadata)):
            for row in batch.to_pylist():
                rowno += 1
                yield ("row", f"{source.name}:{rowno}", rowno, row), size * rowno // total
    except Exception as exc:  # a corrupt page or column chunk
        yield ReadError(f"{source.name}:{rowno + 1}", f"cannot read further: {exc}"), size


def parquet_batch_rows(meta: Any) -> int:
    """Rows to read at a time: PARQUET_BATCH, fewer when rows are big (the file's row groups
    say how many bytes a row holds, uncompressed), and never less than one."""
    rows: int = meta.num_rows
    data: int = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if rows <= 0 or data <= 0:
        return PARQUET_BATCH
    return max(1, min(PARQUET_BATCH, PARQUET_BATCH_BYTES * rows // data))


def parquet_schema_of(path: str) -> Any:
    pq = need("pyarrow.parquet", "parquet", "reading Parquet")
    return pq.read_schema(path)


# -- WARC ------------------------------------------------------------------------------

_DOC_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


class _Layout:
    """Checks an uncompressed WARC's record boundaries against its Content-Lengths.

    fastwarc in quirks mode re-synchronises at the next WARC header after a record whose
    Content-Length lies, which keeps the records after it; this says which record lied.
    A record must end (block + CRLF CRLF) where the next one starts and inside the file.
    """

    def __init__(self, path: Any) -> None:
        self.peek = path.open("rb")
        self.size = path.stat().st_size
        self.end: int | None = None  # where the previous record should have ended

    def gap(self, pos: int) -> int:
        """Bytes between the previous record's declared end and this record's start that
        are not blank (0: in step)."""
        if self.end is None or pos <= self.end:
            return 0
        self.peek.seek(self.end)
        return (pos - self.end) if self.peek.read(min(pos - self.end, 1 << 16)).strip() else 0

    def overrun(self, pos: int, length: int) -> int:
        """How many bytes this record claims beyond the end of the file (0: none)."""
        self.peek.seek(pos)
        head = self.peek.read(1 << 16).find(b"\r\n\r\n")
        if head < 0:
            self.end = None
            return 0
        block_end = pos + head + 4 + length
        self.end = block_end + 4
        return max(0, int(block_end - self.size))

    def close(self) -> None:
        self.peek.close()


_NEXT_HEADER = re.compile(rb"\r?\nWARC/1\.[01]\r?\n(?:[^\r\n]*\r?\n){0,20}?WARC-Type:")


def warc_units(source: Source, limit: int = 0) -> Iterator[tuple[Unit | ReadError, int]]:
    """Response and resource records of a WARC file (.warc, .warc.gz) holding HTML or text.

    Other records (requests, metadata, images, PDFs) are not documents and are skipped:
    a crawl is mostly those, and reporting each as an error would drown the real ones.
    A payload over `limit` bytes (0: none) is an error, read no further than the limit.
    A record whose Content-Length lies is an error naming it, and reading goes on at the
    next record header (fastwarc's quirks mode); see the README's Limits table.
    """

    try:
        warc = need("fastwarc.warc", "warc", "reading WARC")
        assert source.path is not None
        fh = source.path.open("rb")
        layout = None if source.path.name.lower().endswith((".gz", ".zst")) else _Layout(source.path)
    except (MissingExtra, OSError) as exc:
        yield ReadError(source.name, f"cannot read: {getattr(exc, 'strerror', None) or exc}"), 0
        return
    n = 0
    held: list[Unit | ReadError] = []  # the last document, until the next record shows it was whole
    try:
        for rec in warc.ArchiveIterator(fh, parse_http=True, quirks_mode=True):
            if layout is not None:
                gap = layout.gap(rec.stream_pos)
                if gap and held and not isinstance(held[0], ReadError):
                    where, rid = held[0][1], held[0][2]["id"]
                    lie = f"its Content-Length ends {gap:,} bytes before the next record (it lies); skipped"
                    held[0] = ReadError(where, lie, rid)
                over = layout.overrun(rec.stream_pos, _block_length(rec))
            if held:
                yield held.pop(), fh.tell()
            if rec.record_type not in (warc.WarcRecordType.response, warc.WarcRecordType.resource):
                continue
            n += 1
            unit = _warc_unit(rec, f"{source.name}#{n}", limit)
            if layout is not None and over and isinstance(unit, tuple):
                lie = f"its Content-Length runs {over:,} bytes past the end of the file (truncated); skipped"
                unit = ReadError(unit[1], lie, unit[2]["id"])
            if unit is not None:
                held.append(unit)
        if held:
            yield held.pop(), fh.tell()
    except Exception as exc:  # truncated or corrupt archive
        yield ReadError(f"{source.name}#{n + 1}", f"cannot read further: {exc}"), fh.tell()
    finally:
        fh.close()
        if layout is not None:
            layout.close()


def _block_length(rec: Any) -> int:
    """The record's declared block length (with parse_http, `content_length` leaves out the
    HTTP headers)."""
    try:
        return int(rec.headers.get("Content-Length") or 0)
    except ValueError:
        return 0


def _warc_unit(rec: Any, where: str, limit: int) -> Unit | ReadError | None:
    """One record as a unit (None: not a document), or an error for an oversized payload or
    one that holds the next record's header (its Content-Length is too long)."""

    ctype = (rec.http_content_type if rec.is_http else rec.headers.get("Content-Type")) or ""
    if not ctype.lower().startswith(_DOC_TYPES):
        return None
    headers = {
        "id": rec.record_id,
        "url": rec.headers.get("WARC-Target-URI"),
        "date": rec.headers.get("WARC-Date"),
        "content_type": ctype,
    }
    kind = "text" if ctype.lower().startswith("text/plain") else "html"
    body = rec.reader.read(limit + 1) if limit else rec.reader.read()
    if limit and len(body) > limit:
        size = len(body)
        while chunk := rec.reader.read(1 << 20):  # counted, never held whole
            size += len(chunk)
        return ReadError(where, too_big(size, limit), headers["id"])
    if _NEXT_HEADER.search(body):
        message = "its Content-Length runs into the next record (a WARC header inside the payload); skipped"
        return ReadError(where, message, headers["id"])
    return ("warc", where, headers, rec.http_charset, kind, body)


def warc_record(unit: Unit) -> Record | ReadError:
    """A WARC unit as a Record: its id and URL from the WARC headers, the body decoded
    with the HTTP-declared charset (then the document's own, then a guess)."""

    _, where, headers, charset, kind, body = unit
    rid = str(headers["id"]) if headers.get("id") else None
    bad = binary_error(body, where, rid)  # a server that labels an image text/html
    if bad is not None:
        return bad
    return Record(
        id=str(headers.get("id") or where),
        content=decode_bytes(body, declared=charset),
        url=headers.get("url") or None,
        kind=kind,
        original=dict(headers),
        where=where,
        explicit_id=bool(headers.get("id")),
    )
