"""A colleague's file may not rewrite ours: annotations keep their analyst, yours stay yours,
dates in the future are refused, control characters are cleaned, and a damaged record is skipped
and listed by their file's name while the rest merges."""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_export_comments import build_reviewed
from test_merge import colleague, tag
from test_store_annotations import add_document

from annotator.core.interchange.fields import MAX_NOTE_CHARS
from annotator.core.merge import MergeReport, Refused, merge_project
from annotator.core.records import Annotation, AnnotationId, Comment, ReviewDecision
from annotator.core.session import Session
from annotator.core.store import Store

CLAIM = "China firmly opposes external forces"


def forge(path: Path, sql: str, *params: object) -> None:
    """Change their file behind Annotator's back, constraints and all."""
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA ignore_check_constraints = ON")
    raw.execute(sql, params)
    raw.commit()
    raw.close()


def soon(hours: float) -> str:
    stamp = datetime.now(UTC) + timedelta(hours=hours)
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def bobs_copy_of_mine(tmp_path: Path, ours: Store, who: str = "Alice") -> tuple[Annotation, Path]:
    """A claim of `who` in our project, and Bob's project, which merged ours (so holds it)."""
    session = Session(ours, ours.ensure_analyst(who))
    mine = tag(session, add_document(ours), "Claim", CLAIM)
    bob = tmp_path / "bob.sqlite"
    with Store.open(bob) as theirs:
        merge_project(theirs, ours.path, analyst="Bob")
    return mine, bob


def analyst_of(store: Store, annotation_id: str) -> str:
    row = store.conn.execute(
        "SELECT an.name FROM annotations a JOIN analysts an ON an.id = a.analyst_id WHERE a.id = ?",
        [annotation_id],
    ).fetchone()
    return str(row[0])


def test_a_file_dated_in_the_future_cannot_take_my_annotation(
    tmp_path: Path, fresh_store: Store
) -> None:
    fresh_store.ensure_analyst("Alice")
    mine, bob = bobs_copy_of_mine(tmp_path, fresh_store)
    forge(
        bob,
        "UPDATE annotations SET analyst_id = (SELECT id FROM analysts WHERE name = 'Bob'), "
        "note = 'mine now', modified = '2999-01-01T00:00:00.000Z' WHERE id = ?",
        mine.id,
    )
    report = merge_project(fresh_store, bob, analyst="Alice")
    assert fresh_store.annotations.get(mine.id) == mine
    assert analyst_of(fresh_store, mine.id) == "Alice"
    assert report.updated == 0 and not report.complete
    [refused] = report.refused
    assert refused.ident == mine.id and "2999-01-01" in refused.reason
    assert "in the future" in report.summary() and "bob.sqlite" in report.summary()


def test_their_edit_of_my_annotation_is_listed_not_applied(
    tmp_path: Path, fresh_store: Store
) -> None:
    mine, bob = bobs_copy_of_mine(tmp_path, fresh_store)
    with Store.open(bob) as theirs:  # Bob edits my claim in his project: it stays mine there
        Session(theirs, theirs.ensure_analyst("Bob")).update_annotation(mine.id, note="Bob's")
    report = merge_project(fresh_store, bob, analyst="Alice")
    assert fresh_store.annotations.get(mine.id) == mine
    assert report.updated == 0 and [y.ident for y in report.yours] == [mine.id]
    assert "bob.sqlite changes 1 of your annotations: not applied" in report.summary()
    again = merge_project(fresh_store, bob, analyst="Alice")  # still listed, still not applied
    assert len(again.yours) == 1 and fresh_store.annotations.get(mine.id) == mine


def test_their_file_cannot_give_another_analysts_annotation_to_someone_else(
    tmp_path: Path, fresh_store: Store
) -> None:
    carols, bob = bobs_copy_of_mine(tmp_path, fresh_store, who="Carol")
    forge(
        bob,
        "UPDATE annotations SET analyst_id = (SELECT id FROM analysts WHERE name = 'Bob'), "
        "note = 'Bob took it', modified = ? WHERE id = ?",
        soon(1),
        carols.id,
    )
    report = merge_project(fresh_store, bob, analyst="Alice")
    assert fresh_store.annotations.get(carols.id) == carols
    assert analyst_of(fresh_store, carols.id) == "Carol"
    [reowned] = report.reowned
    assert reowned.ident == carols.id and "Carol" in reowned.reason and "Bob" in reowned.reason
    assert "gives 1 annotation(s) to another analyst: not applied" in report.summary()


