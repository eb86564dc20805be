"""Edits made on both sides of a merge: the later one is kept, the other stays in the history
(a "merge-conflict" entry), whichever project is merged into which, and the report lists them.
Also: a merge names the colleague's project, never its scratch file."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from test_merge import tag
from test_store_annotations import TEXT, add_document

from annotator.core.merge import merge_project
from annotator.core.records import AnnotationId, CommentId, now_iso
from annotator.core.session import Session
from annotator.core.store import Store

NOTES = {"P": "P's reading", "Q": "Q's reading"}
BODIES = {"P": "P's comment", "Q": "Q's comment"}


@dataclasses.dataclass
class Copies:
    folder: Path
    annotation: AnnotationId
    comment: CommentId

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.sqlite"


def after(moment: str) -> None:
    """Wait until the clock has passed `moment` (times are kept to the millisecond)."""
    while now_iso() <= moment:
        pass


def make_copies(tmp_path: Path) -> Copies:
    """P holds Ben's annotation with his comment; Q is a copy of P."""
    with Store.open(tmp_path / "P.sqlite") as store:
        ben = Session(store, store.ensure_analyst("Ben"))
        claim = tag(ben, add_document(store, TEXT), "Claim", "China firmly opposes external forces")
        comment, _ = ben.add_comment(claim.id, "First thoughts")
    shutil.copy(tmp_path / "P.sqlite", tmp_path / "Q.sqlite")
    return Copies(tmp_path, claim.id, comment.id)


def edit(copies: Copies, name: str, editor: str) -> None:
    """`editor` edits the annotation's note and the comment's text in project `name`."""
    with Store.open(copies.path(name)) as store:
        Session(store, store.ensure_analyst(editor)).update_annotation(
            copies.annotation, note=NOTES[name]
        )
        said = store.comments.get(copies.comment)
        store.comments.put(dataclasses.replace(said, body=BODIES[name]), analyst_id=None)
    after(now_iso())


def versions(store: Store, ident: str, key: str) -> set[Any]:
    """Every version of the record's `key` that the history holds (before and after)."""
    found = set()
    for entry in store.history(entity_id=ident):
        for side in (entry.before, entry.after):
            if side is not None and key in side:
                found.add(side[key])
    return found


def merge(copies: Copies, into: str, other: str, analyst: str):  # type: ignore[no-untyped-def]
    with Store.open(copies.path(into)) as store:
        report = merge_project(store, copies.path(other), analyst=analyst)
        notes = versions(store, copies.annotation, "note")
        bodies = versions(store, copies.comment, "body")
        count = len(store.history())
    return report, notes, bodies, count


@pytest.mark.parametrize("analyst", ["Ana", "Ben"])  # a colleague, and the annotation's owner
def test_merging_both_ways_leaves_both_versions_in_both_histories(
    tmp_path: Path, analyst: str
) -> None:
    copies = make_copies(tmp_path)
    edit(copies, "P", "Ben")
    edit(copies, "Q", "Cid")  # later
    for into, other in (("Q", "P"), ("P", "Q")):
        _, notes, bodies, _ = merge(copies, into, other, analyst)
        assert {NOTES["P"], NOTES["Q"]} <= notes, into
        assert {BODIES["P"], BODIES["Q"]} <= bodies, into
    for into, other in (("Q", "P"), ("P", "Q")):  # again: nothing new
        with Store.open(copies.path(into)) as store:
            count = len(store.history())
        report, *_, again = merge(copies, into, other, analyst)
        assert again == count and not report.conflicts, into


