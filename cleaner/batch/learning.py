"""`cleaner learn` with HTML extraction on worker processes.

What a record contributes is its repaired text, or for a page the article extracted from
its HTML. Extraction is the expensive part (milliseconds a page), so pages go to the
workers of cleaner.batch.pool, where one that fails, hangs past the time limit or kills its
worker costs that record only. Text records are repaired here: shipping them to a worker
costs more than the repair (a 100 MB text corpus learned 6% slower that way). The counts
are taken in input order, so the profile is the same whatever the number of workers.
"""

from __future__ import annotations

import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from functools import partial
from typing import Any

from ..config import Config
from ..pipeline import Cleaner, looks_like_html
from .pool import Limiter, Pool, RecordTimeout
from .sources import ReadError, Record

__all__ = ["BATCH", "learnable_texts"]

BATCH = 64  # records a worker gets at a time
# One entry: (a page's HTML, its URL); one outcome: (text, error).
Entry = tuple[str, "str | None"]
Outcome = tuple["str | None", "str | None"]


def _init(config: Config, timeout: float | None) -> tuple[Config, float | None, list[Cleaner]]:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    return config, timeout, []  # the Cleaner is built on the first HTML record


def _learnable(entries: list[Entry], state: Any, mark: Callable[[int], None] | None = None) -> list[Outcome]:
    """The article text of each page (entries: HTML, URL)."""
    config, timeout, built = state
    out: list[Outcome] = []
    with Limiter(timeout) as limiter:
        for k, (content, url) in enumerate(entries):
            if mark is not None:
                mark(k)
            try:
                with limiter.record():
                    if not built:
                        built.append(Cleaner(config))
                    out.append((built[0].clean(content, url=url, kind="html").text, None))
            except RecordTimeout:
                out.append((None, f"took more than the {timeout:g} s CPU time limit; skipped"))
            except Exception as exc:  # one bad record never stops the run
                out.append((None, f"{type(exc).__name__}: {exc}"))
    return out


def learnable_texts(
    items: Iterable[Record | ReadError],
    kind_of: Callable[[Record], str],
    config: Config,
    workers: int,
    timeout: float | None,
) -> Iterator[tuple[Record | ReadError, str | None, str | None]]:
    """(item, learnable text, error) for each item, in input order (a ReadError passes
    through with its message)."""
    from ..repairs.fix import repair

    pool = Pool(workers, partial(_init, config, timeout), _learnable, lambda entry, message: (None, message))
    window: deque[tuple[list[tuple[Record | ReadError, bool]], Future[list[Outcome]]]] = deque()
    limit = max(2, workers * 3)

    def text_of(record: Record) -> tuple[str | None, str | None]:
        try:
            return (repair(record.content) if config.repair else record.content), None
        except Exception as exc:  # one bad record never stops the run
            return None, f"{type(exc).__name__}: {exc}"

    def take() -> Iterator[tuple[Record | ReadError, str | None, str | None]]:
        batch, fut = window.popleft()
        while not fut.done():
            pool.poll(0.2)
        pages = iter(fut.result())
        for item, is_page in batch:
            if isinstance(item, ReadError):
                yield item, None, item.message
            else:
                yield (item, *(next(pages) if is_page else text_of(item)))

    def page(item: Record | ReadError) -> bool:
        if isinstance(item, ReadError):
            return False
        kind = kind_of(item)
        return kind == "html" or (kind == "auto" and looks_like_html(item.content))

    def submit(batch: list[tuple[Record | ReadError, bool]]) -> None:
        entries = [(r.content, r.url) for r, is_page in batch if is_page and isinstance(r, Record)]
        done: Future[list[Outcome]] = Future()
        if entries:
            done = pool.submit(entries)
        else:
            done.set_result([])
        window.append((batch, done))

    try:
        batch: list[tuple[Record | ReadError, bool]] = []
        for item in items:
            batch.append((item, page(item)))
            if len(batch) >= BATCH:
                submit(batch)
                batch = []
                pool.poll(0)
                while len(window) >= limit or (window and window[0][1].done()):
                    yield from take()
        if batch:
            submit(batch)
        while window:
            yield from take()
    finally:
        pool.shutdown(wait=False)
