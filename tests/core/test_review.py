"""Review: two layers compared into disagreements; decisions fill the reviewed layer, undoably."""

from __future__ import annotations

import pytest
from test_store_annotations import TEXT, add_document, label, tag

from annotator.core.attribution import DocumentAnnotations
from annotator.core.errors import ValidationError
from annotator.core.records import REVIEWED_LAYER_ID, AnalystId, DocumentId
from annotator.core.review import Item, compare_layers, item_status
from annotator.core.session import Session
from annotator.core.store import Store

REVIEWED = AnalystId(REVIEWED_LAYER_ID)
WEI = TEXT.index("Wei Fenghe")
TOKAYEV = TEXT.index("Tokayev")


@pytest.fixture
def doc(fresh_store: Store) -> DocumentId:
    return add_document(fresh_store)


@pytest.fixture
def ana(fresh_store: Store) -> Session:
    return Session(fresh_store, fresh_store.ensure_analyst("Ana"))


@pytest.fixture
def olga(fresh_store: Store) -> Session:
    return Session(fresh_store, fresh_store.ensure_analyst("Olga"))


def state(store: Store, doc: DocumentId) -> DocumentAnnotations:
    return DocumentAnnotations(
        store.annotations.for_document(doc),
        store.annotations.links_for_document(doc),
        store.codebook.get(),
    )


def items(store: Store, doc: DocumentId, a: Session, b: Session | None = None) -> list[Item]:
    second = b.analyst.id if b else REVIEWED
    return compare_layers(state(store, doc), a.analyst.id, second)


def reviewed(store: Store, doc: DocumentId) -> list[tuple[int, int, str]]:
    codebook = store.codebook.get()
    return [
        (a.start, a.end, codebook.by_id(a.label_id).name)
        for a in store.annotations.for_document(doc)
        if a.analyst_id == REVIEWED
    ]


def test_every_kind_of_disagreement_is_found(
    fresh_store: Store, doc: DocumentId, ana: Session, olga: Session
) -> None:
    # agreed
    tag(ana, doc, "Claim", 0, 12)
    tag(olga, doc, "Claim", 0, 12)
    # same span, other label
    tag(ana, doc, "Target", 15, 20)
    tag(olga, doc, "Speaker", 15, 20)
    # overlapping, same role: boundaries (and sentiment)
    tag(ana, doc, "Claim", 21, 50, sentiment="negative")
    tag(olga, doc, "Claim", 25, 50, sentiment="positive")
    # one side only
    tag(ana, doc, "Speaker", TOKAYEV, TOKAYEV + 7)
    tag(olga, doc, "Target", len(TEXT) - 6, len(TEXT) - 1)
    found = items(fresh_store, doc, ana, olga)
    assert [(it.start, it.end, it.kinds) for it in found] == [
        (0, 12, ()),
        (15, 20, ("label",)),
        (21, 50, ("boundaries", "sentiment")),
        (TOKAYEV, TOKAYEV + 7, ("only_first",)),
        (len(TEXT) - 6, len(TEXT) - 1, ("only_second",)),
    ]


def test_overlapping_spans_of_different_roles_are_not_paired(
    fresh_store: Store, doc: DocumentId, ana: Session, olga: Session
) -> None:
    tag(ana, doc, "Claim", 15, 50)
    tag(olga, doc, "Target", 20, 30)  # a target inside a claim is not "the same span"
    kinds = [it.kinds for it in items(fresh_store, doc, ana, olga)]
    assert kinds == [("only_first",), ("only_second",)]


def test_attribution_is_compared_by_name(
    fresh_store: Store, doc: DocumentId, ana: Session, olga: Session
) -> None:
    claim_a = tag(ana, doc, "Claim", 15, 50)
    claim_o = tag(olga, doc, "Claim", 15, 50)
    speaker = tag(ana, doc, "Speaker", WEI, WEI + 10)
    ana.set_link(source_id=claim_a.id, kind="said_by", target_id=speaker.id)
    olga.set_link(source_id=claim_o.id, kind="said_by", name="wei  FENGHE")
    olga.set_link(source_id=claim_o.id, kind="about", name="Kazakhstan")
    claims = [it for it in items(fresh_store, doc, ana, olga) if it.start == 15]
    assert claims[0].kinds == ("target",)  # same speaker by name; target only Olga's