def test_their_own_edit_within_the_clock_skew_applies(tmp_path: Path, fresh_store: Store) -> None:
    theirs, ben, doc = colleague(tmp_path / "ben.sqlite")
    claim = tag(ben, doc, "Claim", CLAIM)
    theirs.close()
    merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    forge(
        tmp_path / "ben.sqlite",
        "UPDATE annotations SET note = 'a fast clock', modified = ? WHERE id = ?",
        soon(2),
        claim.id,
    )
    report = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    assert report.updated == 1 and report.complete, report.summary()
    assert fresh_store.annotations.get(claim.id).note == "a fast clock"
    assert analyst_of(fresh_store, claim.id) == "Ben"


def test_control_characters_in_names_and_notes_are_cleaned(
    tmp_path: Path, fresh_store: Store
) -> None:
    theirs, ben, doc = colleague(tmp_path / "ben.sqlite")
    claim = tag(ben, doc, "Claim", CLAIM)
    ben.update_annotation(claim.id, note="Note\x00 with \x1b[31m colour\nand two lines")
    theirs.close()
    forge(tmp_path / "ben.sqlite", "UPDATE analysts SET name = ? WHERE name = 'Ben'", "B\x1ben")
    forge(tmp_path / "ben.sqlite", "UPDATE labels SET name = ? WHERE name = 'Claim'", "Cla\x00im")
    report = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    merged = fresh_store.annotations.get(claim.id)
    assert merged.note == "Note with [31m colour\nand two lines"
    assert analyst_of(fresh_store, claim.id) == "Ben"
    assert merged.label_id == fresh_store.codebook.get().by_name("Claim").id
    assert report.added == 1 and report.cleaned == 3
    assert "Control characters (NUL, escapes…) removed from 3" in report.summary()


def test_damaged_records_are_skipped_and_listed_and_the_rest_merges(
    tmp_path: Path, fresh_store: Store
) -> None:
    theirs, ben, doc = colleague(tmp_path / "ben.sqlite")
    good = tag(ben, doc, "Claim", CLAIM)
    negative = tag(ben, doc, "Speaker", "Wei Fenghe")
    renamed = tag(ben, doc, "Target", "Kazakhstan")
    wordy = tag(ben, doc, "Claim", "values the partnership")
    theirs.close()
    path = tmp_path / "ben.sqlite"
    forge(path, "UPDATE annotations SET start = -5 WHERE id = ?", negative.id)
    forge(path, "UPDATE annotations SET id = 'not-a-uuid' WHERE id = ?", renamed.id)
    forge(
        path, "UPDATE annotations SET note = ? WHERE id = ?", "x" * (MAX_NOTE_CHARS + 1), wordy.id
    )
    report = merge_project(fresh_store, path, analyst="Ana")
    assert report.added == 1 and fresh_store.annotations.find(good.id) is not None
    listed = {r.ident: r for r in report.refused}
    assert set(listed) == {negative.id, "not-a-uuid", wordy.id}
    assert "“start”" in listed[negative.id].reason and listed[negative.id].quote == "Wei Fenghe"
    assert "“id” must be a UUID" in listed["not-a-uuid"].reason
    assert f"at most {MAX_NOTE_CHARS:,}" in listed[wordy.id].reason
    text = report.summary()
    assert "Not merged from ben.sqlite (3):" in text and "not-a-uuid" in text
    assert "theirs" not in text and "line " not in text  # no scratch file, no line numbers


def test_records_pointing_to_a_missing_document_label_or_analyst_are_listed(
    tmp_path: Path, fresh_store: Store
) -> None:
    theirs, ben, doc = colleague(tmp_path / "ben.sqlite")
    tag(ben, doc, "Claim", CLAIM)
    no_document = tag(ben, doc, "Speaker", "Wei Fenghe")
    no_label = tag(ben, doc, "Target", "Kazakhstan")
    binary = tag(ben, doc, "Claim", "values the partnership")
    theirs.close()
    path = tmp_path / "ben.sqlite"
    forge(
        path,
        "UPDATE annotations SET document_id = ? WHERE id = ?",
        str(uuid.uuid4()),
        no_document.id,
    )
    forge(path, "UPDATE annotations SET label_id = 'gone' WHERE id = ?", no_label.id)
    forge(path, "UPDATE annotations SET note = x'00ff' WHERE id = ?", binary.id)
    report = merge_project(fresh_store, path, analyst="Ana")
    assert report.added == 1
    reasons = {r.ident: r.reason for r in report.refused}
    assert reasons == {
        no_document.id: "its document is not in the file",
        no_label.id: "its label is not in the file's codebook",
        binary.id: "it holds binary data where text belongs",
    }
    assert (tmp_path / "ben.sqlite").exists()


