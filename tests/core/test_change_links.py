"""A Change says which links it added and removed, so views take a step in without re-reading a
document's links: DocumentAnnotations.take and ProjectNames.take, kept in step with the project
through adds, deletes, relinks, renames, undo and redo."""

from __future__ import annotations

import pytest
from test_store_annotations import TEXT, add_document, tag
from test_store_indexes import plans_of

from annotator.core.attribution import DocumentAnnotations, ProjectNames
from annotator.core.records import DocumentId
from annotator.core.session import Change, Session
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


def loaded(store: Store, doc: DocumentId) -> DocumentAnnotations:
    return DocumentAnnotations(
        store.annotations.for_document(doc),
        store.annotations.links_for_document(doc),
        store.codebook.get(),
    )


class Follower:
    """What the window keeps: the state and the names, taken in change by change."""

    def __init__(self, store: Store, doc: DocumentId) -> None:
        self.store = store
        self.doc = doc
        self.state = loaded(store, doc)
        self.names = ProjectNames(store.annotations.speaker_names(), store.annotations.name_in_use)
        self.relinked: set[str] = set()

    def take(self, change: Change | None) -> None:
        assert change is not None
        before = [
            a for a in map(self.state.get, [*change.removed, *change.touched]) if a is not None
        ]
        touched = [self.store.annotations.get(aid) for aid in change.touched]
        self.relinked = set(
            self.state.take(
                removed=change.removed,
                touched=touched,
                links_removed=change.links_removed,
                links_added=change.links_added,
            )
        )
        self.names.take(
            before=before,
            after=touched,
            links_removed=change.links_removed,
            links_added=change.links_added,
        )
        self.check()

    def check(self) -> None:
        fresh = loaded(self.store, self.doc)
        assert self.state.all() == fresh.all()
        by_id = sorted(self.state.links(), key=lambda link: link.id)
        assert by_id == sorted(fresh.links(), key=lambda link: link.id)
        for annotation in fresh.all():
            assert self.state.claims_linked_to(annotation.id) == fresh.claims_linked_to(
                annotation.id
            )
        assert self.names.names() == self.store.annotations.speaker_names()


def test_a_delete_names_the_links_it_removed_and_its_undo_the_links_it_put_back(
    session: Session, doc: DocumentId
) -> None:
    claim = tag(session, doc, "Claim", *span("China firmly opposes"))
    wei = tag(session, doc, "Speaker", *span("Wei Fenghe"))
    link_change = session.set_link(source_id=claim.id, kind="said_by", target_id=wei.id)
    (link,) = link_change.links_added
    assert link_change.links_removed == () and link_change.links

    deleted = session.delete_annotation(wei.id)
    assert deleted.links_removed == (link,) and deleted.links_added == ()
    assert deleted.removed == {wei.id}

    undone = session.undo()
    assert undone is not None and undone.links_added == (link,) and undone.links_removed == ()

    untagged = tag(session, doc, "Claim", *span("Kazakhstan"))
    plain = session.delete_annotation(untagged.id)
    assert not plain.links and plain.links_added == plain.links_removed == ()


def test_relinking_names_the_old_link_removed_and_the_new_one_added(
    session: Session, doc: DocumentId
) -> None:
    claim = tag(session, doc, "Claim", *span("China firmly opposes"))
    first = session.set_link(source_id=claim.id, kind="said_by", name="Xinhua")
    second = session.set_link(source_id=claim.id, kind="said_by", name="Reuters")
    assert second.links_removed == first.links_added
    assert [link.name for link in second.links_added] == ["Reuters"]
    cleared = session.set_link(source_id=claim.id, kind="said_by")
    assert cleared.links_removed == second.links_added and cleared.links_added == ()


def test_taking_changes_in_matches_the_project_read_afresh_through_undo_and_redo(
    session: Session, doc: DocumentId, fresh_store: Store
) -> None:
    other_doc = add_document(fresh_store, "Xinhua reported the meeting. " * 3)
    elsewhere = tag(session, other_doc, "Speaker", 0, 6, speaker_name="Xinhua")
    follower = Follower(fresh_store, doc)
    follower.check()

    def create(name: str, words: str, **kw: object):  # type: ignore[no-untyped-def]
        annotation, change = session.create_annotation(
            document_id=doc,
            label_id=fresh_store.codebook.get().by_name(name).id,
            start=span(words)[0],
            end=span(words)[1],
            **kw,  # type: ignore[arg-type]
        )
        follower.take(change)
        follower.take(session.undo())
        follower.take(session.redo())
        return annotation

    claim_a = create("Claim", "China firmly opposes")
    claim_b = create("Claim", "Kazakhstan")
    wei = create("Speaker", "Wei Fenghe", speaker_name="General Wei")
    target = create("Target", "external forces")

    follower.take(session.set_link(source_id=claim_a.id, kind="said_by", target_id=wei.id))
    assert follower.relinked == {claim_a.id}
    follower.take(session.set_link(source_id=claim_b.id, kind="said_by", target_id=wei.id))
    follower.take(session.set_link(source_id=claim_a.id, kind="about", target_id=target.id))
    follower.take(session.set_link(source_id=claim_b.id, kind="about", name="Xinhua"))
    assert "Xinhua" in follower.names.names() and "General Wei" in follower.names.names()

    # A rename reaches the claims the speaker said, found through the links.
    follower.take(session.update_annotation(wei.id, speaker_name="Wei Fenghe, minister"))
    assert follower.relinked == {claim_a.id, claim_b.id}
    assert "General Wei" not in follower.names.names()
    follower.take(session.undo())
    assert follower.relinked == {claim_a.id, claim_b.id}
    assert "General Wei" in follower.names.names()

    # Deleting the speaker takes its links (and its name) with it; undo brings all back.
    follower.take(session.delete_annotation(wei.id))
    assert follower.relinked == {claim_a.id, claim_b.id}
    assert follower.state.speaker_of(claim_a.id) == ""
    assert "General Wei" not in follower.names.names()
    follower.take(session.undo())
    assert follower.state.speaker_of(claim_a.id) == "General Wei"

    # A typed name another document uses stays offered when this one stops using it.
    follower.take(session.delete_annotation(claim_b.id))
    assert "Xinhua" in follower.names.names()
    assert elsewhere.speaker_name == "Xinhua"

    # A relabel that makes the target a claim drops the link to it in the same step.
    claim_label = fresh_store.codebook.get().by_name("Claim").id
    follower.take(session.update_annotation(target.id, label_id=claim_label))
    assert follower.relinked == {claim_a.id}
    assert follower.state.target_of(claim_a.id) == ""
    follower.take(session.undo())
    assert follower.state.target_of(claim_a.id) == "external forces"


def test_a_name_no_longer_used_anywhere_is_dropped(session: Session, doc: DocumentId) -> None:
    claim = tag(session, doc, "Claim", *span("China firmly opposes"))
    follower = Follower(session.store, doc)
    follower.take(session.set_link(source_id=claim.id, kind="said_by", name="Xinhua"))
    assert follower.names.names() == ["Xinhua"]
    follower.take(session.set_link(source_id=claim.id, kind="said_by", name="Reuters"))
    assert follower.names.names() == ["Reuters"]
    follower.take(session.undo())
    assert follower.names.names() == ["Xinhua"]


def test_whether_a_name_is_in_use_is_looked_up_in_the_name_indexes(fresh_store: Store) -> None:
    shown = plans_of(fresh_store, lambda: fresh_store.annotations.name_in_use("Xinhua"))
    assert "COVERING INDEX annotations_by_speaker_name" in shown, shown
    assert "COVERING INDEX links_by_name" in shown, shown
