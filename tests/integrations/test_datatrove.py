"""The datatrove integration, end to end through a real LocalPipelineExecutor."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

pytest.importorskip("datatrove")

from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from cleaner.integrations.datatrove import CleanerStep, LearnProfileMap, LearnProfileReduce  # noqa: E402

FOOTER = "The Harbour Gazette is printed on recycled paper at the Portside works"  # no rule knows it


def _corpus(folder: Path) -> None:
    folder.mkdir()
    for shard in range(2):
        rows = []
        for i in range(8):
            site = "gazette.example" if i % 2 else f"site{i}.example"
            who = (
                ("islanders", "farmers", "pupils", "nurses")[i % 4]
                + " and "
                + ("its crew", "the mayor")[shard]
            )
            text = (
                f"A story about the new ferry line and the {who}, who rely on it every day.\n"
                "Also read\n"
                "The ferry will run twice a day from the spring, the operator said on Monday."
            )
            if site == "gazette.example":
                text += "\n" + FOOTER
            rows.append({"id": f"{shard}-{i}", "text": text, "url": f"https://{site}/{shard}/{i}"})
        (folder / f"part{shard}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


def _read(folder: Path) -> list[dict[str, object]]:
    out = []
    for path in sorted(folder.glob("*.jsonl.gz")):
        out += [json.loads(x) for x in gzip.decompress(path.read_bytes()).decode().splitlines()]
    return out


def test_local_pipeline_learns_a_profile_then_cleans(tmp_path: Path) -> None:
    _corpus(tmp_path / "in")
    counts, profile = tmp_path / "counts", tmp_path / "profile" / "site.json"
    learn = LocalPipelineExecutor(
        pipeline=[JsonlReader(str(tmp_path / "in")), LearnProfileMap(str(counts))],
        tasks=2, workers=1, logging_dir=str(tmp_path / "logs-map"),
    )  # fmt: skip
    reduce = LocalPipelineExecutor(
        pipeline=[LearnProfileReduce(str(counts), str(profile), min_docs=3)],
        tasks=1, workers=1, logging_dir=str(tmp_path / "logs-reduce"), depends=learn,
    )  # fmt: skip
    reduce.run()
    sites = json.loads(profile.read_text())["sites"]
    assert list(sites) == ["gazette.example"] and list(sites["gazette.example"]["examples"].values()) == [
        FOOTER
    ]

    clean = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(tmp_path / "in")),
            CleanerStep(profile=str(profile)),
            JsonlWriter(str(tmp_path / "out")),
        ],
        tasks=2, workers=2, logging_dir=str(tmp_path / "logs-clean"),
    )  # fmt: skip
    clean.run()
    docs = _read(tmp_path / "out")
    assert len(docs) == 16  # one document out per document in
    for doc in docs:
        text, meta = str(doc["text"]), doc["metadata"]
        assert isinstance(meta, dict) and "Also read" not in text and "ferry will run" in text
        reasons = {r["reason"] for r in meta["removed"]}
        assert FOOTER not in text
        assert ("gazette.example" in str(meta["url"])) == ("site-repeated" in reasons)
    stats = json.loads((tmp_path / "logs-clean" / "stats.json").read_text())
    step = next(s for s in stats if "cleaner" in s["name"])
    totals = {k: v["total"] if isinstance(v, dict) else v for k, v in step["stats"].items()}
    assert totals["documents"] == 16 and totals["removed_chars_recirculation"] > 0
    assert totals["cleaned"] == 16 and "errors" not in totals  # the books: documents = cleaned + errors


def test_readme_cluster_executors_accept_the_pipeline(tmp_path: Path) -> None:
    """The README's Slurm example builds (it is not run: there is no cluster here)."""
    from datatrove.executor import SlurmPipelineExecutor

    executor = SlurmPipelineExecutor(
        job_name="cleaner",
        pipeline=[JsonlReader(str(tmp_path)), CleanerStep(), JsonlWriter(str(tmp_path / "out"))],
        tasks=4, time="04:00:00", partition="cpu", cpus_per_task=1, mem_per_cpu_gb=2,
        logging_dir=str(tmp_path / "logs"), venv_path=".venv/bin/activate",
    )  # fmt: skip
    assert executor.world_size == 4


def test_a_document_over_the_time_limit_is_passed_on_with_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from datatrove.data import Document

    from cleaner.pipeline import Cleaner

    real = Cleaner.clean

    def slow_on_spin(self: Cleaner, source: str | bytes, *args: object, **kwargs: object) -> object:
        if "spin" in str(source):
            end = time.process_time() + 5
            while time.process_time() < end:  # CPU time, so SIGPROF counts it
                pass
        return real(self, source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Cleaner, "clean", slow_on_spin)
    docs = [
        Document(text="spin\nAlso read\nA line of the story.", id="slow"),
        Document(text="The ferry will run twice a day.\nAlso read", id="fine"),
    ]
    start = time.process_time()
    out = list(CleanerStep(timeout=0.3).run(iter(docs)))
    assert time.process_time() - start < 4  # the spin was cut short
    assert [d.id for d in out] == ["slow", "fine"]
    assert "timeout" in out[0].metadata["cleaner_error"]
    assert out[0].text.startswith("spin")  # passed on uncleaned
    assert "cleaner_error" not in out[1].metadata and "Also read" not in out[1].text


def test_every_document_comes_out_even_one_the_step_cannot_read() -> None:
    """One document in, one out: a document without text, or whose metadata is not a dict,
    goes on with the reason (not an exception that fails the task), and is counted."""
    from datatrove.data import Document

    odd = Document(text="The ferry will run twice a day.", id="odd")
    odd.metadata = None  # type: ignore[assignment]
    docs = [
        Document(text="The ferry will run twice a day from the spring, the operator said.", id="good"),
        Document(text=None, id="none"),  # type: ignore[arg-type]
        odd,
    ]
    step = CleanerStep()
    out = list(step.run(iter(docs)))
    assert [d.id for d in out] == ["good", "none", "odd"]
    assert "cleaner_error" not in out[0].metadata
    assert "InputError" in out[1].metadata["cleaner_error"]
    assert "AttributeError" in out[2].metadata["cleaner_error"]
    totals = {k: v.total for k, v in step.stats.stats.items()}
    assert (totals["documents"], totals["cleaned"], totals["errors"]) == (3, 1, 2)


def test_page_types_keep_one_document_per_document_and_count_the_others() -> None:
    from datatrove.data import Document

    from tests.html.test_pagetype import article_page, product_page

    docs = [
        Document(text=product_page(), id="p", metadata={"url": "https://shop.example/products/kettle"}),
        Document(text=article_page(), id="a", metadata={"url": "https://www.example.com/2025/03/04/budget"}),
    ]
    step = CleanerStep(kind="html", page_types=["article"])
    out = list(step.run(iter(docs)))
    assert [d.id for d in out] == ["p", "a"]
    assert out[0].text == "" and out[0].metadata["page_type"] == "product"
    assert [r["reason"] for r in out[0].metadata["removed"]] == ["page-type"]
    assert "committee" in out[1].text and out[1].metadata["page_type"] == "article"
    assert step.stats["page_type_dropped_product"].total == 1
