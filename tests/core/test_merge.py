"""Merging a colleague's project: fresh, twice, conflicting edits, other text, hostile files
(see also test_merge_hostile.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_store_annotations import TEXT, add_document, label

from annotator.core.errors import NotAProject
from annotator.core.merge import merge_project
from annotator.core.safety import list_backups
from annotator.core.session import Session
from annotator.core.store import Store


def colleague(path: Path, text: str = TEXT) -> tuple[Store, Session, str]:
    store = Store.open(path)
    doc = add_document(store, text)
    return store, Session(store, store.ensure_analyst("Ben")), doc


def tag(session: Session, doc: str, name: str, phrase: str, text: str = TEXT):  # type: ignore[no-untyped-def]
    start = text.index(phrase)
    annotation, _ = session.create_annotation(
        document_id=doc,  # type: ignore[arg-type]
        label_id=label(session.store, name),  # type: ignore[arg-type]
        start=start,
        end=start + len(phrase),
    )
    return annotation


def test_fresh_merge_brings_documents_annotations_and_links(
    tmp_path: Path, fresh_store: Store
) -> None:
    theirs, ben, doc = colleague(tmp_path / "ben.sqlite")
    claim = tag(ben, doc, "Claim", "China firmly opposes external forces")
    speaker = tag(ben, doc, "Speaker", "Wei Fenghe")
    ben.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    theirs.close()
    report = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    assert report.added == 2 and report.links_added == 1 and report.complete
    merged = fresh_store.annotations.get(claim.id)
    assert merged.quote == "China firmly opposes external forces"
    assert [a.name for a in fresh_store.analysts()] == ["Ana", "Ben"]
    backups = list_backups(fresh_store.path)
    [before_merge] = [b for b in backups if b.reason == "before-merge"]
    kept = sqlite3.connect(f"{before_merge.path.as_uri()}?mode=ro", uri=True)
    assert kept.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0  # as it was
    kept.close()
    again = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    assert again.added == 0 and again.updated == 0 and again.links_added == 0
    assert list_backups(fresh_store.path) == backups  # nothing merged: no new backup


def test_the_later_edit_wins_and_the_other_stays_in_history(
    tmp_path: Path, fresh_store: Store
) -> None:
    theirs, ben, doc = colleague(tmp_path / "ben.sqlite")
    claim = tag(ben, doc, "Claim", "China firmly opposes external forces")
    theirs.close()
    merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    ana.update_annotation(claim.id, note="Ana's reading")
    with Store.open(tmp_path / "ben.sqlite") as theirs:
        Session(theirs, theirs.ensure_analyst("Ben")).update_annotation(
            claim.id, note="Ben's later reading"
        )
    report = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    assert report.updated == 1
    assert fresh_store.annotations.get(claim.id).note == "Ben's later reading"
    notes = [e.before["note"] for e in fresh_store.history(entity_id=claim.id) if e.before]
    assert "Ana's reading" in notes


def test_their_different_text_re_anchors_and_lists_orphans(
    tmp_path: Path, fresh_store: Store
) -> None:
    ours = add_document(fresh_store, TEXT)
    changed = "EDITOR'S NOTE: updated.\n" + TEXT.replace(" on Monday", "")
    theirs, ben, doc = colleague(tmp_path / "ben.sqlite", changed)
    moved = tag(ben, doc, "Speaker", "Wei Fenghe", changed)
    tag(ben, doc, "Claim", "EDITOR'S NOTE", changed)
    theirs.close()
    report = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    placed = fresh_store.annotations.find(moved.id)
    # Same title, other text: their annotations are placed on our copy by quote and context.
    assert placed is not None and placed.document_id == ours and placed.quote == "Wei Fenghe"
    assert placed.start == TEXT.index("Wei Fenghe")
    assert [o.quote for o in report.orphans] == ["EDITOR'S NOTE"]  # not in our text: listed
    assert report.added == 1


def test_a_hostile_file_runs_nothing_and_is_not_changed(tmp_path: Path, fresh_store: Store) -> None:
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    mine = tag(ana, add_document(fresh_store), "Claim", "China firmly opposes external forces")
    theirs, ben, doc = colleague(tmp_path / "ben.sqlite")
    tag(ben, doc, "Target", "Kazakhstan")
    theirs.close()
    raw = sqlite3.connect(tmp_path / "ben.sqlite")
    raw.executescript(
        """
        CREATE TRIGGER evil_meta AFTER INSERT ON meta BEGIN DELETE FROM annotations; END;
        CREATE TRIGGER evil_update AFTER UPDATE ON annotations BEGIN DELETE FROM documents; END;
        CREATE VIEW evil_view AS SELECT * FROM annotations;
        """
    )
    raw.close()
    before = (tmp_path / "ben.sqlite").read_bytes()
    report = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    assert report.added == 1
    assert fresh_store.annotations.find(mine.id) is not None  # ours untouched
    assert (tmp_path / "ben.sqlite").read_bytes() == before  # theirs never written
    names = {r[0] for r in fresh_store.conn.execute("SELECT name FROM sqlite_master")}
    assert not {"evil_meta", "evil_update", "evil_view"} & names


def test_a_planted_trigger_with_a_quote_in_its_name_never_runs(
    tmp_path: Path, fresh_store: Store
) -> None:
    other_text = "Astana said Kazakhstan welcomes the visit."
    theirs, ben, doc = colleague(tmp_path / "ben.sqlite", other_text)
    tag(ben, doc, "Target", "Kazakhstan", other_text)
    theirs.close()
    raw = sqlite3.connect(tmp_path / "ben.sqlite")
    raw.executescript(
        """
        CREATE TRIGGER "x""wipe" AFTER INSERT ON meta
        BEGIN DELETE FROM annotations; UPDATE documents SET title = 'PWN'; END;
        DELETE FROM meta WHERE key = 'project_id';
        """
    )
    raw.close()
    report = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    assert report.added == 1, report.summary()  # their annotation was not wiped
    assert "PWN" not in {d.title for d in fresh_store.documents.list()}
    assert not any(
        "wipe" in str(r[0]) for r in fresh_store.conn.execute("SELECT name FROM sqlite_master")
    )


def test_a_colleague_file_named_like_a_uri_is_read_as_that_file(
    tmp_path: Path, fresh_store: Store
) -> None:
    for name in ("bob#1.sqlite", "bob?x.sqlite", "bob%20.sqlite"):
        theirs, ben, doc = colleague(tmp_path / name)
        tag(ben, doc, "Target", "Kazakhstan")
        theirs.close()
        report = merge_project(fresh_store, tmp_path / name, analyst="Ana")
        assert report.added == 1, name
    assert not (tmp_path / "bob").exists()  # no stray file cut at the # or ?


def test_a_file_that_is_not_a_project_is_refused(tmp_path: Path, fresh_store: Store) -> None:
    other = tmp_path / "notes.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAProject, match="nothing was merged"):
        merge_project(fresh_store, other, analyst="Ana")
    text = tmp_path / "x.sqlite"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(NotAProject):
        merge_project(fresh_store, text, analyst="Ana")
    assert fresh_store.documents.list() == []


def test_oversized_values_are_refused_and_offsets_beyond_the_text_re_anchored(
    tmp_path: Path, fresh_store: Store
) -> None:
    theirs, ben, doc = colleague(tmp_path / "ben.sqlite")
    wei = tag(ben, doc, "Speaker", "Wei Fenghe")
    theirs.close()
    raw = sqlite3.connect(tmp_path / "ben.sqlite")
    raw.execute('UPDATE annotations SET start = 100000, "end" = 100010 WHERE id = ?', [wei.id])
    raw.commit()
    raw.close()
    report = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    placed = fresh_store.annotations.get(wei.id)  # found again by its quote and context
    assert placed.quote == "Wei Fenghe" and placed.start == TEXT.index("Wei Fenghe")
    assert report.reanchored and report.added == 1

    raw = sqlite3.connect(tmp_path / "ben.sqlite")
    raw.execute("UPDATE annotations SET note = ? WHERE id = ?", ["x" * 3_000_000, wei.id])
    raw.execute("UPDATE annotations SET modified = '2099-01-01T00:00:00.000Z'")
    raw.commit()
    raw.close()
    before = fresh_store.annotations.get(wei.id)
    report = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    assert fresh_store.annotations.get(wei.id) == before  # skipped, and listed
    [refused] = report.refused
    assert refused.ident == wei.id and "“note” is 3,000,000 characters long" in refused.reason
    assert report.updated == 0 and not report.complete
