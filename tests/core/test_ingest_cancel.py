"""Cancelling an import takes the run back; each document is its own short transaction."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.core.ingest import import_paths
from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.store import Store


def articles(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"{n:02}-article.txt"
        text = f"Article {n}\nThe minister said {n} things in {folder.name} on Monday."
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def titles(store: Store) -> list[str]:
    return sorted(d.title for d in store.documents.list())


def cancel_before(index: int):  # type: ignore[no-untyped-def]
    """A progress callback that answers Cancel when asked before file number `index`."""
    asked: list[int] = []

    def progress(i: int, total: int, name: str) -> bool:
        asked.append(i)
        return i < index

    return progress, asked


def test_cancelling_takes_back_every_document_this_run_added(
    fresh_store: Store, tmp_path: Path
) -> None:
    import_paths(fresh_store, articles(tmp_path / "before", 1), analyst_id=None)
    before = titles(fresh_store)
    progress, asked = cancel_before(3)
    outcome = import_paths(
        fresh_store, articles(tmp_path / "in", 6), analyst_id=None, progress=progress
    )
    assert asked == [0, 1, 2, 3]  # three files imported, then Cancel
    assert outcome.cancelled and outcome.taken_back == 3 and outcome.added == []
    assert titles(fresh_store) == before
    assert "3 document(s) imported before you cancelled were taken out again" in outcome.summary()
    # Nothing of theirs is left behind: no rows, and the history says what happened.
    conn = fresh_store.conn
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    actions = [(e.action, e.entity) for e in fresh_store.history() if e.entity == "document"]
    assert actions == [("import", "document")] * 4 + [("delete", "document")] * 3


def test_cancel_pressed_when_every_file_is_in_still_counts(
    fresh_store: Store, tmp_path: Path
) -> None:
    progress, asked = cancel_before(4)  # asked with index 4 once the four files are in
    outcome = import_paths(
        fresh_store, articles(tmp_path / "in", 4), analyst_id=None, progress=progress
    )
    assert asked == [0, 1, 2, 3, 4]
    assert outcome.cancelled and outcome.taken_back == 4
    assert titles(fresh_store) == []


def test_an_import_that_is_not_cancelled_keeps_everything(
    fresh_store: Store, tmp_path: Path
) -> None:
    outcome = import_paths(
        fresh_store, articles(tmp_path / "in", 3), analyst_id=None, progress=lambda *a: True
    )
    assert not outcome.cancelled and outcome.taken_back == 0
    assert len(titles(fresh_store)) == 3


def test_duplicates_of_documents_taken_back_are_not_reported_as_present(
    fresh_store: Store, tmp_path: Path
) -> None:
    old = articles(tmp_path / "old", 1)[0]
    import_paths(fresh_store, [old], analyst_id=None)
    folder = tmp_path / "in"
    new = articles(folder, 1)[0]
    (folder / "03-copy-of-new.txt").write_bytes(new.read_bytes())
    (folder / "04-copy-of-old.txt").write_bytes(old.read_bytes())
    progress, _asked = cancel_before(3)
    outcome = import_paths(fresh_store, [folder], analyst_id=None, progress=progress)
    assert outcome.taken_back == 1
    # The copy of the old document still points at a document that exists; the copy of the
    # new one pointed at a document that was taken out again.
    assert [(Path(p).name, d.title) for p, d in outcome.duplicates] == [
        ("04-copy-of-old.txt", "Article 0")
    ]
    assert fresh_store.documents.summary(outcome.duplicates[0][1].id)


def test_a_document_annotated_meanwhile_elsewhere_is_kept(
    fresh_store: Store, db_path: Path, tmp_path: Path
) -> None:
    paths = articles(tmp_path / "in", 3)
    annotated: list[str] = []

    def progress(index: int, total: int, name: str) -> bool:
        if index == 2:  # another window tags the first document of this run, then Cancel
            with Store.open(db_path) as other:
                doc = next(d for d in other.documents.list() if d.title == "Article 0")
                session = Session(other, other.ensure_analyst("Ben"))
                session.create_annotation(
                    document_id=doc.id,
                    label_id=other.codebook.get().by_name("Speaker").id,
                    start=0,
                    end=7,
                )
                annotated.append(doc.id)
            return False
        return True

    outcome = import_paths(fresh_store, paths, analyst_id=None, progress=progress)
    assert outcome.taken_back == 1
    assert titles(fresh_store) == ["Article 0"]
    assert [s.id for s, _r in outcome.added] == annotated
    assert "Kept 1 document(s) that were annotated meanwhile" in outcome.summary()


def test_other_writers_wait_for_one_document_at_most(
    fresh_store: Store, db_path: Path, tmp_path: Path
) -> None:
    """Between files the project is not locked: another connection writes at once."""
    writes: list[int] = []

    def progress(index: int, total: int, name: str) -> bool:
        other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once if the import held the lock
            other.execute("INSERT INTO meta (key, value) VALUES (?, 'x')", [f"probe-{index}"])
            other.execute("COMMIT")
            writes.append(index)
        finally:
            other.close()
        return True

    import_paths(fresh_store, articles(tmp_path / "in", 3), analyst_id=None, progress=progress)
    assert writes == [0, 1, 2, 3]


def test_when_taking_back_fails_the_outcome_says_what_stays(
    fresh_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(doc_ids: list[DocumentId], *, analyst_id: object) -> list[DocumentId]:
        raise ProjectError("The disk is full.")

    monkeypatch.setattr(fresh_store.documents, "withdraw", refuse)
    progress, _asked = cancel_before(2)
    outcome = import_paths(
        fresh_store, articles(tmp_path / "in", 4), analyst_id=None, progress=progress
    )
    assert outcome.cancelled and outcome.taken_back == 0 and len(outcome.added) == 2
    assert "could not be taken back (The disk is full.)" in outcome.stopped
    assert len(titles(fresh_store)) == 2