def test_both_directions_list_the_conflict_and_keep_the_later_edit(tmp_path: Path) -> None:
    copies = make_copies(tmp_path)
    edit(copies, "P", "Ben")
    edit(copies, "Q", "Cid")  # later
    report, *_ = merge(copies, "Q", "P", "Ana")  # ours is later: kept
    assert [c.what for c in report.conflicts] == ["annotation", "comment"]
    assert "P.sqlite's" in report.conflicts[0].reason
    summary = report.summary()
    assert (
        "1 annotation and 1 comment edited on both sides: the later edit kept, the other kept "
        "in history:" in summary
    )
    assert report.complete  # resolved: nothing of their file is missing
    report, *_ = merge(copies, "P", "Q", "Ana")  # theirs is later: applied
    assert (report.updated, report.comments_updated) == (1, 1)
    assert [c.what for c in report.conflicts] == ["annotation", "comment"]
    for name in ("P", "Q"):
        with Store.open(copies.path(name)) as store:
            assert store.annotations.get(copies.annotation).note == NOTES["Q"]
            assert store.comments.get(copies.comment).body == BODIES["Q"]


def test_the_conflict_entry_holds_the_whole_other_version_and_both_times(
    tmp_path: Path,
) -> None:
    copies = make_copies(tmp_path)
    edit(copies, "P", "Ben")
    edit(copies, "Q", "Cid")
    with Store.open(copies.path("P")) as p:
        theirs = p.annotations.get(copies.annotation)
    with Store.open(copies.path("Q")) as store:
        ours = store.annotations.get(copies.annotation)
        merge_project(store, copies.path("P"), analyst="Ana")
        [entry] = [e for e in store.history(entity_id=ours.id) if e.action == "merge-conflict"]
        ana = store.ensure_analyst("Ana").id
    assert entry.entity == "annotation" and entry.analyst_id == ana
    assert entry.document_id == ours.document_id
    lost = entry.before
    assert lost is not None
    assert (lost["note"], lost["modified"], lost["created"]) == (
        theirs.note,
        theirs.modified,
        theirs.created,
    )
    assert (lost["quote"], lost["start"], lost["end"], lost["label"], lost["analyst"]) == (
        theirs.quote,
        theirs.start,
        theirs.end,
        "Claim",
        "Ben",
    )
    assert entry.after == {
        "kept": "ours",
        "file": "P.sqlite",
        "ours": {"modified": ours.modified, "analyst": "Ben"},
        "theirs": {"modified": theirs.modified, "analyst": "Ben"},
    }


def test_an_edit_on_one_side_only_is_no_conflict(tmp_path: Path) -> None:
    copies = make_copies(tmp_path)
    edit(copies, "Q", "Cid")
    report, notes, _, _ = merge(copies, "P", "Q", "Ana")  # theirs: an edit of our version
    assert report.updated == 1 and not report.conflicts
    assert "edited on both sides" not in report.summary()
    report, *_ = merge(copies, "Q", "P", "Ana")  # theirs: an older version of ours
    assert report.unchanged == 1 and not report.conflicts
    for name in ("P", "Q"):
        with Store.open(copies.path(name)) as store:
            assert not [e for e in store.history() if e.action == "merge-conflict"], name


def test_a_merge_names_the_colleagues_project_not_a_scratch_file(tmp_path: Path) -> None:
    copies = make_copies(tmp_path)
    raw = sqlite3.connect(copies.path("P"))  # a document their file says nothing about
    raw.execute("UPDATE documents SET title = '', source = ''")
    raw.execute("UPDATE annotations SET note = ?", ["x" * 3_000_000])  # refused, listed
    raw.commit()
    raw.close()
    with Store.open(tmp_path / "fresh.sqlite") as store:
        report = merge_project(store, copies.path("P"), analyst="Ana")
        [(title, source, made)] = store.conn.execute(
            "SELECT title, source, import_report FROM documents"
        ).fetchall()
    summary = report.summary()
    assert summary.splitlines()[0].startswith("Annotations from P.sqlite (project):")
    assert report.refused and "Not merged from P.sqlite (1):" in summary
    for said in (summary, title, source, made):
        assert "theirs" not in said and "annotator-merge" not in said and "probe" not in said
    assert title == "P" and source == str(copies.path("P"))
    assert "P.sqlite" in made
