"""The records a batch run reads: what one document is, what a read failure is, and where they
come from. A leaf module, so the readers (io.py) and the optional formats (formats.py) share
these types without importing each other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from ..limits import binary_kind

__all__ = ["Fields", "ReadError", "Record", "Source", "Unit", "binary_error", "too_big"]

#: What travels from the reader to a worker: a small picklable tuple whose first item
#: says what it holds ("line", "file", "bytes", "row", "warc"), or a ReadError.
Unit = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Fields:
    """Which record keys hold the text, the HTML, the record id, the URL and the site."""

    text: str = "text"
    html: str = "html"
    id: str = "id"
    url: str = "url"
    site: str = "site"


@dataclass(slots=True)
class Record:
    """One document to clean.

    id: the record's id (the id field, else the line number; the path for a file).
    content: the text or HTML, already decoded.
    kind: "text" or "html" when the input says which (suffix, field), else None.
    original: the parsed record (JSONL object, Parquet row, WARC headers), kept to write
        the same record back out with every other field unchanged.
    where: "path" or "path:line", for messages.
    site: the site field, when the record has one (else the profile uses the URL's host).
    """

    id: str
    content: str
    url: str | None = None
    kind: str | None = None
    original: dict[str, Any] | None = None
    where: str = ""
    explicit_id: bool = False
    site: str | None = None

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
    format: str  # "text" | "html" | "jsonl" | "parquet" | "warc"

    @property
    def name(self) -> str:
        return "<stdin>" if self.path is None else str(self.path)

    @property
    def many(self) -> bool:
        """True for formats that hold many records (their output is one stream)."""
        return self.format in ("jsonl", "parquet", "warc")


def too_big(size: int, limit: int) -> str:
    """The message for a record over the size limit."""
    return (
        f"record is {size:,} bytes, over the {limit:,} limit (--max-size; 0 lifts it); skipped, not truncated"
    )


def binary_error(data: bytes, where: str, rid: str | None = None) -> ReadError | None:
    """An error for bytes that are an image, an archive, a PDF...: not worth decoding."""
    what = binary_kind(data[:16])
    return None if what is None else ReadError(where, f"binary data ({what}), not a text document", rid)
