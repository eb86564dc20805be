"""Finished documents: marked per (document, analyst) with the time, in the history, undoable."""

from __future__ import annotations

from pathlib import Path

import pytest
from agreement_project import build

from annotator.core.errors import ValidationError
from annotator.core.session import Session
from annotator.core.store import Store, finished
from annotator.core.store.finished import finished_by


def test_marking_done_is_stored_with_the_time_recorded_in_history_and_undoable(
    db_path: Path,
) -> None:
    project = build(db_path, tags=[])  # no annotation at all: a document can be done empty
    with Store.open(project.path) as store:
        ana = store.ensure_analyst("Ana")
        session = Session(store, ana)
        doc = project.documents["Second"]
        change = session.mark_finished(doc)
        assert change.finished and change.document_id == doc
        marks = finished_by(store.conn)
        assert list(marks) == [doc] and list(marks[doc]) == [ana.id]
        assert marks[doc][ana.id].endswith("Z")  # UTC ISO time
        entries = [e for e in store.history() if e.entity == "finished"]
        assert [e.action for e in entries] == ["create"]
        assert entries[0].document_id == doc and entries[0].after is not None

        assert session.undo_description() == "Mark “Second” as done"
        session.undo()
        assert finished_by(store.conn) == {}
        session.redo()
        assert list(finished_by(store.conn)[doc]) == [ana.id]

        session.mark_finished(doc, done=False)
        assert finished_by(store.conn) == {}
        actions = [e.action for e in store.history() if e.entity == "finished"]
        assert actions == ["create", "delete", "create", "delete"]  # append-only


def test_marks_are_per_analyst_and_refused_twice(db_path: Path) -> None:
    project = build(db_path, tags=[])
    with Store.open(project.path) as store:
        doc = project.documents["First"]
        Session(store, store.ensure_analyst("Ana")).mark_finished(doc)
        olga = Session(store, store.ensure_analyst("Olga"))
        with pytest.raises(ValidationError, match="not marked done"):
            olga.mark_finished(doc, done=False)
        olga.mark_finished(doc)
        with pytest.raises(ValidationError, match="already marked done"):
            olga.mark_finished(doc)
        assert len(finished_by(store.conn)[doc]) == 2


def test_undo_is_refused_when_the_mark_was_changed_since(db_path: Path) -> None:
    project = build(db_path, tags=[])
    with Store.open(project.path) as store:
        doc = project.documents["First"]
        ana = Session(store, store.ensure_analyst("Ana"))
        ana.mark_finished(doc)
        # A merge brings the same analyst's mark from a colleague's copy, set at another time.
        finished.put(
            store,
            finished.FinishedMark(doc, ana.analyst.id, "2030-01-01T00:00:00.000Z"),
            analyst_id=None,
        )
        with pytest.raises(ValidationError, match="Cannot undo"):
            ana.undo()
        assert finished.find(store.conn, doc, ana.analyst.id) is not None
