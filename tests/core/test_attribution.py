"""DocumentAnnotations: who said each claim and what it is about, kept current without reloads."""

from __future__ import annotations

import pytest
from test_store_annotations import TEXT, add_document, tag

from annotator.core.attribution import DocumentAnnotations
from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.store import Store


@pytest.fixture
def doc(fresh_store: Store) -> DocumentId:
    return add_document(fresh_store)


@pytest.fixture
def session(fresh_store: Store) -> Session:
    return Session(fresh_store, fresh_store.ensure_analyst("Ana"))


def span(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def loaded(session: Session, doc: DocumentId) -> DocumentAnnotations:
    store = session.store
    return DocumentAnnotations(
        store.annotations.for_document(doc),
        store.annotations.links_for_document(doc),
        store.codebook.get(),
    )


def test_speaker_of_uses_the_canonical_name_then_the_quote_then_a_typed_name(
    session: Session, doc: DocumentId
) -> None:
    claim = tag(session, doc, "Claim", *span("China firmly opposes external forces"))
    other = tag(session, doc, "Claim", *span("Kazakhstan"))
    third = tag(session, doc, "Claim", *span("values the partnership"))
    wei = tag(session, doc, "Speaker", *span("Wei Fenghe"), speaker_name="General Wei Fenghe")
    tokayev = tag(session, doc, "Speaker", *span("Tokayev"))
    session.set_link(source_id=claim.id, kind="said_by", target_id=wei.id)
    session.set_link(source_id=other.id, kind="said_by", target_id=tokayev.id)
    session.set_link(source_id=third.id, kind="said_by", name="Xinhua")

    state = loaded(session, doc)

    assert state.speaker_of(claim.id) == "General Wei Fenghe"
    assert state.speaker_of(other.id) == "Tokayev"
    assert state.speaker_of(third.id) == "Xinhua"
    assert state.speaker_of(wei.id) == ""
    assert state.canonical_name(wei) == "General Wei Fenghe"
    assert state.canonical_name(tokayev) == "Tokayev"
    link = state.link_of(claim.id, "said_by")
    assert link is not None and link.target_id == wei.id
    assert state.link_of(claim.id, "about") is None


def test_target_of_uses_the_target_quote_or_a_typed_name(session: Session, doc: DocumentId) -> None:
    claim = tag(session, doc, "Claim", *span("values the partnership"))
    other = tag(session, doc, "Claim", *span("firmly opposes"))
    kazakhstan = tag(session, doc, "Target", *span("Kazakhstan"))
    session.set_link(source_id=claim.id, kind="about", target_id=kazakhstan.id)
    session.set_link(source_id=other.id, kind="about", name="External forces")

    state = loaded(session, doc)

    assert state.target_of(claim.id) == "Kazakhstan"
    assert state.target_of(other.id) == "External forces"
    assert state.speaker_of(claim.id) == ""


def test_spans_with_role_are_sorted_by_start(session: Session, doc: DocumentId) -> None:
    later = tag(session, doc, "Speaker", *span("Tokayev"))
    earlier = tag(session, doc, "Speaker", *span("Wei Fenghe"))
    tag(session, doc, "Claim", *span("Global Times"))
    target = tag(session, doc, "Target", *span("China firmly"))

    state = loaded(session, doc)

    assert [a.id for a in state.spans_with_role("speaker")] == [earlier.id, later.id]
    assert [a.id for a in state.spans_with_role("target")] == [target.id]
    assert [a.quote for a in state.all()] == [
        "Global Times",
        "China firmly",
        "Wei Fenghe",
        "Tokayev",
    ]


def test_upsert_remove_and_set_links_keep_it_current_after_changes(
    session: Session, doc: DocumentId
) -> None:
    claim = tag(session, doc, "Claim", *span("values the partnership"))
    state = loaded(session, doc)
    assert state.speaker_of(claim.id) == ""

    speaker = tag(session, doc, "Speaker", *span("Tokayev"))
    state.upsert(speaker)
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    state.set_links(session.store.annotations.links_for_document(doc))
    assert state.speaker_of(claim.id) == "Tokayev"

    session.update_annotation(speaker.id, speaker_name="Kassym-Jomart Tokayev")
    state.upsert(session.store.annotations.get(speaker.id))
    assert state.speaker_of(claim.id) == "Kassym-Jomart Tokayev"
    assert state.get(speaker.id) is not None

    state.remove(speaker.id)  # the store's cascade removes its links too
    assert state.get(speaker.id) is None
    assert state.link_of(claim.id, "said_by") is None
    assert state.speaker_of(claim.id) == ""
    assert state.spans_with_role("speaker") == []


def test_set_links_replaces_every_link(session: Session, doc: DocumentId) -> None:
    claim = tag(session, doc, "Claim", *span("values the partnership"))
    session.set_link(source_id=claim.id, kind="said_by", name="Tokayev")
    state = loaded(session, doc)
    assert state.speaker_of(claim.id) == "Tokayev"

    session.set_link(source_id=claim.id, kind="said_by")  # cleared
    state.set_links(session.store.annotations.links_for_document(doc))

    assert state.link_of(claim.id, "said_by") is None
    assert state.speaker_of(claim.id) == ""
