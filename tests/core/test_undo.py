"""Undo and redo in the data layer: every step saved, replayable after a restart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_store_annotations import TEXT, add_document, label, tag

from annotator.core import ops
from annotator.core.errors import ValidationError
from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.store import Store


@pytest.fixture
def doc(fresh_store: Store) -> DocumentId:
    return add_document(fresh_store)


@pytest.fixture
def session(fresh_store: Store) -> Session:
    return Session(fresh_store, fresh_store.ensure_analyst("Ana"))


def quotes(session: Session, doc: DocumentId) -> list[str]:
    return [a.quote for a in session.store.annotations.for_document(doc)]


def test_undo_and_redo_a_creation(session: Session, doc: DocumentId) -> None:
    ann = tag(session, doc, "Claim", 0, 6)
    assert session.undo_description() == "Tag “Global” as Claim"
    change = session.undo()
    assert change is not None and change.removed == {ann.id} and change.document_id == doc
    assert quotes(session, doc) == []
    change = session.redo()
    assert change is not None and change.touched == {ann.id}
    assert session.store.annotations.get(ann.id) == ann  # same id, same times


def test_undo_restores_every_field_of_an_update(session: Session, doc: DocumentId) -> None:
    ann = tag(session, doc, "Claim", 0, 6, sentiment="negative")
    session.update_annotation(
        ann.id, label_id=label(session.store, "Target"), end=12, sentiment=None, note="n"
    )
    session.undo()
    assert session.store.annotations.get(ann.id) == ann


def test_undo_of_a_delete_brings_back_the_links_on_both_sides(
    session: Session, doc: DocumentId
) -> None:
    claim = tag(session, doc, "Claim", 15, 50)
    start = TEXT.index("Wei Fenghe")
    speaker = tag(session, doc, "Speaker", start, start + 10)
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    before = session.store.annotations.links_for_document(doc)
    session.delete_annotation(speaker.id)
    assert session.store.annotations.links_for_document(doc) == []
    change = session.undo()
    assert change is not None and change.links
    assert session.store.annotations.links_for_document(doc) == before


def test_a_new_action_discards_the_redo_steps(session: Session, doc: DocumentId) -> None:
    tag(session, doc, "Claim", 0, 6)
    session.undo()
    assert session.redo_description() is not None
    tag(session, doc, "Claim", 7, 12)
    assert session.redo_description() is None
    assert session.redo() is None


def test_undo_order_is_newest_first_and_redo_oldest_first(
    session: Session, doc: DocumentId
) -> None:
    tag(session, doc, "Claim", 0, 6)
    tag(session, doc, "Claim", 7, 12)
    tag(session, doc, "Claim", 15, 20)
    session.undo()
    session.undo()
    assert quotes(session, doc) == [TEXT[0:6]]
    session.redo()
    assert quotes(session, doc) == [TEXT[0:6], TEXT[7:12]]


def test_undo_survives_a_restart(db_path: Path) -> None:
    with Store.open(db_path) as store:
        doc = add_document(store)
        session = Session(store, store.ensure_analyst("Ana"))
        tag(session, doc, "Claim", 0, 6)
        tag(session, doc, "Claim", 7, 12)
        session.undo()
    with Store.open(db_path) as store:
        session = Session(store, store.ensure_analyst("Ana"))
        assert session.redo_description() == f"Tag “{TEXT[7:12]}” as Claim"
        session.undo()
        assert store.annotations.for_document(doc) == []
        session.redo()
        session.redo()
        assert [a.quote for a in store.annotations.for_document(doc)] == [TEXT[0:6], TEXT[7:12]]


def test_each_analyst_undoes_only_their_own_steps(fresh_store: Store, doc: DocumentId) -> None:
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    ben = Session(fresh_store, fresh_store.ensure_analyst("Ben"))
    tag(ana, doc, "Claim", 0, 6)
    tag(ben, doc, "Claim", 7, 12)
    ana.undo()
    assert quotes(ana, doc) == [TEXT[7:12]]


def test_a_step_that_can_no_longer_be_replayed_is_reported_and_dropped(
    fresh_store: Store, doc: DocumentId
) -> None:
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    ben = Session(fresh_store, fresh_store.ensure_analyst("Ben"))
    ann = tag(ana, doc, "Claim", 0, 6)
    ben.delete_annotation(ann.id)
    with pytest.raises(ValidationError, match="Cannot undo"):
        ana.undo()
    assert ana.undo_description() is None


def test_undo_steps_are_recorded_in_history(session: Session, doc: DocumentId) -> None:
    ann = tag(session, doc, "Claim", 0, 6)
    session.undo()
    session.redo()
    actions = [e.action for e in session.store.history(entity_id=ann.id)]
    assert actions == ["create", "delete", "create"]


def test_undo_refuses_to_overwrite_a_colleagues_later_edit(
    fresh_store: Store, doc: DocumentId
) -> None:
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    ben = Session(fresh_store, fresh_store.ensure_analyst("Ben"))
    ann = tag(ana, doc, "Claim", 0, 6)
    ana.update_annotation(ann.id, note="Ana's note")
    ben.update_annotation(ann.id, sentiment="negative", note="Ben's note")
    with pytest.raises(ValidationError, match="changed since"):
        ana.undo()
    kept = fresh_store.annotations.get(ann.id)
    assert (kept.sentiment, kept.note) == ("negative", "Ben's note")


def test_redo_does_not_bring_back_what_a_colleague_deleted(
    fresh_store: Store, doc: DocumentId
) -> None:
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    ben = Session(fresh_store, fresh_store.ensure_analyst("Ben"))
    ann = tag(ana, doc, "Claim", 0, 6)
    ana.update_annotation(ann.id, note="n")
    ana.undo()
    ben.delete_annotation(ann.id)
    with pytest.raises(ValidationError, match="deleted since"):
        ana.redo()
    assert fresh_store.annotations.find(ann.id) is None


def test_deleting_a_linked_span_records_the_links_and_undo_restores_them(
    fresh_store: Store, doc: DocumentId
) -> None:
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    ben = Session(fresh_store, fresh_store.ensure_analyst("Ben"))
    claim = tag(ana, doc, "Claim", 15, 50)
    start = TEXT.index("Wei Fenghe")
    speaker = tag(ben, doc, "Speaker", start, start + 10)
    ana.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    link = fresh_store.annotations.links_for_document(doc)[0]
    ben.delete_annotation(speaker.id)
    assert [e.action for e in fresh_store.history(entity_id=link.id)] == ["create", "delete"]
    ben.undo()
    assert fresh_store.annotations.links_for_document(doc) == [link]


def test_undoing_a_span_a_colleague_linked_to_is_refused(
    fresh_store: Store, doc: DocumentId
) -> None:
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    ben = Session(fresh_store, fresh_store.ensure_analyst("Ben"))
    start = TEXT.index("Wei Fenghe")
    speaker = tag(ben, doc, "Speaker", start, start + 10)
    claim = tag(ana, doc, "Claim", 15, 50)
    ana.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    with pytest.raises(ValidationError, match="linked"):
        ben.undo()  # would silently cascade-delete Ana's link
    assert len(fresh_store.annotations.links_for_document(doc)) == 1


def test_relabelling_drops_links_and_names_the_new_role_cannot_carry(
    session: Session, doc: DocumentId
) -> None:
    store = session.store
    claim = tag(session, doc, "Claim", 15, 50)
    start = TEXT.index("Wei Fenghe")
    speaker = tag(session, doc, "Speaker", start, start + 10, speaker_name="Wei Fenghe")
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    session.update_annotation(speaker.id, label_id=label(store, "Target"))
    relabelled = store.annotations.get(speaker.id)
    assert relabelled.speaker_name is None
    assert store.annotations.links_for_document(doc) == []  # a said_by must point at a speaker
    session.undo()
    assert store.annotations.get(speaker.id).speaker_name == "Wei Fenghe"
    assert [lk.target_id for lk in store.annotations.links_for_document(doc)] == [speaker.id]


def _logged_steps(store: Store) -> list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    rows = store.conn.execute("SELECT forward, inverse FROM undo_log ORDER BY seq").fetchall()
    return [(json.loads(forward), json.loads(inverse)) for forward, inverse in rows]


def test_every_kind_of_operation_is_logged_as_before_and_read_back_as_itself(
    fresh_store: Store, session: Session, doc: DocumentId
) -> None:
    from test_review import compare_layers, state

    claim = tag(session, doc, "Claim", 15, 50)
    start = TEXT.index("Wei Fenghe")
    speaker = tag(session, doc, "Speaker", start, start + 10)
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    session.add_comment(claim.id, "check this")
    olga = Session(fresh_store, fresh_store.ensure_analyst("Olga"))
    tag(olga, doc, "Claim", 15, 50, sentiment="positive")
    s = state(fresh_store, doc)
    item = next(i for i in compare_layers(s, session.analyst.id, olga.analyst.id) if i.start == 15)
    session.review(
        s, [(item, "first")], first_layer=session.analyst.id, second_layer=olga.analyst.id
    )
    session.delete_annotation(claim.id)
    logged = [op for forward, inverse in _logged_steps(fresh_store) for op in forward + inverse]
    # The undo log's format is part of the project file: steps saved by earlier releases replay.
    assert {op["op"] for op in logged} == {
        "put", "remove", "put_link", "remove_link", "put_comment", "remove_comment",
        "put_decision", "remove_decision",
    }  # fmt: skip
    shapes = {op["op"]: sorted(op) for op in logged}
    assert shapes["put"] == ["annotation", "op"] and shapes["remove"] == ["id", "op"]
    assert shapes["put_link"] == ["link", "op"] and shapes["put_comment"] == ["comment", "op"]
    assert shapes["put_decision"] == ["decision", "op"]
    for data in logged:
        op = ops.from_json(data)
        assert data["op"] == type(op).KIND and op.to_json() == data


def test_an_unknown_operation_in_the_log_is_named(session: Session) -> None:
    with pytest.raises(ValueError, match="unknown undo operation 'rename'"):
        ops.from_json({"op": "rename", "id": "x"})


def test_undo_checks_every_kind_of_row_it_would_overwrite(
    fresh_store: Store, session: Session, doc: DocumentId
) -> None:
    # A comment removed by someone else since: undoing its creation must not run blind.
    claim = tag(session, doc, "Claim", 15, 50)
    comment, _change = session.add_comment(claim.id, "first thought")
    fresh_store.comments.remove(comment.id, analyst_id=None)
    with pytest.raises(ValidationError, match="a comment was changed since"):
        session.undo()
    assert session.undo_description() == f"Tag “{TEXT[15:50]}” as Claim"  # the step was dropped
