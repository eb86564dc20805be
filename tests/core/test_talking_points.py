"""Talking points: claims grouped under a name (one each), in history, undoable, with their
first appearance and spread."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import ValidationError
from annotator.core.importing.report import ExtractedDocument, ImportReport, SourceMeta
from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.core.store import talking_points as tp
from annotator.core.talking_points import suggest_groupings
from annotator.core.talking_points import summary as talking_point_summary

CLAIM = "firmly opposes external forces instigating a color revolution"


def add_article(store: Store, title: str, outlet: str, published: str, claim: str) -> DocumentId:
    text = f"{title}. The ministry said it {claim} in the region. Trade also grew."
    extracted = ExtractedDocument(
        source=Path(f"{title}.txt"),
        title=title,
        text=text,
        published=published,
        report=ImportReport(f"{title}.txt", "text", "utf-8", False),
        meta=SourceMeta(outlet=outlet, url=f"https://example.org/{title}"),
    )
    return store.documents.add(extracted, analyst_id=None)[0].id


def claim_span(store: Store, document_id: DocumentId) -> tuple[int, int]:
    text = store.documents.get(document_id).text
    start = text.index("firmly") if "firmly" in text else text.index("opposes")
    return start, text.index(" in the region")


@pytest.fixture
def project(fresh_store: Store) -> tuple[Store, Session, list[DocumentId]]:
    store = fresh_store
    docs = [
        add_article(store, "Seed", "Global Times", "2022-04-26", CLAIM),
        add_article(
            store,
            "Echo",
            "Xinhua",
            "2022-05-03",
            "opposes outside forces instigating a colour revolution",
        ),
        add_article(store, "Later", "CGTN", "2022-06-10", CLAIM),
    ]
    session = Session(store, store.ensure_analyst("Ana"))
    return store, session, docs


def claim_label(store: Store) -> str:
    return next(lb.id for lb in store.codebook.get().labels if lb.role == "claim")


def test_claims_grouped_into_a_talking_point_recorded_in_history_and_undoable(project) -> None:
    store, session, docs = project
    label = claim_label(store)
    claims = [
        session.create_annotation(document_id=d, label_id=label, start=s, end=e)[0]
        for d in docs
        for s, e in [claim_span(store, d)]
    ]
    point, change = session.group_claims([c.id for c in claims[:2]], name="  Color   revolution ")
    assert point.name == "Color revolution" and change.talking_points
    assert change.touched == {claims[0].id} and change.elsewhere == {claims[1].id}
    assert tp.names_of(store.conn) == {
        claims[0].id: "Color revolution",
        claims[1].id: "Color revolution",
    }
    entities = [e.entity for e in store.history() if e.entity.startswith("talking_point")]
    assert entities == ["talking_point", "talking_point_claim", "talking_point_claim"]

    # The same name (any case) is the same talking point: a third claim joins it.
    again, _ = session.group_claims([claims[2].id], name="color REVOLUTION")
    assert again.id == point.id and len(tp.members(store.conn, point.id)) == 3

    session.undo()
    assert len(tp.members(store.conn, point.id)) == 2
    session.undo()
    assert tp.all_points(store.conn) == [] and tp.names_of(store.conn) == {}
    session.redo()
    assert tp.all_points(store.conn) == [point] and len(tp.names_of(store.conn)) == 2


def test_a_claim_belongs_to_at_most_one_talking_point_and_only_claims_join(project) -> None:
    store, session, docs = project
    label = claim_label(store)
    start, end = claim_span(store, docs[0])
    claim, _ = session.create_annotation(document_id=docs[0], label_id=label, start=start, end=end)
    first, _ = session.group_claims([claim.id], name="One")
    second, _ = session.group_claims([claim.id], name="Two")
    assert tp.membership(store.conn, claim.id).talking_point_id == second.id
    assert tp.members(store.conn, first.id) == []
    session.undo()  # moving back, not out
    assert tp.membership(store.conn, claim.id).talking_point_id == first.id
    with pytest.raises(ValidationError, match="Already in"):
        session.group_claims([claim.id], point_id=first.id)

    speaker = next(lb.id for lb in store.codebook.get().labels if lb.role == "speaker")
    other, _ = session.create_annotation(document_id=docs[0], label_id=speaker, start=0, end=4)
    with pytest.raises(ValidationError, match="Only claims"):
        session.group_claims([other.id], point_id=first.id)
    with pytest.raises(ValidationError, match="needs a name"):
        session.group_claims([claim.id], name="   ")


def test_deleting_a_claim_takes_it_out_and_undo_puts_it_back(project) -> None:
    store, session, docs = project
    label = claim_label(store)
    start, end = claim_span(store, docs[0])
    claim, _ = session.create_annotation(document_id=docs[0], label_id=label, start=start, end=end)
    point, _ = session.group_claims([claim.id], name="Color revolution")
    session.delete_annotation(claim.id)
    assert tp.members(store.conn, point.id) == []
    deleted = [e for e in store.history() if e.entity == "talking_point_claim"]
    assert [e.action for e in deleted] == ["create", "delete"]
    session.undo()
    assert [m.annotation_id for m in tp.members(store.conn, point.id)] == [claim.id]


def test_ungrouping_and_tagging_passages_into_a_talking_point_in_one_step(project) -> None:
    store, session, docs = project
    label = claim_label(store)
    start, end = claim_span(store, docs[0])
    seed, _ = session.create_annotation(document_id=docs[0], label_id=label, start=start, end=end)
    point, _ = session.group_claims([seed.id], name="Color revolution")
    spans = [(d, *claim_span(store, d)) for d in docs[1:]]
    made, change = session.tag_many(
        spans, label_id=label, point_id=point.id, links={"said_by": "Ministry"}
    )
    assert change.talking_points and len(change.links_added) == 1  # the shown document's
    assert {m.annotation_id for m in tp.members(store.conn, point.id)} == {
        seed.id,
        *(a.id for a in made),
    }
    instances = tp.instances(store.conn, point.id)
    assert [(i.outlet, i.published) for i in instances] == [
        ("Global Times", "2022-04-26"),
        ("Xinhua", "2022-05-03"),
        ("CGTN", "2022-06-10"),
    ]
    assert instances[1].quote.startswith("opposes outside forces")
    session.undo()  # the whole step: annotations, links and memberships
    assert [m.annotation_id for m in tp.members(store.conn, point.id)] == [seed.id]
    assert all(store.annotations.find(a.id) is None for a in made)

    session.ungroup_claims([seed.id])
    assert tp.members(store.conn, point.id) == []
    session.undo()
    assert len(tp.members(store.conn, point.id)) == 1


def test_summary_gives_first_appearance_outlets_and_every_month(project) -> None:
    store, session, docs = project
    label = claim_label(store)
    claims = [
        session.create_annotation(document_id=d, label_id=label, start=s, end=e)[0].id
        for d in docs
        for s, e in [claim_span(store, d)]
    ]
    point, _ = session.group_claims(claims, name="Color revolution")
    summary = talking_point_summary(store, point.id)
    assert summary.count == 3 and summary.first is not None
    assert (summary.first.published, summary.first.outlet) == ("2022-04-26", "Global Times")
    assert summary.outlets == (("CGTN", 1), ("Global Times", 1), ("Xinhua", 1))
    assert summary.months == (("2022-04", 1), ("2022-05", 1), ("2022-06", 1))


def test_similar_ungrouped_claims_are_suggested_and_a_rejection_is_not_repeated(project) -> None:
    store, session, docs = project
    label = claim_label(store)
    claims = [
        session.create_annotation(document_id=d, label_id=label, start=s, end=e)[0].id
        for d in docs
        for s, e in [claim_span(store, d)]
    ]
    other = session.create_annotation(document_id=docs[0], label_id=label, start=0, end=4)[0]
    [fresh] = suggest_groupings(store)  # the three restatements, not "Seed"
    assert fresh.point is None and set(fresh.claims) == set(claims)
    assert other.id not in fresh.claims

    point, _ = session.group_claims(claims[:1], name="Color revolution")
    [join] = suggest_groupings(store)
    assert join.point == point and set(join.claims) == set(claims[1:])
    assert suggest_groupings(store, rejected={frozenset(join.claims)}) == []


def test_a_claim_kept_in_review_stays_in_its_talking_point_in_the_reviewed_layer(
    fresh_store: Store,
) -> None:
    from annotator.core.attribution import DocumentAnnotations
    from annotator.core.review import compare_layers

    store = fresh_store
    doc = add_article(store, "Seed", "Global Times", "2022-04-26", CLAIM)
    ana = Session(store, store.ensure_analyst("Ana"))
    olga = Session(store, store.ensure_analyst("Olga"))
    start, end = claim_span(store, doc)
    mine, _ = ana.create_annotation(
        document_id=doc, label_id=claim_label(store), start=start, end=end
    )
    olga.create_annotation(document_id=doc, label_id=claim_label(store), start=start, end=end - 3)
    point, _ = ana.group_claims([mine.id], name="Color revolution")
    state = DocumentAnnotations(
        store.annotations.for_document(doc),
        store.annotations.links_for_document(doc),
        store.codebook.get(),
    )
    item = next(iter(compare_layers(state, ana.analyst.id, olga.analyst.id)))
    reviewer = Session(store, store.ensure_analyst("Mei"))
    decisions, change = reviewer.review(
        state, [(item, "first")], first_layer=ana.analyst.id, second_layer=olga.analyst.id
    )
    copy = decisions[0].results[0]
    assert change.talking_points
    assert {m.annotation_id for m in tp.members(store.conn, point.id)} == {mine.id, copy}
    reviewer.undo()
    assert [m.annotation_id for m in tp.members(store.conn, point.id)] == [mine.id]
