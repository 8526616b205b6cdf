"""cleaner as datatrove pipeline steps: the scale-out path (Slurm, Ray, or one machine).

datatrove (HuggingFace's pipeline library, used for FineWeb) streams `Document`s through
ordered steps and runs the same pipeline on a laptop (`LocalPipelineExecutor`), a Slurm
cluster (`SlurmPipelineExecutor`) or Ray (`RayPipelineExecutor`); each task takes a shard
of the input files. Three steps live here:

- `CleanerStep`: cleans each document in place (text replaced, removals and repairs in
  its metadata), one document out per document in — a record that fails keeps its text
  and gets `metadata["cleaner_error"]`, and is counted, so no data is lost. Its books
  (stats `documents` = `cleaned` + `errors`, and as many documents out as in) are
  checked when the task's input ends; a mismatch fails the task. It is what
  `Cleaner.clean_many` is, one lazily cleaned result per input in order, with the
  document's URL and site passed along for a learned profile.
- `LearnProfileMap` and `LearnProfileReduce`: `cleaner learn` as map and reduce. Each
  map task counts its shard's lines per site (`cleaner.text.profile.Learner`) and writes
  the raw counts; the reduce (one task, run after the map) merges them and writes the
  profile that `CleanerStep(profile=...)` and `cleaner clean --profile` use.

Install with `pip install 'cleaner[datatrove]'`; building a step without datatrove
raises an ImportError that names the extra (datatrove's own dependency check).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..batch.pool import DEFAULT_TIMEOUT, Limiter, RecordTimeout
from ..config import Config
from ..text.profile import Learner, Profile

try:
    from datatrove.pipeline.base import PipelineStep
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "cleaner.integrations.datatrove needs datatrove: pip install 'cleaner[datatrove]'"
    ) from exc

if TYPE_CHECKING:
    from datatrove.data import DocumentsPipeline

    from ..pipeline import Cleaner

__all__ = ["CleanerStep", "LearnProfileMap", "LearnProfileReduce"]


def _site(metadata: dict[str, Any]) -> str | None:
    value = metadata.get("site") or metadata.get("url")
    return value if isinstance(value, str) and value else None


class CleanerStep(PipelineStep):
    """Clean each document's text; removals, repairs and metadata go into doc.metadata.

    config: a cleaner Config (default: the default mode). profile: a path (or datatrove
    data folder path) of a profile from `cleaner learn` or `LearnProfileReduce`.
    kind: "text", "html" or "auto" for what doc.text holds. keep_removed: put the
    removals and repairs in the metadata (they make the output larger). timeout: CPU
    seconds one document may take (None: no limit); past it the document is passed on
    unchanged with `cleaner_error` set, as `cleaner clean --timeout` makes an error record
    (a SIGPROF timer: only in a task's main thread, as datatrove's local workers run).
    page_types: keep only HTML pages of these types (`Config.page_types`); a page of
    another type goes on with an empty text and a `page-type` removal, counted in the
    stat `page_type_dropped_<type>` (one document out per document in, as always; a
    later filter step can drop the empty ones). Text has no page type and always passes.
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        config: Config | None = None,
        profile: str | None = None,
        kind: str = "text",
        keep_removed: bool = True,
        timeout: float | None = DEFAULT_TIMEOUT,
        page_types: Iterable[str] | None = None,
    ) -> None:
        super().__init__()
        self.timeout = timeout
        self.config = config or Config()
        if page_types is not None:
            self.config = self.config.with_(page_types=frozenset(page_types))
        self.profile_path = profile
        self.kind = kind
        self.keep_removed = keep_removed
        self._cleaner: Cleaner | None = None

    def _get_cleaner(self) -> Cleaner:
        """Built once per task process, not pickled to it (rules compile in the worker)."""
        if self._cleaner is None:
            from ..pipeline import Cleaner

            profile = None
            if self.profile_path:
                from datatrove.io import get_datafolder

                folder, _, name = str(self.profile_path).rpartition("/")
                with get_datafolder(folder or ".").open(name, "rt") as fh:
                    profile = Profile.loads(fh.read(), str(self.profile_path))
            self._cleaner = Cleaner(self.config, profile=profile)
        return self._cleaner

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_cleaner"] = None
        return state

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        cleaner = self._get_cleaner()
        books = {"in": 0, "out": 0, "cleaned": 0, "errors": 0}
        with Limiter(self.timeout) as limiter:
            for doc in data:
                books["in"] += 1
                self.stat_update("documents")
                outcome = self._clean_one(cleaner, limiter, doc)
                books[outcome] += 1
                self.stat_update(outcome)
                books["out"] += 1
                yield doc
        if not books["in"] == books["out"] == books["cleaned"] + books["errors"]:
            raise RuntimeError(f"cleaner: the step's books do not balance (a bug, please report it): {books}")

    def _clean_one(self, cleaner: Cleaner, limiter: Limiter, doc: Any) -> str:
        """Clean `doc` in place: "cleaned", or "errors" with the reason in its metadata and
        its text as it was (whatever fails, the document goes on)."""
        try:
            meta = doc.metadata
            with self.track_time(), limiter.record():
                result = cleaner.clean(doc.text, url=meta.get("url"), kind=self.kind, site=_site(meta))
            update: dict[str, Any] = {}
            if self.keep_removed:
                update["removed"] = [r.to_dict() for r in result.removed]
                update["repairs"] = [r.to_dict() for r in result.repairs]
            extra = {k: v for k, v in result.metadata.items() if k not in meta}
        except RecordTimeout:
            return self._failed(doc, f"timeout: over {self.timeout:g} CPU seconds; passed on uncleaned")
        except Exception as exc:  # one bad document never stops a task
            return self._failed(doc, f"{type(exc).__name__}: {exc}")
        for reason, chars in result.removed_chars().items():
            self.stat_update(f"removed_chars_{reason}", value=chars)
        self.stat_update("repairs", value=sum(r.count for r in result.repairs))
        if any(r.reason == "page-type" for r in result.removed):
            self.stat_update(f"page_type_dropped_{result.metadata.get('page_type')}")
        doc.text = result.text
        meta.update(update)
        meta.update(extra)
        return "cleaned"

    @staticmethod
    def _failed(doc: Any, message: str) -> str:
        meta = getattr(doc, "metadata", None)
        if not isinstance(meta, dict):
            meta = {}
            with contextlib.suppress(AttributeError, TypeError):
                doc.metadata = meta
        meta["cleaner_error"] = message
        return "errors"