def test_keeping_one_side_copies_it_with_its_attribution_and_undo_removes_it(
    fresh_store: Store, doc: DocumentId, ana: Session, olga: Session
) -> None:
    claim = tag(ana, doc, "Claim", 15, 50, sentiment="negative")
    speaker = tag(ana, doc, "Speaker", WEI, WEI + 10)
    ana.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    tag(olga, doc, "Claim", 15, 50, sentiment="positive")
    reviewer = Session(fresh_store, fresh_store.ensure_analyst("Mei"))
    s = state(fresh_store, doc)
    item = next(it for it in compare_layers(s, ana.analyst.id, olga.analyst.id) if it.start == 15)
    decisions, change = reviewer.review(
        s, [(item, "first")], first_layer=ana.analyst.id, second_layer=olga.analyst.id
    )
    assert reviewed(fresh_store, doc) == [(15, 50, "Claim")]
    copy = fresh_store.annotations.get(decisions[0].results[0])
    assert copy.sentiment == "negative" and copy.id not in (claim.id, speaker.id)
    assert change.touched == {copy.id} and change.decisions
    after = state(fresh_store, doc)
    assert after.speaker_of(copy.id) == "Wei Fenghe"  # by name: Wei was not reviewed yet
    recorded = fresh_store.reviews.for_document(doc)
    assert [(d.reviewer_id, d.decision) for d in recorded] == [(reviewer.analyst.id, "first")]
    assert item_status(item, recorded) == recorded[0]
    assert fresh_store.reviews.reviewer_of(copy.id) == (reviewer.analyst.id, recorded[0].decided)
    reviewer.undo()
    assert reviewed(fresh_store, doc) == [] and fresh_store.reviews.for_document(doc) == []
    assert fresh_store.annotations.links_for_document(doc)[0].source_id == claim.id


def test_a_claim_links_to_the_reviewed_copy_of_its_speaker(
    fresh_store: Store, doc: DocumentId, ana: Session, olga: Session
) -> None:
    claim = tag(ana, doc, "Claim", 15, 50)
    speaker = tag(ana, doc, "Speaker", WEI, WEI + 10)
    ana.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    reviewer = Session(fresh_store, fresh_store.ensure_analyst("Mei"))
    s = state(fresh_store, doc)
    found = compare_layers(s, ana.analyst.id, olga.analyst.id)
    by_start = {it.start: it for it in found}
    reviewer.review(
        s,
        [(by_start[WEI], "first"), (by_start[15], "first")],
        first_layer=ana.analyst.id,
        second_layer=olga.analyst.id,
    )
    after = state(fresh_store, doc)
    copies = {a.start: a for a in after.all() if a.analyst_id == REVIEWED}
    link = after.link_of(copies[15].id, "said_by")
    assert link is not None and link.target_id == copies[WEI].id


def test_both_reject_and_deciding_again(
    fresh_store: Store, doc: DocumentId, ana: Session, olga: Session
) -> None:
    tag(ana, doc, "Target", 15, 20)
    tag(olga, doc, "Speaker", 15, 20)
    reviewer = Session(fresh_store, fresh_store.ensure_analyst("Mei"))
    layers = {"first_layer": ana.analyst.id, "second_layer": olga.analyst.id}
    item = items(fresh_store, doc, ana, olga)[0]
    reviewer.review(state(fresh_store, doc), [(item, "both")], **layers)
    assert sorted(reviewed(fresh_store, doc)) == [(15, 20, "Speaker"), (15, 20, "Target")]
    # Changing one's mind replaces the earlier decision and what it added.
    reviewer.review(state(fresh_store, doc), [(item, "reject")], **layers)
    assert reviewed(fresh_store, doc) == []
    assert [d.decision for d in fresh_store.reviews.for_document(doc)] == ["reject"]
    reviewer.undo()
    assert len(reviewed(fresh_store, doc)) == 2
    assert [d.decision for d in fresh_store.reviews.for_document(doc)] == ["both"]


def test_an_analyst_against_the_reviewed_layer(
    fresh_store: Store, doc: DocumentId, ana: Session, olga: Session
) -> None:
    tag(ana, doc, "Claim", 0, 12)
    tag(olga, doc, "Claim", 0, 12, sentiment="negative")
    reviewer = Session(fresh_store, fresh_store.ensure_analyst("Mei"))
    item = items(fresh_store, doc, ana, olga)[0]
    reviewer.review(
        state(fresh_store, doc),
        [(item, "second")],
        first_layer=ana.analyst.id,
        second_layer=olga.analyst.id,
    )
    # Ana against the reviewed layer: the sentiment differs; keeping Ana's replaces it.
    against = items(fresh_store, doc, ana)
    assert [it.kinds for it in against] == [("sentiment",)]
    reviewer.review(
        state(fresh_store, doc),
        [(against[0], "first")],
        first_layer=ana.analyst.id,
        second_layer=REVIEWED,
    )
    kept = [a for a in fresh_store.annotations.for_document(doc) if a.analyst_id == REVIEWED]
    assert [(a.start, a.end, a.sentiment) for a in kept] == [(0, 12, None)]
    assert items(fresh_store, doc, ana)[0].agreed


def test_a_later_edit_by_the_analyst_reopens_the_decision(
    fresh_store: Store, doc: DocumentId, ana: Session, olga: Session
) -> None:
    claim = tag(ana, doc, "Claim", 0, 12)
    reviewer = Session(fresh_store, fresh_store.ensure_analyst("Mei"))
    item = items(fresh_store, doc, ana, olga)[0]
    reviewer.review(
        state(fresh_store, doc),
        [(item, "reject")],
        first_layer=ana.analyst.id,
        second_layer=olga.analyst.id,
    )
    decisions = fresh_store.reviews.for_document(doc)
    assert item_status(items(fresh_store, doc, ana, olga)[0], decisions) is not None
    ana.update_annotation(claim.id, sentiment="negative")
    assert item_status(items(fresh_store, doc, ana, olga)[0], decisions) is None