def test_a_colleague_project_without_documents_merges_nothing(
    tmp_path: Path, fresh_store: Store
) -> None:
    Store.open(tmp_path / "empty.sqlite").close()
    report = merge_project(fresh_store, tmp_path / "empty.sqlite", analyst="Ana")
    assert report.added == 0 and report.complete


@pytest.mark.parametrize("count", [20, 25])
def test_long_lists_are_cut_after_twenty(count: int) -> None:
    report = MergeReport(Path("ben.sqlite"), "project")
    report.refused = [Refused("annotation", f"id{n}", f"quote {n}", "bad") for n in range(count)]
    text = report.summary()
    assert "quote 19" in text and "quote 20" not in text
    assert ("… and 5 more" in text) == (count == 25)


def test_nothing_in_their_file_is_applied_to_an_annotation_id_they_reuse(
    tmp_path: Path, fresh_store: Store
) -> None:
    """Their new annotation reusing my id with their own analyst: listed, mine kept."""
    mine, bob = bobs_copy_of_mine(tmp_path, fresh_store)
    forge(
        bob,
        "UPDATE annotations SET analyst_id = (SELECT id FROM analysts WHERE name = 'Bob'), "
        "modified = ? WHERE id = ?",
        soon(0.5),
        mine.id,
    )
    report = merge_project(fresh_store, bob, analyst="Alice")
    assert fresh_store.annotations.get(AnnotationId(mine.id)) == mine
    [yours] = report.yours
    assert "given to Bob" in yours.reason


# -- merge-guard-2: only I make or delete my records; comments and decisions guarded alike ----


def test_their_file_cannot_add_annotations_under_my_name(
    tmp_path: Path, fresh_store: Store
) -> None:
    fresh_store.ensure_analyst("Alice")
    theirs, ben, doc = colleague(tmp_path / "bob.sqlite")
    bens = tag(ben, doc, "Claim", CLAIM)
    as_me = Session(theirs, theirs.ensure_analyst(" Alice "))  # spaced: still my name here
    forged = [
        tag(as_me, doc, name, q)
        for name, q in (
            ("Speaker", "Wei Fenghe"),
            ("Target", "Kazakhstan"),
            ("Claim", "values the partnership"),
        )
    ]
    theirs.close()
    report = merge_project(fresh_store, tmp_path / "bob.sqlite", analyst="Alice")
    assert all(fresh_store.annotations.find(a.id) is None for a in forged)
    assert report.added == 1 and fresh_store.annotations.find(bens.id) is not None
    assert {a.ident for a in report.absent} == {a.id for a in forged}
    assert {a.reason for a in report.absent} == {"never in this project (not made by you here)"}
    assert not report.complete
    assert (
        "bob.sqlite holds 3 annotations under your name that your project does not have "
        "(deleted here, or not made by you): not added:"
    ) in report.summary()


def test_an_annotation_i_deleted_is_not_brought_back_by_their_later_version(
    tmp_path: Path, fresh_store: Store
) -> None:
    mine, bob = bobs_copy_of_mine(tmp_path, fresh_store)
    Session(fresh_store, fresh_store.ensure_analyst("Alice")).delete_annotation(mine.id)
    with Store.open(bob) as theirs:  # Bob edits it after my deletion: still mine in his file
        Session(theirs, theirs.ensure_analyst("Bob")).update_annotation(mine.id, note="Bob's")
    report = merge_project(fresh_store, bob, analyst="Alice")
    assert fresh_store.annotations.find(mine.id) is None
    [absent] = report.absent
    assert absent.ident == mine.id and absent.quote == CLAIM
    assert absent.reason.startswith("deleted in this project on ")
    assert report.added == 0 and not report.orphans
    assert "holds 1 annotation under your name" in report.summary()


