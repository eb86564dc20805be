"""DocumentAnnotations: who said each claim and what it is about, kept current without reloads."""

from __future__ import annotations

import pytest
from test_store_annotations import TEXT, add_document, tag

from annotator.core.attribution import (
    DocumentAnnotations,
    canonical_name,
    clean_name,
    entry_text,
)
from annotator.core.records import Annotation, AnnotationId, DocumentId
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


# -- the speaker-name rule and the lists built on it --------------------------------------------


def test_a_list_entry_is_the_quote_alone_unless_a_name_differs_from_it(
    session: Session, doc: DocumentId
) -> None:
    wei = tag(session, doc, "Speaker", *span("Wei Fenghe"), speaker_name="General Wei")
    tokayev = tag(session, doc, "Speaker", *span("Tokayev"), speaker_name=" Tokayev ")
    long = tag(session, doc, "Target", *span("China firmly opposes external forces, said Wei"))

    assert entry_text(wei) == "General Wei — “Wei Fenghe”"
    assert entry_text(tokayev) == "“Tokayev”"  # the name is its own words
    assert entry_text(long) == "“China firmly opposes external forces, sa…”"
    assert canonical_name(wei) == "General Wei" and canonical_name(long) == long.quote
    assert clean_name("  General \n Wei ") == "General Wei"
    assert clean_name(" \t") is None and clean_name(None) is None


def test_mentions_reading_alike_are_numbered_in_reading_order_and_found_by_entry(
    session: Session, doc: DocumentId
) -> None:
    text = "he said it. Then he said more. And he again."
    doc = add_document(session.store, text)
    state = DocumentAnnotations([], [], session.store.codebook.get())
    speakers = state.role_spans("speaker")
    seen: list[tuple[str, int, int]] = []
    state.watch(lambda e: seen.append((e.kind, e.first, e.last)))
    second = tag(session, doc, "Speaker", text.index("he said more"), text.index(" said more"))
    third = tag(session, doc, "Speaker", text.index("he again"), text.index(" again"))
    state.upsert(second)
    state.upsert(third)
    assert [speakers.entry(a.id) for a in speakers.spans()] == ["“he”", "“he” (2)"]

    first = tag(session, doc, "Speaker", 0, 2)
    state.upsert(first)  # reads like them, and comes first: the others' numbers move on

    assert [speakers.entry(a.id) for a in speakers.spans()] == ["“he”", "“he” (2)", "“he” (3)"]
    assert seen[2:] == [("inserted", 0, 0), ("changed", 1, 2)]
    assert speakers.find("“he” (3)") == third.id
    assert speakers.find("“he”") == first.id
    assert speakers.find("“he” (4)") is None and speakers.find("nobody") is None
    assert speakers.row_of(third.id) == 2 and speakers.row_of("unknown") is None

    state.upsert(updated(session, first.id, speaker_name="Li"))  # renamed: no longer alike
    assert [speakers.entry(a.id) for a in speakers.spans()] == ["Li — “he”", "“he”", "“he” (2)"]
    assert seen[4:] == [("changed", 0, 0), ("changed", 1, 2)]


def updated(session: Session, annotation_id: AnnotationId, **changes: object) -> Annotation:
    session.update_annotation(annotation_id, **changes)
    return session.store.annotations.get(annotation_id)


def test_role_lists_tell_watchers_each_row_inserted_removed_or_renamed(
    session: Session, doc: DocumentId
) -> None:
    tokayev = tag(session, doc, "Speaker", *span("Tokayev"))
    state = loaded(session, doc)
    speakers, targets = state.role_spans("speaker"), state.role_spans("target")
    seen: list[tuple[str, str, int, int]] = []
    state.watch(lambda e: seen.append((e.role, e.kind, e.first, e.last)))

    wei = tag(session, doc, "Speaker", *span("Wei Fenghe"))
    state.upsert(wei)  # before Tokayev in reading order
    assert seen == [("speaker", "inserted", 0, 0)]
    state.upsert(updated(session, wei.id, speaker_name="General Wei"))
    assert seen[1:] == [("speaker", "changed", 0, 0)]
    relabelled = updated(
        session, tokayev.id, label_id=session.store.codebook.get().by_name("Target").id
    )
    state.upsert(relabelled)
    assert seen[2:] == [("speaker", "removed", 1, 1), ("target", "inserted", 0, 0)]
    state.remove(wei.id)
    assert seen[4:] == [("speaker", "removed", 0, 0)]
    assert speakers.spans() == [] and [a.id for a in targets.spans()] == [tokayev.id]
    assert state.spans_with_role("target") == targets.spans()
