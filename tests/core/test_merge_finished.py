"""A merge carries a colleague's finished marks; ours, and marks under our name, stay ours."""

from __future__ import annotations

from pathlib import Path

from test_merge import colleague
from test_store_annotations import add_document

from annotator.core.merge import merge_project
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.core.store.finished import find, finished_by


def test_marks_come_over_for_documents_we_hold(tmp_path: Path, fresh_store: Store) -> None:
    ours = add_document(fresh_store)
    theirs, ben, doc = colleague(tmp_path / "ben.sqlite")
    ben.mark_finished(doc)  # read through, nothing tagged
    Session(theirs, theirs.ensure_analyst("Ana")).mark_finished(doc)  # "Ana" in their file
    theirs.close()

    report = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    assert report.finished == 1 and "1 finished mark of ben.sqlite" in report.summary()
    names = {a.id: a.name for a in fresh_store.analysts()}
    marks = finished_by(fresh_store.conn)
    assert {names[a] for a in marks[ours]} == {"Ben"}  # not Ana's: only Ana marks her own
    entry = [e for e in fresh_store.history() if e.entity == "finished"][-1]
    assert entry.action == "create" and names[entry.analyst_id] == "Ana"  # type: ignore[index]

    again = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    assert again.finished == 0
    ben_id = next(a for a, n in names.items() if n == "Ben")
    assert find(fresh_store.conn, ours, ben_id) is not None