def test_a_round_trip_of_my_project_lists_nothing_of_mine(
    tmp_path: Path, fresh_store: Store
) -> None:
    """I send my project to Bob, he merges it, adds his own and sends his back: mine are
    unchanged, nothing of mine is listed."""
    mine, bob = bobs_copy_of_mine(tmp_path, fresh_store)
    alice = Session(fresh_store, fresh_store.ensure_analyst("Alice"))
    alice.add_comment(mine.id, "Mine")
    with Store.open(bob) as theirs:
        merge_project(theirs, fresh_store.path, analyst="Bob")
        bob_session = Session(theirs, theirs.ensure_analyst("Bob"))
        bob_session.add_comment(mine.id, "Bob's reply")
    report = merge_project(fresh_store, bob, analyst="Alice")
    assert report.complete, report.summary()
    assert (report.added, report.updated, report.unchanged) == (0, 0, 1)
    assert (report.comments_added, report.comments_unchanged) == (1, 1)
    assert not (report.absent or report.yours or report.reowned or report.refused)


def discussed(tmp_path: Path, ours: Store) -> tuple[Comment, Comment, Path]:
    """My comment and Carol's on my claim, and Bob's project, which merged ours."""
    mine, _ = bobs_copy_of_mine(tmp_path, ours)
    my_comment, _ = Session(ours, ours.ensure_analyst("Alice")).add_comment(mine.id, "Mine")
    carols, _ = Session(ours, ours.ensure_analyst("Carol")).add_comment(mine.id, "Carol's")
    bob = tmp_path / "bob.sqlite"
    with Store.open(bob) as theirs:
        merge_project(theirs, ours.path, analyst="Bob")
    return my_comment, carols, bob


def test_their_later_version_of_my_comment_is_listed_not_applied(
    tmp_path: Path, fresh_store: Store
) -> None:
    my_comment, _, bob = discussed(tmp_path, fresh_store)
    with Store.open(bob) as theirs:
        theirs_copy = theirs.comments.get(my_comment.id)  # my name, their id for it
        edited = dataclasses.replace(theirs_copy, body="Bob's words in my mouth")
        theirs.comments.put(edited, analyst_id=None)
    report = merge_project(fresh_store, bob, analyst="Alice")
    assert fresh_store.comments.get(my_comment.id) == my_comment
    assert report.comments_updated == 0
    [yours] = report.yours
    assert (yours.what, yours.ident, yours.quote) == ("comment", my_comment.id, edited.body)
    assert "bob.sqlite changes 1 of your comments: not applied" in report.summary()


def test_their_file_cannot_give_a_comment_to_another_author(
    tmp_path: Path, fresh_store: Store
) -> None:
    _, carols, bob = discussed(tmp_path, fresh_store)
    with Store.open(bob) as theirs:
        taken = dataclasses.replace(
            carols, author_id=theirs.ensure_analyst("Bob").id, body="Bob's now"
        )
        theirs.comments.put(taken, analyst_id=None)
    report = merge_project(fresh_store, bob, analyst="Alice")
    assert fresh_store.comments.get(carols.id) == carols
    [reowned] = report.reowned
    assert reowned.what == "comment" and "Carol" in reowned.reason and "Bob" in reowned.reason
    assert "bob.sqlite gives 1 comment(s) to another analyst: not applied" in report.summary()


def test_comments_under_my_name_or_dated_in_the_future_are_not_added(
    tmp_path: Path, fresh_store: Store
) -> None:
    my_comment, _, bob = discussed(tmp_path, fresh_store)
    claim = my_comment.annotation_id
    with Store.open(bob) as theirs:
        forged, _ = Session(theirs, theirs.ensure_analyst("Alice")).add_comment(claim, "Forged")
        dated, _ = Session(theirs, theirs.ensure_analyst("Bob")).add_comment(claim, "From 2999")
        fine, _ = Session(theirs, theirs.ensure_analyst("Bob")).add_comment(claim, "Bob's")
    forge(bob, "UPDATE comments SET created = '2999-01-01T00:00:00.000Z' WHERE id = ?", dated.id)
    report = merge_project(fresh_store, bob, analyst="Alice")
    assert [c.body for c in fresh_store.comments.thread(claim)] == ["Mine", "Carol's", "Bob's"]
    assert [(a.what, a.ident) for a in report.absent] == [("comment", forged.id)]
    assert report.absent[0].reason == "never in this project (not made by you here)"
    [refused] = report.refused
    assert refused.ident == dated.id and "in the future" in refused.reason
    text = report.summary()
    assert "bob.sqlite holds 1 comment under your name" in text and "From 2999" in text


