"""Comment threads: saved at once, in order, undoable, removed (and restored) with their span."""

from __future__ import annotations

import pytest
from test_store_annotations import add_document, tag

from annotator.core.errors import ValidationError
from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.core.store.comments import MAX_COMMENT_CHARS


@pytest.fixture
def doc(fresh_store: Store) -> DocumentId:
    return add_document(fresh_store)


def test_a_thread_keeps_replies_in_order_with_author_and_time(
    fresh_store: Store, doc: DocumentId
) -> None:
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    olga = Session(fresh_store, fresh_store.ensure_analyst("Olga"))
    claim = tag(ana, doc, "Claim", 0, 6)
    first, change = olga.add_comment(claim.id, "  Is this the headline?  ")
    assert change.threads == {claim.id} and change.document_id == doc
    ana.add_comment(claim.id, "Yes — the kicker.")
    thread = fresh_store.comments.thread(claim.id)
    assert [(c.author_id, c.body) for c in thread] == [
        (olga.analyst.id, "Is this the headline?"),
        (ana.analyst.id, "Yes — the kicker."),
    ]
    assert thread[0] == first and first.created <= thread[1].created
    assert fresh_store.comments.counts_for_document(doc) == {claim.id: 2}


def test_empty_or_huge_comments_are_refused(fresh_store: Store, doc: DocumentId) -> None:
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim = tag(ana, doc, "Claim", 0, 6)
    with pytest.raises(ValidationError, match="cannot be empty"):
        ana.add_comment(claim.id, " \n ")
    with pytest.raises(ValidationError, match="at most"):
        ana.add_comment(claim.id, "x" * (MAX_COMMENT_CHARS + 1))
    assert fresh_store.comments.thread(claim.id) == []


def test_only_the_author_deletes_a_comment_and_undo_brings_it_back(
    fresh_store: Store, doc: DocumentId
) -> None:
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    olga = Session(fresh_store, fresh_store.ensure_analyst("Olga"))
    claim = tag(ana, doc, "Claim", 0, 6)
    comment, _ = olga.add_comment(claim.id, "Check the source")
    with pytest.raises(ValidationError, match="Only the author"):
        ana.delete_comment(comment.id)
    olga.delete_comment(comment.id)
    assert fresh_store.comments.thread(claim.id) == []
    change = olga.undo()
    assert change is not None and change.threads == {claim.id}
    assert fresh_store.comments.thread(claim.id) == [comment]


def test_deleting_an_annotation_removes_its_thread_and_undo_restores_it(
    fresh_store: Store, doc: DocumentId
) -> None:
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim = tag(ana, doc, "Claim", 0, 6)
    comment, _ = ana.add_comment(claim.id, "Keep?")
    ana.delete_annotation(claim.id)
    assert fresh_store.conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 0
    # Removed explicitly, so history has it (the cascade would leave no trace).
    assert [e.action for e in fresh_store.history(entity_id=comment.id)] == ["create", "delete"]
    ana.undo()
    assert fresh_store.comments.thread(claim.id) == [comment]


def test_undo_of_a_comment_is_refused_once_it_was_changed_elsewhere(
    fresh_store: Store, doc: DocumentId
) -> None:
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim = tag(ana, doc, "Claim", 0, 6)
    comment, _ = ana.add_comment(claim.id, "First")
    fresh_store.conn.execute("UPDATE comments SET body = 'edited elsewhere'")
    with pytest.raises(ValidationError, match="comment was changed since"):
        ana.undo()
    assert [c.body for c in fresh_store.comments.thread(claim.id)] == ["edited elsewhere"]
    assert comment.id == fresh_store.comments.thread(claim.id)[0].id


def test_undoing_a_tag_that_a_colleague_commented_on_is_refused_keeping_the_comment(
    fresh_store: Store, doc: DocumentId
) -> None:
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    olga = Session(fresh_store, fresh_store.ensure_analyst("Olga"))
    claim = tag(ana, doc, "Claim", 0, 6)
    comment, _ = olga.add_comment(claim.id, "Why this one?")
    with pytest.raises(ValidationError, match="has comments since"):
        ana.undo()
    assert fresh_store.annotations.get(claim.id) == claim
    assert fresh_store.comments.thread(claim.id) == [comment]
