"""Merging a colleague's reviewed and discussed project: their reviewed layer arrives in ours with
its decisions, threads arrive whole, twice adds nothing, the later edit of a comment wins."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_export_comments import Reviewed, build_reviewed

from annotator.core.interchange import InterchangeReport
from annotator.core.merge import merge_project
from annotator.core.records import REVIEWED_LAYER_ID, AnnotationId
from annotator.core.session import Session
from annotator.core.store import Store, history

TABLES = ("annotations", "links", "comments", "review_decisions", "analysts", "documents")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """History times one second apart: which edit is later never depends on the machine.
    In the past: a merge refuses dates beyond this computer's clock (plus a day)."""
    seconds = itertools.count()

    def tick() -> str:
        n = next(seconds)
        return f"2025-01-01T{n // 3600:02}:{n // 60 % 60:02}:{n % 60:02}.000Z"

    monkeypatch.setattr(history, "now_iso", tick)
    yield


@pytest.fixture
def theirs(tmp_path: Path) -> Iterator[Reviewed]:
    store = Store.open(tmp_path / "ben.sqlite")
    yield build_reviewed(store)
    store.close()


def merge(ours: Store, theirs: Reviewed) -> InterchangeReport:
    return merge_project(ours, theirs.store.path, analyst="Me")


def tables(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {t: rows(store, t) for t in TABLES}


def rows(store: Store, table: str) -> list[tuple[object, ...]]:
    return store.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def thread(store: Store, annotation_id: str) -> list[str]:
    return [c.body for c in store.comments.thread(AnnotationId(annotation_id))]


def test_their_reviewed_layer_and_threads_arrive_and_twice_adds_nothing(
    fresh_store: Store, theirs: Reviewed
) -> None:
    report = merge(fresh_store, theirs)
    assert report.complete, report.summary()
    copy = theirs.copy_of("claim")
    here = fresh_store.annotations.get(copy.id)
    assert here.analyst_id == REVIEWED_LAYER_ID  # our reviewed layer, not a person "reviewed"
    assert [a.name for a in fresh_store.layers()] == [
        "@mei",
        "Ana",
        "Me",
        "Olga Petrova",
        "李雷",
        "reviewed",
    ]
    mei = next(a for a in fresh_store.analysts() if a.name == "@mei")
    assert fresh_store.reviews.reviewer_of(copy.id) == (mei.id, theirs.decisions[0].decided)
    decisions = fresh_store.reviews.for_document(here.document_id)
    assert {d.id for d in decisions} == {d.id for d in theirs.decisions}
    claim = theirs.project.spans["claim"].id
    assert thread(fresh_store, claim) == [
        '=HYPERLINK("http://x") — is this\n  verbatim?',
        "Yes: kept as is.",
    ]
    assert thread(fresh_store, copy.id) == ["Fine by me."]
    first = tables(fresh_store)
    second = merge(fresh_store, theirs)
    assert (second.added, second.updated, second.links_added) == (0, 0, 0)
    assert (second.comments_added, second.comments_updated) == (0, 0)
    assert (second.decisions_added, second.decisions_updated) == (0, 0)
    assert tables(fresh_store) == first


def test_conflicting_comment_edits_the_later_one_wins(
    fresh_store: Store, theirs: Reviewed, clock: None
) -> None:
    merge(fresh_store, theirs)
    question = theirs.comments["question"]
    claim = question.annotation_id

    def edit(store: Store, body: str) -> None:
        current = store.comments.get(question.id)
        store.comments.put(dataclasses.replace(current, body=body), analyst_id=None)

    edit(fresh_store, "Our edit, first")
    edit(theirs.store, "Their edit, later")
    report = merge(fresh_store, theirs)
    assert report.comments_updated == 1
    assert thread(fresh_store, claim)[0] == "Their edit, later"
    edit(fresh_store, "Our edit, latest")
    report = merge(fresh_store, theirs)
    assert (report.comments_updated, report.comments_unchanged) == (0, 5)
    assert thread(fresh_store, claim)[0] == "Our edit, latest"
    # Neither version is lost: what was replaced is in our history.
    replaced = [e.before["body"] for e in fresh_store.history(entity_id=question.id) if e.before]
    assert "Our edit, first" in replaced


def test_their_new_comments_join_our_thread_and_ours_stay(
    fresh_store: Store, theirs: Reviewed
) -> None:
    merge(fresh_store, theirs)
    claim = theirs.project.spans["claim"].id
    me = Session(fresh_store, fresh_store.ensure_analyst("Me"))
    me.add_comment(AnnotationId(claim), "Ours, after the first merge")
    theirs.olga.add_comment(AnnotationId(claim), "Theirs, after the first merge")
    report = merge(fresh_store, theirs)
    assert report.comments_added == 1
    assert set(thread(fresh_store, claim)[-2:]) == {
        "Ours, after the first merge",
        "Theirs, after the first merge",
    }


def test_a_span_we_deleted_keeps_their_comments_out(fresh_store: Store, theirs: Reviewed) -> None:
    merge(fresh_store, theirs)
    claim = theirs.project.spans["claim"].id
    Session(fresh_store, fresh_store.ensure_analyst("Me")).delete_annotation(AnnotationId(claim))
    theirs.olga.add_comment(AnnotationId(claim), "A reply written after your deletion")
    report = merge(fresh_store, theirs)
    assert fresh_store.annotations.find(AnnotationId(claim)) is None
    assert thread(fresh_store, claim) == []
    assert len(report.orphan_comments) == 3 and not report.complete
    assert "Comments not imported (3):" in report.summary()


def test_a_colleague_named_reviewed_stays_out_of_our_reviewed_layer(
    fresh_store: Store, tmp_path: Path
) -> None:
    # Their project had a person “reviewed” before the reviewed layer existed: theirs is named
    # “reviewed layer”, and their person cannot be ours (the name is our layer's).
    with Store.open(tmp_path / "old.sqlite") as old:
        old.conn.execute("UPDATE analysts SET name = 'reviewed layer' WHERE id = 'reviewed'")
        old.conn.execute(
            "INSERT INTO analysts (id, name, created) VALUES "
            "('6f1de1a6-7a52-4c58-9d8e-3c8f0e0b7a11', 'reviewed', '2020-01-01T00:00:00Z')"
        )
        reviewed = build_reviewed(old)
        person = old.ensure_analyst("reviewed")
        assert person.id != REVIEWED_LAYER_ID
        spans = reviewed.project.spans
        copy_id = reviewed.copy_of("claim").id
        old.conn.execute(
            "UPDATE annotations SET analyst_id = ? WHERE id = ?", [person.id, spans["tokayev"].id]
        )
    report = merge_project(fresh_store, tmp_path / "old.sqlite", analyst="Me")
    assert fresh_store.annotations.find(spans["tokayev"].id) is None
    (orphan,) = report.orphans
    assert "has the name of this project's reviewed layer" in orphan.reason
    copy = fresh_store.annotations.get(copy_id)
    assert copy.analyst_id == REVIEWED_LAYER_ID  # their layer (any name) is our layer