class LearnProfileMap(PipelineStep):
    """Map: count this task's lines per site and write the counts to
    `<output_folder>/<rank>.counts.json`; documents pass through unchanged."""

    name = "🧮 cleaner learn (map)"
    type = "📊 - STATS"

    def __init__(self, output_folder: str, budget: int = 2_000_000) -> None:
        super().__init__()
        self.output_folder = output_folder
        self.budget = budget

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        from datatrove.io import get_datafolder

        from ..repairs.fix import repair

        learner = Learner(budget=self.budget)
        for doc in data or ():
            learner.add(repair(doc.text), _site(doc.metadata))
            self.stat_update("documents")
            yield doc
        with get_datafolder(self.output_folder).open(f"{rank:05d}.counts.json", "wt") as fh:
            fh.write(learner.dumps())


class LearnProfileReduce(PipelineStep):
    """Reduce (run as one task after the map): merge every map's counts and write the
    profile to `output` (thresholds as in `cleaner learn`)."""

    name = "🧮 cleaner learn (reduce)"
    type = "📊 - STATS"

    def __init__(
        self,
        input_folder: str,
        output: str,
        min_docs: int = 3,
        min_share: float = 0.05,
        max_sites: int = 3,
        budget: int = 2_000_000,
    ) -> None:
        super().__init__()
        self.input_folder = input_folder
        self.output = output
        self.params: dict[str, Any] = {
            "min_docs": min_docs,
            "min_share": min_share,
            "max_sites": max_sites,
            "budget": budget,
        }

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        from datatrove.io import get_datafolder

        if data:
            yield from data
        if rank != 0:
            return
        folder = get_datafolder(self.input_folder)
        total = Learner(**self.params)
        for name in sorted(folder.list_files(glob_pattern="*.counts.json")):
            with folder.open(name, "rt") as fh:
                total.merge(Learner.loads(fh.read(), **self.params))
        profile = total.profile()
        self.stat_update("sites", value=len(profile.sites))
        self.stat_update("lines", value=len(profile))
        out_dir, _, out_name = self.output.rpartition("/")
        with get_datafolder(out_dir or ".").open(out_name, "wt") as fh:
            fh.write(profile.dumps())
