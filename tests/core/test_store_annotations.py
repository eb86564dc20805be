"""Annotations and links: offsets, anchoring context, validation, history, one transaction each."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.core.errors import ValidationError
from annotator.core.importing import ExtractedDocument, ImportReport
from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.store import Store, history

TEXT = (
    "Global Times – China firmly opposes external forces, said Wei Fenghe on Monday. "
    "Tokayev said Kazakhstan 🇰🇿 values the partnership with China."
)


def add_document(store: Store, text: str = TEXT) -> DocumentId:
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
def doc(fresh_store: Store) -> DocumentId:
    return add_document(fresh_store)


@pytest.fixture
def session(fresh_store: Store) -> Session:
    return Session(fresh_store, fresh_store.ensure_analyst("Ana"))


def label(store: Store, name: str) -> str:
    return store.codebook.get().by_name(name).id


def tag(session: Session, doc: DocumentId, name: str, start: int, end: int, **kw: object):  # type: ignore[no-untyped-def]
    annotation, _ = session.create_annotation(
        document_id=doc,
        label_id=label(session.store, name),
        start=start,
        end=end,
        **kw,  # type: ignore[arg-type]
    )
    return annotation


def test_create_stores_code_point_offsets_quote_and_32_chars_of_context(
    session: Session, doc: DocumentId
) -> None:
    start = TEXT.index("Wei Fenghe")
    ann = tag(session, doc, "Speaker", start, start + 10, speaker_name=" Wei  Fenghe ")
    stored = session.store.annotations.get(ann.id)
    assert stored.quote == "Wei Fenghe"
    assert stored.prefix == TEXT[start - 32 : start]
    assert len(stored.prefix) == 32
    assert stored.suffix == TEXT[stored.end : stored.end + 32]
    assert stored.speaker_name == "Wei Fenghe"
    assert stored.analyst_id == session.analyst.id


def test_offsets_after_astral_characters_are_code_points(session: Session, doc: DocumentId) -> None:
    start = TEXT.index("values")  # after the flag emoji (two astral code points)
    ann = tag(session, doc, "Claim", start, start + 6)
    assert ann.quote == "values"
    assert "🇰🇿 " in ann.prefix


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (9, 4), (0, len(TEXT) + 1)])
def test_spans_outside_the_text_or_empty_are_refused(
    session: Session, doc: DocumentId, start: int, end: int
) -> None:
    with pytest.raises(ValidationError, match="outside the document"):
        tag(session, doc, "Claim", start, end)
    assert session.store.annotations.for_document(doc) == []


def test_sentiment_must_come_from_the_codebook(session: Session, doc: DocumentId) -> None:
    with pytest.raises(ValidationError, match="not in the codebook"):
        tag(session, doc, "Claim", 0, 6, sentiment="furious")
    assert tag(session, doc, "Claim", 0, 6, sentiment="negative").sentiment == "negative"


def test_canonical_name_only_on_speaker_spans(session: Session, doc: DocumentId) -> None:
    with pytest.raises(ValidationError, match="speaker"):
        tag(session, doc, "Claim", 0, 6, speaker_name="Wei")


def test_update_and_delete_are_recorded_in_history_with_before_and_after(
    session: Session, doc: DocumentId
) -> None:
    ann = tag(session, doc, "Claim", 0, 6)
    session.update_annotation(ann.id, end=12, note="headline")
    assert session.store.annotations.get(ann.id).quote == TEXT[0:12]
    session.delete_annotation(ann.id)
    entries = session.store.history(entity_id=ann.id)
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[1].before is not None and entries[1].before["end"] == 6
    assert entries[1].after is not None and entries[1].after["note"] == "headline"
    assert entries[2].before is not None and entries[2].before["quote"] == TEXT[0:12]
    assert all(e.analyst_id == session.analyst.id for e in entries)


def test_only_editable_fields_change(session: Session, doc: DocumentId) -> None:
    ann = tag(session, doc, "Claim", 0, 6)
    with pytest.raises(ValidationError, match="Cannot change document"):
        session.update_annotation(ann.id, document_id="elsewhere")


def test_history_is_append_only(session: Session, doc: DocumentId) -> None:
    tag(session, doc, "Claim", 0, 6)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        session.store.conn.execute("UPDATE history SET action = 'forged'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        session.store.conn.execute("DELETE FROM history")


def test_a_failing_action_leaves_nothing_behind(
    session: Session, doc: DocumentId, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk unplugged")

    monkeypatch.setattr(history, "record", boom)
    with pytest.raises(OSError):
        tag(session, doc, "Claim", 0, 6)
    assert session.store.annotations.for_document(doc) == []
    assert session.undo_description() is None
    assert not session.store.conn.in_transaction


def test_committed_annotation_is_visible_to_another_connection(
    session: Session, doc: DocumentId, db_path: Path
) -> None:
    ann = tag(session, doc, "Claim", 0, 6)
    other = sqlite3.connect(db_path)
    row = other.execute("SELECT quote FROM annotations WHERE id = ?", [ann.id]).fetchone()
    assert row == (TEXT[0:6],)
    other.close()


def test_claims_link_to_speaker_and_target_spans_or_names(
    session: Session, doc: DocumentId
) -> None:
    store = session.store
    claim = tag(session, doc, "Claim", 15, 50)
    start = TEXT.index("Wei Fenghe")
    speaker = tag(session, doc, "Speaker", start, start + 10)
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    session.set_link(source_id=claim.id, kind="about", name="  Kazakhstan ")
    links = {link.kind: link for link in store.annotations.links_for_document(doc)}
    assert links["said_by"].target_id == speaker.id
    assert links["about"].name == "Kazakhstan"
    assert "Kazakhstan" in store.annotations.speaker_names()
    with pytest.raises(ValidationError, match="speaker span"):
        session.set_link(source_id=claim.id, kind="said_by", target_id=claim.id)
    with pytest.raises(ValidationError, match="Only claims"):
        session.set_link(source_id=speaker.id, kind="about", name="X")
    # One speaker per claim: setting another replaces the first.
    session.set_link(source_id=claim.id, kind="said_by", name="Wei Fenghe")
    said = [lk for lk in store.annotations.links_for_document(doc) if lk.kind == "said_by"]
    assert [(lk.target_id, lk.name) for lk in said] == [(None, "Wei Fenghe")]
    session.delete_annotation(claim.id)
    assert store.annotations.links_for_document(doc) == []


def test_document_text_never_changes_after_import(fresh_store: Store, doc: DocumentId) -> None:
    with pytest.raises(sqlite3.DatabaseError, match="never changes"):
        fresh_store.conn.execute("UPDATE documents SET text = 'rewritten' WHERE id = ?", [doc])
    assert fresh_store.documents.get(doc).text == TEXT
