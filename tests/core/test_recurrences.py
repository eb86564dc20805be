"""Find this claim elsewhere: restatements of the seed article's claim in other imported
articles are found (reworded, reordered, re-spelled, a clause added or dropped), decoys that
merely share words are not, and the index follows imports and removals."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from annotator.core.errors import ValidationError
from annotator.core.importing import ExtractedDocument, ImportReport, SourceMeta
from annotator.core.ingest import ReadOptions, Source, import_paths, import_sources
from annotator.core.records import DocumentId
from annotator.core.recurrences import find_recurrences, is_current, update_index
from annotator.core.recurrences.terms import terms, windows
from annotator.core.session import Session
from annotator.core.store import Store

SEED = Path(__file__).parents[2] / "samples" / "global-times-2022-04-26-wei-fenghe-kazakhstan.txt"
CLAIM = (
    "China firmly opposes external forces deliberately instigating a “color revolution” "
    "in Kazakhstan"
)

FILLER = (
    "Officials met in the capital on Tuesday to discuss trade and transport links. "
    "The talks covered rail freight, customs procedures and new border crossings. "
    "Analysts said the agreements could double cargo volumes within five years. "
)
#: Restatements of CLAIM, each planted in its own article, and what changed.
RESTATEMENTS = {
    "reordered": "In Kazakhstan, external forces deliberately instigating a 'colour revolution' "
    "are something China firmly opposes, the ministry said.",
    "clause added": "Beijing said China firmly opposes external forces that deliberately "
    "instigate a color revolution in Kazakhstan, and will back Astana in keeping order.",
    "clause dropped": 'China opposes external forces instigating a "colour revolution" '
    "in Kazakhstan.",
    "respelled": "CHINA FIRMLY OPPOSES EXTERNAL FORCES DELIBERATELY INSTIGATING A COLOUR "
    "REVOLUTION IN KAZAKHSTAN, A SPOKESMAN TOLD REPORTERS.",
}
DECOYS = {
    "market": "External forces such as currency swings weighed on the Kazakhstan stock market, "
    "where traders firmly expect a rebound.",
    "history": "Historians describe the color revolution in Georgia as a turning point for "
    "the region.",
}


def extracted(title: str, text: str) -> ExtractedDocument:
    report = ImportReport(f"{title}.txt", "text", "utf-8", False)
    return ExtractedDocument(Path(f"{title}.txt"), title, text, None, report, meta=SourceMeta())


def ingest(store: Store, items: dict[str, str]) -> dict[str, DocumentId]:
    sources = [
        Source(f"{t}.txt", f"{t}.txt", partial(extracted, t, FILLER + text + " " + FILLER))
        for t, text in items.items()
    ]
    outcome = import_sources(store, sources, analyst_id=None)
    return {s.title: s.id for s, _report in outcome.added}


@pytest.fixture
def corpus(fresh_store: Store) -> tuple[Store, DocumentId, dict[str, DocumentId]]:
    seeded = import_paths(fresh_store, [SEED], analyst_id=None, options=ReadOptions())
    seed_id = seeded.added[0][0].id
    others = ingest(fresh_store, {**RESTATEMENTS, **DECOYS})
    return fresh_store, seed_id, others


def tag_claim(store: Store, doc_id: DocumentId) -> str:
    text = store.documents.text(doc_id)
    start = text.index("China firmly opposes external forces")
    end = text.index("in Kazakhstan", start) + len("in Kazakhstan")
    session = Session(store, store.ensure_analyst("Ana"))
    label = store.codebook.get().by_name("Claim")
    annotation, _change = session.create_annotation(
        document_id=doc_id, label_id=label.id, start=start, end=end
    )
    return annotation.id


def test_the_seed_claim_finds_its_restatements_and_not_the_decoys(corpus) -> None:
    store, seed_id, others = corpus
    hits = find_recurrences(store, CLAIM, exclude_document=seed_id)
    found = {h.document_title for h in hits}
    assert found == set(RESTATEMENTS)
    for hit in hits:
        text = store.documents.text(DocumentId(hit.document_id))
        assert text[hit.start : hit.end] == hit.quote
        assert hit.quote == RESTATEMENTS[hit.document_title]
        assert 0.6 <= hit.score <= 1.0
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_decoys_score_below_every_restatement(corpus) -> None:
    store, seed_id, others = corpus
    hits = find_recurrences(store, CLAIM, exclude_document=seed_id, min_score=0.0, limit=1000)
    best = {}
    for hit in hits:
        best[hit.document_title] = max(best.get(hit.document_title, 0.0), hit.score)
    assert max(best.get(t, 0.0) for t in DECOYS) < 0.5
    assert min(best[t] for t in RESTATEMENTS) > 0.6


def test_a_tagged_claim_is_looked_for_in_other_documents_only(corpus) -> None:
    store, seed_id, others = corpus
    claim_id = tag_claim(store, seed_id)
    hits = find_recurrences(store, claim_id)
    assert seed_id not in {h.document_id for h in hits}
    assert {h.document_title for h in hits} == set(RESTATEMENTS)


def test_the_index_follows_imports_and_removals(fresh_store: Store) -> None:
    store = fresh_store
    assert find_recurrences(store, CLAIM) == []
    first = ingest(store, {"reordered": RESTATEMENTS["reordered"]})
    # Indexed on import: nothing is left for a search to catch up on.
    assert is_current(store)
    assert [h.document_title for h in find_recurrences(store, CLAIM)] == ["reordered"]
    ingest(store, {"clause added": RESTATEMENTS["clause added"]})
    assert is_current(store)
    assert {h.document_title for h in find_recurrences(store, CLAIM)} == {
        "reordered",
        "clause added",
    }
    store.documents.withdraw([first["reordered"]], analyst_id=None)
    assert not is_current(store)
    assert [h.document_title for h in find_recurrences(store, CLAIM)] == ["clause added"]
    assert is_current(store)
    windows_left = store.conn.execute("SELECT count(*) FROM recurrence_windows").fetchone()[0]
    indexed = store.conn.execute("SELECT count(*) FROM recurrence_vocab").fetchone()[0]
    assert windows_left == len(windows(store.documents.text(DocumentId(_only_id(store)))))
    assert indexed > 0


def _only_id(store: Store) -> str:
    return str(store.conn.execute("SELECT id FROM documents").fetchone()[0])


def test_update_index_is_incremental(fresh_store: Store) -> None:
    store = fresh_store
    ingest(store, RESTATEMENTS)
    store.conn.execute("DELETE FROM recurrence_indexed")  # as in a project of schema 13
    assert update_index(store) == len(RESTATEMENTS)
    assert update_index(store) == 0
    # Re-indexing replaced the windows rather than adding a second set.
    assert [h.document_title for h in find_recurrences(store, CLAIM, limit=100)].count(
        "reordered"
    ) == 1


def test_normalisation_folds_case_quotes_diacritics_and_spellings() -> None:
    assert terms("the “Colour” revolution’s defence") == terms('The "color" revolutions defense')
    assert terms("Fénghé") == terms("Fenghe")
    assert terms("instigating") == terms("instigated")


def test_a_claim_without_words_is_refused_with_a_reason(fresh_store: Store) -> None:
    with pytest.raises(ValidationError, match="no words"):
        find_recurrences(fresh_store, "… and the …")


def test_scripts_without_spaces_and_cyrillic_are_matched_too(fresh_store: Store) -> None:
    ingest(
        fresh_store,
        {
            "zh": "新华社报道。中方坚决反对外部势力在哈萨克斯坦蓄意煽动“颜色革命”。会谈继续。",
            "zh decoy": "市场下跌。外部势力影响了股市。",
            "ru": "Китай решительно выступает против внешних сил, намеренно разжигающих "
            "«цветную революцию» в Казахстане.",
        },
    )
    zh = find_recurrences(fresh_store, "中国坚决反对外部势力蓄意在哈萨克斯坦煽动颜色革命")
    assert [h.document_title for h in zh] == ["zh"]
    assert zh[0].quote == "中方坚决反对外部势力在哈萨克斯坦蓄意煽动“颜色革命”。"
    ru = find_recurrences(
        fresh_store, "Китай решительно выступает против внешних сил, разжигающих цветную революцию"
    )
    assert [h.document_title for h in ru] == ["ru"]
