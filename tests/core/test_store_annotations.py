"""Annotations and links: offsets, anchoring context, validation, history, one transaction each."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.core.errors import ValidationError
from annotator.core.importing import ExtractedDocument, ImportReport
from annotator.core.records import AnalystId, DocumentId
from annotator.core.store import Store, history

TEXT = (
    "Global Times – China firmly opposes external forces, said Wei Fenghe on Monday. "
    "Tokayev said Kazakhstan 🇰🇿 values the partnership with China."
)


def _document(store: Store, text: str = TEXT) -> DocumentId:
    report = ImportReport(
        source="x.txt",
        format="text",
        encoding="utf-8",
        encoding_detected=False,
        repairs=[],
        warnings=[],
    )
    extracted = ExtractedDocument(
        source=Path("x.txt"), title="T", text=text, published=None, report=report
    )
    summary, _ = store.documents.add(extracted, analyst_id=None)
    return summary.id


@pytest.fixture
def setup(fresh_store: Store) -> tuple[Store, DocumentId, AnalystId]:
    return fresh_store, _document(fresh_store), fresh_store.ensure_analyst("Ana").id


def _label(store: Store, name: str) -> str:
    return store.codebook.get().by_name(name).id


def test_create_stores_code_point_offsets_quote_and_32_chars_of_context(setup) -> None:  # type: ignore[no-untyped-def]
    store, doc, ana = setup
    start = TEXT.index("Wei Fenghe")
    ann = store.annotations.create(
        document_id=doc,
        analyst_id=ana,
        label_id=_label(store, "Speaker"),
        start=start,
        end=start + len("Wei Fenghe"),
        speaker_name="Wei Fenghe",
    )
    stored = store.annotations.get(ann.id)
    assert stored.quote == "Wei Fenghe"
    assert stored.prefix == TEXT[start - 32 : start]
    assert len(stored.prefix) == 32
    assert stored.suffix == TEXT[stored.end : stored.end + 32]
    assert stored.speaker_name == "Wei Fenghe"


def test_offsets_after_astral_characters_are_code_points(setup) -> None:  # type: ignore[no-untyped-def]
    store, doc, ana = setup
    start = TEXT.index("values")  # after the flag emoji (two astral code points)
    ann = store.annotations.create(
        document_id=doc,
        analyst_id=ana,
        label_id=_label(store, "Claim"),
        start=start,
        end=start + 6,
    )
    assert ann.quote == "values"
    assert "🇰🇿 " in ann.prefix


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (9, 4), (0, len(TEXT) + 1)])
def test_spans_outside_the_text_or_empty_are_refused(setup, start: int, end: int) -> None:  # type: ignore[no-untyped-def]
    store, doc, ana = setup
    with pytest.raises(ValidationError, match="outside the document"):
        store.annotations.create(
            document_id=doc, analyst_id=ana, label_id=_label(store, "Claim"), start=start, end=end
        )
    assert store.annotations.for_document(doc) == []


def test_sentiment_must_come_from_the_codebook(setup) -> None:  # type: ignore[no-untyped-def]
    store, doc, ana = setup
    with pytest.raises(ValidationError, match="not in the codebook"):
        store.annotations.create(
            document_id=doc,
            analyst_id=ana,
            label_id=_label(store, "Claim"),
            start=0,
            end=6,
            sentiment="furious",
        )
    ann = store.annotations.create(
        document_id=doc,
        analyst_id=ana,
        label_id=_label(store, "Claim"),
        start=0,
        end=6,
        sentiment="negative",
    )
    assert ann.sentiment == "negative"


def test_canonical_name_only_on_speaker_spans(setup) -> None:  # type: ignore[no-untyped-def]
    store, doc, ana = setup
    with pytest.raises(ValidationError, match="speaker"):
        store.annotations.create(
            document_id=doc,
            analyst_id=ana,
            label_id=_label(store, "Claim"),
            start=0,
            end=6,
            speaker_name="Wei",
        )


def test_update_and_delete_are_recorded_in_history_with_before_and_after(setup) -> None:  # type: ignore[no-untyped-def]
    store, doc, ana = setup
    ann = store.annotations.create(
        document_id=doc, analyst_id=ana, label_id=_label(store, "Claim"), start=0, end=6
    )
    updated = store.annotations.update(ann.id, analyst_id=ana, end=12, note="headline")
    assert updated.quote == TEXT[0:12]
    store.annotations.delete(ann.id, analyst_id=ana)
    entries = store.history(entity_id=ann.id)
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[1].before is not None and entries[1].before["end"] == 6
    assert entries[1].after is not None and entries[1].after["note"] == "headline"
    assert entries[2].before is not None and entries[2].before["quote"] == TEXT[0:12]
    assert all(e.analyst_id == ana for e in entries)


def test_history_is_append_only(setup) -> None:  # type: ignore[no-untyped-def]
    store, doc, ana = setup
    store.annotations.create(
        document_id=doc, analyst_id=ana, label_id=_label(store, "Claim"), start=0, end=6
    )
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE history SET action = 'forged'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM history")


def test_a_failing_action_leaves_nothing_behind(setup, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    store, doc, ana = setup

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk unplugged")

    monkeypatch.setattr(history, "record", boom)
    with pytest.raises(OSError):
        store.annotations.create(
            document_id=doc, analyst_id=ana, label_id=_label(store, "Claim"), start=0, end=6
        )
    assert store.annotations.for_document(doc) == []
    assert not store.conn.in_transaction


def test_committed_annotation_is_visible_to_another_connection(setup, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, doc, ana = setup
    ann = store.annotations.create(
        document_id=doc, analyst_id=ana, label_id=_label(store, "Claim"), start=0, end=6
    )
    other = sqlite3.connect(db_path)
    assert other.execute("SELECT quote FROM annotations WHERE id = ?", [ann.id]).fetchone() == (
        TEXT[0:6],
    )
    other.close()


def test_claims_link_to_speaker_and_target_spans_or_names(setup) -> None:  # type: ignore[no-untyped-def]
    store, doc, ana = setup
    claim = store.annotations.create(
        document_id=doc, analyst_id=ana, label_id=_label(store, "Claim"), start=15, end=50
    )
    start = TEXT.index("Wei Fenghe")
    speaker = store.annotations.create(
        document_id=doc,
        analyst_id=ana,
        label_id=_label(store, "Speaker"),
        start=start,
        end=start + 10,
    )
    said = store.annotations.link(
        source_id=claim.id, kind="said_by", target_id=speaker.id, analyst_id=ana
    )
    about = store.annotations.link(
        source_id=claim.id, kind="about", name="  Kazakhstan ", analyst_id=ana
    )
    assert about.name == "Kazakhstan"
    assert {link.id for link in store.annotations.links_for_document(doc)} == {said.id, about.id}
    with pytest.raises(ValidationError, match="speaker span"):
        store.annotations.link(
            source_id=claim.id, kind="said_by", target_id=claim.id, analyst_id=ana
        )
    with pytest.raises(ValidationError, match="Only claims"):
        store.annotations.link(source_id=speaker.id, kind="about", name="X", analyst_id=ana)
    store.annotations.delete(speaker.id, analyst_id=ana)
    assert [link.id for link in store.annotations.links_for_document(doc)] == [about.id]


def test_document_text_never_changes_after_import(setup) -> None:  # type: ignore[no-untyped-def]
    store, doc, _ = setup
    with pytest.raises(sqlite3.DatabaseError, match="never changes"):
        store.conn.execute("UPDATE documents SET text = 'rewritten' WHERE id = ?", [doc])
    assert store.documents.get(doc).text == TEXT