def reviewed_by_me(tmp_path: Path, ours: Store) -> tuple[ReviewDecision, Path]:
    """Our project reviewed by @mei (the analyst merging, below), and Bob's, which merged it."""
    decision = build_reviewed(ours).decisions[0]
    bob = tmp_path / "bob.sqlite"
    with Store.open(bob) as theirs:
        merge_project(theirs, ours.path, analyst="Bob")
    return decision, bob


@pytest.mark.parametrize(
    ("change", "merging", "listed"),
    [
        ("decided", "@mei", "changes 1 of your review decisions: not applied"),
        ("reviewer", "Ana", "gives 1 review decision(s) to another analyst: not applied"),
        ("future", "Ana", "in the future"),
        ("deleted", "@mei", "holds 1 review decision under your name"),
    ],
)
def test_their_file_cannot_rewrite_review_decisions(
    tmp_path: Path, fresh_store: Store, change: str, merging: str, listed: str
) -> None:
    decision, bob = reviewed_by_me(tmp_path, fresh_store)
    if change == "deleted":  # I undo my decision after Bob took my project
        fresh_store.reviews.remove(decision.id, analyst_id=None)
    with Store.open(bob) as theirs:
        version = theirs.reviews.find(decision.id)
        assert version is not None
        theirs_now = dataclasses.replace(
            version,
            decision="second",
            decided="2999-01-01T00:00:00.000Z" if change == "future" else soon(1),
        )
        if change == "reviewer":
            theirs_now = dataclasses.replace(
                theirs_now, reviewer_id=theirs.ensure_analyst("Bob").id
            )
        theirs.reviews.put(theirs_now, analyst_id=None)
    before = fresh_store.reviews.find(decision.id)
    report = merge_project(fresh_store, bob, analyst=merging)
    assert fresh_store.reviews.find(decision.id) == before
    assert (report.decisions_added, report.decisions_updated) == (0, 0)
    assert listed in report.summary() and not report.complete
    listed_ids = [
        r.ident for r in (*report.yours, *report.reowned, *report.refused, *report.absent)
    ]
    assert listed_ids == [decision.id]


def test_links_under_my_name_are_not_added_nor_brought_back(
    tmp_path: Path, fresh_store: Store
) -> None:
    alice = Session(fresh_store, fresh_store.ensure_analyst("Alice"))
    doc = add_document(fresh_store)
    claim = tag(alice, doc, "Claim", CLAIM)
    alice.set_link(
        source_id=claim.id, kind="said_by", target_id=tag(alice, doc, "Speaker", "Wei Fenghe").id
    )
    [deleted] = fresh_store.annotations.links_touching(claim.id)
    bob = tmp_path / "bob.sqlite"
    with Store.open(bob) as theirs:
        merge_project(theirs, fresh_store.path, analyst="Bob")
        [bob_doc] = theirs.documents.list()
        bens = Session(theirs, theirs.ensure_analyst("Bob"))
        bens_claim = tag(bens, bob_doc.id, "Claim", "values the partnership")
        as_me = Session(theirs, theirs.ensure_analyst("Alice"))  # Bob links as me
        as_me.set_link(source_id=bens_claim.id, kind="about", name="Kazakhstan")
        [forged] = theirs.annotations.links_touching(bens_claim.id)
    alice.set_link(source_id=claim.id, kind="said_by")  # I clear mine after sending
    report = merge_project(fresh_store, bob, analyst="Alice")
    assert fresh_store.annotations.links_touching(claim.id) == []
    assert fresh_store.annotations.links_touching(bens_claim.id) == []
    assert report.added == 1 and report.links_added == 0
    reasons = {a.ident: a.reason for a in report.absent}
    assert reasons[deleted.id].startswith("deleted in this project on ")
    assert reasons[forged.id] == "never in this project (not made by you here)"
    assert "holds 2 links under your name" in report.summary()