def test_reviewed_is_a_reserved_name_and_not_an_analyst(fresh_store: Store) -> None:
    with pytest.raises(ValidationError, match="reviewed layer"):
        fresh_store.ensure_analyst("reviewed")
    fresh_store.ensure_analyst("Ana")
    assert [a.name for a in fresh_store.analysts()] == ["Ana"]
    assert [a.name for a in fresh_store.layers()] == ["Ana", "reviewed"]


def test_unknown_decision_is_refused(
    fresh_store: Store, doc: DocumentId, ana: Session, olga: Session
) -> None:
    tag(ana, doc, "Claim", 0, 12)
    item = items(fresh_store, doc, ana, olga)[0]
    with pytest.raises(ValidationError, match="Unknown review decision"):
        ana.review(
            state(fresh_store, doc),
            [(item, "maybe")],
            first_layer=ana.analyst.id,
            second_layer=olga.analyst.id,
        )
    assert label(fresh_store, "Claim")
    assert fresh_store.reviews.for_document(doc) == []


def test_deciding_a_reopened_item_again_replaces_the_earlier_copy(
    fresh_store: Store, doc: DocumentId, ana: Session, olga: Session
) -> None:
    claim = tag(ana, doc, "Claim", 0, 12)
    reviewer = Session(fresh_store, fresh_store.ensure_analyst("Mei"))
    layers = {"first_layer": ana.analyst.id, "second_layer": olga.analyst.id}
    reviewer.review(
        state(fresh_store, doc), [(items(fresh_store, doc, ana, olga)[0], "first")], **layers
    )
    ana.update_annotation(claim.id, end=20)  # reopens the item
    reviewer.review(
        state(fresh_store, doc), [(items(fresh_store, doc, ana, olga)[0], "first")], **layers
    )
    assert reviewed(fresh_store, doc) == [(0, 20, "Claim")]
    reviewer.review(
        state(fresh_store, doc), [(items(fresh_store, doc, ana, olga)[0], "reject")], **layers
    )
    assert reviewed(fresh_store, doc) == []


def test_a_decision_never_removes_an_analysts_annotation_named_in_its_results(
    fresh_store: Store, doc: DocumentId, ana: Session, olga: Session
) -> None:
    from dataclasses import replace

    claim = tag(ana, doc, "Claim", 0, 12)
    reviewer = Session(fresh_store, fresh_store.ensure_analyst("Mei"))
    layers = {"first_layer": ana.analyst.id, "second_layer": olga.analyst.id}
    decisions, _ = reviewer.review(
        state(fresh_store, doc), [(items(fresh_store, doc, ana, olga)[0], "reject")], **layers
    )
    # A decision as a hostile or mistaken file could bring it: Ana's own span among results.
    with fresh_store.transaction():
        fresh_store.reviews.put(replace(decisions[0], results=(claim.id,)), analyst_id=None)
    reviewer.review(
        state(fresh_store, doc), [(items(fresh_store, doc, ana, olga)[0], "reject")], **layers
    )
    assert fresh_store.annotations.get(claim.id) == claim


def test_a_stale_item_is_refused(
    fresh_store: Store, doc: DocumentId, ana: Session, olga: Session
) -> None:
    claim = tag(ana, doc, "Claim", 0, 12)
    stale_state = state(fresh_store, doc)
    item = items(fresh_store, doc, ana, olga)[0]
    ana.delete_annotation(claim.id)
    reviewer = Session(fresh_store, fresh_store.ensure_analyst("Mei"))
    with pytest.raises(ValidationError, match="changed or deleted since"):
        reviewer.review(
            stale_state, [(item, "first")], first_layer=ana.analyst.id, second_layer=olga.analyst.id
        )
    assert reviewed(fresh_store, doc) == []


def test_accepting_agreement_with_the_reviewed_layer_keeps_its_span_and_thread(
    fresh_store: Store, doc: DocumentId, ana: Session, olga: Session
) -> None:
    tag(ana, doc, "Claim", 0, 12)
    reviewer = Session(fresh_store, fresh_store.ensure_analyst("Mei"))
    reviewer.review(
        state(fresh_store, doc),
        [(items(fresh_store, doc, ana, olga)[0], "first")],
        first_layer=ana.analyst.id,
        second_layer=olga.analyst.id,
    )
    kept = [a for a in fresh_store.annotations.for_document(doc) if a.analyst_id == REVIEWED]
    reviewer.add_comment(kept[0].id, "Checked against the transcript")
    agreed = items(fresh_store, doc, ana)  # Ana against the reviewed layer: they agree
    assert agreed[0].agreed
    reviewer.review(
        state(fresh_store, doc),
        [(agreed[0], "agreed")],
        first_layer=ana.analyst.id,
        second_layer=REVIEWED,
    )
    after = [a for a in fresh_store.annotations.for_document(doc) if a.analyst_id == REVIEWED]
    assert [a.id for a in after] == [kept[0].id]
    assert len(fresh_store.comments.thread(kept[0].id)) == 1
