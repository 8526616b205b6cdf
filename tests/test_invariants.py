"""Invariants that hold for every document: over the seeds and every case input.

- idempotence: clean(clean(x).text).text == clean(x).text
- provenance: output lines are, in order, a subsequence of the repaired input's lines
- explanations: every Removal has a known reason and a rule, in document order
- conservative mode removes a subset of what the default mode removes
- a document that is all content comes out unchanged
"""

from __future__ import annotations

from typing import Any

import pytest
from casefiles import REPAIR_FILE, is_subsequence, lines, load, removal_cases, seed_inputs

import cleaner
from cleaner.config import MODES

DOCS: list[Any] = [pytest.param(p.read_text(encoding="utf-8"), id=f"seed:{p.stem}") for p in seed_inputs()]
DOCS += [pytest.param(c["input"], id=f"{group}:{c['name']}") for group, c in removal_cases()]
DOCS += [pytest.param(c["input"], id=f"repair:{c['name']}") for c in load(REPAIR_FILE)]

CONSERVATIVE = cleaner.Cleaner(cleaner.Config(mode="conservative", kind="text"))
DEFAULT = cleaner.Cleaner(cleaner.Config(kind="text"))


def test_there_are_documents() -> None:
    assert len(DOCS) > 100


@pytest.mark.parametrize("doc", DOCS)
def test_idempotent(doc: str) -> None:
    once = cleaner.clean(doc, kind="text").text
    assert cleaner.clean(once, kind="text").text == once


@pytest.mark.parametrize("doc", DOCS)
def test_output_lines_come_from_the_repaired_input_in_order(doc: str) -> None:
    out = lines(cleaner.clean(doc, kind="text").text)
    assert is_subsequence(out, lines(cleaner.repair(doc)))


@pytest.mark.parametrize("doc", DOCS)
def test_every_removal_is_explained_and_in_document_order(doc: str) -> None:
    result = cleaner.clean(doc, kind="text")
    for r in result.removed:
        assert r.reason in cleaner.REASONS
        assert isinstance(r.rule, str) and r.rule.strip()
        assert r.line >= 0
    positions = [r.line for r in result.removed]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions), "one line removed twice"


@pytest.mark.parametrize("doc", DOCS)
def test_removed_and_kept_lines_account_for_the_document(doc: str) -> None:
    """Every non-blank line of the repaired text is either in the output or in `removed`."""
    result = cleaner.clean(doc, kind="text")
    repaired = cleaner.repair(doc).split("\n")
    removed_at = {r.line for r in result.removed}
    kept = [line.strip() for k, line in enumerate(repaired) if line.strip() and k not in removed_at]
    assert kept == lines(result.text)
    for r in result.removed:
        assert repaired[r.line].strip() == r.text.strip()


@pytest.mark.parametrize("doc", DOCS)
def test_conservative_removes_a_subset_of_default(doc: str) -> None:
    strict = {(r.line, r.text) for r in DEFAULT.clean(doc).removed}
    loose = {(r.line, r.text) for r in CONSERVATIVE.clean(doc).removed}
    assert loose <= strict


@pytest.mark.parametrize("doc", DOCS)
def test_repair_is_idempotent(doc: str) -> None:
    once = cleaner.repair(doc)
    assert cleaner.repair(once) == once


# Invented articles with nothing to remove: titles, subheadings, a dateline, short quotes.
ALL_CONTENT = {
    "en-feature": [
        "Night trains return to the northern line",
        "After a break of almost twenty years, sleeper trains will again run between the capital and "
        "the north coast from December.",
        "The operator said it had bought twelve second-hand carriages and refurbished them with new "
        "beds, washrooms and a small dining area.",
        "A slow start",
        "Tickets went on sale on Monday, and the first two weeks of departures sold out within hours, "
        "according to the company.",
        "“People have missed this for a long time,” said a spokeswoman for a passenger association, who "
        "called the decision overdue.",
        "The trains will leave the capital at ten in the evening and reach the coast shortly before "
        "seven the next morning.",
        "Critics point out that the journey takes longer than by car and that the fares are higher than "
        "those for a daytime seat.",
        "The operator said it would review the timetable after the first winter, once it knows how many "
        "travellers use the service.",
    ],
    "de-bericht": [
        "Stadt pflanzt 5000 neue Bäume",
        "HAMBURG (dpa) - Die Stadt will in den kommenden drei Jahren rund 5000 neue Bäume in "
        "Wohnvierteln pflanzen.",
        "Das Programm soll die Hitze in dicht bebauten Straßen mindern und kostet nach Angaben der "
        "Verwaltung etwa acht Millionen Euro.",
        "Welche Straßen zuerst an der Reihe sind",
        "Zunächst sollen Viertel mit wenig Grün und vielen älteren Bewohnern berücksichtigt werden, "
        "hieß es aus der Umweltbehörde.",
        "„Jeder Baum zählt“, sagte die Umweltsenatorin bei der Vorstellung des Programms am Dienstag.",
        "Anwohner können über ein Formular auf der Internetseite der Stadt Standorte vorschlagen, die "
        "dann geprüft werden.",
        "Umweltverbände begrüßten das Vorhaben, forderten aber zusätzlich mehr Schutz für die "
        "bestehenden alten Bäume.",
    ],
    "es-cronica": [
        "El puerto amplía su terminal de contenedores",
        "La autoridad portuaria presentó este jueves el proyecto para ampliar la terminal de "
        "contenedores en casi veinte hectáreas.",
        "La obra, que costará unos 150 millones de euros, permitirá recibir buques de mayor tamaño a "
        "partir de 2027.",
        "Los vecinos del barrio cercano temen un aumento del tráfico de camiones y reclaman una nueva "
        "vía de acceso.",
        "El presidente del puerto aseguró que el proyecto incluye medidas para reducir el ruido y las "
        "emisiones.",
    ],
    "fr-reportage": [
        "Le marché couvert rouvre ses portes",
        "Après deux ans de travaux, le marché couvert du centre-ville a rouvert samedi matin devant "
        "plusieurs centaines de visiteurs.",
        "Les étals ont été entièrement rénovés et une nouvelle verrière laisse désormais entrer la "
        "lumière naturelle.",
        "« On attendait ce moment depuis longtemps », confie une maraîchère installée ici depuis trente ans.",
        "La municipalité espère attirer une nouvelle clientèle grâce à des horaires élargis le dimanche "
        "matin.",
    ],
}


@pytest.mark.parametrize("name", list(ALL_CONTENT))
@pytest.mark.parametrize("mode", MODES)
def test_all_content_document_comes_out_unchanged(name: str, mode: str) -> None:
    doc = "\n".join(ALL_CONTENT[name])
    result = cleaner.Cleaner(cleaner.Config(mode=mode, kind="text")).clean(doc)
    assert lines(result.text) == lines(doc)
    assert result.removed == []
    assert result.repairs == []
